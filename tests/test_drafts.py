"""`postctl publish` / `postctl unpublish`: only the date or draft value and the file's place
change; round trips give back the same bytes; nothing is ever overwritten."""

from __future__ import annotations

import os
import re
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import EXAMPLES, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postctl import create, drafts
from postctl.model import load_post

NOW = datetime(2026, 2, 5, 3, 33, 48, tzinfo=timezone(timedelta(hours=1)))

# A draft with everything a careless rewrite would lose: comments, quoting styles, a flow list,
# a block list with a comment, a date-like string, CRLF line endings, a BOM and a body with `---`.
TRICKY_DRAFT = (
    "\ufeff---\r\n"
    "# keep this comment\r\n"
    "layout: post\r\n"
    "title: 'Quoted: title'\r\n"
    'subtitle: "double"\r\n'
    "tags: [b, a]   # not sorted on purpose\r\n"
    "categories:\r\n"
    "  - One  # first\r\n"
    "  - Two\r\n"
    "version: '2.10'\r\n"
    "---\r\n"
    "Body line\r\n"
    "---\r\n"
    "not front matter\r\n"
).encode()


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(create, "local_now", lambda: NOW)
    # drafts imports local_now by name: when an earlier test already imported it, patching
    # create alone leaves drafts with the real clock.
    monkeypatch.setattr(drafts, "local_now", lambda: NOW)


def jekyll_site(root: Path) -> Path:
    write(root / "_config.yml", "title: Test\n")
    return root


def hugo_site(root: Path) -> Path:
    write(root / "hugo.toml", "title = 'Test'\n")
    return root


def without_date_lines(data: bytes) -> bytes:
    return re.sub(rb"(?m)^date: .*\r?\n", b"", data)


# -- Jekyll ---------------------------------------------------------------------------------------


