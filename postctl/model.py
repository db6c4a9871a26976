"""The post model: one `Post` type that every postctl command goes through.

`load_post` reads a file, finds its front matter the way Jekyll and Hugo do, parses only that part
(the body is read lazily), and normalizes the fields the generators give meaning to. Everything a
byte-exact rewrite needs (delimiters, byte spans, BOM, line endings) is kept on the `Post`.

Nothing else in postctl parses front matter.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from stat import S_ISREG
from typing import Any, ClassVar, Literal

import frontmatter.default_handlers as fm_handlers

from postctl.timezones import tz_zone

Format = Literal["yaml", "toml", "json"]
SiteKind = Literal["jekyll", "hugo", "plain"]

BOM = b"\xef\xbb\xbf"
HEAD_SIZE = 64 * 1024
# What a load that does not keep the body reads first: the front matter of nearly every post
# (the largest of the 1,904 in Jekyll's tests, Hugo's docs and the Rust blog ends at byte 649).
# A read costs by the pages it copies: 1.2 us for 1 KiB, 2.2 us for a 4.5 KiB post.
FIRST_READ = 2048
# Deeper front matter than this is refused: nothing real comes close, and deeper input crashes
# libyaml's recursive composer (100,000 levels segfault) or Python's recursion limit.
MAX_DEPTH = 100
# Aliases may expand to at most this many values ("billion laughs" expands to 10**9).
MAX_EXPANDED_NODES = 100_000
_TOO_DEEP = f"front matter is nested more than {MAX_DEPTH} levels deep"

# Jekyll's post file name: DATE_FILENAME_MATCHER in jekyll/lib/jekyll/document.rb,
# %r!\A(?>.+/)*?(\d{2,4}-\d{1,2}-\d{1,2})-([^/]*)(\.[^.]+)\z!
JEKYLL_FILENAME = re.compile(r"^(\d{2,4})-(\d{1,2})-(\d{1,2})-(.*?)(\.[^.]+)?$")
# Hugo's default `frontmatter.date` chain, aliases included: date, then publishDate (pubdate,
# published), then lastmod (modified); newDefaultFrontmatterConfig and dateFieldAliases in
# hugo/resources/page/pagemeta/page_frontmatter.go. Hugo 0.168 dated a post with only
# `lastmod: 2020-01-14` 2020-01-14.
HUGO_DATE_KEYS = ("date", "publishdate", "pubdate", "published", "lastmod", "modified")
# Hugo's PublishDate: the first of these keys set (not missing, nil or ""), the aliases of
# `publishDate` included: newDefaultFrontmatterConfig (PublishDate: publishdate, date) and
# dateFieldAliases in hugo/resources/page/pagemeta/page_frontmatter.go.
HUGO_PUBLISH_DATE_KEYS = ("publishdate", "pubdate", "published", "date")


def format_location(path: Path | str, line: int | None, col: int | None) -> str:
    """`path`, `path:line` or `path:line:col`, the way compilers and linters point at a place."""
    where = str(path)
    if line is not None:
        where += f":{line}"
        if col is not None:
            where += f":{col}"
    return where


class PostError(Exception):
    """A post that cannot be read: where (path, 1-based line and column) and why, in plain words."""

    def __init__(
        self,
        path: Path | str,
        message: str,
        line: int | None = None,
        col: int | None = None,
        code: str = "PC001",
    ) -> None:
        super().__init__(message)
        self.path = Path(path)
        self.message = message
        self.line = line
        self.col = col
        self.code = code
        self.stat_key: tuple[int, int, int, int] | None = None  # as Post.stat_key

    def __reduce__(self) -> tuple[Any, ...]:  # survive the trip back from worker processes
        return (
            PostError,
            (self.path, self.message, self.line, self.col, self.code),
            {"stat_key": self.stat_key},
        )

    @property
    def location(self) -> str:
        return format_location(self.path, self.line, self.col)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


# Error codes a `PostError` carries; lint reports them under the same codes.
READ_ERROR = "PC001"  # the file cannot be read at all (missing, unreadable, a folder, binary)
ENCODING_ERROR = "PC002"  # not UTF-8
UNCLOSED = "PC003"  # opening delimiter without a closing one
SYNTAX_ERROR = "PC004"  # YAML/TOML/JSON does not parse
NOT_A_MAPPING = "PC005"  # front matter parses to a list, string, number
UNSAFE = "PC006"  # unsafe tags, alias bombs, recursion, nesting too deep


@dataclass(frozen=True)
class ParsedDate:
    """A date as the generators read it; `has_time`/`has_zone` say what the writer spelled out."""

    value: datetime
    has_time: bool
    has_zone: bool

    @property
    def sort_key(self) -> datetime:
        """A naive UTC datetime, so posts with and without a zone sort together."""
        zone = self.value.tzinfo
        if zone is None:
            return self.value
        if zone is timezone.utc:
            return self.value.replace(tzinfo=None)
        try:
            return self.value.astimezone(timezone.utc).replace(tzinfo=None)
        except OverflowError:  # 0001-01-01T00:00+05:00 is before datetime.min in UTC
            return self.value.replace(tzinfo=None)


def in_site_zone(when: datetime, timestamp: bool, zone: tzinfo) -> datetime:
    """The time Jekyll makes of a front-matter date and time `when` on a site whose
    `timezone` is `zone`: Document#merge_date! reads every date through Utils.parse_date,
    `Time.parse(input).localtime`, in the zone Jekyll.set_timezone put in ENV["TZ"]
    (jekyll/lib/jekyll/document.rb, utils.rb, jekyll.rb). So a time with an offset is converted
    to the zone, and text without one (quoted, or without seconds) is read in it. A YAML
    `timestamp` without an offset (`2024-01-01 23:30:00`, `timestamp` True: YAML read it as a
    datetime) is UTC by then: Jekyll reads front matter with SafeYAML, whose Parse::Date.value is
    DateTime.parse(value).to_time (safe_yaml/lib/safe_yaml/parse/date.rb), and DateTime.parse
    takes no offset as +00:00. At the ends of the calendar, `when` as written."""
    if when.tzinfo is None:
        if not timestamp:
            return when.replace(tzinfo=zone)
        when = when.replace(tzinfo=timezone.utc)
    try:
        return when.astimezone(zone)
    except (OverflowError, ValueError):
        return when


def _dated_in_zone(
    parsed: ParsedDate | None, timestamp: bool, zone: tzinfo | None
) -> ParsedDate | None:
    """A post's date on a Jekyll site whose `timezone` is `zone` (`in_site_zone`; `parsed` as
    it is when no zone is set, or no date parsed). A day alone
    is its midnight in the zone: Jekyll reads it too through Utils.parse_date (`Time.parse(
    "2024-07-01").localtime`; a YAML date's to_s, a file name's date), so on a `timezone:
    Asia/Tokyo` site `date: 2024-07-01` is 00:00 +09:00 and sorts before `"2024-07-01 05:00"`.
    `has_time` stays False: it is shown as the day."""
    if zone is None or parsed is None:
        return parsed
    return ParsedDate(
        in_site_zone(parsed.value, timestamp and parsed.has_time, zone),
        parsed.has_time,
        parsed.has_zone,
    )


# ISO 8601 and Ruby's Time#to_s ("2013-09-14 20:46:50 -0400", which PyYAML leaves as a string),
# both of which Jekyll (Ruby's Time.parse) and Hugo (htime.ToTimeInDefaultLocationE) accept.
_DATE_TEXT = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:(?:[Tt]|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
    r"\s*(?:([Zz]|UTC|GMT)|([+-])(\d{2}):?(\d{2}))?\s*$"
)


def parse_date(value: Any, *, rollover: bool = False) -> ParsedDate | None:
    """Read a front-matter date value; None when it is not a real date (e.g. 2020-02-30).

    With `rollover`, a day past the month's end but not past 31 rolls into the next month, as
    Ruby's Time.parse does for Jekyll (Utils.parse_date in jekyll/lib/jekyll/utils.rb): Jekyll
    4.3 dates `date: 2020-02-30` and `2020-02-30-x.md` 2020-03-01, and fails on day 32."""
    if isinstance(value, datetime):
        return ParsedDate(value, True, value.tzinfo is not None)
    if isinstance(value, date):
        return ParsedDate(datetime.combine(value, time()), False, False)
    if not isinstance(value, str):
        return None
    m = _DATE_TEXT.match(value)
    if not m:
        return None
    y, mo, d, hh, mi, ss, frac, utc, sign, oh, om = m.groups()
    tz = None
    try:
        if utc:
            tz = timezone.utc
        elif sign:  # an offset of a day or more (`+9999`) is no zone at all: ValueError
            offset = timedelta(hours=int(oh), minutes=int(om))
            tz = timezone(-offset if sign == "-" else offset)
        micro = int((frac or "0")[:6].ljust(6, "0"))
        clock = (int(hh or 0), int(mi or 0), int(ss or 0), micro)
        day = int(d)
        if rollover and 28 < day <= 31 and 1 <= int(mo) <= 12:
            first = datetime(int(y), int(mo), 1, *clock, tzinfo=tz)
            parsed = first + timedelta(days=day - 1)
        else:
            parsed = datetime(int(y), int(mo), day, *clock, tzinfo=tz)
    except ValueError:
        return None
    return ParsedDate(parsed, hh is not None, tz is not None)


class cached_property:  # named as the functools one it replaces
    """functools.cached_property without its lock: Python 3.10 and 3.11 take an RLock on every
    first access, which was a sixth of summarizing a freshly parsed post (3.12 dropped it).
    Posts are not shared between threads while their views are computed."""

    def __init__(self, func: Callable[[Any], Any]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.func(instance)
        return value


def _hugo_keys(layout: tuple[str, ...]) -> dict[str, str]:
    """Post.hugo_keys for front matter whose keys are `layout`."""
    keys = {key.lower(): key for key in layout}
    if len(keys) == len(layout):
        return keys  # no two keys differ only by case (nearly every post)
    keys = {}
    for key in layout:
        lowered = key.lower()
        if key != lowered or lowered not in keys:
            keys[lowered] = key
    return keys


# Post.hugo_keys by the keys of a front matter, in order: making the table again for every post
# was a fifth of summing up a post on a Hugo site, and most posts of a site list the same keys.
_HUGO_KEYS: dict[tuple[str, ...], dict[str, str]] = {}
_HUGO_KEYS_KEPT = 1024


@dataclass(eq=False)
class Post:
    """One post file: where its front matter is, what it says, and what the generator makes of it.

    Byte offsets (`fm_start`, `fm_end`, `body_start`) count from the file start, BOM included.
    `raw` is the front-matter text between the delimiters (for JSON, the whole object).
    `path` may be given as a string: it is made a Path when first read (see `_set_post_path`).
    """

    path: Path
    kind: SiteKind = "plain"
    format: Format | None = None
    bom: bool = False
    newline: str = "\n"
    open_delimiter: str = ""
    close_delimiter: str = ""
    fm_start: int = 0
    fm_end: int = 0
    body_start: int = 0
    fm_line: int = 1
    raw: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    key_positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    duplicate_keys: list[tuple[str, int, int]] = field(default_factory=list)
    size: int = 0
    mtime_ns: int = 0
    drafts_folder: bool = False
    categories_from_path: tuple[str, ...] = ()
    # A Jekyll site's `timezone` (Site.time_zone): the zone Jekyll dates its posts in. None: no
    # zone is set (Jekyll then uses the build machine's), or not a Jekyll site. Not a field: it
    # is set on the posts of such a site only (`_with_zone`); one more attribute on every Post
    # made reading the views of posts without it 5% slower (past CPython's 30 shared keys).
    time_zone: ClassVar[tzinfo | None] = None
    # (size, mtime_ns, ctime_ns, inode) of the file as it was opened, before it was read: what
    # the parse cache keys this post's entry by. None when the post was not read from a file.
    stat_key: tuple[int, int, int, int] | None = field(default=None, repr=False)

    # -- raw access ---------------------------------------------------------------------------
    @property
    def path_text(self) -> str:
        """`str(post.path)`, without making the Path of a post that keeps the path string it
        was loaded from (see `_set_post_path`)."""
        path = self._path
        return path if path.__class__ is str else str(path)

    @property
    def has_front_matter(self) -> bool:
        return self.format is not None

    def get(self, key: str, default: Any = None) -> Any:
        """A front-matter value; keys are case-insensitive on Hugo sites, as in Hugo."""
        if self.kind == "hugo":
            written = self.hugo_keys.get(key.lower())
            return default if written is None else self.data[written]
        return self.data.get(key, default)

    @cached_property
    def hugo_keys(self) -> dict[str, str]:
        """Lower-cased key -> the key as written whose value Hugo keeps. Hugo lower-cases keys
        with maps.PrepareParams (hugo/common/maps/params.go), which moves each mixed-case key's
        value onto the lower-case key: with `draft: false` and `Draft: true`, in either order,
        Hugo 0.168 makes a draft. Posts whose keys are the same, in the same order (most posts
        of a site), share one table: never change it."""
        layout = tuple(self.data)
        keys = _HUGO_KEYS.get(layout)
        if keys is None:
            keys = _hugo_keys(layout)
            if len(_HUGO_KEYS) >= _HUGO_KEYS_KEPT:
                _HUGO_KEYS.clear()
            _HUGO_KEYS[layout] = keys
        return keys

    def has(self, key: str) -> bool:
        return self.get(key, _MISSING) is not _MISSING

    def key_position(self, key: str) -> tuple[int, int]:
        """1-based (line, column) of a top-level key, or of the front matter when not found."""
        return self.key_positions.get(key, (self.fm_line, 1))

    def reparse(self, content: bytes) -> Post:
        """This post as `content` reads: same path, site kind and folder context (for an edit
        that checks its own result, or a file read again before writing)."""
        return parse_post(
            self.path,
            content,
            self.kind,
            drafts_folder=self.drafts_folder,
            categories_from_path=self.categories_from_path,
            time_zone=self.time_zone,
        )

    def _with_zone(self, zone: tzinfo | None) -> Post:
        if zone is not None:
            self.time_zone = zone  # type: ignore[misc]
        return self

    def read_bytes(self) -> bytes:
        return self.path.read_bytes()

    @property
    def body(self) -> str:
        """The body as text; read from disk on first use. Raises PostError when not UTF-8."""
        return self._body

    @cached_property
    def _body(self) -> str:
        try:
            with open(self.path, "rb") as f:
                f.seek(self.body_start)
                data = f.read()
        except OSError as e:
            raise PostError(self.path, _os_message(e), code=READ_ERROR) from None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as e:
            line, col = _line_col(data, e.start)
            line += self.body_line - 1
            raise PostError(
                self.path,
                f"invalid UTF-8 byte 0x{data[e.start]:02x} in the body",
                line,
                col,
                ENCODING_ERROR,
            ) from None

    @property
    def body_line(self) -> int:
        """1-based line on which the body starts."""
        return self.fm_line + self.raw.count("\n") + (1 if self.format in ("yaml", "toml") else 0)

    # -- normalized views ---------------------------------------------------------------------
    @cached_property
    def filename_match(self) -> re.Match[str] | None:
        return JEKYLL_FILENAME.match(split_path(self.path_text)[1])

    @cached_property
    def file_slug(self) -> str:
        """Jekyll's slug from the file name (Document#populate_title, jekyll/lib/jekyll/
        document.rb): what follows the date, else the name without its extension, with trailing
        periods dropped (Jekyll 4.3 slugs `2020-03-06-trailing-dots..md` "trailing-dots")."""
        match = self.filename_match
        return (match.group(4) if match else _stem(split_path(self.path_text)[1])).rstrip(".")

    @cached_property
    def title(self) -> str | None:
        value = self.get("title")
        if self.kind == "jekyll" and (value is None or value is False):
            # Document#populate_title: `data["title"] ||= Utils.titleize_slug(slug)`, so a
            # post without a title (or with `title: false`, Ruby's other falsy value), draft or
            # not, is titled from its file name. Ruby's split drops trailing empty fields.
            words = self.file_slug.split("-")
            while words and not words[-1]:
                words.pop()
            return " ".join(w.capitalize() for w in words)
        if value is not None and not isinstance(value, (dict, list)):
            return term_text(value)
        return None

    @cached_property
    def date_key(self) -> str | None:
        """The front-matter key (as written) the date is read from, or None."""
        if self.kind == "hugo":
            for key in HUGO_DATE_KEYS:
                value = self.get(key)
                # Hugo's newDateFieldHandler skips missing, nil and "" values.
                if value is not None and value != "":
                    return self.hugo_keys[key]
            return None
        return "date" if "date" in self.data else None

    @cached_property
    def parsed_date(self) -> ParsedDate | None:
        """The post's date as its generator dates it (what `list` shows and `stats` counts).
        Front matter wins (on Hugo sites, the first of HUGO_DATE_KEYS); else Jekyll's date
        from the file name (Document#populate_title). A date that does not parse is None:
        Jekyll and Hugo fail the build on it. A Jekyll draft without either stays undated here,
        though Jekyll dates it by its file's modification time (Document#date): that is not in
        the file, and changes with every checkout.
        On a Jekyll site that sets `timezone` (`time_zone`), a date with a time is converted to
        that zone (`in_site_zone`), as Jekyll does: `date: 2024-06-30 23:30:00` is 2024-07-01
        08:30 on a `timezone: Asia/Tokyo` site, in its URL and archives; `has_time` and
        `has_zone` still say what the writer spelled out (`written_date`: as written)."""
        jekyll = self.kind == "jekyll"
        key = self.date_key
        if key is not None:
            value = self.data[key]
            parsed = parse_date(value, rollover=jekyll)
            return _dated_in_zone(parsed, isinstance(value, datetime), self.time_zone)
        if self.kind == "hugo":
            return None
        if self.filename_match:
            y, m, d = self.filename_match.group(1, 2, 3)
            year = int(y)
            if len(y) == 2:
                # Ruby's Time.parse completes a two-digit year as 1969-2068: Jekyll 4.3 dates
                # `20-03-13-x.md` 2020-03-13.
                year += 1900 if year >= 69 else 2000
            parsed = parse_date(f"{year:04d}-{int(m):02d}-{int(d):02d}", rollover=jekyll)
            return _dated_in_zone(parsed, False, self.time_zone)
        return None

    @property
    def written_date(self) -> ParsedDate | None:
        """The date as written, in its own offset (naive without one): `parsed_date` unless
        the post has a `time_zone`."""
        if self.time_zone is None or self.date_key is None:
            return self.parsed_date
        return parse_date(self.data[self.date_key], rollover=self.kind == "jekyll")

    @property
    def date(self) -> datetime | None:
        return self.parsed_date.value if self.parsed_date else None

    @cached_property
    def date_text(self) -> str | None:
        """The date in ISO 8601 (`isoformat()`), as summaries keep it."""
        parsed = self.parsed_date
        return parsed.value.isoformat() if parsed else None

    @cached_property
    def date_order(self) -> str | None:
        """The date's sort key as ISO 8601 text: naive UTC, so texts sort as the instants do
        (years have four digits, and a time without microseconds is a prefix of one with)."""
        parsed = self.parsed_date
        if parsed is None:
            return None
        zone = parsed.value.tzinfo
        # The two usual cases, without a second isoformat(): a naive date is its own sort key,
        # and a UTC one is too once its "+00:00" goes.
        if zone is None:
            return self.date_text
        if zone is timezone.utc:
            return self.date_text[:-6]  # type: ignore[index]
        return parsed.sort_key.isoformat()

    @cached_property
    def publish_date(self) -> tuple[str | None, datetime] | None:
        """The date until which the generator leaves the post out of the site, with the key it
        is written under (None: Jekyll's date from the file name); None for a draft, an
        undated post, or a Jekyll post with `published` set (`true` publishes it whatever its
        date: Publisher#publish?, jekyll/lib/jekyll/publisher.rb). Hugo: its PublishDate
        (`HUGO_PUBLISH_DATE_KEYS`); a value that is not a date is passed over, as Hugo's chain
        of date handlers does. Jekyll: the post's date, from front matter or the file name
        (Publisher#hidden_in_the_future? on Document#date). Other sites: `date`."""
        if self.draft:
            return None
        if self.kind == "hugo":
            written = self.hugo_keys
            data = self.data
            for name in HUGO_PUBLISH_DATE_KEYS:
                key = written.get(name)
                if key is None or data[key] is None or data[key] == "":
                    continue
                parsed = parse_date(data[key])
                if parsed is not None:
                    return key, parsed.value
            return None
        if self.kind == "jekyll":
            if self.data.get("published") is not None:
                return None  # (`false`: a draft)
        elif self.date_key is None:
            return None
        parsed = self.written_date  # (the same instant as parsed_date, spelled as written)
        return None if parsed is None else (self.date_key, parsed.value)

    def publish_instant(self, key: str | None, value: datetime) -> datetime:
        """The instant the post is published when dated `value` (`publish_date`: under `key`,
        None for Jekyll's file name): on a Jekyll site with a `timezone`, a date without an
        offset is in that zone as Jekyll reads it (`in_site_zone`: a day alone is its midnight
        there, a YAML timestamp UTC), since Publisher#hidden_in_the_future? compares
        Document#date; elsewhere `value` as written (naive: the build machine's zone, unknown
        here)."""
        zone = self.time_zone
        if zone is None or value.tzinfo is not None:
            return value
        timestamp = key is not None and isinstance(self.data.get(key), datetime)
        return in_site_zone(value, timestamp, zone)

    @property
    def date_source(self) -> str | None:
        if self.parsed_date is None:
            return None
        return "front matter" if self.date_key is not None else "file name"

    @cached_property
    def tags(self) -> list[str]:
        return self._terms("tags", "tag")

    @cached_property
    def categories(self) -> list[str]:
        if self.kind != "jekyll":
            return _unique(self._terms("categories", None))
        # Document#categories_from_path, #merge_categories! and #populate_categories
        # (jekyll/lib/jekyll/document.rb): the folders above _posts first, then the
        # `categories` list, then a truthy `category`, repeats dropped. Jekyll 4.3 gives
        # `news/_posts` with `categories: [extra, news]` [news, extra], and `category: one two`
        # with `categories: [p, q]` [p, q, "one two"].
        singular = self.get("category")
        extra = [] if singular is None or singular is False else _as_terms(singular, split=False)
        return _unique([*self.categories_from_path, *self._terms("categories", None), *extra])

    def terms(self, field_name: str) -> list[str]:
        """The terms of any list field (`tags`, `categories`, or a custom taxonomy)."""
        if field_name == "tags":
            return self.tags
        if field_name == "categories":
            return self.categories
        return self._terms(field_name, None)

    def _terms(self, plural: str, singular: str | None) -> list[str]:
        if self.kind == "jekyll" and singular is not None:
            # Utils.pluralized_array_from_hash (jekyll/lib/jekyll/utils.rb): a singular key
            # that Ruby finds truthy (not nil, not false) wins; see key_terms for the rest.
            value = self.get(singular)
            if value is not None and value is not False:
                return key_terms(self.kind, singular, value)
        # Hugo (and most other generators) take a string as one term: `tags = "a b"` is "a b".
        return key_terms(self.kind, plural, self.get(plural))

    @cached_property
    def draft(self) -> bool:
        if self.kind == "jekyll":
            # Jekyll: a file in _drafts/, or `published: false` (Document#published?).
            return self.drafts_folder or self.get("published") is False
        if self.kind == "hugo":
            # Hugo reads `draft` with cast.ToBool, which also takes the strings "true", "1", ...
            return _hugo_bool(self.get("draft"))
        return _hugo_bool(self.get("draft")) or self.get("published") is False

    @cached_property
    def authors(self) -> list[str]:
        names: list[str] = []
        for key in ("author", "authors"):
            value = self.get(key)
            if isinstance(value, dict):  # {name: ..., email: ...}
                value = value.get("name")
            names.extend(_as_terms(value, split=False))
        return _unique(names)

    @property
    def author(self) -> str | None:
        return self.authors[0] if self.authors else None

    @cached_property
    def slug(self) -> str:
        value = self.get("slug")
        if isinstance(value, str) and value.strip():
            return value.strip()
        if self.kind == "jekyll":
            return self.file_slug
        return page_name(*split_path(self.path_text))

    @property
    def excerpt(self) -> str | None:
        for key in ("excerpt", "description", "summary"):
            value = self.get(key)
            if isinstance(value, str):
                return value
        return None

    @property
    def image(self) -> str | None:
        value = self.get("image")
        if isinstance(value, dict):  # jekyll-seo-tag's `image: {path: ...}`
            value = value.get("path")
        return value if isinstance(value, str) else None

    # -- round trip ---------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Everything `load_post` read, as JSON-ready data (`from_dict` rebuilds an equal Post).
        Dates, times, non-string keys, tuples, sets and bytes carry type tags, so a tz-aware
        datetime stays tz-aware and a date stays a date. Raises TypeError for a value it cannot
        tag (nothing the YAML, TOML or JSON loaders produce)."""
        return {
            "path": self.path_text,
            "kind": self.kind,
            "format": self.format,
            "bom": self.bom,
            "newline": self.newline,
            "open_delimiter": self.open_delimiter,
            "close_delimiter": self.close_delimiter,
            "fm_start": self.fm_start,
            "fm_end": self.fm_end,
            "body_start": self.body_start,
            "fm_line": self.fm_line,
            "raw": self.raw,
            "data": _tag_value(self.data),
            "key_positions": self.key_positions,
            "duplicate_keys": self.duplicate_keys,
            "size": self.size,
            "mtime_ns": self.mtime_ns,
            "drafts_folder": self.drafts_folder,
            "categories_from_path": self.categories_from_path,
            "time_zone": _zone_name(self.time_zone),
        }

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> Post:
        """The Post that `to_dict` described."""
        return cls._from_record(record, _untag_value(record["data"]))

    def to_json(self) -> str:
        return dumps_tagged(self.to_dict())

    @classmethod
    def from_json(cls, text: str, path: Path | None = None) -> Post:
        """The Post that `to_json` wrote (for `path`, when given: it must be the path written);
        raises ValueError, KeyError or TypeError on bad input."""
        record = loads_tagged(text)
        if path is not None and record["path"] != str(path):
            raise ValueError(f"the record is for {record['path']}, not {path}")
        return cls._from_record(record, record["data"], path)

    @classmethod
    def _from_record(
        cls, record: dict[str, Any], data: dict[str, Any], path: Path | None = None
    ) -> Post:
        post = cls(
            path=Path(record["path"]) if path is None else path,
            kind=record["kind"],
            format=record["format"],
            bom=record["bom"],
            newline=record["newline"],
            open_delimiter=record["open_delimiter"],
            close_delimiter=record["close_delimiter"],
            fm_start=record["fm_start"],
            fm_end=record["fm_end"],
            body_start=record["body_start"],
            fm_line=record["fm_line"],
            raw=record["raw"],
            data=data,
            key_positions={k: tuple(v) for k, v in record["key_positions"].items()},
            duplicate_keys=[tuple(d) for d in record["duplicate_keys"]],
            size=record["size"],
            mtime_ns=record["mtime_ns"],
            drafts_folder=record["drafts_folder"],
            categories_from_path=tuple(record["categories_from_path"]),
        )
        return post._with_zone(_named_zone(record["time_zone"]))


def split_path(path: str) -> tuple[str, str]:
    """`os.path.split(path)`, without its cost for the usual path (a separator in it, and not
    right after another): this runs on every post."""
    folder, _, name = path.rpartition(os.sep)
    if folder and not folder.endswith(os.sep) and os.altsep is None:
        return folder, name
    return os.path.split(path)


def _stem(name: str) -> str:
    """A file name without its extension, as pathlib's PurePath.stem (3.10 to 3.13) has it."""
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def page_name(folder: str, name: str) -> str:
    """What a file (`name`, in `folder`) names its page outside Jekyll: its name without the
    extension, or for a page bundle's `index` or a section's `_index`, its folder's name."""
    stem = _stem(name)
    return split_path(folder)[1] if stem in ("index", "_index") else stem


def _post_path(post: Post) -> Path:
    path = post._path
    if path.__class__ is str:
        path = post._path = Path(path)
    return path


def _set_post_path(post: Post, path: Path | str) -> None:
    # A string is kept only when it is plainly the text of its Path (str(Path(path)) is
    # path): on POSIX, without an empty or `.` part (`a//b`, `./a`, `a/./b`, `a/`). Any other
    # is made a Path now: one whose part starts with a dot (`../a`, `.hidden/a`), all of them
    # on Windows (more spellings), which are seldom posts' paths.
    if path.__class__ is str and not (
        _POSIX_PATHS
        and path
        and path[0] != "."
        and path[-1] != "/"
        and "/." not in path
        and "//" not in path
    ):
        path = Path(path)
    post._path = path


_POSIX_PATHS = os.altsep is None
# How path strings that name another file than as written end (see `_load`).
_NOT_OPENED_AS_WRITTEN = tuple({os.sep, "/", os.sep + ".", "/."})


# Post.path is a property over `_path`, which may hold the path string a post was loaded from,
# when that is the text of its Path (see `_set_post_path`: so `path_text` is `str(post.path)`):
# a Path is made when something asks for one. `list` never does (a summary keeps the text), and
# making one cost 1.9 us of the 35 that parsing and summing up a post takes.
Post.path = property(_post_path, _set_post_path, doc="The post's file.")  # type: ignore[assignment]

_MISSING = object()


def _zone_name(zone: tzinfo | None) -> str | None:
    """The `timezone` text that `_named_zone` makes `zone` of again: Site.time_zone is a
    ZoneInfo, or a POSIX rule's fixed offset named as written (timezones.tz_zone)."""
    if zone is None:
        return None
    name = getattr(zone, "key", None)
    if name is None and isinstance(zone, timezone):
        name = zone.tzname(None)
        if tz_zone(name) != zone:  # (`timezone(offset)` is named `UTC+09:00`: -09:00 to TZ)
            name = None
    if not isinstance(name, str):
        raise TypeError(f"cannot record the time zone {zone!r}")
    return name


def _named_zone(name: str | None) -> tzinfo | None:
    if name is None:
        return None
    zone = tz_zone(name)
    if zone is None:
        raise ValueError(f"not a time zone: {name!r}")
    return zone


def term_text(value: Any) -> str:
    """A scalar as its generators print it (YAML `true` is "true", not Python's "True")."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if value is None:
        return ""
    return str(value)


JEKYLL_SINGULAR_KEYS = ("tag", "category")
# The only keys whose string Jekyll splits into terms on whitespace: Document#populate_tags and
# #populate_categories read them through Utils.pluralized_array_from_hash, whose
# value_from_plural_key does `val.split` for a String (jekyll/lib/jekyll/document.rb, utils.rb).
# Any other key's value reaches the templates as written: `series: Deep Dive` is one value.
JEKYLL_SPLIT_KEYS = ("tags", "categories")


def splits_terms(kind: SiteKind, key: str) -> bool:
    """Whether the generator splits a string under `key` into terms on whitespace: on Jekyll,
    `tags: a b` is two tags; a string under any other key, on any other site, is one term."""
    return kind == "jekyll" and key in JEKYLL_SPLIT_KEYS


def key_terms(kind: SiteKind, key: str, value: Any) -> list[str]:
    """The terms the generator reads from one front-matter key's value. Jekyll
    (Utils.pluralized_array_from_hash, jekyll/lib/jekyll/utils.rb): a `tags`/`categories`
    string is split on whitespace, its list taken as is, and any other value gives nothing
    (Jekyll 4.3: `tags: 2020` and `tags: true` are no tags); a singular `tag`/`category` is
    taken whole unless Ruby finds it falsy (nil, false). Any other key (a custom taxonomy such
    as `series`, `author`), and every key on Hugo and other sites: a string is one term."""
    if kind == "jekyll":
        if key in JEKYLL_SPLIT_KEYS:
            return _as_terms(value, split=True) if isinstance(value, (str, list)) else []
        if key in JEKYLL_SINGULAR_KEYS:
            return [] if value is None or value is False else _as_terms(value, split=False)
    return _as_terms(value, split=False)


def _as_terms(value: Any, split: bool) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.split() if split else ([value] if value.strip() else [])
    if isinstance(value, (list, tuple)):
        out: list[str] = []
        for item in value:  # Ruby's Array#flatten: nested lists count as terms too
            if type(item) is str:  # nearly every term: term_text would give it back as is
                out.append(item)
            elif isinstance(item, (list, tuple)):
                out.extend(term_text(x) for x in item if x is not None)
            elif item is not None and not isinstance(item, dict):
                out.append(term_text(item))
        return out
    if isinstance(value, dict):
        return []
    return [term_text(value)]


def _unique(items: list[str]) -> list[str]:
    return items if len(items) < 2 else list(dict.fromkeys(items))


def _hugo_bool(value: Any) -> bool:
    # strconv.ParseBool, which cast.ToBoolE uses for strings.
    if isinstance(value, str):
        return value.strip() in ("1", "t", "T", "TRUE", "true", "True")
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    return False


# -- reading ----------------------------------------------------------------------------------


# O_NONBLOCK: opening a FIFO named `post.md` would otherwise wait forever for a writer; load_post
# refuses it as "not a regular file". Regular files ignore the flag.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)


def load_post(
    path: Path | str,
    kind: SiteKind = "plain",
    *,
    drafts_folder: bool = False,
    categories_from_path: tuple[str, ...] = (),
    time_zone: tzinfo | None = None,
    keep_body: bool = False,
) -> Post:
    """Read one post. Raises PostError (never another exception) when it cannot be read.
    `keep_body`: keep the body text when the whole file was read anyway (a small file), so
    that `post.body` need not read the file again (lint reads every body)."""
    return _load(path, kind, drafts_folder, categories_from_path, keep_body, time_zone, parse=True)


def front_matter_text(path: Path | str, kind: SiteKind = "plain") -> str | None:
    """The front matter of the file at `path` as `load_post` finds it (the text it would
    parse), left unparsed; None when the file has none. For a scan that parses only the posts
    whose front matter may interest it. Raises the PostError of a file that `load_post` fails
    on before it parses (unreadable, binary, UTF-16, not UTF-8, front matter never closed)."""
    post = _load(path, kind, False, (), False, None, parse=False)
    return post.raw if post.format is not None else None


def _load(
    path: Path | str,
    kind: SiteKind,
    drafts_folder: bool,
    categories_from_path: tuple[str, ...],
    keep_body: bool,
    time_zone: tzinfo | None,
    *,
    parse: bool,
) -> Post:
    """load_post; without `parse`, the Post has its front matter found but not parsed."""
    # A path string is opened as it is (and kept as the Post's: see `_set_post_path`):
    # opening a Path makes its text first (0.85 us a post). Not an empty one, nor one that
    # ends in a separator or `.` part: the Path made of those names another file (`.`,
    # `post.md` for `post.md/` and `post.md/.`), and that file is the post.
    if not isinstance(path, Path) and (not path or path.endswith(_NOT_OPENED_AS_WRITTEN)):
        path = Path(path)
    try:
        # The file is read with os.read, not through a file object: making one cost as much
        # as the reading itself, a tenth of loading a post.
        try:
            fd = os.open(path, _READ_FLAGS)
        except ValueError:  # (os.open refuses a path holding a NUL)
            raise PostError(path, "no file name holds a NUL byte", code=READ_ERROR) from None
        try:
            st = os.fstat(fd)
            if not S_ISREG(st.st_mode):
                raise PostError(path, "not a regular file", code=READ_ERROR)
            limit = HEAD_SIZE if keep_body else FIRST_READ
            head = _read_fd(fd, limit, st.st_size)
            # (a read that filled `limit` may have left more, whatever fstat said: the file may
            # have grown since)
            whole = st.st_size <= len(head) < limit
            read = len(head)

            def read_more() -> tuple[bytes, bool]:
                """The next part of the file, and whether the file ends with it: up to its
                first HEAD_SIZE bytes, then all the rest."""
                nonlocal read
                if read >= HEAD_SIZE:
                    return _read_fd(fd), True
                more = _read_fd(fd, HEAD_SIZE - read)
                read += len(more)
                return more, read < HEAD_SIZE

            key = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
            try:
                post = _read_post(
                    path,
                    head,
                    kind,
                    read_more,
                    whole,
                    drafts_folder,
                    categories_from_path,
                    time_zone,
                    parse=parse,
                )
            except PostError as e:
                e.stat_key = key
                raise
        finally:
            os.close(fd)
    except IsADirectoryError:
        raise PostError(path, "is a folder, not a file", code=READ_ERROR) from None
    except OSError as e:
        raise PostError(path, _os_message(e), code=READ_ERROR) from None
    post.size = st.st_size
    post.mtime_ns = st.st_mtime_ns
    post.stat_key = key
    if keep_body and whole:
        try:
            post.__dict__["_body"] = head[post.body_start :].decode("utf-8")
        except UnicodeDecodeError:
            pass  # `post.body` reads it again and raises the PostError that says where
    return post


def _read_fd(fd: int, limit: int | None = None, size: int = 0) -> bytes:
    """Up to `limit` bytes (all the rest when None) from `fd`, however short its reads. `size`
    is the file's size as fstat gave it: once that much is read, the read that would only
    find the end of the file is skipped (a system call on every post)."""
    chunks = []
    wanted = limit if limit is not None else 1 << 20
    total = 0
    while wanted > 0:
        chunk = os.read(fd, wanted)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if limit is not None:
            wanted -= len(chunk)
        if size and total >= size:
            break
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def parse_post(
    path: Path | str,
    content: bytes,
    kind: SiteKind = "plain",
    *,
    read_rest: Any = None,
    complete: bool = True,
    drafts_folder: bool = False,
    categories_from_path: tuple[str, ...] = (),
    time_zone: tzinfo | None = None,
) -> Post:
    """Parse a post from bytes. `content` may be only the head of the file when `read_rest`
    can supply the remainder; it is asked for only when the front matter runs past the head."""
    return _read_post(
        path,
        content,
        kind,
        None if read_rest is None else lambda: (read_rest(), True),
        complete,
        drafts_folder,
        categories_from_path,
        time_zone,
        parse=True,
    )


def _read_post(
    path: Path | str,
    content: bytes,
    kind: SiteKind,
    read_more: Callable[[], tuple[bytes, bool]] | None,
    complete: bool,
    drafts_folder: bool,
    categories_from_path: tuple[str, ...],
    time_zone: tzinfo | None,
    *,
    parse: bool,
) -> Post:
    """parse_post's Post (load_post's too); without `parse`, its front matter is found and
    left unparsed."""
    post = Post(
        path=path,
        kind=kind,
        drafts_folder=drafts_folder,
        categories_from_path=categories_from_path,
        size=len(content),
    )._with_zone(time_zone)
    handler = _split_post(post, content, read_more, complete)
    if handler is not None and parse:
        handler.parse_into(post)
    return post


def _split_post(
    post: Post,
    content: bytes,
    read_more: Callable[[], tuple[bytes, bool]] | None,
    complete: bool,
) -> _Handler | None:
    """Find the front matter of `post` in `content` (its format, delimiters, spans and raw
    text are set, nothing is parsed): the handler that parses it, None when there is none.
    `content` may be the head of the file only (not `complete`): `read_more()` gives the next
    part of the file (and whether it is the last), asked for while what has been read does
    not settle where the front matter ends, or that there is none."""
    complete = complete or read_more is None  # (else there is nothing more to read)
    while True:
        try:
            return _split_content(post, content, complete)
        except _NeedMore:
            more, complete = read_more()  # type: ignore[misc]
            content += more


def _split_content(post: Post, content: bytes, complete: bool) -> _Handler | None:
    """_split_post on what has been read; _NeedMore when that is not `complete` and the rest
    may change the answer."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PostError(
            post.path,
            "file is UTF-16; postctl reads UTF-8 (convert it with `iconv -f UTF-16 -t UTF-8`)",
            1,
            1,
            ENCODING_ERROR,
        )
    start = 0
    if content.startswith(BOM):
        post.bom = True
        start = len(BOM)
    handler = _detect(content, start)
    if handler is None and post.kind == "hugo" and content[start : start + 1] in _HUGO_SPACE:
        # Hugo's page lexer (lexIntroSection, hugo/parser/pageparser/pagelexer_intro.go) skips
        # spaces, tabs and line breaks before the front matter; Hugo 0.168 read the front
        # matter of a file starting "\n\n  ---". Jekyll does not.
        after_space = _HUGO_LEADING_SPACE.match(content, start).end()  # type: ignore[union-attr]
        handler = _detect(content, after_space)
        if handler is not None:
            start = after_space
    if handler is None:
        if not complete and (
            len(content) < HEAD_SIZE or _may_open_further(content, start, post.kind == "hugo")
        ):
            # (an opening line cut short, or a binary file's NUL further on; a file without
            # front matter is judged by its first HEAD_SIZE bytes, never read whole)
            raise _NeedMore
        if b"\x00" in content[:8192]:
            raise PostError(
                post.path, "looks like a binary file (it contains NUL bytes)", code=READ_ERROR
            )
        post.body_start = start
        return None
    try:
        handler.split_into(post, content, start)
    except (_NeedMore, PostError) as e:
        if not complete:
            raise _NeedMore from None  # (a JSON object cut short does not parse either)
        if isinstance(e, PostError):
            raise
        open_line = _lines_before(content, start) + 1
        raise PostError(
            post.path,
            f"front matter opened with {handler.open_text!r} on line {open_line}"
            f" is never closed (add a {handler.close_text!r} line)",
            open_line,
            1,
            UNCLOSED,
        ) from None
    if not complete and content.find(b"\n", post.fm_end) < 0:
        raise _NeedMore  # the line the front matter ends on may go on past what was read
    return handler


class _NeedMore(Exception):
    pass


_HUGO_SPACE = (b" ", b"\t", b"\r", b"\n")
_HUGO_LEADING_SPACE = re.compile(rb"[ \t\r\n]*")


def _may_open_further(content: bytes, start: int, hugo: bool) -> bool:
    """Whether a file's head that opens no front matter may still open one further on: it
    holds only line breaks, spaces and tabs (which Hugo skips before front matter), or an
    opening delimiter followed only by spaces and tabs (the opening line's end not read)."""
    rest = content[start:].lstrip(b" \t\r\n") if hugo else content[start:]
    return not rest or (rest[:3] in (b"---", b"+++") and not rest[3:].strip(b" \t\r"))


def _lines_before(content: bytes, start: int) -> int:
    """Line breaks before the front matter (only Hugo lets blank lines precede it)."""
    return content.count(b"\n", 0, start)


def _detect(content: bytes, start: int) -> _Handler | None:
    for handler in HANDLERS:
        if handler.detect_bytes(content, start):
            return handler
    return None


def _first_line_end(content: bytes, start: int) -> tuple[int, str]:
    """Offset just past the first line's newline, and that newline."""
    nl = content.find(b"\n", start)
    if nl < 0:
        return len(content), ""
    return nl + 1, "\r\n" if content[nl - 1 : nl] == b"\r" else "\n"


class _Handler(fm_handlers.BaseHandler):
    """A front-matter format. Also a python-frontmatter handler: `frontmatter.loads(text,
    handler=YAML)` reads with postctl's rules (BOM, `...` closer, C loader, safe limits)."""

    name: Format
    open_text: str
    close_text: str

    def detect_bytes(self, content: bytes, start: int) -> bool:
        raise NotImplementedError

    def split_into(self, post: Post, content: bytes, start: int) -> None:
        raise NotImplementedError

    def parse_into(self, post: Post) -> None:
        """Set post.data, key_positions and duplicate_keys from post.raw, its values checked
        (_check_values) unless the parser bounds them itself."""
        raise NotImplementedError

    # python-frontmatter's handler interface, on top of the above
    def detect(self, text: str) -> bool:
        data = text.encode("utf-8")
        return self.detect_bytes(data, len(BOM) if data.startswith(BOM) else 0)

    def split(self, text: str) -> tuple[str, str]:
        data = text.encode("utf-8")
        post = Post(path=Path("<text>"))
        try:
            self.split_into(post, data, len(BOM) if data.startswith(BOM) else 0)
        except _NeedMore:
            raise ValueError(f"front matter is never closed with {self.close_text!r}") from None
        return post.raw, data[post.body_start :].decode("utf-8")

    def load(self, fm: str, **kwargs: object) -> dict[str, Any]:
        post = Post(path=Path("<text>"), raw=fm, format=self.name, fm_line=1)
        self.parse_into(post)
        return post.data


class _DelimitedHandler(_Handler):
    """Front matter between a line `---` (or `+++`) and a closing line of its own."""

    closers: tuple[bytes, ...]

    def __init__(self) -> None:
        delim = self.open_text.encode()
        self._open = re.compile(re.escape(delim) + rb"[ \t]*\r?\n")
        alternatives = b"|".join(re.escape(c) for c in self.closers)
        self._close = re.compile(rb"^(" + alternatives + rb")[ \t]*(\r?\n|\Z)", re.M)
        # Hugo closes at the first line that starts with the opening delimiter; the rest of
        # that line is body (lexFrontMatterSection, hugo/parser/pageparser/
        # pagelexer_intro.go). Hugo 0.168 closed YAML at `----` and at `--- text`, and not at
        # `...`, which made `---` ... `...` an unclosed front matter error.
        self._hugo_close = re.compile(
            rb"^(" + re.escape(delim) + rb")(?:[ \t]*(?:\r?\n|\Z))?", re.M
        )
        # Each closing pattern, with the line starts that may begin a match.
        self._closing = (self._close, tuple(b"\n" + c for c in self.closers))
        self._hugo_closing = (self._hugo_close, (b"\n" + delim,))
        super().__init__(re.compile("^" + re.escape(self.open_text) + r"[ \t]*$", re.M))

    def detect_bytes(self, content: bytes, start: int) -> bool:
        # Jekyll: /\A(---\s*\n.*?\n?)^((---|\.\.\.)\s*$\n?)/m (Document::YAML_FRONT_MATTER_REGEXP)
        return self._open.match(content, start) is not None

    def _closing_line(self, content: bytes, fm_start: int, hugo: bool) -> re.Match[bytes] | None:
        """The first line at or after `fm_start` that closes the front matter (what a search
        with the closing pattern finds, found four times faster: bytes.find goes to each line
        that starts with a closer, and the pattern only confirms it)."""
        pattern, line_starts = self._hugo_closing if hugo else self._closing
        found = None
        for line_start in line_starts:
            at = content.find(line_start, fm_start - 1)
            while at >= 0 and (found is None or at + 1 < found.start()):
                match = pattern.match(content, at + 1)
                if match is not None:
                    found = match
                    break
                at = content.find(line_start, at + 1)
        return found

    def split_into(self, post: Post, content: bytes, start: int) -> None:
        opener = self._open.match(content, start)
        assert opener is not None
        fm_start, post.newline = _first_line_end(content, start)
        close = self._closing_line(content, fm_start, post.kind == "hugo")
        if close is None:
            raise _NeedMore
        post.format = self.name
        post.open_delimiter = self.open_text
        post.close_delimiter = close.group(1).decode()
        post.fm_start = fm_start
        post.fm_end = close.start()
        post.body_start = close.end()
        post.fm_line = 2 + _lines_before(content, start)
        post.raw = _decode(post, content[fm_start : close.start()], post.fm_line)


class YAMLHandler(_DelimitedHandler):
    name = "yaml"
    open_text = "---"
    close_text = "---"
    # Jekyll also closes YAML with `...`, YAML's own document-end marker.
    closers = (b"---", b"...")

    def parse_into(self, post: Post) -> None:
        text = post.raw
        simple = _parse_simple_yaml(text, post.fm_line, post.kind)
        if simple is not None:
            post.data, post.key_positions, duplicates = simple
            post.duplicate_keys.extend(duplicates)
            return
        _check_depth(post, text)
        loader = _yaml_loader(post.kind)(text)
        try:
            root = loader.get_single_node()
            if root is None:
                return
            kind = _yaml_kind(root)
            if kind is None:
                # `!!python/object/apply:os.system [...]` as the whole front matter
                raise PostError(
                    post.path,
                    f"YAML: unsafe or unknown tag '{_tag_text(root.tag)}' is not allowed",
                    post.fm_line + root.start_mark.line,
                    root.start_mark.column + 1,
                    UNSAFE,
                )
            if kind != "a mapping":  # also `!!set {a, b}`, a mapping node that is no dict
                raise PostError(
                    post.path,
                    f"front matter is {kind}, not a mapping of keys to values",
                    post.fm_line + root.start_mark.line,
                    root.start_mark.column + 1,
                    NOT_A_MAPPING,
                )
            _check_aliases(post, root)
            positions: dict[str, tuple[int, int]] = {}
            for key_node, _ in root.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                if key_node.id != "scalar":
                    raise PostError(
                        post.path,
                        "YAML: a top-level key must be a plain name, not a list or mapping",
                        post.fm_line + key_node.start_mark.line,
                        key_node.start_mark.column + 1,
                        SYNTAX_ERROR,
                    )
                pos = (post.fm_line + key_node.start_mark.line, key_node.start_mark.column + 1)
                if key_node.value in positions:
                    post.duplicate_keys.append((key_node.value, *pos))
                else:
                    positions[key_node.value] = pos
            post.duplicate_keys.extend(_nested_duplicate_keys(post, root))
            # Top-level keys stay the strings the author typed: `yes:`, `1:` and `2020-01-01:`
            # would otherwise become True, 1 (the same dict key as True) and a date.
            loader.flatten_mapping(root)  # YAML merge keys (`<<: *defaults`)
            data = {}
            for key_node, value_node in root.value:
                try:
                    data[key_node.value] = loader.construct_object(value_node, deep=True)
                except Exception as e:
                    # A constructor's own error (int() of a 5,000-digit number) has no mark:
                    # point at the value it came from.
                    if getattr(e, "problem_mark", None) is None:
                        e.problem_mark = value_node.start_mark  # type: ignore[attr-defined]
                    raise
        except PostError:
            raise
        except Exception as e:  # yaml.YAMLError and constructor failures
            raise _yaml_error(post, e) from None
        finally:
            loader.dispose()
        post.data = data
        post.key_positions = positions
        _check_values(post)


class TOMLHandler(_DelimitedHandler):
    name = "toml"
    open_text = "+++"
    close_text = "+++"
    closers = (b"+++",)

    def parse_into(self, post: Post) -> None:
        try:
            import tomllib
        except ModuleNotFoundError:  # Python 3.10
            import tomli as tomllib  # type: ignore[no-redef]
        try:
            post.data = tomllib.loads(post.raw)
        except tomllib.TOMLDecodeError as e:
            message = str(e)
            m = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
            line = col = None
            if m:
                line, col = post.fm_line + int(m.group(1)) - 1, int(m.group(2))
                message = message[: m.start()]
            elif "end of document" in message:
                line = post.fm_line + post.raw.count("\n")
            raise PostError(
                post.path, f"TOML: {_lower_first(message)}", line, col, SYNTAX_ERROR
            ) from None
        except RecursionError:
            raise PostError(post.path, _TOO_DEEP, post.fm_line, 1, UNSAFE) from None
        post.key_positions = _toml_key_positions(post.raw, post.fm_line)
        _check_values(post)


class JSONHandler(_Handler):
    """Hugo's JSON front matter: an object that starts the file, closed by its matching brace."""

    name = "json"
    open_text = "{"
    close_text = "}"

    def __init__(self) -> None:
        super().__init__(re.compile(r"^\{"))

    def detect_bytes(self, content: bytes, start: int) -> bool:
        return content[start : start + 1] == b"{"

    def split_into(self, post: Post, content: bytes, start: int) -> None:
        text = content[start:].decode("utf-8", "surrogateescape")
        try:
            # Hugo's page lexer (parser/pageparser) finds the object's closing brace by counting
            # braces outside strings; raw_decode does the same and lets a `}` at column 0 nest.
            # Numbers stay text here: only the extent matters, and int() of a 5,000-digit
            # number raises ValueError (parse_into reports it with the file's position).
            _, end = json.JSONDecoder(parse_int=str, parse_float=str).raw_decode(text)
        except json.JSONDecodeError as e:
            if e.pos >= len(text) - 1:
                raise _NeedMore from None
            raw_json = text
            end = None
            err: json.JSONDecodeError | None = e
        except RecursionError:
            raise PostError(post.path, _TOO_DEEP, 1, 1, UNSAFE) from None
        else:
            raw_json = text[:end]
            err = None
        post.format = "json"
        post.open_delimiter = "{"
        post.close_delimiter = "}"
        post.fm_line = 1 + _lines_before(content, start)
        post.fm_start = start
        if err is not None:
            col = err.colno
            if err.lineno == 1:  # Hugo allows spaces before the brace
                line_start = content.rfind(b"\n", 0, start) + 1
                col += start - max(line_start, len(BOM) if post.bom else 0)
            raise PostError(
                post.path,
                f"JSON: {_lower_first(err.msg)}",
                post.fm_line + err.lineno - 1,
                col,
                SYNTAX_ERROR,
            )
        raw_bytes = raw_json.encode("utf-8", "surrogateescape")
        post.fm_end = start + len(raw_bytes)
        post.raw = _decode(post, raw_bytes, post.fm_line)
        body, post.newline = _first_line_end(content, post.fm_end)
        # Hugo skips the newline after the closing brace; anything else on that line is body.
        post.body_start = body if content[post.fm_end : body].strip() == b"" else post.fm_end
        if not post.newline:
            post.newline = "\r\n" if b"\r\n" in content[:HEAD_SIZE] else "\n"

    def parse_into(self, post: Post) -> None:
        duplicates: list[str] = []

        def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
            result: dict[str, Any] = {}
            for key, value in items:
                if key in result:
                    duplicates.append(key)
                result[key] = value
            return result

        def reject_constant(name: str) -> None:
            raise ValueError(f"{name} is not valid JSON")

        try:
            data = json.loads(post.raw, object_pairs_hook=pairs, parse_constant=reject_constant)
        except json.JSONDecodeError as e:
            raise PostError(
                post.path,
                f"JSON: {_lower_first(e.msg)}",
                post.fm_line + e.lineno - 1,
                e.colno,
                SYNTAX_ERROR,
            ) from None
        except ValueError as e:
            message = _INT_LIMIT.sub(r"a number has more than \1 digits", str(e))
            raise PostError(post.path, f"JSON: {message}", post.fm_line, 1, SYNTAX_ERROR) from None
        except RecursionError:
            raise PostError(post.path, _TOO_DEEP, post.fm_line, 1, UNSAFE) from None
        if not isinstance(data, dict):
            raise PostError(
                post.path, "front matter is not a JSON object", post.fm_line, 1, NOT_A_MAPPING
            )
        post.data = data
        positions = _json_key_positions(post.raw, post.fm_line)
        post.key_positions = {k: v[0] for k, v in positions.items()}
        top_level_duplicates = [k for k in duplicates if len(positions.get(k, ())) > 1]
        for key in dict.fromkeys(top_level_duplicates):
            for line, col in positions[key][1:]:
                post.duplicate_keys.append((key, line, col))
        _check_values(post)


YAML = YAMLHandler()
TOML = TOMLHandler()
JSON = JSONHandler()
HANDLERS: tuple[_Handler, ...] = (YAML, TOML, JSON)
HANDLER_BY_FORMAT: dict[str, _Handler] = {h.name: h for h in HANDLERS}


# -- the common case of YAML, fast ------------------------------------------------------------
#
# Most front matter is flat: `key: scalar`, `key: [a, b]`, `key:` over `- item` lines, comments.
# `_parse_simple_yaml` reads exactly that subset several times faster than libyaml plus PyYAML's
# constructor (which is Python), and returns None for anything else (escapes in quotes, nesting,
# anchors, tags, block scalars, multi-line values, unusual characters): the full loader reads
# those. Every plain scalar is typed by the full loader's own resolver and constructors, so the
# data is the same; tests/test_simple_yaml.py compares both on generated and real front matter.

SIMPLE_YAML_TEXT = re.compile(
    "[\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*"
)
# One line of the subset, with its line break: a top-level `key: value` (key, value), a list item
# `  - value` (dash with its indent, value), a blank or comment line (no group), or anything else
# (other: the full loader reads it). findall takes a whole document apart in one call to C.
_SIMPLE_LINE = re.compile(
    r"""(?:
        ([A-Za-z_][A-Za-z0-9_-]*):(?:\x20+([^\n]*))?
        |(\x20*-)(?:\x20+([^\n]*))?
        |\x20*(?:\#[^\n]*)?
        |([^\n]+)
    )\n""",
    re.X,
)
QUOTED_TAIL = re.compile(r" *(?: #.*)?")  # what may follow a quoted scalar on its line
# Characters that cannot start a plain scalar (or that this subset leaves to the full loader).
NOT_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@`")
_NOT_IN_FLOW_PLAIN = re.compile(r"[,\[\]{}#'\":]")
_STR_TAG = "tag:yaml.org,2002:str"
_SIMPLE_TAGS = frozenset(
    "tag:yaml.org,2002:" + t for t in ("bool", "int", "float", "null", "timestamp", "value")
)
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
# Hours stop at 23: a newer fromisoformat may read `T24:00:00` as the next day's midnight, where
# PyYAML refuses it (and so keeps the text).
_ISO_TIMESTAMP = re.compile(
    r"\d{4}-\d\d-\d\d(?:T(?:[01]\d|2[0-3]):\d\d:\d\d(?:[+-]\d\d:\d\d)?)?", re.ASCII
)
_DIGITS = frozenset("0123456789")
_PLAIN_CACHE: dict[Any, dict[str, Any]] = {}  # per loader
# Per loader: the value of a one-line scalar's text, as _simple_scalar gives it, and of a flow
# list's, as _simple_flow_list does (as a tuple). Across a site most such lines recur (`draft:
# false`, an author, a category, a tag): each is typed once. Once _VALUES_KEPT texts are kept
# they are dropped, and the ones that recur are soon back.
_VALUES: dict[Any, tuple[dict[str, Any], dict[str, tuple[Any, ...]]]] = {}
_VALUES_KEPT = 8192
_KEY_IS_STR: dict[Any, dict[str, bool]] = {}  # per loader
_FAIL: Any = object()


def _parse_simple_yaml(
    text: str, first_line: int, kind: SiteKind = "plain"
) -> tuple[dict[str, Any], dict[str, tuple[int, int]], list[tuple[str, int, int]]] | None:
    """(data, key positions, duplicate keys) of flat YAML front matter, or None for "use the
    full loader". Scalars are typed as the full loader for the site `kind` types them. Values
    need no _check_values: they nest one level at most, and _plain_value refuses an integer
    too long to print."""
    loader = _yaml_loader(kind)
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    if SIMPLE_YAML_TEXT.fullmatch(text) is None:
        return None
    if not text.endswith("\n"):
        text += "\n"
    key_is_str = _KEY_IS_STR.get(loader) or _KEY_IS_STR.setdefault(loader, {})
    known, known_lists = _VALUES.get(loader) or _VALUES.setdefault(loader, ({}, {}))
    if len(known) + len(known_lists) >= _VALUES_KEPT:
        known.clear()
        known_lists.clear()
    data: dict[str, Any] = {}
    positions: dict[str, tuple[int, int]] = {}
    duplicates: list[tuple[str, int, int]] = []
    key = None  # the key whose `- item` lines may follow (its value was empty)
    items: list[Any] = []
    indent = ""
    line = first_line - 1
    for name, rest, dash, entry, other in _SIMPLE_LINE.findall(text):
        line += 1
        if other:
            return None
        if dash:
            if key is None or (items and dash != indent):
                return None  # an item with no key above it, or a change of indentation
            if not items:
                indent = dash
                data[key] = items
            if not entry or entry[0] == "#":
                items.append(None)
                continue
            value = _known_scalar(known, loader, entry)
            if value is _FAIL:
                return None
            items.append(value)
            continue
        if not name:
            continue  # a blank or comment line
        is_str = key_is_str.get(name)
        if is_str is None:
            is_str = key_is_str[name] = _key_is_str(loader, name)
        if not is_str:
            return None
        value: Any
        rest = rest.rstrip(" ")
        if not rest or rest[0] == "#":
            value = None
            key = name
            items = []
        else:
            key = None
            if rest[0] == "[":
                value = known_lists.get(rest)
                if value is None:
                    value = _simple_flow_list(loader, rest)
                    if value is _FAIL:
                        return None
                    known_lists[rest] = tuple(value)
                else:
                    value = list(value)  # each post gets a list of its own
            elif rest[0] == '"' and rest.find('"', 1) == len(rest) - 1 and "\\" not in rest:
                # A title or a summary: quoted, and seldom seen twice (so not worth keeping in
                # `known`). What _simple_scalar gives, without its calls.
                value = rest[1:-1]
            elif rest[0] in _DIGITS and (value := _iso_timestamp(rest)) is not None:
                pass  # a post's date: unique too
            else:
                value = _known_scalar(known, loader, rest)
                if value is _FAIL:
                    return None
        if name in positions:
            duplicates.append((name, line, 1))
        else:
            positions[name] = (line, 1)
        data[name] = value
    return data, positions, duplicates


def _known_scalar(known: dict[str, Any], loader: Any, text: str) -> Any:
    """_simple_scalar's answer for `text`, remembered in `known` (see _VALUES)."""
    value = known.get(text, _FAIL)
    if value is _FAIL:
        value = known[text] = _simple_scalar(loader, text)
    return value


def _simple_scalar(loader: Any, text: str) -> Any:
    """A one-line scalar in block context (a comment may follow it), or _FAIL."""
    first = text[0]
    if first == '"':
        end = text.find('"', 1)
        if end == len(text) - 1 and "\\" not in text:
            return text[1:end]  # the common case, in short
        if end < 0 or "\\" in text[1:end] or not QUOTED_TAIL.fullmatch(text, end + 1):
            return _FAIL
        return text[1:end]
    if first == "'":
        end = 1
        while True:
            end = text.find("'", end)
            if end < 0:
                return _FAIL
            if text[end + 1 : end + 2] != "'":
                break
            end += 2
        if not QUOTED_TAIL.fullmatch(text, end + 1):
            return _FAIL
        return text[1:end].replace("''", "'")
    plain = simple_plain_text(text)
    return _FAIL if plain is None else _plain_value(loader, plain)


def simple_plain_text(text: str) -> str | None:
    """A one-line plain scalar in block context without the comment that may follow it, or
    None when the flat subset leaves it to the full loader (it starts as something else does,
    or holds `: `). Shared with the editor, which must find the same extent."""
    if text[0] in NOT_PLAIN_START:
        return None
    comment = text.find(" #")
    if comment >= 0:
        text = text[:comment].rstrip(" ")
    if ": " in text or text.endswith(":"):
        return None
    return text


def _simple_flow_list(loader: Any, text: str) -> Any:
    """`[a, b, "c d"]` on one line, of scalars, or _FAIL."""
    if not text.endswith("]") or "#" in text:
        return _FAIL
    inner = text[1:-1].strip(" ")
    if not inner:
        return []
    items: list[Any] = []
    for piece in inner.split(","):
        piece = piece.strip(" ")
        if not piece:
            return _FAIL
        first = piece[0]
        if first in "\"'":
            content = piece[1:-1]
            if len(piece) < 2 or piece[-1] != first:
                return _FAIL
            if first == '"' and ('"' in content or "\\" in content):
                return _FAIL
            if first == "'" and "'" in content.replace("''", ""):
                return _FAIL
            items.append(content if first == '"' else content.replace("''", "'"))
        elif first in NOT_PLAIN_START or _NOT_IN_FLOW_PLAIN.search(piece):
            return _FAIL
        else:
            value = _plain_value(loader, piece)
            if value is _FAIL:
                return _FAIL
            items.append(value)
    return items


def _plain_value(loader: Any, text: str) -> Any:
    """A plain scalar's value, typed by the full loader's resolver and constructors."""
    cache = _PLAIN_CACHE.get(loader)
    if cache is None:
        cache = _PLAIN_CACHE[loader] = {}
    value = cache.get(text, _FAIL)
    if value is not _FAIL:
        return value
    tag = _STR_TAG
    for candidate, pattern in loader.yaml_implicit_resolvers.get(text[0], ()):
        if pattern.match(text):
            tag = candidate
            break
    if tag == _STR_TAG:
        return text
    if tag not in _SIMPLE_TAGS:
        return _FAIL
    if tag == _TIMESTAMP_TAG:
        value = _iso_timestamp(text)
        if value is not None:
            return value
    import yaml

    try:
        value = loader.yaml_constructors[tag](_constructor(loader), yaml.ScalarNode(tag, text))
    except (ValueError, OverflowError):  # e.g. a 5,000-digit integer: the full loader explains
        return _FAIL
    if type(value) is int and value.bit_length() > 1900:  # under the least digit limit, 640
        try:  # `0xfff...` parses at any length, but str() refuses too many digits
            str(value)
        except ValueError:
            return _FAIL  # the full loader and _check_values explain
    if len(cache) < 4096 and not isinstance(value, (date, datetime)):
        cache[text] = value  # true, false, null, small numbers: the same few again
    return value


def _iso_timestamp(text: str) -> date | datetime | None:
    """What PyYAML's construct_yaml_timestamp makes of `text` when it is spelt as
    _ISO_TIMESTAMP says, made in C (a fifth of reading a typical front matter); None for any
    other text, and for an impossible date (the constructor's to read). Every loader types
    such a text as a timestamp: no bool, int or float pattern, YAML 1.1's or 1.2's, takes a
    dash after four digits."""
    if _ISO_TIMESTAMP.fullmatch(text) is None:
        return None
    try:
        return (datetime if len(text) > 10 else date).fromisoformat(text)
    except ValueError:
        return None


def _key_is_str(loader: Any, key: str) -> bool:
    """Whether the full loader reads `key` as a string (not `yes`, `1` or a date)."""
    return not any(
        pattern.match(key) for _, pattern in loader.yaml_implicit_resolvers.get(key[0], ())
    )


_CONSTRUCTORS: dict[Any, Any] = {}


def _constructor(loader: Any) -> Any:
    """An instance of `loader` to call scalar constructors with (they only read the node they
    are given)."""
    if loader not in _CONSTRUCTORS:
        _CONSTRUCTORS[loader] = loader("")
    return _CONSTRUCTORS[loader]


# -- YAML details -----------------------------------------------------------------------------

_LOADERS: dict[str, Any] = {}

# Hugo reads YAML 1.2 scalars (Hugo 0.168 read `draft: yes` and `draft: on` as the strings "yes"
# and "on", so not drafts, and `1:20` as a string), where PyYAML, like Jekyll's Psych, reads
# YAML 1.1 (`yes` is true, `1:20` is 80). Hugo's booleans and numbers without base 60:
_YAML12_SCALARS = {
    "tag:yaml.org,2002:bool": re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    "tag:yaml.org,2002:int": re.compile(
        r"""^(?:[-+]?0b[0-1_]+
        |[-+]?0[0-7_]+
        |[-+]?(?:0|[1-9][0-9_]*)
        |[-+]?0x[0-9a-fA-F_]+)$""",
        re.X,
    ),
    "tag:yaml.org,2002:float": re.compile(
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
        |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        re.X,
    ),
}


def _yaml_loader(kind: SiteKind = "plain") -> Any:
    """PyYAML's safe loader (the libyaml C one when present), with two changes: an impossible
    timestamp such as 2020-02-30 stays a string for lint to report instead of failing the whole
    post, and `=` (YAML 1.1's value key, which SafeLoader cannot construct) is a plain string.
    On Hugo sites, booleans and numbers follow YAML 1.2 (_YAML12_SCALARS)."""
    flavour = "hugo" if kind == "hugo" else "yaml1.1"
    if flavour not in _LOADERS:
        import yaml

        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

        class Loader(base):  # type: ignore[misc, valid-type]
            pass

        def timestamp(loader: Any, node: Any) -> Any:
            try:
                return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
            except ValueError:
                return loader.construct_scalar(node)

        Loader.add_constructor("tag:yaml.org,2002:timestamp", timestamp)
        Loader.add_constructor(
            "tag:yaml.org,2002:value", yaml.constructor.SafeConstructor.construct_yaml_str
        )
        if flavour == "hugo":
            Loader.yaml_implicit_resolvers = {
                first: [(tag, _YAML12_SCALARS.get(tag, regexp)) for tag, regexp in resolvers]
                for first, resolvers in base.yaml_implicit_resolvers.items()
            }
        _LOADERS[flavour] = Loader
    return _LOADERS[flavour]


def compose_yaml(post: Post) -> Any:
    """The composed node tree of a YAML post's front matter (PyYAML nodes), or None when it is
    empty or not YAML. For the byte-exact editor: every node has `start_mark`/`end_mark`, whose
    `index` is a character offset into `post.raw` (`line`/`column` are 0-based), plus `style`
    (scalars: "" or None for plain, `'`, `"`, `|`, `>`) and `flow_style` (collections). An alias
    is the very node it names, so its marks point at the anchored value. The post already
    loaded, so the text is known to be safe to compose."""
    if post.format != "yaml" or not post.raw.strip():
        return None
    loader = _yaml_loader(post.kind)(post.raw)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


_RESOLVERS: dict[str, Any] = {}


def yaml_reads_as_string(text: str, kind: SiteKind = "plain") -> bool:
    """Whether `text`, written as a plain (unquoted) YAML scalar, reads back as a string on this
    kind of site rather than a boolean, number, date or null (YAML 1.1, or Hugo's YAML 1.2
    scalars). For the editor, which quotes a value otherwise."""
    if kind not in _RESOLVERS:
        import yaml

        class Resolver(yaml.resolver.Resolver):
            yaml_implicit_resolvers = _yaml_loader(kind).yaml_implicit_resolvers

        _RESOLVERS[kind] = Resolver()
    import yaml

    tag = _RESOLVERS[kind].resolve(yaml.ScalarNode, text, (True, False))
    return bool(tag == "tag:yaml.org,2002:str")


def _yaml_kind(node: Any) -> str | None:
    """What a YAML node is, in words; None for a tag the safe loader does not construct."""
    tag = node.tag.removeprefix("tag:yaml.org,2002:")
    return {
        "seq": "a list",
        "str": "a single string",
        "map": "a mapping",
        "null": "empty",
        "int": "a number",
        "float": "a number",
        "bool": "a boolean",
        "timestamp": "a date",
        "binary": "binary data",
        "set": "a set",
        "omap": "an ordered mapping",
        "pairs": "a list of pairs",
    }.get(tag)


def _tag_text(tag: str) -> str:
    """A tag as written: `!!python/name:os.system` rather than its expanded URI."""
    return "!!" + tag[len("tag:yaml.org,2002:") :] if tag.startswith("tag:yaml.org,2002:") else tag


def _yaml_error(post: Post, error: Exception) -> PostError:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = col = None
    if mark is not None:
        line, col = post.fm_line + mark.line, mark.column + 1
    elif isinstance(getattr(error, "position", None), int):
        # A ReaderError (control character, NUL) has no mark, only an offset: in characters
        # from the pure-Python reader, in UTF-8 bytes from libyaml.
        position = error.position  # type: ignore[attr-defined]
        if getattr(error, "encoding", None) == "unicode":
            before = post.raw[:position]
        else:
            before = post.raw.encode("utf-8")[:position].decode("utf-8", "ignore")
        line = post.fm_line + before.count("\n")
        col = len(before) - before.rfind("\n")
    problem = getattr(error, "problem", None)
    if problem:
        message = problem
        context = getattr(error, "context", None)
        if context:
            message = f"{context}, {problem}"
    else:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        message = _INT_LIMIT.sub(r"a number has more than \1 digits", message)
    code = SYNTAX_ERROR
    if "could not determine a constructor" in message:
        tag = message.split("tag", 1)[-1].strip(" '")
        message = f"unsafe or unknown tag '{_tag_text(tag)}' is not allowed"
        code = UNSAFE
    return PostError(post.path, f"YAML: {message}", line, col, code)


def _check_depth(post: Post, text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH before any parser sees it.

    Cheap upper bound first (typical front matter never gets near it), then a line scan that
    bounds block nesting by the indentation stack and flow nesting by open brackets.
    """
    if text.count("\n") + text.count("[") + text.count("{") + text.count("- ") < MAX_DEPTH:
        return
    indents: list[int] = []
    flow = 0
    for lineno, line in enumerate(text.split("\n")):
        stripped = line.lstrip(" ")
        if stripped and not stripped.startswith("#"):
            indent = len(line) - len(stripped)
            while indents and indents[-1] >= indent:
                indents.pop()
            indents.append(indent)
            dashes = 0
            while stripped.startswith(("- ", "? ")):
                dashes += 1
                stripped = stripped[2:].lstrip(" ")
            depth_here = len(indents) + dashes
            for ch in line:
                if ch in "[{":
                    flow += 1
                    if flow + depth_here > MAX_DEPTH:
                        break
                elif ch in "]}":
                    flow = max(0, flow - 1)
            if flow + depth_here > MAX_DEPTH:
                raise PostError(
                    post.path,
                    _TOO_DEEP,
                    post.fm_line + lineno,
                    1,
                    UNSAFE,
                )


# Python's refusal to convert a huge decimal integer (its advice is for programmers, not users).
_INT_LIMIT = re.compile(r"Exceeds the limit \((\d+) digits\) for integer string conversion.*")


def _check_values(post: Post) -> None:
    """Refuse parsed values no command could use: TOML and JSON nested deeper than MAX_DEPTH
    (YAML is bounded before it is parsed; json.dump and every recursive walk would fail on
    them), and integers too long for str() (`0xfff...` parses whatever its length, but Python
    refuses to print more than sys.get_int_max_str_digits() digits)."""
    digits = getattr(sys, "get_int_max_str_digits", lambda: 0)()
    stack: list[tuple[Any, int, str | None]] = [(post.data, 1, None)]
    while stack:
        value, depth, key = stack.pop()
        if depth > MAX_DEPTH:
            raise PostError(
                post.path,
                _TOO_DEEP,
                *post.key_position(key or ""),
                UNSAFE,
            )
        if isinstance(value, dict):
            stack.extend((v, depth + 1, key or str(k)) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, depth + 1, key) for v in value)
        elif isinstance(value, int) and digits and value.bit_length() > 3 * digits:
            try:
                str(value)
            except ValueError:
                raise PostError(
                    post.path,
                    f"a number has more than {digits} digits",
                    *post.key_position(key or ""),
                    SYNTAX_ERROR,
                ) from None


def _check_aliases(post: Post, root: Any) -> None:
    """Refuse recursive aliases and aliases that expand past MAX_EXPANDED_NODES ("billion
    laughs"). Counts over the node graph with memoization, so the check itself stays cheap."""
    if "*" not in post.raw:
        return
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()

    def size(node: Any) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in in_progress:
            raise PostError(
                post.path,
                "YAML: an alias refers to the value that contains it (a recursive structure)",
                post.fm_line + node.start_mark.line,
                node.start_mark.column + 1,
                UNSAFE,
            )
        in_progress.add(key)
        total = 1
        if isinstance(node.value, list):
            for item in node.value:
                parts = item if isinstance(item, tuple) else (item,)
                for part in parts:
                    total += size(part)
                    if total > MAX_EXPANDED_NODES:
                        raise PostError(
                            post.path,
                            f"YAML: aliases expand to more than "
                            f"{MAX_EXPANDED_NODES} values (an alias bomb?)",
                            post.fm_line + node.start_mark.line,
                            node.start_mark.column + 1,
                            UNSAFE,
                        )
        in_progress.discard(key)
        sizes[key] = total
        return total

    size(root)


def _nested_duplicate_keys(post: Post, root: Any) -> list[tuple[str, int, int]]:
    """Keys written twice in one mapping below the top level of a YAML node tree (as in
    `params:` or a list of mappings), each as (its path, `params.color` or `images[0].src`,
    1-based line, column) of the later one: loaders keep only its value. Merged keys (`<<`)
    are not written twice. Flat front matter (what `_parse_simple_yaml` reads) has none."""
    found: list[tuple[str, int, int]] = []
    seen: set[int] = set()  # (an alias repeats a node: it is looked at once)
    stack: list[tuple[str, Any]] = [
        (key_node.value, value_node)
        for key_node, value_node in root.value
        if key_node.id == "scalar" and key_node.tag != "tag:yaml.org,2002:merge"
    ]
    while stack:
        path, node = stack.pop()
        if node.id == "scalar" or id(node) in seen:
            continue
        seen.add(id(node))
        if node.id == "sequence":
            stack.extend((f"{path}[{i}]", item) for i, item in enumerate(node.value))
            continue
        keys: set[str] = set()
        for key_node, value_node in node.value:
            if key_node.id != "scalar" or key_node.tag == "tag:yaml.org,2002:merge":
                continue
            name = key_node.value
            if name in keys:
                mark = key_node.start_mark
                found.append((f"{path}.{name}", post.fm_line + mark.line, mark.column + 1))
            keys.add(name)
            stack.append((f"{path}.{name}", value_node))
    found.sort(key=lambda duplicate: duplicate[1:])
    return found


# -- TOML and JSON key positions ---------------------------------------------------------------

_TOML_KEY = re.compile(r'^[ \t]*("(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+)[ \t]*(?:=|\.)')
_TOML_TABLE = re.compile(r'^[ \t]*\[\[?[ \t]*("(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+)')


def _toml_key_positions(text: str, first_line: int) -> dict[str, tuple[int, int]]:
    """Lines of top-level keys (`key = ...` before the first table, and `[table]` headers).
    Multi-line strings are skipped so their content never looks like a key."""
    positions: dict[str, tuple[int, int]] = {}
    in_table = False
    in_multiline: str | None = None
    for lineno, line in enumerate(text.split("\n")):
        if in_multiline:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        table = _TOML_TABLE.match(line)
        if table:
            in_table = True
            positions.setdefault(table.group(1).strip("\"'"), (first_line + lineno, 1))
        elif not in_table:
            key = _TOML_KEY.match(line)
            if key:
                name = key.group(1).strip("\"'")
                positions.setdefault(name, (first_line + lineno, key.start(1) + 1))
        for quote in ('"""', "'''"):
            if line.count(quote) % 2 == 1:
                in_multiline = quote
                break
    return positions


def _json_key_positions(text: str, first_line: int) -> dict[str, list[tuple[int, int]]]:
    """Positions of the top-level object's keys (every occurrence, for duplicate reports)."""
    positions: dict[str, list[tuple[int, int]]] = {}
    depth = 0
    i = 0
    expecting_key = False
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            if depth == 1 and expecting_key:
                try:
                    key = json.loads(text[i : j + 1])
                except ValueError:
                    key = text[i + 1 : j]
                line = first_line + text.count("\n", 0, i)
                col = i - (text.rfind("\n", 0, i) + 1) + 1
                positions.setdefault(key, []).append((line, col))
                expecting_key = False
            i = j + 1
            continue
        if ch in "{[":
            depth += 1
            expecting_key = depth == 1 and ch == "{"
        elif ch in "}]":
            depth -= 1
        elif ch == "," and depth == 1:
            expecting_key = True
        i += 1
    return positions


def config_key_position(path: Path | str, key: str) -> tuple[int, int] | None:
    """1-based (line, column) of a top-level key of a generator's configuration file, YAML or
    (by its extension) TOML: the one whose value is read, the last where YAML repeats it. None
    when the file does not read or does not set the key at its top level (a YAML merge key)."""
    try:
        text = Path(path).read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    if Path(path).suffix.lower() == ".toml":
        return _toml_key_positions(text, 1).get(key)
    loader = _yaml_loader("jekyll")(text)
    try:
        root = loader.get_single_node()
    except Exception:  # yaml.YAMLError: the file does not parse
        return None
    finally:
        loader.dispose()
    if root is None or root.id != "mapping":
        return None
    found = None
    for key_node, _ in root.value:
        if key_node.id == "scalar" and key_node.value == key:
            found = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
    return found


# -- helpers -------------------------------------------------------------------------------------


def _decode(post: Post, data: bytes, first_line: int) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line, col = _line_col(data, e.start)
        raise PostError(
            post.path,
            f"invalid UTF-8 byte 0x{data[e.start]:02x} in the front matter "
            "(is the file Latin-1 or another encoding?)",
            first_line + line - 1,
            col,
            ENCODING_ERROR,
        ) from None


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    col = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, col


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _os_message(error: OSError) -> str:
    reason = error.strerror or str(error)
    if isinstance(error, FileNotFoundError):
        return "no such file (or a dangling symlink)"
    if isinstance(error, PermissionError):
        return "permission denied (the file is not readable)"
    if error.errno == 40:  # ELOOP
        return "symlink loop"
    return reason[:1].lower() + reason[1:]


def iter_values(value: Any) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every scalar inside a front-matter value with its key path, depth first, iteratively
    (front matter is bounded by MAX_DEPTH and MAX_EXPANDED_NODES before it gets here)."""
    stack: list[tuple[tuple[Any, ...], Any]] = [((), value)]
    while stack:
        keys, item = stack.pop()
        if isinstance(item, dict):
            stack.extend(((*keys, k), v) for k, v in reversed(list(item.items())))
        elif isinstance(item, (list, tuple)):
            stack.extend(((*keys, i), v) for i, v in reversed(list(enumerate(item))))
        else:
            yield keys, item


# -- front matter that is not a post's -----------------------------------------------------------


def load_yaml_value(text: str, source: Path | str = "<value>", kind: SiteKind = "plain") -> Any:
    """One YAML document read with the front-matter loader and its limits (safe tags, depth,
    alias bombs): for values typed on the command line and generator config files such as
    Jekyll's `_config.yml`. `kind`: whose YAML reading to use (Hugo's YAML 1.2 scalars, see
    _yaml_loader), as for a post's front matter. Raises PostError naming `source` and the line
    and column."""
    post = Post(path=Path(source), raw=text, format="yaml", fm_line=1)
    _check_depth(post, text)
    loader = _yaml_loader(kind)(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        _check_aliases(post, root)
        return loader.construct_document(root)
    except PostError:
        raise
    except Exception as e:  # yaml.YAMLError and constructor failures
        raise _yaml_error(post, e) from None
    finally:
        loader.dispose()


def locate_front_matter(path: Path | str, content: bytes) -> Post:
    """Where the front matter and the body of `content` are, without parsing the front matter:
    for text that is not valid front matter yet, such as a template with `{title}` placeholders.
    The Post has its format, delimiters and byte spans; `data` stays empty."""
    path = Path(path)
    post = Post(path=path, size=len(content))
    start = len(BOM) if content.startswith(BOM) else 0
    post.bom = start > 0
    handler = _detect(content, start)
    if handler is None:
        post.body_start = start
        return post
    try:
        handler.split_into(post, content, start)
    except _NeedMore:
        raise PostError(
            path,
            f"front matter opened with {handler.open_text!r} on line 1"
            f" is never closed (add a {handler.close_text!r} line)",
            1,
            1,
            UNCLOSED,
        ) from None
    return post


@dataclass(frozen=True)
class YAMLScalar:
    """One scalar of a post's YAML front matter as written: where it is, its source text, the
    type PyYAML (YAML 1.1) resolved it to (`bool`, `int`, `float`, `str`, `timestamp`, `null`),
    and whether it was plain (unquoted), which is when YAML 1.1 and 1.2 can read it differently."""

    keys: tuple[Any, ...]
    text: str
    tag: str
    plain: bool
    is_key: bool
    line: int
    col: int


def yaml_scalars(post: Post) -> list[YAMLScalar]:
    """Every scalar (keys and values) of a YAML post's front matter, with the spelling the
    author typed; [] for other formats. Composes the node tree again (`compose_yaml`): call it
    only when the raw text suggests it is needed."""
    root = compose_yaml(post)
    out: list[YAMLScalar] = []
    seen: set[int] = set()
    stack: list[tuple[tuple[Any, ...], Any]] = [((), root)] if root is not None else []
    while stack:
        keys, node = stack.pop()
        if id(node) in seen:  # an alias repeats a node; report it once, where it is written
            continue
        seen.add(id(node))
        if node.id == "scalar":
            out.append(_scalar(post, keys, node, is_key=False))
        elif node.id == "sequence":
            stack.extend(((*keys, i), item) for i, item in reversed(list(enumerate(node.value))))
        else:
            for key_node, value_node in reversed(node.value):
                name = key_node.value if key_node.id == "scalar" else "?"
                if key_node.id == "scalar":
                    out.append(_scalar(post, (*keys, name), key_node, is_key=True))
                stack.append(((*keys, name), value_node))
    out.sort(key=lambda s: (s.line, s.col))
    return out


def _scalar(post: Post, keys: tuple[Any, ...], node: Any, is_key: bool) -> YAMLScalar:
    return YAMLScalar(
        keys=keys,
        text=node.value,
        tag=node.tag.rsplit(":", 1)[-1],
        plain=not node.style,  # None (pure-Python loader) or "" (libyaml) for plain
        is_key=is_key,
        line=post.fm_line + node.start_mark.line,
        col=node.start_mark.column + 1,
    )


# -- typed JSON (for Post.to_dict / from_dict and the parse cache) --------------------------------

# A JSON object with this key is a tagged value; a front-matter mapping that has the key itself is
# stored as a tagged "map", so no author's data can pass for a tag.
TYPE_TAG = "\u0000type"


def dumps_tagged(value: Any) -> str:
    """JSON text of a `to_dict` record (or any front-matter value) that `loads_tagged` reverses
    exactly. Never executes anything when read back: it is plain JSON."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def loads_tagged(text: str) -> Any:
    """The value `dumps_tagged` wrote, tagged values rebuilt (datetime, date, time, ...)."""
    return json.loads(text, object_hook=_untag_object)


def _tag_value(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is list:
        return [_tag_value(v) for v in value]
    if kind is dict:
        if TYPE_TAG not in value and all(type(k) is str for k in value):
            return {k: _tag_value(v) for k, v in value.items()}
        return {TYPE_TAG: "map", "v": [[_tag_value(k), _tag_value(v)] for k, v in value.items()]}
    if kind is datetime or kind is time:
        return {
            TYPE_TAG: kind.__name__,
            "v": value.replace(tzinfo=None).isoformat(),
            "tz": _tag_zone(value.tzinfo),
            "fold": value.fold,
        }
    if kind is date:
        return {TYPE_TAG: "date", "v": value.isoformat()}
    if kind is tuple:
        return {TYPE_TAG: "tuple", "v": [_tag_value(v) for v in value]}
    if kind is set or kind is frozenset:
        # Sorted by their JSON text: a set's iteration order depends on the hash seed, and the
        # same set must always give the same record.
        items = sorted((_tag_value(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
        return {TYPE_TAG: kind.__name__, "v": items}
    if kind is bytes:
        import base64

        return {TYPE_TAG: "bytes", "v": base64.b64encode(value).decode("ascii")}
    raise TypeError(f"cannot store a {kind.__name__} as tagged JSON")


def _tag_zone(zone: Any) -> Any:
    if zone is None:
        return None
    if zone is timezone.utc:
        return "utc"
    if type(zone) is not timezone:
        raise TypeError(f"cannot store time zone {zone!r} as tagged JSON")
    offset = zone.utcoffset(None)
    name = zone.tzname(None)
    default_name = timezone(offset).tzname(None)
    return [offset // timedelta(microseconds=1), None if name == default_name else name]


def _untag_zone(spec: Any) -> timezone | None:
    if spec is None:
        return None
    if spec == "utc":
        return timezone.utc
    micros, name = spec
    offset = timedelta(microseconds=micros)
    return timezone(offset) if name is None else timezone(offset, name)


def _untag_object(obj: dict[str, Any]) -> Any:
    tag = obj.get(TYPE_TAG)
    if tag is None:
        return obj
    value = obj["v"]
    if tag == "datetime":
        return datetime.fromisoformat(value).replace(
            tzinfo=_untag_zone(obj["tz"]), fold=obj["fold"]
        )
    if tag == "date":
        return date.fromisoformat(value)
    if tag == "time":
        return time.fromisoformat(value).replace(tzinfo=_untag_zone(obj["tz"]), fold=obj["fold"])
    if tag == "map":
        return {_hashable(k): v for k, v in value}
    if tag == "tuple":
        return tuple(value)
    if tag == "set":
        return {_hashable(v) for v in value}
    if tag == "frozenset":
        return frozenset(_hashable(v) for v in value)
    if tag == "bytes":
        import base64

        return base64.b64decode(value)
    raise ValueError(f"unknown type tag {tag!r}")


def _hashable(value: Any) -> Any:
    # Keys were hashable when written; a list here can only be a tuple that JSON flattened.
    return tuple(_hashable(v) for v in value) if isinstance(value, list) else value


def _untag_value(value: Any) -> Any:
    """Untag a value decoded by plain `json.loads` (loads_tagged does this as it parses)."""
    if isinstance(value, dict):
        return _untag_object({k: _untag_value(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_untag_value(v) for v in value]
    return value
