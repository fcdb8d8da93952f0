"""Rendering drift rows as a terminal table and as JSON."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import math
import re

import numpy as np
import pytest
from rich.console import Console

from model_monitor.drift import COUNT_COLUMNS, KEY_COLUMNS, VALUE_NAMES, DriftRow, load_drift
from model_monitor.formatting.drift import drift_table, psi_style
from model_monitor.formatting.values import (
    format_number,
    format_pvalue,
    format_slice,
    format_window,
    to_json,
    to_jsonable,
)


@pytest.fixture
def rows(duck_warehouse) -> list[DriftRow]:
    """Latest-window drift rows of the conftest records, slices included."""
    return load_drift(duck_warehouse, slices=True)


def render(table) -> str:
    """Return a rich renderable as plain text."""
    console = Console(width=200, record=True, color_system=None, file=io.StringIO())
    console.print(table)
    return console.export_text()


def test_json_is_a_list_of_objects_with_every_field(rows):
    parsed = json.loads(to_json(rows))
    assert isinstance(parsed, list) and len(parsed) == len(rows)
    assert list(parsed[0]) == [*KEY_COLUMNS, *COUNT_COLUMNS, *VALUE_NAMES, "drift_method"]
    assert parsed[0]["window_start"] == "2024-03-02T00:00:00"
    assert [p["psi"] for p in parsed] == [r.psi for r in rows]


def test_json_turns_nan_and_infinity_into_null(rows):
    changed = {"psi": math.nan, "ks_pvalue": math.inf, "chi_square": np.nan}
    row = dataclasses.replace(rows[0], values={**rows[0].values, **changed})
    parsed = json.loads(to_json([row]))[0]
    assert parsed["psi"] is None and parsed["ks_pvalue"] is None and parsed["chi_square"] is None


def test_jsonable_unwraps_numpy_scalars_and_dates():
    value = {"a": np.float64(0.5), "b": np.int64(3), "c": dt.date(2024, 1, 2), "d": (np.nan,)}
    assert to_jsonable(value) == {"a": 0.5, "b": 3, "c": "2024-01-02", "d": [None]}


def test_empty_json_is_an_empty_list():
    assert json.loads(to_json([])) == []


@pytest.mark.parametrize(
    "value,text",
    [(None, "-"), (math.nan, "-"), (0.5, "0.5"), (0.012345, "0.0123"), (1e-30, "<1e-16")],
)
def test_format_pvalue(value, text):
    assert format_pvalue(value) == text


def test_format_number_groups_integers_and_fixes_decimals():
    assert (format_number(1234567), format_number(0.123456), format_number(None)) == (
        "1,234,567",
        "0.1235",
        "-",
    )


def test_format_window_drops_midnight():
    assert format_window(dt.datetime(2024, 3, 1)) == "2024-03-01"
    assert format_window(dt.datetime(2024, 3, 1, 6)) == "2024-03-01 06:00"
    assert format_window(None) == "-"


def test_format_slice_names_the_whole_population_and_null_values(rows):
    by_value = {(r.slice_key, r.slice_value): format_slice(r) for r in rows}
    assert by_value[(None, None)] == "all"
    assert by_value[("country", "FR")] == "country=FR"
    assert by_value[("country", None)] == "country=NULL"


def test_psi_style_grows_with_severity():
    assert [psi_style(p) for p in (None, 0.05, 0.1, 0.25)] == ["dim", "green", "yellow", "bold red"]


def test_table_keeps_the_given_order_and_shows_pvalues(rows):
    text = render(drift_table(rows))
    lines = [line for line in text.splitlines() if "churn" in line or "fraud" in line]
    assert len(lines) == len(rows)
    assert "country=FR" in lines[0] and "0.5000" in lines[0]
    assert format_pvalue(rows[0].ks_pvalue) in lines[0]
    assert "chi2 p" in text and "KS p" in text


def test_table_leaves_out_version_and_slice_columns_when_all_empty(rows):
    plain = [dataclasses.replace(r, model_version=None) for r in rows if r.slice_key is None]
    assert headers(render(drift_table(plain)))[:3] == ["monitor", "window", "column"]
    assert headers(render(drift_table(rows)))[:5] == [
        "monitor",
        "window",
        "version",
        "slice",
        "column",
    ]


def headers(text: str) -> list[str]:
    """Return the column headers of a rendered table (the line holding 'monitor')."""
    line = next(line for line in text.splitlines() if "monitor" in line)
    return re.split(r"\s{2,}", line.strip())


def test_table_leaves_out_secondary_statistics_when_too_wide(rows):
    assert "JS dist" in headers(render(drift_table(rows, width=200)))
    assert headers(render(drift_table(rows, width=90))) == [
        "monitor",
        "window",
        "version",
        "slice",
        "column",
        "ref n",
        "cur n",
        "PSI",
        "chi2 p",
        "KS p",
    ]


def test_delivery_summary_counts_each_channel_and_names_the_last_failure():
    from model_monitor.alerts.lifecycle import Delivery
    from model_monitor.alerts.record import Alert, Severity
    from model_monitor.alerts.store.records import DeliveryStatus
    from model_monitor.formatting.alerts import delivery_summary

    start = dt.datetime(2024, 3, 1)
    alert = Alert("churn", "psi", "psi", Severity.WARNING, start, start, "psi is high")

    def delivery(channel: str, status: DeliveryStatus, **kw) -> Delivery:
        return Delivery(alert, alert.alert_id, channel, status, **kw)

    deliveries = [
        delivery("webhook", DeliveryStatus.DELIVERED, attempts=1),
        delivery("webhook", DeliveryStatus.FAILED, attempts=3, last_error="HTTP 500\n  boom"),
        delivery("jsonl", DeliveryStatus.DELIVERED, attempts=1, retry=True),
        delivery("jsonl", DeliveryStatus.SUPPRESSED),
    ]
    assert delivery_summary(deliveries, ["webhook", "jsonl", "console"]) == (
        "Notifications: webhook 1 delivered, 1 failed (last error: HTTP 500 boom); "
        "jsonl 1 delivered, 1 suppressed (1 retried from an earlier run); "
        "console nothing new to send; failed deliveries are stored and retried on the next run"
    )
    assert delivery_summary([], ["jsonl"]) == "Notifications: jsonl nothing new to send"
