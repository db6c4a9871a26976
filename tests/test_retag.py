"""retag as a library: the term rules, edits across posts, safe writes, idempotence."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import write
from hypothesis import given, settings
from hypothesis import strategies as st

from postctl.model import load_post, parse_post
from postctl.retag import RetagSpec, field_keys, plan, retag
from postctl.site import find_site, load_posts


def spec(**kwargs) -> RetagSpec:
    return RetagSpec(**kwargs)


@pytest.mark.parametrize(
    ("rule", "before", "after", "moved"),
    [
        (spec(rename=(("js", "javascript"),)), ["js", "web"], ["javascript", "web"], []),
        (spec(rename=(("js", "javascript"),)), ["js", "b", "javascript"], ["javascript", "b"], []),
        (spec(rename=(("js", "javascript"),)), ["javascript", "js"], ["javascript"], []),
        (spec(rename=(("js", "javascript"),)), ["JS"], ["JS"], []),
        (spec(rename=(("js", "javascript"),), ignore_case=True), ["JS"], ["javascript"], []),
        (
            spec(rename=(("js", "javascript"), ("JS", "javascript"))),
            ["JS", "x", "js"],
            ["javascript", "x"],
            [],
        ),
        (spec(rename=(("Js", "js"),), ignore_case=True), ["JS", "b", "js"], ["js", "b"], []),
        # duplicates elsewhere are not the command's business
        (spec(rename=(("js", "javascript"),)), ["a", "a"], ["a", "a"], []),
        (spec(add=("new",)), ["a"], ["a", "new"], []),
        (spec(add=("a",)), ["a"], ["a"], []),
        (spec(remove=("a",)), ["a", "b"], ["b"], []),
        (spec(remove=("A",), ignore_case=True), ["a", "b"], ["b"], []),
        (spec(move=("b",), move_to="categories"), ["a", "b"], ["a"], ["b"]),
    ],
)
def test_term_rules(rule: RetagSpec, before: list[str], after: list[str], moved: list[str]):
    assert rule.apply(before) == (after, moved)
    # idempotent
    assert rule.apply(after)[0] == after


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "nothing to do"),
        ({"rename": (("a", "a"),)}, "itself"),
        ({"add": (" a",)}, "not a term"),
        ({"add": ("",)}, "not a term"),
        ({"move": ("a",)}, "--to"),
        ({"move": ("a",), "move_to": "tags"}, "come from"),
    ],
)
def test_bad_specs(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RetagSpec(**kwargs)


def jekyll_site(tmp_path: Path) -> Path:
    write(tmp_path / "_config.yml", "title: x\n")
    write(
        tmp_path / "_posts" / "2024-01-01-a.md",
        "---\r\ntitle: A # c\r\ntags: [js, web]\r\n---\r\nbody ---\r\n",
    )
    write(tmp_path / "_posts" / "2024-01-02-b.md", "---\ntags:\n  - web\n  - js\n---\n")
    write(tmp_path / "_posts" / "2024-01-03-c.md", "---\ntags: js javascript\n---\n")
    write(tmp_path / "_posts" / "2024-01-04-d.md", "---\ntag: js\ntags: x y\n---\n")
    write(tmp_path / "_posts" / "2024-01-05-e.md", "---\ntitle: no tags\n---\n")
    return tmp_path


def site_posts(root: Path, paths=()):
    site = find_site(root)
    from postctl.site import collect

    return [p for p in load_posts(site, collect(site, paths)) if not isinstance(p, Exception)]


def test_rename_across_a_site(tmp_path: Path) -> None:
    root = jekyll_site(tmp_path)
    untouched = (root / "_posts" / "2024-01-05-e.md").stat().st_mtime_ns
    report = retag(site_posts(root), spec(rename=(("js", "javascript"),)))
    assert report.examined == 5
    assert report.count("changed") == 4 and report.ok
    posts = root / "_posts"
    assert (posts / "2024-01-01-a.md").read_bytes() == (
        b"---\r\ntitle: A # c\r\ntags: [javascript, web]\r\n---\r\nbody ---\r\n"
    )
    assert (posts / "2024-01-02-b.md").read_text() == "---\ntags:\n  - web\n  - javascript\n---\n"
    assert (posts / "2024-01-03-c.md").read_text() == "---\ntags: javascript\n---\n"
    assert (posts / "2024-01-04-d.md").read_text() == "---\ntag: javascript\ntags: x y\n---\n"
    assert (posts / "2024-01-05-e.md").stat().st_mtime_ns == untouched
    again = retag(site_posts(root), spec(rename=(("js", "javascript"),)))
    assert again.results == [] and again.ok


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    root = jekyll_site(tmp_path)
    before = {p: p.read_bytes() for p in (root / "_posts").iterdir()}
    report = retag(site_posts(root), spec(remove=("js",)), dry_run=True)
    assert report.count("changed") == 4
    assert {p: p.read_bytes() for p in (root / "_posts").iterdir()} == before
    first = report.results[0]
    assert first.before != first.after
    assert first.changes == {"tags": (["js", "web"], ["web"])}


def test_remove_last_tag_leaves_empty_list_or_drops_key(tmp_path: Path) -> None:
    path = write(tmp_path / "p.md", "---\ntitle: x\ntags: [a]\n---\n")
    retag([load_post(path)], spec(remove=("a",)))
    assert path.read_text() == "---\ntitle: x\ntags: []\n---\n"
    write(path, "---\ntitle: x\ntags:\n  - a\ndate: 2024-01-01\n---\n")
    retag([load_post(path)], spec(remove=("a",), drop_empty=True))
    assert path.read_text() == "---\ntitle: x\ndate: 2024-01-01\n---\n"


def test_move_term_to_categories(tmp_path: Path) -> None:
    path = write(tmp_path / "p.md", "---\ntags: [howto, python]\ncategories:\n  - Guides\n---\n")
    rule = spec(move=("howto",), move_to="categories")
    retag([load_post(path)], rule)
    assert path.read_text() == "---\ntags: [python]\ncategories:\n  - Guides\n  - howto\n---\n"
    path2 = write(tmp_path / "q.md", "---\ntags: [howto]\n---\n")
    retag([load_post(path2)], rule)
    assert path2.read_text() == "---\ntags: []\ncategories: [howto]\n---\n"


def test_hugo_keys_are_case_insensitive(tmp_path: Path) -> None:
    write(tmp_path / "hugo.toml", "title = 'x'\n")
    path = write(tmp_path / "content" / "p.md", "+++\nTags = ['a', 'b']\n+++\n")
    post = site_posts(tmp_path)[0]
    assert field_keys(post, "tags") == ["Tags"]
    retag([post], spec(rename=(("a", "c"),)))
    assert path.read_text() == "+++\nTags = ['c', 'b']\n+++\n"


def test_any_list_field(tmp_path: Path) -> None:
    path = write(tmp_path / "p.md", '{"series": ["go", "rust"], "tags": ["go"]}\n')
    retag([load_post(path, "hugo")], spec(rename=(("go", "golang"),), field="series"))
    assert path.read_text() == '{"series": ["golang", "rust"], "tags": ["go"]}\n'


def test_unsafe_files_are_skipped_with_a_reason(tmp_path: Path) -> None:
    good = write(tmp_path / "good.md", "---\ntags: [a]\n---\n")
    readonly = write(tmp_path / "ro.md", "---\ntags: [a]\n---\n")
    readonly.chmod(0o444)
    linked = write(tmp_path / "linked.md", "---\ntags: [a]\n---\n")
    os.link(linked, tmp_path / "hardlink.txt")
    anchored = write(tmp_path / "anchor.md", "---\ntags: &t [a]\nkeywords: *t\n---\n")
    posts = [load_post(p) for p in (anchored, good, linked, readonly)]
    report = retag(posts, spec(rename=(("a", "b"),)))
    reasons = {r.path.name: (r.status, r.reason) for r in report.results}
    assert reasons["good.md"] == ("changed", "")
    assert reasons["ro.md"][0] == "skipped" and "read-only" in reasons["ro.md"][1]
    assert "hard links" in reasons["linked.md"][1]
    assert "anchor" in reasons["anchor.md"][1]
    assert not report.ok
    assert readonly.read_text() == linked.read_text() == "---\ntags: [a]\n---\n"


def test_file_changed_since_loading_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path / "p.md", "---\ntags: [a]\n---\n")
    post = load_post(path)
    write(path, "---\ntags: [a, z]\n---\n")
    # The file is read again before editing: the edit applies to what is there now.
    report = retag([post], spec(rename=(("a", "b"),)))
    assert report.ok and path.read_text() == "---\ntags: [b, z]\n---\n"


def test_symlinked_post_is_edited_once_through_its_target(tmp_path: Path) -> None:
    target = write(tmp_path / "real.md", "---\ntags: [a]\n---\n")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    report = retag([load_post(link), load_post(target)], spec(rename=(("a", "b"),)))
    assert len(report.results) == 1 and report.ok
    assert link.is_symlink() and target.read_text() == "---\ntags: [b]\n---\n"


def test_jekyll_categories_come_from_both_keys(tmp_path: Path) -> None:
    write(tmp_path / "_config.yml", "title: x\n")
    path = write(
        tmp_path / "_posts" / "2024-01-01-a.md",
        "---\ncategory: release\ncategories: [news, release]\n---\n",
    )
    post = site_posts(tmp_path)[0]
    assert field_keys(post, "categories") == ["categories", "category"]
    retag([post], spec(rename=(("release", "releases"),), field="categories"))
    assert path.read_text() == "---\ncategory: releases\ncategories: [news, releases]\n---\n"
    retag(site_posts(tmp_path), spec(add=("news", "extra"), field="categories"))
    assert "categories: [news, releases, extra]\n" in path.read_text()


def test_hugo_edits_the_key_hugo_keeps(tmp_path: Path) -> None:
    write(tmp_path / "hugo.toml", "title = 'x'\n")
    # Hugo moves a mixed-case key's value onto the lower-case one: Tags wins.
    path = write(tmp_path / "content" / "p.md", "---\ntags: [a]\nTags: [a, b]\n---\n")
    post = site_posts(tmp_path)[0]
    assert post.tags == ["a", "b"] and field_keys(post, "tags") == ["Tags"]
    retag([post], spec(add=("yes", "0x1f")))
    # YAML 1.2 (Hugo) reads a plain `yes` as a string, but `0x1f` as a number.
    assert path.read_text() == '---\ntags: [a]\nTags: [a, b, yes, "0x1f"]\n---\n'
    assert site_posts(tmp_path)[0].tags == ["a", "b", "yes", "0x1f"]


def test_interrupted_run_leaves_every_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In this process, on threads (test_retag_parallel interrupts the worker processes).
    monkeypatch.setattr("postctl.retag.PROCESS_THRESHOLD", 1000)
    old, new = b"---\ntags: [a]\n---\nbody\n", b"---\ntags: [b]\n---\nbody\n"
    paths = [write(tmp_path / f"p{i:03d}.md", old) for i in range(200)]

    def interrupt(result) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        retag([load_post(p) for p in paths], spec(rename=(("a", "b"),)), on_result=interrupt)
    contents = [p.read_bytes() for p in paths]
    assert set(contents) <= {old, new} and old in contents
    assert sorted(os.listdir(tmp_path)) == [p.name for p in paths]


TERMS = ["a", "b", "A", "c d", "News"]


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["jekyll", "hugo", "plain"]),
    st.lists(st.sampled_from(TERMS), max_size=4),
    st.lists(st.sampled_from(TERMS), max_size=2),
    st.sampled_from(["tags", "categories"]),
    st.lists(st.sampled_from(TERMS), max_size=2),
    st.lists(st.sampled_from(TERMS), max_size=1),
    st.lists(st.sampled_from(TERMS), max_size=1),
    st.booleans(),
)
def test_may_change_never_misses_a_post_plan_would_change(
    kind, values, singular, field_name, olds, adds, removes, ignore_case
) -> None:
    singular_key = "tag" if field_name == "tags" else "category"
    text = f"---\n{field_name}: {json.dumps(values)}\n"
    if singular:
        text += f"{singular_key}: {json.dumps(singular[0])}\n"
    post = parse_post(Path("_posts/2024-01-01-x.md"), f"{text}---\n".encode(), kind)
    renames = tuple((old, "new") for old in dict.fromkeys(olds) if old != "new")
    try:
        rule = RetagSpec(
            rename=renames,
            add=tuple(adds),
            remove=tuple(removes),
            field=field_name,
            ignore_case=ignore_case,
        )
    except ValueError:
        return
    if plan(post, rule):
        assert rule.may_change(post.terms(field_name))


def test_adding_a_category_jekyll_takes_from_the_folder_changes_nothing(tmp_path: Path) -> None:
    write(tmp_path / "_config.yml", "title: x\n")
    path = write(tmp_path / "news" / "_posts" / "2024-01-01-a.md", "---\ntitle: A\n---\n")
    post = site_posts(tmp_path)[0]
    assert post.categories == ["news"]
    report = retag([post], spec(add=("news",), field="categories"))
    assert report.results == [] and path.read_text() == "---\ntitle: A\n---\n"


def test_posts_loaded_on_demand(tmp_path: Path) -> None:
    from types import SimpleNamespace

    good = write(tmp_path / "good.md", "---\ntags: [a]\n---\n")
    broken = write(tmp_path / "broken.md", "---\ntags: [a\n---\n")
    stubs = [SimpleNamespace(path=str(good)), SimpleNamespace(path=str(broken))]
    report = retag(stubs, spec(rename=(("a", "b"),)), load=load_post)
    assert [(r.path.name, r.status) for r in report.results] == [
        ("good.md", "changed"),
        ("broken.md", "skipped"),
    ]
    assert report.results[1].reason.startswith("does not parse")
    assert good.read_text() == "---\ntags: [b]\n---\n"
