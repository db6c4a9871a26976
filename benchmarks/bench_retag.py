"""Time `postctl retag` renaming a tag that about 10% of a synthetic site's posts carry, next to
`postctl list` on the same site (target: retag <= 1.3 x list).

    python benchmarks/bench_retag.py                      # 10,000-post Hugo site, 5 rounds
    python benchmarks/bench_retag.py --kind jekyll --posts 10000 --rounds 3
    python benchmarks/bench_retag.py --site /path/to/site --old python --new py

Each round times both commands as a user runs them (a fresh `postctl` process, wall clock) on a
fresh copy of the site, so every retag really edits its files. Cold: the copy has no parse cache
yet (both commands parse every file; list writes the cache, retag edits each post where it
parses it and leaves the cache alone). Warm: an untimed `postctl list` has filled the cache first
(retag still edits every file it changes). No-cache: both run with `--no-cache` (every file
parsed, no cache read or written). The copy itself is not timed, and is flushed to disk before
the timed command (`os.sync`): otherwise retag's first fsyncs would pay for writing the copy.
Reported: the median and best of the rounds, the ratio of the medians, and what retag changed.

Each round also times the writes alone, on copies of their own: a plain script (WRITES) that
finds nothing and parses nothing, but is handed the paths of the files retag changes (found
untimed with `postctl list -t OLD -f paths`) and, in one process per CPU, reads each file,
replaces the tag's first occurrence, and writes it back the way retag must and does (temp file
in the same folder, fsync, `os.replace`, fsync of the folder; the fsyncs of 64 files at once, on
threads); then again without any fsync, which is less than retag may do. Their ratios to
`list` show what the file system alone costs; retag makes the same writes, and more.

And it times finding the posts alone: `postctl list -t OLD --count` (the same walk, cache and
filter retag needs before its first edit, nothing printed but a number). With a warm cache,
finding the posts, then writing them, is the least a retag can cost: every file is statted
(is its cache entry current?) before the first post is known, so the writes overlap only the
rest of the search (decoding the cached summaries); the "floor" line adds the two medians (the
writes script's own Python start, about 0.02 s, is counted with them). Cold and without a cache,
the posts are parsed as they are found and edited right there, so no such floor is shown.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import byte_compile_postctl  # noqa: E402


def postctl() -> list[str]:
    found = shutil.which("postctl", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "postctl"]


def timed(args: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return elapsed, done.stdout


# The writes retag makes, and nothing else, made as retag makes them (edit.WriteBatch): one
# process per CPU, 64 temp files at a time, fsynced together on 16 threads, then each replaces
# its file, which is still open and closed on the threads afterwards; the folder fsynced at the
# end. argv[1] holds the paths, argv[2] the old tag, argv[3] the new one, argv[4] "sync" or
# "nosync" (no fsync at all).
WRITES = """
import os, sys
from concurrent.futures import ThreadPoolExecutor
paths = [p for p in open(sys.argv[1], encoding="utf-8").read().split("\\n") if p]
old, new, sync = sys.argv[2].encode(), sys.argv[3].encode(), sys.argv[4] == "sync"
jobs = os.cpu_count() or 1
share, children = 0, []
for share in range(1, jobs):
    pid = os.fork()
    if pid == 0:
        break
    children.append(pid)
else:
    share = 0
threads = ThreadPoolExecutor(16)


def on_threads(fn, items):
    list(threads.map(lambda part: [fn(item) for item in part], [items[i::16] for i in range(16)]))


