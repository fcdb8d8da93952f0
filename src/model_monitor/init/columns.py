"""The per-column rules: which predictions column is the id, timestamp, version, score ..."""

from __future__ import annotations

from model_monitor.init.draft import Entry, listing, sample_text
from model_monitor.init.introspect import ColumnProfile, TableProfile
from model_monitor.init.probe import Probe
from model_monitor.init.vocabulary import (
    ERROR_STATUS,
    ID_WORDS,
    LABEL_WORDS,
    LATENCY_WORDS,
    MILLISECOND_WORDS,
    PREDICTION_CONTEXT,
    PREDICTION_NAMES,
    PREDICTION_WORDS,
    SCORE_SHARE,
    SCORE_STRONG,
    SCORE_WEAK,
    SECOND_WORDS,
    TIMESTAMP_STRONG,
    TIMESTAMP_WEAK,
    name_tokens,
    name_words,
)


class ColumnGuesser:
    """The rules, applied in order; `used` holds columns already given a role."""

    def __init__(
        self,
        predictions: TableProfile,
        labels: TableProfile | None,
        reference: TableProfile | None,
        probe: Probe,
    ) -> None:
        self.predictions = predictions
        self.labels = labels
        self.reference = reference
        self.probe = probe
        self.used: set[str] = set()

    def _free(self, kinds: tuple[str, ...] = ("numerical", "categorical")) -> list[ColumnProfile]:
        """Return the predictions' columns without a role, of the given kinds."""
        return [c for c in self.predictions.columns if c.name not in self.used and c.kind in kinds]

    def take(self, column: ColumnProfile | None) -> ColumnProfile | None:
        """Mark a column as used and return it."""
        if column is not None:
            self.used.add(column.name)
        return column

    def id_column(self) -> Entry:
        """The prediction id: an id-like name, unique in the sample, shared with the labels."""
        table = self.predictions
        ranked = []
        for column in self._free():
            words = name_words(column)
            named = bool(ID_WORDS & words)
            unique = bool(
                column.non_null and column.non_null == column.distinct == table.sampled_rows
            )
            if not named and not (unique and column.kind == "categorical" and column.distinct != 1):
                continue
            shared = self.labels is not None and self.labels.get(column.name) is not None
            rank = (
                10 * unique
                + 5 * shared
                + 3 * bool(PREDICTION_CONTEXT & words)
                + 2 * (name_tokens(column.name) == ["id"])
                + named
            )
            ranked.append((-rank, table.columns.index(column), column, named, unique, shared))
        if not ranked:
            return Entry(
                "id_column",
                None,
                todo="no column is named like an id (id, uuid, *_id) or unique in "
                + sample_text(table),
            )
        _, _, column, named, unique, shared = min(ranked, key=lambda r: r[:2])
        self.take(column)
        reasons = ["name looks like an id" if named else "every value distinct"]
        if named:
            reasons.append(
                f"unique in {sample_text(table)}"
                if unique
                else f"NOT unique in {sample_text(table)} (duplicates are counted)"
            )
        if shared:
            reasons.append(f"also in {self.labels.name}")  # type: ignore[union-attr]
        return Entry("id_column", column.name, "guessed: " + ", ".join(reasons))

    def timestamp_column(self) -> Entry:
        """The prediction time: the temporal column, by name when there are several."""
        temporal = self._free(("temporal",))
        if not temporal:
            return Entry(
                "timestamp_column",
                None,
                todo="no timestamp or date column in "
                f"{self.predictions.name} (a text timestamp needs a cast in a view)",
            )

        def rank(column: ColumnProfile) -> int:
            words = name_words(column)
            return 2 * bool(TIMESTAMP_STRONG & words) + bool(TIMESTAMP_WEAK & words)

        column = sorted(temporal, key=lambda c: -rank(c))[0]
        self.take(column)
        if len(temporal) == 1:
            note = "guessed: the only timestamp column"
        else:
            others = listing(c.name for c in temporal if c is not column)
            note = f"guessed by name among timestamp columns (also {others})"
        return Entry("timestamp_column", column.name, note)

    def _named(self, words: frozenset[str], kinds: tuple[str, ...]) -> ColumnProfile | None:
        """Return the first free column whose name has one of the words."""
        return next((c for c in self._free(kinds) if words & name_words(c)), None)

    def model_version_column(self) -> Entry:
        """The model version: a column named like version."""
        column = self.take(self._named(frozenset({"version", "ver"}), ("categorical", "numerical")))
        if column is None:
            return Entry(
                "model_version_column",
                omit=True,
                todo="optional; no column named like version (windows are then not split by "
                "model version)",
            )
        return Entry("model_version_column", column.name, "guessed: name")

    def latency_column(self) -> Entry:
        """Prediction latency in milliseconds: a numeric column named like latency or duration."""
        column = next(
            (
                c
                for c in self._free(("numerical",))
                if LATENCY_WORDS & name_words(c) or {"response", "time"} <= name_words(c)
            ),
            None,
        )
        if column is None:
            return Entry(
                "latency_column", omit=True, todo="optional; no numeric column named like latency"
            )
        self.take(column)
        if SECOND_WORDS & name_words(column):
            return Entry(
                "latency_column",
                column.name,
                todo=f"{column.name} looks like seconds; the package reads milliseconds "
                "(multiply by 1000 in a view)",
            )
        unit = (
            "milliseconds by its name" if MILLISECOND_WORDS & name_words(column) else "read as ms"
        )
        return Entry("latency_column", column.name, f"guessed: name; {unit}")

    def status_columns(self) -> list[Entry]:
        """The call status and its error values."""
        column = self._named(frozenset({"status"}), ("categorical", "numerical"))
        if column is None:
            return [Entry("status_column", omit=True, todo="optional; no column named status")]
        self.take(column)
        column = self.probe.values(self.predictions, column)
        entries = [Entry("status_column", column.name, "guessed: name")]  # type: ignore[union-attr]
        values = column.values if column is not None else None
        if values is None:
            entries.append(
                Entry(
                    "error_statuses",
                    omit=True,
                    todo=f"which values of {column.name} are errors? (default [error])",  # type: ignore[union-attr]
                )
            )
            return entries
        errors = [v for v in values if ERROR_STATUS.search(v)]
        seen = f"seen {listing(values)}"
        if errors == ["error"]:
            entries[0].note += f"; {seen} (the default error_statuses [error] applies)"
        elif errors:
            entries.append(Entry("error_statuses", errors, f"guessed from {seen}"))
        else:
            entries.append(Entry("error_statuses", omit=True, todo=f"which are errors? {seen}"))
        return entries

    def score_column(self) -> ColumnProfile | None:
        """A probability: numeric, named like score or probability, within [0, 1]."""
        candidates = []
        for column in self._free(("numerical",)):
            words = name_words(column)
            if not (SCORE_STRONG | SCORE_WEAK) & words:
                continue
            if column.measured and not (
                column.non_null and column.in_unit_interval >= SCORE_SHARE * column.non_null  # type: ignore[operator]
            ):
                continue
            candidates.append(
                (-bool(SCORE_STRONG & words), self.predictions.columns.index(column), column)
            )
        return min(candidates, key=lambda c: c[:2])[2] if candidates else None

    def prediction_column(self) -> ColumnProfile | None:
        """The prediction: a column named like prediction (never a timestamp)."""
        candidates = [
            (-(c.name.lower() in PREDICTION_NAMES), self.predictions.columns.index(c), c)
            for c in self._free()
            if PREDICTION_WORDS & name_words(c) or c.name.lower() in PREDICTION_NAMES
        ]
        return min(candidates, key=lambda c: c[:2])[2] if candidates else None

    def label_column(self, table: TableProfile, skip: set[str]) -> tuple[ColumnProfile | None, str]:
        """The label of a labels or reference table: by name, else the only column left."""
        left = [
            c
            for c in table.columns
            if c.name not in skip
            and c.kind in ("numerical", "categorical")
            and not ID_WORDS & name_words(c)
        ]
        named = [c for c in left if LABEL_WORDS & name_words(c) or c.name.lower() == "y_true"]
        if named:
            return named[0], "guessed: name"
        if len(left) == 1:
            return left[0], "guessed: the only column left"
        return None, ""
