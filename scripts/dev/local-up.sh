#!/usr/bin/env bash
# Brings the whole system up locally and shows one bill travelling from a NetSuite-shaped POST to
# the Zoho Books simulator: toolchain, stand-ins, migrations, AWS bootstrap, simulator, ingest
# service, worker, then scripts/dev/demo.ts. Idempotent: re-running restarts the three Node processes.
# Stop everything with: npm run local:down
source "$(dirname "$0")/common.sh"
start_stand_ins

log "migrating $DATABASE_URL"
npm run --silent migrate -- up >/dev/null

log "bootstrapping buckets, queue and DLQ on the AWS stand-in"
node scripts/dev/aws-bootstrap.ts local > "$LOCAL/aws.env"
# shellcheck disable=SC1091
source "$LOCAL/aws.env"

# Local-only credentials, generated once and kept in .local/ (git-ignored).
SECRETS="$LOCAL/secrets.env"
if [ ! -f "$SECRETS" ]; then
  rnd() { node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("base64url"))'; }
  {
    echo "export LOCAL_API_KEY=$(rnd)"
    echo "export TOKEN_ENCRYPTION_KEY=$(rnd)$(rnd)"
    echo "export ZOHO_CLIENT_ID=1000.LOCALCLIENT"
    echo "export ZOHO_CLIENT_SECRET=$(rnd)"
    echo "export ZOHO_REFRESH_TOKEN=1000.$(rnd)"
  } > "$SECRETS"
  chmod 600 "$SECRETS"
fi
# shellcheck disable=SC1090
source "$SECRETS"
API_KEY_SHA256="$(printf '%s' "$LOCAL_API_KEY" | sha256sum | cut -d' ' -f1)"

export ENVIRONMENT=local LOG_LEVEL="${LOG_LEVEL:-info}"
export API_KEYS="[{\"name\":\"local-demo\",\"sha256\":\"$API_KEY_SHA256\"}]"
export PORT="$SERVICE_PORT" PUBLIC_BASE_URL="http://127.0.0.1:$SERVICE_PORT"
export ZOHO_ORGANIZATION_ID="${ZOHO_ORGANIZATION_ID:-10234695}"
export ZOHO_ACCOUNTS_URL="http://127.0.0.1:$ZOHO_SIM_PORT" ZOHO_API_URL="http://127.0.0.1:$ZOHO_SIM_PORT/books/v3"
# A bill with only a total lands on this account (the simulator's "Office Supplies").
export ZOHO_DEFAULT_EXPENSE_ACCOUNT_ID="${ZOHO_DEFAULT_EXPENSE_ACCOUNT_ID:-460000000000900}"
# The simulator accepts exactly the client and refresh token the worker was given.
export ZOHO_SIM_PORT ZOHO_SIM_CLIENT_ID="$ZOHO_CLIENT_ID" ZOHO_SIM_CLIENT_SECRET="$ZOHO_CLIENT_SECRET" \
  ZOHO_SIM_REFRESH_TOKEN="$ZOHO_REFRESH_TOKEN" ZOHO_SIM_ORGANIZATION_ID="$ZOHO_ORGANIZATION_ID"

start() { # name, command...
  local name="$1"; shift
  if [ -f "$LOCAL/$name.pid" ]; then kill "$(cat "$LOCAL/$name.pid")" 2>/dev/null || true; sleep 0.5; fi
  nohup "$@" > "$LOCAL/$name.log" 2>&1 &
  echo $! > "$LOCAL/$name.pid"
  log "$name started (pid $!, log .local/$name.log)"
}
wait_http() { # url, name
  for _ in $(seq 100); do curl -fsS "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done
  die "$2 did not become ready at $1; see .local/$2.log"
}

# The demo bill's NetSuite vendor, accounts and tax code -> the simulator's Zoho ids, set the way on-call
# sets them (bill-mw-ops mappings); idempotent.
map() { node scripts/ops/mappings.ts set "$@" --reason "local demo" --by local-up >/dev/null; }
map vendor "Acme Supplies" 460000000000101
map account 58 460000000000900 && map account 59 460000000000901 && map account 60 460000000000902
map tax 5 460000000027005

start zoho-sim node scripts/zoho-sim/server.ts
wait_http "http://127.0.0.1:$ZOHO_SIM_PORT/__sim/stats" zoho-sim
start service node service/src/server.ts
wait_http "http://127.0.0.1:$SERVICE_PORT/health/ready" service
start worker node consumer/src/worker.ts
sleep 1
kill -0 "$(cat "$LOCAL/worker.pid")" 2>/dev/null || die "worker exited; see .local/worker.log"

# Everything another terminal needs to talk to the local stack.
{
  cat "$LOCAL/env.sh" "$LOCAL/aws.env"
  echo "export SERVICE_URL=http://127.0.0.1:$SERVICE_PORT API_KEY=$LOCAL_API_KEY"
  echo "export ZOHO_SIM_URL=http://127.0.0.1:$ZOHO_SIM_PORT"
} > "$LOCAL/stack.env"

SERVICE_URL="http://127.0.0.1:$SERVICE_PORT" API_KEY="$LOCAL_API_KEY" ZOHO_SIM_URL="http://127.0.0.1:$ZOHO_SIM_PORT" \
  node scripts/dev/demo.ts
