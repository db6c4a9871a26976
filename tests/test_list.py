"""`postctl list` through the CLI, and the corpora through the model."""

from __future__ import annotations

import csv
import io
import json
import os

import pytest
from conftest import EXAMPLES, latin1_named_post, write

from postctl.model import PostError
from postctl.site import collect, find_site, load_posts


def test_list_examples_blog_newest_first(run):
    result = run("list", EXAMPLES / "blog")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["DATE", "TITLE", "TAGS", "CATEGORIES", "PATH"]
    assert "critical minerals" in lines[1]
    assert lines[-1].endswith("what-we-learned-from-a-week-offline.md")  # undated draft last


def test_list_json_and_csv(run):
    result = run("list", EXAMPLES / "hugo", "--format", "json")
    records = json.loads(result.stdout)
    census = next(r for r in records if r["title"] == "The 2025 boat census")
    assert census["format"] == "json" and census["tags"] == ["boats", "data"]
    assert census["date"] == "2025-08-30T17:45:00+01:00"
    assert census["front_matter"]["authors"] == ["Colm Byrne"]
    result = run("list", EXAMPLES / "hugo", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["title"] == "Winter storms, a draft" and rows[0]["tags"] == "weather, sea"


def test_list_reports_broken_posts_and_exits_1(run, tmp_path):
    write(tmp_path / "good.md", "---\ntitle: Good\n---\n")
    write(tmp_path / "bad.md", "---\ntitle: Part 1: Intro\n---\n")
    result = run("list", tmp_path)
    assert result.exit_code == 1
    assert "Good" in result.stdout
    first, count = result.stderr.strip().splitlines()
    assert first.endswith("PC004 YAML: mapping values are not allowed in this context")
    assert count == "postctl: 1 post(s) could not be read"
    assert "bad.md:2:" in result.stderr


def test_list_usage_errors_exit_2(run, tmp_path):
    assert run("list", tmp_path / "missing").exit_code == 2
    write(tmp_path / "postctl.toml", "kind = 3\n")
    result = run("list", tmp_path)
    assert result.exit_code == 2 and "kind" in result.stderr
    assert run("list", "--format", "xml").exit_code == 2


def test_hostile_text_is_printed_literally(run, tmp_path):
    write(tmp_path / "x.md", '---\ntitle: "[bold]hi[/bold] \\e[31mred"\n---\n')
    result = run("list", tmp_path)
    assert "[bold]hi[/bold] \\x1b[31mred" in result.stdout


def test_version(run):
    from postctl import __version__

    result = run("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"postctl {__version__}"


def test_corpora_load_without_tracebacks(corpora):
    """Every file of the real-world corpora loads or fails with a PostError."""
    counts = {"posts": 0, "errors": 0}
    for name in ("jekyll", "hugo-docs", "rust-blog"):
        site = find_site(corpora / name)
        files = collect(site)
        assert files, name
        for result in load_posts(site, files):
            counts["errors" if isinstance(result, PostError) else "posts"] += 1
            if not isinstance(result, PostError):
                _ = (result.title, result.date, result.tags, result.categories, result.draft)
    # Jekyll's _broken/bad_post.md and its UTF-16 test file are the only unreadable ones.
    assert counts["errors"] == 2
    assert counts["posts"] > 1800


def _site_with_one_long_cell(tmp_path, long_title: str, long_tag: str, posts: int = 200):
    write(tmp_path / "postctl.toml", "")
    write(tmp_path / "long.md", f"---\ntitle: {long_title}\ntags: [{long_tag}]\n---\n")
    for i in range(posts):
        write(tmp_path / f"p{i:03d}.md", f"---\ntitle: Post {i}\ntags: [t{i}]\n---\n")
    return tmp_path


def test_one_long_title_or_tag_does_not_pad_every_row_of_a_plain_table(run, tmp_path):
    # Padded to the longest cell, the table grew as rows x its length (a 3 MB title on 10,000
    # posts: 30 GB); a cell past MAX_PADDED_WIDTH overflows its own line only.
    long = 20_000
    site = _site_with_one_long_cell(tmp_path, "x" * long, "y" * long)
    for command in ("list", "tags"):
        result = run(command, site)
        assert result.exit_code == 0, result.stderr
        assert "x" * long in result.stdout or command == "tags"
        assert "y" * long in result.stdout
        assert len(result.stdout) < 2 * long + 201 * 500  # not 201 * long
        lines = result.stdout.splitlines()
        short = [line for line in lines if len(line) < 1000]
        assert len(short) == len(lines) - 1  # only the long post's line is long


def test_a_plain_table_still_aligns_its_columns(run, tmp_path):
    site = _site_with_one_long_cell(tmp_path, "A long title " + "z" * 50, "tag", posts=3)
    lines = run("list", "--columns", "title,tags", site).stdout.splitlines()
    assert len(lines) == 5
    # the second column starts at one place on every line, after the longest title
    assert {line.rindex("  ") + 2 for line in lines} == {len("A long title ") + 50 + 2}


def test_json_on_a_terminal_escapes_bidi_and_c1_controls(run, tmp_path, monkeypatch):
    # json escapes only U+0000-U+001F: a title's U+202E (right-to-left override), U+009B (C1
    # CSI) and DEL reached the terminal raw, where the other formats show them escaped.
    write(tmp_path / "hugo.toml", 'baseURL = "https://example.org/"\n')
    write(tmp_path / "content" / "a.md", '---\ntitle: "safe \\u202egnp.exe \\x9b31m \\x7f"\n---\n')
    monkeypatch.setattr("postctl.output.is_terminal", lambda stream=None: True)
    result = run("list", tmp_path, "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)[0]["title"] == "safe \u202egnp.exe \x9b31m \x7f"
    assert not any(c in result.stdout for c in "\u202e\x9b\x7f")
    assert "\\u202e" in result.stdout


# Printing such a name ended in a traceback (UnicodeEncodeError: surrogates not allowed) on a
# strict UTF-8 stdout (CliRunner's, en_US.UTF-8's): it is shown with its byte escaped.
@pytest.mark.skipif(os.name != "posix", reason="a non-UTF-8 file name needs a POSIX file system")
@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
@pytest.mark.parametrize("options", [["--no-cache"], []], ids=["no-cache", "cache"])
def test_list_prints_a_file_name_that_is_not_utf8_escaped(run, tmp_path, fmt, options):
    site = latin1_named_post(tmp_path)
    result = run("list", site, *options, "-f", fmt, cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    if fmt == "json":
        assert sorted(r["path"] for r in json.loads(result.stdout)) == [
            "notes/caf\\xe9.md",
            "notes/ok.md",
        ]
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert sorted(r["path"] for r in rows) == ["notes/caf\\xe9.md", "notes/ok.md"]
    else:
        assert "  notes/caf\\xe9.md\n" in result.stdout


@pytest.mark.skipif(os.name != "posix", reason="a non-UTF-8 file name needs a POSIX file system")
def test_list_paths_gives_the_real_bytes_of_a_file_name_that_is_not_utf8(run, tmp_path):
    # for `xargs`: the escaped text would name no file
    site = latin1_named_post(tmp_path)
    result = run("list", site, "-f", "paths", "--sort", "title", cwd=tmp_path)
    assert (result.exit_code, result.stdout_bytes) == (0, b"notes/caf\xe9.md\nnotes/ok.md\n")
    result = run("list", site, "-f", "paths", "-0", "--sort", "title", cwd=tmp_path)
    assert (result.exit_code, result.stdout_bytes) == (0, b"notes/caf\xe9.md\0notes/ok.md\0")


@pytest.mark.skipif(os.name != "posix", reason="a non-UTF-8 file name needs a POSIX file system")
def test_list_on_a_terminal_escapes_a_file_name_that_is_not_utf8(run, tmp_path, monkeypatch):
    site = latin1_named_post(tmp_path)
    monkeypatch.setattr("postctl.output.is_terminal", lambda stream=None: True)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    for fmt in ("table", "paths", "json", "csv"):
        result = run("list", site, "-f", fmt, cwd=tmp_path)
        assert result.exit_code == 0, result.stderr
        assert "caf\\xe9.md" in result.stdout.replace("\\\\", "\\"), fmt


# JSON front matter can spell a lone surrogate (`"\ud800"`), which no UTF-8 output and no SQLite
# text can hold: the cache leaves that post out (parsed on every run), and output escapes it.
@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_list_shows_a_lone_surrogate_of_json_front_matter_escaped(run, tmp_path, fmt):
    write(tmp_path / "x.md", '{"title": "a\\ud800b", "tags": ["ok"]}\nbody\n')
    for _ in range(2):  # the run that fills the cache, then one that reads it
        result = run("list", tmp_path, "-f", fmt, "--columns", "title,tags")
        assert result.exit_code == 0, result.stderr
        assert "a\\ud800b" in result.stdout.replace("\\\\", "\\")  # (JSON's escape)


def test_where_date_compares_in_the_jekyll_sites_timezone(run, tmp_path):
    """On a `timezone: Asia/Tokyo` site `date: 2024-06-30 23:30:00` (UTC to Jekyll) is
    2024-07-01 08:30: `--where date=` compares it there, as `--since` does (README)."""
    write(tmp_path / "_config.yml", "title: T\ntimezone: Asia/Tokyo\n")
    write(tmp_path / "_posts/2024-07-01-a.md", "---\ntitle: A\ndate: 2024-06-30 23:30:00\n---\n")
    since = run("list", tmp_path, "-f", "json", "--since", "2024-07-01", "--until", "2024-07-01")
    assert [row["title"] for row in json.loads(since.stdout)] == ["A"]
    where = run("list", tmp_path, "-f", "json", "--where", "date=2024-07-01")
    assert where.exit_code == 0, where.stderr
    assert [row["title"] for row in json.loads(where.stdout)] == ["A"]
    assert run("list", tmp_path, "--where", "date=2024-06-30").exit_code == 1
    instant = run("list", tmp_path, "-f", "json", "--where", "date=2024-07-01T08:30+09:00")
    assert [row["title"] for row in json.loads(instant.stdout)] == ["A"]
