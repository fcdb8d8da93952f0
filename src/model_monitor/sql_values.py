"""Values of the monitor tables to and from SQL: literals, monitor names, NULL-aware cells."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any, Protocol

import pandas as pd

from model_monitor.errors import ConfigError

MONITOR_NAME = re.compile(r"^[A-Za-z0-9_.\-]+$")


class Queryable(Protocol):
    """What the loaders need of a warehouse: relation names, quoting, one SELECT."""

    def relation(self, table_name: str) -> str:
        """Return the relation name of a model_monitor table."""
        ...

    def quote(self, identifier: str) -> str:
        """Return an identifier quoted for the engine."""
        ...

    def query(self, sql: str) -> pd.DataFrame:
        """Run one SELECT."""
        ...


def validate_monitor_name(name: str) -> str:
    """Return the monitor name if it uses only letters, digits, _ . and -."""
    if not MONITOR_NAME.match(name):
        raise ConfigError(
            f"expected letters, digits, _ . - only; got {name!r}", monitor=name, key="monitor"
        )
    return name


def sql_string(value: str) -> str:
    """Return a SQL string literal for value, quotes doubled."""
    if "\\" in value or "\x00" in value:
        # Some engines (BigQuery, Spark) read backslash escapes inside literals.
        raise ConfigError(f"unsupported character in {value!r}", key="value")
    return "'" + value.replace("'", "''") + "'"


def timestamp_text(value: dt.datetime | dt.date) -> str:
    """Return 'YYYY-MM-DD HH:MM:SS[.ffffff]' for a date or a (naive or aware) datetime."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    return value.replace(tzinfo=None).isoformat(sep=" ")


def sql_timestamp(value: dt.datetime | dt.date) -> str:
    """Return a portable SQL timestamp literal."""
    return f"cast('{timestamp_text(value)}' as timestamp)"


def is_missing(value: Any) -> bool:
    """Whether a cell is NULL in any of its pandas spellings (None, NaN, NaT, pd.NA)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def none_if_missing(value: Any) -> Any:
    """Return None for every flavour of missing (None, NaN, NaT, pd.NA)."""
    return None if is_missing(value) else value


def as_str(value: Any) -> str | None:
    """Return a string or None."""
    value = none_if_missing(value)
    return None if value is None else str(value)


def as_int(value: Any) -> int | None:
    """Return an int or None."""
    value = none_if_missing(value)
    return None if value is None else int(value)


def as_float(value: Any) -> float | None:
    """Return a float or None (NaN and NULL alike)."""
    value = none_if_missing(value)
    return None if value is None else float(value)


def as_datetime(value: Any) -> dt.datetime | None:
    """Return a datetime or None."""
    value = none_if_missing(value)
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    return pd.Timestamp(value).to_pydatetime()
