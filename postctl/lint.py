"""The lint engine: runs the rule catalogue (`postctl.rules`) over a site in one pass and returns
`Finding`s. Usable without the CLI:

    from postctl.lint import lint_site
    from postctl.site import find_site
    report = lint_site(find_site("path/to/blog"))
    for finding in report.findings:
        print(finding.location, finding.code, finding.message)

Every post is parsed once (front matter only); the body is read lazily by the rules that look at
it. Site-wide rules (duplicate URLs and titles, term spellings) always see the whole site, also
when only some files are linted (as pre-commit does), but report only on the files linted.
"""

from __future__ import annotations

import dataclasses
import gc
import marshal
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import Any

from postctl.config import ConfigError
from postctl.model import Post, PostError, format_location
from postctl.rules import (
    RULES,
    SEVERITIES,
    Context,
    Facts,
    Fix,
    Rule,
    Severity,
    Tally,
    add_tally,
    facts_fields,
    language_settings,
    plain_tally,
    post_facts,
    post_traits,
    tally_facts,
    tally_of_plain,
    url_settings,
)
from postctl.site import Site, collect_files, gc_paused, map_posts


@dataclass(frozen=True)
class Finding:
    """One problem: where (line and column are 1-based; None for the whole file), which rule,
    how bad, why, and whether `--fix` can repair it. The file is kept as its path string, as
    collected: a large site's findings are printed by the thousand, and making a Path for
    each cost more than linting a post."""

    file: str
    line: int | None
    col: int | None
    code: str
    name: str
    severity: Severity
    message: str
    fixable: bool = False
    fix: Fix | None = field(default=None, compare=False, repr=False)

    @property
    def path(self) -> Path:
        return Path(self.file)

    @property
    def location(self) -> str:
        return format_location(self.file, self.line, self.col)

    def as_dict(self, path: str | None = None) -> dict[str, Any]:
        return {
            "path": path if path is not None else self.file,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "fixable": self.fixable,
        }


def new_finding(
    file: str,
    line: int | None,
    col: int | None,
    code: str,
    name: str,
    severity: Severity,
    message: str,
    fixable: bool = False,
    fix: Fix | None = None,
) -> Finding:
    """`Finding(...)`, made without the frozen dataclass's `__init__`, which sets each field
    through `object.__setattr__`: a large site's findings are made by the ten thousand (also
    from the lint cache), and this takes half the time. The same object in every way."""
    finding = _new_object(Finding)
    finding.__dict__.update(
        file=file,
        line=line,
        col=col,
        code=code,
        name=name,
        severity=severity,
        message=message,
        fixable=fixable,
        fix=fix,
    )
    return finding


_new_object = object.__new__


@dataclass
class LintReport:
    findings: list[Finding]
    files: int
    posts: list[Post] = field(default_factory=list)  # the linted posts, when kept
    # What the site-wide rules compared, one Facts per post, when linted without the cache.
    # (Kept with the report: a command that ends at once when done (`cli.leave`) then never
    # frees them one by one, which took a fiftieth of linting 10,000 posts.)
    facts: Sequence[Facts] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def failed(self, strict: bool = False) -> bool:
        """Errors fail; with `strict`, warnings too. Info never does."""
        failing = ("error", "warning") if strict else ("error",)
        return any(f.severity in failing for f in self.findings)

    def by_code(self) -> Counter[str]:
        return Counter(f.code for f in self.findings)


@dataclass
class Selection:
    """Which rules run and how severe each is, from `lint.select`, `lint.ignore` and
    `lint.severity` (codes, code prefixes such as `PC5`, rule names, or `ALL`)."""

    rules: list[Rule]
    severity: dict[str, Severity]

    @property
    def codes(self) -> set[str]:
        return {r.code for r in self.rules}

    @property
    def post_rules(self) -> list[Rule]:
        return [r for r in self.rules if r.scope == "post"]


