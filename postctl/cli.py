"""The `postctl` command line: thin Typer commands over the library. Options are parsed here,
the work is done by the library modules, and the results are rendered with Rich."""

from __future__ import annotations

import copy
import dataclasses
import gc
import os
import sys
from collections.abc import Sequence
from enum import Enum
from functools import partial
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


def open_site(  # type: ignore[no-untyped-def]
    paths: Sequence[Path] | None,
    site_dir: Path | None,
    *,
    as_strings: bool = False,
    include_skipped: bool = False,
):
    """The site and the post files a command works on (absolute path strings with
    `as_strings`, else Paths); usage errors exit 2. `include_skipped`: also files the
    generator passes over (lint reports them)."""
    from postctl.config import ConfigError
    from postctl.site import SiteError, collect_files, find_site

    paths = list(paths or [])
    try:
        if site_dir is not None:
            site = find_site(site_dir, explicit=True)
        else:
            site = find_site(paths[0] if paths else None)
        files = collect_files(site, paths, include_skipped=include_skipped)
    except (SiteError, ConfigError) as e:
        fail(str(e))
    return site, files if as_strings else [Path(f) for f in files]


def find_site_or_fail(site_dir: Path | None, start: Path | None = None):  # type: ignore[no-untyped-def]
    """The site a command works in, without collecting its posts; usage errors exit 2."""
    from postctl.config import ConfigError
    from postctl.site import SiteError, find_site

    try:
        if site_dir is not None:
            return find_site(site_dir, explicit=True)
        return find_site(start)
    except (SiteError, ConfigError) as e:
        fail(str(e))


NoCacheOpt = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Parse every file; neither read nor write the parse cache (`.postctl-cache/`).",
    ),
]


def stream_site_posts(
    paths: Sequence[Path] | None,
    site_dir: Path | None,
    *,
    no_cache: bool = False,
    summaries: bool = False,
    each=None,  # type: ignore[no-untyped-def]
):  # type: ignore[no-untyped-def]
    """(site, posts, errors) where `posts` is an iterator over the posts that load, one at a
    time (PostSummary objects with `summaries`: enough for normalized fields, and far cheaper
    from the cache; `each` of each post with `each`, see iter_posts); each one that does not
    load is reported on stderr and added to `errors` as it comes."""
    from postctl.model import PostError
    from postctl.site import iter_posts

    site, files = open_site(paths, site_dir, as_strings=True)
    errors: list[PostError] = []

    def posts():  # type: ignore[no-untyped-def]
        for result in iter_posts(
            site,
            files,
            cache=False if no_cache else None,
            complete=not paths,
            summaries=summaries,
            each=each,
        ):
            if isinstance(result, PostError):
                errors.append(result)
                report_errors([result])
            else:
                yield result

    return site, posts(), errors


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


# -- post filters (shared by every command that picks posts: list, tags, stats, retag) ---------

FILTERS = "Filters"
_TERMS_HELP = (
    " Compared as the site's generator does: case-insensitively on Hugo sites, spaces as"
    " hyphens (Hugo's term key: `Static Sites` is `static-sites`), exactly on Jekyll and plain"
    " sites (see --ignore-case)."
)
TagOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--tag",
        "-t",
        help="Only posts with this tag; repeat for posts with all of them." + _TERMS_HELP,
        rich_help_panel=FILTERS,
        show_default=False,
    ),
]
AnyTagOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--any-tag",
        help="Only posts with at least one of these tags (repeat it).",
        rich_help_panel=FILTERS,
        show_default=False,
    ),
]
CategoryOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--category",
        "-c",
        help="Only posts in this category; repeat for posts in all of them." + _TERMS_HELP,
        rich_help_panel=FILTERS,
        show_default=False,
    ),
]
AuthorOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--author",
        help="Only posts by this author (any case); repeat for posts by any of them.",
        rich_help_panel=FILTERS,
        show_default=False,
    ),
]
SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since",
        metavar="DATE",
        help="Only posts dated on or after DATE (YYYY-MM-DD, or with a time and zone).",
        rich_help_panel=FILTERS,
        show_default=False,
    ),
]
UntilOpt = Annotated[
    str | None,
    typer.Option(
        "--until",
        metavar="DATE",
        help="Only posts dated on or before DATE (a date alone includes that whole day).",
        rich_help_panel=FILTERS,
        show_default=False,
    ),
]
DraftsOpt = Annotated[
    bool | None,
    typer.Option(
        "--drafts/--no-drafts",
        help="Include drafts (the default) or leave them out.",
        rich_help_panel=FILTERS,
        show_default=False,
    ),
]
OnlyDraftsOpt = Annotated[
    bool,
    typer.Option("--only-drafts", help="Only drafts.", rich_help_panel=FILTERS),
]
WhereOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--where",
        metavar="KEY=VALUE",
        help="Only posts whose front-matter KEY (dotted for nested: params.series) is VALUE, "
        "or is a list holding VALUE; repeat for all of them. A VALUE that is a date matches "
        "the same date however the file writes it (2024-05-01 is that whole day).",
        rich_help_panel=FILTERS,
        show_default=False,
    ),
]
MissingOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--missing",
        metavar="KEY",
        help="Only posts without KEY (absent, empty or null); repeatable.",
        rich_help_panel=FILTERS,
        show_default=False,
    ),
]
TitleOpt = Annotated[
    str | None,
    typer.Option(
        "--title",
        metavar="TEXT",
        help="Only posts whose title contains TEXT (any case).",
        rich_help_panel=FILTERS,
        show_default=False,
    ),
]
IgnoreCaseOpt = Annotated[
    bool,
    typer.Option(
        "--ignore-case",
        "-i",
        help="Compare tags, categories and --where values case-insensitively on every site.",
        rich_help_panel=FILTERS,
    ),
]


