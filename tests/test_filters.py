"""The post filter retag uses: terms per generator, authors, date bounds, drafts."""

from __future__ import annotations

from pathlib import Path

import pytest

from postctl.filters import PostFilter, parse_bound
from postctl.model import parse_post


def post(front_matter: str, kind: str = "jekyll"):
    return parse_post(Path("p.md"), f"---\n{front_matter}\n---\n".encode(), kind)


@pytest.mark.parametrize(
    ("conditions", "front_matter", "kind", "expected"),
    [
        ({"tags": ("Go",)}, "tags: [go]", "jekyll", False),
        ({"tags": ("Go",)}, "tags: [go]", "hugo", True),  # Hugo folds term case
        ({"tags": ("Go",), "ignore_case": True}, "tags: [go]", "jekyll", True),
        ({"tags": ("a", "b")}, "tags: a b", "jekyll", True),
        ({"tags": ("a", "c")}, "tags: a b", "jekyll", False),
        ({"categories": ("x",)}, "category: x", "jekyll", True),
        ({"authors": ("ann lee",)}, "author: Ann Lee", "jekyll", True),
        ({"since": "2024-05-01"}, "date: 2024-05-01 23:59", "jekyll", True),
        ({"until": "2024-05-01"}, "date: 2024-05-01 23:59", "jekyll", True),
        ({"until": "2024-05-01"}, "date: 2024-05-02", "jekyll", False),
        ({"since": "2024-05-01T10:00+02:00"}, "date: 2024-05-01T08:30:00Z", "jekyll", True),
        ({"since": "2024-05-01T10:00"}, "date: 2024-05-01T09:59:00Z", "jekyll", False),
        ({"since": "2024-05-01"}, "title: undated", "hugo", False),
        ({"drafts": "only"}, "draft: true", "hugo", True),
        ({"drafts": "exclude"}, "draft: true", "hugo", False),
        ({"drafts": "exclude"}, "draft: false", "hugo", True),
    ],
)
def test_filter_conditions(conditions: dict, front_matter: str, kind: str, expected: bool):
    for bound in ("since", "until"):
        if bound in conditions:
            conditions = conditions | {bound: parse_bound(conditions[bound])}
    assert PostFilter(**conditions).matches(post(front_matter, kind)) is expected


def test_empty_filter_matches_everything_and_bad_bounds_are_refused() -> None:
    assert PostFilter().matches(post("title: x"))
    with pytest.raises(ValueError, match="not a date"):
        parse_bound("2024-02-30")
