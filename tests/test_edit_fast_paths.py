"""The editor's fast paths give exactly what the general ones give. The line scan of flat YAML
front matter (`edit._simple_yaml_doc`) gives the spans of the composed node tree
(`edit._composed_yaml_doc`), or declines (None): generated front matter mixes what the scan reads
with near misses it must leave to the composer. The alignment of a rename in place
(`edit._align`) is difflib's."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from postctl import edit
from postctl.model import PostError, load_post, parse_post

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

KEYS = ["title", "tags", "categories", "date", "draft", "a-b", "_x", "true", "null", "Tags", "k"]
WORDS = ["a", "python", "two words", "é", "日本", "c++", "1.5", "2024-01-02", "yes", "~", "x\xa0y"]
# Values and lines the scan must decline or read right: escapes, unclosed quotes, text after a
# closing quote, a colon, a hash, a leading indicator, keys it does not read.
BROKEN_SCALARS = ['"esc\\"aped"', "'open", '"open', "'a' b", '"a"#c', "[a", "{a: b}"]
ODD_LINES = ["key :x", "k:v", "'q': 1", "? k", "<<: *a", "- top"]
ODD_PLAIN = ["a: b", "a:", "a #b", "a#b", "-x", "&a x", "*a", "!t x", "|", ">", "? x", "%x", "@x"]


def quoted(draw: st.DrawFn, word: str) -> str:
    style = draw(st.sampled_from(["'", '"']))
    if style == "'":
        return "'" + word.replace("'", "''") + "'"
    return '"' + word + '"'


@st.composite
def scalar(draw: st.DrawFn) -> str:
    choice = draw(st.integers(0, 19))
    word = draw(st.sampled_from([*WORDS, "it's", 'say "hi"', "a, b", "[x]", "a\\b"]))
    if choice < 9:
        return word
    if choice < 17:
        return quoted(draw, word)
    if choice < 19:
        return draw(st.sampled_from(ODD_PLAIN))
    return draw(st.sampled_from(BROKEN_SCALARS))


@st.composite
def flow_list(draw: st.DrawFn) -> str:
    items = draw(st.lists(st.sampled_from([*WORDS, "'it''s'", '"a, b"', '"q"', "a:b", "[n]"])))
    gap = draw(st.sampled_from([", ", ",", " , ", ",  "]))
    inner = gap.join(items)
    pad = draw(st.sampled_from(["", " "]))
    tail = draw(st.sampled_from(["", "", ",", " ] x"]))
    return f"[{pad}{inner}{tail}{pad}]"


@st.composite
def front_matter(draw: st.DrawFn) -> str:
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.integers(0, 14))
        key = draw(st.sampled_from(KEYS))
        sep = ":" + draw(st.sampled_from([" ", "  ", " "]))
        comment = draw(st.sampled_from(["", "", " # note", "  #x", "#no"]))
        trailing = draw(st.sampled_from(["", "", "  "]))
        if kind < 5:
            lines.append(f"{key}{sep}{draw(scalar())}{comment}{trailing}")
        elif kind < 7:
            lines.append(f"{key}{sep}{draw(flow_list())}{trailing}")
        elif kind < 10:
            lines.append(f"{key}:{draw(st.sampled_from(['', ' ', ' # list']))}")
            indent = draw(st.sampled_from(["", "  ", "    "]))
            for _ in range(draw(st.integers(0, 4))):
                line = draw(st.integers(0, 14))
                if line < 11:
                    item = draw(scalar()) + draw(st.sampled_from(["", " # c"]))
                    lines.append(f"{indent}-{draw(st.sampled_from([' ', '  ']))}{item}")
                elif line < 13:
                    lines.append(draw(st.sampled_from(["", "   ", "# c", "  # c", "      # deep"])))
                elif line == 13:
                    lines.append(indent + draw(st.sampled_from(["-", "- ", "-x", "- # c"])))
                elif draw(st.booleans()):
                    lines.append(indent + "  continued")
                else:
                    lines.append(draw(st.sampled_from([" - odd", "\t- tab", "  nested: 1"])))
        elif kind < 13:
            lines.append(draw(st.sampled_from(["", "  ", "# comment", "   # indented", "#"])))
        elif kind == 13:
            lines.append(f"{key}{sep}{draw(scalar())}")
            lines.append(draw(st.sampled_from(["  more text", "more: [x]", "\tt: 1", " # c"])))
        else:
            lines.append(draw(st.sampled_from(ODD_LINES)))
    text = nl.join(lines)
    if lines and draw(st.booleans()):
        text += nl
    return text


def check_same_doc(post) -> bool:
    """Whether the scan read the front matter (it then must agree with the composer)."""
    fast = edit._simple_yaml_doc(post.raw)
    if fast is None:
        return False
    try:
        composed = edit._composed_yaml_doc(post)
    except edit._ScanError as e:  # the scan must not read what the composer refuses
        pytest.fail(f"scan read {post.raw!r}; the composer refuses it: {e}")
    assert fast == composed, post.raw
    return True


@SETTINGS
@given(text=front_matter(), kind=st.sampled_from(["jekyll", "hugo"]))
def test_scan_gives_the_composed_spans(text: str, kind: str) -> None:
    try:
        post = parse_post(Path("p.md"), f"---\n{text}\n---\nbody\n".encode(), kind)
    except PostError:
        assume(False)  # never edited: a post that does not load is never written
        return
    event("scanned" if check_same_doc(post) else "composed")


@pytest.mark.parametrize(
    "text",
    [
        'title: "Hi"\ndate: 2024-01-01\ntags:\n  - a\n  - \'b\'\ncategories: [x, "y z"]\n',
        "tags:\r\n- a # c\r\n\r\n# gap\r\n- b\r\ndraft: false\r\n",
        "# only a comment\n",
        "",
        "title: é 日本 x\xa0y\ntags: []\nempty:\nlast: v  # c",
    ],
)
def test_scan_reads_flat_front_matter(text: str) -> None:
    post = parse_post(Path("p.md"), f"---\n{text}\n---\n".encode(), "hugo")
    assert check_same_doc(post)


@pytest.mark.parametrize(
    "text",
    [
        "a: b\n  c\n",  # a plain value over two lines
        "t: 'a\n  b'\n",  # a quoted one
        't: "a\\"b"\n',  # an escape
        "tags:\n  - a\n  - [b]\n",  # a nested list
        "tags: [a,]\n",  # a trailing comma
        "m:\n  k: v\n",  # a mapping
        "t: &a x\nu: *a\n",  # an anchor and an alias
        "t:\tx\n",  # a tab
        "t: a\rb: c\n",  # a lone CR
        "t: x\u2028y\n",  # a Unicode line separator
    ],
)
def test_scan_leaves_the_rest_to_the_composer(text: str) -> None:
    assert edit._simple_yaml_doc(text) is None


def test_scan_agrees_with_the_composer_on_real_posts(corpora: Path) -> None:
    scanned = 0
    for path in sorted(corpora.rglob("*")):
        if path.suffix not in (".md", ".markdown", ".html") or not path.is_file():
            continue
        for kind in ("jekyll", "hugo"):
            try:
                post = load_post(path, kind)
            except PostError:
                continue
            if post.format == "yaml":
                scanned += check_same_doc(post)
    assert scanned > 1000  # most real front matter is flat


TERMS = st.sampled_from(["a", "b", "c", "d", "e", ("not a string", 0), ("not a string", 1)])


@settings(max_examples=300, deadline=None)
@given(old=st.lists(TERMS, max_size=7), data=st.data())
def test_alignment_of_a_rename_in_place_is_difflibs(old: list, data: st.DataObject) -> None:
    words = st.sampled_from(["a", "b", "c", "d", "e", "x", "y"])
    new = [data.draw(st.one_of(st.just(t), words)) if isinstance(t, str) else "z" for t in old]
    if data.draw(st.booleans()):
        new = data.draw(st.lists(words, max_size=7))  # any other change
    assert edit._align(old, new) == edit._align_by_difflib(old, new)
