#!/usr/bin/env bash
# Installs the Debian packages listed in tests/debian-packages.txt that are missing (a fresh CI
# machine has none of them). Prints one line per action; exits 1 with one line when they are
# missing and cannot be installed (not root, or no apt-get).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mapfile -t wanted < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$here/debian-packages.txt" | grep -v '^$')
[ ${#wanted[@]} -gt 0 ] || exit 0
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -gt 0 ] || exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "error: the tests need the Debian packages ${missing[*]}; install them (sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "installing Debian packages for the tests: ${missing[*]}"
log=$(mktemp)
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get install -y -q --no-install-recommends "${missing[@]}" > "$log" 2>&1 \
       || { apt-get update -q > "$log" 2>&1 && apt-get install -y -q --no-install-recommends "${missing[@]}" > "$log" 2>&1; }; }; then
  tail -20 "$log" >&2
  echo "error: apt-get could not install ${missing[*]} (log above)" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"
