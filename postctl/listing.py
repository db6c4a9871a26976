"""Finding and ordering posts: the filters `postctl list` (and `postctl retag`) take, the rows
`list` shows, and their order. No rendering here: cli.py and output.py do that."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, Literal

from postctl.model import ParsedDate, Post, parse_date, term_text

COLUMNS = ("date", "title", "author", "tags", "categories", "draft", "format", "slug", "path")
DEFAULT_COLUMNS = ("date", "title", "tags", "categories", "path")
SORT_KEYS = ("date", "title", "author", "path")
DraftMode = Literal["include", "exclude", "only"]


# What Go's unicode.IsSpace takes for a space below U+0100; above it, the White_Space property
# (which str.isspace follows there).
_GO_LATIN1_SPACE = frozenset("\t\n\v\f\r \x85\xa0")
_HEX = frozenset("0123456789abcdefABCDEF")
# Besides letters, digits and marks, what UnicodeSanitize keeps.
_HUGO_KEPT = frozenset("./\\_#+~-")


@lru_cache(maxsize=65536)
def hugo_term_key(term: str) -> str:
    """The key Hugo files a taxonomy term under, so two terms are one term page when their keys
    are equal: `Static Sites`, `static  sites` and `static-sites` are `static-sites`; `C#`, `C++`
    and `C` stay three. Hugo's getTaxonomyKey (hugolib/site.go) is
    strings.ToLower(PathSpec.MakePath(term)), and MakePath is UnicodeSanitize (helpers/path.go):
    it keeps letters, digits, marks, `. / \\ _ # + ~ -` and `%` before two hex digits, drops
    anything else, and makes each run of spaces between kept characters one hyphen (none after
    a hyphen). Hugo's `removePathAccents` and `disablePathToLower` settings are not read."""
    kept: list[str] = []
    hyphen_due = was_hyphen = False
    for i, char in enumerate(term):
        if (
            char in _HUGO_KEPT
            or char.isalpha()
            or char.isdecimal()
            or unicodedata.category(char)[0] == "M"
            or (char == "%" and term[i + 1 : i + 2] in _HEX and term[i + 2 : i + 3] in _HEX)
        ):
            was_hyphen = char == "-"
            if hyphen_due and not was_hyphen:
                kept.append("-")
            hyphen_due = False
            kept.append(char)
        elif kept and not was_hyphen and _is_go_space(char):
            hyphen_due = True
    return "".join(kept).lower()


def _is_go_space(char: str) -> bool:
    return char in _GO_LATIN1_SPACE if char < "\u0100" else char.isspace()


@lru_cache(maxsize=65536)
def _hugo_term_key_any_case(term: str) -> str:
    return hugo_term_key(term).casefold()


def term_key_function(kind: str, ignore_case: bool = False) -> Callable[[str], str] | None:
    """What tells terms (tags, categories) apart on a site of `kind`: two terms are the same
    when this gives them the same key; None when only the same text is the same term. Hugo's
    key (`hugo_term_key`); on Jekyll and plain sites the term as written, as Jekyll keys
    `site.tags`. `ignore_case` also folds case (str.casefold) on any site. Cached per term:
    100,000 posts use a few thousand distinct terms."""
    if kind == "hugo":
        return _hugo_term_key_any_case if ignore_case else hugo_term_key
    return str.casefold if ignore_case else None


def parse_bound(text: str) -> ParsedDate:
    """A `--since`/`--until` date: `2024-05-01`, `2024-05-01T10:00`, with or without a zone."""
    parsed = parse_date(text)
    if parsed is None:
        raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM[+HH:MM])")
    return parsed


