#!/usr/bin/env bash
# `npm run chaos [-- flags]`: toolchain, dependencies and the shared AWS stand-in (moto), then the
# chaos runner, which starts its own PostgreSQL, Redis, simulator, service and workers.
source "$(dirname "$0")/../../dev/common.sh"
start_stand_ins
exec node scripts/verify/chaos/run.ts "$@"
