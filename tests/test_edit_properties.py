"""Property tests for the editor: whatever the front matter looks like, a tag edit changes only the
tags value, and the post reads back with exactly the expected tags."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postctl import edit
from postctl.model import parse_post

WORDS = ["a", "b", "python", "web", "c++", "two words", "yes", "x: y", "#hash", "é", "it's", "1.5"]
SIMPLE = re.compile(r"[a-z]+")
YAML_SPECIAL = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "a", "b"}
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def yaml_item(draw: st.DrawFn, word: str, flow: bool) -> str:
    styles = ["double"]
    if "'" not in word:
        styles.append("single")
    if SIMPLE.fullmatch(word) and word not in YAML_SPECIAL - {"a", "b"}:
        styles.append("plain")
    style = draw(st.sampled_from(styles))
    if style == "plain":
        return word
    if style == "single":
        return f"'{word}'"
    return json.dumps(word, ensure_ascii=False)


@st.composite
def yaml_posts(draw: st.DrawFn) -> tuple[str, bytes, int, int, list[str]]:
    """(kind, file bytes, start and end offset of the tags entry's lines, other texts)."""
    kind = draw(st.sampled_from(["jekyll", "hugo"]))
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    tags = draw(st.lists(st.sampled_from(WORDS), max_size=5, unique=True))
    shape = draw(st.sampled_from(["flow", "flow-multiline", "block", "string", "empty", "null"]))
    comment = draw(st.sampled_from(["", "  # the tags"]))
    # A plain string of words: `tags: yes` alone would be YAML's true, which is no tags in Jekyll.
    plain_words = all(SIMPLE.fullmatch(t) and t not in YAML_SPECIAL - {"a", "b"} for t in tags)
    if shape == "string" and kind == "jekyll" and plain_words and tags:
        entry = f"tags: {' '.join(tags)}{comment}{nl}"
    elif shape == "block" and tags:
        indent = draw(st.sampled_from(["", "  ", "    "]))
        entry = f"tags:{comment}{nl}" + "".join(
            f"{indent}- {yaml_item(draw, t, False)}{nl}" for t in tags
        )
    elif shape == "empty":
        entry = f"tags:{comment}{nl}"
    elif shape == "null":
        entry = f"tags: ~{comment}{nl}"
    elif shape == "flow-multiline" and tags:
        entry = (
            f"tags: [{nl}"
            + f",{nl}".join(f"  {yaml_item(draw, t, True)}" for t in tags)
            + f"{nl}]{comment}{nl}"
        )
    else:
        entry = "tags: [" + ", ".join(yaml_item(draw, t, True) for t in tags) + f"]{comment}{nl}"
    others = [
        f"title: {draw(st.sampled_from(['Hello', repr('it s'), json.dumps('a: b')]))}{nl}",
        f"date: {draw(st.sampled_from(['2024-01-02', '2024-01-02 10:00:00 -0400', '2024-01-02T10:00:00Z']))}{nl}",  # noqa: E501
        f"# a comment{nl}",
        nl,
        f"categories:{nl}  - news # first{nl}  - misc{nl}",
        f"author: Ann  # the author{nl}",
    ]
    order = draw(st.permutations(others))
    at = draw(st.integers(0, len(order)))
    head = "\ufeff" if draw(st.booleans()) else ""
    before = head + f"---{nl}" + "".join(order[:at])
    closer = draw(st.sampled_from(["---", "..."])) if kind == "jekyll" else "---"  # Jekyll: `...`
    after = "".join(order[at:]) + f"{closer}{nl}"
    body = draw(st.sampled_from(["", "Body", f"Body{nl}---{nl}more{nl}", f"---{nl}x: 1{nl}---"]))
    if not body and draw(st.booleans()):
        after = after[: -len(nl)]  # the file ends with the closing delimiter, no newline
    text = before + entry + after + body
    data = text.encode("utf-8")
    start = len(before.encode("utf-8"))
    return kind, data, start, start + len(entry.encode("utf-8")), tags


def operation(draw: st.DrawFn, tags: list[str]) -> tuple[str, str, str]:
    op = draw(st.sampled_from(["rename", "add", "remove"]))
    old = draw(st.sampled_from(tags)) if tags and draw(st.booleans()) else "python"
    new = draw(st.sampled_from([*WORDS, "new tag", "Z"]))
    return op, old, new


def apply(op: str, old: str, new: str, terms: list[str]) -> list[str]:
    if op == "rename":
        terms = [new if t == old else t for t in terms]
    elif op == "add":
        terms = [*terms, new]
    else:
        terms = [t for t in terms if t != new]
    return list(dict.fromkeys(terms))


def check_edit(kind: str, data: bytes, start: int, end: int, op: tuple[str, str, str]) -> None:
    post = parse_post(Path("p.md"), data, kind)
    key = "tags"
    expected = apply(*op, post.tags)
    result = edit.set_terms(post, data, key, expected)
    assert parse_post(Path("p.md"), result, kind).tags == expected
    # Everything outside the tags entry's lines is byte-identical.
    assert result.startswith(data[:start])
    assert result.endswith(data[end:])
    if expected == post.tags:
        assert result == data
    # Idempotent: the same edit again changes nothing.
    assert edit.set_terms(parse_post(Path("p.md"), result, kind), result, key, expected) == result


@SETTINGS
@given(st.data())
def test_yaml_tag_edits_change_only_the_tags(data: st.DataObject) -> None:
    kind, content, start, end, tags = data.draw(yaml_posts())
    check_edit(kind, content, start, end, operation(data.draw, tags))


def toml_item(draw: st.DrawFn, word: str) -> str:
    if "'" not in word and draw(st.booleans()):
        return f"'{word}'"
    return json.dumps(word, ensure_ascii=False)


@st.composite
def toml_posts(draw: st.DrawFn) -> tuple[str, bytes, int, int, list[str]]:
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    tags = draw(st.lists(st.sampled_from(WORDS), max_size=5, unique=True))
    items = [toml_item(draw, t) for t in tags]
    comment = draw(st.sampled_from(["", " # tags"]))
    if draw(st.booleans()) and items:
        trailing = "," if draw(st.booleans()) else ""
        entry = f"tags = [{nl}" + f",{nl}".join(f"  {i}" for i in items) + f"{trailing}{nl}]"
    else:
        entry = "tags = [" + ", ".join(items) + "]"
    entry += comment + nl
    others = [
        f"title = 'Hello'{nl}",
        f"date = {draw(st.sampled_from(['2024-01-02', '2024-01-02T10:00:00Z', '2024-01-02 10:00:00+02:00']))}{nl}",  # noqa: E501
        f"# a comment{nl}",
        nl,
        f'summary = """{nl}two{nl}lines = [x]{nl}"""{nl}',
        f"draft = false{nl}",
    ]
    order = draw(st.permutations(others))
    at = draw(st.integers(0, len(order)))
    before = f"+++{nl}" + "".join(order[:at])
    table = f"[params]{nl}tags = ['not', 'these']{nl}" if draw(st.booleans()) else ""
    after = "".join(order[at:]) + table + f"+++{nl}" + draw(st.sampled_from(["", "+++ body"]))
    text = before + entry + after
    data = text.encode("utf-8")
    start = len(before.encode("utf-8"))
    return "hugo", data, start, start + len(entry.encode("utf-8")), tags


@SETTINGS
@given(st.data())
def test_toml_tag_edits_change_only_the_tags(data: st.DataObject) -> None:
    kind, content, start, end, tags = data.draw(toml_posts())
    check_edit(kind, content, start, end, operation(data.draw, tags))


@st.composite
def json_posts(draw: st.DrawFn) -> tuple[str, bytes, int, int, list[str]]:
    tags = draw(st.lists(st.sampled_from(WORDS), max_size=5, unique=True))
    indent = draw(st.sampled_from([None, 2, 4]))
    fields = {"title": "Hello", "tags": tags, "date": "2024-01-02", "draft": False}
    keys = draw(st.permutations(list(fields)))
    text = json.dumps({k: fields[k] for k in keys}, indent=indent, ensure_ascii=False)
    text += draw(st.sampled_from(["", "\n", "\nbody {}\n"]))
    start = text.index('"tags": ') + len('"tags": ')
    _, end = json.JSONDecoder().raw_decode(text, start)
    data = text.encode("utf-8")
    start_b = len(text[:start].encode("utf-8"))
    return "hugo", data, start_b, start_b + len(text[start:end].encode("utf-8")), tags


@SETTINGS
@given(st.data())
def test_json_tag_edits_change_only_the_tags(data: st.DataObject) -> None:
    kind, content, start, end, tags = data.draw(json_posts())
    check_edit(kind, content, start, end, operation(data.draw, tags))


@st.composite
def commented_flow_lists(draw: st.DrawFn) -> tuple[bytes, int, int, list[str], list[str]]:
    """A YAML or TOML flow list written over several lines, with comments after some items:
    (file bytes, start and end offset of the tags entry, the tags, each item's comment or "")."""
    toml = draw(st.booleans())
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    tags = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6, unique=True))
    comments = [f"# about item {i}" if draw(st.booleans()) else "" for i in range(len(tags))]
    indent = "  "
    text = "tags = [" if toml else "tags: ["
    if draw(st.booleans()):
        text += nl + indent
    for i, tag in enumerate(tags):
        text += toml_item(draw, tag) if toml else yaml_item(draw, tag, True)
        last = i == len(tags) - 1
        comma = "," if not last or (toml and draw(st.booleans())) else ""
        if comments[i] and comma and draw(st.integers(0, 4)) == 0:
            text += f"  {comments[i]}{nl}{indent}{comma} "  # the comma on the next line
        elif comments[i]:
            text += f"{comma}  {comments[i]}{nl}" + ("" if last else indent)
        elif last:
            text += comma + draw(st.sampled_from(["", nl]))
        else:
            text += comma + draw(st.sampled_from([" ", nl + indent]))
    text += "]" + nl
    before = ("+++" if toml else "---") + nl + ("title = 'x'" if toml else "title: x") + nl
    after = ("draft = false" if toml else "draft: false") + nl + ("+++" if toml else "---") + nl
    data = (before + text + after + "body" + nl).encode("utf-8")
    start = len(before.encode("utf-8"))
    return data, start, start + len(text.encode("utf-8")), tags, comments


