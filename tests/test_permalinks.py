"""PC701 (duplicate-url) follows the site's permalink settings: Jekyll's `permalink` (a style or
a template) and `collections.posts.permalink`, a post's own `permalink` with placeholders, and
Hugo's `[permalinks]`; URLs compare the way the files they are written to would clash."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import write
from hypothesis import given, settings
from hypothesis import strategies as st

from postctl.lint import lint_site, make_context
from postctl.permalinks import (
    _JEKYLL_PRETTY_SLUG,
    JEKYLL_PLACEHOLDERS,
    HugoPage,
    compile_hugo,
    compile_jekyll,
    expand_hugo,
    hugo_page_permalinks,
    hugo_urlize,
    jekyll_slugify,
)
from postctl.rules import post_url
from postctl.site import find_site

NOW = datetime(2030, 1, 1, tzinfo=timezone.utc)


def jekyll_site(root: Path, config: str, posts: dict[str, str]) -> Path:
    write(root / "_config.yml", config)
    for name, front_matter in posts.items():
        write(root / name, f"---\n{front_matter}---\nBody.\n")
    return root


def hugo_site(root: Path, config: str, pages: dict[str, str]) -> Path:
    write(root / "hugo.toml", config)
    for name, front_matter in pages.items():
        write(root / "content" / name, f"---\n{front_matter}---\nBody.\n")
    return root


def clashes(root: Path) -> list[tuple[str, str]]:
    """PC701's findings through the library: (file name, message), sorted."""
    found = lint_site(find_site(root), select=["PC701"], now=NOW).findings
    return sorted((Path(f.file).name, f.message) for f in found)


def cli_clashes(run, root: Path, *args: str) -> list[tuple[str, str]]:
    """PC701's findings through `postctl lint -f json`: (file name, message), sorted."""
    result = run("lint", "--select", "PC701", "-f", "json", *args, root)
    assert result.exit_code in (0, 1), result.stderr
    return sorted((Path(f["path"]).name, f["message"]) for f in json.loads(result.stdout))


# -- Jekyll --------------------------------------------------------------------------------------


def test_jekyll_title_only_permalink_finds_the_same_slug_on_two_days(run, tmp_path):
    root = jekyll_site(
        tmp_path,
        "permalink: /:title/\n",
        {
            "_posts/2023-05-01-hello.md": "title: One\n",
            "_posts/2024-06-02-hello.md": "title: Two\n",
            "_posts/2024-06-02-other.md": "title: Three\n",
        },
    )
    expected = [
        ("2023-05-01-hello.md", "same URL /hello as _posts/2024-06-02-hello.md"),
        ("2024-06-02-hello.md", "same URL /hello as _posts/2023-05-01-hello.md"),
    ]
    assert cli_clashes(run, root, "--no-cache") == expected
    assert clashes(root) == expected


def test_jekyll_default_style_keeps_the_same_title_on_two_days_apart(run, tmp_path):
    root = jekyll_site(
        tmp_path,
        "title: x\n",
        {
            "_posts/2023-05-01-hello.md": "title: Hello\n",
            "_posts/2024-06-02-hello.md": "title: Hello\n",
            # the same day and slug, another extension: one file
            "_posts/2024-06-02-hello.markdown": "title: Hello again\n",
        },
    )
    assert cli_clashes(run, root) == [
        (
            "2024-06-02-hello.markdown",
            "same URL /2024/06/02/hello.html as _posts/2024-06-02-hello.md",
        ),
        (
            "2024-06-02-hello.md",
            "same URL /2024/06/02/hello.html as _posts/2024-06-02-hello.markdown",
        ),
    ]


