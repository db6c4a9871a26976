"""The lint engine's shortcuts give exactly what the long way gives: each fast path is run
against the same rules with the shortcut turned off."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections import Counter
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postctl import model, rules
from postctl.lint import Finding, new_finding, unrendered_pages
from postctl.model import Post, PostError, parse_post
from postctl.rules import RULES, Context, Facts, PostLookups, facts_fields

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


def test_hugo_keys_tables_are_shared_by_layout_and_dropped_past_the_limit(monkeypatch) -> None:
    monkeypatch.setattr(model, "_HUGO_KEYS", {})
    monkeypatch.setattr(model, "_HUGO_KEYS_KEPT", 2)
    layouts = [["title", "Draft", "draft"], ["draft", "title"], ["Title", "tags"], ["x"]]
    for keys in layouts * 2:
        assert post_of("hugo", dict.fromkeys(keys)).hugo_keys == hugo_keys_long_way(keys)
    assert len(model._HUGO_KEYS) <= 2
    first, second = (post_of("hugo", {"title": 1, "draft": i}) for i in range(2))
    assert first.hugo_keys is second.hugo_keys


# The names the rules look up in `PostLookups.written` (on Hugo sites, lower-cased).
WRITTEN_NAMES = (
    *("title", "draft", "published", "description", "excerpt", "summary"),
    *("permalink", "url", "slug", *rules.DATE_FIELDS),
)


@settings(max_examples=200, deadline=None)
@given(
    kind=st.sampled_from(["jekyll", "hugo", "plain"]),
    keys=st.lists(
        st.sampled_from(
            [*WRITTEN_NAMES, "Title", "DRAFT", "PublishDate", "publishdate", "URL", "Date", "x"]
        ),
        unique=True,
    ),
)
def test_written_keys_are_actual_key(kind: str, keys: list[str]) -> None:
    """`PostLookups.written` finds the key `actual_key` finds, for each name the rules look up
    there (lower-cased on Hugo sites, as written elsewhere), and `post.has`."""
    post = post_of(kind, dict.fromkeys(keys, "v"))
    written = PostLookups(post, ["tags"]).written
    for name in WRITTEN_NAMES:
        asked = name.lower() if kind == "hugo" else name
        assert written.get(asked) == rules.actual_key(post, name)
        assert (asked in written) == post.has(name)
    names = rules._DATE_FIELDS_LOWER if kind == "hugo" else rules.DATE_FIELDS
    assert list(filter(None, map(written.get, names))) == [
        key for key in map(functools.partial(rules.actual_key, post), rules.DATE_FIELDS) if key
    ]


# -- PC401: no boolean spelling test on Hugo sites ------------------------------------------------

# Plain scalars that YAML 1.1 and 1.2 may read differently, and some that they read alike.
yaml_tokens = st.sampled_from(
    [
        *("no", "No", "NO", "yes", "YES", "on", "On", "off", "OFF", "true", "False"),
        *("010", "0o10", "1:30", "1_000", "0b101", "10", "x", "a b", "'no'", '"yes"'),
        "2024-05-01",
    ]
)


@st.composite
def yaml_front_matter(draw: st.DrawFn) -> str:
    """Front matter with those scalars as keys, values, list items and nested values."""
    lines = []
    for i in range(draw(st.integers(1, 4))):
        token = draw(yaml_tokens)
        shape = draw(st.integers(0, 4))
        if shape == 0:
            lines.append(f"k{i}: {token}")
        elif shape == 1:
            lines.append(
                f"k{i}: [{', '.join(draw(st.lists(yaml_tokens, min_size=1, max_size=3)))}]"
            )
        elif shape == 2:
            lines += [f"k{i}:", *(f"  - {t}" for t in draw(st.lists(yaml_tokens, max_size=3)))]
        elif shape == 3:
            lines += [f"k{i}:", f"  n: {token}"]
        else:
            lines.append(f"{token}: v")
    return "\n".join(lines) + "\n"


def parsed(kind: str, front_matter: str) -> Post | None:
    try:
        return parse_post(Path("/site/a.md"), f"---\n{front_matter}---\n".encode(), kind)  # type: ignore[arg-type]
    except PostError:
        return None


@settings(max_examples=200, deadline=None)
@given(yaml_front_matter())
def test_hugo_reads_no_boolean_that_pc401_would_report(front_matter: str) -> None:
    """PC401's prefilter does not look for `yes`/`no`/`on`/`off` on Hugo sites: Hugo's YAML 1.2
    reads them as strings, so the full check (prefilter off) never reports a boolean there."""
    post = parsed("hugo", front_matter)
    if post is None:
        return
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(rules, "_suspect", lambda post: True)
        found = list(rules.check_yaml_versions(post, Context(kind="hugo", root=Path("/site"))))
    assert not [issue for issue in found if "boolean" in issue.message]


# Spellings the prefilter must also catch: underscores in a fraction, a leading dot, and a tab
# after the indicator.
prefilter_tokens = st.one_of(
    yaml_tokens, st.sampled_from(["1.0_0", "._5", "1_0.5", "+0_7", "1:2_0", ".5", "0x1f"])
)


@st.composite
def awkward_front_matter(draw: st.DrawFn) -> str:
    """`yaml_front_matter` with those spellings, tabs after `:` and `-`, and nested keys."""
    lines = []
    for i in range(draw(st.integers(1, 4))):
        token = draw(prefilter_tokens)
        gap = draw(st.sampled_from([" ", "\t", " \t"]))
        shape = draw(st.integers(0, 4))
        if shape == 0:
            lines.append(f"k{i}:{gap}{token}")
        elif shape == 1:
            lines.append(f"k{i}: [{', '.join(draw(st.lists(prefilter_tokens, max_size=3)))}]")
        elif shape == 2:
            lines += [f"k{i}:", *(f"  -{gap}{t}" for t in draw(st.lists(prefilter_tokens)))]
        elif shape == 3:
            lines += [f"k{i}:", f"  {draw(prefilter_tokens)}:{gap}{token}"]
        else:
            lines.append(f"{token}: v")
    return "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["jekyll", "hugo", "plain"]), awkward_front_matter())
def test_pc401_prefilter_passes_every_post_the_full_check_reports(
    kind: str, front_matter: str
) -> None:
    post = parsed(kind, front_matter)
    if post is None:
        return
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(rules, "_suspect", lambda post: True)
        found = list(rules.check_yaml_versions(post, Context(kind=kind, root=Path("/site"))))
    assert not found or rules._suspect(post), found


def suspect_long_way(post: Post) -> bool:
    """PC401's prefilter as one walk over every key and value, each looked at in full."""
    if any(
        key[:1].isdigit() or key[:1] in "+-." or key.lower() in rules._YAML11_ONLY_BOOLS
        for key in post.data
    ):
        return True
    octal = "0o" in post.raw
    bools = numbers = False
    nested: list[Any] = [post.data]
    while nested:
        container = nested.pop()
        for value in container.values() if isinstance(container, dict) else container:
            if isinstance(value, bool):
                bools = True
            elif isinstance(value, (int, float)) and type(value) in (int, float):
                numbers = True
            elif type(value) is str and octal and value.startswith("0o"):
                return True
            elif isinstance(value, (list, dict)):
                if isinstance(value, dict) and any(
                    type(k) is not str or (octal and k.startswith("0o")) for k in value
                ):
                    return True
                nested.append(value)
    if bools and post.kind != "hugo" and rules._BOOL_WORD_VALUE.search(post.raw):
        return True
    return numbers and rules._SUSPECT.search(post.raw) is not None


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["jekyll", "hugo", "plain"]), awkward_front_matter())
def test_pc401_prefilter_is_the_long_walk(kind: str, front_matter: str) -> None:
    """Its keys judged once each and `0o` looked for only in strings that start so: the same
    answer as looking at every key and value in full."""
    post = parsed(kind, front_matter)
    if post is not None:
        assert rules._suspect(post) == suspect_long_way(post)


