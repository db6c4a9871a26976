"""`postctl lint` and `postctl rules` through the CLI: formats, exit codes, configuration, the
example sites, the real-world corpora, and arbitrary input."""

from __future__ import annotations

import json
import marshal
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
from conftest import EXAMPLES, write, write_latin1_named
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postctl.lint import lint_site
from postctl.site import find_site


def findings(run, *args):
    result = run("lint", *args, "-f", "json")
    return result, json.loads(result.stdout)


def test_examples_blog_finds_the_planted_problems(run):
    result, found = findings(run, EXAMPLES / "blog")
    assert result.exit_code == 1
    by_file = {(f["path"].rsplit("/", 1)[-1], f["code"]) for f in found}
    minerals = "2026-02-05-us-critical-minerals-plan.md"
    assert (minerals, "PC601") in by_file  # Â£ where £ was meant
    assert (minerals, "PC501") in by_file  # tags: []
    assert ("yaml-gotchas.md", "PC303") in by_file  # Jekyll skips it
    assert ("yaml-gotchas.md", "PC401") in by_file  # country: no, version: 010
    assert ("yaml-gotchas.md", "PC404") in by_file  # tags: yaml, config
    assert ("2024-12-09-year-in-review.md", "PC901") in by_file  # missing image
    assert ("2025-03-14-pi-day-numerics.md", "PC503") in by_file  # Python / python
    mojibake = next(f for f in found if f["code"] == "PC601")
    assert (
        mojibake["line"] == 13
        and "'ets aside Â£2.1 billi' should read 'ets aside £2.1" in mojibake["message"]
    )
    assert mojibake["severity"] == "error" and mojibake["fixable"] is True


def test_clean_site_exits_0(run, tmp_path):
    write(tmp_path / "hugo.toml", "title = 'x'\n")
    for name in ("a", "b"):
        write(
            tmp_path / "content" / "posts" / f"{name}.md",
            f"---\ntitle: Post {name}\ndate: 2024-01-0{len(name)}T10:00:00Z\ntags: [x]\n---\nHi\n",
        )
    result = run("lint", tmp_path)
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""
    result = run("lint", tmp_path, "-f", "table")
    assert result.stdout.strip() == "No problems found in 2 files."
    assert run("lint", EXAMPLES / "hugo").exit_code == 0


def test_text_format_is_one_finding_a_line(run, tmp_path):
    write(tmp_path / "a.md", "---\ntitle: x\ndate: 2024-01-01\ntags: []\n---\n")
    result = run("lint", tmp_path, cwd=tmp_path)
    assert result.stdout == "a.md:4:1: PC501 tags is empty [warning]\n"
    assert result.exit_code == 0  # warnings alone do not fail
    assert run("lint", tmp_path, "--strict").exit_code == 1


def test_table_groups_by_file_with_a_summary(run, tmp_path):
    write(tmp_path / "a.md", "---\ntitle: x\ntags: []\ndate: 2020-02-30\n---\n")
    write(tmp_path / "b.md", "---\ntitle: y\ndate: 2020-02-03\n---\n")
    result = run("lint", tmp_path, "-f", "table", cwd=tmp_path)
    lines = result.stdout.splitlines()
    assert lines[0] == "a.md"
    assert "3:1  warning  PC501  tags is empty  empty-terms" in lines[1]
    assert "4:1  error    PC301" in lines[2]
    assert lines[-1] == "1 error, 1 warning in 1 of 2 files."
    assert result.exit_code == 1


def test_github_annotations(run, tmp_path):
    write(tmp_path / "a,b.md", "---\ntitle: 'x: 100%'\ntags: []\nc: 'Â£'\ndate: 2024-01-01\n---\n")
    result = run("lint", tmp_path, "-f", "github", cwd=tmp_path)
    assert result.stdout.splitlines() == [
        "::warning file=a%2Cb.md,line=3,col=1,title=PC501 empty-terms::tags is empty",
        "::error file=a%2Cb.md,line=4,col=1,title=PC601 mojibake::"
        "mojibake in c: 'Â£' should read '£'",
    ]


