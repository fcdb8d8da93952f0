"""The Python peer's own environment, bench/.venv, created on first use.

Evidently 0.7 does not import with pandas 3 (it uses `infer_dtype_from_object`, which pandas 3
removed), and the project runs on pandas 3, so the peer gets a virtualenv of its own with the
pins of the `bench` extra in pyproject.toml. DuckDB is pinned to the project's version so both
sides read the same database file.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb

BENCH_DIR = Path(__file__).resolve().parent
PEER_VENV = BENCH_DIR / ".venv"
PEER_REQUIREMENTS = ("evidently>=0.7,<0.8", "pandas<3")


class PeerEnvError(RuntimeError):
    """The peer's environment could not be created; the message names the failing step."""


def peer_python() -> Path:
    return PEER_VENV / "bin" / "python"


def _requirements() -> list[str]:
    return [*PEER_REQUIREMENTS, f"duckdb=={duckdb.__version__}"]


def _ready() -> bool:
    """bench/.venv imports Evidently and has the project's DuckDB version."""
    if not peer_python().exists():
        return False
    check = (
        "import duckdb, evidently, pandas, sys; "
        f"sys.exit(0 if duckdb.__version__ == {duckdb.__version__!r} "
        "and int(pandas.__version__.split('.')[0]) < 3 "
        "and evidently.__version__.startswith('0.7') else 1)"
    )
    return subprocess.call([str(peer_python()), "-c", check], stderr=subprocess.DEVNULL) == 0


def ensure_peer_env(log: Path) -> str:
    """Create or complete bench/.venv; return what was done."""
    if _ready():
        return f"{PEER_VENV} ready"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as out:
        if not peer_python().exists():
            base = Path(getattr(sys, "_base_executable", "") or sys.executable)
            if subprocess.call([str(base), "-m", "venv", str(PEER_VENV)], stdout=out, stderr=out):
                raise PeerEnvError(f"bench: `python -m venv {PEER_VENV}` failed (log: {log})")
        pip = [str(peer_python()), "-m", "pip", "install", "--quiet", *_requirements()]
        if subprocess.call(pip, stdout=out, stderr=out):
            raise PeerEnvError(f"bench: installing {' '.join(_requirements())} failed (log: {log})")
    if not _ready():
        raise PeerEnvError(f"bench: {PEER_VENV} still does not import evidently (log: {log})")
    return f"installed {', '.join(_requirements())} into {PEER_VENV}"
