#!/usr/bin/env bash
# npm run bench: the local benchmark on the local stack. Installs Node 24 and dependencies when
# missing, starts the stand-ins (PostgreSQL, Redis, moto), migrates the template database the
# benchmark clones, then runs scripts/bench/main.ts. Results: bench-results/ (JSON + HTML).
source "$(dirname "$0")/../lib/common.sh"
ensure_node
ensure_npm_deps
bash "$ROOT/scripts/services-up.sh"
# shellcheck disable=SC1091
source "$LOCAL/env.sh"
cd "$ROOT"

# The benchmark's database is a clone of the migrated template, as in the tests (scripts/test.sh).
TEMPLATE_URL="${DATABASE_URL%/*}/bills_template"
node -e '
  const pg = require("pg"); const u = new URL(process.argv[1]); u.pathname = "/postgres";
  const c = new pg.Client({ connectionString: u.toString() });
  c.connect().then(async () => {
    const r = await c.query("select 1 from pg_database where datname = $1", ["bills_template"]);
    if (r.rowCount === 0) await c.query("create database bills_template");
    await c.end();
  }).catch((e) => { console.error(e.message); process.exit(1); });' "$DATABASE_URL"
log "migrating the template database"
DATABASE_URL="$TEMPLATE_URL" npm run --silent migrate -- up >/dev/null
export TEST_TEMPLATE_DATABASE=bills_template

exec node scripts/bench/main.ts "$@"
