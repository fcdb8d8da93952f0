"""Real local endpoints and warehouses for the alerting tests (loopback only).

- `HttpRecorder`: an http.server on 127.0.0.1 (port 0) that records each request and answers
  from a script (status codes, or a delay longer than the client's timeout).
- `SmtpRecorder`: an aiosmtpd server on 127.0.0.1 that requires AUTH and records messages.
- `closed_port()`: a loopback port nothing listens on (connection refused).
- `alert_warehouse()`: a real model_monitor Warehouse on DuckDB or PostgreSQL for AlertStore.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import os
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from model_monitor.alerts.record import Alert, Severity
from model_monitor.warehouse import Warehouse

LOOPBACK = "127.0.0.1"
PROXY_VARIABLES = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
)


def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make sure requests to 127.0.0.1 go straight there, never through a proxy."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", f"{LOOPBACK},localhost")
    monkeypatch.setenv("no_proxy", f"{LOOPBACK},localhost")


# --- HTTP ---------------------------------------------------------------------------------


@dataclass
class Recorded:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


@dataclass
class HttpRecorder:
    """A threaded HTTP server on loopback; `script` holds the next answers (default 200)."""

    server: ThreadingHTTPServer
    requests: list[Recorded] = field(default_factory=list)
    script: list[int | float] = field(default_factory=list)  # int: status; float: delay (s)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def url(self, path: str = "/") -> str:
        return f"http://{LOOPBACK}:{self.port}{path}"

    def answer(self, *behaviours: int | float) -> None:
        """Queue answers: 500 answers HTTP 500; 2.0 sleeps 2 s, then answers 200."""
        self.script.extend(behaviours)


@contextmanager
def http_recorder() -> Iterator[HttpRecorder]:
    """Start an HttpRecorder on 127.0.0.1:0; stop it afterwards."""
    recorder: HttpRecorder

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            recorder.requests.append(
                Recorded("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            behaviour = recorder.script.pop(0) if recorder.script else 200
            status = 200
            if isinstance(behaviour, float):
                time.sleep(behaviour)
            else:
                status = behaviour
            payload = b"ok" if status < 400 else b"server says no"
            try:
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the client gave up (timeout test)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # keep test output clean

    server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
    server.daemon_threads = True
    recorder = HttpRecorder(server)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    """A loopback port with no listener: connecting to it is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


# --- SMTP ---------------------------------------------------------------------------------


@dataclass
class SmtpRecorder:
    """Messages and logins an aiosmtpd server received."""

    port: int
    messages: list[email.message.EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)


@contextmanager
def smtp_recorder(username: str, password: str) -> Iterator[SmtpRecorder]:
    """An SMTP server on 127.0.0.1 that requires AUTH with these credentials."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    recorder = SmtpRecorder(port=closed_port())

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            recorder.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            recorder.messages.append(
                email.message_from_bytes(envelope.content, policy=email.policy.default)
            )
            return "250 Message accepted for delivery"

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login = (data.login.decode(), data.password.decode())
        recorder.logins.append(login)
        return AuthResult(success=login == (username, password))

    controller = Controller(
        Handler(),
        hostname=LOOPBACK,
        port=recorder.port,
        authenticator=authenticator,
        auth_required=True,
        auth_require_tls=False,  # plain SMTP on loopback: no certificate to manage in tests
    )
    controller.start()
    try:
        yield recorder
    finally:
        controller.stop()


# --- alerts -------------------------------------------------------------------------------

DAY = dt.timedelta(days=1)
T0 = dt.datetime(2024, 3, 1)


def make_alert(day: int = 0, **values: Any) -> Alert:
    """An alert of monitor churn (psi on age) in window T0 + day."""
    start = T0 + day * DAY
    defaults: dict[str, Any] = {
        "monitor_name": "churn",
        "rule_name": "psi",
        "metric_name": "psi",
        "severity": Severity.WARNING,
        "window_start": start,
        "window_end": start + DAY,
        "message": "psi 0.18 >= 0.1",
        "observed_value": 0.18,
        "threshold": 0.1,
        "column_name": "age",
        "model_version": "v1",
    }
    defaults.update(values)
    return Alert(**defaults)


# --- warehouses ---------------------------------------------------------------------------


def _pg_settings() -> dict[str, Any]:
    """MM_PG_* with the defaults of scripts/postgres.sh; fails when the server is unreachable."""
    settings = {
        "host": os.environ.get("MM_PG_HOST", LOOPBACK),
        "port": int(os.environ.get("MM_PG_PORT", "55432")),
        "user": os.environ.get("MM_PG_USER", "postgres"),
        "password": os.environ.get("MM_PG_PASSWORD", ""),
        "dbname": os.environ.get("MM_PG_DATABASE", "model_monitor_test"),
    }
    try:
        import psycopg2

        psycopg2.connect(connect_timeout=5, **settings).close()
    except Exception as exc:  # any driver or network error means the same thing here
        pytest.fail(
            f"postgres was requested (MM_ENGINES/--engines) but {settings['user']}@"
            f"{settings['host']}:{settings['port']}/{settings['dbname']} is unreachable: {exc}"
            '\nStart one with: eval "$(bash scripts/postgres.sh)"',
            pytrace=False,
        )
    return settings


@dataclass
class AlertWarehouse:
    """A Warehouse plus the schemas the tests made in it (dropped afterwards)."""

    warehouse: Warehouse
    engine: str
    token: str
    schemas: list[str] = field(default_factory=list)

    def new_schema(self, label: str) -> str:
        """A schema name of its own for one test (not created yet)."""
        name = f"mm_{label}_{len(self.schemas)}_{self.token}".lower()
        self.schemas.append(name)
        return name

    def count(self, relation: str) -> int:
        """Rows in a table."""
        return int(self.warehouse.query(f"select count(*) as n from {relation}")["n"].iloc[0])


@contextmanager
def alert_warehouse(engine: str, root: Path) -> Iterator[AlertWarehouse]:
    """A Warehouse on `engine` through a minimal dbt project in root; schemas dropped after."""
    token = f"{os.getpid()}_{secrets.token_hex(3)}"
    root.mkdir(parents=True, exist_ok=True)
    (root / "dbt_project.yml").write_text(
        "name: mm_alerts\nversion: '1.0'\nconfig-version: 2\nprofile: mm_alerts\n"
    )
    if engine == "duckdb":
        output = f"type: duckdb\n      path: '{root / 'alerts.duckdb'}'\n      threads: 1\n"
    else:
        pg = _pg_settings()
        output = (
            f"type: postgres\n      host: '{pg['host']}'\n      port: {pg['port']}\n"
            f"      user: '{pg['user']}'\n      password: '{pg['password']}'\n"
            f"      dbname: '{pg['dbname']}'\n      schema: mm_target_{token}\n      threads: 1\n"
        )
    (root / "profiles.yml").write_text(
        f"mm_alerts:\n  target: dev\n  outputs:\n    dev:\n      {output}"
    )
    warehouse = Warehouse(root, profiles_dir=root)
    handle = AlertWarehouse(warehouse, engine, token)
    try:
        yield handle
    finally:
        try:
            if engine == "postgres":
                drops = [
                    f"drop schema if exists {warehouse.quote(s)} cascade" for s in handle.schemas
                ]
                drops.append(
                    f"drop schema if exists {warehouse.quote(warehouse.target_schema)} cascade"
                )
                warehouse.execute(*drops)
        finally:
            warehouse.close()