mine, folders = paths[share::jobs], set()
for start in range(0, len(mine), 64):
    begun = []
    for path in mine[start : start + 64]:
        held = os.open(path, os.O_RDONLY)
        mode = os.fstat(held).st_mode & 0o7777
        data = os.read(held, 1 << 24)
        folder, name = os.path.split(path)
        temp = os.path.join(folder, "." + name + ".tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        os.write(fd, data.replace(old, new, 1))
        begun.append((fd, held, temp, path))
        folders.add(folder)
    if sync:
        on_threads(os.fsync, [fd for fd, _, _, _ in begun])
    for fd, _, temp, path in begun:
        os.close(fd)
        os.replace(temp, path)
    # the replaced files closed on the threads, where their blocks are freed
    on_threads(os.close, [held for _, held, _, _ in begun])
for folder in folders if sync else ():
    fd = os.open(folder, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)
if share:
    os._exit(0)
for pid in children:
    os.waitpid(pid, 0)
"""


def fresh_copy(site: Path, work: Path, name: str) -> Path:
    target = work / name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(site, target, symlinks=True, ignore=shutil.ignore_patterns(".postctl-cache"))
    os.sync()
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="an existing site (default: generate one)")
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--kind", choices=("hugo", "jekyll"), default="hugo")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--old", default="python", help="the tag to rename (default: python)")
    parser.add_argument("--new", default="py")
    parser.add_argument("--cache", choices=("cold", "warm", "no-cache", "all"), default="all")
    options = parser.parse_args()
    byte_compile_postctl()

    site = options.site
    if site is None:
        from make_site import make_site

        site = HERE / ".sites" / f"{options.kind}-{options.posts}"
        if not site.exists():
            print(f"generating {site} ...", file=sys.stderr)
            make_site(site, options.posts, options.kind)
    command = postctl()
    modes = ("cold", "warm", "no-cache") if options.cache == "all" else (options.cache,)
    print(f"site: {site} ({options.rounds} rounds)")
    with tempfile.TemporaryDirectory(prefix="postctl-bench-") as tmp:
        work = Path(tmp)
        for mode in modes:
            list_times, retag_times = [], []
            write_times: dict[str, list[float]] = {"sync": [], "nosync": []}
            find_times: list[float] = []
            changed, rewritten = "", 0
            for _ in range(options.rounds):
                for name in ("list", "find", "retag", "sync", "nosync"):
                    copy = fresh_copy(site, work, name)
                    if mode == "warm":
                        timed([*command, "list", str(copy)])
                        os.sync()  # the cache it wrote, as the copy
                    extra = ["--no-cache"] if mode == "no-cache" else []
                    if name == "list":
                        elapsed, _ = timed([*command, "list", str(copy), *extra])
                        list_times.append(elapsed)
                    elif name == "find":
                        count = [*command, "list", "-t", options.old, "--count", str(copy)]
                        elapsed, _ = timed([*count, *extra])
                        find_times.append(elapsed)
                    elif name in write_times:
                        _, found = timed(
                            [*command, "list", "-t", options.old, "-f", "paths", *extra, str(copy)]
                        )
                        listed = work / "paths.txt"
                        paths = [str(Path(p).resolve()) for p in found.splitlines()]
                        listed.write_text("\n".join(paths), encoding="utf-8")
                        rewritten = len(paths)
                        os.sync()
                        args = [
                            sys.executable,
                            "-c",
                            WRITES,
                            str(listed),
                            options.old,
                            options.new,
                            name,
                        ]
                        elapsed, _ = timed(args)
                        write_times[name].append(elapsed)
                    else:
                        args = [*command, "retag", options.old, options.new, str(copy), *extra]
                        elapsed, out = timed(args)
                        retag_times.append(elapsed)
                        changed = out.strip().splitlines()[-1] if out.strip() else ""
            lm, rm = statistics.median(list_times), statistics.median(retag_times)
            print(f"{mode}:")
            print(f"  list : median {lm:.3f}s  best {min(list_times):.3f}s")
            print(f"  retag: median {rm:.3f}s  best {min(retag_times):.3f}s  ({changed})")
            print(f"  ratio retag/list (medians): {rm / lm:.2f}  (target <= 1.30)")
            fm = statistics.median(find_times)
            print(
                f"  finding the posts alone (list -t {options.old} --count): median {fm:.3f}s"
                f"  best {min(find_times):.3f}s  ratio to list {fm / lm:.2f}"
            )
            for name, label in (("sync", "fsync'd"), ("nosync", "no fsync")):
                wm = statistics.median(write_times[name])
                print(
                    f"  the writes alone ({rewritten} files), {label}: median {wm:.3f}s"
                    f"  best {min(write_times[name]):.3f}s  ratio to list {wm / lm:.2f}"
                )
            if mode == "warm":
                floor = fm + statistics.median(write_times["sync"])
                print(
                    f"  floor (finding + fsync'd writes): {floor:.3f}s"
                    f"  ratio to list {floor / lm:.2f}"
                )


if __name__ == "__main__":
    main()