def test_json_output_fields(run, tmp_path):
    write(tmp_path / "a.md", "---\ntitle: x\ntags: []\n---\n")
    write(tmp_path / "postctl.toml", '[lint]\nrequired = ["title"]\n')
    _, found = findings(run, tmp_path)
    assert found == [
        {
            "path": str(tmp_path / "a.md"),
            "line": 3,
            "col": 1,
            "code": "PC501",
            "name": "empty-terms",
            "severity": "warning",
            "message": "tags is empty",
            "fixable": False,
        }
    ]


def test_select_ignore_and_severity_from_config_and_options(run, tmp_path):
    write(tmp_path / "a.md", "---\ntitle: x\ntags: []\ndate: 2020-02-30\n---\n")
    codes = lambda *args: [f["code"] for f in findings(run, tmp_path, *args)[1]]  # noqa: E731
    assert codes() == ["PC501", "PC301"]
    assert codes("--select", "PC5") == ["PC501"]
    assert codes("--ignore", "invalid-date,PC501") == []
    write(tmp_path / "postctl.toml", '[lint]\nignore = ["PC3"]\nseverity = {PC501 = "error"}\n')
    result, found = findings(run, tmp_path)
    assert [(f["code"], f["severity"]) for f in found] == [("PC501", "error")]
    assert result.exit_code == 1
    write(tmp_path / "postctl.toml", '[lint]\nselect = ["empty-terms"]\n')
    assert codes() == ["PC501"]
    assert codes("--select", "PC301") == ["PC301"]  # the option replaces lint.select


def test_bad_configuration_exits_2_naming_the_key(run, tmp_path):
    write(tmp_path / "a.md", "---\ntitle: x\n---\n")
    cases = {
        '[lint]\nselect = ["PC999"]\n': "lint.select: 'PC999' is not a rule code or name",
        '[lint]\nseverity = {PC501 = "fatal"}\n': "lint.severity: PC501: expected one of",
        '[lint]\nseverity = {nope = "error"}\n': "lint.severity.nope: 'nope' is not a rule",
        "[lint]\ntitle_length = [80, 10]\n": "lint.title_length: expected [min, max]",
        "[lint]\nrequired = 'title'\n": "lint.required: expected a list of strings",
        "[lint]\nshout = true\n": "lint.shout: unknown key",
        '[lint]\nschema = "missing.json"\n': "lint.schema: cannot read",
    }
    for config, message in cases.items():
        write(tmp_path / "postctl.toml", config)
        result = run("lint", tmp_path)
        assert result.exit_code == 2, config
        assert message in result.stderr, (config, result.stderr)
    write(tmp_path / "postctl.toml", "")
    result = run("lint", tmp_path, "--select", "PC9999")
    assert result.exit_code == 2 and "--select/--ignore.select" in result.stderr


def _schema_site(tmp_path, schema: dict, **files: dict) -> None:
    write(tmp_path / "postctl.toml", '[lint]\nschema = "schema.json"\n')
    write(tmp_path / "schema.json", json.dumps(schema))
    for name, content in files.items():
        write(tmp_path / f"{name}.json", json.dumps(content))
    write(tmp_path / "post.md", "---\ntitle: Hello\ntags: [a]\n---\n")


def test_schema_with_a_ref_to_a_sibling_file_does_not_crash(run, tmp_path):
    # Schemas split over files (`"$ref": "defs.json#/title"`) are common: the file is read
    # next to the schema, and the string title violates it.
    pytest.importorskip("jsonschema")
    _schema_site(
        tmp_path,
        {"properties": {"title": {"$ref": "defs.json#/title"}}},
        defs={"title": {"type": "integer"}},
    )
    result = run("lint", "--no-cache", "-f", "json", tmp_path)
    assert result.exit_code == 1, result.stderr
    assert [f["code"] for f in json.loads(result.stdout) if f["code"] == "PC902"] == ["PC902"]


