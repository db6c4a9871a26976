"""Each lint rule: what it reports, and what it must leave alone."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import write

from postctl.lint import Finding, lint_site
from postctl.rules import RULES
from postctl.site import find_site

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=timezone.utc)


def jekyll(tmp_path: Path, posts: dict[str, str | bytes], config: str = "") -> Path:
    write(tmp_path / "_config.yml", "title: t\n")
    if config:
        write(tmp_path / "postctl.toml", config)
    for name, text in posts.items():
        write(tmp_path / name, text)
    return tmp_path


def hugo(tmp_path: Path, posts: dict[str, str | bytes], config: str = "") -> Path:
    write(tmp_path / "hugo.toml", "title = 't'\n")
    if config:
        write(tmp_path / "postctl.toml", config)
    for name, text in posts.items():
        write(tmp_path / "content" / name, text)
    return tmp_path


def lint(root: Path, *codes: str) -> list[Finding]:
    """Findings of the given rules only (all rules when none are given)."""
    return lint_site(find_site(root), select=codes, now=NOW).findings


def messages(root: Path, code: str) -> list[str]:
    return [f.message for f in lint(root, code)]


POST = "_posts/2024-01-01-x.md"


def fm(text: str, body: str = "Body.\n") -> str:
    return f"---\n{text}---\n{body}"


# -- catalogue --------------------------------------------------------------------------------


def test_catalogue_codes_are_unique_stable_and_explained():
    assert len({r.name for r in RULES.values()}) == len(RULES)
    for code, rule in RULES.items():
        assert code == rule.code and code[:2] == "PC" and len(code) == 5
        assert rule.severity in ("error", "warning", "info")
        assert len(rule.explanation) > 80, code
        assert rule.name == rule.name.lower() and " " not in rule.name
    # The model's PostError codes keep their meaning.
    assert RULES["PC002"].name == "invalid-encoding"
    assert RULES["PC004"].name == "syntax-error"
    assert RULES["PC601"].name == "mojibake"


# -- PC0xx: load errors become findings ------------------------------------------------------


def test_post_errors_are_findings_with_their_codes(tmp_path):
    root = jekyll(
        tmp_path,
        {
            "_posts/2024-01-01-a.md": fm("title: Part 1: Intro\n"),
            "_posts/2024-01-02-b.md": "---\ntitle: x\n",
            "_posts/2024-01-03-c.md": b"---\ntitle: caf\xe9\n---\n",
            "_posts/2024-01-04-d.md": fm("- a\n- b\n"),
            "_posts/2024-01-05-e.md": fm("x: !!python/object/apply:os.system ['true']\n"),
        },
    )
    found = {(f.path.name, f.code) for f in lint(root, "PC0")}
    assert found == {
        ("2024-01-01-a.md", "PC004"),
        ("2024-01-02-b.md", "PC003"),
        ("2024-01-03-c.md", "PC002"),
        ("2024-01-04-d.md", "PC005"),
        ("2024-01-05-e.md", "PC006"),
    }
    syntax = next(f for f in lint(root, "PC004"))
    assert (syntax.line, syntax.severity) == (2, "error")


def test_body_that_is_not_utf8_is_reported_once(tmp_path):
    root = jekyll(tmp_path, {POST: b"---\ntitle: x\n---\nline\ncaf\xe9\n"})
    found = lint(root)
    assert [(f.code, f.line) for f in found if f.code == "PC002"] == [("PC002", 5)]


# -- PC1xx ------------------------------------------------------------------------------------


def test_missing_front_matter(tmp_path):
    root = jekyll(
        tmp_path,
        {POST: "Just text.\n", "_posts/2024-01-02-y.md": "\n---\ntitle: y\n---\n"},
    )
    found = messages(root, "PC101")
    assert found[0].startswith("no front matter")
    assert "must start on the first line" in found[1]
    assert messages(jekyll(tmp_path, {POST: fm("title: x\n")}), "PC101") == [
        "front matter must start on the first line; it is preceded by blank space"
    ]


def test_duplicate_keys_yaml_and_json(tmp_path):
    root = hugo(
        tmp_path,
        {
            "a.md": fm("title: one\ndate: 2024-01-01\ntitle: two\n"),
            "b.md": '{\n"title": "x",\n"title": "y"\n}\n',
        },
    )
    found = lint(root, "PC102")
    assert [(f.path.name, f.line) for f in found] == [("a.md", 4), ("b.md", 3)]
    assert "first on line 2" in found[0].message


# -- PC2xx ------------------------------------------------------------------------------------


def test_required_fields_default_and_configured(tmp_path):
    root = jekyll(tmp_path, {POST: fm("title: ''\n"), "_posts/2024-01-02-y.md": fm("a: 1\n")})
    assert messages(root, "PC201") == [
        "required field 'title' is empty",
        "missing required field 'title'",
    ]
    write(tmp_path / "postctl.toml", '[lint]\nrequired = ["author"]\n')
    assert len(messages(root, "PC201")) == 2
    write(tmp_path / "postctl.toml", "[lint]\nrequired = []\n")
    assert messages(root, "PC201") == []


def test_hugo_headless_bundles_need_no_title(tmp_path):
    root = hugo(
        tmp_path,
        {
            "snippets/_index.md": fm("cascade:\n  build:\n    render: never\n"),
            "snippets/one.md": fm("_comment: a snippet\n"),
            "page/index.md": fm("headless: true\n"),
            "posts/real.md": fm("draft: false\n"),
        },
    )
    assert [f.path.name for f in lint(root, "PC201")] == ["real.md"]


def test_wrong_types(tmp_path):
    root = hugo(
        tmp_path,
        {
            "a.md": fm("title: [a, b]\ntags: {a: 1}\ncategories: [ok, [x]]\ndraft: 3\n"),
            "ok.md": fm("title: Fine\ntags: [a]\ncategories: one\ndraft: true\n"),
        },
    )
    assert messages(root, "PC202") == [
        "title is a list, expected a string",
        "tags is a mapping, expected a list of strings",
        "item 2 of categories is a list, expected a string",
        "draft is a number, expected true or false",
    ]


def test_allowed_values(tmp_path):
    root = jekyll(
        tmp_path,
        {POST: fm("title: x\nlayout: pots\n")},
        '[lint.allowed]\nlayout = ["post", "page"]\n',
    )
    assert messages(root, "PC203") == ["layout 'pots' is not one of: post, page"]


# -- PC3xx ------------------------------------------------------------------------------------


def test_invalid_and_impossible_dates(tmp_path):
    root = hugo(
        tmp_path,
        {
            "a.md": fm("date: 2020-02-30\n"),
            "b.md": fm("date: next tuesday\n"),
            "c.md": fm("date: 2020-02-29 10:00:00 -0500\nlastmod: 2020\n"),
            "d.md": "+++\ndate = 2020-02-29T10:00:00Z\n+++\n",
        },
    )
    assert messages(root, "PC301") == [
        "date '2020-02-30' is not a real day",
        "date 'next tuesday' is not a date (write e.g. 2024-05-01 09:30 +0200)",
        "lastmod is a number, not a date",
    ]


def test_impossible_date_on_jekyll_says_what_jekyll_makes_of_it(tmp_path):
    root = jekyll(tmp_path, {POST: fm("date: 2021-02-30\n")})
    assert messages(root, "PC301") == [
        "date '2021-02-30' is not a real day (Jekyll reads it as 2021-03-02)"
    ]


def test_file_name_date_mismatch_compares_the_written_day(tmp_path):
    root = jekyll(
        tmp_path,
        {
            POST: fm("date: 2024-01-02 10:00:00 +0000\n"),
            "_posts/2024-01-03-y.md": fm("date: 2024-01-03 23:30:00 -0800\n"),
            "_posts/2024-01-04-z.md": fm("title: no date\n"),
        },
    )
    assert messages(root, "PC302") == [
        "date 2024-01-02 does not match the file name's 2024-01-01 "
        "(Jekyll uses the front-matter date)"
    ]


LATE_EVENING_IN_CALIFORNIA = "2024-01-01 23:30:00 -0800"  # 2024-01-02 07:30 UTC


def test_file_name_date_is_checked_against_the_day_in_the_site_timezone(tmp_path):
    """Jekyll reads a date through Utils.parse_date, `Time.parse(input).localtime`, in the
    zone `_config.yml` names (Jekyll.set_timezone), and dates the post (and its URL) by it."""
    post = fm("date: " + LATE_EVENING_IN_CALIFORNIA + "\n")
    root = jekyll(
        tmp_path, {"_posts/2024-01-01-named-first.md": post, "_posts/2024-01-02-second.md": post}
    )
    write(root / "_config.yml", "timezone: UTC\n")
    assert [(f.path.name, f.message) for f in lint(root, "PC302")] == [
        (
            "2024-01-01-named-first.md",
            "date 2024-01-02 in the site's timezone (UTC) does not match the file name's "
            "2024-01-01 (Jekyll uses the front-matter date)",
        )
    ]


@pytest.mark.parametrize(
    ("written", "zone", "day"),
    [
        # A YAML timestamp without an offset is UTC to Jekyll (SafeYAML's DateTime.parse).
        ("2024-01-02 03:00:00", "America/Los_Angeles", "2024-01-01"),
        ("2024-01-02 03:00:00", "Asia/Tokyo", "2024-01-02"),
        ("2024-01-01 20:00:00", "Asia/Tokyo", "2024-01-02"),
        # Text Time.parse reads without an offset is in the site's zone.
        ("'2024-01-02 03:00:00'", "America/Los_Angeles", "2024-01-02"),
        ("2024-01-02 03:00", "America/Los_Angeles", "2024-01-02"),
        # An offset is converted; a day without a time is that day everywhere.
        ("2024-01-02T01:00:00+09:00", "UTC", "2024-01-01"),
        ("2024-01-02", "Pacific/Kiritimati", "2024-01-02"),
        # No timezone (Jekyll: the build machine's zone): compared as written.
        ("2024-01-01 23:30:00 -0800", "", "2024-01-01"),
        ("2024-01-02 03:00:00", "", "2024-01-02"),
        # A zone name that does not exist is UTC to Jekyll (the C library reads an unknown TZ
        # as UTC): 07:30 on the 2nd.
        ("2024-01-01 23:30:00 -0800", "Nowhere/Atlantis", "2024-01-02"),
    ],
)
def test_the_day_pc302_takes_from_a_date_in_a_site_timezone(tmp_path, written, zone, day):
    root = jekyll(
        tmp_path,
        {
            "_posts/2024-01-01-one.md": fm(f"date: {written}\n"),
            "_posts/2024-01-02-two.md": fm(f"date: {written}\n"),
        },
    )
    write(root / "_config.yml", f"timezone: {zone}\n" if zone else "title: t\n")
    names = {"2024-01-01": "2024-01-01-one.md", "2024-01-02": "2024-01-02-two.md"}
    flagged = {f.path.name for f in lint(root, "PC302")}
    assert flagged == {name for named, name in names.items() if named != day}


def test_posts_outside_collections_dir_are_reported_as_skipped(tmp_path):
    root = jekyll(
        tmp_path,
        {"_posts/2024-01-01-outside.md": fm("title: x\n"), "coll/" + POST: fm("title: y\n")},
    )
    write(root / "_config.yml", "collections_dir: coll\n")
    assert [(f.path.parent.parent.name, f.message) for f in lint(root, "PC303")] == [
        (
            root.name,
            "Jekyll reads posts only inside collections_dir 'coll' (_config.yml); move it there",
        )
    ]


def test_jekyll_post_file_names(tmp_path):
    root = jekyll(
        tmp_path,
        {
            "_posts/notes.md": fm("title: x\n"),
            "_posts/_x.md": fm("title: x\n"),
            "_posts/2024-02-30-bad-day.md": fm("title: y\n"),
            "_drafts/undated.md": fm("title: z\n"),
            POST: fm("title: ok\n"),
        },
    )
    found = lint(root, "PC303")
    assert [(f.path.name, f.message.split(";")[0]) for f in found] == [
        ("2024-02-30-bad-day.md", "the file name's date is not a real day"),
        ("_x.md", "Jekyll skips files and folders whose names start with _ . # or ~"),
        ("notes.md", "Jekyll skips this post: name it YYYY-MM-DD-title.ext"),
    ]
    assert lint(hugo(tmp_path / "h", {"notes.md": fm("title: x\n")}), "PC303") == []


def test_future_dates_only_when_certain_and_not_drafts(tmp_path):
    root = hugo(
        tmp_path,
        {
            "a.md": fm("date: 2026-06-01\n"),
            "b.md": fm("date: 2026-01-16T01:00:00\n"),  # may be past in UTC-12 .. +14: no
            "c.md": fm("date: 2026-01-15T13:00:00+00:00\n"),
            "d.md": fm("date: 2027-01-01\ndraft: true\n"),
        },
    )
    assert [f.path.name for f in lint(root, "PC304")] == ["a.md", "c.md"]


def test_missing_timezone(tmp_path):
    root = hugo(
        tmp_path,
        {
            "a.md": fm("date: 2024-01-01T10:00:00\n"),
            "b.md": fm("date: 2024-01-01\n"),
            "c.md": fm("date: 2024-01-01T10:00:00+02:00\n"),
        },
    )
    found = lint(root, "PC305")
    assert [(f.path.name, f.severity) for f in found] == [("a.md", "info")]


# -- PC4xx ------------------------------------------------------------------------------------


def test_yaml_11_and_12_disagreements_need_the_raw_spelling(tmp_path):
    root = jekyll(
        tmp_path,
        {
            POST: fm(
                "title: x\ncountry: no\nquoted: 'no'\nmode: 010\nplain: 10\n"
                "time: 1:30\nbig: 1_000\noctal12: 0o17\nflag: true\n"
                "list: [yes, 'on', Off]\ndate: 2024-01-01 10:30:00 +01:00\n"
            )
        },
    )
    found = lint(root, "PC401")
    assert [(f.line, f.col) for f in found] == [
        (3, 10),
        (5, 7),
        (7, 7),
        (8, 6),
        (9, 10),
        (11, 8),
        (11, 19),
    ]
    assert "the boolean false in YAML 1.1 (Jekyll) but the string 'no'" in found[0].message
    assert "octal number 8 in YAML 1.1 (Jekyll) but 10 in YAML 1.2" in found[1].message
    assert "base-60" in found[2].message


def test_yaml_disagreement_prefilter_skips_timestamps(tmp_path):
    root = hugo(tmp_path, {"a.md": fm("date: 2024-01-01T10:30:00+01:00\ntitle: 'On: no'\n")})
    assert lint(root, "PC401") == []


def test_string_booleans(tmp_path):
    root = jekyll(
        tmp_path,
        {POST: fm('published: "false"\n'), "_posts/2024-01-02-y.md": fm('draft: "yes"\n')},
    )
    found = messages(root, "PC402")
    assert (
        found[0]
        == "published is the string 'false', not a boolean: Jekyll publishes this post anyway"
    )
    assert found[1].startswith("draft is the string 'yes'")


def test_non_string_terms(tmp_path):
    root = hugo(
        tmp_path,
        {"a.md": "+++\ntags = [2024, true, 'ok', 1.5]\n+++\n", "b.md": fm("tags: [2024, yes]\n")},
    )
    assert messages(root, "PC403") == [
        "tags item 2024 is a number; quote it",
        "tags item true is a boolean; quote it",
        "tags item 1.5 is a number; quote it",
        "tags item 2024 is a number; quote it",  # yes is PC401's
    ]


def test_comma_separated_terms(tmp_path):
    root = jekyll(tmp_path, {POST: fm("tags: yaml, config\n")})
    assert messages(root, "PC404") == [
        "tags 'yaml, config' is read as 'yaml,', 'config'; write a list: [yaml, config]"
    ]
    root = hugo(tmp_path / "h", {"a.md": fm('tags: "a, b"\ncategories: [x, "y, z"]\n')})
    assert messages(root, "PC404") == [
        "tags 'a, b' is read as 'a, b'; write a list: [a, b]",
        "categories item 'y, z' contains a comma; two terms?",
    ]


def test_published_flag_on_hugo(tmp_path):
    root = hugo(tmp_path, {"a.md": fm("published: false\n"), "b.md": fm("published: 2024-01-01\n")})
    assert [f.path.name for f in lint(root, "PC405")] == ["a.md"]
    assert lint(jekyll(tmp_path / "j", {POST: fm("published: false\n")}), "PC405") == []


# -- PC5xx ------------------------------------------------------------------------------------


def test_empty_terms(tmp_path):
    root = jekyll(
        tmp_path,
        {POST: fm("tags: []\ncategories:\n"), "_posts/2024-01-02-y.md": fm("title: x\n")},
    )
    assert messages(root, "PC501") == ["tags is empty", "categories is empty"]


def test_duplicate_terms_within_a_post(tmp_path):
    root = hugo(tmp_path, {"a.md": fm("tags: [Python, web, python, web]\n")})
    found = lint(root, "PC502")
    assert [f.message for f in found] == [
        "tags lists 'Python' twice ('Python' and 'python')",
        "tags lists 'web' twice",
    ]
    assert found[0].fixable and found[0].fix.change == (("python", "Python"), ("web", "web"))


def test_inconsistent_terms_across_the_site(tmp_path):
    root = hugo(
        tmp_path,
        {
            "a.md": fm("tags: [python]\n"),
            "b.md": fm("tags: [python, web]\n"),
            "c.md": fm("tags: [Python]\n"),
            "d.md": fm("tags: [py-thon, C++]\n"),
            "e.md": fm("tags: [C#]\n"),
        },
    )
    found = lint(root, "PC503")
    assert [(f.path.name, f.message) for f in found] == [
        ("c.md", "tags 'Python' is also spelled 'python' (2), 'py-thon' (1): use 'python'"),
        ("d.md", "tags 'py-thon' is also spelled 'python' (2), 'Python' (1): use 'python'"),
    ]
    assert found[1].fix.change == (("py-thon", "python"),)


def test_allowed_terms_and_aliases(tmp_path):
    config = (
        '[lint.allowed]\ntags = ["javascript", "web"]\n[lint.aliases]\njavascript = ["js", "JS"]\n'
    )
    root = jekyll(tmp_path, {POST: fm("tags: [JS, web, css, javascript]\n")}, config)
    assert messages(root, "PC504") == ["tags 'css' is not in the allowed list"]
    found = lint(root, "PC505")
    assert [f.message for f in found] == ["tags 'JS' is an alias: use 'javascript'"]
    assert found[0].fix.change == (("JS", "javascript"),)


def test_single_use_terms_are_info(tmp_path):
    root = hugo(tmp_path, {"a.md": fm("tags: [a, b]\n"), "b.md": fm("tags: [A, c]\n")})
    found = lint(root, "PC506")
    assert [(f.path.name, f.message, f.severity) for f in found] == [
        ("a.md", "tags 'b' is used by this post only", "info"),
        ("b.md", "tags 'c' is used by this post only", "info"),
    ]


# -- PC6xx ------------------------------------------------------------------------------------


def test_mojibake_in_values_and_body_but_not_legitimate_accents(tmp_path):
    root = jekyll(
        tmp_path,
        {
            POST: fm(
                "title: CafÃ© culture\ntags: [SÃ£o Paulo, ok]\n",
                "Intro.\n\nIt costs Â£5.\n",
            ),
            "_posts/2024-01-02-y.md": fm(
                "title: Châu Âu và Mötley Crüe\nauthor: Zoë Ångström\n", "Dĩ nhiên: “quoted” £5 é\n"
            ),
        },
    )
    found = lint(root, "PC601")
    assert [(f.path.name, f.line) for f in found] == [
        ("2024-01-01-x.md", 2),
        ("2024-01-01-x.md", 3),
        ("2024-01-01-x.md", 7),
    ]
    assert found[0].message == "mojibake in title: 'CafÃ© culture' should read 'Café culture'"
    assert found[0].fix.change == (("CafÃ© culture", "Café culture"),)
    assert found[1].fix.change == (("SÃ£o Paulo", "São Paulo"),)
    assert "'It costs Â£5.' should read 'It costs £5.'" in found[2].message
    assert found[2].fix.change == ((2, "It costs Â£5.", "It costs £5."),)


def test_mojibake_in_a_crlf_body_is_shown_without_the_carriage_return(tmp_path):
    root = jekyll(tmp_path, {POST: fm("title: x\n", "It costs Â£5.\r\nok\r\n")})
    (found,) = lint(root, "PC601")
    assert "'It costs Â£5.' should read 'It costs £5.'" in found.message
    assert "\\r" not in found.message and "\r" not in found.message
    assert found.fix.change == ((0, "It costs Â£5.\r", "It costs £5.\r"),)  # the line as it is


def test_control_characters(tmp_path):
    root = hugo(
        tmp_path,
        {
            "a.md": fm('title: "bell \\a and \\e[31m"\n'),
            "b.md": fm("title: ok\n", "fine\n\tindented\r\nbad \x0c here\n"),
            "c.md": fm('title: "rtl \\u202e override"\n'),
        },
    )
    found = lint(root, "PC602")
    assert [(f.path.name, f.line, f.message) for f in found] == [
        ("a.md", 2, "control character U+0007 in title"),
        ("b.md", 6, "control character U+000C in the body"),
        ("c.md", 2, "control character U+202E in title"),
    ]


def test_invisible_characters(tmp_path):
    root = hugo(
        tmp_path,
        {
            "a.md": fm("title\u00a0x: 1\ntags: [python\u200b]\n"),
            "b.md": fm("title: Bonjour\u202f!\ntags: [a\u00a0b]\nauthor: \u00a0Zoe\n"),
            "c.md": fm("title: emoji 👩\u200d💻 and نمی\u200cخواهم\n"),
        },
    )
    found = lint(root, "PC603")
    assert [(f.path.name, f.line) for f in found] == [
        ("a.md", 2),
        ("a.md", 3),
        ("b.md", 3),
        ("b.md", 4),
    ]
    assert "no-break space (U+00A0) in key" in found[0].message
    assert "zero width space (U+200B)" in found[1].message


# -- PC7xx ------------------------------------------------------------------------------------


def test_duplicate_urls(tmp_path):
    root = hugo(
        tmp_path,
        {
            "posts/a.md": fm("title: A\nslug: same\n"),
            "posts/same.md": fm("title: B\n"),
            "posts/c.md": fm("title: C\nurl: /about/\n"),
            "about.md": fm("title: About\n"),
            "posts/d.md": fm("title: D\nslug: same\ndraft: true\n"),
        },
    )
    found = lint(root, "PC701")
    assert [(f.path.name, f.message) for f in found] == [
        ("about.md", "same URL /about as content/posts/c.md"),
        ("a.md", "same URL /posts/same as content/posts/same.md"),
        ("c.md", "same URL /about as content/about.md"),
        ("same.md", "same URL /posts/same as content/posts/a.md"),
    ]


def test_duplicate_urls_hugo_relative_to_its_content_dir(tmp_path):
    write(tmp_path / "hugo.toml", "contentDir = 'src'\n")
    write(tmp_path / "src/posts/a.md", fm("title: A\nslug: same\n"))
    write(tmp_path / "src/posts/same.md", fm("title: B\n"))
    assert [(f.path.name, f.message) for f in lint(tmp_path, "PC701")] == [
        ("a.md", "same URL /posts/same as src/posts/same.md"),
        ("same.md", "same URL /posts/same as src/posts/a.md"),
    ]


def test_duplicate_urls_jekyll(tmp_path):
    root = jekyll(
        tmp_path,
        {
            POST: fm("title: A\n"),
            "_posts/2024-01-01-x.markdown": fm("title: B\n"),
            "_posts/2024-01-02-x.md": fm("title: C\n"),
            "news/_posts/2024-01-01-x.md": fm("title: D\n"),
        },
    )
    assert [f.path.name for f in lint(root, "PC701")] == [
        "2024-01-01-x.markdown",
        "2024-01-01-x.md",
    ]


def test_duplicate_titles_in_the_same_listing(tmp_path):
    root = hugo(
        tmp_path,
        {
            "posts/a.md": fm("title: Hello  World\n"),
            "posts/b.md": fm("title: hello world\n"),
            "docs/a.md": fm("title: Hello World\n"),
            "posts/c/index.md": fm("title: HELLO WORLD\ndraft: true\n"),
        },
    )
    found = lint(root, "PC702")
    assert [(f.path.name, f.message) for f in found] == [
        ("a.md", "same title as content/posts/b.md"),
        ("b.md", "same title as content/posts/a.md"),
    ]


# -- PC8xx and PC9xx --------------------------------------------------------------------------


def test_seo_lengths_default_and_configured(tmp_path):
    long_title = "t" * 71
    root = hugo(tmp_path, {"a.md": fm(f"title: {long_title}\ndescription: {'d' * 161}\n")})
    assert messages(root, "PC8") == [
        "title is 71 characters, longer than 70",
        "description is 161 characters, longer than 160",
    ]
    write(tmp_path / "postctl.toml", "[lint]\ntitle_length = [75, 100]\n")
    assert messages(root, "PC801") == ["title is 71 characters, shorter than 75"]


def test_missing_local_files(tmp_path):
    root = hugo(
        tmp_path,
        {
            "posts/a.md": fm("image: /img/there.png\n"),
            "posts/b.md": fm("image: /img/missing.png\n"),
            "posts/c/index.md": fm("image: cover.jpg\n"),
            "posts/d.md": fm("image: https://example.org/x.png\n"),
            "posts/e.md": fm("image: {path: /img/gone%20now.png}\n"),
        },
    )
    write(tmp_path / "static" / "img" / "there.png", b"")
    write(tmp_path / "content" / "posts" / "c" / "cover.jpg", b"")
    assert messages(root, "PC901") == [
        "image '/img/missing.png' does not exist in the site",
        "image '/img/gone%20now.png' does not exist in the site",
    ]


def test_json_schema_points_at_the_key(tmp_path):
    pytest.importorskip("jsonschema")
    schema = (
        '{"type": "object", "required": ["title"], "properties": {'
        '"title": {"type": "string", "maxLength": 5},'
        '"date": {"type": "string", "format": "date"}}}'
    )
    write(tmp_path / "schema.json", schema)
    root = hugo(
        tmp_path,
        {"a.md": fm("date: 2024-01-01\ntitle: too long\n"), "b.md": fm("x: 1\n")},
        '[lint]\nschema = "schema.json"\n',
    )
    found = lint(root, "PC902")
    assert [(f.path.name, f.line) for f in found] == [("a.md", 3), ("b.md", 2)]
    assert found[0].message == "schema: title: 'too long' is too long"
    assert found[1].message == "schema: 'title' is a required property"


# -- rules as their explanations describe them (through the command line) ------------------------


def lint_json(run, site, *args):
    result = run("lint", "--no-cache", "-f", "json", *args, site)
    return result, json.loads(result.stdout or "[]")


def codes_of(found, name):
    return {f["code"] for f in found if f["path"].endswith(name)}


def test_pc201_skips_drafts_as_its_explanation_says(run, tmp_path):
    # PC201: "Pages that are not rendered (drafts, Hugo headless bundles) ... are not checked."
    write(tmp_path / "_config.yml", "title: x\n")
    write(tmp_path / "_posts/2024-01-01-hidden.md", "---\npublished: false\ntags: [a]\n---\n")
    write(tmp_path / "_drafts/idea.md", "---\ntags: [a]\n---\n")
    _result, found = lint_json(run, tmp_path)
    assert "PC201" not in codes_of(found, "2024-01-01-hidden.md")
    assert "PC201" not in codes_of(found, "idea.md")


def test_pc201_skips_hugo_drafts(run, tmp_path):
    write(tmp_path / "hugo.toml", 'baseURL = "https://example.org/"\n')
    write(tmp_path / "content/posts/wip.md", "---\ndate: 2024-01-01\ndraft: true\n---\n")
    result, found = lint_json(run, tmp_path)
    assert "PC201" not in codes_of(found, "wip.md")
    assert result.exit_code == 0


def test_pc403_reports_a_boolean_tag_as_its_explanation_example(run, tmp_path):
    # PC403's own example is `tags: [2024, true]`; `true` is not a yes/no spelling that PC401
    # reports, so nothing at all says the tag is a boolean.
    write(tmp_path / "post.md", "---\ntitle: T\ntags: [2024, true]\n---\n")
    _result, found = lint_json(run, tmp_path)
    pc403 = [f["message"] for f in found if f["code"] == "PC403"]
    assert any("2024" in m for m in pc403)
    assert any("true" in m for m in pc403), pc403


def test_pc102_reports_a_duplicate_key_inside_a_nested_mapping(run, tmp_path):
    # PC102: "The same key appears twice in the front matter ... stricter loaders (Hugo's)
    # stop with an error". A repeated key under `params` loses a value the same way.
    write(tmp_path / "hugo.toml", 'baseURL = "https://example.org/"\n')
    write(
        tmp_path / "content/posts/p.md",
        "---\ntitle: P\ntags: [x]\nparams:\n  color: red\n  color: blue\n---\n",
    )
    _result, found = lint_json(run, tmp_path)
    dup = [f for f in found if f["code"] == "PC102"]
    assert dup and dup[0]["line"] == 6, found


def test_pc304_reads_a_date_without_offset_in_the_jekyll_sites_timezone(tmp_path):
    """On a `timezone: Asia/Tokyo` site `date: 2026-11-30` (or the file name's day) is
    2026-11-30 00:00 +09:00 to Jekyll (Utils.parse_date's `.localtime`), 2026-11-29 15:00 UTC:
    at 11:35 UTC Jekyll leaves the post out (Publisher#hidden_in_the_future?), so PC304 says
    so, without the "future in every zone" allowance of a site without a timezone."""
    posts = {
        "_posts/2026-11-30-a.md": "---\ntitle: A\ndate: 2026-11-30\n---\nBody.\n",
        "_posts/2026-11-30-b.md": "---\ntitle: B\n---\nBody.\n",
    }
    now = datetime(2026, 11, 29, 11, 35, tzinfo=timezone.utc)
    for config, flagged in (
        ("title: T\ntimezone: Asia/Tokyo\n", ["2026-11-30-a.md", "2026-11-30-b.md"]),
        ("title: T\n", []),  # (no zone: still the past in UTC-12)
    ):
        root = jekyll(tmp_path / str(len(flagged)), posts)
        write(root / "_config.yml", config)
        for cache in (False, True, True):  # linted, then linted and stored, then from the cache
            report = lint_site(find_site(root), select=["PC304"], now=now, cache=cache)
            assert sorted(f.path.name for f in report.findings) == flagged


def test_pc304_reports_a_future_date_taken_from_a_jekyll_file_name(run, tmp_path):
    # Jekyll dates a post without `date:` by its file name (postctl list shows 2099-01-01,
    # date_source "file name"); Jekyll (without `future: true`) skips it until then.
    write(tmp_path / "_config.yml", "title: x\n")
    write(tmp_path / "_posts/2099-01-01-later.md", "---\ntitle: Later\ntags: [a]\n---\n")
    _result, found = lint_json(run, tmp_path)
    assert "PC304" in codes_of(found, "2099-01-01-later.md"), found


def test_pc304_reports_a_future_hugo_publish_date(run, tmp_path):
    # Hugo leaves a page out while its publishDate is in the future (without --buildFuture),
    # https://gohugo.io/content-management/front-matter/#publishdate
    write(tmp_path / "hugo.toml", 'baseURL = "https://example.org/"\n')
    write(
        tmp_path / "content/posts/p.md",
        "---\ntitle: P\ntags: [a]\npublishDate: 2099-01-01T00:00:00Z\n---\n",
    )
    _result, found = lint_json(run, tmp_path)
    assert "PC304" in codes_of(found, "p.md"), found


def test_pc102_reports_keys_that_hugo_reads_as_one(run, tmp_path):
    # Hugo reads front-matter keys case-insensitively (README: a mixed-case `Tags` beats
    # `tags`; `postctl list` shows this post's title as "E"), so `title:` and `Title:` are one
    # key written twice and one value is silently dropped: PC102's very case.
    write(tmp_path / "hugo.toml", 'baseURL = "https://example.org/"\n')
    write(tmp_path / "content/posts/p.md", "---\ntitle: D\nTitle: E\ntags: [t]\n---\n")
    _, found = lint_json(run, tmp_path)
    assert "PC102" in codes_of(found, "p.md"), found


def test_pc304_quiet_when_jekyll_builds_future_posts(run, tmp_path):
    # PC304: "Jekyll (without `future: true`) ... leave[s] it out of the site until that
    # date". With `future: true` in _config.yml Jekyll publishes it now: "generators skip the
    # post until then" is false, and fails a `--strict` run.
    write(tmp_path / "_config.yml", "title: x\nfuture: true\n")
    write(tmp_path / "_posts/2099-01-01-a.md", "---\ntitle: A\ndate: 2099-01-01\ntags: [a]\n---\n")
    result, found = lint_json(run, tmp_path, "--strict")
    assert "PC304" not in codes_of(found, "2099-01-01-a.md"), found
    assert result.exit_code == 0


def test_pc304_quiet_when_hugo_builds_future_posts(run, tmp_path):
    # `buildFuture = true` in the site configuration (gohugo.io/configuration/all/#buildfuture)
    write(tmp_path / "hugo.toml", 'baseURL = "https://example.org/"\nbuildFuture = true\n')
    write(tmp_path / "content/posts/a.md", "---\ntitle: A\ndate: 2099-01-01\ntags: [a]\n---\n")
    _, found = lint_json(run, tmp_path)
    assert "PC304" not in codes_of(found, "a.md"), found


def test_pc304_follows_the_hugo_publish_date_over_a_future_date(run, tmp_path):
    # Hugo publishes from publishDate (then `date` only when it is not set)
    write(tmp_path / "hugo.toml", 'baseURL = "https://example.org/"\n')
    write(
        tmp_path / "content/posts/p.md",
        "---\ntitle: P\ntags: [a]\ndate: 2099-01-01\npublishDate: 2020-01-01\n---\n",
    )
    _result, found = lint_json(run, tmp_path)
    assert "PC304" not in codes_of(found, "p.md"), found


def test_pc304_quiet_when_jekyll_publishes_a_post_whatever_its_date(run, tmp_path):
    # `published: true` publishes a post now, future or not (Publisher#publish?)
    write(tmp_path / "_config.yml", "title: x\n")
    write(tmp_path / "_posts/2099-01-01-a.md", "---\ntitle: A\npublished: true\n---\n")
    _result, found = lint_json(run, tmp_path)
    assert "PC304" not in codes_of(found, "2099-01-01-a.md"), found


def test_pc304_is_reported_where_jekyll_future_is_false(run, tmp_path):
    write(tmp_path / "_config.yml", "title: x\nfuture: false\n")
    write(tmp_path / "_posts/2099-01-01-a.md", "---\ntitle: A\n---\n")
    _result, found = lint_json(run, tmp_path)
    assert [f["line"] for f in found if f["code"] == "PC304"] == [1], found


def test_pc403_leaves_yaml_11_boolean_words_to_pc401(run, tmp_path):
    write(tmp_path / "_config.yml", "title: x\n")
    write(tmp_path / "_posts/2024-01-01-a.md", "---\ntitle: A\ntags: [yes, true]\n---\n")
    _result, found = lint_json(run, tmp_path)
    pc403 = [f["message"] for f in found if f["code"] == "PC403"]
    assert len(pc403) == 1 and "true" in pc403[0], found
    assert "PC401" in codes_of(found, "2024-01-01-a.md")
