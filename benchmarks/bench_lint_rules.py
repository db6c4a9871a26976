"""Time `postctl lint`'s per-post stage alone, without parsing: load every post of a site once
(as lint's workers load them), then run the per-post work lint adds (`PostLinter.__call__`:
the body read, every per-post rule, the site-wide rules' facts) over all of them, in this one
process, and print the microseconds per post, in total and rule by rule, and what sending
its results back costs (marshal, as `map_posts` sends them from a worker).

Each pass starts from posts as freshly loaded: the views a pass computed on a post (its
parsed date, terms, ...) are dropped before the next, as those are part of what linting a post
costs. (A Hugo post's `hugo_keys` table comes from a memo shared by the posts that list the
same keys, as in lint itself: passes after the first find it made.)

    python benchmarks/bench_lint_rules.py /work/bench/lint-10000 --runs 5
    python benchmarks/bench_lint_rules.py SITE --profile   # cProfile of one pass, by function
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import marshal
import os
import pstats
import statistics
import time
from pathlib import Path
from typing import Any

from postctl.lint import POST_FIELDS, PostLinter, selection_for
from postctl.model import Post, PostError
from postctl.site import collect, find_site


def fresh(posts: list[Post | PostError], bodies: dict[int, Any]) -> None:
    """Make every post as it was just after loading (its lazily computed views dropped)."""
    for post in posts:
        if isinstance(post, Post):
            state = post.__dict__
            for name in [n for n in state if n not in POST_FIELDS]:
                del state[name]
            if id(post) in bodies:
                state["_body"] = bodies[id(post)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one pass")
    args = parser.parse_args()
    gc.disable()  # as lint's workers run (`gc_paused`)
    site = find_site(args.site, explicit=True)
    files = collect(site, include_skipped=True)
    linter = PostLinter(site, selection_for(site), None, keep_posts=False)
    linter.ctx  # noqa: B018 - the settings, built once per process in a real run too
    posts: list[Post | PostError] = []
    for path in files:
        try:
            posts.append(site.load(path, keep_body=linter.reads_bodies))
        except PostError as e:
            posts.append(e)
    bodies = {id(p): p.__dict__["_body"] for p in posts if "_body" in p.__dict__}
    n = len(posts)
    print(f"{n} files, {len(linter.checks)} per-post rules active")

    if args.profile:
        fresh(posts, bodies)
        profile = cProfile.Profile()
        profile.enable()
        for post in posts:
            linter(post)
        profile.disable()
        pstats.Stats(profile).sort_stats(os.environ.get("SORT", "tottime")).print_stats(45)
        return

    # The whole per-post stage, as a worker runs it, plus marshalling what it sends back.
    totals, sending = [], []
    for _ in range(args.runs):
        fresh(posts, bodies)
        start = time.process_time()
        results = [linter(post) for post in posts]
        totals.append(time.process_time() - start)
        start = time.process_time()
        marshal.dumps(results)
        sending.append(time.process_time() - start)

    # Rule by rule: the same work split up (the body read, the post's traits, each check the
    # engine runs on it, the facts), each timed on its own. The first rule to use a shared
    # lookup (`Context.lookups`) pays for it.
    from postctl.rules import facts_fields

    ctx = linter.ctx
    parts: dict[str, list[float]] = {}
    clock = time.perf_counter_ns
    for _ in range(args.runs):
        fresh(posts, bodies)
        spent: dict[str, int] = {}
        for post in posts:
            if isinstance(post, PostError):
                continue
            start = clock()
            try:
                post.body  # noqa: B018
            except PostError:
                pass
            spent["body"] = spent.get("body", 0) + clock() - start
            start = clock()
            checks = linter.checks_for(post)  # without the rules the post's traits leave out
            spent["traits"] = spent.get("traits", 0) + clock() - start
            for check, code, _ in checks:
                start = clock()
                for _ in check(post, ctx):
                    pass
                spent[code] = spent.get(code, 0) + clock() - start
            if linter.needs_facts:
                start = clock()
                facts_fields(post, ctx)
                spent["facts"] = spent.get("facts", 0) + clock() - start
        start = clock()
        for _ in range(n):
            clock()
        overhead = (clock() - start) / n  # one clock reading, taken off each part
        for name, ns in spent.items():
            parts.setdefault(name, []).append((ns / n - overhead) / 1000)

    print(
        f"per-post stage: {statistics.median(totals) / n * 1e6:6.1f} us/post CPU median, "
        f"{min(totals) / n * 1e6:6.1f} best"
    )
    print(
        f"marshalling its results: {statistics.median(sending) / n * 1e6:6.1f} us/post CPU median, "
        f"{min(sending) / n * 1e6:6.1f} best"
    )
    print("split (median and best us/post; sum differs from the total by the timing itself):")
    ranked = sorted(parts.items(), key=lambda item: -min(item[1]))
    for name, values in ranked:
        print(f"  {name:<6} {statistics.median(values):6.2f} {min(values):6.2f}")
    medians = sum(statistics.median(v) for v in parts.values())
    print(f"  sum    {medians:6.2f} {sum(min(v) for v in parts.values()):6.2f}")


if __name__ == "__main__":
    main()
