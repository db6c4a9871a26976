"""Guarantees that hold for every command at once: a bulk run carries on past every bad file,
usage and configuration errors exit 2 naming the problem, bombs are answered fast and small by
the real `postctl` process, and piping into `head` is not a crash."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_cases import (
    CASE_BY_ID,
    CASES,
    SENTINEL_NAME,
    Outcome,
    billion_laughs,
    running_as_root,
    write_case,
)
from hostile_commands import (
    RETAG_OLD,
    invocations,
    must_report,
    profile,
    registered,
    representative,
    takes_paths,
    writes,
)
from hostile_support import (
    IGNORED_DIRS,
    assert_no_traceback,
    assert_reported,
    changed_entries,
    cli,  # noqa: F401  (fixture)
    emulate_permissions,  # noqa: F401  (fixture)
    no_hang,  # noqa: F401  (fixture)
    snapshot,
)

from postctl.cli import EXIT_PROBLEMS, EXIT_USAGE

COMMANDS = sorted(registered())
PATH_COMMANDS = [c for c in COMMANDS if takes_paths(c)]
BULK_CASES = [c for c in CASES if c.args == (".",)]


@pytest.fixture
def bulk_site(tmp_path: Path) -> Path:
    """Every hostile case in one site, each in a folder named after it."""
    site = tmp_path / "site"
    for case in BULK_CASES:
        write_case(case, site / case.id)
        (site / case.id / "postctl.toml").unlink()  # one site, one root
    (site / "postctl.toml").write_bytes(b"")
    return site


@pytest.mark.usefixtures("emulate_permissions", "no_hang")
@pytest.mark.parametrize(
    "argv", [a for c in PATH_COMMANDS for a in representative(c, ["."])], ids=" ".join
)
def test_a_bulk_run_carries_on_past_every_bad_post(bulk_site: Path, argv: list[str], run) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(bulk_site)
    result = run(*argv, cwd=bulk_site)
    assert_no_traceback(result)
    output = result.stdout + result.stderr
    rules = profile(argv[0])
    assert result.exit_code == rules.bad_exit, output[-3000:]
    good = []
    for case in BULK_CASES:
        for path, outcome in case.outcomes.items():
            if outcome.ok:
                good.append(f"{case.id}/{path}")
            elif must_report(argv[0], case.files, path):
                assert_reported(output, f"{case.id}/{path}", outcome, result.stdout)
    if argv[0] == "list":  # every post that reads is still listed
        missing = [p for p in good if p not in result.stdout]
        assert not missing, f"posts dropped after a bad one: {missing}"
    changed = changed_entries(before, snapshot(bulk_site))
    bad = {f"{c.id}/{p}" for c in BULK_CASES for p in c.bad}
    assert not changed & bad, f"posts that do not read were written: {changed & bad}"
    if not writes(argv):
        assert not changed, sorted(changed)
    elif argv[0] == "retag":  # carried on: every readable post with the tag was rewritten
        tagged = {
            f"{c.id}/{p}"
            for c in BULK_CASES
            for p, content in c.files.items()
            if c.outcomes.get(p, Outcome("?")).ok and RETAG_OLD.encode() in content
        }
        assert tagged and tagged <= changed, sorted(tagged - changed)
    assert not (bulk_site / SENTINEL_NAME).exists(), "a YAML tag ran code"


@pytest.mark.parametrize("name", PATH_COMMANDS)
def test_a_path_that_does_not_exist_exits_2(name: str, tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "postctl.toml").write_bytes(b"")
    result = run(*invocations(name, ["missing.md"])[0], cwd=tmp_path)
    assert_no_traceback(result)
    assert result.exit_code == EXIT_USAGE, result.output
    assert result.stderr.strip().splitlines()[-1] == (
        "postctl: error: missing.md: no such file or folder"
    )


BAD_CONFIGS = [
    pytest.param(b"kind = \n", "postctl.toml", id="toml-syntax"),
    pytest.param(b"colour = 'red'\n", "colour", id="unknown-key"),
    pytest.param(b"kind = 5\n", "kind", id="wrong-type"),
    pytest.param(b"x = 1\nx = 2\n", "postctl.toml", id="duplicate-key"),
    pytest.param("kind = 'plain'\n".encode("utf-16"), "postctl.toml", id="utf-16"),
    pytest.param(
        "# café\nkind = 'plain'\n".encode("latin-1"),
        "postctl.toml",
        id="latin-1",
    ),
    pytest.param(
        b"x = " + b"[" * 10_000 + b"]" * 10_000 + b"\n",
        "postctl.toml",
        id="deep",
    ),
]


@pytest.mark.parametrize(("content", "fragment"), BAD_CONFIGS)
@pytest.mark.parametrize("name", COMMANDS)
def test_a_bad_config_exits_2_naming_it(
    name: str, content: bytes, fragment: str, tmp_path: Path, run
) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "postctl.toml").write_bytes(content)
    (tmp_path / "post.md").write_bytes(b"---\ntitle: Fine\n---\n")
    before = snapshot(tmp_path)
    argv = invocations(name, ["."])[0]
    result = run(*argv, cwd=tmp_path)
    assert_no_traceback(result)
    if not profile(name).reads_posts and result.exit_code == 0:
        pytest.skip(f"`postctl {name}` does not read the site's config")
    assert result.exit_code == EXIT_USAGE, result.output
    assert "postctl.toml" in result.stderr and fragment in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not changed_entries(before, snapshot(tmp_path))


@pytest.mark.parametrize("name", COMMANDS)
def test_help_for_every_command(name: str, run) -> None:  # type: ignore[no-untyped-def]
    result = run(name, "--help")
    assert result.exit_code == 0 and "Usage" in result.stdout
    assert_no_traceback(result)


# -- the real process: time, memory, pipes ----------------------------------------------------

BOMBS = {
    "billion-laughs.md": billion_laughs(9),
    "self-alias.md": b"---\nx: &x [*x]\n---\n",
    "yaml-10000.md": b"---\nx: " + b"[" * 10_000 + b"]" * 10_000 + b"\n---\n",
    "json-10000.md": b'{"x": ' + b"[" * 10_000 + b"]" * 10_000 + b"}\n",
    "toml-10000.md": b"+++\nx = " + b"[" * 10_000 + b"]" * 10_000 + b"\n+++\n",
}


# Linux keeps a process's peak RSS across exec, and a child starts from its parent's: measured
# straight from pytest (100+ MB by then), every child would report pytest's size. A small
# Python process starts postctl instead and reports that child's own rusage.
_MEASURE = """
import json, os, subprocess, sys
process = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(process.pid, 0)
with open(sys.argv[1], "w") as f:
    json.dump([os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime,
               usage.ru_maxrss], f)