def match_rules(selector: str) -> list[Rule]:
    """Rules a selector names: `ALL`, a code (`PC503`), a code prefix (`PC5`) or a name."""
    wanted = selector.strip()
    if wanted.upper() == "ALL":
        return list(RULES.values())
    return [
        r for r in RULES.values() if r.code.startswith(wanted.upper()) or r.name == wanted.lower()
    ]


def find_rule(selector: str) -> Rule | None:
    """One rule by exact code or name (`--explain`)."""
    wanted = selector.strip()
    for rule in RULES.values():
        if rule.code == wanted.upper() or rule.name == wanted.lower():
            return rule
    return None


def make_selection(
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    severity: dict[str, str] | None = None,
    config_path: Path | None = None,
    key_prefix: str = "lint",
) -> Selection:
    """Resolve selectors; one that names no rule is a ConfigError naming the key."""

    def resolve(selectors: Sequence[str], key: str) -> list[Rule]:
        found: list[Rule] = []
        for selector in selectors:
            rules = match_rules(selector)
            if not rules:
                raise ConfigError(config_path, key, f"{selector!r} is not a rule code or name")
            found.extend(rules)
        return found

    chosen = resolve(select, f"{key_prefix}.select") if select else list(RULES.values())
    dropped = {r.code for r in resolve(ignore, f"{key_prefix}.ignore")}
    overrides: dict[str, Severity] = {}
    for selector, level in (severity or {}).items():
        if level not in SEVERITIES:
            raise ConfigError(
                config_path,
                f"{key_prefix}.severity.{selector}",
                f"expected one of {', '.join(SEVERITIES)}",
            )
        for rule in resolve([selector], f"{key_prefix}.severity.{selector}"):
            overrides[rule.code] = level  # type: ignore[assignment]
    rules = sorted({r.code: r for r in chosen if r.code not in dropped}.values(), key=_code_order)
    return Selection(rules, overrides)


def _code_order(rule: Rule) -> str:
    return rule.code


def make_context(site: Site, now: datetime | None = None) -> Context:
    """The lint settings of a site (its `[lint]` configuration). Facts about the whole site
    (`unrendered`) are filled in once every post is loaded."""
    settings = site.config["lint"] if site.config.values else {}
    ctx = Context(
        kind=site.kind,
        root=site.root,
        is_post=site.is_post,
        collections_dir=site.collections_dir,
        outside_collections=site.outside_collections_dir,
        zone=site.time_zone,
        builds_future=site.builds_future,
        hugo_content_dir=site.hugo_content_dirs[0] if site.kind == "hugo" else None,
    )
    if site.kind == "jekyll" and site.generator_config is not None:
        ctx.jekyll_config = str(site.generator_config)
        ctx.jekyll_timezone = site.jekyll_config.get("timezone")
    ctx.jekyll_permalink, ctx.hugo_permalinks = url_settings(
        site.kind, site.jekyll_config, site.hugo_config
    )
    ctx.hugo_languages, ctx.hugo_dates = language_settings(site.kind, site.hugo_config)
    if settings:
        ctx.required = list(settings["required"])
        ctx.taxonomies = list(settings["taxonomies"])
        ctx.allowed = dict(settings["allowed"])
        ctx.aliases = {
            spelling: canonical
            for canonical, spellings in settings["aliases"].items()
            for spelling in spellings
            if spelling != canonical
        }
        ctx.title_length = tuple(settings["title_length"])  # type: ignore[assignment]
        ctx.description_length = tuple(settings["description_length"])  # type: ignore[assignment]
        ctx.path_fields = list(settings["path_fields"])
        if settings["schema"]:
            from postctl.lint_schema import load_schema

            schema = load_schema(site, settings["schema"])
            ctx.schema_validator = schema.validator
            ctx.schema_files = [str(f) for f in schema.files]
    if now is not None:
        ctx.now = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
    return ctx