@SETTINGS
@given(commented_flow_lists(), st.data())
def test_removing_flow_items_keeps_the_comments_of_the_kept_ones(
    case: tuple[bytes, int, int, list[str], list[str]], data: st.DataObject
) -> None:
    """Items removed anywhere (and maybe a tag added at the end): each kept item keeps the
    comment after it; each removed item's comment goes with it (when a tag is added, a removed
    item next to it may become the new tag instead, its comment staying)."""
    content, start, end, tags, comments = case
    kept = [data.draw(st.booleans()) for _ in tags]
    expected = [t for t, keep in zip(tags, kept) if keep]
    added = data.draw(st.booleans())
    if added:
        expected.append("new tag")
    post = parse_post(Path("/site/content/p.md"), content, "hugo")
    result = edit.set_terms(post, content, "tags", expected)
    assert post.reparse(result).data["tags"] == expected
    assert result.startswith(content[:start])
    assert result.endswith(content[end:])
    for keep, comment in zip(kept, comments):
        if comment and (keep or not added):
            assert (comment.encode() in result) == keep


# -- string values rewritten in their own spelling ----------------------------------------------

# Words a string is made of, and the words one of them is replaced with: none holds a character
# that an escape below spells, so the expected spelling of the result is unambiguous.
STRING_WORDS = ["one", "two", "Caf\u00c3\u00a9", "it's", "a#b", "x: y", "[c]", "\t", "--"]
NEW_WORDS = ["", "z", "Caf\u00e7", "it''s", "&amp", "new words", "#", "\u00fc"]
ESCAPES = {
    "\\u00e9": "\u00e9",
    "\\t": "\t",
    "\\\\": "\\",
    '\\"': '"',
    "\\x41": "A",
    "\\u2028": "\u2028",
}


