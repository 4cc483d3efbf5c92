#!/bin/sh
# make run: start a development harbourd on 127.0.0.1:7443 with its
# database in ./var. On the first run it creates the database and prints
# the first admin's invite code and the lines to paste into a shell.
set -e
BUILD=${1:-build}
mkdir -p var
conf=var/harbourd.conf
if [ ! -f "$conf" ]; then
	cat >"$conf" <<CONF
# Development configuration written by make run.
listen = 127.0.0.1:7443
db = var/harbour.db
cert = certs/dev/server.crt
key = certs/dev/server.key
CONF
fi
if [ ! -f var/harbour.db ]; then
	code=$("$BUILD/harbourd" init -c "$conf" --admin ops)
	cat <<MSG

  Harbour is initialised. The first admin's invite code (valid 7 days):

      $code

  In another shell:

      export HARBOUR_SERVER=localhost:7443
      export HARBOUR_CA=$PWD/certs/dev/ca.crt
      export PATH=$PWD/$BUILD:\$PATH
      harbour register --invite $code --user ops

MSG
fi
echo "harbour: starting harbourd on 127.0.0.1:7443 (Ctrl-C stops it)"
exec "$BUILD/harbourd" -c "$conf"
