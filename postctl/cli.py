"""The `postctl` command line: thin Typer commands over the library. Options are parsed here,
the work is done by the library modules, and the results are rendered with Rich."""

from __future__ import annotations

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


class LintFormat(str, Enum):
    table = "table"
    text = "text"
    json = "json"
    github = "github"


class RulesFormat(str, Enum):
    table = "table"
    json = "json"


@app.command(
    "lint",
    epilog="""**Examples**

```
postctl lint                          # the whole site around the current folder
postctl lint _posts/2024-*.md         # some files (site-wide rules still see every post)
postctl lint --strict                 # warnings fail too (exit 1)
postctl lint --select PC5 --ignore PC506   # tag rules only, without single-use terms
postctl lint -f github                # annotations in GitHub Actions
postctl lint -f json | jq '.[] | select(.severity == "error")'
postctl lint --explain PC601          # what a rule checks and why
```
""",
)
def lint_command(
    paths: PathsArg = None,
    site: SiteOpt = None,
    output_format: Annotated[
        LintFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="table (grouped by file; default on a terminal), text (one finding a line; "
            "default when piped), json, or github (workflow annotations).",
            show_default=False,
        ),
    ] = None,
    explain: Annotated[
        str | None,
        typer.Option("--explain", help="Explain one rule (code or name) and exit.", metavar="CODE"),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")] = False,
    select: Annotated[
        list[str] | None,
        typer.Option(
            "--select",
            help="Run only these rules (codes, prefixes such as PC5, or names); "
            "comma-separated or repeated. Replaces lint.select.",
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option("--ignore", help="Skip these rules (added to lint.ignore)."),
    ] = None,
    only_posts: Annotated[
        bool,
        typer.Option(
            "--only-posts",
            help="Skip named files that are not posts of the site (pre-commit passes every "
            "staged Markdown file).",
        ),
    ] = False,
) -> None:
    """Check posts' front matter (and bodies for encoding damage) against the rule catalogue
    (`postctl rules`). Exit 0 without errors, 1 with errors (or warnings with --strict),
    2 on usage or configuration errors."""
    from postctl import lint_format
    from postctl.config import ConfigError
    from postctl.lint import find_rule, lint_site
    from postctl.output import is_terminal
    from postctl.site import SiteError

    if explain is not None:
        rule = find_rule(explain)
        if rule is None:
            fail(f"--explain: no rule {explain!r} (see `postctl rules`)")
        typer.echo(lint_format.explain(rule), nl=False)
        return
    site_obj, files = open_site(paths, site)
    if only_posts:
        files = [f for f in files if site_obj.is_post(f)]
        if not files:
            return
    try:
        report = lint_site(
            site_obj,
            list(paths or []),
            select=_split(select),
            ignore=_split(ignore),
            files=files,
        )
    except (SiteError, ConfigError) as e:
        fail(str(e))
    fmt = output_format.value if output_format else ("table" if is_terminal() else "text")
    if fmt == "table":
        lint_format.write_table(report)
    elif fmt == "json":
        lint_format.write_findings_json(report.findings)
    elif fmt == "github":
        lint_format.write_github(report.findings)
    else:
        lint_format.write_text(report.findings)
    if report.failed(strict):
        raise typer.Exit(EXIT_PROBLEMS)


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


@app.command(
    "rules",
    epilog="""**Examples**

```
postctl rules                 # every lint rule: code, name, severity, fixable
postctl rules -f json | jq '.[] | select(.fixable)'
postctl lint --explain PC503  # one rule in full
```
""",
)
def rules_command(
    output_format: Annotated[
        RulesFormat, typer.Option("--format", "-f", help="Output format.")
    ] = RulesFormat.table,
) -> None:
    """List the lint rules with their stable codes, names and default severities."""
    from postctl.lint_format import write_rules
    from postctl.rules import RULES

    write_rules(sorted(RULES.values(), key=lambda r: r.code), output_format.value)


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
