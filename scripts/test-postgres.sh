#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the test suite and prints the URL of its admin
# database; `scripts/test-postgres.sh stop DIR` stops it again. PostgreSQL refuses to run as
# root, so as root the cluster belongs to the `postgres` user the Debian package creates.
set -euo pipefail

as_owner() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}

bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
if [ "${1:-}" = stop ]; then
  as_owner "$bin/pg_ctl -D '$2' stop -m fast" >/dev/null 2>&1 || true
  rm -rf "$2"
  exit 0
fi

dir=$(mktemp -d /tmp/connect-right-pg.XXXXXX)
[ "$(id -u)" = 0 ] && chown postgres "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_owner "$bin/initdb -D '$dir' -A trust -U postgres" >/dev/null
as_owner "$bin/pg_ctl -D '$dir' -o '-p $port -k /tmp -c listen_addresses=127.0.0.1' -l '$dir/log' start -w" >/dev/null
echo "$dir postgres://postgres@127.0.0.1:$port/postgres"
