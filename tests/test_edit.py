"""The byte-exact front-matter editor: in-place edits per format, verification, safe writes."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import write

from postctl import edit
from postctl.edit import EditError
from postctl.model import load_post, parse_post


def post_of(content: bytes, kind: str = "jekyll"):
    return parse_post(Path("post.md"), content, kind)


def terms(content: bytes, key: str, new: list[str], kind: str = "jekyll") -> bytes:
    return edit.set_terms(post_of(content, kind), content, key, new)


# -- YAML ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "new", "after"),
    [
        ("tags: [a, 'b', \"c\"]", ["a", "x", "c"], "tags: [a, 'x', \"c\"]"),
        ("tags: [a, 'b', \"c\"]", ["a", "c"], 'tags: [a, "c"]'),
        ("tags: [a, 'b', \"c\"]", ["b"], "tags: ['b']"),
        ("tags: [a, 'b', \"c\"]", [], "tags: []"),
        ("tags: [a, b]", ["a", "b", "c d"], "tags: [a, b, c d]"),
        ("tags: [a, b]", ["z", "a", "b"], "tags: [z, a, b]"),
        ("tags: ['a', 'b']", ["a", "new"], "tags: ['a', 'new']"),
        ("tags: [a,b]", ["a", "b", "c"], "tags: [a,b,c]"),
        ("tags: [a, b]", ["a", "yes"], 'tags: [a, "yes"]'),
        ("tags: [a, b]", ["a", "x, y"], 'tags: [a, "x, y"]'),
        ("tags: []", ["a"], "tags: [a]"),
        ("tags:", ["a", "b"], "tags: [a, b]"),
        ("tags: ~", ["a"], "tags: [a]"),
        ("tags: a b c", ["a", "c"], "tags: a c"),
        ("tags: 'a b'", ["a", "x"], "tags: 'a x'"),
        ("tags: a b", ["a", "two words"], "tags: [a, two words]"),
        ("tags: a b", [], "tags: []"),
    ],
)
def test_yaml_list_edits_touch_only_the_value(before: str, new: list[str], after: str) -> None:
    content = f"---\ntitle: Hi # keep\n{before}\ndate: 2020-01-01 10:00:00 -0400\n---\nbody\n"
    result = terms(content.encode(), "tags", new)
    assert result.decode() == content.replace(before, after)
    assert post_of(result).tags == new


def test_yaml_block_list_keeps_indentation_comments_and_crlf() -> None:
    content = b"---\r\ntitle: Hi\r\ntags:\r\n  - a # first\r\n  - b\r\n# about x\r\nx: 1\r\n---\r\n"
    assert terms(content, "tags", ["a", "x"]) == content.replace(b"  - b\r\n", b"  - x\r\n")
    assert terms(content, "tags", ["b"]) == content.replace(b"  - a # first\r\n", b"")
    assert terms(content, "tags", ["q", "a", "b", "c"]) == content.replace(
        b"  - a # first\r\n  - b\r\n", b"  - q\r\n  - a # first\r\n  - b\r\n  - c\r\n"
    )
    assert terms(content, "tags", []) == content.replace(
        b"tags:\r\n  - a # first\r\n  - b\r\n", b"tags: []\r\n"
    )


def test_yaml_indentless_block_list() -> None:
    content = b"---\ntags:\n- a\n- b\n---\n"
    assert terms(content, "tags", ["a", "c", "b"]) == b"---\ntags:\n- a\n- c\n- b\n---\n"


def test_jekyll_singular_tag_is_edited_whole() -> None:
    content = b"---\ntag: web dev\ntags: a b\n---\n"
    result = terms(content, "tag", ["web design"])
    assert result == b"---\ntag: web design\ntags: a b\n---\n"
    assert post_of(result).tags == ["web design"]
    assert terms(content, "tag", ["x", "y"]) == b"---\ntag: [x, y]\ntags: a b\n---\n"


def test_jekyll_custom_field_string_is_edited_whole() -> None:
    content = b"---\nseries: Deep Dive\ntags: a b\n---\n"
    result = terms(content, "series", ["Deep Dives"])
    assert result == b"---\nseries: Deep Dives\ntags: a b\n---\n"
    assert post_of(result).terms("series") == ["Deep Dives"]
    # Two terms cannot be one string of a custom field: they become a list.
    assert terms(content, "series", ["x", "y"]) == b"---\nseries: [x, y]\ntags: a b\n---\n"
    # Under tags a string of words stays a string of words.
    assert terms(content, "tags", ["a", "c"]) == b"---\nseries: Deep Dive\ntags: a c\n---\n"


def test_hugo_string_stays_a_string_for_one_term() -> None:
    content = b'---\ntags: "a b"\n---\n'
    assert terms(content, "tags", ["c d"], kind="hugo") == b'---\ntags: "c d"\n---\n'
    assert terms(content, "tags", ["c", "d"], kind="hugo") == b'---\ntags: ["c", "d"]\n---\n'


def test_bom_and_body_with_delimiters_stay() -> None:
    content = b"\xef\xbb\xbf---\ntags: [a]\n---\n---\nnot: front matter\n---\n"
    result = terms(content, "tags", ["b"])
    assert result == content.replace(b"[a]", b"[b]")


def test_set_value_yaml() -> None:
    content = b"---\ntitle: 'It''s'\ndraft: true\ndate: 2020-01-01\n---\nbody"
    post = post_of(content)
    assert edit.set_value(post, content, "draft", False) == content.replace(
        b"draft: true", b"draft: false"
    )
    assert edit.set_value(post, content, "title", "Its") == content.replace(b"'It''s'", b"'Its'")
    assert edit.set_value(post, content, "title", "a: b") == content.replace(b"'It''s'", b"'a: b'")
    when = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone(timedelta(hours=2)))
    result = edit.set_value(post, content, "date", when)
    assert b"date: 2024-05-06T07:08:09+02:00\n" in result
    assert post_of(result).date == when
    added = edit.set_value(post, content, "slug", "hello")
    assert added == content.replace(b"---\nbody", b"slug: hello\n---\nbody")
    assert edit.set_value(post, content, "day", date(2024, 1, 2)).endswith(
        b"day: 2024-01-02\n---\nbody"
    )
    assert edit.set_value(post, content, "draft", True) == content


def test_set_value_keeps_comment_after_value() -> None:
    content = b"---\ntitle: Caf\xc3\x83\xc2\xa9 # mojibake\nx: 1\n---\n"
    result = edit.set_value(post_of(content), content, "title", "Café")
    assert result == "---\ntitle: Café # mojibake\nx: 1\n---\n".encode()


def test_remove_key_yaml() -> None:
    content = b"---\na: 1\n# about tags\ntags:\n  - x\n  # inner\n  - y\n\n# about b\nb: 2\n---\n"
    result = edit.remove_key(post_of(content), content, "tags")
    assert result == b"---\na: 1\n# about tags\n\n# about b\nb: 2\n---\n"
    last = edit.remove_key(post_of(content), content, "b")
    assert last == b"---\na: 1\n# about tags\ntags:\n  - x\n  # inner\n  - y\n\n# about b\n---\n"
    assert edit.remove_key(post_of(content), content, "missing") == content


def test_chained_edits_reparse() -> None:
    content = b"---\ntitle: x\ndraft: true\n---\n"
    post = post_of(content)
    once = edit.set_value(post, content, "draft", False)
    twice = edit.set_value(post, once, "date", date(2024, 1, 1))
    assert twice == b"---\ntitle: x\ndraft: false\ndate: 2024-01-01\n---\n"
    assert edit.remove_key(post, twice, "title") == b"---\ndraft: false\ndate: 2024-01-01\n---\n"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"---\ntags: &t [a]\nother: *t\n---\n", "anchor"),
        (b"---\nbase: &t [a]\ntags: *t\n---\n", "alias"),
        (b"---\ntags:\n  nested: [a]\n---\n", "mapping"),
        (b"---\ntags: [a]\ntags: [b]\n---\n", "more than once"),
        (b"---\n{tags: [a]}\n---\n", "flow mapping"),
    ],
)
def test_refuses_what_it_cannot_edit_exactly(content: bytes, reason: str) -> None:
    with pytest.raises(EditError, match=reason):
        terms(content, "tags", ["z"])


def test_no_front_matter_is_refused() -> None:
    with pytest.raises(EditError, match="no front matter"):
        terms(b"just text\n", "tags", ["a"])


# -- TOML ----------------------------------------------------------------------------------------


TOML_POST = b"""+++
title = 'x'
date = 2024-01-02T03:04:05Z # written
tags = [
  "a",
  'b',
]
[params]
x = 1
+++
body
"""


def test_toml_multiline_array() -> None:
    assert terms(TOML_POST, "tags", ["a", "q"], "hugo") == TOML_POST.replace(b"'b'", b"'q'")
    assert terms(TOML_POST, "tags", ["a", "b", "c"], "hugo") == TOML_POST.replace(
        b"'b',\n", b"'b',\n  'c',\n"
    )
    assert terms(TOML_POST, "tags", [], "hugo") == TOML_POST.replace(
        b"[\n  \"a\",\n  'b',\n]", b"[]"
    )


@pytest.mark.parametrize(
    ("content", "kept", "after"),
    [
        # YAML and TOML flow lists over several lines: removing the items at the end keeps the
        # comment after the last kept item (its comma goes, its comment stays).
        (b"---\ntags: [a,  # about a\n  b]\n---\n", ["a"], b"tags: [a  # about a\n  ]\n"),
        (
            b"---\ntags: [a,  # about a\n  b,  # about b\n  c]\n---\n",
            ["a", "b"],
            b"tags: [a,  # about a\n  b  # about b\n  ]\n",
        ),
        (
            b'+++\ntags = ["a",  # about a\n  "b"]\n+++\n',
            ["a"],
            b'tags = ["a"  # about a\n  ]\n',
        ),
        # The removed item's own comment goes with it, and the lines it had to itself.
        (
            b"---\ntags: [a,  # about a\n  b  # about b\n]\n---\n",
            ["a"],
            b"tags: [a  # about a\n]\n",
        ),
        (b"---\ntags: [a, b  # about b\n]\n---\n", ["a"], b"tags: [a\n]\n"),
        # `a,# about a` is a comment in YAML, `a# about a` would be part of the item.
        (b"---\ntags: [a,# about a\n  b]\n---\n", ["a"], b"tags: [a # about a\n  ]\n"),
        # Removed from the middle or the start: the removed items' comments go, not the others.
        (
            b"---\ntags: [a,  # about a\n  b,  # about b\n  c]\n---\n",
            ["a", "c"],
            b"tags: [a,  # about a\n  c]\n",
        ),
        (
            b"---\ntags: [a,  # about a\n  b,  # about b\n  c]\n---\n",
            ["b", "c"],
            b"tags: [b,  # about b\n  c]\n",
        ),
    ],
)
def test_removing_flow_items_keeps_the_comments_of_the_kept_items(
    content: bytes, kept: list[str], after: bytes
) -> None:
    kind = "hugo"
    new = terms(content, "tags", kept, kind)
    assert post_of(new, kind).data["tags"] == kept
    delimiter = content[:4]
    assert new == delimiter + after + delimiter


def test_toml_values_and_keys() -> None:
    post = post_of(TOML_POST, "hugo")
    added = edit.set_value(post, TOML_POST, "draft", False)
    assert added == TOML_POST.replace(b"]\n[params]", b"]\ndraft = false\n[params]")
    assert post_of(added, "hugo").data["params"] == {"x": 1}
    assert edit.set_value(post, TOML_POST, "title", "it's") == TOML_POST.replace(b"'x'", b'"it\'s"')
    removed = edit.remove_key(post, TOML_POST, "tags")
    assert removed == TOML_POST.replace(b"tags = [\n  \"a\",\n  'b',\n]\n", b"")
    when = datetime(2025, 1, 1, tzinfo=timezone.utc)
    assert edit.set_value(post, TOML_POST, "date", when) == TOML_POST.replace(
        b"2024-01-02T03:04:05Z", b"2025-01-01T00:00:00+00:00"
    )
    with pytest.raises(EditError, match="cannot write"):
        edit.set_value(post, TOML_POST, "x", None)


def test_toml_string_tags() -> None:
    content = b'+++\ntags = "one"\n+++\n'
    assert terms(content, "tags", ["two"], "hugo") == b'+++\ntags = "two"\n+++\n'
    assert terms(content, "tags", ["a", "b"], "hugo") == b'+++\ntags = ["a", "b"]\n+++\n'


# -- JSON ----------------------------------------------------------------------------------------


JSON_POST = b'{\n  "title": "x",\n  "tags": ["a", "b"]\n}\nbody'


def test_json_edits() -> None:
    post = post_of(JSON_POST, "hugo")
    assert terms(JSON_POST, "tags", ["a", "q"], "hugo") == JSON_POST.replace(b'"b"', b'"q"')
    assert edit.set_value(post, JSON_POST, "draft", False) == JSON_POST.replace(
        b'"b"]\n', b'"b"],\n  "draft": false\n'
    )
    assert edit.remove_key(post, JSON_POST, "tags") == b'{\n  "title": "x"\n}\nbody'
    assert edit.remove_key(post, JSON_POST, "title") == b'{\n  "tags": ["a", "b"]\n}\nbody'
    assert edit.set_value(post, JSON_POST, "date", date(2024, 1, 2)).count(b'"2024-01-02"') == 1


# -- diffs ---------------------------------------------------------------------------------------


def test_unified_diff_plain_and_colour() -> None:
    old, new = b"a\nb\n", b"a\nc\x1b[31m\n"
    plain = edit.unified_diff("p.md", old, new)
    assert plain.splitlines()[:2] == ["--- a/p.md", "+++ b/p.md"]
    assert "-b\n" in plain and "+c\\x1b[31m\n" in plain
    assert "\x1b" not in plain
    coloured = edit.unified_diff("p.md", old, new, color=True)
    assert "\x1b[31m-b\x1b[0m" in coloured and "\x1b[32m+c" in coloured


# -- writing -----------------------------------------------------------------------------------


def edited(path: Path) -> tuple[object, bytes, bytes]:
    post = load_post(path, "jekyll")
    content = path.read_bytes()
    return post, content, edit.set_terms(post, content, "tags", ["b"])


@pytest.mark.parametrize("mode", [0o644, 0o600, 0o755])
def test_write_keeps_mode(tmp_path: Path, mode: int) -> None:
    path = write(tmp_path / "p.md", "---\ntags: [a]\n---\nbody\n")
    path.chmod(mode)
    post, content, new = edited(path)
    assert edit.write_atomic(path, new, post, content) is True
    assert path.read_bytes() == b"---\ntags: [b]\n---\nbody\n"
    assert path.stat().st_mode & 0o777 == mode
    assert os.listdir(tmp_path) == ["p.md"]


def test_write_through_symlink_keeps_the_link(tmp_path: Path) -> None:
    target = write(tmp_path / "real" / "p.md", "---\ntags: [a]\n---\n")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    post, content, new = edited(link)
    edit.write_atomic(link, new, post, content)
    assert link.is_symlink()
    assert target.read_bytes() == b"---\ntags: [b]\n---\n"


def test_unchanged_bytes_are_not_written(tmp_path: Path) -> None:
    path = write(tmp_path / "p.md", "---\ntags: [a]\n---\n")
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    post = load_post(path, "jekyll")
    content = path.read_bytes()
    assert edit.write_atomic(path, content, post, content) is False
    assert path.stat().st_mtime_ns == 1_000_000_000


def test_read_only_and_hard_links_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "p.md", "---\ntags: [a]\n---\n")
    post, content, new = edited(path)
    path.chmod(0o444)
    with pytest.raises(EditError, match="read-only"):
        edit.write_atomic(path, new, post, content)
    path.chmod(0o644)
    os.link(path, tmp_path / "other.md")
    with pytest.raises(EditError, match="2 hard links"):
        edit.write_atomic(path, new, post, content)
    assert path.read_bytes() == content


def test_changed_on_disk_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path / "p.md", "---\ntags: [a]\n---\n")
    post, content, new = edited(path)
    path.write_bytes(b"---\ntags: [z]\n---\n")
    with pytest.raises(EditError, match="changed on disk"):
        edit.write_atomic(path, new, post, content)
    assert path.read_bytes() == b"---\ntags: [z]\n---\n"


def test_a_save_made_during_the_fsync_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is checked again right before the replace (as WriteBatch.commit does): the
    temp file's fsync can take long enough for an editor to save the post meanwhile."""
    path = write(tmp_path / "p.md", "---\ntags: [a]\n---\nbody\n")
    post, content, new = edited(path)
    saved_meanwhile = b"---\ntags: [a]\n---\nbody, and a paragraph the user just saved\n"
    real_fsync = os.fsync
    fsyncs = []

    def save_during_fsync(fd: int) -> None:
        if not fsyncs:  # the temp file's fsync: the user's editor saves the post meanwhile
            path.write_bytes(saved_meanwhile)
        fsyncs.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", save_during_fsync)
    with pytest.raises(EditError, match="changed on disk"):
        edit.write_atomic(path, new, post, content)
    assert path.read_bytes() == saved_meanwhile
    assert os.listdir(tmp_path) == ["p.md"]