def build_filter(
    *,
    tag: list[str] | None = None,
    any_tag: list[str] | None = None,
    category: list[str] | None = None,
    author: list[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    drafts: bool | None = None,
    only_drafts: bool = False,
    where: list[str] | None = None,
    missing: list[str] | None = None,
    title: str | None = None,
    ignore_case: bool = False,
):  # type: ignore[no-untyped-def]
    """The PostFilter the filter options describe; a bad value exits 2 naming the option."""
    from postctl.listing import PostFilter, parse_bound, parse_where

    if only_drafts and drafts is False:
        fail("--only-drafts and --no-drafts contradict each other")
    try:
        since_bound = parse_bound(since) if since is not None else None
        until_bound = parse_bound(until) if until is not None else None
    except ValueError as e:
        fail(f"--since/--until: {e}")
    try:
        pairs = tuple(parse_where(w) for w in where or ())
    except ValueError as e:
        fail(f"--where: {e}")
    return PostFilter(
        tags=tuple(tag or ()),
        any_tags=tuple(any_tag or ()),
        categories=tuple(category or ()),
        authors=tuple(author or ()),
        since=since_bound,
        until=until_bound,
        drafts="only" if only_drafts else "exclude" if drafts is False else "include",
        where=pairs,
        missing=tuple(missing or ()),
        title=title,
        ignore_case=ignore_case,
    )


def finish(errors: Sequence[Exception], matched: int, filtered: bool) -> NoReturn:
    """Exit 1 when a post failed to load (counted on stderr) or when filters matched nothing."""
    if errors:
        typer.echo(f"postctl: {len(errors)} post(s) could not be read", err=True)
        leave(EXIT_PROBLEMS)
    leave(EXIT_PROBLEMS if filtered and matched == 0 else EXIT_OK)


# True in postctl's own process (main), not under a test's CliRunner or in a program that
# imports postctl: see `leave`.
_OWN_PROCESS = False
# What a command in postctl's own process is done with but need not free (see leave).
_SPENT: list[object] = []


def leave(code: int) -> NoReturn:
    """End a command that reads posts and has written its output, with exit status `code`. In
    postctl's own process the output is flushed and the process ends right here: freeing what
    the command built (100,000 rows) one object at a time, then tearing the interpreter down,
    took 55 ms of a 1.1 s warm `list` of 100,000 posts, for memory the system takes back anyway.
    Nothing else is pending by then (the parse cache commits each batch it writes)."""
    if not _OWN_PROCESS:
        raise typer.Exit(code)
    try:
        sys.stdout.flush()
    except OSError as e:  # a full disk under `postctl list > file`
        os.write(2, f"postctl: cannot write the output: {e.strerror or e}\n".encode())
        code = EXIT_USAGE
    try:
        sys.stderr.flush()
    except OSError:
        pass
    os._exit(code)


# -- commands ---------------------------------------------------------------------------


class ListFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    paths = "paths"


class SortKey(str, Enum):
    date = "date"
    title = "title"
    author = "author"
    path = "path"


@app.command(
    "list",
    epilog="""**Examples**

```
postctl list                              # the site around the current folder
postctl list examples/blog                # a site elsewhere
postctl list -t python -t testing         # posts tagged both
postctl list --any-tag go --any-tag rust --since 2024-01-01
postctl list --only-drafts --sort title
postctl list --missing description -f paths | xargs $EDITOR
postctl list -t draft-me -f paths -0 | xargs -0 postctl publish
postctl list --where layout=post --count
postctl list --where updated=2024-05-01T10:00:00Z   # a date as the file writes it
postctl list --columns date,title,author --limit 10
postctl list -f json | jq '.[].title'
```

Exit codes: 0 listed, 1 a post could not be read, the filters matched nothing (like grep), or
-f paths left out a path with a line break (use -0), 2 usage or configuration error.
""",
)
def list_command(
    paths: PathsArg = None,
    site: SiteOpt = None,
    output_format: Annotated[
        ListFormat,
        typer.Option(
            "--format",
            "-f",
            help="table (plain text when piped), json, csv, or paths (one per line, for xargs; "
            "a path with a line break is left out and named on stderr, see --null).",
        ),
    ] = ListFormat.table,
    null: Annotated[
        bool,
        typer.Option(
            "--null",
            "-0",
            help="With -f paths: end each path with a NUL byte instead of a line break, for "
            "`xargs -0` (every path is printed, whatever its name holds).",
        ),
    ] = False,
    columns: Annotated[
        str | None,
        typer.Option(
            "--columns",
            help="Comma-separated columns for table and csv: date, title, author, tags, "
            "categories, draft, format, slug, path.",
            show_default="date,title,tags,categories,path",
        ),
    ] = None,
    sort: Annotated[
        SortKey, typer.Option("--sort", "-s", help="Order: date is newest first.")
    ] = SortKey.date,
    reverse: Annotated[bool, typer.Option("--reverse", "-r", help="Reverse the order.")] = False,
    limit: Annotated[
        int | None,
        typer.Option("--limit", "-n", min=0, help="Show at most N posts.", show_default=False),
    ] = None,
    count: Annotated[
        bool, typer.Option("--count", help="Print only the number of matching posts.")
    ] = False,
    no_cache: NoCacheOpt = False,
    tag: TagOpt = None,
    any_tag: AnyTagOpt = None,
    category: CategoryOpt = None,
    author: AuthorOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    drafts: DraftsOpt = None,
    only_drafts: OnlyDraftsOpt = False,
    where: WhereOpt = None,
    missing: MissingOpt = None,
    title: TitleOpt = None,
    ignore_case: IgnoreCaseOpt = False,
) -> None:
    """List posts, newest first: date, title, tags, categories and path."""
    from postctl.listing import (
        COLUMNS,
        DEFAULT_COLUMNS,
        list_entry,
        listed,
        post_json,
        row_maker,
    )
    from postctl.output import (
        PlainTable,
        console_is_terminal,
        path_displayer,
        safe_cells,
        safe_text,
        write_json,
        write_paths,
        write_text_csv,
        write_text_table,
    )

    chosen = tuple(c.strip() for c in columns.split(",") if c.strip()) if columns else ()
    unknown = [c for c in chosen if c not in COLUMNS]
    if unknown or (columns is not None and not chosen):
        fail(
            f"--columns: unknown column {', '.join(unknown) or '(none given)'}; "
            f"choose from {', '.join(COLUMNS)}"
        )
    chosen = chosen or DEFAULT_COLUMNS
    if null and output_format is not ListFormat.paths:
        fail("--null goes with --format paths")
    left_out: list[str] = []  # -f paths: the paths it cannot print (see has_line_break)
    post_filter = build_filter(
        tag=tag,
        any_tag=any_tag,
        category=category,
        author=author,
        since=since,
        until=until,
        drafts=drafts,
        only_drafts=only_drafts,
        where=where,
        missing=missing,
        title=title,
        ignore_case=ignore_case,
    )
    fmt = output_format.value
    display_path = path_displayer()
    if count:
        item = None
    elif fmt == "json":

        def item(post):  # type: ignore[no-untyped-def]
            return post_json(post) | {"path": display_path(post.path)}

    elif fmt == "paths":
        item = lambda post: display_path(post.path)  # noqa: E731
    else:
        cells = row_maker(chosen, display_path)
        item = (lambda post: safe_cells(cells(post))) if fmt == "table" else cells
    _, entries, errors = stream_site_posts(
        paths,
        site,
        no_cache=no_cache,
        summaries=fmt != "json" and not post_filter.needs_front_matter,
        each=post_filter.applied(list_entry(item, sort.value)),
    )
    # A table for a pipe or a file is laid out before the sort (see listing.listed).
    table = (
        PlainTable(chosen)
        if fmt == "table" and not count and limit is None and not console_is_terminal()
        else None
    )
    # (`--limit 0` shows nothing, but what matched still decides the exit status)
    items = listed(
        entries,
        sort.value,
        reverse,
        limit or None,
        table.lay_out if table else None,
        spent=_SPENT if _OWN_PROCESS else None,
    )
    matched = len(items)
    items = items[:limit]
    if count:
        typer.echo(len(items))
    elif fmt == "paths":
        left_out = write_paths(items, null)
        for path in left_out:
            typer.echo(
                f"postctl: {safe_text(path)}: left out, the name holds a line break "
                "(use -0/--null)",
                err=True,
            )
    elif fmt == "json":
        write_json(items)
    elif fmt == "csv":
        write_text_csv(chosen, items)
    elif table is not None:
        table.write(items)
    else:
        write_text_table(
            chosen,
            items,
            styles={"date": "cyan", "tags": "green", "categories": "magenta", "path": "dim"},
        )
    if left_out and not errors:
        leave(EXIT_PROBLEMS)
    finish(errors, matched, not post_filter.is_empty)


class TermSort(str, Enum):
    count = "count"
    name = "name"


def _terms_command(
    field_name: str,
    paths: list[Path] | None,
    site_dir: Path | None,
    output_format: OutputFormat,
    sort: TermSort,
    similar: bool,
    limit: int | None,
    no_cache: bool,
    post_filter,  # type: ignore[no-untyped-def]
) -> None:
    from postctl.listing import term_key_function
    from postctl.output import bar, console_is_terminal, write_json, write_records
    from postctl.stats import TermCounter, distinct_terms, similar_groups

    site, terms_of_posts, errors = stream_site_posts(
        paths,
        site_dir,
        no_cache=no_cache,
        summaries=field_name in ("tags", "categories") and not post_filter.needs_front_matter,
        each=post_filter.applied(partial(distinct_terms, field_name=field_name)),
    )
    # --similar shows every spelling on its own, so the user sees what there is to merge.
    term_key = None if similar else term_key_function(site.kind, post_filter.ignore_case)
    counter = TermCounter(field_name, term_key)
    matched = counter.add_all(terms_of_posts)
    counts = counter.result(sort.value)
    fmt = output_format.value
    # (`--limit 0` shows nothing, but what there was still decides the exit status)
    if similar:
        groups = similar_groups(counts)
        found = len(groups)
        groups = groups[:limit]
        if fmt == "json":
            write_json(
                [
                    {
                        "posts": sum(c.count for c in g),
                        "terms": [{"term": c.term, "posts": c.count} for c in g],
                    }
                    for g in groups
                ]
            )
        else:
            rows = [
                {
                    "posts": sum(c.count for c in g),
                    "terms": "  ".join(f"{c.term} ({c.count})" for c in g),
                }
                for g in groups
            ]
            write_records(fmt, ("posts", "terms"), rows, styles={"terms": "yellow"})
        finish(errors, found, True)
    found = len(counts)
    counts = counts[:limit]
    top = max((c.count for c in counts), default=0)
    if fmt == "json":
        write_json(
            [{"term": c.term, "posts": c.count, "spellings": list(c.spellings)} for c in counts]
        )
    elif fmt == "csv":
        write_records(fmt, ("term", "posts"), [{"term": c.term, "posts": c.count} for c in counts])
    else:
        rows = [{"term": c.term, "posts": c.count, "": bar(c.count, top)} for c in counts]
        write_records(fmt, ("term", "posts", ""), rows, styles={"term": "green", "": "cyan"})
        if console_is_terminal():
            noun = "category" if field_name == "categories" else field_name.rstrip("s")
            typer.echo(f"{len(counts)} {noun} term(s) over {matched} post(s)")
    finish(errors, found, not post_filter.is_empty)


_TERMS_EPILOG = """**Examples**

```
postctl tags                          # every tag with its number of posts, most used first
postctl tags --sort name -f csv
postctl tags --similar                # Python / python / py-thon: candidates for retag
postctl tags --field categories       # the same as `postctl categories`
postctl tags --since 2024-01-01 -n 20 # the 20 most used tags of recent posts
postctl categories -f json
```

Hugo sites count `Python` and `python`, and `Static Sites` and `static-sites`, as one term (as
Hugo does, by its lower-cased URL form) and show the most used spelling; Jekyll and plain sites
count them apart (--ignore-case folds case).

Exit codes: 0 counted, 1 a post could not be read, filters matched no post, or --similar found
no group (like grep), 2 usage or configuration error.
"""


@app.command("tags", epilog=_TERMS_EPILOG)
def tags_command(
    paths: PathsArg = None,
    site: SiteOpt = None,
    field_name: Annotated[
        str,
        typer.Option("--field", help="The taxonomy to count: tags, categories or any list key."),
    ] = "tags",
    output_format: FormatOpt = OutputFormat.table,
    sort: Annotated[TermSort, typer.Option("--sort", "-s", help="Order.")] = TermSort.count,
    similar: Annotated[
        bool,
        typer.Option(
            "--similar",
            help="Show groups of terms that look alike (case, spaces, hyphens, underscores, "
            "slug, singular/plural): what to merge with `postctl retag`.",
        ),
    ] = False,
    limit: Annotated[
        int | None,
        typer.Option("--limit", "-n", min=0, help="Show at most N terms.", show_default=False),
    ] = None,
    no_cache: NoCacheOpt = False,
    tag: TagOpt = None,
    any_tag: AnyTagOpt = None,
    category: CategoryOpt = None,
    author: AuthorOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    drafts: DraftsOpt = None,
    only_drafts: OnlyDraftsOpt = False,
    where: WhereOpt = None,
    missing: MissingOpt = None,
    title: TitleOpt = None,
    ignore_case: IgnoreCaseOpt = False,
) -> None:
    """Each tag (or other taxonomy term) with its number of posts and a bar."""
    post_filter = build_filter(
        tag=tag,
        any_tag=any_tag,
        category=category,
        author=author,
        since=since,
        until=until,
        drafts=drafts,
        only_drafts=only_drafts,
        where=where,
        missing=missing,
        title=title,
        ignore_case=ignore_case,
    )
    _terms_command(
        field_name, paths, site, output_format, sort, similar, limit, no_cache, post_filter
    )


@app.command("categories", epilog=_TERMS_EPILOG)
def categories_command(
    paths: PathsArg = None,
    site: SiteOpt = None,
    output_format: FormatOpt = OutputFormat.table,
    sort: Annotated[TermSort, typer.Option("--sort", "-s", help="Order.")] = TermSort.count,
    similar: Annotated[
        bool, typer.Option("--similar", help="Show groups of categories that look alike.")
    ] = False,
    limit: Annotated[
        int | None,
        typer.Option("--limit", "-n", min=0, help="Show at most N terms.", show_default=False),
    ] = None,
    no_cache: NoCacheOpt = False,
    tag: TagOpt = None,
    any_tag: AnyTagOpt = None,
    category: CategoryOpt = None,
    author: AuthorOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    drafts: DraftsOpt = None,
    only_drafts: OnlyDraftsOpt = False,
    where: WhereOpt = None,
    missing: MissingOpt = None,
    title: TitleOpt = None,
    ignore_case: IgnoreCaseOpt = False,
) -> None:
    """Each category with its number of posts and a bar (`tags --field categories`)."""
    post_filter = build_filter(
        tag=tag,
        any_tag=any_tag,
        category=category,
        author=author,
        since=since,
        until=until,
        drafts=drafts,
        only_drafts=only_drafts,
        where=where,
        missing=missing,
        title=title,
        ignore_case=ignore_case,
    )
    _terms_command(
        "categories", paths, site, output_format, sort, similar, limit, no_cache, post_filter
    )


class StatsFormat(str, Enum):
    table = "table"
    json = "json"


class Period(str, Enum):
    month = "month"
    year = "year"


@app.command(
    "stats",
    epilog="""**Examples**

```
postctl stats                         # posts per month (or year), top terms, drafts, dates
postctl stats --by year --top 5
postctl stats --since 2024-01-01 --no-drafts
postctl stats -f json | jq .per_period
```
""",
)
def stats_command(
    paths: PathsArg = None,
    site: SiteOpt = None,
    by: Annotated[
        Period | None,
        typer.Option(
            "--by",
            help="Count posts per month or per year.",
            show_default="month up to three years of posts, else year",
        ),
    ] = None,
    top: Annotated[
        int, typer.Option("--top", min=1, help="How many tags, categories and authors to show.")
    ] = 10,
    output_format: Annotated[
        StatsFormat, typer.Option("--format", "-f", help="table (a picture) or json.")
    ] = StatsFormat.table,
    no_cache: NoCacheOpt = False,
    tag: TagOpt = None,
    any_tag: AnyTagOpt = None,
    category: CategoryOpt = None,
    author: AuthorOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    drafts: DraftsOpt = None,
    only_drafts: OnlyDraftsOpt = False,
    where: WhereOpt = None,
    missing: MissingOpt = None,
    title: TitleOpt = None,
    ignore_case: IgnoreCaseOpt = False,
) -> None:
    """A picture of the site: posts per month or year, the most used tags, categories and
    authors, drafts and the date range."""
    from postctl.listing import term_key_function
    from postctl.output import cell, display_path, make_console, safe_text, write_bars, write_json
    from postctl.stats import StatsCollector

    post_filter = build_filter(
        tag=tag,
        any_tag=any_tag,
        category=category,
        author=author,
        since=since,
        until=until,
        drafts=drafts,
        only_drafts=only_drafts,
        where=where,
        missing=missing,
        title=title,
        ignore_case=ignore_case,
    )
    the_site, posts, errors = stream_site_posts(
        paths, site, no_cache=no_cache, summaries=not post_filter.needs_front_matter
    )
    collector = StatsCollector(term_key_function(the_site.kind, ignore_case))
    for post in post_filter.select(posts):
        collector.add(post)
    stats = collector.result(by.value if by else None, top)
    stats.errors = len(errors)
    if output_format is StatsFormat.json:
        write_json(
            {
                "site": str(the_site.root),
                "kind": the_site.kind,
                "posts": stats.posts,
                "drafts": stats.drafts,
                "undated": stats.undated,
                "unreadable": stats.errors,
                "first": stats.first.value if stats.first else None,
                "last": stats.last.value if stats.last else None,
                "period": stats.period,
                "per_period": dict(stats.per_period),
                "top_tags": {c.term: c.count for c in stats.top_tags},
                "top_categories": {c.term: c.count for c in stats.top_categories},
                "top_authors": {c.term: c.count for c in stats.top_authors},
            }
        )
        finish(errors, stats.posts, not post_filter.is_empty)
    from rich.text import Text

    console = make_console()
    head = Text()
    head.append(safe_text(display_path(the_site.root)) + f" ({the_site.kind})", style="bold")
    head.append(f"  {_counted(stats.posts, 'post')}, {_counted(stats.drafts, 'draft')}")
    if stats.undated:
        head.append(f", {stats.undated} undated")
    if stats.errors:
        head.append(f", {stats.errors} unreadable", style="red")
    console.print(head, soft_wrap=True)
    if stats.first and stats.last:
        console.print(
            Text(f"from {cell(stats.first.value)} to {cell(stats.last.value)}", style="dim"),
            soft_wrap=True,
        )
    console.print()
    write_bars(f"Posts per {stats.period}", stats.per_period, console=console)
    for title_text, terms, style in (
        ("Top tags", stats.top_tags, "green"),
        ("Top categories", stats.top_categories, "magenta"),
        ("Top authors", stats.top_authors, "yellow"),
    ):
        console.print()
        write_bars(title_text, [(c.term, c.count) for c in terms], console=console, style=style)
    finish(errors, stats.posts, not post_filter.is_empty)


class FrontMatterFormat(str, Enum):
    yaml = "yaml"
    toml = "toml"
    json = "json"


class LintFormat(str, Enum):
    table = "table"
    text = "text"
    json = "json"
    github = "github"


class RulesFormat(str, Enum):
    table = "table"
    json = "json"


@app.command(
    "new",
    epilog="""**Examples**

```
postctl new "Hello, world"                        # _posts/2026-02-05-hello-world.md
postctl new "Release notes" -t release -t news -c blog --author Ada
postctl new "Half-baked idea" --draft             # Jekyll _drafts/, draft: true
postctl new "Ready to go" --no-draft              # Hugo: draft = false
postctl new "Back in time" --date 2024-12-31T23:59
postctl new "Weighted" --set weight=3 --set 'aliases=[/old/]'
postctl new "日本語のタイトル" --slug japanese-title
postctl new "Preview" --dry-run                   # print the file, write nothing
postctl new "Now" --edit                          # then open $VISUAL / $EDITOR
```
""",
)
def new_command(
    title: Annotated[str, typer.Argument(help="The post's title.", show_default=False)],
    tags: Annotated[
        list[str] | None,
        typer.Option("--tag", "-t", help="A tag (repeat for more).", show_default=False),
    ] = None,
    categories: Annotated[
        list[str] | None,
        typer.Option("--category", "-c", help="A category (repeat for more).", show_default=False),
    ] = None,
    author: Annotated[str | None, typer.Option(help="The author.", show_default=False)] = None,
    date: Annotated[
        str | None,
        typer.Option(
            help="The post's date: 2026-02-05, 2026-02-05T03:33 (local time) or now "
            "(default: now; Jekyll drafts get no date).",
            show_default=False,
        ),
    ] = None,
    layout: Annotated[str | None, typer.Option(help="The layout.", show_default=False)] = None,
    excerpt: Annotated[
        str | None,
        typer.Option(help="The excerpt (Hugo: `summary`).", show_default=False),
    ] = None,
    image: Annotated[str | None, typer.Option(help="The image.", show_default=False)] = None,
    assignments: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="KEY=VALUE",
            help="Any front-matter field, the value typed as YAML types it (repeatable).",
            show_default=False,
        ),
    ] = None,
    slug: Annotated[
        str | None,
        typer.Option(help="The file's slug (default: made from the title).", show_default=False),
    ] = None,
    draft: Annotated[
        bool | None,
        typer.Option(
            "--draft/--no-draft",
            help="Create a draft (Jekyll: in _drafts/) or a published post "
            "(default: a draft on Hugo sites, as `hugo new content` makes, else published).",
            show_default=False,
        ),
    ] = None,
    front_matter_format: Annotated[
        FrontMatterFormat | None,
        typer.Option(
            "--format",
            help="Front-matter format (default: the site's).",
            show_default=False,
        ),
    ] = None,
    template: Annotated[
        Path | None,
        typer.Option(
            help="Template file: its front matter and body, with {title}, {date} and {slug} "
            "filled in (default: config new.template).",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the new file; write nothing.")
    ] = False,
    edit: Annotated[
        bool, typer.Option("--edit", help="Open the new post in $VISUAL or $EDITOR.")
    ] = False,
    site: SiteOpt = None,
) -> None:
    """Create a post with the site's naming and front matter, and print its path.

    Never overwrites: an existing file exits 1. A title whose slug is empty (only emoji or
    punctuation) exits 2 asking for `--slug`.
    """
    from postctl.create import (
        CreateError,
        NewPostOptions,
        editor_command,
        open_in_editor,
        plan_new_post,
        write_new_file,
    )
    from postctl.output import display_path, safe_text

    found = find_site_or_fail(site)
    options = NewPostOptions(
        title=title,
        tags=tags or (),
        categories=categories or (),
        author=author,
        date=date,
        layout=layout,
        excerpt=excerpt,
        image=image,
        assignments=assignments or (),
        slug=slug,
        draft=draft,
        format=front_matter_format.value if front_matter_format else None,
        template=template,
    )
    if edit and not dry_run and editor_command() is None:
        fail("--edit: set $VISUAL or $EDITOR to the editor to open")
    try:
        planned = plan_new_post(found, options)
        if dry_run:
            typer.echo(safe_text(f"would create {display_path(planned.path)}"), err=True)
            sys.stdout.write(planned.content.decode("utf-8"))
            return
        write_new_file(planned.path, planned.content, planned.folder)
        typer.echo(safe_text(display_path(planned.path)))
        if edit:
            open_in_editor(planned.path)
    except CreateError as e:
        where = f"{display_path(e.path)}: " if e.path else ""
        fail(safe_text(where + e.message), e.exit_code)


DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Show what would change as a diff; write nothing.")
]


@app.command(
    "publish",
    epilog="""**Examples**

```
postctl publish _drafts/grid-batteries-explained.md      # Jekyll: to _posts/DATE-...
postctl publish _drafts/idea.md --date 2026-03-01
postctl publish content/posts/tide-tables.md             # Hugo: draft = false
postctl publish _drafts/*.md --dry-run                   # show the moves and diffs
```
""",
)
def publish_command(
    paths: Annotated[list[Path], typer.Argument(help="Drafts to publish (files or folders).")],
    date: Annotated[
        str | None,
        typer.Option(
            help="Publication date: 2026-02-05, 2026-02-05T03:33 (local time) or now "
            "(Jekyll default: now; Hugo: the date is left as it is unless given).",
            show_default=False,
        ),
    ] = None,
    dry_run: DryRunOpt = False,
    site: SiteOpt = None,
) -> None:
    """Publish drafts: Jekyll moves `_drafts/slug.md` to `_posts/DATE-slug.md` and sets
    `date`; Hugo and plain sites set `draft: false`. Nothing else in the file changes, and an
    existing post is never replaced."""
    _draft_workflow("publish", paths, site, date, dry_run)


@app.command(
    "unpublish",
    epilog="""**Examples**

```
postctl unpublish _posts/2026-02-05-hello.md     # Jekyll: to _drafts/hello.md
postctl unpublish content/posts/tide-tables.md   # Hugo: draft = true
postctl unpublish _posts/2026-02-05-*.md --dry-run
```
""",
)
def unpublish_command(
    paths: Annotated[list[Path], typer.Argument(help="Posts to unpublish (files or folders).")],
    dry_run: DryRunOpt = False,
    site: SiteOpt = None,
) -> None:
    """Turn posts back into drafts: Jekyll moves `_posts/DATE-slug.md` to `_drafts/slug.md` and
    removes `date` (as jekyll-compose does); Hugo and plain sites set `draft: true`. Nothing
    else in the file changes, and an existing draft is never replaced."""
    _draft_workflow("unpublish", paths, site, None, dry_run)


