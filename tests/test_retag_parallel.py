"""retag across worker processes: the same bytes and report as one process, a symlinked post
edited once, failures reported (never raised), interruption, and the CLI with or without a
parse cache."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write

from postctl import edit
from postctl import retag as retag_module
from postctl.model import PostError
from postctl.retag import FileResult, RetagSpec, retag, retag_paths
from postctl.site import collect_files, find_site

RENAME = RetagSpec(rename=(("js", "javascript"),))
RETAG_OLD = RetagSpec(rename=(("old", "new"),))
# Front matter of every shape the editor handles, with tags to rename, merge, or leave alone.
SHAPES = [
    "---\ntitle: A # c\ntags: [js, web]\n---\nbody ---\n",
    "---\r\ntags:\r\n  - web\r\n  - js\r\n---\r\nCRLF\r\n",
    "\ufeff---\ntags: [javascript, js]\ndate: 2024-01-01\n---\n",
    "---\ntags: [\"js\", 'x']\n---\nno final newline",
    "---\ntags: [web]\n---\nuntouched\n",
    '+++\ntitle = "t"\ntags = ["js", "go"]\n+++\ntoml\n',
    '{\n  "title": "j",\n  "tags": ["go", "js"]\n}\njson body\n',
    "---\ntags: [js\n---\nbroken: never written\n",
    "---\ntags: &t [js]\nkeywords: *t\n---\nskipped: an anchor\n",
]


def hugo_site(root: Path, posts: int) -> Path:
    write(root / "hugo.toml", "title = 'x'\n")
    for i in range(posts):
        write(root / "content" / "posts" / f"p{i:04d}.md", SHAPES[i % len(SHAPES)])
    return root


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".postctl-cache" not in p.parts
    }


def summary(report, root: Path) -> list[tuple]:
    return [
        (str(Path(r.path).relative_to(root)), r.status, r.reason, r.changes, r.before, r.after)
        for r in report.results
    ]


def scan(root: Path, jobs: int, dry_run: bool = False):
    site = find_site(root)
    errors: list[PostError] = []
    results: list[FileResult] = []
    report = retag_paths(
        collect_files(site),
        RENAME,
        site.load,
        dry_run=dry_run,
        on_result=results.append,
        on_error=errors.append,
        jobs=jobs,
    )
    assert results == report.results
    return report, errors


@pytest.fixture
def small_thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Worker processes even for the few posts of a test site."""
    monkeypatch.setattr("postctl.site.PARALLEL_THRESHOLD", 10)
    monkeypatch.setattr(retag_module, "PROCESS_THRESHOLD", 5)


@pytest.mark.parametrize("dry_run", [False, True])
def test_workers_give_the_bytes_and_report_of_one_process(
    tmp_path: Path, small_thresholds: None, dry_run: bool
) -> None:
    one = hugo_site(tmp_path / "one", 60)
    many = hugo_site(tmp_path / "many", 60)
    original = tree(one)
    report_one, errors_one = scan(one, jobs=1, dry_run=dry_run)
    report_many, errors_many = scan(many, jobs=2, dry_run=dry_run)
    assert tree(one) == tree(many)
    assert (tree(one) == original) is dry_run
    assert summary(report_one, one) == summary(report_many, many)
    assert report_one.examined == report_many.examined == 60 - len(errors_one)
    assert [str(Path(e.path).relative_to(one)) for e in errors_one] == [
        str(Path(e.path).relative_to(many)) for e in errors_many
    ]
    statuses = {r.status for r in report_many.results}
    assert statuses == {"changed", "skipped"}
    changed = [r for r in report_many.results if r.status == "changed"]
    assert all(bool(r.before and r.after) is dry_run for r in changed)
    assert not any(".tmp" in name for name in tree(many))


def test_picked_posts_in_workers_match_one_process(tmp_path: Path, small_thresholds: None):
    """retag() over posts picked beforehand (as the parse cache's summaries pick them)."""
    roots = [hugo_site(tmp_path / name, 60) for name in ("one", "many")]
    reports = []
    for root, jobs in zip(roots, (1, 2)):
        site = find_site(root)
        stubs = [type("Stub", (), {"path": p})() for p in collect_files(site)]
        reports.append(retag(iter(stubs), RENAME, load=site.load, jobs=jobs))
    assert tree(roots[0]) == tree(roots[1])
    assert summary(reports[0], roots[0]) == summary(reports[1], roots[1])
    assert reports[1].count("changed") > 20


