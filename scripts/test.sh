#!/usr/bin/env bash
# The test command (README, .ci/run): set up the venv, bring up the engines the tests need,
# run pytest with the caller's arguments. MM_ENGINES picks the engines (default duckdb,postgres).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
# The report's browser test (tests/browser) drives Debian's chromium; MM_CHROMIUM may name another.
if [[ -z "${MM_CHROMIUM:-}" && ! -x /usr/bin/chromium ]]; then
  bash scripts/chromium.sh
fi

export MM_ENGINES="${MM_ENGINES:-duckdb,postgres}"
# Without a network dbt would wait on its usage-tracking endpoint at every invocation.
export DBT_SEND_ANONYMOUS_USAGE_STATS="${DBT_SEND_ANONYMOUS_USAGE_STATS:-false}"

if [[ ",$MM_ENGINES," == *,postgres,* ]]; then
  exports=$(bash scripts/postgres.sh)
  eval "$exports"
  echo "test: postgres at $MM_PG_HOST:$MM_PG_PORT/$MM_PG_DATABASE" >&2
fi
echo "test: MM_ENGINES=$MM_ENGINES" >&2

rc=0
.venv/bin/pytest "$@" || rc=$?
# pytest's 5 means nothing was collected: a green run that tested nothing must not pass.
if [[ $rc -eq 5 ]]; then
  echo "test: FAILED: pytest collected no tests (exit 5)" >&2
fi
exit "$rc"