def _draft_workflow(
    action: str, paths: Sequence[Path], site_dir: Path | None, date: str | None, dry_run: bool
) -> None:
    from postctl.create import CreateError
    from postctl.drafts import DraftError, apply, check, load, plan, resolve_date
    from postctl.edit import unified_diff
    from postctl.output import colours_output, display_path, safe_text

    site, files = open_site(paths, site_dir)
    if not files:
        fail("no posts found in the given paths", EXIT_PROBLEMS)
    try:
        when = resolve_date(site, date)
    except CreateError as e:
        fail(safe_text(e.message))
    failed = 0
    for path in files:
        shown = display_path(path)
        try:
            change = plan(site, load(site, path), action, when)  # type: ignore[arg-type]
            if change.unchanged:
                typer.echo(safe_text(f"{shown}: {change.unchanged}"), err=True)
                continue
            moved = f" -> {display_path(change.target)}" if change.moves else ""
            if dry_run:
                check(change)  # what the run would refuse, the dry run reports
                typer.echo(safe_text(f"would {action} {shown}{moved}"))
                color = colours_output()
                sys.stdout.write(unified_diff(shown, change.old, change.new, color))
                continue
            apply(change)
            typer.echo(safe_text(f"{action}ed {shown}{moved}"))
        except DraftError as e:
            failed += 1
            typer.echo(safe_text(f"{display_path(e.path)}{e.where}: {e.message}"), err=True)
    if failed:
        raise typer.Exit(EXIT_PROBLEMS)


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
postctl lint --no-cache               # check every file again, ignoring the lint cache
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
    fix: Annotated[
        bool,
        typer.Option(
            "--fix",
            help="Repair what can be repaired safely (mojibake, term spellings and aliases, "
            "duplicate terms), changing only those values; then report what is left.",
        ),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="With --fix: show the changes as a diff, write nothing."),
    ] = False,
    only_posts: Annotated[
        bool,
        typer.Option(
            "--only-posts",
            help="Skip named files that are not posts of the site (pre-commit passes every "
            "staged Markdown file).",
        ),
    ] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Lint every file; neither read nor write the lint cache (`.postctl-cache/`).",
        ),
    ] = False,
) -> None:
    """Check posts' front matter (and bodies for encoding damage) against the rule catalogue
    (`postctl rules`). Exit 0 without errors, 1 with errors (or warnings with --strict),
    2 on usage or configuration errors."""
    from postctl import lint_format
    from postctl.config import ConfigError
    from postctl.lint import find_rule, lint_site, merge_reports
    from postctl.output import is_terminal
    from postctl.site import SiteError

    if dry_run and not fix:
        fail("--dry-run only goes with --fix")
    if explain is not None:
        rule = find_rule(explain)
        if rule is None:
            fail(f"--explain: no rule {explain!r} (see `postctl rules`)")
        typer.echo(lint_format.explain(rule), nl=False)
        return
    if only_posts and paths and site is None:
        # pre-commit's staged files: each linted with the site found from it.
        groups = _staged_posts(paths)
    else:
        site_obj, files = open_site(paths, site, as_strings=True, include_skipped=True)
        if only_posts:
            files = [f for f in files if site_obj.is_post(f, include_skipped=True)]
        groups = [(site_obj, list(paths or []), files)]
    if only_posts:
        groups = [group for group in groups if group[2]]
        if not groups:
            return
    try:
        reports = [
            lint_site(
                site_obj,
                given,
                select=_split(select),
                ignore=_split(ignore),
                files=files,
                keep_posts=fix,
                cache=False if no_cache else None,
            )
            for site_obj, given, files in groups
        ]
    except (SiteError, ConfigError) as e:
        fail(str(e))
    report = reports[0] if len(reports) == 1 else merge_reports(reports)
    fix_failed = False
    if fix:
        report, fix_failed = _lint_fix(report, dry_run)
        if dry_run:
            # The diff is the output. Exit 1 when there is something to fix, and when the fix
            # itself would exit 1: errors it leaves (a file that does not parse, say).
            if report.failed(strict):
                failing = ("error", "warning") if strict else ("error",)
                left = _counted(sum(report.count(level) for level in failing), "problem")
                typer.echo(f"postctl: {left} would be left; `postctl lint` shows them", err=True)
            failed = fix_failed or report.failed(strict)
            raise typer.Exit(EXIT_PROBLEMS if failed else EXIT_OK)
    fmt = output_format.value if output_format else ("table" if is_terminal() else "text")
    if fmt == "table":
        lint_format.write_table(report)
    elif fmt == "json":
        lint_format.write_findings_json(report.findings)
    elif fmt == "github":
        lint_format.write_github(report.findings)
    else:
        lint_format.write_text(report.findings)
    if not fix:  # (a fixing run ends as any run that writes files does)
        leave(EXIT_PROBLEMS if report.failed(strict) else EXIT_OK)
    if report.failed(strict) or fix_failed:
        raise typer.Exit(EXIT_PROBLEMS)


