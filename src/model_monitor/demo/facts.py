"""When the demo story's events happen: its dates and sizes, from the day count and seed."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

START = pd.Timestamp("2025-01-06")  # a Monday; the bundled project's `between` relies on it
ETA_REFERENCE_DAYS = 7
MIN_DAYS = 14


@dataclass(frozen=True)
class ScenarioFacts:
    """The dates and sizes of the story, for tests, the CLI and the docs."""

    seed: int
    days: int
    start: pd.Timestamp
    end: pd.Timestamp  # exclusive: "now" for the labels
    drift_day: int
    drift_start: pd.Timestamp
    outage_day: int
    outage_date: pd.Timestamp
    null_burst_days: tuple[int, ...]
    v2_day: int
    v2_start: pd.Timestamp
    eta_reference: tuple[pd.Timestamp, pd.Timestamp]


def scenario_facts(days: int = 42, seed: int = 7) -> ScenarioFacts:
    """Where the events of a `days`-long story fall (they do not depend on the row count)."""
    if days < MIN_DAYS:
        raise ValueError(f"the demo scenario needs at least {MIN_DAYS} days; got {days}")
    drift_day = round(0.6 * days)
    outage_day = int(0.45 * days)
    burst = int(0.3 * days)
    v2_day = days - days // 3
    return ScenarioFacts(
        seed=seed,
        days=days,
        start=START,
        end=START + pd.Timedelta(days=days),
        drift_day=drift_day,
        drift_start=START + pd.Timedelta(days=drift_day),
        outage_day=outage_day,
        outage_date=START + pd.Timedelta(days=outage_day),
        null_burst_days=(burst, burst + 1),
        v2_day=v2_day,
        v2_start=START + pd.Timedelta(days=v2_day),
        eta_reference=(START, START + pd.Timedelta(days=ETA_REFERENCE_DAYS)),
    )
