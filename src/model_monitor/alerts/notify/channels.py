"""The Channel base (one attempt in `send`, retries in `deliver`), console and JSON lines."""

from __future__ import annotations

import json
import logging
import sys
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from model_monitor.alerts.notify.payloads import (
    alert_lines,
    alert_record,
    alert_table,
    more_line,
    most_severe_first,
    severity_counts,
)
from model_monitor.alerts.notify.redaction import Redactor, redacted_library_logs
from model_monitor.alerts.record import Alert, Severity

logger = logging.getLogger("model_monitor.alerts.notify")


@dataclass(frozen=True)
class RetryPolicy:
    """How one delivery is retried: attempts, exponential waits, and time limits in seconds."""

    attempts: int = 3
    initial_wait: float = 0.2
    max_wait: float = 2.0
    timeout: float = 5.0  # each network call
    total_timeout: float = 10.0  # all attempts of one delivery together


class DeliveryError(Exception):
    """A delivery failed; `retryable` is false when trying again cannot help (e.g. HTTP 404)."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class DeliveryOutcome:
    """What became of some alerts on one channel."""

    channel: str
    alert_ids: tuple[str, ...]
    delivered: bool
    attempts: int
    error: str | None = None


@dataclass
class Channel(ABC):
    """Somewhere alerts are delivered; `send` does one attempt, `deliver` retries."""

    name: str
    min_severity: Severity = Severity.INFO
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    secrets: tuple[str, ...] = field(default=(), repr=False)

    type_name: ClassVar[str] = ""
    batch_size: ClassVar[int | None] = None  # alerts per message; None = all at once

    @abstractmethod
    def send(self, alerts: Sequence[Alert], timeout: float) -> None:
        """Send one message carrying these alerts, or raise DeliveryError."""

    def accepts(self, alert: Alert) -> bool:
        """Whether this channel takes alerts of this severity."""
        return Severity(alert.severity).at_least(self.min_severity)

    def redact(self, text: str) -> str:
        """Text with this channel's secrets replaced by `***`."""
        return Redactor(self.secrets)(text)

    def deliver(self, alerts: Sequence[Alert]) -> list[DeliveryOutcome]:
        """Send alerts in batches, each retried per the policy; one outcome per batch."""
        size = self.batch_size or max(len(alerts), 1)
        return [self._deliver_batch(alerts[i : i + size]) for i in range(0, len(alerts), size)]

    def _deliver_batch(self, batch: Sequence[Alert]) -> DeliveryOutcome:
        from tenacity import (
            Retrying,
            retry_if_exception,
            stop_after_attempt,
            stop_before_delay,
            wait_exponential,
        )

        policy = self.retry
        redactor = Redactor(self.secrets)
        deadline = time.monotonic() + policy.total_timeout
        attempts = 0

        def attempt() -> None:
            nonlocal attempts
            attempts += 1
            timeout = max(0.1, min(policy.timeout, deadline - time.monotonic()))
            self.send(batch, timeout)

        retrying = Retrying(
            stop=stop_after_attempt(policy.attempts) | stop_before_delay(policy.total_timeout),
            wait=wait_exponential(multiplier=policy.initial_wait, max=policy.max_wait),
            retry=retry_if_exception(lambda e: isinstance(e, DeliveryError) and e.retryable),
            reraise=True,
        )
        ids = tuple(a.alert_id for a in batch)
        try:
            with redacted_library_logs(redactor):
                retrying(attempt)
        except DeliveryError as exc:
            error = redactor(str(exc))
            logger.warning(
                "channel %s: %d alert(s) not delivered after %d attempt(s): %s",
                self.name,
                len(batch),
                attempts,
                error,
            )
            return DeliveryOutcome(self.name, ids, False, attempts, error)
        return DeliveryOutcome(self.name, ids, True, attempts)


@dataclass
class ConsoleChannel(Channel):
    """The terminal (rich): a table, or one line per alert; the most severe first.

    With `max_alerts`, a message shows that many alerts and one line counting the rest.
    """

    console: Any = None
    layout: str = "table"  # table | lines
    max_alerts: int | None = None
    type_name: ClassVar[str] = "console"

    def send(self, alerts: Sequence[Alert], timeout: float) -> None:
        """Print the alerts as one table, or as lines under a title."""
        from rich.console import Console
        from rich.text import Text

        console = self.console if self.console is not None else Console()
        ordered = most_severe_first(alerts)
        shown, hidden = ordered[: self.max_alerts], ordered[self.max_alerts :]
        if self.max_alerts is None:
            shown, hidden = ordered, []
        if self.layout == "lines":
            title = f"model monitor: {len(alerts)} alert(s): {severity_counts(alerts)}"
            lines = [title, *(f"  {line}" for line in alert_lines(shown))]
            if hidden:
                lines.append(f"  {more_line(hidden)}")
            for line in lines:
                # Text, not str: a message may hold brackets that rich would read as markup.
                console.print(Text(line), soft_wrap=True, highlight=False)
            return
        table = alert_table(shown)
        if hidden:
            table.caption = more_line(hidden)
            table.caption_justify = "left"
        console.print(table)


@dataclass
class JsonlChannel(Channel):
    """One JSON object per alert per line, appended to a file or written to stdout (`-`)."""

    path: str = "-"
    type_name: ClassVar[str] = "jsonl"

    def send(self, alerts: Sequence[Alert], timeout: float) -> None:
        """Write one line per alert."""
        text = "".join(json.dumps(alert_record(a), sort_keys=True) + "\n" for a in alerts)
        if self.path == "-":
            sys.stdout.write(text)
            sys.stdout.flush()
            return
        try:
            target = Path(self.path).expanduser()
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("a", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as exc:
            raise DeliveryError(f"cannot write {self.path}: {exc.strerror or exc}") from None