def _staged_posts(paths: Sequence[Path]):  # type: ignore[no-untyped-def]
    """posts_by_site for `lint --only-posts`; usage errors exit 2."""
    from postctl.config import ConfigError
    from postctl.site import SiteError, posts_by_site

    try:
        return posts_by_site(paths, include_skipped=True)
    except (SiteError, ConfigError) as e:
        fail(str(e))


def _lint_fix(report, dry_run: bool):  # type: ignore[no-untyped-def]
    """Apply (or with `dry_run`, show as diffs) the report's fixes; the report of what is left
    (would be left), and whether some file could not be fixed (with `dry_run`: or whether
    there is something to fix)."""
    from dataclasses import replace

    from postctl.edit import unified_diff
    from postctl.fixes import apply_fixes
    from postctl.output import colours_output, display_path, safe_text

    results = apply_fixes(report, dry_run=dry_run)
    fixed = [f for r in results if r.changed and r.skipped is None for f in r.findings]
    for result in results:
        if result.skipped is not None:
            where = display_path(result.path)
            typer.echo(safe_text(f"{where}: not fixed: {result.skipped}"), err=True)
        elif dry_run and result.changed:
            label = display_path(result.path)
            diff = unified_diff(label, result.before, result.after, color=colours_output())
            typer.echo(diff, nl=False)
    files = sum(1 for r in results if r.changed and r.skipped is None)
    verb = "would fix" if dry_run else "fixed"
    note = " (dry run: nothing written)" if dry_run else ""
    typer.echo(f"postctl: {verb} {len(fixed)} problem(s) in {files} file(s){note}", err=True)
    done = {id(f) for f in fixed}
    left = replace(report, findings=[f for f in report.findings if id(f) not in done])
    skipped = any(r.skipped is not None for r in results)
    return left, skipped or (dry_run and bool(fixed))


