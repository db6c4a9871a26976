"""Site discovery, post collection, configuration and loading many posts."""

from __future__ import annotations

import functools
import itertools
import json
import os
import tempfile
import time
from pathlib import Path

import pytest
from conftest import EXAMPLES, BothTakeAShare, write
from hypothesis import example, given
from hypothesis import strategies as st

from postctl import site as site_module
from postctl.config import ConfigError, load_config
from postctl.model import PostError
from postctl.site import SiteError, collect, find_site, load_posts


def jekyll_site(root):
    write(root / "_config.yml", "title: t\n")
    write(root / "_posts" / "2020-01-01-a.md", "---\ntitle: A\n---\n")
    write(root / "_drafts" / "b.md", "---\ntitle: B\n---\n")
    write(root / "blog" / "_posts" / "2020-02-02-c.markdown", "---\ntitle: C\n---\n")
    write(root / "about.md", "---\ntitle: About\n---\n")  # a page, not a post
    write(root / "_site" / "_posts" / "2020-01-01-a.md", "---\ntitle: built\n---\n")
    write(root / ".git" / "_posts" / "x.md", "---\n---\n")
    return root


def test_jekyll_site_posts_and_drafts(tmp_path):
    site = find_site(jekyll_site(tmp_path))
    assert site.kind == "jekyll" and site.root == tmp_path
    names = [p.relative_to(tmp_path).as_posix() for p in collect(site)]
    assert names == ["_drafts/b.md", "_posts/2020-01-01-a.md", "blog/_posts/2020-02-02-c.markdown"]
    draft = site.load(tmp_path / "_drafts" / "b.md")
    assert draft.draft
    assert site.load(tmp_path / "blog" / "_posts" / "2020-02-02-c.markdown").categories == ["blog"]


def test_site_found_from_a_nested_path(tmp_path):
    jekyll_site(tmp_path)
    site = find_site(tmp_path / "blog" / "_posts")
    assert site.root == tmp_path
    assert [p.name for p in collect(site, [tmp_path / "blog"])] == ["2020-02-02-c.markdown"]


@pytest.mark.parametrize("config", ["hugo.toml", "hugo.yaml", "config.toml"])
def test_hugo_site(tmp_path, config):
    write(tmp_path / config, "title = 'x'\n")
    write(tmp_path / "content" / "posts" / "a.md", "---\ntitle: A\n---\n")
    write(tmp_path / "content" / "posts" / "b" / "index.md", "+++\ntitle = 'B'\n+++\n")
    write(tmp_path / "README.md", "# not content\n")
    write(tmp_path / "public" / "x.md", "---\n---\n")
    site = find_site(tmp_path)
    assert site.kind == "hugo"
    assert [p.name for p in collect(site)] == ["a.md", "index.md"]


def test_hugo_content_dir_is_where_posts_are(run, tmp_path):
    """`contentDir` in Hugo's configuration: Hugo reads content there, not in content/."""
    write(tmp_path / "hugo.toml", "title = 'x'\nContentDir = 'src'\n")
    write(tmp_path / "src" / "posts" / "a.md", "---\ntitle: A\n---\n")
    write(tmp_path / "content" / "posts" / "old.md", "---\ntitle: Old\n---\n")
    site = find_site(tmp_path)
    assert site.content_dirs == [tmp_path / "src"]
    assert [p.name for p in collect(site)] == ["a.md"]
    result = run("list", "-f", "json", tmp_path)
    assert [row["title"] for row in json.loads(result.stdout)] == ["A"], result.stderr
    stats = run("stats", "-f", "json", tmp_path)
    assert json.loads(stats.stdout)["posts"] == 1, stats.stderr


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # Every language's folder, the default language's first; one without its own reads
        # the root's contentDir.
        (
            {
                "hugo.toml": "contentDir = 'main'\ndefaultContentLanguage = 'fr'\n"
                "[languages.en]\nweight = 1\ncontentDir = 'content/en'\n"
                "[languages.fr]\nweight = 2\ncontentDir = 'content/fr'\n[languages.de]\n"
            },
            ["content/fr", "content/en", "main"],
        ),
        # Without defaultContentLanguage, the first language by weight is the default.
        (
            {
                "hugo.yaml": "languages:\n  en: {weight: 2, contentDir: en}\n"
                "  sv: {weight: 1, contentDir: sv}\n"
            },
            ["sv", "en"],
        ),
        # From Hugo's configuration directory, languages.toml as the `languages` table.
        (
            {
                "config/_default/hugo.toml": "title = 'x'\n",
                "config/_default/languages.toml": "[en]\ncontentDir = 'content/en'\n",
            },
            ["content/en"],
        ),
        ({"hugo.toml": "title = 'contentDir is not set'\n"}, ["content"]),
    ],
)
def test_hugo_content_dirs_of_a_multilingual_site(tmp_path, files, expected):
    for name, text in files.items():
        write(tmp_path / name, text)
    assert find_site(tmp_path).content_dirs == [tmp_path / d for d in expected]


