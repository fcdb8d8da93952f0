"""Cell values shared by the CLI's tables (numbers, p-values, windows, slices) and JSON output."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections.abc import Sequence
from typing import Any, Protocol


def to_jsonable(value: Any) -> Any:
    """Return value with datetimes as ISO strings and NaN or infinities as None."""
    if hasattr(value, "as_record") and not isinstance(value, type):  # e.g. DriftRow
        return to_jsonable(value.as_record())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dt.date):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # numpy scalars
        return to_jsonable(value.item())
    return value


def to_json(records: Sequence[Any]) -> str:
    """Return records as a JSON list of objects (NaN becomes null)."""
    return json.dumps(to_jsonable(list(records)), indent=2, allow_nan=False)


def format_number(value: float | int | None, digits: int = 4) -> str:
    """Return a number with a fixed count of decimals, '-' when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.{digits}f}"


def format_pvalue(value: float | None) -> str:
    """Return a p-value readably: 3 significant digits, '<1e-16' below float resolution."""
    if value is None or math.isnan(value):
        return "-"
    if value < 1e-16:
        return "<1e-16"
    return f"{value:.3g}"


def format_window(start: dt.datetime | None) -> str:
    """Return a window start as a date, or a date and time when it is not midnight."""
    if start is None:
        return "-"
    if start.time() == dt.time() and start.tzinfo is None:
        return start.date().isoformat()
    return start.isoformat(sep=" ", timespec="minutes")


class Sliced(Protocol):
    """A record of one slice: drift rows and performance summaries."""

    @property
    def slice_key(self) -> str | None: ...

    @property
    def slice_value(self) -> str | None: ...


def format_slice(row: Sliced) -> str:
    """Return 'all' for the whole population, else key=value."""
    if row.slice_key is None:
        return "all"
    return f"{row.slice_key}={'NULL' if row.slice_value is None else row.slice_value}"
