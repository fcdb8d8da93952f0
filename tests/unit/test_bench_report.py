"""bench/report.py: the benchmark's ratios and target verdicts, from measured steps."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

# Loaded from its file: putting bench/ on sys.path would shadow the standard library's `profile`.
_SPEC = importlib.util.spec_from_file_location(
    "bench_report", Path(__file__).resolve().parents[2] / "bench" / "report.py"
)
report = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = report  # dataclasses look their module up there
_SPEC.loader.exec_module(report)


def _step(name: str, wall: float, cpu: float, rss: float, status: str = "ok") -> dict:
    return {"name": name, "status": status, "wall_seconds": wall, "cpu_seconds": cpu,
            "peak_rss_mb": rss}  # fmt: skip


def _result(rows: int, steps: list[dict]) -> dict:
    result = {"meta": {"rows": rows}, "steps": steps}
    result["ratios"] = report.ratios(steps)
    return result


def _verdicts(result: dict, baseline: dict | None = None) -> dict[str, str]:
    return {t.name: t.status for t in report.targets(result, baseline)}


def test_peer_targets_are_judged_against_both_peers_at_10m() -> None:
    steps = [
        _step(report.FULL, 100, 80, 1000),
        _step(report.PEER, 500, 400, 9000),
        _step(report.PEER_WINDOWS, 1500, 700, 10_500),
        _step(report.INCREMENTAL, 10, 20, 900),
    ]
    verdicts = _verdicts(_result(10_000_000, steps))
    assert verdicts["full build faster than the pooled peer"] == "missed"  # 5x
    assert verdicts["full build less peak memory than the pooled peer"] == "missed"  # 9x
    assert verdicts["full build faster than the peer per window and slice"] == "met"  # 15x
    assert verdicts["full build less CPU than the peer per window and slice"] == "missed"  # 8.75x
    assert verdicts["full build less peak memory than the peer per window and slice"] == "met"
    assert verdicts["incremental (+1 day on 30) over full build, wall"] == "met"  # 0.1
    assert verdicts["incremental (+1 day on 30) over full build, cpu"] == "missed"  # 0.25


def test_peer_targets_apply_at_10m_only_and_failed_steps_are_not_measured() -> None:
    steps = [
        _step(report.FULL, 100, 80, 1000),
        _step(report.PEER, 5000, 4000, 90_000),
        _step(report.INCREMENTAL, 10, 5, 900, status="failed"),
    ]
    verdicts = _verdicts(_result(1_000_000, steps))
    assert verdicts["full build faster than the pooled peer"] == "applies at 10M"
    assert verdicts["full build faster than the peer per window and slice"] == "not measured"
    assert verdicts["incremental (+1 day on 30) over full build, wall"] == "not measured"


@pytest.mark.parametrize(
    ("cli_mb", "cpu", "cli_verdict", "cpu_verdict"),
    [(280, 900, "met", "met"), (400, 1400, "missed", "missed")],
)
def test_scaling_targets_compare_with_a_baseline_of_another_size(
    cli_mb: float, cpu: float, cli_verdict: str, cpu_verdict: str
) -> None:
    small = _result(1_000_000, [_step(report.FULL, 50, 100, 1000),
                                _step(report.EVALUATE, 5, 4, 272)])  # fmt: skip
    large = _result(10_000_000, [_step(report.FULL, 500, cpu, 1300),
                                 _step(report.EVALUATE, 6, 5, cli_mb)])  # fmt: skip
    verdicts = _verdicts(large, small)
    assert verdicts["model-monitor evaluate peak memory flat in rows"] == cli_verdict
    assert verdicts["full build cpu time linear in rows"] == cpu_verdict
    assert _verdicts(large)["full build time linear in rows"] == "not measured"
