"""Renaming, merging, adding, removing and moving the terms of a list field (tags, categories,
or any other) across many posts, through the byte-exact editor. Usable without the CLI:

    from postctl.retag import RetagSpec, retag
    report = retag(posts, RetagSpec(rename=(("js", "javascript"),)), dry_run=True)

Only posts whose terms would change are read again; each is re-parsed from its current bytes,
edited in place (`postctl.edit`) and written atomically. A file that cannot be edited exactly or
safely is skipped with the reason; nothing else is touched.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from postctl import edit
from postctl.edit import EditError
from postctl.model import Post, terms_of

Status = Literal["changed", "unchanged", "skipped", "failed"]


@dataclass(frozen=True)
class RetagSpec:
    """What to do to each post's terms, in this order: rename (several old terms may go to one
    new term), remove, add, and move terms from `field` to `move_to`. Terms match exactly, or
    case-insensitively with `ignore_case`. A new term already present is not added twice: the
    first occurrence stays where it is. `drop_empty` removes the key instead of leaving `[]`."""

    rename: tuple[tuple[str, str], ...] = ()
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    move: tuple[str, ...] = ()
    field: str = "tags"
    move_to: str | None = None
    ignore_case: bool = False
    drop_empty: bool = False

    def __post_init__(self) -> None:
        terms = [t for pair in self.rename for t in pair] + [*self.add, *self.remove, *self.move]
        if not terms:
            raise ValueError("nothing to do: give OLD NEW, --add, --remove or --move")
        for term in terms:
            if not term.strip() or term != term.strip():
                raise ValueError(f"{term!r} is not a term (empty, or spaces around it)")
        if self.move and not self.move_to:
            raise ValueError("--move needs a field to move to (--to)")
        if self.move_to is not None and self.move_to == self.field:
            raise ValueError(f"--to {self.move_to} is the field the terms come from")
        for old, new in self.rename:
            if old == new:
                raise ValueError(f"renaming {old!r} to itself")

    def _key(self, term: str) -> str:
        return term.casefold() if self.ignore_case else term

    def _matches(self, term: str, wanted: Iterable[str]) -> bool:
        key = self._key(term)
        return any(key == self._key(w) for w in wanted)

    def apply(self, terms: list[str]) -> tuple[list[str], list[str]]:
        """(the field's new terms, the terms moved out of it)."""
        renames = {self._key(old): new for old, new in self.rename}
        result = list(terms)
        if any(self._key(t) in renames for t in terms):
            # Merge: where a new term ends up twice, its first occurrence stays.
            targets = {self._key(new) for new in renames.values()}
            result, seen = [], set()
            for term in terms:
                term = renames.get(self._key(term), term)
                key = self._key(term)
                if key in targets:
                    if key in seen:
                        continue
                    seen.add(key)
                result.append(term)
        result = [t for t in result if not self._matches(t, self.remove)]
        moved = [t for t in result if self._matches(t, self.move)]
        result = [t for t in result if not self._matches(t, self.move)]
        for term in self.add:
            if not self._matches(term, result):
                result.append(term)
        return result, moved


@dataclass
class FileResult:
    """What happened to one post. `before`/`after` are the file's bytes (for diffs; empty when
    nothing was read), `changes` maps each edited key to its (old, new) terms."""

    path: Path
    status: Status
    reason: str = ""
    before: bytes = b""
    after: bytes = b""
    changes: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)
    original: Post | None = None  # the post as parsed from `before`, for the write


@dataclass
class RetagReport:
    results: list[FileResult] = field(default_factory=list)  # every post not left unchanged
    examined: int = 0

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def ok(self) -> bool:
        return not any(r.status in ("skipped", "failed") for r in self.results)