def unrendered_pages(facts: Iterable[Facts]) -> set[str]:
    """Hugo pages that are never rendered: `headless: true`, `build.render: never`, or under an
    `_index.md` that cascades either (https://gohugo.io/content-management/build-options/)."""
    facts = list(facts)
    never = {f.path for f in facts if f.hidden}
    # The folders as prefixes, each ending in a separator (the paths are normalized absolute
    # path strings, so a prefix test is `Path.parents`'s).
    hiding = tuple({os.path.join(os.path.dirname(f.path), "") for f in facts if f.hides_below})
    if hiding:
        never |= {f.path for f in facts if f.path.startswith(hiding)}
    return never


# What the per-post stage found for each file: its path, its findings, the facts the
# site-wide rules compare, and the post itself (or why it did not load) when it is kept.
Linted = tuple[str, list[Finding], Facts | None, Post | PostError | None]
# A fix as plain data: `Fix`'s fields (kind, key, change).
FixFields = tuple[str, str, tuple[tuple[Any, ...], ...]]
# One finding as a worker process sends it back: (line, col, code, severity, message, fix).
# The path, the rule's name and `fixable` are filled in where it arrives, and the fix is
# rebuilt from its fields: plain data travels by marshal (see `map_posts`), several times
# cheaper than pickled dataclasses, and 10,000 posts' findings make the trip.
FindingRow = tuple[int | None, int | None, str, Severity, str, FixFields | None]
# What `PostLinter` gives back for one file, in that compact form (`expand_chunk` makes it
# `Linted`): its finding rows, its facts' fields (`facts_fields`), and the post (or its
# PostError) when kept.
Checked = tuple[list[FindingRow], tuple[Any, ...] | None, Post | PostError | None]


# What `PostLinter.pack_chunk` makes of a chunk: each file's finding rows, the posts (when
# kept), the facts (as Facts, or their fields' marshal text when they travel) and how many,
# their tally (a Tally, or as `plain_tally` when it travels), and whether a page may be
# unrendered.
Packed = tuple[
    list[list[FindingRow]],
    list[Any] | None,
    list[Facts] | bytes | None,
    int,
    Tally | tuple[Any, ...] | None,
    bool,
]


class ChunkedFacts(Sequence[Facts]):
    """Every linted post's facts, in order, as the chunks brought them (Facts, or the marshal
    text of their fields from a helper process), made Facts only when first looked at: the
    site-wide rules decide from the tally alone unless something is shared (on most sites,
    nothing), so the facts of 10,000 posts need not be decoded, nor kept as objects."""

    def __init__(self) -> None:
        self._chunks: list[tuple[list[str], list[Facts] | bytes]] = []
        self._facts: list[Facts] | None = None
        self._count = 0
        self.hiding = False  # whether some page may be unrendered (`unrendered_pages`)

    def add(self, paths: list[str], facts: list[Facts] | bytes, count: int, hiding: bool) -> None:
        """Add a chunk's `count` facts (see `PostLinter.pack_chunk`)."""
        self._chunks.append((paths, facts))
        self._count += count
        self.hiding = self.hiding or hiding
        self._facts = None

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: Any) -> Any:
        return self.made()[index]

    def __iter__(self) -> Iterator[Facts]:
        return iter(self.made())

    def made(self) -> list[Facts]:
        """The facts as a list of Facts (decoded once)."""
        if self._facts is None:
            facts: list[Facts] = []
            for paths, chunk in self._chunks:
                if isinstance(chunk, list):
                    facts += chunk
                else:
                    facts += [
                        _new_tuple(Facts, (path, *fields))
                        for path, fields in zip(paths, marshal.loads(chunk))
                        if fields is not None
                    ]
            self._facts = facts
        return self._facts


