#!/usr/bin/env bash
# Install the system packages of scripts/system-packages.txt that are missing.
#
#   packages.sh test          the packages `make test` needs (needed column "test")
#   packages.sh services      the PostgreSQL and Redis servers, for private services
#   packages.sh NAME...       those packages of the list
#
# As root on Debian/Ubuntu it installs the missing ones with apt-get (waiting for another apt to
# finish). Otherwise it stops with one line naming the packages to install. SYSTEM_PACKAGES names
# another list file of the same form.
set -euo pipefail
cd "$(dirname "$0")/.."
LIST=${SYSTEM_PACKAGES:-scripts/system-packages.txt}

present() {  # present FOUND PACKAGE
  case "$1" in
    -) [ "$(dpkg-query -W -f='${Status}' "$2" 2>/dev/null)" = "install ok installed" ] ;;
    /*) [ -e "$1" ] ;;
    initdb) command -v initdb >/dev/null || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null ;;
    *) command -v "$1" >/dev/null ;;
  esac
}

wanted=("$@")
[ ${#wanted[@]} -gt 0 ] || wanted=(test)
missing=()
while read -r name found needed _; do
  case "$name" in '' | '#'*) continue ;; esac
  for want in "${wanted[@]}"; do
    if [ "$want" = "$name" ] || [[ ",$needed," == *",$want,"* ]]; then
      present "$found" "$name" || missing+=("$name")
      break
    fi
  done
done <"$LIST"
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "Missing system packages: ${missing[*]} - install them (Debian/Ubuntu, as root: apt-get install ${missing[*]}) and run this again" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt=(apt-get -qq -o DPkg::Lock::Timeout=600)
known() { apt-cache show "$1" >/dev/null 2>&1; }
# A fresh image has no package lists, and old lists may not know a name: update once then.
updated=""
for name in "${missing[@]}"; do
  known "$name" || { "${apt[@]}" update; updated=1; break; }
done
install=()
skipped=()
for name in "${missing[@]}"; do
  if known "$name"; then install+=("$name"); else skipped+=("$name"); fi
done
[ ${#skipped[@]} -eq 0 ] || echo "Not available on this release, skipped: ${skipped[*]}"
[ ${#install[@]} -gt 0 ] || exit 0
echo "Installing system packages: ${install[*]}"
if ! "${apt[@]}" install -y --no-install-recommends "${install[@]}" >/dev/null; then
  [ -n "$updated" ] || "${apt[@]}" update
  "${apt[@]}" install -y --no-install-recommends "${install[@]}" >/dev/null
fi
