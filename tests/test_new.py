"""`postctl new`: paths, front matter and flags on each kind of site, hostile titles, and never
overwriting. Time is fixed by replacing `postctl.create.local_now`."""

from __future__ import annotations

import json
import sys
import time
import types
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postctl import create
from postctl.model import load_post
from postctl.site import find_site

PLUS_ONE = timezone(timedelta(hours=1))
NOW = datetime(2026, 2, 5, 3, 33, 48, tzinfo=PLUS_ONE)


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(create, "local_now", lambda: NOW)
    return NOW


def jekyll_site(root: Path, config: str = "title: Test\n") -> Path:
    write(root / "_config.yml", config)
    (root / "_posts").mkdir()
    return root


def hugo_site(root: Path, config: str = "title = 'Test'\n") -> Path:
    write(root / "hugo.toml", config)
    (root / "content").mkdir()
    return root


def plain_site(root: Path, config: str = "") -> Path:
    root.mkdir(exist_ok=True)
    if config:
        write(root / "postctl.toml", config)
    return root


def created(result, site: Path) -> Path:
    assert result.exit_code == 0, result.stderr
    path = site / result.stdout.strip()
    assert path.is_file()
    return path


# -- each kind of site -----------------------------------------------------------------------------


def test_jekyll_post_path_bytes_and_read_back(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    result = run("new", "Hello, World", cwd=site)
    path = created(result, site)
    assert result.stdout == "_posts/2026-02-05-hello-world.md\n"
    assert path.read_bytes() == (
        b"---\nlayout: post\ntitle: Hello, World\ndate: 2026-02-05 03:33:48 +0100\n"
        b"categories: []\ntags: []\n---\n\n"
    )
    post = load_post(path, "jekyll")
    assert post.title == "Hello, World"
    assert post.date == NOW
    assert post.get("layout") == "post"
    assert (post.tags, post.categories, post.draft) == ([], [], False)


def test_hugo_post_is_toml_like_hugos_archetype(run, tmp_path: Path) -> None:
    """A draft, as Hugo's default archetype makes one (`draft = true`)."""
    site = hugo_site(tmp_path)
    path = created(run("new", "My First Post", cwd=site), site)
    assert path == site / "content" / "posts" / "my-first-post.md"
    assert path.read_text() == (
        "+++\ntitle = 'My First Post'\ndate = 2026-02-05T03:33:48+01:00\ndraft = true\n+++\n\n"
    )
    post = load_post(path, "hugo")
    assert (post.title, post.date, post.draft) == ("My First Post", NOW, True)


@pytest.mark.parametrize(
    ("make", "kind", "draft", "published"),
    [
        (hugo_site, "hugo", True, False),  # Hugo's default: a draft; --no-draft: `draft = false`
        (plain_site, "plain", None, False),  # published without a key; --no-draft says so
    ],
)
def test_no_draft_creates_a_published_post(run, tmp_path: Path, make, kind, draft, published):
    site = make(tmp_path / "site")
    default = load_post(created(run("new", "Default", cwd=site), site), kind)
    assert default.get("draft") is draft
    post = load_post(created(run("new", "Out now", "--no-draft", cwd=site), site), kind)
    assert (post.get("draft"), post.draft) == (published, False)


def test_no_draft_on_jekyll_is_a_post(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    path = created(run("new", "Out now", "--no-draft", cwd=site), site)
    assert path == site / "_posts" / "2026-02-05-out-now.md"
    assert not load_post(path, "jekyll").has("draft")


def test_no_draft_beats_a_configured_draft(run, tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    write(site / "postctl.toml", "[new.front_matter]\ndraft = true\n")
    path = created(run("new", "Out now", "--no-draft", cwd=site), site)
    assert load_post(path, "hugo").draft is False


def test_hugo_content_dir_from_the_config(run, tmp_path: Path) -> None:
    """`contentDir = 'src'`: Hugo reads content from src/, never from content/."""
    site = tmp_path / "hugo"
    write(site / "hugo.toml", "title = 'Test'\ncontentDir = 'src'\n")
    write(site / "src/posts/first.md", "---\ntitle: First\n---\n")
    result = run("new", "Second", "--site", site)
    assert result.exit_code == 0, result.stderr
    assert (site / "src/posts/second.md").is_file(), result.stdout
    assert not (site / "content").exists()


def test_hugo_content_dir_of_the_default_language(run, tmp_path: Path) -> None:
    site = tmp_path / "hugo"
    write(
        site / "hugo.yaml",
        "defaultContentLanguage: de\nlanguages:\n  en:\n    contentDir: content/english\n"
        "    weight: 1\n  de:\n    contentDir: content/deutsch\n    weight: 2\n",
    )
    path = created(run("new", "Hallo", cwd=site), site)
    assert path == site / "content/deutsch/posts/hallo.md"


def test_a_broken_hugo_config_naming_content_dir_exits_2(run, tmp_path: Path) -> None:
    site = tmp_path / "hugo"
    write(site / "hugo.toml", "contentDir = 'src\n")
    result = run("new", "Second", "--site", site)
    assert result.exit_code == 2
    assert result.stderr.startswith("postctl: error: ")
    assert "hugo.toml: TOML: " in result.stderr and len(result.stderr.splitlines()) == 1


def test_hugo_section_and_path_pattern_from_config(run, tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    write(site / "postctl.toml", '[new]\nsection = "blog"\npath = "{date:%Y}/{slug}/index.md"\n')
    path = created(run("new", "Bundle", cwd=site), site)
    assert path == site / "content" / "blog" / "2026" / "bundle" / "index.md"


def test_hugo_format_follows_the_sites_posts(run, tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    write(site / "content/posts/old.md", "---\ntitle: Old\n---\n")
    path = created(run("new", "New one", cwd=site), site)
    assert path.read_text().startswith("---\ntitle: New one\ndate: 2026-02-05T03:33:48+01:00\n")


def test_plain_site_default_pattern(run, tmp_path: Path) -> None:
    site = plain_site(tmp_path / "notes")
    path = created(run("new", "A note", cwd=site), site)
    assert path == site / "2026-02-05-a-note.md"
    assert path.read_text() == "---\ntitle: A note\ndate: 2026-02-05T03:33:48+01:00\n---\n\n"


def test_plain_site_pattern_with_folders(run, tmp_path: Path) -> None:
    site = plain_site(tmp_path / "notes", '[new]\npath = "posts/{date:%Y/%m}/{slug}.md"\n')
    path = created(run("new", "A note", cwd=site), site)
    assert path == site / "posts" / "2026" / "02" / "a-note.md"


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("{title}.md", "unknown placeholder {title}"),
        ("../{slug}.md", "is not a file name"),
        ("/abs/{slug}.md", "is not a file name"),
        ("{slug", "not a valid pattern"),
    ],
)
def test_plain_site_bad_patterns_exit_2(run, tmp_path: Path, pattern: str, message: str) -> None:
    site = plain_site(tmp_path / "notes", f"[new]\npath = {pattern!r}\n".replace("'", '"'))
    result = run("new", "A note", cwd=site)
    assert result.exit_code == 2
    assert message in result.stderr
    assert sorted(p.name for p in site.iterdir()) == ["postctl.toml"]


def test_jekyll_collections_dir(run, tmp_path: Path) -> None:
    site = tmp_path
    write(site / "_config.yml", "collections_dir: my_collections\n")
    path = created(run("new", "Collected", cwd=site), site)
    assert path == site / "my_collections" / "_posts" / "2026-02-05-collected.md"


def test_jekyll_collections_dir_never_leads_out_of_the_site(run, tmp_path: Path) -> None:
    """Jekyll keeps collections_path inside the source (Jekyll.sanitized_path), and so does
    postctl: `new` writes where `list` reads."""
    site = tmp_path / "blog"
    write(site / "_config.yml", "collections_dir: ../elsewhere\n")
    path = created(run("new", "Inside", cwd=site), site)
    assert path == site / "elsewhere" / "_posts" / "2026-02-05-inside.md"
    assert run("list", "--count", site).stdout == "1\n"


def test_jekyll_unknown_timezone_dates_in_utc_as_jekyll_does(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`timezone: America/NewYork` (a typo) goes into Jekyll's ENV["TZ"], which the C library
    reads as UTC: 00:30 +01:00 is the 4th in UTC, not the machine's 5th."""
    monkeypatch.setattr(create, "local_now", lambda: datetime(2026, 2, 5, 0, 30, tzinfo=PLUS_ONE))
    site = jekyll_site(tmp_path, "title: T\ntimezone: America/NewYork\n")
    path = created(run("new", "Hello", cwd=site), site)
    assert path.name == "2026-02-04-hello.md"
    assert "date: 2026-02-04 23:30:00 +0000\n" in path.read_text()


def test_a_time_in_local_mean_time_is_written_with_its_offset_in_minutes(
    run, tmp_path: Path
) -> None:
    """Before 1888 Asia/Tokyo was +09:18:59 (local mean time): an offset with seconds, which a
    YAML date (as Ruby reads `%z`) cannot hold. `new` and `publish` wrote `+091859`, a date no
    generator reads (`new` stopped with an internal error). The offset is written as Ruby's
    `%z` writes it (what `jekyll new` writes), truncated to minutes, with the time as given:
    the post is dated, named and listed on the day given."""
    site = jekyll_site(tmp_path / "blog", "title: T\ntimezone: Asia/Tokyo\n")
    early = created(run("new", "Early", "--date", "1850-01-01T00:00:30", "--site", site), site)
    assert early.name == "1850-01-01-early.md"
    assert "date: 1850-01-01 00:00:30 +0918\n" in early.read_text()
    write(site / "_drafts" / "draft.md", "---\ntitle: Draft\n---\n")
    result = run("publish", site / "_drafts" / "draft.md", "--date", "1850-01-01T10:00:00")
    assert result.exit_code == 0, result.stderr
    published = site / "_posts" / "1850-01-01-draft.md"
    assert "date: 1850-01-01 10:00:00 +0918\n" in published.read_text()
    assert run("lint", site, "--select", "PC3").stdout == ""
    listed = run("list", "--columns", "date,title", cwd=site).stdout
    assert "1850-01-01 10:00  Draft\n" in listed
    assert "1850-01-01 00:01  Early\n" in listed


def test_an_offset_with_seconds_is_truncated_to_minutes_as_ruby_and_go_write_it() -> None:
    """Ruby's strftime `%z` and Go's `Z07:00` (Hugo's {{ .Date }}) drop an offset's seconds
    toward zero: Amsterdam in 1900 (+00:19:32), New York before 1883 (-04:56:02)."""
    from zoneinfo import ZoneInfo

    when = create.PostDate(datetime(1900, 1, 1, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam")), True)
    assert when.spelled("hugo") == "1900-01-01T10:00:00+00:19"
    assert when.spelled("jekyll") == "1900-01-01 10:00:00 +0019"
    when = create.PostDate(datetime(1850, 1, 1, 23, 59, tzinfo=ZoneInfo("America/New_York")), True)
    assert when.spelled("hugo") == "1850-01-01T23:59:00-04:56"
    assert when.day == "1850-01-01"


def test_jekyll_timezone_from_config(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path, "timezone: America/New_York\n")
    path = created(run("new", "Zoned", cwd=site), site)
    # 03:33:48 +01:00 is 21:33:48 the day before in New York (EST, -05:00).
    assert path.name == "2026-02-04-zoned.md"
    assert "date: 2026-02-04 21:33:48 -0500\n" in path.read_text()


def test_jekyll_date_with_an_offset_names_the_file_by_the_sites_day(run, tmp_path: Path) -> None:
    """Jekyll converts a post's date to the site's `timezone` (Utils.parse_date's `.localtime`)
    and names the post's URL by that day: 2026-02-05T01:30+05:00 is the 4th in London, so the
    file is named the 4th (lint's PC302 agrees), while the date stays as it was given."""
    site = jekyll_site(tmp_path / "blog", "title: T\ntimezone: Europe/London\n")
    result = run("new", "Offset", "--date", "2026-02-05T01:30+05:00", "--site", site)
    assert result.exit_code == 0, result.stderr
    path = site / "_posts" / "2026-02-04-offset.md"
    assert "date: 2026-02-05 01:30:00 +0500\n" in path.read_text()
    lint = run("lint", site / "_posts")
    assert "PC302" not in lint.stdout, lint.stdout


@pytest.mark.parametrize(
    ("assignment", "name"),
    [
        ("date=2020-01-01", "2020-01-01-old.md"),
        # A YAML timestamp without an offset is UTC to Jekyll: the 2nd in Tokyo.
        ("date=2020-01-01 23:30:00", "2020-01-02-old.md"),
    ],
)
def test_jekyll_set_date_names_the_file_as_date_does(
    run, tmp_path: Path, assignment: str, name: str
) -> None:
    site = jekyll_site(tmp_path / "blog", "title: T\ntimezone: Asia/Tokyo\n")
    path = created(run("new", "Old", "--set", assignment, "--site", site, cwd=site), site)
    assert path == site / "_posts" / name
    assert f"{assignment.replace('=', ': ')}\n" in path.read_text()
    assert "PC302" not in run("lint", path).stdout


def test_jekyll_set_date_that_is_no_date_is_refused(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path / "blog")
    result = run("new", "Soon", "--set", "date=tomorrow", "--site", site)
    assert result.exit_code == 2
    assert "--set date" in result.stderr
    assert not list((site / "_posts").iterdir())


def test_site_option_from_elsewhere(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path / "blog")
    result = run("new", "Remote", "--site", site, cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert (site / "_posts" / "2026-02-05-remote.md").is_file()


# -- front matter layers ---------------------------------------------------------------------------


def test_jekyll_compose_defaults_for_posts_and_drafts(run, tmp_path: Path) -> None:
    site = jekyll_site(
        tmp_path,
        "jekyll_compose:\n  default_front_matter:\n"
        "    posts:\n      author: Maya\n      layout: article\n"
        "    drafts:\n      comments: false\n",
    )
    post = load_post(created(run("new", "Post", cwd=site), site), "jekyll")
    assert post.get("author") == "Maya"
    assert post.get("layout") == "article"
    assert not post.has("comments")
    draft = load_post(created(run("new", "Draft", "--draft", cwd=site), site), "jekyll")
    assert draft.get("comments") is False
    assert draft.get("layout") == "post"
    assert not draft.has("author")


def test_layers_later_wins(run, tmp_path: Path) -> None:
    site = jekyll_site(
        tmp_path,
        "jekyll_compose:\n  default_front_matter:\n    posts:\n      layout: compose\n",
    )
    write(site / "postctl.toml", '[new.front_matter]\nlayout = "config"\ncomments = true\n')
    path = created(run("new", "Layers", cwd=site), site)
    assert load_post(path, "jekyll").get("layout") == "compose"
    assert load_post(path, "jekyll").get("comments") is True
    path = created(run("new", "Layers two", "--layout", "flag", cwd=site), site)
    assert load_post(path, "jekyll").get("layout") == "flag"
    result = run("new", "Layers three", "--layout", "flag", "--set", "layout=set", cwd=site)
    path = created(result, site)
    assert load_post(path, "jekyll").get("layout") == "set"


def test_bad_jekyll_config_exits_2_with_location(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path, "jekyll_compose: [unclosed\n")
    result = run("new", "X", cwd=site)
    assert result.exit_code == 2
    assert "_config.yml:2:1" in result.stderr
    assert list((site / "_posts").iterdir()) == []


@pytest.mark.parametrize(
    "config",
    ['[new]\nformat = "xml"\n', "[new]\nsection = 3\n", '[new]\nunknown = "x"\n'],
)
def test_bad_new_config_exits_2(run, tmp_path: Path, config: str) -> None:
    site = hugo_site(tmp_path)
    write(site / "postctl.toml", config)
    result = run("new", "X", cwd=site)
    assert result.exit_code == 2
    assert "new." in result.stderr


# -- flags -----------------------------------------------------------------------------------------


def test_every_metadata_flag(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    result = run(
        "new", "All the flags",
        "-t", "python", "--tag", "two words", "-c", "Tech", "--category", "News",
        "--author", "Ada Lovelace", "--layout", "wide", "--excerpt", "Short: sweet",
        "--image", "/img/a.png",
        "--set", "weight=3", "--set", "aliases=[/old/, /older/]", "--set", "comments=false",
        "--set", "published_on=2026-01-01", "--set", "subtitle='quoted: yes'", "--set", "empty=",
        cwd=site,
    )  # fmt: skip
    post = load_post(created(result, site), "jekyll")
    assert post.tags == ["python", "two words"]
    assert post.categories == ["Tech", "News"]
    assert post.author == "Ada Lovelace"
    assert post.get("layout") == "wide"
    assert post.excerpt == "Short: sweet"
    assert post.image == "/img/a.png"
    assert post.get("weight") == 3
    assert post.get("aliases") == ["/old/", "/older/"]
    assert post.get("comments") is False
    assert post.get("published_on") == date(2026, 1, 1)
    assert post.get("subtitle") == "quoted: yes"
    assert post.has("empty") and post.get("empty") is None


def test_hugo_excerpt_is_summary(run, tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    post = load_post(created(run("new", "S", "--excerpt", "In short", cwd=site), site), "hugo")
    assert post.get("summary") == "In short"
    assert post.excerpt == "In short"


@pytest.mark.parametrize(
    ("given", "hugo_reads", "jekyll_reads"),
    [("1:30", "1:30", 90), ("no", "no", False), ("on", "on", True), ("true", True, True)],
)
def test_set_types_values_as_the_sites_generator_reads_them(
    run, tmp_path: Path, given: str, hugo_reads: object, jekyll_reads: object
) -> None:
    """Hugo reads YAML 1.2 (`1:30` and `no` are strings), Jekyll YAML 1.1 (90 and false): a
    --set value is what `KEY: VALUE` would be in a post of that site, in any format."""
    hugo = hugo_site(tmp_path / "hugo")
    for fmt in ("yaml", "toml", "json"):
        args = ["new", f"Typed {fmt}", "--format", fmt, "--set", f"value={given}"]
        post = load_post(created(run(*args, cwd=hugo), hugo), "hugo")
        assert post.get("value") == hugo_reads
        assert type(post.get("value")) is type(hugo_reads)
    listed = run("list", "-f", "json", hugo)
    assert [p["front_matter"]["value"] for p in json.loads(listed.stdout)] == [hugo_reads] * 3
    jekyll = jekyll_site(tmp_path / "jekyll")
    post = load_post(
        created(run("new", "Typed", "--set", f"value={given}", cwd=jekyll), jekyll), "jekyll"
    )
    assert post.get("value") == jekyll_reads


@pytest.mark.parametrize("bad", ["novalue", "=3", "x=[unclosed"])
def test_bad_set_exits_2(run, tmp_path: Path, bad: str) -> None:
    site = jekyll_site(tmp_path)
    result = run("new", "Bad set", "--set", bad, cwd=site)
    assert result.exit_code == 2
    assert "--set" in result.stderr
    assert list((site / "_posts").iterdir()) == []


@pytest.mark.parametrize(
    ("given", "name", "spelled", "expected"),
    [
        ("2026-03-01", "2026-03-01-dated.md", "2026-03-01", datetime(2026, 3, 1)),
        (
            "2026-03-01T10:15",
            "2026-03-01-dated.md",
            "2026-03-01 10:15:00 +0000",
            datetime(2026, 3, 1, 10, 15, tzinfo=timezone.utc),
        ),
        (
            "2026-03-01T10:15:30+02:00",
            "2026-03-01-dated.md",
            "2026-03-01 10:15:30 +0200",
            datetime(2026, 3, 1, 10, 15, 30, tzinfo=timezone(timedelta(hours=2))),
        ),
        ("now", "2026-02-05-dated.md", "2026-02-05 03:33:48 +0100", NOW),
        # strftime's %Y writes year 1 as "1": file name and date keep four digits
        ("0001-01-01", "0001-01-01-dated.md", "0001-01-01", datetime(1, 1, 1)),
        (
            "0999-12-31T23:59:59+00:00",
            "0999-12-31-dated.md",
            "0999-12-31 23:59:59 +0000",
            datetime(999, 12, 31, 23, 59, 59, tzinfo=timezone.utc),
        ),
    ],
)
def test_date_forms(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given, name, spelled, expected
) -> None:
    monkeypatch.setenv("TZ", "UTC")
    import time

    time.tzset()
    site = jekyll_site(tmp_path)
    path = created(run("new", "Dated", "--date", given, cwd=site), site)
    assert path.name == name
    assert f"date: {spelled}\n" in path.read_text()
    assert load_post(path, "jekyll").date == expected


def test_date_without_offset_takes_the_local_zone(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        site = hugo_site(tmp_path)
        path = created(run("new", "Summer", "--date", "2026-07-01T12:00", cwd=site), site)
        assert "date = 2026-07-01T12:00:00+02:00\n" in path.read_text()
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize("bad", ["yesterday", "2026-02-30", "05/02/2026", ""])
def test_bad_date_exits_2(run, tmp_path: Path, bad: str) -> None:
    site = jekyll_site(tmp_path)
    result = run("new", "Dated", "--date", bad, cwd=site)
    assert result.exit_code == 2
    assert "--date" in result.stderr or "empty" in result.stderr


def test_slug_flag(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    path = created(run("new", "日本語のタイトル", "--slug", "japanese-title", cwd=site), site)
    assert path.name == "2026-02-05-japanese-title.md"
    assert load_post(path, "jekyll").title == "日本語のタイトル"


@pytest.mark.parametrize(
    "bad", ["../escape", "a/b", "..", ".hidden", "_under", "nul", "x\x1by", ""]
)
def test_bad_slug_flag_exits_2(run, tmp_path: Path, bad: str) -> None:
    site = hugo_site(tmp_path)
    result = run("new", "Title", "--slug", bad, cwd=site)
    assert result.exit_code == 2
    assert "slug" in result.stderr
    assert not (site / "content" / "posts").exists()


def test_jekyll_draft(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    path = created(run("new", "Half baked", "--draft", cwd=site), site)
    assert path == site / "_drafts" / "half-baked.md"
    assert path.read_text() == (
        "---\nlayout: post\ntitle: Half baked\ncategories: []\ntags: []\n---\n\n"
    )
    post = site_post(site, path)
    assert post.draft is True


def test_jekyll_draft_with_date(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    path = created(run("new", "Half baked", "--draft", "--date", "2026-03-01", cwd=site), site)
    assert path == site / "_drafts" / "half-baked.md"
    assert "date: 2026-03-01\n" in path.read_text()


@pytest.mark.parametrize("make", [hugo_site, plain_site])
def test_hugo_and_plain_draft(run, tmp_path: Path, make) -> None:
    site = make(tmp_path / "site")
    path = created(run("new", "Half baked", "--draft", cwd=site), site)
    post = site_post(site, path)
    assert post.get("draft") is True
    assert post.draft is True


def site_post(site: Path, path: Path):  # type: ignore[no-untyped-def]
    return find_site(site, explicit=True).load(path)


@pytest.mark.parametrize(
    ("fmt", "start"),
    [("yaml", "---\ntitle: Formats\n"), ("toml", "+++\ntitle = 'Formats'\n"), ("json", "{\n")],
)
@pytest.mark.parametrize("make", [hugo_site, plain_site])
def test_format_flag(run, tmp_path: Path, make, fmt: str, start: str) -> None:
    site = make(tmp_path / "site")
    path = created(
        run("new", "Formats", "--format", fmt, "-t", "a", "--set", "extra={x: [1, 2]}", cwd=site),
        site,
    )
    assert path.read_text().startswith(start)
    post = site_post(site, path)
    assert post.format == fmt
    assert (post.title, post.date, post.tags) == ("Formats", NOW, ["a"])
    assert post.get("extra") == {"x": [1, 2]}


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_jekyll_refuses_other_formats(run, tmp_path: Path, fmt: str) -> None:
    site = jekyll_site(tmp_path)
    result = run("new", "Formats", "--format", fmt, cwd=site)
    assert result.exit_code == 2
    assert "only YAML" in result.stderr


def test_toml_has_no_null(run, tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    result = run("new", "Null", "--set", "nothing=", cwd=site)
    assert result.exit_code == 2
    assert "nothing: TOML has no null" in result.stderr


def test_dry_run_writes_nothing(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    result = run("new", "Preview", "--dry-run", cwd=site)
    assert result.exit_code == 0
    assert result.stdout.startswith("---\nlayout: post\ntitle: Preview\n")
    assert "would create _posts/2026-02-05-preview.md" in result.stderr
    assert list((site / "_posts").iterdir()) == []


def test_edit_opens_the_editor(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = jekyll_site(tmp_path / "blog")
    script = write(
        tmp_path / "editor.py",
        "import sys\nopen(sys.argv[1] + '.opened', 'w').write(open(sys.argv[1]).read())\n",
    )
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    path = created(run("new", "Edit me", "--edit", cwd=site), site)
    opened = path.with_name(path.name + ".opened")
    assert opened.read_text() == path.read_text()


def test_visual_wins_over_editor(tmp_path: Path) -> None:
    assert create.editor_command({"VISUAL": "vi", "EDITOR": "nano"}) == "vi"
    assert create.editor_command({"VISUAL": " ", "EDITOR": "nano"}) == "nano"
    assert create.editor_command({}) is None


def test_edit_without_an_editor_exits_2_and_writes_nothing(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    site = jekyll_site(tmp_path)
    result = run("new", "Edit me", "--edit", cwd=site)
    assert result.exit_code == 2
    assert "$EDITOR" in result.stderr
    assert list((site / "_posts").iterdir()) == []


def test_help_has_examples(run) -> None:
    result = run("new", "--help")
    assert result.exit_code == 0
    assert "postctl new" in result.stdout and "--dry-run" in result.stdout


# -- templates -------------------------------------------------------------------------------------


def test_template_keeps_comments_and_order(run, tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    template = write(
        tmp_path / "post.tmpl",
        "+++\n# written by postctl\ndraft = false\ntitle = {title}\n"
        "date = {date}  # when\nslug = '{slug}'\n+++\n\n# {title}\n\nWrite here.\n",
    )
    path = created(run("new", 'Quote "me"', "--template", template, cwd=site), site)
    assert path.read_text() == (
        "+++\n# written by postctl\ndraft = false\ntitle = 'Quote \"me\"'\n"
        "date = 2026-02-05T03:33:48+01:00  # when\nslug = 'quote-me'\n+++\n\n"
        '# Quote "me"\n\nWrite here.\n'
    )
    post = load_post(path, "hugo")
    assert (post.title, post.date, post.slug) == ('Quote "me"', NOW, "quote-me")


def test_template_from_config_and_body_only(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    write(site / "templates/body.md", "Intro for {title}.\n")
    write(site / "postctl.toml", '[new]\ntemplate = "templates/body.md"\n')
    path = created(run("new", "Body", cwd=site), site)
    assert path.read_text().endswith("---\nIntro for Body.\n")
    assert load_post(path, "jekyll").title == "Body"


def test_template_that_does_not_parse_exits_2(run, tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    template = write(tmp_path / "bad.tmpl", "+++\ntitle = {title}\ndate = \n+++\n")
    result = run("new", "T", "--template", template, cwd=site)
    assert result.exit_code == 2
    assert "bad.tmpl:3" in result.stderr
    assert not (site / "content" / "posts").exists()


def test_template_format_conflict(run, tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    template = write(tmp_path / "t.md", "---\ntitle: {title}\n---\n")
    result = run("new", "T", "--template", template, "--format", "toml", cwd=site)
    assert result.exit_code == 2
    assert "does not match" in result.stderr


def test_missing_template_exits_2(run, tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    result = run("new", "T", "--template", tmp_path / "nope.md", cwd=site)
    assert result.exit_code == 2
    assert "nope.md" in result.stderr


@pytest.mark.parametrize(
    "title", ["Issue #42", "C# tips", "Plain words", "a: b", "it's", 'say "hi"']
)
@pytest.mark.parametrize(
    "line",
    [
        "description: Notes on {title}",
        "description: 'Notes on {title}'",
        'description: "Notes on {title}"',
        "description: >-\n  Notes on {title}",
        "description: [Notes on {title}]",
    ],
)
def test_yaml_placeholder_inside_a_value_gives_the_title_text(
    run, tmp_path: Path, title: str, line: str
) -> None:
    """`description: Notes on {title}` with `Issue #42` was written `Notes on 'Issue #42'`,
    which reads as "Notes on 'Issue" (` #42'` a comment): the inserted text must be text of
    the scalar it sits in, escaped for its style or the scalar written again double-quoted."""
    site = hugo_site(tmp_path)
    template = write(tmp_path / "t.md", f"---\ntitle: {{title}}\n{line}\n---\n")
    path = created(run("new", title, "--slug", "p", "--template", template, cwd=site), site)
    post = load_post(path, "hugo")
    assert post.title == title
    notes = post.get("description")
    assert (notes[0] if isinstance(notes, list) else notes) == f"Notes on {title}"
    listed = json.loads(run("list", "-f", "json", site).stdout)
    assert listed[0]["front_matter"]["description"] == notes


@pytest.mark.parametrize("title", ["Plain", "it's", 'say "hi"', "back\\slash", "tab\there"])
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('description = "Notes on {title}"', "Notes on {}"),
        ("description = 'Notes on {title}'", "Notes on {}"),
        ('description = """\nNotes on {title}\n"""', "Notes on {}\n"),
        ("description = '''\nNotes on {title}'''", "Notes on {}"),
        ('description = ["x {title}", {title}]', ["x {}", "{}"]),
        ("description = 'He said \"{title}\"'", 'He said "{}"'),
    ],
)
def test_toml_placeholder_inside_a_string_gives_the_title_text(
    run, tmp_path: Path, title: str, line: str, expected: object
) -> None:
    """`description = "Notes on {title}"` was written `"Notes on 'Plain'"`."""
    site = hugo_site(tmp_path)
    template = write(tmp_path / "t.md", f'+++\ntitle = "{{title}}"\n{line}\n+++\n')
    path = created(run("new", title, "--slug", "p", "--template", template, cwd=site), site)
    post = load_post(path, "hugo")
    assert post.title == title
    if isinstance(expected, list):
        assert post.get("description") == [e.format(title) for e in expected]
    else:
        assert post.get("description") == expected.format(title)


def test_json_placeholder_inside_a_string_gives_the_title_text(run, tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    template = write(
        tmp_path / "t.md", '{\n  "title": "{title}",\n  "description": "On {title}"\n}\n'
    )
    title = 'say "hi" \\ #1'
    post = load_post(
        created(run("new", title, "--slug", "p", "--template", template, cwd=site), site), "hugo"
    )
    assert (post.title, post.get("description")) == (title, f"On {title}")


def test_placeholder_keeps_the_strings_own_style_when_it_can(run, tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    template = write(
        tmp_path / "t.md",
        "---\ntitle: {title}\nplain: Notes on {title}  # kept\nsingle: 'It''s {title}'\n"
        'double: "On {title}"\n# about {title}\nlink: see /{slug}/ too\n---\n',
    )
    path = created(
        run("new", "Issue 42: it's", "--slug", "p", "--template", template, cwd=site), site
    )
    # `plain` cannot hold `: ` unquoted, so it is written again double-quoted; the others keep
    # their style.
    assert path.read_text() == (
        "---\ntitle: 'Issue 42: it''s'\nplain: \"Notes on Issue 42: it's\"  # kept\n"
        "single: 'It''s Issue 42: it''s'\ndouble: \"On Issue 42: it's\"\n"
        "# about Issue 42: it's\nlink: see /p/ too\n"
        "date: 2026-02-05T03:33:48+01:00\ndraft: true\n---\n"
    )


def test_placeholder_a_block_scalar_cannot_hold_is_refused(run, tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    template = write(tmp_path / "t.md", "---\ntitle: x\nnotes: |\n  On {title}\n---\n")
    result = run("new", "Two\nlines", "--slug", "p", "--template", template, cwd=site)
    assert result.exit_code == 2
    assert "t.md:3" in result.stderr and "block scalar" in result.stderr
    assert not (site / "content" / "posts").exists()


def test_new_post_that_reads_back_another_value_is_refused(tmp_path: Path) -> None:
    """The last check before writing compares every value, not just that the file parses."""
    site = find_site(hugo_site(tmp_path))
    path = tmp_path / "content" / "posts" / "p.md"
    content = b"---\ntitle: T\ndescription: Notes on 'Issue #42'\n---\n"
    wanted = {"title": "T", "description": "Notes on 'Issue #42'"}
    with pytest.raises(create.CreateError, match="'description' does not read back"):
        create._check_reads_back(site, path, content, wanted, "yaml")
    create._check_reads_back(
        site, path, content, wanted | {"description": "Notes on 'Issue"}, "yaml"
    )
    with pytest.raises(create.CreateError, match="keys do not read back"):
        create._check_reads_back(site, path, content, {"title": "T"}, "yaml")


# -- hostile titles and existing files -------------------------------------------------------------


@pytest.mark.parametrize("title", ["🎉", "!!!", "   ", "---"])
def test_title_without_a_slug_asks_for_one(run, tmp_path: Path, title: str) -> None:
    site = jekyll_site(tmp_path)
    result = run("new", "--", title, cwd=site)
    assert result.exit_code == 2
    assert "--slug" in result.stderr or "empty" in result.stderr
    assert list((site / "_posts").iterdir()) == []
    if title == "🎉":
        path = created(run("new", title, "--slug", "party", cwd=site), site)
        assert load_post(path, "jekyll").title == "🎉"


@pytest.mark.parametrize("title", ["../../x", "/etc/passwd", "..\\..\\x", "a/../../b"])
@pytest.mark.parametrize("make", [jekyll_site, hugo_site, plain_site])
def test_path_in_title_stays_in_the_posts_folder(run, tmp_path: Path, title: str, make) -> None:
    site = make(tmp_path / "site")
    path = created(run("new", title, cwd=site), site)
    folder = {"jekyll": site / "_posts", "hugo": site / "content" / "posts", "plain": site}
    kind = find_site(site, explicit=True).kind
    assert path.parent == folder[kind]
    assert site_post(site, path).title == title
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.parametrize("title", ["CON", "nul", "Com1", "LPT9"])
def test_reserved_device_names_exit_2(run, tmp_path: Path, title: str) -> None:
    site = hugo_site(tmp_path)
    result = run("new", title, cwd=site)
    assert result.exit_code == 2
    assert "reserved" in result.stderr
    assert not (site / "content" / "posts").exists()


def test_300_character_cjk_title(run, tmp_path: Path) -> None:
    title = "静かな湖畔の森の影から" * 27 + "もう起きちゃいかがとカッコウ"[:3]
    assert len(title) == 300
    site = jekyll_site(tmp_path)
    path = created(run("new", title, cwd=site), site)
    slug = path.name[len("2026-02-05-") : -len(".md")]
    assert 0 < len(slug) <= create.DEFAULT_SLUG_MAX_LENGTH
    assert slug.isascii() and not slug.endswith("-")
    assert load_post(path, "jekyll").title == title


def test_slug_length_is_configurable(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    write(site / "postctl.toml", "[new]\nslug_max_length = 12\n")
    path = created(run("new", "A rather long title for a post", cwd=site), site)
    assert path.name == "2026-02-05-a-rather.md"


def test_existing_target_exits_1_and_keeps_the_file(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    existing = write(site / "_posts/2026-02-05-taken.md", b"---\ntitle: Mine\n---\nkeep me\r\n")
    result = run("new", "Taken", cwd=site)
    assert result.exit_code == 1
    assert "postctl: error: _posts/2026-02-05-taken.md: already exists" in result.stderr
    assert "--slug" in result.stderr
    assert existing.read_bytes() == b"---\ntitle: Mine\n---\nkeep me\r\n"
    assert [p.name for p in (site / "_posts").iterdir()] == ["2026-02-05-taken.md"]
    result = run("new", "Taken", "--dry-run", cwd=site)
    assert result.exit_code == 1
    assert "already exists" in result.stderr
    created(run("new", "Taken", "--slug", "taken-again", cwd=site), site)


def test_existing_draft_exits_1(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    write(site / "_drafts/idea.md", "x")
    result = run("new", "Idea", "--draft", cwd=site)
    assert result.exit_code == 1
    assert (site / "_drafts/idea.md").read_text() == "x"


def test_hugo_page_bundle_of_the_same_name_exits_1(run, tmp_path: Path) -> None:
    """`posts/photo-walk.md` beside the bundle `posts/photo-walk/index.md` is the same page
    (`hugo new content` refuses it: "the target path conflicts with existing content")."""
    site = hugo_site(tmp_path / "hugo")
    write(site / "content/posts/photo-walk/index.md", "---\ntitle: Photo walk\n---\n")
    result = run("new", "Photo walk", "--site", site)
    assert result.exit_code == 1, result.stdout
    assert "content/posts/photo-walk: already exists" in result.stderr
    assert "--slug" in result.stderr
    assert not (site / "content/posts/photo-walk.md").exists()


def test_hugo_post_of_the_same_name_refuses_a_new_bundle(run, tmp_path: Path) -> None:
    site = hugo_site(tmp_path, "title = 'Test'\n")
    write(site / "postctl.toml", '[new]\npath = "{slug}/index.md"\n')
    write(site / "content/posts/Photo-Walk.markdown", "---\ntitle: Photo walk\n---\n")
    write(site / "content/posts/branch/_index.md", "---\ntitle: Branch\n---\n")
    write(site / "content/posts/images/a.png", b"png")  # a folder without a page: no bundle
    assert run("new", "Photo walk", "--site", site).exit_code == 1
    assert run("new", "Branch", "--site", site).exit_code == 1
    created(run("new", "Images", "--site", site), site)


@pytest.mark.parametrize("existing", ["hello.en.md", "Hello.EN.markdown", "hello/index.en.md"])
def test_hugo_default_language_file_of_the_same_page_exits_1(
    run, tmp_path: Path, existing: str
) -> None:
    """Hugo gives a file without a language code the default language (`en` unless
    `defaultContentLanguage` says otherwise), so `hello.md` beside `hello.en.md` (or the
    bundle `hello/index.en.md`) is the same page /posts/hello/
    (https://gohugo.io/content-management/multilingual/#translation-by-file-name)."""
    site = hugo_site(tmp_path)
    write(site / "content" / "posts" / existing, "+++\ntitle = 'Hello'\n+++\n")
    result = run("new", "Hello", "--site", site)
    assert result.exit_code == 1, result.stdout
    assert "already exists" in result.stderr
    assert not (site / "content/posts/hello.md").exists()


def test_hugo_other_language_file_is_a_translation_not_the_same_page(run, tmp_path: Path) -> None:
    """Only the default language's code is left out: `hello.fr.md` is the French page, and
    with `defaultContentLanguage = "fr"` it is `hello.en.md` that is another page."""
    site = hugo_site(tmp_path / "en")
    write(site / "content/posts/hello.fr.md", "+++\ntitle = 'Bonjour'\n+++\n")
    created(run("new", "Hello", "--site", site), site)
    site = hugo_site(tmp_path / "fr", "defaultContentLanguage = 'fr'\n")
    write(site / "content/posts/hello.en.md", "+++\ntitle = 'Hello'\n+++\n")
    created(run("new", "Hello", "--site", site), site)
    write(site / "content/posts/other.fr.md", "+++\ntitle = 'Autre'\n+++\n")
    assert run("new", "Other", "--site", site).exit_code == 1


def test_a_name_that_differs_only_in_case_exits_1(run, tmp_path: Path) -> None:
    """Hugo lower-cases URLs, and a clone on macOS or Windows cannot hold both files."""
    site = hugo_site(tmp_path / "hugo")
    write(site / "content/posts/Tide-Tables.md", "---\ntitle: Tide tables\n---\n")
    result = run("new", "Tide tables", "--site", site)
    assert result.exit_code == 1, result.stdout
    assert "Tide-Tables.md: already exists, the same post as tide-tables.md" in result.stderr
    assert not (site / "content/posts/tide-tables.md").exists()


def test_the_same_jekyll_post_with_another_extension_exits_1(run, tmp_path: Path) -> None:
    """Both would be /2026/02/05/hello.html: Jekyll warns "Conflict: The following destination
    is shared by multiple files"."""
    site = jekyll_site(tmp_path / "blog")
    write(site / "_posts" / "2026-02-05-hello.markdown", "---\ntitle: Hello\n---\n")
    write(site / "_posts" / "2026-02-05-other.txt", "not a post")
    result = run("new", "Hello", "--site", site)
    assert result.exit_code == 1, result.stdout
    assert "--slug" in result.stderr
    assert not (site / "_posts" / "2026-02-05-hello.md").exists()
    created(run("new", "Other", "--site", site), site)  # .txt is no post extension
    assert run("new", "Hello", "--site", site, "--date", "2026-02-06").exit_code == 0


def test_write_new_file_never_replaces(tmp_path: Path) -> None:
    target = write(tmp_path / "a.md", "old")
    with pytest.raises(create.CreateError) as error:
        create.write_new_file(target, b"new")
    assert error.value.exit_code == create.EXISTS
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]  # no temporary file left


def test_new_file_mode_follows_the_umask(tmp_path: Path) -> None:
    import os

    old = os.umask(0o022)
    try:
        create.write_new_file(tmp_path / "m.md", b"x")
    finally:
        os.umask(old)
    assert (tmp_path / "m.md").stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize(
    "title",
    [
        'Colon: "quotes" and \'single\'', "# not a comment", "- not a list", "yes", "1.5",
        "null", "Tab\there", "Line\nbreak", "Escape \x1b[31m red", "{braces} [brackets]",
        "& * ! | > %", "\ufeffBOM", "NEL\x85 and \u2028",
    ],
)  # fmt: skip
@pytest.mark.parametrize("fmt", ["yaml", "toml", "json"])
def test_any_title_reads_back(run, tmp_path: Path, title: str, fmt: str) -> None:
    site = hugo_site(tmp_path)
    result = run("new", "--format", fmt, "--slug", "t", "--", title, cwd=site)
    post = load_post(created(result, site), "hugo")
    assert post.title == title


# -- slugs -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Hello, World!", "hello-world"),
        ("影師嗎", "ying-shi-ma"),
        ("Ärger über Öl", "arger-uber-ol"),
        ("C'est déjà l'été", "c-est-deja-l-ete"),
        ("Tom &amp; Jerry", "tom-amp-jerry"),
        ("ﬁne print", "fine-print"),
        ("Straße", "strasse"),
    ],
)
def test_slugs_are_pinned(title: str, slug: str) -> None:
    assert create.make_slug(title) == slug


def test_slug_does_not_depend_on_the_installed_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    titles = ["影師嗎", "Ärger über Öl", "Привет, мир", "ελληνικά", "🎉 party"]
    before = [create.make_slug(t) for t in titles]
    # python-slugify prefers Unidecode when it is importable: install one that disagrees.
    fake = types.ModuleType("unidecode")
    fake.unidecode = lambda text: "DIFFERENT"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "unidecode", fake)
    assert [create.make_slug(t) for t in titles] == before


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=st.text(min_size=1, max_size=120))
def test_any_title_plans_a_post_inside_the_folder_or_refuses(tmp_path: Path, title: str) -> None:
    for kind_site in ("jekyll", "hugo"):
        root = tmp_path / kind_site
        if not root.exists():
            (jekyll_site if kind_site == "jekyll" else hugo_site)(root)
        site = find_site(root, explicit=True)
        try:
            planned = create.plan_new_post(site, create.NewPostOptions(title=title), NOW)
        except create.CreateError as e:
            assert e.exit_code == 2
            assert "slug" in e.message or "title is empty" in e.message
            continue
        folder = planned.folder.resolve()
        assert planned.path.resolve().parent == folder
        slug = planned.path.stem.removeprefix("2026-02-05-")
        assert slug and len(slug) <= create.DEFAULT_SLUG_MAX_LENGTH
        from postctl.model import parse_post

        assert parse_post(planned.path, planned.content, site.kind).title == title


def test_template_keys_from_other_layers_and_flags_use_the_editor(run, tmp_path: Path) -> None:
    site = jekyll_site(
        tmp_path,
        "jekyll_compose:\n  default_front_matter:\n    posts:\n      author: Maya\n",
    )
    template = write(
        tmp_path / "post.md",
        "---\n# my template\ntitle: {title}\ntags: []  # fill me\nlayout: 'wide'\n---\n{title}\n",
    )
    result = run("new", "Hello", "--template", template, "-t", "a", "-t", "b", cwd=site)
    path = created(result, site)
    assert path.read_text() == (
        "---\n# my template\ntitle: Hello\ntags: [a, b]  # fill me\nlayout: 'wide'\n"
        "date: 2026-02-05 03:33:48 +0100\ncategories: []\nauthor: Maya\n---\nHello\n"
    )
    post = load_post(path, "jekyll")
    assert (post.title, post.tags, post.date, post.author) == ("Hello", ["a", "b"], NOW, "Maya")


def test_set_on_hugo_replaces_a_key_spelled_in_another_case(run, tmp_path: Path) -> None:
    """Hugo reads keys case-insensitively: `--set Draft=true` sets the default `draft` rather
    than add a second key (lint's PC102), under the spelling already there."""
    site = hugo_site(tmp_path / "hugo")
    result = run("new", "Capital", "--set", "Draft=false", "--set", "TITLE=Other", "--site", site)
    assert result.exit_code == 0, result.stderr
    post = load_post(site / "content/posts/capital.md", "hugo")
    assert list(post.data) == ["title", "date", "draft"]
    assert (post.data["draft"], post.data["title"]) == (False, "Other")
    lint = run("lint", site / "content/posts/capital.md")
    assert "PC102" not in lint.stdout, lint.stdout


def test_set_on_hugo_with_a_template_writes_a_key_once(run, tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    template = write(tmp_path / "t.md", "+++\ntitle = '{title}'\n+++\n")
    path = created(run("new", "T", "--template", template, "--set", "Draft=false", cwd=site), site)
    assert load_post(path, "hugo").data == {"title": "T", "date": NOW, "draft": False}


def test_set_on_jekyll_keeps_keys_that_differ_in_case(run, tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    path = created(run("new", "Cased", "--set", "Layout=wide", cwd=site), site)
    data = load_post(path, "jekyll").data
    assert (data["layout"], data["Layout"]) == ("post", "wide")


def test_template_hugo_date_and_draft_added(run, tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    template = write(tmp_path / "t.md", "+++\ntitle = '{title}'\n\n[params]\n  x = 1\n+++\n")
    path = created(run("new", "It's here", "--template", template, "--draft", cwd=site), site)
    post = load_post(path, "hugo")
    assert (post.title, post.date, post.draft) == ("It's here", NOW, True)
    assert post.get("params") == {"x": 1}
    assert path.read_text().endswith("\n[params]\n  x = 1\n+++\n")


def test_new_posts_pass_lint(run, tmp_path: Path) -> None:
    """The issue's bar: new skeletons pass `postctl lint` with the default rules (warnings such
    as empty `tags: []` are allowed; errors are not). Skips until the lint command exists."""
    from postctl.cli import app

    if "lint" not in {c.name for c in app.registered_commands}:
        pytest.skip("postctl lint is not part of this build yet")
    for make in (jekyll_site, hugo_site, plain_site):
        site = make(tmp_path / make.__name__)
        for args in (["Post one", "-t", "a"], ["Draft one", "--draft"], ["J", "--format", "json"]):
            if make is jekyll_site and "json" in args:
                continue
            created(run("new", *args, cwd=site), site)
        result = run("lint", cwd=site)
        assert result.exit_code == 0, result.stdout + result.stderr


# -- arguments that are not UTF-8 --------------------------------------------------------------
# A byte that is not UTF-8 on the command line (a Latin-1 terminal's `é`) reaches Python as a lone
# surrogate (os.fsdecode's surrogateescape): "caf\udce9". Each is a one-line usage error naming
# the argument, never a traceback (`run` lets one through) nor an "internal error".
NOT_UTF8 = "caf\udce9"


def test_slug_not_utf8_is_a_usage_error_naming_the_option(run, tmp_path: Path) -> None:
    result = run("new", "X", "--slug", NOT_UTF8, "--dry-run", cwd=jekyll_site(tmp_path))
    assert result.exit_code == 2
    assert "--slug" in result.stderr and "UTF-8" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_set_value_not_utf8_is_a_usage_error_naming_the_option(run, tmp_path: Path) -> None:
    result = run("new", "X", "--set", f"key={NOT_UTF8}", "--dry-run", cwd=jekyll_site(tmp_path))
    assert result.exit_code == 2
    assert "--set" in result.stderr and "key=" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "named"),
    [
        ((NOT_UTF8,), "title"),
        (("X", "-t", NOT_UTF8), "--tag"),
        (("X", "-c", NOT_UTF8), "--category"),
        (("X", "--author", NOT_UTF8), "--author"),
        (("X", "--excerpt", NOT_UTF8), "--excerpt"),
    ],
)
def test_text_not_utf8_is_a_usage_error_not_an_internal_error(
    run, tmp_path: Path, args: tuple[str, ...], named: str
) -> None:
    result = run("new", *args, "--dry-run", cwd=jekyll_site(tmp_path))
    assert result.exit_code == 2
    assert "internal error" not in result.stderr
    assert f"error: {named} " in result.stderr, result.stderr


# -- a machine in local mean time (found in review) ---------------------------------------


@pytest.fixture
def machine_in_tokyo(monkeypatch: pytest.MonkeyPatch):
    """The machine's local zone is Asia/Tokyo (local mean time, +09:18:59, before 1888)."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _created(result, root: Path) -> Path:
    assert result.exit_code == 0, result.stderr
    path = root / result.stdout.strip()
    assert path.is_file()
    return path


@pytest.mark.parametrize("kind", ["jekyll", "plain"])
def test_new_in_local_mean_time_writes_the_day_its_file_is_named_by(
    run, tmp_path: Path, machine_in_tokyo, kind: str
) -> None:
    """On a site without `timezone` (Jekyll, or a plain site whose file names carry the date),
    `new --date 1887-01-01T00:10` on a machine in Asia/Tokyo (+09:18:59 then) names the file
    by the local day, 1887-01-01, but `PostDate.spelled` now writes the instant in UTC,
    `1886-12-31 14:51:01 +0000`: a date on another day. postctl's own `list` then shows
    1886-12-31 and its `lint` reports PC302 (date and file name disagree) on the post it has
    just made; Jekyll built on any machine not in that zone dates it 1886-12-31 as well.
    Right: the file name's day, the written date's day, `list` and lint agree (name the file
    by the day the date is written in, or write a date on the file name's day)."""
    root = tmp_path / "blog"
    if kind == "jekyll":
        write(root / "_config.yml", "title: T\n")
        (root / "_posts").mkdir()
    else:
        write(root / "2024-01-01-first.md", "---\ntitle: First\ndate: 2024-01-01\n---\n")
    path = _created(run("new", "Old", "--date", "1887-01-01T00:10", cwd=root), root)
    day = path.name[:10]
    assert day == "1887-01-01"
    lint = run("lint", root, "--select", "PC3", "--format", "text", cwd=root)
    assert "PC302" not in lint.stdout, lint.stdout
    listed = run("list", "--columns", "date,title", cwd=root).stdout
    [line] = [line for line in listed.splitlines() if line.rstrip().endswith("Old")]
    assert line.startswith(day), listed


def test_publish_in_local_mean_time_writes_the_day_its_file_is_named_by(
    run, tmp_path: Path, machine_in_tokyo
) -> None:
    """As above, for `publish --date` of a Jekyll draft on a site without `timezone`: the post
    is named `_posts/1887-01-01-draft.md` and dated `1886-12-31 ...`, which lint reports as
    PC302 and `list` shows on 1886-12-31."""
    root = tmp_path / "blog"
    write(root / "_config.yml", "title: T\n")
    write(root / "_drafts" / "draft.md", "---\ntitle: Draft\n---\n")
    result = run("publish", root / "_drafts" / "draft.md", "--date", "1887-01-01T00:10", cwd=root)
    assert result.exit_code == 0, result.stderr
    assert (root / "_posts" / "1887-01-01-draft.md").is_file()
    lint = run("lint", root, "--select", "PC3", "--format", "text", cwd=root)
    assert "PC302" not in lint.stdout, lint.stdout
    listed = run("list", "--columns", "date,title", cwd=root).stdout
    assert "1887-01-01" in listed, listed


@pytest.mark.parametrize("command", ["new", "publish"])
def test_a_local_mean_time_date_in_year_one_is_no_traceback(
    run, tmp_path: Path, command: str
) -> None:
    """`PostDate.spelled` converts a date whose offset has seconds to UTC; 0001-01-01 05:00 in
    Asia/Tokyo's local mean time (+09:18:59) is in year 0 in UTC, and `astimezone` raises
    OverflowError: `new` and `publish` end in a traceback (before today `new` stopped with a
    one-line error). Right: a one-line `postctl: error: ...` and exit 2 (or a date that
    generators read, and exit 0), never a traceback."""
    root = tmp_path / "blog"
    write(root / "_config.yml", "title: T\ntimezone: Asia/Tokyo\n")
    (root / "_posts").mkdir()
    write(root / "_drafts" / "draft.md", "---\ntitle: Draft\n---\n")
    if command == "new":
        args = ["new", "Year one", "--date", "0001-01-01T05:00"]
    else:
        args = ["publish", root / "_drafts" / "draft.md", "--date", "0001-01-01T05:00"]
    result = run(*args, cwd=root)  # (raises OverflowError today)
    assert result.exit_code in (0, 2)
    if result.exit_code == 2:
        assert result.stderr.startswith("postctl: error:")
        assert result.stderr.count("\n") == 1
