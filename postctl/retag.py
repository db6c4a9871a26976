"""Renaming, merging, adding, removing and moving the terms of a list field (tags, categories,
or any other) across many posts, through the byte-exact editor. Usable without the CLI:

    from postctl.retag import RetagSpec, retag, retag_paths
    report = retag(posts, RetagSpec(rename=(("js", "javascript"),)), dry_run=True)
    report = retag_paths(site_files, spec, site.load)  # read, pick and edit each file once

Only posts whose terms would change are edited; each is re-parsed from its current bytes,
edited in place (`postctl.edit`) and written atomically. A file that cannot be edited exactly or
safely is skipped with the reason; nothing else is touched. Many edits run in worker processes.
A run that reads every post (no parse cache) parses only those whose front matter may hold a
term it renames, removes or moves (`TermScreen`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from postctl import edit
from postctl.edit import EditError
from postctl.model import (
    Post,
    PostError,
    SiteKind,
    front_matter_text,
    key_terms,
    splits_terms,
)

if TYPE_CHECKING:
    from postctl.listing import PostFilter
    from postctl.site import Site

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
        return frozenset(self._renames) | self._removed | self._moved

    @cached_property
    def _renames(self) -> dict[str, str]:
        return {self._key(old): new for old, new in self.rename}

    @cached_property
    def _removed(self) -> frozenset[str]:
        return frozenset(self._key(t) for t in self.remove)

    @cached_property
    def _moved(self) -> frozenset[str]:
        return frozenset(self._key(t) for t in self.move)

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
        key_of, renames = self._key, self._renames
        result = list(terms)
        if any(key_of(t) in renames for t in terms):
            # Merge: where a new term ends up twice, its first occurrence stays.
            targets = {key_of(new) for new in renames.values()}
            result, seen = [], set()
            for term in terms:
                term = renames.get(key_of(term), term)
                key = key_of(term)
                if key in targets:
                    if key in seen:
                        continue
                    seen.add(key)
                result.append(term)
        if self._removed:
            result = [t for t in result if key_of(t) not in self._removed]
        if not self._moved:
            return result, []
        moved = [t for t in result if key_of(t) in self._moved]
        return [t for t in result if key_of(t) not in self._moved], moved

    def may_change(self, terms: Iterable[str]) -> bool:
        """Whether a post whose field reads as `terms` (normalized, as Post.terms gives them)
        may be changed: a cheap test that never misses a post `plan` would change."""
        # Called on every post of a scan: no call per term when matching is exact.
        keys = {t.casefold() for t in terms} if self.ignore_case else set(terms)
        if not keys.isdisjoint(self._touched):
            return True
        return any(self._key(t) not in keys for t in self.add)

    def additions(self, present: list[str]) -> list[str]:
        """The terms to add to a post that has `present`."""
        return [t for t in dict.fromkeys(self.add) if not self.matches(t, present)]

    def screen(self, kind: SiteKind) -> TermScreen | None:
        """What tells, from a post's unparsed front matter, that it has none of the terms this
        retag renames, removes or moves, so need not be parsed (see TermScreen); None when no
        post can be passed over so: with --add any post may change, and a term that a number,
        a date, a boolean or another value that is not a string may read as (`1e3` is "1000.0",
        `yes` "true", a nested list "['a']") need not be written as itself."""
        if self.add:
            return None
        terms = tuple(sorted(self._touched))
        if any(not _written_as_itself(t.casefold()) for t in terms):
            return None
        # Words of a string are terms only where the model splits one (model.key_terms).
        split = splits_terms(kind, self.field)
        # Jekyll's folder categories are not in the front matter, but such a post is reported
        # (see folder_terms): one whose folders may give a term is not passed over.
        folders = kind == "jekyll" and self.field == "categories"
        return TermScreen(terms, self.ignore_case, split=split, kind=kind, folders=folders)


# What term_text makes of a value that is not a string: numbers ("1000.0", "1e+16", "-3"),
# dates and times ("2020-01-01T10:00:00+01:00", folded to lower case here), "inf", "nan".
_RENDERED_VALUE = re.compile(r"[-+0-9.:e t]+|[-+]?(?:inf|nan)|true|false")


def _written_as_itself(folded: str) -> bool:
    """Whether a post can hold the term `folded` (case-folded) only where its front matter
    spells it out: not a rendering of a value that is not a string (`_RENDERED_VALUE`; the
    text of a nested list, mapping, set or bytes starts with a bracket or `b'`), and with no
    quote or backslash, which quoting may spell otherwise (`'it''s'`, `"\\u0041"`)."""
    return (
        _RENDERED_VALUE.fullmatch(folded) is None
        and not folded.startswith(("[", "{", "("))
        and not any(c in folded for c in "'\"\\")
    )


# A scalar ends before these (after spaces and tabs): a line break, a flow indicator, a comment,
# a quote, a `:` (a key); and starts after these, or after an anchor or tag (`&a`, `!!str`):
# a line break, a `-` or `?` indicator, a flow indicator, a `:` or TOML's `=`, a quote.
_ENDS_SCALAR = frozenset("\n\r,]}#'\":")
_STARTS_SCALAR = frozenset("\n\r-?:[{,='\"")
# What Python's str.split (Jekyll's split of a string of terms, model.key_terms) splits at.
_SPLIT_SPACE = frozenset(c for c in map(chr, range(128)) if c.isspace())


@dataclass(frozen=True)
class TermScreen:
    """Passes over the posts whose front matter surely gives none of `terms` (case-folded with
    `ignore_case`), before they are parsed: a term a post has, once parsed, is written in its
    front matter text (the text `load_post` parses, found the same way) as a scalar of its own,
    or as words of a Jekyll string of terms (`split`), with these exceptions, all taken as
    "may hold": escapes (any backslash in the front matter), a term over several lines (a term
    with spaces only needs each of its words somewhere), case (with `ignore_case` the folded
    text is searched: str.casefold folds each character on its own, so `ß` is `ss` in both),
    and values that are not strings (`RetagSpec.screen` makes no screen for such terms).
    Aliases and merge keys repeat text of the same front matter, Hugo's key case and Jekyll's
    singular keys name the key, not the term. Jekyll's folder categories are not in the front
    matter: with `folders`, a post with a folder named as a term is not passed over (a retag
    cannot change such a category, and says so). When unsure: may hold."""

    terms: tuple[str, ...]
    ignore_case: bool
    split: bool
    kind: SiteKind
    folders: bool = False

    def passes_over(self, path: Path | str) -> bool:
        """Whether the post at `path` surely has none of the terms (so neither changes nor
        needs parsing). A file that cannot be read or located is not passed over: loading it
        says what is wrong."""
        if self.folders and self._in_folder(str(path)):
            return False
        try:
            text = front_matter_text(path, self.kind)
        except PostError:
            return False
        return text is None or not self.may_hold(text)

    def _in_folder(self, path: str) -> bool:
        """Whether a folder of `path` is named as one of the terms."""
        folders = path.split(os.sep)[:-1]
        if self.ignore_case:
            folders = [folder.casefold() for folder in folders]
        return not set(folders).isdisjoint(self.terms)

    def may_hold(self, text: str) -> bool:
        """Whether front matter `text`, once parsed, may give one of the terms."""
        if "\\" in text:
            return True
        if self.ignore_case:
            text = text.casefold()
        for term in self.terms:
            words = term.split()
            if len(words) > 1:
                if all(word in text for word in words):
                    return True
            elif self._stands_alone(text, term):
                return True
        return False

    def _stands_alone(self, text: str, term: str) -> bool:
        """Whether `term` is somewhere in `text` where a scalar (or a split word) may start
        and end: scalars are never searched for inside a longer string."""
        size = len(text)
        at = text.find(term)
        while at >= 0:
            end = at + len(term)
            if self._may_start(text, at) and self._may_end(text, end, size):
                return True
            at = text.find(term, at + 1)
        return False

    def _may_start(self, text: str, at: int) -> bool:
        before = at
        while before > 0 and text[before - 1] in " \t":
            before -= 1
        if before == 0:
            return True
        c = text[before - 1]
        if (
            c in _STARTS_SCALAR
            or c >= "\x80"
            or (self.split and (before < at or c in _SPLIT_SPACE))
        ):
            return True
        # An anchor or a tag before the scalar: the word before it holds a `&` or a `!`.
        word = max(text.rfind(" ", 0, before), text.rfind("\t", 0, before))
        word = max(word, text.rfind("\n", 0, before), text.rfind("\r", 0, before))
        return "&" in text[word + 1 : before] or "!" in text[word + 1 : before]

    def _may_end(self, text: str, end: int, size: int) -> bool:
        after = end
        while after < size and text[after] in " \t":
            after += 1
        if after == size:
            return True
        c = text[after]
        return (
            c in _ENDS_SCALAR or c >= "\x80" or (self.split and (after > end or c in _SPLIT_SPACE))
        )


@dataclass
class FileResult:
    """What happened to one post. `before`/`after` are the file's bytes, kept only for a dry
    run's diffs (empty otherwise); `changes` maps each edited key to its (old, new) terms."""

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