@st.composite
def block_scalars(draw: st.DrawFn) -> tuple[bytes, bytes, str]:
    """(file bytes, expected bytes after the edit, new value) for a block scalar whose line
    `i` has one word replaced: only that word's bytes may change."""
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    header = draw(st.sampled_from(["|", "|-", "|+", ">", ">-", ">+", "|2", ">2-", "| # note"]))
    indent = "  " if "2" in header else draw(st.sampled_from(["  ", "    "]))
    lines = draw(
        st.lists(
            st.lists(
                st.sampled_from([w for w in STRING_WORDS if w != "\t"]), min_size=1, max_size=3
            ),
            min_size=1,
            max_size=4,
        )
    )
    line = draw(st.integers(0, len(lines) - 1))
    word = draw(st.integers(0, len(lines[line]) - 1))
    new_word = draw(st.sampled_from([w for w in NEW_WORDS if w not in ("", "#")]))
    edited = [list(words) for words in lines]
    edited[line][word] = new_word

    def spell(rows: list[list[str]]) -> bytes:
        body = "".join(f"{indent}{' '.join(words)}{nl}" for words in rows)
        return f"---{nl}title: t{nl}note: {header}{nl}{body}after: 1{nl}---{nl}body{nl}".encode()

    before = spell(lines)
    value = parse_post(Path("p.md"), spell(edited), "jekyll").data["note"]
    return before, spell(edited), value


