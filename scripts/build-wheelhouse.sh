#!/usr/bin/env bash
# Build the wheels one device role needs, for a site without internet: the motcua wheel from this checkout
# and every dependency of its extras for that role. Copy the directory to the device (USB stick) and run
#   sudo scripts/install-device.sh --role ROLE --wheelhouse DIR
#
#   scripts/build-wheelhouse.sh --role kiosk [--out DIR] [--python PYTHON] [--wheel motcua-X.whl]
#
# The wheels are for the machine this runs on (CPU architecture and Python version): build on an x86-64
# Debian bookworm for x86-64 terminals, on a Raspberry Pi OS bookworm (arm64) for the Pis. Re-running only
# adds what is missing (pip reuses the wheels already in DIR).
set -euo pipefail

usage() {
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
  exit "${1:-2}"
}

root=$(cd "$(dirname "$0")/.." && pwd)
role="" out="" wheel=""
python=${PYTHON:-}
while [ $# -gt 0 ]; do
  case "$1" in
    --role) role=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    --python) python=${2:?}; shift 2 ;;
    --wheel) wheel=${2:?}; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "build-wheelhouse: unknown option $1" >&2; usage ;;
  esac
done
[ -n "$role" ] || { echo "build-wheelhouse: --role is required" >&2; usage; }
if [ -z "$python" ]; then
  if [ -x "$root/.venv/bin/python" ]; then python="$root/.venv/bin/python"; else python=python3; fi
fi
out=${out:-$root/dist/wheelhouse-$role}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# The role's extras come from the same table the installer uses (provisioning/core/imageconfig.py).
extras=$(cd "$root" && "$python" -c 'import sys
from provisioning.core.imageconfig import PIP_EXTRAS
role = sys.argv[1]
if role not in PIP_EXTRAS:
    sys.exit("build-wheelhouse: role must be one of " + " ".join(PIP_EXTRAS))
print(PIP_EXTRAS[role])' "$role")

if [ -z "$wheel" ]; then
  echo "build-wheelhouse: building the motcua wheel from $root"
  rm -f "$out"/motcua-*.whl
  # From a clean copy: an in-tree build/ directory would carry modules deleted since into the wheel.
  src=$(mktemp -d)
  trap 'rm -rf "$src"' EXIT
  tar -C "$root" --exclude=./.venv --exclude=./.git --exclude=./build --exclude=./dist --exclude='*.egg-info' \
    --exclude=__pycache__ --exclude=.mypy_cache --exclude=.ruff_cache --exclude=.pytest_cache -cf - . | tar -C "$src" -xf -
  "$python" -m pip wheel -q --no-deps -w "$out" "$src"
  wheel=$(ls "$out"/motcua-*.whl)
else
  cp -f "$wheel" "$out/"
  wheel="$out/$(basename "$wheel")"
fi
echo "build-wheelhouse: wheels of motcua[$extras] for role $role into $out"
# pip wheel: binary wheels are downloaded, the few source-only packages are built into wheels here.
"$python" -m pip wheel -q --find-links "$out" -w "$out" "${wheel}[${extras}]"
# The installer's venv needs nothing else, but an up-to-date pip and setuptools help on old images.
"$python" -m pip download -q --only-binary=:all: -d "$out" pip setuptools wheel
count=$(find "$out" -maxdepth 1 -name '*.whl' | wc -l)
size=$(du -sh "$out" | cut -f1)
echo "build-wheelhouse: $count wheels, $size in $out"
echo "  install on the device: sudo scripts/install-device.sh --role $role --wheelhouse $out"
