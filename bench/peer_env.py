"""The Python peers' own environments, created on first use: bench/.venv and bench/.venv-nannyml.

Evidently 0.7 does not import with pandas 3 (it uses `infer_dtype_from_object`, which pandas 3
removed), and the project runs on pandas 3, so the Evidently peer gets a virtualenv of its own with
the pins of the `bench` extra in pyproject.toml. NannyML 0.13 gets another one: it pins
`python-dateutil<3` (bench/.venv has 4.0, pandas' choice), so installing it beside Evidently would
change the Evidently peer's environment; it also imports statsmodels without declaring it. DuckDB
is pinned to the project's version in both, so every side reads the same database file.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

BENCH_DIR = Path(__file__).resolve().parent


class PeerEnvError(RuntimeError):
    """A peer's environment could not be created; the message names the failing step."""


@dataclass(frozen=True)
class PeerEnv:
    """One peer's virtualenv: where, what it installs, and the module and version it must import."""

    name: str
    venv: Path
    requirements: tuple[str, ...]
    module: str
    version_prefix: str

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def _requirements(self) -> list[str]:
        return [*self.requirements, f"duckdb=={duckdb.__version__}"]

    def _ready(self) -> bool:
        """The venv imports the peer's module at its version, pandas < 3, the project's DuckDB."""
        if not self.python.exists():
            return False
        check = (
            f"import duckdb, pandas, sys, {self.module} as peer; "
            f"sys.exit(0 if duckdb.__version__ == {duckdb.__version__!r} "
            "and int(pandas.__version__.split('.')[0]) < 3 "
            f"and peer.__version__.startswith({self.version_prefix!r}) else 1)"
        )
        env_check = [str(self.python), "-c", check]
        return subprocess.call(env_check, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0

    def version(self) -> str | None:
        """The installed version of the peer's package, or None (from its metadata: importing
        NannyML takes seconds)."""
        read = f"import importlib.metadata as m; print(m.version({self.module!r}))"
        out = subprocess.run(
            [str(self.python), "-c", read],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if out.returncode != 0:
            return None
        return out.stdout.strip() or None

    def ensure(self, log: Path) -> str:
        """Create or complete the venv; return what was done."""
        if self._ready():
            return f"{self.venv} ready ({self.module} {self.version()})"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("w", encoding="utf-8") as out:
            if not self.python.exists():
                base = Path(getattr(sys, "_base_executable", "") or sys.executable)
                venv = [str(base), "-m", "venv", str(self.venv)]
                if subprocess.call(venv, stdout=out, stderr=out):
                    raise PeerEnvError(f"bench: `python -m venv {self.venv}` failed (log: {log})")
            pip = [str(self.python), "-m", "pip", "install", "--quiet", *self._requirements()]
            if subprocess.call(pip, stdout=out, stderr=out):
                raise PeerEnvError(
                    f"bench: installing {' '.join(self._requirements())} into {self.venv} "
                    f"failed (log: {log})"
                )
        if not self._ready():
            raise PeerEnvError(
                f"bench: {self.venv} still does not import {self.module} {self.version_prefix}* "
                f"with pandas < 3 (log: {log})"
            )
        return f"installed {', '.join(self._requirements())} into {self.venv}"


EVIDENTLY = PeerEnv(
    "evidently", BENCH_DIR / ".venv", ("evidently>=0.7,<0.8", "pandas<3"), "evidently", "0.7"
)
NANNYML = PeerEnv(
    "nannyml",
    BENCH_DIR / ".venv-nannyml",
    ("nannyml>=0.13.1,<0.14", "statsmodels", "pandas<3"),
    "nannyml",
    "0.13",
)
