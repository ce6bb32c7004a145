#!/usr/bin/env bash
# `npm run chaos [-- flags]`: toolchain, dependencies and the shared AWS stand-in (moto), then the
# chaos runner, which starts its own PostgreSQL, Redis, simulator, service and workers.
source "$(dirname "$0")/../lib/common.sh"
ensure_node
ensure_npm_deps
bash "$ROOT/scripts/services-up.sh"
# shellcheck disable=SC1091
source "$LOCAL/env.sh"
cd "$ROOT"
exec node scripts/chaos/run.ts "$@"
