"""Hugo sites configured in `config/_default/` (Hugo's configuration directory): found as Hugo
sites, their files merged as Hugo merges them, errors named by file, line and column, caches
that notice an edit to any of the files."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from conftest import write

from postctl.lint_cache import DATABASE
from postctl.site import SiteError, collect, find_site

POST = "---\ntitle: {title}\ndate: {date}\ntags: [a]\nimage: /img/there.png\n---\nHi\n"


def config_dir_site(root: Path, files: dict[str, str]) -> Path:
    """A Hugo site whose only configuration is in `config/_default/` (no root `hugo.toml`)."""
    for name, text in files.items():
        write(root / "config" / "_default" / name, text)
    write(root / "static" / "img" / "there.png", b"png")
    write(root / "content" / "posts" / "a.md", POST.format(title="A", date="2020-01-01"))
    return root


def lint_json(run, site: Path, *args: str) -> list[dict]:
    result = run("lint", "-f", "json", *args, site)
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


def bump(path: Path, text: str) -> None:
    """Rewrite a file so that its stat changes even within one clock tick."""
    write(path, text)
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))


@pytest.mark.parametrize(
    "name",
    ["hugo.toml", "hugo.yaml", "hugo.json", "config.toml", "params.yml", "menus.en.toml"],
)
def test_a_config_folder_makes_a_hugo_site(tmp_path, name):
    config_dir_site(tmp_path, {name: ""})
    write(tmp_path / "README.md", "# not content\n")
    site = find_site(tmp_path / "content" / "posts")
    assert site.root == tmp_path and site.kind == "hugo"
    assert site.generator_config is None
    assert site.hugo_config_dir == tmp_path / "config" / "_default"
    assert [p.name for p in collect(site)] == ["a.md"]


@pytest.mark.parametrize(
    "files",
    [
        {"_default/README.md": "# notes\n"},  # no configuration format
        {"production/hugo.toml": "buildFuture = true\n"},  # an environment postctl never reads
        {"hugo.toml": "title = 'x'\n"},  # config/hugo.toml: not Hugo's folder layout
    ],
)
def test_a_config_folder_without_default_config_files_is_no_hugo_site(tmp_path, files):
    for name, text in files.items():
        write(tmp_path / "config" / name, text)
    write(tmp_path / "notes.md", "---\ntitle: N\n---\n")
    assert find_site(tmp_path).kind == "plain"


def test_the_folder_is_merged_over_the_root_file_as_hugo_merges_them(tmp_path):
    # gohugoio/hugo config/configLoader.go LoadConfigFromDir and config/allconfig/load.go
    write(
        tmp_path / "hugo.toml",
        "title = 'root'\nbuildFuture = true\ncontentDir = 'content'\n"
        "[params]\nkept = 1\nreplaced = 1\n[Taxonomies]\ntag = 'tags'\n",
    )
    config_dir_site(
        tmp_path,
        {
            "hugo.toml": "buildFuture = false\ntimeZone = 'Europe/Oslo'\n",
            "params.toml": "replaced = 2\nAdded = 3\n[Nested]\nKey = 'v'\n",
            # a later name of the walk wins: taxonomies.toml comes after hugo.toml
            "taxonomies.toml": "category = 'categories'\nseries = 'series'\n",
            "permalinks.yaml": "posts: /:year/:slug/\n",
            "menus.en.toml": "[[main]]\nname = 'Home'\n",
            "params.fr.yaml": "subtitle: Bonjour\n",
            "languages.toml": "[en]\nweight = 1\n[fr]\nweight = 2\n",
            "sub/markup.json": '{"goldmark": {"renderer": {"unsafe": true}}}',
            "NOTES.md": "not read",
            # another name with a language: that language's own table
            "zz.de.toml": "title = 'Hallo'\n",
        },
    )
    config = find_site(tmp_path).hugo_config
    assert config["title"] == "root"  # only in the root file
    assert config["buildfuture"] is False  # the folder wins over the root file
    assert config["contentdir"] == "content" and config["timezone"] == "Europe/Oslo"
    assert config["params"] == {"kept": 1, "replaced": 2, "added": 3, "nested": {"key": "v"}}
    # a table merged key by key: the root's `tag` stays beside the folder's
    assert config["taxonomies"] == {"tag": "tags", "category": "categories", "series": "series"}
    assert config["permalinks"] == {"posts": "/:year/:slug/"}
    assert config["markup"] == {"goldmark": {"renderer": {"unsafe": True}}}
    assert config["languages"] == {
        "en": {"weight": 1, "menus": {"main": [{"name": "Home"}]}},
        "fr": {"weight": 2, "params": {"subtitle": "Bonjour"}},
        "de": {"title": "Hallo"},
    }
    assert "notes" not in config
    site = find_site(tmp_path)
    assert site.generator_config == tmp_path / "hugo.toml" and not site.builds_future


def test_files_of_the_folder_are_read_in_name_order_the_last_one_winning(tmp_path):
    config_dir_site(
        tmp_path,
        {
            "config.toml": "buildFuture = true\ntitle = 'config'\n",
            "hugo.toml": "title = 'hugo'\n",
            "hugo.yaml": "buildFuture: false\n",
        },
    )
    config = find_site(tmp_path).hugo_config
    assert config["title"] == "hugo" and config["buildfuture"] is False


def test_a_legacy_root_config_is_read_beside_the_folder(tmp_path):
    # Hugo reads config.toml even without a content folder when the folder is there
    write(tmp_path / "config.toml", "buildFuture = true\n")
    write(tmp_path / "config" / "_default" / "params.toml", "a = 1\n")
    site = find_site(tmp_path)
    assert site.kind == "hugo" and site.generator_config == tmp_path / "config.toml"
    assert site.builds_future and site.hugo_config["params"] == {"a": 1}


def test_build_future_in_the_folder_quiets_pc304(run, tmp_path):
    config_dir_site(tmp_path, {"hugo.toml": "buildFuture = true\n"})
    write(tmp_path / "content" / "posts" / "a.md", POST.format(title="A", date="2999-01-01"))
    assert "PC304" not in {f["code"] for f in lint_json(run, tmp_path, "--no-cache")}
    bump(tmp_path / "config" / "_default" / "hugo.toml", "buildFuture = false\n")
    assert "PC304" in {f["code"] for f in lint_json(run, tmp_path, "--no-cache")}


def test_commands_read_the_posts_as_hugo_posts(run, tmp_path):
    config_dir_site(tmp_path, {"params.toml": "a = 1\n"})
    # Hugo reads front-matter keys case-insensitively: `Tags` are the post's tags
    write(tmp_path / "content" / "posts" / "b.md", "+++\ntitle = 'B'\nTags = ['hugo']\n+++\n")
    result = run("tags", "-f", "json", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert {row["term"]: row["posts"] for row in json.loads(result.stdout)} == {"a": 1, "hugo": 1}
    stats = run("stats", cwd=tmp_path)
    assert stats.exit_code == 0 and f"{tmp_path} (hugo)" in stats.stdout


def test_new_puts_the_post_in_the_content_folder(run, tmp_path):
    config_dir_site(tmp_path, {"hugo.toml": "title = 'x'\n"})
    preview = run("new", "Fresh Post", "--dry-run", cwd=tmp_path)
    assert preview.exit_code == 0, preview.stderr
    assert "content/posts/fresh-post.md" in preview.stderr and "draft: true" in preview.stdout
    result = run("new", "Fresh Post", cwd=tmp_path / "content" / "posts")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "content" / "posts" / "fresh-post.md").is_file()
    assert not list((tmp_path / "content" / "posts").glob("*-fresh-post.md"))


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("hugo.toml", "title = 'x'\nbuildFuture = tru\n", "hugo.toml:2:15: TOML: "),
        ("taxonomies.toml", "tag = 'tags'\n[x\n", "taxonomies.toml:2:3: TOML: "),
        ("params.yaml", "a: 1\nb: [1\n", "params.yaml:3:1: YAML: "),
        ("menus.en.json", '{\n  "main": [\n    {"name": }\n  ]\n}\n', "menus.en.json:3:14: JSON: "),
    ],
)
def test_a_broken_file_of_the_folder_is_a_one_line_error(run, tmp_path, name, text, where):
    config_dir_site(tmp_path, {"hugo.toml": "title = 'x'\n", name: text})
    with pytest.raises(SiteError, match=where):
        find_site(tmp_path).hugo_config  # noqa: B018
    result = run("lint", tmp_path)
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and where in lines[0] and "Traceback" not in result.stderr
    assert str(tmp_path / "config" / "_default" / name) in lines[0]


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("hugo.toml", "title = 'x'\nbuildFuture = tru\n", "hugo.toml:2:15: TOML: "),
        ("hugo.json", '{"title": "x",\n "buildFuture": }\n', "hugo.json:2:17: JSON: "),
    ],
)
def test_a_broken_root_file_is_the_same_one_line_error(run, tmp_path, name, text, where):
    write(tmp_path / name, text)
    write(tmp_path / "content" / "posts" / "a.md", POST.format(title="A", date="2020-01-01"))
    result = run("lint", tmp_path)
    assert result.exit_code == 2 and where in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_json_files_are_read_as_json(tmp_path):
    config_dir_site(tmp_path, {"hugo.json": '{"buildFuture": true, "title": "a\\/b"}'})
    config = find_site(tmp_path).hugo_config
    assert config["buildfuture"] is True and config["title"] == "a/b"


def kept_result_messages(site: Path) -> None:
    """Give every finding of the lint cache's kept whole-site result another message, to see
    whether the next run gives it again."""
    db = sqlite3.connect(site / ".postctl-cache" / DATABASE)
    result = json.loads(db.execute("SELECT value FROM meta WHERE key = 'result'").fetchone()[0])
    for finding in result["findings"]:
        finding[5] = "kept"
    db.execute("UPDATE meta SET value = ? WHERE key = 'result'", (json.dumps(result),))
    db.commit()
    db.close()


def test_a_warm_lint_notices_an_edited_taxonomies_file(run, tmp_path):
    config_dir_site(tmp_path, {"hugo.toml": "title = 'x'\n", "taxonomies.toml": "tag = 'tags'\n"})
    write(tmp_path / "content" / "posts" / "b.md", "---\ntitle: B\ntags: []\n---\n")
    cold = lint_json(run, tmp_path)
    assert cold and cold == lint_json(run, tmp_path)
    kept_result_messages(tmp_path)
    assert {f["message"] for f in lint_json(run, tmp_path)} == {"kept"}  # (the kept result)
    bump(tmp_path / "config" / "_default" / "taxonomies.toml", "tag = 'tags'\nseries = 's'\n")
    warm = lint_json(run, tmp_path)
    assert warm == cold == lint_json(run, tmp_path, "--no-cache")


def test_a_warm_lint_notices_build_future_set_in_the_folder(run, tmp_path):
    config_dir_site(tmp_path, {"hugo.toml": "title = 'x'\n", "params.toml": "a = 1\n"})
    write(tmp_path / "content" / "posts" / "a.md", POST.format(title="A", date="2999-01-01"))
    cold = lint_json(run, tmp_path)
    assert "PC304" in {f["code"] for f in cold} and lint_json(run, tmp_path) == cold  # warm
    bump(tmp_path / "config" / "_default" / "hugo.toml", "title = 'x'\nbuildFuture = true\n")
    warm = lint_json(run, tmp_path)
    assert "PC304" not in {f["code"] for f in warm}
    assert warm == lint_json(run, tmp_path, "--no-cache")