class PostLinter:
    """Runs the per-post rules on one loaded post (or reports its PostError), where it was
    loaded: `map_posts(site, paths, PostLinter(...))` spreads the work across processes.
    Picklable; the context is rebuilt once per process."""

    def __init__(
        self,
        site: Site,
        selection: Selection,
        report: set[str] | None = None,
        now: datetime | None = None,
        keep_posts: bool = True,
    ) -> None:
        self.site = site
        self.keep_posts = keep_posts
        self.selection = selection
        self.report = report
        self.now = now or datetime.now(timezone.utc)
        self.site_rules = frozenset(r.code for r in selection.rules if r.scope == "site")
        self.enabled = frozenset(selection.codes)
        self.post_rules = selection.post_rules
        self._checks: list[tuple[Any, str, Severity]] | None = None
        self._quiet_when: list[int] = []  # each check's `Rule.quiet_when`
        self._traits = 0  # the traits those need
        self._quiet: dict[int, list[tuple[Any, str, Severity]]] = {}  # `checks_for`, by traits
        self._checks_body = bool(self.enabled & BODY_RULES)
        # Facts feed the site-wide rules, and also tell which pages Hugo never renders (for
        # the rules about pages only; also on plain sites, whose posts may be Hugo's).
        self.needs_facts = bool(self.site_rules) or (
            site.kind != "jekyll" and any(r.pages_only for r in self.post_rules)
        )
        # Every post's body is read (when the rules that read it run on every post).
        self.reads_bodies = report is None and bool(self.enabled & BODY_RULES)
        self._ctx: Context | None = None
        # Set by the lint cache: give back each file's cache entry (JSON text) instead.
        self.for_cache = False
        # The tally of the facts `expand_chunk` expanded (for the site-wide rules: see
        # `finish`, which takes it), and those facts, in order.
        self.tally: Tally | None = None
        self.facts = ChunkedFacts()

    def __getstate__(self) -> dict[str, Any]:
        return {
            **self.__dict__,
            "_ctx": None,
            "_checks": None,
            "tally": None,
            "facts": ChunkedFacts(),
            "_quiet": {},
        }

    @property
    def checks(self) -> list[tuple[Any, str, Severity]]:
        """(check, code, severity) of each post rule that can find something with the site's
        settings (`Rule.active`), looked up once."""
        if self._checks is None:
            ctx = self.ctx
            severity = self.selection.severity
            rules = [r for r in self.post_rules if r.active is None or r.active(ctx)]
            self._checks = [
                (rule.check, rule.code, severity.get(rule.code, rule.severity)) for rule in rules
            ]
            self._quiet_when = [rule.quiet_when for rule in rules]
            self._traits = 0
            for quiet_when in self._quiet_when:
                self._traits |= quiet_when
        return self._checks

    def checks_for(self, post: Post) -> list[tuple[Any, str, Severity]]:
        """`checks` without the rules that find nothing on `post` for one of its traits
        (`Rule.quiet_when`): on most posts, several. The lists are kept by traits."""
        checks = self.checks
        traits = post_traits(post, self.ctx, self._traits) if self._traits else 0
        found = self._quiet.get(traits)
        if found is None:
            found = self._quiet[traits] = [
                check
                for check, quiet_when in zip(checks, self._quiet_when)
                if not traits & quiet_when
            ]
        return found

    @property
    def ctx(self) -> Context:
        if self._ctx is None:
            self._ctx = make_context(self.site, self.now)
            self._ctx.site_rules = self.site_rules
        return self._ctx

    def __call__(self, result: Post | PostError) -> Checked | tuple[str, str]:
        self.ctx.forget_lookups()
        if self.for_cache:
            return self.cache_entry(result)
        wanted = self.report is None or str(result.path) in self.report
        rows = self.finding_rows(result) if wanted else []
        if isinstance(result, PostError):
            return rows, None, result if self.keep_posts else None
        facts = facts_fields(result, self.ctx) if self.needs_facts else None
        if not (self.keep_posts and wanted):
            return rows, facts, None
        # Send the post back from a worker as loaded: its cached views (the body, a re.Match
        # of the file name) are recomputed if needed, not pickled.
        for name in [n for n in result.__dict__ if n not in POST_FIELDS]:
            del result.__dict__[name]
        return rows, facts, result

    def check_batch(self, loaded: list[Post | PostError]) -> list[Any]:
        """What `__call__` gives for each of a batch of loaded posts, in order (`map_posts`'s
        `fn`). Where it can, the rules run over the whole batch before the facts are gathered,
        so that each step's code stays in the CPU's caches (as `site.load_batches`): which
        rules each post needs (`checks_for`) is worked out for the batch first, then the rules
        run, then the facts are gathered (about 5% of linting 10,000 posts in one process)."""
        if self.for_cache or self.keep_posts or self.report is not None or not self.needs_facts:
            return list(map(self, loaded))
        ctx = self.ctx
        ctx.forget_lookups()
        prepared = list(map(self._prepared, loaded))
        rows = [self._checked(post, *found) for post, found in zip(loaded, prepared)]
        return [
            (found, None if isinstance(post, PostError) else facts_fields(post, ctx), None)
            for found, post in zip(rows, loaded)
        ]

    def lint_files(self, site: Site, paths: Sequence[str]) -> list[Linted]:
        """Every file of `paths` linted (across processes on large sites), as `Linted`, their
        facts tallied and kept in `facts` (see `pack_chunk`)."""
        self.tally, self.facts = None, ChunkedFacts()
        return map_posts(
            site,
            paths,
            self.check_batch,
            keep_body=self.reads_bodies,
            plain=self.plain_results,
            each=self.expand_chunk,
            pack=self.pack_chunk,
        )

    @property
    def plain_results(self) -> bool:
        """Whether what `__call__` gives back is plain data (see `map_posts`): no posts kept."""
        return not self.keep_posts

    def pack_chunk(self, paths: list[str], checked: list[Checked], travels: bool) -> Packed:
        """What `__call__` gave back for a chunk of `paths`, made ready where it was linted
        (see `map_posts`): the tally of its facts (see `Tally`), counted while they are in
        the CPU cache, so that the site-wide rules need not go over every post's facts again;
        and the facts themselves, which on most sites those rules never look at post by post
        (they find nothing shared in the tally): when they `travel` to another process, as
        their marshal text, decoded only if looked at (see `ChunkedFacts`)."""
        rows = [found for found, _, _ in checked]
        kept = [post for _, _, post in checked] if self.keep_posts else None
        if not self.needs_facts:
            return rows, kept, None, 0, None, False
        fields = [facts for _, facts, _ in checked]
        facts = [_new_tuple(Facts, (p, *f)) for p, f in zip(paths, fields) if f is not None]
        tally = tally_facts(facts, self.ctx.taxonomies) if self.site_rules else None
        # (whether a page may be left unrendered: see `unrendered_pages`)
        hiding = any(f.hidden or f.hides_below for f in facts)
        if not travels:
            return rows, kept, facts, len(facts), tally, hiding
        return rows, kept, marshal.dumps(fields), len(facts), plain_tally(tally), hiding

    def expand_chunk(self, paths: list[str], packed: Packed) -> list[Linted]:
        """A chunk's `pack_chunk` as `Linted` (given a chunk at a time, in order, as `map_posts`
        gives them back; the facts apart, in `facts`), its tally added to `tally`."""
        rows, kept, facts, count, tally, hiding = packed
        linted: list[Linted] = [
            (path, _findings(path, found) if found else [], None, None)
            for path, found in zip(paths, rows)
        ]
        if kept is not None:
            linted = [(path, found, None, post) for (path, found, _, _), post in zip(linted, kept)]
        if facts is not None:
            self.facts.add(paths, facts, count, hiding)
        if tally is not None:
            self.tally = add_tally(
                self.tally, tally if isinstance(tally, Tally) else tally_of_plain(tally)
            )
        return linted

    def cache_entry(self, result: Post | PostError) -> tuple[str, str]:
        """`postctl.lint_cache`'s entry for one file: its findings, facts, and what else they
        depended on (the folders its rules looked in)."""
        from postctl.lint_cache import entry_text

        ctx = self.ctx
        ctx.consulted = set()
        try:
            wanted = self.report is None or str(result.path) in self.report
            rows = self.finding_rows(result) if wanted else None
            facts = (
                post_facts(result, ctx)
                if self.needs_facts and not isinstance(result, PostError)
                else None
            )
            return entry_text(self, result, rows, facts)
        finally:
            ctx.consulted = None

    def finding_rows(self, result: Post | PostError) -> list[FindingRow]:
        return self._checked(result, *self._prepared(result))

    def _prepared(
        self, result: Post | PostError
    ) -> tuple[list[FindingRow], list[tuple[Any, str, Severity]]]:
        """`finding_rows`' first step: the rows of what loading found (the file's PostError,
        a body that does not read), and the checks to run on the post (`checks_for`)."""
        enabled = self.enabled
        out: list[FindingRow] = []
        if isinstance(result, PostError):
            if result.code in enabled:
                out.append(self._error_row(result))
            return out, []
        post = result
        if self._checks_body and post.has_front_matter:
            try:
                post.body  # noqa: B018 - read here so that a bad body is reported once
            except PostError as e:
                if e.code in enabled:
                    out.append(self._error_row(e))
        return out, self.checks_for(post)

    def _checked(
        self,
        result: Post | PostError,
        out: list[FindingRow],
        checks: list[tuple[Any, str, Severity]],
    ) -> list[FindingRow]:
        """`finding_rows`' second step: `out` with what `checks` find, in order."""
        ctx = self._ctx or self.ctx
        for check, code, severity in checks:
            for line, col, message, fix in check(result, ctx):  # (an Issue's fields)
                out.append(
                    (
                        line,
                        col,
                        code,
                        severity,
                        message,
                        None if fix is None else (fix.kind, fix.key, fix.change),
                    )
                )
        sort_rows(out)
        return out

    def _error_row(self, error: PostError) -> FindingRow:
        rule = RULES[error.code]
        severity = self.selection.severity.get(rule.code, rule.severity)
        return error.line, error.col, rule.code, severity, error.message, None


