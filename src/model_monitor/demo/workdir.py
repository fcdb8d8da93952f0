"""The demo's working directory: a fresh copy of the example project and a profile for its file."""

from __future__ import annotations

import shutil
from pathlib import Path

PROJECT_TEMPLATE = Path(__file__).resolve().parent / "project"
PROFILE_NAME = "model_monitor_demo"
DUCKDB_FILE = "demo.duckdb"
PROJECT_DIR = "project"


def find_package_dir() -> Path:
    """The `dbt_project/` of the source tree this module was installed from."""
    import model_monitor

    # A namespace package (no __init__.py yet) has no __file__; fall back to this file's place.
    anchor = getattr(model_monitor, "__file__", None)
    checkout = Path(anchor).resolve().parents[2] if anchor else Path(__file__).resolve().parents[3]
    return checkout / "dbt_project"


def prepare_workdir(workdir: Path, project_dir: Path, duckdb_path: Path, package_dir: Path) -> None:
    """A fresh copy of the project, a profile for the demo file, no database from a past run."""
    workdir.mkdir(parents=True, exist_ok=True)
    if project_dir.exists():
        shutil.rmtree(project_dir)
    shutil.copytree(
        PROJECT_TEMPLATE,
        project_dir,
        ignore=shutil.ignore_patterns("target", "dbt_packages", "logs", "__pycache__"),
    )
    (project_dir / "packages.yml").write_text(
        f"packages:\n  - local: {_yaml_string(package_dir)}\n", encoding="utf-8"
    )
    for stale in (duckdb_path, duckdb_path.with_name(duckdb_path.name + ".wal")):
        stale.unlink(missing_ok=True)
    (workdir / "profiles.yml").write_text(
        f"{PROFILE_NAME}:\n"
        "  target: duckdb\n"
        "  outputs:\n"
        "    duckdb:\n"
        "      type: duckdb\n"
        f"      path: {_yaml_string(duckdb_path)}\n"
        "      threads: 4\n",
        encoding="utf-8",
    )


def _yaml_string(path: Path) -> str:
    """A path as a double-quoted YAML scalar (Windows backslashes and spaces included)."""
    return '"' + str(path).replace("\\", "\\\\").replace('"', '\\"') + '"'
