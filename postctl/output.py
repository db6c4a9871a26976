"""Rendering data for people and for scripts: Rich tables on a terminal, aligned plain text when
piped, JSON and CSV. Text from posts is never interpreted: Rich markup stays literal and control
characters (ANSI escapes included) are shown escaped."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

FORMATS = ("table", "json", "csv")
# Every C0/C1 control character but the tab: a newline is shown too, so a value cannot start a
# forged line (a fake table row, a second error message). And lone surrogates, which no output
# can encode: Python holds each byte of a file name that is not UTF-8 as one (U+DC80-U+DCFF,
# os.fsdecode's surrogateescape), and JSON front matter can spell one (`"\ud800"`).
_CONTROL = re.compile(
    r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
)
_SURROGATE = re.compile(r"[\ud800-\udfff]")


# Where str.splitlines, and so anything reading lines, ends a line: `\n` for xargs and shells.
_LINE_BREAK = re.compile(r"[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def has_line_break(value: str) -> bool:
    """Whether `value` would be read as several lines."""
    return _LINE_BREAK.search(value) is not None


def write_paths(paths: Sequence[str], null: bool = False) -> list[str]:
    """`-f paths`: one path a line (for `xargs`), escaped on a terminal, or each ended by a NUL
    byte with `null` (for `xargs -0`). Without `null`, a path holding a line break would reach
    `xargs` as two paths, neither of them the post: those are left out, and given back.
    Not on a terminal, the paths are written as the file system's bytes (os.fsencode), so that
    a name that is not UTF-8 reaches `xargs` as the file's real name."""
    end = "\0" if null else "\n"
    left_out = [] if null else [p for p in paths if has_line_break(p)]
    kept = paths if not left_out else [p for p in paths if not has_line_break(p)]
    if is_terminal():
        sys.stdout.write("".join(safe_text(p) + end for p in kept))
    else:
        _write_fs_bytes("".join(p + end for p in kept))
    return left_out


def _write_fs_bytes(text: str) -> None:
    """`text` (paths) to stdout as the bytes of the file names: encoded in one go as os.fsencode
    encodes each name (the same bytes, a path at a time or all at once)."""
    data = os.fsencode(text)
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stream (replaced by a caller): escaped, never a traceback
        sys.stdout.write(escape_surrogates(text))
        return
    sys.stdout.flush()
    buffer.write(data)
    buffer.flush()


def safe_text(value: str) -> str:
    """`value` on one line, with control and bidirectional-override characters made visible
    (`\\x1b`, `\\x0a`), and the bytes of a file name that is not UTF-8 too (`caf\\xe9.md`)."""
    return _CONTROL.sub(_escape, value)


def escape_surrogates(value: str) -> str:
    """`value` with only what no output can encode escaped as `safe_text` escapes it: the bytes
    of a file name that is not UTF-8 (`\\xe9`), and any other lone surrogate (`\\ud800`). For
    output that keeps every other character as it is (CSV and JSON for programs)."""
    if value.isascii():  # (O(1): CPython knows whether a string is ASCII)
        return value
    return _SURROGATE.sub(_escape, value)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that did not decode (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}" if code > 0xFF else f"\\x{code:02x}"


