"""The post reader's shortcuts give exactly what the long way gives: the closing line found with
bytes.find, the remembered values of recurring YAML lines, a date's sort text cut from its
ISO text, and a post's path kept as the string it was loaded from."""

from __future__ import annotations

import os
import pickle
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path, PurePath

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from postctl import model
from postctl.model import JSON, TOML, YAML, ParsedDate, Post, load_post, parse_post

# Lines that close, nearly close or do not close front matter, in either line ending.
LINE = st.sampled_from(
    ["---", "...", "+++", "--- x", "----", "...x", "... ", "---\t", " ---", "-- -", "a: b", ""]
)


@settings(max_examples=400, deadline=None)
@given(
    lines=st.lists(LINE, max_size=8),
    ending=st.sampled_from(["\n", "\r\n"]),
    trailing=st.booleans(),
    handler=st.sampled_from([YAML, TOML]),
    hugo=st.booleans(),
)
def test_the_closing_line_is_the_one_a_search_finds(lines, ending, trailing, handler, hugo):
    opener = handler.open_text + ending
    content = (opener + ending.join(lines) + (ending if trailing else "")).encode()
    pattern = handler._hugo_close if hugo else handler._close
    expected = pattern.search(content, len(opener))
    found = handler._closing_line(content, len(opener), hugo)
    assert (found and found.span()) == (expected and expected.span())


def test_a_front_matter_without_a_line_break_has_no_closing_line():
    assert YAML._closing_line(b"---", 3, True) is None
    assert YAML._closing_line(b"--- ", 4, False) is None


FLAT_YAML = (
    "title: Hello\ndate: 2024-01-02\nauthor: Ada\ncategories: [Guides, Notes]\n"
    "tags:\n  - python\n  - go\ndraft: false\n"
)


def test_posts_with_the_same_lines_get_values_of_their_own():
    first = parse_post(Path("a.md"), f"---\n{FLAT_YAML}---\n".encode(), "hugo")
    second = parse_post(Path("b.md"), f"---\n{FLAT_YAML}---\n".encode(), "hugo")
    assert first.data == second.data
    first.data["categories"].append("changed")
    first.data["tags"].append("changed")
    assert second.data["categories"] == ["Guides", "Notes"]
    assert second.data["tags"] == ["python", "go"]


def test_remembered_values_are_what_a_first_reading_gives(monkeypatch):
    """With room for only a few values (so they are dropped and typed again), every post reads
    as it does with nothing remembered."""
    texts = [
        f"title: Post {i}\ndraft: {['false', 'true', 'no'][i % 3]}\n"
        f"categories: [{['a', 'b, c', '1'][i % 3]}]\ntags:\n  - {['x', '2', 'null'][i % 3]}\n"
        for i in range(40)
    ]
    monkeypatch.setattr(model, "_VALUES_KEPT", 3)
    for kind in ("jekyll", "hugo"):
        model._VALUES.clear()
        fresh = [model._parse_simple_yaml(t, 2, kind) for t in texts]
        again = [model._parse_simple_yaml(t, 2, kind) for t in texts]
        assert fresh == again
        for text, answer in zip(texts, again):
            model._VALUES.clear()
            assert model._parse_simple_yaml(text, 2, kind) == answer


def test_a_flow_list_and_a_list_item_with_the_same_text_differ():
    """`k: [a, b]` is a list; `- [a, b]` is beyond the fast reader, remembered or not."""
    assert model._parse_simple_yaml("k: [a, b]\n", 2, "hugo")[0]["k"] == ["a", "b"]
    assert model._parse_simple_yaml("k:\n  - [a, b]\n", 2, "hugo") is None


ZONES = st.one_of(
    st.none(),
    st.just(timezone.utc),
    st.integers(-23 * 60, 23 * 60).map(lambda m: timezone(timedelta(minutes=m))),
)


@settings(max_examples=300, deadline=None)
@given(
    value=st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    zone=ZONES,
)
def test_a_date_s_sort_text_is_its_sort_key_s_iso_text(value, zone):
    post = Post(path=Path("p.md"), kind="plain")
    parsed = ParsedDate(value.replace(tzinfo=zone), True, zone is not None)
    post.__dict__["parsed_date"] = parsed
    assert post.date_text == parsed.value.isoformat()
    assert post.date_order == parsed.sort_key.isoformat()


@pytest.mark.parametrize("handler", [YAML, TOML, JSON])
def test_every_handler_still_reads_an_example(handler):
    text = {
        "yaml": "---\ntitle: A\n---\nbody\n",
        "toml": '+++\ntitle = "A"\n+++\nbody\n',
        "json": '{"title": "A"}\nbody\n',
    }[handler.name]
    post = parse_post(Path("p.md"), text.encode(), "hugo")
    assert (post.format, post.title, post.body_start) == (handler.name, "A", len(text) - 5)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["", "/", "a", "b.md", "//", "x y"]), max_size=5).map("".join))
def test_split_path_is_os_path_split(path: str) -> None:
    assert model.split_path(path) == os.path.split(path)


