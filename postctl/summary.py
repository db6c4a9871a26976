"""A post's normalized fields without its front matter: what `list`, `tags` and `stats` show.

Decoding a whole Post from the parse cache costs more than reading the file did; a summary is a
few values, so a warm `postctl list` over 100,000 posts stays under the time it takes to read
every file's bytes. A PostSummary answers the same attribute names as a Post (title,
parsed_date, tags, ...) with the same values, so filters, rows and counters take either.

A summary travels (from worker processes) and is stored (in the parse cache) as one text, its
fields joined by a separator: SQLite hands back one value per post instead of a dozen, and
`str.split` takes them apart in C. The date stays text until something asks for the datetime:
a table shows it and sorts by it as text (`date_text`, `date_order`).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from postctl.model import ParsedDate, Post

_FIELDS = "\x1e"  # ASCII's record separator, between fields
_SEPARATOR = "\x1f"  # ASCII's unit separator, between the terms of a list
_NONE = "\x00"  # a field that is None


class PostSummary:
    __slots__ = (
        "_parsed",
        "authors",
        "categories",
        "date_order",
        "date_source",
        "date_text",
        "draft",
        "format",
        "has_time",
        "has_zone",
        "kind",
        "path",
        "slug",
        "tags",
        "title",
    )

    def __init__(
        self,
        path: Path | str,
        kind: str,
        title: str | None,
        date_text: str | None,
        date_order: str | None,
        has_time: bool,
        has_zone: bool,
        date_source: str | None,
        tags: list[str],
        categories: list[str],
        authors: list[str],
        draft: bool,
        slug: str | None,
        format: str | None,
        parsed: ParsedDate | None = None,
    ) -> None:
        self.path = path
        self.kind = kind
        self.title = title
        self.date_text = date_text  # the date's isoformat(), as Post.date_text
        self.date_order = date_order  # its sort key's isoformat(), as Post.date_order
        self.has_time = has_time
        self.has_zone = has_zone
        self.date_source = date_source
        self.tags = tags
        self.categories = categories
        self.authors = authors
        self.draft = draft
        self.slug = slug
        self.format = format
        self._parsed = parsed

    @property
    def parsed_date(self) -> ParsedDate | None:
        if self._parsed is None and self.date_text is not None:
            self._parsed = ParsedDate(
                datetime.fromisoformat(self.date_text), self.has_time, self.has_zone
            )
        return self._parsed

    @property
    def date(self) -> datetime | None:
        parsed = self.parsed_date
        return parsed.value if parsed else None

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
    def of(cls, post: Post, path: Path | str | None = None) -> PostSummary:
        """The summary of `post`, its path `path` when given (the text post.path was made
        from, say), else post.path."""
        parsed = post.parsed_date
        return cls(
            post.path if path is None else path,
            post.kind,
            _title(post),
            post.date_text,
            post.date_order,
            parsed.has_time if parsed else False,
            parsed.has_zone if parsed else False,
            post.date_source,
            _tags(post),
            _categories(post),
            _authors(post),
            _draft(post),
            _slug(post),
            post.format,
            parsed,
        )

    def to_text(self) -> str:
        """The summary as one text (what the cache stores and workers send): the fields joined
        by the record separator, or a JSON array when a text holds a character the joined form
        reserves."""
        title, date_text, date_order, source, slug = texts = (
            self.title,
            self.date_text,
            self.date_order,
            self.date_source,
            self.slug,
        )
        nones = texts.count(None)
        flags = _FLAG_TEXTS[self.has_time, self.has_zone, self.draft]
        text = _FIELDS.join(
            (
                self.kind,
                _NONE if title is None else title,
                _NONE if date_text is None else date_text,
                _NONE if date_order is None else date_order,
                _NONE if source is None else source,
                flags,
                pack_terms(self.tags),
                pack_terms(self.categories),
                pack_terms(self.authors),
                _NONE if slug is None else slug,
                self.format or _NONE,
            )
        )
        # Each separator and None mark must be one of ours: a value holding either goes as JSON.
        if text.count(_FIELDS) == 10 and text.count(_NONE) == nones + (not self.format):
            return text
        return json.dumps(
            [
                self.kind,
                *texts[:4],
                flags,
                self.tags,
                self.categories,
                self.authors,
                slug,
                self.format,
            ],
            ensure_ascii=False,
        )

    @classmethod
    def from_text(cls, text: str, path: Path | str) -> PostSummary:
        """The summary `to_text` gave for the post at `path`; ValueError etc. on bad input."""
        as_json = text[:1] == "["
        fields = json.loads(text) if as_json else text.split(_FIELDS)
        if not isinstance(fields, list):
            raise ValueError("not a summary")
        kind, title, date_text, date_order, source, flags, tags, categories, authors, slug, fmt = (
            fields
        )
        if as_json:
            for terms in (tags, categories, authors):
                if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
                    raise ValueError("not a list of terms")
        else:
            tags, categories, authors = (
                unpack_terms(tags),
                unpack_terms(categories),
                unpack_terms(authors),
            )
            if title == _NONE:
                title = None
            if date_text == _NONE:
                date_text = date_order = None
            if source == _NONE:
                source = None
            if slug == _NONE:
                slug = None
            if fmt == _NONE:
                fmt = None
        if flags not in _FLAGS:
            raise ValueError("not a summary")
        has_time, has_zone, draft = _FLAGS[flags]
        if date_text is not None:
            datetime.fromisoformat(date_text)  # only a real date may reach a table or a sort
        return cls(
            path,
            kind,
            title,
            date_text,
            date_order,
            has_time,
            has_zone,
            source,
            tags,
            categories,
            authors,
            draft,
            slug,
            fmt,
        )

    def __repr__(self) -> str:
        return f"PostSummary({str(self.path)!r}, title={self.title!r})"


# The functions behind the Post views a summary reads once each (the dates are read by one
# another, and stay cached), called directly: through the cache they cost 0.3 us a view more
# (8.7 against 7.9 us a summary of a freshly parsed post, which is then let go).
_title, _tags, _categories, _authors, _draft, _slug = (
    vars(Post)[name].func for name in ("title", "tags", "categories", "authors", "draft", "slug")
)

_FLAGS = {
    f"{a:d}{b:d}{c:d}": (a, b, c)
    for a in (False, True)
    for b in (False, True)
    for c in (False, True)
}
_FLAG_TEXTS = {flags: text for text, flags in _FLAGS.items()}


def pack_terms(terms: list[str]) -> str:
    """A list of terms as one string: joined by the unit separator, or as JSON when a term
    is empty, holds the separator or the first one starts with `[`."""
    if not terms:
        return ""
    joined = _SEPARATOR.join(terms)
    if joined[:1] == "[" or "" in terms or joined.count(_SEPARATOR) != len(terms) - 1:
        return json.dumps(terms, ensure_ascii=False)
    return joined


def unpack_terms(text: str) -> list[str]:
    if text[:1] != "[":
        return text.split(_SEPARATOR) if text else []
    terms = json.loads(text)
    if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
        raise ValueError("not a list of terms")
    return terms


def summary_fields(item: Any) -> tuple[Any, ...]:
    """The fields a summary holds, read from a Post or a PostSummary (for comparing them)."""
    return (
        item.path,
        item.kind,
        item.title,
        item.parsed_date,
        item.date_text,
        item.date_order,
        item.date_source,
        item.tags,
        item.categories,
        item.authors,
        item.draft,
        item.slug,
        item.format,
    )