# The attributes a Post's fields are kept in (its path in `_path`: see model._post_path), and
# Post.time_zone, set only on the posts of a Jekyll site with a `timezone`.
POST_FIELDS = frozenset(f.name for f in dataclasses.fields(Post)) | {"_path", "time_zone"}
# `Facts(path, *fields)` without the call of its Python `__new__` (named tuples are tuples).
_new_tuple = tuple.__new__

# Rules that read the body; the engine reads it first so that a body that is not UTF-8 is
# reported once, as PC002, rather than skipped silently by each of them.
BODY_RULES = frozenset({"PC601", "PC602"})


def _findings(path: str, rows: list[FindingRow]) -> list[Finding]:
    return [
        new_finding(
            path,
            line,
            col,
            code,
            RULES[code].name,
            severity,
            message,
            fix is not None,
            None if fix is None else Fix(*fix),
        )
        for line, col, code, severity, message, fix in rows
    ]


def lint_posts(
    site: Site,
    results: Sequence[Post | PostError],
    *,
    selection: Selection | None = None,
    report: set[str] | None = None,
    now: datetime | None = None,
) -> list[Finding]:
    """Findings for already loaded `results` (posts, and the errors of files that did not
    load). Site-wide rules consider all of them; only paths in `report` (default: all) get
    findings."""
    selection = selection or selection_for(site)
    linter = PostLinter(site, selection, report, now, keep_posts=False)
    paths = [str(result.path) for result in results]
    packed = linter.pack_chunk(paths, list(map(linter, results)), False)
    return finish(linter, linter.expand_chunk(paths, packed), linter.facts)


