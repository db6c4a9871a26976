"""`postctl list`: every filter, sort, format and exit code, on small sites made in tmp_path."""

from __future__ import annotations

import contextlib
import csv
import io
import json

import pytest
from conftest import EXAMPLES, write
from hypothesis import given, settings
from hypothesis import strategies as st

from postctl import listing
from postctl.listing import PostFilter, parse_bound, parse_where
from postctl.model import load_post
from postctl.output import PlainTable, _write_plain_table


@pytest.fixture
def jekyll(tmp_path):
    """A Jekyll site: case matters for its terms."""
    root = tmp_path / "jekyll"
    write(root / "_config.yml", "title: t\n")
    write(
        root / "_posts/2024-01-10-alpha.md",
        "---\ntitle: Alpha\ntags: [Python, testing]\ncategories: [Guides]\n"
        "author: Ada\nlayout: post\n---\n",
    )
    write(
        root / "_posts/2024-03-05-beta.md",
        "---\ntitle: Beta Release\ntags: [python]\ncategories: [News, Guides]\n"
        "author: Grace\nlayout: page\ndescription: about beta\nparams: {series: go}\n---\n",
    )
    write(
        root / "_posts/2023-12-31-gamma.md",
        "---\ntitle: gamma\ntags: [rust]\nauthor: ada\npublished: false\n"
        "date: 2023-12-31 23:30:00 -0500\n---\n",
    )
    write(root / "_drafts/delta.md", "---\ntitle: Delta\ntags: [go, rust]\n---\n")
    return root


@pytest.fixture
def hugo(tmp_path):
    root = tmp_path / "hugo"
    write(root / "hugo.toml", 'title = "t"\n')
    write(root / "content/a.md", "+++\ntitle = 'A'\ntags = ['Python']\ndate = 2024-01-01\n+++\n")
    write(root / "content/b.md", "---\ntitle: B\ntags: [python, go]\ndate: 2024-02-01\n---\n")
    write(root / "content/c.md", '{"title": "C", "tags": ["go"], "date": "2024-03-01"}\n')
    return root


def titles(result) -> list[str]:
    return [line.split("  ")[0] for line in result.stdout.splitlines()]


def listed(run, site, *args) -> list[str]:
    result = run("list", site, "--columns", "title", *args)
    assert result.exit_code in (0, 1), result.stderr
    return [line.strip() for line in result.stdout.splitlines()[1:]]


def test_tag_filter_follows_site_kind(run, jekyll, hugo):
    # Jekyll keeps `Python` and `python` apart; Hugo folds case, as the generators do.
    assert listed(run, jekyll, "-t", "python") == ["Beta Release"]
    assert listed(run, jekyll, "-t", "python", "--ignore-case") == ["Beta Release", "Alpha"]
    assert listed(run, hugo, "-t", "PYTHON") == ["B", "A"]


def test_tags_all_and_any(run, jekyll):
    assert listed(run, jekyll, "-t", "Python", "-t", "testing") == ["Alpha"]
    assert listed(run, jekyll, "-t", "Python", "-t", "rust") == []
    assert listed(run, jekyll, "--any-tag", "Python", "--any-tag", "rust") == [
        "Alpha",
        "gamma",
        "Delta",
    ]


def test_category_author_title(run, jekyll):
    assert listed(run, jekyll, "-c", "Guides") == ["Beta Release", "Alpha"]
    assert listed(run, jekyll, "-c", "Guides", "-c", "News") == ["Beta Release"]
    assert listed(run, jekyll, "--author", "ADA") == ["Alpha", "gamma"]
    assert listed(run, jekyll, "--author", "Grace", "--author", "ada") == [
        "Beta Release",
        "Alpha",
        "gamma",
    ]
    assert listed(run, jekyll, "--title", "RELEASE") == ["Beta Release"]


def test_since_until(run, jekyll):
    assert listed(run, jekyll, "--since", "2024-01-10") == ["Beta Release", "Alpha"]
    assert listed(run, jekyll, "--until", "2024-01-10") == ["Alpha", "gamma"]
    # A date alone is the post's own calendar day: 23:30 at -05:00 is still 2023-12-31.
    assert listed(run, jekyll, "--since", "2023-12-31", "--until", "2023-12-31") == ["gamma"]
    # With a zone, instants are compared: 23:30 -05:00 is 04:30 UTC on 2024-01-01.
    assert listed(run, jekyll, "--since", "2024-01-01T00:00Z", "--until", "2024-01-02") == ["gamma"]
    # Undated posts (the draft) never match a date range.
    assert "Delta" not in listed(run, jekyll, "--until", "2100-01-01")