def test_schema_with_a_remote_ref_is_a_config_error(run, tmp_path):
    # A linter in pre-commit/CI must not fetch URLs named in a schema (hangs offline, leaks).
    pytest.importorskip("jsonschema")
    _schema_site(tmp_path, {"$ref": "https://schemas.invalid/post.json"})
    result = run("lint", "--no-cache", tmp_path)
    assert result.exit_code == 2
    assert "lint.schema" in result.stderr and "https://schemas.invalid/post.json" in result.stderr


def test_schema_refs_that_do_not_resolve_are_config_errors(run, tmp_path):
    pytest.importorskip("jsonschema")
    cases = {
        "#/definitions/missing": "does not resolve",
        "defs.json#/missing": "does not resolve",
        "missing.json": "cannot read",
        "../outside.json": "outside the site",
    }
    for ref, reason in cases.items():
        _schema_site(tmp_path, {"$ref": ref}, defs={"title": {"type": "string"}})
        result = run("lint", "--no-cache", tmp_path)
        assert result.exit_code == 2, ref
        assert "lint.schema: " in result.stderr and f"$ref {ref!r}" in result.stderr, ref
        assert reason in result.stderr and "Traceback" not in result.stderr, ref


def test_a_changed_schema_file_a_ref_names_invalidates_the_lint_cache(run, tmp_path):
    pytest.importorskip("jsonschema")
    _schema_site(
        tmp_path,
        {"properties": {"title": {"$ref": "defs.json#/title"}}},
        defs={"title": {"type": "string"}},
    )
    assert run("lint", tmp_path).exit_code == 0
    write(tmp_path / "defs.json", json.dumps({"title": {"type": "integer"}}))
    result = run("lint", "-f", "json", tmp_path)
    assert result.exit_code == 1
    assert "PC902" in {f["code"] for f in json.loads(result.stdout)}


def test_explain_and_rules(run):
    result = run("lint", "--explain", "PC601")
    assert result.exit_code == 0
    assert result.stdout.startswith("PC601 mojibake (error, fixable with --fix)\n")
    assert "Châu Âu" in result.stdout
    assert run("lint", "--explain", "inconsistent-term").stdout.startswith("PC503 ")
    bad = run("lint", "--explain", "PC000")
    assert bad.exit_code == 2 and "no rule 'PC000'" in bad.stderr
    rules = json.loads(run("rules", "-f", "json").stdout)
    assert [r["code"] for r in rules] == sorted(r["code"] for r in rules)
    assert {"code", "name", "severity", "fixable", "summary", "explanation"} <= set(rules[0])
    table = run("rules").stdout.splitlines()
    assert table[0].split()[:3] == ["CODE", "NAME", "SEVERITY"]
    assert any(line.startswith("PC506  single-use-term") for line in table)


def test_named_files_are_reported_against_the_whole_site(run, tmp_path):
    write(tmp_path / "hugo.toml", "")
    write(tmp_path / "content" / "a.md", "---\ntitle: Same\ntags: [Go]\n---\n")
    write(tmp_path / "content" / "b.md", "---\ntitle: same\ntags: [go, go]\n---\n")
    write(tmp_path / "README.md", "# not a post\n")
    _, found = findings(run, tmp_path / "content" / "b.md")
    assert {f["code"] for f in found} == {"PC502", "PC702"}  # duplicate title seen site-wide
    assert all(f["path"].endswith("b.md") for f in found)
    # pre-commit passes every staged Markdown file; --only-posts skips the README.
    result = run("lint", tmp_path / "README.md", "--only-posts", "-f", "json")
    assert result.exit_code == 0 and result.stdout == ""


def _hook(run, repo, *staged):
    """`postctl lint --only-posts` as the pre-commit hook runs it: from the repository's root,
    with the staged files as git lists them."""
    result = run("lint", "--only-posts", "--no-cache", "-f", "json", *staged, cwd=repo)
    return result, json.loads(result.stdout or "[]")