@pytest.mark.parametrize(
    ("style", "posts", "clashing"),
    [
        # `none`: /:categories/:title:output_ext, the date left out
        (
            "none",
            {"2023-05-01-x.md": "", "2024-06-02-x.md": "", "2024-06-02-y.md": ""},
            {"2023-05-01-x.md", "2024-06-02-x.md"},
        ),
        # `pretty`: /:categories/:year/:month/:day/:title/, written as .../x/index.html
        (
            "pretty",
            {
                "2024-06-02-x.md": "",
                "2024-06-03-x.md": "",
                "2024-01-01-a.md": "permalink: /2024/06/02/x.html\n",
                "2024-01-01-b.md": "permalink: /2024/06/02/x/index.html\n",
            },
            {"2024-06-02-x.md", "2024-01-01-b.md"},
        ),
        # `ordinal`: /:categories/:year/:y_day/:title:output_ext
        (
            "ordinal",
            {
                "2024-02-01-x.md": "",
                "2023-02-01-x.md": "",
                "2024-01-01-a.md": "permalink: /2024/032/x.html\n",
            },
            {"2024-02-01-x.md", "2024-01-01-a.md"},
        ),
        # `weekdate`: /:categories/:year/W:week/:short_day/:title:output_ext
        (
            "weekdate",
            {
                "2024-01-01-x.md": "",
                "2024-01-08-x.md": "",
                "2024-02-01-a.md": "permalink: /2024/W01/Mon/x\n",
            },
            {"2024-01-01-x.md", "2024-02-01-a.md"},
        ),
    ],
)
def test_jekyll_permalink_styles(tmp_path, style, posts, clashing):
    root = jekyll_site(
        tmp_path,
        f"permalink: {style}\n",
        {f"_posts/{name}": f"title: {name}\n{extra}" for name, extra in posts.items()},
    )
    assert {name for name, _ in clashes(root)} == clashing


def test_jekyll_collections_posts_permalink_wins_over_the_style(run, tmp_path):
    # Configuration#add_default_collections: collections.posts.permalink ||= the style
    root = jekyll_site(
        tmp_path,
        "permalink: /:title/\ncollections:\n  posts:\n    permalink: /news/:year/:title/\n",
        {
            "_posts/2023-05-01-hello.md": "title: One\n",
            "_posts/2024-06-02-hello.md": "title: Two\n",
            "_posts/2024-07-03-hello.md": "title: Three\n",
        },
    )
    assert cli_clashes(run, root) == [
        ("2024-06-02-hello.md", "same URL /news/2024/hello as _posts/2024-07-03-hello.md"),
        ("2024-07-03-hello.md", "same URL /news/2024/hello as _posts/2024-06-02-hello.md"),
    ]


def test_jekyll_custom_template_placeholders(tmp_path):
    root = jekyll_site(
        tmp_path,
        "permalink: /:slugified_categories/:i_month-:i_day_:short_year/:slug:output_ext\n",
        {
            "_posts/2024-03-05-Hello-World.md": "categories: [Big News]\n",
            "_posts/2024-03-05-hello-world.markdown": "categories: [big news]\n",
            "_posts/2024-03-06-hello-world.md": "categories: [Big News]\n",
        },
    )
    assert clashes(root) == [
        (
            "2024-03-05-Hello-World.md",
            "same URL /big-news/3-5_24/hello-world.html as _posts/2024-03-05-hello-world.markdown",
        ),
        (
            "2024-03-05-hello-world.markdown",
            "same URL /big-news/3-5_24/hello-world.html as _posts/2024-03-05-Hello-World.md",
        ),
    ]


def test_jekyll_post_permalink_with_placeholders_is_expanded(run, tmp_path):
    root = jekyll_site(
        tmp_path,
        "title: x\n",
        {
            # different slugs: different URLs (not one literal "/blog/:title/")
            "_posts/2024-01-01-a.md": "permalink: /blog/:title/\n",
            "_posts/2024-01-02-b.md": "permalink: /blog/:title/\n",
            # the same slug on another day: the same URL
            "_posts/2024-01-03-a.md": "permalink: /blog/:title/\n",
        },
    )
    assert cli_clashes(run, root) == [
        ("2024-01-01-a.md", "same URL /blog/a as _posts/2024-01-03-a.md"),
        ("2024-01-03-a.md", "same URL /blog/a as _posts/2024-01-01-a.md"),
    ]


def test_jekyll_urls_compare_as_the_files_they_write(tmp_path):
    # /a/ writes a/index.html, /a.html writes a.html: no clash. /b/ and /b/index.html are one
    # file, and so are /c and /c.html (Jekyll appends the output extension).
    root = jekyll_site(
        tmp_path,
        "title: x\n",
        {
            "_posts/2024-01-01-p1.md": "permalink: /a/\n",
            "_posts/2024-01-01-p2.md": "permalink: /a.html\n",
            "_posts/2024-01-01-p3.md": "permalink: /b/\n",
            "_posts/2024-01-01-p4.md": "permalink: /b/index.html\n",
            "_posts/2024-01-01-p5.md": "permalink: /c\n",
            "_posts/2024-01-01-p6.md": "permalink: /c.html\n",
        },
    )
    assert clashes(root) == [
        ("2024-01-01-p3.md", "same URL /b as _posts/2024-01-01-p4.md"),
        ("2024-01-01-p4.md", "same URL /b as _posts/2024-01-01-p3.md"),
        ("2024-01-01-p5.md", "same URL /c.html as _posts/2024-01-01-p6.md"),
        ("2024-01-01-p6.md", "same URL /c.html as _posts/2024-01-01-p5.md"),
    ]


