"""`postctl list` through the CLI, and the corpora through the model."""

from __future__ import annotations

import csv
import io
import json

from conftest import EXAMPLES, write

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