def test_pc401_still_reports_boolean_spellings_outside_hugo() -> None:
    for kind in ("jekyll", "plain"):
        post = parsed(kind, "draft: no\n")
        assert post is not None
        (issue,) = rules.check_yaml_versions(post, Context(kind=kind, root=Path("/site")))
        assert "boolean false" in issue.message


# -- site-wide term rules: counted in C, the same findings as the plain loops ---------------------


def inconsistent_terms_long_way(facts: list[Facts], ctx: Context) -> list[Any]:
    """PC503 as one loop over every use; spellings used equally often are listed in the order
    they first appear."""
    out = []
    for taxonomy in ctx.taxonomies:
        uses = [
            (f.path, use, [ctx.aliases.get(t, t) for t in use[1]])
            for f in facts
            for use in f.terms.get(taxonomy, ())
        ]
        spellings: dict[str, Counter[str]] = {}
        for _, _, terms in uses:
            for term in dict.fromkeys(terms):
                spellings.setdefault(rules.term_key(term), Counter())[term] += 1
        canonical = {
            group: sorted(c, key=lambda t: (-c[t], t != t.lower(), t))[0]
            for group, c in spellings.items()
            if len(c) > 1
        }
        for path, use, terms in uses:
            wrong = [t for t in dict.fromkeys(terms) if canonical.get(rules.term_key(t), t) != t]
            for term in wrong:
                group = spellings[rules.term_key(term)]
                others = ", ".join(f"{t!r} ({n})" for t, n in group.most_common() if t != term)
                right = canonical[rules.term_key(term)]
                out.append(
                    (path, use[2], f"{use[0]} {term!r} is also spelled {others}: use {right!r}")
                )
    return out