class _PipeWriter(io.RawIOBase):
    """Writes to a pipe whose reader may stop early (`postctl list | head`): once a write fails
    with EPIPE, it and every later write are accepted and dropped, so the command runs on to the
    exit status it would have had anyway (lint's findings decide it, not the reader)."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self._fd = fd
        self.reader_gone = False

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        return False

    def write(self, data: Any) -> int:
        size = memoryview(data).nbytes
        if self.reader_gone:
            return size
        try:
            return os.write(self._fd, data)
        except BrokenPipeError:
            self.reader_gone = True
            return size


def tolerate_early_readers() -> None:
    """Replace sys.stdout and sys.stderr, where they are pipes or sockets, by streams whose
    reader may leave early without failing the command (see _PipeWriter). Call once, first
    thing in the process, before anything is written. Everything else about the streams
    (encoding, error handler, line buffering) stays as Python set it up."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        try:
            fd = stream.fileno()
            mode = os.fstat(fd).st_mode
        except (AttributeError, ValueError, OSError):  # no stream, or not a file descriptor
            continue
        if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)):
            continue  # a terminal or a file: no reader to leave
        stream.flush()
        replacement = io.TextIOWrapper(
            io.BufferedWriter(_PipeWriter(fd)),
            encoding=stream.encoding,
            errors=stream.errors,
            newline=None if os.name == "nt" else "\n",  # as Python's own standard streams
            line_buffering=stream.line_buffering,
            write_through=stream.write_through,
        )
        setattr(sys, name, replacement)


