"""Review findings (review-cli): the exit status of the real `postctl` process when the reader of
its output has gone (`postctl stats | head -3`, `postctl lint | grep -q PC201`). A reader that
stops early is no failure (cli.main), and it is no success either: the status still says how
the command went, whichever command and format wrote the output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write


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


def run_normally(site: Path, *argv: str) -> int:
    return subprocess.run(
        [sys.executable, "-m", "postctl", *argv],
        cwd=site,
        capture_output=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=120,
    ).returncode


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
    assert run_normally(clean_site, *argv) == 0
    assert run_with_reader_gone(clean_site, *argv) == 0


@pytest.mark.parametrize("fmt", ["text", "table", "json", "github"])
def test_lint_errors_still_exit_1_when_the_reader_has_gone(clean_site: Path, fmt: str) -> None:
    write(clean_site / "untitled.md", "---\ntags: [a]\n---\nBody.\n")  # PC201, an error
    assert run_normally(clean_site, "lint", "-f", fmt) == 1
    assert run_with_reader_gone(clean_site, "lint", "-f", fmt) == 1