def single_use_terms_long_way(facts: list[Facts], ctx: Context) -> list[Any]:
    """PC506 as one loop over every term of every post."""
    out = []
    for taxonomy in ctx.taxonomies:
        posts_of: dict[str, list[str]] = {}
        first: dict[str, tuple[str, Any, str]] = {}
        for f in facts:
            for use in f.terms.get(taxonomy, ()):
                for term in dict.fromkeys(use[1]):
                    group = rules.term_key(ctx.aliases.get(term, term))
                    posts_of.setdefault(group, [])
                    if f.path not in posts_of[group]:
                        posts_of[group].append(f.path)
                    first.setdefault(group, (f.path, use, term))
        for group, (path, use, term) in first.items():
            if len(posts_of[group]) == 1:
                out.append((path, use[2], f"{use[0]} {term!r} is used by this post only"))
    return out


term_spellings = st.sampled_from(["Go", "go", "g-o", "Rust", "rust", "py", "js", "JS", "x", "y z"])


@settings(max_examples=200, deadline=None)
@given(
    # (each term once in a use, as `facts_fields` sends them)
    posts=st.lists(
        st.lists(st.lists(term_spellings, max_size=4, unique=True), min_size=1, max_size=2),
        max_size=8,
    ),
    aliases=st.sampled_from([{}, {"js": "javascript", "JS": "javascript", "go": "Go"}]),
    chunk=st.integers(1, 4),
)
def test_site_term_rules_find_what_the_plain_loops_find(
    posts: list[list[list[str]]], aliases: dict[str, str], chunk: int
) -> None:
    """Also with the terms tallied chunk by chunk, as the engine tallies them."""
    ctx = Context(kind="jekyll", root=Path("/site"), taxonomies=["tags"], aliases=aliases)
    facts = [
        Facts(
            f"/site/_posts/{i}.md",
            False,
            False,
            False,
            "/site/_posts",
            None,
            None,
            {
                "tags": [
                    ("tags" if j == 0 else "tag", terms, j + 2, 1, True)
                    for j, terms in enumerate(uses)
                ]
            },
        )
        for i, uses in enumerate(posts)
    ]
    found = [
        (path, issue.line, issue.message)
        for path, issue in rules.check_inconsistent_terms(facts, ctx)
    ]
    assert found == inconsistent_terms_long_way(facts, ctx)
    found = [
        (path, issue.line, issue.message)
        for path, issue in rules.check_single_use_terms(facts, ctx)
    ]
    assert found == single_use_terms_long_way(facts, ctx)
    ctx.tally = functools.reduce(
        rules.add_tally,
        [
            rules.tally_facts(facts[i : i + chunk], ctx.taxonomies)
            for i in range(0, len(facts), chunk)
        ],
        None,
    )
    for rule, long_way in (
        (rules.check_inconsistent_terms, inconsistent_terms_long_way),
        (rules.check_single_use_terms, single_use_terms_long_way),
    ):
        found = [(path, issue.line, issue.message) for path, issue in rule(facts, ctx)]
        assert found == long_way(facts, ctx)


def clashes_long_way(facts: list[Facts], ctx: Context) -> list[Any]:
    """PC701 and PC702 as one loop over every published post, grouping all of them."""
    out = []
    by_url: dict[str, list[Facts]] = {}
    by_title: dict[tuple[str, str], list[Facts]] = {}
    for f in facts:
        if ctx.rendered(f):
            if f.url is not None:
                by_url.setdefault(f.url[0], []).append(f)
            if f.title is not None:
                by_title.setdefault((f.listing, f.title[0]), []).append(f)
    for url, group in by_url.items():
        for f in group:
            if len(group) > 1:
                others = ", ".join(rules._relative(o.path, ctx) for o in group if o is not f)
                out.append((f.path, f.url, f"same URL {url} as {others}"))
    for group in by_title.values():
        for f in group:
            if len(group) > 1:
                shown = [rules._relative(o.path, ctx) for o in group if o is not f][:3]
                more = f" and {len(group) - 4} more" if len(group) > 4 else ""
                out.append((f.path, f.title, f"same title as {', '.join(shown)}{more}"))
    return out


texts = st.sampled_from(["/a", "/b", "/c"])


