#!/usr/bin/env bash
# Stops only what scripts/dev/services-up.sh and scripts/dev/local-up.sh started (by their pid files and data dir).
source "$(dirname "$0")/common.sh"
for name in service worker zoho-sim moto; do
  pidf="$LOCAL/$name.pid"
  if [ -f "$pidf" ]; then
    kill "$(cat "$pidf")" 2>/dev/null && log "stopped $name"
    rm -f "$pidf"
  fi
done
if [ -f "$LOCAL/redis.pid" ]; then
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 && log "stopped redis"
  rm -f "$LOCAL/redis.pid"
fi
PGDATA="$(pg_data_dir)"
if [ -f "$PGDATA/postmaster.pid" ]; then
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  if [ "$(id -u)" -eq 0 ]; then "$(command -v runuser || echo /usr/sbin/runuser)" -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null; else "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null; fi
  log "stopped postgresql"
fi
