"""monitor_data_quality: window and column counts equal pandas on the raw data."""

from __future__ import annotations

from typing import Any

import pytest

from .compare import diff_rows, index_rows, missing_and_extra, nan_cells, report, ts
from .conftest import Build, quality_key
from .reference_impl import Expected, window_spine

# Runs on Spark too: the shared example build (one dbt run per engine).
pytestmark = pytest.mark.engines("duckdb", "postgres", "spark")

# Columns docs/design.md defines for one kind only ("numerical only", "categorical values"):
# on the other kind NULL is expected, 0 is accepted too.
OPEN_FOR_OTHER_KIND = {"nan_count": (0,), "out_of_range_count": (0,), "unseen_category_count": (0,)}


def _current(built: Build, scope: str) -> list[dict[str, Any]]:
    return [
        r
        for r in built.tables["monitor_data_quality"]
        if r["metric_scope"] == scope and r.get("window_kind") != "reference"
    ]


def _rows(built: Build, scope: str) -> dict[tuple, dict[str, Any]]:
    rows, dupes = index_rows(_current(built, scope), quality_key)
    assert not dupes, report(f"duplicate {scope} rows", dupes)
    return rows


def _spines(expected: Expected) -> dict[str, set]:
    return {name: set(window_spine(p)) for name, p in expected.prepared.items()}


def _is_empty_window_row(key: tuple, row: dict[str, Any], spines: dict[str, set]) -> bool:
    counts = [row.get(f) for f in ("row_count", "prediction_count") if f in row]
    return key[1] in spines.get(key[0], set()) and all(c in (0, None) for c in counts)


def test_window_rows_for_windows_with_predictions(built: Build, expected: Expected) -> None:
    missing, _ = missing_and_extra(expected.quality_windows, _rows(built, "window"))
    assert not missing, report("window rows missing", missing)


def test_window_counts_equal_pandas(built: Build, expected: Expected) -> None:
    fields = ["row_count", "prediction_count", "duplicate_id_count"]
    problems = diff_rows(expected.quality_windows, _rows(built, "window"), fields)
    assert not problems, report("window-scope counts differ", problems)


def test_every_window_between_first_and_last_appears(built: Build, expected: Expected) -> None:
    """Empty windows appear (whole population) with prediction_count = 0."""
    actual = _rows(built, "window")
    problems = []
    for name, prep in expected.prepared.items():
        seen = {k[1] for k in expected.quality_windows if k[0] == name}
        for start in window_spine(prep):
            rows = [r for k, r in actual.items() if k[0] == name and k[1] == start and k[3] is None]
            if not rows:
                problems.append(f"{name} {start}: no window row")
            elif start not in seen and any(r["prediction_count"] != 0 for r in rows):
                problems.append(f"{name} {start}: empty window with {rows}")
    assert not problems, report("window spine", problems)


def test_the_scenario_has_empty_windows(expected: Expected) -> None:
    """Guards the spine test's reach: each monitor skips at least one window."""
    for name, prep in expected.prepared.items():
        seen = {k[1] for k in expected.quality_windows if k[0] == name}
        assert set(window_spine(prep)) - seen, name


def test_no_other_window_rows(built: Build, expected: Expected) -> None:
    spines = _spines(expected)
    _, extra = missing_and_extra(expected.quality_windows, _rows(built, "window"))
    actual = _rows(built, "window")
    wrong = [(k, actual[k]) for k in extra if not _is_empty_window_row(k, actual[k], spines)]
    assert not wrong, report("window rows that are neither data nor empty windows", wrong)


def test_column_rows_for_every_monitored_column(built: Build, expected: Expected) -> None:
    spines = _spines(expected)
    actual = _rows(built, "column")
    missing, extra = missing_and_extra(expected.quality_columns, actual)
    assert not missing, report("column rows missing", missing)
    wrong = [k for k in extra if not _is_empty_window_row(k, actual[k], spines)]
    assert not wrong, report("unexpected column rows", wrong)


def test_null_and_nan_counts_equal_pandas(built: Build, expected: Expected) -> None:
    problems = diff_rows(
        expected.quality_columns,
        _rows(built, "column"),
        ["row_count", "null_count", "null_rate", "nan_count"],
        OPEN_FOR_OTHER_KIND,
    )
    assert not problems, report("null/nan counts differ", problems)


def test_distinct_counts_equal_pandas(built: Build, expected: Expected) -> None:
    problems = diff_rows(expected.quality_columns, _rows(built, "column"), ["distinct_count"])
    assert not problems, report("distinct_count differs", problems)


def test_finite_value_summaries_equal_pandas(built: Build, expected: Expected) -> None:
    """min/max/mean and the sample standard deviation (ddof=1) of the finite values."""
    problems = diff_rows(
        expected.quality_columns,
        _rows(built, "column"),
        ["min_value", "max_value", "mean_value", "stddev_value"],
    )
    assert not problems, report("value summaries differ", problems)


def test_out_of_range_and_unseen_counts_equal_pandas(built: Build, expected: Expected) -> None:
    problems = diff_rows(
        expected.quality_columns,
        _rows(built, "column"),
        ["out_of_range_count", "unseen_category_count"],
        OPEN_FOR_OTHER_KIND,
    )
    assert not problems, report("out-of-range / unseen counts differ", problems)


def test_window_bounds(built: Build, expected: Expected) -> None:
    problems = []
    for r in _current(built, "window") + _current(built, "column"):
        grain = expected.prepared[r["monitor_name"]].grain
        if ts(r["window_end"]) != ts(r["window_start"]) + grain:
            problems.append(f"{quality_key(r)}: ends {r['window_end']}")
    assert not problems, report("window_end != window_start + grain", problems)


def test_data_quality_holds_no_nan_or_infinity(built: Build) -> None:
    cells = nan_cells(built.tables["monitor_data_quality"])
    assert not cells, report("NaN/inf cells", cells)
