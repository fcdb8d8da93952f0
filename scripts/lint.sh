#!/usr/bin/env bash
# The habits CI keeps (.ci/run calls this before the tests): ruff's lint rules, ruff's format,
# and mypy over src/ (configured in pyproject.toml). Exit status is the first failure's.
#   bash scripts/lint.sh
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh dev
paths=(src tests bench scripts)
echo "lint: ruff check ${paths[*]}" >&2
.venv/bin/ruff check "${paths[@]}"
echo "lint: ruff format --check ${paths[*]}" >&2
.venv/bin/ruff format --check "${paths[@]}"
echo "lint: mypy (src/model_monitor)" >&2
.venv/bin/mypy
