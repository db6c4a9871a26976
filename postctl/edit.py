"""Byte-exact front-matter edits: change, add or remove one top-level value of a post, and write
the result safely. Every byte outside the edited value stays as it was: other keys and their
order, comments, blank lines, quoting, dates as written, CRLF, a BOM, the final newline, the body.

The API (all edits take the whole file's bytes and return the new bytes; nothing is written):

- `set_value(post, content, key, value) -> bytes` -- change a top-level value in place, or append
  the key at the end of the front matter (YAML, JSON) or of its top-level keys (TOML: before the
  first `[table]`). Values: str, bool, int, float, date, datetime, None (YAML only) and lists of
  strings. A string is rewritten in the old value's own spelling where it can be: only the
  characters that change are replaced, so a block scalar (`|`, `>-`) stays one with its header
  and indentation, and escapes (`\\u00e9`) of unchanged characters stay; a change across a line
  break or fold, or text the style cannot hold, rewrites the whole value (keeping its quote style
  when it can be written in it).
- `set_terms(post, content, key, terms) -> bytes` -- rewrite a list field item by item: kept
  items keep their exact spelling, a renamed item keeps its quote style, a flow list `[a, b]`
  stays flow (even across lines), a block list keeps its indentation, dash style and comments.
  A Jekyll space-separated string (`tags: a b`) stays a string when the terms allow it; a single
  string (Hugo, Jekyll's singular `tag:`) stays a string while there is one term. An empty or
  missing value (`tags:`, `tags: ~`) becomes a flow list.
- `remove_key(post, content, key) -> bytes` -- remove only that key's lines (comments before the
  next key stay).
- `read_for_edit(post) -> (Post, bytes)` -- the file as it is now, parsed, ready for the above.
- `write_atomic(path, new_bytes, original, expected=None) -> bool` -- write safely (see there);
  False when the bytes on disk are already `new_bytes` (nothing is written). With
  `batch=WriteBatch()` many writes are begun, then committed together (their fsyncs at once).
- `check_writable(path)`, `check_unchanged(path, original, expected)` -- write_atomic's
  refusals and its "changed on disk since it was read" check, for a caller that moves a file.
- `unified_diff(path_label, old, new, color=False) -> str` -- a `diff -u` of two versions.
- `EditError(path, reason)` -- raised for anything that cannot be done exactly and safely.

`post` is the `Post` that `content` was loaded as (its `path`, `kind` and context are used);
when `content` has changed since (a chain of edits), the edit re-parses it first. Every edit is
verified before it is returned: the new bytes are parsed again with `postctl.model.parse_post`,
the edited key must read back as intended, every other key must be unchanged and in the same
order, and the bytes before the front matter and the body must be identical. Otherwise the edit
raises EditError instead of returning something wrong.

Locating values: flat YAML (one `key: value` per line, one-line flow lists, `- item` lists) by a
line scan that gives the same spans as the composed node tree, any other YAML through that tree
(`model.compose_yaml`, PyYAML's marks); TOML and JSON through a small scanner here that finds
the byte span of each top-level value and of each array item. The scanners only find spans;
values are always read by the model's parsers.
"""

from __future__ import annotations

import bisect
import errno
import itertools
import json
import math
import os
import re
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from postctl.model import (
    NOT_PLAIN_START,
    QUOTED_TAIL,
    SIMPLE_YAML_TEXT,
    Post,
    PostError,
    compose_yaml,
    key_terms,
    simple_plain_text,
    splits_terms,
    term_text,
    yaml_reads_as_string,
)

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor


class EditError(Exception):
    """An edit or a write that cannot be done exactly and safely: which file and why.
    `failed` is True when a write was attempted and failed (the file is left as it was);
    otherwise the edit was refused before anything was written."""

    def __init__(self, path: Path | str, reason: str, failed: bool = False) -> None:
        super().__init__(reason)
        self.path = Path(path)
        self.reason = reason
        self.failed = failed

    def __reduce__(self) -> tuple[Any, ...]:
        return (EditError, (self.path, self.reason, self.failed))

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


# -- public edits ---------------------------------------------------------------------------------


def set_value(post: Post, content: bytes, key: str, value: Any) -> bytes:
    """`content` with top-level `key` set to `value` (added at the end when missing)."""
    post = _current(post, content)
    doc = _locate(post)
    _check_value(post, value)
    entry = _entry(post, doc, key)

    def check(new: Any) -> bool:
        return _value_matches(value, new)

    if entry is not None and isinstance(value, str):
        in_style = _string_in_style_edits(post, entry, value)
        if in_style is not None:
            try:
                return _finish(
                    post, content, splice(post.raw, in_style), key, check, appended=False
                )
            except EditError:
                pass  # the style cannot hold the new text after all: write it the usual way
    if entry is None:
        edits = [_append_edit(post, doc, key, value)]
    elif isinstance(value, list) and value and entry.shape in ("flow", "block") and entry.items:
        _check_flat(post, entry)
        edits = _item_edits(post, entry, value, exact=True)
    else:
        edits = [_replace_value_edit(post, doc, entry, value)]
    new_raw = splice(post.raw, edits)
    return _finish(post, content, new_raw, key, check, appended=entry is None)


def set_terms(post: Post, content: bytes, key: str, terms: Sequence[str]) -> bytes:
    """`content` with list field `key` holding exactly `terms`, edited item by item."""
    post = _current(post, content)
    terms = list(terms)
    if not all(isinstance(t, str) for t in terms):
        raise EditError(post.path, f"terms for '{key}' must be strings")
    doc = _locate(post)
    entry = _entry(post, doc, key)
    # A string of terms stays a string where the generator splits it (Jekyll's `tags: a b`).
    split = splits_terms(post.kind, key)
    if entry is None:
        if not terms:
            return content
        edits = [_append_edit(post, doc, key, terms)]
    else:
        old_terms = key_terms(post.kind, key, post.data.get(key))
        if old_terms == terms:
            return content
        edits = _terms_edits(post, doc, entry, terms, split)
    new_raw = splice(post.raw, edits)

    def check(new: Any) -> bool:
        return key_terms(post.kind, key, new) == terms and not isinstance(new, dict)

    return _finish(post, content, new_raw, key, check, appended=entry is None)


def remove_key(post: Post, content: bytes, key: str) -> bytes:
    """`content` without top-level `key` (only its own lines go); unchanged when it is absent."""
    post = _current(post, content)
    doc = _locate(post)
    entry = _entry(post, doc, key)
    if entry is None:
        return content
    new_raw = splice(post.raw, [_remove_edit(post, doc, entry)])
    return _finish(post, content, new_raw, key, None, appended=False)


def read_for_edit(post: Post) -> tuple[Post, bytes]:
    """The post's file as it is now: a `Post` parsed from exactly these bytes (with the size and
    mtime taken before reading, for `write_atomic` to notice a later change) and the bytes.
    EditError when it cannot be read or does not parse (such a file is never written)."""
    try:
        st, content = _read_file(post.path)
        if (
            post.format is not None
            and st.st_mtime_ns == post.mtime_ns
            and len(content) == post.size
            and content[post.fm_start : post.fm_end] == post.raw.encode("utf-8")
        ):
            return post, content  # as loaded: no need to parse it again
        fresh = post.reparse(content)
    except OSError as e:
        raise EditError(post.path, _reason(e)) from None
    except PostError as e:
        raise EditError(post.path, f"does not parse, not editing it: {e.message}") from None
    fresh.mtime_ns = st.st_mtime_ns
    return fresh, content


# -- where things are -----------------------------------------------------------------------------


@dataclass
class _Item:
    """One list item: its value's exact span in the front-matter text."""

    start: int
    end: int
    value: Any
    style: str  # "" plain, "'" or '"' quoted, anything else: another spelling
    line_start: int = 0  # block items: start of the `- ` line
    line_end: int = 0  # block items: past the newline of the item's last line


@dataclass
class _Entry:
    """One top-level `key: value`: spans in the front-matter text (character offsets)."""

    key: str
    key_start: int
    key_end: int
    line_start: int  # start of the key's line
    after_sep: int  # just past the `:` / `=`
    start: int  # the value's span
    end: int
    entry_end: int  # past the newline of the entry's last line
    shape: str  # "scalar", "empty", "flow", "block" or "other" (not editable in place)
    style: str = ""
    items: list[_Item] = field(default_factory=list)
    why_other: str = ""


@dataclass
class _Doc:
    entries: list[_Entry]
    append_at: int  # where a new top-level key goes
    indent: str = ""  # YAML: indentation of the top-level keys
    close: int = 0  # JSON: offset of the closing brace


def _current(post: Post, content: bytes) -> Post:
    """`post` when it was parsed from `content`, else `content` parsed afresh."""
    raw = post.raw.encode("utf-8")
    if (
        post.format is not None
        and content[post.fm_start : post.fm_end] == raw
        and len(content) >= post.body_start
        and (post.size == len(content) or post.mtime_ns == 0)
    ):
        return post
    try:
        fresh = post.reparse(content)
    except PostError as e:
        raise EditError(post.path, f"does not parse, not editing it: {e.message}") from None
    return fresh