def test_drafts(run, jekyll):
    assert listed(run, jekyll) == ["Beta Release", "Alpha", "gamma", "Delta"]
    assert listed(run, jekyll, "--drafts") == ["Beta Release", "Alpha", "gamma", "Delta"]
    assert listed(run, jekyll, "--no-drafts") == ["Beta Release", "Alpha"]
    assert listed(run, jekyll, "--only-drafts") == ["gamma", "Delta"]
    result = run("list", jekyll, "--only-drafts", "--no-drafts")
    assert result.exit_code == 2 and "contradict" in result.stderr


@pytest.mark.parametrize(
    ("term", "key"),
    [
        ("Static Sites", "static-sites"),
        ("static   sites", "static-sites"),  # a run of spaces is one hyphen
        ("a - b", "a-b"),  # no second hyphen next to one written
        ("  lead and trail  ", "lead-and-trail"),
        ("Hello, World!", "hello-world"),  # dropped characters leave no hyphen
        ("C#", "c#"),
        ("C++", "c++"),
        ("Node.js", "node.js"),
        ("100%25 sure", "100%25-sure"),  # `%` stays only before two hex digits
        ("50% off", "50-off"),
        ("Café Crème", "café-crème"),
        ("tab\there", "tab-here"),
    ],
)
def test_hugo_term_key_is_hugos_url_key(term, key):
    # Hugo's getTaxonomyKey: strings.ToLower(MakePath(term)), MakePath = UnicodeSanitize.
    assert listing.hugo_term_key(term) == key


def test_term_key_function_per_site_kind():
    assert listing.term_key_function("jekyll") is None  # exact, as Jekyll keys site.tags
    assert listing.term_key_function("plain", ignore_case=True)("Straße") == "strasse"
    hugo_key = listing.term_key_function("hugo")
    assert hugo_key("Straße") != hugo_key("strasse")  # Go's ToLower keeps ß
    assert listing.term_key_function("hugo", ignore_case=True)("Straße") == "strasse"


def test_hugo_tag_with_space_is_the_same_term_as_with_hyphen(run, tmp_path):
    # Hugo files `Static Sites` and `static-sites` under one term page, /tags/static-sites/.
    site = tmp_path / "h"
    write(site / "hugo.toml", 'baseURL = "https://example.org/"\n')
    write(
        site / "content/a.md", "---\ntitle: A\ntags: [static-sites]\ncategories: [Web Dev]\n---\n"
    )
    write(
        site / "content/b.md", "---\ntitle: B\ntags: [Static Sites]\ncategories: [web-dev]\n---\n"
    )
    write(site / "content/c.md", "---\ntitle: C\ntags: [staticsites]\n---\n")
    assert sorted(listed(run, site, "-t", "static sites")) == ["A", "B"]
    assert sorted(listed(run, site, "--any-tag", "STATIC-SITES", "--any-tag", "x")) == ["A", "B"]
    assert sorted(listed(run, site, "-c", "Web Dev")) == ["A", "B"]
    assert listed(run, site, "-t", "static sites", "-c", "nope") == []


def test_jekyll_tag_with_space_stays_apart_from_with_hyphen(run, tmp_path):
    site = tmp_path / "j"
    write(site / "_config.yml", "title: t\n")
    write(site / "_posts/2024-01-01-a.md", "---\ntitle: A\ntags: [static-sites]\n---\n")
    write(site / "_posts/2024-01-02-b.md", '---\ntitle: B\ntags: ["Static Sites"]\n---\n')
    assert listed(run, site, "-t", "static-sites") == ["A"]
    assert listed(run, site, "-t", "static-sites", "--ignore-case") == ["A"]
    assert listed(run, site, "-t", "static sites", "--ignore-case") == ["B"]


