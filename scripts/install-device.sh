#!/usr/bin/env bash
# Install motcua on a fresh Debian bookworm (x86-64) or Raspberry Pi OS bookworm (arm64) device, as root:
#
#   sudo scripts/install-device.sh --role ROLE (--wheel motcua-X.whl | --wheelhouse DIR) [options]
#
# ROLE: server, kiosk, display, counter_display, feedback, province. Steps: the Debian packages the role
# needs, the service user, motcua in a venv at /opt/motcua (from the wheel and PyPI, or offline from a
# wheelhouse made by scripts/build-wheelhouse.sh), the role's rendered files (`motcua provision
# image-config`), the units enabled. A device then waits for enrolment (`motcua provision enroll`); a server
# or province starts at once. Running it again changes nothing that is already right, and says so.
#
# Options:
#   --wheel FILE            the motcua wheel (its dependencies from PyPI, or from --wheelhouse)
#   --wheelhouse DIR        offline: every wheel from DIR, no index (pip --no-index)
#   --site ID               site id (server; devices take theirs from enrolment)
#   --platform P            rpi-bookworm or debian-x86 (default: from the CPU architecture)
#   --rotation DEG          screen rotation 0, 90, 180, 270 (screen roles)
#   --province-broker URL   server: bridge the site broker to the province, mqtt[s]://[user:pass@]host:port
#   --no-apt                do not install Debian packages (they must be there already)
#   --no-start              enable the units but do not start them now
#   --prefix DIR            where the venv goes (default: /opt/motcua)
set -Eeuo pipefail

PREFIX=/opt/motcua
DATA_DIR=/var/lib/motcua
SERVICE_USER=motcua
LOG=/var/log/motcua-install.log
BASE_PACKAGES=(python3 python3-venv ca-certificates)
ORIGINAL_ARGS=("$@")

role="" wheel="" wheelhouse="" site="" platform="" rotation=0 province_broker="" use_apt=1 start_now=1
usage() {
  sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'
  exit "${1:-2}"
}
while [ $# -gt 0 ]; do
  case "$1" in
    --role) role=${2:?--role needs a value}; shift 2 ;;
    --wheel) wheel=${2:?--wheel needs a file}; shift 2 ;;
    --wheelhouse) wheelhouse=${2:?--wheelhouse needs a directory}; shift 2 ;;
    --site) site=${2:?}; shift 2 ;;
    --platform) platform=${2:?}; shift 2 ;;
    --rotation) rotation=${2:?}; shift 2 ;;
    --province-broker) province_broker=${2:?}; shift 2 ;;
    --no-apt) use_apt=0; shift ;;
    --no-start) start_now=0; shift ;;
    --prefix) PREFIX=${2:?}; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "install-device: unknown option $1" >&2; usage ;;
  esac
done

step="checking the arguments"
changes=0
say() { printf 'motcua install: %s\n' "$*"; }
changed() { changes=$((changes + 1)); say "  changed: $*"; }
fail() {
  local code=$?
  {
    if [ -s "$LOG" ]; then
      echo "--- the end of $LOG:"
      tail -n 15 "$LOG"
      echo "---"
    fi
    echo
    say "FAILED while $step (exit $code)."
    say "Fix the cause shown above (details in $LOG), then run the same command again:"
    say "  $0 ${ORIGINAL_ARGS[*]}"
    say "Steps already done are checked and left as they are."
  } >&2
  exit "$code"
}
trap fail ERR

case "$role" in
  server|kiosk|display|counter_display|feedback|province) ;;
  "") echo "install-device: --role is required" >&2; usage ;;
  *) echo "install-device: unknown role $role" >&2; usage ;;
esac
if [ -z "$wheel" ] && [ -z "$wheelhouse" ]; then
  echo "install-device: give --wheel FILE or --wheelhouse DIR" >&2; usage
