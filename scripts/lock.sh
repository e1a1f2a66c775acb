#!/usr/bin/env bash
# Refresh the lock files requirements/<role>.txt: exact versions with their SHA-256 hashes, resolved by uv
# (`uv pip compile --universal --generate-hashes`) from pyproject.toml's extras. One file per role:
#   server  = server,agent   (provisioning/core/imageconfig.py PIP_EXTRAS["server"])
#   kiosk   = kiosk,agent    (also the feedback tablet)
#   display = display,agent  (also the counter display)
#   agent   = agent          (an edge agent alone)
#   monitor = monitor        (the province, PIP_EXTRAS["province"])
#   dev     = all            (CI and a developer's .venv: scripts/venv.sh)
# --universal: one file for x86-64 and the Pis' arm64, Python 3.11+ (markers pick the wheels).
#
#   scripts/lock.sh            keep the versions already locked, add/remove what pyproject.toml changed
#   scripts/lock.sh --upgrade  move every package to its newest release allowed by pyproject.toml
#   scripts/lock.sh --upgrade-package NAME   move one package
set -euo pipefail
cd "$(dirname "$0")/.."
UV=${UV:-}
if [ -z "$UV" ]; then
  if [ -x .venv/bin/uv ]; then UV=.venv/bin/uv; elif command -v uv >/dev/null; then UV=uv; else
    echo "lock.sh: uv not found (pip install uv, or set UV=)" >&2; exit 2
  fi
fi
declare -A EXTRAS=(
  [server]="server agent" [kiosk]="kiosk agent" [display]="display agent" [agent]="agent"
  [monitor]="monitor" [dev]="all"
)
for role in dev server kiosk display agent monitor; do
  args=()
  for extra in ${EXTRAS[$role]}; do args+=(--extra "$extra"); done
  out=requirements/$role.txt
  # The dev lock's versions are the ones CI tested: the role files prefer them (uv keeps the pins already
  # in the output file), so a device runs what CI ran.
  if [ "$role" != dev ] && [ ! -f "$out" ]; then cp requirements/dev.txt "$out"; fi
  "$UV" pip compile pyproject.toml "${args[@]}" --universal --python-version 3.11 --generate-hashes \
    --no-header --annotation-style line --quiet --output-file "$out" "$@"
  sed -i "1i # Lock of motcua role \"$role\" (extras: ${EXTRAS[$role]}); made by scripts/lock.sh — do not edit." "$out"
  echo "lock.sh: $out ($(grep -c '^[a-zA-Z0-9]' "$out") packages)"
done
