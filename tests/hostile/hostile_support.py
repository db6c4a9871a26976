"""Checks shared by the hostile-input tests: file-system snapshots, the one-line message format,
and an honest stand-in for mode 000 when the tests run as root."""

from __future__ import annotations

import builtins
import errno
import functools
import hashlib
import io
import json
import os
import re
import signal
import stat
from pathlib import Path
from typing import Any

import pytest
import typer.main
import typer.testing
from hostile_cases import Case, Outcome, is_unreadable_by_mode, running_as_root
from typer.testing import CliRunner

from postctl.cli import app

# postctl's own cache may appear in a site (it is meant to); everything else must stay put.
IGNORED_DIRS = {".postctl-cache"}


def snapshot(root: Path) -> dict[str, tuple[Any, ...]]:
    """Every entry below `root` (without following symlinks): type, mode, size, mtime and, for
    readable regular files, a hash of the bytes. Equal snapshots: nothing was changed, created,
    removed or touched, and no temp file was left behind."""
    entries: dict[str, tuple[Any, ...]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in IGNORED_DIRS)
        for name in [*dirnames, *filenames]:
            path = Path(dirpath, name)
            st = os.lstat(path)
            digest = None
            # Mode 000 (unreadable for a user, and under emulate_permissions): size and mtime.
            if stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) & 0o444:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if stat.S_ISLNK(st.st_mode):
                digest = os.readlink(path)
            entries[path.relative_to(root).as_posix()] = (
                stat.S_IFMT(st.st_mode),
                stat.S_IMODE(st.st_mode),
                st.st_size,
                st.st_mtime_ns if not stat.S_ISDIR(st.st_mode) else None,
                digest,
            )
    return entries


def assert_no_traceback(result: Any) -> None:
    """The CLI runner re-raises exceptions (catch_exceptions=False), so reaching here means none
    escaped; the output must not carry one either (e.g. printed by a library)."""
    for stream in (result.stdout, result.stderr):
        assert "Traceback (most recent call last)" not in stream, stream[-2000:]
        assert not re.search(r'^\s+File "', stream, re.M), stream[-2000:]


ANY = r"\d+"


def _position(outcome: Outcome) -> tuple[str | None, str | None]:
    """(line, column) as regexes; None where the message must have none. A case states the
    position exactly: one with a position must print it, one without must not invent one."""
    if outcome.where is None:  # not pinned by the case
        return ANY, ANY
    parts = outcome.where.split(":")[1:]  # ":2:14" -> ["2", "14"]; ":3:" -> ["3", ""]
    line = parts[0] if parts else None
    col = (parts[1] or ANY) if len(parts) > 1 else None
    return line, col


def _located(line: str | None, col: str | None, template: tuple[str, str], optional: bool) -> str:
    """The position in one output shape: template ("{line}", "{col}") parts, each optional when
    the case does not pin it."""
    if line is None:
        return ""
    text = template[0].format(line=line)
    if col is not None:
        col_text = template[1].format(col=col)
        text += f"(?:{col_text})?" if col == ANY else col_text
    return f"(?:{text})?" if optional else text


def _one_line(output: str, path: str, outcome: Outcome) -> bool:
    """`path:line:col: ... CODE ... fragment` on one line (list's stderr, lint's text)."""
    line, col = _position(outcome)
    where = _located(line, col, (":{line}", ":{col}"), outcome.where is None)
    return bool(
        re.search(
            rf"^{re.escape(path)}{where}:? .*"
            rf"{re.escape(outcome.code or '')}.*{re.escape(outcome.message)}",
            output,
            re.M,
        )
    )


def _github(output: str, path: str, outcome: Outcome) -> bool:
    """`::error file=PATH,line=L,col=C,title=CODE ...::message` (GitHub's property escaping)."""
    escaped = path.replace("%", "%25").replace(":", "%3A").replace(",", "%2C")
    line, col = _position(outcome)
    where = _located(line, col, (",line={line}", ",col={col}"), outcome.where is None)
    return bool(
        re.search(
            rf"^::\w+ file={re.escape(escaped)}{where}(?:,[^\n]*)?"
            rf"{re.escape(outcome.code or '')}[^\n]*::[^\n]*{re.escape(outcome.message)}",
            output,
            re.M,
        )
    )


def _json(output: str, path: str, outcome: Outcome) -> bool:
    """A JSON record naming the path, the code and the message (and the position as stated)."""
    try:
        records = json.loads(output)
    except ValueError:
        return False
    line, col = _position(outcome)
    where = _located(line, col, (":{line}", ":{col}"), outcome.where is None)
    for record in records if isinstance(records, list) else []:
        if not isinstance(record, dict) or record.get("path") not in (path, f"./{path}"):
            continue
        text = json.dumps(record, ensure_ascii=False)
        spelled = "".join(f":{record[k]}" for k in ("line", "col") if record.get(k) is not None)
        if (
            (outcome.code or "") in text
            and outcome.message in text
            and re.fullmatch(where, spelled)
        ):
            return True
    return False


