"""Errors that name what exists when a --monitor or --window filter matched no rows."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable

from model_monitor.errors import ConfigError
from model_monitor.sql_values import Queryable, as_datetime, timestamp_text
from model_monitor.tables.reader import distinct_values


def known_monitors(warehouse: Queryable, relation: str) -> list[str]:
    """Return the monitors that have rows in a table."""
    return distinct_values(warehouse, relation, "monitor_name")


def check_known_monitor(warehouse: Queryable, relation: str, monitor: str) -> None:
    """Raise a ConfigError listing the known monitors when `monitor` has no rows in a table."""
    known = known_monitors(warehouse, relation)
    if monitor not in known:
        listed = ", ".join(known) if known else "none (is the table empty?)"
        close = difflib.get_close_matches(monitor, known, n=3)
        hint = f" (did you mean {' or '.join(close)}?)" if close else ""
        raise ConfigError(
            f"no rows in {relation}{hint}; known monitors: {listed}", monitor=monitor, key="monitor"
        )


def no_window_error(
    warehouse: Queryable,
    relation: str,
    window: dt.datetime | dt.date,
    conditions: Iterable[str] = (),
    monitor: str | None = None,
    what: str = "window",
) -> ConfigError:
    """Return the error of a --window that matched no row, saying which windows exist among
    the rows the conditions select ('windows run from A to B' or 'no windows stored')."""
    q = warehouse.quote
    where = list(conditions)
    frame = warehouse.query(
        f"select min({q('window_start')}) as first_window, "
        f"max({q('window_start')}) as last_window from {relation}"
        + (f" where {' and '.join(where)}" if where else "")
    )
    first, last = (as_datetime(v) for v in frame.iloc[0]) if len(frame) else (None, None)
    span = f"windows run from {first} to {last}" if first else "no windows stored"
    return ConfigError(
        f"no {what} starts at {timestamp_text(window)}; {span}", monitor=monitor, key="window"
    )
