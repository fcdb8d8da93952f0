"""The library's errors: a small flat hierarchy, each carrying the object at fault."""

from __future__ import annotations


class ModelMonitorError(Exception):
    """Base of every error the library raises on purpose; str() is one line for the user."""

    def __init__(self, message: str, *, monitor: str | None = None, key: str | None = None):
        super().__init__(message)
        self.message = message
        self.monitor = monitor
        self.key = key

    def __str__(self) -> str:
        where = []
        if self.monitor is not None:
            where.append(f"monitor '{self.monitor}'")
        if self.key is not None:
            where.append(f"key `{self.key}`")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class ConfigError(ModelMonitorError):
    """A configuration value or command option is invalid."""


class WarehouseError(ModelMonitorError):
    """The dbt project, profile, manifest or warehouse connection cannot be used."""

    def __init__(self, message: str, *, key: str | None = None, obj: str | None = None):
        super().__init__(message, key=key)
        self.obj = obj

    def __str__(self) -> str:
        return self.message