def _entry(post: Post, doc: _Doc, key: str) -> _Entry | None:
    found = [e for e in doc.entries if e.key == key]
    if len(found) > 1 or any(k == key for k, _, _ in post.duplicate_keys):
        raise EditError(post.path, f"'{key}' appears more than once; fix that first")
    return found[0] if found else None


def _locate(post: Post) -> _Doc:
    if post.format is None:
        raise EditError(post.path, "has no front matter")
    try:
        if post.format == "yaml":
            return _yaml_doc(post)
        if post.format == "toml":
            return _toml_doc(post.raw)
        return _json_doc(post.raw)
    except _ScanError as e:
        raise EditError(post.path, f"cannot locate values in the front matter: {e}") from None


class _ScanError(Exception):
    pass


_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")  # what YAML counts as a line break


def _lines(text: str) -> list[str]:
    """Lines with their breaks, split where YAML breaks lines (not at form feeds and the like)."""
    out = []
    pos = 0
    for m in _BREAK.finditer(text):
        out.append(text[pos : m.end()])
        pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


def _line_start(text: str, index: int) -> int:
    return max(text.rfind("\n", 0, index), text.rfind("\r", 0, index)) + 1


def _line_end(text: str, index: int) -> int:
    """Past the line break of the line holding `index` (or the end of the text)."""
    m = _BREAK.search(text, index)
    return m.end() if m else len(text)


def _yaml_doc(post: Post) -> _Doc:
    doc = _simple_yaml_doc(post.raw)
    return doc if doc is not None else _composed_yaml_doc(post)


def _composed_yaml_doc(post: Post) -> _Doc:
    """Any YAML front matter, through the node tree PyYAML composes (its marks give the spans)."""
    text = post.raw
    root = compose_yaml(post)
    if root is None:
        return _Doc([], len(text))
    if root.id != "mapping" or root.flow_style:
        raise _ScanError("the front matter is a flow mapping ({...}), not one key per line")
    pairs = [(k, v) for k, v in root.value if k.id == "scalar"]
    starts = [_line_start(text, k.start_mark.index) for k, _ in pairs]
    indent = pairs[0][0].start_mark.column if pairs else 0
    entries = []
    for i, (k, v) in enumerate(pairs):
        line_start = starts[i]
        limit = starts[i + 1] if i + 1 < len(pairs) else len(text)
        key_start, key_end = k.start_mark.index, k.end_mark.index
        colon = key_end
        while colon < len(text) and text[colon] in " \t":
            colon += 1
        entry = _Entry(
            key=k.value,
            key_start=key_start,
            key_end=key_end,
            line_start=line_start,
            after_sep=colon + 1,
            start=v.start_mark.index,
            end=v.end_mark.index,
            entry_end=_trim_entry(text, line_start, limit, k.start_mark.column),
            shape="other",
        )
        entries.append(entry)
        if text[line_start:key_start].strip() or text[colon : colon + 1] != ":":
            entry.why_other = "its key is not a plain `key:` line"
        elif not (entry.after_sep <= entry.start <= entry.end <= limit):
            entry.why_other = "its value is an alias (*name) of another value"
        elif text[entry.start : entry.start + 1] in ("&", "!", "*"):
            entry.why_other = "its value has an anchor, alias or tag"
        elif v.id == "scalar":
            _yaml_scalar_entry(text, entry, v)
        elif v.id == "sequence":
            _yaml_sequence_entry(text, entry, v)
        else:
            entry.why_other = "its value is a mapping"
    return _Doc(entries, len(text), indent=" " * indent)


# Most front matter is flat YAML: `key: scalar`, `key: [a, b]` on one line, `key:` over `- item`
# lines, comments and blank lines. `_simple_yaml_doc` finds the spans of exactly that subset with
# a line scan, several times cheaper than composing the node tree, and gives the very _Doc that
# `_composed_yaml_doc` gives (tests/test_edit_fast_paths.py compares both on generated and real
# front matter); anything else (escapes, tabs, nesting, anchors, tags, block scalars, values over
# several lines, unusual characters or line breaks) returns None and is composed.
_SIMPLE_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*))?")
_SIMPLE_ITEM_LINE = re.compile(r"( *)- +(.*)")
_NOT_IN_FLOW_PLAIN = frozenset("[]{}#'\":")
_SIMPLE_FLOW_PLAIN = re.compile(r"[^,\]]*")


def _simple_yaml_doc(text: str) -> _Doc | None:
    """The spans of flat YAML front matter found by a line scan, or None (compose it)."""
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        return None  # a lone CR breaks a line too: left to the composer
    if SIMPLE_YAML_TEXT.fullmatch(text.replace("\r\n", "\n") if "\r" in text else text) is None:
        return None
    entries: list[_Entry] = []
    kept_end = 0  # past the last line that belongs to the current entry (see _trim_entry)
    items: list[_Item] = []  # of a block list under the current key
    indent = -1  # of that list's dashes
    empty = False  # the current key's value is empty so far: `- item` lines may follow
    size = len(text)
    pos = 0
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        end = min(pos, size)
        if line.endswith("\r"):
            line = line[:-1]
        stripped = line.lstrip(" ")
        if not stripped:
            continue
        depth = len(line) - len(stripped)
        if stripped[0] == "#":
            if depth:
                kept_end = end  # an indented comment stays with the entry above it
            continue
        if empty and stripped[0] == "-" and (depth == indent or (indent < 0 and not items)):
            item = _simple_block_item(line, start)
            if item is None:
                return None
            indent = depth
            item.line_start, item.line_end = start, end
            items.append(item)
            kept_end = end
            continue
        if depth:
            return None  # nesting, or a value continued on the next line
        match = _SIMPLE_KEY_LINE.fullmatch(line)
        if match is None:
            return None
        if entries:
            _close_simple_entry(entries[-1], items, kept_end)
        items, indent = [], -1
        key_end = start + match.end(1)
        entry = _Entry(
            key=match.group(1),
            key_start=start,
            key_end=key_end,
            line_start=start,
            after_sep=key_end + 1,
            start=key_end + 1,
            end=key_end + 1,
            entry_end=end,
            shape="empty",
        )
        entries.append(entry)
        kept_end = end
        value = (match.group(2) or "").rstrip(" ")
        empty = not value or value[0] == "#"
        if not empty and not _simple_value(entry, value, start + match.start(2)):
            return None
    if entries:
        _close_simple_entry(entries[-1], items, kept_end)
    return _Doc(entries, size)


def _close_simple_entry(entry: _Entry, items: list[_Item], kept_end: int) -> None:
    entry.entry_end = kept_end
    if items:  # `key:` over `- item` lines
        entry.shape = "block"
        entry.items = items
        entry.start = items[0].line_start
        entry.end = items[-1].line_end


def _simple_value(entry: _Entry, value: str, at: int) -> bool:
    """Fill in a value written on the key's line (starting at offset `at`); False when it is
    outside the subset."""
    if value[0] == "[":
        if value[-1] != "]" or "#" in value or "{" in value or "}" in value:
            return False
        items = _simple_flow_items(value, at)
        if items is None:
            return False
        entry.shape, entry.items = "flow", items
        entry.start, entry.end = at, at + len(value)
        return True
    scalar = _simple_scalar_span(value, at)
    if scalar is None:
        return False
    entry.shape = "scalar"
    entry.start, entry.end, _, entry.style = scalar
    return True


def _simple_scalar_span(value: str, at: int) -> tuple[int, int, str, str] | None:
    """(start, end, text, style) of a one-line scalar in block context (a comment may follow),
    or None."""
    first = value[0]
    if first in "'\"":
        close = _closing_quote(value, 0)
        if close < 0 or not QUOTED_TAIL.fullmatch(value, close + 1):
            return None
        return at, at + close + 1, _quoted_text(value[: close + 1]), first
    plain = simple_plain_text(value)
    if plain is None:
        return None
    return at, at + len(plain), plain, ""


def _closing_quote(text: str, i: int) -> int:
    """The offset of the quote closing the quoted scalar opening at `i`, or -1 (unclosed on
    this line, or a double-quoted escape: the composer reads those)."""
    quote = text[i]
    if quote == '"':
        close = text.find('"', i + 1)
        return -1 if close < 0 or "\\" in text[i + 1 : close] else close
    close = i + 1
    while True:
        close = text.find("'", close)
        if close < 0 or text[close + 1 : close + 2] != "'":
            return close
        close += 2


def _quoted_text(spelling: str) -> str:
    inner = spelling[1:-1]
    return inner.replace("''", "'") if spelling[0] == "'" else inner


def _simple_block_item(line: str, at: int) -> _Item | None:
    match = _SIMPLE_ITEM_LINE.fullmatch(line)
    if match is None:
        return None
    value = match.group(2).rstrip(" ")
    if not value or value[0] == "#":
        return None
    scalar = _simple_scalar_span(value, at + match.start(2))
    if scalar is None:
        return None
    start, end, text, style = scalar
    return _Item(start, end, text, style)