def finish(
    linter: PostLinter, linted: Sequence[Linted], facts: Sequence[Facts] | None = None
) -> list[Finding]:
    """Add the site-wide rules' findings to the per-post ones, and order them: by file (in the
    order linted, after the files that were not linted, such as the generator's configuration
    file, in the order of their names), then line, column and code. Each file's findings in
    `linted` come in that order already (`sort_rows`); they may be extended and reordered in
    place. `facts`: those of `linted`, in order, when the caller has them already
    (`PostLinter.facts`)."""
    ctx = linter.ctx
    if facts is None:
        facts = [f for _, _, f, _ in linted if f is not None]
    hiding = facts.hiding if isinstance(facts, ChunkedFacts) else True
    ctx.unrendered = unrendered_pages(facts) if linter.site.kind != "jekyll" and hiding else set()
    # The tally of the chunks `expand_chunk` expanded: the rules use it only when it counts
    # all of `facts` (`Context.term_uses`, `Context.shared_texts`).
    ctx.tally, linter.tally = linter.tally, None
    unrendered = ctx.unrendered
    # One group per file, in order: sorting each small group is cheaper than sorting (and
    # hashing the paths of) every finding of a large site. (The lists of `linted` themselves,
    # when nothing is left out of them: made for this, they need no copy.)
    groups = (
        [
            [f for f in post_findings if not (f.file in unrendered and RULES[f.code].pages_only)]
            for _, post_findings, _, _ in linted
        ]
        if unrendered
        else list(map(_FINDINGS_OF, linted))
    )
    order: dict[str, int] | None = None
    extended: set[int] = set()  # the groups site-wide findings went to
    # Findings on files that were not linted (the generator's configuration), which come first.
    unlinted: list[Finding] = []
    report = linter.report
    for rule in linter.selection.rules:
        if rule.scope != "site" or (rule.active is not None and not rule.active(ctx)):
            continue
        assert rule.check is not None
        severity = linter.selection.severity.get(rule.code, rule.severity)
        for path, issue in rule.check(facts, ctx):
            if report is None or path in report:
                if order is None:
                    order = {p: i for i, (p, _, _, _) in enumerate(linted)}
                index = order.get(path)
                if index is None:
                    group = unlinted
                else:
                    extended.add(index)
                    group = groups[index]
                group.append(
                    Finding(
                        path,
                        issue.line,
                        issue.col,
                        rule.code,
                        rule.name,
                        severity,
                        issue.message,
                        issue.fix is not None,
                        issue.fix,
                    )
                )
    ctx.tally = None  # (it counts these facts only)
    for index in extended:
        sort_findings(groups[index])
    unlinted.sort(key=_file_line_order)
    return list(chain(unlinted, chain.from_iterable(groups)))