def test_jekyll_unknown_placeholder_gives_no_url(tmp_path):
    # Jekyll stops the build on it ("The URL template doesn't have nope keys"): postctl does
    # not guess a URL, so the literal template is no clash.
    root = jekyll_site(
        tmp_path,
        "permalink: /:nope/\n",
        {"_posts/2024-01-01-a.md": "title: A\n", "_posts/2024-01-01-a.markdown": "title: B\n"},
    )
    assert clashes(root) == []


# -- Hugo ----------------------------------------------------------------------------------------


def test_hugo_slug_permalink_finds_clashes_across_folders(run, tmp_path):
    root = hugo_site(
        tmp_path,
        '[permalinks]\nposts = "/:slug/"\n',
        {
            "posts/2023/one.md": "title: One\nslug: hello\n",
            "posts/2024/two.md": "title: Two\nslug: hello\n",
            # a top-level page's own URL is /about/: so is the post's
            "about.md": "title: About\n",
            "posts/three.md": "title: Three\nslug: about\n",
            # a section the setting does not cover keeps its URLs
            "notes/hello.md": "title: Note\n",
        },
    )
    expected = [
        ("about.md", "same URL /about as content/posts/three.md"),
        ("one.md", "same URL /hello as content/posts/2024/two.md"),
        ("three.md", "same URL /about as content/about.md"),
        ("two.md", "same URL /hello as content/posts/2023/one.md"),
    ]
    assert cli_clashes(run, root, "--no-cache") == expected
    assert clashes(root) == expected


def test_hugo_page_table_permalink(tmp_path):
    # [permalinks.page] (Hugo >= 0.120), which also wins over the legacy form
    root = hugo_site(
        tmp_path,
        '[permalinks]\nposts = "/:year/:slug/"\n[permalinks.page]\nposts = "/p/:title/"\n',
        {
            "posts/a.md": "title: Same Title\ndate: 2023-01-01\n",
            "posts/b.md": "title: Same  title!\ndate: 2024-01-01\n",
        },
    )
    assert clashes(root) == [
        ("a.md", "same URL /p/same-title as content/posts/b.md"),
        ("b.md", "same URL /p/same-title as content/posts/a.md"),
    ]


def test_hugo_dated_permalink_keeps_the_same_slug_in_two_years_apart(run, tmp_path):
    root = hugo_site(
        tmp_path,
        '[permalinks]\nposts = "/:year/:month/:slug/"\n',
        {
            "posts/a.md": "title: A\nslug: same\ndate: 2023-01-05\n",
            "posts/b.md": "title: B\nslug: same\ndate: 2024-01-05\n",
        },
    )
    assert cli_clashes(run, root) == []
    assert clashes(root) == []


def test_hugo_front_matter_url_still_wins(tmp_path):
    root = hugo_site(
        tmp_path,
        '[permalinks]\nposts = "/:year/:slug/"\n',
        {
            "posts/a.md": "title: A\nslug: same\ndate: 2023-01-05\n",
            "posts/b.md": "title: B\nurl: /2023/same/\n",
        },
    )
    assert [name for name, _ in clashes(root)] == ["a.md", "b.md"]


def test_hugo_sections_attribute_reads_nested_sections(tmp_path):
    # `:sections`: a folder below the top is a section only with its own _index page
    root = hugo_site(
        tmp_path,
        '[permalinks]\ndocs = "/:sections[last]/:filename/"\n',
        {
            "docs/guide/_index.md": "title: Guide\n",
            "docs/guide/intro.md": "title: A\n",
            "docs/ref/intro.md": "title: B\n",  # ref has no _index: its section is docs
            "docs/intro.md": "title: C\n",
            "guide/intro.md": "title: D\n",
        },
    )
    assert clashes(root) == [
        ("intro.md", "same URL /docs/intro as content/docs/intro.md"),
        ("intro.md", "same URL /docs/intro as content/docs/ref/intro.md"),
        ("intro.md", "same URL /guide/intro as content/docs/guide/intro.md"),
        ("intro.md", "same URL /guide/intro as content/guide/intro.md"),
    ]