def test_hook_finds_the_hugo_site_when_a_readme_is_staged_first(run, tmp_path):
    # A site kept in a subfolder of the repository (`site/`, GitHub Pages' `docs/`) is common.
    write(tmp_path / "README.md", "# my project\n")
    write(tmp_path / "site/hugo.toml", 'baseURL = "https://example.org/"\n')
    write(tmp_path / "site/content/posts/a.md", "---\ntitle: A\ntags: [a]\npublished: false\n---\n")
    result, found = _hook(run, tmp_path, "README.md", "site/content/posts/a.md")
    codes = {(f["path"], f["code"]) for f in found}
    _alone, found_alone = _hook(run, tmp_path, "site/content/posts/a.md")
    assert ("site/content/posts/a.md", "PC405") in {(f["path"], f["code"]) for f in found_alone}
    assert ("site/content/posts/a.md", "PC405") in codes, found
    assert not any(path == "README.md" for path, _ in codes), found
    assert result.exit_code == 1


def test_hook_skips_a_readme_outside_the_site_folder(run, tmp_path):
    # README: "skipping files that are not posts of the site (a README, a layout)".
    write(tmp_path / "README.md", "# my project\n")
    write(tmp_path / "docs/_config.yml", "title: x\n")
    write(tmp_path / "docs/_posts/2024-01-01-a.md", "---\ntitle: A\ntags: [a]\n---\n")
    _result, found = _hook(run, tmp_path, "docs/_posts/2024-01-01-a.md", "README.md")
    assert found and not any(f["path"] == "README.md" for f in found), found


def test_hook_lints_the_posts_of_each_site_staged_with_that_site(run, tmp_path):
    write(tmp_path / "docs/_config.yml", "title: x\n")
    write(tmp_path / "docs/_posts/2024-01-01-a.md", "---\ntitle: A\ntags: [a]\n---\n")
    write(tmp_path / "docs/_layouts/post.html", "<html></html>\n")
    write(tmp_path / "site/hugo.toml", "")
    write(tmp_path / "site/content/b.md", "---\ntitle: B\ntags: [b]\npublished: false\n---\n")
    staged = ["docs/_layouts/post.html", "docs/_posts/2024-01-01-a.md", "site/content/b.md"]
    result, found = _hook(run, tmp_path, *staged)
    assert {f["path"] for f in found} == {"docs/_posts/2024-01-01-a.md", "site/content/b.md"}
    assert ("site/content/b.md", "PC405") in {(f["path"], f["code"]) for f in found}
    assert result.exit_code == 1


def test_hook_lints_every_file_of_a_plain_repository_without_config(run, tmp_path):
    # No generator or postctl config anywhere: a plain folder of posts, every file a post.
    write(tmp_path / "notes.md", "---\ntitle: Notes\ntags: [a]\n---\n")
    write(tmp_path / "posts/a.md", "---\ntags: [a]\n---\n")
    _result, found = _hook(run, tmp_path, "notes.md", "posts/a.md")  # PC201: no title
    assert ("posts/a.md", "PC201") in {(f["path"], f["code"]) for f in found}, found


REPO = Path(__file__).resolve().parents[1]


def test_hook_passes_every_default_post_extension():
    # pre-commit picks files by identify's tags: `.mdx` is tagged {"text", "mdx"}, not
    # "markdown" (pre-commit/identify, identify/extensions.py).
    import yaml

    from postctl.config import SCHEMA

    hook = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())[0]
    identify_tag = {".md": "markdown", ".markdown": "markdown", ".mdx": "mdx", ".html": "html"}
    default_extensions = SCHEMA["extensions"].default
    missed = [e for e in default_extensions if identify_tag.get(e) not in hook["types_or"]]
    assert not missed, f"{missed} posts never reach the hook ({hook['types_or']})"


