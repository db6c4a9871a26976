"""`postctl retag` through the CLI: options, diffs, summary, exit codes, and the corpora."""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import write, write_latin1_named

from postctl.model import PostError
from postctl.site import collect, find_site, load_posts


def blog(tmp_path: Path) -> Path:
    write(tmp_path / "_config.yml", "title: x\n")
    write(tmp_path / "_posts" / "2024-01-01-a.md", "---\ntitle: A\ntags: [js, web]\n---\nA\n")
    write(tmp_path / "_posts" / "2024-01-02-b.md", "---\ntags:\n  - JS\n  - web\n---\nB\n")
    write(tmp_path / "_posts" / "2024-01-03-c.md", "---\ntags: [javascript, js]\n---\nC\n")
    write(tmp_path / "other" / "_posts" / "2024-01-04-d.md", "---\ntags: [js]\n---\nD\n")
    return tmp_path


def tags_of(root: Path) -> dict[str, list[str]]:
    site = find_site(root)
    return {
        p.path.name: p.tags for p in load_posts(site, collect(site)) if not isinstance(p, PostError)
    }


def test_rename_and_idempotence(run, tmp_path: Path) -> None:
    root = blog(tmp_path)
    result = run("retag", "js", "javascript", cwd=root)
    assert result.exit_code == 0, result.stderr
    assert "3 file(s) changed, 0 skipped, 0 failed (4 post(s) examined)" in result.stdout
    assert tags_of(root) == {
        "2024-01-01-a.md": ["javascript", "web"],
        "2024-01-02-b.md": ["JS", "web"],
        "2024-01-03-c.md": ["javascript"],
        "2024-01-04-d.md": ["javascript"],
    }
    again = run("retag", "js", "javascript", cwd=root)
    assert again.exit_code == 0
    assert "0 file(s) changed" in again.stdout


def test_merge_several_and_ignore_case(run, tmp_path: Path) -> None:
    root = blog(tmp_path)
    assert run("retag", "js", "javascript", "--merge", "JS", cwd=root).exit_code == 0
    assert tags_of(root)["2024-01-02-b.md"] == ["javascript", "web"]
    root2 = blog(tmp_path / "two")
    assert run("retag", "-i", "Js", "javascript", cwd=root2).exit_code == 0
    assert set(map(tuple, tags_of(root2).values())) == {
        ("javascript", "web"),
        ("javascript",),
    }


def test_paths_scope_the_edit(run, tmp_path: Path) -> None:
    root = blog(tmp_path)
    result = run("retag", "js", "javascript", "_posts/2024-01-01-a.md", "other", cwd=root)
    assert result.exit_code == 0, result.stderr
    tags = tags_of(root)
    assert tags["2024-01-01-a.md"] == ["javascript", "web"]
    assert tags["2024-01-04-d.md"] == ["javascript"]
    assert tags["2024-01-03-c.md"] == ["javascript", "js"]


def test_dry_run_prints_a_plain_diff_and_writes_nothing(run, tmp_path: Path) -> None:
    root = blog(tmp_path)
    before = {p: p.read_bytes() for p in root.rglob("*.md")}
    result = run("retag", "--remove", "web", "--dry-run", cwd=root)
    assert result.exit_code == 0
    assert {p: p.read_bytes() for p in root.rglob("*.md")} == before
    assert "--- a/_posts/2024-01-01-a.md\n+++ b/_posts/2024-01-01-a.md\n" in result.stdout
    assert "-tags: [js, web]\n+tags: [js]\n" in result.stdout
    assert "\x1b" not in result.stdout
    assert "2 file(s) would change" in result.stderr


def test_add_remove_move_and_fields(run, tmp_path: Path) -> None:
    root = blog(tmp_path)
    assert run("retag", "--add", "code", "--remove", "web", cwd=root).exit_code == 0
    assert tags_of(root)["2024-01-01-a.md"] == ["js", "code"]
    assert run("retag", "--move", "code", cwd=root).exit_code == 0
    text = (root / "_posts" / "2024-01-01-a.md").read_text()
    assert text == "---\ntitle: A\ntags: [js]\ncategories: [code]\n---\nA\n"
    assert run("retag", "--field", "categories", "code", "Code", cwd=root).exit_code == 0
    assert "categories: [Code]" in (root / "_posts" / "2024-01-01-a.md").read_text()