def test_where_matches_a_timestamp_as_written_in_the_file(run, tmp_path):
    # YAML reads `2024-05-01T10:00:00Z` as a datetime, whose text is the isoformat
    # `2024-05-01T10:00:00+00:00`: the value as the file writes it must match too.
    site = tmp_path / "h"
    write(site / "hugo.toml", 'baseURL = "https://example.org/"\n')
    write(site / "content/a.md", "---\ntitle: A\nupdated: 2024-05-01T10:00:00Z\n---\n")
    write(site / "content/b.md", "+++\ntitle = 'B'\nupdated = 2024-05-01T12:00:00+02:00\n+++\n")
    write(site / "content/c.md", "---\ntitle: C\nupdated: 2024-05-02\n---\n")
    write(site / "content/d.md", "---\ntitle: D\nupdated: '2024-05-01T10:00:00Z'\n---\n")
    assert sorted(listed(run, site, "--where", "updated=2024-05-01T10:00:00Z")) == ["A", "B", "D"]
    assert sorted(listed(run, site, "--where", "updated=2024-05-01")) == ["A", "B", "D"]
    assert listed(run, site, "--where", "updated=2024-05-02") == ["C"]
    assert listed(run, site, "--where", "updated=2024-05-01T10:00:01Z") == []
    jekyll = tmp_path / "j"
    write(jekyll / "_config.yml", "title: t\n")
    write(jekyll / "_posts/2024-05-01-a.md", "---\ntitle: A\nupdated: 2024-05-01 10:00:00\n---\n")
    write(jekyll / "_posts/2024-05-02-b.md", "---\ntitle: B\n---\n")
    assert listed(run, jekyll, "--where", "updated=2024-05-01 10:00:00") == ["A"]
    assert listed(run, jekyll, "--where", "updated=2024-05-01T10:00") == ["A"]


def test_where_and_missing(run, jekyll):
    assert listed(run, jekyll, "--where", "layout=post") == ["Alpha"]
    assert listed(run, jekyll, "--where", "tags=rust") == ["gamma", "Delta"]  # a list item
    assert listed(run, jekyll, "--where", "params.series=go") == ["Beta Release"]  # dotted
    assert listed(run, jekyll, "--where", "published=false") == ["gamma"]
    assert listed(run, jekyll, "--where", "layout=POST") == []
    assert listed(run, jekyll, "--where", "layout=POST", "-i") == ["Alpha"]
    assert listed(run, jekyll, "--missing", "description") == ["Alpha", "gamma", "Delta"]
    assert listed(run, jekyll, "--missing", "layout", "--missing", "author") == ["Delta"]
    result = run("list", jekyll, "--where", "novalue")
    assert result.exit_code == 2 and "KEY=VALUE" in result.stderr


def test_bad_dates_and_columns_are_usage_errors(run, jekyll):
    result = run("list", jekyll, "--since", "yesterday")
    assert result.exit_code == 2 and "--since" in result.stderr
    result = run("list", jekyll, "--columns", "title,colour")
    assert result.exit_code == 2 and "colour" in result.stderr


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("date", ["Beta Release", "Alpha", "gamma", "Delta"]),
        ("title", ["Alpha", "Beta Release", "Delta", "gamma"]),
        ("author", ["Delta", "gamma", "Alpha", "Beta Release"]),  # ada = Ada: by path
        ("path", ["Delta", "gamma", "Alpha", "Beta Release"]),
    ],
)
def test_sort_and_reverse(run, jekyll, sort, expected):
    assert listed(run, jekyll, "--sort", sort) == expected
    reversed_ = listed(run, jekyll, "--sort", sort, "--reverse")
    if sort == "date":  # undated posts stay last either way
        assert reversed_ == ["gamma", "Alpha", "Beta Release", "Delta"]
    else:
        assert reversed_ == expected[::-1]


def test_limit_and_count(run, jekyll):
    assert listed(run, jekyll, "--limit", "2") == ["Beta Release", "Alpha"]
    result = run("list", jekyll, "--count")
    assert (result.exit_code, result.stdout) == (0, "4\n")
    result = run("list", jekyll, "--count", "-t", "rust")
    assert result.stdout == "2\n"
    result = run("list", jekyll, "--count", "-t", "nothing")
    assert (result.exit_code, result.stdout) == (1, "0\n")  # like grep: nothing matched


def test_limit_0_shows_nothing_and_exits_0_when_posts_matched(run, jekyll):
    # --limit caps what is shown: the filter matched, so this is no "nothing matched" (exit 1)
    result = run("list", jekyll, "-t", "rust", "--limit", "0", "-f", "json")
    assert (result.exit_code, result.stdout.strip()) == (0, "[]")
    assert run("list", jekyll, "-t", "cobol", "--limit", "0").exit_code == 1
    result = run("tags", jekyll, "-t", "rust", "--limit", "0")
    assert result.exit_code == 0, result.stdout
    assert run("tags", jekyll, "-t", "cobol", "--limit", "0").exit_code == 1


