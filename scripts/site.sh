#!/usr/bin/env bash
# Quick start: set everything up and run a whole demo site on this machine (broker + queue server).
# Extra arguments go to `motcua site`, e.g. --port 8080 or --host 0.0.0.0.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-packages.sh
bash scripts/venv.sh
exec .venv/bin/motcua site --demo --data-dir "${MOTCUA_DATA_DIR:-.site-data}" "$@"
