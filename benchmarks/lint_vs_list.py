"""Time `postctl lint` against `postctl list` on a synthetic site (the issue's target: lint at
most 1.3 x list). Runs the two commands alternately and keeps each one's best wall time, which
is the figure least disturbed by other work on the machine; the CPU time (user + system, all
processes) is shown beside it.

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
    times: dict[str, list[tuple[float, float]]] = {"list": [], "lint": []}
    for _ in range(args.runs):  # alternate, so load on the machine hits both alike
        for name in times:
            times[name].append(timed([postctl, name, str(args.site)]))
    best = {name: min(values) for name, values in times.items()}
    for name, (wall, cpu) in best.items():
        print(f"postctl {name:<5} {wall:6.2f} s wall, {cpu:6.2f} s CPU (best of {args.runs})")
    print(f"lint / list = {best['lint'][0] / best['list'][0]:.2f} (wall)")


if __name__ == "__main__":
    main()
