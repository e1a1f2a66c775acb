#!/usr/bin/env bash
# Install the Debian packages motcua needs (the MQTT broker, Chromium for the console tests, espeak-ng for
# announcements, Mesa for Kivy offscreen). Installs only what is missing; needs root (or sudo).
set -euo pipefail

PACKAGES=(mosquitto chromium espeak-ng libespeak-ng1 fonts-dejavu-core libgl1 libegl1 libgles2 libgl1-mesa-dri
          libmtdev1 sox postgresql tesseract-ocr tesseract-ocr-vie sane-utils poppler-utils mmdebstrap)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "motcua: missing system packages: ${missing[*]} (run this script as root)" >&2; exit 1
  fi
else
  SUDO=
fi
echo "motcua: installing system packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
