"""Listing posts: the rows `postctl list` shows, and their order."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from postctl.model import Post

COLUMNS = ("date", "title", "author", "tags", "categories", "draft", "format", "slug", "path")
DEFAULT_COLUMNS = ("date", "title", "tags", "categories", "path")
SORT_KEYS = ("date", "title", "author", "path")


def post_row(post: Post) -> dict[str, Any]:
    """A post's normalized fields by column name (`path` is the Path itself)."""
    return {
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


def sort_posts(posts: Iterable[Post], key: str = "date", reverse: bool = False) -> list[Post]:
    """Posts in order; by date, newest first (posts without a date last); by the others,
    ascending. `reverse` flips either; undated posts stay last."""
    posts = list(posts)
    if key == "date":
        dated = [p for p in posts if p.parsed_date]
        undated = [p for p in posts if not p.parsed_date]
        dated.sort(
            key=lambda p: (p.parsed_date.sort_key, str(p.path)),  # type: ignore[union-attr]
            reverse=not reverse,
        )
        return dated + undated
    if key == "title":
        return sorted(
            posts, key=lambda p: ((p.title or "").casefold(), str(p.path)), reverse=reverse
        )
    if key == "author":
        return sorted(
            posts, key=lambda p: ((p.author or "").casefold(), str(p.path)), reverse=reverse
        )
    return sorted(posts, key=lambda p: str(p.path), reverse=reverse)
