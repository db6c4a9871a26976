"""The `postctl` command line: thin Typer commands over the library. Options are parsed here,
the work is done by the library modules, and the results are rendered with Rich."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from postctl import __version__

EXIT_OK = 0
EXIT_PROBLEMS = 1  # findings (lint), files that failed, or nothing matched where that matters
EXIT_USAGE = 2  # usage, configuration or I/O error

app = typer.Typer(
    name="postctl",
    help="Create, lint, list and retag the posts of a Jekyll, Hugo or plain Markdown blog.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"postctl {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Create, lint, list and retag the posts of a Jekyll, Hugo or plain Markdown blog.

    Every command takes PATH... (post files or folders; default: the site around the current
    folder) and `--site DIR`. Exit codes: 0 ok, 1 problems found, 2 usage or configuration error.
    """


# -- shared options and helpers -------------------------------------------------------------------


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(help="Post files or folders (default: the whole site).", show_default=False),
]
SiteOpt = Annotated[
    Path | None,
    typer.Option(
        "--site",
        help="The site's root folder (default: found from PATH or the current folder upwards).",
        show_default=False,
    ),
]
FormatOpt = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="Output format (table is plain text when piped)."),
]


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    typer.echo(f"postctl: error: {message}", err=True)
    raise typer.Exit(code)


def open_site(paths: Sequence[Path] | None, site_dir: Path | None):  # type: ignore[no-untyped-def]
    """The site and the post files a command works on; usage errors exit 2."""
    from postctl.config import ConfigError
    from postctl.site import SiteError, collect, find_site

    paths = list(paths or [])
    try:
        if site_dir is not None:
            site = find_site(site_dir, explicit=True)
        else:
            site = find_site(paths[0] if paths else None)
        return site, collect(site, paths)
    except (SiteError, ConfigError) as e:
        fail(str(e))


def load_site_posts(paths: Sequence[Path] | None, site_dir: Path | None):  # type: ignore[no-untyped-def]
    """(site, posts, errors): every post that loaded, and a PostError for each that did not,
    already reported on stderr."""
    from postctl.model import PostError
    from postctl.site import load_posts

    site, files = open_site(paths, site_dir)
    posts, errors = [], []
    for result in load_posts(site, files):
        (errors if isinstance(result, PostError) else posts).append(result)
    report_errors(errors)
    return site, posts, errors


def report_errors(errors: Sequence[Exception]) -> None:
    from postctl.output import display_path, safe_text

    for error in errors:
        where = getattr(error, "location", "")
        path = getattr(error, "path", None)
        if path is not None:
            where = where.replace(str(path), display_path(path), 1)
        code = getattr(error, "code", "")
        message = getattr(error, "message", str(error))
        typer.echo(safe_text(f"{where}: {code} {message}".replace("  ", " ")), err=True)


# -- commands ---------------------------------------------------------------------------


@app.command(
    "list",
    epilog="""**Examples**

```
postctl list                      # the site around the current folder
postctl list examples/blog        # a site elsewhere
postctl list -f json | jq '.[].title'
postctl list _posts/2024-*.md -f csv > posts.csv
```
""",
)
def list_command(
    paths: PathsArg = None,
    site: SiteOpt = None,
    output_format: FormatOpt = OutputFormat.table,
) -> None:
    """List posts, newest first: date, title, tags, categories and path."""
    from postctl.listing import DEFAULT_COLUMNS, post_json, post_row, sort_posts
    from postctl.output import display_path, write_records

    _, posts, errors = load_site_posts(paths, site)
    posts = sort_posts(posts)
    rows = [post_row(p) | {"path": display_path(p.path)} for p in posts]
    json_rows = [post_json(p) | {"path": row["path"]} for p, row in zip(posts, rows)]
    write_records(
        output_format.value,
        DEFAULT_COLUMNS,
        rows,
        json_rows,
        styles={"date": "cyan", "tags": "green", "categories": "magenta", "path": "dim"},
    )
    if errors:
        raise typer.Exit(EXIT_PROBLEMS)


class RetagFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def _term_options(name: str, metavar: str, text: str):  # type: ignore[no-untyped-def]
    return typer.Option(name, metavar=metavar, help=text, show_default=False)


