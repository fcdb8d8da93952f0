"""The demo's closing summary: what drifted most and how the story's classifier did."""

from __future__ import annotations

import pandas as pd

from model_monitor.demo.facts import ScenarioFacts
from model_monitor.demo.results import DriftRow
from model_monitor.demo.story import TAIL_COVERAGE, PerformanceStory

SHOWN_DRIFT = 5  # columns per monitor in the printed summary
SHOWN_MIN_PSI = 0.1  # ... with at least this PSI (a moderate shift or more)
COVERAGE_DAYS = 5


def _day(value: pd.Timestamp | None) -> str:
    """A window start as month-day."""
    return "?" if value is None else value.strftime("%m-%d")


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def drift_lines(top_drift: list[DriftRow]) -> list[str]:
    """One line per monitor and version: its most drifted columns in the latest complete window."""
    lines = ["", "What drifted (latest complete window; PSI vs reference, 0.25+ is a major shift):"]
    groups: dict[tuple[str, pd.Timestamp, str | None], list[DriftRow]] = {}
    for row in top_drift:
        groups.setdefault((row.monitor_name, row.window_start, row.model_version), []).append(row)
    for (monitor, window, version), rows in groups.items():
        drifted = [r for r in rows if r.psi is not None and r.psi >= SHOWN_MIN_PSI][:SHOWN_DRIFT]
        shown = ", ".join(f"{r.column_name} {_figure(r.psi)}" for r in drifted)
        label = f"{monitor} {window:%Y-%m-%d}" + (f" {version}" if version else "")
        lines.append(f"  {label}: {shown or f'no column reaches PSI {SHOWN_MIN_PSI}'}")
    if not groups:
        lines.append("  no drift rows")
    return lines


def performance_lines(story: PerformanceStory, facts: ScenarioFacts) -> list[str]:
    """The classifier's accuracy and AUC before and after the drift, labels and CBPE's estimate."""
    lines = [
        "",
        f"How {story.monitor_name} performed (drift injected from {facts.drift_start:%Y-%m-%d}, "
        f"v2 rolled out {facts.v2_start:%Y-%m-%d}):",
        f"  {'':<31} {'accuracy':>8} {'AUC*':>6} {'labeled':>9}",
    ]
    for p in story.periods:
        if p.period == "reference":
            label = "reference (training set)"
        else:
            span = f"{_day(p.first_window)}..{_day(p.last_window)}"
            label = f"{p.model_version or 'all'} {p.period} ({span})"
        lines.append(
            f"  {label:<31} {_figure(p.accuracy):>8} {_figure(p.roc_auc):>6} {p.labeled_count:>9,}"
        )
    lines.append("  * AUC: the daily values averaged, weighted by labeled rows")
    recent = story.coverage[-COVERAGE_DAYS:]
    if recent:
        shares = ", ".join(
            f"{_day(d.window_start)} {d.label_coverage:.0%}"
            for d in recent
            if d.label_coverage is not None
        )
        lines.append(f"Labels so far for the last days' predictions: {shares}")
    if story.tail:
        first = min(t.first_window for t in story.tail)
        last = max(t.last_window for t in story.tail)
        lines.append(
            f"CBPE estimate for the unlabeled tail ({_day(first)}..{_day(last)}, "
            f"under {TAIL_COVERAGE:.0%} labeled):"
        )
        for t in story.tail:
            so_far = (
                f"realized so far {_figure(t.realized_accuracy)} on {t.labeled_count:,} labels"
                if t.labeled_count
                else "no labels yet"
            )
            lines.append(
                f"  {t.model_version or 'all'}: accuracy ~ {_figure(t.estimated_accuracy)} from "
                f"{t.scored_count:,} scored predictions ({so_far})"
            )
        lines.append(
            "  CBPE assumes the score-outcome relation holds: a gap to realized hints at "
            "concept drift."
        )
    return lines