@settings(max_examples=200, deadline=None)
@given(
    posts=st.lists(
        st.tuples(
            st.one_of(st.none(), texts),  # URL
            st.one_of(st.none(), texts),  # title
            st.sampled_from(["/site/x", "/site/y"]),  # listing
            st.booleans(),  # draft
        ),
        max_size=12,
    ),
    unrendered=st.sets(st.integers(0, 11), max_size=3),
    chunk=st.integers(1, 4),
)
def test_clash_rules_find_what_the_plain_loops_find(
    posts: list[tuple[str | None, str | None, str, bool]], unrendered: set[int], chunk: int
) -> None:
    """Only texts that two posts have (published or not) are grouped: the same findings, also
    with the texts tallied chunk by chunk, as the engine tallies them."""
    ctx = Context(kind="hugo", root=Path("/site"))
    ctx.unrendered = {f"/site/{i}.md" for i in unrendered}
    facts = [
        Facts(
            f"/site/{i}.md",
            draft,
            False,
            False,
            listing,
            None if url is None else (url, i + 1, 1),
            None if title is None else (title, i + 1, 2),
            {},
        )
        for i, (url, title, listing, draft) in enumerate(posts)
    ]

    def found() -> list[Any]:
        return [
            (
                path,
                facts[int(path[6:-3])].url if issue.col == 1 else facts[int(path[6:-3])].title,
                issue.message,
            )
            for rule in (rules.check_duplicate_urls, rules.check_duplicate_titles)
            for path, issue in rule(facts, ctx)
        ]

    assert found() == clashes_long_way(facts, ctx)
    ctx.tally = functools.reduce(
        rules.add_tally,
        [rules.tally_facts(facts[i : i + chunk], []) for i in range(0, len(facts), chunk)],
        None,
    )
    assert found() == clashes_long_way(facts, ctx)


# -- path strings: the Path operations they stand for ---------------------------------------------

folders = st.lists(st.sampled_from(["a", "b", "ab", "_index.md"]), max_size=3)


@settings(max_examples=200, deadline=None)
@given(
    pages=st.lists(
        st.tuples(folders, st.sampled_from(["_index.md", "p.md", "index.md"]), st.booleans()),
        max_size=8,
    )
)
def test_unrendered_pages_match_path_parents(pages: list[tuple[list[str], str, bool]]) -> None:
    facts = [
        Facts(str(Path("/site/content", *parts, name)), False, False, hides, "", None, None, {})
        for parts, name, hides in pages
    ]
    hiding = {Path(f.path).parent for f in facts if f.hides_below}
    expected = {f.path for f in facts if any(p in hiding for p in Path(f.path).parents)}
    assert unrendered_pages(facts) == expected


@pytest.mark.parametrize("root", ["/site", "/site/", "/"])
@pytest.mark.parametrize("path", ["/site/a.md", "/site/b/c.md", "/sites/a.md", "/other/a.md"])
def test_relative_matches_path_relative_to(root: str, path: str) -> None:
    try:
        expected = Path(path).relative_to(Path(root)).as_posix()
    except ValueError:
        expected = path
    assert rules._relative(path, Context(kind="hugo", root=Path(root))) == expected


@settings(max_examples=100, deadline=None)
@given(
    kind=st.sampled_from(["jekyll", "hugo", "plain"]),
    data=st.dictionaries(term_keys, term_values, max_size=4),
)
def test_facts_hold_each_term_once_in_written_order(kind: str, data: dict[str, Any]) -> None:
    """The site-wide term rules count uses, not repeats (`TermUse`): the facts a post sends
    hold its terms as written, each once."""
    ctx = Context(kind=kind, root=Path("/site"))
    post = post_of(kind, data)
    terms = facts_fields(post, ctx)[6]
    for uses in terms.values():
        for key, sent, *_ in uses:
            assert sent == list(dict.fromkeys(rules.written_terms(post, key)))