def folder_terms(post: Post, spec: RetagSpec) -> list[str]:
    """The categories Jekyll gives `post` from its folders (`news/_posts/...` is in `news`)
    that this retag would rename, remove or move: a retag cannot, they are not in the front
    matter (the post has to move)."""
    if spec.field != "categories" or not post.categories_from_path:
        return []
    return [t for t in post.categories_from_path if spec._key(t) in spec._touched]


def _folder_reason(terms: list[str]) -> str:
    names = ", ".join(repr(t) for t in terms)
    return f"category {names} comes from the post's folder: move the post to change it"


def edit_post(post: Post, spec: RetagSpec) -> FileResult:
    """Read the post again and compute its new bytes (nothing is written)."""
    planned = plan(post, spec)
    if not planned:
        from_folders = folder_terms(post, spec)
        if from_folders:
            return FileResult(post.path, "skipped", _folder_reason(from_folders))
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
    from_folders = folder_terms(fresh, spec)
    reason = _folder_reason(from_folders) if from_folders else ""
    return FileResult(post.path, "changed", reason, content, new, changes, fresh)


# Many edits are spread over worker processes: loading, editing and re-parsing a post is CPU
# work that threads cannot share (930 edits on 32 threads spent more time waiting for the GIL
# than working). Below this many posts to edit, starting the workers costs more than it saves.
PROCESS_THRESHOLD = 100
# A chunk's writes are committed together, at most this many at a time (each holds an open temp
# file until then, and some systems allow a process only 256 open files).
WRITE_BATCH = 64
# Smaller runs still write on a few threads: a write is mostly waiting for fsync, which releases
# the GIL, and a busy disk commits the fsyncs of several files together.
WRITE_THREADS = 4

