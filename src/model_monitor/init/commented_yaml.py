"""A drafted monitor configuration as commented YAML: one list item for `monitors:`."""

from __future__ import annotations

import re
from typing import Any

import yaml

from model_monitor.init.draft import Draft, Entry

# Inline comments line up at this column, unless a line is longer.
NOTE_COLUMN = 40
# What PyYAML refuses anywhere in a stream, comments included, and what ends a comment line.
NON_PRINTABLE = re.compile("[^\x09\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
LINE_BREAKS = re.compile("[\r\n\x85\u2028\u2029]")


def yaml_scalar(value: Any) -> str:
    """Return a value as a YAML flow scalar that loads back to the same value."""
    text = yaml.safe_dump(
        [value], default_flow_style=True, allow_unicode=True, width=2**31 - 1
    ).strip()
    if LINE_BREAKS.search(text):  # a multi-line scalar would depend on its indentation: escape
        text = yaml.safe_dump(
            [value], default_flow_style=True, default_style='"', allow_unicode=True, width=2**31 - 1
        ).strip()
    return text[1:-1]


def comment_text(text: str) -> str:
    """Return text safe inside a YAML comment: one line, printable, escapes for the rest."""
    text = LINE_BREAKS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    return NON_PRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _value_text(value: Any) -> str:
    """Return a key's value: a scalar, a flow list of scalars, or null."""
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(yaml_scalar(v) for v in value) + "]"
    return yaml_scalar(value)


def _lines(entry: Entry, indent: int) -> list[tuple[str, str]]:
    """Return (text, note) lines of one entry and its children."""
    pad = " " * indent
    lines: list[tuple[str, str]] = []
    if entry.todo:
        lines.append((f"{pad}# TODO: {comment_text(entry.key)}: {comment_text(entry.todo)}", ""))
    if entry.omit:
        lines += [(f"{pad}# {comment_text(c)}", "") for c in entry.comments]
        return lines
    mark = "# " if entry.suggest else ""
    key = yaml_scalar(entry.key)
    children = isinstance(entry.value, list) and entry.value and isinstance(entry.value[0], Entry)
    if children:
        lines.append((f"{pad}{mark}{key}:", comment_text(entry.note)))
        for child in entry.value:
            lines += _lines(child, indent + 2)
        lines += [(f"{pad}  # {comment_text(c)}", "") for c in entry.comments]
    else:
        text = f"{pad}{mark}{key}: {_value_text(entry.value)}"
        lines.append((text, comment_text(entry.note)))
    return lines


def render_yaml(draft: Draft) -> str:
    """Return the draft as a commented YAML list item with a header saying how to use it."""
    lines: list[tuple[str, str]] = [(f"# {comment_text(h)}", "") for h in draft.header]
    for position, entry in enumerate(draft.entries):
        entry_lines = _lines(entry, 2)
        if position == 0:  # the list item starts at the first key
            text, note = entry_lines[0]
            entry_lines[0] = ("- " + text[2:], note)
        lines += entry_lines
    out = []
    for text, note in lines:
        if note:
            text = text.ljust(NOTE_COLUMN - 2) + "  # " + note
        out.append(text.rstrip())
    return "\n".join(out) + "\n"
