"""edit.WriteBatch: many atomic writes fsynced together, each file checked again right before
its replace; nothing written before commit(), no temp file left behind in any case."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import write

from postctl import edit
from postctl.edit import EditError
from postctl.model import load_post


def begin(batch: edit.WriteBatch, path: Path) -> bytes:
    """Begin the edit of `path` (tags a -> b) in `batch`; the bytes it will write."""
    post = load_post(path, "jekyll")
    content = path.read_bytes()
    new = edit.set_terms(post, content, "tags", ["b"])
    assert edit.write_atomic(path, new, post, content, sync_folder=False, batch=batch) is True
    return new


def posts(folder: Path, count: int, mode: int = 0o644) -> list[Path]:
    paths = [write(folder / f"p{i}.md", f"---\ntags: [a]\n---\nbody {i}\n") for i in range(count)]
    for path in paths:
        path.chmod(mode)
    return paths


@pytest.mark.parametrize("mode", [0o644, 0o600, 0o755])
def test_nothing_is_written_before_commit_then_all_are(tmp_path: Path, mode: int) -> None:
    paths = posts(tmp_path, 5, mode)
    before = [p.read_bytes() for p in paths]
    with edit.WriteBatch() as batch:
        new = [begin(batch, p) for p in paths]
        assert [p.read_bytes() for p in paths] == before
        assert batch.commit() == [True] * 5
    assert [p.read_bytes() for p in paths] == new
    assert all(p.stat().st_mode & 0o777 == mode for p in paths)
    assert sorted(os.listdir(tmp_path)) == sorted(p.name for p in paths)


def test_a_file_changed_after_its_write_began_is_skipped(tmp_path: Path) -> None:
    first, changed, same = posts(tmp_path, 3)
    with edit.WriteBatch() as batch:
        new_first = begin(batch, first)
        begin(batch, changed)
        new_same = begin(batch, same)
        changed.write_bytes(b"---\ntags: [z]\n---\nbody 1\n")
        same.write_bytes(new_same)  # someone made the very edit meanwhile: still not ours
        os.utime(same, ns=(1_000_000_000, 1_000_000_000))
        outcomes = batch.commit()
    assert outcomes[0] is True
    for outcome in outcomes[1:]:
        assert isinstance(outcome, EditError) and "changed on disk" in outcome.reason
        assert not outcome.failed
    assert first.read_bytes() == new_first
    assert changed.read_bytes() == b"---\ntags: [z]\n---\nbody 1\n"
    assert same.stat().st_mtime_ns == 1_000_000_000  # not written again
    assert sorted(os.listdir(tmp_path)) == ["p0.md", "p1.md", "p2.md"]


def test_a_failed_fsync_fails_only_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = posts(tmp_path, 4)
    before = [p.read_bytes() for p in paths]
    with edit.WriteBatch() as batch:
        new = [begin(batch, p) for p in paths]
        doomed = batch.begun[2].fd
        real_fsync = os.fsync

        def fsync(fd: int) -> None:
            if fd == doomed:
                raise OSError(5, "Input/output error")
            real_fsync(fd)

        monkeypatch.setattr(os, "fsync", fsync)
        outcomes = batch.commit()
    assert outcomes[:2] == [True, True] and outcomes[3] is True
    assert isinstance(outcomes[2], EditError) and outcomes[2].failed
    assert "file left as it was: input/output error" in outcomes[2].reason
    assert [p.read_bytes() for p in paths] == [new[0], new[1], before[2], new[3]]
    assert sorted(os.listdir(tmp_path)) == sorted(p.name for p in paths)


def test_a_batch_never_committed_leaves_everything_as_it_was(tmp_path: Path) -> None:
    paths = posts(tmp_path, 3)
    before = [p.read_bytes() for p in paths]
    with pytest.raises(KeyboardInterrupt), edit.WriteBatch() as batch:
        for path in paths:
            begin(batch, path)
        assert len(os.listdir(tmp_path)) == 6  # the temp files are there until the end
        raise KeyboardInterrupt
    assert [p.read_bytes() for p in paths] == before
    assert sorted(os.listdir(tmp_path)) == sorted(p.name for p in paths)


def test_refusals_come_at_once_and_no_change_at_commit(tmp_path: Path) -> None:
    (path,) = posts(tmp_path, 1)
    post = load_post(path, "jekyll")
    content = path.read_bytes()
    new = edit.set_terms(post, content, "tags", ["b"])
    with edit.WriteBatch() as batch:
        assert edit.write_atomic(path, content, post, content, batch=batch) is True
        path.chmod(0o444)
        with pytest.raises(EditError, match="read-only"):
            edit.write_atomic(path, new, post, content, batch=batch)
        assert batch.commit() == [False]  # the bytes were already there: nothing replaced
    assert path.read_bytes() == content
    assert os.listdir(tmp_path) == ["p0.md"]


def test_short_reads_still_read_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (path,) = posts(tmp_path, 1)
    post = load_post(path, "jekyll")
    content = path.read_bytes()
    new = edit.set_terms(post, content, "tags", ["b"])
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: real_read(fd, min(n, 7)))
    fresh, read = edit.read_for_edit(post)
    assert read == content and fresh is post
    assert edit.write_atomic(path, new, post, content) is True
    assert path.read_bytes() == new


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc/self/fd")
def test_commit_leaves_no_file_open(tmp_path: Path) -> None:
    """Each replaced file is held open until the batch is replaced (see commit): all closed."""
    paths = posts(tmp_path, 20)
    changed = paths[3]
    open_before = sorted(os.listdir("/proc/self/fd"))
    with edit.WriteBatch() as batch:
        new = [begin(batch, p) for p in paths]
        changed.write_bytes(b"---\ntags: [z]\n---\nchanged\n")
        outcomes = batch.commit()
    assert sorted(os.listdir("/proc/self/fd")) == open_before
    assert outcomes.count(True) == 19 and isinstance(outcomes[3], EditError)
    assert [p.read_bytes() for i, p in enumerate(paths) if i != 3] == new[:3] + new[4:]


def test_leftover_temp_files_are_those_of_the_named_files_only(tmp_path: Path) -> None:
    """What a write killed before its commit leaves: found by the name it was writing."""
    p1, p10 = posts(tmp_path, 11)[1], tmp_path / "p10.md"
    batch = edit.WriteBatch()
    begin(batch, p1)
    begin(batch, p10)
    temps = sorted(str(tmp_path / n) for n in os.listdir(tmp_path) if n.endswith(".tmp"))
    assert len(temps) == 2
    for decoy in (
        ".p1.md.swp",
        "p1.md.tmp",
        ".p1.md.0123456789ab.tmp~",
        ".p1.md.x.0123456789ab.tmp",
    ):
        write(tmp_path / decoy, "not a temp file of p1.md")
    try:
        assert edit.leftover_temp_files(str(tmp_path), ["p1.md"]) == [temps[0]]
        assert (
            sorted(edit.leftover_temp_files(str(tmp_path), ["p10.md", "p1.md", "p2.md"])) == temps
        )
        assert edit.leftover_temp_files(str(tmp_path), ["p1.md.x"]) == [
            str(tmp_path / ".p1.md.x.0123456789ab.tmp")
        ]
        assert edit.leftover_temp_files(str(tmp_path / "gone"), ["p1.md"]) == []
    finally:
        batch.close()


def test_leftover_temp_files_finds_those_of_a_name_cut_short(tmp_path: Path) -> None:
    """A temp name fits NAME_MAX: the post's name is cut short in it."""
    long = write(tmp_path / ("x" * 240 + ".md"), "---\ntags: [a]\n---\n")
    with edit.WriteBatch() as batch:
        begin(batch, long)
        (temp,) = [n for n in os.listdir(tmp_path) if n != long.name]
        assert len(temp) <= 255
        assert edit.leftover_temp_files(str(tmp_path), [long.name]) == [str(tmp_path / temp)]


def test_a_replaced_file_has_its_temp_file_s_inode(tmp_path: Path) -> None:
    paths = posts(tmp_path, 3)
    with edit.WriteBatch() as batch:
        for path in paths:
            begin(batch, path)
        inodes = batch.temp_inodes()
        assert batch.commit() == [True] * 3
    assert [p.stat().st_ino for p in paths] == inodes
