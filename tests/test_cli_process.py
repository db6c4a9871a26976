"""The real `postctl` process ends a data command at once, once its output is flushed (see
cli.leave): every line still arrives, and the exit status still says how the command went, also
when the reader of the output stops early (`postctl stats | head -3`, `postctl lint | grep -q`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import write

POSTS = 3000  # ~400 kB of table: far more than one write, or a pipe, holds


def run_postctl(site: Path, *argv: str, stdout: int | None = subprocess.PIPE):
    # Buffered output, as a user's shell gives it: the end of it waits in Python's buffers.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.run(
        [sys.executable, "-m", "postctl", *argv],
        cwd=site,
        stdout=stdout,
        stderr=subprocess.PIPE,
        env={**env, "NO_COLOR": "1"},
        timeout=120,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    (root / "postctl.toml").write_bytes(b"")
    for i in range(POSTS):
        (root / f"post-{i:04d}.md").write_text(
            f"---\ntitle: Post {i} {'x' * 100}\ndate: 2024-01-{i % 28 + 1:02d}\n"
            f"tags: [t{i % 7}]\n---\nBody.\n"
        )
    return root


@pytest.mark.parametrize("cache", [[], ["--no-cache"]])
def test_every_row_arrives(site: Path, cache: list[str]) -> None:
    done = run_postctl(site, "list", ".", *cache)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.decode().splitlines()
    assert len(lines) == POSTS + 1
    assert {line.rsplit(maxsplit=1)[-1] for line in lines[1:]} == {
        f"post-{i:04d}.md" for i in range(POSTS)
    }


def test_tags_and_stats_output_arrives(site: Path) -> None:
    tags = run_postctl(site, "tags", ".", "-f", "csv")
    assert tags.returncode == 0, tags.stderr
    counts = Counter(f"t{i % 7}" for i in range(POSTS))
    rows = [line.split(",") for line in tags.stdout.decode().splitlines()[1:]]
    assert {term: int(n) for term, n in rows} == counts
    stats = run_postctl(site, "stats", ".", "-f", "json")
    assert stats.returncode == 0, stats.stderr
    assert stats.stdout.decode().rstrip().endswith("}")


def test_nothing_matched_exits_1(site: Path) -> None:
    done = run_postctl(site, "list", ".", "--tag", "nowhere")
    assert (done.returncode, done.stderr) == (1, b"")


def test_a_broken_post_is_counted_and_exits_1(tmp_path: Path) -> None:
    (tmp_path / "postctl.toml").write_bytes(b"")
    (tmp_path / "good.md").write_text("---\ntitle: Good\n---\n")
    (tmp_path / "bad.md").write_text("---\ntitle: [unclosed\n---\n")
    done = run_postctl(tmp_path, "list", ".")
    assert done.returncode == 1
    assert b"bad.md:" in done.stderr
    assert done.stderr.decode().endswith("postctl: 1 post(s) could not be read\n")
    assert b"good.md" in done.stdout


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_output_that_cannot_be_written_is_an_error(site: Path) -> None:
    with open("/dev/full", "wb") as full:
        done = run_postctl(site, "list", ".", stdout=full.fileno())
    assert done.returncode == 2
    assert "postctl: cannot write the output: No space left on device" in done.stderr.decode()
    assert "Traceback" not in done.stderr.decode()


def test_lint_output_and_status_arrive(tmp_path: Path) -> None:
    (tmp_path / "postctl.toml").write_bytes(b"")
    for i in range(300):
        (tmp_path / f"post-{i:03d}.md").write_text(
            f"---\ntitle: Post {i}\ntitle: Again {i}\ndate: 2024-01-02\ntags: [a]\n---\nBody.\n"
        )
    text = run_postctl(tmp_path, "lint", ".", "-f", "text", "--select", "PC102")
    assert text.returncode == 1, text.stderr
    lines = text.stdout.decode().splitlines()
    assert len([line for line in lines if " PC102 " in line]) == 300
    findings = json.loads(run_postctl(tmp_path, "lint", ".", "-f", "json").stdout)
    assert len([f for f in findings if f["code"] == "PC102"]) == 300
    clean = run_postctl(tmp_path, "lint", ".", "--select", "PC301")
    assert (clean.returncode, clean.stdout, clean.stderr) == (0, b"", b"")


# -- a reader that leaves early ---------------------------------------------------------------


def run_with_reader_gone(site: Path, *argv: str) -> int:
    """Run postctl with a stdout pipe whose reading end is closed before anything is written
    (as `postctl ... | true`): every write of the output fails with EPIPE."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    process = subprocess.Popen(
        [sys.executable, "-m", "postctl", *argv],
        cwd=site,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**env, "NO_COLOR": "1"},
    )
    assert process.stdout is not None
    process.stdout.close()
    return process.wait(timeout=120)