def parse_where(text: str) -> tuple[str, str]:
    """`KEY=VALUE` (the value may be empty; the key may be dotted: `params.series=go`)."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ValueError(f"{text!r} is not KEY=VALUE")
    return key.strip(), value


_WantedTerms = tuple["Callable[[str], str] | None", frozenset[str], frozenset[str], frozenset[str]]


@dataclass(frozen=True)
class PostFilter:
    """Which posts a command works on. Every given condition must hold (an empty filter
    matches every post). Terms (tags, categories) are compared the way the site's generator
    compares them (case-folded on Hugo, exact on Jekyll and plain sites) unless `ignore_case`
    folds them everywhere; author names and `title` are always compared case-insensitively."""

    tags: tuple[str, ...] = ()  # the post has all of these
    any_tags: tuple[str, ...] = ()  # the post has at least one of these
    categories: tuple[str, ...] = ()  # the post has all of these
    authors: tuple[str, ...] = ()  # one of the post's authors is one of these
    since: ParsedDate | None = None  # dated on or after (a date alone: that whole day)
    until: ParsedDate | None = None  # dated on or before (a date alone: that whole day)
    drafts: DraftMode = "include"
    where: tuple[tuple[str, str], ...] = ()  # KEY=VALUE: the value, or one item of a list
    missing: tuple[str, ...] = ()  # the key is absent, null, "" or []
    title: str | None = None  # substring of the title
    ignore_case: bool = False

    @property
    def needs_front_matter(self) -> bool:
        """Whether matching reads raw front-matter keys (so a PostSummary will not do)."""
        return bool(self.where or self.missing)

    @property
    def is_empty(self) -> bool:
        return self == PostFilter(ignore_case=self.ignore_case)

    def applied(self, fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
        """`fn` for the posts this filter matches, None for the others (an `each` for
        iter_posts: the filter then runs where the post is decoded)."""
        if self.is_empty:
            return fn
        matches = self.matches
        return lambda post: fn(post) if matches(post) else None

    def select(self, posts: Iterable[Any]) -> Iterator[Any]:
        """The posts (Posts or PostSummary objects) this filter matches, in their order."""
        if self.is_empty:
            return iter(posts)
        return filter(self.matches, posts)

    def matches(self, post: Post) -> bool:
        if self.drafts != "include" and post.draft != (self.drafts == "only"):
            return False
        if self.tags or self.any_tags or self.categories:
            key, tags, any_tags, categories = self._wanted_terms(post.kind)
            if self.tags or self.any_tags:
                have = set(post.tags) if key is None else {key(t) for t in post.tags}
                if not tags <= have or (any_tags and have.isdisjoint(any_tags)):
                    return False
            if categories:
                have = set(post.categories) if key is None else {key(c) for c in post.categories}
                if not categories <= have:
                    return False
        if self.authors:
            names = {a.casefold() for a in post.authors}
            if not any(a.casefold() in names for a in self.authors):
                return False
        if (self.since or self.until) and not self._in_range(post.parsed_date):
            return False
        if self.title is not None and self.title.casefold() not in (post.title or "").casefold():
            return False
        for (key, value), wanted_date in zip(self.where, self._where_dates):
            if wanted_date is not None and _is_zoned_date_key(post, key):
                # The post's date on a Jekyll site with a `timezone` compares as Jekyll dates it
                # and as --since compares it (Post.parsed_date, in the zone), or as written.
                parsed = post.parsed_date
                if parsed is not None and _compare(parsed, wanted_date) == 0:
                    continue
                if not _has_value(lookup(post, key), value, self.ignore_case, None):
                    return False
            elif not _has_value(lookup(post, key), value, self.ignore_case, wanted_date):
                return False
        return all(_is_missing(lookup(post, key)) for key in self.missing)

    def _wanted_terms(self, kind: str) -> _WantedTerms:
        """(the site's term key function, and the keys of the tags, any-tags and categories
        asked for), made once per kind of site rather than once per post."""
        wanted = self._wanted_by_kind.get(kind)
        if wanted is None:
            key = term_key_function(kind, self.ignore_case)
            keys = [frozenset(t if key is None else map(key, t)) for t in self._term_options]
            wanted = (key, *keys)
            self._wanted_by_kind[kind] = wanted
        return wanted

    @property
    def _term_options(self) -> tuple[tuple[str, ...], ...]:
        return (self.tags, self.any_tags, self.categories)

    @cached_property
    def _wanted_by_kind(self) -> dict[str, _WantedTerms]:
        return {}

    @cached_property
    def _where_dates(self) -> tuple[ParsedDate | None, ...]:
        """Each --where value read as a date, where it is one (see `_has_value`)."""
        return tuple(parse_date(value) for _, value in self.where)

    def _in_range(self, parsed: ParsedDate | None) -> bool:
        if parsed is None:
            return False
        if self.since and _compare(parsed, self.since) < 0:
            return False
        return not (self.until and _compare(parsed, self.until) > 0)


def _is_zoned_date_key(post: Post, key: str) -> bool:
    """Whether `key` is the key a post's date is read from, on a site that dates its posts in
    a zone (a Jekyll `timezone`: Post.time_zone, set only there)."""
    return getattr(post, "time_zone", None) is not None and key == post.date_key


def _compare(post: ParsedDate, bound: ParsedDate) -> int:
    """-1, 0 or 1 as the post's date is before, within or after the bound. A bound without a
    time is a whole day of the post's own calendar; a bound with a zone compares instants
    (naive post dates taken as UTC); otherwise wall-clock times as written are compared."""
    if not bound.has_time:
        a, b = post.value.date(), bound.value.date()
    elif bound.has_zone:
        a, b = post.sort_key, bound.sort_key
    else:
        a, b = post.value.replace(tzinfo=None), bound.value
    return (a > b) - (a < b)


def _norm(term: str, fold: bool) -> str:
    return term.casefold() if fold else term


_ABSENT = object()


def lookup(post: Post, key: str) -> Any:
    """A front-matter value by key, or by a dotted path into nested mappings (`params.series`)
    when no top-level key has the dotted name. Returns a sentinel for absent keys."""
    value = post.get(key, _ABSENT)
    if value is not _ABSENT or "." not in key:
        return value
    first, *rest = key.split(".")
    value = post.get(first, _ABSENT)
    for part in rest:
        if not isinstance(value, dict):
            return _ABSENT
        value = value.get(part, _ABSENT)
    return value


def _has_value(value: Any, wanted: str, fold: bool, wanted_date: ParsedDate | None) -> bool:
    """Whether `value`, or an item of it, is `wanted`: the same text (as term_text writes it),
    or, when `wanted` reads as a date, the same date (`_compare`: a date alone is that whole
    day, a zone compares instants) so a value matches as the file spells it: YAML and TOML
    read `2024-05-01T10:00:00Z` as a datetime, whose text is `2024-05-01T10:00:00+00:00`."""
    if value is _ABSENT:
        return False
    items = value if isinstance(value, (list, tuple)) else [value]
    wanted = _norm(wanted, fold)
    for item in items:
        if isinstance(item, (dict, list)):
            continue
        if _norm(term_text(item), fold) == wanted:
            return True
        if wanted_date is not None:
            parsed = parse_date(item)
            if parsed is not None and _compare(parsed, wanted_date) == 0:
                return True
    return False


def _is_missing(value: Any) -> bool:
    return value is _ABSENT or value is None or value == "" or value == []


# -- rows and order --------------------------------------------------------------------------


def post_row(post: Post, columns: Sequence[str] = COLUMNS) -> dict[str, Any]:
    """A post's normalized fields by column name (`path` is the post's path as it has it)."""
    row = {
        "date": post.date,
        "title": post.title,
        "author": ", ".join(post.authors) or None,
        "tags": post.tags,
        "categories": post.categories,
        "draft": post.draft,
        "format": post.format,
        "slug": post.slug,
        "path": post.path,
    }
    return row if columns is COLUMNS else {c: row[c] for c in columns}


def date_cell(date_text: str | None) -> str:
    """A date's table text from its ISO 8601 text (Post.date_text): `2024-05-01`, or with
    the time to the minute when it has one (`2024-05-01 09:30`). Equals output.cell on the
    datetime, without making one: a warm `list` of 100,000 posts shows them all."""
    if date_text is None:
        return ""
    if date_text[11:19] == "00:00:00" and date_text[19:20] != ".":
        return date_text[:10]
    return f"{date_text[:10]} {date_text[11:16]}"


def row_maker(
    columns: Sequence[str], show_path: Callable[[Any], str] = str
) -> Callable[[Post], tuple[str, ...]]:
    """A function giving a post's (or a PostSummary's) cells in `columns` as text, the way
    output.cell writes post_row's values; `show_path` turns its path into text. Not yet safe to
    print: see output.row_texts."""
    getters: dict[str, Callable[[Any], str]] = {
        "date": lambda p: date_cell(p.date_text),
        "title": lambda p: p.title or "",
        "author": lambda p: ", ".join(p.authors),
        "tags": lambda p: ", ".join(p.tags),
        "categories": lambda p: ", ".join(p.categories),
        "draft": lambda p: "yes" if p.draft else "",
        "format": lambda p: p.format or "",
        "slug": lambda p: p.slug or "",
        "path": lambda p: show_path(p.path),
    }
    chosen = [getters[c] for c in columns]
    if len(chosen) == 5:  # the default columns, spelled out: a quarter faster than the loop
        a, b, c, d, e = chosen
        return lambda p: (a(p), b(p), c(p), d(p), e(p))
    return lambda p: tuple([get(p) for get in chosen])


def post_json(post: Post) -> dict[str, Any]:
    """The JSON record of a post: normalized fields plus the raw front matter."""
    parsed = post.parsed_date
    return {
        "path": str(post.path),
        "title": post.title,
        "date": parsed.value.isoformat() if parsed else None,
        "date_source": post.date_source,
        "authors": post.authors,
        "tags": post.tags,
        "categories": post.categories,
        "draft": post.draft,
        "slug": post.slug,
        "format": post.format,
        "front_matter": post.data,
    }


def order_key(post: Post, key: str = "date") -> str | tuple[Any, ...] | None:
    """What `sorted_order` orders a post by; None for a post without a date when sorting by date
    (those always come last)."""
    if key == "date":
        # One text, not a (date, path) pair: strings compare several times faster than tuples,
        # and "\0" (in no path) keeps the order the pair would give.
        order = post.date_order
        return f"{order}\0{post.path}" if order is not None else None
    if key == "title":
        return ((post.title or "").casefold(), str(post.path))
    if key == "author":
        return ((post.author or "").casefold(), str(post.path))
    return (str(post.path),)


def sorted_order(keys: list[Any], key: str = "date", reverse: bool = False) -> list[int]:
    """The indexes of `keys` (order_key of each item) in list order: by date newest first, by
    the others ascending; `reverse` flips either, and items without a key (undated posts) stay
    last, in the order given. Indexes, not the pairs: the items (rows, or laid-out lines) stay
    where they are until they are taken in order."""
    descending = (key == "date") != reverse
    if None not in keys:  # (a scan of 100,000 keys: under 1 ms)
        return sorted(range(len(keys)), key=keys.__getitem__, reverse=descending)
    keyed = [i for i, k in enumerate(keys) if k is not None]
    keyed.sort(key=keys.__getitem__, reverse=descending)
    return keyed + [i for i, k in enumerate(keys) if k is None]


def list_entry(
    item: Callable[[Any], Any] | None, sort: str = "date"
) -> Callable[[Any], tuple[Any, Any]]:
    """What `postctl list` keeps of a post (a Post or a PostSummary): (its order_key, `item`
    of it), item None keeping None (to count). Make each item small plain data (a row of cells,
    a path): 100,000 rows of strings weigh far less than 100,000 posts, which are then let go,
    and as iter_posts' `each` it may be made in a forked process."""
    if item is None:
        return lambda post: (order_key(post, sort), None)
    return lambda post: (order_key(post, sort), item(post))