def test_readme_actions_example_checks_out_the_site():
    # Without a checkout, `postctl lint` runs in an empty workspace, finds no posts and exits 0.
    readme = (REPO / "README.md").read_text()
    section = readme.split("#### In GitHub Actions", 1)[1].split("```yaml", 1)[1]
    steps = section.split("```", 1)[0]
    assert "postctl lint --format github" in steps
    assert "actions/checkout" in steps, steps


def test_hostile_text_is_printed_literally(run, tmp_path):
    write(tmp_path / "a.md", '---\ntitle: "[bold]x[/bold] \\e[31m"\ntags: []\n---\n')
    result = run("lint", tmp_path, "-f", "table", cwd=tmp_path)
    assert "\x1b" not in result.stdout
    assert "PC602  control character U+001B in title" in result.stdout


def test_usage_errors_exit_2(run, tmp_path):
    assert run("lint", tmp_path / "missing").exit_code == 2
    assert run("lint", tmp_path, "--format", "xml").exit_code == 2


def test_corpora_lint_without_surprises(corpora, tmp_path):
    """Every finding on the real-world corpora is one we can defend (see the rule tests); the
    counts pin what the rules say there, so a change in behaviour is noticed."""
    counts = {}
    for name in ("jekyll/docs", "hugo-docs", "rust-blog"):
        report = lint_site(find_site(corpora / name))
        counts[name] = dict(report.by_code())
    # PC302 on jekyll/docs: days in its `timezone: America/Los_Angeles`, as Jekyll dates them
    # (`2013-05-06 02:12:52 +0200` in 2013-05-06-jekyll-1-0-0-released is the 5th there).
    assert counts["jekyll/docs"] == {"PC301": 1, "PC302": 10, "PC506": 2, "PC801": 1, "PC802": 1}
    assert counts["hugo-docs"] == {"PC101": 1, "PC501": 737, "PC802": 8}
    assert counts["rust-blog"] == {"PC201": 1, "PC602": 1, "PC702": 37, "PC801": 7}
    whole = lint_site(find_site(corpora))  # a plain "site" of everything: no traceback
    assert whole.files > 1800 and Counter(f.code for f in whole.findings)["PC002"] == 1


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    front=st.text(
        alphabet=st.sampled_from(list("ab:-[]{}'\"#\n 01yno,\t\\Ã£é\u200b\x0c&*!|>")), max_size=80
    ),
    body=st.binary(max_size=40),
    opener=st.sampled_from(["---\n", "+++\n", "{", ""]),
)
def test_lint_never_crashes_on_arbitrary_posts(run, tmp_path_factory, front, body, opener):
    folder = tmp_path_factory.mktemp("fuzz")
    closer = {"---\n": "\n---\n", "+++\n": "\n+++\n", "{": "}\n", "": ""}[opener]
    write(folder / "post.md", (opener + front + closer).encode() + body)
    shutil.copy(folder / "post.md", folder / "copy.md")
    for fmt in ("text", "json", "github", "table"):
        result = run("lint", folder, "-f", fmt)
        assert result.exit_code in (0, 1), result.stdout + result.stderr


def eight_flawed_posts(root):
    """A Jekyll site whose posts have mojibake, case-duplicate tags and single-use terms."""
    write(root / "_config.yml", "")
    for day in range(1, 9):
        write(
            root / "_posts" / f"2024-01-0{day}-p.md",
            f"---\ntitle: Post\ndate: 2024-01-0{day % 3 + 1}\ntags: [Go, go, x{day}]\n"
            f"c: 'Â£'\n---\nbody Ã©\n",
        )


def test_parallel_lint_matches_serial(tmp_path, monkeypatch):
    """Large sites are linted in worker processes; the findings must be the same."""
    import postctl.site

    eight_flawed_posts(tmp_path)
    site = find_site(tmp_path)
    serial = lint_site(site).findings
    monkeypatch.setattr(postctl.site, "PARALLEL_THRESHOLD", 2)
    site.config.values["jobs"] = 2
    parallel = lint_site(site).findings
    assert len(serial) > 30
    assert [f.as_dict() for f in parallel] == [f.as_dict() for f in serial]