def _simple_flow_items(value: str, at: int) -> list[_Item] | None:
    """The items of a one-line flow list of scalars `[a, "b c", 'd']`, or None."""
    items: list[_Item] = []
    last = len(value) - 1  # the closing bracket
    i = _skip_spaces(value, 1)
    if i == last:
        return items
    while True:
        first = value[i]
        if first in "'\"":
            close = _closing_quote(value, i)
            if close < 0 or close >= last:
                return None
            items.append(_Item(at + i, at + close + 1, _quoted_text(value[i : close + 1]), first))
            i = close + 1
        else:
            if first in NOT_PLAIN_START:
                return None
            piece = _SIMPLE_FLOW_PLAIN.match(value, i).group().rstrip(" ")  # type: ignore[union-attr]
            if not piece or not _NOT_IN_FLOW_PLAIN.isdisjoint(piece):
                return None
            items.append(_Item(at + i, at + i + len(piece), piece, ""))
            i += len(piece)
        i = _skip_spaces(value, i)
        if i == last:
            return items
        if value[i] != ",":
            return None
        i = _skip_spaces(value, i + 1)
        if i >= last:
            return None  # a trailing comma: left to the composer


def _skip_spaces(text: str, i: int) -> int:
    while text[i : i + 1] == " ":
        i += 1
    return i


def _trim_entry(text: str, line_start: int, limit: int, indent: int) -> int:
    """The end of an entry's own lines: blank lines and comments at the key's indentation (or
    less) before the next key belong to what follows."""
    lines = _lines(text[line_start:limit])
    end = limit
    while len(lines) > 1:
        last = lines[-1]
        stripped = last.lstrip(" \t")
        if stripped.strip() and not (
            stripped.startswith("#") and len(last) - len(stripped) <= indent
        ):
            break
        end -= len(last)
        lines.pop()
    return end


def _yaml_scalar_entry(text: str, entry: _Entry, node: Any) -> None:
    entry.style = node.style or ""
    if node.tag.endswith(":null") and entry.start == entry.end:
        entry.shape = "empty"
        entry.start = entry.end = entry.after_sep
        return
    if entry.style in ("|", ">"):
        # A block scalar's end mark lies past its trailing blank lines.
        entry.end = entry.start + len(text[entry.start : entry.end].rstrip(" \t\r\n"))
    entry.shape = "scalar"


def _yaml_sequence_entry(text: str, entry: _Entry, node: Any) -> None:
    items = []
    for item in node.value:
        if item.id != "scalar":
            entry.why_other = "it holds nested lists or mappings"
            return
        if not (entry.start <= item.start_mark.index <= item.end_mark.index <= entry.entry_end):
            entry.why_other = "an item is an alias (*name) of another value"
            return
        if text[item.start_mark.index : item.start_mark.index + 1] in ("&", "!", "*"):
            entry.why_other = "an item has an anchor, alias or tag"
            return
        end = item.end_mark.index
        if item.style in ("|", ">"):
            end = item.start_mark.index + len(text[item.start_mark.index : end].rstrip())
        items.append(_Item(item.start_mark.index, end, _yaml_item_value(item), item.style or ""))
    if node.flow_style:
        entry.shape = "flow"
        entry.items = items
        return
    for item in items:
        item.line_start = _line_start(text, item.start)
        if not re.fullmatch(r"[ \t]*-[ \t]+", text[item.line_start : item.start]):
            entry.why_other = "its items are not one `- item` per line"
            return
        item.line_end = _line_end(text, item.end)
    entry.shape = "block"
    entry.items = items
    entry.start = items[0].line_start
    entry.end = items[-1].line_end


def _yaml_item_value(node: Any) -> Any:
    # Only the text matters for matching items to terms; the verification re-reads everything.
    return node.value


# -- TOML and JSON spans --------------------------------------------------------------------------

_TOML_BARE = r"[A-Za-z0-9_-]+"
_TOML_KEY_PART = rf'(?:{_TOML_BARE}|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\')'
_TOML_KEY_LINE = re.compile(
    rf"[ \t]*({_TOML_KEY_PART}(?:[ \t]*\.[ \t]*{_TOML_KEY_PART})*)[ \t]*=[ \t]*"
)


def _toml_doc(text: str) -> _Doc:
    entries: list[_Entry] = []
    pos = 0
    table_at: int | None = None
    while pos < len(text):
        line_end = _line_end(text, pos)
        stripped = text[pos:line_end].strip()
        if not stripped or stripped.startswith("#"):
            pos = line_end
            continue
        if stripped.startswith("["):
            table_at = pos
            break
        m = _TOML_KEY_LINE.match(text, pos)
        if not m:
            raise _ScanError(f"unexpected text {stripped[:30]!r}")
        start = m.end()
        end = _toml_value_end(text, start)
        rest = _line_end(text, end)
        after = text[end:rest].strip()
        if after and not after.startswith("#"):
            raise _ScanError(f"unexpected text after a value: {after[:30]!r}")
        written = m.group(1)
        entry = _Entry(
            key=_toml_key_name(written),
            key_start=m.start(1),
            key_end=m.end(1),
            line_start=pos,
            after_sep=text.index("=", m.end(1)) + 1,
            start=start,
            end=end,
            entry_end=rest,
            shape="scalar",
            style=_string_style(text, start),
        )
        if re.search(r"[ \t]*\.[ \t]*", written) and not written.startswith(('"', "'")):
            entry.shape, entry.why_other = "other", "it is a dotted key"
        elif text[start] == "[":
            entry.shape = "flow"
            entry.items = _toml_items(text, start)
        elif text[start] == "{":
            entry.shape, entry.why_other = "other", "its value is an inline table"
        entries.append(entry)
        pos = rest
    # A new key goes after the last top-level key: after a [table] header it would be the
    # table's.
    append_at = len(text)
    if table_at is not None:
        append_at = entries[-1].entry_end if entries else table_at
    return _Doc(entries, append_at)


def _toml_key_name(written: str) -> str:
    if written.startswith('"'):
        return json.loads(written)
    if written.startswith("'"):
        return written[1:-1]
    return written


def _string_style(text: str, start: int) -> str:
    for quote in ('"""', "'''", '"', "'"):
        if text.startswith(quote, start):
            return quote
    return ""


def _toml_value_end(text: str, i: int) -> int:
    """The end of the TOML value starting at `i`."""
    try:
        if text.startswith('"""', i):
            j = i + 3
            while True:
                j = text.index('"""', j)
                backslashes = len(text[:j]) - len(text[:j].rstrip("\\"))
                if backslashes % 2 == 0:
                    break
                j += 1
            end = j + 3
            while text.startswith('"', end) and end - j < 5:  # up to two quotes inside
                end += 1
            return end
        if text.startswith("'''", i):
            j = text.index("'''", i + 3)
            end = j + 3
            while text.startswith("'", end) and end - j < 5:
                end += 1
            return end
        if text[i] == '"':
            j = i + 1
            while text[j] != '"':
                if text[j] in "\r\n":
                    raise _ScanError("unclosed string")
                j += 2 if text[j] == "\\" else 1
            return j + 1
        if text[i] == "'":
            return text.index("'", i + 1) + 1
        if text[i] == "[":
            items = _toml_items(text, i)
            j = items[-1].end if items else i + 1
            return _toml_skip(text, j, "]") + 1
        if text[i] == "{":
            j = i + 1
            while True:
                j = _toml_skip_space(text, j)
                if text[j] == "}":
                    return j + 1
                m = _TOML_KEY_LINE.match(text, j)
                if not m:
                    raise _ScanError("bad inline table")
                j = _toml_value_end(text, m.end())
                j = _toml_skip_space(text, j)
                if text[j] == ",":
                    j += 1
        m = re.compile(r"[^,\]}#\r\n]*").match(text, i)
        assert m is not None
        end = i + len(m.group().rstrip(" \t"))
        if end == i:
            raise _ScanError("a key without a value")
        return end
    except (IndexError, ValueError):
        raise _ScanError("unclosed value") from None


def _toml_skip_space(text: str, j: int) -> int:
    """Past spaces, line breaks and comments (inside arrays)."""
    while j < len(text):
        if text[j] in " \t\r\n":
            j += 1
        elif text[j] == "#":
            j = _line_end(text, j)
        else:
            break
    return j


def _toml_skip(text: str, j: int, closer: str) -> int:
    """From the end of the last item: past a trailing comma to the closing bracket's offset."""
    j = _toml_skip_space(text, j)
    if text[j] == ",":
        j = _toml_skip_space(text, j + 1)
    if text[j] != closer:
        raise _ScanError(f"expected {closer!r}")
    return j


