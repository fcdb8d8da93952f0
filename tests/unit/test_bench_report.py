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


def _result(rows: int, steps: list[dict], engine: str = "duckdb") -> dict:
    result = {"meta": {"rows": rows, "engine": engine}, "steps": steps}
    result["ratios"] = report.ratios(steps)
    return result


def _verdicts(result: dict, baseline: dict | None = None) -> dict[str, str]:
    return {t.name: t.status for t in report.targets(result, baseline)}


FULL_BINNED = report.build_step(report.FULL, report.BINNED)
INCREMENTAL_BINNED = report.build_step(report.INCREMENTAL, report.BINNED)


def test_binned_steps_are_named_for_their_method_and_exact_keeps_the_plain_names() -> None:
    assert FULL_BINNED == "dbt build (full, binned)"
    assert INCREMENTAL_BINNED == "dbt build (+1 day, binned)"
    assert report.build_step(report.EVALUATE, report.BINNED) == "model-monitor evaluate (binned)"
    assert report.build_step(report.FULL, report.EXACT) == report.FULL


def test_binned_build_is_judged_against_both_peers_at_10m() -> None:
    steps = [
        _step(report.FULL, 150, 280, 1300),
        _step(FULL_BINNED, 40, 60, 900),
        _step(report.PEER, 280, 290, 9900),  # 7x the binned wall time, 11x its memory
        _step(report.NANNYML, 160, 170, 8000),  # 4x the wall time, 8.9x the memory
        _step(INCREMENTAL_BINNED, 3.9, 6, 800),  # 0.0975 of its full build
        _step(report.INCREMENTAL, 35, 60, 1200),
    ]
    result = _result(10_000_000, steps)
    verdicts = _verdicts(result)
    assert verdicts["binned full build less wall time than the pooled Evidently report"] == "met"
    assert verdicts["binned full build less peak memory than the pooled Evidently report"] == "met"
    assert (
        verdicts["binned full build less wall time than NannyML's daily drift and CBPE"] == "missed"
    )
    assert (
        verdicts["binned full build less peak memory than NannyML's daily drift and CBPE"]
        == "missed"
    )
    assert verdicts["binned +1 day over binned full build, wall"] == "met"
    assert result["ratios"]["nannyml_over_full_wall"] == pytest.approx(160 / 150, abs=1e-3)
    assert result["ratios"]["peer_over_full_binned_peak_rss"] == pytest.approx(11.0)


def test_exact_build_no_slower_than_the_reference_run_is_judged_on_duckdb_at_10m_only() -> None:
    reference = report.EXACT_REFERENCE
    slower = [_step(report.FULL, reference["wall_seconds"] + 1, reference["cpu_seconds"], 1300)]
    verdicts = _verdicts(_result(10_000_000, slower))
    assert verdicts["exact full build no slower than before, wall"] == "missed"
    assert verdicts["exact full build no slower than before, cpu"] == "met"
    for rows, engine in ((1_000_000, "duckdb"), (100_000_000, "duckdb"), (10_000_000, "spark")):
        judged = _verdicts(_result(rows, slower, engine))
        assert judged["exact full build no slower than before, wall"] == "applies on DuckDB at 10M"


def test_peer_targets_apply_at_10m_only_and_failed_or_skipped_steps_are_not_measured() -> None:
    steps = [
        _step(FULL_BINNED, 10, 8, 100),
        _step(report.PEER, 5000, 4000, 90_000),
        _step(report.NANNYML, 0, 0, 0, status="skipped"),
        _step(INCREMENTAL_BINNED, 1, 1, 90, status="failed"),
    ]
    verdicts = _verdicts(_result(1_000_000, steps))
    assert verdicts["binned full build less wall time than the pooled Evidently report"] == (
        "applies at 10M"
    )
    assert verdicts["binned full build less wall time than NannyML's daily drift and CBPE"] == (
        "not measured"
    )
    assert verdicts["binned +1 day over binned full build, wall"] == "not measured"
    assert verdicts["exact full build no slower than before, wall"] == "not measured"


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


def test_table_prints_each_build_against_each_peer_and_why_a_peer_was_skipped() -> None:
    steps = [
        _step(report.FULL, 150, 280, 1300),
        _step(FULL_BINNED, 40, 60, 900),
        _step(report.PEER, 280, 290, 9900),
        {**_step(report.NANNYML, 0, 0, 0, status="skipped"), "detail": {"reason": "skipped: big"}},
    ]
    result = _result(10_000_000, steps)
    result["meta"].update(days=30, appended_rows=1, reference_rows=2, features=15, cpus=2,
                          memory_gb=23.5, drift_methods=["exact", "binned"],
                          duckdb_memory_limit="1GB")  # fmt: skip
    result["targets"] = report.targets_json(report.targets(result, None))
    printed = report.table(result)
    assert "evidently peer / dbt build (full): wall 1.87x" in printed
    assert "evidently peer / dbt build (full, binned): wall 7.00x" in printed
    assert "nannyml peer / " not in printed
    assert "    skipped: big" in printed