def test_retag_of_a_jekyll_custom_field_renames_a_string_value(run, tmp_path: Path) -> None:
    """A custom field's string is one term on Jekyll (only tags and categories are split), so
    renaming it rewrites the string, as it rewrites the list item."""
    write(tmp_path / "_config.yml", "title: x\n")
    first = write(
        tmp_path / "_posts" / "2024-01-01-a.md", "---\ntitle: a\nseries: Deep Dive\n---\n"
    )
    second = write(
        tmp_path / "_posts" / "2024-01-02-b.md", "---\ntitle: b\nseries: [Deep Dive]\n---\n"
    )
    result = run("retag", "--field", "series", "Deep Dive", "Deep Dives", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert first.read_text() == "---\ntitle: a\nseries: Deep Dives\n---\n"
    assert second.read_text() == "---\ntitle: b\nseries: [Deep Dives]\n---\n"
    # A word of the string is no term of it: nothing to rename.
    assert run("retag", "--field", "series", "Deep", "Shallow", tmp_path).exit_code == 0
    assert first.read_text() == "---\ntitle: a\nseries: Deep Dives\n---\n"


def test_drop_empty_from_config_and_flag(run, tmp_path: Path) -> None:
    root = blog(tmp_path)
    write(root / "postctl.toml", "[retag]\ndrop_empty = true\n")
    assert run("retag", "--remove", "js", "other", cwd=root).exit_code == 0
    assert (root / "other" / "_posts" / "2024-01-04-d.md").read_text() == "---\n---\nD\n"
    assert run("retag", "--remove", "javascript", "--keep-empty", cwd=root).exit_code == 0
    assert "tags: [js]" in (root / "_posts" / "2024-01-03-c.md").read_text()
    write(root / "postctl.toml", "[retag]\ndrop_empty = 1\n")
    result = run("retag", "a", "b", cwd=root)
    assert result.exit_code == 2 and "retag.drop_empty" in result.stderr


def test_skipped_files_exit_1_with_reasons(run, tmp_path: Path) -> None:
    root = blog(tmp_path)
    locked = root / "_posts" / "2024-01-01-a.md"
    locked.chmod(0o444)
    broken = write(root / "_posts" / "2024-01-05-e.md", "---\ntags: [js\n---\n")
    broken_bytes = broken.read_bytes()
    result = run("retag", "js", "javascript", "-f", "json", cwd=root)
    assert result.exit_code == 1
    records = {Path(r["path"]).name: r for r in json.loads(result.stdout)}
    assert records["2024-01-01-a.md"]["status"] == "skipped"
    assert "read-only" in records["2024-01-01-a.md"]["reason"]
    assert records["2024-01-05-e.md"]["reason"].startswith("does not parse")
    assert records["2024-01-03-c.md"]["status"] == "changed"
    assert broken.read_bytes() == broken_bytes
    assert "2024-01-05-e.md:3:1: PC004" in result.stderr


def test_dry_run_names_the_files_the_run_skips(run, tmp_path: Path) -> None:
    """A read-only file and a hard-linked one: the run skips them ("is read-only", "has 2 hard
    links") and exits 1; the dry run said `would change` and exited 0."""
    write(tmp_path / "postctl.toml", "")
    read_only = write(tmp_path / "read-only.md", "---\ntitle: a\ntags: [x]\n---\n")
    read_only.chmod(0o444)
    linked = write(tmp_path / "linked.md", "---\ntitle: b\ntags: [x]\n---\n")
    os.link(linked, tmp_path / "elsewhere.txt")
    write(tmp_path / "free.md", "---\ntitle: c\ntags: [x]\n---\n")

    def outcome(result) -> dict[str, tuple[str, str]]:
        rows = json.loads(result.stdout)
        return {Path(r["path"]).name: (r["status"], r["reason"]) for r in rows}

    preview = run("retag", "x", "y", "--dry-run", "-f", "json", tmp_path)
    table = run("retag", "x", "y", "--dry-run", tmp_path)  # diffs only for what would change
    assert "free.md" in table.stdout and "read-only.md" not in table.stdout
    assert "1 file(s) would change, 2 skipped" in table.stderr
    assert "tags: [x]" in (tmp_path / "free.md").read_text()
    done = run("retag", "x", "y", "-f", "json", tmp_path)
    assert outcome(done) == {
        "read-only.md": ("skipped", "is read-only; not written"),
        "linked.md": ("skipped", "has 2 hard links; writing would split them, so it is left alone"),
        "free.md": ("changed", ""),
    }
    assert outcome(preview) == outcome(done) | {"free.md": ("would change", "")}
    assert preview.exit_code == done.exit_code == table.exit_code == 1


def test_a_file_in_a_folder_that_takes_no_new_file_is_skipped_up_front(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new bytes go to a temp file beside the post: a folder that cannot take one (read-
    only to this user; tests run as root, so `os.access` says so here) makes the write fail.
    The run and its dry run both name such a post as skipped, with the reason, before any
    temp file is tried, and exit 1; the posts in other folders change."""
    write(tmp_path / "postctl.toml", "")
    locked = write(tmp_path / "locked" / "a.md", "---\ntitle: a\ntags: [x]\n---\n")
    write(tmp_path / "open" / "b.md", "---\ntitle: b\ntags: [x]\n---\n")
    real_access = os.access

    def access(path, mode, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(path) == locked.parent and mode & os.W_OK:
            return False
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)

    def outcome(result) -> dict[str, tuple[str, str]]:
        rows = json.loads(result.stdout)
        return {Path(r["path"]).name: (r["status"], r["reason"]) for r in rows}

    preview = run("retag", "x", "y", "--dry-run", "-f", "json", tmp_path)
    done = run("retag", "x", "y", "-f", "json", tmp_path)
    assert outcome(done) == {
        "a.md": ("skipped", "its folder is read-only; not written"),
        "b.md": ("changed", ""),
    }
    assert outcome(preview) == outcome(done) | {"b.md": ("would change", "")}
    assert preview.exit_code == done.exit_code == 1
    assert locked.read_text() == "---\ntitle: a\ntags: [x]\n---\n"
    assert list(locked.parent.iterdir()) == [locked]


def test_usage_errors_exit_2(run, tmp_path: Path) -> None:
    root = blog(tmp_path)
    for args in (
        [],
        ["js"],
        ["js", "js"],
        ["--add", "x", "--merge", "y"],
        ["--add", " x"],
        ["--move", "x", "--to", "tags"],
        ["--add", "x", "no-such-folder"],
    ):
        result = run("retag", *args, cwd=root)
        assert result.exit_code == 2, (args, result.stdout)
        assert result.stderr.startswith("postctl: error:"), args


def test_help_has_examples(run) -> None:
    result = run("retag", "--help")
    assert result.exit_code == 0 and "postctl retag js javascript" in result.stdout


# -- the real-world corpora --------------------------------------------------------------------

# (site, field, old, new): a term that real posts use, in YAML (Jekyll's singular `category:`,
# Hugo flow lists) and TOML (arrays in files with [extra] tables).
CORPORA_RENAMES = [
    ("jekyll/docs", "categories", "release", "releases"),
    ("hugo-docs", "keywords", "highlight", "highlighting"),
    ("rust-blog", "authors", "The Rust Release Team", "Rust Release Team"),
]


def test_corpora_rename_changes_only_the_field_lines(run, corpora: Path, tmp_path: Path) -> None:
    copy = tmp_path / "corpora"
    shutil.copytree(corpora, copy, symlinks=True)
    for path in [copy, *copy.rglob("*")]:  # the shared corpora are read-only
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | 0o200)
    for folder, field, old, new in CORPORA_RENAMES:
        root = copy / folder
        before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
        result = run("retag", "--field", field, old, new, "--site", root, root)
        assert result.exit_code in (0, 1), result.stderr
        changed = [p for p, data in before.items() if p.read_bytes() != data]
        assert changed, (folder, result.stdout[-300:])
        key_line = re.compile(rf"^\s*({field}|category)\s*[:=]|^\s*-\s")
        for path in changed:
            old_lines = before[path].decode("utf-8").splitlines()
            new_lines = path.read_text("utf-8").splitlines()
            diff = [
                line
                for line in difflib.unified_diff(old_lines, new_lines, lineterm="", n=0)
                if line[:1] in "+-" and not line.startswith(("+++", "---"))
            ]
            assert diff and all(key_line.match(line[1:]) for line in diff), (path, diff)
        site = find_site(root)
        for post in load_posts(site, [p for p in changed]):
            assert not isinstance(post, PostError)
            terms = post.categories if field == "categories" else post.terms(field)
            if field == "authors":
                terms = post.authors
            assert new in terms and old not in terms, post.path
        again = run("retag", "--field", field, old, new, "--site", root, root)
        assert "0 file(s) changed" in again.stdout


def test_filters_scope_the_edit(run, tmp_path: Path) -> None:
    root = blog(tmp_path)
    write(
        root / "_drafts" / "idea.md",
        "---\ntitle: Idea\nauthor: Ann\ndate: 2024-01-03\ntags: [js]\n---\n",
    )
    result = run("retag", "--add", "web", "--tag", "js", "--until", "2024-01-02", cwd=root)
    assert result.exit_code == 0, result.stderr
    assert tags_of(root)["2024-01-01-a.md"] == ["js", "web"]
    assert tags_of(root)["2024-01-04-d.md"] == ["js"]  # dated after --until
    assert tags_of(root)["2024-01-03-c.md"] == ["javascript", "js"]  # dated after --until
    assert run("retag", "--add", "draft-only", "--only-drafts", cwd=root).exit_code == 0
    tags = tags_of(root)
    assert tags["idea.md"] == ["js", "draft-only"]
    assert "draft-only" not in tags["2024-01-01-a.md"]
    assert run("retag", "js", "JS", "--no-drafts", "--author", "ann", cwd=root).exit_code == 0
    assert tags_of(root) == tags  # the only post by Ann is a draft
    result = run("retag", "js", "JS", "--author", "ANN", "--since", "2024-01-03", cwd=root)
    assert result.exit_code == 0
    assert tags_of(root)["idea.md"] == ["JS", "draft-only"]
    bad = run("retag", "js", "JS", "--since", "yesterday", cwd=root)
    assert bad.exit_code == 2 and "--since/--until" in bad.stderr


def test_front_matter_filters_and_custom_fields_load_whole_posts(run, tmp_path: Path) -> None:
    root = blog(tmp_path)
    write(root / "_posts" / "2024-01-09-s.md", "---\nlayout: note\nseries: [go]\ntags: [js]\n---\n")
    result = run("retag", "js", "JS", "--where", "layout=note", "--no-cache", cwd=root)
    assert result.exit_code == 0, result.stderr
    assert "1 file(s) changed" in result.stdout
    assert tags_of(root)["2024-01-09-s.md"] == ["JS"]
    assert run("retag", "--field", "series", "go", "golang", cwd=root).exit_code == 0
    assert "series: [golang]" in (root / "_posts" / "2024-01-09-s.md").read_text()


def folder_categories_blog(root: Path, extra_posts: int = 0) -> Path:
    write(root / "_config.yml", "title: x\n")
    write(root / "news" / "_posts" / "2024-01-01-a.md", "---\ntitle: A\n---\nA\n")
    write(
        root / "news" / "_posts" / "2024-01-02-b.md",
        "---\ntitle: B\ncategories: [news, web]\n---\nB\n",
    )
    write(root / "_posts" / "2024-01-03-c.md", "---\ntitle: C\ncategories: [news]\n---\nC\n")
    for n in range(extra_posts):
        write(root / "_posts" / f"2024-02-01-x{n}.md", f"---\ntitle: X{n}\n---\nX\n")
    return root


@pytest.mark.parametrize("cache", ["--no-cache", "cold", "warm"])
def test_a_jekyll_folder_category_is_reported_not_silently_left(run, tmp_path, cache) -> None:
    # `news/_posts/...` posts are in `news` (Jekyll's Document#categories_from_path): renaming
    # `news` cannot change that without moving them, so the run says so and exits 1.
    root = folder_categories_blog(tmp_path)
    if cache == "warm":
        assert run("list", root).exit_code == 0
    args = ["retag", "--field", "categories", "news", "updates", str(root)]
    for dry_run in (["--dry-run"], []):
        result = run(*args, *dry_run, *(["--no-cache"] if cache == "--no-cache" else []))
        assert result.exit_code == 1, result.stdout + result.stderr
        output = result.stdout + result.stderr  # (a dry run's summary follows its diffs)
        lines = [" ".join(line.split()) for line in output.splitlines()]
        assert any(
            line.startswith("skipped ")
            and "news/_posts/2024-01-01-a.md" in line
            and "category 'news' comes from the post's folder" in line
            for line in lines
        ), output
        # (b's front matter changes, and the folder category it keeps is named)
        assert any(
            "news/_posts/2024-01-02-b.md" in line and "comes from the post's folder" in line
            for line in lines
        ), output
    assert (root / "_posts" / "2024-01-03-c.md").read_text() == (
        "---\ntitle: C\ncategories: [updates]\n---\nC\n"
    )
    assert (root / "news" / "_posts" / "2024-01-01-a.md").read_text() == "---\ntitle: A\n---\nA\n"


def test_folder_categories_reported_by_worker_processes_too(tmp_path, monkeypatch) -> None:
    from postctl import retag as retag_module
    from postctl.retag import RetagSpec, retag_paths
    from postctl.site import collect_files

    monkeypatch.setattr("postctl.site.PARALLEL_THRESHOLD", 10)
    monkeypatch.setattr(retag_module, "PROCESS_THRESHOLD", 5)
    root = folder_categories_blog(tmp_path, extra_posts=40)
    site = find_site(root)
    spec = RetagSpec(rename=(("news", "updates"),), field="categories")
    report = retag_paths(collect_files(site), spec, site.load, jobs=2, screen=spec.screen("jekyll"))
    assert sorted((r.path.name, r.status) for r in report.results) == [
        ("2024-01-01-a.md", "skipped"),
        ("2024-01-02-b.md", "changed"),
        ("2024-01-03-c.md", "changed"),
    ]


@pytest.mark.skipif(os.name != "posix", reason="a non-UTF-8 file name needs a POSIX file system")
@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_retag_summary_and_diff_show_a_file_name_that_is_not_utf8_escaped(run, tmp_path, fmt):
    # A post `caf\xe9.md` (not UTF-8) ended the summary and the diff in a traceback.
    site = tmp_path / "notes"
    write_latin1_named(site, b"---\ntitle: Latin\ntags: [js]\n---\n")
    result = run("retag", "js", "javascript", site, "--dry-run", "-f", fmt, cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    if fmt == "json":
        (change,) = json.loads(result.stdout)
        assert change["path"] == "notes/caf\\xe9.md"
        assert change["diff"].startswith("--- a/notes/caf\\xe9.md\n")
    else:
        assert "notes/caf\\xe9.md" in result.stdout
    if fmt == "table":
        assert "--- a/notes/caf\\xe9.md\n" in result.stdout
    result = run("retag", "js", "javascript", site, "-f", fmt, cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "notes/caf\\xe9.md" in result.stdout.replace("\\\\", "\\")  # (JSON's escape)
    with open(os.fsencode(site) + b"/caf\xe9.md", "rb") as f:
        assert b"tags: [javascript]" in f.read()
