"""Counting: posts per term (`postctl tags`), terms that look alike (`tags --similar`), and the
site summary `postctl stats` draws. Built to be fed one post at a time, so a 100,000-post site
is counted without keeping its posts."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from postctl.model import ParsedDate, Post

Period = Literal["month", "year"]
# With a longer date range than this, `stats` counts posts per year instead of per month.
MONTHS_BEFORE_YEARS = 36
# The chart shows the periods without posts between the first and the last (a gap is part of
# the picture) unless there would be more than this many of them: then only periods with posts.
MAX_EMPTY_PERIODS = 60


@dataclass(frozen=True)
class TermCount:
    """A term and how many posts use it. Where the generator takes several spellings as one
    term (case, and spaces for hyphens, on Hugo), `spellings` lists every spelling merged into
    `term` (the most used one), most used first."""

    term: str
    count: int
    spellings: tuple[str, ...] = ()


def distinct_terms(post: Post, field_name: str = "tags") -> list[str]:
    """A post's terms of `field_name`, each once, in order: what TermCounter counts."""
    terms = post.terms(field_name)
    return list(dict.fromkeys(terms)) if len(terms) > 1 else terms


class TermCounter:
    """Posts per term of one field. Each post counts once per term, however often it lists it;
    with `key` (listing.term_key_function), spellings with the same key are one term (as
    `Static Sites` and `static-sites` are on Hugo sites)."""

    def __init__(self, field_name: str = "tags", key: Callable[[str], str] | None = None) -> None:
        self.field_name = field_name
        self.key = key
        # Every post's distinct terms, counted once at the end: Counter counts an iterable in
        # C, while updating it post by post ran Python for each of 100,000 posts.
        self._spelled: list[str] = []
        self._keyed: list[str] = []

    def add(self, post: Post) -> None:
        self.add_terms(distinct_terms(post, self.field_name))

    def add_terms(self, terms: list[str]) -> None:
        """Count one post's terms of the field, each once (`distinct_terms`)."""
        if not terms:
            return
        self._spelled += terms
        if self.key is not None:
            self._keyed += {self.key(t) for t in terms}

    def add_all(self, terms_of_posts: Iterable[list[str] | None]) -> int:
        """Count every post's terms (`distinct_terms`, made as iter_posts' `each`; None for a
        post a filter left out); returns how many posts there were."""
        from postctl.site import gc_paused

        number = 0
        with gc_paused():
            for terms in terms_of_posts:
                if terms is not None:
                    number += 1
                    self.add_terms(terms)
        return number

    def result(self, sort: Literal["count", "name"] = "count") -> list[TermCount]:
        if self.key is None:
            counts = [TermCount(t, n, (t,)) for t, n in Counter(self._spelled).items()]
        else:
            posts = Counter(self._keyed)  # per term key
            spellings: dict[str, list[str]] = {}
            for term, _ in sorted(Counter(self._spelled).items(), key=lambda s: (-s[1], s[0])):
                spellings.setdefault(self.key(term), []).append(term)
            counts = [
                TermCount(names[0], posts[key], tuple(names)) for key, names in spellings.items()
            ]
        if sort == "name":
            return sorted(counts, key=lambda c: (c.term.casefold(), c.term))
        return sorted(counts, key=lambda c: (-c.count, c.term.casefold(), c.term))


_SEPARATORS = re.compile(r"[\s\-_.]+")


