"""A Jekyll site's `timezone`, read as the C library reads the TZ that Jekyll puts it in
(Site.time_zone), and lint's PC306 for settings that do not set the zone they seem to."""

from __future__ import annotations

import json
import zoneinfo
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import post_dates, write

from postctl.lint import lint_site
from postctl.model import Post, parse_post
from postctl.site import find_site
from postctl.timezones import tz_zone

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=timezone.utc)
WINTER = datetime(2024, 1, 1, tzinfo=timezone.utc)
SUMMER = datetime(2024, 7, 1, tzinfo=timezone.utc)
POST = "---\ntitle: A\ndate: 2024-06-30 23:30:00\n---\nBody.\n"


def jekyll_site(root: Path, config: str, posts: dict[str, str] | None = None) -> Path:
    write(root / "_config.yml", config)
    for name, text in (posts or {"_posts/2024-06-30-a.md": POST}).items():
        write(root / name, text)
    return root


def offsets(root: Path) -> tuple[str, str | None, str | None]:
    """The site's zone as named, and its UTC offsets in January and July 2024."""
    zone = find_site(root).time_zone
    if zone is None:
        return "None", None, None
    return (
        str(zone),
        WINTER.astimezone(zone).strftime("%z"),
        SUMMER.astimezone(zone).strftime("%z"),
    )


def test_time_zone_is_what_the_c_library_makes_of_the_setting(tmp_path):
    """Each offset as `TZ=... date` prints it with glibc 2.36: a zone name is that zone, a
    POSIX rule without daylight saving its fixed offset, hours west of Greenwich; what glibc
    reads as neither is UTC. A rule with daylight saving that is no zone name is UTC too (a
    known gap: glibc follows it)."""
    cases = {
        "JST-9": ("JST-9", "+0900", "+0900"),
        "UTC+9": ("UTC+9", "-0900", "-0900"),  # (9 hours behind, however it reads)
        "'<+09>-9'": ("<+09>-9", "+0900", "+0900"),
        "JST9": ("JST9", "-0900", "-0900"),  # (no sign: west)
        "JST-09:30": ("JST-09:30", "+0930", "+0930"),
        "':JST-9'": (":JST-9", "+0900", "+0900"),  # (glibc drops a leading colon)
        "Asia/Tokyo": ("Asia/Tokyo", "+0900", "+0900"),
        "':Asia/Tokyo'": ("Asia/Tokyo", "+0900", "+0900"),
        "EST5EDT": ("EST5EDT", "-0500", "-0400"),  # (a zone name too: the zone file wins)
        "Etc/GMT-9": ("Etc/GMT-9", "+0900", "+0900"),
        "America/NewYork": ("UTC", "+0000", "+0000"),
        "'+09:00'": ("UTC", "+0000", "+0000"),
        "''": ("UTC", "+0000", "+0000"),  # (Ruby's "" is true: TZ="" is UTC)
        "' Asia/Tokyo'": ("UTC", "+0000", "+0000"),
        "Asia//Tokyo": ("Asia/Tokyo", "+0900", "+0900"),  # (glibc: a path below TZDIR)
        "./Asia/Tokyo": ("Asia/Tokyo", "+0900", "+0900"),
        "Asia/Tokyo/": ("UTC", "+0000", "+0000"),  # (a folder's name: no zone file)
        "JST": ("UTC", "+0000", "+0000"),
        "CET-1CEST,M3.5.0,M10.5.0/3": ("UTC", "+0000", "+0000"),  # (glibc: +0100, +0200)
        "9": ("None", None, None),  # (not text: Jekyll stops at it)
        "false": ("None", None, None),  # (not set)
    }
    found = {}
    for i, setting in enumerate(cases):
        root = jekyll_site(tmp_path / str(i), f"title: T\ntimezone: {setting}\n")
        found[setting] = offsets(root)
    assert found == cases


def test_list_dates_posts_in_a_posix_rules_zone_through_the_caches(run, tmp_path):
    """`date: 2024-06-30 23:30:00` (UTC to Jekyll) is 2024-07-01 08:30 on a `timezone: JST-9`
    site, as Jekyll dates it; `UTC+9` makes it 2024-06-30 14:30. The parse cache is dropped
    when the zone changes, from one fixed offset to another."""
    root = jekyll_site(tmp_path / "blog", "title: T\ntimezone: JST-9\n")

    def dates() -> list[str]:
        result = run("list", root, "-f", "json")
        assert result.exit_code == 0, result.stderr
        return [row["date"] for row in json.loads(result.stdout)]

    assert dates() == dates() == ["2024-07-01T08:30:00+09:00"]
    assert run("list", root).stdout.splitlines()[1].startswith("2024-07-01 08:30 ")
    write(root / "_config.yml", "title: T\ntimezone: UTC+9\n")
    assert dates() == dates() == ["2024-06-30T14:30:00-09:00"]