def test_postctl_content_dirs_win_over_hugos(tmp_path):
    write(tmp_path / "hugo.toml", "contentDir = 'src'\n")
    write(tmp_path / "postctl.toml", "content_dirs = ['notes']\n")
    assert find_site(tmp_path).content_dirs == [tmp_path / "notes"]


def test_a_broken_hugo_config_is_read_only_when_it_names_a_content_dir(run, tmp_path):
    """`list` does not need Hugo's configuration unless it may move the content folder: a
    file that does not name contentDir is not parsed, one that does is a one-line error."""
    write(tmp_path / "hugo.toml", "title = 'x\n")
    write(tmp_path / "content" / "posts" / "a.md", "---\ntitle: A\n---\n")
    result = run("list", "-f", "csv", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "a.md" in result.stdout
    write(tmp_path / "hugo.toml", "title = 'x\ncontentDir = 'src'\n")
    result = run("list", "-f", "csv", tmp_path)
    assert result.exit_code == 2
    assert result.stderr.startswith("postctl: error: ") and "hugo.toml" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_legacy_config_toml_needs_content_folder(tmp_path):
    write(tmp_path / "config.toml", "x = 1\n")
    write(tmp_path / "notes.md", "---\n---\n")
    assert find_site(tmp_path).kind == "plain"


def test_plain_folder(tmp_path):
    write(tmp_path / "a.md", "---\ntitle: a\n---\n")
    write(tmp_path / "sub" / "b.mdx", "---\ntitle: b\n---\n")
    write(tmp_path / "c.txt", "no")
    write(tmp_path / "node_modules" / "d.md", "---\n---\n")
    site = find_site(tmp_path)
    assert site.kind == "plain"
    assert [p.name for p in collect(site)] == ["a.md", "b.mdx"]


def test_symlink_loop_and_dangling_symlink_do_not_trap_the_walk(tmp_path):
    write(tmp_path / "a.md", "---\ntitle: a\n---\n")
    os.symlink(tmp_path, tmp_path / "loop")
    os.symlink(tmp_path / "missing.md", tmp_path / "dangling.md")
    site = find_site(tmp_path)
    files = collect(site)
    assert [p.name for p in files] == ["a.md", "dangling.md"]
    results = load_posts(site, files)
    assert isinstance(results[1], PostError) and "dangling" in results[1].message


def test_missing_path_is_a_site_error(tmp_path):
    with pytest.raises(SiteError, match="no-such"):
        find_site(tmp_path / "no-such")
    site = find_site(tmp_path)
    with pytest.raises(SiteError, match=r"gone\.md"):
        collect(site, [tmp_path / "gone.md"])


def test_config_in_postctl_toml_and_pyproject(tmp_path):
    write(tmp_path / "postctl.toml", 'kind = "hugo"\ncontent_dirs = ["posts"]\n')
    write(tmp_path / "posts" / "a.md", "---\ntitle: a\n---\n")
    write(tmp_path / "other" / "b.md", "---\ntitle: b\n---\n")
    site = find_site(tmp_path)
    assert site.kind == "hugo" and [p.name for p in collect(site)] == ["a.md"]
    other = tmp_path / "py"
    write(other / "pyproject.toml", '[project]\nname="x"\n[tool.postctl]\nexclude = ["b*"]\n')
    write(other / "a.md", "---\n---\n")
    write(other / "b.md", "---\n---\n")
    assert [p.name for p in collect(find_site(other))] == ["a.md"]


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        ("kidn = 'hugo'", "kidn", "unknown key"),
        ("kind = 'wordpress'", "kind", "expected one of"),
        ("cache = 'yes'", "cache", "true or false"),
        ("exclude = 'drafts'", "exclude", "list of strings"),
        ("extensions = ['md']", "extensions", "write it with its dot"),
        ("extensions = ['.']", "extensions", "not a file extension"),
        ("content_dirs = ['../elsewhere']", "content_dirs", "inside the site root"),
        ("content_dirs = ['/srv/posts']", "content_dirs", "inside the site root"),
        ("content_dirs = ['posts/../../x']", "content_dirs", "inside the site root"),
        ("kind = ", None, "not valid TOML"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path, text, key, reason):
    write(tmp_path / "postctl.toml", text + "\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert info.value.key == key and reason in info.value.reason
    assert str(info.value).startswith(str(tmp_path / "postctl.toml"))


def test_parallel_loading_keeps_order_and_errors(tmp_path, monkeypatch):
    monkeypatch.setattr(site_module, "PARALLEL_THRESHOLD", 10)
    for i in range(60):
        body = "---\ntitle: [broken\n---\n" if i % 7 == 3 else f"---\ntitle: p{i}\n---\n"
        write(tmp_path / f"p{i:03d}.md", body)
    site = find_site(tmp_path)
    files = collect(site)
    serial = load_posts(site, files, jobs=1)
    parallel = load_posts(site, files, jobs=2)
    assert [type(r) for r in serial] == [type(r) for r in parallel]
    assert [getattr(r, "title", None) for r in parallel] == [
        getattr(r, "title", None) for r in serial
    ]
    errors = [r for r in parallel if isinstance(r, PostError)]
    assert len(errors) == 9 and all(e.line == 3 for e in errors)


def test_examples_are_a_jekyll_and_a_hugo_site():
    blog = find_site(EXAMPLES / "blog")
    assert blog.kind == "jekyll" and len(collect(blog)) >= 15
    hugo = find_site(EXAMPLES / "hugo")
    assert hugo.kind == "hugo"
    formats = {r.format for r in load_posts(hugo, collect(hugo))}
    assert formats == {"yaml", "toml", "json"}


def test_jekyll_skipped_files_are_collected_only_on_request(tmp_path):
    jekyll_site(tmp_path)
    write(tmp_path / "_posts" / "no-date.md", "---\ntitle: skipped by Jekyll\n---\n")
    site = find_site(tmp_path)
    assert "no-date.md" not in [p.name for p in collect(site)]
    assert "no-date.md" in [p.name for p in collect(site, include_skipped=True)]


def collections_site(root):
    """A Jekyll site with `collections_dir: coll`, posts inside it and outside it."""
    write(root / "_config.yml", "collections_dir: coll\n")
    write(root / "coll" / "_posts" / "2024-01-01-a.md", "---\ntitle: In coll\n---\n")
    write(root / "coll" / "news" / "_posts" / "2024-01-03-c.md", "---\ntitle: News\n---\n")
    write(root / "coll" / "_drafts" / "d.md", "---\ntitle: Draft\n---\n")
    write(root / "_posts" / "2024-01-02-b.md", "---\ntitle: Outside\n---\n")
    write(root / "_drafts" / "e.md", "---\ntitle: Outside draft\n---\n")
    write(root / "collection" / "_posts" / "2024-01-04-f.md", "---\ntitle: Sibling\n---\n")
    return root


def listed(run, site):
    result = run("list", "-f", "json", site)
    assert result.exit_code == 0, result.stderr
    return {row["title"]: row["categories"] for row in json.loads(result.stdout)}


def test_jekyll_reads_posts_and_drafts_only_inside_collections_dir(tmp_path):
    """Reader#retrieve_posts skips folders outside collections_dir
    (#outside_configured_directory?), drafts as well as posts."""
    site = find_site(collections_site(tmp_path))
    assert site.collections_dir == "coll"
    names = [p.relative_to(tmp_path).as_posix() for p in collect(site)]
    assert names == [
        "coll/_drafts/d.md",
        "coll/_posts/2024-01-01-a.md",
        "coll/news/_posts/2024-01-03-c.md",
    ]
    # lint still sees the ones outside, to say why Jekyll passes them over
    skipped = [p.relative_to(tmp_path).as_posix() for p in collect(site, include_skipped=True)]
    assert "_posts/2024-01-02-b.md" in skipped and "_drafts/e.md" in skipped


def test_the_collections_folder_is_not_a_category(run, tmp_path):
    """Categories come from the path relative to collections_dir (Document#relative_path)."""
    site = collections_site(tmp_path)
    assert listed(run, site) == {"In coll": [], "News": ["news"], "Draft": []}


def test_changing_collections_dir_is_seen_through_the_parse_cache(run, tmp_path):
    site = collections_site(tmp_path)
    assert listed(run, site)["News"] == ["news"]  # fills the cache
    write(site / "_config.yml", "title: t\n")
    assert listed(run, site)["News"] == ["coll", "news"]
    assert listed(run, site)["Outside"] == []


@pytest.mark.parametrize("value", ["coll/", "/coll", "./coll", "../coll", "x/../coll"])
def test_collections_dir_with_slashes_is_the_same_folder(tmp_path, value):
    collections_site(tmp_path)
    write(tmp_path / "_config.yml", f"collections_dir: {value}\n")
    site = find_site(tmp_path)
    assert [p.name for p in collect(site)] == ["d.md", "2024-01-01-a.md", "2024-01-03-c.md"]


def test_a_jekyll_config_that_does_not_parse_is_a_site_error(run, tmp_path):
    jekyll_site(tmp_path)
    write(tmp_path / "_config.yml", "title: t\ncollections_dir: [coll\n")
    with pytest.raises(SiteError, match=r"_config\.yml:3:1"):
        find_site(tmp_path)
    result = run("list", tmp_path)
    assert result.exit_code == 2 and "_config.yml:3:1" in result.stderr


def test_a_jekyll_config_that_is_not_a_mapping_counts_as_empty(tmp_path):
    """Jekyll warns and uses its defaults (Configuration#read_config_files)."""
    jekyll_site(tmp_path)
    write(tmp_path / "_config.yml", "- a list\n")
    site = find_site(tmp_path)
    assert site.jekyll_config == {} and site.collections_dir == ""
    assert "2020-01-01-a.md" in [p.name for p in collect(site)]


_PARTS = ["_posts", "_drafts", "_x", ".h", "#t", "~b", "blog", "content", "posts"]
_NAMES = ["2020-01-01-a.md", "a.md", "_2020-01-01-b.md", ".md", "x.", "c.MD", "d.txt", "#e.md"]


@pytest.mark.parametrize(
    ("kind", "collections_dir"),
    [("jekyll", ""), ("jekyll", "blog"), ("jekyll", "blog/posts"), ("hugo", ""), ("plain", "")],
)
@pytest.mark.parametrize("exclude", [False, True])
def test_folder_rules_agree_with_the_per_file_rules(kind, collections_dir, exclude):
    """collect's per-folder filter (the fast path) says what is_post says file by file, for
    every folder up to three levels deep built from the parts that matter, in and out of the
    site's root (and of Jekyll's collections_dir)."""
    config = _config_excluding_blog() if exclude else site_module.Config()
    site = site_module.Site(root=Path("/site"), kind=kind, config=config)
    site.jekyll_config = {"collections_dir": collections_dir} if collections_dir else {}
    for include_skipped in (False, True):
        rules = site._post_rules(include_skipped)
        for root in ("/site", "/elsewhere"):
            for depth in range(4):
                for parts in itertools.product(_PARTS, repeat=depth):
                    folder = os.sep.join([root, *parts]) + os.sep
                    expected = [name for name in _NAMES if rules(folder + name)]
                    assert rules.names(folder, _NAMES) == expected, folder


@functools.cache
def _config_excluding_blog():
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "postctl.toml").write_text('exclude = ["blog/*"]\n')
        return load_config(Path(folder))


def plain_posts(root: Path, count: int) -> list[str]:
    for i in range(count):
        write(root / f"p{i:03d}.md", f"---\ntitle: Post {i}\n---\n")
    return [str(root / f"p{i:03d}.md") for i in range(count)]


def per_post(fn):
    """`map_posts`' fn (which takes a batch of posts) doing `fn` to each post."""
    return lambda batch: [fn(post) for post in batch]


def test_map_posts_shares_the_posts_among_processes_and_keeps_their_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(site_module, "PARALLEL_THRESHOLD", 2)
    paths = plain_posts(tmp_path, 40)
    site = find_site(tmp_path)
    parent = os.getpid()
    share = BothTakeAShare(tmp_path)

    def title_and_process(post):
        share()
        return post.title, os.getpid() == parent

    results = site_module.map_posts(site, paths, per_post(title_and_process), jobs=2, plain=True)
    assert [title for title, _ in results] == [f"Post {i}" for i in range(40)]
    assert {here for _, here in results} == {True, False}
    chunks: list[list[str]] = []

    def pair_up(chunk, results):
        chunks.append(chunk)
        return [(path, title) for path, (title, _) in zip(chunk, results)]

    paired = site_module.map_posts(site, paths, per_post(title_and_process), jobs=2, each=pair_up)
    assert paired == [(path, f"Post {i}") for i, path in enumerate(paths)]
    assert chunks == [paths[i : i + 1] for i in range(40)]  # each chunk once, in order


@pytest.mark.parametrize("failure", ["raises", "dies"])
def test_map_posts_does_again_what_a_helper_failed_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    """A helper that fails on a post (an exception, or the process dies) leaves its chunk to
    this process, which gives the right result, or shows the error where it happens."""
    monkeypatch.setattr(site_module, "PARALLEL_THRESHOLD", 2)
    paths = plain_posts(tmp_path, 40)
    site = find_site(tmp_path)
    parent = os.getpid()

    def title(post):
        if os.getpid() == parent:
            time.sleep(0.005)
        elif post.title in ("Post 3", "Post 30"):
            if failure == "dies":
                os._exit(1)
            raise RuntimeError("only in the helper")
        return post.title

    results = site_module.map_posts(site, paths, per_post(title), jobs=2)
    assert results == [f"Post {i}" for i in range(40)]


def test_map_posts_shows_an_error_of_the_work_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(site_module, "PARALLEL_THRESHOLD", 2)
    paths = plain_posts(tmp_path, 20)

    def fail_on_post_7(post):
        if post.title == "Post 7":
            raise ValueError("post 7")
        return post.title

    with pytest.raises(ValueError, match="post 7"):
        site_module.map_posts(find_site(tmp_path), paths, per_post(fail_on_post_7), jobs=2)


# File names from the pieces that matter: dots, extensions in any case, letters whose case
# mapping is unusual (final sigma, dotted I, titlecase, circled letters).
_NAME_PIECES = [".", "md", "MD", "Md", "mdx", "html", "HTML", "x", "İ", "Σ", "ǅ", "Ⓜ", "ⓜ", "d"]


@given(
    st.lists(st.lists(st.sampled_from(_NAME_PIECES), min_size=1, max_size=4).map("".join)),
    st.lists(st.sampled_from([".md", ".MD", ".Mdx", "md", ".x.md", ".", ".html", ".İ", ".ⓜ"])),
)
@example(["A.MD", "a.MD", "A.md", ".md", ".x.md", "x.", "Σ.HTML", "x.Ⓜ"], [".md", ".html", ".ⓜ"])
def test_a_folder_s_posts_by_extension_are_those_has_extension_takes(names, extensions):
    """The folder filter's endswith shortcut takes exactly the names has_extension takes,
    whatever the case, dots and extensions configured."""
    site = site_module.Site(root=Path("/site"), kind="plain", config=site_module.Config())
    rules = site._post_rules(False)
    if extensions:
        rules.extensions = frozenset(e.lower() for e in extensions)
        rules.suffixes = tuple(e for e in rules.extensions if e.rfind(".") == 0 and len(e) > 1)
    expected = [name for name in names if rules.has_extension(name)]
    assert rules.names("/site/", names) == expected
