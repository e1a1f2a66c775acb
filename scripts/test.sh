#!/usr/bin/env bash
# Run the whole test suite: lint (ruff), types (mypy, strict on the pure cores), then pytest with real
# services (mosquitto, Chromium, espeak-ng, Kivy offscreen). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-packages.sh
bash scripts/venv.sh
export SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy KIVY_NO_ARGS=1 KIVY_NO_CONSOLELOG=1
echo "== ruff"
.venv/bin/ruff check .
echo "== mypy"
.venv/bin/mypy queue_server motcua kiosk_ui edge_agent models monitor provisioning firmware_configs simulation
echo "== pytest"
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ $status -eq 5 ]; then
  echo "pytest collected no tests" >&2
  exit 1
fi
exit $status
