"""The lint rule catalogue: every rule's stable code, name, default severity, explanation and check.

Codes are grouped by family and never reused: PC0xx a post that cannot be read (the model's
`PostError` codes), PC1xx front-matter structure, PC2xx fields and types, PC3xx dates, PC4xx
places where Jekyll, Hugo and YAML versions read the same text differently, PC5xx tags and
categories, PC6xx encoding damage, PC7xx site-wide clashes, PC8xx SEO lengths, PC9xx references
and schemas.

A per-post check is `check(post, ctx) -> Iterable[Issue]`; a site check is
`check(facts, ctx) -> Iterable[tuple[str, Issue]]` over every post's `Facts` (the str is the
post's path). The docstring of a check is the rule's explanation (`postctl lint --explain CODE`).
"""

from __future__ import annotations

import functools
import os
import re
import stat
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from itertools import chain, repeat
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, Literal, NamedTuple

from postctl.model import (
    Post,
    config_key_position,
    in_site_zone,
    iter_values,
    key_terms,
    page_name,
    parse_date,
    split_path,
    term_text,
    yaml_scalars,
)
from postctl.permalinks import (
    HUGO_DATES_AND_SLUGS_UNKNOWN,
    HUGO_DATES_DEFAULT,
    HUGO_DATES_FILENAME,
    JEKYLL_DEFAULT_TEMPLATE,
    HugoPage,
    UrlTemplate,
    compile_jekyll,
    expand_hugo,
    expand_jekyll,
    hugo_date_and_slug_from_name,
    hugo_dates_setting,
    hugo_language_prefixes,
    hugo_page_permalinks,
    hugo_slug_text,
    in_language,
    jekyll_categories,
    jekyll_posts_template,
    jekyll_title,
    jekyll_written_url,
)
from postctl.site import LOAD_BATCH, hugo_split_language
from postctl.timezones import PosixRule, read_tz, tz_zone

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
Scope = Literal["load", "post", "site"]


@dataclass(frozen=True)
class Fix:
    """A safe repair, applied through the byte-exact editor by `postctl.fixes`.

    `terms`: under `key`, each term `old` becomes `new` for the (old, new) pairs in `change`,
    then repeated terms are dropped (the first stays). `value`: the top-level string `key`
    changes from `old` to `new` (one pair). `body`: body lines change, (line index, old, new)
    triples. Each change names the text it replaces, so a file that changed since it was
    linted is never "fixed" blindly.
    """

    kind: Literal["terms", "value", "body"]
    key: str
    change: tuple[tuple[Any, ...], ...]


class Issue(NamedTuple):
    """What a check found: where (1-based line and column, None when the whole file) and why.
    A named tuple: every finding of every post makes one, and a tuple is the cheapest record
    to build."""

    line: int | None
    col: int | None
    message: str
    fix: Fix | None = None


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    explanation: str
    scope: Scope
    fixable: bool = False
    check: Callable[..., Iterable[Any]] | None = None
    # Only about pages the generator renders: not reported for Hugo headless bundles.
    pages_only: bool = False
    # Whether the check can find anything at all with a site's settings (a rule about Hugo
    # on a Jekyll site, about allowed terms when none are configured); None: it always can.
    # The engine does not run a rule that cannot, on any post.
    active: Callable[[Context], bool] | None = None
    # A trait of a post (one of the `post_traits` bits) under which the check finds nothing:
    # the engine does not run it on posts that have it. 0: none.
    quiet_when: int = 0


RULES: dict[str, Rule] = {}

# Traits of a post under which some rules find nothing at all (`Rule.quiet_when`), as bits.
# The engine works out those its rules need once per post (`post_traits`) and leaves those
# rules out, rather than call each to find out for itself on every post.
HAS_FRONT_MATTER = 1  # PC101
NO_DUPLICATE_KEYS = 2  # PC102 (also none that Hugo reads as one)
PLAIN_TERMS = 4  # `PostLookups.plain_terms`: PC403, PC404, PC502
NO_STRINGS = 8  # `PostLookups.strings` is empty: PC603
PLAIN_TEXT = 16  # that, and the body is ASCII or cannot be read: PC601
# The fields nearly every post writes plainly (see `_field_traits`), each bit the case in
# which one rule (or two) finds nothing:
PLAIN_FLAGS = 32  # `draft` is a boolean or absent, `published` too (absent on Hugo): PC402, PC405
TYPED = 64  # that, plain terms, and the title a string or absent: PC202
DATES_READ = 128  # every date field a date, or empty: PC301
NOT_FUTURE = 256  # a draft, or its date is not in the future: PC304
ZONED = 512  # its date has a time zone, or no time: PC305
TERMS_FILLED = 1024  # no taxonomy key is empty: PC501
REQUIRED_FILLED = 2048  # every required field has a value (or a draft): PC201
TITLE_FITS = 4096  # the title's length is within `title_length` (or a draft): PC801
DESCRIPTION_FITS = 8192  # the description's too: PC802
CONTROL_FREE = 16384  # no strings to check, and no control character in the body: PC602
_TEXT_TRAITS = NO_STRINGS | PLAIN_TEXT | CONTROL_FREE
_FIELD_TRAITS = (
    PLAIN_FLAGS
    | TYPED
    | DATES_READ
    | NOT_FUTURE
    | ZONED
    | TERMS_FILLED
    | REQUIRED_FILLED
    | TITLE_FITS
    | DESCRIPTION_FITS
)
# (those `post_traits` needs the lookups for)
_LOOKED_UP_TRAITS = PLAIN_TERMS | _TEXT_TRAITS | _FIELD_TRAITS