def test_posts_kept_from_workers_keep_the_sites_timezone(tmp_path, monkeypatch):
    """The posts `lint --fix` keeps come back from worker processes with their cached views
    dropped, but with the Jekyll site's `timezone` they are dated in (Post.time_zone)."""
    import postctl.site

    write(tmp_path / "_config.yml", "timezone: Asia/Tokyo\n")
    for i in range(3):
        write(
            tmp_path / f"_posts/2024-07-0{i + 1}-p{i}.md", "---\ndate: 2024-06-30 23:30:00\n---\n"
        )
    site = find_site(tmp_path)
    monkeypatch.setattr(postctl.site, "PARALLEL_THRESHOLD", 2)
    site.config.values["jobs"] = 2
    posts = lint_site(site).posts
    assert [p.date_text for p in posts] == ["2024-07-01T08:30:00+09:00"] * 3


def test_parallel_lint_without_posts_matches_serial(tmp_path, monkeypatch):
    """Without posts kept, workers send their results back by marshal (fixes as their fields,
    no PostErrors): the findings, fixes included, are the same as linting in this process."""
    import postctl.site

    eight_flawed_posts(tmp_path)
    write(tmp_path / "_posts" / "2024-02-01-broken.md", "---\ntitle: [unclosed\n---\n")
    site = find_site(tmp_path)

    def linted() -> list:
        report = lint_site(site, keep_posts=False, cache=False)
        return [(f.as_dict(), f.fix) for f in report.findings]

    serial = linted()
    monkeypatch.setattr(postctl.site, "PARALLEL_THRESHOLD", 2)
    site.config.values["jobs"] = 2
    assert linted() == serial
    assert any(fix is not None for _, fix in serial)
    assert any(finding["code"] == "PC004" for finding, _ in serial)


def test_lint_results_travel_as_marshal_data(tmp_path):
    """What a worker sends back for lint without posts kept is plain data marshal carries
    (else `map_posts` silently falls back on pickle, several times slower)."""
    from postctl.lint import PostLinter, selection_for
    from postctl.site import _map_chunk, collect_files

    write(tmp_path / "_config.yml", "")
    write(tmp_path / "_posts" / "2024-01-01-a.md", "---\ntitle: A\ntags: [Go, go]\n---\nÃ©\n")
    write(tmp_path / "_posts" / "2024-01-02-b.md", "---\ntitle: [unclosed\n---\n")
    site = find_site(tmp_path)
    linter = PostLinter(site, selection_for(site), keep_posts=False)
    assert linter.plain_results
    checked = _map_chunk(site, collect_files(site), linter.check_batch, True)
    assert marshal.loads(marshal.dumps(checked)) == checked


@pytest.mark.parametrize("keep_posts", [False, True])
@pytest.mark.parametrize("only_some", [False, True])
def test_a_batch_is_checked_as_each_of_its_posts(tmp_path, keep_posts, only_some):
    """`check_batch` (the rules over the whole batch, then the facts) gives what `__call__`
    gives for each post, files that did not load included."""
    from postctl.lint import PostLinter, selection_for
    from postctl.model import PostError
    from postctl.site import collect_files, load_batches

    hugo_site_with_clashes(tmp_path)
    write(tmp_path / "content" / "posts" / "broken.md", "---\ntitle: [unclosed\n---\n")
    write(tmp_path / "content" / "posts" / "mojibake.md", "---\ntitle: Ã©\n---\nÂ£\n")
    site = find_site(tmp_path)
    paths = collect_files(site)
    report = set(paths[::2]) if only_some else None

    def linter():
        return PostLinter(site, selection_for(site), report, keep_posts=keep_posts)

    def comparable(checked):  # (a post is its path: Posts compare by identity)
        return [(rows, facts, getattr(post, "path", post)) for rows, facts, post in checked]

    [batch] = load_batches(site, paths, keep_body=True)
    assert any(isinstance(p, PostError) for p in batch)
    one_by_one = comparable(map(linter(), batch))
    assert any(rows for rows, _, _ in one_by_one)
    [again] = load_batches(site, paths, keep_body=True)
    assert comparable(linter().check_batch(again)) == one_by_one


