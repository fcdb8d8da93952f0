"""Run dbt in dbt_project/integration_tests in-process and read the published tables back."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest.mock import patch

from .loaders import Warehouse

REPO = Path(__file__).resolve().parents[2]
PROJECT_DIR = REPO / "dbt_project" / "integration_tests"
TABLES = (
    "monitor_reference_bins",
    "monitor_distributions",
    "monitor_drift",
    "monitor_data_quality",
)

# The drift tables of docs/design.md and everything they are built from (with their data tests).
DRIFT_MODELS = tuple(f"+{t}" for t in TABLES)

_deps_done = False
_lock = threading.Lock()


@dataclass
class DbtResult:
    """What one dbt invocation did: success, every message it logged, the relations it built."""

    args: list[str]
    success: bool
    messages: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    exception: BaseException | None = None
    relations: dict[str, str] = field(default_factory=dict)
    node_status: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def models_ok(self) -> bool:
        """Every model was built (data tests of the package may still have failed)."""
        models = [s for t, s in self.node_status.values() if t == "model"]
        return bool(models) and all(s == "success" for s in models) and self.exception is None

    @property
    def failed_tests(self) -> list[str]:
        """The package's data tests that failed or errored in this build."""
        return sorted(
            n for n, (t, s) in self.node_status.items() if t == "test" and s in ("fail", "error")
        )

    @property
    def text(self) -> str:
        """Every message and the exception, one per line (for assertions and failure output)."""
        parts = list(self.messages)
        if self.exception is not None:
            parts.append(f"{type(self.exception).__name__}: {self.exception}")
        return "\n".join(parts)

    def tail(self, lines: int = 60) -> str:
        """Error-level messages (or else the last lines of `text`), for assertion messages."""
        if self.errors or self.exception is not None:
            parts = [*self.errors]
            if self.exception is not None:
                parts.append(f"{type(self.exception).__name__}: {self.exception}")
            return "\n".join("\n".join(parts).splitlines()[:lines])
        return "\n".join(self.text.splitlines()[-lines:])


def invoke(args: list[str], env: dict[str, str] | None = None) -> DbtResult:
    """Run `dbt <args>` in-process, collecting every event's message."""
    from dbt.cli.main import dbtRunner

    messages: list[str] = []
    errors: list[str] = []

    def collect(event: Any) -> None:
        msg = getattr(event.info, "msg", "")
        if msg:
            messages.append(str(msg))
            if getattr(event.info, "level", "") == "error":
                errors.append(str(msg))

    full_env = {"DBT_SEND_ANONYMOUS_USAGE_STATS": "false", **(env or {})}
    with _lock, patch.dict(os.environ, full_env):
        res = dbtRunner(callbacks=[collect]).invoke(args)
    out = DbtResult(
        args=args,
        success=bool(res.success),
        messages=messages,
        errors=errors,
        exception=res.exception,
    )
    results = getattr(res.result, "results", None) or []
    for r in results:
        node = getattr(r, "node", None)
        if node is not None:
            out.node_status[node.name] = (str(node.resource_type), str(r.status))
        if node is not None and getattr(node, "relation_name", None):
            out.relations[node.name] = node.relation_name
        if getattr(r, "message", None) and str(r.status) in ("error", "fail"):
            out.errors.append(f"{getattr(node, 'name', '?')}: {r.message}")
    return out


def deps() -> None:
    """`dbt deps` once per session (installs the package by local path)."""
    global _deps_done
    if _deps_done:
        return
    res = invoke(["deps", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)])
    if not res.success:
        raise RuntimeError(f"dbt deps failed in {PROJECT_DIR}:\n{res.tail()}")
    _deps_done = True


@dataclass
class DbtProject:
    """The integration_tests project, run against one warehouse with its own target dir."""

    warehouse: Warehouse
    work_dir: Path

    def build(
        self, dbt_vars: dict[str, Any], *extra: str, select: tuple[str, ...] = ()
    ) -> DbtResult:
        """`dbt build --vars <json> --target <engine>` (plus e.g. `--full-refresh`), of the
        selected models only when `select` is given (e.g. DRIFT_MODELS)."""
        deps()
        args = [
            "build",
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--target",
            self.warehouse.engine,
            "--target-path",
            str(self.work_dir / "target"),
            "--log-path",
            str(self.work_dir / "logs"),
            "--vars",
            json.dumps(dbt_vars),
            "--no-use-colors",
            *(("--select", *select) if select else ()),
            *extra,
        ]
        return invoke(args, self.warehouse.dbt_env())

    def read(self, result: DbtResult | None = None) -> dict[str, list[dict[str, Any]]]:
        """Every published table as a list of row dicts."""
        out = {}
        for name in TABLES:
            relation = (result.relations.get(name) if result else None) or self.warehouse.relation(
                name
            )
            out[name] = self.warehouse.read_table(relation)
        return out