# -- the lint cache ------------------------------------------------------------------------------


def bump(path: Path, text: str) -> None:
    """Rewrite a file so that its key changes even within one clock tick."""
    write(path, text)
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))


def test_warm_lint_follows_a_changed_jekyll_permalink(run, tmp_path):
    root = jekyll_site(
        tmp_path,
        "permalink: date\n",
        {"_posts/2023-05-01-hello.md": "title: A\n", "_posts/2024-06-02-hello.md": "title: B\n"},
    )
    assert cli_clashes(run, root) == []
    assert cli_clashes(run, root) == []  # warm
    bump(root / "_config.yml", "permalink: /:title/\n")
    assert [name for name, _ in cli_clashes(run, root)] == [
        "2023-05-01-hello.md",
        "2024-06-02-hello.md",
    ]
    bump(root / "_config.yml", "permalink: /:year/:title/\n")
    assert cli_clashes(run, root) == []


def test_warm_lint_follows_changed_hugo_permalinks(run, tmp_path):
    root = hugo_site(
        tmp_path,
        'title = "x"\n',
        {
            "posts/a.md": "title: A\nslug: same\ndate: 2023-01-05\n",
            "posts/b.md": "title: B\nslug: same\ndate: 2024-01-05\n",
        },
    )
    assert [name for name, _ in cli_clashes(run, root)] == ["a.md", "b.md"]
    assert [name for name, _ in cli_clashes(run, root)] == ["a.md", "b.md"]  # warm
    bump(root / "hugo.toml", 'title = "x"\n[permalinks]\nposts = "/:year/:slug/"\n')
    assert cli_clashes(run, root) == []
    bump(root / "hugo.toml", 'title = "x"\n[permalinks]\nposts = "/:slug/"\n')
    assert [name for name, _ in cli_clashes(run, root)] == ["a.md", "b.md"]


# -- the pieces ----------------------------------------------------------------------------------


def test_jekyll_slugify_as_its_documentation_says():
    # the examples of Utils#slugify (jekyll/lib/jekyll/utils.rb)
    assert jekyll_slugify("The _config.yml file") == "the-config-yml-file"
    assert jekyll_slugify("The _config.yml file", pretty=True) == "the-_config.yml-file"
    assert jekyll_slugify("The _config.yml file", pretty=True, cased=True) == "The-_config.yml-file"
    assert jekyll_slugify("  --Hello,  World!--  ") == "hello-world"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZ09-_. !@é\u00a0/,:"), max_size=12))
def test_a_slug_taken_as_it_is_is_what_pretty_slugify_gives(text):
    if _JEKYLL_PRETTY_SLUG.fullmatch(text):
        assert jekyll_slugify(text, pretty=True, cased=True) == text


def test_every_jekyll_placeholder(tmp_path):
    root = jekyll_site(
        tmp_path,
        "title: x\n",
        {"news/_posts/2024-03-05-My-Post..md": "date: 2024-03-05T07:08:09\ncategories: [A B]\n"},
    )
    site = find_site(root)
    post = site.load(root / "news/_posts/2024-03-05-My-Post..md")
    ctx = make_context(site)
    names = [name for name in JEKYLL_PLACEHOLDERS if name != "output_ext"]
    template = "|".join(f"{name}=:{name}" for name in names) + ":output_ext"
    ctx.jekyll_permalink = compile_jekyll(template)
    expanded = post_url(post, ctx)
    assert expanded is not None
    assert dict(part.split("=", 1) for part in expanded.strip("/").split("|")) == {
        "collection": "posts",
        "path": "news/2024-03-05-My-Post",
        "name": "2024-03-05-my-post",
        "title": "My-Post",
        "slug": "my-post",
        "categories": "news/a b",
        "slugified_categories": "news/a-b",
        "year": "2024",
        "month": "03",
        "day": "05",
        "hour": "07",
        "minute": "08",
        "second": "09",
        "i_day": "5",
        "i_month": "3",
        "short_month": "Mar",
        "long_month": "March",
        "short_year": "24",
        "w_year": "2024",
        "week": "10",
        "w_day": "2",
        "short_day": "Tue",
        "long_day": "Tuesday",
        "y_day": "065.html",  # (the output extension follows the last one)
    }


