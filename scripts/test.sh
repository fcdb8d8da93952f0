#!/usr/bin/env bash
# The test command (README, .ci/run): set up the venv, bring up the engines the tests need,
# run pytest with the caller's arguments. MM_ENGINES picks the engines (default
# duckdb,postgres,spark); Spark runs the modules the README lists, in this process, and needs
# Java 17+ on the machine. MM_SPARK_SUITE=full runs every test marked for Spark there (the
# default, subset, is CI's: it leaves out the `spark_full` tests, a Spark build each).
set -euo pipefail
cd "$(dirname "$0")/.."

export MM_ENGINES="${MM_ENGINES:-duckdb,postgres,spark}"
# Without a network dbt would wait on its usage-tracking endpoint at every invocation.
export DBT_SEND_ANONYMOUS_USAGE_STATS="${DBT_SEND_ANONYMOUS_USAGE_STATS:-false}"

extras=dev
if [[ ",$MM_ENGINES," == *,spark,* ]]; then
  java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  if ! version=$("$java" -version 2>&1); then
    echo "test: FAILED: MM_ENGINES includes spark, which needs Java 17 or later, and" \
      "\`$java -version\` does not run. Install a JDK (Debian: apt-get install" \
      "openjdk-17-jre-headless) or leave Spark out: MM_ENGINES=duckdb,postgres" >&2
    exit 1
  fi
  # `openjdk version "17.0.15"`, or `"1.8.0_392"` for Java 8: the major version is what counts.
  major=$(sed -nE 's/.*version "(1\.)?([0-9]+).*/\2/p' <<<"$version" | head -n 1)
  if [[ -z "$major" || "$major" -lt 17 ]]; then
    echo "test: FAILED: Spark 4 needs Java 17 or later; \`$java -version\` says:" \
      "$(head -n 1 <<<"$version")" >&2
    exit 1
  fi
  echo "test: spark runs on $(head -n 1 <<<"$version")" >&2
  extras=dev,spark
fi

bash scripts/setup.sh "$extras"
# The report's browser test (tests/browser) drives Debian's chromium; MM_CHROMIUM may name another.
if [[ -z "${MM_CHROMIUM:-}" && ! -x /usr/bin/chromium ]]; then
  bash scripts/chromium.sh
fi

if [[ ",$MM_ENGINES," == *,postgres,* ]]; then
  exports=$(bash scripts/postgres.sh)
  eval "$exports"
  echo "test: postgres at $MM_PG_HOST:$MM_PG_PORT/$MM_PG_DATABASE" >&2
fi
echo "test: MM_ENGINES=$MM_ENGINES MM_SPARK_SUITE=${MM_SPARK_SUITE:-subset}" >&2

rc=0
.venv/bin/pytest "$@" || rc=$?
# pytest's 5 means nothing was collected: a green run that tested nothing must not pass.
if [[ $rc -eq 5 ]]; then
  echo "test: FAILED: pytest collected no tests (exit 5)" >&2
fi
exit "$rc"