def test_a_symlinked_post_is_edited_once(tmp_path: Path, small_thresholds: None) -> None:
    root = hugo_site(tmp_path, 30)
    posts = root / "content" / "posts"
    target = posts / "p0000.md"
    (posts / "a-link.md").symlink_to(target)  # sorts before its target
    (posts / "z-link.md").symlink_to(target)
    outside = write(tmp_path.parent / f"{tmp_path.name}-outside.md", "---\ntags: [js]\n---\n")
    (posts / "p9999.md").symlink_to(outside)
    report, _ = scan(root, jobs=2)
    paths = [Path(r.path).name for r in report.results if r.status == "changed"]
    assert paths.count("p0000.md") + paths.count("a-link.md") + paths.count("z-link.md") == 1
    assert "p9999.md" in paths  # a link to a file nothing else reaches is edited
    assert target.read_text().startswith("---\ntitle: A # c\ntags: [javascript, web]\n")
    assert outside.read_text() == "---\ntags: [javascript]\n---\n"
    assert (posts / "a-link.md").is_symlink() and (posts / "p9999.md").is_symlink()
    order = [Path(r.path).name for r in report.results]
    assert order == sorted(order)  # results still come in the order of the paths


def test_a_failure_in_a_worker_is_reported_not_raised(
    tmp_path: Path, small_thresholds: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = hugo_site(tmp_path, 40)
    real_write = edit.write_atomic

    def failing_write(path, *args, **kwargs):
        if Path(path).name == "p0009.md":
            raise RuntimeError("disk on fire")
        return real_write(path, *args, **kwargs)

    monkeypatch.setattr(edit, "write_atomic", failing_write)  # the workers fork with it
    before = (root / "content" / "posts" / "p0009.md").read_bytes()
    report, _ = scan(root, jobs=2)
    failed = [r for r in report.results if r.status == "failed"]
    assert [Path(r.path).name for r in failed] == ["p0009.md"]
    assert "RuntimeError: disk on fire" in failed[0].reason
    assert (root / "content" / "posts" / "p0009.md").read_bytes() == before
    assert report.count("changed") > 10 and not report.ok


def test_an_interrupted_run_starts_no_more_chunks(tmp_path: Path, small_thresholds: None) -> None:
    from postctl.model import load_post

    old, new = b"---\ntags: [js]\n---\nbody\n", b"---\ntags: [javascript]\n---\nbody\n"
    # Picked posts go out in chunks of 32, at most 16 chunks ahead of the results: the first
    # result stops the run, so the last chunks are never started.
    paths = [write(tmp_path / f"p{i:03d}.md", old) for i in range(20 * 32)]

    def interrupt(result: FileResult) -> None:
        raise KeyboardInterrupt

    stubs = (type("Stub", (), {"path": p})() for p in paths)
    with pytest.raises(KeyboardInterrupt):
        retag(stubs, RENAME, load=load_post, on_result=interrupt, jobs=2)
    contents = [p.read_bytes() for p in paths]
    assert set(contents) <= {old, new} and new in contents
    assert all(c == old for c in contents[16 * 32 :])
    assert sorted(os.listdir(tmp_path)) == [p.name for p in paths]  # no temp file left


def test_cli_gives_the_same_result_with_and_without_the_parse_cache(
    run, tmp_path: Path, small_thresholds: None
) -> None:
    """No cache yet or --no-cache: the edits happen during the scan (retag_paths); with a
    cache: its summaries pick the posts (retag). Same files, same summary."""
    roots = {name: hugo_site(tmp_path / name, 45) for name in ("cold", "warm", "off")}
    assert run("list", roots["warm"]).exit_code == 1  # creates the cache (a post is broken)
    assert (roots["warm"] / ".postctl-cache").is_dir()
    outputs = {}
    for name, root in roots.items():
        extra = ["--no-cache"] if name == "off" else []
        result = run("retag", "js", "javascript", "-f", "csv", *extra, cwd=root)
        assert result.exit_code == 1  # the broken and the anchored posts
        outputs[name] = (result.stdout, result.stderr)
    assert outputs["cold"] == outputs["warm"] == outputs["off"]
    assert tree(roots["cold"]) == tree(roots["warm"]) == tree(roots["off"])
    assert not (roots["cold"] / ".postctl-cache").exists()  # a scan leaves the cache alone
    shutil.rmtree(roots["off"])


class DoubleOrDieInWorker:
    """Doubles a chunk's items; the worker process that gets the chunk [3] dies."""

    def __init__(self) -> None:
        self.parent = os.getpid()

    def __call__(self, chunk: list[int]) -> list[int]:
        if chunk == [3] and os.getpid() != self.parent:
            os._exit(1)
        return [2 * x for x in chunk]


def test_map_chunks_keeps_order_and_survives_a_dead_worker() -> None:
    from postctl.site import map_chunks

    chunks = ([i] for i in range(12))  # lazily read, as retag feeds it
    results = list(map_chunks(DoubleOrDieInWorker(), chunks, 2, share=True, window=4))
    assert results == [[2 * i] for i in range(12)]


def test_an_idle_worker_interrupted_by_ctrl_c_prints_no_traceback(tmp_path: Path) -> None:
    """Ctrl-C goes to the whole process group: a worker waiting for a chunk ignores it (it
    printed multiprocessing's traceback), and the parent stops the workers."""
    script = write(
        tmp_path / "interrupt.py",
        """
import os, signal, time
from postctl.site import map_chunks

# As on a terminal: a process started in the background by a non-interactive shell (as CI
# may start the tests) inherits SIGINT ignored, and Python then never raises KeyboardInterrupt.
signal.signal(signal.SIGINT, signal.default_int_handler)

def chunks():
    yield [1]
    time.sleep(1)  # both workers wait for a chunk
    os.killpg(0, signal.SIGINT)
    time.sleep(5)
    yield [2]

try:
    for result in map_chunks(sorted, chunks(), 2, share=False):
        print("done", result, flush=True)
except KeyboardInterrupt:
    print("interrupted", flush=True)
""",
    )
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=60,
        start_new_session=True,  # its own process group, for os.killpg
        env=os.environ | {"PYTHONPATH": str(Path(retag_module.__file__).parents[1])},
    )
    assert done.stdout == "interrupted\n"
    assert done.stderr == ""