def test_a_post_changed_since_it_was_checked_is_checked_as_it_is(tmp_path):
    """The rules' shared lookups of a post are kept while a batch goes through the rules, and
    forgotten before the next posts: a post changed and checked again is checked as it is."""
    from postctl.lint import PostLinter, selection_for
    from postctl.site import collect_files, load_batches

    write(tmp_path / "_config.yml", "title: x\n")
    for day in (1, 2):
        write(tmp_path / "_posts" / f"2024-01-0{day}-p.md", "---\ntitle: P\ntags: [a, b]\n---\n")
    site = find_site(tmp_path)
    [posts] = load_batches(site, collect_files(site), keep_body=True)
    linter = PostLinter(site, selection_for(site), None, keep_posts=False)

    def codes(post):
        rows, _, _ = linter(post)
        return [code for _, _, code, *_ in rows]

    assert codes(posts[0]) == codes(posts[1]) == []
    posts[0].data["tags"] = ["a, b", "A", "a"]  # (the lookups held its terms as plain)
    assert codes(posts[0]) == ["PC404", "PC502"]


def hugo_site_with_clashes(root):
    """A Hugo site whose pages share URLs and titles, spell terms two ways, use terms once,
    and hide pages (a headless bundle, a section cascading `build.render: never`)."""
    write(root / "hugo.toml", "")
    for i in range(12):
        write(
            root / "content" / "posts" / f"p{i}.md",
            f"---\ntitle: {'Same' if i % 3 == 0 else f'T{i}'}\nurl: /u{i % 4}/\n"
            f"tags: [{'Go' if i % 2 else 'go'}, t{i}]\ndescription: {'x' * (150 + i)}\n---\n",
        )
    write(root / "content" / "bundle" / "index.md", "---\ntitle: Same\nheadless: true\n---\n")
    write(
        root / "content" / "hidden" / "_index.md",
        "---\ntitle: H\ncascade:\n  build:\n    render: never\n---\n",
    )
    write(root / "content" / "hidden" / "a.md", f"---\ntitle: {'y' * 90}\nurl: /u1/\n---\n")