def test_whole_posts_keep_a_fixed_offset_zone_cached_and_from_workers(tmp_path, monkeypatch):
    """Whole posts (records of the parse cache, also sent back by worker processes) name
    their zone, and a POSIX rule's fixed offset is made again from its name."""
    root = tmp_path / "blog"
    write(root / "_config.yml", "timezone: <+0530>-5:30\n")
    for i in range(4):
        write(root / f"_posts/2024-07-0{i + 1}-p{i}.md", f"---\ndate: 2024-06-30 2{i}:00:00\n---\n")

    expected = [f"2024-07-01T0{1 + i}:30:00+05:30" for i in range(4)]
    assert post_dates(root, cache=False) == post_dates(root) == post_dates(root) == expected
    monkeypatch.setattr("postctl.site.PARALLEL_THRESHOLD", 2)
    assert post_dates(root, jobs=2, cache=False) == post_dates(root, jobs=2) == expected


def test_a_fixed_offset_is_recorded_by_the_name_it_is_read_from():
    """Post.to_dict names the zone; a datetime.timezone that is no POSIX rule's reading
    cannot be named (its own name, `UTC+09:00`, reads as -09:00)."""
    zone = tz_zone("JST-9")
    post = parse_post(Path("2024-06-30-x.md"), POST.encode(), "jekyll", time_zone=zone)
    again = Post.from_dict(post.to_dict())
    assert again.time_zone == zone and str(again.time_zone) == "JST-9"
    assert again.date_text == "2024-07-01T08:30:00+09:00"
    odd = parse_post(Path("x.md"), POST.encode(), "jekyll", time_zone=timezone(timedelta(hours=9)))
    with pytest.raises(TypeError):
        odd.to_dict()


# -- PC306 ---------------------------------------------------------------------------------------


def pc306(root: Path, **options) -> list[tuple[str, int | None, int | None, str]]:
    report = lint_site(find_site(root), select=["PC306"], now=NOW, **options)
    return [(f.path.name, f.line, f.col, f.message) for f in report.findings]


def test_pc306_reports_a_timezone_that_does_not_set_the_zone_it_seems_to(tmp_path):
    cases = {
        # Neither a zone name nor a POSIX rule: UTC to the C library.
        "America/NewYork": "timezone 'America/NewYork' is neither a zone name nor a POSIX rule"
        " the C library reads, so Jekyll dates posts in UTC: did you mean 'America/New_York'?",
        "'+09:00'": "timezone '+09:00' is neither a zone name nor a POSIX rule the C library"
        " reads, so Jekyll dates posts in UTC: for +09:00 write 'Etc/GMT-9' or the zone's"
        " Area/City name",
        "'-05:30'": "timezone '-05:30' is neither a zone name nor a POSIX rule the C library"
        " reads, so Jekyll dates posts in UTC: for -05:30 write the zone's Area/City name",
        "JST": "timezone 'JST' is neither a zone name nor a POSIX rule the C library reads, so"
        " Jekyll dates posts in UTC: write a zone name such as 'Asia/Tokyo' ('Etc/GMT-9' for a"
        " fixed +09:00)",
        # POSIX rules named UTC or GMT, whose sign reads backwards.
        "UTC+9": "timezone 'UTC+9' is a POSIX rule for -09:00, behind UTC: POSIX counts hours"
        " west of Greenwich; for +09:00 write 'Etc/GMT-9' or the zone's Area/City name",
        "GMT-5": "timezone 'GMT-5' is a POSIX rule for +05:00, ahead of UTC: POSIX counts hours"
        " west of Greenwich; for -05:00 write 'Etc/GMT+5' or the zone's Area/City name",
        "GMT+09:00": "timezone 'GMT+09:00' is a POSIX rule for -09:00, behind UTC: POSIX counts"
        " hours west of Greenwich; for +09:00 write 'Etc/GMT-9' or the zone's Area/City name",
        "utc+5:30": "timezone 'utc+5:30' is a POSIX rule for -05:30, behind UTC: POSIX counts"
        " hours west of Greenwich; for +05:30 write the zone's Area/City name",
        # Not text: Ruby's ENV["TZ"] = 9 raises TypeError.
        "9": "timezone 9 is not text, and Jekyll stops at it: Ruby's ENV takes strings only"
        " (TypeError); write a zone name such as 'Asia/Tokyo' ('Etc/GMT-9' for a fixed +09:00)",
        "true": "timezone true is not text, and Jekyll stops at it: Ruby's ENV takes strings"
        " only (TypeError); write a zone name such as 'Asia/Tokyo' ('Etc/GMT-9' for a fixed"
        " +09:00)",
        # A rule Jekyll follows and postctl does not (see also the test after this one).
        "CET-1CEST,M3.5.0,M10.5.0/3": "timezone 'CET-1CEST,M3.5.0,M10.5.0/3' is a POSIX rule"
        " with a daylight-saving part, which Jekyll follows (the C library reads it) and"
        " postctl does not: postctl dates the posts in UTC; write the zone's Area/City name"
        " instead",
        # Nothing to say: zone names, POSIX rules named otherwise, UTC itself, not set.
        "Asia/Tokyo": None,
        "Etc/GMT-9": None,
        "EST5EDT": None,
        "JST-9": None,
        "'<+09>-9'": None,
        "UTC": None,
        "UTC0": None,
        "false": None,
        "": None,  # (null)
    }
    found = {}
    for i, setting in enumerate(cases):
        root = jekyll_site(tmp_path / str(i), f"title: T\n\ntimezone: {setting}\n")
        findings = pc306(root)
        found[setting] = findings[0][3] if findings else None
        assert findings in ([], [("_config.yml", 3, 1, found[setting])]), findings
    assert found == cases


