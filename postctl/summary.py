"""A post's normalized fields without its front matter: what `list`, `tags` and `stats` show.

Decoding a whole Post from the parse cache costs more than reading the file did; a summary is a
few values, so a warm `postctl list` over 100,000 posts stays under the time it takes to read
every file's bytes. A PostSummary answers the same attribute names as a Post (title,
parsed_date, tags, ...) with the same values, so filters, rows and counters take either.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from postctl.model import ParsedDate, Post


class PostSummary:
    __slots__ = (
        "authors",
        "categories",
        "date_source",
        "draft",
        "format",
        "kind",
        "parsed_date",
        "path",
        "slug",
        "tags",
        "title",
    )

    def __init__(
        self,
        path: Path,
        kind: str,
        title: str | None,
        parsed_date: ParsedDate | None,
        date_source: str | None,
        tags: list[str],
        categories: list[str],
        authors: list[str],
        draft: bool,
        slug: str,
        format: str | None,
    ) -> None:
        self.path = path
        self.kind = kind
        self.title = title
        self.parsed_date = parsed_date
        self.date_source = date_source
        self.tags = tags
        self.categories = categories
        self.authors = authors
        self.draft = draft
        self.slug = slug
        self.format = format

    @property
    def date(self) -> datetime | None:
        return self.parsed_date.value if self.parsed_date else None

    @property
    def author(self) -> str | None:
        return self.authors[0] if self.authors else None

    def terms(self, field_name: str) -> list[str]:
        if field_name == "tags":
            return self.tags
        if field_name == "categories":
            return self.categories
        raise KeyError(f"a summary has no {field_name!r} terms; load the whole post")

    @classmethod
    def of(cls, post: Post) -> PostSummary:
        return cls(
            post.path,
            post.kind,
            post.title,
            post.parsed_date,
            post.date_source,
            post.tags,
            post.categories,
            post.authors,
            post.draft,
            post.slug,
            post.format,
        )

    def to_row(self) -> SummaryRow:
        """The summary as plain values (what the cache stores in columns and workers send)."""
        parsed = self.parsed_date
        return (
            self.kind,
            self.title,
            parsed.value.isoformat() if parsed else None,
            parsed.has_time if parsed else None,
            parsed.has_zone if parsed else None,
            self.date_source,
            pack_terms(self.tags),
            pack_terms(self.categories),
            pack_terms(self.authors),
            self.draft,
            self.slug,
            self.format,
        )

    @classmethod
    def from_row(cls, row: Sequence[Any], path: Path | str) -> PostSummary:
        """The summary `to_row` gave for the post at `path`; ValueError etc. on bad input."""
        kind, title, date, has_time, has_zone, source, tags, categories, authors = row[:9]
        draft, slug, fmt = row[9:12]
        parsed = None
        if date is not None:
            parsed = ParsedDate(datetime.fromisoformat(date), bool(has_time), bool(has_zone))
        return cls(
            path,
            kind,
            title,
            parsed,
            source,
            unpack_terms(tags),
            unpack_terms(categories),
            unpack_terms(authors),
            bool(draft),
            slug,
            fmt,
        )

    def __repr__(self) -> str:
        return f"PostSummary({str(self.path)!r}, title={self.title!r})"


# kind, title, date (ISO 8601), has_time, has_zone, date_source, tags, categories, authors
# (each packed by pack_terms), draft, slug, format.
SummaryRow = tuple[Any, ...]
_SEPARATOR = "\x1f"  # ASCII's unit separator: no term has it (if one does, JSON is used)


def pack_terms(terms: list[str]) -> str:
    """A list of terms as one string: joined by the unit separator, or as JSON when a term
    is empty, holds the separator or the first one starts with `[`."""
    if not terms:
        return ""
    if terms[0].startswith("[") or any(not t or _SEPARATOR in t for t in terms):
        return json.dumps(terms, ensure_ascii=False)
    return _SEPARATOR.join(terms)


def unpack_terms(text: str) -> list[str]:
    if not text:
        return []
    if text[0] == "[":
        terms = json.loads(text)
        if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
            raise ValueError("not a list of terms")
        return terms
    return text.split(_SEPARATOR)


def summary_fields(item: Any) -> tuple[Any, ...]:
    """The fields a summary holds, read from a Post or a PostSummary (for comparing them)."""
    return (
        item.path,
        item.kind,
        item.title,
        item.parsed_date,
        item.date_source,
        item.tags,
        item.categories,
        item.authors,
        item.draft,
        item.slug,
        item.format,
    )
