"""A post's normalized fields without its front matter: what `list`, `tags` and `stats` show.

Decoding a whole Post from the parse cache costs more than reading the file did; a summary is a
few values, so a warm `postctl list` over 100,000 posts stays under the time it takes to read
every file's bytes. A PostSummary answers the same attribute names as a Post (title,
parsed_date, tags, ...) with the same values, so filters, rows and counters take either.
"""

from __future__ import annotations

import json
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

    def to_json(self) -> str:
        parsed = self.parsed_date
        date = [parsed.value.isoformat(), parsed.has_time, parsed.has_zone] if parsed else None
        return json.dumps(
            [
                self.kind,
                self.title,
                date,
                self.date_source,
                self.tags,
                self.categories,
                self.authors,
                self.draft,
                self.slug,
                self.format,
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str, path: Path) -> PostSummary:
        """The summary `to_json` wrote for the post at `path`; ValueError etc. on bad input."""
        kind, title, date, source, tags, categories, authors, draft, slug, fmt = json.loads(text)
        parsed = None
        if date is not None:
            iso, has_time, has_zone = date
            parsed = ParsedDate(datetime.fromisoformat(iso), has_time, has_zone)
        return cls(path, kind, title, parsed, source, tags, categories, authors, draft, slug, fmt)

    def __repr__(self) -> str:
        return f"PostSummary({str(self.path)!r}, title={self.title!r})"


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
