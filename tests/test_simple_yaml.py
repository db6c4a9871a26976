"""The fast reader of flat YAML front matter gives exactly what the full loader gives, or steps
aside (returns None) so the full loader reads it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from postctl import model
from postctl.model import YAML, Post, PostError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))


def typed(value):
    if isinstance(value, dict):
        return ("dict", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [typed(v) for v in value])
    if isinstance(value, float) and value != value:
        return ("float", "nan")
    return (type(value).__name__, repr(value), repr(getattr(value, "tzinfo", None)))


def full_parse(text: str, kind: str = "plain"):
    """The full loader's answer: (data, positions, duplicates), or the PostError."""
    post = Post(path=Path("t.md"), kind=kind, raw=text, format="yaml", fm_line=2)
    original = model._parse_simple_yaml
    model._parse_simple_yaml = lambda *args: None
    try:
        YAML.parse_into(post)
    except PostError as e:
        return e
    finally:
        model._parse_simple_yaml = original
    return post.data, post.key_positions, post.duplicate_keys


def check_same(text: str, kind: str = "plain") -> bool:
    """Assert the fast reader agrees with the full one (YAML 1.1 as Jekyll reads it, or 1.2's
    scalars as Hugo does); True when the fast reader answered."""
    fast = model._parse_simple_yaml(text, 2, kind)
    if fast is None:
        return False
    full = full_parse(text, kind)
    assert not isinstance(full, PostError), (text, full)
    assert typed(fast[0]) == typed(full[0]), text
    assert fast[1] == full[1], text
    assert fast[2] == full[2], text
    return True


KEYS = ["title", "tags", "date", "draft", "Title", "a_b", "k-1", "yes", "null", "on", "T", "x"]
SCALARS = [
    "hello",
    "Hello World",
    "true",
    "False",
    "yes",
    "no",
    "on",
    "OFF",
    "y",
    "~",
    "null",
    "Null",
    "1",
    "-1",
    "+1",
    "0o17",
    "017",
    "0x1F",
    "0b101",
    "1_000",
    "1:30",
    "190:20:30",
    "1.5",
    "1e3",
    "1.0e+3",
    ".inf",
    "-.inf",
    ".NaN",
    "2024-01-02",
    "2024-1-2",
    "2024-01-02 10:00:00",
    "2024-01-02T10:00:00+02:00",
    "2024-01-02 10:00:00 -0400",
    "2024-02-30",
    "2001-12-14t21:59:43.10-05:00",
    "2024-01-02T24:00:00",
    "2024-01-02T23:59:60+00:00",
    "2024-13-01",
    "2024-01-02T10:00:00+24:00",
    "2024-01-02T10:00:00-23:59",
    "2024-01-02T10:00:00Z",
    "=",
    "<<",
    "a: b",
    "a:b",
    "C#",
    "a #c",
    "a#b",
    "'q'",
    "'it''s'",
    "'a' #c",
    "'a'b",
    '"dq"',
    '"a\\"b"',
    '"x" # c',
    '"x"y',
    '""',
    "''",
    "[a, b]",
    "[]",
    "[ ]",
    "[a,b ]",
    "[1, 'x', \"y\", true, 2024-01-01]",
    "[a, [b]]",
    "[a, ]",
    "[a b, c]",
    "['a,b']",
    "[a] # c",
    "{a: 1}",
    "- x",
    "&a x",
    "*a",
    "!!str 1",
    "|",
    ">",
    "@x",
    "`x",
    "%x",
    "http://x.y/z?q=1#frag",
    "-x",
    "?x",
    ":x",
    "x:",
    "é ü ß",
    "😀",
    "   ",
    "a\tb",
    "a\u2028b",
    "\u00850",
    "a\x85b",
]
LINES = st.one_of(
    st.builds(lambda k, v: f"{k}: {v}", st.sampled_from(KEYS), st.sampled_from(SCALARS)),
    st.builds(lambda k: f"{k}:", st.sampled_from(KEYS)),
    st.builds(lambda v: f"  - {v}", st.sampled_from(SCALARS)),
    st.builds(lambda v: f"- {v}", st.sampled_from(SCALARS)),
    st.builds(lambda v: f"    - {v}", st.sampled_from(SCALARS)),
    st.sampled_from(
        ["# comment", "", "  # indented comment", "  nested: 1", "   ", "key:value", "-", "  -"]
    ),
    st.sampled_from(["title: a\r", "\ttitle: a", "title:  # c", "tags:   ", "? x", "--- x"]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(LINES, max_size=8), st.booleans(), st.sampled_from(["plain", "hugo"]))
def test_fast_reader_agrees_with_the_full_loader(lines, trailing_newline, kind):
    text = "\n".join(lines) + ("\n" if trailing_newline else "")
    check_same(text, kind)


@pytest.mark.parametrize("kind", ["plain", "hugo"])
@pytest.mark.parametrize("scalar", SCALARS)
def test_each_scalar(scalar, kind):
    for text in (f"k: {scalar}\n", f"k:\n  - {scalar}\n", f"k:\n- {scalar}\n", f"k: [{scalar}]\n"):
        check_same(text, kind)
    if scalar in ("yes", "on", "1:30"):  # YAML 1.1 and Hugo's 1.2 differ here
        assert model._parse_simple_yaml(f"k: {scalar}", 2, "hugo")[0]["k"] == scalar


def test_typical_front_matter_takes_the_fast_path():
    text = (
        'title: "Hello: world"\ndate: 2024-01-02T03:04:05+00:00\nauthor: Ada Lovelace\n'
        "categories: [Guides]\ntags:\n  - python\n  - go\n# SEO\nexcerpt: 'It''s short.'\n"
        "image: /img/1.jpg\ndraft: false\ntitle: again\n"
    )
    assert check_same(text)
    data, positions, duplicates = model._parse_simple_yaml(text, 2, "jekyll")
    assert data["tags"] == ["python", "go"] and data["draft"] is False
    assert duplicates == [("title", 13, 1)] and positions["tags"] == (6, 1)


def test_synthetic_site_posts_take_the_fast_path():
    import random
    from datetime import datetime

    from make_site import post_text

    rng = random.Random(3)
    for i in range(50):
        text = post_text(rng, "jekyll" if i % 2 else "hugo", f"T {i}", datetime(2020, 1, 1))
        raw = text.split("---\n")[1]
        assert check_same(raw, "jekyll" if i % 2 else "hugo"), raw


def test_example_and_corpus_front_matter_agree():
    roots = [EXAMPLES]
    corpora = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
    for candidate in (corpora, Path("/work/shared/corpora")):
        if candidate.is_dir():
            roots.append(candidate)
            break
    fast = 0
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix not in (".md", ".markdown", ".html") or not path.is_file():
                continue
            try:
                post = model.load_post(path)
            except PostError:
                continue
            if post.format == "yaml":
                fast += check_same(post.raw) + check_same(post.raw, "hugo")
    assert fast > 10
