#!/usr/bin/env bash
# Install Debian packages when a program they provide is missing: PROGRAM=PACKAGE ...
# e.g. bash scripts/debian-packages.sh /usr/bin/chromium=chromium pdftoppm=poppler-utils
# Needs root or sudo; without either it says what is missing and carries on (exit 0).
set -uo pipefail
missing=()
for pair in "$@"; do
  prog="${pair%%=*}"; pkg="${pair#*=}"
  command -v "$prog" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "setup: missing ${missing[*]} and no root/sudo to install them (apt-get install ${missing[*]})" >&2
  exit 0
fi
($sudo apt-get update -q && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}") >/dev/null \
  || echo "setup: could not install ${missing[*]}" >&2
exit 0
