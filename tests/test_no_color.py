"""NO_COLOR on a terminal: every diff postctl prints (retag, publish, lint --fix) is plain
text when NO_COLOR is set and not empty (https://no-color.org); `lint --fix --dry-run` once
coloured its diff anyway. The checks run the real process on a pseudo-terminal: under the
CliRunner, click.echo strips ANSI codes itself, which would hide the colours."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write

pty = pytest.importorskip("pty")

POST = "---\ntitle: {title}\ntags: [{tag}]\n---\nBody.\n"
COLOUR = re.compile(r"\x1b\[(?:\d+;)*(?:3[0-7]|9[0-7]|38)(?:;\d+)*m")


def on_a_terminal(site: Path, *argv: str, no_color: str = "1") -> str:
    """postctl's output (stdout and stderr) on a pseudo-terminal, with NO_COLOR=`no_color`."""
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    process = subprocess.Popen(
        [sys.executable, "-m", "postctl", *argv],
        cwd=site,
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env={**env, "NO_COLOR": no_color, "COLUMNS": "120"},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=120)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    write(tmp_path / "hugo.toml", "title = 'x'\n")
    posts = tmp_path / "content" / "posts"
    write(posts / "a.md", POST.format(title="A", tag="python"))
    write(posts / "b.md", POST.format(title="B", tag="python"))
    write(posts / "c.md", POST.format(title="C", tag="Python"))  # PC503: a fixable spelling
    return tmp_path


@pytest.mark.parametrize(
    "argv",
    [
        ["retag", "python", "py", "--dry-run"],
        ["lint", "--fix", "--dry-run"],
    ],
)
def test_a_dry_run_diff_has_no_colour_under_no_color(site: Path, argv: list[str]) -> None:
    shown = on_a_terminal(site, *argv)
    assert "+++ b/" in shown  # a diff was shown
    assert COLOUR.findall(shown) == []


def test_a_dry_run_diff_is_coloured_on_a_terminal_without_no_color(site: Path) -> None:
    # the other side: colour is what NO_COLOR takes away (and an empty NO_COLOR does not)
    shown = on_a_terminal(site, "lint", "--fix", "--dry-run", no_color="")
    assert "+++ b/" in shown
    assert COLOUR.findall(shown)
