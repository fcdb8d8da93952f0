"""Render the package's cross_db macros for any dbt adapter type, without that adapter.

dbt needs a connection (and the adapter installed) to compile a project, so Snowflake, BigQuery,
Databricks and Trino are rendered here instead: the macro files are parsed with dbt's own Jinja
environment (same parser, filters and `return()` semantics as dbt), `adapter.dispatch` searches
`<adapter>__`, the adapters it inherits from, then `default__`, as dbt does, and the few dbt
cross-database macros the shims call (`dbt.type_string`, `dbt.type_timestamp`, `dbt.type_bigint`,
`dbt.datediff`)
render what each adapter's own implementation renders (DBT_MACROS, from the adapters' sources).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from dbt_common.clients.jinja import get_environment
from dbt_common.exceptions.macros import MacroReturn

from .dialects import dispatch_order

CROSS_DB = Path(__file__).resolve().parents[2] / "dbt_project" / "macros" / "cross_db"
INCREMENTAL_CONFIG = CROSS_DB.parent / "incremental" / "window_incremental_config.sql"


class RenderError(RuntimeError):
    """A macro raised a compiler error, or dispatch found no candidate."""


def _unsupported(adapter_type: str, part: str) -> str:
    raise RenderError(f"dbt-{adapter_type}'s datediff has no datepart {part!r}")


def _datediff(adapter_type: str) -> Callable[[str, str, str], str]:
    """dbt.datediff(first, second, part) as the adapter renders it (only the parts used here)."""

    def render(first: str, second: str, part: str) -> str:
        if adapter_type == "snowflake":
            return f"datediff({part}, {first}, {second})"
        if adapter_type == "bigquery":
            return f"datetime_diff(cast({second} as datetime), cast({first} as datetime), {part})"
        # dbt-spark and dbt-databricks stop at seconds, dbt-trino at milliseconds (DuckDB and
        # PostgreSQL are compiled for real instead).
        return _unsupported(adapter_type, part)

    return render


# dbt.type_string(), dbt.type_timestamp() and dbt.type_bigint() per adapter
# (api.Column.translate_type in each).
DBT_TYPES: dict[str, dict[str, str]] = {
    "snowflake": {"string": "varchar", "timestamp": "timestamp_ntz", "bigint": "bigint"},
    "bigquery": {"string": "string", "timestamp": "timestamp", "bigint": "int64"},
    "databricks": {"string": "string", "timestamp": "timestamp", "bigint": "bigint"},
    "spark": {"string": "string", "timestamp": "timestamp", "bigint": "bigint"},
    "trino": {"string": "varchar", "timestamp": "timestamp", "bigint": "bigint"},
    "duckdb": {"string": "varchar", "timestamp": "timestamp", "bigint": "bigint"},
    "postgres": {"string": "text", "timestamp": "timestamp", "bigint": "bigint"},
}

QUOTE = {"bigquery": "`", "databricks": "`", "spark": "`"}


class _DbtMacros:
    """The `dbt` namespace: the cross-database macros the shims call."""

    def __init__(self, adapter_type: str) -> None:
        types = DBT_TYPES[adapter_type]
        self.type_string = lambda: types["string"]
        self.type_timestamp = lambda: types["timestamp"]
        self.type_bigint = lambda: types["bigint"]
        self.datediff = _datediff(adapter_type)
        self.date_trunc = _date_trunc(adapter_type)


def _date_trunc(adapter_type: str) -> Callable[[str, str], str]:
    """dbt's date_trunc as each adapter renders it (from the adapters' own macros)."""
    if adapter_type == "bigquery":
        return lambda part, expr: f"timestamp_trunc(cast({expr} as timestamp), {part})"
    if adapter_type == "snowflake":
        return lambda part, expr: f"date_trunc({part}, {expr})"
    return lambda part, expr: f"date_trunc('{part}', {expr})"


class _Exceptions:
    @staticmethod
    def raise_compiler_error(message: str) -> None:
        raise RenderError(message)


class _Adapter:
    """`adapter` in the macros: dispatch in dbt's order and identifier quoting."""

    def __init__(self, adapter_type: str, macros: Macros) -> None:
        self._type = adapter_type
        self._macros = macros

    def type(self) -> str:
        """The adapter type, as dbt's `adapter.type()`."""
        return self._type

    def dispatch(self, name: str, macro_namespace: str | None = None) -> Callable[..., Any]:
        """The first of `<adapter>__name`, `<parent>__name`, `default__name` that exists."""
        for prefix in dispatch_order(self._type):
            candidate = f"{prefix}__{name}"
            if self._macros.has(candidate):
                return getattr(self._macros, candidate)
        raise RenderError(f"no candidate for {macro_namespace}.{name} on {self._type}")

    def quote(self, name: str) -> str:
        """An identifier quoted the adapter's way."""
        q = QUOTE.get(self._type, '"')
        return q + name.replace(q, q + q) + q


def _return(value: Any) -> None:
    raise MacroReturn(value)


@cache
def _sources() -> tuple[tuple[str, str], ...]:
    files = [*sorted(CROSS_DB.glob("*.sql")), INCREMENTAL_CONFIG]
    return tuple((path.name, path.read_text()) for path in files)


class Macros:
    """The cross_db macros (and the incremental and latest-labels config ones) as rendered for
    one adapter type: `Macros('bigquery').percentile('x', 0.5)` or a candidate such as
    `.trino__percentile(...)`."""

    def __init__(self, adapter_type: str) -> None:
        self.adapter_type = adapter_type
        self._context: dict[str, Any] = {
            "model_monitor": self,
            "adapter": _Adapter(adapter_type, self),
            "dbt": _DbtMacros(adapter_type),
            "exceptions": _Exceptions(),
            "return": _return,
        }
        env = get_environment()
        self._macros: dict[str, Any] = {}
        for _, source in _sources():
            module = env.from_string(source, globals=self._context).make_module(self._context)
            for key, value in module.__dict__.items():
                if key.startswith("dbt_macro__"):
                    self._macros[key.removeprefix("dbt_macro__")] = value

    def has(self, name: str) -> bool:
        """Whether a macro of that name is defined."""
        return name in self._macros

    def names(self) -> list[str]:
        """Every macro name."""
        return sorted(self._macros)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_") or name not in self._macros:
            raise AttributeError(name)
        macro = self._macros[name]

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                result = macro(*args, **kwargs)
            except MacroReturn as returned:
                return returned.value
            return str(result).strip()

        return call
