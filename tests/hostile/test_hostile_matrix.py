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
from hostile_cases import CASES, Case, sentinel_path, write_case
from hostile_commands import invocations, profile, registered, takes_paths
from hostile_support import (
    assert_no_traceback,
    assert_reported,
    assert_stderr_lines,
    changed_entries,
    emulate_permissions,  # noqa: F401  (fixture)
    no_hang,  # noqa: F401  (fixture)
    snapshot,
)

from postctl.model import PostError, load_post

COMMANDS = sorted(registered())


def _label(argv: list[str]) -> str:
    """`list`, `list-json`: the command and its format, for test ids."""
    return f"{argv[0]}-{argv[-1]}" if "--format" in argv else argv[0]


MATRIX = [
    pytest.param(case, argv, id=f"{_label(argv)}[{case.id}]")
    for name in COMMANDS
    for case in CASES
    for argv in invocations(name, case.args)
]


def test_the_matrix_covers_the_commands_on_main() -> None:
    """The commands main had when this suite was written; the others join when registered."""
    assert {"list"} <= set(COMMANDS)
    assert {tuple(a) for a in invocations("list", ["."])} == {
        ("list", ".", "--format", f) for f in ("table", "json", "csv")
    }


@pytest.mark.parametrize(("case", "argv"), MATRIX)
def test_hostile_case(
    case: Case,
    argv: list[str],
    tmp_path: Path,
    run,  # type: ignore[no-untyped-def]
    emulate_permissions: bool,  # noqa: F811
    no_hang: None,  # noqa: F811
) -> None:
    site = write_case(case, tmp_path / "site")
    before = snapshot(site)
    result = run(*argv, cwd=site)
    after = snapshot(site)
    assert_no_traceback(result)
    name = argv[0]
    rules = profile(name)
    output = result.stdout + result.stderr
    in_scope = case.outcomes if takes_paths(name) else {}
    bad = {path: o for path, o in in_scope.items() if not o.ok}

    if rules.reads_posts and bad:
        assert result.exit_code == rules.bad_exit, output[-3000:]
        for path, outcome in bad.items():
            assert_reported(output, path, outcome)
    else:
        assert result.exit_code in rules.clean_exits, output[-3000:]
    if rules.strict_stderr:
        assert_stderr_lines(result.stderr, case)

    changed = changed_entries(before, after)
    if not rules.writes:
        assert not changed, f"`postctl {' '.join(argv)}` changed {sorted(changed)}"
    else:
        for path in changed:
            assert path not in case.bad, f"{path} did not read, yet it was written"
            if path in after:  # a rewritten, moved or created post: must be a post that reads
                full = site / path
                assert stat.S_ISREG(os.lstat(full).st_mode), path
                assert not isinstance(_load(full), PostError), f"{path} left unreadable"
    assert not sentinel_path(site).exists(), "a YAML tag ran code"


def _load(path: Path):  # type: ignore[no-untyped-def]
    try:
        return load_post(path)
    except PostError as e:
        return e
