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
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from postctl import edit
from postctl.edit import EditError
from postctl.model import Post, PostError, key_terms

Status = Literal["changed", "unchanged", "skipped", "failed"]


@dataclass(frozen=True)
class RetagSpec:
    """What to do to each post's terms, in this order: rename (several old terms may go to one
    new term), remove, move terms out of `field` into `move_to`, then add. Terms match exactly,
    or case-insensitively with `ignore_case`. A term already present is not added twice, and a
    merged term keeps its first place. `drop_empty` removes an emptied key instead of `[]`."""

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

    @cached_property
    def _touched(self) -> frozenset[str]:
        """The keys of every term a rename, removal or move acts on."""
        terms = [old for old, _ in self.rename] + [*self.remove, *self.move]
        return frozenset(self._key(t) for t in terms)

    def matches(self, term: str, wanted: Iterable[str]) -> bool:
        """Whether `term` is one of `wanted` (case-insensitively with `ignore_case`)."""
        key = self._key(term)
        return any(key == self._key(w) for w in wanted)

    def apply(self, terms: list[str]) -> tuple[list[str], list[str]]:
        """(one list's new terms, the terms moved out of it): rewrite, then additions."""
        new, moved = self.rewrite(terms)
        return new + self.additions(new), moved

    def rewrite(self, terms: list[str]) -> tuple[list[str], list[str]]:
        """Renames, removals and moves: (the new terms, the terms moved out)."""
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
        result = [t for t in result if not self.matches(t, self.remove)]
        moved = [t for t in result if self.matches(t, self.move)]
        return [t for t in result if not self.matches(t, self.move)], moved

    def may_change(self, terms: Iterable[str]) -> bool:
        """Whether a post whose field reads as `terms` (normalized, as Post.terms gives them)
        may be changed: a cheap test that never misses a post `plan` would change."""
        keys = {self._key(t) for t in terms}
        if not keys.isdisjoint(self._touched):
            return True
        return any(self._key(t) not in keys for t in self.add)

    def additions(self, present: list[str]) -> list[str]:
        """The terms to add to a post that has `present`."""
        return [t for t in dict.fromkeys(self.add) if not self.matches(t, present)]


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


def field_keys(post: Post, field_name: str) -> list[str]:
    """The front-matter keys, as written, whose terms make up `field_name` for this post; new
    terms go to the first. Jekyll: a truthy singular `tag` wins over `tags`
    (Utils.pluralized_array_from_hash, jekyll/lib/jekyll/utils.rb), while `categories` and a
    truthy `category` both count (Document#populate_categories, jekyll/lib/jekyll/document.rb).
    Hugo: the key Hugo keeps when several spell the name in different cases (Post.hugo_keys)."""
    if post.kind == "jekyll" and field_name in ("tags", "categories"):
        singular = field_name[:-1] if field_name == "tags" else "category"
        value = post.data.get(singular)
        if value is None or value is False:
            return [field_name]
        return [singular] if field_name == "tags" else [field_name, singular]
    if post.kind == "hugo":
        return [post.hugo_keys.get(field_name.lower(), field_name)]
    return [field_name]


def front_matter_terms(post: Post, key: str) -> list[str]:
    """The terms written under `key` (Jekyll's folder categories are not in the front matter)."""
    return key_terms(post.kind, key, post.data.get(key))


def plan(post: Post, spec: RetagSpec) -> dict[str, tuple[list[str], list[str]]]:
    """The keys this post's retag would change, each with its (old, new) terms."""
    keys = field_keys(post, spec.field)
    before = {key: front_matter_terms(post, key) for key in keys}
    after: dict[str, list[str]] = {}
    moved: list[str] = []
    for key in keys:
        after[key], moved_here = spec.rewrite(before[key])
        moved += moved_here
    everything = [t for key in keys for t in after[key]]
    if spec.field == "categories":
        everything += post.categories_from_path  # Jekyll's folder categories are already there
    after[keys[0]] = after[keys[0]] + spec.additions(everything)
    changes = {key: (before[key], after[key]) for key in keys if after[key] != before[key]}
    if moved and spec.move_to:
        target = field_keys(post, spec.move_to)[0]
        have = front_matter_terms(post, target)
        grown = have + [t for t in dict.fromkeys(moved) if not spec.matches(t, have)]
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
        changes = planned if fresh is post else plan(fresh, spec)
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


# Edits run on threads: most of a write is waiting for fsync, which releases the GIL, and the
# disk commits several files at once (on a busy 2-CPU test machine, 300 small files took 1.1 s
# to write and fsync one by one, 0.09 s on 8 threads and 0.04 s on 32).
WRITE_THREADS = 32


def retag(
    posts: Iterable[Any],
    spec: RetagSpec,
    *,
    dry_run: bool = False,
    on_result: Callable[[FileResult], None] | None = None,
    load: Callable[[Path], Post] | None = None,
) -> RetagReport:
    """Retag every post (writing each changed file unless `dry_run`). `on_result` is called for
    each post that is not unchanged, in the order of `posts`, as soon as it is done.

    `posts` are Posts; or, with `load` (such as `Site.load`), anything with a `path`, such as
    the PostSummary of each post that `RetagSpec.may_change`: each is then loaded by `load` on
    a worker thread just before its edit, so a post is read and parsed once."""
    report = RetagReport()
    candidates: list[Any] = []
    seen: set[str] = set()
    for post in posts:
        report.examined += 1
        if load is None and not plan(post, spec):
            continue
        real = os.path.realpath(post.path)
        if real in seen:  # a symlink to a post already in the list: the same file
            continue
        seen.add(real)
        candidates.append(post)
    folders: set[Path] = set()

    def run(item: Any) -> FileResult:
        post = item
        if load is not None:
            path = Path(item.path)  # a summary's path may be a string
            try:
                post = load(path)
            except PostError as e:
                return FileResult(path, "skipped", f"does not parse: {e.message}")
        result = edit_post(post, spec)
        if result.status == "changed" and not dry_run and result.original is not None:
            try:
                written = edit.write_atomic(
                    post.path, result.after, result.original, result.before, sync_folder=False
                )
            except EditError as e:
                result.status = "failed" if e.failed else "skipped"
                result.reason = e.reason
            else:
                if written:
                    folders.add(Path(os.path.realpath(post.path)).parent)
        return result

    try:
        if len(candidates) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=WRITE_THREADS) as pool:
                try:
                    _collect(report, pool.map(run, candidates), on_result)
                except BaseException:
                    # Ctrl-C or a closed pipe: start no more edits (each one done is whole).
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise
        else:
            _collect(report, map(run, candidates), on_result)
    finally:
        for folder in sorted(folders):  # once per folder, not once per file
            edit.fsync_folder(folder)
    return report


def _collect(
    report: RetagReport,
    results: Iterable[FileResult],
    on_result: Callable[[FileResult], None] | None,
) -> None:
    for result in results:
        if result.status == "unchanged":
            continue
        report.results.append(result)
        if on_result is not None:
            on_result(result)


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