# What editing one post gives: None when `keep` passed over it, False when it is unchanged, the
# PostError of a file that does not load (in a scan), the path of a symlinked post (in a scan:
# left to the parent process), or (result, the real path of the file for a scan, else "").
Outcome = None | Literal[False] | PostError | str | tuple[FileResult, str]


def retag(
    posts: Iterable[Any],
    spec: RetagSpec,
    *,
    dry_run: bool = False,
    on_result: Callable[[FileResult], None] | None = None,
    load: Callable[[Path], Post] | None = None,
    jobs: int | None = None,
) -> RetagReport:
    """Retag every post (writing each changed file unless `dry_run`). `on_result` is called for
    each post that is not unchanged, in the order of `posts`, as soon as it is done.

    `posts` are Posts; or, with `load` (such as `Site.load`), anything with a `path`, such as
    the PostSummary of each post that `RetagSpec.may_change`: each is then loaded just before
    its edit, so a post is read and parsed once. Above PROCESS_THRESHOLD posts to edit, the
    edits run in `jobs` worker processes (default: one per CPU); `load` must then be picklable
    (a module-level function or a method of a picklable object, as `Site.load` is)."""
    report = RetagReport()
    real_folders: dict[str, str] = {}
    seen: set[str] = set()

    def candidates() -> Iterator[Any]:
        for post in posts:
            report.examined += 1
            if load is None and not (plan(post, spec) or folder_terms(post, spec)):
                continue
            real = _real_path(post.path, real_folders)
            if real in seen:  # a symlink to a post already in the list: the same file
                continue
            seen.add(real)
            # A worker needs only the path of a post it loads itself.
            yield str(post.path) if load is not None else post

    task = _EditTask(spec, dry_run, load)
    # Fed while `posts` is still being read (a scan of the parse cache): the workers edit the
    # first posts while this process looks for the next (it does no chunks itself). The
    # workers write too: they have only the picked posts to load, while this process reads
    # the cache (writing here as well made it the slowest part: 0.73 -> 0.67 s on a warm
    # 10,000-post site).
    outcomes = _run(
        task,
        candidates(),
        jobs,
        threshold=PROCESS_THRESHOLD,
        chunk_posts=32,
        share=False,
        writes_here=False,
    )
    with closing(outcomes):
        for outcome in outcomes:
            if isinstance(outcome, tuple):
                _emit(report, outcome[0], on_result)
    return report


