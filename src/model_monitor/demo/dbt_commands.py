"""Running dbt in-process for the demo: a summary on success, DbtCommandError on failure."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from model_monitor.demo.errors import DbtCommandError


def invoke_dbt(args: list[str], project_dir: Path) -> str:
    """Run one dbt command in-process; return a summary of what it ran, raise on failure."""
    from dbt.cli.main import dbtRunner

    command = args[0]
    log_dir = project_dir / "logs"
    flags = [
        "--log-level", "none", "--log-level-file", "debug", "--log-path", str(log_dir),
        "--no-send-anonymous-usage-stats",
    ]  # fmt: skip
    outcome = dbtRunner().invoke([command, *flags, *args[1:]])
    results = list(getattr(outcome.result, "results", None) or [])
    if outcome.success:
        return _summarize(results)
    failed = [r for r in results if str(r.status) in {"error", "fail", "runtime error"}]
    nodes = [r.node.unique_id for r in failed if getattr(r, "node", None) is not None]
    messages = [str(r.message) for r in failed if r.message]
    failed_node = getattr(outcome.exception, "node", None)
    if failed_node is not None and getattr(failed_node, "unique_id", None):
        nodes.append(failed_node.unique_id)
    if outcome.exception is not None:
        detail = f"{type(outcome.exception).__name__}: {outcome.exception}"
    elif messages:
        detail = " | ".join(messages[:3])
    else:
        detail = "no error message; see the log"
    raise DbtCommandError(command, nodes, " ".join(detail.split()), log_dir / "dbt.log")


def _summarize(results: list) -> str:
    """'12 models, 30 tests (2 warn)' from dbt's node results."""
    kinds = Counter(str(getattr(r.node, "resource_type", "node")) for r in results)
    warned = sum(str(r.status) == "warn" for r in results)
    parts = [f"{count} {kind}s" if count != 1 else f"1 {kind}" for kind, count in kinds.items()]
    summary = ", ".join(parts) or "nothing to build"
    return f"{summary} ({warned} warn)" if warned else summary