def _register(
    code: str,
    name: str,
    severity: Severity,
    summary: str,
    *,
    scope: Scope = "post",
    fixable: bool = False,
    pages_only: bool = False,
    active: Callable[[Context], bool] | None = None,
    quiet_when: int = 0,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(check: Callable[..., Any]) -> Callable[..., Any]:
        assert code not in RULES, code
        explanation = _paragraph(check.__doc__ or "")
        RULES[code] = Rule(
            code,
            name,
            severity,
            summary,
            explanation,
            scope,
            fixable,
            check,
            pages_only,
            active,
            quiet_when,
        )
        return check

    return register


def _load_rule(code: str, name: str, summary: str, explanation: str) -> None:
    RULES[code] = Rule(code, name, "error", summary, _paragraph(explanation), "load")


# `Rule.active` conditions (functions, not lambdas: rules travel to worker processes pickled).
def _on_jekyll(ctx: Context) -> bool:
    return ctx.kind == "jekyll"


def _on_hugo(ctx: Context) -> bool:
    return ctx.kind == "hugo"


def _not_on_hugo(ctx: Context) -> bool:
    return ctx.kind != "hugo"


def _with_allowed(ctx: Context) -> bool:
    return bool(ctx.allowed)


def _with_aliases(ctx: Context) -> bool:
    return bool(ctx.aliases)


def _hides_future_posts(ctx: Context) -> bool:
    return not ctx.builds_future


def _with_schema(ctx: Context) -> bool:
    return ctx.schema_validator is not None


def _paragraph(doc: str) -> str:
    return " ".join(doc.split())  # the words of the docstring, whatever its indentation


class _LazyPattern:
    """A regular expression compiled when first used, which then takes its place among this
    module's names: most of the rules' patterns are never needed in a run (a Hugo site's
    posts need none of them), and compiling them all took 3.6 ms of every lint's start."""

    def __init__(self, name: str, pattern: str, flags: int) -> None:
        self.name, self.pattern, self.flags = name, pattern, flags

    def __getattr__(self, attribute: str) -> Any:
        compiled = re.compile(self.pattern, self.flags)
        globals()[self.name] = compiled
        return getattr(compiled, attribute)


def _lazy_pattern(name: str, pattern: str, flags: int = 0) -> Any:
    """`re.compile(pattern, flags)`, compiled on first use (see `_LazyPattern`); `name` is the
    module-level name it is kept under."""
    return _LazyPattern(name, pattern, flags)


# -- context -------------------------------------------------------------------------------------


# Terms written under one key of a post: (key as written, its terms (each once, in the order
# written: the site-wide rules count the uses of a term, never its repeats), the key's 1-based
# line and column, whether a fix may rewrite them: a list or a string). A plain tuple, not a
# named one: every post's uses cross back from the worker processes (or come out of the lint
# cache) on every run, and plain tuples are the cheapest to send and to build.
TermUse = tuple[str, list[str], int, int, bool]


class Facts(NamedTuple):
    """What the site-wide rules compare about one post, computed where the post was loaded, so
    the posts themselves need not travel back from worker processes. Positions are 1-based
    (line, col) of the key concerned. A named tuple: every run makes one for every post of
    the site (from a worker's tuple or the lint cache), and a tuple is the cheapest to build."""

    path: str  # the file's path string, as collected
    draft: bool
    hidden: bool  # Hugo: `headless: true` or `build.render: never` on the page itself
    hides_below: bool  # Hugo: an `_index.md` whose `cascade` hides the pages below it
    listing: str  # the folder whose list of pages the post appears in
    url: tuple[str, int, int] | None  # (URL, line, col); None without front matter
    title: tuple[str, int, int] | None  # (normalized title, line, col)
    terms: dict[str, list[TermUse]]  # taxonomy -> uses


@dataclass
class Context:
    """What every check may consult: the site kind and root, lint settings, and the clock."""

    kind: str
    root: Path
    is_post: Callable[[Path], bool] = lambda path: True  # the site's own rule (Site.is_post)
    # Jekyll's `collections_dir` ("" when not set) and whether a path is outside it
    # (Site.outside_collections_dir), and the site's `timezone` (Site.time_zone).
    collections_dir: str = ""
    outside_collections: Callable[[Path], bool] = lambda path: False
    zone: tzinfo | None = None
    # Jekyll's configuration file (Site.generator_config) and its `timezone` as read, for PC306
    # (None: not set, or not a Jekyll site).
    jekyll_config: str | None = None
    jekyll_timezone: Any = None
    # Whether the site's configuration publishes posts dated in the future (Site.builds_future)
    builds_future: bool = False
    # Hugo's content folder, the default language's (Site.hugo_content_dirs[0]); None: `content`
    hugo_content_dir: Path | None = None
    required: list[str] = field(default_factory=lambda: ["title"])
    taxonomies: list[str] = field(default_factory=lambda: ["tags", "categories"])
    allowed: dict[str, list[str]] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # alias -> canonical term
    title_length: tuple[int, int] = (0, 70)
    description_length: tuple[int, int] = (0, 160)
    path_fields: list[str] = field(default_factory=lambda: ["image"])
    schema_validator: Any = None
    schema_files: list[str] = field(default_factory=list)  # the schema and files it refers to
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    unrendered: set[str] = field(default_factory=set)  # Hugo headless / build.render = never
    site_rules: frozenset[str] = frozenset({"PC503", "PC506", "PC701", "PC702"})  # enabled ones
    # PC701's URL templates, compiled once per run (`url_settings`): a Jekyll site's posts
    # template when it is not the default `date` style (None: the default, which `_url` builds
    # without a template), and the templates Hugo's `[permalinks]` gives regular pages, by
    # section (`permalinks.hugo_page_permalinks`).
    jekyll_permalink: UrlTemplate | None = None
    hugo_permalinks: dict[str, UrlTemplate] = field(default_factory=dict)
    # A Hugo site's language codes, each with its URL prefix (`hugo_language_prefixes`); {}
    # on other sites.
    hugo_languages: dict[str, str | None] = field(default_factory=dict)
    # How Hugo's `[frontmatter]` dates and names pages (`permalinks.hugo_dates_setting`).
    hugo_dates: str = HUGO_DATES_DEFAULT
    _listings: dict[str, frozenset[str]] = field(default_factory=dict)
    _section_pages: dict[str, bool] = field(default_factory=dict, repr=False, compare=False)
    # Folders `exists` looked in, when recorded (the lint cache checks them for changes).
    consulted: set[str] | None = None
    folder_stamps: dict[str, tuple[int, int] | None] = field(default_factory=dict)
    # What PC901 found for a reference (see `_found`): thousands of posts name the same files.
    _references: dict[tuple[str, str], tuple[bool, tuple[str, ...]]] = field(
        default_factory=dict, repr=False
    )
    # What PC901 said of a reference from the site root, by (key, reference as written).
    _unfound: dict[tuple[str, str], str] = field(default_factory=dict, repr=False, compare=False)
    # The lookups of the last few posts asked about, by id (see `lookups`).
    _lookups: dict[int, PostLookups] = field(default_factory=dict, repr=False, compare=False)
    # The posts' facts, tallied by the engine as they came in (see `Tally`), for the site-wide
    # rules that run over those facts; None when not tallied.
    tally: Tally | None = field(default=None, repr=False, compare=False)
    _allowed_terms: dict[str, frozenset[str] | None] = field(
        default_factory=dict, repr=False, compare=False
    )

    def allowed_terms(self, taxonomy: str) -> frozenset[str] | None:
        """The terms `lint.allowed` allows in a taxonomy, canonical terms of `lint.aliases`
        included; None when it lists none. Worked out once, not for every post."""
        if taxonomy not in self._allowed_terms:
            allowed = self.allowed.get(taxonomy)
            self._allowed_terms[taxonomy] = (
                None if allowed is None else frozenset(allowed) | frozenset(self.aliases.values())
            )
        return self._allowed_terms[taxonomy]

    def lookups(self, post: Post) -> PostLookups:
        """The lookups the rules share for `post`. Those of the last LOOKUPS_KEPT posts are
        kept: the engine takes a batch of posts (`lint.PostLinter.check_batch`) through the
        rules' traits, then the rules, then the facts, and each step asks for each post's
        (making them twice per post was 8% of linting one). A kept entry holds its post, so
        no other post can have its id meanwhile. They describe the post as it was: the engine
        forgets them (`forget_lookups`) before it checks the next posts, and so must a caller
        that changes a post and checks it again."""
        found = self._lookups.get(id(post))
        if found is not None and found.post is post and found.taxonomies is self.taxonomies:
            return found
        if len(self._lookups) >= LOOKUPS_KEPT:
            self._lookups.clear()
        found = self._lookups[id(post)] = PostLookups(post, self.taxonomies)
        return found

    def forget_lookups(self) -> None:
        self._lookups.clear()

    def term_uses(self, facts: list[Facts], taxonomy: str) -> tuple[Counter[str], int]:
        """(how many uses each term of `taxonomy` has across `facts`, in the order the terms
        are first used; the most uses of it one post has): the tally, when it counts these
        facts, else counted now."""
        tally = self.tally
        if tally is None or tally.posts != len(facts) or taxonomy not in tally.uses:
            tally = tally_facts(facts, [taxonomy])
        return tally.uses[taxonomy], tally.most_uses[taxonomy]

    def shared_texts(self, facts: list[Facts], name: str) -> set[str]:
        """The URLs or titles (`name`) that more than one of `facts` has: from the tally, when
        it counts these facts."""
        tally = self.tally
        if tally is None or tally.posts != len(facts):
            tally = tally_facts(facts, [])
        return tally.shared[name]

    def rendered(self, facts: Facts) -> bool:
        """Whether the generator publishes the post as a page (drafts and headless pages not)."""
        # (the common empty set tested first)
        return not facts.draft and not (self.unrendered and facts.path in self.unrendered)

    @functools.cached_property
    def url_base(self) -> str:
        """The folder a page's URL path is relative to (Hugo: its content folder)."""
        root = str(self.root)
        if self.kind != "hugo":
            return root
        return str(self.hugo_content_dir or os.path.join(root, "content"))

    @functools.cached_property
    def file_bases(self) -> tuple[str, ...]:
        """Folders a path from the site root is looked up in."""
        root = str(self.root)
        if self.kind == "hugo":
            return (root, os.path.join(root, "static"), os.path.join(root, "assets"))
        return (root,)

    def exists(self, folder: str, name: str) -> bool:
        """Whether `folder` holds `name`, by listing each folder once: thousands of posts name
        files in a few folders. Names compare exactly, as on the Linux servers that build
        sites."""
        # (`_listing`'s lookup made here: PC901 asks for every post, and the call costs)
        names = self._listings.get(folder)
        if names is None or self.consulted is not None:
            names = self._listing(folder)
        return name in names or (name in ("", ".", "..") and bool(names))

    def has_section_page(self, folder: str) -> bool:
        """Whether `folder` holds an `_index.*` file: below the top of Hugo's content folder,
        a folder is a section only with one (https://gohugo.io/content-management/sections/).
        Worked out once per folder (every page in it asks); recorded as consulted each time."""
        found = self._section_pages.get(folder)
        if found is None:
            found = any(name.startswith("_index.") for name in self._listing(folder))
            self._section_pages[folder] = found
        elif self.consulted is not None:
            self.consulted.add(folder)  # (stamped when it was listed)
        return found

    def _listing(self, folder: str) -> frozenset[str]:
        """The names in `folder` (none when it cannot be listed), listed once; recorded as
        consulted when `consulted` is kept (the lint cache checks those folders for changes)."""
        if self.consulted is not None:
            self.consulted.add(folder)
        names = self._listings.get(folder)
        if names is None:
            if self.consulted is not None:  # stamped before listing: a later change shows
                self.folder_stamps[folder] = folder_stamp(folder)
            try:
                names = frozenset(os.listdir(folder))
            except OSError:
                names = frozenset()
            self._listings[folder] = names
        return names


class PostLookups:
    """What several rules look up in the same post, worked out once for it: the keys each
    taxonomy is written under, the terms under a key, the strings the encoding rules read.
    The lists are shared between the rules: read them, never change them."""

    __slots__ = (
        "_plain_terms",
        "_strings",
        "_terms",
        "post",
        "taxonomies",
        "taxonomy_keys",
        "written",
    )

    def __init__(self, post: Post, taxonomies: list[str]) -> None:
        self.post = post
        self.taxonomies = taxonomies
        # `actual_key(post, name)` is `written.get(name)` for a name without capitals (the
        # rules' own: `title`, `draft`, `date`, ...; see `_names`): one lookup in C instead
        # of a call, for the dozen names the rules look up in every post.
        self.written = post.hugo_keys if post.kind == "hugo" else dict(zip(post.data, post.data))
        # (taxonomy, the keys its terms are written under), for each taxonomy in order
        self.taxonomy_keys = [(taxonomy, term_keys(post, taxonomy)) for taxonomy in taxonomies]
        self._terms: dict[str, list[str]] = {}
        self._strings: list[tuple[str | None, str, bool]] | None = None
        self._plain_terms: bool | None = None

    def terms(self, key: str) -> list[str]:
        """`written_terms(post, key)`."""
        terms = self._terms.get(key)
        if terms is None:
            terms = self._terms[key] = written_terms(self.post, key)
        return terms

    @property
    def plain_terms(self) -> bool:
        """Whether every taxonomy key of the post holds a list of strings, none with a comma,
        no two the same ignoring case and surrounding space (an empty list too): what nearly
        every post writes, and then the rules about one post's terms (PC202's part about
        terms, PC403, PC404, PC502) have nothing to report. One pass over the terms for all of
        them, which also gives each key's terms (a list of strings is read as written)."""
        plain = self._plain_terms
        if plain is None:
            plain = self._plain_terms = self._all_plain()
        return plain

    def _all_plain(self) -> bool:
        data = self.post.data
        for _, keys in self.taxonomy_keys:
            for key in keys:
                value = data[key]
                if type(value) is not list:
                    return False
                for item in value:
                    if type(item) is not str or "," in item:
                        return False
                if len(value) > 1 and len({t.strip().casefold() for t in value}) < len(value):
                    return False
                # = written_terms(post, key): both generators take a list of strings as is
                self._terms[key] = list(value)
        return True

    @property
    def strings(self) -> list[tuple[str | None, str, bool]]:
        """`_strings(post)`: usually none at all."""
        if self._strings is None:
            self._strings = [] if _plain_ascii(self.post.raw) else list(_strings(self.post))
        return self._strings


# Posts whose lookups `Context.lookups` keeps: a batch of them (when one more is asked for, the
# batch before is done).
LOOKUPS_KEPT = LOAD_BATCH


def folder_stamp(folder: str) -> tuple[int, int] | None:
    """(mtime, inode) of a folder, None when it is not one: adding, removing or renaming an
    entry changes the folder's mtime."""
    try:
        st = os.stat(folder)
    except (OSError, ValueError):
        return None
    return (st.st_mtime_ns, st.st_ino) if stat.S_ISDIR(st.st_mode) else None


def actual_key(post: Post, key: str) -> str | None:
    """The key as written in the post whose value the generator reads (Hugo keys are
    case-insensitive: `Post.hugo_keys`), or None."""
    if post.kind == "hugo":
        return post.hugo_keys.get(key.lower())
    return key if key in post.data else None


def _at(post: Post, key: str | None) -> tuple[int, int]:
    if key is None:
        return post.fm_line, 1
    return post.key_position(key)


def _issue(post: Post, key: str | None, message: str, fix: Fix | None = None) -> Issue:
    """An Issue at `key` (`_at`), made without the named tuple's Python `__new__`: most posts
    of a site have a finding or two, and this makes each of them."""
    position = None if key is None else post.key_positions.get(key)
    if position is None:  # (`_at`: the front matter's line)
        position = (post.fm_line, 1)
    return _new_tuple(Issue, (*position, message, fix))


# `Issue(...)` without the call of its Python `__new__` (named tuples are tuples).
_new_tuple = tuple.__new__


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, datetime):
        return "a date and time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if value is None:
        return "empty"
    return "a string"


def _show(text: str, limit: int = 60) -> str:
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return repr(text)


def written_terms(post: Post, key: str) -> list[str]:
    """The terms written under one key (as written in the post), split as the generator splits
    that key (model.key_terms): Jekyll splits a string under `tags` or `categories` on spaces,
    and takes its singular `tag` and `category` and any other key (a custom taxonomy) whole
    (Utils.pluralized_array_from_hash); Hugo takes a string as one term."""
    return key_terms(post.kind, key, post.data.get(key))


def term_keys(post: Post, taxonomy: str) -> list[str]:
    """The keys a post writes a taxonomy's terms under, as written (Jekyll also reads the
    singular `tag` / `category`, Utils.pluralized_array_from_hash)."""
    keys = []
    plural = actual_key(post, taxonomy)
    if plural is not None:
        keys.append(plural)
    if post.kind == "jekyll":
        singular = _SINGULAR.get(taxonomy)
        if singular and singular in post.data:
            keys.append(singular)
    return keys


_SINGULAR = {"tags": "tag", "categories": "category"}


