#!/usr/bin/env bash
# `npm run chaos [-- flags]`: toolchain, dependencies, the shared AWS stand-in (moto) and the load
# stand-ins (gunicorn, ElasticMQ), then the chaos runner, which starts its own PostgreSQL, Redis,
# S3/SQS stand-ins, simulator, service and workers.
source "$(dirname "$0")/../../dev/common.sh"
start_stand_ins
# The load stand-ins for S3/SQS unless the run asks for the shared moto (--stand-ins=moto).
[[ " $* " == *"--stand-ins=moto"* || " $* " == *"--stand-ins moto"* || "${CHAOS_STAND_INS:-}" == moto ]] || ensure_perf_stand_ins
exec node scripts/verify/chaos/run.ts "$@"
