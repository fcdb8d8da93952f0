#!/usr/bin/env bash
# Create .venv and install the project with its dev extras. Safe to re-run: pip is skipped
# while the stamp is newer than pyproject.toml, so test.sh and demo.sh can call this every time.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv
stamp="$venv/.mm-installed"

if [[ ! -x "$venv/bin/python" ]]; then
  echo "setup: creating $venv" >&2
  python3 -m venv "$venv"
fi

# The stamp stands for "pyproject.toml as of this install"; editing dependencies invalidates it.
if [[ "$stamp" -nt pyproject.toml && -x "$venv/bin/model-monitor" ]]; then
  exit 0
fi

echo "setup: pip install -e '.[dev]' (quiet)" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[dev]'
touch "$stamp"
