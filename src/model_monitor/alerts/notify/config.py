"""Channels from their config: a mapping or YAML file, validated key by key, secrets from env."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from model_monitor.alerts.notify.apprise_channels import (
    EmailChannel,
    WebhookChannel,
    apprise_plugin,
)
from model_monitor.alerts.notify.channels import (
    Channel,
    ConsoleChannel,
    DeliveryError,
    JsonlChannel,
    RetryPolicy,
)
from model_monitor.alerts.notify.redaction import Redactor, apprise_capture
from model_monitor.alerts.notify.webhooks import SlackChannel, TeamsChannel
from model_monitor.alerts.record import Severity
from model_monitor.errors import ConfigError

CHANNEL_TYPES = ("console", "jsonl", "slack", "teams", "webhook", "email")
CONSOLE_LAYOUTS = ("table", "lines")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

_COMMON_KEYS = {"type", "name", "min_severity", "retry"}
_KEYS = {
    "console": {"layout", "max_alerts"},
    "jsonl": {"path"},
    "slack": {"webhook_url_env"},
    "teams": {"webhook_url_env"},
    "webhook": {"url_env"},
    "email": {
        "smtp_host",
        "smtp_port",
        "username_env",
        "password_env",
        "from",
        "to",
        "starttls",
        "ssl",
    },
}
_RETRY_KEYS = ("attempts", "initial_wait", "max_wait", "timeout", "total_timeout")


def load_channels(
    config: Mapping[str, Any] | str | Path,
    *,
    environ: Mapping[str, str] | None = None,
    console: Any = None,
) -> list[Channel]:
    """Build channels from a config mapping or YAML file; secrets come from environ.

    Raises ConfigError naming the key at fault (``channels[1].webhook_url_env``); secret
    values never appear in its message.
    """
    if isinstance(config, (str, Path)):
        path = Path(config)
        try:
            return _build_channels(_read_yaml(path), environ, console)
        except ConfigError as exc:
            if exc.message.startswith(f"{path}") or exc.message.startswith("cannot read"):
                raise
            raise ConfigError(f"{exc.message} (in {path})", key=exc.key) from None
    return _build_channels(config, environ, console)


def _build_channels(config: Any, environ: Mapping[str, str] | None, console: Any) -> list[Channel]:
    import os

    if not isinstance(config, Mapping):
        raise ConfigError("expected a mapping with a `channels` list", key="channels")
    unknown = sorted(set(config) - {"channels", "retry"})
    if unknown:
        raise ConfigError(
            f"unknown key; expected channels, retry; got {unknown[0]!r}", key=unknown[0]
        )
    env = os.environ if environ is None else environ
    default_retry = _retry_policy(config.get("retry"), "retry", RetryPolicy())
    entries = config.get("channels")
    if not isinstance(entries, list) or not entries:
        raise ConfigError("expected a non-empty list of channels", key="channels")
    channels: list[Channel] = []
    for index, entry in enumerate(entries):
        channel = _channel(entry, f"channels[{index}]", env, default_retry, console)
        if any(c.name == channel.name for c in channels):
            raise ConfigError(
                f"two channels are named {channel.name!r}; give each a distinct `name`",
                key=f"channels[{index}].name",
            )
        channels.append(channel)
    return channels


def _read_yaml(path: Path) -> Any:
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}", key="channels") from None
    except yaml.YAMLError as exc:
        # One line: the CLI prints the error as one line on stderr.
        detail = " ".join(str(exc).split())
        raise ConfigError(f"{path} is not valid YAML: {detail}", key="channels") from None


def _channel(
    entry: Any, where: str, env: Mapping[str, str], default_retry: RetryPolicy, console: Any
) -> Channel:
    if not isinstance(entry, Mapping):
        raise ConfigError(f"expected a mapping; got {entry!r}", key=where)
    kind = entry.get("type")
    if kind not in CHANNEL_TYPES:
        raise ConfigError(
            f"expected one of {', '.join(CHANNEL_TYPES)}; got {kind!r}", key=f"{where}.type"
        )
    allowed = _COMMON_KEYS | _KEYS[kind]
    for key in entry:
        if key not in allowed:
            raise ConfigError(
                f"unknown key for a {kind} channel; expected one of {', '.join(sorted(allowed))}",
                key=f"{where}.{key}",
            )
    name = entry.get("name", kind)
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.\-]+", name):
        raise ConfigError(
            f"expected letters, digits, _ . - only; got {name!r}", key=f"{where}.name"
        )
    severity = entry.get("min_severity", "info")
    if severity not in [s.value for s in Severity]:
        raise ConfigError(
            f"expected one of info, warning, critical; got {severity!r}",
            key=f"{where}.min_severity",
        )
    common: dict[str, Any] = {
        "name": name,
        "min_severity": Severity(severity),
        "retry": _retry_policy(entry.get("retry"), f"{where}.retry", default_retry),
    }
    if kind == "console":
        layout = entry.get("layout", "table")
        if layout not in CONSOLE_LAYOUTS:
            raise ConfigError(
                f"expected one of {', '.join(CONSOLE_LAYOUTS)}; got {layout!r}",
                key=f"{where}.layout",
            )
        limit = entry.get("max_alerts")
        if limit is not None and (
            isinstance(limit, bool) or not isinstance(limit, int) or limit < 1
        ):
            raise ConfigError(
                f"expected a whole number >= 1; got {limit!r}", key=f"{where}.max_alerts"
            )
        return ConsoleChannel(**common, console=console, layout=layout, max_alerts=limit)
    if kind == "jsonl":
        path = entry.get("path", "-")
        if not isinstance(path, str) or not path:
            raise ConfigError(f"expected a file path or '-'; got {path!r}", key=f"{where}.path")
        return JsonlChannel(**common, path=path)
    if kind in ("slack", "teams", "webhook"):
        key = "url_env" if kind == "webhook" else "webhook_url_env"
        url = _secret_url(entry, key, where, env)
        if kind == "slack":
            return SlackChannel(**common, secrets=(url,), url=url)
        if kind == "teams":
            return TeamsChannel(**common, secrets=(url,), url=url)
        return WebhookChannel(**common, secrets=(url,), url=url)
    return _email_channel(entry, where, env, common)


def _env_name(entry: Mapping[str, Any], key: str, where: str, *, required: bool) -> str | None:
    name = entry.get(key)
    if name is None and not required:
        return None
    if not isinstance(name, str) or not _ENV_NAME.match(name):
        raise ConfigError(
            f"expected the name of an environment variable; got {name!r}", key=f"{where}.{key}"
        )
    return name


def _env_value(env: Mapping[str, str], name: str, key: str, where: str) -> str:
    value = env.get(name)
    if not value:
        raise ConfigError(f"environment variable {name} is not set", key=f"{where}.{key}")
    return value


def _secret_url(entry: Mapping[str, Any], key: str, where: str, env: Mapping[str, str]) -> str:
    name = _env_name(entry, key, where, required=True)
    assert name is not None
    url = _env_value(env, name, key, where)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        # Never echo the value: it is a secret.
        raise ConfigError(
            f"environment variable {name} does not hold an http(s) URL", key=f"{where}.{key}"
        )
    return url


def _email_channel(
    entry: Mapping[str, Any], where: str, env: Mapping[str, str], common: dict[str, Any]
) -> EmailChannel:
    host = entry.get("smtp_host")
    if not isinstance(host, str) or not host:
        raise ConfigError(f"expected an SMTP host name; got {host!r}", key=f"{where}.smtp_host")
    for flag in ("starttls", "ssl"):
        if flag in entry and not isinstance(entry[flag], bool):
            raise ConfigError(f"expected true or false; got {entry[flag]!r}", key=f"{where}.{flag}")
    ssl = entry.get("ssl", False)
    if ssl and entry.get("starttls", False):
        raise ConfigError("starttls and ssl exclude each other", key=f"{where}.starttls")
    mode = "ssl" if ssl else ("starttls" if entry.get("starttls", True) else "insecure")
    port = entry.get("smtp_port", {"ssl": 465, "starttls": 587, "insecure": 25}[mode])
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        raise ConfigError(f"expected a port number; got {port!r}", key=f"{where}.smtp_port")
    sender = entry.get("from")
    if not isinstance(sender, str) or "@" not in sender:
        raise ConfigError(f"expected an email address; got {sender!r}", key=f"{where}.from")
    recipients = entry.get("to")
    if isinstance(recipients, str):
        recipients = [recipients]
    if (
        not isinstance(recipients, list)
        or not recipients
        or not all(isinstance(r, str) and "@" in r for r in recipients)
    ):
        raise ConfigError(
            f"expected a list of email addresses; got {recipients!r}", key=f"{where}.to"
        )
    user_env = _env_name(entry, "username_env", where, required=False)
    password_env = _env_name(entry, "password_env", where, required=False)
    if (user_env is None) != (password_env is None):
        missing = "password_env" if password_env is None else "username_env"
        raise ConfigError("username_env and password_env go together", key=f"{where}.{missing}")
    username = password = None
    if user_env is not None and password_env is not None:
        username = _env_value(env, user_env, "username_env", where)
        password = _env_value(env, password_env, "password_env", where)
    channel = EmailChannel(
        **common,
        secrets=(password,) if password else (),
        smtp_host=host,
        smtp_port=port,
        username=username,
        password=password,
        sender=sender,
        recipients=tuple(recipients),
        mode=mode,
    )
    _check_email(channel, where)
    return channel


def _check_email(channel: EmailChannel, where: str) -> None:
    """Let apprise validate the addresses now, rather than fail at the first alert."""
    from apprise.exception import AppriseException

    redactor = Redactor(channel.secrets)
    try:
        with apprise_capture(redactor) as capture:
            plugin = apprise_plugin(channel.apprise_spec())
    except (AppriseException, DeliveryError, TypeError, ValueError) as exc:
        key = f"{where}.from" if "From" in str(exc) else where
        raise ConfigError(redactor(f"apprise refuses the settings: {exc}"), key=key) from None
    dropped = [line for line in capture.lines if "Dropped invalid" in line]
    if dropped or len(plugin.targets) != len(channel.recipients):
        raise ConfigError(redactor(" ".join(dropped) or "invalid recipient"), key=f"{where}.to")


def _retry_policy(raw: Any, where: str, base: RetryPolicy) -> RetryPolicy:
    if raw is None:
        return base
    if not isinstance(raw, Mapping):
        raise ConfigError(f"expected a mapping of {', '.join(_RETRY_KEYS)}", key=where)
    values = {name: getattr(base, name) for name in _RETRY_KEYS}
    for key, value in raw.items():
        if key not in values:
            raise ConfigError(
                f"unknown key; expected one of {', '.join(_RETRY_KEYS)}", key=f"{where}.{key}"
            )
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"expected a number; got {value!r}", key=f"{where}.{key}")
        if key == "attempts" and (not isinstance(value, int) or not 1 <= value <= 10):
            raise ConfigError(f"expected a whole number 1..10; got {value!r}", key=f"{where}.{key}")
        if key != "attempts" and not 0 < value <= 300:
            raise ConfigError(f"expected seconds in (0, 300]; got {value!r}", key=f"{where}.{key}")
        values[key] = value
    return RetryPolicy(**values)