def test_pc306_points_at_the_key_that_jekyll_reads(tmp_path):
    """YAML keeps a repeated key's last value; Jekyll also reads `_config.toml`. Jekyll alone
    puts `timezone` in TZ: Hugo's `timeZone` is Go's zone name."""
    yaml = jekyll_site(tmp_path / "yaml", "timezone: Asia/Tokyo\nurl: x\n  # c\ntimezone: UTC+9\n")
    assert [f[:3] for f in pc306(yaml)] == [("_config.yml", 4, 1)]
    toml = jekyll_site(tmp_path / "toml", "")
    (toml / "_config.yml").unlink()
    write(toml / "_config.toml", 'title = "T"\n  timezone = "UTC+9"\n[x]\ntimezone = 1\n')
    assert [f[:3] for f in pc306(toml)] == [("_config.toml", 2, 3)]
    hugo = tmp_path / "hugo"
    write(hugo / "hugo.toml", 'timeZone = "UTC+9"\n')
    write(hugo / "content/a.md", "---\ntitle: A\n---\n")
    assert pc306(hugo) == []


def test_pc306_comes_first_in_every_format_and_warns(run, tmp_path):
    """The finding on `_config.yml`, a file not linted, comes before the posts' findings, in
    its own group (not among the first post's, by line); it is a warning (exit code 0, 1 with
    --strict)."""
    root = jekyll_site(
        tmp_path / "blog",
        "title: T\nurl: https://example.org\n\n# Tokyo\ntimezone: America/NewYork\n",
        {"_posts/2024-06-30-a.md": "---\ntitle: A\ndate: 2024-06-30 10:00\n---\n"},
    )
    text = run("lint", "-f", "text", "--no-cache", cwd=root)
    assert text.exit_code == 0, text.stderr
    assert text.stdout.splitlines() == [
        "_config.yml:5:1: PC306 timezone 'America/NewYork' is neither a zone name nor a POSIX"
        " rule the C library reads, so Jekyll dates posts in UTC: did you mean"
        " 'America/New_York'? [warning]",
        "_posts/2024-06-30-a.md:3:1: PC305 date has a time but no time zone [info]",
    ]
    assert run("lint", "-f", "text", "--strict", cwd=root).exit_code == 1
    found = json.loads(run("lint", "-f", "json", cwd=root).stdout)
    assert [(f["path"], f["line"], f["code"]) for f in found] == [
        ("_config.yml", 5, "PC306"),
        ("_posts/2024-06-30-a.md", 3, "PC305"),
    ]
    github = run("lint", "-f", "github", cwd=root).stdout.splitlines()
    assert github[0].startswith("::warning file=_config.yml,line=5,col=1,title=PC306 ")
    table = run("lint", "-f", "table", cwd=root).stdout.splitlines()
    assert table[0] == "_config.yml" and "PC306" in table[1]
    assert table[3] == "_posts/2024-06-30-a.md" and "PC305" in table[4]
    assert table[-1] == "1 warning, 1 info in 2 of 2 files."
    # A site without posts: its configuration is all there is to report on.
    (root / "_posts/2024-06-30-a.md").unlink()
    for options in ((), ("--no-cache",)):
        table = run("lint", "-f", "table", *options, cwd=root).stdout.splitlines()
        assert table[0] == "_config.yml" and table[-1] == "1 warning in 1 of 1 file."