def test_lazy_patterns_take_their_place_once_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pattern compiled on first use is kept under its own name from then on, compiled (and
    each of the rules' patterns not used yet in this run is kept under the name it gives)."""
    for name, value in vars(rules).items():
        if isinstance(value, rules._LazyPattern):
            assert value.name == name
    monkeypatch.setattr(rules, "_A_RUN", rules._lazy_pattern("_A_RUN", r"a+"), raising=False)
    assert isinstance(rules._A_RUN, rules._LazyPattern)
    assert rules._A_RUN.search("baa").group() == "aa"
    assert isinstance(rules._A_RUN, re.Pattern)


@settings(max_examples=100, deadline=None)
@given(
    line=st.one_of(st.none(), st.integers(1, 9)),
    col=st.one_of(st.none(), st.integers(1, 9)),
    severity=st.sampled_from(["error", "warning", "info"]),
    message=st.text(max_size=20),
    fix=st.one_of(st.none(), st.just(rules.Fix("terms", "tags", (("a", "b"),)))),
)
def test_new_finding_is_the_dataclass_made_the_usual_way(
    line: int | None, col: int | None, severity: str, message: str, fix: rules.Fix | None
) -> None:
    args = ("/site/a.md", line, col, "PC501", "empty-terms", severity, message, fix is not None)
    fast, usual = new_finding(*args, fix), Finding(*args, fix)  # type: ignore[arg-type]
    assert type(fast) is Finding
    assert vars(fast) == vars(usual)
    assert fast == usual and hash(fast) == hash(usual) and repr(fast) == repr(usual)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.line = 3  # type: ignore[misc]


# -- rules left out for a post's traits ------------------------------------------------------------

trait_lines = st.sampled_from(
    [
        "title: Plain",
        "title: Plain",  # (a duplicate key, when drawn twice)
        "title: Â£5 off",
        "title: caf\u00e9",
        "tags: [python, go]",
        "tags: [python, Python]",
        "tags: [a, 2024]",
        'tags: "a, b"',
        "tags: []",
        "categories: [x]",
        "categories: ['a,b']",
        "slug: a\u00a0b",
        'note: "\\u200b"',
        'esc: "\\x1b["',
        "draft: false",
        "draft: true",
        "draft: 'no'",
        "draft: 1",
        "Draft: yes",
        "published: false",
        "published: 'false'",
        "title: 5",
        "title: ''",
        "title: [a]",
        "Title: X",
        f"title: {'long ' * 20}",
        "description: short",
        f"excerpt: {'long ' * 40}",
        "summary: 3",
        "date: 2020-01-01",
        "date: 2020-01-01T10:00:00",
        "date: 2020-01-01T10:00:00+02:00",
        "date: 2999-01-01T10:00:00Z",
        # (near ZONE_NOW: future or not depending on the site's timezone)
        "date: 2999-01-01",
        "date: 2999-01-01 05:00:00",
        "date: '2999-01-01 05:00:00'",
        "date: 2020-02-30",
        "date: soon",
        "date: ''",
        "date:",
        "publishDate: 2999-01-01",
        "pubdate: 2000-01-01",
        "published: true",
        "published: 2999-01-01",
        "params:\n  color: red\n  Color: red\n  color: blue",
        "images:\n  - src: a\n    src: b",
        "tags: [true, 2024]",
        "tags: [yes, off]",
        "TITLE: Y",
        "lastmod: [1]",
        "tags:",
        "tags: ' '",
        "Tags: [a]",
        "categories: []",
        "category: x",
    ]
)
trait_bodies = st.sampled_from(
    [
        b"",
        b"plain text\n",
        "Caf\u00c3\u00a9\n".encode(),
        "caf\u00e9\n".encode(),
        b"\xff bad\n",
        b"a\x1bb\n",
        "caf\u00e9\x7f\n".encode(),
        "x\u202ey\n".encode(),
    ]
)


def post_with_body(
    kind: str,
    front_matter: str | None,
    body: bytes,
    name: str = "2024-01-01-x.md",
    drafts_folder: bool = False,
    time_zone: tzinfo | None = None,
) -> Post | None:
    head = b"" if front_matter is None else f"---\n{front_matter}---\n".encode()
    folder = "_drafts" if drafts_folder else "_posts"
    try:
        post = parse_post(
            Path(f"/site/{folder}/{name}"),
            head + body,
            kind,  # type: ignore[arg-type]
            drafts_folder=drafts_folder,
            time_zone=time_zone,
        )
    except PostError:
        return None
    try:  # the body as `post.body` reads it (a body that is not UTF-8 cannot be read)
        post.__dict__["_body"] = body.decode("utf-8")
    except UnicodeDecodeError:
        pass  # (then read from a file that is not there: unreadable too)
    return post


EVERY_TRAIT = functools.reduce(int.__or__, (r.quiet_when for r in RULES.values()))
# A time on the eve of 2999-01-01: whether a post dated that day is in the future depends on
# a Jekyll site's `timezone` (PC304 and its NOT_FUTURE trait must agree in every zone).
ZONE_NOW = datetime(2998, 12, 31, 20, 0, tzinfo=timezone.utc)


@settings(max_examples=400, deadline=None)
@given(
    kind=st.sampled_from(["jekyll", "hugo", "plain"]),
    lines=st.one_of(st.none(), st.lists(trait_lines, max_size=6)),
    body=trait_bodies,
    required=st.sampled_from([["title"], ["title", "description"], ["Draft"], []]),
    lengths=st.sampled_from([((0, 70), (0, 160)), ((10, 20), (30, 40)), ((0, 3), (5, 6))]),
    taxonomies=st.sampled_from([["tags", "categories"], ["Tags"], []]),
    wanted=st.integers(0, EVERY_TRAIT),
    # (Jekyll dates a post by its file name; a post in `_drafts` is a draft)
    name=st.sampled_from(["2024-01-01-x.md", "2999-01-01-x.md", "x.md"]),
    drafts_folder=st.booleans(),
    zone=st.sampled_from([None, "Asia/Tokyo", "Pacific/Pago_Pago", "Pacific/Kiritimati"]),
    near=st.booleans(),
)
def test_rules_left_out_for_a_trait_find_nothing(
    kind: str,
    lines: list[str] | None,
    body: bytes,
    name: str,
    drafts_folder: bool,
    zone: str | None,
    near: bool,
    required: list[str],
    lengths: tuple[tuple[int, int], tuple[int, int]],
    taxonomies: list[str],
    wanted: int,
) -> None:
    """Every rule the engine leaves out of a post for its traits (`Rule.quiet_when`) finds
    nothing on that post when run, whatever the lint settings; and asking for some of the
    traits gives those of them the post has."""
    front_matter = None if lines is None else "".join(f"{x}\n" for x in lines)
    drafts_folder = drafts_folder and kind == "jekyll"
    # (a Jekyll site's `timezone`: only there do posts have one, Site.posts_time_zone)
    time_zone = ZoneInfo(zone) if zone is not None and kind == "jekyll" else None
    post = post_with_body(kind, front_matter, body, name, drafts_folder, time_zone)
    if post is None:
        return
    ctx = Context(
        kind=kind,
        root=Path("/site"),
        required=required,
        title_length=lengths[0],
        description_length=lengths[1],
        taxonomies=taxonomies,
        zone=time_zone,
        **({"now": ZONE_NOW} if near else {}),
    )
    traits = rules.post_traits(post, ctx, EVERY_TRAIT)
    for rule in RULES.values():
        if traits & rule.quiet_when:
            assert list(rule.check(post, ctx)) == [], rule.code  # type: ignore[misc]
    fresh = post_with_body(kind, front_matter, body, name, drafts_folder, time_zone)
    assert rules.post_traits(fresh, ctx, wanted) == traits & wanted  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("written", "zone", "future"),
    [
        # A YAML timestamp without an offset is UTC to Jekyll: 05:00 UTC is still to come.
        ("date: 2999-01-01 05:00:00", "Asia/Tokyo", True),
        # Text and a day alone are in the zone: 2998-12-31 20:00 / 15:00 UTC, passed.
        ("date: '2999-01-01 05:00:00'", "Asia/Tokyo", False),
        ("date: 2999-01-01", "Asia/Tokyo", False),
        ("date: 2999-01-01", "Pacific/Pago_Pago", True),  # (11:00 UTC)
        (None, "Asia/Tokyo", False),  # (the file name's day)
        (None, "Pacific/Pago_Pago", True),
        # No timezone: future only when it is in every zone (UTC+14 is 10:00 the day before).
        ("date: 2999-01-01", None, False),
        ("date: 2999-01-01 05:00:00", None, False),
    ],
)
def test_pc304_and_its_trait_read_a_date_in_the_jekyll_sites_timezone(
    written: str | None, zone: str | None, future: bool
) -> None:
    time_zone = ZoneInfo(zone) if zone else None
    front_matter = f"title: A\n{written}\n" if written else "title: A\n"
    post = post_with_body("jekyll", front_matter, b"", "2999-01-01-x.md", time_zone=time_zone)
    ctx = Context(kind="jekyll", root=Path("/site"), zone=time_zone, now=ZONE_NOW)
    assert bool(list(RULES["PC304"].check(post, ctx))) is future  # type: ignore[misc]
    quiet = rules.post_traits(post, ctx, rules.NOT_FUTURE) == rules.NOT_FUTURE
    assert quiet is not future