def field_key(post: Post, field_name: str) -> str:
    """The front-matter key that holds `field_name` for this post, as written: Jekyll's singular
    `tag`/`category` when set (it wins, Utils.pluralized_array_from_hash in
    jekyll/lib/jekyll/utils.rb), a differently-cased key on Hugo (Hugo lower-cases front-matter
    keys), else the field name itself."""
    if post.kind == "jekyll":
        singular = {"tags": "tag", "categories": "category"}.get(field_name)
        if singular and post.data.get(singular) is not None:
            return singular
    if field_name in post.data:
        return field_name
    if post.kind == "hugo":
        lowered = field_name.lower()
        for key in post.data:
            if key.lower() == lowered:
                return key
    return field_name


def _splits(post: Post, key: str) -> bool:
    # Jekyll splits a plural key's string on whitespace; the singular key is taken whole.
    return post.kind == "jekyll" and key not in edit.JEKYLL_SINGULAR_KEYS


def front_matter_terms(post: Post, key: str) -> list[str]:
    """The terms written in the front matter under `key` (Jekyll's folder categories are not)."""
    return terms_of(post.data.get(key), _splits(post, key))


def plan(post: Post, spec: RetagSpec) -> dict[str, tuple[list[str], list[str]]]:
    """The keys this post's retag would change, each with its (old, new) terms."""
    key = field_key(post, spec.field)
    old = front_matter_terms(post, key)
    new, moved = spec.apply(old)
    changes: dict[str, tuple[list[str], list[str]]] = {}
    if new != old:
        changes[key] = (old, new)
    if moved and spec.move_to:
        target = field_key(post, spec.move_to)
        have = front_matter_terms(post, target)
        grown = have + [t for t in moved if not spec._matches(t, have)]
        if grown != have:
            changes[target] = (have, grown)
    return changes


def edit_post(post: Post, spec: RetagSpec) -> FileResult:
    """Read the post again and compute its new bytes (nothing is written)."""
    planned = plan(post, spec)
    if not planned:
        return FileResult(post.path, "unchanged")
    try:
        fresh, content = edit.read_for_edit(post)
        changes = plan(fresh, spec)
        new = content
        for key, (_, terms) in changes.items():
            if not terms and spec.drop_empty:
                new = edit.remove_key(fresh, new, key)
            else:
                new = edit.set_terms(fresh, new, key, terms)
    except EditError as e:
        return FileResult(post.path, "skipped", e.reason, changes=planned)
    if new == content:
        return FileResult(post.path, "unchanged")
    return FileResult(post.path, "changed", "", content, new, changes, fresh)


def retag(
    posts: Iterable[Post],
    spec: RetagSpec,
    *,
    dry_run: bool = False,
    on_result: Callable[[FileResult], None] | None = None,
) -> RetagReport:
    """Retag every post (writing each changed file unless `dry_run`). `on_result` is called for
    each post that is not unchanged, as soon as it is done (for diffs as they come)."""
    report = RetagReport()
    seen: set[str] = set()
    for post in posts:
        real = os.path.realpath(post.path)
        if real in seen:  # a symlink to a post already done: the same file
            continue
        seen.add(real)
        report.examined += 1
        result = edit_post(post, spec)
        if result.status == "unchanged":
            continue
        if result.status == "changed" and not dry_run and result.original is not None:
            try:
                edit.write_atomic(post.path, result.after, result.original, result.before)
            except EditError as e:
                result.status = "failed" if e.failed else "skipped"
                result.reason = e.reason
        report.results.append(result)
        if on_result is not None:
            on_result(result)
    return report


SUMMARY_COLUMNS = ("status", "path", "field", "before", "after", "reason")


def result_rows(result: FileResult, dry_run: bool = False) -> list[dict[str, object]]:
    """A result as summary rows: one per edited key (a skipped file shows what it would have
    changed when that is known), else one with the reason."""
    status = "would change" if dry_run and result.status == "changed" else result.status
    base: dict[str, object] = {"status": status, "path": result.path, "reason": result.reason}
    if not result.changes:
        return [base | {"field": None, "before": None, "after": None}]
    return [
        base | {"field": key, "before": old, "after": new}
        for key, (old, new) in result.changes.items()
    ]
