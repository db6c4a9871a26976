"""Every hostile case through every command the app registers, in every output format.

For each run: no traceback; the exit code the README's table gives (1 when a post in scope does
not read, whatever the command); each bad post named on a line of its own as
`path[:line[:col]]: CODE message`; no file changed, created or removed (a writing command may
change only posts that read, and may leave no temp file); and no YAML tag ever ran code.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hostile_cases import CASES, Case, Outcome, sentinel_path, write_case
from hostile_commands import (
    EXIT_OK,
    RETAG_NEW,
    RETAG_OLD,
    invocations,
    must_report,
    profile,
    registered,
    takes_paths,
    writes,
)
from hostile_support import (
    assert_no_traceback,
    assert_reported,
    assert_stderr_lines,
    changed_entries,
    cli,  # noqa: F401  (fixture)
    emulate_permissions,  # noqa: F401  (fixture)
    no_hang,  # noqa: F401  (fixture)
    snapshot,
)

from postctl.model import PostError, load_post

COMMANDS = sorted(registered())


MATRIX = [pytest.param(name, case, id=f"{name}[{case.id}]") for name in COMMANDS for case in CASES]


def test_the_matrix_covers_the_commands_on_main() -> None:
    """The commands main had when this suite was written; the others join when registered."""
    assert {"list", "retag"} <= set(COMMANDS)
    assert {tuple(a) for a in invocations("list", ["."])} >= {
        ("list", ".", "--format", f) for f in ("table", "json", "csv")
    }
    assert ["retag", "hostile", "renamed", ".", "--dry-run", "--format", "json"] in invocations(
        "retag", ["."]
    )


@pytest.mark.usefixtures("emulate_permissions", "no_hang")
@pytest.mark.parametrize(("name", "case"), MATRIX)
def test_hostile_case(name: str, case: Case, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Every run of command `name` (each format, each variant) over the case. Runs that may not
    write share one copy of the site (they must leave it as it was); each writing run gets its
    own."""
    shared: Path | None = None
    for number, argv in enumerate(invocations(name, case.args)):
        if writes(argv) or shared is None:
            site = write_case(case, tmp_path / f"run-{number}" / "site")
            if not writes(argv):
                shared = site
        else:
            site = shared
        check_run(argv, case, site, cli)


def check_run(argv: list[str], case: Case, site: Path, invoke) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(site)
    result = invoke(argv, site)
    after = snapshot(site)
    context = f"`postctl {' '.join(argv)}`"
    assert_no_traceback(result)
    name = argv[0]
    rules = profile(name)
    output = result.stdout + result.stderr
    in_scope = case.outcomes if takes_paths(name) else {}
    bad = {path: o for path, o in in_scope.items() if not o.ok}

    passed_over = False
    if rules.only_posts_with_the_term:
        # Named at least where the bytes spell the term; the others may be passed over.
        required = {p: o for p, o in bad.items() if must_report(name, case.files, p)}
        passed_over, bad = bool(bad) and not required, required
    if rules.reads_posts and bad:
        assert result.exit_code == case.exit_code == rules.bad_exit, f"{context}\n{output[-3000:]}"
        for path, outcome in bad.items():
            assert_reported(output, path, outcome, result.stdout)
    elif passed_over:  # exit 0, or 1 where a bad post was named to be safe
        assert result.exit_code in (EXIT_OK, rules.bad_exit), f"{context}\n{output[-3000:]}"
    else:
        assert result.exit_code in rules.clean_exits, f"{context}\n{output[-3000:]}"
    if rules.strict_stderr:
        assert_stderr_lines(result.stderr, case)

    changed = changed_entries(before, after)
    if not writes(argv):
        assert not changed, f"{context} changed {sorted(changed)}"
    for path in changed:
        assert path not in case.bad, f"{context}: {path} did not read, yet it was written"
        if not rules.creates:  # a rewrite in place: no new file (a temp file left behind)
            assert path in before, f"{context} left {path} behind"
        if path in after:  # a rewritten, moved or created post: must be a post that reads
            full = site / path
            assert stat.S_ISREG(os.lstat(full).st_mode), path
            assert not isinstance(_load(full), PostError), f"{context} left {path} unreadable"
        if name == "retag" and path in case.files:
            # Only the renamed tag changed: BOM, CRLF, comments, quoting and body as they were.
            expected = case.files[path].replace(RETAG_OLD.encode(), RETAG_NEW.encode())
            assert (site / path).read_bytes() == expected, f"{context} changed more than a tag"
    assert not sentinel_path(site).exists(), "a YAML tag ran code"


def _load(path: Path):  # type: ignore[no-untyped-def]
    try:
        return load_post(path)
    except PostError as e:
        return e


@pytest.mark.parametrize(
    ("output", "where", "found"),
    [
        ("post.md:2:14: PC004 YAML: mapping values are not allowed\n", ":2:14", True),
        ("post.md:2:15: PC004 YAML: mapping values are not allowed\n", ":2:14", False),
        ("post.md: PC004 YAML: mapping values are not allowed\n", ":2:14", False),
        ("post.md:2:14: PC005 YAML: mapping values are not allowed\n", ":2:14", False),
        ("post.md:2:14: PC004 YAML: mapping values\n  are not allowed\n", ":2:14", False),
        ("post.md:2:7: PC004 YAML: mapping values are not allowed [error]\n", ":2:", True),
        ("post.md: PC004 YAML: mapping values are not allowed\n", "", True),
        ("post.md:1:1: PC004 YAML: mapping values are not allowed\n", "", False),
        ("post.md:9: PC004 YAML: mapping values are not allowed\n", None, True),
        (
            "::error file=post.md,line=2,col=14,title=PC004 syntax::YAML: mapping values are "
            "not allowed\n",
            ":2:14",
            True,
        ),
        (
            "::error file=post.md,line=3,col=14,title=PC004 syntax::YAML: mapping values are "
            "not allowed\n",
            ":2:14",
            False,
        ),
        (
            '[{"path": "post.md", "line": 2, "col": 14, "code": "PC004", '
            '"message": "YAML: mapping values are not allowed"}]',
            ":2:14",
            True,
        ),
        (
            '[{"path": "post.md", "line": 2, "col": 1, "code": "PC004", '
            '"message": "YAML: mapping values are not allowed"}]',
            ":2:14",
            False,
        ),
        (
            "post.md\n      2:14  error    PC004  YAML: mapping values are not allowed  syntax\n",
            ":2:14",
            True,
        ),
        (
            "post.md\n         -  error    PC004  YAML: mapping values are not allowed  syntax\n",
            ":2:14",
            False,
        ),
        (
            "other.md\n      2:14  error    PC004  YAML: mapping values are not allowed\n",
            ":2:14",
            False,
        ),
    ],
)
def test_the_report_check_accepts_each_output_shape_and_nothing_else(
    output: str, where: str | None, found: bool
) -> None:
    """assert_reported itself: one line, GitHub annotation, JSON record or grouped table, with
    the position exactly as the case states it."""
    outcome = Outcome("PC004", "mapping values are not allowed", where)
    if found:
        assert_reported(output, "post.md", outcome)
    else:
        with pytest.raises(AssertionError):
            assert_reported(output, "post.md", outcome)
