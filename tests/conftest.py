from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from postctl.cli import app

SHARED_CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture
def corpora() -> Path:
    """The real-world corpora in ../shared/corpora; tests using them skip on a user's clone."""
    if not SHARED_CORPORA.is_dir():
        pytest.skip("../shared/corpora is not present")
    return SHARED_CORPORA


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch):
    """Invoke the CLI like a user would: returns the click Result (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def invoke(*args: str, cwd: Path | None = None, input: str | None = None):
        if cwd is not None:
            monkeypatch.chdir(cwd)
        return runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke


def write(path: Path, text: str | bytes) -> Path:
    """Create a file (and its folders) with exact bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


def write_latin1_named(folder: Path, content: bytes) -> Path:
    """`folder/caf\\xe9.md`, a file name that is not UTF-8 (as from a Latin-1 archive), holding
    `content`; the test is skipped where the file system refuses such names."""
    folder.mkdir(parents=True, exist_ok=True)
    name = os.fsencode(folder) + b"/caf\xe9.md"
    try:
        with open(name, "wb") as f:
            f.write(content)
    except OSError:
        pytest.skip("the file system refuses names that are not UTF-8")
    return Path(os.fsdecode(name))


def latin1_named_post(tmp_path: Path) -> Path:
    """A plain site holding `ok.md` and a post whose file name is not UTF-8 (`caf\\xe9.md`)."""
    site = tmp_path / "notes"
    write(site / "ok.md", "---\ntitle: OK\ntags: [a]\n---\n")
    write_latin1_named(site, b"---\ntitle: Latin\ntags: [a]\n---\n")
    return site


class BothTakeAShare:
    """For a function that map_posts or parse_posts runs in this process and in forked
    helpers: call it first thing in that function. The first post each process takes waits
    (ten seconds at most) until the other process has taken one too, so that a test can count
    on both having done part of the work however loaded the machine is (a helper could
    otherwise take every chunk before this process takes its first, or the other way round).
    `start()` before each shared run; `alone()` before a run in this process only."""

    def __init__(self, folder: Path) -> None:
        self.parent = os.getpid()
        self.began = {True: folder / "main-began", False: folder / "helper-began"}

    def start(self) -> None:
        for flag in self.began.values():
            flag.unlink(missing_ok=True)

    def alone(self) -> None:
        self.began[False].touch()

    def __call__(self) -> None:
        here = os.getpid() == self.parent
        self.began[here].touch()
        deadline = time.monotonic() + 10
        while not self.began[not here].exists() and time.monotonic() < deadline:
            time.sleep(0.001)


def post_dates(root: Path, **options: object) -> list[str | None]:
    """Each post's date as the site's posts give it (`Post.date_text`, in the order collected),
    checked against what their summaries give (`iter_posts(..., summaries=True)`).
    `options`: iter_posts' (`cache`, `jobs`)."""
    from postctl.site import collect, find_site, iter_posts, load_posts

    site = find_site(root)
    files = collect(site)
    posts = [p.date_text for p in load_posts(site, files, **options)]  # type: ignore[arg-type]
    summaries = [s.date_text for s in iter_posts(site, files, summaries=True, **options)]  # type: ignore[arg-type]
    assert posts == summaries
    return posts