fi
if [ -n "$wheelhouse" ] && [ -z "$wheel" ]; then
  wheel=$(find "$wheelhouse" -maxdepth 1 -name 'motcua-*.whl' | sort | tail -n 1)
  [ -n "$wheel" ] || { echo "install-device: no motcua-*.whl in $wheelhouse" >&2; exit 2; }
fi
[ -f "$wheel" ] || { echo "install-device: $wheel does not exist" >&2; exit 2; }
wheel=$(cd "$(dirname "$wheel")" && pwd)/$(basename "$wheel")
[ -z "$wheelhouse" ] || wheelhouse=$(cd "$wheelhouse" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "install-device: run as root (sudo)" >&2; exit 2; }

step="checking the operating system"
. /etc/os-release
case "${ID:-}:${VERSION_CODENAME:-}" in
  debian:bookworm|debian:trixie|raspbian:bookworm|raspbian:trixie) ;;
  *) say "warning: tested on Debian / Raspberry Pi OS bookworm, this is ${PRETTY_NAME:-unknown}" ;;
esac
if [ -z "$platform" ]; then
  case "$(dpkg --print-architecture)" in
    arm64|armhf) platform=rpi-bookworm ;;
    *) platform=debian-x86 ;;
  esac
fi
# Under systemd (a booted device) units are started; in a chroot or image build they start at boot.
booted=0
[ -d /run/systemd/system ] && booted=1
mkdir -p "$(dirname "$LOG")"
say "role $role, platform $platform, venv $PREFIX$([ "$booted" -eq 1 ] || echo ', not booted: units start at next boot')"
exec 3>>"$LOG"
echo "=== $(date -u +%FT%TZ) $0 ${ORIGINAL_ARGS[*]}" >&3

apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$use_apt" -eq 0 ]; then
    say "missing Debian packages: ${missing[*]} (without --no-apt they are installed)" >&2
    return 1
  fi
  say "installing Debian packages: ${missing[*]}"
  # update only when a package is not known yet (an offline site's local mirror may be slow)
  if ! apt-get install -y -qq --no-install-recommends --simulate "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq -o Acquire::Retries=3 >&3 2>&1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Acquire::Retries=3 --no-install-recommends "${missing[@]}" >&3 2>&1
  changed "Debian packages ${missing[*]}"
}

step="installing the base Debian packages (${BASE_PACKAGES[*]}; apt-get, see $LOG)"
apt_install "${BASE_PACKAGES[@]}"

step="creating the service user $SERVICE_USER"
if ! id -u "$SERVICE_USER" >/dev/null 2>&1; then
  useradd --system --home-dir "$DATA_DIR" --no-create-home --shell /usr/sbin/nologin "$SERVICE_USER"
  changed "user $SERVICE_USER"
fi

step="creating the venv in $PREFIX/a"
# Two slots for signed A/B updates (`motcua provision update`): $PREFIX/a and $PREFIX/b, $PREFIX/current
# names the running one and $PREFIX/bin follows it, so the units' /opt/motcua/bin/motcua is always current.
if [ ! -L "$PREFIX/current" ]; then
  mkdir -p "$PREFIX"
  python3 -m venv "$PREFIX/a"
  ln -sfn a "$PREFIX/current"
  changed "venv $PREFIX/a (slot a, current)"
fi
# The slot's own python (not via the symlinks: a venv is found from its real path, and pip writes that
# path into the scripts' #! line, so each slot's scripts run their own slot).
py="$PREFIX/$(readlink "$PREFIX/current")/bin/python"
if [ "$(readlink "$PREFIX/bin" 2>/dev/null)" != current/bin ]; then
  ln -sfn current/bin "$PREFIX/bin"
  changed "$PREFIX/bin -> current/bin"
fi

