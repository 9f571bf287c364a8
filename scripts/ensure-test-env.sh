#!/usr/bin/env bash
# Makes sure what pow's tests talk to is there: PostgreSQL, MariaDB and Redis running on loopback,
# and Debian's Chromium for the browser tests. Starts or installs only what is missing, so it is
# quick when everything is up. Called by .ci/run and by `npm test` (scripts/run-tests.mjs).
set -euo pipefail

step() { printf '\n==> %s\n' "$*"; }

# wait_for NAME COMMAND...: retries COMMAND once a second for up to 60 seconds.
wait_for() {
  local name=$1
  shift
  for _ in $(seq 1 60); do
    if "$@" >/dev/null 2>&1; then
      echo "$name is ready"
      return 0
    fi
    sleep 1
  done
  echo "ERROR: $name did not become ready within 60 seconds" >&2
  return 1
}

pg_up() { pg_isready -h 127.0.0.1 -p 5432 -q >/dev/null 2>&1; }
mariadb_up() { mariadb-admin ping -h 127.0.0.1 -P 3306 -u root --silent >/dev/null 2>&1; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; }

step 'Services: PostgreSQL, MariaDB, Redis'
# Start commands: /work/.library/env/machines/node-svc.md, "Known to work".
if ! pg_up; then
  echo 'PostgreSQL is down: starting it'
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
fi
wait_for PostgreSQL pg_up
if ! mariadb_up; then
  echo 'MariaDB is down: starting it'
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
fi
wait_for MariaDB mariadb_up
if ! redis_up; then
  echo 'Redis is down: starting it'
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
wait_for Redis redis_up

step 'Chromium (browser tests)'
if [ ! -x /usr/bin/chromium ]; then
  echo 'Installing Debian chromium (needed by the browser tests)'
  if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }; then
    echo 'ERROR: could not install chromium with apt-get; the browser tests need /usr/bin/chromium' >&2
    exit 1
  fi
fi
/usr/bin/chromium --version 2>/dev/null


step 'PgBouncer (the PostgreSQL store through a transaction-mode pooler)'
# The test starts its own pgbouncer on a free port; only the binary is needed (the Debian package's
# own service is not started here: no systemd).
if [ ! -x /usr/sbin/pgbouncer ]; then
  echo 'Installing Debian pgbouncer (needed by test/faults/pgbouncer.test.ts)'
  if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y pgbouncer; }; then
    echo 'ERROR: could not install pgbouncer with apt-get; test/faults/pgbouncer.test.ts needs /usr/sbin/pgbouncer' >&2
    exit 1
  fi
fi
/usr/sbin/pgbouncer --version 2>/dev/null | head -1
