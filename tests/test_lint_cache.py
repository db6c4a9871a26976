"""The lint cache (`postctl.lint_cache`): a warm lint gives the same findings as a cold one, and
an entry goes stale whenever what its findings depended on changes."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from conftest import write

from postctl.lint import lint_site
from postctl.lint_cache import DATABASE
from postctl.site import find_site

POST = (
    "---\ntitle: {title}\ndate: 2024-01-02T10:00:00Z\ntags: [{tags}]\n"
    "image: /img/{image}\n---\nHi\n"
)


def make_site(tmp_path, posts=3):
    """A Hugo site whose posts share their tags and have their image: clean as made."""
    write(tmp_path / "hugo.toml", "title = 'x'\n")
    write(tmp_path / "static" / "img" / "there.png", b"png")
    for i in range(posts):
        write(
            tmp_path / "content" / "posts" / f"p{i}.md",
            POST.format(title=f"Post {i}", tags="a, b", image="there.png"),
        )
    return tmp_path


def lint_json(run, site, *args):
    result = run("lint", "-f", "json", *args, site)
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


def database(site):
    return site / ".postctl-cache" / DATABASE


def tamper(site, sql, *params):
    """Change the cache's entries behind its back, and drop the kept whole-site result (which
    would otherwise be given again without reading them)."""
    db = sqlite3.connect(database(site))
    db.execute(sql, params)
    db.execute("DELETE FROM meta WHERE key = 'result'")
    db.commit()
    db.close()


def bump(path, text):
    """Rewrite a file so that its key changes even within one clock tick (another size)."""
    write(path, text)
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))


def test_warm_lint_equals_cold_lint_and_fills_the_cache(run, tmp_path):
    site = make_site(tmp_path)
    write(site / "content" / "posts" / "p1.md", "---\ntitle: Post 1\ntags: []\n---\nÂ£ x\n")
    cold = lint_json(run, site, "--no-cache")
    assert not database(site).exists()  # --no-cache writes nothing
    first = lint_json(run, site)
    assert database(site).exists()
    warm = lint_json(run, site)
    assert cold == first == warm
    assert {f["code"] for f in warm} >= {"PC501", "PC601"}
    entries = sqlite3.connect(database(site)).execute("SELECT count(*) FROM entries").fetchone()
    assert entries[0] == 3


def test_an_edited_file_is_linted_again(run, tmp_path):
    site = make_site(tmp_path)
    assert not [f for f in lint_json(run, site) if f["code"] == "PC501"]
    bump(site / "content" / "posts" / "p2.md", "---\ntitle: Post 2\ntags: []\n---\n")
    found = [f for f in lint_json(run, site) if f["code"] == "PC501"]
    assert [f["path"].rsplit("/", 1)[-1] for f in found] == ["p2.md"]


def test_site_rules_see_cached_and_fresh_posts_together(run, tmp_path):
    site = make_site(tmp_path)
    assert not [f for f in lint_json(run, site) if f["code"] == "PC702"]
    bump(
        site / "content" / "posts" / "p2.md",
        POST.format(title="Post 0", tags="a, b", image="there.png"),
    )
    found = [f for f in lint_json(run, site) if f["code"] == "PC702"]
    assert sorted(f["path"].rsplit("/", 1)[-1] for f in found) == ["p0.md", "p2.md"]


def test_a_configuration_change_drops_the_entries(run, tmp_path):
    site = make_site(tmp_path)
    write(site / "content" / "posts" / "p1.md", "---\ntitle: Post 1\ntags: []\n---\n")
    assert [f for f in lint_json(run, site) if f["code"] == "PC501"]
    write(site / "postctl.toml", '[lint]\nignore = ["PC501"]\n')
    assert not [f for f in lint_json(run, site) if f["code"] == "PC501"]
    write(site / "postctl.toml", '[lint]\nseverity = {PC501 = "error"}\n')
    found = [f for f in lint_json(run, site) if f["code"] == "PC501"]
    assert [f["severity"] for f in found] == ["error"]
    # --select on the command line is part of the configuration too
    assert {f["code"] for f in lint_json(run, site, "--select", "PC501")} == {"PC501"}


def test_no_cache_neither_reads_nor_writes_it(run, tmp_path):
    site = make_site(tmp_path, posts=2)
    assert lint_json(run, site) == []
    entry = json.dumps(
        {
            "findings": [[1, 1, "PC501", "warning", "planted", False]],
            "facts": None,
            "dated": None,
        }
    )
    tamper(site, "UPDATE entries SET entry = ?", entry)
    assert [f["message"] for f in lint_json(run, site)] == ["planted"] * 2  # it was read
    assert lint_json(run, site, "--no-cache") == []
    assert [f["message"] for f in lint_json(run, site)] == ["planted"] * 2  # and left alone


def test_a_damaged_cache_only_means_linting_again(run, tmp_path):
    site = make_site(tmp_path, posts=2)
    expected = lint_json(run, site)
    db = sqlite3.connect(database(site))
    one = db.execute("SELECT path FROM entries").fetchone()[0]
    db.close()
    for damage in ("not json", "[1", "1], [2", "{}", "null"):  # one entry, the others good
        tamper(site, "UPDATE entries SET entry = ? WHERE path = ?", damage, one)
        assert lint_json(run, site) == expected
    tamper(site, "UPDATE entries SET entry = 'not json'")
    assert lint_json(run, site) == expected
    for damage in ("not json", "[]", "{}", '{"digest": 1}', "null"):  # the kept result
        db = sqlite3.connect(database(site))
        db.execute("UPDATE meta SET value = ? WHERE key = 'result'", (damage,))
        db.commit()
        db.close()
        assert lint_json(run, site) == expected
    database(site).write_bytes(b"garbage" * 100)
    assert lint_json(run, site) == expected


def test_a_referenced_file_that_appears_clears_the_finding(run, tmp_path):
    site = make_site(tmp_path, posts=2)
    post = site / "content" / "posts" / "p0.md"
    write(post, POST.format(title="Post 0", tags="a, b", image="later.png"))
    assert [f["code"] for f in lint_json(run, site)] == ["PC901"]
    write(site / "static" / "img" / "later.png", b"png")
    assert lint_json(run, site) == []
    (site / "static" / "img" / "later.png").unlink()
    assert [f["code"] for f in lint_json(run, site)] == ["PC901"]


def test_a_future_date_is_checked_again_when_the_day_comes(tmp_path):
    site_dir = make_site(tmp_path, posts=1)
    site = find_site(site_dir)

    def codes(now):
        report = lint_site(site, now=now, keep_posts=False, ignore=["PC506"])
        return [f.code for f in report.findings]

    assert codes(datetime(2023, 1, 1, tzinfo=timezone.utc)) == ["PC304"]
    assert database(site_dir).exists()
    assert codes(datetime(2025, 1, 1, tzinfo=timezone.utc)) == []
    assert codes(datetime(2023, 1, 1, tzinfo=timezone.utc)) == ["PC304"]


def test_linting_some_files_keeps_the_site_rules_right(run, tmp_path):
    site = make_site(tmp_path)
    post = site / "content" / "posts" / "p2.md"
    bump(post, POST.format(title="Post 0", tags="a, b", image="there.png"))
    # only p2 linted: its facts are cached without findings for the others
    found = lint_json(run, post)
    assert {(f["path"].rsplit("/", 1)[-1], f["code"]) for f in found} == {("p2.md", "PC702")}
    whole = lint_json(run, site)
    assert whole == lint_json(run, site, "--no-cache")
    assert {f["path"].rsplit("/", 1)[-1] for f in whole if f["code"] == "PC702"} == {
        "p0.md",
        "p2.md",
    }


def test_an_edited_schema_file_drops_the_entries(run, tmp_path):
    site = make_site(tmp_path)
    write(site / "postctl.toml", '[lint]\nschema = "schema.json"\n')
    write(site / "schema.json", '{"type": "object", "required": ["author"]}')
    assert {f["code"] for f in lint_json(run, site)} == {"PC902"}
    write(site / "schema.json", '{"type": "object"}')
    assert lint_json(run, site) == []


def kept_result(site):
    db = sqlite3.connect(database(site))
    row = db.execute("SELECT value FROM meta WHERE key = 'result'").fetchone()
    db.close()
    return None if row is None else json.loads(row[0])


def plant_result(site, message):
    """Give every finding of the kept result another message (to see whether it is used)."""
    result = kept_result(site)
    for finding in result["findings"]:
        finding[5] = message
    db = sqlite3.connect(database(site))
    db.execute("UPDATE meta SET value = ? WHERE key = 'result'", (json.dumps(result),))
    db.commit()
    db.close()


def test_an_unchanged_site_gives_the_kept_result_until_a_file_changes(run, tmp_path):
    site = make_site(tmp_path)
    write(site / "content" / "posts" / "p1.md", "---\ntitle: Post 1\ntags: []\n---\n")
    expected = lint_json(run, site)
    assert expected and kept_result(site) is not None
    plant_result(site, "kept")
    assert [f["message"] for f in lint_json(run, site)] == ["kept"] * len(expected)
    bump(site / "content" / "posts" / "p2.md", "---\ntitle: Post 2\ntags: []\n---\n")
    again = lint_json(run, site)
    assert again == lint_json(run, site, "--no-cache")
    assert "kept" not in {f["message"] for f in again}


def test_the_kept_result_is_not_given_when_a_referenced_file_appears(run, tmp_path):
    site = make_site(tmp_path, posts=2)
    write(
        site / "content" / "posts" / "p0.md",
        POST.format(title="Post 0", tags="a, b", image="later.png"),
    )
    assert [f["code"] for f in lint_json(run, site)] == ["PC901"]
    plant_result(site, "kept")
    assert [f["message"] for f in lint_json(run, site)] == ["kept"]
    write(site / "static" / "img" / "later.png", b"png")
    assert lint_json(run, site) == []


def test_linting_some_files_neither_uses_nor_keeps_a_result(run, tmp_path):
    site = make_site(tmp_path)
    post = site / "content" / "posts" / "p2.md"
    bump(post, "---\ntitle: Post 2\ntags: []\n---\n")
    lint_json(run, post)
    assert kept_result(site) is None
    lint_json(run, site)
    plant_result(site, "kept")
    partial = lint_json(run, post)
    assert partial and "kept" not in {f["message"] for f in partial}
    assert partial == lint_json(run, post, "--no-cache")


def _clean_and_broken(tmp_path):
    write(tmp_path / "postctl.toml", "")
    clean = write(tmp_path / "clean.md", "---\ntitle: Clean\n---\nBody.\n")
    write(tmp_path / "broken.md", "---\ntags: [a]\n---\nBody.\n")  # PC201: no title (error)
    return tmp_path, clean


def test_a_warm_lint_of_one_file_reports_that_file_only(run, tmp_path):
    # The pre-commit use: the cache was filled by a whole-site run, whose entries hold every
    # file's findings; the other files lend their facts to the site-wide rules, nothing more.
    site, clean = _clean_and_broken(tmp_path)
    assert run("lint", site).exit_code == 1  # the whole site: broken.md has an error
    result = run("lint", "-f", "json", clean)
    assert json.loads(result.stdout) == []
    assert result.exit_code == 0


def test_a_lint_of_one_file_is_the_same_with_and_without_the_cache(run, tmp_path):
    site, clean = _clean_and_broken(tmp_path)
    run("lint", site)
    cached = run("lint", "-f", "json", clean)
    uncached = run("lint", "-f", "json", "--no-cache", clean)
    assert (cached.exit_code, json.loads(cached.stdout)) == (
        uncached.exit_code,
        json.loads(uncached.stdout),
    )
    broken = run("lint", "-f", "json", site / "broken.md")
    assert {Path(f["path"]).name for f in json.loads(broken.stdout)} == {"broken.md"}
    assert broken.exit_code == 1
