#!/usr/bin/env bash
# Make sure a system tool the book needs is there: install it with apt-get when running as root,
# otherwise stop with the exact command to run. Usage: scripts/require.sh venv|npm|chromium
set -euo pipefail

need="$1"
case "$need" in
  venv)     check() { python3 -c 'import ensurepip, venv' 2>/dev/null; }; package=python3-venv ;;
  npm)      check() { command -v npm >/dev/null; }; package="nodejs npm" ;;
  chromium) check() { [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; }; package="chromium fonts-dejavu-core" ;;
  *) echo "scripts/require.sh: unknown requirement '$need'" >&2; exit 2 ;;
esac

check && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian package(s) $package (needed for: $need) ..."
  apt-get update -q >/dev/null
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q $package >/dev/null
  check && exit 0
fi
cat >&2 <<MSG
error: '$need' is missing and this is not a root Debian shell, so it cannot be installed here.
       Install it, then run make again:
           sudo apt-get install $package
MSG
[ "$need" = chromium ] && echo "       (or point CHROMIUM=/path/to/chromium at a Chromium you have)" >&2
exit 1