def test_pc306_through_the_lint_cache(tmp_path):
    """Warm runs (entries, then the kept whole-site result) report it as a cold run does, and
    an edit of `_config.yml` the fingerprint does not see (a line added above, another name
    that is also UTC) is seen. PC302 follows the zone from one fixed offset to another."""
    root = jekyll_site(tmp_path, "title: T\ntimezone: UTC+9\n")

    def linted() -> list[tuple[str, int | None, str]]:
        report = lint_site(find_site(root), select=["PC302", "PC306"], keep_posts=False, now=NOW)
        return [(f.path.name, f.line, f.code) for f in report.findings]

    assert linted() == linted() == linted() == [("_config.yml", 2, "PC306")]
    write(root / "_config.yml", "title: T\n# Tokyo\ntimezone: JST-9\n")
    # 23:30 UTC is 2024-07-01 in Tokyo, not the file name's 06-30.
    assert linted() == linted() == [("2024-06-30-a.md", 3, "PC302")]
    write(root / "_config.yml", "title: T\n\ntimezone: America/NewYork\n")
    assert linted() == linted() == [("_config.yml", 3, "PC306")]
    write(root / "_config.yml", "title: T\ntimezone: America/NewYork\n")
    assert linted() == linted() == [("_config.yml", 2, "PC306")]
    write(root / "_config.yml", "title: T\ntimezone: Europe/Berln\n")
    assert [f for f in pc306(root, keep_posts=False)] == [
        (
            "_config.yml",
            2,
            1,
            "timezone 'Europe/Berln' is neither a zone name nor a POSIX rule the C library"
            " reads, so Jekyll dates posts in UTC: did you mean 'Europe/Berlin'?",
        )
    ]


def test_pc306_only_when_the_config_file_is_linted_with_named_files(run, tmp_path):
    """pre-commit names the staged files: `_config.yml` among them gets its finding (and its
    PC101, as any file named), posts alone do not."""
    root = jekyll_site(tmp_path, "title: T\ntimezone: UTC+9\n")
    post = root / "_posts/2024-06-30-a.md"
    assert pc306(root) == pc306(root, keep_posts=False) != []
    site = find_site(root)
    assert lint_site(site, [post], select=["PC306"], keep_posts=False).findings == []
    assert lint_site(site, [post], select=["PC306"], cache=False).findings == []
    named = ("lint", "-f", "json", "--select", "PC306", "_posts/2024-06-30-a.md")
    for options in ((), ("--only-posts",), ("--no-cache",)):
        result = run(*named, *options, cwd=root)
        assert result.exit_code == 0 and json.loads(result.stdout) == [], result.stdout
    both = run(*named, "_config.yml", cwd=root)
    assert [(f["path"], f["line"], f["code"]) for f in json.loads(both.stdout)] == [
        ("_config.yml", 2, "PC306")
    ]


def test_lint_fix_leaves_pc306_to_the_writer(run, tmp_path):
    """`--fix` repairs the posts and leaves `_config.yml` as it was, reported."""
    config = "title: T\ntimezone: GMT-5\n"
    root = jekyll_site(
        tmp_path,
        config,
        {
            "_posts/2024-01-01-a.md": "---\ntitle: A\ntags: [Python]\n---\n",
            "_posts/2024-01-02-b.md": "---\ntitle: B\ntags: [python]\n---\n",
            "_posts/2024-01-03-c.md": "---\ntitle: C\ntags: [python]\n---\n",
        },
    )
    fixed = run("lint", "--fix", "-f", "text", cwd=root)
    assert fixed.exit_code == 0, fixed.stderr
    assert (root / "_config.yml").read_text() == config
    assert "tags: [python]" in (root / "_posts/2024-01-01-a.md").read_text()
    after = run("lint", "-f", "json", "--select", "PC306,PC503", cwd=root)
    assert [(f["path"], f["code"]) for f in json.loads(after.stdout)] == [("_config.yml", "PC306")]


def test_explain_pc306(run):
    result = run("lint", "--explain", "PC306")
    assert result.exit_code == 0
    assert result.stdout.startswith("PC306 timezone-setting (warning, site-wide)\n")
    assert "set_timezone" in result.stdout and "Etc/GMT-9" in result.stdout
    rules = run("rules").stdout.splitlines()
    assert any(line.startswith("PC306  timezone-setting") for line in rules)