def retag_paths(
    paths: Sequence[Path | str],
    spec: RetagSpec,
    load: Callable[[Path], Post],
    *,
    keep: Callable[[Post], bool] | None = None,
    dry_run: bool = False,
    on_result: Callable[[FileResult], None] | None = None,
    on_error: Callable[[PostError], None] | None = None,
    jobs: int | None = None,
    screen: TermScreen | None = None,
) -> RetagReport:
    """Retag the post at each path: for runs that parse every post anyway (no parse cache to
    pick the posts from). Each post is loaded with `load` (such as `Site.load`), picked by
    `keep` (such as `PostFilter.matches`; `examined` counts the posts it picks), and edited
    and written right where it was loaded: in worker processes when there are many, so the
    whole site is read and parsed once, spread over the CPUs, and only the results of the
    posts that change come back. `load` and `keep` must then be picklable.

    With `screen` (`spec.screen(site.kind)`; give it only without `keep`), a post it passes
    over is not parsed: it counts as examined and unchanged, even when it would not parse
    (such a file is reported only when its front matter may hold a term: see TermScreen).

    `on_result` is called in the order of `paths`; `on_error` gets the PostError of each file
    that does not load, as it comes. A symlinked post is edited by this process once the others
    are done (results after it wait for it, to keep their order), unless its target was
    already edited through another path: a file is edited once."""
    if screen is not None and keep is not None:
        raise ValueError("a screen passes posts over before `keep` could count them: not both")
    report = RetagReport()
    task = _EditTask(spec, dry_run, load, keep, scan=True, screen=screen)
    seen: set[str] = set()
    held: list[str | tuple[FileResult, str]] = []  # from the first symlinked post on
    from postctl.site import PARALLEL_THRESHOLD

    outcomes = _run(
        task,
        [str(p) for p in paths],
        jobs,
        threshold=PARALLEL_THRESHOLD,  # posts to read, as for any parse of a site
        chunk_posts=250,
        share=False,  # this process writes (the workers parse every post)
        writes_here=True,
    )
    with closing(outcomes):
        for outcome in outcomes:
            if isinstance(outcome, PostError):
                if on_error is not None:
                    on_error(outcome)
                continue
            if outcome is None:
                continue
            report.examined += 1
            if outcome is False:
                continue
            if held or isinstance(outcome, str):
                held.append(outcome)
            elif outcome[1] not in seen:
                seen.add(outcome[1])
                _emit(report, outcome[0], on_result)
    if not held:
        return report
    # Every file the workers edited is known now: a link to one of them is not edited again.
    edited = seen | {item[1] for item in held if isinstance(item, tuple)}
    linked = replace(task, scan=False, screen=None)
    folders: set[str] = set()
    try:
        for item in held:
            if isinstance(item, str):
                real = os.path.realpath(item)
                if real in edited:
                    continue
                edited.add(real)
                outcome = linked.one(item, _ChunkState(folders))
                if not isinstance(outcome, tuple):
                    continue
                item = (outcome[0], real)
            if item[1] not in seen:
                seen.add(item[1])
                _emit(report, item[0], on_result)
    finally:
        _sync(folders)
    return report