def test_post_traits_tell_plain_posts_from_others() -> None:
    ctx = Context(kind="hugo", root=Path("/site"))
    plain = post_with_body("hugo", "title: A\ntags: [a, b]\n", b"text\n")
    assert plain is not None
    assert rules.post_traits(plain, ctx, EVERY_TRAIT) == EVERY_TRAIT
    for front_matter, body, missing in [
        (None, b"text\n", rules.HAS_FRONT_MATTER),
        ("title: A\ntitle: B\n", b"", rules.NO_DUPLICATE_KEYS),
        ("title: A\nTitle: B\n", b"", rules.NO_DUPLICATE_KEYS),  # (one key to Hugo)
        ("title: A\nparams:\n  a: 1\n  a: 2\n", b"", rules.NO_DUPLICATE_KEYS),
        ("title: A\ntags: [a, A]\n", b"", rules.PLAIN_TERMS | rules.TYPED),
        ("title: caf\u00e9\n", b"", rules.NO_STRINGS | rules.PLAIN_TEXT | rules.CONTROL_FREE),
        ("title: A\n", b"a\x1bb\n", rules.CONTROL_FREE),
        ("title: A\n", "Caf\u00c3\u00a9\n".encode(), rules.PLAIN_TEXT),
        ("title: A\ndraft: 'no'\n", b"", rules.PLAIN_FLAGS | rules.TYPED),
        ("title: A\npublished: false\n", b"", rules.PLAIN_FLAGS | rules.TYPED),
        ("title: 5\n", b"", rules.TYPED),
        ("tags: [a]\n", b"", rules.REQUIRED_FILLED),
        ("title: ' '\n", b"", rules.REQUIRED_FILLED),
        ("title: A\nlastmod: soon\n", b"", rules.DATES_READ),
        ("title: A\ndate: 2999-01-01T00:00:00Z\n", b"", rules.NOT_FUTURE),
        ("title: A\ndate: 2020-01-01T00:00:00Z\npublishDate: 2999-01-01\n", b"", rules.NOT_FUTURE),
        ("draft: true\ndate: 2999-01-01T00:00:00Z\n", b"", 0),  # (no title: a draft)
        ("title: A\ndate: 2020-01-01T10:00:00\n", b"", rules.ZONED),
        ("title: A\ncategories: []\n", b"", rules.TERMS_FILLED),
        (f"title: {'x' * 71}\n", b"", rules.TITLE_FITS),
        (f"title: A\nsummary: {'x' * 161}\n", b"", rules.DESCRIPTION_FITS),
    ]:
        post = post_with_body("hugo", front_matter, body)
        assert post is not None
        assert rules.post_traits(post, ctx, EVERY_TRAIT) == EVERY_TRAIT & ~missing, front_matter
        # only the traits asked for
        assert rules.post_traits(post, ctx, rules.PLAIN_TERMS) & ~rules.PLAIN_TERMS == 0