def make_console(stderr: bool = False) -> Console:
    """A Rich console that colours only a terminal and honours NO_COLOR (Rich reads it)."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    return Console(
        file=stream,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
        no_color=bool(os.environ.get("NO_COLOR")),
    )


def console_is_terminal(stderr: bool = False) -> bool:
    """What `make_console(stderr).is_terminal` says, without importing Rich (40 ms) when it
    cannot be so: Rich takes a stream for a terminal only when it is one, or when TTY_COMPATIBLE
    or FORCE_COLOR says so (rich.console.Console.is_terminal)."""
    stream = sys.stderr if stderr else sys.stdout
    if not is_terminal(stream) and not {"TTY_COMPATIBLE", "FORCE_COLOR"} & os.environ.keys():
        return False
    return make_console(stderr).is_terminal


def is_terminal(stream: IO[str] | None = None) -> bool:
    stream = stream or sys.stdout
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def colours_output() -> bool:
    """Whether text postctl colours itself (diffs) gets colour on stdout: a terminal, and
    NO_COLOR unset or empty (https://no-color.org)."""
    return is_terminal() and not os.environ.get("NO_COLOR")


def display_path(path: Path | str) -> str:
    """A path relative to the current folder when it is below it, else absolute."""
    return path_displayer()(path)


def path_displayer() -> Callable[[Path | str], str]:
    """`display_path` with the current folder looked up once, for showing many paths."""
    cwd = os.getcwd()
    prefix = cwd if cwd.endswith(os.sep) else cwd + os.sep
    cut = len(prefix)

    def show(path: Path | str) -> str:
        text = str(path)
        return text[cut:] if text.startswith(prefix) and text[:1] == os.sep else text

    return show


def cell(value: Any) -> str:
    """One value as table or CSV text."""
    kind = type(value)
    if kind is str:  # the common cases first: a table of 100,000 rows calls this for each cell
        return value
    if value is None:
        return ""
    if kind is list:
        try:  # a list of strings, almost always
            return ", ".join(value)
        except TypeError:
            return ", ".join(cell(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, datetime):
        # isoformat is several times faster than strftime, which shows on 100,000 rows.
        if value.hour or value.minute or value.second or value.microsecond:
            return value.isoformat(" ", "minutes")[:16]
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return ", ".join(cell(v) for v in value)
    return str(value)


def row_texts(row: dict[str, Any], columns: Sequence[str]) -> list[str]:
    """A row's cells as text that is safe to print (see `safe_text`)."""
    texts = [cell(row.get(c)) for c in columns]
    if _CONTROL.search("".join(texts)):  # one search per row; escaping is the rare case
        return [safe_text(t) for t in texts]
    return texts


def safe_cells(texts: tuple[str, ...]) -> tuple[str, ...]:
    """`texts` made safe to print (see `safe_text`), with one search for the common case."""
    if _CONTROL.search("".join(texts)):
        return tuple(safe_text(t) for t in texts)
    return texts


def to_json(value: Any) -> Any:
    """Front-matter values as JSON-ready data: dates as ISO 8601, keys as strings."""
    if type(value) is str:  # (escape_surrogates: a path that is not UTF-8 is no JSON text)
        return value if value.isascii() else escape_surrogates(value)
    if isinstance(value, dict):
        return {
            to_json(str(k)) if not isinstance(k, (date, datetime)) else k.isoformat(): to_json(v)
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):  # NaN and ±inf are not JSON
        return None
    if isinstance(value, str):
        return escape_surrogates(str(value))
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def write_json(data: Any, stream: IO[str] | None = None) -> None:
    """`data` as JSON. On a terminal, the characters `safe_text` shows escaped (DEL, C1
    controls, bidirectional overrides: json escapes only U+0000-U+001F) are written as JSON's
    own `\\uXXXX` escapes, so the text reads back the same and the terminal shows it as it is."""
    stream = stream or sys.stdout
    if not is_terminal(stream):
        json.dump(to_json(data), stream, ensure_ascii=False, indent=2, allow_nan=False)
        stream.write("\n")
        return
    text = json.dumps(to_json(data), ensure_ascii=False, indent=2, allow_nan=False)
    # (only inside strings: JSON's own syntax is ASCII, its line breaks are the indentation's)
    stream.write(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


def write_csv(
    columns: Sequence[str], rows: Sequence[dict[str, Any]], stream: IO[str] | None = None
) -> None:
    stream = stream or sys.stdout
    clean = safe_text if is_terminal(stream) else escape_surrogates
    _write_csv_rows(stream, columns, ([clean(cell(row.get(c))) for c in columns] for row in rows))


def _write_csv_rows(stream: IO[str], columns: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """CSV with "\n" line ends. csv quotes a field holding "\n" (the terminator) but not a lone
    "\r", which every CSV reader takes for a line break: rows with one are written fully quoted."""
    writer = csv.writer(stream, lineterminator="\n")
    quoted = csv.writer(stream, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(columns)
    for row in rows:
        (quoted if any("\r" in value for value in row) else writer).writerow(row)


def write_table(
    columns: Sequence[str],
    rows: Sequence[dict[str, Any]],
    *,
    styles: dict[str, str] | None = None,
    console: Console | None = None,
    title: str | None = None,
) -> None:
    """A Rich table on a terminal; aligned plain columns without wrapping when piped."""
    write_text_table(
        columns,
        [row_texts(row, columns) for row in rows],
        styles=styles,
        console=console,
        title=title,
    )


def write_text_table(
    columns: Sequence[str],
    texts: Sequence[Sequence[str]],
    *,
    styles: dict[str, str] | None = None,
    console: Console | None = None,
    title: str | None = None,
) -> None:
    """`write_table` for rows already made safe text (`row_texts`), one string per column."""
    if console is None and not console_is_terminal():
        _write_plain_table(sys.stdout, columns, texts)
        return
    console = console or make_console()
    if not console.is_terminal:
        _write_plain_table(console.file, columns, texts)
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


def _write_plain_table(
    out: IO[str], columns: Sequence[str], texts: Sequence[Sequence[str]]
) -> None:
    """Aligned columns under upper-case headings, no wrapping: a table for a pipe or a file."""
    table = PlainTable(columns)
    table.write(table.lay_out(texts), out)


class PlainTable:
    """The table `write_text_table` writes to a pipe or a file: laid out (`lay_out`), then
    written (`write`). `listing.listed` lays it out before it puts the rows in order."""

    def __init__(self, columns: Sequence[str]) -> None:
        self.columns = columns
        self.heading = ""

    def lay_out(self, texts: Sequence[Sequence[str]]) -> list[str]:
        """Each row's line, in the order of `texts` (which sets the columns' widths)."""
        # One %-format pads a whole row (a quarter faster than str.format); the last column
        # needs no padding, and rstrip drops the separators before trailing empty cells.
        widths = _column_widths(self.columns, texts)
        line = "  ".join([*(f"%-{w}s" for w in widths[:-1]), "%s"])
        self.heading = (line % tuple(c.upper() for c in self.columns)).rstrip()
        return [(line % tuple(t)).rstrip() for t in texts]

    def write(self, lines: Sequence[str], out: IO[str] | None = None) -> None:
        """The heading, then `lines` (laid out by `lay_out`), to `out` (default stdout)."""
        out = out or sys.stdout
        out.write(self.heading + "\n")
        for start in range(0, len(lines), 2000):  # in slices: never one 10 MB string
            out.write("\n".join(lines[start : start + 2000]) + "\n")


# A plain table pads a column to its longest text up to this width; a longer text overflows
# its own line only. Padded to it, one 3 MB title on a site of 10,000 posts made every line
# 3 MB long: 30 GB of spaces.
MAX_PADDED_WIDTH = 120


def _column_widths(columns: Sequence[str], texts: Sequence[Sequence[str]]) -> list[int]:
    """The length of each column's longest text, its heading's included, up to
    MAX_PADDED_WIDTH."""
    if len(columns) != 5:
        by_column = zip(*texts) if texts else [() for _ in columns]
        return [
            min(MAX_PADDED_WIDTH, max(len(c), max(map(len, values), default=0)))
            for c, values in zip(columns, by_column)
        ]
    # `list`'s five default columns in one pass over the rows, spelled out: a pass per column
    # (or zip(*texts)) fetches every row from memory again, and took three times as long on
    # 100,000 rows (a third of writing the table).
    a, b, c, d, e = map(len, columns)
    for v, w, x, y, z in texts:
        if len(v) > a:
            a = len(v)
        if len(w) > b:
            b = len(w)
        if len(x) > c:
            c = len(x)
        if len(y) > d:
            d = len(y)
        if len(z) > e:
            e = len(z)
    return [min(MAX_PADDED_WIDTH, width) for width in (a, b, c, d, e)]


def write_text_csv(
    columns: Sequence[str], texts: Sequence[Sequence[str]], stream: IO[str] | None = None
) -> None:
    """CSV of rows already turned into text (`cell`), escaped for a terminal (`safe_text`), and
    elsewhere only where no output could encode them (`escape_surrogates`)."""
    stream = stream or sys.stdout
    if is_terminal(stream):
        texts = [[safe_text(t) for t in row] for row in texts]
    else:
        texts = [_encodable(row) for row in texts]
    _write_csv_rows(stream, columns, texts)


def _encodable(row: Sequence[str]) -> Sequence[str]:
    """A row's texts with what no output can encode escaped (`escape_surrogates`): a file name
    that is not UTF-8, looked for once per row."""
    joined = "".join(row)
    if joined.isascii() or not _SURROGATE.search(joined):
        return row
    return [escape_surrogates(t) for t in row]


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


_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(value: float, maximum: float, width: int = 30) -> str:
    """A horizontal bar of `value` against `maximum`, `width` cells at most, in eighths of a
    cell; any value above zero shows at least a sliver."""
    if maximum <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / maximum * width * 8))
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


def write_bars(
    title: str,
    items: Sequence[tuple[str, int]],
    *,
    console: Console | None = None,
    style: str = "cyan",
    width: int = 30,
    note: str | None = None,
) -> None:
    """A titled bar chart, one `label  bar  count` line per item (labels are shown safely)."""
    from rich.text import Text

    console = console or make_console()
    console.print(Text(title, style="bold"))
    if not items:
        console.print(Text("  (none)", style="dim"))
        return
    labels = [safe_text(label) for label, _ in items]
    label_width = max(len(label) for label in labels)
    count_width = max(len(str(n)) for _, n in items)
    top = max(n for _, n in items)
    for label, (_, n) in zip(labels, items):
        line = Text("  ")
        line.append(label.ljust(label_width) + "  ")
        line.append(str(n).rjust(count_width) + " ", style="bold")
        line.append(bar(n, top, width), style=style)
        console.print(line, soft_wrap=True)
    if note:
        console.print(Text(note, style="dim"))
