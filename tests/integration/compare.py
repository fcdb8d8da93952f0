"""Comparing warehouse rows with expected rows: keys, tolerances, NULL vs NaN."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
import pytest

REL_TOL = 1e-9
ABS_TOL = 1e-12
MAX_REPORTED = 25


def ts(value: Any) -> pd.Timestamp | None:
    """Timestamps of either driver as pandas Timestamps (keys must hash alike)."""
    if value is None:
        return None
    if isinstance(value, str):
        return pd.Timestamp(value)
    if isinstance(value, (dt.datetime, dt.date, pd.Timestamp)):
        return pd.Timestamp(value)
    raise TypeError(f"not a timestamp: {value!r}")


def is_nan(value: Any) -> bool:
    """A float NaN (never equal to NULL)."""
    return isinstance(value, float) and math.isnan(value)


def same(expected: Any, actual: Any, abs_tol: float = ABS_TOL) -> bool:
    """NULL only equals NULL; numbers to 1e-9 relative (1e-12 absolute); the rest exactly."""
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected == actual
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        if is_nan(expected) or is_nan(actual):
            return is_nan(expected) and is_nan(actual)
        if math.isinf(expected) or math.isinf(actual):
            return expected == actual
        return math.isclose(expected, actual, rel_tol=REL_TOL, abs_tol=abs_tol)
    if isinstance(expected, (dt.datetime, pd.Timestamp)):
        return ts(expected) == ts(actual)
    return bool(expected == actual)


def index_rows(
    rows: Iterable[dict[str, Any]], key: Callable[[dict[str, Any]], tuple]
) -> tuple[dict[tuple, dict[str, Any]], list[tuple]]:
    """Rows by key, and the keys that occur more than once."""
    rows = list(rows)
    keys = [key(r) for r in rows]
    dupes = [k for k, n in Counter(keys).items() if n > 1]
    return dict(zip(keys, rows, strict=True)), dupes


def diff_rows(
    expected: dict[tuple, dict[str, Any]],
    actual: dict[tuple, dict[str, Any]],
    fields: Iterable[str],
    null_may_be: dict[str, tuple[Any, ...]] | None = None,
    abs_tol: dict[str, Callable[[dict[str, Any]], float]] | None = None,
) -> list[str]:
    """Human-readable differences of the given fields over the keys both sides have.

    `null_may_be` lists, per field, values accepted where NULL is expected: only for the cells
    docs/design.md leaves open (e.g. nan_count of a categorical column may be 0 or NULL).
    `abs_tol` widens the absolute tolerance of a field as a function of the expected row, for
    statistics whose floating-point conditioning is worse than 1e-9 in some rows.
    """
    null_may_be = null_may_be or {}
    abs_tol = abs_tol or {}
    problems = []
    for key in expected.keys() & actual.keys():
        e_row, a_row = expected[key], actual[key]
        for f in fields:
            if f not in a_row:
                problems.append(f"column {f!r} missing from the table")
                return problems
            e, a = e_row.get(f), a_row[f]
            tol = max(ABS_TOL, abs_tol[f](e_row)) if f in abs_tol and e is not None else ABS_TOL
            if same(e, a, tol):
                continue
            if e is None and any(same(x, a) for x in null_may_be.get(f, ())):
                continue
            problems.append(f"{key}: {f} expected {e!r}, got {a!r}")
    return sorted(problems)


def missing_and_extra(
    expected: dict[tuple, Any], actual: dict[tuple, Any]
) -> tuple[list[tuple], list[tuple]]:
    """Keys expected but absent, keys present but not expected."""
    return (
        sorted(expected.keys() - actual.keys(), key=repr),
        sorted(actual.keys() - expected.keys(), key=repr),
    )


def assert_rows_match(
    what: str,
    expected: dict[tuple, dict[str, Any]],
    rows: list[dict[str, Any]],
    key: Callable[[dict[str, Any]], tuple],
    fields: Iterable[str],
    abs_tol: dict[str, Callable[[dict[str, Any]], float]] | None = None,
) -> None:
    """A table's rows have no duplicate key, exactly the expected keys and the expected fields."""
    got, dupes = index_rows(rows, key)
    assert not dupes, report(f"{what}: duplicates", dupes)
    missing, extra = missing_and_extra(expected, got)
    assert not missing and not extra, report(f"{what}: keys missing or extra", missing + extra)
    problems = diff_rows(expected, got, fields, abs_tol=abs_tol)
    assert not problems, report(f"{what}: differs", problems)


def snapshot_after(snapshots: dict[str, Any], failures: list[str], step: str) -> Any:
    """The tables a story saved after `step`; fails the test, naming failed builds, if none."""
    if step not in snapshots:
        pytest.fail(f"step {step} did not run:\n" + "\n".join(failures), pytrace=False)
    return snapshots[step]


def report(title: str, items: list[Any]) -> str:
    """A bounded assertion message."""
    shown = "\n  ".join(map(str, items[:MAX_REPORTED]))
    more = f"\n  ... and {len(items) - MAX_REPORTED} more" if len(items) > MAX_REPORTED else ""
    return f"{title} ({len(items)}):\n  {shown}{more}"


def nan_cells(rows: Iterable[dict[str, Any]]) -> list[str]:
    """Cells holding NaN or an infinity: no published number may be one (design: NULL)."""
    out = []
    for r in rows:
        for k, v in r.items():
            if isinstance(v, float) and not math.isfinite(v):
                out.append(f"{k}={v!r} in {r}")
    return out
