"""Slack and Microsoft Teams incoming webhooks, POSTed with httpx to the exact URL given.

apprise's slack:// plugin always posts to hooks.slack.com and its workflows:// (Teams) plugin
rebuilds an https URL of its own from the parts, so neither can post to the exact URL the user
was given (nor to a local test server), and both send apprise's message shape rather than
Slack blocks or an Adaptive Card.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from model_monitor.alerts.notify.channels import Channel, DeliveryError
from model_monitor.alerts.notify.payloads import slack_payload, teams_payload
from model_monitor.alerts.record import Alert


def post_json(url: str, payload: Mapping[str, Any], timeout: float) -> None:
    """POST a JSON payload; raise DeliveryError unless the answer is 2xx."""
    import httpx

    try:
        response = httpx.post(url, json=payload, timeout=timeout, follow_redirects=False)
    except httpx.TimeoutException as exc:
        raise DeliveryError(f"timed out after {timeout:.1f}s ({type(exc).__name__})") from None
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from None
    if not 200 <= response.status_code < 300:
        detail = " ".join(response.text.split())[:200]
        retryable = response.status_code >= 500 or response.status_code in (408, 429)
        raise DeliveryError(
            f"HTTP {response.status_code} {response.reason_phrase}"
            + (f": {detail}" if detail else ""),
            retryable=retryable,
        )


@dataclass
class SlackChannel(Channel):
    """A Slack incoming webhook (blocks)."""

    url: str = field(default="", repr=False)
    type_name: ClassVar[str] = "slack"
    batch_size: ClassVar[int | None] = 20  # Slack takes at most 50 blocks per message

    def send(self, alerts: Sequence[Alert], timeout: float) -> None:
        """POST one message."""
        post_json(self.url, slack_payload(alerts), timeout)


@dataclass
class TeamsChannel(Channel):
    """A Microsoft Teams incoming webhook (Workflows or connector), as an Adaptive Card."""

    url: str = field(default="", repr=False)
    type_name: ClassVar[str] = "teams"
    batch_size: ClassVar[int | None] = 20

    def send(self, alerts: Sequence[Alert], timeout: float) -> None:
        """POST one card."""
        post_json(self.url, teams_payload(alerts), timeout)
