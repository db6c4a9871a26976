"""Rendering data for people and for scripts: Rich tables on a terminal, aligned plain text when
piped, JSON and CSV. Text from posts is never interpreted: Rich markup stays literal and control
characters (ANSI escapes included) are shown escaped."""

from __future__ import annotations

import csv
import json
import math
import os
import re
import sys
from collections.abc import Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from rich.console import Console

FORMATS = ("table", "json", "csv")
# Every C0/C1 control character but the tab: a newline is shown too, so a value cannot start a
# forged line (a fake table row, a second error message).
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


def safe_text(value: str) -> str:
    """`value` on one line, with control and bidirectional-override characters made visible
    (`\\x1b`, `\\x0a`)."""
    return _CONTROL.sub(
        lambda m: (
            f"\\u{ord(m.group()):04x}" if ord(m.group()) > 0xFF else f"\\x{ord(m.group()):02x}"
        ),
        value,
    )


def make_console(stderr: bool = False) -> Console:
    """A Rich console that colours only a terminal and honours NO_COLOR (Rich reads it)."""
    stream = sys.stderr if stderr else sys.stdout
    return Console(
        file=stream,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
        no_color="NO_COLOR" in os.environ,
    )


def is_terminal(stream: IO[str] | None = None) -> bool:
    stream = stream or sys.stdout
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def display_path(path: Path) -> str:
    """A path relative to the current folder when it is below it, else absolute."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def cell(value: Any) -> str:
    """One value as table or CSV text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, datetime):
        return (
            value.strftime("%Y-%m-%d %H:%M")
            if value.time() != time()
            else value.strftime("%Y-%m-%d")
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(v) for v in value)
    return str(value)


def to_json(value: Any) -> Any:
    """Front-matter values as JSON-ready data: dates as ISO 8601, keys as strings."""
    if isinstance(value, dict):
        return {
            str(k) if not isinstance(k, (date, datetime)) else k.isoformat(): to_json(v)
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):  # NaN and ±inf are not JSON
        return None
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def write_json(data: Any, stream: IO[str] | None = None) -> None:
    stream = stream or sys.stdout
    json.dump(to_json(data), stream, ensure_ascii=False, indent=2, allow_nan=False)
    stream.write("\n")


def write_csv(
    columns: Sequence[str], rows: Sequence[dict[str, Any]], stream: IO[str] | None = None
) -> None:
    stream = stream or sys.stdout
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(columns)
    clean = safe_text if is_terminal(stream) else str
    for row in rows:
        writer.writerow([clean(cell(row.get(c))) for c in columns])


def write_table(
    columns: Sequence[str],
    rows: Sequence[dict[str, Any]],
    *,
    styles: dict[str, str] | None = None,
    console: Console | None = None,
    title: str | None = None,
) -> None:
    """A Rich table on a terminal; aligned plain columns without wrapping when piped."""
    console = console or make_console()
    texts = [[safe_text(cell(row.get(c))) for c in columns] for row in rows]
    if not console.is_terminal:
        widths = [max([len(c), *(len(t[i]) for t in texts)]) for i, c in enumerate(columns)]
        lines = ["  ".join(c.upper().ljust(w) for c, w in zip(columns, widths)).rstrip()]
        lines += ["  ".join(v.ljust(w) for v, w in zip(t, widths)).rstrip() for t in texts]
        console.file.write("\n".join(lines) + "\n")
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, header_style="bold", show_edge=False, pad_edge=False)
    styles = styles or {}
    for column in columns:
        table.add_column(column.title(), style=styles.get(column), overflow="fold")
    for t in texts:
        table.add_row(*(Text(v) for v in t))
    console.print(table)


def write_records(
    fmt: str,
    columns: Sequence[str],
    rows: Sequence[dict[str, Any]],
    json_rows: Sequence[Any] | None = None,
    styles: dict[str, str] | None = None,
) -> None:
    """Rows in the chosen `--format`; JSON writes `json_rows` when given (richer records)."""
    if fmt == "json":
        write_json(rows if json_rows is None else json_rows)
    elif fmt == "csv":
        write_csv(columns, rows)
    else:
        write_table(columns, rows, styles=styles)
