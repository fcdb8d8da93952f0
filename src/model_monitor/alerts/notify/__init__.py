"""Notification channels: console, JSON lines, Slack, Microsoft Teams, generic webhook, email.

Channels come from a small config (a dict or a YAML file)::

    channels:
      - {type: console}
      - {type: jsonl, path: alerts.jsonl}            # or path: "-" for stdout
      - {type: slack, webhook_url_env: SLACK_WEBHOOK_URL}
      - {type: teams, webhook_url_env: TEAMS_WEBHOOK_URL}
      - {type: webhook, url_env: ALERT_WEBHOOK_URL}
      - {type: email, smtp_host: smtp.example.com, smtp_port: 587, username_env: SMTP_USER,
         password_env: SMTP_PASSWORD, from: monitor@example.com, to: [team@example.com],
         starttls: true}
    retry: {attempts: 3, initial_wait: 0.2, max_wait: 2, timeout: 5, total_timeout: 10}

Every channel also takes `name` (default: its type; needed to tell two of a type apart),
`min_severity` (info | warning | critical) and its own `retry`. Secrets (webhook URLs,
SMTP passwords) are read only from the named environment variables, and every error message
and log record emitted while delivering has them replaced by `***`.

The generic webhook and email go through apprise (`json://` / `mailto://`, built from the
configured URL and SMTP settings); Slack and Teams are POSTed with httpx (see webhooks.py for
why). Each delivery is retried with exponential backoff (tenacity), bounded by attempts and by
a total time, and every network call has a timeout.

The package, one concern per module:
- config.py: reading and validating the channel config (`load_channels`);
- channels.py: the Channel base with its retries, console and JSON lines;
- webhooks.py: Slack and Teams; apprise_channels.py: generic webhook and email;
- payloads.py: what a message says; redaction.py: keeping secrets out of messages and logs.
"""

from model_monitor.alerts.notify.apprise_channels import EmailChannel, WebhookChannel
from model_monitor.alerts.notify.channels import (
    Channel,
    ConsoleChannel,
    DeliveryError,
    DeliveryOutcome,
    JsonlChannel,
    RetryPolicy,
)
from model_monitor.alerts.notify.config import CHANNEL_TYPES, load_channels
from model_monitor.alerts.notify.payloads import (
    alert_context,
    alert_record,
    alert_subject,
    alert_table,
    batch_text,
    batch_title,
    slack_payload,
    teams_payload,
)
from model_monitor.alerts.notify.redaction import REDACTED, Redactor
from model_monitor.alerts.notify.webhooks import SlackChannel, TeamsChannel

__all__ = [
    "CHANNEL_TYPES",
    "REDACTED",
    "Channel",
    "ConsoleChannel",
    "DeliveryError",
    "DeliveryOutcome",
    "EmailChannel",
    "JsonlChannel",
    "Redactor",
    "RetryPolicy",
    "SlackChannel",
    "TeamsChannel",
    "WebhookChannel",
    "alert_context",
    "alert_record",
    "alert_subject",
    "alert_table",
    "batch_text",
    "batch_title",
    "load_channels",
    "slack_payload",
    "teams_payload",
]