# -- URLs and slugs from path strings -------------------------------------------------------------

url_values = st.sampled_from(
    [None, "", " ", "/a//b/", " /Custom/ ", "{{ .Slug }}", "x", 1, False, "a/b", "/x/", "X Y"]
)
url_keys = st.sampled_from(["url", "URL", "permalink", "slug", "Slug", "title"])
page_paths = st.sampled_from(
    [
        "/site/content/posts/a.md",
        "/site/content/Posts/B.md",
        "/site/content/a.md",
        "/site/content//posts/a.md",
        "/site/content/posts/sub/index.md",
        "/site/content/posts/A.B.md",
        "/site/content/posts/.md",
        "/site/content/posts/x.",
        "/site/content/posts/bundle/index.md",
        "/site/content/posts/_index.md",
        "/site/content/index.md",
        "/site/content/_index.md",
        "/site/other/index.html",
        "/site/_posts/2024-01-01-x.md",
        "/index.md",
    ]
)


def slug_long_way(post: Post) -> str:
    """`post.slug`, but a Hugo slug that is a number or boolean as Hugo's cast.ToString
    prints it (`slug: 1` is "1", `false` is "false")."""
    value = post.get("slug")
    if post.kind == "hugo" and isinstance(value, (bool, int)):
        return str(value).lower()
    return post.slug


def url_long_way(post: Post, ctx: Context) -> str:
    """PC701's URL of a post as the model's views give it (`post.get`, `post.has`,
    `post.slug`, pathlib), without the shortcuts."""
    import os

    explicit = post.get("permalink") if post.kind == "jekyll" else post.get("url")
    if explicit is None and post.kind == "plain":
        explicit = post.get("permalink") or post.get("url")
    if isinstance(explicit, str) and explicit.strip() and "{" not in explicit:
        url = explicit.strip()
    elif post.kind == "jekyll":
        parsed = post.parsed_date
        day = parsed.value.strftime("%Y/%m/%d") if parsed else ""
        cats = "/".join(dict.fromkeys(c.lower() for c in post.categories))
        title = re.sub(r"[^\w.~!$&'()+,;=@]+", "-", post.slug).strip("-")
        url = f"/{cats}/{day}/{title}.html"
    else:
        folder = str(post.path.parent)
        parent = folder[len(ctx.url_base) :] if folder.startswith(ctx.url_base) else folder
        stem = post.path.stem if post.path.stem in ("index", "_index") else ""
        if stem and not post.has("slug"):
            url = f"/{parent}/"
        else:
            if stem == "index":
                parent = os.path.dirname(parent)
            url = f"/{parent}/{slug_long_way(post)}/"
    url = "/" + url
    if post.kind == "jekyll":  # the file Jekyll writes (`jekyll_written_url`)
        url = url.replace("..", "/").replace("./", "")
    url = re.sub("/+", "/", url)
    if post.kind == "jekyll":
        url = re.sub(r"(?<=[^/])$", ".html", url) if not url.endswith(".html") else url
        url = re.sub(r"/index\.html$", "/", url)
    url = url.rstrip("/") or "/"
    return url.lower() if post.kind == "hugo" else url


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(["jekyll", "hugo", "plain"]),
    path=page_paths,
    data=st.dictionaries(url_keys, url_values, max_size=4),
)
def test_urls_from_path_strings_are_the_long_way(
    kind: str, path: str, data: dict[str, Any]
) -> None:
    post = dataclasses.replace(post_of(kind, data), path=Path(path))
    ctx = Context(kind=kind, root=Path("/site"))
    assert rules.post_url(post, ctx) == url_long_way(post, ctx)
    if kind != "jekyll":
        folder, name = model.split_path(path)
        written = ctx.lookups(post).written
        assert rules._slug(post, written, folder, name) == slug_long_way(post)


