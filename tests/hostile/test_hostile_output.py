"""Hostile text in posts is printed literally and safely, never interpreted: Rich markup stays
as typed, ANSI escapes and other control characters are shown escaped (so a post cannot recolour,
clear or rewrite the user's terminal), very long values come out whole, and JSON/CSV give the
exact value back to a script. Every command that prints post data is checked in every format."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from hostile_cases import Outcome
from hostile_commands import invocations, profile, registered, takes_paths
from hostile_support import assert_no_traceback, assert_reported

LONG = "L" * 10_000
MARKUP_TITLE = "[bold red]Loud[/bold red] [link=https://example.com/x]click[/link]"
ANSI_AUTHOR = "\x1b[31mRed\x1b[0m \x1b]0;pwned\x07 \x1b[2J"
OVERWRITE_TAG = "safe\rEVIL"
# A title that would print a forged row in a plain table if its newline went out raw.
FORGED_ROW = "Real\n2099-01-01  Forged post"
BIDI_TAG = "abc\u202edcba"
# Every command that prints the posts' data: read-only commands over PATHs.
PRINTING = [
    argv
    for name in sorted(registered())
    if takes_paths(name) and profile(name).reads_posts and not profile(name).writes
    for argv in invocations(name, ["."])
]
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def hostile_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    (site / "postctl.toml").write_bytes(b"")
    front = (
        f"title: {json.dumps(MARKUP_TITLE)}\n"
        f"author: {json.dumps(ANSI_AUTHOR)}\n"
        f"tags: [{json.dumps(OVERWRITE_TAG)}, {json.dumps(BIDI_TAG)}, '[/]', '[bold]']\n"
        f"categories: [{LONG}]\n"
        "date: 2024-01-02\n"
        f"description: {json.dumps(ANSI_AUTHOR + MARKUP_TITLE)}\n"
    )
    (site / "[bold]markup[-bold] name.md").write_text(f"---\n{front}---\nBody\n", "utf-8")
    (site / "long.md").write_text(f"---\ntitle: {LONG}\n---\n", "utf-8")
    (site / "forged.md").write_text(f"---\ntitle: {json.dumps(FORGED_ROW)}\n---\n", "utf-8")
    return site


@pytest.mark.parametrize("argv", PRINTING, ids=" ".join)
def test_hostile_text_is_printed_literally(argv: list[str], hostile_site: Path, run) -> None:  # type: ignore[no-untyped-def]
    result = run(*argv, cwd=hostile_site)
    assert_no_traceback(result)
    assert result.exit_code in profile(argv[0]).clean_exits, result.output
    fmt = argv[-1] if "--format" in argv else "table"
    lists_posts = argv[0] == "list"  # its output is the posts' own values
    if fmt == "json":
        # JSON escapes control characters itself; a script gets the exact values back.
        text = json.dumps(json.loads(result.stdout), ensure_ascii=False)
        assert "\x1b" not in result.stdout and "\r" not in result.stdout
        for value in (MARKUP_TITLE, ANSI_AUTHOR, OVERWRITE_TAG, BIDI_TAG, LONG) * lists_posts:
            assert json.dumps(value, ensure_ascii=False)[1:-1] in text, value[:40]
        return
    if fmt == "csv":
        # Piped CSV is data: exact values, quoted as CSV needs (a terminal gets them escaped).
        cells = {c for row in csv.reader(io.StringIO(result.stdout)) for c in row}
        joined = "\n".join(cells)
        for value in (MARKUP_TITLE, OVERWRITE_TAG, LONG) * lists_posts:
            assert value in joined, value[:40]
        return
    # Tables and any other human-facing text: nothing raw, markup literal, long values whole.
    assert not RAW_CONTROL.search(result.stdout), repr(RAW_CONTROL.search(result.stdout))
    if lists_posts and fmt == "table":
        assert MARKUP_TITLE in result.stdout
        assert "[bold]markup[-bold] name.md" in result.stdout
        assert LONG in result.stdout
        assert "safe\\x0dEVIL" in result.stdout and "abc\\u202edcba" in result.stdout
        assert "Real\\x0a2099-01-01  Forged post" in result.stdout
        # a header and one line per post: no value started a line of its own
        assert len(result.stdout.splitlines()) == 1 + 3


def test_a_terminal_table_keeps_markup_literal_and_escapes_control_characters(
    hostile_site: Path,
    run,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On a terminal (forced with FORCE_COLOR) Rich draws the table with colour; the
    only escape sequences are Rich's own styling, never the post's."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "20000")  # wide enough that short cells stay on one line
    result = run("list", ".", cwd=hostile_site)
    assert result.exit_code == 0, result.output
    styled = result.stdout
    assert "\x1b[" in styled, "expected a coloured (terminal) table"
    plain = re.sub(r"\x1b\[[0-9;]*m", "", styled)  # Rich's SGR colour codes only
    assert not RAW_CONTROL.search(plain), repr(RAW_CONTROL.search(plain))
    assert MARKUP_TITLE in plain
    assert "[bold]markup[-bold] name.md" in plain
    assert "safe\\x0dEVIL" in plain
    # Long values are folded inside their cell, never cut short with an ellipsis.
    assert plain.count("L") >= 2 * len(LONG) and "…" not in plain


def test_a_terminal_csv_escapes_control_characters(
    hostile_site: Path,
    run,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from postctl import output

    monkeypatch.setattr(output, "is_terminal", lambda stream=None: True)
    result = run("list", ".", "--format", "csv", cwd=hostile_site)
    assert "\r" not in result.stdout.replace("\r\n", "\n") and "\x1b" not in result.stdout
    assert "safe\\x0dEVIL" in result.stdout


@pytest.mark.parametrize("name", sorted({a[0] for a in PRINTING}))
def test_hostile_file_names_in_error_messages_are_escaped(
    name: str,
    tmp_path: Path,
    run,  # type: ignore[no-untyped-def]
) -> None:
    """An unreadable post whose name holds an escape sequence, markup and a newline: its error
    is one line that shows all three literally."""
    (tmp_path / "postctl.toml").write_bytes(b"")
    (tmp_path / "\x1b[2J[bold red]x\nforged.md").write_bytes(b"---\ntitle: Part 1: Intro\n---\n")
    result = run(*invocations(name, ["."])[0], cwd=tmp_path)
    assert result.exit_code == 1
    assert "\x1b" not in result.output
    # One line, or the path on a line of its own above its findings (lint's grouped table).
    shown = "\\x1b[2J[bold red]x\\x0aforged.md"
    assert_reported(result.output, shown, Outcome("PC004", "mapping values", ":2:14"))