def test_jekyll_publish_moves_and_sets_only_the_date(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    draft = write(site / "_drafts/tricky.md", TRICKY_DRAFT)
    os.chmod(draft, 0o640)
    result = run("publish", "_drafts/tricky.md", "--date", "2026-03-01T10:00:00+01:00", cwd=site)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "published _drafts/tricky.md -> _posts/2026-03-01-tricky.md\n"
    assert not draft.exists()
    published = site / "_posts" / "2026-03-01-tricky.md"
    data = published.read_bytes()
    assert without_date_lines(data) == TRICKY_DRAFT
    assert b"date: 2026-03-01 10:00:00 +0100\r\n" in data
    assert published.stat().st_mode & 0o777 == 0o640
    post = load_post(published, "jekyll")
    assert post.date == datetime(2026, 3, 1, 10, tzinfo=timezone(timedelta(hours=1)))
    assert post.draft is False


def test_jekyll_round_trip_is_byte_exact(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    draft = write(site / "_drafts/tricky.md", TRICKY_DRAFT)
    assert run("publish", draft, cwd=site).exit_code == 0
    published = site / "_posts" / "2026-02-05-tricky.md"
    assert b"date: 2026-02-05 03:33:48 +0100\r\n" in published.read_bytes()
    result = run("unpublish", published, cwd=site)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "unpublished _posts/2026-02-05-tricky.md -> _drafts/tricky.md\n"
    assert draft.read_bytes() == TRICKY_DRAFT
    assert not published.exists()


def test_jekyll_unpublish_then_publish_changes_only_the_date(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    original = (
        b"---\nlayout: post\ntitle: Old\ndate: 2020-01-02 10:00:00 +0000\ntags: [x]\n---\nBody\n"
    )
    post = write(site / "_posts/2020-01-02-old.md", original)
    assert run("unpublish", post, cwd=site).exit_code == 0
    draft = site / "_drafts" / "old.md"
    assert draft.read_bytes() == without_date_lines(original)
    assert run("publish", draft, "--date", "2026-02-05", cwd=site).exit_code == 0
    republished = site / "_posts" / "2026-02-05-old.md"
    data = republished.read_bytes()
    assert without_date_lines(data) == without_date_lines(original)
    assert load_post(republished, "jekyll").date == datetime(2026, 2, 5)


def test_examples_blog_draft_round_trip(run, tmp_path: Path) -> None:
    site = tmp_path / "blog"
    shutil.copytree(EXAMPLES / "blog", site)
    draft = site / "_drafts" / "grid-batteries-explained.md"
    original = draft.read_bytes()
    result = run("publish", draft, cwd=site)
    assert result.exit_code == 0, result.stderr
    # examples/blog sets `timezone: Europe/London`: 03:33:48 +01:00 is 02:33:48 GMT.
    published = site / "_posts" / "2026-02-05-grid-batteries-explained.md"
    assert b"date: 2026-02-05 02:33:48 +0000\n" in published.read_bytes()
    assert without_date_lines(published.read_bytes()) == original
    assert run("unpublish", published, cwd=site).exit_code == 0
    assert draft.read_bytes() == original


def test_jekyll_draft_name_with_a_date_and_subfolders(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    write(site / "_drafts/2019-05-05-dated.md", "---\ntitle: D\n---\n")
    write(site / "engineering/_drafts/deep/idea.markdown", "---\ntitle: I\n---\n")
    result = run("publish", "_drafts", "engineering", cwd=site)
    assert result.exit_code == 0, result.stderr
    assert (site / "_posts/2026-02-05-dated.md").is_file()
    moved = site / "engineering/_posts/deep/2026-02-05-idea.markdown"
    assert moved.is_file()
    assert load_post(moved, "jekyll").title == "I"


def test_publish_never_replaces_an_existing_post(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    draft = write(site / "_drafts/taken.md", "---\ntitle: Draft\n---\ndraft body\n")
    existing = write(site / "_posts/2026-02-05-taken.md", "---\ntitle: Mine\n---\nmine\n")
    result = run("publish", draft, cwd=site)
    assert result.exit_code == 1
    assert "_posts/2026-02-05-taken.md: already exists; not replaced" in result.stderr
    assert draft.read_text() == "---\ntitle: Draft\n---\ndraft body\n"
    assert existing.read_text() == "---\ntitle: Mine\n---\nmine\n"
    assert sorted(p.name for p in (site / "_posts").iterdir()) == ["2026-02-05-taken.md"]


def test_unpublish_never_replaces_an_existing_draft(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    post = write(site / "_posts/2026-01-01-same.md", "---\ntitle: Post\n---\n")
    write(site / "_drafts/same.md", "---\ntitle: Other draft\n---\n")
    result = run("unpublish", post, cwd=site)
    assert result.exit_code == 1
    assert post.is_file()
    assert (site / "_drafts/same.md").read_text() == "---\ntitle: Other draft\n---\n"


def test_publish_dry_run_reports_an_existing_target(run, tmp_path: Path) -> None:
    """The dry run refuses what the run refuses (the README promises the same exit code)."""
    site = jekyll_site(tmp_path)
    draft = write(site / "_drafts" / "idea.md", "---\ntitle: Idea\n---\nText.\n")
    write(site / "_posts" / "2026-03-01-idea.md", "---\ntitle: Other\n---\n")
    dry = run("publish", draft, "--date", "2026-03-01", "--dry-run", cwd=site)
    real = run("publish", draft, "--date", "2026-03-01", cwd=site)
    assert real.exit_code == 1
    assert dry.exit_code == real.exit_code, dry.stdout
    assert dry.stderr == real.stderr
    assert "_posts/2026-03-01-idea.md: already exists; not replaced" in dry.stderr
    assert dry.stdout == ""


def test_unpublish_dry_run_reports_an_existing_target(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    post = write(site / "_posts" / "2024-01-02-hello.md", "---\ntitle: Hello\n---\nText.\n")
    write(site / "_drafts" / "hello.md", "---\ntitle: Other\n---\n")
    dry = run("unpublish", post, "--dry-run", cwd=site)
    real = run("unpublish", post, cwd=site)
    assert real.exit_code == 1
    assert dry.exit_code == real.exit_code, dry.stdout
    assert dry.stderr == real.stderr
    assert "_drafts/hello.md: already exists; not replaced" in dry.stderr


def test_publish_refuses_another_file_of_the_same_post(run, tmp_path: Path) -> None:
    """`_posts/2024-07-01-hello.markdown` and `2024-07-01-hello.md` are one URL to Jekyll
    ("Conflict: The following destination is shared by multiple files"): publish refuses the
    move as `new` refuses the name (create.same_post), dry run and run alike; nothing moves."""
    site = jekyll_site(tmp_path)
    write(site / "_posts" / "2024-07-01-hello.markdown", "---\ntitle: Old\n---\n")
    draft = write(site / "_drafts" / "hello.md", "---\ntitle: Hello\n---\n")
    assert run("new", "Hello", "--date", "2024-07-01", "--dry-run", cwd=site).exit_code == 1
    dry = run("publish", draft, "--date", "2024-07-01", "--dry-run", cwd=site)
    real = run("publish", draft, "--date", "2024-07-01", cwd=site)
    assert real.exit_code == dry.exit_code == 1, real.stderr
    assert dry.stderr == real.stderr
    assert "2024-07-01-hello.markdown: already exists, the same post as" in real.stderr
    assert draft.exists()
    assert not (site / "_posts" / "2024-07-01-hello.md").exists()


def test_publish_in_place_refuses_a_rename_onto_the_same_post(run, tmp_path: Path) -> None:
    """`--date` renames a post in `_posts` to its new day: not beside another file of it."""
    site = jekyll_site(tmp_path)
    write(site / "_posts" / "2024-07-01-Hello.markdown", "---\ntitle: Old\n---\n")
    post = write(site / "_posts" / "2024-01-01-hello.md", "---\ntitle: Hello\n---\n")
    result = run("publish", post, "--date", "2024-07-01", cwd=site)
    assert result.exit_code == 1, result.stderr
    assert "2024-07-01-Hello.markdown: already exists, the same post as" in result.stderr
    assert post.read_text() == "---\ntitle: Hello\n---\n"
    assert not (site / "_posts" / "2024-07-01-hello.md").exists()


def test_already_published_and_already_a_draft(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    post = write(site / "_posts/2026-01-01-p.md", "---\ntitle: P\n---\n")
    draft = write(site / "_drafts/d.md", "---\ntitle: D\n---\n")
    result = run("publish", post, cwd=site)
    assert result.exit_code == 0
    assert "already published" in result.stderr
    result = run("unpublish", draft, cwd=site)
    assert result.exit_code == 0
    assert "already a draft" in result.stderr
    assert post.read_text() == "---\ntitle: P\n---\n"
    assert draft.read_text() == "---\ntitle: D\n---\n"


def test_jekyll_published_false_is_published_in_place(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    post = write(site / "_posts/2026-01-01-p.md", "---\ntitle: P\npublished: false # wip\n---\n")
    result = run("publish", post, cwd=site)
    assert result.exit_code == 0, result.stderr
    assert post.read_text() == "---\ntitle: P\npublished: true # wip\n---\n"


def test_jekyll_publish_date_with_an_offset_names_the_file_by_the_sites_day(
    run, tmp_path: Path
) -> None:
    """Jekyll dates the post in the site's `timezone`: 01:30+05:00 on the 5th is the 4th in
    London, the day of the post's file name and URL."""
    site = jekyll_site(tmp_path)
    write(site / "_config.yml", "title: T\ntimezone: Europe/London\n")
    draft = write(site / "_drafts" / "idea.md", "---\ntitle: Idea\n---\nText.\n")
    result = run("publish", draft, "--date", "2026-02-05T01:30+05:00", cwd=site)
    assert result.exit_code == 0, result.stderr
    post = site / "_posts" / "2026-02-04-idea.md"
    assert post.read_text() == "---\ntitle: Idea\ndate: 2026-02-05 01:30:00 +0500\n---\nText.\n"


def test_jekyll_publish_in_place_with_a_date_sets_it_and_renames_the_post(
    run, tmp_path: Path
) -> None:
    """A post in _posts with `published: false` is published in place; `--date` sets its date
    and, as a Jekyll post's file name carries its date, renames it, as publishing a draft does."""
    site = jekyll_site(tmp_path)
    text = "---\ntitle: Hidden\ndate: 2025-01-01 10:00:00 +0000\npublished: false\n---\nText.\n"
    post = write(site / "_posts" / "2025-01-01-hidden.md", text)
    result = run("publish", post, "--date", "2026-03-01", cwd=site)
    assert result.exit_code == 0, result.stderr
    assert "_posts/2026-03-01-hidden.md" in result.stdout
    assert not post.exists()
    moved = site / "_posts" / "2026-03-01-hidden.md"
    assert moved.read_text() == text.replace("2025-01-01 10:00:00 +0000", "2026-03-01").replace(
        "false", "true"
    )
    # The same date again: nothing to do. Another day of an already published post: re-dated.
    again = run("publish", moved, "--date", "2026-03-01", cwd=site)
    assert again.exit_code == 0 and "already published, with that date" in again.stderr
    assert run("publish", moved, "--date", "2026-03-02T09:00+00:00", cwd=site).exit_code == 0
    assert (
        "date: 2026-03-02 09:00:00 +0000\n"
        in (site / "_posts" / "2026-03-02-hidden.md").read_text()
    )


def test_jekyll_publish_in_place_with_a_date_never_replaces_a_post(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    text = "---\ntitle: Hidden\npublished: false\n---\n"
    post = write(site / "_posts" / "2025-01-01-hidden.md", text)
    other = write(site / "_posts" / "2026-03-01-hidden.md", "---\ntitle: Other\n---\n")
    result = run("publish", post, "--date", "2026-03-01", cwd=site)
    assert result.exit_code == 1
    assert "already exists" in result.stderr
    assert post.read_text() == text
    assert other.read_text() == "---\ntitle: Other\n---\n"


def test_dry_run_shows_the_move_and_diff(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    draft = write(site / "_drafts/dry.md", "---\ntitle: Dry\n---\nBody\n")
    result = run("publish", draft, "--dry-run", cwd=site)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("would publish _drafts/dry.md -> _posts/2026-02-05-dry.md\n")
    assert "+date: 2026-02-05 03:33:48 +0100\n" in result.stdout
    assert draft.read_text() == "---\ntitle: Dry\n---\nBody\n"
    assert not (site / "_posts").exists()


@pytest.mark.parametrize("kind", ["jekyll", "hugo"])
def test_dry_run_names_what_the_run_refuses(run, tmp_path: Path, kind: str) -> None:
    """A read-only draft (moved on Jekyll, edited in place on Hugo) and a hard-linked one: the
    dry run says what the run will say, with its exit code, instead of `would publish`."""
    site = jekyll_site(tmp_path) if kind == "jekyll" else hugo_site(tmp_path)
    folder = site / ("_drafts" if kind == "jekyll" else "content/posts")
    draft = "---\ntitle: D\ndraft: true\n---\n" if kind == "hugo" else "---\ntitle: D\n---\n"
    locked = write(folder / "locked.md", draft)
    locked.chmod(0o444)
    linked = write(folder / "linked.md", draft)
    os.link(linked, tmp_path / "elsewhere.md")
    preview = run("publish", locked, linked, "--dry-run", cwd=site)
    done = run("publish", locked, linked, cwd=site)
    assert preview.stderr == done.stderr
    assert "locked.md: is read-only" in done.stderr and "linked.md: has 2 hard links" in done.stderr
    assert preview.stdout == ""
    assert preview.exit_code == done.exit_code == 1


def test_bad_input_and_partial_failure(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    good = write(site / "_drafts/good.md", "---\ntitle: Good\n---\n")
    broken = write(site / "_drafts/broken.md", "---\ntitle: [unclosed\n---\n")
    result = run("publish", broken, good, cwd=site)
    assert result.exit_code == 1
    assert "_drafts/broken.md" in result.stderr and "PC004" in result.stderr
    assert broken.read_text() == "---\ntitle: [unclosed\n---\n"
    assert (site / "_posts/2026-02-05-good.md").is_file()
    assert not good.exists()


def test_bad_date_and_missing_path_exit_2(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    draft = write(site / "_drafts/d.md", "---\ntitle: D\n---\n")
    assert run("publish", draft, "--date", "soon", cwd=site).exit_code == 2
    assert run("publish", "_drafts/missing.md", cwd=site).exit_code == 2
    assert draft.is_file()


def test_help_has_examples(run) -> None:
    for command in ("publish", "unpublish"):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert f"postctl {command}" in result.stdout


# -- Hugo and plain sites -------------------------------------------------------------------------

HUGO_TOML = (
    b"+++\n"
    b"title = 'Tide tables'  # the title\n"
    b"date = 2025-01-01T10:00:00Z\n"
    b"draft = true\n"
    b"tags = ['sea', \"tides\"]\n"
    b"\n"
    b"[params]\n"
    b"  mood = 'calm'\n"
    b"+++\n"
    b"Body +++ text\n"
)


def test_hugo_round_trip_in_place(run, tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    post = write(site / "content/posts/tides.md", HUGO_TOML)
    result = run("publish", post, cwd=site)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "published content/posts/tides.md\n"
    assert post.read_bytes() == HUGO_TOML.replace(b"draft = true", b"draft = false")
    assert run("unpublish", post, cwd=site).exit_code == 0
    assert post.read_bytes() == HUGO_TOML


def test_hugo_publish_with_date(run, tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    post = write(site / "content/posts/tides.md", HUGO_TOML)
    result = run("publish", post, "--date", "2026-03-01T10:00:00+01:00", cwd=site)
    assert result.exit_code == 0, result.stderr
    assert post.read_bytes() == HUGO_TOML.replace(b"draft = true", b"draft = false").replace(
        b"date = 2025-01-01T10:00:00Z", b"date = 2026-03-01T10:00:00+01:00"
    )


def test_hugo_keys_are_case_insensitive(run, tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    text = "---\nTitle: X\nDraft: true\n---\n"
    post = write(site / "content/posts/x.md", text)
    assert run("publish", post, cwd=site).exit_code == 0
    assert post.read_text() == "---\nTitle: X\nDraft: false\n---\n"


def test_hugo_unpublish_adds_draft_when_missing(run, tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    original = b"+++\ntitle = 'X'\n\n[params]\n  a = 1\n+++\n"
    post = write(site / "content/posts/x.md", original)
    assert run("unpublish", post, cwd=site).exit_code == 0
    assert load_post(post, "hugo").draft is True
    assert load_post(post, "hugo").get("params") == {"a": 1}
    assert run("publish", post, cwd=site).exit_code == 0
    assert load_post(post, "hugo").draft is False


def test_hugo_json_round_trip(run, tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    original = b'{\n  "title": "J",\n  "draft": true\n}\nBody\n'
    post = write(site / "content/posts/j.md", original)
    assert run("publish", post, cwd=site).exit_code == 0
    assert post.read_bytes() == original.replace(b'"draft": true', b'"draft": false')
    assert run("unpublish", post, cwd=site).exit_code == 0
    assert post.read_bytes() == original


def test_plain_published_false(run, tmp_path: Path) -> None:
    site = tmp_path / "notes"
    post = write(site / "note.md", "---\ntitle: N\npublished: false\n---\n")
    assert run("publish", post, cwd=site).exit_code == 0
    assert post.read_text() == "---\ntitle: N\npublished: true\n---\n"
    assert load_post(post, "plain").draft is False


def test_new_draft_then_publish(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    result = run("new", "From new", "--draft", "-t", "x", cwd=site)
    assert result.exit_code == 0, result.stderr
    draft = site / result.stdout.strip()
    original = draft.read_bytes()
    assert run("publish", draft, cwd=site).exit_code == 0
    published = site / "_posts" / "2026-02-05-from-new.md"
    assert without_date_lines(published.read_bytes()) == original
    assert run("unpublish", published, cwd=site).exit_code == 0
    assert draft.read_bytes() == original


# -- real-world corpora ----------------------------------------------------------------------------


def test_corpora_round_trips(run, corpora: Path, tmp_path: Path) -> None:
    """Jekyll's release posts and the first Rust blog posts: unpublish then publish changes
    nothing but the date (Jekyll) or the draft value (TOML, where `draft` is added)."""
    jekyll = tmp_path / "jekyll"
    shutil.copytree(corpora / "jekyll" / "docs", jekyll)
    for path in jekyll.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)  # the corpora are read-only
    originals = {p.name: p.read_bytes() for p in (jekyll / "_posts").iterdir()}
    assert run("unpublish", "_posts", cwd=jekyll).exit_code == 0
    assert run("publish", "_drafts", "--date", "2026-01-01", cwd=jekyll).exit_code == 0
    for name, original in originals.items():
        slug = re.sub(r"^\d{4}-\d{2}-\d{2}-", "", name)
        published = (jekyll / "_posts" / f"2026-01-01-{slug}").read_bytes()
        assert without_date_lines(published) == without_date_lines(original), name

    rust = tmp_path / "rust"
    write(rust / "config.toml", (corpora / "rust-blog" / "config.toml").read_bytes())
    content = corpora / "rust-blog" / "content"
    before = {}
    for source in sorted(content.rglob("*.md"))[:60]:
        before[write(rust / "content" / source.relative_to(content), source.read_bytes())] = (
            source.read_bytes()
        )
    assert run("unpublish", "content", cwd=rust).exit_code == 0
    assert run("publish", "content", cwd=rust).exit_code == 0
    for path, original in before.items():
        after = path.read_bytes()
        assert after == original or after.replace(b"draft = false\n", b"", 1) == original, path


def test_read_only_draft_is_not_moved(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    draft = write(site / "_drafts/locked.md", "---\ntitle: L\n---\n")
    draft.chmod(0o444)
    result = run("publish", draft, cwd=site)
    assert result.exit_code == 1
    assert "read-only" in result.stderr
    assert draft.read_text() == "---\ntitle: L\n---\n"
    assert not (site / "_posts").exists()


def test_jekyll_draft_marked_unpublished_is_published(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    draft = write(site / "_drafts/10-1-2-things.md", "---\ntitle: T\npublished: false\n---\n")
    assert run("publish", draft, cwd=site).exit_code == 0
    # `10-1-2-` is part of the slug, not a date: only a full YYYY-MM-DD prefix is taken off.
    published = site / "_posts" / "2026-02-05-10-1-2-things.md"
    assert published.read_text() == (
        "---\ntitle: T\npublished: true\ndate: 2026-02-05 03:33:48 +0100\n---\n"
    )
    assert load_post(published, "jekyll").draft is False


def test_jekyll_page_is_not_a_post(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    page = write(site / "about.md", "---\ntitle: About\n---\n")
    result = run("publish", page, cwd=site)
    assert result.exit_code == 1
    assert "about.md: is not a post or a draft" in result.stderr
    assert page.read_text() == "---\ntitle: About\n---\n"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    title=st.text(min_size=1, max_size=40).filter(lambda t: t.strip()),
    tags=st.lists(st.text(min_size=1, max_size=12), max_size=3),
    kind=st.sampled_from(["jekyll", "hugo-toml", "hugo-yaml", "hugo-json"]),
)
def test_any_new_draft_round_trips(run, tmp_path_factory, title, tags, kind) -> None:
    root = tmp_path_factory.mktemp("site")
    site = jekyll_site(root) if kind == "jekyll" else hugo_site(root)
    args = ["new", "--draft", "--slug", "post", *(a for t in tags for a in ("-t", t))]
    if kind != "jekyll":
        args += ["--format", kind.split("-")[1]]
    result = run(*args, "--", title, cwd=site)
    assert result.exit_code == 0, result.stderr
    draft = site / result.stdout.strip()
    original = draft.read_bytes()
    assert run("publish", draft, cwd=site).exit_code == 0
    published = site / "_posts" / "2026-02-05-post.md" if kind == "jekyll" else draft
    assert run("unpublish", published, cwd=site).exit_code == 0
    assert draft.read_bytes() == original


# -- the move's safeguards (those of edit.write_atomic) -------------------------------------------

DRAFT = b"---\ntitle: Draft\ntags: [a]\n---\nbody\n"


def test_publish_refuses_a_symlinked_draft(run, tmp_path: Path) -> None:
    """Removing the link and writing a new post would leave the file it points to behind as a
    second, still unpublished copy that later edits would go to."""
    site = jekyll_site(tmp_path)
    kept = write(site / "notes" / "idea.md", DRAFT)
    link = site / "_drafts" / "idea.md"
    link.parent.mkdir()
    link.symlink_to(Path("..") / "notes" / "idea.md")
    result = run("publish", link, cwd=site)
    assert result.exit_code == 1
    assert "_drafts/idea.md: is a symlink" in result.stderr
    assert link.is_symlink() and kept.read_bytes() == DRAFT
    assert not (site / "_posts").exists()


def test_hugo_publish_with_the_date_it_already_has_writes_nothing(run, tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    published = HUGO_TOML.replace(b"draft = true", b"draft = false")
    post = write(site / "content/posts/tides.md", published)
    mtime = post.stat().st_mtime_ns
    result = run("publish", post, "--date", "2025-01-01T10:00:00Z", cwd=site)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "content/posts/tides.md: already published" in result.stderr
    assert post.read_bytes() == published and post.stat().st_mtime_ns == mtime


def test_publish_refuses_a_draft_with_several_hard_links(run, tmp_path: Path) -> None:
    """A move writes a new file and removes the old name, so the other link would keep the old
    bytes: the link would be split (write_atomic refuses the same)."""
    draft = write(jekyll_site(tmp_path) / "_drafts" / "idea.md", DRAFT)
    other = tmp_path / "notes" / "idea.md"
    other.parent.mkdir()
    os.link(draft, other)
    result = run("publish", draft, cwd=tmp_path)
    assert result.exit_code == 1
    assert "_drafts/idea.md: has 2 hard links" in result.stderr
    assert draft.read_bytes() == DRAFT
    assert os.stat(draft).st_nlink == 2
    assert not (tmp_path / "_posts").exists()


def test_publish_fsyncs_both_folders_of_the_move(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A move is a new name in _posts and a removed name in _drafts: without an fsync of each
    folder a crash can lose the new name after the old one is gone (or keep both)."""
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to see what is fsynced")
    draft = write(jekyll_site(tmp_path) / "_drafts" / "idea.md", DRAFT)
    synced: list[str] = []
    real_fsync = os.fsync

    def record(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", record)
    result = run("publish", draft, cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    posts, drafts_folder = str((tmp_path / "_posts").resolve()), str(draft.parent.resolve())
    assert posts in synced and drafts_folder in synced
    # The new name is made durable before the old one is removed.
    assert synced.index(posts) < synced.index(drafts_folder)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_publish_as_root_keeps_the_owner_and_mode(run, tmp_path: Path) -> None:
    """As write_atomic does: after `sudo postctl publish` the author can still edit the post."""
    draft = write(jekyll_site(tmp_path) / "_drafts" / "idea.md", DRAFT)
    os.chown(draft, 12345, 12345)
    draft.chmod(0o640)
    result = run("publish", draft, cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    published = (tmp_path / "_posts" / "2026-02-05-idea.md").stat()
    assert (published.st_uid, published.st_gid) == (12345, 12345)
    assert published.st_mode & 0o7777 == 0o640


def test_publish_keeps_a_draft_saved_during_the_move(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The draft is checked again right before it is removed: a save made while the new post
    was written (here during its fsync) is kept, and the new post, written from the version read
    before, is removed again, so that only one of the two is left (and the run says so)."""
    draft = write(jekyll_site(tmp_path) / "_drafts" / "idea.md", DRAFT)
    saved_meanwhile = DRAFT + b"A paragraph written while publish was running.\n"
    real_fsync = os.fsync
    fsyncs: list[int] = []

    def save_during_fsync(fd: int) -> None:
        if not fsyncs:
            draft.write_bytes(saved_meanwhile)
        fsyncs.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", save_during_fsync)
    result = run("publish", draft, cwd=tmp_path)
    assert result.exit_code == 1
    assert "_drafts/idea.md: changed on disk during the move" in result.stderr
    assert result.stdout == ""
    assert draft.read_bytes() == saved_meanwhile
    assert list((tmp_path / "_posts").iterdir()) == []


def test_publish_reports_a_temp_file_it_cannot_create_per_draft(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unwritable _posts folder (EACCES, EROFS, no inodes left) fails each draft with its
    reason (exit 1) and the other drafts are still tried; no traceback, no exit 2."""
    import errno
    import tempfile

    draft = write(jekyll_site(tmp_path) / "_drafts" / "idea.md", DRAFT)
    second = write(tmp_path / "_drafts" / "second.md", DRAFT)
    tried: list[str] = []

    def unwritable_folder(*args, **kwargs):  # type: ignore[no-untyped-def]
        folder = kwargs.get("dir", ".")
        tried.append(str(folder))
        raise PermissionError(errno.EACCES, "Permission denied", f"{folder}/.postctl-x.tmp")

    monkeypatch.setattr(tempfile, "mkstemp", unwritable_folder)
    result = run("publish", draft, second, cwd=tmp_path)
    assert result.exit_code == 1
    assert len(tried) == 2
    lines = result.stderr.splitlines()
    assert any(line.startswith("_drafts/idea.md: ") and "cannot write" in line for line in lines)
    assert any(line.startswith("_drafts/second.md: ") and "cannot write" in line for line in lines)
    assert ".postctl-x.tmp" not in result.stderr
    assert draft.read_bytes() == DRAFT and second.read_bytes() == DRAFT


def test_publish_says_so_when_a_move_cannot_be_undone(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save during the move and a new post that cannot be removed again: both files are
    kept (nothing deleted) and the run says which to compare."""
    draft = write(jekyll_site(tmp_path) / "_drafts" / "idea.md", DRAFT)
    published = tmp_path / "_posts" / "2026-02-05-idea.md"
    saved_meanwhile = DRAFT + b"Saved meanwhile.\n"
    real_fsync, real_unlink = os.fsync, Path.unlink

    def save_during_fsync(fd: int) -> None:
        if draft.read_bytes() == DRAFT:
            draft.write_bytes(saved_meanwhile)
        real_fsync(fd)

    def unlink(self: Path, missing_ok: bool = False) -> None:
        if self == published:
            raise PermissionError(13, "Permission denied")
        real_unlink(self, missing_ok)

    monkeypatch.setattr(os, "fsync", save_during_fsync)
    monkeypatch.setattr(Path, "unlink", unlink)
    result = run("publish", draft, cwd=tmp_path)
    assert result.exit_code == 1
    assert "_drafts/idea.md: changed on disk during the move" in result.stderr
    assert "_posts/2026-02-05-idea.md" in result.stderr
    assert "could not be removed again" in result.stderr and "by hand" in result.stderr
    assert draft.read_bytes() == saved_meanwhile
    assert published.is_file()