def _counted(count: int, noun: str) -> str:
    """`1 post`, `2 posts`."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


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
postctl retag --remove old --since 2024-01-01 --no-drafts
```

The first two arguments are OLD and NEW unless --add, --remove or --move is given; the
other arguments are the posts (files or folders) to work on, narrowed by the filters. Only
the edited value's bytes change: comments, quoting, key order, dates, line endings and the
body stay as they were.

Exit codes: 0 done (or nothing to do), 1 some file was skipped or failed (each is listed with
the reason; a file that does not parse counts only where its front matter may hold a term
being renamed, removed or moved), 2 usage or configuration error.
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
        typer.Option(
            "--ignore-case",
            "-i",
            help="Match OLD, --merge, --remove, --move and --add terms, and the --tag, "
            "--category and --where filters, case-insensitively.",
        ),
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
    no_cache: NoCacheOpt = False,
    tag: TagOpt = None,
    any_tag: AnyTagOpt = None,
    category: CategoryOpt = None,
    author: AuthorOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    drafts: DraftsOpt = None,
    only_drafts: OnlyDraftsOpt = False,
    where: WhereOpt = None,
    missing: MissingOpt = None,
    title: TitleOpt = None,
) -> None:
    """Rename, merge, add, remove or move tags (or any list field) across posts, changing
    only the bytes of the edited value."""
    from postctl.edit import unified_diff
    from postctl.model import PostError
    from postctl.output import (
        colours_output,
        console_is_terminal,
        display_path,
        make_console,
        write_records,
        write_table,
    )
    from postctl.retag import SUMMARY_COLUMNS, FileResult, RetagSpec, result_rows, retag_site

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
    post_filter = build_filter(
        tag=tag,
        any_tag=any_tag,
        category=category,
        author=author,
        since=since,
        until=until,
        drafts=drafts,
        only_drafts=only_drafts,
        where=where,
        missing=missing,
        title=title,
        ignore_case=ignore_case,
    )
    loaded_site, files = open_site([Path(p) for p in paths], site, as_strings=True)
    if drop_empty is None:
        drop_empty = loaded_site.config["retag.drop_empty"]
    rule = dataclasses.replace(rule, drop_empty=drop_empty)

    show_diffs = dry_run and output_format is RetagFormat.table
    color = colours_output()

    def on_result(result: FileResult) -> None:
        if show_diffs and result.status == "changed":
            sys.stdout.write(
                unified_diff(display_path(result.path), result.before, result.after, color)
            )

    errors: list = []

    def on_error(error: PostError) -> None:
        errors.append(error)
        report_errors([error])

    report = retag_site(
        loaded_site,
        files,
        rule,
        post_filter,
        complete=not paths,
        cache=False if no_cache else None,
        dry_run=dry_run,
        on_result=on_result,
        on_error=on_error,
    )
    rows: list[dict] = []
    json_rows: list[dict] = []
    for result in report.results:
        shown = display_path(result.path)
        for row in result_rows(result, dry_run):
            rows.append(row | {"path": shown})
            json_rows.append(dict(rows[-1]))
            if dry_run and result.status == "changed":
                json_rows[-1]["diff"] = unified_diff(shown, result.before, result.after)
    for error in errors:
        reason = f"does not parse: {error.message}"
        rows.append({"status": "skipped", "path": display_path(error.path), "reason": reason})
        json_rows.append(dict(rows[-1]))
    if output_format is not RetagFormat.table:
        write_records(output_format.value, SUMMARY_COLUMNS, rows, json_rows)
    else:
        # With --dry-run the diffs own stdout (so it can go to `patch`); the summary goes aside.
        # Piped to stdout, the table is plain text: no Rich console (importing Rich costs more
        # than writing the summary of a thousand edits).
        console = make_console(stderr=True) if show_diffs else None
        if console is None and console_is_terminal():
            console = make_console()
        if rows:
            write_table(
                SUMMARY_COLUMNS,
                rows,
                styles={"before": "red", "after": "green", "path": "dim"},
                console=console,
            )
        verb = "would change" if dry_run else "changed"
        (console.file if console is not None else sys.stdout).write(
            f"{report.count('changed')} file(s) {verb}, "
            f"{report.count('skipped') + len(errors)} skipped, {report.count('failed')} failed "
            f"({report.examined} post(s) examined)\n"
        )
    if errors or not report.ok:
        raise typer.Exit(EXIT_PROBLEMS)


def app_for(args: Sequence[str]) -> typer.Typer:
    """`app`, or when `args` start with the name of a command, `app` with that command alone:
    Typer makes every command's options (reading each function's signature) before it runs one,
    a tenth of a warm `list` of 10,000 posts. The full app answers everything else (`--help`,
    `--version`, a mistyped command, shell completion), so nothing a user sees changes."""
    if not args or "_POSTCTL_COMPLETE" in os.environ:
        return app
    chosen = [info for info in app.registered_commands if info.name == args[0]]
    if not chosen:
        return app
    only = copy.copy(app)
    only.registered_commands = chosen
    return only


def main() -> None:
    """Console-script entry point: no traceback ever reaches the user."""
    global _OWN_PROCESS
    _OWN_PROCESS = True
    from postctl.output import tolerate_early_readers

    # `postctl list | head`, `postctl lint | grep -q PC201`: a reader that stops early is no
    # failure (a CI step under `set -o pipefail` must not fail for it), and no success either:
    # the command runs on, its output dropped, and exits as it would have (lint: 1 on errors).
    tolerate_early_readers()
    # A short-lived process that builds 100,000 small objects and no reference cycles worth
    # collecting: the cyclic collector would only rescan the growing heap (a third of a warm
    # `list` on a large site).
    gc.disable()
    try:
        app_for(sys.argv[1:])()
    except KeyboardInterrupt:
        typer.echo("postctl: interrupted", err=True)
        sys.exit(130)
    except OSError as e:
        # Commands report the files they cannot read or write themselves; what is left is the
        # output itself (`postctl list > file` on a full disk). os._exit: a normal exit would
        # try to flush that output again, and print the failure as a Python exception.
        what = e.filename if e.filename else "cannot write the output"
        os.write(2, f"postctl: {what}: {e.strerror or e}\n".encode())
        os._exit(EXIT_USAGE)
