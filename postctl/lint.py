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

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from postctl.config import ConfigError
from postctl.model import Post, PostError
from postctl.rules import RULES, SEVERITIES, Context, Fix, Rule, Severity
from postctl.site import Site, collect, load_posts

SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class Finding:
    """One problem: where (line and column are 1-based; None for the whole file), which rule,
    how bad, why, and whether `--fix` can repair it."""

    path: Path
    line: int | None
    col: int | None
    code: str
    name: str
    severity: Severity
    message: str
    fixable: bool = False
    fix: Fix | None = field(default=None, compare=False, repr=False)

    @property
    def location(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        return where

    def as_dict(self, path: str | None = None) -> dict[str, Any]:
        return {
            "path": path if path is not None else str(self.path),
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "fixable": self.fixable,
        }


@dataclass
class LintReport:
    findings: list[Finding]
    files: int
    posts: list[Post] = field(default_factory=list)  # the linted posts that loaded

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


def make_context(site: Site, posts: Sequence[Post], now: datetime | None = None) -> Context:
    """The lint settings of a site (its `[lint]` configuration) and facts about the whole site
    that per-post rules need (which Hugo pages are never rendered)."""
    settings = site.config["lint"] if site.config.values else {}
    aliases: dict[str, str] = {}
    for canonical, spellings in settings.get("aliases", {}).items():
        for spelling in spellings:
            if spelling != canonical:
                aliases[spelling] = canonical
    ctx = Context(kind=site.kind, root=site.root)
    if settings:
        ctx.required = list(settings["required"])
        ctx.taxonomies = list(settings["taxonomies"])
        ctx.allowed = dict(settings["allowed"])
        ctx.aliases = aliases
        ctx.title_length = tuple(settings["title_length"])  # type: ignore[assignment]
        ctx.description_length = tuple(settings["description_length"])  # type: ignore[assignment]
        ctx.path_fields = list(settings["path_fields"])
        if settings["schema"]:
            ctx.schema_validator = load_schema(site, settings["schema"])
    if now is not None:
        ctx.now = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
    ctx.unrendered = unrendered_pages(site, posts)
    return ctx


def load_schema(site: Site, name: str) -> Any:
    """A jsonschema validator for the configured schema file; ConfigError when it is missing,
    not JSON, not a valid schema, or jsonschema is not installed."""
    import json

    path = site.root / name
    config_path = site.config.path
    try:
        schema = json.loads(path.read_text("utf-8"))
    except OSError as e:
        raise ConfigError(config_path, "lint.schema", f"cannot read {path}: {e.strerror}") from None
    except ValueError as e:
        raise ConfigError(config_path, "lint.schema", f"{path} is not JSON: {e}") from None
    try:
        import jsonschema
    except ModuleNotFoundError:
        raise ConfigError(
            config_path,
            "lint.schema",
            "needs the jsonschema package: pip install 'postctl[schema]'",
        ) from None
    validator_class = jsonschema.validators.validator_for(schema)
    try:
        validator_class.check_schema(schema)
    except jsonschema.SchemaError as e:
        raise ConfigError(
            config_path, "lint.schema", f"{path} is not a valid JSON Schema: {e.message}"
        ) from None
    return validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)


def unrendered_pages(site: Site, posts: Iterable[Post]) -> set[Path]:
    """Hugo pages that are never rendered: `headless: true`, `build.render: never`, or under an
    `_index.md` that cascades either (https://gohugo.io/content-management/build-options/)."""
    if site.kind != "hugo":
        return set()
    posts = list(posts)
    cascading: set[Path] = set()
    never: set[Path] = set()
    for post in posts:
        if _never_rendered(post.data):
            never.add(post.path)
        if post.path.stem == "_index":
            cascade = post.get("cascade")
            entries = cascade if isinstance(cascade, list) else [cascade]
            for entry in entries:
                if (
                    isinstance(entry, dict)
                    and not ({"_target", "target"} & set(entry))
                    and _never_rendered(entry)
                ):
                    cascading.add(post.path.parent)
    if cascading:
        for post in posts:
            if any(parent in cascading for parent in post.path.parents):
                never.add(post.path)
    return never


def _never_rendered(data: dict[str, Any]) -> bool:
    lowered = {str(k).lower(): v for k, v in data.items()}
    if lowered.get("headless") is True:
        return True
    build = lowered.get("build") or lowered.get("_build")
    if isinstance(build, dict):
        render = {str(k).lower(): v for k, v in build.items()}.get("render")
        return render in ("never", False, "false")
    return False


def lint_posts(
    site: Site,
    results: Sequence[Post | PostError],
    *,
    selection: Selection | None = None,
    report: set[Path] | None = None,
    now: datetime | None = None,
) -> list[Finding]:
    """Findings for `results` (posts and the errors of files that did not load). Site-wide
    rules consider all of them; only paths in `report` (default: all) get findings."""
    selection = selection or selection_for(site)
    posts = [r for r in results if isinstance(r, Post)]
    ctx = make_context(site, posts, now)
    enabled = selection.codes
    findings: list[Finding] = []

    def add(path: Path, rule: Rule, line: int | None, col: int | None, message: str, fix=None):  # type: ignore[no-untyped-def]
        findings.append(
            Finding(
                path,
                line,
                col,
                rule.code,
                rule.name,
                selection.severity.get(rule.code, rule.severity),
                message,
                fix is not None,
                fix,
            )
        )

    def wanted(path: Path) -> bool:
        return report is None or path in report

    for result in results:
        if isinstance(result, PostError) and wanted(result.path) and result.code in enabled:
            add(result.path, RULES[result.code], result.line, result.col, result.message)

    post_rules = [r for r in selection.rules if r.scope == "post"]
    reads_body = enabled & {"PC101", "PC601", "PC602"}
    for post in posts:
        if not wanted(post.path):
            continue
        if reads_body and post.has_front_matter:
            try:
                post.body  # noqa: B018 - read once here so a bad body is reported once
            except PostError as e:
                if e.code in enabled:
                    add(post.path, RULES[e.code], e.line, e.col, e.message)
        for rule in post_rules:
            assert rule.check is not None
            for issue in rule.check(post, ctx):
                add(post.path, rule, issue.line, issue.col, issue.message, issue.fix)

    for rule in selection.rules:
        if rule.scope != "site":
            continue
        assert rule.check is not None
        for post, issue in rule.check(posts, ctx):
            if wanted(post.path):
                add(post.path, rule, issue.line, issue.col, issue.message, issue.fix)

    order = {r.path: i for i, r in enumerate(results)}
    findings.sort(key=lambda f: (order.get(f.path, 0), f.line or 0, f.col or 0, f.code))
    return findings


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


def lint_site(
    site: Site,
    paths: Sequence[Path | str] = (),
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    now: datetime | None = None,
) -> LintReport:
    """Lint the files `paths` name (default: the whole site). SiteError/ConfigError propagate."""
    selection = selection_for(site, select, ignore)
    files = collect(site, paths)
    context_files = files
    if paths and selection.codes & {r.code for r in RULES.values() if r.scope == "site"}:
        # Site-wide rules need every post, also when only a few files are linted.
        context_files = list(dict.fromkeys([*collect(site), *files]))
    results = load_posts(site, context_files)
    report = set(files) if paths else None
    findings = lint_posts(site, results, selection=selection, report=report, now=now)
    linted = [r for r in results if isinstance(r, Post) and (report is None or r.path in report)]
    return LintReport(findings, len(files), linted)