def test_parallel_lint_of_hugo_clashes_matches_serial(tmp_path, monkeypatch):
    """The facts of posts linted in helper processes travel as marshal text, decoded only when
    a site-wide rule looks at them: the same findings as linting in this process, hidden
    pages (only known from the facts) included."""
    import postctl.site

    hugo_site_with_clashes(tmp_path)
    site = find_site(tmp_path)

    def linted() -> list:
        report = lint_site(site, keep_posts=False, cache=False)
        return [(f.as_dict(), f.fix) for f in report.findings]

    serial = linted()
    codes = Counter(finding["code"] for finding, _ in serial)
    assert {"PC503", "PC506", "PC701", "PC702", "PC802"} <= set(codes), codes
    assert not any(f["path"].endswith("hidden/a.md") and f["code"] == "PC801" for f, _ in serial)
    monkeypatch.setattr(postctl.site, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(postctl.site, "MAP_CHUNK", 2)
    site.config.values["jobs"] = 2
    assert linted() == serial


def test_chunked_facts_are_the_facts_of_each_post(tmp_path, monkeypatch):
    """`LintReport.facts` holds one Facts per post, in order, as `post_facts` makes them,
    also when they came from helper processes as marshal text."""
    import postctl.site
    from postctl.lint import make_context
    from postctl.rules import post_facts

    hugo_site_with_clashes(tmp_path)
    site = find_site(tmp_path)
    ctx = make_context(site)
    expected = [post_facts(site.load(path), ctx) for path in sorted(tmp_path.rglob("*.md"))]
    monkeypatch.setattr(postctl.site, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(postctl.site, "MAP_CHUNK", 2)
    site.config.values["jobs"] = 2
    facts = lint_site(site, keep_posts=False, cache=False).facts
    assert len(facts) == len(expected)
    assert list(facts) == expected
    assert facts[0] == expected[0] and facts[-1] == expected[-1]


def test_facts_nothing_shares_are_not_decoded(tmp_path, monkeypatch):
    """On a site where no two posts share a URL or title, no term is spelled two ways or used
    once, and no page is hidden, the site-wide rules decide from the tally alone: the facts
    from helper processes stay marshal text (and counting them decodes none)."""
    import postctl.site

    write(tmp_path / "hugo.toml", "")
    for i in range(8):
        write(tmp_path / "content" / f"p{i}.md", f"---\ntitle: T{i}\ntags: [a, b]\n---\n")
    site = find_site(tmp_path)
    monkeypatch.setattr(postctl.site, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(postctl.site, "MAP_CHUNK", 2)
    site.config.values["jobs"] = 2
    report = lint_site(site, keep_posts=False, cache=False)
    assert report.findings == []
    assert len(report.facts) == 8 and report.facts._facts is None
    assert [f.title[0] for f in report.facts] == [f"t{i}" for i in range(8)]


def test_a_chunk_that_travels_comes_back_as_linted_here(tmp_path):
    """What a helper sends back for a chunk (its facts as marshal text, its tally as plain
    data, all of it through marshal) expands to the same findings, facts and tally as the
    chunk linted in this process."""
    import marshal

    from postctl.lint import PostLinter, selection_for

    hugo_site_with_clashes(tmp_path)
    site = find_site(tmp_path)
    paths = sorted(str(p) for p in tmp_path.rglob("*.md"))

    def expanded(travels: bool):
        linter = PostLinter(site, selection_for(site), keep_posts=False)
        checked = [linter(site.load(path)) for path in paths]
        packed = linter.pack_chunk(paths[:7], checked[:7], travels)
        if travels:
            packed = marshal.loads(marshal.dumps(packed))
        linted = linter.expand_chunk(paths[:7], packed)
        linted += linter.expand_chunk(paths[7:], linter.pack_chunk(paths[7:], checked[7:], False))
        return [(p, [f.as_dict() for f in found]) for p, found, _, _ in linted], linter

    (here, by_here), (there, by_helper) = expanded(False), expanded(True)
    assert there == here
    assert list(by_helper.facts) == list(by_here.facts) and len(by_helper.facts) == len(paths)
    assert by_helper.facts.hiding and by_here.facts.hiding
    assert by_helper.tally == by_here.tally
    assert [list(c) for c in by_helper.tally.uses.values()] == [
        list(c) for c in by_here.tally.uses.values()
    ]  # (the terms in the order first used: PC503 lists equally used spellings so)


# A finding in a file whose name is not UTF-8 (`caf\xe9.md`, from a Latin-1 archive) ended in a
# traceback on a strict UTF-8 stdout in every format: the name is shown with its byte escaped.
@pytest.mark.skipif(os.name != "posix", reason="a non-UTF-8 file name needs a POSIX file system")
@pytest.mark.parametrize("fmt", ["text", "json", "github", "table"])
def test_lint_prints_a_file_name_that_is_not_utf8_escaped(run, tmp_path, fmt):
    site = tmp_path / "notes"
    write(site / "ok.md", "---\ntitle: OK\n---\n")
    write_latin1_named(site, b"---\ntitle: [unclosed\n---\n")
    result = run("lint", site, "-f", fmt, cwd=tmp_path)
    assert result.exit_code == 1, result.stderr
    if fmt == "json":
        assert [f["path"] for f in json.loads(result.stdout)] == ["notes/caf\\xe9.md"]
    else:
        assert "notes/caf\\xe9.md" in result.stdout
