"""Fuzzing (bounded, so CI stays fast): random bytes and random mutations of real posts, fed to
the model and through the CLI runner to every read-only command that takes paths (`list` now,
`lint`, `tags`, `stats` as they are registered), never produce anything but a post or a one-line
PostError: no traceback, exit 0 or 1, every stderr line `path[:line[:col]]: ...`. retag, the
command that writes, gets fuzzed posts too: it never writes one that does not parse, and what it
writes differs only in its tags."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_commands import invocations, profile, registered, takes_paths
from hostile_support import IGNORED_DIRS, assert_no_traceback, cli  # noqa: F401  (fixture)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postctl.listing import post_json, post_row
from postctl.model import Post, PostError, parse_post
from postctl.output import cell, safe_text, to_json

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "corpora"


def _seed_posts() -> list[bytes]:
    """Real posts: the bundled examples, plus a few from ../shared/corpora when present."""
    files = sorted((ROOT / "examples").rglob("*.md"))
    if SHARED.is_dir():
        for pattern in ("jekyll/test/source/**/*.markdown", "jekyll/test/source/_encodings/*"):
            files += sorted(SHARED.glob(pattern))[:10]
        files += sorted(SHARED.glob("rust-blog/content/**/*.md"))[:5]
        files += sorted(SHARED.glob("hugo-docs/content/**/*.md"))[:5]
    return [f.read_bytes() for f in files if f.is_file()]


SEEDS = _seed_posts()
# The site folder is shared by every example on purpose: each one rewrites post.md.
FIXTURE_CHECK = HealthCheck.function_scoped_fixture
# Fragments that steer mutations towards the interesting edges of the parsers.
SNIPPETS = [
    b"---\n",
    b"+++\n",
    b"...\n",
    b"{",
    b"}",
    b"[",
    b"]",
    b": ",
    b"- ",
    b"&a ",
    b"*a",
    b"<<: *a\n",
    b"!!python/object/apply:os.system ['true']",
    b"!!binary ",
    b"!!set ",
    b"\t",
    b"\x00",
    b"\r",
    b"\r\n",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xe9",
    b"\x1b[31m",
    b"[bold]",
    "\u202e".encode(),
    b'"',
    b"'",
    b"#",
    b"date: 2020-02-30\n",
    b"date: 0001-01-01T00:00:00+05:00\n",
    b"tags: ",
    b"title: ",
    b"= ",
    b"1e400",
    b"NaN",
    b"0x" + b"f" * 40,
    b"\n  ",
]


@st.composite
def mutated_posts(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(data)))
        operation = draw(st.sampled_from(["insert", "snippet", "delete", "flip", "cut", "dup"]))
        if operation == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=8))
        elif operation == "snippet":
            data[position:position] = draw(st.sampled_from(SNIPPETS))
        elif operation == "delete":
            del data[position : position + draw(st.integers(1, 16))]
        elif operation == "flip" and position < len(data):
            data[position] = draw(st.integers(0, 255))
        elif operation == "cut":
            del data[position:]
        elif operation == "dup":
            line_end = data.find(b"\n", position)
            line = data[position : line_end + 1] if line_end >= 0 else data[position:]
            data[position:position] = line
    return bytes(data)


any_post = st.one_of(st.binary(max_size=300), mutated_posts())


def exercise(post: Post) -> None:
    """Every normalized view, and every way a post is rendered, as the commands do."""
    for name in ("title", "parsed_date", "date", "date_source", "tags", "categories", "draft"):
        getattr(post, name)
    post.authors, post.slug, post.excerpt, post.image, post.terms("series")
    try:
        assert isinstance(post.body, str)
    except PostError:
        pass
    row = post_row(post)
    for value in row.values():
        safe_text(cell(value))
    json.dumps(to_json(post_json(post)), allow_nan=False)


@settings(max_examples=1000, deadline=None)
@given(content=any_post, kind=st.sampled_from(["plain", "jekyll", "hugo"]))
def test_the_model_answers_any_bytes(content: bytes, kind: str) -> None:
    try:
        post = parse_post("2020-01-01-fuzz.md", content, kind)  # type: ignore[arg-type]
    except PostError as error:
        assert error.code in {"PC001", "PC002", "PC003", "PC004", "PC005", "PC006"}
        assert "\n" not in str(error), str(error)
        return
    exercise(post)


@pytest.fixture(scope="module")
def fuzz_site() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder)
        (site / "postctl.toml").write_bytes(b"")
        yield site


FUZZED_COMMANDS = [
    name
    for name in sorted(registered())
    if takes_paths(name) and profile(name).reads_posts and not profile(name).writes
]


@pytest.mark.parametrize("name", FUZZED_COMMANDS)
@settings(max_examples=200, deadline=None, suppress_health_check=[FIXTURE_CHECK])
@given(content=any_post, data=st.data())
def test_read_only_commands_answer_any_bytes(
    name: str,
    content: bytes,
    data: st.DataObject,
    fuzz_site: Path,
    cli,  # type: ignore[no-untyped-def]  # noqa: F811
) -> None:
    """Each example runs the command in one of its formats (drawn)."""
    argv = data.draw(st.sampled_from(invocations(name, ["post.md"])), label="argv")
    (fuzz_site / "post.md").write_bytes(content)
    result = cli(argv, fuzz_site)
    assert_no_traceback(result)
    assert result.exit_code in profile(name).clean_exits | {profile(name).bad_exit}
    for line in result.stderr.splitlines():
        assert line.startswith(("post.md", "postctl")), f"stray stderr line: {line!r}"


RETAG_EDITS = [["--add", "zz-added"], ["--remove", "python"], ["python", "zz-renamed"]]


@pytest.mark.skipif("retag" not in registered(), reason="postctl retag is not registered")
@settings(max_examples=200, deadline=None, suppress_health_check=[FIXTURE_CHECK])
@given(content=any_post, edit=st.sampled_from(RETAG_EDITS))
def test_retag_on_any_bytes_writes_only_what_it_should(
    content: bytes,
    edit: list[str],
    fuzz_site: Path,
    cli,  # type: ignore[no-untyped-def]  # noqa: F811
) -> None:
    """The writing command on fuzzed posts: no traceback; a post that does not parse is never
    written; a post that is written still parses, with every key but `tags` as it was and every
    byte before its front matter kept; no temp file is left."""
    path = fuzz_site / "post.md"
    path.write_bytes(content)
    try:
        before: Post | None = parse_post(path, content)
    except PostError:
        before = None
    result = cli(["retag", *edit, "post.md"], fuzz_site)
    assert_no_traceback(result)
    assert result.exit_code in (0, 1), result.output
    written = path.read_bytes()
    if written != content:
        assert before is not None, "a post that does not parse was written"
        after = parse_post(path, written)
        assert {k: v for k, v in after.data.items() if k != "tags"} == {
            k: v for k, v in before.data.items() if k != "tags"
        }
        assert written[: before.fm_start] == content[: before.fm_start]
    left = sorted(p.name for p in fuzz_site.iterdir() if p.name not in IGNORED_DIRS)
    assert left == ["post.md", "postctl.toml"], "a temp file was left behind"
