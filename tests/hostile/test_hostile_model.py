"""The hostile corpus through the model: each post reads as its case says, or fails with exactly
the PostError (code, one-line message, position) the case states, and never with anything else."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest
from hostile_cases import CASES, Case, billion_laughs, sentinel_path, write_case
from hostile_support import emulate_permissions, no_hang  # noqa: F401  (fixtures)

from postctl.model import HEAD_SIZE, PostError, load_post, parse_post
from postctl.site import collect, find_site, load_posts


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
@pytest.mark.usefixtures("no_hang")
def test_case_reads_as_stated(case: Case, tmp_path: Path, emulate_permissions: bool) -> None:  # noqa: F811
    site_dir = write_case(case, tmp_path / "site")
    site = find_site(site_dir)
    scope = [site_dir / a for a in case.args] if case.args != (".",) else []
    files = collect(site, scope)
    found = {f.relative_to(site_dir).as_posix() for f in files}
    assert found == set(case.outcomes), "the site's posts are not the ones the case expects"
    for file, result in zip(files, load_posts(site, files)):
        outcome = case.outcomes[file.relative_to(site_dir).as_posix()]
        if outcome.ok:
            assert not isinstance(result, PostError), f"{file.name}: {result}"
            if outcome.check is not None:
                outcome.check(result)
            continue
        assert isinstance(result, PostError), f"{file.name} read, but should fail"
        assert result.code == outcome.code, str(result)
        assert outcome.message in result.message, str(result)
        assert "\n" not in str(result) and "\r" not in str(result)
        if outcome.where is not None:
            where = result.location[len(str(result.path)) :]
            if outcome.where.endswith(":"):
                assert where.startswith(outcome.where) and where.count(":") == 2, where
            else:
                assert where == outcome.where, str(result)
    assert not sentinel_path(site_dir).exists(), "a YAML tag ran code"


def test_the_corpus_covers_every_error_code() -> None:
    codes = {o.code for case in CASES for o in case.outcomes.values()}
    assert {"PC001", "PC002", "PC003", "PC004", "PC005", "PC006"} <= codes


def _measure(call):  # type: ignore[no-untyped-def]
    tracemalloc.start()
    started = time.process_time()  # CPU time: a busy machine does not make it flaky
    try:
        call()
    except PostError:
        pass
    elapsed = time.process_time() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return elapsed, peak


@pytest.mark.parametrize(
    "content",
    [
        billion_laughs(9),
        b"---\nx: &x [*x]\n---\n",
        b"---\nx: " + b"[" * 10_000 + b"]" * 10_000 + b"\n---\n",
        b'{"x": ' + b"[" * 10_000 + b"]" * 10_000 + b"}\n",
        b"+++\nx = " + b"[" * 10_000 + b"]" * 10_000 + b"\n+++\n",
    ],
    ids=["billion-laughs", "self-alias", "yaml-10000", "json-10000", "toml-10000"],
)
def test_bombs_are_refused_quickly_and_small(content: bytes) -> None:
    elapsed, peak = _measure(lambda: parse_post("bomb.md", content))
    assert elapsed < 0.5, f"{elapsed:.3f} s"
    assert peak < 10_000_000, f"{peak / 1e6:.1f} MB"


def test_a_50_mb_post_is_read_without_its_body(tmp_path: Path) -> None:
    """Only the first HEAD_SIZE bytes are read for the front matter: tracemalloc's peak stays far
    below the file's size (measured here: well under 1 MB for a 50 MB file)."""
    path = tmp_path / "big.md"
    paragraph = b"All work and no play makes a very long post. " * 20 + b"\n\n"
    with open(path, "wb") as f:
        f.write(b"---\ntitle: Big\ntags: [big]\n---\n")
        while f.tell() < 50_000_000:
            f.write(paragraph * 1000)
    elapsed, peak = _measure(lambda: load_post(path))
    post = load_post(path)
    assert post.title == "Big" and post.tags == ["big"] and post.size >= 50_000_000
    assert peak < 2 * HEAD_SIZE + 1_000_000, f"{peak / 1e6:.1f} MB traced for a 50 MB file"
    assert elapsed < 0.5, f"{elapsed:.3f} s"
    assert len(post.body) == post.size - post.body_start  # the body is still there, lazily


def test_a_50_mb_unclosed_front_matter_is_reported(tmp_path: Path) -> None:
    """Without a closing `---` the whole file has to be searched: still a clear answer."""
    path = tmp_path / "big.md"
    with open(path, "wb") as f:
        f.write(b"---\ntitle: Big\n")
        f.write(b"just: text\n" * 4_600_000)
    with pytest.raises(PostError) as caught:
        load_post(path)
    assert caught.value.code == "PC003"


def test_the_jekyll_encoding_corpus(corpora: Path) -> None:
    """Jekyll's own test files: UTF-16 LE with a BOM gets a clear PC002; UTF-8 with a BOM reads
    and keeps it (the stored copy has LF endings despite its name); its broken post fails with
    a position."""
    encodings = corpora / "jekyll" / "test" / "source" / "_encodings"
    with pytest.raises(PostError) as caught:
        load_post(encodings / "Unicode16LECRLFandBOM.md")
    assert caught.value.code == "PC002" and "UTF-16" in caught.value.message
    post = load_post(encodings / "UTF8CRLFandBOM.md")
    assert post.bom and post.title == "UTF8CRLFandBOM"
    with pytest.raises(PostError) as caught:
        load_post(corpora / "jekyll" / "test" / "source" / "_broken" / "bad_post.md")
    assert caught.value.line is not None and "\n" not in str(caught.value)