def _grouped(output: str, path: str, outcome: Outcome) -> bool:
    """A table grouped by file (lint's): the path on a line of its own, then indented
    `line:col ... CODE message` lines below it (`-` for no position)."""
    line, col = _position(outcome)
    if line is None:
        where = "-"
    elif outcome.where is None:
        where = r"(?:\d+:\d*|-)"
    else:
        where = f"{line}:" + ("" if col is None else rf"(?:{col})?" if col == ANY else col)
    return bool(
        re.search(
            rf"^\s*{re.escape(path)}\s*\n(?:[ \t]+\S.*\n)*?[ \t]+{where}\s.*"
            rf"{re.escape(outcome.code or '')}.*{re.escape(outcome.message)}",
            output,
            re.M,
        )
    )


def assert_reported(output: str, path: str, outcome: Outcome, stdout: str | None = None) -> None:
    """The bad post is named with its code, message and position, in one of the shapes postctl
    prints: one line, a GitHub annotation, a JSON record, or a table grouped by file."""
    found = (
        _one_line(output, path, outcome)
        or _github(output, path, outcome)
        or _json(output if stdout is None else stdout, path, outcome)
        or _grouped(output, path, outcome)
    )
    assert found, (
        f"expected `{path}{outcome.where or ''}: {outcome.code} ...{outcome.message}` "
        f"in the output:\n{output[-3000:]}"
    )


def assert_stderr_lines(stderr: str, case: Case) -> None:
    """Every stderr line names a post of the case (`path:` or `path:line:col:`) or is postctl's
    own `postctl: ...` line: no multi-line messages, no stray library output."""
    paths = sorted(case.outcomes, key=len, reverse=True)
    for line in stderr.splitlines():
        if not line.strip():
            continue
        assert line.startswith("postctl:") or any(line.startswith(f"{p}:") for p in paths), (
            f"stderr line is not a one-line `path:line:col: message`: {line!r}\n{stderr[-2000:]}"
        )


def changed_entries(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


@pytest.fixture
def emulate_permissions(monkeypatch: pytest.MonkeyPatch) -> bool:
    """Make mode-000 files unreadable when the tests run as root (CI does; root reads any mode).

    The opening functions postctl reads files with (os.open, and open/io.open for Path methods)
    get the kernel's check for a normal user: no read bit, EACCES. Returns True when emulating;
    test_a_mode_000_post_is_reported_for_real checks the same without emulation."""
    if not running_as_root():
        return False
    real_os_open, real_open = os.open, io.open

    def refuse_if_unreadable(path: Any) -> None:
        if not isinstance(path, (str, bytes, os.PathLike)):  # a file descriptor
            return
        if is_unreadable_by_mode(Path(os.fsdecode(path))):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fsdecode(path))

    def os_open_as_user(path: Any, flags: int, mode: int = 0o777, *, dir_fd: Any = None) -> int:
        if flags & (os.O_WRONLY | os.O_RDWR) == 0:
            refuse_if_unreadable(path)
        return real_os_open(path, flags, mode, dir_fd=dir_fd)

    def open_as_user(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if not any(c in mode for c in "wax+"):
            refuse_if_unreadable(file)
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(os, "open", os_open_as_user)
    monkeypatch.setattr(io, "open", open_as_user)
    monkeypatch.setattr(builtins, "open", open_as_user)
    return True


class Hung(Exception):
    """Not an OSError, so no `except OSError` in postctl can swallow it."""


@pytest.fixture
def no_hang():  # type: ignore[no-untyped-def]
    """Fail instead of hanging: opening a FIFO without O_NONBLOCK waits forever for a writer."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise Hung("still running after 30 s: a blocking open or a runaway loop?")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(30)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@functools.cache
def _app_command() -> Any:
    return typer.main.get_command(app)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Like conftest's `run` (the Typer CliRunner, exceptions re-raised), with the app's click
    command built once: Typer rebuilds it on every invoke, ~10 ms that the matrix would pay
    thousands of times."""
    monkeypatch.setattr(typer.testing, "_get_command", lambda _app: _app_command())
    runner = CliRunner()

    def invoke(argv: list[str], cwd: Path):  # type: ignore[no-untyped-def]
        monkeypatch.chdir(cwd)
        return runner.invoke(app, argv, catch_exceptions=False)

    return invoke