"""


def measure_postctl(argv: list[str], site: Path) -> tuple[int, float, float, str, str]:
    """Run the real `python -m postctl` in `site`: (exit code, CPU seconds (user + system, so a
    busy CI machine does not make it flaky), its peak RSS in MB, stdout, stderr)."""
    out_path, err_path = site.parent / "stdout", site.parent / "stderr"
    usage_path = site.parent / "usage.json"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        subprocess.run(
            [sys.executable, "-c", _MEASURE, usage_path, sys.executable, "-m", "postctl", *argv],
            cwd=site,
            stdout=out,
            stderr=err,
            env={**os.environ, "NO_COLOR": "1"},
            check=True,
            timeout=60,
        )
    code, cpu_seconds, peak_kb = json.loads(usage_path.read_text())
    stdout, stderr = out_path.read_text(), err_path.read_text()
    return code, cpu_seconds, peak_kb / 1024, stdout, stderr  # ru_maxrss: kB on Linux


@pytest.mark.skipif(not hasattr(os, "wait4"), reason="needs os.wait4 for the child's peak RSS")
@pytest.mark.parametrize(
    "argv", [a for c in PATH_COMMANDS for a in representative(c, ["."])], ids=" ".join
)
def test_bombs_answered_under_1_s_and_100_mb(argv: list[str], tmp_path: Path) -> None:
    """Alias bombs and 10,000-deep nesting, all in one site, through the real process (Python's
    start-up included): under a second of CPU and under 100 MB peak RSS, for every command and
    format (measured here: about 0.3 s and 36 MB for each)."""
    site = tmp_path / "site"
    site.mkdir()
    for name, content in BOMBS.items():
        (site / name).write_bytes(content)
    (site / "postctl.toml").write_bytes(b"")
    code, cpu_seconds, peak_mb, stdout, stderr = measure_postctl(argv, site)
    # retag passes over the bombs that cannot hold its tag (unparsed: safer still).
    named = [name for name in BOMBS if must_report(argv[0], BOMBS, name)]
    assert code == EXIT_PROBLEMS or not named, stderr
    assert "Traceback" not in stderr
    for name in named:
        assert name in stderr or name in stdout, f"{name} not reported:\n{stderr}"
    assert cpu_seconds < 1.0, f"{' '.join(argv)}: {cpu_seconds:.2f} s of CPU"
    assert peak_mb < 100, f"{' '.join(argv)}: {peak_mb:.0f} MB"


def test_piping_into_head_is_not_a_crash(tmp_path: Path) -> None:
    """`postctl list | head -1`: the pipe closes early; no traceback, no 'Broken pipe' noise."""
    for i in range(600):  # ~150 kB of table: more than a pipe buffer holds
        (tmp_path / f"post-{i:04d}.md").write_bytes(
            f"---\ntitle: Post {i} {'x' * 200}\n---\n".encode()
        )
    (tmp_path / "postctl.toml").write_bytes(b"")
    process = subprocess.Popen(
        [sys.executable, "-m", "postctl", "list", "."],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()  # what `head -1` does
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 0
    assert first.startswith(b"DATE")
    assert stderr == "", stderr


# -- a file that changes while a command works on it --------------------------------------------

CONCURRENT_EDITS = {
    # Another editor saves the post between retag's read and its write:
    "grows": lambda data: data + b"\nA paragraph added meanwhile.\n",
    "same-size-front-matter": lambda data: data.replace(b"title: Plain", b"title: Plane"),
    "same-size-body": lambda data: data.replace(b"Body.", b"Bodx."),
}


@pytest.mark.skipif("retag" not in registered(), reason="postctl retag is not registered")
@pytest.mark.parametrize("edit", list(CONCURRENT_EDITS))
def test_retag_skips_a_post_changed_between_read_and_write(
    edit: str,
    tmp_path: Path,
    cli,  # type: ignore[no-untyped-def]  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The other writer's bytes survive, the post is reported skipped, exit 1, no temp file.
    The same-size edits also put the old mtime back, so only a byte comparison can tell."""
    import postctl.retag

    site = tmp_path / "site"
    site.mkdir()
    (site / "postctl.toml").write_bytes(b"")
    post = site / "post.md"
    post.write_bytes(b"---\ntitle: Plain\ntags: [hostile]\n---\nBody.\n")
    (site / "other.md").write_bytes(b"---\ntitle: Other\ntags: [hostile]\n---\nBody.\n")
    real_edit_post = postctl.retag.edit_post
    theirs: list[bytes] = []

    def edit_then_someone_saves(target, spec):  # type: ignore[no-untyped-def]
        result = real_edit_post(target, spec)
        if target.path.name == "post.md":
            st = post.stat()
            theirs.append(CONCURRENT_EDITS[edit](post.read_bytes()))
            post.write_bytes(theirs[0])
            if len(theirs[0]) == st.st_size:
                os.utime(post, ns=(st.st_atime_ns, st.st_mtime_ns))
        return result

    monkeypatch.setattr(postctl.retag, "edit_post", edit_then_someone_saves)
    result = cli(["retag", "hostile", "renamed", "."], site)
    assert_no_traceback(result)
    assert result.exit_code == EXIT_PROBLEMS, result.output
    assert post.read_bytes() == theirs[0], "the other writer's save was clobbered"
    assert "changed on disk" in result.output and "post.md" in result.output
    assert (site / "other.md").read_bytes().count(b"tags: [renamed]") == 1  # carried on
    left = sorted(p.name for p in site.iterdir() if p.name not in IGNORED_DIRS)
    assert left == ["other.md", "post.md", "postctl.toml"], "a temp file was left behind"


