"""Every command the postctl app registers, and how to run it over a hostile case.

The matrix is built from the app itself, so a command that lands later is covered the day it is
registered: its PATH argument gets the case's paths, any other positional argument a harmless
value (`PLACEHOLDERS`), and it runs once per `--format` choice it offers. What a command may do
to the files, and the exit codes it may give, come from `PROFILES`; an unknown command gets the
strict read-only profile (it must not touch any file) until someone says otherwise here.
"""

from __future__ import annotations

import enum
import functools
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass

import typer.main

from postctl.cli import EXIT_OK, EXIT_PROBLEMS, app


@dataclass(frozen=True)
class Profile:
    reads_posts: bool = True  # loads the posts in PATH, so must name each bad one, exit 1
    writes: bool = False  # may rewrite post files that read (never a bad one); not --dry-run
    creates: bool = False  # may create or move post files (a rewrite in place creates nothing)
    clean_exits: frozenset[int] = frozenset({EXIT_OK})  # exit codes when every post reads
    bad_exit: int = EXIT_PROBLEMS  # exit code when a post in PATH does not read
    strict_stderr: bool = True  # every stderr line is `path[:line[:col]]: ...` or `postctl: ...`
    # Names a bad post (and exits 1 for it) only when the post may hold the term it acts on
    # (retag, README): at least each one whose bytes spell RETAG_OLD.
    only_posts_with_the_term: bool = False


READ_ONLY = Profile()
PROFILES: dict[str, Profile] = {
    "list": READ_ONLY,
    "tags": READ_ONLY,
    "categories": READ_ONLY,
    "stats": READ_ONLY,
    # lint exits 1 for findings, and a strange-but-valid post may well have some.
    "lint": Profile(clean_exits=frozenset({EXIT_OK, EXIT_PROBLEMS}), strict_stderr=False),
    # With --dry-run retag's diffs own stdout and its summary table goes to stderr.
    "retag": Profile(writes=True, strict_stderr=False, only_posts_with_the_term=True),
    "publish": Profile(
        writes=True, creates=True, clean_exits=frozenset({0, 1, 2}), strict_stderr=False
    ),
    "unpublish": Profile(
        writes=True, creates=True, clean_exits=frozenset({0, 1, 2}), strict_stderr=False
    ),
    "new": Profile(reads_posts=False, writes=True, creates=True, strict_stderr=False),
    "rules": Profile(reads_posts=False),
}

# Commands whose positional arguments are not only PATH...: what comes before the PATHs.
# retag renames the tag the corpus's readable posts carry, so every rewrite is exercised
# (the matrix then checks that nothing but that tag changed).
RETAG_OLD, RETAG_NEW = "hostile", "renamed"
LEADING_ARGUMENTS: dict[str, list[str]] = {"retag": [RETAG_OLD, RETAG_NEW]}
# Extra runs of a command: each list of options is one more argv (`--dry-run` writes nothing).
VARIANTS: dict[str, list[list[str]]] = {"retag": [[], ["--dry-run"]]}
# Values for other positional arguments, by parameter name.
PLACEHOLDERS: dict[str, list[str]] = {"title": ["Hostile corpus check"]}
DEFAULT_PLACEHOLDER = ["zz-hostile"]


@functools.cache
def registered() -> dict[str, typing.Any]:
    """The app's commands by name (click command objects)."""
    return dict(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def must_report(name: str, case_files: dict[str, bytes], path: str) -> bool:
    """Whether command `name` must name the bad post at `path` (see Profile)."""
    if not profile(name).only_posts_with_the_term:
        return True
    return RETAG_OLD.encode() in case_files.get(path, b"")


def profile(name: str) -> Profile:
    return PROFILES.get(name, READ_ONLY)


def writes(argv: Sequence[str]) -> bool:
    """Whether this run may write: a writing command, not asked for a dry run."""
    return profile(argv[0]).writes and "--dry-run" not in argv


def _choices(param: typing.Any) -> list[str]:
    """The values a `--format`-style option accepts (Enum or Literal annotated)."""
    descriptor = getattr(param, "type_descriptor", None)
    annotation = getattr(descriptor, "annotation", None)
    click_type = getattr(param, "__dict__", {}).get("type")
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):  # `LintFormat | None`
        annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return [str(m.value) for m in annotation]
    if typing.get_origin(annotation) is typing.Literal:
        return [str(a) for a in typing.get_args(annotation)]
    if click_type is not None and hasattr(click_type, "choices"):
        return [str(c) for c in click_type.choices]
    return []


def _is_argument(param: typing.Any) -> bool:
    return type(param).__name__.endswith("Argument")


def invocations(name: str, paths: Sequence[str]) -> list[list[str]]:
    """Every way the matrix runs command `name` over `paths`: one argv per output format."""
    command = registered()[name]
    positional: list[str] = []
    takes_paths = False
    site_option = False
    formats: list[str] = []
    if name in LEADING_ARGUMENTS:
        positional.extend([*LEADING_ARGUMENTS[name], *paths])
        takes_paths = True
    for param in command.params:
        if _is_argument(param):
            if name in LEADING_ARGUMENTS:
                continue
            if param.name == "paths":
                takes_paths = True
                positional.extend(paths)
            elif param.required or param.nargs != -1:
                positional.extend(PLACEHOLDERS.get(param.name, DEFAULT_PLACEHOLDER))
        elif "--site" in param.opts:
            site_option = True
        elif "--format" in param.opts:
            formats = _choices(param)
        elif param.required:
            raise AssertionError(
                f"`postctl {name}` has a required option {param.opts}: tell "
                "tests/hostile/hostile_commands.py how to call it (PLACEHOLDERS)"
            )
    argv = [name, *positional]
    if not takes_paths and site_option:
        argv += ["--site", "."]
    runs = [[*argv, *extra] for extra in VARIANTS.get(name, [[]])]
    if not formats:
        return runs
    return [[*run, "--format", fmt] for run in runs for fmt in formats]


def takes_paths(name: str) -> bool:
    return name in LEADING_ARGUMENTS or any(
        p.name == "paths" and _is_argument(p) for p in registered()[name].params
    )


def representative(name: str, paths: Sequence[str]) -> list[list[str]]:
    """A few of a command's runs for the slower checks: its first (default) format, its JSON
    output, and the first run of each other variant (retag --dry-run)."""
    runs = invocations(name, paths)
    chosen = [runs[0], *(r for r in runs if r[-2:] == ["--format", "json"])]
    for extra in VARIANTS.get(name, [[]])[1:]:
        chosen.append(next(r for r in runs if all(option in r for option in extra)))
    unique: list[list[str]] = []
    for run in chosen:
        if run not in unique:
            unique.append(run)
    return unique
