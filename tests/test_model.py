"""The post model: formats, delimiters, byte spans, errors and the generators' normalization."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import frontmatter
import pytest
from conftest import write

from postctl import model
from postctl.model import PostError, load_post, parse_date, parse_post

SEED = """---
layout: post
title: "US critical minerals plan"
date: 2026-02-05T03:33:48
author: Maya Okafor
categories: [Technology]
tags: []
excerpt: "A plan."
image: /assets/img/minerals.jpg
---

Body with Â£ and a rule:

---

end
"""


def parse(text: str | bytes, kind: model.SiteKind = "plain", name: str = "post.md"):
    data = text.encode() if isinstance(text, str) else text
    return parse_post(Path(name), data, kind)


# -- formats and delimiters -----------------------------------------------------------------------


def test_yaml_front_matter_spans_and_fields():
    post = parse(SEED, "jekyll", "2026-02-05-us-critical-minerals-plan.md")
    data = SEED.encode()
    assert post.format == "yaml"
    assert data[post.fm_start : post.fm_end].decode() == post.raw
    assert post.raw.startswith("layout: post\n") and post.raw.endswith("minerals.jpg\n")
    assert data[post.body_start :].startswith(b"\nBody with")
    assert post.fm_line == 2
    assert post.key_positions["title"] == (3, 1)
    assert post.key_positions["image"] == (9, 1)
    assert post.title == "US critical minerals plan"
    assert post.date == datetime(2026, 2, 5, 3, 33, 48)
    assert not post.parsed_date.has_zone
    assert post.tags == [] and post.categories == ["Technology"]
    assert post.authors == ["Maya Okafor"] and post.image == "/assets/img/minerals.jpg"
    assert post.slug == "us-critical-minerals-plan"


def test_horizontal_rule_in_body_does_not_end_front_matter():
    post = parse("---\ntitle: a\n---\nbody\n---\nmore: x\n---\n")
    assert post.data == {"title": "a"}


def test_yaml_closed_by_dots_as_in_jekyll():
    post = parse("---\ntitle: dots\n...\nbody\n")
    assert post.close_delimiter == "..." and post.data == {"title": "dots"}


def test_delimiter_lines_may_have_trailing_spaces():
    post = parse("---  \ntitle: a\n---\t\nbody")
    assert post.data == {"title": "a"}


def test_closing_delimiter_must_be_a_line_of_its_own():
    with pytest.raises(PostError) as info:
        parse("---\ntitle: a\n--- not a closer\n")
    assert info.value.code == model.UNCLOSED


def test_bom_is_skipped_and_remembered():
    post = parse(b"\xef\xbb\xbf---\ntitle: bom\n---\nbody\n")
    assert post.bom and post.data == {"title": "bom"} and post.fm_start == 7


def test_crlf_is_detected_and_spans_cover_exact_bytes():
    data = b"---\r\ntitle: crlf\r\ntags: [a, b]\r\n---\r\nbody\r\n"
    post = parse(data)
    assert post.newline == "\r\n"
    assert post.tags == ["a", "b"]
    assert data[post.body_start :] == b"body\r\n"


def test_empty_front_matter():
    post = parse("---\n---\nbody")
    assert post.format == "yaml" and post.data == {}


def test_no_front_matter_is_a_post_without_one():
    post = parse("# Just markdown\n\ntext\n")
    assert post.format is None and not post.has_front_matter and post.data == {}


def test_empty_file():
    post = parse(b"")
    assert post.format is None and post.body_start == 0


def test_toml_front_matter():
    text = (
        '+++\ntitle = "T"\ndate = 2024-01-02T03:04:05Z\ntags = ["a b", "c"]\n'
        "[params]\nx = 1\n+++\nbody"
    )
    post = parse(text, "hugo")
    assert post.format == "toml"
    assert post.date == datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert post.tags == ["a b", "c"]
    assert post.key_positions["tags"] == (4, 1)
    assert post.key_positions["params"] == (5, 1)


def test_toml_syntax_error_has_file_line():
    with pytest.raises(PostError) as info:
        parse('+++\ntitle = "T"\ntags = [\n+++\n')
    assert info.value.code == model.SYNTAX_ERROR and info.value.line is not None
    assert info.value.message.startswith("TOML:")


def test_json_front_matter_with_nested_brace_at_column_zero():
    text = '{\n  "title": "J",\n  "params": {\n"x": 1\n}\n}\nbody {not json}\n'
    post = parse(text, "hugo")
    assert post.format == "json" and post.data["params"] == {"x": 1}
    assert text.encode()[post.body_start :] == b"body {not json}\n"
    assert post.key_positions["params"] == (3, 3)


def test_json_duplicate_key_and_nan():
    post = parse('{"title": "a", "title": "b"}\n')
    assert post.duplicate_keys == [("title", 1, 16)]
    with pytest.raises(PostError) as info:
        parse('{"title": NaN}\n')
    assert "NaN" in info.value.message


def test_python_frontmatter_can_use_our_handlers():
    loaded = frontmatter.loads("\ufeff---\ntitle: x\n...\nbody", handler=model.YAML)
    assert loaded["title"] == "x" and loaded.content == "body"
    loaded = frontmatter.loads('+++\ntitle = "t"\n+++\nb', handler=model.TOML)
    assert loaded["title"] == "t"


# -- errors ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("---\ntitle: a\n", model.UNCLOSED, 1),
        ("---\ntitle: Part 1: Intro\n---\n", model.SYNTAX_ERROR, 2),
        ("---\n- a\n- b\n---\n", model.NOT_A_MAPPING, 2),
        ("---\njust a string\n---\n", model.NOT_A_MAPPING, 2),
        ("---\nx: !!python/object/apply:os.system ['true']\n---\n", model.UNSAFE, 2),
        ("---\na: &x [*x]\n---\n", model.UNSAFE, 2),
    ],
)
def test_errors_carry_code_and_line(text, code, line):
    with pytest.raises(PostError) as info:
        parse(text)
    assert info.value.code == code
    assert info.value.line == line
    assert str(info.value).startswith(f"post.md:{line}")


def test_alias_bomb_is_refused_quickly():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    with pytest.raises(PostError) as info:
        parse("---\n" + "\n".join(lines) + "\n---\n")
    assert "alias" in info.value.message


@pytest.mark.parametrize("depth", [600, 10_000, 200_000])
def test_deep_nesting_is_refused_before_parsing(depth):
    with pytest.raises(PostError) as info:
        parse("---\na: " + "[" * depth + "]" * depth + "\n---\n")
    assert info.value.code == model.UNSAFE


def test_deep_block_nesting_is_refused():
    text = "".join(" " * i + f"k{i}:\n" for i in range(300))
    with pytest.raises(PostError):
        parse("---\n" + text + "---\n")


def test_invalid_utf8_in_front_matter_points_at_the_byte():
    with pytest.raises(PostError) as info:
        parse(b"---\ntitle: caf\xe9\n---\n")
    assert info.value.code == model.ENCODING_ERROR
    assert (info.value.line, info.value.col) == (2, 11)


def test_invalid_utf8_in_body_is_reported_lazily(tmp_path):
    path = write(tmp_path / "p.md", b"---\ntitle: ok\n---\n\ncaf\xe9\n")
    post = load_post(path)
    assert post.title == "ok"
    with pytest.raises(PostError) as info:
        _ = post.body
    assert info.value.line == 5


def test_utf16_is_refused_with_advice():
    with pytest.raises(PostError) as info:
        parse("---\ntitle: x\n---\n".encode("utf-16"))
    assert "UTF-16" in info.value.message


def test_binary_file_is_refused():
    with pytest.raises(PostError) as info:
        parse(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "binary" in info.value.message


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(PostError) as info:
        load_post(tmp_path / "nope.md")
    assert info.value.code == model.READ_ERROR
    (tmp_path / "x.md").mkdir()
    with pytest.raises(PostError):
        load_post(tmp_path / "x.md")


def test_front_matter_past_the_head_is_read(tmp_path):
    big = "---\n" + "".join(f"k{i}: {'v' * 60}\n" for i in range(2000)) + "title: late\n---\nb\n"
    post = load_post(write(tmp_path / "p.md", big))
    assert post.title == "late" and len(post.data) == 2001


# -- YAML reading details --------------------------------------------------------------------------


def test_keys_stay_as_written():
    post = parse("---\nyes: 1\n1: a\n2020-01-01: d\ncontent: c\nhandler: h\n---\n")
    assert post.data == {"yes": 1, "1": "a", "2020-01-01": "d", "content": "c", "handler": "h"}


def test_yaml_merge_keys():
    post = parse("---\nbase: &b {layout: post}\n<<: *b\ntitle: t\n---\n")
    assert post.data == {"base": {"layout": "post"}, "layout": "post", "title": "t"}
    assert post.duplicate_keys == []


def test_impossible_timestamp_stays_a_string():
    post = parse("---\ndate: 2020-02-30\n---\n")
    assert post.data["date"] == "2020-02-30" and post.date is None


def test_yaml_value_key_equals_sign():
    assert parse("---\nop: =\n---\n").data == {"op": "="}


def test_duplicate_yaml_keys_are_recorded():
    post = parse("---\ntitle: a\nx: 1\ntitle: b\n---\n")
    assert post.data["title"] == "b"
    assert post.duplicate_keys == [("title", 4, 1)]


# -- normalization ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("front", "kind", "tags"),
    [
        ("tags: [a, b]", "jekyll", ["a", "b"]),
        ("tags: a b", "jekyll", ["a", "b"]),  # Jekyll splits a string on whitespace
        ("tags: a b", "hugo", ["a b"]),  # Hugo takes it as one term
        ("tag: a b\ntags: [c]", "jekyll", ["a b"]),  # the singular key wins, whole
        ("tags: [2020, true, null]", "jekyll", ["2020", "true"]),
        ("tags:", "jekyll", []),
        ("Tags: [x]", "hugo", ["x"]),  # Hugo keys are case-insensitive
        ("tags: [[a, b], c]", "jekyll", ["a", "b", "c"]),
    ],
)
def test_tags(front, kind, tags):
    assert parse(f"---\n{front}\n---\n", kind).tags == tags


@pytest.mark.parametrize(
    ("front", "kind", "series"),
    [
        # Jekyll splits a string only under tags/categories (Utils.pluralized_array_from_hash):
        # a custom field keeps it whole, as every other generator does.
        ("series: Deep Dive", "jekyll", ["Deep Dive"]),
        ("series: [Deep Dive, Intro]", "jekyll", ["Deep Dive", "Intro"]),
        ("series: 2020", "jekyll", ["2020"]),
        ("series: Deep Dive", "hugo", ["Deep Dive"]),
        ("series:", "jekyll", []),
    ],
)
def test_a_custom_field_takes_a_string_whole(front, kind, series):
    post = parse(f"---\n{front}\n---\n", kind)
    assert post.terms("series") == series


@pytest.mark.parametrize(
    ("kind", "key", "splits"),
    [
        ("jekyll", "tags", True),
        ("jekyll", "categories", True),
        ("jekyll", "tag", False),
        ("jekyll", "category", False),
        ("jekyll", "series", False),
        ("jekyll", "Tags", False),  # Jekyll's keys are case-sensitive
        ("hugo", "tags", False),
        ("plain", "tags", False),
    ],
)
def test_only_jekyll_tags_and_categories_split_a_string(kind, key, splits):
    assert model.splits_terms(kind, key) is splits
    assert (model.key_terms(kind, key, "a b") == ["a", "b"]) is splits


def test_jekyll_categories_from_path_and_singular(tmp_path):
    write(tmp_path / "_config.yml", "title: t\n")
    path = write(tmp_path / "news" / "_posts" / "2020-01-02-x.md", "---\ncategory: Big News\n---\n")
    from postctl.site import find_site

    post = find_site(tmp_path).load(path)
    # Jekyll 4.3 puts the folders above _posts first (Document#populate_categories).
    assert post.categories == ["news", "Big News"]


@pytest.mark.parametrize(
    ("front", "kind", "drafts_folder", "draft"),
    [
        ("published: false", "jekyll", False, True),
        ("published: true", "jekyll", False, False),
        ("title: x", "jekyll", True, True),
        ("draft: true", "jekyll", False, False),  # Jekyll ignores `draft`
        ("draft: true", "hugo", False, True),
        ("draft: 'true'", "hugo", False, True),  # cast.ToBool
        ("draft: false", "hugo", False, False),
        ("published: false", "plain", False, True),
    ],
)
def test_draft(front, kind, drafts_folder, draft):
    data = f"---\n{front}\n---\n".encode()
    post = parse_post(Path("p.md"), data, kind, drafts_folder=drafts_folder)
    assert post.draft is draft


def test_date_from_jekyll_file_name_and_front_matter_wins():
    post = parse("---\ntitle: x\n---\n", "jekyll", "2013-09-14-x.md")
    assert post.date == datetime(2013, 9, 14) and post.date_source == "file name"
    post = parse("---\ndate: 2014-01-01\n---\n", "jekyll", "2013-09-14-x.md")
    assert post.date == datetime(2014, 1, 1) and post.date_source == "front matter"


@pytest.mark.parametrize(
    ("written", "dated", "as_written"),
    [
        # A YAML timestamp without an offset is UTC to Jekyll (SafeYAML), then in the zone.
        ("2024-06-30 23:30:00", "2024-07-01T08:30:00+09:00", "2024-06-30T23:30:00"),
        # Text without an offset (quoted, or without seconds) is read in the site's zone.
        ("'2024-06-30 23:30:00'", "2024-06-30T23:30:00+09:00", "2024-06-30T23:30:00"),
        ("2024-06-30 23:30", "2024-06-30T23:30:00+09:00", "2024-06-30T23:30:00"),
        # An offset is converted to the zone.
        ("2024-06-30 20:00:00 -0500", "2024-07-01T10:00:00+09:00", "2024-06-30T20:00:00-05:00"),
        # A date alone is its midnight in the zone (Time.parse("2024-06-30").localtime).
        ("2024-06-30", "2024-06-30T00:00:00+09:00", "2024-06-30T00:00:00"),
    ],
)
def test_jekyll_date_in_the_sites_timezone(written, dated, as_written):
    from zoneinfo import ZoneInfo

    text = f"---\ndate: {written}\n---\n"
    post = parse_post(
        Path("2024-06-30-x.md"), text.encode(), "jekyll", time_zone=ZoneInfo("Asia/Tokyo")
    )
    assert post.parsed_date.value.isoformat() == post.date_text == dated
    assert post.written_date.value.isoformat() == as_written
    assert post.parsed_date.has_zone is post.written_date.has_zone  # as the writer spelled it
    without = parse_post(Path("2024-06-30-x.md"), text.encode(), "jekyll")
    assert without.parsed_date is without.written_date
    assert without.date_text == as_written


def test_jekyll_file_name_date_is_midnight_in_the_sites_timezone():
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Asia/Tokyo")
    post = parse_post(Path("2024-06-30-x.md"), b"---\ntitle: x\n---\n", "jekyll", time_zone=zone)
    assert post.date_text == "2024-06-30T00:00:00+09:00"
    assert post.parsed_date.has_time is False
    assert post.date_order == "2024-06-29T15:00:00"


def test_jekyll_title_from_file_name():
    assert parse("---\nx: 1\n---\n", "jekyll", "2013-09-14-hello-big-world.md").title == (
        "Hello Big World"
    )


def test_hugo_bundle_slug():
    assert parse("---\n---\n", "hugo", "content/posts/walk/index.md").slug == "walk"


def test_authors():
    assert parse("---\nauthor: {name: A, email: a@x}\nauthors: [B, A]\n---\n").authors == ["A", "B"]


@pytest.mark.parametrize(
    ("value", "expected", "has_time", "has_zone"),
    [
        (
            "2013-09-14 20:46:50 -0400",
            datetime(2013, 9, 14, 20, 46, 50, tzinfo=timezone(-timedelta(hours=4))),
            True,
            True,
        ),
        ("2026-02-05T03:33:48", datetime(2026, 2, 5, 3, 33, 48), True, False),
        ("2026-02-05", datetime(2026, 2, 5), False, False),
        ("2026-02-05T03:33:48Z", datetime(2026, 2, 5, 3, 33, 48, tzinfo=timezone.utc), True, True),
        (
            "2026-02-05 03:33:48.123 +05:30",
            datetime(
                2026, 2, 5, 3, 33, 48, 123000, tzinfo=timezone(timedelta(hours=5, minutes=30))
            ),
            True,
            True,
        ),
    ],
)
def test_parse_date(value, expected, has_time, has_zone):
    parsed = parse_date(value)
    assert parsed is not None
    assert (parsed.value, parsed.has_time, parsed.has_zone) == (expected, has_time, has_zone)


@pytest.mark.parametrize("value", ["2020-02-30", "yesterday", "2023-01-29 18:30:22 2023 -0800", 5])
def test_parse_date_rejects(value):
    assert parse_date(value) is None


def test_sort_key_mixes_zones():
    a = parse_date("2020-01-01T10:00:00+02:00")
    b = parse_date("2020-01-01T09:00:00")
    assert a.sort_key < b.sort_key


def test_keep_body_gives_the_same_body_and_errors(tmp_path):
    path = tmp_path / "a.md"
    write(path, "\ufeff---\r\ntitle: x\r\n---\r\nBody £\r\nmore\r\n")
    kept = load_post(path, keep_body=True)
    assert "_body" in kept.__dict__  # not read again from disk
    assert kept.body == load_post(path).body == "Body £\r\nmore\r\n"
    write(path, b"---\ntitle: x\n---\nok\nbad \xff\n")
    for post in (load_post(path, keep_body=True), load_post(path)):
        with pytest.raises(PostError) as info:
            post.body  # noqa: B018
        assert (info.value.code, info.value.line) == (model.ENCODING_ERROR, 5)


def test_short_reads_still_read_the_whole_post(tmp_path, monkeypatch):
    """os.read may return fewer bytes than asked for (a pipe-like file system, a signal)."""
    path = write(tmp_path / "p.md", "---\ntitle: Short reads\ntags: [a, b]\n---\n" + "body\n" * 50)
    expected = model.load_post(path)
    real_read = os.read
    monkeypatch.setattr(model.os, "read", lambda fd, n: real_read(fd, min(n, 7)))
    post = model.load_post(path)
    assert (post.raw, post.data, post.body) == (expected.raw, expected.data, expected.body)
    monkeypatch.setattr(model, "HEAD_SIZE", 16)  # the front matter ends after the head
    assert model.load_post(path).data == expected.data


def test_a_large_file_without_front_matter_is_judged_by_its_head(tmp_path, monkeypatch):
    """A load reads the first FIRST_READ bytes, then up to HEAD_SIZE, and the rest only for
    front matter that runs on past them: a large file without any is never read whole."""
    path = write(tmp_path / "big.md", "no front matter\n" + "text\n" * 200_000)
    read: list[int] = []
    real_read = os.read
    monkeypatch.setattr(model.os, "read", lambda fd, n: read.append(n) or real_read(fd, n))
    post = model.load_post(path)
    assert post.format is None and sum(read) <= model.HEAD_SIZE


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("hugo", "\n" * 70_000 + "---\ntitle: T\n---\nb\n"),  # Hugo skips them
        ("jekyll", "---" + " " * 70_000 + "\ntitle: T\n---\nb\n"),
    ],
)
def test_an_opening_line_past_the_head_still_opens_front_matter(tmp_path, kind, text):
    """A head that may yet open front matter (only line breaks and spaces, or an opening
    delimiter whose line has not ended) is read on, as a whole read would be."""
    post = model.load_post(write(tmp_path / "p.md", text), kind)
    assert (post.format, post.data) == ("yaml", {"title": "T"})


def test_a_file_grown_since_fstat_is_read_on(tmp_path, monkeypatch):
    """A first read that fills its buffer may have left more, whatever fstat said (the file
    grew in between, an editor still writing it): the front matter past it is still found."""
    text = "---\n" + "".join(f"k{i}: {'v' * 60}\n" for i in range(60)) + "title: late\n---\n"
    path = write(tmp_path / "p.md", text)
    real_fstat = os.fstat

    def fstat_before_growing(fd):  # the size the file had when it was still 1,000 bytes
        st = real_fstat(fd)
        return os.stat_result((st.st_mode, *st[1:6], 1000, *st[7:]))

    monkeypatch.setattr(model.os, "fstat", fstat_before_growing)
    assert len(text) > model.FIRST_READ
    post = model.load_post(path)
    assert post.title == "late" and len(post.data) == 61


def test_a_small_post_is_read_in_one_read(tmp_path, monkeypatch):
    """The read that would only find the end of the file is skipped once fstat's size is in."""
    path = write(tmp_path / "p.md", "---\ntitle: One read\n---\nbody\n")
    reads = []
    real_read = os.read
    monkeypatch.setattr(model.os, "read", lambda fd, n: reads.append(n) or real_read(fd, n))
    assert model.load_post(path, keep_body=True).body == "body\n"
    assert len(reads) == 1


def test_a_path_string_loads_the_file_its_path_names(tmp_path):
    """A path string is opened as given, except where the Path made of it names the file
    otherwise (a trailing separator): the post is the same either way."""
    path = write(tmp_path / "post.md", "---\ntitle: T\n---\n")
    for given in (str(path), str(path) + os.sep, str(path) + "/.", str(tmp_path) + "//post.md"):
        post = load_post(given)
        assert (post.path, post.title) == (path, "T")
    with pytest.raises(PostError) as info:
        load_post("")
    assert info.value.message == "not a regular file"
    with pytest.raises(PostError) as info:
        load_post(str(path) + "\x00")
    assert (info.value.message, info.value.code) == ("no file name holds a NUL byte", "PC001")