# -- mode 000 for real ------------------------------------------------------------------------


def _without_root_file_access() -> list[str] | None:
    """A command prefix under which mode 000 really is unreadable: nothing for a normal user;
    for root, setpriv dropping CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (root without them
    honours permission bits); None when neither is possible here."""
    if not running_as_root():
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    prefix = [setpriv, "--bounding-set", "-dac_override,-dac_read_search"]
    probe = subprocess.run([*prefix, "true"], capture_output=True)
    return prefix if probe.returncode == 0 else None


@pytest.mark.parametrize("name", PATH_COMMANDS)
def test_a_mode_000_post_is_reported_for_real(name: str, tmp_path: Path) -> None:
    """The in-process matrix emulates mode 000 for root; this runs the real process with the
    kernel's own check (see _without_root_file_access)."""
    prefix = _without_root_file_access()
    if prefix is None:
        pytest.skip("running as root without setpriv: mode 000 cannot be made unreadable")
    site = write_case(CASE_BY_ID["mode-000"], tmp_path / "site")
    before = snapshot(site)
    argv = invocations(name, ["."])[0]
    process = subprocess.run(
        [*prefix, sys.executable, "-m", "postctl", *argv],
        cwd=site,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=60,
    )
    assert process.returncode == EXIT_PROBLEMS, process.stderr
    assert "Traceback" not in process.stderr
    assert_reported(
        process.stdout + process.stderr,
        "locked.md",
        CASE_BY_ID["mode-000"].outcomes["locked.md"],
        process.stdout,
    )
    assert not changed_entries(before, snapshot(site)) or profile(name).writes


