"""bench/agreement.py: two engines' monitor_metrics exports, compared key by key."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import duckdb
import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
# Appended, not prepended: bench/profile.py must not shadow the standard library's `profile`.
if str(BENCH) not in sys.path:
    sys.path.append(str(BENCH))
_SPEC = importlib.util.spec_from_file_location("bench_agreement", BENCH / "agreement.py")
agreement = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(agreement)

COLUMNS = ("source_table", "monitor_name", "window_kind", "window_start", "model_version",
           "slice_key", "slice_value", "column_name", "metric_source", "class_label",
           "metric_name", "metric_value")  # fmt: skip


def _export(path: Path, rows: list[tuple[str, str, float | None]]) -> Path:
    """A monitor_metrics export of (source_table, metric_name, value) rows, one window."""
    with duckdb.connect() as con:
        con.execute(
            "create table m (source_table varchar, monitor_name varchar, window_kind varchar, "
            "window_start timestamp, model_version varchar, slice_key varchar, "
            "slice_value varchar, column_name varchar, metric_source varchar, "
            "class_label varchar, metric_name varchar, metric_value double)"
        )
        for table, metric, value in rows:
            con.execute(
                "insert into m values (?, 'm', 'current', timestamp '2024-01-01', null, null, "
                "null, 'x', null, null, ?, ?)",
                [table, metric, value],
            )
        con.execute(f"copy m to '{path}' (format parquet)")
    return path


BASE = [("monitor_drift", "ks_statistic", 0.25), ("monitor_data_quality", "distinct_count", 1000)]


def test_identical_exports_agree(tmp_path: Path) -> None:
    a = _export(tmp_path / "a.parquet", BASE)
    b = _export(tmp_path / "b.parquet", BASE)
    found = agreement.compare(a, b)
    assert found["agree"] and found["rows"] == 2 and found["differing"] == 0


def test_a_value_off_by_more_than_1e9_differs(tmp_path: Path) -> None:
    a = _export(tmp_path / "a.parquet", BASE)
    b = _export(tmp_path / "b.parquet", [("monitor_drift", "ks_statistic", 0.25 + 1e-7), BASE[1]])
    found = agreement.compare(a, b, estimates=True)
    assert not found["agree"] and found["differing"] == 1
    assert found["worst"][0]["metric_name"] == "ks_statistic"


@pytest.mark.parametrize(("theirs", "agree"), [(1100, True), (1200, False)])
def test_sketched_distinct_counts_agree_to_fifteen_percent(
    tmp_path: Path, theirs: float, agree: bool
) -> None:
    a = _export(tmp_path / "a.parquet", BASE)
    b = _export(
        tmp_path / "b.parquet", [BASE[0], ("monitor_data_quality", "distinct_count", theirs)]
    )
    found = agreement.compare(a, b, estimates=True)
    assert found["agree"] is agree
    assert found["estimated"] == 1 and found["estimated_differently"] == 1


def test_without_estimates_a_distinct_count_must_match(tmp_path: Path) -> None:
    a = _export(tmp_path / "a.parquet", BASE)
    b = _export(tmp_path / "b.parquet", [BASE[0], ("monitor_data_quality", "distinct_count", 1050)])
    found = agreement.compare(a, b)
    assert not found["agree"] and found["differing"] == 1 and found["estimated"] == 0


def test_a_key_on_one_side_only_disagrees(tmp_path: Path) -> None:
    a = _export(tmp_path / "a.parquet", BASE)
    b = _export(tmp_path / "b.parquet", BASE[:1])
    found = agreement.compare(a, b)
    assert not found["agree"] and found["only_here"] == 1 and found["only_there"] == 0
