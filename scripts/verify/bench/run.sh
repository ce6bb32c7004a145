#!/usr/bin/env bash
# npm run bench: the local benchmark on the local stack. Installs Node 24 and dependencies when
# missing, starts the stand-ins (PostgreSQL, Redis, moto), installs the performance stand-ins
# (ensure_perf_stand_ins), migrates the template database the benchmark clones (as the tests do),
# then runs scripts/verify/bench/main.ts. Results: bench-results/ (JSON + HTML).
source "$(dirname "$0")/../../dev/common.sh"

ELASTICMQ_VERSION=1.7.1
GUNICORN_VERSION=27.0.1

# ensure_perf_stand_ins: the stand-ins for performance runs (stand-ins/perf-stand-ins.ts). gunicorn
# goes into the project venv next to moto (it serves moto's app); ElasticMQ's jars come from Maven
# Central through a throwaway pom, into .tools/elasticmq/lib (Java 17 runs it).
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

start_stand_ins
[[ " $* " == *" --stand-ins moto "* ]] || ensure_perf_stand_ins
log "migrating the template database"
prepare_test_template
exec node scripts/verify/bench/main.ts "$@"
