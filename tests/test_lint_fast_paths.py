"""The lint engine's shortcuts give exactly what the long way gives: each fast path is run
against the same rules with the shortcut turned off."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postctl.model import Post
from postctl.rules import RULES, Context, PostLookups, facts_fields

# Terms as authors write them: plain words, case and space variants, commas, numbers, dates,
# booleans, nulls, nested lists and mappings, and strings of terms.
words = st.sampled_from(["python", "Python", " python ", "go", "a, b", "a,b", "", " ", "x y"])
scalars = st.one_of(words, st.integers(-2, 2), st.booleans(), st.none(), st.just(1.5))
items = st.one_of(scalars, st.lists(scalars, max_size=2), st.just({"name": "x"}))
term_values = st.one_of(st.lists(items, max_size=4), st.lists(words, max_size=4), scalars)
term_keys = st.sampled_from(["tags", "categories", "tag", "category", "Tags", "keywords"])

TERM_RULES = ("PC202", "PC403", "PC404", "PC501", "PC502")


def post_of(kind: str, data: dict[str, Any]) -> Post:
    return Post(
        path=Path("/site/_posts/2024-01-01-x.md"),
        kind=kind,  # type: ignore[arg-type]
        format="yaml",
        data=data,
        key_positions={key: (i + 2, 1) for i, key in enumerate(data)},
    )


def findings(post: Post, ctx: Context) -> list[Any]:
    found: list[Any] = [
        (code, list(RULES[code].check(post, ctx)))  # type: ignore[misc]
        for code in TERM_RULES
    ]
    found.append(facts_fields(post, ctx))
    return found


@settings(max_examples=200, deadline=None)
@given(
    kind=st.sampled_from(["jekyll", "hugo", "plain"]),
    data=st.dictionaries(term_keys, term_values, max_size=4),
    taxonomies=st.sampled_from([["tags", "categories"], ["tags", "keywords"]]),
)
def test_plain_terms_shortcut_finds_what_the_full_checks_find(
    kind: str, data: dict[str, Any], taxonomies: list[str]
) -> None:
    ctx = Context(kind=kind, root=Path("/site"), taxonomies=taxonomies)
    fast = findings(post_of(kind, data), ctx)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(PostLookups, "_all_plain", lambda self: False)
        slow = findings(
            post_of(kind, data), Context(kind=kind, root=Path("/site"), taxonomies=taxonomies)
        )
    assert fast == slow


def test_plain_terms_is_taken_for_lists_of_distinct_words_only() -> None:
    ctx = Context(kind="hugo", root=Path("/site"))
    plain = post_of("hugo", {"tags": ["a", "b"], "categories": []})
    assert ctx.lookups(plain).plain_terms
    for data in (
        {"tags": ["a", "A "]},  # the same term twice, ignoring case and space
        {"tags": ["a, b"]},  # a comma
        {"tags": "a"},  # a string
        {"tags": ["a", 1]},  # a number
    ):
        assert not ctx.lookups(post_of("hugo", data)).plain_terms, data


def hugo_keys_long_way(keys: list[str]) -> dict[str, str]:
    """`Post.hugo_keys` as Hugo's maps.PrepareParams defines it: a mixed-case key wins."""
    out: dict[str, str] = {}
    for key in keys:
        lowered = key.lower()
        if key != lowered or lowered not in out:
            out[lowered] = key
    return out


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["draft", "Draft", "DRAFT", "title", "Title", "tags", "ß"]), unique=True
    )
)
def test_hugo_keys_shortcut_matches_the_long_way(keys: list[str]) -> None:
    post = post_of("hugo", dict.fromkeys(keys))
    assert post.hugo_keys == hugo_keys_long_way(keys)
    assert list(post.hugo_keys.items()) == list(hugo_keys_long_way(keys).items())
