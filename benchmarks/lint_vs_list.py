"""Time `postctl lint` against `postctl list` on a synthetic site (the issue's target: lint at
most 1.3 x list). Runs the commands alternately, round after round, and shows two ratios: of
each command's best wall time (the figure least disturbed by other work on the machine), and
the median of the rounds' own ratios (a shared host's speed drifts over minutes, and a round's
lint and list run a second apart). The CPU time (user + system, all processes) is shown beside
the wall time, and the load average before and after.

Both commands keep a cache in `.postctl-cache/` (list: parsed posts; lint: each file's
findings), so each is timed cold (`--no-cache`: every file parsed and, for lint, checked) and
warm (one untimed run of each fills its cache first), and cold is compared with cold, warm with
warm.

The findings lint reports are shown first: printing them is part of its time (a site whose
posts all name a missing image has a warning on every post).

    python benchmarks/make_site.py /tmp/site --posts 10000 --kind hugo
    python benchmarks/lint_vs_list.py /tmp/site --runs 5
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import byte_compile_postctl


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


def findings(command: list[str]) -> str:
    """What lint reports on the site, by rule: how much of its time goes to reporting."""
    out = subprocess.run(command, capture_output=True, text=True, check=False).stdout
    codes = Counter(line.split(": ", 1)[1].split(" ", 1)[0] for line in out.splitlines())
    files = len({line.split(":", 1)[0] for line in out.splitlines()})
    by_code = ", ".join(f"{n} {code}" for code, n in sorted(codes.items()))
    return f"{sum(codes.values())} in {files} files ({by_code or 'none'})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    byte_compile_postctl()
    postctl = shutil.which("postctl") or str(Path(sys.executable).with_name("postctl"))
    site = str(args.site)
    commands = {
        "lint --no-cache": [postctl, "lint", "--no-cache", site],
        "list --no-cache": [postctl, "list", "--no-cache", site],
        "lint (warm cache)": [postctl, "lint", site],
        "list (warm cache)": [postctl, "list", site],
    }
    timed(commands["lint (warm cache)"])  # fill the caches
    timed(commands["list (warm cache)"])
    print(f"lint's findings: {findings(commands['lint (warm cache)'])}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(args.runs):  # alternate, so load on the machine hits all alike
        for name, command in commands.items():
            times[name].append(timed(command))
    print(f"load average after:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    best = {name: min(values) for name, values in times.items()}
    for name, (wall, cpu) in best.items():
        print(f"postctl {name:<18} {wall:6.2f} s wall, {cpu:6.2f} s CPU (best of {args.runs})")
    for kind in ("--no-cache", "(warm cache)"):
        lint, listing = best[f"lint {kind}"], best[f"list {kind}"]
        rounds = list(zip(times[f"lint {kind}"], times[f"list {kind}"]))
        wall = statistics.median(a[0] / b[0] for a, b in rounds)
        cpu = statistics.median(a[1] / b[1] for a, b in rounds)
        print(
            f"lint / list {kind:<13} = {lint[0] / listing[0]:.2f} (wall), "
            f"{lint[1] / listing[1]:.2f} (CPU) best against best; "
            f"{wall:.2f} (wall), {cpu:.2f} (CPU) median of the rounds' ratios"
        )
        each = " ".join(f"{a[0] / b[0]:.2f}" for a, b in rounds)
        print(f"  the rounds' wall ratios: {each}")


if __name__ == "__main__":
    main()