# A worker killed in the middle of committing its chunk's writes (see below).
KILLED_POSTS = 40


def killed_worker_site(root: Path, old: str = "old") -> list[Path]:
    """The first 3 posts (those the killed worker replaces before it dies) have a folder of
    their own."""
    return [
        write(
            root / ("first" if i < 3 else "rest") / f"p{i:03d}.md",
            f"---\ntags: [{old}]\n---\nbody {i}\n",
        )
        for i in range(KILLED_POSTS)
    ]


def retag_with_a_worker_killed_mid_commit(
    paths: list[Path], spec: RetagSpec, by_path: bool, monkeypatch: pytest.MonkeyPatch
):
    """retag() over `paths` (picked as Posts, or by path as the parse cache picks them: the
    workers load them) on 2 workers. The worker with the first chunk is killed, as the OOM
    killer would, in the middle of committing its writes: it has replaced 3 files, and is
    about to replace the fourth. The pool then stops the other worker too, wherever it is. The
    chunks that failed are done again in this process."""
    from postctl.model import load_post

    parent = os.getpid()
    real_replace = os.replace

    def replace_then_die(src, dst):  # type: ignore[no-untyped-def]
        if os.getpid() != parent and os.path.basename(dst) == paths[3].name:
            os._exit(1)
        return real_replace(src, dst)

    synced: list[Path] = []
    real_fsync_folder = edit.fsync_folder

    def record(folder: Path) -> None:
        synced.append(Path(folder))
        real_fsync_folder(folder)

    if by_path:
        posts = [type("Stub", (), {"path": p})() for p in paths]
    else:
        posts = [load_post(p, "hugo") for p in paths]
    with monkeypatch.context() as patched:
        patched.setattr(os, "replace", replace_then_die)
        patched.setattr(edit, "fsync_folder", record)
        report = retag(posts, spec, jobs=2, load=load_post if by_path else None)
    return report, synced


@pytest.mark.parametrize("by_path", [False, True])
def test_a_worker_killed_mid_commit_leaves_no_temp_file(
    tmp_path: Path, small_thresholds: None, monkeypatch: pytest.MonkeyPatch, by_path: bool
) -> None:
    """It had written a temp file for every post of its chunk, and replaced only 3."""
    paths = killed_worker_site(tmp_path)
    retag_with_a_worker_killed_mid_commit(paths, RETAG_OLD, by_path, monkeypatch)
    assert all(p.read_bytes().startswith(b"---\ntags: [new]\n") for p in paths)
    left = sorted(str(p) for p in tmp_path.rglob("*") if p.is_file())
    assert left == sorted(map(str, paths))


@pytest.mark.parametrize("by_path", [False, True])
def test_the_posts_a_killed_worker_wrote_are_reported_changed_and_fsynced(
    tmp_path: Path, small_thresholds: None, monkeypatch: pytest.MonkeyPatch, by_path: bool
) -> None:
    """Done again here, they need no change any more: yet they were changed by this run."""
    paths = killed_worker_site(tmp_path)
    report, synced = retag_with_a_worker_killed_mid_commit(paths, RETAG_OLD, by_path, monkeypatch)
    assert all(p.read_bytes().startswith(b"---\ntags: [new]\n") for p in paths)
    assert [Path(r.path) for r in report.results] == paths
    assert report.count("changed") == KILLED_POSTS and report.ok
    first = [r for r in report.results if r.path.parent.name == "first"]
    if by_path:  # the worker loaded the post: only it knew the terms it changed
        assert all(r.changes == {} and "worker" in r.reason for r in first)
    else:
        assert all(r.changes == {"tags": (["old"], ["new"])} for r in first)
    assert sorted(synced) == [tmp_path / "first", tmp_path / "rest"]


