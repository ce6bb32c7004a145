#!/usr/bin/env bash
# npm run fuzz [-- --max-examples N --seed N]: schemathesis against the real ingest service on a
# loopback port, with its own database, Redis prefix, buckets and queue. Prepares what `npm test`
# prepares (Node 24, dependencies, the venv with schemathesis, the stand-ins, the template database).
source "$(dirname "$0")/../../dev/common.sh"
ensure_venv
start_stand_ins

log "migrating the test template database"
prepare_test_template

log "fuzzing the ingest API with schemathesis (summary also in .local/fuzz/summary.txt)"
exec node scripts/verify/fuzz/run.ts "$@"
