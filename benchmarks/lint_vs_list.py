"""Time `postctl lint` against `postctl list` on a synthetic site (the issue's target: lint at
most 1.3 x list). Runs the commands alternately and keeps each one's best wall time, which is
the figure least disturbed by other work on the machine; the CPU time (user + system, all
processes) is shown beside it.

`postctl list` keeps a parse cache (`.postctl-cache/`), so it is timed both ways: `--no-cache`
parses every file, as lint does (lint reads every body for encoding damage, so it cannot be
answered from the cache), and warm, from the cache (one untimed run fills it first).

    python benchmarks/make_site.py /tmp/site --posts 10000 --kind hugo
    python benchmarks/lint_vs_list.py /tmp/site --runs 5
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path


def timed(command: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # Output goes to a pipe, as in CI; exit code 1 (findings) is expected for lint.
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    postctl = shutil.which("postctl") or str(Path(sys.executable).with_name("postctl"))
    site = str(args.site)
    commands = {
        "lint": [postctl, "lint", site],
        "list --no-cache": [postctl, "list", "--no-cache", site],
        "list (warm cache)": [postctl, "list", site],
    }
    timed(commands["list (warm cache)"])  # fill the cache
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(args.runs):  # alternate, so load on the machine hits all alike
        for name, command in commands.items():
            times[name].append(timed(command))
    best = {name: min(values) for name, values in times.items()}
    for name, (wall, cpu) in best.items():
        print(f"postctl {name:<18} {wall:6.2f} s wall, {cpu:6.2f} s CPU (best of {args.runs})")
    lint = best["lint"][0]
    print(f"lint / list --no-cache = {lint / best['list --no-cache'][0]:.2f} (wall)")
    print(f"lint / list (warm)     = {lint / best['list (warm cache)'][0]:.2f} (wall)")


if __name__ == "__main__":
    main()
