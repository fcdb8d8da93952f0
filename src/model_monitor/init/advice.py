"""Advice `model-monitor init` gives a binary classifier: does the decision threshold predict
about as many positives as the labels hold?

Both shares are counted in SQL over the same samples the profiles read (the first rows each table
returns): the positive prediction rate at the decision threshold (`score >= threshold`, or the
predicted class when the package reads it from `prediction_column`), over the reference's rows
when the reference relation holds the output column, else over the predictions (within the
reference period, if one is given); and the label prevalence in the reference (its `label_column`,
else the labels of those predictions). They are *far* apart when one is more than `FAR_RATIO`
times the other, when only one is zero, or when they differ by more than `FAR_GAP` (absolute):
then the advice is a warning that says what that does to the metrics and proposes the threshold
that predicts positives at the prevalence: the score's k-th largest value, k = prevalence x scored
rows (the score's (1 - prevalence) quantile), also computed in the warehouse.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from model_monitor.errors import WarehouseError
from model_monitor.init.draft import sample_text
from model_monitor.init.introspect import (
    Introspectable,
    TableProfile,
    count_where,
    is_positive_sql,
    kth_largest,
    text_type,
)

# Far apart: a ratio beyond 3x either way, or a gap of more than 25 percentage points.
FAR_RATIO = 3.0
FAR_GAP = 0.25
DEFAULT_THRESHOLD = 0.5
# The package's default positive_class: these texts (lower-cased) are positive.
DEFAULT_POSITIVE = ("1", "1.0", "true")


@dataclass(frozen=True)
class RateCheck:
    """The positive prediction rate at the threshold against the reference's label prevalence."""

    predicted: str  # what counts as a positive prediction, e.g. "fraud_proba >= 0.5"
    rows: int
    positives: int
    rows_text: str  # where the predictions were counted
    labeled: int
    positive_labels: int
    labels_text: str  # where the labels were counted
    suggested: float | None = None  # the threshold predicting positives at the prevalence
    switches_to_score: bool = False  # setting decision_threshold makes the score decide

    @property
    def rate(self) -> float | None:
        """The share of counted predictions that are positive."""
        return self.positives / self.rows if self.rows else None

    @property
    def prevalence(self) -> float | None:
        """The share of counted labels that are positive."""
        return self.positive_labels / self.labeled if self.labeled else None

    @property
    def far(self) -> bool:
        """Whether rate and prevalence are far apart (the module docstring says how far)."""
        return is_far(self.rate, self.prevalence)

    def lines(self) -> list[str]:
        """The advice as comment lines: the two shares, and a warning when they are far apart."""
        rate, prevalence = self.rate, self.prevalence
        if rate is None or prevalence is None:
            missing = self.rows_text if rate is None else self.labels_text
            return [f"Positive rate check skipped: no rows to count in {missing}."]
        shares = (
            f"positive predictions ({self.predicted}) are {rate:.2%} of {self.rows_text} "
            f"({self.positives:,} of {self.rows:,}); the label prevalence is {prevalence:.2%} "
            f"in {self.labels_text} ({self.positive_labels:,} of {self.labeled:,})"
        )
        if not self.far:
            return [
                f"Positive rate check: {shares}: within {FAR_RATIO:g}x and "
                f"{FAR_GAP:.0%} of each other."
            ]
        lines = [f"WARNING: {shares}. {consequence(rate, prevalence)}"]
        if self.suggested is not None:
            switch = (
                " (setting it makes the score, not prediction_column, decide the class)"
                if self.switches_to_score
                else ""
            )
            lines.append(
                f"A decision_threshold of {self.suggested:.6g}, the score's "
                f"{1 - prevalence:.2%} quantile in {self.rows_text}, predicts positives at the "
                f"prevalence{switch}; it is suggested below, commented out."
            )
        return lines


def is_far(rate: float | None, prevalence: float | None) -> bool:
    """Whether two shares differ by more than FAR_RATIO times, or FAR_GAP, or only one is 0."""
    if rate is None or prevalence is None:
        return False
    if rate == 0 or prevalence == 0:
        return rate != prevalence
    ratio = max(rate / prevalence, prevalence / rate)
    return ratio > FAR_RATIO or abs(rate - prevalence) > FAR_GAP


def consequence(rate: float, prevalence: float) -> str:
    """What a rate far from the prevalence does to the metrics."""
    if rate < prevalence:
        times = f"{prevalence / rate:.0f}x fewer" if rate else "no"
        return (
            f"That is {times} positive predictions than positive labels: recall and F1 stay "
            "near 0 in every window (precision is undefined where nothing is predicted "
            "positive), so performance_drop has almost nothing to see on them."
        )
    times = f"{rate / prevalence:.0f}x" if prevalence else "all"
    return (
        f"That is {times} as many positive predictions as positive labels: precision stays "
        "near the prevalence and specificity and accuracy are low in every window."
    )


