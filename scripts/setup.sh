#!/usr/bin/env bash
# Create .venv and install the project with the extras asked for (default: dev; test.sh adds
# spark when it runs the Spark tests). Safe to re-run: pip is skipped while the stamp is newer
# than pyproject.toml and lists every extra asked for, so test.sh and demo.sh can call this
# every time.
#   bash scripts/setup.sh [EXTRAS]      e.g. bash scripts/setup.sh dev,spark
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv
stamp="$venv/.mm-installed"  # holds the extras of the last install, comma-separated
extras="${1:-dev}"

if [[ ! -x "$venv/bin/python" ]]; then
  echo "setup: creating $venv" >&2
  python3 -m venv "$venv"
fi

# The stamp stands for "pyproject.toml as of this install, with these extras"; editing
# dependencies invalidates it, and so does asking for an extra it does not list.
installed=$(cat "$stamp" 2>/dev/null || true)
missing=""
for extra in ${extras//,/ }; do
  [[ ",$installed," == *",$extra,"* ]] || missing+=" $extra"
done
if [[ "$stamp" -nt pyproject.toml && -x "$venv/bin/model-monitor" && -z "$missing" ]]; then
  exit 0
fi

# Keep what an earlier install brought: the union of both lists.
all=$(printf '%s\n' ${installed//,/ } ${extras//,/ } | sort -u | paste -sd, -)
echo "setup: pip install -e '.[$all]' (quiet)" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[$all]"
echo "$all" >"$stamp"
