"""Notification channels against real local endpoints: HTTP and SMTP servers on 127.0.0.1."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from alerting_helpers import closed_port, http_recorder, make_alert, no_proxies, smtp_recorder
from rich.console import Console

from model_monitor.alerts.notify import (
    EmailChannel,
    Redactor,
    RetryPolicy,
    SlackChannel,
    TeamsChannel,
    WebhookChannel,
    load_channels,
)
from model_monitor.alerts.record import Severity, Status
from model_monitor.errors import ConfigError

SECRET_TOKEN = "s3cr3t-T0KEN-0123456789abcdef"
SMTP_PASSWORD = "pa55:w/rd@Zq9-secret"
# The test SMTP server takes AUTH over plain SMTP on loopback; aiosmtpd warns about that.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

FAST = {"attempts": 3, "initial_wait": 0.05, "max_wait": 0.2, "timeout": 2, "total_timeout": 8}


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    no_proxies(monkeypatch)


@pytest.fixture
def server():
    with http_recorder() as recorder:
        yield recorder


def one(config: dict, environ: dict[str, str] | None = None, **kwargs):
    """The single channel of a config with the FAST retry policy."""
    (channel,) = load_channels(
        {"channels": [config], "retry": FAST}, environ=environ or {}, **kwargs
    )
    return channel


def secret_url(server, kind: str) -> str:
    return server.url(f"/{kind}/{SECRET_TOKEN}?sig={SECRET_TOKEN}")


# --- configuration ------------------------------------------------------------------------


def test_load_channels_reads_every_type_with_secrets_from_env(tmp_path: Path) -> None:
    env = {
        "SLACK_WEBHOOK_URL": "https://hooks.example.invalid/services/T/B/x",
        "TEAMS_WEBHOOK_URL": "https://teams.example.invalid/webhook/abc",
        "ALERT_WEBHOOK_URL": "https://hooks.example.invalid/alerts",
        "SMTP_USER": "monitor",
        "SMTP_PASSWORD": "hunter2",
    }
    config = tmp_path / "channels.yml"
    config.write_text(
        "channels:\n"
        "  - {type: console}\n"
        "  - {type: jsonl, path: alerts.jsonl}\n"
        "  - {type: slack, webhook_url_env: SLACK_WEBHOOK_URL, min_severity: critical}\n"
        "  - {type: teams, webhook_url_env: TEAMS_WEBHOOK_URL}\n"
        "  - {type: webhook, url_env: ALERT_WEBHOOK_URL, retry: {attempts: 5}}\n"
        "  - type: email\n    smtp_host: smtp.example.invalid\n    smtp_port: 2525\n"
        "    username_env: SMTP_USER\n    password_env: SMTP_PASSWORD\n"
        "    from: monitor@example.invalid\n    to: [team@example.invalid]\n    starttls: true\n"
        "retry: {attempts: 2, timeout: 3}\n"
    )
    channels = load_channels(config, environ=env)
    by_type = {type(c): c for c in channels}
    assert [c.name for c in channels] == ["console", "jsonl", "slack", "teams", "webhook", "email"]
    assert by_type[SlackChannel].min_severity is Severity.CRITICAL
    assert by_type[WebhookChannel].retry == RetryPolicy(attempts=5, timeout=3)
    assert by_type[TeamsChannel].retry == RetryPolicy(attempts=2, timeout=3)
    email_channel = by_type[EmailChannel]
    assert (email_channel.smtp_port, email_channel.mode, email_channel.password) == (
        2525,
        "starttls",
        "hunter2",
    )
    assert "hunter2" not in repr(channels) and "/services/T/B/x" not in repr(channels)


@pytest.mark.parametrize(
    ("channel", "key", "fragment"),
    [
        ({"type": "pager"}, "channels[0].type", "expected one of console"),
        ({"type": "slack"}, "channels[0].webhook_url_env", "environment variable"),
        ({"type": "slack", "webhook_url_env": "NOPE"}, "channels[0].webhook_url_env", "NOPE"),
        ({"type": "webhook", "url": "http://x"}, "channels[0].url", "unknown key"),
        ({"type": "jsonl", "min_severity": "loud"}, "channels[0].min_severity", "loud"),
        ({"type": "console", "retry": {"attempts": 0}}, "channels[0].retry.attempts", "1..10"),
        ({"type": "email", "smtp_host": "h", "from": "a@b.c"}, "channels[0].to", "email"),
        (
            {
                "type": "email",
                "smtp_host": "h",
                "from": "a@b.c",
                "to": ["x@y.z"],
                "password_env": "P",
            },
            "channels[0].username_env",
            "go together",
        ),
        (
            {
                "type": "email",
                "smtp_host": "h",
                "from": "a@b.c",
                "to": ["x@y.z"],
                "ssl": True,
                "starttls": True,
            },
            "channels[0].starttls",
            "exclude",
        ),
    ],
)
def test_config_errors_name_the_key(channel: dict, key: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_channels({"channels": [channel]}, environ={})
    assert info.value.key == key
    assert fragment in str(info.value) and f"`{key}`" in str(info.value)


def test_unset_secret_env_var_is_named_and_bad_value_never_echoed() -> None:
    with pytest.raises(ConfigError, match="environment variable ALERT_URL is not set"):
        load_channels({"channels": [{"type": "webhook", "url_env": "ALERT_URL"}]}, environ={})
    with pytest.raises(ConfigError) as info:
        load_channels(
            {"channels": [{"type": "webhook", "url_env": "ALERT_URL"}]},
            environ={"ALERT_URL": f"ftp://{SECRET_TOKEN}"},
        )
    assert "ALERT_URL" in str(info.value) and SECRET_TOKEN not in str(info.value)


def test_two_channels_of_a_type_need_distinct_names() -> None:
    config = {"channels": [{"type": "console"}, {"type": "console"}]}
    with pytest.raises(ConfigError) as info:
        load_channels(config, environ={})
    assert info.value.key == "channels[1].name"
    config["channels"][1]["name"] = "console-2"
    assert [c.name for c in load_channels(config, environ={})] == ["console", "console-2"]


def test_email_recipient_apprise_rejects_is_a_config_error() -> None:
    config = {
        "type": "email",
        "smtp_host": "h",
        "from": "monitor@example.invalid",
        "to": ["not an@address"],
    }
    with pytest.raises(ConfigError) as info:
        load_channels({"channels": [config]}, environ={})
    assert info.value.key == "channels[0].to"
    config.update({"from": "a@b.c", "to": ["team@example.invalid"]})
    with pytest.raises(ConfigError) as info:
        load_channels({"channels": [config]}, environ={})
    assert info.value.key == "channels[0].from"


# --- console and JSON lines -----------------------------------------------------------------


def test_console_prints_a_readable_table() -> None:
    buffer = io.StringIO()
    channel = one({"type": "console"}, console=Console(file=buffer, width=200))
    (outcome,) = channel.deliver([make_alert(), make_alert(1, severity=Severity.CRITICAL)])
    text = buffer.getvalue()
    assert outcome.delivered and outcome.attempts == 1
    assert "2 alert(s)" in text and "critical" in text and "psi 0.18 >= 0.1" in text
    assert "2024-03-02 00:00" in text


def test_console_lines_show_the_most_severe_first_and_count_the_rest() -> None:
    buffer = io.StringIO()
    config = {"type": "console", "layout": "lines", "max_alerts": 2}
    channel = one(config, console=Console(file=buffer, width=200, color_system=None))
    alerts = [
        make_alert(0),
        make_alert(1, severity=Severity.CRITICAL, message="[bracketed] psi 0.4 >= 0.25"),
        make_alert(2, severity=Severity.INFO, status=Status.ONGOING),
        make_alert(3),
    ]
    (outcome,) = channel.deliver(alerts)
    lines = buffer.getvalue().splitlines()
    assert outcome.delivered and outcome.alert_ids == tuple(a.alert_id for a in alerts)
    assert lines[0] == "model monitor: 4 alert(s): 1 critical, 2 warning, 1 info"
    assert lines[1].split() == ["critical", "churn", "v1", "2024-03-02", "psi", "[bracketed]",
                                "psi", "0.4", ">=", "0.25"]  # fmt: skip
    assert lines[2].split()[:4] == ["warning", "churn", "v1", "2024-03-01"]
    assert lines[3] == "  and 2 more (1 warning, 1 info)" and len(lines) == 4


def test_console_table_keeps_max_alerts_rows_and_a_caption() -> None:
    buffer = io.StringIO()
    channel = one({"type": "console", "max_alerts": 1}, console=Console(file=buffer, width=200))
    channel.deliver([make_alert(0), make_alert(1, severity=Severity.CRITICAL)])
    text = buffer.getvalue()
    assert "2024-03-02 00:00" in text and "2024-03-01 00:00" not in text
    assert "and 1 more (1 warning)" in text


@pytest.mark.parametrize(
    ("values", "key", "fragment"),
    [
        ({"layout": "grid"}, "channels[0].layout", "expected one of table, lines; got 'grid'"),
        ({"max_alerts": 0}, "channels[0].max_alerts", "whole number >= 1; got 0"),
        ({"max_alerts": True}, "channels[0].max_alerts", "whole number >= 1; got True"),
    ],
)
def test_console_options_are_checked(values: dict, key: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_channels({"channels": [{"type": "console", **values}]}, environ={})
    assert info.value.key == key and fragment in str(info.value)


def test_errors_in_a_channels_file_name_the_file_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "channels.yml"
    path.write_text("channels:\n  - {type: webhook, url_env: NOT_SET_HERE}\n")
    with pytest.raises(ConfigError) as info:
        load_channels(path, environ={})
    assert str(info.value) == (
        f"key `channels[0].url_env`: environment variable NOT_SET_HERE is not set (in {path})"
    )
    path.write_text("channels:\n  - {type: console\n")
    with pytest.raises(ConfigError) as info:
        load_channels(path, environ={})
    assert str(info.value).startswith(f"key `channels`: {path} is not valid YAML: ")
    assert "\n" not in str(info.value)


def test_jsonl_appends_one_record_per_line(tmp_path: Path) -> None:
    path = tmp_path / "out" / "alerts.jsonl"
    channel = one({"type": "jsonl", "path": str(path)})
    channel.deliver([make_alert(0)])
    channel.deliver([make_alert(1, status=Status.ONGOING)])
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r["status"] for r in records] == ["new", "ongoing"]
    assert records[0]["alert_id"] == make_alert(0).alert_id
    assert records[0]["window_start"] == "2024-03-01T00:00:00"
    assert records[1]["observed_value"] == 0.18 and records[1]["column_name"] == "age"


def test_jsonl_dash_writes_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    one({"type": "jsonl", "path": "-"}).deliver([make_alert()])
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["alert_key"] == make_alert().alert_key


# --- Slack and Teams (httpx) ------------------------------------------------------------------


def test_slack_posts_blocks_to_the_configured_url(server) -> None:
    channel = one({"type": "slack", "webhook_url_env": "S"}, {"S": server.url("/hook/abc")})
    alerts = [make_alert(), make_alert(1, status=Status.RESOLVED, message="a <b> & c")]
    (outcome,) = channel.deliver(alerts)
    assert outcome.delivered and outcome.attempts == 1
    (request,) = server.requests
    payload = request.json()
    assert request.path == "/hook/abc" and request.headers["content-type"] == "application/json"
    assert payload["blocks"][0]["type"] == "header"
    assert [b["type"] for b in payload["blocks"][1:]] == ["section", "section"]
    assert ":white_check_mark:" in payload["blocks"][2]["text"]["text"]
    assert "a &lt;b&gt; &amp; c" in payload["blocks"][2]["text"]["text"]
    assert "2 alerts" in payload["text"]


def test_slack_batches_twenty_alerts_per_message(server) -> None:
    channel = one({"type": "slack", "webhook_url_env": "S"}, {"S": server.url("/hook")})
    outcomes = channel.deliver([make_alert(day) for day in range(45)])
    assert [len(o.alert_ids) for o in outcomes] == [20, 20, 5]
    assert all(len(r.json()["blocks"]) <= 50 for r in server.requests)


def test_teams_posts_an_adaptive_card(server) -> None:
    channel = one({"type": "teams", "webhook_url_env": "T"}, {"T": server.url("/teams")})
    (outcome,) = channel.deliver([make_alert(severity=Severity.CRITICAL)])
    assert outcome.delivered
    (attachment,) = server.requests[0].json()["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert any(block.get("color") == "Attention" for block in card["body"])


def test_http_500_is_retried_then_delivered(server) -> None:
    server.answer(500)
    channel = one({"type": "slack", "webhook_url_env": "S"}, {"S": server.url("/hook")})
    (outcome,) = channel.deliver([make_alert()])
    assert outcome.delivered and outcome.attempts == 2 and len(server.requests) == 2


def test_http_500_every_time_fails_after_the_attempts(server) -> None:
    server.answer(500, 500, 500)
    channel = one({"type": "teams", "webhook_url_env": "T"}, {"T": server.url("/t")})
    (outcome,) = channel.deliver([make_alert()])
    assert not outcome.delivered and outcome.attempts == 3
    assert outcome.error.startswith("HTTP 500")


def test_http_404_is_not_retried(server) -> None:
    server.answer(404)
    channel = one({"type": "slack", "webhook_url_env": "S"}, {"S": server.url("/gone")})
    (outcome,) = channel.deliver([make_alert()])
    assert not outcome.delivered and outcome.attempts == 1 and "HTTP 404" in outcome.error


def test_timeout_is_retried_and_bounded_by_the_total_timeout(server) -> None:
    server.answer(1.5, 1.5, 1.5)
    channel = one(
        {
            "type": "slack",
            "webhook_url_env": "S",
            "retry": {"timeout": 0.3, "total_timeout": 1.0, "attempts": 5},
        },
        {"S": server.url("/slow")},
    )
    started = time.monotonic()
    (outcome,) = channel.deliver([make_alert()])
    elapsed = time.monotonic() - started
    assert not outcome.delivered and "timed out" in outcome.error
    assert 2 <= outcome.attempts < 5 and elapsed < 2.0


def test_refused_connection_fails_after_retries() -> None:
    url = f"http://127.0.0.1:{closed_port()}/hook"
    channel = one({"type": "slack", "webhook_url_env": "S"}, {"S": url})
    (outcome,) = channel.deliver([make_alert()])
    assert not outcome.delivered and outcome.attempts == 3
    assert "ConnectError" in outcome.error


# --- generic webhook (apprise json://) --------------------------------------------------------


def test_webhook_posts_apprise_json_with_the_alert_record(server) -> None:
    url = server.url("/alerts/in?team=ml")
    channel = one({"type": "webhook", "url_env": "W"}, {"W": url})
    alerts = [make_alert(0), make_alert(1, severity=Severity.CRITICAL)]
    outcomes = channel.deliver(alerts)
    assert [o.delivered for o in outcomes] == [True, True]
    assert [r.path for r in server.requests] == ["/alerts/in?team=ml"] * 2
    first = server.requests[1].json()
    assert first["type"] == "failure" and first["title"].startswith("[CRITICAL] churn")
    (record,) = first["alerts"]
    assert record["alert_id"] == alerts[1].alert_id and record["severity"] == "critical"


def test_webhook_500_then_success_is_delivered_on_the_second_attempt(server) -> None:
    server.answer(500)
    channel = one({"type": "webhook", "url_env": "W"}, {"W": server.url("/a")})
    (outcome,) = channel.deliver([make_alert()])
    assert outcome.delivered and outcome.attempts == 2


def test_webhook_failures_are_explained(server) -> None:
    server.answer(503, 503, 503)
    channel = one({"type": "webhook", "url_env": "W"}, {"W": server.url("/a")})
    (outcome,) = channel.deliver([make_alert()])
    assert not outcome.delivered and outcome.attempts == 3 and "503" in outcome.error
    refused = one({"type": "webhook", "url_env": "W"}, {"W": f"http://127.0.0.1:{closed_port()}/"})
    (outcome,) = refused.deliver([make_alert()])
    assert not outcome.delivered and "Connection" in outcome.error


def test_webhook_timeout_fails_within_bounds(server) -> None:
    server.answer(1.5, 1.5, 1.5)
    channel = one(
        {"type": "webhook", "url_env": "W", "retry": {"timeout": 0.3, "total_timeout": 1.5}},
        {"W": server.url("/slow")},
    )
    started = time.monotonic()
    (outcome,) = channel.deliver([make_alert()])
    assert not outcome.delivered and time.monotonic() - started < 2.5


# --- email (apprise mailto:// to aiosmtpd) ----------------------------------------------------


def email_config(port: int, **extra) -> dict:
    return {
        "type": "email",
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "username_env": "SMTP_USER",
        "password_env": "SMTP_PASSWORD",
        "from": "monitor@example.invalid",
        "to": ["team@example.invalid", "oncall@example.invalid"],
        "starttls": False,
        **extra,
    }


def test_email_is_sent_with_login_to_the_smtp_server() -> None:
    env = {"SMTP_USER": "monitor", "SMTP_PASSWORD": SMTP_PASSWORD}
    with smtp_recorder("monitor", SMTP_PASSWORD) as smtp:
        channel = one(email_config(smtp.port), env)
        (outcome,) = channel.deliver([make_alert(), make_alert(1, severity=Severity.CRITICAL)])
    assert outcome.delivered, outcome.error
    assert smtp.logins[0] == ("monitor", SMTP_PASSWORD)
    recipients = sorted(r for _, rcpts in smtp.envelopes for r in rcpts)
    assert recipients == ["oncall@example.invalid", "team@example.invalid"]
    message = smtp.messages[0]
    assert message["Subject"] == "[CRITICAL] model monitor: 2 alerts"
    body = message.get_body(("plain",)).get_content()
    assert "psi 0.18 >= 0.1" in body and make_alert().alert_id in body


def test_email_with_a_wrong_password_fails_without_showing_it() -> None:
    env = {"SMTP_USER": "monitor", "SMTP_PASSWORD": SMTP_PASSWORD}
    with smtp_recorder("monitor", "another-password") as smtp:
        channel = one(email_config(smtp.port, retry={"attempts": 2}), env)
        (outcome,) = channel.deliver([make_alert()])
    assert not outcome.delivered and outcome.attempts == 2 and smtp.messages == []
    assert SMTP_PASSWORD not in outcome.error


def test_email_to_a_closed_port_fails() -> None:
    channel = one(email_config(closed_port()), {"SMTP_USER": "u", "SMTP_PASSWORD": "p4ssword"})
    (outcome,) = channel.deliver([make_alert()])
    assert not outcome.delivered and outcome.attempts == 3


# --- secrets ----------------------------------------------------------------------------------


def test_redactor_hides_urls_their_tokens_and_encoded_forms() -> None:
    url = f"https://hooks.example.invalid/services/{SECRET_TOKEN}?sig=abcdefgh1234"
    redact = Redactor([url, SMTP_PASSWORD])
    text = (
        f"POST {url} failed; path /services/{SECRET_TOKEN}; token {SECRET_TOKEN}; "
        f"sig=abcdefgh1234; pw {SMTP_PASSWORD} / pa55%3Aw%2Frd%40Zq9-secret"
    )
    redacted = redact(text)
    for secret in (SECRET_TOKEN, "abcdefgh1234", SMTP_PASSWORD, "pa55%3Aw%2Frd%40Zq9-secret"):
        assert secret not in redacted
    assert redacted.startswith("POST *** failed; path /services/***;")


def test_secrets_never_reach_output_or_logs(
    server, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # the HTTP libraries log URLs at debug level
    env = {
        "S": secret_url(server, "slack"),
        "T": secret_url(server, "teams"),
        "W": secret_url(server, "webhook"),
        "SMTP_USER": "monitor",
        "SMTP_PASSWORD": SMTP_PASSWORD,
    }
    with smtp_recorder("monitor", SMTP_PASSWORD) as smtp:
        channels = load_channels(
            {
                "channels": [
                    {"type": "slack", "webhook_url_env": "S"},
                    {"type": "teams", "webhook_url_env": "T"},
                    {"type": "webhook", "url_env": "W"},
                    email_config(smtp.port),
                    {"type": "console"},
                    {"type": "jsonl", "path": "-"},
                ],
                "retry": FAST,
            },
            environ=env,
        )
        server.answer(500, 404, 500, 500, 500)  # slack: 500 then 404; teams and webhook fail
        outcomes = [o for c in channels for o in c.deliver([make_alert()])]
        refused = load_channels(
            {
                "channels": [
                    {"type": "slack", "webhook_url_env": "S"},
                    {"type": "webhook", "url_env": "W"},
                    email_config(closed_port(), name="mail2"),
                ],
                "retry": {"attempts": 1},
            },
            environ={
                **env,
                "S": f"http://127.0.0.1:{closed_port()}/x/{SECRET_TOKEN}",
                "W": f"http://127.0.0.1:{closed_port()}/y/{SECRET_TOKEN}",
            },
        )
        outcomes += [o for c in refused for o in c.deliver([make_alert()])]
    assert [o.delivered for o in outcomes] == [
        False,
        False,
        True,
        True,
        True,
        True,
        False,
        False,
        False,
    ]
    assert len(smtp.messages) == 2  # apprise sends one message per recipient
    captured = capfd.readouterr()
    seen = "\n".join(
        [captured.out, captured.err, caplog.text, repr(outcomes), repr(channels)]
        + [str(o.error) for o in outcomes]
    )
    assert "***" in caplog.text  # the libraries did log their URLs, redacted
    assert SECRET_TOKEN not in seen and SMTP_PASSWORD not in seen


def test_first_delivery_in_a_fresh_process_logs_no_secret(server) -> None:
    """The HTTP libraries' loggers appear on import: the very first delivery is covered."""
    script = (
        "import logging, sys\n"
        "logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)\n"
        "from model_monitor.alerts.notify import load_channels\n"
        "from alerting_helpers import make_alert\n"
        "channels = load_channels({'channels': [{'type': 'slack', 'webhook_url_env': 'S'},"
        " {'type': 'webhook', 'url_env': 'W'}]}, environ={'S': sys.argv[1], 'W': sys.argv[2]})\n"
        "print([o.delivered for c in channels for o in c.deliver([make_alert()])])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent)}
    done = subprocess.run(
        [sys.executable, "-c", script, secret_url(server, "slack"), secret_url(server, "hook")],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.stdout.strip() == "[True, True]", done.stderr
    assert "HTTP Request: POST" in done.stderr and "JSON POST URL" in done.stderr
    assert SECRET_TOKEN not in done.stdout + done.stderr
