#!/usr/bin/env bash
# Every read-only CLI command's output on a built demo, one file each, so that two checkouts can
# be compared byte for byte (a restructuring must leave them identical):
#   bash scripts/cli_outputs.sh OUT_DIR [CHECKOUT_SRC]
# CHECKOUT_SRC: another checkout's src/ to run instead of this one (put first on PYTHONPATH).
# The demo must be built (bash scripts/demo.sh): model_monitor_demo/ in this checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$1"
src="${2:-$PWD/src}"
demo="$PWD/model_monitor_demo"
mkdir -p "$out"
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
where=(--project-dir "$demo/project" --profiles-dir "$demo")
commands=(
  "drift --slices"
  "drift --format json"
  "performance"
  "performance --format json --slices"
  "evaluate --dry-run --now 2025-02-17"
  "evaluate --dry-run --now 2025-02-17 --format json --slices"
  "export"
)
for command in "${commands[@]}"; do
  name=${command// /_}
  # shellcheck disable=SC2086  # the command's words are meant to split
  PYTHONPATH="$src" .venv/bin/python -c 'from model_monitor.cli import cli; cli(prog_name="model-monitor")' \
    $command "${where[@]}" >"$out/$name.txt" 2>&1 || echo "exit $?" >>"$out/$name.txt"
done
echo "cli_outputs: ${#commands[@]} outputs in $out" >&2