def _toml_items(text: str, i: int) -> list[_Item]:
    items = []
    j = i + 1
    while True:
        j = _toml_skip_space(text, j)
        if text[j] == "]":
            return items
        end = _toml_value_end(text, j)
        items.append(_Item(j, end, _toml_item_value(text[j:end]), _string_style(text, j)))
        j = _toml_skip_space(text, end)
        if text[j] == ",":
            j += 1
        elif text[j] != "]":
            raise _ScanError("expected ',' or ']' in an array")


def _toml_item_value(spelling: str) -> Any:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        return tomllib.loads(f"v = {spelling}")["v"]
    except tomllib.TOMLDecodeError:
        raise _ScanError(f"bad array item {spelling[:30]!r}") from None


def _json_skip(text: str, j: int) -> int:
    while j < len(text) and text[j] in " \t\r\n":
        j += 1
    return j


def _json_doc(text: str) -> _Doc:
    decoder = json.JSONDecoder()
    entries: list[_Entry] = []
    try:
        j = _json_skip(text, 0)
        if text[j] != "{":
            raise _ScanError("not an object")
        j = _json_skip(text, j + 1)
        while text[j] != "}":
            key_start = j
            key, key_end = decoder.raw_decode(text, j)
            j = _json_skip(text, key_end)
            if text[j] != ":":
                raise _ScanError("expected ':'")
            after_sep = j + 1
            start = _json_skip(text, after_sep)
            value, end = decoder.raw_decode(text, start)
            entry = _Entry(
                key=key,
                key_start=key_start,
                key_end=key_end,
                line_start=_line_start(text, key_start),
                after_sep=after_sep,
                start=start,
                end=end,
                entry_end=end,
                shape="scalar",
                style='"' if isinstance(value, str) else "",
            )
            if isinstance(value, list):
                entry.shape = "flow"
                entry.items = _json_items(decoder, text, start)
            elif isinstance(value, dict):
                entry.shape, entry.why_other = "other", "its value is an object"
            entries.append(entry)
            j = _json_skip(text, end)
            if text[j] == ",":
                j = _json_skip(text, j + 1)
            elif text[j] != "}":
                raise _ScanError("expected ',' or '}'")
        return _Doc(entries, j, close=j)
    except (IndexError, ValueError) as e:
        raise _ScanError(str(e) or "bad JSON") from None


def _json_items(decoder: json.JSONDecoder, text: str, i: int) -> list[_Item]:
    items = []
    j = _json_skip(text, i + 1)
    while text[j] != "]":
        value, end = decoder.raw_decode(text, j)
        items.append(_Item(j, end, value, '"' if isinstance(value, str) else ""))
        j = _json_skip(text, end)
        if text[j] == ",":
            j = _json_skip(text, j + 1)
    return items


# -- building edits -------------------------------------------------------------------------------

Edit = tuple[int, int, str]  # replace text[start:end] with the string


def splice(text: str, edits: list[Edit]) -> str:
    """`text` with each (start, end, replacement) of `edits` made (spans must not overlap)."""
    out = []
    cursor = 0
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1])):
        if start < cursor:
            raise AssertionError("overlapping edits")
        out.append(text[cursor:start])
        out.append(replacement)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def _newline(post: Post) -> str:
    return post.newline or "\n"


def _not_in_place(post: Post, entry: _Entry) -> EditError:
    return EditError(
        post.path, f"cannot edit '{entry.key}' in place: {entry.why_other or 'unsupported'}"
    )


def _replace_value_edit(post: Post, doc: _Doc, entry: _Entry, value: Any) -> Edit:
    if entry.shape == "other":
        raise _not_in_place(post, entry)
    style = entry.style
    if entry.shape in ("flow", "block") and entry.items:
        style = entry.items[0].style
    rendered = _render(post, value, style)
    if entry.shape == "empty":
        return (entry.after_sep, entry.after_sep, " " + rendered)
    if entry.shape == "block":
        # The whole block list becomes the new value on the key's line.
        return _block_to_inline(post, entry, rendered)
    return (entry.start, entry.end, rendered)


def _block_to_inline(post: Post, entry: _Entry, rendered: str) -> Edit:
    text = post.raw
    key_line_end = _line_end(text, entry.after_sep)
    comment = text[entry.after_sep : key_line_end].strip()
    if comment:
        comment = " " + comment
    return (entry.after_sep, entry.end, f" {rendered}{comment}{_newline(post)}")


def _append_edit(post: Post, doc: _Doc, key: str, value: Any) -> Edit:
    nl = _newline(post)
    text = post.raw
    rendered = _render(post, value, "")
    if post.format == "json":
        name = json.dumps(key, ensure_ascii=False)
        if not doc.entries:
            return (doc.close, doc.close, f"{name}: {rendered}")
        last = doc.entries[-1]
        if len(doc.entries) > 1:
            previous = doc.entries[-2]
            gap = text[previous.end : last.key_start]
            separator = gap[gap.index(",") + 1 :]
        else:
            separator = text[text.index("{") + 1 : last.key_start]
        member = f"{name}{text[last.key_end : last.start]}{rendered}"
        return (last.end, last.end, f",{separator}{member}")
    at = doc.append_at
    prefix = nl if at > 0 and not text[:at].endswith(("\n", "\r")) else ""
    if post.format == "toml":
        name = key if re.fullmatch(_TOML_BARE, key) else _toml_basic(key)
        return (at, at, f"{prefix}{name} = {rendered}{nl}")
    name = key if _yaml_plain_ok(post, key, flow=False) else _yaml_double(key)
    return (at, at, f"{prefix}{doc.indent}{name}: {rendered}{nl}")


def _remove_edit(post: Post, doc: _Doc, entry: _Entry) -> Edit:
    if post.format != "json":
        return (entry.line_start, entry.entry_end, "")
    text = post.raw
    index = doc.entries.index(entry)
    if index + 1 < len(doc.entries):
        return (entry.key_start, doc.entries[index + 1].key_start, "")
    if index > 0:
        return (doc.entries[index - 1].end, entry.end, "")
    return (text.index("{") + 1, _json_skip(text, entry.end), "")


def _terms_edits(post: Post, doc: _Doc, entry: _Entry, terms: list[str], split: bool) -> list[Edit]:
    if entry.shape == "other":
        raise _not_in_place(post, entry)
    if entry.shape == "empty" or (entry.shape == "scalar" and post.data.get(entry.key) is None):
        if not terms:
            return []
        return [_replace_value_edit(post, doc, entry, terms)]
    if entry.shape == "scalar":
        return [_scalar_terms_edit(post, doc, entry, terms, split)]
    if not terms:
        if entry.shape == "block":
            return [_block_to_inline(post, entry, "[]")]
        return [(entry.start, entry.end, "[]")]
    if not entry.items:
        return [(entry.start, entry.end, _render(post, terms, ""))]
    _check_flat(post, entry)
    return _item_edits(post, entry, terms)


def _check_flat(post: Post, entry: _Entry) -> None:
    if any(isinstance(item.value, (list, dict)) for item in entry.items):
        raise EditError(post.path, f"'{entry.key}' holds nested lists; edit it by hand")


def _scalar_terms_edit(post: Post, doc: _Doc, entry: _Entry, terms: list[str], split: bool) -> Edit:
    """A string value: it stays a string when that reads back as `terms`."""
    style = entry.style
    if isinstance(post.data.get(entry.key), str) and terms:
        if split and all(t and not re.search(r"\s", t) for t in terms):
            candidate = " ".join(terms)
        elif not split and len(terms) == 1:
            candidate = terms[0]
        else:
            candidate = None
        if candidate is not None:
            rendered = _render_str(post, candidate, style, flow=False)
            if rendered is not None:
                return (entry.start, entry.end, rendered)
    rendered = _render(post, terms, style) if terms else "[]"
    return (entry.start, entry.end, rendered)


def _item_edits(post: Post, entry: _Entry, terms: list[str], exact: bool = False) -> list[Edit]:
    """Align the old items with the new terms and edit only what differs. `exact`: an item
    that is not a string (`2019`, `true`) is never taken for the same term as text."""
    items = entry.items
    values = post.data.get(entry.key)
    if not (isinstance(values, list) and len(values) == len(items)):
        values = [item.value for item in items]
    old: list[Any] = [
        term_text(value) if isinstance(value, str) or not exact else ("not a string", i)
        for i, value in enumerate(values)
    ]
    style = _dominant_style(items)
    keep, replace, inserts = _align(old, terms)
    text = post.raw
    edits: list[Edit] = []
    for i, new_term in replace.items():
        item = items[i]
        rendered = _render_item(post, new_term, item.style or style, entry.shape == "flow")
        edits.append((item.start, item.end, rendered))
    if entry.shape == "block":
        nl = _newline(post)
        for i, item in enumerate(items):
            if not keep[i]:
                edits.append((item.line_start, item.line_end, ""))
        for before, new_terms in inserts.items():
            model = items[min(before, len(items) - 1)]
            prefix = text[model.line_start : model.start]
            lines = "".join(f"{prefix}{_render_item(post, t, style, False)}{nl}" for t in new_terms)
            if before < len(items):
                edits.append((items[before].line_start, items[before].line_start, lines))
            else:
                at = items[-1].line_end
                lead = "" if text[:at].endswith(("\n", "\r")) else nl
                edits.append((at, at, lead + lines))
        return edits
    if _one_per_line(text, items):
        return edits + _line_item_edits(post, items, keep, inserts, style)
    separator = _flow_separator(text, items)
    if not any(keep) and not replace:
        # Every old item goes: the new ones take their place.
        rendered = [_render_item(post, t, style, True) for t in terms]
        return [(items[0].start, items[-1].end, separator.join(rendered))]
    i = 0
    while i < len(items):  # runs of removed items, with one separator each
        if keep[i]:
            i += 1
            continue
        j = i
        while j < len(items) and not keep[j]:
            j += 1
        if j < len(items):  # the removed items and their comments, up to the next kept one
            edits.append((items[i].start, items[j].start, ""))
        else:
            edits.extend(_trailing_items_edits(post, items[i - 1], items[i], items[j - 1]))
        i = j
    for before, new_terms in inserts.items():
        rendered = [_render_item(post, t, style, True) for t in new_terms]
        if before < len(items):
            at = items[before].start
            edits.append((at, at, "".join(r + separator for r in rendered)))
        else:
            at = items[-1].end
            edits.append((at, at, "".join(separator + r for r in rendered)))
    return edits


