"""A Jekyll site's `timezone`, read as the C library reads the TZ that Jekyll puts it in
(Site.time_zone)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import write

from postctl.model import Post, parse_post
from postctl.site import collect, find_site, iter_posts, load_posts
from postctl.timezones import tz_zone

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

    def dates(**options) -> list[str | None]:
        site = find_site(root)
        files = collect(site)
        posts = [p.date_text for p in load_posts(site, files, **options)]
        summaries = [s.date_text for s in iter_posts(site, files, summaries=True, **options)]
        assert posts == summaries
        return posts

    expected = [f"2024-07-01T0{1 + i}:30:00+05:30" for i in range(4)]
    assert dates(cache=False) == dates() == dates() == expected
    monkeypatch.setattr("postctl.site.PARALLEL_THRESHOLD", 2)
    assert dates(jobs=2, cache=False) == dates(jobs=2) == expected


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
