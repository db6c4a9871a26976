"""Time `postctl lint` against `postctl list` on a synthetic site (the issue's target: lint at
most 1.3 x list). Runs the two commands alternately and keeps each one's best wall time, which
is the figure least disturbed by other work on the machine.

    python benchmarks/make_site.py /tmp/site --posts 10000 --kind hugo
    python benchmarks/lint_vs_list.py /tmp/site --runs 5
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path


def best_time(command: list[str], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        # Output goes to a pipe, as in CI; exit code 1 (findings) is expected for lint.
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    postctl = shutil.which("postctl") or str(Path(sys.executable).with_name("postctl"))
    times: dict[str, list[float]] = {"list": [], "lint": []}
    for _ in range(args.runs):  # alternate, so load on the machine hits both alike
        for name in times:
            times[name].append(best_time([postctl, name, str(args.site)], 1))
    best = {name: min(values) for name, values in times.items()}
    for name, value in best.items():
        print(f"postctl {name:<5} {value:6.2f} s (best of {args.runs})")
    print(f"lint / list = {best['lint'] / best['list']:.2f}")


if __name__ == "__main__":
    main()