def check_positive_rate(
    warehouse: Introspectable,
    config: dict[str, Any],
    tables: dict[str, TableProfile | None],
    sample_rows: int,
    threshold: float | None = None,
) -> RateCheck | None:
    """Count the positive prediction rate and the reference's prevalence of a drafted binary
    monitor (None when the draft is not a binary one with labels and an output to count)."""
    if config.get("task") != "binary":
        return None
    try:
        return _check(warehouse, config, tables, sample_rows, threshold)
    except WarehouseError:
        return None  # a name the adapter cannot quote: the check is advice, not a requirement


def _check(
    warehouse: Introspectable,
    config: dict[str, Any],
    tables: dict[str, TableProfile | None],
    sample_rows: int,
    threshold: float | None,
) -> RateCheck | None:
    """The counts behind check_positive_rate."""
    q, text = warehouse.quote, text_type(warehouse)
    predictions, reference = tables["predictions"], tables.get("reference")
    assert predictions is not None
    score, prediction = config.get("score_column"), config.get("prediction_column")
    from_score = score is not None and (prediction is None or threshold is not None)
    output = score if from_score else prediction
    if output is None:
        return None
    cut = DEFAULT_THRESHOLD if threshold is None else threshold
    n = int(sample_rows)

    def first_rows(table: TableProfile) -> tuple[str, str]:
        return f"(select * from {table.relation} limit {n}) as sampled", (
            f"{sample_text(table)} of {table.name}"
        )

    between = (config.get("reference") or {}).get("between")
    ts = config.get("timestamp_column")
    period, period_text = "", ""
    if between and ts:
        start, end = between
        period = (
            f" where {q(ts)} >= cast('{start}' as timestamp)"
            f" and {q(ts)} < cast('{end}' as timestamp)"
        )
        period_text = f" from {start} to {end}"
    if reference is not None and reference.get(output) is not None:
        rows, rows_text = first_rows(reference)
        scored_table = reference
    else:
        rows = f"(select * from {predictions.relation}{period} limit {n}) as sampled"
        rows_text = f"the first {n:,} predictions{period_text}"
        scored_table = predictions
    if from_score:
        among, condition = f"{q(output)} >= 0 and {q(output)} <= 1", f"{q(output)} >= {cut!r}"
        predicted = f"{output} >= {cut:g}"
    else:
        among = f"{q(output)} is not null"
        condition = is_positive_sql(q(output), DEFAULT_POSITIVE, text)
        predicted = f"{output} positive"
    counted, positives = count_where(warehouse, rows, condition, among)

    labels = _label_rows(warehouse, config, tables, n, period, period_text)
    if labels is None:
        return None
    label_rows, label, labels_text = labels
    labeled, positive_labels = count_where(
        warehouse,
        label_rows,
        is_positive_sql(label, DEFAULT_POSITIVE, text),
        f"{label} is not null",
    )
    check = RateCheck(
        predicted, counted, positives, rows_text, labeled, positive_labels, labels_text
    )
    prevalence = check.prevalence
    if not check.far or prevalence is None or score is None or scored_table.get(score) is None:
        return check
    scored, _ = count_where(warehouse, rows, "1 = 1", f"{q(score)} >= 0 and {q(score)} <= 1")
    k = round(prevalence * scored)
    suggested = kth_largest(warehouse, rows, q(score), f"{q(score)} >= 0 and {q(score)} <= 1", k)
    return RateCheck(
        predicted,
        counted,
        positives,
        rows_text,
        labeled,
        positive_labels,
        labels_text,
        # rounded down to 6 decimals: `score >= suggested` still takes the k-th largest score
        suggested=math.floor(suggested * 1e6) / 1e6 if k >= 1 and suggested is not None else None,
        switches_to_score=prediction is not None and not from_score,
    )


def _label_rows(
    warehouse: Introspectable,
    config: dict[str, Any],
    tables: dict[str, TableProfile | None],
    n: int,
    period: str,
    period_text: str,
) -> tuple[str, str, str] | None:
    """The reference's labels: (subquery, label expression, what they are), or None."""
    q = warehouse.quote
    reference, labels = tables.get("reference"), tables.get("labels")
    reference_config = config.get("reference") or {}
    label_column = reference_config.get("label_column")
    if reference is not None and label_column and reference.get(label_column) is not None:
        rows = f"(select * from {reference.relation} limit {n}) as sampled"
        return rows, q(label_column), f"{sample_text(reference)} of {reference.name}"
    labels_config = config.get("labels") or {}
    id_column, label_id = config.get("id_column"), labels_config.get("id_column")
    label = labels_config.get("label_column")
    if labels is None or not (id_column and label_id and label):
        return None
    predictions = tables["predictions"]
    assert predictions is not None
    rows = (
        f"(select l.{q(label)} as label_value\n"
        f" from (select {q(id_column)} as id_value from {predictions.relation}{period} "
        f"limit {n}) as p\n"
        f" join {labels.relation} as l on l.{q(label_id)} = p.id_value) as labeled"
    )
    what = f"the labels ({labels.name}) of the first {n:,} predictions{period_text}"
    return rows, "label_value", what