def test_jekyll_placeholder_followed_by_an_underscore():
    # URL#generate_url_from_drop: `:month_` is `:month` then "_"
    assert compile_jekyll("/:month_:day/").pieces == ("/", "month", "_", "day", "/")
    assert compile_jekyll("/:nope/").unknown == ("nope",)


def test_hugo_urlize():
    assert hugo_urlize("Vim (text editor)") == "vim-text-editor"
    assert hugo_urlize("  Hello   World! ") == "hello-world"
    assert hugo_urlize("a - b") == "a-b"
    assert hugo_urlize("Café 100%25 #1") == "café-100%25-#1"


@pytest.mark.parametrize(
    ("attribute", "expected"),
    [
        ("sections", "/a/b/c/"),
        ("sections[1:]", "/b/c/"),
        ("sections[:2]", "/a/b/"),
        ("sections[last]", "/c/"),
        ("sections[0]", "/a/"),
        ("sections[7]", "//"),  # (squeezed in the URL)
        ("sections[1:last]", "/b/"),
    ],
)
def test_hugo_sections_slices(attribute, expected):
    template = compile_hugo(f"/:{attribute}/")
    page = HugoPage(("a", "b", "c"), "x", "", ("a", "b", "c"))
    assert expand_hugo(template, None, page) == expected  # type: ignore[arg-type]


def test_hugo_page_permalinks_config_forms():
    found = hugo_page_permalinks(
        {"permalinks": {"Posts": "/:slug/", " / ": "/:title/", "page": {"posts": "/p/:slug/"}}}
    )
    assert {key: t.text for key, t in found.items()} == {"posts": "/p/:slug/", "": "/:title/"}
    assert compile_hugo("/:2006/:slug/").unknown == ("2006",)
    assert compile_hugo("/a\\:b/:slug/").pieces == ("/a:b/", "slug", "/")


def test_hugo_undated_page_has_go_zero_time(tmp_path):
    root = hugo_site(
        tmp_path,
        '[permalinks]\nposts = "/:year/:month/:day/:weekdayname/:filename/"\n',
        {"posts/a.md": "title: A\n"},
    )
    site = find_site(root)
    assert post_url(site.load(root / "content/posts/a.md"), make_context(site)) == (
        "/1/01/01/monday/a"
    )


def test_hugo_permalinks_from_the_configuration_folder(tmp_path):
    # config/_default/permalinks.toml is the `permalinks` table (Site.hugo_config merges it)
    root = hugo_site(
        tmp_path,
        'title = "x"\n',
        {"posts/a.md": "title: A\nslug: s\n", "posts/y/b.md": "title: B\nslug: s\n"},
    )
    write(root / "config" / "_default" / "permalinks.toml", 'posts = "/:slug/"\n')
    assert clashes(root) == [
        ("a.md", "same URL /s as content/posts/y/b.md"),
        ("b.md", "same URL /s as content/posts/a.md"),
    ]


# -- From the review of PC701's URLs (false clashes, a cache key crash, a quadratic lookup) --


def page(front_matter: str) -> str:
    return f"---\n{front_matter}---\nBody.\n"


def clashing_files(root: Path) -> list[str]:
    """The files PC701 reports, relative to `root`, sorted."""
    found = lint_site(find_site(root), select=["PC701"], now=NOW).findings
    return sorted(Path(f.file).resolve().relative_to(root.resolve()).as_posix() for f in found)


# Hugo translations (hello.en.md / hello.fr.md) sharing a slug: Hugo writes /hello/ and
# /fr/hello/ (each language its own tree).
def test_hugo_translations_sharing_a_slug_do_not_clash(tmp_path: Path) -> None:
    write(
        tmp_path / "hugo.toml",
        'defaultContentLanguage = "en"\n[languages.en]\nweight = 1\n[languages.fr]\nweight = 2\n'
        '[permalinks]\nposts = "/:slug/"\n',
    )
    write(tmp_path / "content/posts/hello.en.md", page("title: Hello\nslug: hello\n"))
    write(tmp_path / "content/posts/hello.fr.md", page("title: Bonjour\nslug: hello\n"))
    assert clashing_files(tmp_path) == []