def retag_site(
    site: Site,
    paths: Sequence[str],
    spec: RetagSpec,
    post_filter: PostFilter,
    *,
    complete: bool = False,
    cache: bool | None = None,
    dry_run: bool = False,
    on_result: Callable[[FileResult], None] | None = None,
    on_error: Callable[[PostError], None] | None = None,
) -> RetagReport:
    """Retag the posts of `site` at `paths` (absolute path strings, as site.collect_files gives
    them; `complete`: all of the site's posts) that `post_filter` matches, reading them the
    cheapest way. With a parse cache (`cache`: as for site.iter_posts), the cached summaries
    pick the posts that may change and only those are read whole, once, just before their
    edit. Without one (none yet, or not used), every post is parsed anyway, so each is edited
    right where it is parsed, across processes (`retag_paths`); such a run leaves the cache as
    it was (`list` creates it). `on_error` gets the PostError of each post that does not load."""
    from postctl.cache import has_parse_cache
    from postctl.site import iter_posts

    jobs = (site.config["jobs"] if site.config.values else 0) or None
    # Without a filter, a post whose front matter cannot hold a term is passed over unparsed
    # (a filter needs every post parsed: `examined` counts the posts it picks).
    screen = spec.screen(site.kind) if post_filter.is_empty else None
    if not site.uses_cache(cache) or not has_parse_cache(site):
        return retag_paths(
            paths,
            spec,
            site.load,
            keep=None if post_filter.is_empty else post_filter.matches,
            dry_run=dry_run,
            on_result=on_result,
            on_error=on_error,
            jobs=jobs,
            screen=screen,
        )
    # Tags and categories are in the cheap post summaries.
    summaries = spec.field in ("tags", "categories") and not post_filter.needs_front_matter
    examined = 0

    def chosen() -> Iterator[Any]:
        """Read as retag goes: the first posts are edited while the scan goes on."""
        nonlocal examined
        for post in iter_posts(site, paths, complete=complete, summaries=summaries):
            if isinstance(post, PostError):
                # As a run without the cache says it: only where it may hold a term.
                if screen is not None and screen.passes_over(post.path):
                    examined += 1
                elif on_error is not None:
                    on_error(post)
            elif post_filter.matches(post):
                examined += 1
                terms = getattr(post, spec.field) if summaries else post.terms(spec.field)
                if spec.may_change(terms):
                    yield post

    report = retag(
        chosen(),
        spec,
        dry_run=dry_run,
        on_result=on_result,
        load=site.load if summaries else None,
        jobs=jobs,
    )
    report.examined = examined
    return report


def _emit(
    report: RetagReport, result: FileResult, on_result: Callable[[FileResult], None] | None
) -> None:
    report.results.append(result)
    if on_result is not None:
        on_result(result)