def test_nothing_matched_exits_1_but_an_empty_site_without_filters_is_fine(run, jekyll, tmp_path):
    assert run("list", jekyll, "-t", "cobol").exit_code == 1
    write(tmp_path / "empty" / "_config.yml", "title: t\n")
    assert run("list", tmp_path / "empty").exit_code == 0


def test_columns_and_formats(run, jekyll):
    result = run("list", jekyll, "--columns", "title,author,draft,format,slug", "-t", "rust")
    assert result.stdout.splitlines()[0].split() == ["TITLE", "AUTHOR", "DRAFT", "FORMAT", "SLUG"]
    assert result.stdout.splitlines()[1].split() == ["gamma", "ada", "yes", "yaml", "gamma"]
    result = run("list", jekyll, "-f", "csv", "--columns", "date,title,tags")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0] == {"date": "2024-03-05", "title": "Beta Release", "tags": "python"}
    assert rows[2]["date"] == "2023-12-31 23:30"
    result = run("list", jekyll, "-f", "json", "-t", "rust")
    records = json.loads(result.stdout)
    assert [r["title"] for r in records] == ["gamma", "Delta"]
    assert records[0]["date"] == "2023-12-31T23:30:00-05:00"
    assert records[0]["front_matter"]["published"] is False


def test_paths_format_feeds_xargs(run, jekyll, monkeypatch):
    monkeypatch.chdir(jekyll)
    result = run("list", "--format", "paths", "--sort", "path")
    assert result.stdout == (
        "_drafts/delta.md\n_posts/2023-12-31-gamma.md\n"
        "_posts/2024-01-10-alpha.md\n_posts/2024-03-05-beta.md\n"
    )


def test_paths_format_never_prints_a_path_that_is_not_a_post(run, hugo, monkeypatch):
    # A name with a newline would reach xargs as two paths, neither of them the post.
    # (Hugo takes any name under content/; Jekyll's post and draft patterns stop at a newline.)
    write(hugo / "content/evil\nname.md", "---\ntitle: Evil\ndate: 2024-04-01\n---\n")
    monkeypatch.chdir(hugo)
    result = run("list", "--format", "paths", "--sort", "path")
    assert result.exit_code == 1
    assert result.stdout == "content/a.md\ncontent/b.md\ncontent/c.md\n"
    assert result.stderr == (
        "postctl: content/evil\\x0aname.md: left out, the name holds a line break (use -0/--null)\n"
    )
    null = run("list", "-f", "paths", "--null", "--sort", "path")
    assert null.exit_code == 0 and null.stderr == ""
    assert null.stdout.split("\0") == [
        "content/a.md",
        "content/b.md",
        "content/c.md",
        "content/evil\nname.md",
        "",
    ]
    assert run("list", "-f", "paths", "-0", "-t", "nothing").stdout == ""
    assert run("list", "-0").exit_code == 2  # --null is for -f paths


def test_broken_post_is_counted_named_and_exit_1(run, jekyll):
    write(jekyll / "_posts/2024-05-05-broken.md", "---\ntitle: [unclosed\n---\n")
    result = run("list", jekyll, "--count")
    assert result.exit_code == 1
    assert result.stdout == "4\n"
    lines = result.stderr.splitlines()
    assert "2024-05-05-broken.md:3:1: " in lines[0] and "PC004" in lines[0]
    assert lines[-1] == "postctl: 1 post(s) could not be read"


def test_examples_blog_filters(run):
    assert listed(run, EXAMPLES / "blog", "-t", "python") == [
        "Python packaging in 2025, without the folklore"
    ]
    result = run("list", EXAMPLES / "blog", "--only-drafts", "--count")
    assert result.stdout == "2\n"