# `slug: 2023` (a YAML number): Hugo reads the slug with cast.ToString and writes /2023/.
def test_hugo_numeric_slug_is_the_slug(tmp_path: Path) -> None:
    write(tmp_path / "hugo.toml", '[permalinks]\nposts = "/:slug/"\n')
    write(tmp_path / "content/posts/a.md", page("title: Same\nslug: 2023\n"))
    write(tmp_path / "content/posts/b.md", page("title: Same\nslug: 2024\n"))
    assert clashing_files(tmp_path) == []


# Folders with an `_index.md` below one without are sections too: Hugo's :sections is
# CurrentSection().Path(), /posts/b/c/x/ and /posts/b/d/x/.
def test_hugo_sections_below_a_plain_folder(tmp_path: Path) -> None:
    write(tmp_path / "hugo.toml", '[permalinks]\nposts = "/:sections/:slug/"\n')
    write(tmp_path / "content/posts/b/c/_index.md", page("title: C\n"))
    write(tmp_path / "content/posts/b/d/_index.md", page("title: D\n"))
    write(tmp_path / "content/posts/b/c/x.md", page("title: X\n"))
    write(tmp_path / "content/posts/b/d/x.md", page("title: X\n"))
    assert clashing_files(tmp_path) == []


# A Jekyll post named with a combining accent (café, decomposed, as macOS writes it) and one
# named "cafe": Jekyll's slugify keeps marks ([[:alnum:]] is Letter|Mark|Decimal_Number).
def test_jekyll_title_keeps_combining_marks(tmp_path: Path) -> None:
    write(tmp_path / "_config.yml", "title: Blog\n")
    write(tmp_path / "_posts/2024-01-01-cafe\u0301.md", page("title: A\n"))
    write(tmp_path / "_posts/2024-01-01-cafe.md", page("title: B\n"))
    assert clashing_files(tmp_path) == []
    # and no other numbers than decimal digits: "²" is not [[:alnum:]] (No, not Nd)
    assert jekyll_slugify("Cafe\u0301 x\u00b2", pretty=True) == "cafe\u0301-x"


# A hugo.yaml with a date (or mixed-type) key in a list of tables must not break the lint
# cache's key.
def test_lint_cache_key_survives_any_hugo_config(run, tmp_path: Path) -> None:
    write(tmp_path / "hugo.yaml", "title: x\nparams:\n  events:\n    - 2024-01-01: launch\n")
    write(tmp_path / "content/posts/a.md", page("title: A\n"))
    result = run("lint", "--select", "PC701", "-f", "json", str(tmp_path))
    assert result.exit_code == 0, result.exception
    assert json.loads(result.stdout) == []


# `[frontmatter] date = [":filename", ":default"]`: Hugo dates (and slugs) the pages from
# their file names, /2023/hello/ and /2024/hello/.
def test_hugo_frontmatter_dates_from_the_file_name(tmp_path: Path) -> None:
    write(
        tmp_path / "hugo.toml",
        '[frontmatter]\ndate = [":filename", ":default"]\n[permalinks]\nposts = "/:year/:slug/"\n',
    )
    write(tmp_path / "content/posts/2023-05-01-hello.md", page("title: Hello\n"))
    write(tmp_path / "content/posts/2024-05-01-hello.md", page("title: Hello\n"))
    assert clashing_files(tmp_path) == []


# `index.en.md` is a bundle's index (the default language's): Hugo writes /hello/ and /world/.
def test_hugo_bundle_index_with_a_language_code(tmp_path: Path) -> None:
    write(tmp_path / "hugo.toml", '[permalinks]\nposts = "/:filename/"\n')
    write(tmp_path / "content/posts/hello/index.en.md", page("title: Hello\n"))
    write(tmp_path / "content/posts/world/index.en.md", page("title: World\n"))
    assert clashing_files(tmp_path) == []


# `_index.en.md` is a section's page, which `posts = ...` does not apply to: /posts/a/, /posts/b/.
def test_hugo_section_page_with_a_language_code(tmp_path: Path) -> None:
    write(tmp_path / "hugo.toml", '[permalinks]\nposts = "/:filename/"\n')
    write(tmp_path / "content/posts/a/_index.en.md", page("title: A\n"))
    write(tmp_path / "content/posts/b/_index.en.md", page("title: B\n"))
    assert clashing_files(tmp_path) == []


