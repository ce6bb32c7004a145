#!/usr/bin/env bash
# The one test command (README, CI): installs Node 24 and dependencies when missing, starts the
# local stand-ins, migrates the test template database, then runs typecheck, lint and every tap test.
# Extra arguments go to tap (e.g. a single file). Ends with a plain "N passed, N failed" line.
source "$(dirname "$0")/common.sh"
ensure_checkov # infra/test scans the synthesized Terraform with it
start_stand_ins

log "migrating the test template database"
prepare_test_template

status=0
log "typecheck (tsc)"; npx tsc --noEmit -p tsconfig.json || status=1
log "lint (biome)"; npx biome check --diagnostic-level=error . || status=1

# tap compiles its plugin set on first use; build it first so the run uses the configured plugins.
flock "$LOCAL/tap-build.lock" npx tap build >/dev/null  # concurrent builds corrupt .tap/
log "tests (tap)"
out="$(mktemp "$LOCAL/tap-output.XXXXXX")"  # per run: parallel runs must not share it
trap 'rm -f "$out"' EXIT
set +e
npx tap "$@" 2>&1 | tee "$out"
tap_status=${PIPESTATUS[0]}
set -e
[ "$tap_status" -eq 0 ] || status=1
summary="$(grep -E '^# \{ total: [0-9]+' "$out" | tail -1)"
pass="$(sed -nE 's/.*pass: ([0-9]+).*/\1/p' <<<"$summary")"
fail="$(sed -nE 's/.*fail: ([0-9]+).*/\1/p' <<<"$summary")"
echo
if [ "${fail:-0}" != 0 ] || [ "$tap_status" -ne 0 ]; then
  echo "failing:"; awk -f "$(dirname "$0")/tap-failures.awk" "$out" | tail -60
fi
echo "${pass:-0} passed, ${fail:-0} failed"
[ "$status" -eq 0 ] && [ -n "$summary" ] || exit 1