@app.command(
    "retag",
    epilog="""**Examples**

```
postctl retag js javascript                  # rename a tag everywhere
postctl retag js javascript --merge JS --merge Javascript
postctl retag js javascript content/posts    # only below a folder
postctl retag --add python --tag django      # tag every post tagged django
postctl retag --remove draft-ideas --dry-run # show the diff, write nothing
postctl retag --field categories News news --ignore-case
postctl retag --move tutorial --to categories
```

The first two arguments are OLD and NEW unless --add, --remove or --move is given; the
other arguments are the posts (files or folders) to work on. Only the edited value's bytes
change: comments, quoting, key order, dates, line endings and the body stay as they were.

Exit codes: 0 done (or nothing to do), 1 some file was skipped or failed (each is listed with
the reason), 2 usage or configuration error.
""",
)
def retag_command(
    args: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="OLD NEW PATH",
            help="The term to rename and its new name, then post files or folders "
            "(default: the whole site).",
            show_default=False,
        ),
    ] = None,
    merge: Annotated[
        list[str] | None,
        _term_options("--merge", "OLD", "Another old term to merge into NEW (repeatable)."),
    ] = None,
    add: Annotated[
        list[str] | None, _term_options("--add", "TERM", "Add TERM where missing (repeatable).")
    ] = None,
    remove: Annotated[
        list[str] | None, _term_options("--remove", "TERM", "Remove TERM (repeatable).")
    ] = None,
    move: Annotated[
        list[str] | None,
        _term_options("--move", "TERM", "Move TERM from --field to the --to field (repeatable)."),
    ] = None,
    to: Annotated[
        str | None,
        _term_options(
            "--to",
            "FIELD",
            "Where --move puts terms (default: categories, or tags when --field is categories).",
        ),
    ] = None,
    field_name: Annotated[
        str,
        typer.Option(
            "--field", metavar="FIELD", help="The list field to edit: tags, categories or any."
        ),
    ] = "tags",
    ignore_case: Annotated[
        bool,
        typer.Option("--ignore-case", "-i", help="Match terms case-insensitively."),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Show a unified diff per file; write nothing."),
    ] = False,
    drop_empty: Annotated[
        bool | None,
        typer.Option(
            "--drop-empty/--keep-empty",
            help="When the last term goes, remove the key, or leave `tags: []` "
            "(default: config `retag.drop_empty`, else keep).",
            show_default=False,
        ),
    ] = None,
    site: SiteOpt = None,
    output_format: Annotated[
        RetagFormat,
        typer.Option("--format", "-f", help="Summary format (table is plain text when piped)."),
    ] = RetagFormat.table,
) -> None:
    """Rename, merge, add, remove or move tags (or any list field) across posts, changing
    only the bytes of the edited value."""
    from postctl.edit import unified_diff
    from postctl.output import display_path, is_terminal, make_console, write_records, write_table
    from postctl.retag import SUMMARY_COLUMNS, FileResult, RetagSpec, result_rows, retag

    args = list(args or [])
    rename: list[tuple[str, str]] = []
    if add or remove or move:
        if merge:
            fail("--merge goes with OLD NEW, not with --add, --remove or --move")
        paths = args
    else:
        if len(args) < 2:
            fail("give OLD NEW to rename, or --add, --remove or --move (see --help)")
        old, new, *paths = args
        rename = [(old, new)] + [(m, new) for m in merge or []]
    move_to = to
    if move and move_to is None:
        move_to = "tags" if field_name == "categories" else "categories"
    try:
        rule = RetagSpec(
            rename=tuple(rename),
            add=tuple(add or ()),
            remove=tuple(remove or ()),
            move=tuple(move or ()),
            field=field_name,
            move_to=move_to,
            ignore_case=ignore_case,
        )
    except ValueError as e:
        fail(str(e))
    loaded_site, posts, errors = load_site_posts([Path(p) for p in paths], site)
    if drop_empty is None:
        drop_empty = loaded_site.config["retag.drop_empty"]
    rule = dataclasses.replace(rule, drop_empty=drop_empty)

    show_diffs = dry_run and output_format is RetagFormat.table
    color = is_terminal() and "NO_COLOR" not in os.environ

    def on_result(result: FileResult) -> None:
        if show_diffs and result.status == "changed":
            sys.stdout.write(
                unified_diff(display_path(result.path), result.before, result.after, color)
            )

    report = retag(posts, rule, dry_run=dry_run, on_result=on_result)
    rows: list[dict] = []
    json_rows: list[dict] = []
    for result in report.results:
        for row in result_rows(result, dry_run):
            json_rows.append(row | {"path": str(result.path)})
            if dry_run and result.status == "changed":
                json_rows[-1]["diff"] = unified_diff(str(result.path), result.before, result.after)
            rows.append(row | {"path": display_path(result.path)})
    for error in errors:
        reason = f"does not parse: {error.message}"
        rows.append({"status": "skipped", "path": display_path(error.path), "reason": reason})
        json_rows.append({"status": "skipped", "path": str(error.path), "reason": reason})
    if output_format is not RetagFormat.table:
        write_records(output_format.value, SUMMARY_COLUMNS, rows, json_rows)
    else:
        # With --dry-run the diffs own stdout (so it can go to `patch`); the summary goes aside.
        console = make_console(stderr=show_diffs)
        if rows:
            write_table(
                SUMMARY_COLUMNS,
                rows,
                styles={"before": "red", "after": "green", "path": "dim"},
                console=console,
            )
        verb = "would change" if dry_run else "changed"
        console.file.write(
            f"{report.count('changed')} file(s) {verb}, "
            f"{report.count('skipped') + len(errors)} skipped, {report.count('failed')} failed "
            f"({report.examined + len(errors)} post(s) examined)\n"
        )
    if errors or not report.ok:
        raise typer.Exit(EXIT_PROBLEMS)


def main() -> None:
    """Console-script entry point: no traceback ever reaches the user."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("postctl: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:  # `postctl list | head`
        sys.stderr.close()
        sys.exit(EXIT_OK)