def _tokyo_file() -> str:
    for folder in zoneinfo.TZPATH:
        path = Path(folder) / "Asia" / "Tokyo"
        if path.is_file():
            return str(path)
    pytest.skip("no zone file for Asia/Tokyo on this system")


def _site_with_a_late_post(root: Path, timezone: str) -> Path:
    """A Jekyll site whose one post is dated 20:00 UTC on 2024-01-01, 2024-01-02 in Tokyo."""
    write(root / "_config.yml", f"title: T\ntimezone: '{timezone}'\n")
    write(
        root / "_posts" / "2024-01-02-late.md",
        "---\ntitle: Late\ndate: 2024-01-01 20:00:00 +0000\ntags: [go]\n---\n",
    )
    return root


@pytest.mark.parametrize("colon", ["", ":"])
def test_a_timezone_naming_a_zone_file_by_its_absolute_path_is_that_zone(
    run, tmp_path: Path, colon: str
) -> None:
    """glibc reads TZ as a zone file first, and an absolute path names one (time/tzfile.c,
    __tzfile_read: a name starting with `/` is not put under TZDIR; a leading `:` is dropped
    first): `TZ=/usr/share/zoneinfo/Asia/Tokyo date -d 2024-01-01T00:00:00Z +%z` prints
    +0900, so Jekyll dates posts in Tokyo time. postctl asks zoneinfo, which refuses absolute
    keys (ValueError), takes the setting as UTC and PC306 says, wrongly, that Jekyll dates the
    posts in UTC; `list` shows the post on 2024-01-01 and lint reports a PC302 that Jekyll
    does not have. Right: the zone that file holds, no PC306, no PC302."""
    root = _site_with_a_late_post(tmp_path / "blog", colon + _tokyo_file())
    lint = run("lint", root, "--format", "text", cwd=root)
    assert "PC306" not in lint.stdout, lint.stdout
    assert "PC302" not in lint.stdout, lint.stdout
    listed = run("list", "--columns", "date,title", cwd=root).stdout
    assert "2024-01-02 05:00  Late" in listed, listed


@pytest.mark.parametrize("setting", ["JST-9 ", "JST-9x", "<+09>-9 "])
def test_a_fixed_posix_rule_followed_by_text_glibc_ignores_is_its_offset(
    run, tmp_path: Path, setting: str
) -> None:
    """glibc reads the standard time of a POSIX rule and, when what follows is neither a
    daylight-saving zone name nor a rule (time/tzset.c __tzset_parse_tz: parse_tzname and
    parse_rule fail), keeps that fixed offset all year: `TZ='JST-9 ' date -d
    2024-01-01T00:00:00Z +%z` and the same for July print +0900 (also `JST-9x`, `<+09>-9 `).
    postctl takes these as UTC (`tz_zone`: not `fixed`), silently: PC306 reports nothing,
    so `list` and lint date the posts 9 hours off from Jekyll with no word of it. (Not the
    documented gap, rules with a daylight-saving part: glibc sees none here.) Right: +09:00,
    or at least a PC306 finding saying postctl and Jekyll disagree."""
    root = _site_with_a_late_post(tmp_path / "blog", setting)
    lint = run("lint", root, "--format", "text", cwd=root)
    listed = run("list", "--columns", "date,title", cwd=root).stdout
    assert "2024-01-02 05:00  Late" in listed or "PC306" in lint.stdout, (listed, lint.stdout)


@pytest.mark.parametrize(
    ("setting", "what"),
    [
        ("CET-1CEST,M3.5.0,M10.5.0/3", "a daylight-saving part"),
        ("JST-25", "an offset of a day or more"),
    ],
)
def test_pc306_says_when_postctl_does_not_follow_a_rule_jekyll_does(
    run, tmp_path: Path, setting: str, what: str
) -> None:
    """glibc follows these rules (+01:00/+02:00; +24:00), postctl dates in UTC: PC306 says so
    rather than leave the two to disagree in silence."""
    root = _site_with_a_late_post(tmp_path / "blog", setting)
    lint = run("lint", root, "--select", "PC306", "--format", "text", cwd=root)
    assert lint.stdout.startswith("_config.yml:2:1: PC306 ")
    assert f"is a POSIX rule with {what}, which Jekyll follows" in lint.stdout
    assert "postctl dates the posts in UTC" in lint.stdout