def listed(
    entries: Iterable[tuple[Any, Any] | None],
    sort: str = "date",
    reverse: bool = False,
    limit: int | None = None,
    lay_out: Callable[[list[Any]], list[Any]] | None = None,
    spent: list[Any] | None = None,
) -> list[Any]:
    """The items of `list_entry`'s entries (Nones, the posts a filter left out, skipped) in
    `sorted_order`, at most `limit`. With `lay_out` (and no `limit`): what it makes of all
    the items, in the order they came, put in that order in their stead. Made before sorting,
    the work goes through the items in the order they lie in memory: laying out a table of
    100,000 rows took 0.07 s so and 0.145 s in sorted order. `spent` (for a caller that ends
    its process right after, see cli.leave) takes what is no longer needed instead of freeing
    it: freeing the cells of 100,000 rows one by one cost 25 ms."""
    from postctl.site import gc_paused

    with gc_paused():  # 100,000 rows, and not one reference cycle among them
        pairs = [entry for entry in entries if entry is not None]
        keys = [key for key, _ in pairs]
        items = [item for _, item in pairs]
        if spent is not None:
            spent.append(pairs)
        del pairs
        if lay_out is not None and limit is None:
            laid_out = lay_out(items)
            if spent is not None:
                spent.append(items)
            items = laid_out
        order = sorted_order(keys, sort, reverse)
        if limit is not None:
            order = order[:limit]
        return [items[i] for i in order]
