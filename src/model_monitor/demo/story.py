"""How the story's classifier performed: realized before and after the drift, labels, CBPE."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from model_monitor.demo.facts import ScenarioFacts

STORY_MONITOR = "churn"  # the classifier whose performance the summary follows
TAIL_COVERAGE = 0.5  # the unlabeled tail: the last windows with less than this share labeled


@dataclass(frozen=True)
class PeriodPerformance:
    """Realized performance of one model version over a stretch of windows (or the reference)."""

    period: str  # "reference", "before drift" or "after drift"
    model_version: str | None
    first_window: pd.Timestamp | None
    last_window: pd.Timestamp | None
    labeled_count: int
    accuracy: float | None  # pooled over the windows: their accuracies weighted by labeled rows
    roc_auc: float | None  # the windows' AUCs averaged, weighted by labeled rows


@dataclass(frozen=True)
class CoverageDay:
    """Labels that arrived so far for one window's predictions (every version)."""

    window_start: pd.Timestamp
    prediction_count: int
    labeled_count: int

    @property
    def label_coverage(self) -> float | None:
        """The labeled share of the window's predictions, None without predictions."""
        return self.labeled_count / self.prediction_count if self.prediction_count else None


@dataclass(frozen=True)
class TailEstimate:
    """CBPE's accuracy estimate for the mostly unlabeled last windows, and what labels say."""

    model_version: str | None
    first_window: pd.Timestamp
    last_window: pd.Timestamp
    scored_count: int
    estimated_accuracy: float | None
    labeled_count: int
    realized_accuracy: float | None


@dataclass(frozen=True)
class PerformanceStory:
    """How the story's classifier performed: before and after the drift, labels, estimates."""

    monitor_name: str
    periods: list[PeriodPerformance]
    coverage: list[CoverageDay]
    tail: list[TailEstimate]


def read_performance(
    con: duckdb.DuckDBPyConnection, located: dict[str, str], facts: ScenarioFacts
) -> PerformanceStory | None:
    """The story classifier's accuracy and AUC per window, label coverage and CBPE estimates."""
    if "monitor_performance" not in located or "monitor_label_coverage" not in located:
        return None
    metrics = con.execute(
        f"""
        select window_kind, window_start, model_version, metric_source, metric_name,
               metric_value, labeled_count
        from {located["monitor_performance"]}
        where monitor_name = ? and slice_key is null and class_label is null
          and metric_name in ('accuracy', 'roc_auc')
        """,
        [STORY_MONITOR],
    ).df()
    coverage = con.execute(
        f"""
        select window_start, sum(prediction_count) as prediction_count,
               sum(labeled_count) as labeled_count
        from {located["monitor_label_coverage"]}
        where monitor_name = ? and slice_key is null
        group by window_start
        order by window_start
        """,
        [STORY_MONITOR],
    ).df()
    if metrics.empty:
        return None
    days = [
        CoverageDay(pd.Timestamp(r.window_start), int(r.prediction_count), int(r.labeled_count))
        for r in coverage.itertuples(index=False)
    ]
    tail_start = _tail_start(days)
    return PerformanceStory(
        monitor_name=STORY_MONITOR,
        periods=_periods(metrics, facts),
        coverage=days,
        tail=_tail(metrics, tail_start) if tail_start is not None else [],
    )


def _weighted(frame: pd.DataFrame, metric: str) -> tuple[float | None, int]:
    """A metric's values averaged with the rows behind each as weights; and those rows."""
    rows = frame[(frame.metric_name == metric) & frame.metric_value.notna()]
    weight = rows.labeled_count.astype(float)
    if rows.empty or weight.sum() == 0:
        return None, 0
    return float((rows.metric_value * weight).sum() / weight.sum()), int(weight.sum())


def _periods(metrics: pd.DataFrame, facts: ScenarioFacts) -> list[PeriodPerformance]:
    """Realized accuracy and AUC of the reference, then per version before and after the drift."""
    realized = metrics[metrics.metric_source == "realized"]
    reference = realized[realized.window_kind == "reference"]
    current = realized[(realized.window_kind == "current") & (realized.labeled_count > 0)]
    groups: list[tuple[str, str | None, pd.DataFrame]] = [("reference", None, reference)]
    before = current.window_start < facts.drift_start
    for period, rows in (("before drift", current[before]), ("after drift", current[~before])):
        for version, version_rows in rows.groupby("model_version", sort=True, dropna=False):
            groups.append((period, None if pd.isna(version) else str(version), version_rows))
    periods = []
    for period, version, rows in groups:
        accuracy, labeled = _weighted(rows, "accuracy")
        if not labeled:
            continue
        auc, _ = _weighted(rows, "roc_auc")
        starts = rows.window_start.dropna()
        periods.append(
            PeriodPerformance(
                period=period,
                model_version=version,
                first_window=pd.Timestamp(starts.min()) if len(starts) else None,
                last_window=pd.Timestamp(starts.max()) if len(starts) else None,
                labeled_count=labeled,
                accuracy=accuracy,
                roc_auc=auc,
            )
        )
    return periods


def _tail_start(days: list[CoverageDay]) -> pd.Timestamp | None:
    """The first of the trailing windows whose labels cover less than TAIL_COVERAGE."""
    start = None
    for day in reversed(days):
        if day.label_coverage is None or day.label_coverage >= TAIL_COVERAGE:
            break
        start = day.window_start
    return start


def _tail(metrics: pd.DataFrame, tail_start: pd.Timestamp) -> list[TailEstimate]:
    """Per version: CBPE accuracy over the tail's scored rows and realized over its few labels."""
    rows = metrics[(metrics.window_kind == "current") & (metrics.window_start >= tail_start)]
    estimates = []
    for version, version_rows in rows.groupby("model_version", sort=True, dropna=False):
        estimated, scored = _weighted(
            version_rows[version_rows.metric_source == "estimated"], "accuracy"
        )
        realized, labeled = _weighted(
            version_rows[version_rows.metric_source == "realized"], "accuracy"
        )
        estimates.append(
            TailEstimate(
                model_version=None if pd.isna(version) else str(version),
                first_window=pd.Timestamp(version_rows.window_start.min()),
                last_window=pd.Timestamp(version_rows.window_start.max()),
                scored_count=scored,
                estimated_accuracy=estimated,
                labeled_count=labeled,
                realized_accuracy=realized,
            )
        )
    return estimates
