#!/usr/bin/env bash
# npm run fuzz [-- --max-examples N --seed N]: schemathesis against the real ingest service on a
# loopback port, with its own database, Redis prefix, buckets and queue. Prepares what `npm test`
# prepares (Node 24, dependencies, the venv with schemathesis, the stand-ins, the template database).
source "$(dirname "$0")/../lib/common.sh"
ensure_node
ensure_npm_deps
ensure_venv
bash "$ROOT/scripts/services-up.sh"
# shellcheck disable=SC1091
source "$LOCAL/env.sh"
cd "$ROOT"

# The template database every isolated environment clones (lib/testing/harness.ts), migrated.
TEMPLATE_URL="${DATABASE_URL%/*}/bills_template"
node -e '
  const pg = require("pg"); const u = new URL(process.argv[1]); u.pathname = "/postgres";
  const c = new pg.Client({ connectionString: u.toString() });
  c.connect().then(async () => {
    const r = await c.query("select 1 from pg_database where datname = $1", ["bills_template"]);
    if (r.rowCount === 0) await c.query("create database bills_template");
    await c.end();
  }).catch((e) => { console.error(e.message); process.exit(1); });' "$DATABASE_URL"
DATABASE_URL="$TEMPLATE_URL" npm run --silent migrate -- up >/dev/null
export TEST_TEMPLATE_DATABASE=bills_template

log "fuzzing the ingest API with schemathesis (summary also in .local/fuzz/summary.txt)"
exec node scripts/fuzz/run.ts "$@"
