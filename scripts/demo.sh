#!/usr/bin/env bash
# One command to see the product: set up the venv, then hand over to `model-monitor demo`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export DBT_SEND_ANONYMOUS_USAGE_STATS="${DBT_SEND_ANONYMOUS_USAGE_STATS:-false}"
exec .venv/bin/model-monitor demo "$@"
