"""When a window's labels are mature: enough of them to judge or show realized performance.

One definition for `evaluate` (which windows realized-performance rules judge) and for
`performance` (which window it shows by default, and which values it marks): a window is
mature when it has at least `min_labeled_count` labels and at least `min_label_coverage` of
its predictions labeled. Both are set in the rules file's `maturity` block (docs/alerts.md).

Also the Wilson score interval that `performance` prints beside rates computed on few labels.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from model_monitor.errors import ConfigError

MATURITY_KEYS = ("min_labeled_count", "min_label_coverage")
# 100: the rules' min_sample_size, below which no rule reads a value anyway.
DEFAULT_MIN_LABELED_COUNT = 100
# 0.5: half the window labeled. Labels that come early are often not a random half (a fraud
# chargeback takes longer than a confirmed good payment); waiting for most of them delays every
# alert by the label delay's tail. Half is the label_coverage rule's own warning bound.
DEFAULT_MIN_LABEL_COVERAGE = 0.5
INTERVAL_CONFIDENCE = 0.95


@dataclass(frozen=True)
class Maturity:
    """The label counts a window needs before realized performance is judged or trusted."""

    min_labeled_count: int = DEFAULT_MIN_LABELED_COUNT
    min_label_coverage: float = DEFAULT_MIN_LABEL_COVERAGE

    def is_mature(self, labeled_count: int | None, prediction_count: int | None) -> bool:
        """Whether a window with these counts has mature labels."""
        if not labeled_count or not prediction_count:
            return self.min_labeled_count == 0 and self.min_label_coverage == 0
        coverage = labeled_count / prediction_count
        return labeled_count >= self.min_labeled_count and coverage >= self.min_label_coverage

    def rule_text(self) -> str:
        """Return '>=100 labels and >=50% coverage'."""
        return (
            f"\u2265{self.min_labeled_count:,} labels and "
            f"\u2265{_percent(self.min_label_coverage)} coverage"
        )

    def shortfall(self, labeled_count: int | None, prediction_count: int | None) -> str | None:
        """Return what a window lacks ('5 labels, fewer than 100'), None when mature."""
        if self.is_mature(labeled_count, prediction_count):
            return None
        labeled = labeled_count or 0
        missing = []
        if labeled < self.min_labeled_count:
            missing.append(f"{labeled:,} labels, fewer than {self.min_labeled_count:,}")
        coverage = labeled / prediction_count if prediction_count else 0.0
        if coverage < self.min_label_coverage:
            missing.append(
                f"{_percent(coverage)} coverage, below {_percent(self.min_label_coverage)}"
            )
        return "; ".join(missing) or "no predictions"


def _percent(share: float) -> str:
    """Return a share as a percentage without needless decimals: 50%, 12.5%."""
    return f"{share * 100:.1f}".rstrip("0").rstrip(".") + "%"


def parse_maturity(
    block: Any,
    path: str,
    monitor: str | None,
    errors: Callable[[str, str, str | None], ConfigError],
    base: Maturity | None = None,
) -> Maturity:
    """Return the Maturity of a rules file's `maturity` block, over `base` (the defaults)."""
    base = base or Maturity()
    if block is None:
        return base
    if not isinstance(block, Mapping):
        raise errors(f"expected a mapping of {', '.join(MATURITY_KEYS)}", path, monitor)
    for key in block:
        if key not in MATURITY_KEYS:
            raise errors(
                f"unknown key; expected one of {', '.join(MATURITY_KEYS)}", f"{path}.{key}", monitor
            )
    count = block.get("min_labeled_count", base.min_labeled_count)
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise errors(
            f"expected a whole number >= 0; got {count!r}", f"{path}.min_labeled_count", monitor
        )
    coverage = block.get("min_label_coverage", base.min_label_coverage)
    if (
        isinstance(coverage, bool)
        or not isinstance(coverage, int | float)
        or not (math.isfinite(coverage) and 0 <= coverage <= 1)
    ):
        raise errors(
            f"expected a share from 0 to 1; got {coverage!r}", f"{path}.min_label_coverage", monitor
        )
    return Maturity(min_labeled_count=count, min_label_coverage=float(coverage))


def wilson_interval(
    successes: int, trials: int, confidence: float = INTERVAL_CONFIDENCE
) -> tuple[float, float] | None:
    """Return the Wilson score interval of a proportion, None without trials."""
    if trials <= 0:
        return None
    from scipy.stats import binomtest

    interval = binomtest(int(successes), int(trials)).proportion_ci(
        confidence_level=confidence, method="wilson"
    )
    return float(interval.low), float(interval.high)