_FINDINGS_OF = itemgetter(1)  # (of a `Linted`)


def sort_findings(findings: list[Finding]) -> None:
    """Put one file's findings in the order `finish` gives them: by line, column and code
    (a stable sort: findings at the same place stay in the order the rules found them)."""
    if len(findings) > 1:
        findings.sort(key=_line_order)


def _line_order(finding: Finding) -> tuple[int, int, str]:
    return finding.line or 0, finding.col or 0, finding.code


def _file_line_order(finding: Finding) -> tuple[str, int, int, str]:
    return finding.file, finding.line or 0, finding.col or 0, finding.code


def sort_rows(rows: list[FindingRow]) -> None:
    """Put one file's finding rows in the order `finish` gives its findings (line, column,
    code; a stable sort, as there), where the file was linted: most files have one finding
    or none, and the others' findings need not be sorted again once gathered."""
    if len(rows) > 1:
        rows.sort(key=_row_order)


def _row_order(row: FindingRow) -> tuple[int, int, str]:
    return row[0] or 0, row[1] or 0, row[2]


def selection_for(site: Site, select: Sequence[str] = (), ignore: Sequence[str] = ()) -> Selection:
    """The site's configured selection; `select` from the command line replaces the
    configured one, `ignore` adds to it."""
    settings = site.config["lint"] if site.config.values else {}
    configured = make_selection(
        settings.get("select", []),
        settings.get("ignore", []),
        settings.get("severity", {}),
        site.config.path,
    )
    if not select and not ignore:
        return configured
    return make_selection(
        list(select) or settings.get("select", []),
        [*settings.get("ignore", []), *ignore],
        settings.get("severity", {}),
        site.config.path,
        key_prefix="--select/--ignore",
    )


