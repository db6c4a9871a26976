"""Which posts a command works on: tags, categories, authors, a date range and drafts.

Terms are compared the way the site's generator compares them: case-folded on Hugo sites (Hugo
keys terms by their lower-cased form, gohugoio/hugo#4238), exactly on Jekyll and plain sites
(`site.tags` keeps its keys as written, jekyll/lib/jekyll/site.rb), unless `ignore_case` folds
them everywhere. Author names are always compared case-insensitively.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from postctl.model import ParsedDate, Post, parse_date

DraftMode = Literal["include", "exclude", "only"]


def parse_bound(text: str) -> ParsedDate:
    """A `--since`/`--until` date: `2024-05-01`, `2024-05-01T10:00`, with or without a zone."""
    parsed = parse_date(text)
    if parsed is None:
        raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM[+HH:MM])")
    return parsed


@dataclass(frozen=True)
class PostFilter:
    """Every given condition must hold; an empty filter matches every post."""

    tags: tuple[str, ...] = ()  # the post has all of these
    categories: tuple[str, ...] = ()  # the post has all of these
    authors: tuple[str, ...] = ()  # one of the post's authors is one of these
    since: ParsedDate | None = None  # dated on or after (a date alone: from that day's start)
    until: ParsedDate | None = None  # dated on or before (a date alone: that whole day)
    drafts: DraftMode = "include"
    ignore_case: bool = False

    def matches(self, post: Post) -> bool:
        if self.drafts != "include" and post.draft != (self.drafts == "only"):
            return False
        fold = self.ignore_case or post.kind == "hugo"
        if not _has_all(post.tags, self.tags, fold):
            return False
        if not _has_all(post.categories, self.categories, fold):
            return False
        if self.authors:
            names = {a.casefold() for a in post.authors}
            if not any(a.casefold() in names for a in self.authors):
                return False
        if self.since or self.until:
            parsed = post.parsed_date
            if parsed is None:
                return False
            if self.since and _compare(parsed, self.since) < 0:
                return False
            if self.until and _compare(parsed, self.until) > 0:
                return False
        return True


def _has_all(have: Iterable[str], wanted: Iterable[str], fold: bool) -> bool:
    present = {t.casefold() if fold else t for t in have}
    return all((t.casefold() if fold else t) in present for t in wanted)


def _compare(post: ParsedDate, bound: ParsedDate) -> int:
    """-1, 0 or 1 as the post's date is before, within or after the bound. A bound without a
    time is a whole day; a bound with a zone compares instants (naive post dates taken as
    UTC); otherwise wall-clock times as written are compared."""
    if not bound.has_time:
        a, b = post.value.date(), bound.value.date()
        return (a > b) - (a < b)
    if bound.has_zone:
        x, y = post.sort_key, bound.sort_key
    else:
        x, y = post.value.replace(tzinfo=None), bound.value
    return (x > y) - (x < y)