@pytest.mark.parametrize("batched", [False, True])
def test_an_interrupt_right_after_the_temp_file_is_created_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batched: bool
) -> None:
    """A Ctrl-C delivered the moment os.open has created the temp file: its name was recorded
    before, so it is removed (the descriptor this fake os.open never hands over is the test's
    to close)."""
    path = write(tmp_path / "p.md", "---\ntags: [a]\n---\nbody\n")
    post, content, new = edited(path)
    real_open = os.open
    opened: list[int] = []

    def open_then_interrupt(file, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        fd = real_open(file, flags, *args, **kwargs)
        if str(file).endswith(".tmp") and flags & os.O_CREAT:
            opened.append(fd)
            raise KeyboardInterrupt
        return fd

    monkeypatch.setattr(os, "open", open_then_interrupt)
    try:
        with pytest.raises(KeyboardInterrupt):
            if batched:
                with edit.WriteBatch() as batch:
                    edit.write_atomic(path, new, post, content, batch=batch)
            else:
                edit.write_atomic(path, new, post, content)
        monkeypatch.undo()
        assert opened
        assert os.listdir(tmp_path) == ["p.md"]
        assert path.read_bytes() == content
    finally:
        for fd in opened:
            os.close(fd)


def test_a_failed_temp_file_leaves_the_batch_usable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write refused at its temp file is not part of the batch: the others are committed."""
    first = write(tmp_path / "a.md", "---\ntags: [a]\n---\n")
    second = write(tmp_path / "b.md", "---\ntags: [a]\n---\n")
    real_write = os.write

    def full_disk_for_a(fd: int, data) -> int:  # type: ignore[no-untyped-def]
        if os.readlink(f"/proc/self/fd/{fd}").startswith(str(tmp_path / ".a.md.")):
            raise OSError(28, "No space left on device")
        return real_write(fd, data)

    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to name the file written")
    monkeypatch.setattr(os, "write", full_disk_for_a)
    with edit.WriteBatch() as batch:
        post, content, new = edited(first)
        with pytest.raises(EditError, match="no space left on device"):
            edit.write_atomic(first, new, post, content, batch=batch)
        post, content, new = edited(second)
        assert edit.write_atomic(second, new, post, content, batch=batch) is True
        assert batch.commit() == [True]
    assert second.read_bytes() == new
    assert sorted(os.listdir(tmp_path)) == ["a.md", "b.md"]


@pytest.mark.parametrize("name_bytes", [237, 238, 255])
def test_a_post_with_a_long_file_name_can_be_rewritten(tmp_path: Path, name_bytes: int) -> None:
    """The temp name `.{name}.{12 hex}.tmp` is 18 bytes longer than the post's: the name part
    is cut short so that it fits the 255 bytes most file systems allow."""
    name = "é" * ((name_bytes - 3) // 2) + "a" * ((name_bytes - 3) % 2) + ".md"
    assert len(name.encode()) == name_bytes
    path = write(tmp_path / name, "---\ntags: [a]\n---\nbody\n")
    post, content, new = edited(path)
    assert edit.write_atomic(path, new, post, content) is True
    assert path.read_bytes() == new
    assert os.listdir(tmp_path) == [path.name]


def test_a_folder_with_shorter_names_gets_a_temp_name_no_longer_than_the_post_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where names longer than usual were allowed (here: pretended), the first temp name is
    refused as too long; the next one is no longer than the post's own name, which fits."""
    monkeypatch.setattr(edit, "_NAME_MAX", 300)
    path = write(tmp_path / ("b" * 240 + ".md"), "---\ntags: [a]\n---\nbody\n")
    post, content, new = edited(path)
    real_open = os.open
    temp_names: list[str] = []

    def record(file, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if flags & os.O_CREAT:
            temp_names.append(os.path.basename(file))
        return real_open(file, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", record)
    assert edit.write_atomic(path, new, post, content) is True
    assert [len(n.encode()) for n in temp_names] == [261, 243]
    assert temp_names[1].startswith(".bbb") and temp_names[1].endswith(".tmp")
    assert path.read_bytes() == new
    assert os.listdir(tmp_path) == [path.name]


def test_temp_names_are_hidden_unique_and_name_the_post() -> None:
    short = edit._temp_name("p.md", 255)
    assert short.startswith(".p.md.") and short.endswith(".tmp") and len(short) == 22
    assert edit._temp_name("p.md", 255) != short
    # Cut on a character boundary, never in the middle of a multi-byte one.
    long = edit._temp_name("é" * 127 + ".md", 255)
    assert long.startswith(".éé") and len(long.encode()) == 254


def test_failure_mid_write_leaves_the_original(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "p.md", "---\ntags: [a]\n---\n")
    post, content, new = edited(path)

    def broken_fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(EditError, match="file left as it was: input/output error"):
        edit.write_atomic(path, new, post, content)
    assert path.read_bytes() == content
    assert os.listdir(tmp_path) == ["p.md"]


# -- a string rewritten in its own spelling -----------------------------------------------------


@pytest.mark.parametrize(
    ("before", "value", "after"),
    [
        # Only the changed characters are replaced; unchanged escapes stay escapes.
        ('s: "\\u00e9t\\u00e9 x"', "\u00e9t\u00e9 y", 's: "\\u00e9t\\u00e9 y"'),
        ('s: "a\\tb" # c', "a\tc", 's: "a\\tc" # c'),
        ("s: 'it''s a'", "it's b", "s: 'it''s b'"),
        ("s: |-\n  one\n  two", "one\nthree", "s: |-\n  one\n  three"),
        ("s: >2 # why\n   one\n  two", " one\ntwo!\n", "s: >2 # why\n   one\n  two!"),
        # A change across a line break, or one the style cannot hold: the whole value anew.
        ("s: |-\n  one\n  two", "one two", 's: "one two"'),
        ("s: >-\n  one\n  two", "one\ntwo", 's: "one\\ntwo"'),
        ("s: |-\n  one", " one", 's: " one"'),
        ("s: plain", "plain: no", 's: "plain: no"'),
    ],
)
def test_set_value_keeps_a_strings_spelling(before: str, value: str, after: str) -> None:
    content = f"---\n{before}\nn: 1\n---\nb\n".encode()
    result = edit.set_value(post_of(content), content, "s", value)
    assert result == f"---\n{after}\nn: 1\n---\nb\n".encode()


def test_set_value_keeps_escapes_in_toml_and_json() -> None:
    toml = b'+++\ns = "caf\\u00e9 x" # c\n+++\n'
    assert edit.set_value(post_of(toml, "hugo"), toml, "s", "caf\u00e9 y") == toml.replace(
        b"x", b"y"
    )
    json_post = b'{"s": "caf\\u00e9 \\ud83d\\ude00 x"}\n'
    # A JSON surrogate pair (two escapes, one character) is not cut: the string is written anew.
    result = edit.set_value(post_of(json_post, "hugo"), json_post, "s", "caf\u00e9 \U0001f600 y")
    assert post_of(result, "hugo").data["s"] == "caf\u00e9 \U0001f600 y"


def test_set_value_to_the_same_string_changes_nothing() -> None:
    content = b'---\ns: "\\u00e9"\n---\n'
    assert edit.set_value(post_of(content), content, "s", "\u00e9") == content