@SETTINGS
@given(block_scalars())
def test_a_block_scalar_keeps_its_style_when_a_word_changes(case: tuple[bytes, bytes, str]) -> None:
    before, expected, value = case
    post = parse_post(Path("p.md"), before, "jekyll")
    assert edit.set_value(post, before, "note", value) == expected


@SETTINGS
@given(st.data())
def test_a_block_scalar_with_new_lines_reads_back(data: st.DataObject) -> None:
    before, _, _ = data.draw(block_scalars())
    post = parse_post(Path("p.md"), before, "jekyll")
    old = post.data["note"]
    value = data.draw(st.sampled_from([old + "\nmore", old.replace(" ", "\n", 1), "", "x\n\n y"]))
    result = edit.set_value(post, before, "note", value)
    assert parse_post(Path("p.md"), result, "jekyll").data["note"] == value
    assert result.endswith(before[before.index(b"after: 1") :])


@st.composite
def escaped_strings(draw: st.DrawFn) -> tuple[str, bytes, bytes, str]:
    """(kind, file bytes, expected bytes, new value) for a double-quoted string (YAML, TOML or
    JSON) made of words and escapes, one word replaced: every escape stays as written."""
    fmt = draw(st.sampled_from(["yaml", "toml", "json"]))
    escapes = {s: c for s, c in ESCAPES.items() if fmt == "yaml" or s not in ("\\x41", "\\u2028")}
    tokens = draw(
        st.lists(
            st.one_of(
                st.tuples(st.just("word"), st.sampled_from(STRING_WORDS)),
                st.tuples(st.just("escape"), st.sampled_from(sorted(escapes))),
            ),
            min_size=1,
            max_size=6,
        ).filter(lambda ts: any(kind == "word" for kind, _ in ts))
    )
    words = [i for i, (kind, _) in enumerate(tokens) if kind == "word"]
    at = draw(st.sampled_from(words))
    new_word = draw(st.sampled_from(NEW_WORDS))

    def quote(word: str) -> str:
        return json.dumps(word, ensure_ascii=False)[1:-1]  # the same in all three formats here

    def spell(replace: bool) -> bytes:
        inner = "".join(
            (quote(new_word) if replace and i == at else quote(text) if kind == "word" else text)
            for i, (kind, text) in enumerate(tokens)
        )
        if fmt == "json":
            return f'{{\n  "title": "t",\n  "summary": "{inner}",\n  "n": 1\n}}\nbody\n'.encode()
        if fmt == "toml":
            return f'+++\ntitle = "t"\nsummary = "{inner}"  # why\nn = 1\n+++\nbody\n'.encode()
        return f'---\ntitle: t\nsummary: "{inner}"  # why\nn: 1\n---\nbody\n'.encode()

    kind = "hugo" if fmt != "yaml" else "jekyll"
    value = parse_post(Path("p.md"), spell(True), kind).data["summary"]
    return kind, spell(False), spell(True), value


@SETTINGS
@given(escaped_strings())
def test_a_quoted_string_keeps_the_escapes_of_unchanged_characters(
    case: tuple[str, bytes, bytes, str],
) -> None:
    kind, before, expected, value = case
    post = parse_post(Path("p.md"), before, kind)
    assert edit.set_value(post, before, "summary", value) == expected