# With `:sections`, whether a folder is a section is worked out once per folder, not by
# scanning its listing once per page in it (quadratic: 8,000 posts took 3.5 s of CPU).
def test_hugo_section_lookup_is_per_folder_not_per_post(tmp_path: Path, monkeypatch) -> None:
    from postctl.rules import Context

    posts = 300
    write(tmp_path / "hugo.toml", '[permalinks]\nposts = "/:sections/:slug/"\n')
    for i in range(posts):
        write(tmp_path / f"content/posts/2024/p{i}.md", page(f"title: P{i}\n"))

    scanned = [0]

    class CountingNames(frozenset):
        def __iter__(self):
            for name in frozenset.__iter__(self):
                scanned[0] += 1
                yield name

    listing = Context._listing

    def counting_listing(self, folder):
        return CountingNames(listing(self, folder))

    monkeypatch.setattr(Context, "_listing", counting_listing)
    lint_site(find_site(tmp_path), select=["PC701"], now=NOW)
    assert scanned[0] <= 5 * posts


def test_hugo_language_codes_in_file_names_give_each_language_its_urls(tmp_path: Path) -> None:
    write(
        tmp_path / "hugo.toml",
        'defaultContentLanguage = "en"\ndisableLanguages = ["de"]\n'
        "[languages.en]\nweight = 1\n[languages.fr]\nweight = 2\n[languages.de]\nweight = 3\n",
    )
    for name in ("hello.en.md", "hello.fr.md", "hello.de.md", "hello.es.md", "b/index.fr.md"):
        write(tmp_path / "content/posts" / name, page("title: Hello\n"))
    write(tmp_path / "content/fr/posts/hello.md", page("title: Hello\n"))
    site = find_site(tmp_path)
    ctx = make_context(site, now=NOW)
    urls = {
        path.relative_to(tmp_path / "content").as_posix(): post_url(site.load(path), ctx)
        for path in sorted((tmp_path / "content").rglob("*.md"))
    }
    assert urls == {
        "posts/hello.en.md": "/posts/hello",
        "posts/hello.fr.md": "/fr/posts/hello",
        "posts/hello.de.md": None,  # a disabled language is not built
        "posts/hello.es.md": "/posts/hello.es",  # not a language of the site: part of the name
        "posts/b/index.fr.md": "/fr/posts/b",
        "fr/posts/hello.md": "/fr/posts/hello",
    }
    # the English page in a folder named "fr" is at Hugo's /fr/posts/hello/, as the French one
    assert clashing_files(tmp_path) == ["content/fr/posts/hello.md", "content/posts/hello.fr.md"]


@pytest.mark.parametrize(
    ("front_matter_setting", "expected"),
    [
        # the file name's date and slug (`:filename`), the front matter's date after it
        ('date = [":filename", ":default"]', ["/2023/hello", "/2024/hello", "/2022/other"]),
        # not followed: no URL for a dated template rather than a guessed one
        ('date = ["lastmod", ":default"]', [None, None, None]),
        ('lastmod = [":filename"]', [None, None, None]),
        ('date = [":default"]', ["/1/hello", "/1/hello", "/2022/other"]),  # (:slug: title)
    ],
)
def test_hugo_frontmatter_settings_for_dated_urls(tmp_path, front_matter_setting, expected):
    write(
        tmp_path / "hugo.toml",
        f'[frontmatter]\n{front_matter_setting}\n[permalinks]\nposts = "/:year/:slug/"\n',
    )
    names = ["2023-05-01-hello.md", "2024-05-01-hello.md", "other.md"]
    write(tmp_path / "content/posts" / names[0], page("title: Hello\n"))
    write(tmp_path / "content/posts" / names[1], page("title: Hello\n"))
    write(tmp_path / "content/posts" / names[2], page("title: Other\ndate: 2022-01-01\n"))
    site = find_site(tmp_path)
    ctx = make_context(site, now=NOW)
    assert [post_url(site.load(tmp_path / "content/posts" / n), ctx) for n in names] == expected


def test_hugo_frontmatter_filename_slug_without_permalinks_is_a_real_clash(tmp_path):
    # Hugo slugs both pages "hello" from their file names: both are /posts/hello/
    write(tmp_path / "hugo.toml", '[frontmatter]\ndate = [":filename", ":default"]\n')
    write(tmp_path / "content/posts/2023-05-01-hello.md", page("title: A\n"))
    write(tmp_path / "content/posts/2024-05-01-hello.md", page("title: B\n"))
    assert clashing_files(tmp_path) == [
        "content/posts/2023-05-01-hello.md",
        "content/posts/2024-05-01-hello.md",
    ]
