"""The draft a monitor's guessing produces: keys with notes and TODOs, and how notes word things."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from model_monitor.init.introspect import TableProfile


@dataclass
class Entry:
    """One key of the draft: a value (scalar, list, or nested entries), why, and what is left."""

    key: str
    value: Any = None
    note: str = ""
    todo: str | None = None
    omit: bool = False  # write only the TODO line, no key
    suggest: bool = False  # write the key commented out: an optional suggestion
    comments: list[str] = field(default_factory=list)  # lines after a mapping's entries


@dataclass
class Draft:
    """A drafted monitor configuration."""

    name: str
    entries: list[Entry]
    header: list[str] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)  # also in the header; echoed on stderr

    def config(self) -> dict[str, Any]:
        """Return the keys the draft sets (not the TODO-only or suggested ones), nested as dicts."""

        def value(entry: Entry) -> Any:
            if isinstance(entry.value, list) and entry.value and isinstance(entry.value[0], Entry):
                return {c.key: value(c) for c in entry.value if not (c.omit or c.suggest)}
            return entry.value

        return {e.key: value(e) for e in self.entries if not (e.omit or e.suggest)}

    def insert_after(self, key: str, entry: Entry) -> None:
        """Insert an entry after the top-level key (at the end when the key is absent)."""
        keys = [e.key for e in self.entries]
        position = keys.index(key) + 1 if key in keys else len(self.entries)
        self.entries.insert(position, entry)

    def todos(self) -> list[str]:
        """Return 'key: reason' for every TODO, nested keys as parent.key."""
        found: list[str] = []

        def walk(entries: list[Entry], prefix: str) -> None:
            for entry in entries:
                if entry.todo:
                    found.append(f"{prefix}{entry.key}: {entry.todo}")
                if (
                    isinstance(entry.value, list)
                    and entry.value
                    and isinstance(entry.value[0], Entry)
                ):
                    walk(entry.value, f"{prefix}{entry.key}.")

        walk(self.entries, "")
        return found


def sample_text(table: TableProfile) -> str:
    """Return 'the first N rows' of a table's sample."""
    return f"the first {table.sampled_rows or 0:,} rows"


def listing(values: Iterable[str]) -> str:
    """Return values as a short comma list."""
    return ", ".join(repr(v) if v == "" else v for v in values)
