"""Review findings (review-cli): Jekyll's `collections_dir`. `postctl new` already writes posts
to `<collections_dir>/_posts`; reading must follow Jekyll too. Jekyll 4 reads posts and drafts
only inside collections_dir (Reader#outside_configured_directory?), and a document's folder
categories come from its path relative to collections_dir (Document#relative_path is
`path.sub("#{site.collections_path}/", "")`, then #categories_from_path), so the collections
folder itself is never a category."""

from __future__ import annotations

import json

from conftest import write


def make_site(tmp_path):
    write(tmp_path / "_config.yml", "collections_dir: coll\n")
    write(tmp_path / "coll" / "_posts" / "2024-01-01-a.md", "---\ntitle: In coll\n---\n")
    write(tmp_path / "coll" / "news" / "_posts" / "2024-01-03-c.md", "---\ntitle: News\n---\n")
    return tmp_path


def listed(run, site):
    result = run("list", "-f", "json", site)
    assert result.exit_code == 0, result.stderr
    return {row["title"]: row["categories"] for row in json.loads(result.stdout)}


def test_the_collections_folder_is_not_a_category(run, tmp_path):
    site = make_site(tmp_path)
    assert listed(run, site) == {"In coll": [], "News": ["news"]}


def test_posts_outside_collections_dir_are_not_posts(run, tmp_path):
    site = make_site(tmp_path)
    write(site / "_posts" / "2024-01-02-b.md", "---\ntitle: Outside\n---\n")
    assert "Outside" not in listed(run, site)