@functools.lru_cache(maxsize=65536)
def term_key(term: str) -> str:
    """Terms that differ only by case, spacing, hyphens or underscores share this key
    (`Python`, `python`, `py-thon`, `Py Thon`)."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", term).casefold())


_SEPARATORS = _lazy_pattern("_SEPARATORS", r"[\s_\-]+")


# -- PC0xx: the post cannot be read (raised by the model as PostError) --------------------------

_load_rule(
    "PC001",
    "read-error",
    "The file cannot be read",
    """The file could not be read at all: it is missing (a dangling symlink), unreadable
    (permissions), a folder, or binary. Nothing else can be checked until it can be read.""",
)
_load_rule(
    "PC002",
    "invalid-encoding",
    "The file is not UTF-8",
    """Jekyll and Hugo read posts as UTF-8. A file saved as Latin-1, Windows-1252 or UTF-16
    shows garbage or fails the build (Jekyll skips posts that are not valid UTF-8). Convert it,
    e.g. `iconv -f LATIN1 -t UTF-8`.""",
)
_load_rule(
    "PC003",
    "unclosed-front-matter",
    "The front matter is never closed",
    """The file opens front matter with `---` (or `+++`, or `{`) on its first line but never
    closes it, so the generator reads the whole file as metadata or as text. Add the closing
    delimiter on its own line.""",
)
_load_rule(
    "PC004",
    "syntax-error",
    "The front matter is not valid YAML, TOML or JSON",
    """The front matter does not parse. A common cause is an unquoted colon in a value
    (`title: Part 1: Intro`): quote the value. The generator stops the build on this file.""",
)
_load_rule(
    "PC005",
    "not-a-mapping",
    "The front matter is not a mapping of keys to values",
    """Front matter must be a mapping (`key: value` lines). A list, a bare string or a number
    gives the generator no fields to read.""",
)
_load_rule(
    "PC006",
    "unsafe-front-matter",
    "The front matter uses unsafe or runaway YAML",
    """Language-specific tags (`!!python/object`, `!ruby/object`), alias bombs and runaway
    nesting are refused: they can run code or exhaust memory in YAML loaders. Nothing in the file
    was executed.""",
)


# -- PC1xx: structure ----------------------------------------------------------------------------


@_register(
    "PC101",
    "missing-front-matter",
    "warning",
    "A post has no front matter",
    quiet_when=HAS_FRONT_MATTER,
)
def check_missing_front_matter(post: Post, ctx: Context) -> Iterator[Issue]:
    """A file in the site's post folders has no front matter, so it has no title, date or tags
    of its own: Hugo renders it as an untitled page, Jekyll takes everything from the file name.
    Front matter must start on the very first line of the file (no blank line or BOM-less
    spaces before `---`)."""
    if post.has_front_matter:
        return
    message = "no front matter (a `---` block on the first line)"
    try:
        head = post.body[:200]
    except Exception:  # the body's own errors are reported by the encoding rules
        head = ""
    if re.match(r"\s+(---|\+\+\+)[ \t]*\r?\n", head):
        message = "front matter must start on the first line; it is preceded by blank space"
    yield Issue(1, 1, message)


@_register(
    "PC102", "duplicate-key", "error", "A key is written twice", quiet_when=NO_DUPLICATE_KEYS
)
def check_duplicate_keys(post: Post, ctx: Context) -> Iterator[Issue]:
    """The same key appears twice in the front matter, at the top or in a nested mapping. YAML
    loaders (PyYAML, Jekyll's Psych) silently keep the last value and drop the first; stricter
    loaders (Hugo's) stop with an error; TOML forbids it outright. Hugo reads keys without
    regard to case, so on a Hugo site `title` and `Title` are the same key too, and only one
    of the values is kept. Jekyll's own test corpus and the ruby-lang.org site both contain real
    duplicate `title:` keys. Keep one."""
    for key, line, col in post.duplicate_keys:
        first = post.key_positions.get(key)
        where = f" (first on line {first[0]})" if first else ""
        yield Issue(line, col, f"duplicate key {key!r}{where}; only the last value is kept")
    if post.kind == "hugo" and len(post.hugo_keys) < len(post.data):
        first_spelling: dict[str, str] = {}
        for key in post.data:
            first = first_spelling.setdefault(key.lower(), key)
            if first != key:
                line = post.key_position(first)[0]
                yield _issue(
                    post,
                    key,
                    f"duplicate key {key!r}: Hugo ignores the case of keys, so it is {first!r} "
                    f"(line {line}) again; only one of the values is kept",
                )


# -- PC2xx: fields and types ---------------------------------------------------------------------


@_register(
    "PC201",
    "missing-required-field",
    "error",
    "A required field is missing or empty",
    pages_only=True,
    quiet_when=REQUIRED_FILLED,
)
def check_required(post: Post, ctx: Context) -> Iterator[Issue]:
    """A field the site requires (`lint.required`, default `title`) is missing or empty.
    Pages that are not rendered (drafts, Hugo headless bundles) and files without front matter
    (reported by PC101) are not checked."""
    if not post.has_front_matter or post.draft:
        return
    for name in ctx.required:
        key = actual_key(post, name)
        if key is None:
            yield Issue(post.fm_line, 1, f"missing required field {name!r}")
            continue
        value = post.data[key]
        if value is None or (isinstance(value, (str, list, dict)) and not _has_text(value)):
            yield _issue(post, key, f"required field {name!r} is empty")


def _terms_fix(post: Post, key: str, renames: list[tuple[str, str]]) -> Fix | None:
    """A `terms` fix for a list (or a string of terms) under `key`; None for other values."""
    if not isinstance(post.data.get(key), (list, str)):
        return None
    return Fix("terms", key, tuple(renames))


def _has_text(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return bool(value)


@_register("PC202", "wrong-type", "error", "A field has the wrong type", quiet_when=TYPED)
def check_types(post: Post, ctx: Context) -> Iterator[Issue]:
    """A field the generators give meaning to has a type they cannot use: `title` must be a
    string; tags and categories a list of strings (or a string); `draft` and `published` a
    boolean. A mapping where a list of tags belongs is ignored or breaks templates. (Strings in
    `draft`/`published` are PC402, numbers in tags PC403.)"""
    lookups = ctx.lookups(post)
    written = lookups.written
    key = written.get("title")
    if key is not None:
        value = post.data[key]
        if value is not None and not isinstance(value, str):
            yield _issue(post, key, f"title is {_kind_of(value)}, expected a string")
    for _, keys in () if lookups.plain_terms else lookups.taxonomy_keys:
        for key in keys:
            value = post.data[key]
            if isinstance(value, dict):
                yield _issue(post, key, f"{key} is {_kind_of(value)}, expected a list of strings")
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, (dict, list)):
                        yield _issue(
                            post,
                            key,
                            f"item {i + 1} of {key} is {_kind_of(item)}, expected a string",
                        )
    for name in ("draft", "published"):
        key = written.get(name)
        if key is None:
            continue
        value = post.data[key]
        if name == "published" and ctx.kind == "hugo":
            continue  # PC405: Hugo reads `published` as a date
        if value is not None and not isinstance(value, (bool, str)):
            yield _issue(post, key, f"{key} is {_kind_of(value)}, expected true or false")


@_register(
    "PC203",
    "value-not-allowed",
    "error",
    "A field's value is not in the allowed list",
    active=_with_allowed,
)
def check_allowed_values(post: Post, ctx: Context) -> Iterator[Issue]:
    """A field listed in `lint.allowed` (other than a taxonomy, see PC504) has a value outside
    its allowed list, e.g. `layout = ["post", "page"]` and a post with `layout: pots`."""
    for name, allowed in ctx.allowed.items():
        if name in ctx.taxonomies:
            continue
        key = actual_key(post, name)
        if key is None:
            continue
        value = post.data[key]
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, (dict, list)) or item is None:
                continue
            if term_text(item) not in allowed:
                yield _issue(
                    post, key, f"{key} {term_text(item)!r} is not one of: {', '.join(allowed)}"
                )


# -- PC3xx: dates --------------------------------------------------------------------------------

# Date fields Jekyll or Hugo read (Hugo's `frontmatter` defaults, jekyll-last-modified-at).
DATE_FIELDS = ("date", "lastmod", "publishDate", "expiryDate", "last_modified_at")
# (as `PostLookups.written` holds them on a Hugo site)
_DATE_FIELDS_LOWER = tuple(name.lower() for name in DATE_FIELDS)


@_register(
    "PC301",
    "invalid-date",
    "error",
    "A date cannot be read or does not exist",
    quiet_when=DATES_READ,
)
def check_dates(post: Post, ctx: Context) -> Iterator[Issue]:
    """A date field (`date`, `lastmod`, `publishDate`, `expiryDate`, `last_modified_at`) is not
    a date the generators can read, or names a day that does not exist (`2020-02-30`). Hugo
    stops the build; Jekyll stops or falls back to the file name's date. Write ISO 8601:
    `2024-05-01`, `2024-05-01T09:30:00+02:00` or `2024-05-01 09:30:00 +0200`."""
    names = _DATE_FIELDS_LOWER if post.kind == "hugo" else DATE_FIELDS
    for key in filter(None, map(ctx.lookups(post).written.get, names)):
        value = post.data[key]
        if value is None or isinstance(value, (date, datetime)) or parse_date(value):
            continue
        if isinstance(value, str):
            if not value.strip():
                continue  # an empty placeholder: the generator treats it as no date
            m = re.match(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\b", value)
            if m and _impossible(*map(int, m.groups())):
                message = f"{key} {_show(value)} is not a real day"
                rolled = parse_date(value, rollover=True) if ctx.kind == "jekyll" else None
                if rolled is not None:
                    message += f" (Jekyll reads it as {rolled.value.date().isoformat()})"
            else:
                message = f"{key} {_show(value)} is not a date (write e.g. 2024-05-01 09:30 +0200)"
        else:
            message = f"{key} is {_kind_of(value)}, not a date"
        yield _issue(post, key, message)


def _impossible(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return True
    return False


@_register(
    "PC302",
    "filename-date-mismatch",
    "warning",
    "The file name's date differs from `date`",
    active=_not_on_hugo,  # (a site's posts are of its kind)
)
def check_filename_date(post: Post, ctx: Context) -> Iterator[Issue]:
    """A Jekyll post's file name (`2024-05-01-title.md`) and its front-matter `date` name
    different days. Jekyll uses the front matter (Document#post_read), so the URL and the
    listing show a different day from the file name, which misleads whoever edits the files
    later. Make them agree. On a Jekyll site whose `_config.yml` sets `timezone`, the day is
    taken in that zone, as Jekyll takes it: `date: 2024-01-01 23:30:00 -0800` is the 2nd on a
    `timezone: UTC` site (and a time YAML reads as a timestamp without an offset,
    `2024-01-01 23:30:00`, is UTC to Jekyll). Without `timezone` Jekyll uses the zone of the
    machine that builds the site, which postctl cannot know: the date is then compared as
    written, in its own offset."""
    if post.kind == "hugo" or post.filename_match is None or not post.has("date"):
        return
    value = post.get("date")
    parsed = parse_date(value)
    if parsed is None:
        return
    y, m, d = (int(x) for x in post.filename_match.group(1, 2, 3))
    if _impossible(y, m, d):
        return
    named = date(y, m, d)
    written = parsed.value.date()
    zone = ctx.zone if parsed.has_time else None
    if zone is not None:
        written = in_site_zone(parsed.value, isinstance(value, datetime), zone).date()
    if named != written:
        key = actual_key(post, "date")
        where = "" if zone is None else f" in the site's timezone ({zone})"
        yield _issue(
            post,
            key,
            f"date {written.isoformat()}{where} does not match the file name's "
            f"{named.isoformat()} (Jekyll uses the front-matter date)",
        )


# Jekyll's Document::DATE_FILENAME_MATCHER (jekyll/lib/jekyll/document.rb):
# %r!\A(?>.+/)*?(\d{2,4}-\d{1,2}-\d{1,2})-([^/]*)(\.[^.]+)\z!
_JEKYLL_POST_NAME = _lazy_pattern(
    "_JEKYLL_POST_NAME", r"^(\d{2,4})-(\d{1,2})-(\d{1,2})-([^/]*)(\.[^.]+)$"
)
# Names Jekyll's EntryFilter skips (jekyll/lib/jekyll/entry_filter.rb).
_JEKYLL_HIDDEN = ("_", ".", "#", "~")


@_register(
    "PC303",
    "skipped-post-file",
    "error",
    "Jekyll skips a post for its file name or folder",
    active=_on_jekyll,
)
def check_post_filename(post: Post, ctx: Context) -> Iterator[Issue]:
    """A file in Jekyll's `_posts` folder that Jekyll never publishes: its name is not
    `YYYY-MM-DD-title.ext` (PostReader only reads names matching DATE_FILENAME_MATCHER), or it
    or the folder inside `_posts` starts with `_`, `.`, `#` or `~` (EntryFilter), or the site
    sets `collections_dir` and the folder is outside it (Reader#outside_configured_directory?).
    Jekyll skips it without a word, so the post silently never appears. A name with an
    impossible date (`2024-02-30-x.md`) stops the build. Drafts in `_drafts` need no date."""
    if ctx.kind != "jekyll":
        return
    parts = post.path.parts
    if "_posts" not in parts and "_drafts" not in parts:
        return
    name = post.path.name
    if not ctx.is_post(post.path):
        if ctx.collections_dir and ctx.outside_collections(post.path):
            yield Issue(
                1,
                1,
                f"Jekyll reads posts only inside collections_dir {ctx.collections_dir!r} "
                "(_config.yml); move it there",
            )
        elif name.startswith(_JEKYLL_HIDDEN) or any(
            p.startswith(_JEKYLL_HIDDEN) and p not in ("_posts", "_drafts") for p in parts[-3:-1]
        ):
            yield Issue(1, 1, "Jekyll skips files and folders whose names start with _ . # or ~")
        else:
            yield Issue(1, 1, "Jekyll skips this post: name it YYYY-MM-DD-title.ext")
        return
    m = _JEKYLL_POST_NAME.match(name)
    if not post.drafts_folder and m and _impossible(*(int(x) for x in m.group(1, 2, 3))):
        yield Issue(1, 1, "the file name's date is not a real day; Jekyll stops the build")


@_register(
    "PC304",
    "future-date",
    "warning",
    "A published post is dated in the future",
    active=_hides_future_posts,
    quiet_when=NOT_FUTURE,
)
def check_future_date(post: Post, ctx: Context) -> Iterator[Issue]:
    """A post that is not a draft has a date in the future. Jekyll (without `future: true`) and
    Hugo (without `buildFuture`) leave it out of the site until that date: Jekyll's date may
    come from the file name, Hugo's from `publishDate`. Not reported when the site's
    configuration publishes future posts. A date without a time zone is read in a Jekyll
    site's `timezone` (`Post.publish_instant`); elsewhere it is only reported when it is in the
    future in every time zone."""
    found = post.publish_date
    if found is None or not is_future(post.publish_instant(*found), ctx.now):
        return
    key, value = found
    if key is None:
        yield Issue(
            1,
            1,
            f"the file name's date {term_text(value)} is in the future; "
            "generators skip the post until then",
        )
    else:
        yield _issue(
            post,
            key,
            f"{key} {term_text(value)} is in the future; generators skip the post until then",
        )


def is_future(value: datetime, now: datetime) -> bool:
    """Whether a post dated `value` is in the future at `now`. A date without a time zone
    counts from the earliest instant it can mean: read in UTC+14."""
    if value.tzinfo is not None:
        return value > now
    return value - timedelta(hours=14) > now.replace(tzinfo=None)


@_register(
    "PC305",
    "missing-timezone",
    "info",
    "A date has a time of day but no time zone",
    quiet_when=ZONED,
)
def check_timezone(post: Post, ctx: Context) -> Iterator[Issue]:
    """The date has a time of day but no UTC offset, so it means a different instant depending
    on the build machine's or site's time zone setting, and can move the post to another day in
    its URL. Add the offset (`2024-05-01 09:30:00 +0200`)."""
    if "date" not in ctx.lookups(post).written:  # (`post.has("date")`)
        return
    parsed = post.parsed_date
    if parsed is not None and parsed.has_time and not parsed.has_zone:
        yield _issue(post, actual_key(post, "date"), "date has a time but no time zone")


@_register(
    "PC306",
    "timezone-setting",
    "warning",
    "The site's `timezone` does not set the zone it seems to",
    scope="site",
    active=_on_jekyll,
)
def check_timezone_setting(facts: list[Facts], ctx: Context) -> Iterator[tuple[str, Issue]]:
    """Jekyll puts `timezone` from `_config.yml` into the TZ environment variable as written
    (Jekyll.set_timezone, jekyll/lib/jekyll.rb), and the C library reads it there, not Jekyll.
    A zone name it does not find (a typo such as `America/NewYork`) or an offset (`+09:00`)
    means UTC, silently, and the posts are dated in UTC. `UTC+9` and `GMT-5` are POSIX rules,
    which count hours west of Greenwich: `UTC+9` is 9 hours behind UTC, not ahead. A value that
    is not text (`timezone: 9`) stops Jekyll, as Ruby's ENV takes strings only. A POSIX rule
    with daylight saving that is not also a zone name (`CET-1CEST,M3.5.0,M10.5.0/3`) is
    followed by Jekyll but not by postctl, which dates those posts in UTC. Write a zone name
    such as `Asia/Tokyo`, or `Etc/GMT-9` for a fixed +09:00 (the `Etc/` names keep the POSIX
    sign)."""
    value = ctx.jekyll_timezone
    if value is None or value is False or ctx.jekyll_config is None:
        return  # not set (Jekyll sets TZ only for a truthy value)
    message = _timezone_setting_problem(value)
    if message is not None:
        line, col = config_key_position(ctx.jekyll_config, "timezone") or (None, None)
        yield ctx.jekyll_config, Issue(line, col, message)


def _timezone_setting_problem(value: Any) -> str | None:
    """What is wrong with a Jekyll `timezone` (PC306), or None when it sets a zone as seen."""
    if not isinstance(value, str):
        return (
            f"timezone {term_text(value)} is not text, and Jekyll stops at it: Ruby's ENV takes"
            " strings only (TypeError); write a zone name such as 'Asia/Tokyo'"
            " ('Etc/GMT-9' for a fixed +09:00)"
        )
    read = read_tz(value)
    if read is None:
        return (
            f"timezone {value!r} is neither a zone name nor a POSIX rule the C library reads,"
            f" so Jekyll dates posts in UTC: {_zone_suggestion(value)}"
        )
    if not isinstance(read, PosixRule):
        return None
    if tz_zone(value) is None:  # (`timezones.tz_zone`: what postctl does not follow)
        what = "a daylight-saving part" if not read.fixed else "an offset of a day or more"
        return (
            f"timezone {value!r} is a POSIX rule with {what}, which Jekyll follows (the C"
            " library reads it) and postctl does not: postctl dates the posts in UTC; write the"
            " zone's Area/City name instead"
        )
    if not read.offset:
        return None
    if read.name.strip("<>").upper() not in ("UTC", "GMT"):
        return None  # (`JST-9`: whoever names the zone knows the rule)
    side = "behind" if read.offset < timedelta(0) else "ahead of"
    return (
        f"timezone {value!r} is a POSIX rule for {_offset_text(read.offset)}, {side} UTC:"
        f" POSIX counts hours west of Greenwich; {_write_instead(-read.offset)}"
    )


def _zone_suggestion(value: str) -> str:
    """What to write instead of a `timezone` the C library reads as UTC."""
    offset = _ISO_OFFSET.fullmatch(value.strip())
    if offset is not None:  # `+09:00`
        sign, hours, minutes = offset.groups()
        meant = timedelta(hours=int(hours), minutes=int(minutes or 0))
        return _write_instead(-meant if sign == "-" else meant)
    import difflib
    from zoneinfo import available_timezones

    close = difflib.get_close_matches(value, available_timezones(), n=1, cutoff=0.8)
    if close:
        return f"did you mean {close[0]!r}?"
    return "write a zone name such as 'Asia/Tokyo' ('Etc/GMT-9' for a fixed +09:00)"


_ISO_OFFSET = _lazy_pattern("_ISO_OFFSET", r"([+-])(\d{1,2}):?([0-5]\d)?")


def _write_instead(offset: timedelta) -> str:
    """The zone names to write for a fixed `offset` from UTC: an `Etc/` zone for a whole number
    of hours (its names keep the POSIX sign: `Etc/GMT-9` is +09:00), or a place's zone."""
    hours, rest = divmod(offset, timedelta(hours=1))
    place = "the zone's Area/City name"
    if rest or not -12 <= hours <= 14:
        return f"for {_offset_text(offset)} write {place}"
    etc = f"Etc/GMT{-hours:+d}" if hours else "UTC"
    return f"for {_offset_text(offset)} write {etc!r} or {place}"


def _offset_text(offset: timedelta) -> str:
    """`+09:00`, `-05:30`, `+09:30:15`."""
    minutes, seconds = divmod(int(abs(offset).total_seconds()), 60)
    text = f"{'-' if offset < timedelta(0) else '+'}{minutes // 60:02d}:{minutes % 60:02d}"
    return f"{text}:{seconds:02d}" if seconds else text


# -- PC4xx: generators and YAML versions that disagree -------------------------------------------

# YAML 1.1 booleans other than true/false (https://yaml.org/type/bool.html; PyYAML and Ruby's
# Psych do not read the one-letter y/n forms as booleans).
_YAML11_ONLY_BOOLS = {"yes", "no", "on", "off"}
_SEXAGESIMAL = _lazy_pattern("_SEXAGESIMAL", r"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$")
_OCTAL_11 = _lazy_pattern("_OCTAL_11", r"^[-+]?0[0-7_]+$")
_OCTAL_12 = _lazy_pattern("_OCTAL_12", r"^0o[0-7]+$")
_BINARY_11 = _lazy_pattern("_BINARY_11", r"^[-+]?0b[01_]+$")
# A cheap test on the raw text before composing the YAML again: a suspect word or number that
# stands alone as a key, a value, or a list item (not the digits inside a timestamp).
_SUSPECT = _lazy_pattern(
    "_SUSPECT",
    r"(?im)(?:^\s*|:\s+|[\[,]\s*|-\s+|\?\s+)"
    r"(?:yes|no|on|off|[-+]?0[0-7_]+|[-+]?\d[\d_]*(?::[0-5]?\d)+(?:\.\d*)?|"
    r"[-+]?[\d.][\d_.]*_[\d_.]*(?:[eE][-+]?\d+)?|[-+]?0b[01_]+|0o[0-7]+)"
    r"\s*(?:$|[,\]}#:])",
)


# A YAML 1.1 boolean word where a value starts (after `: `, `- `, `[` or `,`). Every branch
# starts with a literal character (no character classes), so the search skips ahead to those
# characters instead of trying every position: it runs on every YAML post with a boolean,
# such as `draft: false`.
_BOOL_WORD_VALUE = _lazy_pattern(
    "_BOOL_WORD_VALUE",
    r"(?::[ \t]+|-[ \t]+|\[[ \t]*|,[ \t]*)(?:Yes|yes|YES|No|no|NO|On|on|ON|Off|off|OFF)\b",
)


class _SuspectKeys(dict[str, bool]):
    """Whether a top-level key is spelled like a number or a YAML 1.1 boolean (`010`, `+1`,
    `.5`, `Yes`), for each key seen: posts repeat the same few keys (a site with more distinct
    keys than `LIMIT` starts again)."""

    LIMIT = 65536

    def __missing__(self, key: str) -> bool:
        if len(self) >= self.LIMIT:
            self.clear()
        verdict = self[key] = bool(
            key[:1].isdigit() or key[:1] in "+-." or key.lower() in _YAML11_ONLY_BOOLS
        )
        return verdict


_SUSPECT_KEYS = _SuspectKeys()


def _suspect(post: Post) -> bool:
    """Whether the front matter may hold a value YAML 1.1 and 1.2 read differently, judged from
    the parsed values first (cheap): a boolean not written `true`/`false`, a number, a `0o`
    string, or a top-level key spelled like one of those."""
    bools = numbers = False
    if any(map(_SUSPECT_KEYS.__getitem__, post.data)):
        return True
    # Plain type checks (this runs on every YAML post, and most values are strings, lists of
    # strings and booleans). A plain `0o10` is written as such in the raw text, so a string
    # that starts so is only suspect when that text is there.
    octal = "0o" in post.raw
    nested: list[Any] = [post.data]
    while nested:
        container = nested.pop()
        for value in container.values() if type(container) is dict else container:
            kind = type(value)
            if kind is str:
                if octal and value.startswith("0o"):
                    return True
            elif kind is bool:
                bools = True
            elif kind is list:
                nested.append(value)
            elif kind is dict:
                # Below the top level, keys keep the type YAML gave them (`010:` is a number),
                # and are looked at as values are.
                for key in value:
                    if type(key) is not str or (octal and key.startswith("0o")):
                        return True
                nested.append(value)
            elif kind is int or kind is float:
                numbers = True
    # Hugo's YAML 1.2 reads only `true`/`false` as booleans (`_YAML12_SCALARS`), so no boolean
    # on a Hugo site was written `yes` or `off`: its booleans (`draft: false` on nearly every
    # post) need no look at the raw text.
    if bools and post.kind != "hugo" and _BOOL_WORD_VALUE.search(post.raw):
        return True
    return numbers and _SUSPECT.search(post.raw) is not None


@_register(
    "PC401",
    "yaml-version-disagreement",
    "warning",
    "YAML 1.1 (Jekyll) and YAML 1.2 (Hugo) read a value differently",
)
def check_yaml_versions(post: Post, ctx: Context) -> Iterator[Issue]:
    """An unquoted YAML value means one thing to YAML 1.1 readers (Jekyll's Psych, PyYAML and
    most Python tools) and another to YAML 1.2 readers (Hugo): `yes`/`no`/`on`/`off` are
    booleans in 1.1 but strings in 1.2 (the "Norway problem": `country: no`); `010` is 8 in 1.1
    and 10 in 1.2; `0o10` is 8 in 1.2 and a string in 1.1; `1:30` is 90 in 1.1 and a string in
    1.2; `1_000` is 1000 in 1.1 and a string in 1.2. Quote the value, or write `true`/`false` or
    a plain decimal number."""
    if post.format != "yaml" or not _suspect(post):
        return
    for scalar in yaml_scalars(post):
        if not scalar.plain:
            continue
        text = scalar.text
        what = "key" if scalar.is_key else "value"
        if scalar.tag == "bool" and text.lower() in _YAML11_ONLY_BOOLS:
            value = "true" if text.lower() in ("yes", "on") else "false"
            message = (
                f"{what} {text} is the boolean {value} in YAML 1.1 (Jekyll) but the string "
                f"{text!r} in YAML 1.2 (Hugo); write {value} or quote it"
            )
        elif (
            scalar.tag == "int" and _OCTAL_11.match(text) and "_" not in text and text.strip("+-0")
        ):
            # (With an underscore YAML 1.2 reads a string: the next branch but one says so.)
            message = (
                f"{what} {text} is the octal number {int(text, 8)} in YAML 1.1 (Jekyll) but "
                f"{int(text)} in YAML 1.2 (Hugo); quote it or drop the leading zero"
            )
        elif scalar.tag in ("int", "float") and _SEXAGESIMAL.match(text):
            message = (
                f"{what} {text} is a base-60 number in YAML 1.1 (Jekyll) but the string "
                f"{text!r} in YAML 1.2 (Hugo); quote it"
            )
        elif scalar.tag in ("int", "float") and ("_" in text or _BINARY_11.match(text)):
            message = (
                f"{what} {text} is a number in YAML 1.1 (Jekyll) but a string in YAML 1.2 "
                "(Hugo); quote it or write a plain number"
            )
        elif scalar.tag == "str" and _OCTAL_12.match(text):
            message = (
                f"{what} {text} is the number {int(text[2:], 8)} in YAML 1.2 (Hugo) but a "
                "string in YAML 1.1 (Jekyll); quote it"
            )
        else:
            continue
        yield Issue(scalar.line, scalar.col, message)


@_register(
    "PC402",
    "string-boolean",
    "warning",
    "`draft` or `published` is a string",
    quiet_when=PLAIN_FLAGS,
)
def check_string_booleans(post: Post, ctx: Context) -> Iterator[Issue]:
    """`draft` or `published` is a quoted string instead of a boolean. Jekyll only hides a post
    for `published: false` (the boolean): `published: "false"` is published. Hugo converts
    strings with Go's strconv.ParseBool, so `draft: "yes"` is not a draft. Write `true` or
    `false` without quotes."""
    written = ctx.lookups(post).written
    for name in ("draft", "published"):
        key = written.get(name)
        if key is None or (name == "published" and ctx.kind == "hugo"):
            continue
        value = post.data[key]
        if not isinstance(value, str):
            continue
        if name == "published" and ctx.kind == "jekyll" and value.strip().lower() == "false":
            consequence = "Jekyll publishes this post anyway"
        else:
            consequence = "write true or false without quotes"
        yield _issue(post, key, f"{key} is the string {value!r}, not a boolean: {consequence}")


@_register(
    "PC403",
    "non-string-term",
    "warning",
    "A tag or category is a number, boolean or date",
    quiet_when=PLAIN_TERMS,
)
def check_non_string_terms(post: Post, ctx: Context) -> Iterator[Issue]:
    """A tag or category is written as a number, boolean or date (`tags: [2024, true]`). Each
    generator turns it into text its own way (`1.0` may become `1`, a YAML 1.1 `yes` becomes
    `true`), so term pages and URLs differ between tools. Quote it. (`yes`/`no` in YAML are
    reported by PC401.)"""
    lookups = ctx.lookups(post)
    if lookups.plain_terms:
        return
    yaml_11_words: set[tuple[Any, ...]] | None = None  # (see below: made when first needed)
    for _, keys in lookups.taxonomy_keys:
        for key in keys:
            value = post.data[key]
            listed = isinstance(value, list)
            for index, item in enumerate(value if listed else [value]):
                if item is None or isinstance(item, (str, dict, list)):
                    continue
                if isinstance(item, bool) and post.format == "yaml" and post.kind != "hugo":
                    # PC401 reports a boolean written `yes`/`no`/`on`/`off` (YAML 1.1 only),
                    # naming its spelling; `true`/`false` are left to this rule. (Hugo's
                    # YAML 1.2 reads no other spelling as a boolean.)
                    if yaml_11_words is None:
                        yaml_11_words = {
                            scalar.keys
                            for scalar in yaml_scalars(post)
                            if scalar.tag == "bool"
                            and not scalar.is_key
                            and scalar.text.lower() in _YAML11_ONLY_BOOLS
                        }
                    if ((key, index) if listed else (key,)) in yaml_11_words:
                        continue
                yield _issue(
                    post, key, f"{key} item {term_text(item)} is {_kind_of(item)}; quote it"
                )


@_register("PC404", "comma-in-term", "warning", "A term contains a comma", quiet_when=PLAIN_TERMS)
def check_comma_terms(post: Post, ctx: Context) -> Iterator[Issue]:
    """A tag or category contains a comma, usually a list written as text. Jekyll splits a
    string of tags on spaces only, so `tags: a, b` gives the tags `a,` and `b`
    (Utils.pluralized_array_from_hash); Hugo takes `tags = "a, b"` as the single tag `a, b`.
    Write a list: `tags: [a, b]`."""
    lookups = ctx.lookups(post)
    if lookups.plain_terms:
        return
    for _, keys in lookups.taxonomy_keys:
        for key in keys:
            value = post.data[key]
            if isinstance(value, str) and "," in value:
                terms = lookups.terms(key)
                read = ", ".join(repr(t) for t in terms)
                yield _issue(
                    post,
                    key,
                    f"{key} {_show(value)} is read as {read}; write a list: [{value}]",
                )
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, str) and "," in item:
                        yield _issue(
                            post, key, f"{key} item {_show(item)} contains a comma; two terms?"
                        )


@_register(
    "PC405",
    "hugo-published-flag",
    "error",
    "`published: true/false` on a Hugo site",
    active=_on_hugo,
    quiet_when=PLAIN_FLAGS,
)
def check_hugo_published(post: Post, ctx: Context) -> Iterator[Issue]:
    """On a Hugo site `published` is not a flag: Hugo reads it as a publish date (an alias of
    `publishDate` and `date` in its default `frontmatter` configuration,
    https://gohugo.io/configuration/front-matter/), so `published: false` does not hide the
    post. Use `draft: true`."""
    if ctx.kind != "hugo":
        return
    key = ctx.lookups(post).written.get("published")
    if key is not None and isinstance(post.data[key], bool):
        yield _issue(
            post, key, f"Hugo reads {key} as a publish date, not a flag; use draft: true instead"
        )


# -- PC5xx: tags and categories ------------------------------------------------------------------


@_register(
    "PC501",
    "empty-terms",
    "warning",
    "A post's tags or categories are empty",
    quiet_when=TERMS_FILLED,
)
def check_empty_terms(post: Post, ctx: Context) -> Iterator[Issue]:
    """A taxonomy key (`lint.taxonomies`, default tags and categories) is present but empty
    (`tags: []`, `tags:`), usually a template placeholder never filled in: the post is on no
    tag page. Add terms or remove the key."""
    for taxonomy in ctx.taxonomies:
        key = actual_key(post, taxonomy)
        if key is None:
            continue
        value = post.data[key]
        if value is None or value == [] or (isinstance(value, str) and not value.strip()):
            yield _issue(post, key, f"{key} is empty")


@_register(
    "PC502",
    "duplicate-term",
    "warning",
    "A post lists a term twice",
    fixable=True,
    quiet_when=PLAIN_TERMS,
)
def check_duplicate_terms(post: Post, ctx: Context) -> Iterator[Issue]:
    """A post lists the same tag or category twice, or two spellings that differ only by case
    (`Python`, `python`). Generators show it twice or merge it unpredictably. `--fix` keeps the
    first spelling."""
    lookups = ctx.lookups(post)
    if lookups.plain_terms:
        return
    for _, keys in lookups.taxonomy_keys:
        for key in keys:
            terms = lookups.terms(key)
            if len(terms) < 2 or len({t.strip().casefold() for t in terms}) == len(terms):
                continue
            seen: dict[str, str] = {}
            kept: list[str] = []
            dropped: list[tuple[str, str]] = []
            for term in terms:
                folded = term.strip().casefold()
                if folded in seen:
                    dropped.append((term, seen[folded]))
                else:
                    seen[folded] = term
                    kept.append(term)
            if not dropped:
                continue
            fix = _terms_fix(post, key, [(term, first) for term, first in dropped])
            for term, first in dropped:
                same = "twice" if term == first else f"twice ({first!r} and {term!r})"
                yield _issue(post, key, f"{key} lists {first!r} {same}", fix)


@_register(
    "PC504",
    "term-not-allowed",
    "error",
    "A term is not in the allowed list",
    active=_with_allowed,
)
def check_allowed_terms(post: Post, ctx: Context) -> Iterator[Issue]:
    """`lint.allowed` lists the terms a taxonomy may use (e.g. `tags = ["python", "rust"]`) and
    a post uses another one. Aliases from `lint.aliases` are reported by PC505 instead."""
    if not ctx.allowed:
        return
    lookups = ctx.lookups(post)
    for taxonomy, keys in lookups.taxonomy_keys:
        allowed_set = ctx.allowed_terms(taxonomy)
        if allowed_set is None:
            continue
        for key in keys:
            for term in lookups.terms(key):
                if term not in allowed_set and term not in ctx.aliases:
                    yield _issue(post, key, f"{key} {term!r} is not in the allowed list")


@_register(
    "PC505",
    "aliased-term",
    "warning",
    "A term is an alias of a canonical term",
    fixable=True,
    active=_with_aliases,
)
def check_aliases(post: Post, ctx: Context) -> Iterator[Issue]:
    """`lint.aliases` maps a canonical term to its other spellings (`javascript = ["js",
    "JS"]`) and a post uses one of those. `--fix` replaces it with the canonical term (and drops
    it when the post already has that term)."""
    if not ctx.aliases:
        return
    lookups = ctx.lookups(post)
    for _, keys in lookups.taxonomy_keys:
        for key in keys:
            terms = lookups.terms(key)
            if not any(t in ctx.aliases for t in terms):
                continue
            fix = _terms_fix(post, key, [(t, ctx.aliases[t]) for t in terms if t in ctx.aliases])
            for term in terms:
                if term in ctx.aliases:
                    yield _issue(
                        post, key, f"{key} {term!r} is an alias: use {ctx.aliases[term]!r}", fix
                    )


@_register(
    "PC503",
    "inconsistent-term",
    "warning",
    "Posts spell the same term differently",
    scope="site",
    fixable=True,
)
def check_inconsistent_terms(facts: list[Facts], ctx: Context) -> Iterator[tuple[str, Issue]]:
    """Across the site, posts spell one term in ways that differ only by case, spacing, hyphens
    or underscores (`Python`, `python`, `py-thon`). Generators make separate term pages for
    each spelling, or merge them into one URL with an arbitrary title. The spelling most posts
    use is taken as canonical; `--fix` rewrites the others to it."""
    aliases = ctx.aliases
    for taxonomy in ctx.taxonomies:
        # Every use of the taxonomy: (path, use, its terms with aliases resolved). Without
        # aliases, the terms as written are counted straight from the facts, and the list of
        # uses is only made when some term has another spelling (on most sites, none has).
        uses = _resolved_uses(facts, taxonomy, aliases) if aliases else None
        if uses is not None:
            # (two spellings may resolve to one term: each use counts it once)
            counted = Counter(
                chain.from_iterable(map(dict.fromkeys, [terms for _, _, terms in uses]))
            )
        else:
            counted = ctx.term_uses(facts, taxonomy)[0]
        # group key -> {spelling: number of uses}, in the order the spellings first appear
        # (as written: the order of equally used spellings in a message). The uses of each term
        # are counted in C (this counts every term of the site on every lint), then grouped
        # once per distinct term.
        spellings: dict[str, dict[str, int]] = {}
        for term, count in counted.items():
            spellings.setdefault(term_key(term), {})[term] = count
        canonical: dict[str, str] = {}
        allowed = set(ctx.allowed.get(taxonomy, ()))
        for group_key, counter in spellings.items():
            if len(counter) > 1:
                ranked = sorted(
                    counter, key=lambda t: (t not in allowed, -counter[t], t != t.lower(), t)
                )
                canonical[group_key] = ranked[0]
        if not canonical:
            continue
        # The spellings that are not their group's canonical one: most uses have none of them.
        wrong_spellings = {
            term for group, right in canonical.items() for term in spellings[group] if term != right
        }
        if uses is None:
            uses = _resolved_uses(facts, taxonomy, aliases)
        for path, use, terms in uses:
            if wrong_spellings.isdisjoint(terms):
                continue
            wrong = [t for t in dict.fromkeys(terms) if canonical.get(term_key(t), t) != t]
            if not wrong:
                continue
            key, _, line, col, fixable = use
            renames = tuple((t, canonical[term_key(t)]) for t in wrong)
            fix = Fix("terms", key, renames) if fixable else None
            for term in wrong:
                group = Counter(spellings[term_key(term)])
                right = canonical[term_key(term)]
                others = ", ".join(f"{t!r} ({n})" for t, n in group.most_common() if t != term)
                message = f"{key} {term!r} is also spelled {others}: use {right!r}"
                yield path, Issue(line, col, message, fix)


@_register("PC506", "single-use-term", "info", "A term is used by one post only", scope="site")
def check_single_use_terms(facts: list[Facts], ctx: Context) -> Iterator[tuple[str, Issue]]:
    """A tag or category appears on one post in the whole site. That is often a typo or a term
    nobody will browse; consider a broader one. (Spelling variants count as the same term.)"""
    aliases = ctx.aliases
    for taxonomy in ctx.taxonomies:
        # How many posts use each term, counted in C (this runs over every term of the site on
        # every lint); then by group of spellings, once per distinct term. A group one of whose
        # spellings two posts use is shared (most groups); the others are the candidates,
        # settled by looking at their uses (two spellings may be on one post or on two).
        used_by, most_uses = ctx.term_uses(facts, taxonomy)
        if most_uses > 1:
            # A post writes the taxonomy under two keys (Jekyll's `tags` and `tag`): its terms
            # are counted once. (Otherwise each use's terms are a post's: a use holds each
            # term once.)
            used_by = Counter(chain.from_iterable(map(_post_terms, _uses_by_post(facts, taxonomy))))
        group_of = {
            term: term_key(aliases.get(term, term) if aliases else term) for term in used_by
        }
        groups: dict[str, list[str]] = {}
        for term, group in group_of.items():
            groups.setdefault(group, []).append(term)
        candidates = {
            term
            for spellings in groups.values()
            if all(used_by[t] == 1 for t in spellings)
            for term in spellings
        }
        if not candidates:
            continue
        # Each candidate group's first use, and the groups a second post uses too.
        first: dict[str, tuple[str, TermUse, str]] = {}
        shared: set[str] = set()
        for post in facts:
            path = post.path
            for use in post.terms.get(taxonomy, ()):
                terms = use[1]
                if candidates.isdisjoint(terms):  # most uses
                    continue
                for term in terms:  # (a use holds each term once)
                    if term not in candidates:
                        continue
                    group = group_of[term]
                    if group in shared:  # nothing more to learn
                        continue
                    seen = first.get(group)
                    if seen is None:
                        first[group] = (path, use, term)
                    elif seen[0] is not path:
                        shared.add(group)
        for group, (path, use, term) in first.items():
            if group not in shared:
                key, _, line, col, _ = use
                message = f"{key} {term!r} is used by this post only"
                yield path, Issue(line, col, message)


# -- PC6xx: encoding damage ---------------------------------------------------------------------

_CONTROL = _lazy_pattern(
    "_CONTROL", r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)
_CONTROL_ASCII = tuple(chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F))
_CONTROL_OTHER = tuple(
    chr(c) for c in (*range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A))
)


# The ASCII characters that are not control characters: deleting them from ASCII text leaves
# only the control characters.
_PLAIN_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n\r"


def _control_at(text: str) -> re.Match[str] | None:
    """The first control character in `text`. The regular expression is slow over a long body
    that has none (the usual case), so it only runs once a control character is known to be
    there: in ASCII text (most text) whatever `bytes.translate` leaves after deleting the
    plain characters, else found by looking for each character with `in`."""
    if text.isascii():
        if not text.encode("ascii").translate(None, _PLAIN_ASCII):
            return None
    elif not (any(c in text for c in _CONTROL_ASCII) or any(c in text for c in _CONTROL_OTHER)):
        return None
    return _CONTROL.search(text)


_ZERO_WIDTH = _lazy_pattern("_ZERO_WIDTH", r"[\u200b\u2060\ufeff\u180e]")
_JOINERS = _lazy_pattern(
    "_JOINERS", r"[\u200c\u200d]"
)  # legitimate inside Persian, Indic, emoji sequences
_NBSP = _lazy_pattern("_NBSP", r"[\u00a0\u2007\u202f]")


def _strings(post: Post) -> Iterator[tuple[str | None, str, bool]]:
    """(top-level key, text, is_key) for every key and string value in the front matter that
    can hold a character the encoding rules look for: none when the raw text is plain ASCII
    without escapes (`\\u00e9`, `\\x1b`) or control characters, which is most front matter."""
    if _plain_ascii(post.raw):
        return
    for key, value in post.data.items():
        yield key, key, True
        for path, item in iter_values(value):
            if isinstance(item, str):
                yield key, item, False
            if path and isinstance(path[-1], str):
                yield key, path[-1], True


def _plain_ascii(raw: str) -> bool:
    """Whether front matter is plain ASCII, without escapes (`\\u00e9`, `\\x1b`) or control
    characters: then it holds no string the encoding rules look for (`_strings`)."""
    return raw.isascii() and "\\" not in raw and not _control_at(raw)


def _mojibake_fix(text: str) -> str | None:
    """The repaired text when `text` has mojibake, else None. ftfy's detector is tuned on real
    text to avoid false alarms on legitimate accents (`Châu Âu`, `Mötley Crüe`)."""
    if text.isascii():
        return None
    import ftfy

    if not ftfy.is_bad(text):
        return None
    fixed = ftfy.fix_encoding(text)
    return fixed if fixed != text else None


def _differing(before: str, after: str) -> tuple[str, str]:
    """The shortest window around the first difference, for a readable message."""
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end_b, end_a = len(before), len(after)
    while end_b > start and end_a > start and before[end_b - 1] == after[end_a - 1]:
        end_b -= 1
        end_a -= 1
    lo = max(0, start - 10)
    return before[lo : end_b + 10], after[lo : end_a + 10]


@_register(
    "PC601",
    "mojibake",
    "error",
    "Text was decoded with the wrong encoding",
    fixable=True,
    quiet_when=PLAIN_TEXT,
)
def check_mojibake(post: Post, ctx: Context) -> Iterator[Issue]:
    """Text shows mojibake: UTF-8 bytes that were once decoded as Latin-1 or Windows-1252, so
    `£` reads `Â£` and `é` reads `Ã©`. Found with ftfy's detector (https://ftfy.readthedocs.io),
    which is built to leave legitimate text such as Vietnamese `Châu Âu` alone. `--fix`
    repairs top-level string values, tag lists and the body."""
    for key, text, is_key in ctx.lookups(post).strings:
        fixed = _mojibake_fix(text)
        if fixed is None:
            continue
        bad, good = _differing(text, fixed)
        fix = None
        value = post.data.get(key) if key is not None else None
        if not is_key and value == text:
            fix = Fix("value", key, ((text, fixed),))
        elif not is_key and isinstance(value, list) and all(isinstance(v, str) for v in value):
            fix = _terms_fix(post, key, [(text, fixed)])
        yield _issue(post, key, f"mojibake in {key}: {bad!r} should read {good!r}", fix)
    body = _body(post)
    if body is None or body.isascii() or _mojibake_fix(body) is None:
        return  # one pass over the whole body first: most bodies are clean
    changes: list[tuple[int, str, str]] = []
    for i, line in enumerate(body.split("\n")):
        fixed = _mojibake_fix(line)
        if fixed is not None:
            changes.append((i, line, fixed))
    if not changes:
        return
    fix = Fix("body", "", tuple(changes))
    for i, line, fixed in changes:
        # (a CRLF file's lines end in "\r": the fix keeps it, the message need not show it)
        bad, good = _differing(line.rstrip("\r"), fixed.rstrip("\r"))
        yield Issue(
            post.body_line + i, 1, f"mojibake in the body: {bad!r} should read {good!r}", fix
        )


def _body(post: Post) -> str | None:
    """The body, or None when it cannot be read (its PostError is reported by the engine)."""
    try:
        return post.body
    except Exception:
        return None


def post_traits(post: Post, ctx: Context, wanted: int) -> int:
    """Which of the traits `wanted` (bits: `HAS_FRONT_MATTER`, ...) `post` has. Looks at no
    more than the rules quiet under those traits would look at themselves."""
    traits = HAS_FRONT_MATTER if post.format is not None else 0  # (`has_front_matter`)
    # (on Hugo sites also no two keys that differ only in case: `Post.hugo_keys`, which the
    # lookups make on every Hugo post anyway, has as many keys as the data then)
    if not post.duplicate_keys and (post.kind != "hugo" or len(post.hugo_keys) == len(post.data)):
        traits |= NO_DUPLICATE_KEYS
    if wanted & _LOOKED_UP_TRAITS:
        lookups = ctx.lookups(post)
        if wanted & (PLAIN_TERMS | TYPED) and lookups.plain_terms:
            traits |= PLAIN_TERMS
        if wanted & _TEXT_TRAITS and not lookups.strings:
            traits |= NO_STRINGS
            if wanted & (PLAIN_TEXT | CONTROL_FREE):
                body = _body(post)
                if body is None:
                    traits |= PLAIN_TEXT | CONTROL_FREE
                else:
                    if body.isascii():
                        traits |= PLAIN_TEXT
                    if wanted & CONTROL_FREE and _control_at(body) is None:
                        traits |= CONTROL_FREE
        if wanted & _FIELD_TRAITS:
            traits |= _field_traits(post, ctx, lookups, wanted, traits & PLAIN_TERMS)
    return traits & wanted


def _field_traits(
    post: Post, ctx: Context, lookups: PostLookups, wanted: int, plain_terms: int
) -> int:
    """The traits of `post`'s usual fields (`PLAIN_FLAGS` to `DESCRIPTION_FITS`) among
    `wanted`: each the case in which its rules (see the bits) find nothing, told from the
    same values those look at, in one pass over the names instead of one call of each rule
    (most posts write these fields plainly, and then ten rules have nothing to say).
    `plain_terms`: the post has `PLAIN_TERMS`."""
    written = lookups.written
    data = post.data
    traits = 0
    hugo = post.kind == "hugo"
    # `draft` a boolean; `published` one on a site where it is a flag (PC402, PC405, PC202)
    key = written.get("draft")
    plain_flags = key is None or type(data[key]) is bool
    key = written.get("published")
    if key is not None and (ctx.kind == "hugo" or type(data[key]) is not bool):
        plain_flags = False
    key = written.get("title")
    title = None if key is None else data[key]
    if plain_flags:
        traits |= PLAIN_FLAGS
        if plain_terms and (title is None or isinstance(title, str)):
            traits |= TYPED
    if wanted & REQUIRED_FILLED:  # (PC201)
        filled = True
        if post.format is not None:
            for name in ctx.required:
                key = written.get(name.lower() if hugo else name)  # (`actual_key`)
                value = None if key is None else data[key]
                if (
                    value is None
                    or (isinstance(value, str) and not value.strip())
                    or (isinstance(value, (list, dict)) and not value)
                ):  # (empty, as PC201 sees it: `_has_text`)
                    filled = False
                    break
        if filled or post.draft:  # (PC201 does not check drafts)
            traits |= REQUIRED_FILLED
    if wanted & DATES_READ:  # (PC301)
        for key in filter(None, map(written.get, _DATE_FIELDS_LOWER if hugo else DATE_FIELDS)):
            value = data[key]
            if value is not None and not isinstance(value, date):
                break
        else:
            traits |= DATES_READ
    if wanted & (NOT_FUTURE | ZONED):  # (PC304, PC305)
        key = written.get("date")
        value = None if key is None else data[key]
        # `Post.publish_date` reads `date` unless Hugo has a publishDate (or an alias of it), or
        # Jekyll dates the post by its file name or publishes it whatever its date
        # (`published`): then it is asked (`future` None).
        future = None
        if type(value) is datetime:
            # What `post.parsed_date` would read (`parse_date`: a date and time as it is; on
            # Hugo sites `date` comes first of the date keys), without making it.
            if value.tzinfo is not None:
                traits |= ZONED
            if "published" not in written and not (
                hugo and ("publishdate" in written or "pubdate" in written)
            ):
                future = is_future(post.publish_instant(key, value), ctx.now)
        elif wanted & ZONED:
            parsed = None if key is None else post.parsed_date
            if parsed is None or not parsed.has_time or parsed.has_zone:
                traits |= ZONED
        if wanted & NOT_FUTURE:
            if future is None:
                found = post.publish_date
                future = found is not None and is_future(post.publish_instant(*found), ctx.now)
            if not future or post.draft:
                traits |= NOT_FUTURE
    if wanted & TERMS_FILLED:  # (PC501: its keys are among these)
        for _, keys in lookups.taxonomy_keys:
            for key in keys:
                value = data[key]
                if value is None or value == [] or (isinstance(value, str) and not value.strip()):
                    break
            else:
                continue
            break
        else:
            traits |= TERMS_FILLED
    if wanted & (TITLE_FITS | DESCRIPTION_FITS):  # (PC801, PC802)
        if post.draft:
            traits |= TITLE_FITS | DESCRIPTION_FITS
        else:
            # (what `_length` says nothing about)
            if isinstance(title, str):
                low, high = ctx.title_length
                n = len(title.strip())
                if not (n > high or (n < low and n)):
                    traits |= TITLE_FITS
            else:
                traits |= TITLE_FITS
            for name in ("description", "excerpt", "summary"):
                key = written.get(name)
                if key is not None and isinstance(data[key], str):
                    low, high = ctx.description_length
                    n = len(data[key].strip())
                    if not (n > high or (n < low and n)):
                        traits |= DESCRIPTION_FITS
                    break
            else:
                traits |= DESCRIPTION_FITS
    return traits


@_register(
    "PC602",
    "control-character",
    "error",
    "Text contains control characters",
    quiet_when=CONTROL_FREE,
)
def check_control_characters(post: Post, ctx: Context) -> Iterator[Issue]:
    """A key, value or the body contains control characters (other than tab and line breaks)
    or bidirectional overrides (U+202A-U+202E, U+2066-U+2069, the "Trojan Source" characters).
    They are invisible in editors, break feeds and XML sitemaps, and can make text display in
    a different order from how it reads."""
    for key, text, is_key in ctx.lookups(post).strings:
        m = _CONTROL.search(text)
        if m:
            where = "key" if is_key else f"{key}"
            yield _issue(post, key, f"control character U+{ord(m.group()):04X} in {where}")
    body = _body(post)
    if body is None:
        return
    m = _control_at(body)
    if m:
        line = body.count("\n", 0, m.start())
        col = m.start() - (body.rfind("\n", 0, m.start()) + 1) + 1
        yield Issue(
            post.body_line + line, col, f"control character U+{ord(m.group()):04X} in the body"
        )


@_register(
    "PC603",
    "invisible-character",
    "warning",
    "A key or value hides invisible spaces",
    quiet_when=NO_STRINGS,
)
def check_invisible_characters(post: Post, ctx: Context) -> Iterator[Issue]:
    """A key or value contains a zero-width space (U+200B, U+2060, U+FEFF), or a key, term or
    slug contains a non-breaking space or zero-width joiner, or a value starts or ends with a
    non-breaking space. They look like nothing or like a plain space, so `tags: [python]` and
    `tags: [python\u200b]` give two different term pages and a key with one is a different key.
    Non-breaking spaces inside prose (French `Bonjour\u202f!`) are left alone."""
    lookups = ctx.lookups(post)
    if not lookups.strings:
        return
    identifier_keys = {k for _, keys in lookups.taxonomy_keys for k in keys}
    slug_key = actual_key(post, "slug")
    if slug_key:
        identifier_keys.add(slug_key)
    for key, text, is_key in lookups.strings:
        if text.isascii():
            continue
        m = _ZERO_WIDTH.search(text)
        strict = is_key or key in identifier_keys
        if m is None and strict:
            m = _NBSP.search(text) or _JOINERS.search(text)
        if m is None and (_NBSP.match(text) or _NBSP.match(text[-1:])):
            m = _NBSP.search(text)
        if m is None:
            continue
        name = unicodedata.name(m.group(), f"U+{ord(m.group()):04X}").lower()
        where = "key" if is_key else key
        yield _issue(post, key, f"invisible {name} (U+{ord(m.group()):04X}) in {where} {text!r}")


# -- PC7xx: site-wide clashes ---------------------------------------------------------------------


def post_facts(post: Post, ctx: Context) -> Facts:
    """The facts the enabled site-wide rules compare (`ctx.site_rules`); the rest stay empty."""
    return Facts(post.path_text, *facts_fields(post, ctx))


def facts_fields(post: Post, ctx: Context) -> tuple[Any, ...]:
    """`post_facts` as the tuple of its fields after the path (`Facts(path, *fields)`): what
    a worker process sends back."""
    wanted = ctx.site_rules
    folder, name = split_path(post.path_text)
    language = ""
    if ctx.hugo_languages and name.count(".") > 1:  # `hello.fr.md`: French `hello.md`
        name, language = hugo_split_language(name, ctx.hugo_languages)
    stem = _page_stem(name) if name.startswith(_PAGE_STEMS) else ""
    positions = post.key_positions
    at_front_matter = (post.fm_line, 1)  # (`Post.key_position` of a key not found)
    lookups = ctx.lookups(post)
    written = lookups.written
    title = None
    if "PC702" in wanted:
        key = written.get("title")
        value = post.data[key] if key is not None else None
        if key is not None and isinstance(value, str):
            normalized = " ".join(value.split()).casefold()
            if normalized:
                title = (normalized, *positions.get(key, at_front_matter))
    terms: dict[str, list[TermUse]] = {}
    if "PC503" in wanted or "PC506" in wanted:
        plain = lookups.plain_terms
        data = post.data
        intern = sys.intern
        for taxonomy, keys in lookups.taxonomy_keys:
            # The terms and keys interned: a worker's posts then share one object per distinct
            # term, which marshal sends once (later uses refer back to it), so the parent
            # decodes fewer objects and counts terms that stay in the CPU cache (PC503, PC506).
            # (A loop, not a comprehension: nearly always one key, and a comprehension is a
            # call of its own.)
            uses = terms[taxonomy] = []
            for key in keys:
                spelled = lookups.terms(key)
                uses.append(
                    (
                        intern(key),
                        # each term once (`TermUse`): plain terms (most posts) repeat none
                        list(map(intern, spelled if plain else dict.fromkeys(spelled))),
                        *positions.get(key, at_front_matter),
                        isinstance(data[key], (list, str)),
                    )
                )
    url = None
    if "PC701" in wanted and post.format is not None:  # (`has_front_matter`)
        key = written.get("permalink") or written.get("url") or written.get("slug")
        found = _url(post, ctx, folder, name, stem, written)
        if language:
            found = in_language(found, language, ctx.hugo_languages)
        if found is not None:
            url = (
                found,
                *(at_front_matter if key is None else positions.get(key, at_front_matter)),
            )  # (`_at`)
    hidden = hides_below = False
    if post.kind != "jekyll":  # Hugo's options; a plain folder may be part of a Hugo site
        # (most pages have none of the keys never_rendered looks at: a set test rules it out)
        if not post.hugo_keys.keys().isdisjoint(_RENDER_KEYS):
            hidden = never_rendered(post.data)
        if stem == "_index":
            cascade = post.get("cascade")
            for entry in cascade if isinstance(cascade, list) else [cascade]:
                if isinstance(entry, dict) and not ({"_target", "target"} & set(entry)):
                    hides_below = hides_below or never_rendered(entry)
    # the folder whose list of pages the post appears in (a bundle's or section's parent),
    # interned as the terms are: the posts of a folder share it
    listing = sys.intern(split_path(folder)[0] if stem else folder)
    return post.draft, hidden, hides_below, listing, url, title, terms


_PAGE_STEMS = ("index", "_index")


def _page_stem(name: str) -> str:
    """ "index" or "_index" for a file name that makes the page of its folder (a Hugo page
    bundle's or section's own page), else ""."""
    if name.startswith(_PAGE_STEMS):
        stem = os.path.splitext(name)[0]
        if stem in ("index", "_index"):
            return stem
    return ""


# The lower-cased top-level keys `never_rendered` reads.
_RENDER_KEYS = frozenset({"headless", "build", "_build"})


def never_rendered(data: dict[str, Any]) -> bool:
    """Hugo never renders the page: `headless: true` or `build.render: never`
    (https://gohugo.io/content-management/build-options/)."""
    for key, value in data.items():  # one pass, no copies: this runs on every Hugo page
        lowered = str(key).lower()
        if lowered == "headless" and value is True:
            return True
        if lowered in ("build", "_build") and isinstance(value, dict):
            for build_key, render in value.items():
                if str(build_key).lower() == "render" and render in ("never", False, "false"):
                    return True
    return False


def post_url(post: Post, ctx: Context) -> str | None:
    """The URL the generator gives a post, as far as front matter, path and the site's
    permalink settings decide it (None when they name a placeholder the generator would stop
    at, or postctl does not read)."""
    folder, name = split_path(post.path_text)
    name, language = hugo_split_language(name, ctx.hugo_languages)
    url = _url(post, ctx, folder, name, _page_stem(name), ctx.lookups(post).written)
    return in_language(url, language, ctx.hugo_languages) if language else url


def _url(
    post: Post, ctx: Context, folder: str, name: str, stem: str, written: dict[str, str]
) -> str | None:
    """`post_url`, given the post's folder, file name and `_page_stem` (worked out once per
    post) and `PostLookups.written` (`post.get(name)` for these lower-case names)."""
    data = post.data
    if post.kind == "jekyll":
        key = written.get("permalink")
    else:
        key = written.get("url")
        if post.kind == "plain" and (key is None or data[key] is None):
            key = written.get("permalink")
            key = key if key is not None and data[key] else written.get("url")
    explicit = None if key is None else data[key]
    if isinstance(explicit, str) and explicit.strip() and "{" not in explicit:
        url = explicit.strip()
        if post.kind == "jekyll":
            # A post's own permalink may use the placeholders too (URL#generated_permalink,
            # jekyll/lib/jekyll/url.rb).
            if ":" in url:
                own = compile_jekyll(url)
                expanded = expand_jekyll(own, post, _jekyll_path(post, ctx, own))
                if expanded is None:
                    return None
                url = expanded
            return jekyll_written_url(url)
    elif post.kind == "jekyll":
        template = ctx.jekyll_permalink
        if template is None:
            # The default style `date`, /:categories/:year/:month/:day/:title:output_ext
            # (`JEKYLL_STYLES`), built at once: nearly every Jekyll site's.
            parsed = post.parsed_date
            day = parsed.value.strftime("%Y/%m/%d") if parsed else ""
            return jekyll_written_url(f"/{jekyll_categories(post)}/{day}/{jekyll_title(post)}.html")
        expanded = expand_jekyll(template, post, _jekyll_path(post, ctx, template))
        return None if expanded is None else jekyll_written_url(expanded)
    else:
        base = ctx.url_base
        parent = folder[len(base) :] if folder.startswith(base) else folder
        bundle = split_path(folder)[1] if stem == "index" else ""  # (a bundle's folder)
        if ctx.hugo_permalinks and post.kind == "hugo" and stem != "_index" and parent != folder:
            # `[permalinks]`: the page's sections are its folders under `content` (a
            # bundle's own folder not one of them).
            folders = tuple(part for part in parent.split(os.sep) if part)
            if stem == "index":
                folders = folders[:-1]
            template = _hugo_template(ctx.hugo_permalinks, folders)
            if template is not None:
                named = None
                if ctx.hugo_dates:  # `[frontmatter]`
                    attributes = template.pieces[1::2]
                    if ctx.hugo_dates == HUGO_DATES_FILENAME:
                        named = hugo_date_and_slug_from_name(bundle or name)
                    elif not _HUGO_DATE_ATTRIBUTES.isdisjoint(attributes) or (
                        ctx.hugo_dates == HUGO_DATES_AND_SLUGS_UNKNOWN
                        and "slug" not in written
                        and not _HUGO_SLUG_ATTRIBUTES.isdisjoint(attributes)
                    ):
                        return None  # dated or named as postctl does not follow
                dot = name.rfind(".")  # (`PurePath.stem`, as `_slug`)
                page = HugoPage(
                    folders,
                    name[:dot] if 0 < dot < len(name) - 1 else name,
                    bundle,
                    _hugo_sections(ctx, folders) if "sections" in template.text else (),
                    named,
                )
                expanded = expand_hugo(template, post, page)
                if expanded is None:
                    return None
                return _squeezed("/" + expanded).lower()
        named_slug = ""
        if ctx.hugo_dates and post.kind == "hugo" and stem != "_index" and "slug" not in written:
            # `[frontmatter]` with `:filename`: the file name's slug, when it starts with a date
            if ctx.hugo_dates == HUGO_DATES_AND_SLUGS_UNKNOWN:
                return None
            if ctx.hugo_dates == HUGO_DATES_FILENAME:
                named = hugo_date_and_slug_from_name(bundle or name)
                named_slug = named[1] if named is not None else ""
        if named_slug:
            if stem == "index":
                parent = os.path.dirname(parent)
            url = f"/{parent}/{named_slug}/"
        elif stem and "slug" not in written:  # (`post.has("slug")`)
            url = f"/{parent}/"
        else:
            if stem == "index":
                parent = os.path.dirname(parent)
            slug = _slug(post, written, folder, name)
            if slug is None:
                return None
            if (
                parent[:1] == "/"
                and parent[-1:] != "/"
                and "//" not in parent
                and slug
                and "/" not in slug
            ):  # what the slashes below come to for nearly every page, made at once
                url = f"{parent}/{slug}"
                return url.lower() if post.kind == "hugo" else url
            url = f"/{parent}/{slug}/"
    url = _squeezed("/" + url)
    # Hugo lowercases URLs unless disablePathToLower is set.
    return url.lower() if post.kind == "hugo" else url


# The `[permalinks]` attributes that read a page's date, and those that read its slug.
_HUGO_DATE_ATTRIBUTES = frozenset("year month monthname day weekday weekdayname yearday".split())
_HUGO_SLUG_ATTRIBUTES = frozenset("slug slugorfilename slugorcontentbasename".split())


def _squeezed(url: str) -> str:
    """`url` with each run of slashes made one, and no trailing slash ("/" stays)."""
    while "//" in url:  # (no regular expression: every post)
        url = url.replace("//", "/")
    return url.rstrip("/") or "/"


def _jekyll_path(post: Post, ctx: Context, template: UrlTemplate) -> str:
    """The post's path under the site's collections folder, `/`-separated (Jekyll's
    Document#relative_path, which `:path` and `:name` read); "" when `template` reads
    neither."""
    if not template.reads_path:
        return ""
    path = post.path.as_posix()
    root = ctx.root.as_posix().rstrip("/") + "/"
    if path.startswith(root):
        path = path[len(root) :]
    if ctx.collections_dir and path.startswith(ctx.collections_dir + "/"):
        path = path[len(ctx.collections_dir) + 1 :]
    return path


def _hugo_template(
    permalinks: dict[str, UrlTemplate], folders: tuple[str, ...]
) -> UrlTemplate | None:
    """The `[permalinks]` template of a regular page in `folders`: the one of the deepest
    section key that holds it (sectionToPathGlob matches a section and everything below it,
    gohugoio/hugo resources/page/permalinks.go; "" holds only the top-level pages)."""
    path = "/".join(folders).lower()
    found: UrlTemplate | None = None
    found_length = -1
    for section, template in permalinks.items():
        if section == "":
            if not folders and found_length < 0:
                found, found_length = template, 0
        elif (path == section or path.startswith(section + "/")) and len(section) > found_length:
            found, found_length = template, len(section)
    return found


def _hugo_sections(ctx: Context, folders: tuple[str, ...]) -> tuple[str, ...]:
    """The sections path of a page in `folders` (Hugo's `:sections`, its
    CurrentSection().Path()): down to the deepest of its folders that is a section. A
    top-level folder always is one; a folder below it only with its own `_index` page, even
    below a plain folder (https://gohugo.io/content-management/sections/). Looked for from
    the deepest folder up: the folders looked in are those the answer depends on."""
    for depth in range(len(folders), 1, -1):
        if ctx.has_section_page(os.path.join(ctx.url_base, *folders[:depth])):
            return folders[:depth]
    return folders[:1]


def permalink_settings(ctx: Context) -> list[Any]:
    """The permalink templates `ctx` holds, as plain data (what the lint cache keys on)."""
    jekyll = ctx.jekyll_permalink
    return [
        None if jekyll is None else jekyll.text,
        sorted((section, template.text) for section, template in ctx.hugo_permalinks.items()),
        sorted(ctx.hugo_languages.items(), key=lambda item: item[0]),
        ctx.hugo_dates,
    ]


def url_settings(
    kind: str, jekyll_config: dict[str, Any], hugo_config: dict[str, Any]
) -> tuple[UrlTemplate | None, dict[str, UrlTemplate]]:
    """(`Context.jekyll_permalink`, `Context.hugo_permalinks`) from the generator's
    configuration."""
    if kind == "jekyll":
        text = jekyll_posts_template(jekyll_config)
        return (None if text == JEKYLL_DEFAULT_TEMPLATE else compile_jekyll(text)), {}
    if kind == "hugo":
        return None, hugo_page_permalinks(hugo_config)
    return None, {}


def language_settings(kind: str, hugo_config: dict[str, Any]) -> tuple[dict[str, str | None], str]:
    """(`Context.hugo_languages`, `Context.hugo_dates`) from the generator's configuration."""
    if kind != "hugo":
        return {}, HUGO_DATES_DEFAULT
    return hugo_language_prefixes(hugo_config), hugo_dates_setting(hugo_config)


def _slug(post: Post, written: dict[str, str], folder: str, name: str) -> str | None:
    """`post.slug` outside Jekyll (a Hugo slug that is not a string read as Hugo reads it,
    `hugo_slug_text`; None when no URL can be told), from the post's folder and file name as
    `split_path` gives them (`written`: `PostLookups.written`): pathlib's `stem` and
    `parent` cost more than the rest of a post's URL."""
    key = written.get("slug")
    if key is not None:
        value = post.data[key]
        if isinstance(value, str):
            if value.strip():
                return value.strip()
        elif post.kind == "hugo":
            text = hugo_slug_text(value)
            if text != "":
                return text
    return page_name(folder, name)


@_register("PC701", "duplicate-url", "error", "Two posts get the same URL", scope="site")
def check_duplicate_urls(facts: list[Facts], ctx: Context) -> Iterator[tuple[str, Issue]]:
    """Two published posts would be written to the same URL, so one silently overwrites the
    other in the built site. Give one of them another slug or permalink.

    A post's URL is its front matter's (Jekyll `permalink`, Hugo `url`), else the one the
    site's permalink settings give it. Jekyll: `collections.posts.permalink` in `_config.yml`,
    else `permalink`, a style (`date`, the default: /:categories/:year/:month/:day/:title.html;
    `pretty`, `ordinal`, `weekdate`, `none`) or a template of placeholders (`:title`, `:slug`,
    `:year`, `:i_month`, `:y_day`, `:short_day`, `:categories`, `:output_ext`, ...); a post's
    own `permalink` may use them too. URLs compare as the files Jekyll writes: `/a/` and
    `/a/index.html` clash, `/a` and `/a.html` clash, `/a/` and `/a.html` do not. Hugo:
    `[permalinks]` (or `[permalinks.page]`) in the site configuration, by section (`posts =
    "/:year/:slug/"`: that section and the folders below it), with `:year`, `:month`,
    `:monthname`, `:day`, `:weekday`, `:weekdayname`, `:yearday`, `:section`, `:sections`
    (and slices like `:sections[1:]`), `:title`, `:slug`, `:slugorfilename`, `:filename`,
    `:contentbasename`; elsewhere /section/folders/slug-or-file-name/, lower-cased. A Hugo
    page named with one of the site's languages (`hello.fr.md`, `index.fr.md`) is that
    language's `hello.md`, under /fr/ unless it is the default language; `[frontmatter] date =
    [":filename", ":default"]` dates and slugs pages from file names (2024-05-01-hello.md),
    and other `[frontmatter]` date settings give dated URLs none to compare. A
    template the generator would stop at (an unknown placeholder) or that postctl does not
    read (Hugo's `:sectionslug`, Go date layouts such as `:2006`) gives its posts no URL to
    compare, rather than a guessed one."""
    # Only URLs that two posts have, published or not, can clash: counted in C first (on
    # most sites, none), and only the posts with one of those are grouped.
    shared = ctx.shared_texts(facts, "url")
    if not shared:
        return
    by_url: dict[str, list[Facts]] = defaultdict(list)
    for post in facts:
        if post.url is not None and post.url[0] in shared and ctx.rendered(post):
            by_url[post.url[0]].append(post)
    for url, group in by_url.items():
        if len(group) < 2:
            continue
        names = [_relative(p.path, ctx) for p in group]  # once each, not once per pair
        for i, post in enumerate(group):
            others = names[:i] + names[i + 1 :]
            assert post.url is not None
            _, line, col = post.url
            yield post.path, Issue(line, col, f"same URL {url} as {', '.join(others)}")


@_register("PC702", "duplicate-title", "warning", "Two posts have the same title", scope="site")
def check_duplicate_titles(facts: list[Facts], ctx: Context) -> Iterator[tuple[str, Issue]]:
    """Two published posts in the same folder (the same list of posts: `_posts`, a Hugo
    section) have the same title, ignoring case and spacing. Readers cannot tell them apart in
    that list, its feed and search results; often one is an accidental copy. Pages in different
    sections (a docs site's `time/Round` and `duration/Round`) are not compared."""
    # (as for URLs in PC701: only titles two posts have, in any folder, can clash)
    shared = ctx.shared_texts(facts, "title")
    if not shared:
        return
    by_title: dict[tuple[str, str], list[Facts]] = defaultdict(list)
    for post in facts:
        if post.title is not None and post.title[0] in shared and ctx.rendered(post):
            by_title[post.listing, post.title[0]].append(post)
    for group in by_title.values():
        if len(group) < 2:
            continue
        # The first names of the group, each worked out once: a title shared by thousands of
        # posts ("Untitled") would otherwise cost a path computation per pair of them.
        names = [_relative(p.path, ctx) for p in group[:4]]
        count = len(group) - 1
        more = f" and {count - 3} more" if count > 3 else ""
        for i, post in enumerate(group):
            shown = (names[:i] + names[i + 1 :])[:3]
            assert post.title is not None
            _, line, col = post.title
            yield post.path, Issue(line, col, f"same title as {', '.join(shown)}{more}")


def _uses_by_post(facts: list[Facts], taxonomy: str) -> Iterator[list[TermUse]]:
    """Each post's uses of `taxonomy` (`Facts.terms`), in order, iterated in C: the site-wide
    term rules go over every term of the site on every lint."""
    return map(dict.get, map(attrgetter("terms"), facts), repeat(taxonomy), repeat(()))


def _resolved_uses(
    facts: list[Facts], taxonomy: str, aliases: dict[str, str]
) -> list[tuple[str, TermUse, list[str]]]:
    """Every use of `taxonomy` as (path, use, its terms with `aliases` resolved)."""
    return [
        (post.path, use, [aliases.get(t, t) for t in use[1]] if aliases else use[1])
        for post in facts
        for use in post.terms.get(taxonomy, ())
    ]


def _post_terms(uses: list[TermUse]) -> Iterable[str]:
    """The terms one post uses under a taxonomy, each once."""
    if len(uses) == 1:
        return uses[0][1]  # (a use holds each term once)
    return {term for use in uses for term in use[1]}


class Tally(NamedTuple):
    """What the site-wide rules count in some posts' facts, tallied: for each taxonomy, how
    many uses each term has (in the order the terms are first used) and the most uses of it
    one post has; the texts of the posts' URLs and titles, and those of them that more than
    one post has; and how many posts' facts were tallied. The engine tallies each chunk of
    posts as it comes in, while its facts are in the CPU cache, and adds the chunks up in order
    (`add_tally`), so that the site-wide rules need not go over every post's facts again,
    scattered in memory."""

    uses: dict[str, Counter[str]]
    most_uses: dict[str, int]
    texts: dict[str, set[str]]  # "url", "title" -> their texts
    shared: dict[str, set[str]]  # "url", "title" -> the texts more than one post has
    posts: int


def tally_facts(facts: list[Facts], taxonomies: list[str]) -> Tally:
    """The tally of `facts` (see `Tally`), counted in C."""
    uses: dict[str, Counter[str]] = {}
    most_uses: dict[str, int] = {}
    for taxonomy in taxonomies:
        by_post = list(_uses_by_post(facts, taxonomy))
        most_uses[taxonomy] = max(map(len, by_post), default=0)
        uses[taxonomy] = Counter(
            chain.from_iterable(map(itemgetter(1), chain.from_iterable(by_post)))
        )
    texts: dict[str, set[str]] = {}
    shared: dict[str, set[str]] = {}
    for name in ("url", "title"):
        found = list(map(itemgetter(0), filter(None, map(attrgetter(name), facts))))
        texts[name] = set(found)
        shared[name] = (
            set()
            if len(texts[name]) == len(found)  # (no two the same: nearly always)
            else {text for text, count in Counter(found).items() if count > 1}
        )
    return Tally(uses, most_uses, texts, shared, len(facts))


def plain_tally(tally: Tally | None) -> tuple[Any, ...] | None:
    """`tally` as plain data, to travel between processes by marshal (`tally_of_plain` makes
    it a Tally again): its counters as dicts, in the order they count."""
    if tally is None:
        return None
    uses = {taxonomy: dict(counted) for taxonomy, counted in tally.uses.items()}
    return uses, tally.most_uses, tally.texts, tally.shared, tally.posts


def tally_of_plain(plain: tuple[Any, ...]) -> Tally:
    """The Tally `plain_tally` gave as `plain`."""
    uses, most_uses, texts, shared, posts = plain
    counted = {taxonomy: Counter(counts) for taxonomy, counts in uses.items()}
    return Tally(counted, most_uses, texts, shared, posts)


def add_tally(total: Tally | None, tally: Tally) -> Tally:
    """The tally of the facts of `total` and then those of `tally` (as if tallied together);
    `total`'s counts are added to in place."""
    if total is None:
        return tally
    for taxonomy, counted in tally.uses.items():
        total.uses.setdefault(taxonomy, Counter()).update(counted)
        total.most_uses[taxonomy] = max(total.most_uses.get(taxonomy, 0), tally.most_uses[taxonomy])
    for name, texts in tally.texts.items():
        # (set operations in C, on the hashes the sets keep)
        total.shared[name].update(tally.shared[name], total.texts[name] & texts)
        total.texts[name].update(texts)
    return total._replace(posts=total.posts + tally.posts)


def _relative(path: str, ctx: Context) -> str:
    """`path` from the site root (`Path.relative_to`, on normalized path strings), or as it
    is when outside."""
    root = os.path.join(str(ctx.root), "")
    return path[len(root) :] if path.startswith(root) else path


# -- PC8xx: SEO lengths --------------------------------------------------------------------------


@_register(
    "PC801",
    "title-length",
    "warning",
    "The title is too long or too short",
    pages_only=True,
    quiet_when=TITLE_FITS,
)
def check_title_length(post: Post, ctx: Context) -> Iterator[Issue]:
    """The title is longer or shorter than `lint.title_length` (default at most 70 characters):
    search engines cut titles at about 60-70 characters, and very short titles say little."""
    key = ctx.lookups(post).written.get("title")
    if key is None or not isinstance(post.data[key], str) or post.draft:
        return
    yield from _length(post, key, post.data[key].strip(), ctx.title_length)


def _length(post: Post, key: str, text: str, bounds: tuple[int, int]) -> Iterator[Issue]:
    low, high = bounds
    n = len(text)
    if n > high:
        yield _issue(post, key, f"{key} is {n} characters, longer than {high}")
    elif n < low and n:
        yield _issue(post, key, f"{key} is {n} characters, shorter than {low}")


@_register(
    "PC802",
    "description-length",
    "warning",
    "The description is too long or too short",
    pages_only=True,
    quiet_when=DESCRIPTION_FITS,
)
def check_description_length(post: Post, ctx: Context) -> Iterator[Issue]:
    """The description (`description`, `excerpt` or `summary`, as SEO plugins read it) is
    longer or shorter than `lint.description_length` (default at most 160 characters): search
    engines cut meta descriptions at about 155-160 characters."""
    if post.draft:
        return
    written = ctx.lookups(post).written
    for name in ("description", "excerpt", "summary"):
        key = written.get(name)
        if key is not None and isinstance(post.data[key], str):
            yield from _length(post, key, post.data[key].strip(), ctx.description_length)
            return


# -- PC9xx: references and schemas ---------------------------------------------------------------

_REMOTE = _lazy_pattern("_REMOTE", r"^([a-z][a-z0-9+.-]*:|//)", re.I)


@_register("PC901", "missing-file", "warning", "A referenced local file does not exist")
def check_missing_files(post: Post, ctx: Context) -> Iterator[Issue]:
    """A path field (`lint.path_fields`, default `image`) names a local file that is not in the
    site: the page shows a broken image and social cards have none. Paths starting with `/`
    are looked up from the site root (and Hugo's `static/` and `assets/`), other paths also next
    to the post (Hugo page bundles). URLs and template expressions are not checked."""
    for name in ctx.path_fields:
        key = actual_key(post, name)
        if key is None:
            continue
        value = post.data[key]
        if isinstance(value, dict):  # jekyll-seo-tag's image: {path: ...}
            value = value.get("path")
        values = value if isinstance(value, list) else [value]
        for item in values:
            if not isinstance(item, str):
                continue
            # What a reference from the site root got (its message, "" when found or not
            # checked) is the same for every post: thousands of posts name the same images.
            # (Not while the folders looked in are recorded: see `_found`.)
            message = None if ctx.consulted is not None else ctx._unfound.get((key, item))
            if message is None:
                rel = _local_reference(item)
                message = (
                    f"{key} {_show(item.strip())} does not exist in the site"
                    if rel and not _found(post, ctx, rel)
                    else ""
                )
                if not rel or rel.startswith("/"):  # (else it depends on the post's folder)
                    ctx._unfound[key, item] = message
            if message:
                yield _issue(post, key, message)


@functools.lru_cache(maxsize=4096)
def _local_reference(item: str) -> str:
    """The file path a reference names, without its fragment and query, percent-decoded; ""
    when it is not checked: empty, a URL, or a template expression. (Cached: thousands of
    posts name the same few images.)"""
    ref = item.strip()
    if not ref or _REMOTE.match(ref) or "{{" in ref or "{%" in ref:
        return ""
    rel = ref.split("#", 1)[0].split("?", 1)[0]
    if "%" in rel:
        from urllib.parse import unquote

        rel = unquote(rel)
    return rel


def _found(post: Post, ctx: Context, rel: str) -> bool:
    """Whether `rel` names a file: from the site root (Hugo: also `static/`, `assets/`), and
    when relative, also from the post's folder. The answer and the folders looked in are kept
    for the run (the folders are listed once anyway), and the folders counted as consulted
    again on each use."""
    relative_to = "" if rel.startswith("/") else str(post.path.parent)
    known = ctx._references.get((rel, relative_to))
    if known is not None:
        if ctx.consulted is not None:
            ctx.consulted.update(known[1])
        return known[0]
    folder, name = os.path.split(rel.lstrip("/"))
    bases = (relative_to, *ctx.file_bases) if relative_to else ctx.file_bases
    looked: list[str] = []
    found = False
    for base in bases:
        looked.append(os.path.join(base, folder))
        if ctx.exists(looked[-1], name):
            found = True
            break
    ctx._references[rel, relative_to] = (found, tuple(looked))
    return found


@_register(
    "PC902",
    "schema-violation",
    "error",
    "Front matter does not match the JSON Schema",
    active=_with_schema,
)
def check_schema(post: Post, ctx: Context) -> Iterator[Issue]:
    """`lint.schema` names a JSON Schema file and a post's front matter does not validate
    against it. The finding points at the offending top-level key. Dates are checked as ISO 8601
    strings (`"format": "date"` works). Needs the `jsonschema` package
    (`pip install 'postctl[schema]'`)."""
    if ctx.schema_validator is None or not post.has_front_matter:
        return
    from postctl.output import to_json

    for error in ctx.schema_validator.iter_errors(to_json(post.data)):
        path = list(error.absolute_path)
        key = str(path[0]) if path and str(path[0]) in post.data else None
        where = ".".join(str(p) for p in path)
        message = f"{where}: {error.message}" if where else error.message
        yield _issue(post, key, f"schema: {message}")