@pytest.mark.parametrize("by_path", [False, True])
def test_a_post_a_killed_worker_wrote_is_not_edited_again(
    tmp_path: Path, small_thresholds: None, monkeypatch: pytest.MonkeyPatch, by_path: bool
) -> None:
    """a -> b and b -> c, applied twice, would make an `a` a `c`."""
    paths = killed_worker_site(tmp_path, old="a")
    chain = RetagSpec(rename=(("a", "b"), ("b", "c")))
    report, _ = retag_with_a_worker_killed_mid_commit(paths, chain, by_path, monkeypatch)
    assert [p.read_bytes().split(b"\n")[1] for p in paths] == [b"tags: [b]"] * KILLED_POSTS
    assert report.count("changed") == KILLED_POSTS


def test_writes_committed_a_few_at_a_time_give_the_same_files(
    tmp_path: Path, small_thresholds: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retag_module, "WRITE_BATCH", 3)  # several commits per chunk
    one = hugo_site(tmp_path / "one", 60)
    many = hugo_site(tmp_path / "many", 60)
    report_one, _ = scan(one, jobs=1)
    report_many, _ = scan(many, jobs=2)
    assert tree(one) == tree(many)
    assert summary(report_one, one) == summary(report_many, many)
    assert report_many.count("changed") > 20
    assert not any(".tmp" in name for name in tree(many))


def test_each_folder_written_is_fsynced_once_when_all_is_done(
    tmp_path: Path, small_thresholds: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retag_module, "WRITE_BATCH", 3)  # many commits
    root = hugo_site(tmp_path, 60)
    write(root / "content" / "other" / "q.md", "---\ntags: [js]\n---\n")
    synced: list[Path] = []
    real_fsync_folder = edit.fsync_folder

    def record(folder: Path) -> None:
        synced.append(Path(folder))
        real_fsync_folder(folder)

    monkeypatch.setattr(edit, "fsync_folder", record)
    report, _ = scan(root, jobs=2)
    assert report.count("changed") > 20
    content = (root / "content").resolve()
    assert sorted(synced) == [content / "other", content / "posts"]


def test_a_post_changed_before_the_parent_writes_it_is_skipped(
    tmp_path: Path, small_thresholds: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers edit, this process writes: a file changed in between is left as it now is."""
    root = hugo_site(tmp_path, 40)
    target = root / "content" / "posts" / "p0009.md"
    changed = b"---\ntags: [js, changed]\n---\nedited meanwhile\n"
    real_write = edit.write_atomic

    def change_first(path, *args, **kwargs):
        if Path(path).name == "p0009.md":
            target.write_bytes(changed)
        return real_write(path, *args, **kwargs)

    monkeypatch.setattr(edit, "write_atomic", change_first)
    report, _ = scan(root, jobs=2)
    skipped = [r for r in report.results if Path(r.path).name == "p0009.md"]
    assert [r.status for r in skipped] == ["skipped"]
    assert "changed on disk since it was read" in skipped[0].reason
    assert target.read_bytes() == changed
    assert report.count("changed") > 10


@pytest.mark.parametrize("jobs", [1, 2])
def test_serial_and_parallel_retag_both_skip_a_post_saved_during_the_fsync(
    tmp_path: Path, small_thresholds: None, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """The parallel scan writes through WriteBatch, the serial one (jobs=1, or a site below
    PARALLEL_THRESHOLD posts) one file at a time: both check each file again right before its
    replace, so a save made while the temp file is fsynced is kept and the post skipped."""
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to name the file being fsynced")
    root = hugo_site(tmp_path, 40)
    target = root / "content" / "posts" / "p0001.md"
    saved_meanwhile = b"---\ntags: [js]\n---\nbody, and a paragraph saved meanwhile\n"
    real_fsync = os.fsync

    def save_during_fsync(fd: int) -> None:
        name = os.path.basename(os.readlink(f"/proc/self/fd/{fd}"))
        if name.startswith(f".{target.name}.") and target.read_bytes() != saved_meanwhile:
            target.write_bytes(saved_meanwhile)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", save_during_fsync)
    report, _ = scan(root, jobs=jobs)
    statuses = {Path(r.path).name: r.status for r in report.results}
    assert target.read_bytes() == saved_meanwhile
    assert statuses[target.name] == "skipped"
    assert report.count("changed") > 10
