#!/usr/bin/env bash
# Installs (Debian packages) and starts on 127.0.0.1 the servers the tests use, idempotently (and iptables, which
# the partition fault needs, and Chromium with its WebDriver, which the dashboard's browser test drives).
# Data lives under .local/ (ignored by git). Safe to run again: a server already answering is left alone.
#   scripts/services.sh            start everything the tests need
#   scripts/services.sh stop       stop what this script started
# Environment it exports for the tests (write `source .local/services.env`):
#   TELEPHONY_TEST_MARIADB     MySqlConnector connection string (database telephony_test)
#   TELEPHONY_TEST_BEANSTALKD  host:port of the test beanstalkd
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
local_dir="$top/.local"
mkdir -p "$local_dir"

MARIADB_PORT="${TELEPHONY_MARIADB_PORT:-33061}"
maria_dir="$local_dir/mariadb"
maria_sock="$maria_dir/mysqld.sock"

BEANSTALKD_PORT="${TELEPHONY_BEANSTALKD_PORT:-11301}"
beanstalkd_dir="$local_dir/beanstalkd"

log() { echo "services: $*" >&2; }

apt_updated=0
ensure_packages() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then log "need root to install: ${missing[*]}"; return 1; fi
  if [ $apt_updated -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    apt_updated=1
  fi
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

maria_up() { mariadb-admin --protocol=tcp -h127.0.0.1 -P"$MARIADB_PORT" -uroot ping >/dev/null 2>&1; }

start_mariadb() {
  ensure_packages mariadb-server mariadb-client
  if maria_up; then log "mariadb already up on 127.0.0.1:$MARIADB_PORT"; return 0; fi
  mkdir -p "$maria_dir"
  if [ ! -d "$maria_dir/data/mysql" ]; then
    log "initialising mariadb data in $maria_dir/data"
    mariadb-install-db --user=root --datadir="$maria_dir/data" --auth-root-authentication-method=normal \
      --skip-test-db >"$maria_dir/install.log" 2>&1
  fi
  log "starting mariadb on 127.0.0.1:$MARIADB_PORT"
  nohup mariadbd --user=root --datadir="$maria_dir/data" --socket="$maria_sock" --port="$MARIADB_PORT" \
    --bind-address=127.0.0.1 --pid-file="$maria_dir/mariadbd.pid" --skip-name-resolve \
    --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=2 --max-connections=500 \
    --log-error="$maria_dir/error.log" >/dev/null 2>&1 &
  for _ in $(seq 1 60); do maria_up && break; sleep 0.5; done
  if ! maria_up; then log "mariadb did not start; see $maria_dir/error.log"; tail -20 "$maria_dir/error.log" >&2; return 1; fi
  mariadb --protocol=tcp -h127.0.0.1 -P"$MARIADB_PORT" -uroot -e \
    "CREATE DATABASE IF NOT EXISTS telephony_test; CREATE USER IF NOT EXISTS 'telephony'@'127.0.0.1' IDENTIFIED BY 'telephony'; GRANT ALL ON *.* TO 'telephony'@'127.0.0.1'; FLUSH PRIVILEGES;"
}

# A beanstalkd answers `stats` with `OK <bytes>`; bash's /dev/tcp keeps this free of extra packages.
beanstalkd_up() {
  local reply
  reply=$(timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$BEANSTALKD_PORT && printf 'stats\r\n' >&3 && head -c 3 <&3" 2>/dev/null) || return 1
  [ "$reply" = "OK " ]
}

start_beanstalkd() {
  ensure_packages beanstalkd
  if beanstalkd_up; then log "beanstalkd already up on 127.0.0.1:$BEANSTALKD_PORT"; return 0; fi
  mkdir -p "$beanstalkd_dir/binlog"
  log "starting beanstalkd on 127.0.0.1:$BEANSTALKD_PORT (binlog in $beanstalkd_dir/binlog)"
  nohup beanstalkd -l 127.0.0.1 -p "$BEANSTALKD_PORT" -b "$beanstalkd_dir/binlog" >"$beanstalkd_dir/beanstalkd.log" 2>&1 &
  echo $! >"$beanstalkd_dir/beanstalkd.pid"
  for _ in $(seq 1 40); do beanstalkd_up && break; sleep 0.25; done
  if ! beanstalkd_up; then log "beanstalkd did not start; see $beanstalkd_dir/beanstalkd.log"; tail -20 "$beanstalkd_dir/beanstalkd.log" >&2; return 1; fi
}

stop_all() {
  if [ -f "$maria_dir/mariadbd.pid" ]; then kill "$(cat "$maria_dir/mariadbd.pid")" 2>/dev/null || true; fi
  if [ -f "$beanstalkd_dir/beanstalkd.pid" ]; then kill "$(cat "$beanstalkd_dir/beanstalkd.pid")" 2>/dev/null || true; rm -f "$beanstalkd_dir/beanstalkd.pid"; fi
}

case "${1:-start}" in
  stop) stop_all; exit 0 ;;
  start) ;;
  *) echo "usage: $0 [start|stop]" >&2; exit 2 ;;
esac

status=0
start_mariadb || status=1
start_beanstalkd || status=1
# The soak's partition fault cuts a member off with iptables (tests/Telephony.Testing/NetworkPartition.cs).
ensure_packages iptables iproute2 || status=1
# The dashboard's browser test drives Debian's Chromium headless through chromedriver (Selenium).
ensure_packages chromium chromium-driver fonts-dejavu-core || status=1

cat >"$local_dir/services.env" <<ENV
export TELEPHONY_TEST_MARIADB="Server=127.0.0.1;Port=$MARIADB_PORT;User ID=telephony;Password=telephony;Database=telephony_test;Allow User Variables=true;SslMode=None;Pooling=true"
export TELEPHONY_TEST_BEANSTALKD="127.0.0.1:$BEANSTALKD_PORT"
ENV
exit $status