def test_post_filter_is_reusable(tmp_path):
    path = write(tmp_path / "p.md", "---\ntitle: Hello\ntags: [A, b]\ndate: 2024-02-03\n---\n")
    post = load_post(path, "hugo")
    assert PostFilter().is_empty and PostFilter().matches(post)
    assert PostFilter(tags=("a",)).matches(post)  # Hugo folds case
    assert not PostFilter(tags=("a",)).matches(load_post(path, "jekyll"))
    assert PostFilter(tags=("a",), ignore_case=True).matches(load_post(path, "jekyll"))
    assert PostFilter(since=parse_bound("2024-02-03"), until=parse_bound("2024-02-03")).matches(
        post
    )
    assert not PostFilter(where=(parse_where("title=Bye"),)).matches(post)
    assert PostFilter(where=(parse_where("title=Hello"),), missing=("author",)).matches(post)
    assert not PostFilter(drafts="only").is_empty
    with pytest.raises(ValueError):
        parse_bound("2024-02-30")


def test_list_entries_filter_order_and_limit_without_the_cli(jekyll):
    from postctl.listing import list_entry, listed
    from postctl.site import collect, find_site, load_posts

    site = find_site(jekyll, explicit=True)
    posts = load_posts(site, collect(site))

    def titles(post_filter, sort="date", limit=None, item=lambda p: p.title):
        each = post_filter.applied(list_entry(item, sort))
        return listed(map(each, posts), sort, limit=limit)

    assert titles(PostFilter()) == ["Beta Release", "Alpha", "gamma", "Delta"]  # undated last
    assert titles(PostFilter(tags=("Python",))) == ["Alpha"]
    assert titles(PostFilter(), sort="title", limit=2) == ["Alpha", "Beta Release"]
    assert titles(PostFilter(drafts="only"), item=None) == [None, None]
    assert [p.title for p in PostFilter(authors=("ada",)).select(posts)] == ["gamma", "Alpha"]


def test_term_counter_counts_the_posts_it_is_given(jekyll):
    from postctl.site import collect, find_site, load_posts
    from postctl.stats import TermCounter, distinct_terms

    site = find_site(jekyll, explicit=True)
    counter = TermCounter("tags")
    posts = load_posts(site, collect(site))
    each = PostFilter(tags=("rust",)).applied(distinct_terms)
    assert counter.add_all(map(each, posts)) == 2
    assert [(c.term, c.count) for c in counter.result()] == [("rust", 2), ("go", 1)]


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.one_of(st.none(), st.sampled_from(["2024-01-02\0a", "2023-05-06\0b", "2025\0c"])),
            st.tuples(*[st.text("ab é\t", max_size=6)] * 3),
        ),
        max_size=12,
    ),
    sort=st.sampled_from(["date", "title", "path"]),
    reverse=st.booleans(),
)
def test_a_table_laid_out_before_the_sort_is_the_one_laid_out_after(rows, sort, reverse):
    columns = ("date", "title", "path")
    table = PlainTable(columns)
    laid_out = io.StringIO()
    with contextlib.redirect_stdout(laid_out):
        table.write(listing.listed(iter(rows), sort, reverse, lay_out=table.lay_out))
    before = laid_out.getvalue()
    out = io.StringIO()
    _write_plain_table(out, columns, listing.listed(iter(rows), sort, reverse))
    assert before == out.getvalue()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.sampled_from(["2024-01-01", "2023-05-06", "2025-12-31"]))),
    st.sampled_from(["date", "title"]),
    st.booleans(),
    st.one_of(st.none(), st.integers(0, 5)),
)
def test_listed_orders_like_a_sort_of_the_pairs(keys, sort, reverse, limit):
    """Keyed items by their key (dates newest first, the rest ascending, `reverse` flips either;
    equal keys keep their order), undated ones last as they came; the layout is made of the
    items in the order they came, and what listed is done with goes to `spent`, not away."""
    entries = [(key, f"item {i}") for i, key in enumerate(keys)]
    keyed = sorted(
        (e for e in entries if e[0] is not None),
        key=lambda e: e[0],
        reverse=(sort == "date") != reverse,
    )
    expected = [item for _, item in keyed] + [item for key, item in entries if key is None]
    spent: list = []
    laid_out_from = []

    def lay_out(items):
        laid_out_from.extend(items)
        return [item.upper() for item in items]

    got = listing.listed(iter([*entries, None]), sort, reverse, limit, lay_out, spent=spent)
    if limit is None:
        assert got == [item.upper() for item in expected]
        assert laid_out_from == [item for _, item in entries]
        assert spent == [entries, [item for _, item in entries]]
    else:
        assert got == expected[:limit]
        assert laid_out_from == []
        assert spent == [entries]
    assert listing.listed(iter(entries), sort, reverse, limit) == expected[:limit]