@pytest.fixture
def clean_site(tmp_path: Path) -> Path:
    write(tmp_path / "postctl.toml", "")
    for i in range(3):
        write(
            tmp_path / f"post-{i}.md",
            f"---\ntitle: Post {i}\ndate: 2024-01-0{i + 1}\ntags: [a, b]\n---\nBody.\n",
        )
    return tmp_path


@pytest.mark.parametrize(
    "argv",
    [["list"], ["stats"], ["lint", "-f", "table"], ["lint", "-f", "text"], ["tags"]],
)
def test_a_clean_run_exits_0_when_the_reader_has_gone(clean_site: Path, argv: list[str]) -> None:
    assert run_postctl(clean_site, *argv).returncode == 0
    assert run_with_reader_gone(clean_site, *argv) == 0


@pytest.mark.parametrize("fmt", ["text", "table", "json", "github"])
def test_lint_errors_still_exit_1_when_the_reader_has_gone(clean_site: Path, fmt: str) -> None:
    write(clean_site / "untitled.md", "---\ntags: [a]\n---\nBody.\n")  # PC201, an error
    assert run_postctl(clean_site, "lint", "-f", fmt).returncode == 1
    assert run_with_reader_gone(clean_site, "lint", "-f", fmt) == 1


def test_a_reader_that_leaves_midway_is_no_failure(site: Path) -> None:
    """`postctl list | head -1` under `set -o pipefail` (as a CI step runs it): the reader
    leaves after the first line of a long listing; postctl exits 0, saying nothing."""
    done = subprocess.run(
        ["bash", "-c", f"set -o pipefail; '{sys.executable}' -m postctl list . | head -1"],
        cwd=site,
        capture_output=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout.decode().count("\n") == 1


def test_the_app_of_one_command_answers_as_the_whole_app(tmp_path: Path) -> None:
    # `postctl CMD ...` runs an app holding CMD alone (cli.app_for, for its start-up time): its
    # help, its usage errors and its work must read exactly as the whole app's.
    from typer.testing import CliRunner

    from postctl.cli import app, app_for

    write(tmp_path / "_config.yml", "title: t\n")
    write(tmp_path / "_posts" / "2024-01-01-a.md", "---\ntitle: A\ntags: [x]\n---\nA\n")
    runner = CliRunner()
    names = [info.name for info in app.registered_commands]
    assert {"list", "lint", "retag", "new"} <= set(names)
    calls = [[name, "--help"] for name in names] + [[name, "--no-such-option"] for name in names]
    calls += [["list", str(tmp_path)], ["tags", "-f", "json", str(tmp_path)], ["retag"]]
    for args in calls:
        assert app_for(args) is not app
        whole = runner.invoke(app, args)
        alone = runner.invoke(app_for(args), args)
        assert (alone.exit_code, alone.stdout, alone.stderr) == (
            whole.exit_code,
            whole.stdout,
            whole.stderr,
        ), args
    for args in ([], ["--help"], ["--version"], ["lst"], ["-h", "list"]):
        assert app_for(args) is app