def _trailing_items_edits(post: Post, kept: _Item, first: _Item, last: _Item) -> list[Edit]:
    """Edits removing the items `first`..`last` that end a flow list (not one item per line),
    after the kept item `kept`: the items, the separators between them and the comment after
    the last one on its line go. A comment between `kept` and `first` belongs to `kept` (or
    to the list) and stays, only the comma before `first` going; then the lines the removed
    items had to themselves go whole."""
    text = post.raw
    end = last.end
    comment = _COMMENT_AFTER_ITEM.match(text, end)
    if comment:
        end = _comment_end(post, text, comment.end() - 1)
    if "#" not in text[kept.end : first.start]:  # nothing but a comma and spaces between them
        return [(kept.end, end, "")]
    comma = kept.end
    while text[comma] != ",":  # between items: spaces, line breaks, comments and one comma
        comma = _comment_end(post, text, comma) if text[comma] == "#" else comma + 1
    # `a,# about a` is a comment in YAML; `a# about a` would not be.
    edits: list[Edit] = [(comma, comma + 1, " " if text[comma + 1 : comma + 2] == "#" else "")]
    start = _line_start(text, first.start)
    line_break = _LINE_BREAK.match(text, end)
    if start > comma and not text[start : first.start].strip(" \t") and line_break:
        end = line_break.end()
    else:
        start = first.start
    edits.append((start, end, ""))
    return edits


def _comment_end(post: Post, text: str, at: int) -> int:
    """The end of the comment starting at `at`, before its line break (YAML breaks lines at
    more characters than TOML does)."""
    breaks = _BREAK if post.format == "yaml" else _LINE_BREAK
    found = breaks.search(text, at)
    return found.start() if found else len(text)


_AFTER_ITEM = re.compile(r"[ \t]*(,?)[ \t]*(#[^\r\n]*)?(\r\n|[\r\n]|\Z)")
_COMMENT_AFTER_ITEM = re.compile(r"[ \t]*(?:,[ \t]*)?#")
_LINE_BREAK = re.compile(r"\r\n|[\r\n]")


Alignment = tuple[list[bool], dict[int, str], dict[int, list[str]]]


def _align(old: list[Any], new: list[str]) -> Alignment:
    """How the old items become the new terms: (which old items stay, old item -> the term it
    becomes, old item index -> the terms inserted before it; len(old): at the end)."""
    if len(old) == len(new):
        # A rename in place (the common case), found without difflib when its answer is
        # certain: every changed item and its new term occur nowhere in the other list, so no
        # block difflib could match crosses them and the blocks it matches are the unchanged
        # runs, in place (tests/test_edit_fast_paths.py compares the two).
        changed = [i for i, (a, b) in enumerate(zip(old, new)) if a != b]
        olds, news = set(old), set(new)
        if all(old[i] not in news and new[i] not in olds for i in changed):
            return [True] * len(old), {i: new[i] for i in changed}, {}
    return _align_by_difflib(old, new)


def _align_by_difflib(old: list[Any], new: list[str]) -> Alignment:
    from difflib import SequenceMatcher

    matcher = SequenceMatcher(a=old, b=new, autojunk=False)
    keep: list[bool] = [True] * len(old)
    replace: dict[int, str] = {}
    inserts: dict[int, list[str]] = {}
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        paired = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for k in range(paired):
            replace[i1 + k] = new[j1 + k]
        for k in range(i1 + paired, i2):
            keep[k] = False
        if j2 - j1 > paired:
            inserts.setdefault(i2, []).extend(new[j1 + paired : j2])
    return keep, replace, inserts


def _one_per_line(text: str, items: list[_Item]) -> bool:
    """Whether a flow list has each item on a line of its own (`[` and `]` on other lines)."""
    for item in items:
        item.line_start = _line_start(text, item.start)
        after = _AFTER_ITEM.match(text, item.end)
        if text[item.line_start : item.start].strip() or after is None:
            return False
        item.line_end = after.end()
    return True


def _line_item_edits(
    post: Post, items: list[_Item], keep: list[bool], inserts: dict[int, list[str]], style: str
) -> list[Edit]:
    """Edits to a flow list written one item per line: whole lines go and come, and the commas
    follow the list's own habit (a trailing comma after the last item or not)."""
    text = post.raw
    edits: list[Edit] = []
    last = len(items) - 1
    trailing_comma = _AFTER_ITEM.match(text, items[last].end).group(1)  # type: ignore[union-attr]
    kept = [i for i in range(len(items)) if keep[i]]
    for i in range(len(items)):
        if not keep[i]:
            edits.append((items[i].line_start, items[i].line_end, ""))
    nl = _newline(post)
    for before, new_terms in inserts.items():
        model = items[min(before, last)]
        prefix = text[model.line_start : model.start]
        rendered = [f"{prefix}{_render_item(post, t, style, True)}" for t in new_terms]
        if before <= last:
            at = items[before].line_start
            edits.append((at, at, "".join(f"{r},{nl}" for r in rendered)))
        else:
            at = items[last].line_end
            lead = "" if text[:at].endswith(("\n", "\r")) else nl
            lines = f",{nl}".join(rendered) + trailing_comma + nl
            edits.append((at, at, lead + lines))
            if kept and kept[-1] == last and not trailing_comma:
                edits.append((items[last].end, items[last].end, ","))
    if kept and kept[-1] != last and not inserts.get(len(items)) and not trailing_comma:
        # The new last item loses the comma that separated it from the removed ones.
        comma = text.index(",", items[kept[-1]].end)
        edits.append((comma, comma + 1, ""))
    return edits


def _dominant_style(items: list[_Item]) -> str:
    styles = [item.style for item in items if item.style in ("", "'", '"')]
    if not styles:
        return ""
    return max(("", "'", '"'), key=styles.count)


def _flow_separator(text: str, items: list[_Item]) -> str:
    for a, b in itertools.pairwise(items):
        gap = text[a.end : b.start]
        if "#" not in gap and gap.count(",") == 1:
            return gap
    return ", "


# -- a string rewritten in its own spelling --------------------------------------------------------

# One piece of a string's spelling: value[vstart:vend] is written as text[sstart:send]. "text" is
# written verbatim (any part of it can be replaced), "escape" writes one character (`\u00e9`,
# `''`), "break" is a line break, indentation or a block header: a change touching it would
# change how the lines fold, so such a change is written the usual way.
_Piece = tuple[int, int, int, int, str]


