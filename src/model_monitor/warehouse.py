"""The one place that talks to the warehouse: through the user's own dbt profile and adapter."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from argparse import Namespace
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from model_monitor.errors import WarehouseError

PACKAGE = "model_monitor"
CONNECTION_NAME = "model_monitor"

logger = logging.getLogger("model_monitor.dbt")

_DBT_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.DEBUG,  # dbt's info lines ("Registered adapter") are noise for a library
    "warn": logging.WARNING,
    "error": logging.ERROR,
}


def resolve_profiles_dir(project_dir: Path, profiles_dir: Path | str | None = None) -> Path:
    """Return the directory holding profiles.yml, resolved the way dbt does."""
    if profiles_dir:
        return Path(profiles_dir).expanduser()
    if os.environ.get("DBT_PROFILES_DIR"):
        return Path(os.environ["DBT_PROFILES_DIR"]).expanduser()
    # dbt itself looks in the working directory, then ~/.dbt; the project dir sits between
    # them so that `--project-dir` alone finds a profiles.yml kept beside dbt_project.yml.
    for candidate in (Path.cwd(), project_dir):
        if (candidate / "profiles.yml").is_file():
            return candidate
    return Path.home() / ".dbt"


def _one_line(exc: BaseException) -> str:
    """Return dbt's message without its 'Runtime Error' header, on one line."""
    message = getattr(exc, "msg", None) or str(exc)
    return " ".join(str(message).split())


def _log_dbt_event(msg: Any) -> None:
    """Forward one dbt event to Python logging instead of stdout."""
    logger.log(_DBT_LEVELS.get(msg.info.level, logging.DEBUG), "%s", msg.info.msg)


@contextmanager
def _dbt_events_to_logging() -> Iterator[None]:
    """Route dbt's events to logging: dbt-common installs a stdout logger on import."""
    from dbt_common.events.event_manager import EventManager
    from dbt_common.events.event_manager_client import (
        ctx_set_event_manager,
        get_event_manager,
    )

    previous = get_event_manager()
    quiet = EventManager()
    quiet.add_callback(_log_dbt_event)
    ctx_set_event_manager(quiet)
    try:
        yield
    finally:
        ctx_set_event_manager(previous)


def _to_python(value: Any) -> Any:
    """Convert one agate cell to a plain Python value."""
    if isinstance(value, Decimal):
        return float(value)
    return value


def _agate_to_dataframe(table: Any) -> pd.DataFrame:
    """Convert the agate table of `adapter.execute` to a DataFrame, typed per column."""
    import agate
    from dbt_common.clients.agate_helper import Integer

    columns: dict[str, pd.Series] = {}
    for name, column_type in zip(table.column_names, table.column_types, strict=True):
        values = [_to_python(row[name]) for row in table.rows]
        has_null = any(v is None for v in values)
        if isinstance(column_type, Integer):
            # agate types an all-NULL column as Integer too: keep it nullable.
            series = pd.Series(values, dtype="Int64" if has_null or not values else "int64")
        elif isinstance(column_type, agate.Number):
            series = pd.Series([float("nan") if v is None else v for v in values], dtype="float64")
        elif isinstance(column_type, agate.Boolean):
            series = pd.Series(values, dtype="boolean" if has_null else "bool")
        elif isinstance(column_type, (agate.Date, agate.DateTime)):
            aware = any(isinstance(v, dt.datetime) and v.tzinfo is not None for v in values)
            series = pd.to_datetime(pd.Series(values, dtype="object"), utc=aware)
        else:
            series = pd.Series(values, dtype="object")
        columns[name] = series
    return pd.DataFrame(columns, columns=list(table.column_names))


