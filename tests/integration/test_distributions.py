"""monitor_distributions: bin counts equal a recount of the raw data with the documented rule."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from .compare import diff_rows, index_rows, missing_and_extra, nan_cells, report, ts
from .conftest import Build, distribution_key
from .reference_impl import GRAINS, Expected

# Runs on Spark too: the shared example build (one dbt run per engine).
pytestmark = pytest.mark.engines("duckdb", "postgres", "spark")


def _rows(built: Build) -> dict[tuple, dict[str, Any]]:
    rows, dupes = index_rows(built.tables["monitor_distributions"], distribution_key)
    assert not dupes, report("duplicate distribution rows", dupes)
    return rows


def test_every_window_slice_column_and_bin_has_exactly_one_row(
    built: Build, expected: Expected
) -> None:
    missing, extra = missing_and_extra(expected.distributions, _rows(built))
    assert not missing, report("distribution rows missing", missing)
    assert not extra, report("unexpected distribution rows", extra)


def test_bin_counts_equal_a_recount_of_the_raw_data(built: Build, expected: Expected) -> None:
    problems = diff_rows(expected.distributions, _rows(built), ["bin_count"])
    assert not problems, report("bin_count differs from the recount", problems)


def test_bin_and_value_shares(built: Build, expected: Expected) -> None:
    """bin_share = count / rows; value_share = count / non-null finite values (NULL bucket:
    NULL)."""
    problems = diff_rows(expected.distributions, _rows(built), ["bin_share", "value_share"])
    assert not problems, report("shares differ", problems)


def test_bins_are_described_as_in_the_reference(built: Build, expected: Expected) -> None:
    fields = ["column_role", "column_kind", "bin_type", "lower_bound", "upper_bound", "category"]
    problems = diff_rows(expected.distributions, _rows(built), fields)
    assert not problems, report("bin description differs", problems)


def test_windows_keys_and_bounds_follow_the_design(built: Build, expected: Expected) -> None:
    problems = []
    for r in built.tables["monitor_distributions"]:
        spec = expected.prepared[r["monitor_name"]]
        start = ts(r["window_start"])
        if r["window_kind"] == "reference":
            want = (spec.reference_start, spec.reference_end)
            if (start, ts(r["window_end"])) != want or r["model_version"] is not None:
                problems.append(
                    f"reference window {start}..{r['window_end']} "
                    f"version {r['model_version']!r}, expected {want}, None"
                )
        elif start is None or ts(r["window_end"]) != start + GRAINS[spec.spec.grain]:
            problems.append(f"window {start}..{r['window_end']} is not one {spec.spec.grain}")
        # design: monitor|current|<cast(window_start as string)>, and monitor|reference| for the
        # reference whatever its range (so that a changed reference replaces the old one)
        if r["window_kind"] == "reference":
            want_key = f"{r['monitor_name']}|reference|"
        else:
            want_key = f"{r['monitor_name']}|current|{_cast_timestamp(start)}"
        if r["window_key"] != want_key:
            problems.append(f"window_key {r['window_key']!r}, expected {want_key!r}")
    assert not problems, report("windows", sorted(set(problems)))


def _cast_timestamp(value: pd.Timestamp) -> str:
    """cast(timestamp as string) on both engines: 'YYYY-MM-DD HH:MM:SS'."""
    return value.strftime("%Y-%m-%d %H:%M:%S")


def test_window_kinds_are_current_and_reference(built: Build) -> None:
    kinds = {r["window_kind"] for r in built.tables["monitor_distributions"]}
    assert kinds == {"current", "reference"}


def test_rows_carry_the_reference_version_of_their_bins(built: Build) -> None:
    versions = {
        r["monitor_name"]: r["reference_version"] for r in built.tables["monitor_reference_bins"]
    }
    wrong = sorted(
        {
            (r["monitor_name"], r["reference_version"])
            for r in built.tables["monitor_distributions"]
            if r["reference_version"] != versions.get(r["monitor_name"])
        }
    )
    assert not wrong, report(f"reference_version differs from the bins' {versions}", wrong)


def test_distributions_hold_no_nan_or_infinity(built: Build) -> None:
    cells = nan_cells(built.tables["monitor_distributions"])
    assert not cells, report("NaN/inf cells", cells)
