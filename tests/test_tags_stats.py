"""`postctl tags`, `postctl categories` and `postctl stats`."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from conftest import EXAMPLES, write

from postctl.output import bar
from postctl.stats import TermCount, likeness_keys, similar_groups


def make_site(root, kind="jekyll"):
    if kind == "hugo":
        write(root / "hugo.toml", 'title = "t"\n')
        folder = root / "content"
    else:
        write(root / "_config.yml", "title: t\n")
        folder = root / "_posts"
    posts = [
        ("2024-01-01-a.md", "tags: [Python, testing, Python]\ncategories: [Guides]"),
        ("2024-01-02-b.md", "tags: [python]\ncategories: [guides]"),
        ("2024-02-03-c.md", "tags: [py-thon, go]"),
        ("2024-02-04-d.md", "tags: [python, Go_Lang]\ndraft: true\npublished: false"),
    ]
    for name, fm in posts:
        write(folder / name, f"---\ntitle: {name}\nauthor: Ada\n{fm}\n---\n")
    return root


def test_tags_jekyll_counts_each_spelling(run, tmp_path):
    site = make_site(tmp_path / "j")
    result = run("tags", site, "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    # A post listing Python twice counts once.
    assert rows[0] == {"term": "python", "posts": "2"}
    assert {"term": "Python", "posts": "1"} in rows
    assert {r["term"] for r in rows} == {"python", "Python", "testing", "py-thon", "go", "Go_Lang"}


def test_tags_hugo_folds_case_and_shows_spellings(run, tmp_path):
    site = make_site(tmp_path / "h", "hugo")
    records = json.loads(run("tags", site, "-f", "json").stdout)
    assert records[0] == {"term": "python", "posts": 3, "spellings": ["python", "Python"]}
    result = run("tags", site, "--sort", "name", "-f", "csv")
    assert [r["term"] for r in csv.DictReader(io.StringIO(result.stdout))] == [
        "go",
        "Go_Lang",
        "py-thon",
        "python",
        "testing",
    ]


def test_tags_hugo_counts_spaces_and_hyphens_as_one_term(run, tmp_path):
    # Hugo's term key is the lower-cased URL form: `Static Sites` is /tags/static-sites/.
    site = tmp_path / "h"
    write(site / "hugo.toml", 'title = "t"\n')
    for name, tags, categories in [
        ("a.md", "[static-sites, Static Sites]", "[Web Dev]"),
        ("b.md", "[Static Sites]", "[web-dev]"),
        ("c.md", "[static-sites, C#]", "[web-dev]"),
        ("d.md", "[C]", "[]"),
    ]:
        write(
            site / "content" / name, f"---\ntitle: T\ntags: {tags}\ncategories: {categories}\n---\n"
        )
    records = json.loads(run("tags", site, "-f", "json").stdout)
    assert records == [
        {"term": "Static Sites", "posts": 3, "spellings": ["Static Sites", "static-sites"]},
        {"term": "C", "posts": 1, "spellings": ["C"]},
        {"term": "C#", "posts": 1, "spellings": ["C#"]},
    ]
    categories = json.loads(run("categories", site, "-f", "json").stdout)
    assert [(c["term"], c["posts"]) for c in categories] == [("web-dev", 3)]
    stats = json.loads(run("stats", site, "-f", "json").stdout)
    assert stats["top_tags"] == {"Static Sites": 3, "C": 1, "C#": 1}
    similar = json.loads(run("tags", site, "--similar", "-f", "json").stdout)
    assert [t["term"] for t in similar[0]["terms"]] == ["Static Sites", "static-sites"]


def test_tags_table_has_bars_and_limit(run, tmp_path):
    site = make_site(tmp_path / "j")
    result = run("tags", site, "--limit", "2")
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["TERM", "POSTS"]
    assert lines[1].split() == ["python", "2", "█" * 30]
    assert lines[2].split() == ["go", "1", "█" * 15]  # ties by name
    assert len(lines) == 3


def test_similar_groups_python_spellings(run, tmp_path):
    site = make_site(tmp_path / "j")
    records = json.loads(run("tags", site, "--similar", "-f", "json").stdout)
    assert records[0] == {
        "posts": 4,
        "terms": [
            {"term": "python", "posts": 2},
            {"term": "Python", "posts": 1},
            {"term": "py-thon", "posts": 1},
        ],
    }
    # Each spelling on its own even on Hugo, where Python and python are one term.
    hugo = make_site(tmp_path / "h", "hugo")
    result = run("tags", hugo, "--similar")
    assert result.exit_code == 0
    assert "python (2)  Python (1)  py-thon (1)" in result.stdout


def test_similar_keys():
    assert {"python"} <= likeness_keys("Py_Thon") & likeness_keys("py thon")
    assert likeness_keys("Categories") & likeness_keys("category")
    assert likeness_keys("Café") & likeness_keys("cafe")
    groups = similar_groups(
        [TermCount(t, n) for t, n in [("go", 3), ("rust", 2), ("Rusts", 1), ("golang", 1)]]
    )
    assert [[c.term for c in g] for g in groups] == [["rust", "Rusts"]]


def _grouped(terms: list[str]) -> list[set[str]]:
    return [{c.term for c in g} for g in similar_groups([TermCount(t, 1) for t in terms])]


def test_similar_groups_plurals_of_words_ending_in_se_ie_and_xes():
    # `releases` once stemmed to "releas" and `movies` to "movy": neither met its singular
    terms = ["release", "releases", "movie", "movies", "database", "databases", "box", "boxes"]
    groups = _grouped(terms)
    assert len(groups) == 4
    for pair in ({"release", "releases"}, {"movie", "movies"}, {"database", "databases"}):
        assert pair in groups
    assert {"box", "boxes"} in groups
    assert _grouped(["story", "stories"]) == [{"story", "stories"}]


def test_similar_does_not_take_news_for_the_plural_of_new():
    assert _grouped(["new", "news"]) == []
    assert _grouped(["serie", "series", "class", "clas"]) == []


def test_categories_alias_and_field(run, tmp_path):
    site = make_site(tmp_path / "j")
    alias = run("categories", site, "-f", "csv")
    field = run("tags", site, "--field", "categories", "-f", "csv")
    assert alias.stdout == field.stdout == "term,posts\nGuides,1\nguides,1\n"
    assert run("categories", site, "-i", "-f", "csv").stdout == "term,posts\nGuides,2\n"


def test_tags_of_a_jekyll_custom_field_take_a_string_whole(run, tmp_path):
    """Jekyll splits a string on whitespace only under tags and categories (Document#
    populate_tags / #populate_categories through Utils.pluralized_array_from_hash): `series:
    Deep Dive` is one value, as `series: [Deep Dive]` is."""
    write(tmp_path / "_config.yml", "title: x\n")
    write(tmp_path / "_posts" / "2024-01-01-a.md", "---\ntitle: a\nseries: Deep Dive\n---\n")
    write(tmp_path / "_posts" / "2024-01-02-b.md", "---\ntitle: b\nseries: [Deep Dive]\n---\n")
    write(tmp_path / "_posts" / "2024-01-03-c.md", "---\ntitle: c\nauthor: Tom Reyes\n---\n")
    result = run("tags", "--field", "series", "-f", "json", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert {row["term"]: row["posts"] for row in json.loads(result.stdout)} == {"Deep Dive": 2}
    result = run("tags", "--field", "author", "-f", "csv", tmp_path)
    assert result.stdout == "term,posts\nTom Reyes,1\n"


def test_tags_with_filters(run, tmp_path):
    site = make_site(tmp_path / "j")
    result = run("tags", site, "--no-drafts", "--since", "2024-02-01", "-f", "csv")
    assert result.stdout == "term,posts\ngo,1\npy-thon,1\n"
    assert run("tags", site, "-t", "nothing").exit_code == 1


def test_stats_on_examples_blog(run):
    result = run("stats", EXAMPLES / "blog")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "(jekyll)  16 posts, 2 drafts, 2 undated" in out
    assert "from 2021-06-01 09:00 to 2026-02-05 03:33" in out
    lines = out.splitlines()
    per_year = lines[lines.index("Posts per year") + 1 : lines.index("Top tags") - 1]
    assert [line.split()[:2] for line in per_year] == [
        ["2021", "1"],
        ["2022", "2"],
        ["2023", "2"],
        ["2024", "4"],
        ["2025", "4"],
        ["2026", "1"],
    ]
    assert per_year[3].split()[2] == per_year[4].split()[2] == "█" * 30  # the busiest years
    assert per_year[0].split()[2] == "███████▌"  # a quarter of it, in eighths of a cell
    assert "Maya Okafor      6" in out
    assert lines[lines.index("Top tags") + 1].split() == ["web", "3", "█" * 30]


def test_stats_counts_an_author_however_the_name_is_cased(run, tmp_path):
    """`list --author` matches names whatever their case, so `stats` counts `Ada Lovelace` and
    `ada lovelace` as one author, shown as most posts spell it."""
    write(tmp_path / "_config.yml", "title: x\n")
    for day, author in enumerate(["Ada Lovelace", "ada lovelace", "Ada Lovelace", "Tom"], 1):
        write(tmp_path / "_posts" / f"2024-01-0{day}-p.md", f"---\nauthor: {author}\n---\n")
    data = json.loads(run("stats", tmp_path, "-f", "json").stdout)
    assert data["top_authors"] == {"Ada Lovelace": 3, "Tom": 1}
    assert run("list", tmp_path, "--author", "ADA LOVELACE", "--count").stdout == "3\n"


def test_stats_months_json_and_filters(run, tmp_path):
    site = make_site(tmp_path / "j")
    data = json.loads(run("stats", site, "-f", "json").stdout)
    assert data["period"] == "month"
    assert data["per_period"] == {"2024-01": 2, "2024-02": 2}
    assert (data["posts"], data["drafts"], data["undated"]) == (4, 1, 0)
    assert data["top_authors"] == {"Ada": 4}
    assert data["first"] == "2024-01-01T00:00:00" and data["last"] == "2024-02-04T00:00:00"
    data = json.loads(run("stats", site, "-f", "json", "--by", "year", "--no-drafts").stdout)
    assert data["per_period"] == {"2024": 3}
    # Months without posts are shown as zero, so the chart's time axis is honest.
    write(site / "_posts/2024-05-01-e.md", "---\ntitle: e\n---\n")
    data = json.loads(run("stats", site, "-f", "json").stdout)
    assert data["per_period"] == {
        "2024-01": 2,
        "2024-02": 2,
        "2024-03": 0,
        "2024-04": 0,
        "2024-05": 1,
    }


def test_stats_and_list_date_a_jekyll_post_in_the_sites_timezone(run, tmp_path):
    """On a `timezone: Asia/Tokyo` site, `date: 2024-06-30 23:30:00` (a YAML timestamp, UTC to
    Jekyll: SafeYAML, then Utils.parse_date's `.localtime`) is 2024-07-01 08:30: the month
    `stats` counts it in and the date `list` shows, as in its URL and Jekyll's archives."""
    write(tmp_path / "_config.yml", "title: T\ntimezone: Asia/Tokyo\n")
    write(
        tmp_path / "_posts/2024-07-01-late.md", "---\ntitle: Late\ndate: 2024-06-30 23:30:00\n---\n"
    )
    write(tmp_path / "_posts/2024-05-30-early.md", "---\ntitle: Early\n---\n")
    for cache in (["--no-cache"], [], []):  # parsed, then parsed and stored, then from the cache
        result = run("stats", tmp_path, "-f", "json", "--by", "month", *cache)
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["per_period"] == {"2024-05": 1, "2024-06": 0, "2024-07": 1}
        listed = run("list", tmp_path, "-f", "csv", "--columns", "date,title", *cache)
        assert listed.stdout.splitlines()[1:] == ["2024-07-01 08:30,Late", "2024-05-30,Early"]


def test_a_day_alone_sorts_and_compares_as_midnight_in_the_sites_timezone(run, tmp_path):
    """On a `timezone: Asia/Tokyo` site Jekyll dates `date: 2024-07-01` 00:00 +09:00
    (Utils.parse_date: Time.parse(...).localtime), before `"2024-07-01 05:00"` (05:00 +09:00):
    `list` order, `--until` and `stats` first/last agree, parsed and from the cache."""
    write(tmp_path / "_config.yml", "title: T\ntimezone: Asia/Tokyo\n")
    write(tmp_path / "_posts/2024-07-01-a.md", "---\ntitle: Midnight\ndate: 2024-07-01\n---\n")
    write(tmp_path / "_posts/2024-07-01-b.md", '---\ntitle: Five\ndate: "2024-07-01 05:00"\n---\n')
    for cache in (["--no-cache"], [], []):  # parsed, then parsed and stored, then from the cache
        listed = json.loads(run("list", tmp_path, "-f", "json", *cache).stdout)
        assert [row["title"] for row in listed] == ["Five", "Midnight"]
        until = run("list", tmp_path, "-f", "json", "--until", "2024-07-01T02:00+09:00", *cache)
        assert [row["title"] for row in json.loads(until.stdout)] == ["Midnight"]
        stats = json.loads(run("stats", tmp_path, "-f", "json", *cache).stdout)
        assert stats["first"].startswith("2024-07-01T00:00"), stats["first"]
        assert stats["last"].startswith("2024-07-01T05:00"), stats["last"]
        table = run("list", tmp_path, "-f", "csv", "--columns", "date,title", *cache)
        assert table.stdout.splitlines()[1:] == ["2024-07-01 05:00,Five", "2024-07-01,Midnight"]


def test_stats_empty_site(run, tmp_path):
    write(tmp_path / "_config.yml", "title: t\n")
    result = run("stats", tmp_path)
    assert result.exit_code == 0
    assert "0 posts, 0 drafts" in result.stdout and "(none)" in result.stdout
    write(tmp_path / "_drafts" / "one.md", "---\ntitle: One\n---\n")
    assert "1 post, 1 draft" in run("stats", tmp_path).stdout


def test_bar():
    assert bar(10, 10, 4) == "████"
    assert bar(5, 10, 4) == "██"
    assert bar(1, 100, 4) == "▏"  # never invisible
    assert bar(0, 10) == "" and bar(3, 0) == ""
    assert bar(9, 16, 2) == "█▏"


def test_stats_chart_stays_a_picture_with_one_far_off_date(run, tmp_path):
    # One typo'd year (2999 for 2024) made "posts per year" a bar for every year between.
    write(tmp_path / "hugo.toml", 'baseURL = "https://example.org/"\n')
    for name, day in (("a", "2024-01-01"), ("b", "2024-03-01"), ("c", "2999-01-01")):
        write(tmp_path / "content" / f"{name}.md", f"---\ntitle: {name}\ndate: {day}\n---\n")
    by_year = json.loads(run("stats", tmp_path, "-f", "json").stdout)
    assert by_year["per_period"] == {"2024": 2, "2999": 1}
    assert len(run("stats", tmp_path).stdout.splitlines()) < 40
    by_month = run("stats", tmp_path, "--by", "month")
    assert len(by_month.stdout.splitlines()) < 40
    # a gap of a few periods is still drawn, empty
    write(tmp_path / "content" / "c.md", "---\ntitle: c\ndate: 2024-06-01\n---\n")
    months = json.loads(run("stats", tmp_path, "-f", "json", "--by", "month").stdout)
    assert len(months["per_period"]) == 6


@pytest.mark.skipif(os.name != "posix", reason="a non-UTF-8 file name needs a POSIX file system")
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_stats_shows_a_site_folder_that_is_not_utf8_escaped(run, tmp_path, fmt):
    site = os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9")
    try:
        os.mkdir(site)
    except OSError:
        pytest.skip("the file system refuses names that are not UTF-8")
    write(Path(site) / "a.md", "---\ntitle: A\ntags: [x]\n---\n")
    result = run("stats", site, "-f", fmt, cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    if fmt == "json":
        assert json.loads(result.stdout)["site"].endswith("/caf\\xe9")
    else:
        assert result.stdout.startswith("caf\\xe9 (plain)")