step="installing motcua into $PREFIX (pip, see $LOG)"
extras=$("$py" - "$wheel" "$role" <<'EOF'
import ast, sys, zipfile
# The role's extras from the wheel's own table (provisioning/core/imageconfig.py PIP_EXTRAS).
with zipfile.ZipFile(sys.argv[1]) as whl:
    tree = ast.parse(whl.read("provisioning/core/imageconfig.py").decode())
for node in tree.body:
    if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "PIP_EXTRAS":
        print(ast.literal_eval(node.value)[sys.argv[2]])
EOF
)
[ -n "$extras" ] || { say "$wheel has no extras table for role $role (an older wheel?)" >&2; false; }
pip_args=(--disable-pip-version-check)
[ -z "$wheelhouse" ] || pip_args+=(--no-index --find-links "$wheelhouse")
stamp="$PREFIX/current/.motcua-wheel"
wanted="$(sha256sum "$wheel" | cut -d' ' -f1) $extras"
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  # A rebuilt wheel of the same version is installed again (pip would take it as already satisfied).
  "$py" -m pip install "${pip_args[@]}" -q "${wheel}[${extras}]" >&3 2>&1
  "$py" -m pip install "${pip_args[@]}" -q --force-reinstall --no-deps "$wheel" >&3 2>&1
  echo "$wanted" >"$stamp"
  changed "python packages: motcua[$extras] from $(basename "$wheel")"
fi
motcua="$PREFIX/bin/motcua"
if [ "$(readlink /usr/local/bin/motcua 2>/dev/null)" != "$motcua" ]; then
  ln -sfn "$motcua" /usr/local/bin/motcua
  changed "/usr/local/bin/motcua -> $motcua"
fi

step="installing the Debian packages of role $role (apt-get, see $LOG)"
read -r -a role_packages <<<"$("$py" -c 'import sys
from provisioning.core.imageconfig import DEBIAN_PACKAGES
print(" ".join(DEBIAN_PACKAGES[sys.argv[1]]))' "$role")"
apt_install "${role_packages[@]}"
case "$role" in  # the screen roles' app reaches the GPU, touch input and the receipt printer
  kiosk|feedback) groups=(video render input lp) ;;
  display|counter_display) groups=(video render input) ;;
  *) groups=() ;;
esac
for group in "${groups[@]}"; do
  if getent group "$group" >/dev/null && ! id -nG "$SERVICE_USER" | tr ' ' '\n' | grep -qx "$group"; then
    usermod -a -G "$group" "$SERVICE_USER"
    changed "user $SERVICE_USER in group $group"
  fi
done

step="rendering the files of role $role (motcua provision image-config)"
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
render_args=(provision image-config --role "$role" --out "$staging" --platform "$platform" --rotation "$rotation")
[ -z "$site" ] || render_args+=(--site "$site")
"$motcua" "${render_args[@]}" >&3
if [ "$role" = server ] && [ -n "$province_broker" ]; then
  step="writing the uplink bridge to $province_broker (motcua agent --print-bridge-config)"
  bridge="$staging/etc/mosquitto/conf.d/motcua-bridge.conf"
  "$motcua" agent --site "${site:-$(. "$staging/etc/motcua/device.env"; echo "$DEVICE_SITE")}" \
    --print-bridge-config "$province_broker" >"$bridge"
  "$py" - "$province_broker" >>"$bridge" <<'EOF'
import sys
from urllib.parse import unquote, urlsplit
url = urlsplit(sys.argv[1])
if url.username:
    print(f"remote_username {unquote(url.username)}")
if url.password:
    print(f"remote_password {unquote(url.password)}")
if url.scheme == "mqtts":
    print("bridge_capath /etc/ssl/certs")
EOF
fi

