#!/usr/bin/env bash
# Starts the local stand-ins on loopback, idempotently: PostgreSQL (own cluster, pgcrypto),
# Redis (no persistence) and moto (S3, SQS, CloudWatch, Secrets Manager).
# A stand-in is skipped when its URL (DATABASE_URL, REDIS_URL, AWS_ENDPOINT_URL) is already set.
# Writes .local/env.sh with the settings every other command sources.
source "$(dirname "$0")/common.sh"

# One run at a time: parallel test runs must not start two servers on one port or interleave env.sh.
# Daemons started below get "9>&-" so they do not inherit (and hold) the lock after we exit.
exec 9> "$LOCAL/services.lock"
flock 9

ENV_FILE="$LOCAL/env.sh"
ENV_TMP="$(mktemp "$LOCAL/env.sh.XXXXXX")"
emit() { printf 'export %s=%q\n' "$1" "$2" >> "$ENV_TMP"; }
# port_open PORT: something already listens on 127.0.0.1:PORT (cheap; no request that could be slow under load).
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---- PostgreSQL ------------------------------------------------------------
if [ -n "${DATABASE_URL:-}" ]; then
  log "PostgreSQL: using DATABASE_URL from the environment"
  emit DATABASE_URL "$DATABASE_URL"
else
  ensure_apt postgresql postgresql-contrib
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -x "$PG_BIN/pg_ctl" ] || die "pg_ctl not found under /usr/lib/postgresql"
  PGDATA="$(pg_data_dir)"
  # The cluster must not be owned by root: run it as the postgres user when we are root.
  RUNUSER="$(command -v runuser || echo /usr/sbin/runuser)"
  as_pg() { if [ "$(id -u)" -eq 0 ]; then "$RUNUSER" -u postgres -- "$@"; else "$@"; fi; }
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    log "PostgreSQL: initdb $PGDATA"
    mkdir -p "$PGDATA"; [ "$(id -u)" -eq 0 ] && chown postgres: "$PGDATA"
    as_pg "$PG_BIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 >/dev/null
    cat >> "$PGDATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PGDATA'
fsync = off                      # local stand-in only: speed over durability
synchronous_commit = off
full_page_writes = off
max_connections = 300
shared_preload_libraries = 'pg_stat_statements'
log_min_duration_statement = 1000
CONF
  fi
  if ! as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    log "PostgreSQL: starting on 127.0.0.1:$PG_PORT"
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w start >/dev/null 9>&-
  fi
  psql_local() { "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
  if [ "$(psql_local -d postgres -c "select 1 from pg_database where datname='bills'")" != "1" ]; then
    psql_local -d postgres -c "create database bills" >/dev/null
  fi
  emit DATABASE_URL "postgres://postgres@127.0.0.1:$PG_PORT/bills"
  emit PG_BIN "$PG_BIN"
fi

# ---- Redis -----------------------------------------------------------------
if [ -n "${REDIS_URL:-}" ]; then
  log "Redis: using REDIS_URL from the environment"
  emit REDIS_URL "$REDIS_URL"
else
  ensure_apt redis-server
  if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    log "Redis: starting on 127.0.0.1:$REDIS_PORT"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
      --daemonize yes --pidfile "$LOCAL/redis.pid" --logfile "$LOCAL/redis.log" --dir "$LOCAL" 9>&-
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  emit REDIS_URL "redis://127.0.0.1:$REDIS_PORT"
fi

# ---- AWS stand-in (moto) -----------------------------------------------------
if [ -n "${AWS_ENDPOINT_URL:-}" ]; then
  log "AWS: using AWS_ENDPOINT_URL from the environment"
  emit AWS_ENDPOINT_URL "$AWS_ENDPOINT_URL"
  # Keep the stand-in's credentials too: a shell that sourced env.sh and runs this again must not
  # lose them (every SDK call would then fail with "Could not load credentials").
  [ -z "${AWS_ACCESS_KEY_ID:-}" ] || emit AWS_ACCESS_KEY_ID "$AWS_ACCESS_KEY_ID"
  [ -z "${AWS_SECRET_ACCESS_KEY:-}" ] || emit AWS_SECRET_ACCESS_KEY "$AWS_SECRET_ACCESS_KEY"
else
  ensure_venv
  if ! port_open "$MOTO_PORT"; then
    log "moto: starting on 127.0.0.1:$MOTO_PORT"
    nohup "$TOOLS/venv/bin/python" "$ROOT/scripts/dev/moto_server.py" -H 127.0.0.1 -p "$MOTO_PORT" > "$LOCAL/moto.log" 2>&1 9>&- &
    echo $! > "$LOCAL/moto.pid"
    for _ in $(seq 150); do port_open "$MOTO_PORT" && break; sleep 0.1; done
    port_open "$MOTO_PORT" || die "moto did not start; see $LOCAL/moto.log"
  fi
  emit AWS_ENDPOINT_URL "http://127.0.0.1:$MOTO_PORT"
  emit AWS_ACCESS_KEY_ID "test"
  emit AWS_SECRET_ACCESS_KEY "test"
fi
emit AWS_REGION "${AWS_REGION:-us-east-1}"
mv "$ENV_TMP" "$ENV_FILE"
log "stand-ins ready; settings in $ENV_FILE"
