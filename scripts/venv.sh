#!/usr/bin/env bash
# Create (or update) the virtual environment in .venv at the repository root from the lock file
# requirements/dev.txt (every extra, exact versions, checked against their SHA-256 hashes), then the project
# itself in editable mode without dependencies. Refresh the lock with scripts/lock.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.motcua-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements/dev.txt -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --require-hashes -r requirements/dev.txt
  .venv/bin/python -m pip install -q --no-deps -e .
  touch "$stamp"
fi