NAME_PART = st.sampled_from(["index", "_index", ".", "..", "a", "md", "2024-01-02-", "x y", "é"])


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="pathlib's stem changed in 3.14")
@settings(max_examples=300, deadline=None)
@given(st.lists(NAME_PART, min_size=1, max_size=5).map("".join))
def test_stem_is_pathlib_stem(name: str) -> None:
    assume(name not in (".", ".."))  # (no file's name)
    assert model._stem(name) == PurePath(name).stem


@settings(max_examples=100, deadline=None)
@given(
    folder=st.sampled_from(["posts", "_posts", "my bundle", "2024"]),
    name=st.lists(NAME_PART, min_size=1, max_size=4).map("".join),
    kind=st.sampled_from(["hugo", "jekyll", "plain"]),
)
def test_a_post_loaded_from_a_path_string_is_the_post_loaded_from_its_path(
    tmp_path_factory, folder: str, name: str, kind: str
) -> None:
    """A path string is kept as given (`Post.path_text`) and made a Path only when asked
    for: every view of the post is what the Post loaded from the Path gives."""
    assume(name not in (".", ".."))
    base = tmp_path_factory.mktemp("lazy") / folder
    base.mkdir()
    path = base / (name + ".md")
    path.write_text("---\ntitle: T\ntags: [a]\n---\nbody\n")
    from_text = load_post(str(path), kind)
    copy = pickle.loads(pickle.dumps(from_text))  # (as a worker sends a post back)
    assert from_text.path_text == str(path)
    from_path = load_post(path, kind)
    views = ("slug", "file_slug", "title", "date_text", "tags", "draft")
    assert [getattr(from_text, v) for v in views] == [getattr(from_path, v) for v in views]
    if "/." not in str(path):  # (a part starting with a dot gets its Path at once)
        assert from_text._path == str(path)  # (no Path made yet)
    assert (copy.path, copy.path_text, copy.slug) == (path, str(path), from_path.slug)
    assert from_text.path == path and isinstance(from_text.path, Path)
    assert from_text.path_text == str(path)


def loaded_fields(path: Path, kind: str) -> tuple[object, ...]:
    try:
        post = load_post(path, kind)
    except model.PostError as e:
        return ("error", e.message, e.line, e.col, e.code)
    return (
        post.format,
        post.bom,
        post.newline,
        post.open_delimiter,
        post.close_delimiter,
        post.fm_start,
        post.fm_end,
        post.body_start,
        post.fm_line,
        post.raw,
        post.data,
        post.size,
    )


@settings(max_examples=300, deadline=None)
@given(
    start=st.sampled_from(["", "\ufeff", "\n  ", '{"title": "é"}', '{"a": {', "\x00"]),
    opener=st.sampled_from(["---", "+++", "--- ", ""]),
    lines=st.lists(st.one_of(LINE, st.sampled_from(["title: é", "x = 1", "}"])), max_size=8),
    ending=st.sampled_from(["\n", "\r\n"]),
    trailing=st.booleans(),
    kind=st.sampled_from(["hugo", "jekyll"]),
    first_read=st.integers(1, 80),
)
def test_a_post_read_from_its_head_first_is_the_post_read_whole(
    tmp_path_factory, start, opener, lines, ending, trailing, kind, first_read
):
    """A load reads the first FIRST_READ bytes, and the rest only when they do not settle
    where the front matter ends (or that there is none): wherever that first read stops (in an
    opening or closing line, between a carriage return and its line feed, in a JSON object),
    the post is the one a whole read gives."""
    text = start + (opener + ending if opener else "") + ending.join(lines)
    path = tmp_path_factory.mktemp("head") / "post.md"
    path.write_bytes((text + (ending if trailing else "") + "body\n").encode())
    whole = loaded_fields(path, kind)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(model, "FIRST_READ", first_read)
        assert loaded_fields(path, kind) == whole


@pytest.mark.skipif(os.altsep is not None, reason="POSIX path spellings")
@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "/", ".", "..", "b.md", "//", "index.md"]), max_size=6))
def test_a_post_path_kept_as_text_is_the_text_of_its_path(parts: list[str]) -> None:
    """A Post keeps a path string only when it is its Path's text, so `path_text` (what
    summaries, lint's facts and records show) is `str(post.path)` before and after the Path
    is made: `a//b`, `./a` or `a/./index.md` become Paths at once."""
    text = "".join(parts)
    post = Post(path=text)
    assert post.path_text == str(Path(text))
    assert post.path == Path(text) and post.path_text == str(Path(text))


def test_a_post_loaded_from_a_path_spelled_otherwise_is_the_post_at_its_path(tmp_path):
    """`./`, `/./` and doubled separators in a path string: the post's path, slug and record
    are those of its Path (a record written for a worker's post reads back as it)."""
    bundle = tmp_path / "content" / "post" / "bundle"
    bundle.mkdir(parents=True)
    (bundle / "index.md").write_text("---\ntitle: T\n---\n")
    for text in (
        f"{bundle}/./index.md",
        f"{bundle}//index.md",
        f"{tmp_path}/./content/post/bundle/index.md",
    ):
        post = load_post(text, "hugo")
        assert (post.path_text, post.slug) == (str(bundle / "index.md"), "bundle")
        assert Post.from_json(post.to_json(), Path(text)).path == bundle / "index.md"
