from __future__ import annotations

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