def _compact(term: str) -> str:
    """Case, accents, spaces, hyphens, underscores and dots dropped: `Py-thon` -> `python`."""
    decomposed = unicodedata.normalize("NFKD", term.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub("", plain)


# Words ending in "s" that are no plural, and come up as tags (`news` is not two `new`s).
_NOT_PLURALS = frozenset(
    "news series species physics mathematics economics politics analytics ethics graphics "
    "statistics devops kubernetes redis ios macos".split()
)


def _singulars(word: str) -> set[str]:
    """What `word` may be the plural of: `movies` is `movie` or `movy`, `releases` `release`
    or `releas`, `boxes` `box` or `boxe` (each form is only a key, so a wrong one meets no
    other term)."""
    if len(word) <= 3 or not word.endswith("s") or word.endswith("ss") or word in _NOT_PLURALS:
        return set()
    forms = {word[:-1]}
    if len(word) > 4 and word.endswith("ies"):
        forms.add(word[:-3] + "y")
    if len(word) > 4 and word.endswith(("ses", "xes", "zes", "ches", "shes")):
        forms.add(word[:-2])
    return forms


def likeness_keys(term: str) -> set[str]:
    """Keys under which terms count as alike: the compact form, its singular, and the slug."""
    from slugify import slugify

    compact = _compact(term)
    slug = slugify(term).replace("-", "")
    keys = {compact, *_singulars(compact)}
    if slug:
        keys |= {slug, *_singulars(slug)}
    keys.discard("")
    return keys


def similar_groups(counts: list[TermCount]) -> list[list[TermCount]]:
    """Groups of two or more terms that look like one another (`Python`, `python`, `py-thon`,
    `pythons`), each sorted by count; the biggest groups first. Candidates to merge with
    `postctl retag`. Give it counts made without case folding, so each spelling shows."""
    parent = list(range(len(counts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, tc in enumerate(counts):
        for key in likeness_keys(tc.term):
            if key in owner:
                parent[root(i)] = root(owner[key])
            else:
                owner[key] = i
    members: dict[int, list[TermCount]] = {}
    for i, tc in enumerate(counts):
        members.setdefault(root(i), []).append(tc)
    groups = [sorted(g, key=lambda c: (-c.count, c.term)) for g in members.values() if len(g) > 1]
    groups.sort(key=lambda g: (-sum(c.count for c in g), g[0].term.casefold()))
    return groups


# -- site summary ----------------------------------------------------------------------------


@dataclass
class SiteStats:
    posts: int = 0
    drafts: int = 0
    undated: int = 0
    errors: int = 0
    first: ParsedDate | None = None
    last: ParsedDate | None = None
    period: Period = "month"
    per_period: list[tuple[str, int]] = field(default_factory=list)
    top_tags: list[TermCount] = field(default_factory=list)
    top_categories: list[TermCount] = field(default_factory=list)
    top_authors: list[TermCount] = field(default_factory=list)


class StatsCollector:
    """Feed it posts with `add`; `result` gives the SiteStats."""

    def __init__(self, term_key: Callable[[str], str] | None = None) -> None:
        self.stats = SiteStats()
        self._tags = TermCounter("tags", term_key)
        self._categories = TermCounter("categories", term_key)
        # One author however the name is cased, as `list --author` matches authors.
        self._authors = TermCounter("authors", str.casefold)
        self._months: Counter[tuple[int, int]] = Counter()

    def add(self, post: Post) -> None:
        s = self.stats
        s.posts += 1
        s.drafts += post.draft
        self._tags.add(post)
        self._categories.add(post)
        self._authors.add_terms(post.authors)
        parsed = post.parsed_date
        if parsed is None:
            s.undated += 1
            return
        self._months[parsed.value.year, parsed.value.month] += 1
        if s.first is None or parsed.sort_key < s.first.sort_key:
            s.first = parsed
        if s.last is None or parsed.sort_key > s.last.sort_key:
            s.last = parsed

    def result(self, period: Period | None = None, top: int = 10) -> SiteStats:
        s = self.stats
        s.top_tags = self._tags.result()[:top]
        s.top_categories = self._categories.result()[:top]
        s.top_authors = self._authors.result()[:top]
        if not self._months:
            s.per_period = []
            s.period = period or "month"
            return s
        (y0, m0), (y1, m1) = min(self._months), max(self._months)
        span = (y1 - y0) * 12 + m1 - m0 + 1
        s.period = period or ("month" if span <= MONTHS_BEFORE_YEARS else "year")
        if s.period == "year":
            years: Counter[int] = Counter()
            for (y, _), n in self._months.items():
                years[y] += n
            every_year = y1 - y0 + 1 - len(years) <= MAX_EMPTY_PERIODS
            s.per_period = [
                (str(y), years[y]) for y in (range(y0, y1 + 1) if every_year else sorted(years))
            ]
        elif span > MAX_EMPTY_PERIODS + len(self._months):
            # (one far-off date, a typo such as 2999 for 2024, would be a thousand empty bars)
            s.per_period = [(f"{y:04d}-{m:02d}", n) for (y, m), n in sorted(self._months.items())]
        else:
            s.per_period = []
            y, m = y0, m0
            while (y, m) <= (y1, m1):
                s.per_period.append((f"{y:04d}-{m:02d}", self._months[y, m]))
                y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return s