def _string_in_style_edits(post: Post, entry: _Entry, value: str) -> list[Edit] | None:
    """Edits replacing only the characters of a string value that change, each written in the
    value's own style (block scalar, quotes, escapes, plain), keeping every other byte of its
    spelling; None when that cannot be done (then the whole value is written anew)."""
    old = post.data.get(entry.key)
    if entry.shape != "scalar" or not isinstance(old, str) or not old:
        return None
    fragment = _fragment_writer(post, entry.style)
    if fragment is None:
        return None
    pieces = _string_pieces(post, entry, old)
    if pieces is None:
        return None
    # Where each character of the old value is written, and which of its pieces are breaks.
    spans: list[tuple[int, int]] = []
    is_break: list[bool] = []
    zero_width_breaks = []
    for vstart, vend, sstart, send, kind in pieces:
        if vstart == vend:
            zero_width_breaks.append(vstart)
        for k in range(vend - vstart):
            if kind == "text":
                spans.append((sstart + k, sstart + k + 1))
            else:
                spans.append((sstart, send))
            is_break.append(kind == "break")
    from difflib import SequenceMatcher

    # The common head and tail are kept as written whatever difflib would align them with.
    head = 0
    limit = min(len(old), len(value))
    while head < limit and old[head] == value[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == value[-1 - tail]:
        tail += 1
    edits: list[Edit] = []
    matcher = SequenceMatcher(
        None, old[head : len(old) - tail], value[head : len(value) - tail], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        i1, i2, j1, j2 = i1 + head, i2 + head, j1 + head, j2 + head
        if any(is_break[i1:i2]) or any(i1 < z < i2 for z in zero_width_breaks):
            return None
        if i1 < i2:
            start, end = spans[i1][0], spans[i2 - 1][1]
        elif i1 > 0 and not is_break[i1 - 1]:
            start = end = spans[i1 - 1][1]
        elif i1 < len(old) and not is_break[i1]:
            start = end = spans[i1][0]
        else:
            return None
        written = fragment(value[j1:j2])
        if written is None:
            return None
        edits.append((start, end, written))
    return edits


def _fragment_writer(post: Post, style: str) -> Callable[[str], str | None] | None:
    """How a piece of text is written inside a string of `style` (None: it cannot be)."""

    def block(text: str) -> str | None:
        # One line of a block scalar or plain scalar: no breaks, nothing YAML must escape.
        if _CONTROL.search(text) or _YAML_BREAKS.search(text) or _YAML_ESCAPE.search(text):
            return None
        return text

    def single(text: str) -> str | None:
        if _CONTROL.search(text) or _YAML_BREAKS.search(text):
            return None
        return text.replace("'", "''")

    if post.format == "json":
        return (lambda text: json.dumps(text, ensure_ascii=False)[1:-1]) if style == '"' else None
    if post.format == "toml":
        if style == '"':
            return lambda text: _toml_basic(text)[1:-1]
        if style == "'":
            return lambda text: None if "'" in text or _CONTROL.search(text) else text
        return None
    if style == '"':
        return lambda text: _yaml_double(text)[1:-1]
    if style == "'":
        return single
    return block if style in ("", "|", ">") else None


def _string_pieces(post: Post, entry: _Entry, old: str) -> list[_Piece] | None:
    """The spelling of string value `old` cut into pieces, checked to spell exactly `old`."""
    text = post.raw
    if entry.style in ('"', "'"):
        pieces = _quoted_pieces(text, entry.start + 1, entry.end - 1, entry.style)
    else:
        pieces = _line_pieces(text, entry, old)
    if pieces is None:
        return None
    at = 0
    for vstart, vend, sstart, send, kind in pieces:
        if vstart != at or (kind == "text" and old[vstart:vend] != text[sstart:send]):
            return None
        at = vend
    return pieces if at == len(old) else None


def _quoted_pieces(text: str, start: int, end: int, quote: str) -> list[_Piece] | None:
    """A one-line quoted string's inside: verbatim runs and escapes (one character each; a JSON
    surrogate pair, two escapes for one character, fails the caller's check)."""
    if start > end or _BREAK.search(text, start, end):
        return None  # a quoted string over several lines folds them: not handled here
    escape = "\\" if quote == '"' else "''"
    pieces: list[_Piece] = []
    value_at = 0
    i = start
    while i < end:
        j = text.find(escape[0], i, end)
        if j < 0:
            j = end
        if j > i:
            pieces.append((value_at, value_at + j - i, i, j, "text"))
            value_at += j - i
        if j == end:
            break
        if quote == "'":
            if text[j : j + 2] != "''":
                return None
            length = 2
        else:
            length = 2 + {"x": 2, "u": 4, "U": 8}.get(text[j + 1 : j + 2], 0)
        pieces.append((value_at, value_at + 1, j, j + length, "escape"))
        value_at += 1
        i = j + length
    return pieces


def _line_pieces(text: str, entry: _Entry, old: str) -> list[_Piece] | None:
    """A block scalar's or plain scalar's lines: each line's text is verbatim in the value, and
    what lies between (header, breaks, indentation, folding) is a break."""
    block = entry.style in ("|", ">")
    first = _line_end(text, entry.start) if block else entry.start
    pieces: list[_Piece] = []
    value_at = 0
    source_at = entry.start
    pos = first
    for line in _lines(text[first : entry.end]):
        body = line.rstrip("\r\n\x85\u2028\u2029")
        # Indentation is spaces; a plain scalar's lines also lose tabs and trailing blanks.
        line_text = body.lstrip(" ") if block else body.strip(" \t")
        if line_text:
            content_start = pos + body.index(line_text)
            found = old.find(line_text, value_at)
            if found < 0 or old[value_at:found].strip(" \n"):
                return None
            pieces.append((value_at, found, source_at, content_start, "break"))
            pieces.append(
                (
                    found,
                    found + len(line_text),
                    content_start,
                    content_start + len(line_text),
                    "text",
                )
            )
            value_at = found + len(line_text)
            source_at = content_start + len(line_text)
        pos += len(line)
    if old[value_at:].strip(" \n"):
        return None
    pieces.append((value_at, len(old), source_at, entry.end, "break"))
    return pieces


# -- rendering values -----------------------------------------------------------------------------


def _check_value(post: Post, value: Any) -> None:
    ok = isinstance(value, (str, bool, int, float, date)) or (
        value is None and post.format == "yaml"
    )
    if isinstance(value, list):
        ok = all(isinstance(v, str) for v in value)
    if isinstance(value, float) and not math.isfinite(value):
        ok = False
    if not ok:
        raise EditError(post.path, f"cannot write a {type(value).__name__} value")


def _render(post: Post, value: Any, style: str) -> str:
    """A value written in the post's format; `style` is the quote style of what it replaces."""
    if isinstance(value, list):
        return "[" + ", ".join(_render_item(post, v, style, True) for v in value) + "]"
    if isinstance(value, str):
        rendered = _render_str(post, value, style, flow=False)
        if rendered is None:
            rendered = _render_str(post, value, '"', flow=False)
        assert rendered is not None
        return rendered
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    assert isinstance(value, date)  # datetime included
    text = value.isoformat()
    return json.dumps(text) if post.format == "json" else text


def _render_item(post: Post, value: str, style: str, flow: bool) -> str:
    rendered = _render_str(post, value, style, flow)
    if rendered is None:
        rendered = _render_str(post, value, '"', flow)
    assert rendered is not None
    return rendered


def _render_str(post: Post, value: str, style: str, flow: bool) -> str | None:
    """A string in the given quote style, or None when that style cannot hold it."""
    if post.format == "json":
        return json.dumps(value, ensure_ascii=False)
    if post.format == "toml":
        if style == "'" and "'" not in value and not _CONTROL.search(value):
            return f"'{value}'"
        return _toml_basic(value)
    if style == "'":
        if _CONTROL.search(value) or _YAML_BREAKS.search(value):
            return None
        return "'" + value.replace("'", "''") + "'"
    if style == '"':
        return _yaml_double(value)
    if style == "":
        return value if _yaml_plain_ok(post, value, flow) else _yaml_double(value)
    return None


_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_YAML_BREAKS = re.compile(r"[\x85\u2028\u2029]")
_YAML_ESCAPE = re.compile(r"[\x7f-\x9f\u2028\u2029\ufeff]")
_YAML_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`]([^\x00-\x1f\x7f]*[^\s:])?")


def _yaml_double(value: str) -> str:
    # A JSON string is a YAML double-quoted scalar; YAML also wants C1 controls, NEL and the
    # line/paragraph separators escaped, which JSON leaves as they are.
    text = json.dumps(value, ensure_ascii=False)
    return _YAML_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _toml_basic(value: str) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("\x7f", "\\u007f")


def _yaml_plain_ok(post: Post, value: str, flow: bool) -> bool:
    """Whether `value` written plain (unquoted) reads back as this very string."""
    if not _YAML_PLAIN.fullmatch(value) or _YAML_BREAKS.search(value) or _YAML_ESCAPE.search(value):
        return False
    if ": " in value or " #" in value or "\t" in value:
        return False
    if flow and any(c in value for c in ",[]{}"):
        return False
    return yaml_reads_as_string(value, post.kind)


# -- verification ---------------------------------------------------------------------------------


def _finish(
    post: Post,
    content: bytes,
    new_raw: str,
    key: str,
    check: Callable[[Any], bool] | None,
    *,
    appended: bool,
) -> bytes:
    """The new file bytes, once re-parsing them shows the edit did exactly what was meant."""
    if new_raw == post.raw:
        return content
    new_content = content[: post.fm_start] + new_raw.encode("utf-8") + content[post.fm_end :]
    try:
        new = post.reparse(new_content)
    except PostError as e:
        raise EditError(post.path, f"the edit of '{key}' would not parse ({e.message})") from None

    def refuse(what: str) -> EditError:
        return EditError(post.path, f"the edit of '{key}' would change {what}; nothing written")

    if (
        new.format != post.format
        or new_content[: new.fm_start] != content[: post.fm_start]
        or new_content[new.body_start :] != content[post.body_start :]
    ):
        raise refuse("the delimiters or the body")
    old_keys = [k for k in post.data if k != key]
    new_keys = [k for k in new.data if k != key]
    if old_keys != new_keys:
        raise refuse("other keys")
    for k in old_keys:
        if not _same(post.data[k], new.data[k]):
            raise refuse(f"'{k}'")
    if check is None:
        if key in new.data:
            raise refuse("nothing (the key is still there)")
    elif key not in new.data or not check(new.data[key]):
        raise EditError(post.path, f"the edit of '{key}' did not read back as intended")
    elif appended and list(new.data)[-1] != key and post.format != "toml":
        raise refuse("the key order")
    return new_content


def _same(a: Any, b: Any) -> bool:
    """Equal, with NaN equal to itself and bool never equal to int."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return bool(a == b)


def _value_matches(expected: Any, actual: Any) -> bool:
    if isinstance(expected, (date, datetime)) and isinstance(actual, str):  # JSON
        return actual == expected.isoformat()
    if isinstance(expected, float) and isinstance(actual, int) and not isinstance(actual, bool):
        return float(actual) == expected
    return _same(expected, actual)


# -- writing --------------------------------------------------------------------------------------


def write_atomic(
    path: Path | str,
    new_bytes: bytes,
    original: Post,
    expected: bytes | None = None,
    *,
    sync_folder: bool = True,
    batch: WriteBatch | None = None,
) -> bool:
    """Replace the file at `path` with `new_bytes`, safely; True when it was written.

    A symlink is followed and its target written (the link stays a link). Refused with
    EditError: a read-only file, a file with several hard links (writing would split them), and
    a file that changed on disk since `original` was read (size, mtime and, when `expected` is
    given, the exact bytes; else the front matter), checked right before the replace. The
    file's mode is kept. The bytes go to a temp file in the same folder (`.{name}.{random}.tmp`,
    the name cut short if need be), are fsynced, `os.replace`d over the file, then the folder
    is fsynced; on any failure or interrupt the temp file is removed and the original is
    untouched. When the file already holds `new_bytes`, nothing is written (its mtime stays).
    A caller writing many files may pass `sync_folder=False` and call `fsync_folder(folder)`
    once per folder after.

    With `batch`, the write is only begun (the refusals above made, the temp file written) and
    True returned: `batch.commit()` checks the file, finishes the write and says how it went.
    """
    path = Path(path)
    target, st = check_writable(path)
    begun = _BegunWrite(path, target, new_bytes, original, expected)
    mode = stat.S_IMODE(st.st_mode)
    if batch is not None:
        # In the batch before its temp file exists: whatever interrupts, batch.close() removes it.
        batch.begun.append(begun)
        try:
            begun.write_temp(mode, st)
        except BaseException:
            batch.begun.pop()  # this write's: write_temp removed what it had made
            raise
        return True  # checked at commit, right before its replace
    try:
        # The file is checked right before its replace (in finish, as WriteBatch.commit does),
        # not before the temp file is written: the fsync can take long enough for an editor to
        # save the post meanwhile.
        begun.write_temp(mode, st)
        begun.finish(_fsync_error(begun.fd))
    finally:
        begun.discard()
    if sync_folder and not begun.unneeded:
        fsync_folder(target.parent)
    return not begun.unneeded


def check_writable(path: Path | str) -> tuple[Path, os.stat_result]:
    """(the file to write, its stat) when `path` may be rewritten or moved: a symlink's target
    (the link followed), a regular file with one link that is writable; EditError otherwise,
    naming `path`; also when its folder cannot take a new file (the temp file). The refusals
    write_atomic makes before it writes anything."""
    # Plain os calls: one stat, one read and no file objects, since retag writes thousands.
    path = Path(path)
    try:
        st = os.lstat(path)
        target = path
        if stat.S_ISLNK(st.st_mode):
            target = path.resolve(strict=True)
            st = os.stat(target)
    except (OSError, RuntimeError) as e:
        raise EditError(path, _reason(e)) from None
    if not stat.S_ISREG(st.st_mode):
        raise EditError(path, "not a regular file")
    if st.st_nlink > 1:
        raise EditError(
            path, f"has {st.st_nlink} hard links; writing would split them, so it is left alone"
        )
    if not (st.st_mode & stat.S_IWUSR) or not os.access(target, os.W_OK):
        raise EditError(path, "is read-only; not written")
    # The new bytes go to a temp file beside it: the folder must take a new file.
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise EditError(path, "its folder is read-only; not written")
    return target, st


def check_unchanged(
    path: Path,
    original: Post,
    expected: bytes | None = None,
    *,
    target: Path | None = None,
    hold: list[int] | None = None,
) -> bytes:
    """The file's bytes, or EditError (naming `path`) when it changed on disk since `original`
    was read: its size, its mtime, its front matter and, when `expected` is given, its exact
    bytes. `target`: the file to read when `path` is a symlink to it. With `hold`, the file is
    left open and its descriptor added there (see WriteBatch.commit)."""
    try:
        st, current = _read_file(target or path, hold)
    except OSError as e:
        raise EditError(path, _reason(e)) from None
    if (
        len(current) != original.size
        or (original.mtime_ns and st.st_mtime_ns != original.mtime_ns)
        or (expected is not None and current != expected)
        or current[original.fm_start : original.fm_end] != original.raw.encode("utf-8")
    ):
        raise EditError(path, "changed on disk since it was read; skipped (run again)")
    return current


class WriteBatch:
    """Many atomic writes whose fsyncs are done together, for a caller that writes many files:
    `write_atomic(..., batch=batch)` refuses what it refuses at once (read-only, hard links)
    and writes the temp file; `commit()` fsyncs all the temp files at once (concurrent fsyncs
    share the disk's journal commits), then replaces each file that is still as it was read
    (checked right before its replace), and gives each write's outcome in order: True
    (written), False (the file already held the new bytes) or the EditError that skipped or
    failed it. Nothing is written to a
    user's file before `commit()`; `close()` removes the temp files of writes never committed
    (an interrupted run), so use it in a `with` block or `try`/`finally`."""

    def __init__(self) -> None:
        self.begun: list[_BegunWrite] = []

    def __enter__(self) -> WriteBatch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def commit(self) -> list[bool | EditError]:
        outcomes: list[bool | EditError] = []
        # Each file is still open (from its check) when it is replaced, and all are closed
        # once all are replaced, on the fsync threads. A replaced file's blocks are freed when
        # the last hold on it goes, and that can wait for the disk: ext4 without a journal,
        # mounted with `discard`, trims them there and then. Inside os.replace that cost 0.1 to
        # 0.8 ms a file, one file after the other; closed on threads, the trims overlap.
        # (Windows cannot replace a file that is open.)
        replaced: list[int] | None = [] if os.name == "posix" else None
        try:
            for begun, error in zip(self.begun, _fsync_all([b.fd for b in self.begun])):
                try:
                    begun.finish(error, hold=replaced)
                except EditError as e:
                    outcomes.append(e)
                else:
                    outcomes.append(not begun.unneeded)
                finally:
                    begun.discard()
        finally:
            _close_all(replaced or [])
            self.close()
        return outcomes

    def close(self) -> None:
        for begun in self.begun:
            begun.discard()
        self.begun = []

    def temp_inodes(self) -> list[int]:
        """The inode number of each write's temp file, in order: a file that `commit()`
        replaced has its temp file's inode (0 when the system has none)."""
        return [os.fstat(b.fd).st_ino if b.fd is not None else 0 for b in self.begun]


# Temp files fsynced at once by WriteBatch.commit (each fsync waits in the kernel, not in Python).
FSYNC_THREADS = 16


def _fsync_all(fds: list[int | None]) -> list[OSError | None]:
    return _on_threads(_fsync_error, fds)


_T = TypeVar("_T")
_R = TypeVar("_R")


def _on_threads(fn: Callable[[_T], _R], items: list[_T]) -> list[_R]:
    """`[fn(item) for item in items]` spread over the fsync threads, one share of the items
    each (a task per item cost more in handing over than some of the calls themselves)."""
    shares = min(FSYNC_THREADS, len(items))
    if shares < 2:
        return [fn(item) for item in items]
    results: list[_R] = [None] * len(items)  # type: ignore[list-item]
    parts = _fsync_threads().map(
        lambda part: [fn(item) for item in part], [items[i::shares] for i in range(shares)]
    )
    for i, part in enumerate(parts):
        results[i::shares] = part
    return results


_fsync_pool: tuple[int, ThreadPoolExecutor] | None = None  # (the process it belongs to, pool)


def _fsync_threads() -> ThreadPoolExecutor:
    """The process's fsync threads, started once: retag commits a batch every few dozen files,
    and starting up to FSYNC_THREADS threads for each batch cost more CPU than the fsyncs' own
    system calls. A forked worker process starts its own (threads do not survive a fork)."""
    global _fsync_pool
    if _fsync_pool is None or _fsync_pool[0] != os.getpid():
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(max_workers=FSYNC_THREADS, thread_name_prefix="postctl-fsync")
        _fsync_pool = (os.getpid(), pool)
    return _fsync_pool[1]


def _close_all(fds: list[int]) -> None:
    """Close every descriptor, on the fsync threads when there are several (see commit)."""
    _on_threads(_close_quietly, fds)


def _close_quietly(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass


def _fsync_error(fd: int | None) -> OSError | None:
    try:
        if fd is not None:
            os.fsync(fd)
    except OSError as e:
        return e
    return None


_TEMP_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


# The longest file name most file systems take, in bytes (ext4, XFS, Btrfs, APFS, NTFS's 255
# UTF-16 units are at least that many); _create_temp finds out when a folder takes fewer.
_NAME_MAX = 255
_TEMP_SUFFIX_BYTES = len(".000000000000.tmp")


def _temp_name(name: str, limit: int, token: str = "") -> str:
    """`.{name}.{12 random hex digits}.tmp`: hidden, beside the post, named after it and unique,
    the post's name cut short (on a character boundary) so that the whole fits `limit` bytes.
    `token`: those 12 characters (leftover_temp_files uses it to recognise a name)."""
    room = limit - 1 - _TEMP_SUFFIX_BYTES
    encoded = os.fsencode(name)
    if len(encoded) > room:
        name = encoded[: max(room, 0)].decode("utf-8", "ignore")
    return f".{name}.{token or os.urandom(6).hex()}.tmp"


def leftover_temp_files(folder: str, names: Iterable[str]) -> list[str]:
    """The paths of the temp files in `folder` that writes of the files named `names` make
    (`_temp_name`, with either limit `_create_temp` uses): what a write left there when its
    process was killed before it could replace the file or remove the temp file. A name cut
    short may also be that of another file with the same long beginning."""
    try:
        entries = sorted(os.listdir(folder))
    except OSError:
        return []
    token_size = _TEMP_SUFFIX_BYTES - len("..tmp")
    hex_digits = frozenset("0123456789abcdef")
    found: set[str] = set()
    for name in set(names):
        size = len(os.fsencode(name))
        # The second limit only where it leaves some of the name (else every temp file would do).
        for limit in (_NAME_MAX, size) if size > _TEMP_SUFFIX_BYTES + 1 else (_NAME_MAX,):
            head, _, tail = _temp_name(name, limit, "\0").partition("\0")
            at = bisect.bisect_left(entries, head)
            while at < len(entries) and entries[at].startswith(head):
                entry, at = entries[at], at + 1
                token = entry[len(head) : len(entry) - len(tail)]
                if (
                    entry.endswith(tail)
                    and len(token) == token_size
                    and hex_digits.issuperset(token)
                ):
                    found.add(os.path.join(folder, entry))
    return sorted(found)


@dataclass
class _BegunWrite:
    """One atomic write, step by step: write the temp file, then finish (the fsync's outcome
    given) by checking the file and replacing it; `discard` removes whatever is left."""

    path: Path
    target: Path
    new_bytes: bytes
    original: Post
    expected: bytes | None
    tmp: str = ""  # the temp file's path, while it is there to remove
    _opened: list[int] = field(default_factory=list)  # its descriptor, while it is open
    unneeded: bool = False  # the file already holds new_bytes

    def check(self, hold: list[int] | None = None) -> None:
        """EditError when the file changed on disk since `original` was read. With `hold`, the
        file is left open and its descriptor added there (see WriteBatch.commit)."""
        current = check_unchanged(
            self.path, self.original, self.expected, target=self.target, hold=hold
        )
        self.unneeded = current == self.new_bytes

    def write_temp(self, mode: int, st: os.stat_result) -> None:
        """The new bytes in a temp file beside the target, with the target's mode and owner.
        Whatever interrupts it (an error, Ctrl-C), the temp file is removed again."""
        try:
            self._create_temp()
            fd = self._opened[0]
            view = memoryview(self.new_bytes)
            while view:
                view = view[os.write(fd, view) :]
            os.fchmod(fd, mode)
            if hasattr(os, "fchown") and os.geteuid() == 0:
                os.fchown(fd, st.st_uid, st.st_gid)
        except BaseException as e:
            self.discard()
            if isinstance(e, OSError):
                raise self._failed(e) from None
            raise

    def _create_temp(self) -> None:
        """Create and open the temp file (0600, never an existing file or a link, as
        tempfile.mkstemp does), its name and descriptor recorded for `discard` however it is
        interrupted: the name before the file exists, and the descriptor by `list.extend`, which
        calls os.open and stores what it returns without running Python code in between (a
        Ctrl-C is raised between bytecodes, so `fd = os.open(...)` could lose the descriptor)."""
        folder, name = os.path.split(self.target)
        limit = _NAME_MAX
        while True:
            self.tmp = os.path.join(folder, _temp_name(name, limit))
            try:
                self._opened.extend(map(os.open, (self.tmp,), (_TEMP_FLAGS,), (0o600,)))
                return
            except FileExistsError:  # not ours: another name
                self.tmp = ""
            except OSError as e:
                self.tmp = ""
                if e.errno == errno.ENAMETOOLONG and limit > len(os.fsencode(name)):
                    # A file system with shorter names than usual: a temp name no longer than
                    # the post's own fits, as that does.
                    limit = len(os.fsencode(name))
                    continue
                reason = f"cannot create a temp file beside it: {_reason(e)}"
                raise EditError(self.target, reason) from None

    @property
    def fd(self) -> int | None:
        """The temp file's descriptor while it is open."""
        return self._opened[0] if self._opened else None

    def finish(self, fsync_error: OSError | None, hold: list[int] | None = None) -> None:
        """Replace the file with the fsynced temp file, after checking again that the file is
        as it was read (the temp file was written, then fsynced, a while ago: an editor may
        have saved the post meanwhile), leaving it open in `hold` when given (see
        WriteBatch.commit)."""
        try:
            os.close(self._opened.pop())
            if fsync_error is not None:
                raise fsync_error
            self.check(hold)
            if self.unneeded:
                return
            os.replace(self.tmp, self.target)
            self.tmp = ""
        except OSError as e:
            raise self._failed(e) from None

    def _failed(self, error: BaseException) -> EditError:
        reason = f"write failed, file left as it was: {_reason(error)}"
        return EditError(self.target, reason, failed=True)

    def discard(self) -> None:
        while self._opened:
            try:
                os.close(self._opened.pop())
            except OSError:
                pass
        if self.tmp:
            tmp, self.tmp = self.tmp, ""
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _read_file(path: Path | str, hold: list[int] | None = None) -> tuple[os.stat_result, bytes]:
    """(the stat of the file as opened, all its bytes); OSError when it cannot be read, or is
    not a regular file (O_NONBLOCK: a FIFO is refused, not waited on). With `hold`, the file
    is left open once read, its descriptor added there for the caller to close."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    if hold is not None:
        hold.append(fd)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        # One read gives the file as it was opened; then reads to the end if it grew or shrank
        # since (or a read came back short).
        data = os.read(fd, st.st_size + 1)
        if len(data) != st.st_size:
            chunks = [data]
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
            data = b"".join(chunks)
    finally:
        if hold is None:
            os.close(fd)
    return st, data


def fsync_folder(folder: Path) -> None:
    """fsync a folder, so the renames in it survive a crash (where the system allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some filesystems cannot fsync a folder; the rename is done regardless
        pass
    finally:
        os.close(fd)


def _reason(error: BaseException) -> str:
    if isinstance(error, FileNotFoundError):
        return "no such file (or a dangling symlink)"
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, RuntimeError):
        return "symlink loop"
    if isinstance(error, OSError):
        if error.errno == 40:  # ELOOP
            return "symlink loop"
        reason = error.strerror or str(error)
        return reason[:1].lower() + reason[1:]
    return str(error)


# -- diffs ----------------------------------------------------------------------------------------


def unified_diff(path_label: str, old: bytes, new: bytes, color: bool = False) -> str:
    """`diff -u` of two versions of a file; control characters in it are shown escaped, so a
    hostile post cannot drive the terminal. `color` adds ANSI colours (for a terminal)."""
    import difflib

    from postctl.output import safe_text

    def lines(data: bytes) -> list[str]:
        text = data.decode("utf-8", "replace")
        out = []
        for line in text.splitlines(keepends=True):
            body = line.rstrip("\r\n")
            out.append(safe_text(body) + "\n")
        if text and not text.endswith(("\n", "\r")):
            out[-1] = out[-1] + "\\ No newline at end of file\n"
        return out

    label = safe_text(path_label)
    diff = difflib.unified_diff(lines(old), lines(new), f"a/{label}", f"b/{label}")
    result = []
    for line in diff:
        if not line.endswith("\n"):
            line += "\n"
        if color:
            if line.startswith(("+++", "---")):
                line = f"\x1b[1m{line[:-1]}\x1b[0m\n"
            elif line.startswith("@@"):
                line = f"\x1b[36m{line[:-1]}\x1b[0m\n"
            elif line.startswith("+"):
                line = f"\x1b[32m{line[:-1]}\x1b[0m\n"
            elif line.startswith("-"):
                line = f"\x1b[31m{line[:-1]}\x1b[0m\n"
        result.append(line)
    return "".join(result)
