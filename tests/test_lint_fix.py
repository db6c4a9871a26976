"""`postctl lint --fix`: only the repaired values change, byte for byte, and only safely."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import write

from postctl.fixes import apply_fixes
from postctl.lint import lint_site
from postctl.site import find_site

CONFIG = '[lint.aliases]\njavascript = ["js", "JS"]\n'


def blog(tmp_path):
    write(tmp_path / "_config.yml", "title: t\n")
    write(tmp_path / "postctl.toml", CONFIG)
    first = write(
        tmp_path / "_posts" / "2024-01-01-a.md",
        b"\xef\xbb\xbf---\r\n"
        b"# keep this comment\r\n"
        b'title: "Caf\xc3\x83\xc2\xa9 culture"   # and this one\r\n'
        b"date: 2024-01-01 10:00:00 +0100\r\n"
        b"tags:\r\n"
        b"  - JS\r\n"
        b"  - 'web'\r\n"
        b"  - Web\r\n"
        b"  - python\r\n"
        b"---\r\n"
        b"It costs \xc3\x82\xc2\xa35.\r\n"
        b"---\r\n"
        b"Ch\xc3\xa2u \xc3\x82u stays.",
    )
    second = write(
        tmp_path / "_posts" / "2024-01-02-b.md",
        "---\ntitle: B\ntags: [python, javascript]\n---\nBody.\n",
    )
    third = write(
        tmp_path / "_posts" / "2024-01-03-c.md",
        "---\ntitle: C\ntags: [Python, javascript]\n---\nBody.\n",
    )
    return first, second, third


def test_fix_changes_only_the_repaired_values(run, tmp_path):
    first, second, third = blog(tmp_path)
    untouched = second.read_bytes()
    mode = 0o640
    os.chmod(first, mode)
    result = run("lint", tmp_path, "--fix")
    assert "postctl: fixed 6 problem(s) in 2 file(s)" in result.stderr
    assert first.read_bytes() == (
        b"\xef\xbb\xbf---\r\n"
        b"# keep this comment\r\n"
        b'title: "Caf\xc3\xa9 culture"   # and this one\r\n'
        b"date: 2024-01-01 10:00:00 +0100\r\n"
        b"tags:\r\n"
        b"  - javascript\r\n"
        b"  - 'web'\r\n"
        b"  - python\r\n"
        b"---\r\n"
        b"It costs \xc2\xa35.\r\n"
        b"---\r\n"
        b"Ch\xc3\xa2u \xc3\x82u stays."
    )
    assert third.read_text() == "---\ntitle: C\ntags: [python, javascript]\n---\nBody.\n"
    assert second.read_bytes() == untouched
    assert os.stat(first).st_mode & 0o777 == mode
    assert result.exit_code == 0, result.stdout
    assert "PC601" not in result.stdout and "PC503" not in result.stdout
    again = run("lint", tmp_path, "--fix")
    assert "fixed 0 problem(s) in 0 file(s)" in again.stderr


def test_dry_run_shows_a_diff_and_writes_nothing(run, tmp_path):
    first, _, third = blog(tmp_path)
    before = first.read_bytes(), third.read_bytes()
    result = run("lint", tmp_path, "--fix", "--dry-run", cwd=tmp_path)
    assert (first.read_bytes(), third.read_bytes()) == before
    assert result.exit_code == 1
    assert "--- a/_posts/2024-01-03-c.md" in result.stdout
    assert "-tags: [Python, javascript]\n+tags: [python, javascript]\n" in result.stdout
    assert "+It costs £5." in result.stdout
    assert "would fix 6 problem(s) in 2 file(s) (dry run: nothing written)" in result.stderr
    assert run("lint", tmp_path, "--dry-run").exit_code == 2


def test_dry_run_reports_the_files_the_fix_would_skip(run, tmp_path):
    *_, third = blog(tmp_path)
    third.chmod(0o444)
    preview = run("lint", tmp_path, "--fix", "--dry-run", cwd=tmp_path)
    done = run("lint", tmp_path, "--fix", cwd=tmp_path)
    for result in (preview, done):
        assert "_posts/2024-01-03-c.md: not fixed: is read-only; not written" in result.stderr
        assert " 5 problem(s) in 1 file(s)" in result.stderr
    assert "2024-01-03-c.md" not in preview.stdout  # no diff for it
    assert preview.exit_code == done.exit_code == 1


@pytest.mark.parametrize("strict", [False, True])
def test_a_dry_run_exits_as_the_fix_would_on_what_it_cannot_fix(run, tmp_path, strict):
    """Nothing to fix, but a file that does not parse (an error the fix leaves): the real run
    exits 1, and so does its dry run, saying why."""
    write(tmp_path / "_config.yml", "")
    write(tmp_path / "_posts" / "2024-01-01-a.md", "---\ntitle: A\ntags: [go]\n---\n")
    write(tmp_path / "_posts" / "2024-01-02-b.md", b"\xff\xfe-\x00-\x00-\x00\n\x00")
    options = ["--strict"] if strict else []
    preview = run("lint", tmp_path, "--fix", "--dry-run", *options, cwd=tmp_path)
    done = run("lint", tmp_path, "--fix", *options, cwd=tmp_path)
    assert "PC002" in done.stdout
    assert preview.exit_code == done.exit_code == 1
    assert "would fix 0 problem(s) in 0 file(s)" in preview.stderr
    assert "1 problem would be left; `postctl lint` shows them" in preview.stderr
    assert preview.stdout == ""


def test_a_dry_run_with_nothing_to_fix_and_no_errors_exits_0(run, tmp_path):
    write(tmp_path / "_config.yml", "")
    write(tmp_path / "_posts" / "2024-01-01-a.md", "---\ntitle: A\ntags: [go]\n---\n")
    preview = run("lint", tmp_path, "--fix", "--dry-run", cwd=tmp_path)
    assert preview.exit_code == 0
    assert "would be left" not in preview.stderr


def test_a_fix_in_a_folder_that_takes_no_new_file_is_reported_up_front(run, tmp_path, monkeypatch):
    """As for a read-only file: the fix's temp file cannot be made in a folder that takes no
    new file (`os.access` says so here; tests run as root). The run and the dry run name the
    post as not fixed, with the reason, and exit 1."""
    *_, third = blog(tmp_path)
    before = third.read_bytes()
    real_access = os.access

    def access(path, mode, *args, **kwargs):
        if Path(path) == third.parent and mode & os.W_OK:
            return False
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    preview = run("lint", tmp_path, "--fix", "--dry-run", cwd=tmp_path)
    done = run("lint", tmp_path, "--fix", cwd=tmp_path)
    for result in (preview, done):
        assert "_posts/2024-01-03-c.md: not fixed: its folder is read-only; not written" in (
            result.stderr
        )
    assert "2024-01-03-c.md" not in preview.stdout  # no diff for it
    assert preview.exit_code == done.exit_code == 1
    assert third.read_bytes() == before


def test_a_file_changed_since_lint_is_skipped(tmp_path):
    first, _, third = blog(tmp_path)
    report = lint_site(find_site(tmp_path))
    original_first = first.read_bytes()
    write(third, "---\ntitle: C\ntags: [Python, javascript, new]\n---\nBody.\n")
    results = {r.path.name: r for r in apply_fixes(report)}
    assert results["2024-01-03-c.md"].skipped.startswith("changed on disk")
    assert b"new" in third.read_bytes()
    assert results["2024-01-01-a.md"].written and first.read_bytes() != original_first


def test_unfixable_findings_stay_reported(run, tmp_path):
    write(tmp_path / "_config.yml", "")
    post = write(tmp_path / "_posts" / "2024-01-01-a.md", "---\ntitle: x\ntags: []\n---\n")
    result = run("lint", tmp_path, "--fix", "--select", "PC501")
    assert "PC501 tags is empty" in result.stdout
    assert post.read_text() == "---\ntitle: x\ntags: []\n---\n"


MOJIBAKE = "Caf\u00c3\u00a9"  # "Café" decoded as Latin-1


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_mojibake_on_several_body_lines_is_fixed_once(run, tmp_path, newline):
    # One body Fix covers every bad line and each line's finding carries it; the findings come
    # back from the workers' packed rows as equal copies, which must be applied once, not once
    # each (the second would find its lines changed and refuse the file).
    write(tmp_path / "hugo.toml", "title = 'x'\n")
    text = (
        f"---{newline}title: x{newline}---{newline}{MOJIBAKE} one{newline}{MOJIBAKE} two{newline}"
    )
    post = write(tmp_path / "content" / "p.md", text)
    result = run("lint", "--fix", "--no-cache", "--select", "PC601", cwd=tmp_path)
    assert "not fixed" not in result.stderr
    assert result.exit_code == 0, result.stderr
    assert post.read_bytes() == text.replace(MOJIBAKE, "Café").encode()
    assert "fixed 2 problem(s) in 1 file(s)" in result.stderr


def test_a_post_reached_through_a_symlink_is_fixed_once(run, tmp_path):
    write(tmp_path / "hugo.toml", "title = 'x'\n")
    post = write(tmp_path / "content" / "a.md", f"---\ntitle: {MOJIBAKE} one\n---\nb\n")
    (tmp_path / "content" / "alias.md").symlink_to("a.md")
    result = run("lint", "--fix", "--no-cache", "--select", "PC601", cwd=tmp_path)
    assert post.read_text() == "---\ntitle: Café one\n---\nb\n"
    assert (tmp_path / "content" / "alias.md").is_symlink()
    assert "not fixed" not in result.stderr
    assert "in 1 file(s)" in result.stderr
    assert result.exit_code == 0, result.stderr


# A repair rewrites only the damaged characters: a block scalar stays a block scalar, and an
# escape that spelled a correct character stays an escape.


def _fix_in_place(run, post):
    before = post.read_bytes()
    result = run("lint", "--fix", "--no-cache", "-f", "text", post)
    return before, post.read_bytes(), result


def test_fix_keeps_a_literal_block_scalar(run, tmp_path):
    text = f"---\ntitle: ok\ntags: [a]\nnote: |\n  line one\n  {MOJIBAKE} two\n---\nbody\n"
    post = write(tmp_path / "post.md", text)
    before, after, result = _fix_in_place(run, post)
    assert "fixed" in result.stderr
    assert after == before.replace(MOJIBAKE.encode(), "Café".encode()), after.decode()


def test_fix_keeps_a_folded_block_scalar(run, tmp_path):
    text = f"---\ntitle: ok\ntags: [a]\ndescription: >-\n  folded\n  {MOJIBAKE} here\n---\n"
    post = write(tmp_path / "post.md", text)
    before, after, _ = _fix_in_place(run, post)
    assert after == before.replace(MOJIBAKE.encode(), "Café".encode()), after.decode()


def test_fix_keeps_escapes_it_did_not_repair(run, tmp_path):
    # `\u00e9` is a correct escape for é, not damage: it must stay as written.
    text = f'---\ntitle: ok\ntags: [a]\nsummary: "{MOJIBAKE} \\u00e9 {MOJIBAKE}"\n---\n'
    post = write(tmp_path / "post.md", text)
    before, after, _ = _fix_in_place(run, post)
    assert after == before.replace(MOJIBAKE.encode(), "Café".encode()), after.decode()