def _is_root(site: Site, path: Path) -> bool:
    try:
        return path.resolve() == site.root.resolve()
    except OSError:
        return False


def lint_site(
    site: Site,
    paths: Sequence[Path | str] = (),
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    now: datetime | None = None,
    files: Sequence[Path | str] | None = None,
    keep_posts: bool = True,
    cache: bool | None = None,
) -> LintReport:
    """Lint the files `paths` name (default: the whole site), loading and checking posts in
    parallel on large sites. Files in Jekyll's `_posts` that Jekyll passes over are linted too
    (and reported by PC303). `files`: the collected files, when the caller has them already
    (`collect_files`'s path strings, or Paths).
    `keep_posts`: keep the linted posts in the report (`--fix` needs them); without, large
    sites are faster, as the posts stay in the worker processes.
    `cache`: without `keep_posts`, reuse the findings of unchanged files from the lint cache
    (`postctl.lint_cache`); None follows the site's `cache` setting.
    SiteError and ConfigError propagate (exit code 2)."""
    selection = selection_for(site, select, ignore)
    files = (
        [str(f) for f in files]
        if files is not None
        else collect_files(site, paths, include_skipped=True)
    )
    whole_site = not paths or all(_is_root(site, Path(p)) for p in paths)
    context_files = files
    if not whole_site and any(r.scope == "site" for r in selection.rules):
        # Site-wide rules need every post, also when only a few files are linted.
        context_files = list(dict.fromkeys([*collect_files(site, include_skipped=True), *files]))
    report = None if whole_site else set(files)
    linter = PostLinter(site, selection, report, now, keep_posts)
    linter.ctx  # noqa: B018 - build (and validate) the settings here, not in a worker
    if cache is None:
        cache = site.config["cache"] if site.config.values else True
    # Findings and facts of 100,000 posts hold no reference cycles: the cyclic collector
    # would only rescan them, again and again as they grow.
    with gc_paused():
        if cache and not keep_posts:
            from postctl.lint_cache import lint_cached

            findings = lint_cached(site, linter, context_files, complete=whole_site)
            _age_survivors()
            return LintReport(findings, _files_reported(site, files, findings))
        linted = linter.lint_files(site, context_files)
        findings = finish(linter, linted, linter.facts)
        _age_survivors()
    posts = [post for _, _, _, post in linted if isinstance(post, Post)] if keep_posts else []
    return LintReport(findings, _files_reported(site, files, findings), posts, linter.facts)


def _files_reported(site: Site, files: list[str], findings: list[Finding]) -> int:
    """The files linted, and the generator's configuration file when a site-wide rule reported
    on it without its being linted (PC306; `finish` puts such findings first)."""
    config = site.generator_config
    if config is None or not findings or findings[0].file != str(config):
        return len(files)
    return len(files) + (str(config) not in files)


def merge_reports(reports: Sequence[LintReport]) -> LintReport:
    """One report of several sites' (`lint --only-posts` with files of more than one site)."""
    return LintReport(
        [finding for report in reports for finding in report.findings],
        sum(report.files for report in reports),
        [post for report in reports for post in report.posts],
        [facts for report in reports for facts in report.facts],
    )


def _age_survivors() -> None:
    """Move the objects made while the collector was paused (the findings, and the facts
    still referenced: no reference cycles among them) to its oldest generation without
    scanning them. Otherwise the first collection after the pause scans every one of them,
    hundreds of thousands on a large site, only to find nothing to free. Not done when
    something else keeps objects frozen (unfreezing would release those too)."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