def _run(
    task: _EditTask,
    items: Iterable[Any],
    jobs: int | None,
    *,
    threshold: int,
    chunk_posts: int,
    share: bool,
    writes_here: bool,
) -> Iterator[Outcome]:
    """`task` over `items`, in order: across processes, in chunks of up to `chunk_posts` items,
    when there are `threshold` or more (`share`: see site.map_chunks; `writes_here`: the
    workers only edit, and this process writes what they changed, see _EditTask.write_here);
    else here, on threads. Each folder written to is fsynced once, when all is done."""
    from itertools import chain, islice

    jobs = jobs or os.cpu_count() or 1
    source = iter(items)
    first = list(islice(source, threshold))
    rest = chain(first, source)
    if len(first) >= threshold and jobs > 1:
        from postctl.site import map_chunks

        if isinstance(items, Sequence):  # chunks that keep every worker busy to the end
            chunk_posts = max(16, min(chunk_posts, len(items) // (jobs * 4) + 1))
        # Lazily fed chunks run further ahead, so that this process never waits for a worker
        # while it could be finding more work for them.
        window = jobs * 3 if isinstance(items, Sequence) else jobs * 8
        writes_here = writes_here and not task.dry_run
        editing = replace(task, write_here=False) if writes_here else task
        marks = None  # where the workers, when they write, mark what they replace (see redo)
        if editing.write_here and not task.dry_run:
            import multiprocessing

            marks = multiprocessing.RawArray("Q", (window + 1) * chunk_posts)
        chunks = _chunks(rest, chunk_posts, marks, window + 1)
        state = _ChunkState(batch=edit.WriteBatch() if writes_here else None)
        held: list[Outcome] = []  # in order, from the first one whose write is not done
        try:
            for outcomes, written in map_chunks(
                editing,
                chunks,
                jobs,
                share=share,
                window=window,
                redo=lambda chunk: editing.redo(chunk, marks),
                initializer=_share_write_marks,
                initargs=(marks,),
            ):
                state.folders.update(written)
                for outcome in outcomes:
                    changed = isinstance(outcome, tuple) and outcome[0].status == "changed"
                    if changed and editing is not task:
                        task._write(outcome[0], state)
                    held.append(outcome)
                    if not state.begun:  # every write so far is done: out they go, in order
                        ready, held = held, []
                        yield from ready
            _commit(state)
            yield from held
        finally:
            if state.batch is not None:
                state.batch.close()  # interrupted: the temp files go, the files stay as they were
            _sync(state.folders)
        return
    state = _ChunkState()
    try:
        if len(first) > 1 and WRITE_THREADS > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=WRITE_THREADS) as pool:
                try:
                    yield from pool.map(lambda item: task.one(item, state), rest)
                except BaseException:
                    # Ctrl-C or a closed pipe: start no more edits (each one done is whole).
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise
        else:
            for item in rest:
                yield task.one(item, state)
    finally:
        _sync(state.folders)


def _chunks(items: Iterator[Any], size: int, marks: Any, slots: int) -> Iterator[_Chunk]:
    """`items` in chunks of `size`, each given the next of `slots` places of `size` marks in
    `marks` (cleared for it), in turn: map_chunks has fewer chunks than that given out at once,
    so a place is free again when its chunk comes round."""
    from itertools import count, islice

    for number in count():
        chunk = list(islice(items, size))
        if not chunk:
            return
        first = -1
        if marks is not None:
            first = number % slots * size
            marks[first : first + size] = [0] * size
        yield _Chunk(chunk, first)


@dataclass
class _Chunk:
    """Posts edited together in a worker process. When the workers write, each has a mark in
    the run's shared `_write_marks`, from index `marks_from` (-1: none) on."""

    items: list[Any]
    marks_from: int = -1


# In a worker process that writes: a number per post of the chunks given out, shared with the
# parent process: the inode of the temp file that is to replace the post's file, set right
# before the replace (see _EditTask.redo).
_write_marks: Any = None


def _share_write_marks(marks: Any) -> None:
    global _write_marks
    _write_marks = marks


@dataclass
class _ChunkState:
    folders: set[str] = field(default_factory=set)  # written to: each is fsynced once, after
    real_folders: dict[str, str] = field(default_factory=dict)  # folder -> its real path
    batch: edit.WriteBatch | None = None  # a chunk's writes, committed together
    begun: list[FileResult] = field(default_factory=list)  # the posts written in `batch`
    # In a worker that writes: the mark of the post being edited, and those of `begun`
    mark: int = -1
    begun_marks: list[int] = field(default_factory=list)


def _sync(folders: Iterable[str]) -> None:
    for folder in sorted(folders):
        edit.fsync_folder(Path(folder))


@dataclass(frozen=True)
class _EditTask:
    """Load (with `load`), pick (with `keep`), edit and write posts, one at a time, or a chunk
    at a time in a worker process (hence a picklable module-level class). `scan`: the items
    are all the paths of a site (see `retag_paths`)."""

    spec: RetagSpec
    dry_run: bool
    load: Callable[[Path], Post] | None = None
    keep: Callable[[Post], bool] | None = None
    scan: bool = False
    screen: TermScreen | None = None  # a scan's posts that it passes over are not loaded
    # False in the worker processes of a scan (retag_paths): a changed post comes back with
    # its bytes and is written by the process that runs them, many at a time. Writes from
    # several processes at once contend for the folder (each create and replace locks it;
    # each fsync of a new file also writes the folder's changed blocks), and their batches
    # are small: one process writing them all, in batches of WRITE_BATCH, makes the disk do
    # less, and the workers, busy parsing every post, never wait for it.
    write_here: bool = True

    def __call__(self, chunk: _Chunk) -> tuple[list[Outcome], list[str]]:
        """A chunk (in a worker process, or this one's share): its posts are edited and their
        temp files written, then all are fsynced at once and the files replaced (see
        edit.WriteBatch). Gives the outcomes and the folders written to, which `_run` fsyncs
        once each when all chunks are done (one fsync per folder, not one per chunk: each
        forces the disk to flush its cache)."""
        state = _ChunkState()
        if not self.dry_run and self.write_here:
            state.batch = edit.WriteBatch()
        marks_from = chunk.marks_from if _write_marks is not None else -1
        try:
            outcomes = []
            for at, item in enumerate(chunk.items):
                if marks_from >= 0:
                    state.mark = marks_from + at
                outcomes.append(self.one(item, state))
            _commit(state)
        except BaseException:
            _sync(state.folders)  # interrupted: the files already replaced are made to last
            raise
        finally:
            if state.batch is not None:
                state.batch.close()  # interrupted: the temp files go, the files stay as they were
        return outcomes, sorted(state.folders)

    def redo(self, chunk: _Chunk, marks: Any) -> tuple[list[Outcome], list[str]]:
        """A chunk done again in this process after it failed in its worker (see
        site.map_chunks: no worker is at work on it any more), which may have died in the
        middle of writing it. A post whose file is now the temp file its worker wrote for it
        (the inode in `marks`, shared with the workers, set before the replace) was written:
        it is reported changed, its folder fsynced with the others, and not edited again
        (editing the new file again would apply a rename chain such as a->b, b->c twice). The
        temp files the worker left are removed, and the other posts edited as usual."""
        written: dict[int, Outcome] = {}
        folders: set[str] = set()
        for at, item in enumerate(chunk.items):
            path = Path(item) if isinstance(item, str) else item.path
            inode = (
                marks[chunk.marks_from + at] if marks is not None and chunk.marks_from >= 0 else 0
            )
            try:
                replaced = inode != 0 and os.stat(_written_file(path)).st_ino == inode
            except OSError:
                replaced = False
            if replaced:
                # A Post gives the changes the worker made; a path (the worker loaded the post
                # itself) gives none.
                changes = plan(item, self.spec) if isinstance(item, Post) else {}
                reason = "" if changes else "written by a worker process that then stopped"
                result = FileResult(path, "changed", reason, changes=changes)
                written[at] = result, _real_path(path, {}) if self.scan else ""
                folders.add(os.path.dirname(_written_file(path)))
        if self.write_here and not self.dry_run:
            _remove_temp_files(chunk.items)
        rest = [item for at, item in enumerate(chunk.items) if at not in written]
        outcomes, redone_folders = self(_Chunk(rest))
        redone = iter(outcomes)
        merged = [written[at] if at in written else next(redone) for at in range(len(chunk.items))]
        return merged, sorted(folders.union(redone_folders))

    def one(self, item: Any, state: _ChunkState) -> Outcome:
        try:
            # Screened on the path string: most posts are passed over, and making a Path of
            # each cost a fifth of the screen.
            if self.screen is not None and self.screen.passes_over(item):
                return False
        except Exception:  # a bug in the screen: this post is loaded (and reported) as usual
            pass
        path = Path(item) if isinstance(item, str) else item.path
        try:
            post = item
            if self.load is not None:
                try:
                    post = self.load(path)
                except PostError as e:
                    if self.scan:
                        return e
                    return FileResult(path, "skipped", f"does not parse: {e.message}"), ""
            if self.keep is not None and not self.keep(post):
                return None
            if self.scan:
                # may_change is the cheap test (sets of normalized terms) for most posts
                spec = self.spec
                if not spec.may_change(post.terms(spec.field)) or not (
                    plan(post, spec) or folder_terms(post, spec)
                ):
                    return False
                if os.path.islink(path):
                    return str(path)
            result = edit_post(post, self.spec)
        except Exception as e:  # a bug in one edit must not stop the others, nor hide them
            result = FileResult(path, "failed", f"unexpected error: {type(e).__name__}: {e}")
        if result.status == "unchanged":
            return False
        if self.dry_run:
            if result.status == "changed":
                _refuse_as_the_write_would(result)
            result.original = None  # only the report is left to make
        elif result.status == "changed" and self.write_here:
            self._write(result, state)
        return result, _real_path(path, state.real_folders) if self.scan else ""

    def _write(self, result: FileResult, state: _ChunkState) -> None:
        """Write a changed post, or begin to in a chunk's batch (the result says how it went)."""
        written: bool | EditError
        try:
            written = result.original is not None and edit.write_atomic(
                result.path,
                result.after,
                result.original,
                result.before,
                sync_folder=False,
                batch=state.batch,
            )
        except EditError as e:
            written = e
        except Exception as e:  # as in `one`: reported, never raised
            result.status = "failed"
            result.reason = f"unexpected error: {type(e).__name__}: {e}"
            written = False
        if written is True and state.batch is not None:
            state.begun.append(result)  # settled once the batch is committed
            state.begun_marks.append(state.mark)
            if len(state.begun) >= WRITE_BATCH:
                _commit(state)
        else:
            _settle(result, written, state.folders)
        result.original = None
        result.before = result.after = b""  # only a dry run shows diffs


def _refuse_as_the_write_would(result: FileResult) -> None:
    """In a dry run, a changed post that the real run's write would refuse up front (read-only,
    several hard links, not a regular file: edit.check_writable) is reported skipped, with the
    same reason, so that the preview names what the run will skip and exits as it will."""
    try:
        edit.check_writable(result.path)
    except EditError as e:
        result.status = "skipped"
        result.reason = e.reason
        result.before = result.after = b""  # no diff: nothing would be written


def _commit(state: _ChunkState) -> None:
    """Finish the writes begun in the chunk's batch and record how each went."""
    if state.batch is None:
        return
    begun, state.begun = state.begun, []
    marks, state.begun_marks = state.begun_marks, []
    if _write_marks is not None:  # a worker: what it is to replace, should it die meanwhile
        for mark, inode in zip(marks, state.batch.temp_inodes()):
            if mark >= 0:
                _write_marks[mark] = inode
    for result, written in zip(begun, state.batch.commit()):
        _settle(result, written, state.folders)


def _settle(result: FileResult, written: bool | EditError, folders: set[str]) -> None:
    """Record how a post's write went: the folder of a written file is to be fsynced."""
    if isinstance(written, EditError):
        result.status = "failed" if written.failed else "skipped"
        result.reason = written.reason
    elif written:
        folders.add(os.path.dirname(_written_file(result.path)))


def _remove_temp_files(items: Iterable[Any]) -> None:
    """Remove the temp files left beside the files of these posts (paths, or anything with a
    `path`) by writes that were killed (edit.leftover_temp_files)."""
    names: dict[str, list[str]] = {}
    for item in items:
        folder, name = os.path.split(
            _written_file(Path(item) if isinstance(item, str) else item.path)
        )
        names.setdefault(folder, []).append(name)
    for folder, in_folder in names.items():
        for temp in edit.leftover_temp_files(folder, in_folder):
            try:
                os.unlink(temp)
            except OSError:
                pass


def _real_path(path: Path | str, real_folders: dict[str, str]) -> str:
    """`os.path.realpath(path)`, asking the system once per folder (`real_folders` remembers)
    unless the file itself is a symlink."""
    if os.path.islink(path):
        return os.path.realpath(path)
    folder, name = os.path.split(os.path.abspath(path))
    real = real_folders.get(folder)
    if real is None:
        real = real_folders[folder] = os.path.realpath(folder)
    return os.path.join(real, name)


def _written_file(path: Path) -> str:
    """The file `edit.write_atomic` writes for `path`: its target when it is a symlink."""
    return os.path.realpath(path) if os.path.islink(path) else os.path.abspath(path)


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