# -- findings sorted where they are found ----------------------------------------------------------

sorting_lines = st.sampled_from(
    [
        "title: Same",
        "title: Same",  # (a duplicate key, when drawn twice)
        "tags: [a, A, a]",
        "tags: []",
        "categories: [x, X]",
        "draft: 'no'",
        "date: 2020-02-30",
        "image: /missing.png",
        "url: /same/",
        "Url: /same/",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    kind=st.sampled_from(["jekyll", "hugo", "plain"]),
    posts=st.lists(st.lists(sorting_lines, min_size=1, max_size=6), min_size=1, max_size=4),
)
def test_findings_sorted_where_linted_come_out_as_sorted_at_the_end(
    kind: str, posts: list[list[str]]
) -> None:
    """Each file's findings are sorted where it was linted (`sort_rows`), and only the files
    given site-wide findings are sorted again: the same findings, in the same order, as
    sorting every file's findings (in the order the rules found them) at the end."""
    from postctl import lint
    from postctl.site import Site

    site = Site(Path("/site"), kind)  # type: ignore[arg-type]
    loaded = []
    for i, lines in enumerate(posts):
        text = "---\n" + "".join(f"{line}\n" for line in lines) + "---\nbody\n"
        try:
            loaded.append(
                parse_post(Path(f"/site/content/_posts/2020-01-0{i + 1}-p.md"), text.encode(), kind)
            )  # type: ignore[arg-type]
        except PostError as e:
            loaded.append(e)
    fast = lint.lint_posts(site, loaded)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(lint, "sort_rows", lambda rows: None)
        found = lint.lint_posts(site, loaded)
    by_file: dict[str, list[Finding]] = {}
    for finding in found:
        by_file.setdefault(finding.file, []).append(finding)
    expected = [
        finding
        for findings_of_file in by_file.values()
        for finding in sorted(findings_of_file, key=lambda f: (f.line or 0, f.col or 0, f.code))
    ]
    assert fast == expected
    assert [f.message for f in fast] == [f.message for f in expected]


def test_cache_entries_of_unsorted_findings_come_out_sorted() -> None:
    """Entries written before findings were sorted where linted are sorted as decoded."""
    from postctl.lint import PostLinter, selection_for
    from postctl.lint_cache import decode
    from postctl.site import Site

    site = Site(Path("/site"), "hugo")
    linter = PostLinter(site, selection_for(site), keep_posts=False)
    rows = [[5, 1, "PC801", "warning", "b", False], [2, 1, "PC901", "warning", "a", False]]
    entry = {"findings": rows, "facts": None, "dated": None}
    decoded = decode("/site/content/a.md", entry, linter, True, True)
    assert decoded is not None
    assert [f.line for f in decoded[1]] == [2, 5]


# -- PC901: what a reference from the site root got, kept for the run ---------------------------

references = st.sampled_from(
    [
        "/img/a.png",
        "/img/b.png",
        "img/a.png",
        "a.png",
        "https://x.org/a.png",
        "{{ .x }}",
        "",
        " /img/a.png ",
        "/img/a.png#x",
        "/img/%61.png",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    posts=st.lists(
        st.tuples(
            st.sampled_from(["image", "Image", "cover"]),
            st.one_of(references, st.lists(references, max_size=3), st.just({"path": "/x.png"})),
            st.sampled_from(["/content/a.md", "/content/img/b.md", "/content/p/index.md"]),
        ),
        max_size=6,
    )
)
def test_missing_files_kept_per_reference_find_what_each_post_finds_alone(
    tmp_path_factory: pytest.TempPathFactory, posts: list[tuple[str, Any, str]]
) -> None:
    """PC901 over several posts with one context (what a reference from the site root got
    kept for the next post) finds what it finds on each post with a context of its own."""
    root = tmp_path_factory.getbasetemp() / "pc901-site"
    for name in ("static/img/a.png", "content/img/a.png", "content/p/a.png"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).touch()
    shared = Context(kind="hugo", root=root, path_fields=["image", "cover"])
    for key, value, where in posts:
        post = dataclasses.replace(post_of("hugo", {key: value}), path=root / where.lstrip("/"))
        alone = Context(kind="hugo", root=root, path_fields=["image", "cover"])
        found = list(rules.check_missing_files(post, shared))
        assert found == list(rules.check_missing_files(post, alone))
        assert list(rules.check_missing_files(post, shared)) == found  # (and again, kept)