step="installing the rendered files"
installed_units=()
changed_files=()
while IFS= read -r -d '' file; do
  relative=${file#"$staging"/}
  target="/$relative"
  case "$relative" in README-*) target="/usr/share/doc/motcua/$relative" ;; esac
  mode=0644
  case "$relative" in usr/local/bin/*) mode=0755 ;; esac
  case "$relative" in etc/mosquitto/conf.d/motcua-bridge.conf|etc/motcua/*.env) mode=0640 ;; esac
  if [ -f "$target" ] && cmp -s "$file" "$target" && [ "$(stat -c %a "$target")" = "${mode#0}" ]; then
    :
  else
    install -D -m "$mode" "$file" "$target"
    changed_files+=("$target")
    changed "$target"
  fi
  case "$relative" in
    etc/mosquitto/conf.d/motcua-bridge.conf) chgrp mosquitto "$target" ;;
    etc/motcua/*.env) chgrp "$SERVICE_USER" "$target" ;;
  esac
  case "$relative" in
    etc/systemd/system/*/*) ;;
    etc/systemd/system/*.service|etc/systemd/system/*.path|etc/systemd/system/*.target)
      installed_units+=("$(basename "$relative")") ;;
  esac
done < <(find "$staging" -type f -print0 | sort -z)

step="creating the data directories (systemd-tmpfiles)"
systemd-tmpfiles --create /etc/tmpfiles.d/motcua.conf >&3 2>&1 || true
for dir in "$DATA_DIR" "$DATA_DIR/identity" "$DATA_DIR/spool" "$DATA_DIR/agent"; do
  if [ ! -d "$dir" ] || [ "$(stat -c %U "$dir")" != "$SERVICE_USER" ]; then
    install -d -o "$SERVICE_USER" -g "$SERVICE_USER" -m 0750 "$dir"
    changed "directory $dir"
  fi
done
if [ "$role" = province ] && [ ! -f /etc/mosquitto/motcua-province.passwd ]; then
  install -m 0640 -g mosquitto /dev/null /etc/mosquitto/motcua-province.passwd
  changed "/etc/mosquitto/motcua-province.passwd (add one account per site: mosquitto_passwd)"
fi

step="enabling the units"
case "$role" in
  server) enable=(mosquitto.service motcua-server.service motcua-agent.service motcua-backup.timer) ;;
  province) enable=(postgresql.service mosquitto.service motcua-monitor.service) ;;
  *) enable=(motcua-enrolled.path motcua-app.service motcua-agent.service) ;;
esac
enable+=(motcua-update-recover.service)
[ "$booted" -eq 0 ] || [ ${#changed_files[@]} -eq 0 ] || systemctl daemon-reload
for unit in "${enable[@]}"; do
  if ! systemctl is-enabled --quiet "$unit" 2>/dev/null; then
    systemctl enable --quiet "$unit" >&3 2>&1
    changed "enabled $unit"
  fi
done
if [ "$booted" -eq 1 ] && [ "$start_now" -eq 1 ]; then
  step="starting the units"
  for unit in "${enable[@]}"; do
    if [ ${#changed_files[@]} -gt 0 ] || ! systemctl is-active --quiet "$unit"; then
      systemctl restart "$unit"
    fi
  done
fi

echo >&3 "done: $changes changes"
if [ "$changes" -eq 0 ]; then
  say "nothing to change: motcua $role is already installed as asked."
else
  say "done: $changes changes."
fi
case "$role" in
  server)
    say "the site server starts its broker, queue server and agent (systemctl status motcua-server motcua-agent);"
    say "enrolment codes for the devices: motcua provision create-code --data-dir $DATA_DIR --role kiosk" ;;
  province)
    say "the monitor runs on PostgreSQL (systemctl status motcua-monitor); a token for an HTTPS site:"
    say "  sudo -u $SERVICE_USER $motcua monitor --db 'postgresql:///motcua?host=/var/run/postgresql' --create-site-token SITE" ;;
  *)
    say "waiting for enrolment: with the code from the site server, run"
    say "  sudo -u $SERVICE_USER $motcua provision enroll --code XXXX-XXXX-XXXX --out $DATA_DIR/identity"
    say "the app and the agent then start by themselves (motcua-enrolled.path)." ;;
esac
