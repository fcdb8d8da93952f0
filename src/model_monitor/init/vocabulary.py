"""The words and thresholds by which `model-monitor init` recognises a column's role."""

from __future__ import annotations

import re

from model_monitor.init.introspect import ColumnProfile

ID_WORDS = frozenset({"id", "uuid", "guid"})
PREDICTION_CONTEXT = frozenset(
    {"prediction", "predictions", "request", "inference", "event", "call", "scoring"}
)
TIMESTAMP_STRONG = frozenset(
    {"predicted", "prediction", "scored", "inference", "inferred", "served", "request", "requested"}
)
TIMESTAMP_WEAK = frozenset({"event", "ts", "timestamp", "logged", "created", "time", "at"})
LABEL_TIMESTAMP_WORDS = frozenset(
    {"labeled", "labelled", "label", "observed", "resolved", "arrived", "received", "delivered"}
)
SCORE_STRONG = frozenset({"prob", "proba", "probability", "probabilities"})
SCORE_WEAK = frozenset({"score", "confidence", "likelihood"})
PREDICTION_WORDS = frozenset({"prediction", "predicted", "pred", "yhat", "forecast"})
PREDICTION_NAMES = frozenset(
    {"prediction", "predicted", "pred", "predicted_class", "predicted_label", "predicted_value",
     "y_pred", "y_hat", "yhat"}
)  # fmt: skip
LABEL_WORDS = frozenset({"label", "target", "actual", "truth", "outcome", "observed", "y"})
LATENCY_WORDS = frozenset({"latency", "duration", "elapsed"})
MILLISECOND_WORDS = frozenset({"ms", "millis", "milliseconds", "msec"})
SECOND_WORDS = frozenset({"s", "sec", "secs", "second", "seconds"})
ERROR_STATUS = re.compile(r"err|fail|timeout|timed.?out|exception|abort|reject", re.IGNORECASE)
# Values that the default positive_class (1, 1.0 or true) reads correctly as a binary outcome.
DEFAULT_BINARY_VALUES = frozenset({"0", "1", "0.0", "1.0", "true", "false"})
# A score must have at least this share of its sampled non-null values within [0, 1].
SCORE_SHARE = 0.99
# The package's timestamp literal (macros/config/_scalar_keys.sql, _timestamp_key).
TIMESTAMP_LITERAL = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?$"
)
# Distinct values seen in a sample from which a categorical column is free text or an id.
MANY_DISTINCT = 50


def name_tokens(name: str) -> list[str]:
    """Return a column name's lower-case words: 'predictedAt' and 'predicted_at' alike."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return [t for t in re.split(r"[^0-9a-z]+", spaced.lower()) if t]


def name_words(column: ColumnProfile) -> set[str]:
    """Return the set of words of a column's name."""
    return set(name_tokens(column.name))
