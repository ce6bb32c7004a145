#!/usr/bin/env bash
# npm run bench: the local benchmark on the local stack. Installs Node 24 and dependencies when
# missing, starts the stand-ins (PostgreSQL, Redis, moto), installs the performance stand-ins
# (ensure_perf_stand_ins, ensure_gofakes3), migrates the template database the benchmark clones (as the tests do),
# then runs scripts/verify/bench/main.ts. Results: bench-results/ (JSON + HTML).
source "$(dirname "$0")/../../dev/common.sh"

start_stand_ins
[[ " $* " == *" --stand-ins moto "* ]] || { ensure_perf_stand_ins; ensure_gofakes3; }
log "migrating the template database"
prepare_test_template
exec node scripts/verify/bench/main.ts "$@"
