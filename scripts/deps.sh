#!/bin/sh
# Installs the Debian packages Harbour builds and tests with, if any is
# missing. Used by `make run` and by .ci/run; safe to run again.
set -e
PKGS="build-essential pkg-config clang libevent-dev libssl-dev libsqlite3-dev
libjansson-dev libargon2-dev libcriterion-dev libsystemd-dev openssl sqlite3
mandoc systemd testssl.sh libbsd-dev libmagic-dev libmagic-mgc tzdata iso-codes
python3-icalendar chromium poppler-utils
libedit-dev tmux"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "harbour: installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