# -- a hostile parse cache ------------------------------------------------------------------------
# A cloned repository can ship `.postctl-cache/` (or anything by that name). Whatever is there,
# every command answers as it would without it, and never writes through a symlink.


def _cache_database_name() -> str:
    try:
        from postctl import cache  # type: ignore[attr-defined]
    except ImportError:  # no cache yet: the layouts below must simply be ignored
        return "posts.sqlite"
    return str(getattr(cache, "DATABASE", "posts.sqlite"))


def _cache_is_a_file(site: Path, outside: Path) -> None:
    (site / ".postctl-cache").write_bytes(b"not a folder\x00\xff")


def _cache_is_a_symlink(site: Path, outside: Path) -> None:
    (site / ".postctl-cache").symlink_to(outside, target_is_directory=True)


def _cache_holds_garbage(site: Path, outside: Path) -> None:
    folder = site / ".postctl-cache"
    folder.mkdir()
    (folder / _cache_database_name()).write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 8)


def _cache_database_is_a_fifo(site: Path, outside: Path) -> None:
    folder = site / ".postctl-cache"
    folder.mkdir()
    os.mkfifo(folder / _cache_database_name())


def _cache_database_is_a_symlink(site: Path, outside: Path) -> None:
    folder = site / ".postctl-cache"
    folder.mkdir()
    (folder / _cache_database_name()).symlink_to(outside / "victim")


HOSTILE_CACHES = {
    "a-file": _cache_is_a_file,
    "a-symlink-out-of-the-site": _cache_is_a_symlink,
    "garbage-database": _cache_holds_garbage,
    "database-is-a-fifo": _cache_database_is_a_fifo,
    "database-is-a-symlink-out-of-the-site": _cache_database_is_a_symlink,
}


@pytest.mark.usefixtures("no_hang")
@pytest.mark.parametrize("layout", list(HOSTILE_CACHES))
@pytest.mark.parametrize("name", [c for c in PATH_COMMANDS if not profile(c).writes])
def test_a_hostile_cache_changes_nothing(
    name: str,
    layout: str,
    tmp_path: Path,
    cli,  # type: ignore[no-untyped-def]  # noqa: F811
) -> None:
    site, outside = tmp_path / "site", tmp_path / "outside"
    site.mkdir()
    outside.mkdir()
    (outside / "victim").write_bytes(b"must stay as it is\n")
    (site / "postctl.toml").write_bytes(b"")
    (site / "post.md").write_bytes(b"---\ntitle: Cached\ntags: [a]\ndate: 2024-01-02\n---\n")
    argv = invocations(name, ["."])[0]
    expected = cli(argv, site)  # the answer without any cache
    shutil.rmtree(site / ".postctl-cache", ignore_errors=True)
    HOSTILE_CACHES[layout](site, outside)
    before_outside = snapshot(outside)
    for _ in range(2):  # cold, then warm
        result = cli(argv, site)
        assert_no_traceback(result)
        assert (result.exit_code, result.stdout) == (expected.exit_code, expected.stdout)
        assert "Traceback" not in result.stderr
    assert snapshot(outside) == before_outside, "wrote through a symlink out of the site"