class Warehouse:
    """A connection to the warehouse of a dbt project, through its own profile and adapter."""

    def __init__(
        self,
        project_dir: Path | str = ".",
        profiles_dir: Path | str | None = None,
        target: str | None = None,
    ) -> None:
        """Load the dbt project and profile and register its adapter (no connection yet)."""
        self.project_dir = Path(project_dir).expanduser().resolve()
        if not (self.project_dir / "dbt_project.yml").is_file():
            raise WarehouseError(
                f"no dbt_project.yml in {self.project_dir}; pass --project-dir",
                key="project_dir",
                obj=str(self.project_dir),
            )
        self.profiles_dir = resolve_profiles_dir(self.project_dir, profiles_dir).resolve()
        if not (self.profiles_dir / "profiles.yml").is_file():
            raise WarehouseError(
                f"no profiles.yml in {self.profiles_dir}; pass --profiles-dir or set "
                "DBT_PROFILES_DIR",
                key="profiles_dir",
                obj=str(self.profiles_dir),
            )
        self._manifest: dict[str, Any] | None = None
        self._macros_loaded = False
        # The manifest nodes of the tables relation() has named, by relation name: a query that
        # fails on one of them may fail because it was parsed but never built.
        self._named_nodes: dict[str, dict[str, Any]] = {}
        with _dbt_events_to_logging():
            self._config = self._load_config(target)
            self._adapter = self._register_adapter()
        self.target = self._config.target_name
        self.adapter_type: str = self._config.credentials.type

    def _load_config(self, target: str | None) -> Any:
        """Build dbt's RuntimeConfig from the project and profile, as `dbt run` would."""
        from dbt import flags
        from dbt.config.runtime import RuntimeConfig
        from dbt_common.context import set_invocation_context
        from dbt_common.exceptions import DbtBaseException

        # dbt reads env_var() through the invocation context, not os.environ: refresh it.
        set_invocation_context(dict(os.environ))
        # These Namespace values override whatever dbt's own option parsing would have read
        # from the environment, so dbt's env vars are applied here, as `dbt run` applies them.
        target = target or os.environ.get("DBT_TARGET") or None
        args = Namespace(
            project_dir=str(self.project_dir),
            profiles_dir=str(self.profiles_dir),
            target=target,
            profile=os.environ.get("DBT_PROFILE") or None,
            target_path=os.environ.get("DBT_TARGET_PATH") or None,
            threads=None,
            vars={},
        )
        try:
            # Profile.render reads PROFILES_DIR from the global flags, so they come first.
            flags.set_from_args(args, {})
            return RuntimeConfig.from_args(args)
        except DbtBaseException as exc:
            message = _one_line(exc)
            if target and f"'{target}'" in message:
                key = "target"
            elif "profile" in message.lower():
                key = "profile"
            else:
                key = "project_dir"
            raise WarehouseError(message, key=key, obj=target) from None

    def _register_adapter(self) -> Any:
        """Register the profile's adapter in dbt's factory and return it."""
        from dbt.adapters.factory import get_adapter, register_adapter, reset_adapters
        from dbt.mp_context import get_mp_context

        register_adapter(self._config, get_mp_context())
        adapter = get_adapter(self._config)
        if adapter.config is not self._config:
            # The factory keeps one adapter per type and silently ignores a second
            # registration: drop the stale one (another project or target) and retry.
            reset_adapters()
            register_adapter(self._config, get_mp_context())
            adapter = get_adapter(self._config)
        return adapter

    @property
    def manifest_path(self) -> Path:
        """Return the path of the project's target/manifest.json."""
        return Path(self._config.project_target_path) / "manifest.json"

    def _load_manifest(self) -> dict[str, Any]:
        """Read target/manifest.json once."""
        if self._manifest is None:
            path = self.manifest_path
            if not path.is_file():
                raise WarehouseError(
                    f"{path} not found; run `dbt build` in {self.project_dir} first",
                    key="manifest",
                    obj=str(path),
                )
            try:
                manifest = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise WarehouseError(
                    f"cannot read {path}: {exc}; run `dbt build` again",
                    key="manifest",
                    obj=str(path),
                ) from None
            built_for = manifest.get("metadata", {}).get("adapter_type")
            if built_for and built_for != self.adapter_type:
                raise WarehouseError(
                    f"{path} was built for {built_for} but target '{self.target}' is "
                    f"{self.adapter_type}; run `dbt build --target {self.target}` first",
                    key="manifest",
                    obj=str(path),
                )
            self._manifest = manifest
        return self._manifest

    def relation(self, table_name: str) -> str:
        """Return the quoted relation name of a model_monitor table, e.g. monitor_drift."""
        manifest = self._load_manifest()
        nodes = manifest.get("nodes", {})
        node = nodes.get(f"model.{PACKAGE}.{table_name}")
        if node is None:
            node = next(
                (
                    n
                    for n in nodes.values()
                    if n.get("resource_type") == "model"
                    and n.get("package_name") == PACKAGE
                    and n.get("name") == table_name
                ),
                None,
            )
        if node is None:
            if f"model.{PACKAGE}.{table_name}" in manifest.get("disabled", {}):
                raise WarehouseError(
                    f"model {PACKAGE}.{table_name} is disabled in {self.project_dir}",
                    key="relation",
                    obj=table_name,
                )
            raise WarehouseError(
                f"table {table_name} of package {PACKAGE} is not in {self.manifest_path}; "
                f"install the package and run `dbt build` in {self.project_dir} first",
                key="relation",
                obj=table_name,
            )
        relation_name = node.get("relation_name")
        if not relation_name:
            raise WarehouseError(
                f"model {PACKAGE}.{table_name} has no relation (is it ephemeral?); "
                "materialize it and run `dbt build`",
                key="relation",
                obj=table_name,
            )
        self._named_nodes[str(relation_name)] = node
        return str(relation_name)

    def quote(self, identifier: str) -> str:
        """Return an identifier quoted the way this adapter quotes."""
        # adapter.quote does not escape an embedded quote character: refuse those.
        if not identifier or any(c in identifier for c in '"`[]\\'):
            raise WarehouseError(f"cannot quote identifier {identifier!r}", key="identifier")
        return str(self._adapter.quote(identifier))

    def query(self, sql: str) -> pd.DataFrame:
        """Run one SELECT and return its rows as a DataFrame."""
        try:
            with _dbt_events_to_logging(), self._adapter_errors("query"):
                with self._adapter.connection_named(CONNECTION_NAME):
                    _, table = self._adapter.execute(sql, fetch=True)
        except WarehouseError:
            self._raise_if_not_built(sql)
            raise
        return _agate_to_dataframe(table)

    def _raise_if_not_built(self, sql: str) -> None:
        """Raise a WarehouseError asking for `dbt build` if `sql` reads a table of the manifest
        that the target does not hold (`dbt parse` ran, `dbt build` did not, or not there)."""
        for relation_name, node in self._named_nodes.items():
            if relation_name not in sql:
                continue
            try:
                found = self._get_relation(
                    node.get("database"), node["schema"], node.get("alias") or node["name"]
                )
            except WarehouseError:
                return  # the check failed too (e.g. no connection): the first error says more
            if found is None:
                raise WarehouseError(
                    f"table {node['name']} ({relation_name}) is in {self.manifest_path} but not "
                    f"in {self.adapter_type} target '{self.target}'; run dbt build first: "
                    f"`dbt build --target {self.target}` in {self.project_dir}",
                    key="relation",
                    obj=str(node["name"]),
                ) from None
            self._raise_if_stale(sql, node, found)

    def _raise_if_stale(self, sql: str, node: dict[str, Any], found: Any) -> None:
        """Raise a WarehouseError asking for a full refresh if `sql` reads a column the package
        declares for the table but the built table lacks: an incremental table built by an
        older release, which `dbt build` alone does not widen (`on_schema_change: fail`)."""
        declared = [str(name) for name in node.get("columns") or {}]
        try:
            with _dbt_events_to_logging(), self._adapter_errors("columns"):
                with self._adapter.connection_named(CONNECTION_NAME):
                    built = {
                        str(c.name).lower() for c in self._adapter.get_columns_in_relation(found)
                    }
        except WarehouseError:
            return
        missing = [
            name
            for name in declared
            if name.lower() not in built and str(self._adapter.quote(name)) in sql
        ]
        if built and missing:
            table = str(node["name"])
            raise WarehouseError(
                f"table {table} was built by an older release of the package: it has no column "
                f"{', '.join(missing)}; rebuild it once with "
                f"`dbt build --full-refresh --select {table}+` in {self.project_dir}",
                key="relation",
                obj=table,
            ) from None

    def execute(self, *statements: str) -> None:
        """Run statements that return no rows in one transaction, and commit it."""
        with _dbt_events_to_logging(), self._adapter_errors("execute"):
            with self._adapter.connection_named(CONNECTION_NAME):
                for sql in statements:
                    self._adapter.execute(sql, auto_begin=True, fetch=False)
                # PostgreSQL opened a transaction that closing would roll back; DuckDB with
                # disable_transactions and Spark never open one.
                if self._adapter.connections.get_thread_connection().transaction_open:
                    self._adapter.connections.commit()

    @contextmanager
    def _adapter_errors(self, key: str) -> Iterator[None]:
        """Turn dbt's and the drivers' exceptions into one-line WarehouseErrors."""
        from dbt_common.exceptions import DbtBaseException

        try:
            yield
        except DbtBaseException as exc:
            raise WarehouseError(
                f"{self.adapter_type} target '{self.target}': {_one_line(exc)}", key=key
            ) from None
        except Exception as exc:
            # Drivers raise their own classes where dbt's handler does not reach, e.g.
            # duckdb's IOException when another process holds the database file's lock.
            raise WarehouseError(
                f"{self.adapter_type} target '{self.target}': {type(exc).__name__}: "
                f"{_one_line(exc)}",
                key=key,
            ) from None

    @property
    def target_schema(self) -> str:
        """Return the schema of the profile's target, where dbt builds the models."""
        return str(self._config.credentials.schema)

    def table_relation(self, identifier: str, schema: str | None = None) -> str:
        """Return the quoted name of a table in `schema` (default: the target schema)."""
        for name in (identifier, schema):
            if name is not None:
                self.quote(name)  # refuses names that cannot be quoted safely
        relation = self._adapter.Relation.create(
            database=self._config.credentials.database,
            schema=schema or self.target_schema,
            identifier=identifier,
        )
        return str(relation.render())

    def ensure_schema(self, schema: str) -> None:
        """Create `schema` unless it exists (checked first: CREATE needs a privilege)."""
        where = f"schema_name = {self.string_literal(schema)}"
        database = self._config.credentials.database
        if database:
            where += f" and catalog_name = {self.string_literal(str(database))}"
        try:
            found = self.query(f"select schema_name from information_schema.schemata where {where}")
        except WarehouseError:
            found = None  # an engine without information_schema: let CREATE decide
        if found is None or found.empty:
            self.execute(f"create schema if not exists {self.quote(schema)}")

    def _load_adapter_macros(self) -> None:
        """Give the adapter its own macros: introspection (get_relation, columns) runs them."""
        if self._macros_loaded:
            return
        from dbt.context.providers import generate_runtime_macro_context
        from dbt.parser.manifest import ManifestLoader

        # The adapter's base macros are enough and need no `dbt deps`.
        macros = ManifestLoader.load_macros(
            self._config, self._adapter.connections.set_query_header, base_macros_only=True
        )
        self._adapter.set_macro_resolver(macros)
        self._adapter.set_macro_context_generator(generate_runtime_macro_context)
        self._macros_loaded = True

    def _find_relation(self, name: str) -> Any:
        """Return the adapter relation of '[database.]schema.table', as the package resolves it."""
        parts = name.split(".")
        if not name or len(parts) > 3 or "" in parts:
            raise WarehouseError(
                f"expected '[database.]schema.table'; got {name!r}", key="relation", obj=name
            )
        identifier = parts[-1]
        schema = parts[-2] if len(parts) >= 2 else self.target_schema
        # Spark and other two-level engines have no database in their credentials.
        default_database = getattr(self._config.credentials, "database", None)
        database = parts[0] if len(parts) == 3 else default_database
        relation = self._get_relation(database, schema, identifier)
        if relation is None:
            raise WarehouseError(
                f"relation '{name}' does not exist (looked for database {database}, schema "
                f"{schema}, table {identifier}) in {self.adapter_type} target '{self.target}'",
                key="relation",
                obj=name,
            )
        return relation

    def _get_relation(self, database: str | None, schema: str, identifier: str) -> Any:
        """Return the adapter's relation of database.schema.identifier, or None if absent."""
        with _dbt_events_to_logging(), self._adapter_errors("relation"):
            self._load_adapter_macros()
            with self._adapter.connection_named(CONNECTION_NAME):
                return self._adapter.get_relation(database, schema, identifier)

    def existing_relation(self, name: str) -> str:
        """Return the quoted name of an existing '[database.]schema.table', or raise."""
        return str(self._find_relation(name).render())

    def columns(self, name: str) -> list[tuple[str, str]]:
        """Return (column name, data type) of each column of '[database.]schema.table', in order."""
        relation = self._find_relation(name)
        with _dbt_events_to_logging(), self._adapter_errors("columns"):
            with self._adapter.connection_named(CONNECTION_NAME):
                found = self._adapter.get_columns_in_relation(relation)
        return [(str(column.name), str(column.data_type)) for column in found]

    def column_type(self, kind: str) -> str:
        """Return this engine's type for a kind of column: string, double, timestamp, integer."""
        if kind == "double":
            # dbt.type_float() is a 32-bit FLOAT on DuckDB (the package's type_double macro)
            if self.adapter_type in ("duckdb", "spark", "databricks", "trino"):
                return "double"
            return "float64" if self.adapter_type == "bigquery" else "double precision"
        if kind not in ("string", "timestamp", "integer"):
            raise WarehouseError(f"unknown column kind {kind!r}", key="column_type", obj=kind)
        return str(self._adapter.Column.translate_type(kind))

    def string_literal(self, value: str) -> str:
        """Return a SQL string literal, escaped the way this engine reads literals."""
        if self.adapter_type in ("spark", "databricks", "bigquery"):
            # These engines treat a backslash in a literal as an escape character.
            return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
        return "'" + value.replace("'", "''") + "'"

    def close(self) -> None:
        """Close every connection this warehouse opened, and release a DuckDB file."""
        with _dbt_events_to_logging():
            self._adapter.cleanup_connections()
            if self.adapter_type == "duckdb":
                self._release_duckdb_file()

    def _release_duckdb_file(self) -> None:
        """Close dbt-duckdb's process-wide database handle, which holds the file's lock."""
        # dbt-duckdb keeps one DuckDB instance per process (credentials.keep_open defaults to
        # True), so the file stays locked against `dbt build` in another process until exit.
        manager = type(self._adapter.connections)
        env = getattr(manager, "_ENV", None)
        if env is None or getattr(env, "creds", None) != self._config.credentials:
            return  # not ours: another in-process dbt run may be using it
        if getattr(self._config.credentials, "path", None) == ":memory:":
            return  # closing would drop the database itself
        manager.close_all_connections()
        env.close()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
