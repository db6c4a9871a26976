"""New posts: where a post goes on each kind of site, what its front matter says, and writing it
without ever replacing a file that exists.

Parity with jekyll-compose (`jekyll post`, `jekyll draft`) and Hugo's `hugo new content`:

- Jekyll: `_posts/YYYY-MM-DD-slug.md` (drafts: `_drafts/slug.md`), under `collections_dir` when
  the site sets one. Default front matter layout, title, date, categories, tags; then postctl's
  `[new] front_matter`, then jekyll-compose's own `jekyll_compose.default_front_matter.posts`
  (or `.drafts`) from `_config.yml`.
- Hugo: `content/<section>/slug.md` with title, date and draft, as Hugo's built-in archetype.
- plain sites: a configurable pattern such as `{date:%Y-%m-%d}-{slug}.md` or `{slug}/index.md`.

Later layers win: built-in defaults, site config, jekyll-compose defaults, a template file, flags.
A template keeps its comments and key order: placeholders are filled textually, and the keys the
layers above it change are set with the byte-exact editor.
"""

from __future__ import annotations

import json
import os
import re
import string
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from postctl.model import (
    BOM,
    Format,
    Post,
    PostError,
    SiteKind,
    compose_yaml,
    in_site_zone,
    load_yaml_value,
    locate_front_matter,
    parse_date,
    parse_post,
    term_text,
    yaml_reads_as_string,
)
from postctl.site import SKIP_DIRS, Site, SiteError, hugo_default_language, hugo_split_language

if TYPE_CHECKING:
    from postctl.edit import Edit

T = TypeVar("T")

# Exit codes the CLI passes on (same meaning as cli.EXIT_*; library modules never import cli).
EXISTS = 1  # the target file exists: nothing was written
USAGE = 2  # a bad argument, template or configuration

DEFAULT_SLUG_MAX_LENGTH = 80
# File names are at most 255 bytes on every common file system; the slug leaves room for a
# Jekyll date prefix and an extension.
MAX_SLUG_BYTES = 200
DEFAULT_SECTION = "posts"
DEFAULT_PLAIN_PATH = "{date:%Y-%m-%d}-{slug}.md"
DEFAULT_HUGO_PATH = "{slug}.md"
JEKYLL_EXTENSION = ".md"  # jekyll-compose's DEFAULT_TYPE (lib/jekyll-compose.rb)
# Files sniffed to learn which front-matter format a site writes, when none is configured.
SNIFF_FILES = 50

# Names Windows refuses as a file name (with any extension): a post named `con.md` cannot be
# checked out there. https://learn.microsoft.com/windows/win32/fileio/naming-a-file
WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{dev}{n}" for dev in ("COM", "LPT") for n in "0123456789¹²³"}
)
_UNSAFE_NAME_CHARS = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


class CreateError(Exception):
    """Why a post cannot be created; `exit_code` is EXISTS or USAGE."""

    def __init__(self, message: str, exit_code: int = USAGE, path: Path | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.path = path  # the file the message is about, when there is one

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class DateText(str):
    """A date already spelled the way the site's generator expects; written without quotes."""


# -- dates ----------------------------------------------------------------------------------------


def local_now() -> datetime:
    """The current time in the local time zone, to the second (tests replace this)."""
    return datetime.now().astimezone().replace(microsecond=0)


@dataclass(frozen=True)
class PostDate:
    """A post's date: `value` is aware (local zone unless given) when `has_time`. `zone`: the
    Jekyll site's `timezone` (site_zone), in which Jekyll dates the post."""

    value: datetime
    has_time: bool
    zone: tzinfo | None = None

    @property
    def day(self) -> str:
        """`YYYY-MM-DD` of the day the post is dated, the day a Jekyll post's file name must
        carry: in the site's zone, as Jekyll converts the date to it (model.in_site_zone), so
        2026-02-05T01:30+05:00 is 2026-02-04 on a `timezone: Europe/London` site. (The date
        as `spelled` writes it: see `written`.)"""
        value = self.written
        if self.zone is not None and self.has_time and value.tzinfo is not None:
            value = in_site_zone(value, True, self.zone)
        return _iso_day(value)

    @property
    def written(self) -> datetime:
        """`value` as the generators' own tools write it: its offset in whole minutes, the
        seconds dropped. A zone's local mean time, before it took a standard offset
        (Asia/Tokyo until 1888: +09:18:59), has seconds, which neither `%z` nor RFC 3339
        writes: Ruby's strftime `%z` (what `jekyll new` writes) and Go's `Z07:00` (Hugo's
        {{ .Date }}) truncate the offset to minutes and keep the clock time, so the post is
        dated on the day given."""
        offset = self.value.utcoffset()
        if offset is None or not offset % timedelta(minutes=1):
            return self.value
        seconds = int(offset.total_seconds())
        minutes = abs(seconds) // 60 * (1 if seconds >= 0 else -1)
        return self.value.replace(tzinfo=timezone(timedelta(minutes=minutes)))

    def spelled(self, kind: SiteKind) -> DateText:
        """The date as given, spelled as the site's generator writes it."""
        if not self.has_time:
            return DateText(_iso_day(self.value))
        value = self.written
        if kind == "jekyll":
            # What `jekyll new` writes in its first post (site_template/_posts/
            # 0000-00-00-welcome-to-jekyll.markdown.erb: Time.now.strftime('%Y-%m-%d %H:%M:%S
            # %z')); jekyll-compose's DEFAULT_TIMESTAMP_FORMAT is the same without seconds.
            return DateText(f"{_iso_day(value)} {value.strftime('%H:%M:%S %z')}")
        # Hugo's archetypes write {{ .Date }}: RFC 3339 with the local offset
        # (gohugoio/hugo docs, content-management/archetypes.md).
        return DateText(value.isoformat(timespec="seconds"))


def _iso_day(value: datetime) -> str:
    """`YYYY-MM-DD`, the year in four digits (strftime's `%Y` gives year 1 as "1" here)."""
    return value.date().isoformat()


def site_zone(site: Site) -> tzinfo | None:
    """The zone a Jekyll site's times are in (Site.time_zone); None: the local zone."""
    return _config_setting(site, lambda: site.time_zone)


def parse_when(text: str, now: datetime, zone: tzinfo | None = None) -> PostDate:
    """`--date`: `2026-02-05`, `2026-02-05T03:33` (in `zone`, default local time), an ISO date
    with an offset, or `now`."""
    if text.strip().lower() == "now":
        return PostDate(now, True, zone)
    parsed = parse_date(text.strip())
    if parsed is None:
        raise CreateError(f"--date: expected YYYY-MM-DD, YYYY-MM-DDTHH:MM or now, got {text!r}")
    if not parsed.has_time:
        return PostDate(parsed.value, False, zone)
    value = parsed.value.replace(microsecond=0)
    if parsed.has_zone:
        return PostDate(value, True, zone)
    # A time without an offset is local time, with the offset its zone has on that day.
    try:
        return PostDate(value.replace(tzinfo=zone) if zone else value.astimezone(), True, zone)
    except (OverflowError, ValueError):  # (year 1 in a zone ahead of UTC: before the calendar)
        raise CreateError(f"--date: {text!r} is out of range in the local time zone") from None


def assigned_date(value: Any, zone: tzinfo | None) -> PostDate:
    """The date a `--set date=VALUE` gives the post (`value` as parse_assignment typed it), to
    name its file by, as `--date` does; CreateError when it is not a date the generators
    read (they stop the build on it). A time without an offset is the file's own: on a Jekyll
    site with a `timezone`, a YAML timestamp (`2020-01-01 23:30:00`) is UTC and text is read
    in the zone (model.in_site_zone); elsewhere it stays as written."""
    parsed = parse_date(value)
    if parsed is None:
        raise CreateError(f"--set date: {term_text(value)!r} is not a date (use YYYY-MM-DD)")
    when = parsed.value
    if zone is not None and parsed.has_time and when.tzinfo is None:
        when = in_site_zone(when, isinstance(value, datetime), zone)
    return PostDate(when, parsed.has_time, zone)


# -- slugs ----------------------------------------------------------------------------------------


def make_slug(title: str, max_length: int = DEFAULT_SLUG_MAX_LENGTH) -> str:
    """A URL- and file-safe slug: ASCII letters, digits and dashes, at most `max_length` long,
    cut before the first word that does not fit.

    python-slugify transliterates with Unidecode when it is installed and text-unidecode
    otherwise, and the two disagree on many characters. The title is transliterated here with
    text-unidecode (a dependency of python-slugify, so always present), which makes the slug the
    same whatever else is installed: slugify only ever sees ASCII, which every backend keeps.
    Titles are plain text, not HTML, so entities such as `&amp;` are not decoded.
    """
    from slugify import slugify
    from text_unidecode import unidecode

    ascii_title = unidecode(unicodedata.normalize("NFKC", title))
    limit = min(max_length or MAX_SLUG_BYTES, MAX_SLUG_BYTES)
    return slugify(
        ascii_title,
        entities=False,
        decimal=False,
        hexadecimal=False,
        max_length=limit,
        word_boundary=True,
        save_order=True,  # stop at the first word that does not fit rather than skip it
    )


def check_name(name: str, what: str) -> None:
    """Refuse a path component that could leave its folder, hide, or fail on another OS."""
    if name in ("", ".", ".."):
        raise CreateError(f"{what} {name!r} is not a file name")
    bad = _UNSAFE_NAME_CHARS.search(name)
    if bad:
        raise CreateError(f"{what} {name!r} contains {bad.group()!r}, which a file name cannot")
    # Jekyll skips files starting with `.`, `_` or `#` and ending with `~` (EntryFilter#special?
    # and #backup?, jekyll/lib/jekyll/entry_filter.rb); Windows drops trailing dots and spaces.
    if name[0] in "._#" or name[-1] in "~. ":
        raise CreateError(f"{what} {name!r} starts or ends with a character generators skip")
    if name.split(".")[0].rstrip(" ").upper() in WINDOWS_RESERVED:
        raise CreateError(f"{what} {name!r} is a reserved device name on Windows")
    if len(name.encode("utf-8")) > MAX_SLUG_BYTES + 40:
        raise CreateError(f"{what} {name[:40]!r}... is too long for a file name")


def check_text(value: str, what: str) -> None:
    """Refuse an argument that is not text: a byte that is not UTF-8 on the command line (a
    Latin-1 terminal's `é`) reaches Python as a lone surrogate (os.fsdecode's
    surrogateescape), which no file name, YAML, TOML or JSON can hold."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # (repr spells a lone surrogate as `\\udce9`: the message itself stays printable)
        raise CreateError(
            f"{what} {value!r} is not UTF-8 text; check the terminal's encoding"
        ) from None


def check_text_options(options: NewPostOptions) -> None:
    """check_text of every text argument of `postctl new`, each named as the user gave it."""
    named: list[tuple[str, str | None]] = [
        ("title", options.title),
        ("--author", options.author),
        ("--date", options.date),
        ("--layout", options.layout),
        ("--excerpt", options.excerpt),
        ("--image", options.image),
        ("--slug", options.slug),
    ]
    named += [("--tag", tag) for tag in options.tags]
    named += [("--category", category) for category in options.categories]
    for assignment in options.assignments:
        named.append(("--set", assignment))
    for what, value in named:
        if value is not None:
            check_text(value, what)


def check_slug(slug: str) -> None:
    if not slug:
        raise CreateError("the title gives an empty slug; choose one with --slug")
    check_name(slug, "slug")
    if len(slug.encode("utf-8")) > MAX_SLUG_BYTES:
        raise CreateError(f"slug is longer than {MAX_SLUG_BYTES} bytes; choose a shorter --slug")


# -- the request ----------------------------------------------------------------------------------


@dataclass
class NewPostOptions:
    """Everything `postctl new` was asked for."""

    title: str
    tags: Sequence[str] = ()
    categories: Sequence[str] = ()
    author: str | None = None
    date: str | None = None
    layout: str | None = None
    excerpt: str | None = None
    image: str | None = None
    assignments: Sequence[str] = ()  # KEY=VALUE, the value typed as the site reads `KEY: VALUE`
    slug: str | None = None
    # True: a draft; False: a published post; None: the site's default (`creates_draft`).
    draft: bool | None = None
    format: Format | None = None
    template: Path | None = None


@dataclass
class PlannedPost:
    """A post ready to write: where, the exact bytes, and the values it must read back as."""

    path: Path
    content: bytes
    front_matter: dict[str, Any] = field(default_factory=dict)
    folder: Path = Path()  # the posts folder the path must stay inside


def plan_new_post(site: Site, options: NewPostOptions, now: datetime | None = None) -> PlannedPost:
    """Work out the new post's path and bytes. Raises CreateError; writes nothing."""
    kind = site.kind
    check_text_options(options)
    if not options.title.strip():
        raise CreateError("the title is empty")
    zone = site_zone(site)
    now = now or local_now()
    if zone is not None:
        now = now.astimezone(zone)
    set_date = _assigned_date_value(options.assignments, kind)
    if set_date is not _UNSET:  # the front matter's date (--set wins), so the file's too
        when = assigned_date(set_date, zone)
    elif options.date is not None:
        when = parse_when(options.date, now, zone)
    else:
        when = PostDate(now, True, zone)

    slug = options.slug if options.slug is not None else make_slug(options.title, _slug_limit(site))
    check_slug(slug)

    template = _read_template(site, options.template)
    fmt = _choose_format(site, options.format, template)
    draft = creates_draft(kind, options.draft)
    folder, path = target_path(site, slug, when, draft)
    taken = same_post(site, path)  # early, for --dry-run; the create itself is exclusive
    if taken is not None:
        raise _exists(taken, path)

    jekyll_draft = kind == "jekyll" and draft
    dated = not jekyll_draft or options.date is not None
    layers = [
        builtin_front_matter(kind, options.title, when.spelled(kind) if dated else None),
        dict(site.config["new.front_matter"]) if site.config.values else {},
        jekyll_compose_defaults(site, draft),
    ]
    flags = flag_front_matter(kind, options, when if options.date is not None else None)
    if template is not None and template.format is not None:
        content, front_matter = _fill_template(site, template, path, layers, flags, slug, when)
    else:
        front_matter = merge_front_matter(kind, [*layers, flags])
        body = ""
        if template is not None:
            values = {"title": options.title, "date": when.spelled(kind), "slug": slug}
            body = fill_placeholders(template.body, values)
        content = render_post(front_matter, fmt, body)
    _check_reads_back(site, path, content, front_matter, fmt)
    return PlannedPost(path=path, content=content, front_matter=front_matter, folder=folder)


_UNSET = object()


def _assigned_date_value(assignments: Sequence[str], kind: SiteKind) -> Any:
    """The value the last `--set date=...` gives (Hugo reads keys in any case), or _UNSET."""
    value: Any = _UNSET
    for assignment in assignments:
        key, _, _ = assignment.partition("=")
        key = key.strip()
        if key == "date" or (kind == "hugo" and key.lower() == "date"):
            value = parse_assignment(assignment, kind)[1]
    return value


def _slug_limit(site: Site) -> int:
    return site.config["new.slug_max_length"] if site.config.values else DEFAULT_SLUG_MAX_LENGTH


def creates_draft(kind: SiteKind, draft: bool | None) -> bool:
    """Whether a new post is a draft: as asked (`--draft`, `--no-draft`), else a draft on Hugo
    sites, as `hugo new content` makes one, and published on the others."""
    return draft if draft is not None else kind == "hugo"


def builtin_front_matter(kind: SiteKind, title: str, when: DateText | None) -> dict[str, Any]:
    """The keys a new post starts with on each kind of site."""
    data: dict[str, Any] = {}
    if kind == "jekyll":
        data["layout"] = "post"  # jekyll-compose's DEFAULT_LAYOUT
    data["title"] = title
    if when is not None:
        data["date"] = when
    if kind == "jekyll":
        data["categories"] = []
        data["tags"] = []
    elif kind == "hugo":
        # Hugo's default archetype makes a draft (create/content.go
        # DefaultArchetypeTemplateTemplate; https://gohugo.io/content-management/archetypes/).
        data["draft"] = True
    return data


def merge_front_matter(kind: SiteKind, layers: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The layers' keys in one table, a later layer's value winning. Hugo reads keys
    case-insensitively (two spellings of one key are lint's PC102), so there a key takes the
    place of the same key spelled in another case, under the spelling written first."""
    merged: dict[str, Any] = {}
    spelled: dict[str, str] = {}
    for layer in layers:
        for key, value in layer.items():
            if kind == "hugo":
                key = spelled.setdefault(key.lower(), key)
            merged[key] = value
    return merged


def flag_front_matter(
    kind: SiteKind, options: NewPostOptions, when: PostDate | None
) -> dict[str, Any]:
    """The values given on the command line; `--set` comes last and wins."""
    data: dict[str, Any] = {"title": options.title}
    if when is not None:
        data["date"] = when.spelled(kind)
    if options.draft is not None and kind != "jekyll":  # Jekyll's by their folder
        data["draft"] = options.draft
    if options.tags:
        data["tags"] = list(options.tags)
    if options.categories:
        data["categories"] = list(options.categories)
    if options.author is not None:
        data["author"] = options.author
    if options.layout is not None:
        data["layout"] = options.layout
    if options.excerpt is not None:
        # Jekyll's own `excerpt`; Hugo's front-matter field for the same is `summary`
        # (gohugo.io/content-management/front-matter/#summary).
        data["summary" if kind == "hugo" else "excerpt"] = options.excerpt
    if options.image is not None:
        data["image"] = options.image
    for assignment in options.assignments:
        key, value = parse_assignment(assignment, kind)
        data[key] = value
    return data


def parse_assignment(text: str, kind: SiteKind = "plain") -> tuple[str, Any]:
    """`KEY=VALUE` with the value typed as `KEY: VALUE` in the front matter of a `kind` site
    reads (`3` is a number, `[a, b]` a list): YAML 1.1 for Jekyll and plain sites, Hugo's YAML
    1.2 scalars on Hugo sites (`1:30` and `no` stay strings there, as Hugo reads them)."""
    key, sep, value = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise CreateError(f"--set: expected KEY=VALUE, got {text!r}")
    try:
        return key, load_yaml_value(value, f"--set {key}", kind)
    except PostError as e:
        raise CreateError(f"--set {key}: {e.message}") from None


def jekyll_compose_defaults(site: Site, draft: bool) -> dict[str, Any]:
    """`jekyll_compose.default_front_matter.posts` (or `.drafts`) from the site's `_config.yml`,
    as jekyll-compose reads it: `params.config.dig("jekyll_compose", "default_front_matter",
    key)`, used only when it is a Hash (lib/jekyll-compose/file_info.rb, commands/post.rb)."""
    if site.kind != "jekyll":
        return {}
    config = jekyll_config(site)
    node: Any = config
    for key in ("jekyll_compose", "default_front_matter", "drafts" if draft else "posts"):
        node = node.get(key) if isinstance(node, dict) else None
    return dict(node) if isinstance(node, dict) else {}


def jekyll_config(site: Site) -> dict[str, Any]:
    """The site's `_config.yml` (or `.yaml`/`.toml`), read safely; {} when it has none."""
    return _config_setting(site, lambda: site.jekyll_config)


def _config_setting(site: Site, read: Callable[[], T]) -> T:
    """`read()` of a setting from the generator's configuration, a SiteError (unreadable, does
    not parse) turned into a CreateError."""
    try:
        return read()
    except SiteError as e:
        raise CreateError(str(e)) from None


# -- where the post goes --------------------------------------------------------------------------


def posts_folder(site: Site, draft: bool) -> Path:
    """The folder a new post goes in (its path pattern may add subfolders)."""
    if site.kind == "jekyll":
        # Jekyll reads _posts and _drafts inside `collections_dir` when set
        # (jekyll/lib/jekyll/readers/post_reader.rb via site.in_source_dir(collections_dir)).
        collections = _config_setting(site, lambda: site.collections_dir)
        base = site.root / collections if collections else site.root
        return base / ("_drafts" if draft else "_posts")
    content = _config_setting(site, lambda: site.content_dirs[0])
    if site.kind == "hugo":
        section = site.config["new.section"] if site.config.values else DEFAULT_SECTION
        return content / section
    return content


def target_path(site: Site, slug: str, when: PostDate, draft: bool) -> tuple[Path, Path]:
    """(posts folder, file path); the path is checked to stay inside the folder."""
    folder = posts_folder(site, draft)
    if site.kind == "jekyll":
        # Jekyll's post name is DATE-slug.ext, a draft's slug.ext (Document::DATE_FILENAME_MATCHER
        # and DATELESS_FILENAME_MATCHER, jekyll/lib/jekyll/document.rb).
        name = f"{slug}{JEKYLL_EXTENSION}"
        if not draft:
            name = f"{when.day}-{name}"
        relative = name
    else:
        configured = site.config["new.path"] if site.config.values else ""
        pattern = configured or (DEFAULT_HUGO_PATH if site.kind == "hugo" else DEFAULT_PLAIN_PATH)
        relative = expand_path_pattern(pattern, slug, when.value)
    parts = relative.split("/")
    for part in parts:
        check_name(part, "path part")
    path = folder.joinpath(*parts)
    inside(path, folder)
    return folder, path


def same_post(site: Site, path: Path) -> Path | None:
    """An existing file or folder that is the post a new file at `path` would be: `path`
    itself, else, in its folder, a post whose name differs only in case or in its extension
    (among the site's post extensions), and on Hugo a page bundle of the same name. None when
    there is none. One listing of the folder (and of a same-named folder, on Hugo).

    - Hugo gives a page its logical path: the file path in the content folder without
      extension or language code, lower-cased, a bundle's `index.md` or `_index.md` its folder
      (https://gohugo.io/methods/page/path/), so `Tide-Tables.md`, `tide-tables.html` and
      `tide-tables/index.md` are one page, and `hugo new content` refuses a path that
      conflicts with existing content (gohugoio/hugo#15078).
    - Jekyll publishes `_posts/DATE-hello.md` and `DATE-hello.markdown` at one URL and warns
      "Conflict: The following destination is shared by multiple files".
    - On any site a clone on a case-insensitive file system (macOS, Windows) cannot hold two
      names that differ only in case.
    - Hugo gives a file without a language code the default language
      (https://gohugo.io/content-management/multilingual/#translation-by-file-name), so
      `hello.md`, `hello.en.md` and `hello/index.en.md` are one page when `en` is the default
      (`defaultContentLanguage`, "en" when not set): its code is not compared. Another
      language's code is (`hello.fr.md` is a translation, another page)."""
    if path.exists() or path.is_symlink():
        return path
    extensions = frozenset(site.extensions)
    language = _default_language(site)
    folder, key = path.parent, _post_key(path.name, extensions, language)
    if site.kind == "hugo" and key == "index":  # a leaf bundle: its folder names the page
        folder, key = folder.parent, _post_key(folder.name, frozenset())
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:  # no folder yet: nothing in it to share the post with
        return None
    for entry in entries:
        try:
            is_folder = entry.is_dir()
        except OSError:
            continue
        if is_folder:
            if _post_key(entry.name, frozenset()) != key:
                continue
            if site.kind == "hugo" and _holds_bundle_index(entry.path, extensions, language):
                return Path(entry.path)
        elif _post_key(entry.name, extensions, language) == key:
            return Path(entry.path)
    return None


def _default_language(site: Site) -> str | None:
    """The code of a Hugo site's default language (`hugo_default_language`), which a
    content file's name may carry or not; None on other sites."""
    if site.kind != "hugo":
        return None
    return hugo_default_language(_config_setting(site, lambda: site.hugo_config))


def _post_key(name: str, extensions: frozenset[str], language: str | None = None) -> str:
    """A name compared as the same post: without a post extension and then without the
    `language` code a Hugo content file may carry (`hello.en.md`), in NFC, lower-cased."""
    stem, dot, ext = name.rpartition(".")
    if stem and f"{dot}{ext}".lower() in extensions:
        if language is not None:  # `hello.en.md` is `hello.md`
            stem = hugo_split_language(name, {language: None})[0][: -len(dot + ext)]
        name = stem
    return unicodedata.normalize("NFC", name).lower()


def _holds_bundle_index(folder: str, extensions: frozenset[str], language: str | None) -> bool:
    """Whether a folder is a Hugo page bundle: it holds `index.*` or `_index.*` content (in
    the default `language` too: `index.en.md`)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    return any(_post_key(n, extensions, language) in ("index", "_index") for n in names)


def expand_path_pattern(pattern: str, slug: str, when: datetime) -> str:
    """`{slug}` and `{date:FORMAT}` (strftime) in a `new.path` pattern."""
    try:
        for _, name, _, _ in string.Formatter().parse(pattern):
            if name is not None and name not in ("slug", "date"):
                raise CreateError(
                    f"new.path: unknown placeholder {{{name}}} (use {{slug}} and {{date:%Y-%m-%d}})"
                )
        return pattern.format(slug=slug, date=when)
    except (ValueError, IndexError) as e:
        raise CreateError(f"new.path: {pattern!r} is not a valid pattern: {e}") from None


def inside(path: Path, folder: Path) -> None:
    """Refuse a path that resolves outside `folder` (a `..`, or a symlinked subfolder)."""
    resolved = path.resolve()
    base = folder.resolve()
    if resolved != base and base not in resolved.parents:
        raise CreateError(f"{path} would be outside the posts folder {folder}")


# -- formats --------------------------------------------------------------------------------------


def _choose_format(site: Site, requested: Format | None, template: Template | None) -> Format:
    template_format = template.format if template is not None else None
    if requested and template_format and requested != template_format:
        raise CreateError(
            f"--format {requested} does not match the template's {template_format} front matter"
        )
    configured = site.config["new.format"] if site.config.values else ""
    fmt: Format = requested or template_format or configured or sniff_format(site) or "yaml"
    if site.kind == "jekyll" and fmt != "yaml":
        # Jekyll only reads YAML front matter (Document::YAML_FRONT_MATTER_REGEXP): a file that
        # starts with +++ or { would be copied as a static file, not built as a post.
        raise CreateError(f"Jekyll reads only YAML front matter, not {fmt}")
    return fmt


def sniff_format(site: Site) -> Format | None:
    """The front-matter format most of the site's posts use, from the first bytes of a few of
    them (never parsing): Hugo sites are TOML, YAML or JSON by the author's choice."""
    if site.kind == "jekyll":
        return "yaml"
    counts: Counter[Format] = Counter()
    for folder in (posts_folder(site, False), site.content_dirs[0]):
        for path in _some_posts(site, folder):
            fmt = _format_of(path)
            if fmt:
                counts[fmt] += 1
        if counts:
            return counts.most_common(1)[0][0]
    # Hugo's built-in archetype is TOML (hugo/create/skeletons/archetypes/default.md).
    return "toml" if site.kind == "hugo" else None


def _some_posts(site: Site, folder: Path) -> list[Path]:
    found: list[Path] = []
    if not folder.is_dir():
        return found
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if site.is_post(path) and not name.startswith("_index."):
                found.append(path)
                if len(found) >= SNIFF_FILES:
                    return found
    return found


def _format_of(path: Path) -> Format | None:
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError:
        return None
    head = head.removeprefix(BOM)
    if head.startswith(b"---"):
        return "yaml"
    if head.startswith(b"+++"):
        return "toml"
    if head.startswith(b"{"):
        return "json"
    return None


# -- rendering ------------------------------------------------------------------------------------


def render_post(front_matter: dict[str, Any], fmt: Format, body: str = "") -> bytes:
    """A new post's bytes: front matter, then the body (an empty line when there is none)."""
    text = render_front_matter(front_matter, fmt) + (body or "\n")
    return text.encode("utf-8")


def render_front_matter(data: dict[str, Any], fmt: Format) -> str:
    if fmt == "yaml":
        return "---\n" + (_yaml_dump(data) if data else "") + "---\n"
    if fmt == "toml":
        lines = [f"{_toml_key(k)} = {_toml_value(v, k)}" for k, v in data.items()]
        return "+++\n" + "".join(line + "\n" for line in lines) + "+++\n"
    return _json_dump(data) + "\n"


_YAML_BREAKS = re.compile("[\x85\u2028\u2029]")


@cache
def _yaml_dumper() -> Any:
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def date_text(dumper: Any, value: DateText) -> Any:
        # Plain, with whatever tag a reader resolves it to: an ISO date stays a timestamp and
        # Ruby's "2026-02-05 03:33:48 +0100" a string (which Jekyll parses with Time.parse).
        tag = dumper.resolve(yaml.ScalarNode, str(value), (True, False))
        return dumper.represent_scalar(tag, str(value), style="")

    def sequence(dumper: Any, value: Any) -> Any:
        # `tags: [a, b]` as Jekyll's and Hugo's docs write lists of terms; nested data in blocks.
        flow = all(not isinstance(v, (list, tuple, dict, set)) for v in value)
        return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)

    def text(dumper: Any, value: str) -> Any:
        # YAML counts NEL and the Unicode line and paragraph separators as line breaks, which
        # PyYAML's single-quoted style folds away: such strings are written double-quoted,
        # where they are escapes (\N, \L, \P).
        style = '"' if _YAML_BREAKS.search(value) else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(DateText, date_text)
    Dumper.add_representer(str, text)
    Dumper.add_representer(list, sequence)
    Dumper.add_representer(tuple, sequence)
    return Dumper


def _yaml_dump(data: dict[str, Any]) -> str:
    import yaml

    try:
        return yaml.dump(
            data,
            Dumper=_yaml_dumper(),
            allow_unicode=True,
            sort_keys=False,
            default_flow_style=False,
            width=1 << 30,
        )
    except yaml.YAMLError as e:
        raise CreateError(f"cannot write this front matter as YAML: {e}") from None


def yaml_scalar(value: Any) -> str:
    """A string as one line of inline YAML (a placeholder's replacement in a template)."""
    if isinstance(value, DateText):
        return str(value)
    inline = _yaml_dump({"v": value})[len("v:") :].strip()
    if "\n" in inline:  # a multi-line string: one double-quoted line with escapes instead
        import yaml

        inline = yaml.dump(
            str(value), Dumper=_yaml_dumper(), allow_unicode=True, default_style='"', width=1 << 30
        ).strip()
    return inline


_TOML_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")


def _toml_key(key: Any) -> str:
    key = str(key)
    return key if _TOML_BARE_KEY.match(key) else _toml_basic_string(key)


def _toml_basic_string(text: str) -> str:
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _toml_value(value: Any, key: Any) -> str:
    if isinstance(value, DateText):
        return str(value)  # RFC 3339: a TOML date-time literal
    if isinstance(value, str):
        # Literal strings as Hugo's archetype writes them, when the text allows.
        if "'" not in value and not re.search(r"[\x00-\x1f\x7f]", value):
            return f"'{value}'"
        return _toml_basic_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return "nan"
        if value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v, key) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = ", ".join(f"{_toml_key(k)} = {_toml_value(v, k)}" for k, v in value.items())
        return "{ " + items + " }"
    if value is None:
        raise CreateError(f"{key}: TOML has no null value; give it a value or use --format yaml")
    raise CreateError(f"{key}: cannot write a {type(value).__name__} value as TOML")


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    raise TypeError(f"cannot write a {type(value).__name__} value as JSON")


def _json_dump(value: Any) -> str:
    try:
        return json.dumps(
            value, ensure_ascii=False, indent=2, default=_json_default, allow_nan=False
        )
    except (TypeError, ValueError) as e:
        raise CreateError(f"cannot write this front matter as JSON: {e}") from None


def scalar_for(fmt: Format, value: Any) -> str:
    """A value as it is spelled inline in front matter of `fmt`."""
    if fmt == "yaml":
        return yaml_scalar(value)
    if fmt == "toml":
        return _toml_value(value, "value")
    return _json_dump(value).replace("\n", " ")


# -- templates ------------------------------------------------------------------------------------


@dataclass
class Template:
    """A template file; character offsets split it into head, front matter, closing, body."""

    path: Path
    text: str
    format: Format | None  # None: a body-only template
    fm_start: int = 0
    fm_end: int = 0
    body_start: int = 0

    @property
    def body(self) -> str:
        return self.text[self.body_start :]


def _read_template(site: Site, given: Path | None) -> Template | None:
    if given is None:
        configured = site.config["new.template"] if site.config.values else ""
        if not configured:
            return None
        given = site.root / configured
    try:
        data = given.read_bytes()
    except OSError as e:
        raise CreateError(f"{given}: cannot read the template: {e.strerror or e}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise CreateError(f"{given}: the template is not UTF-8") from None
    located = _locate(given, data)
    if located.format is None:
        return Template(path=given, text=text, format=None)

    def chars(offset: int) -> int:
        return len(data[:offset].decode("utf-8"))

    return Template(
        given,
        text,
        located.format,
        chars(located.fm_start),
        chars(located.fm_end),
        chars(located.body_start),
    )


def _locate(path: Path, data: bytes) -> Post:
    try:
        return locate_front_matter(path, data)
    except PostError as e:
        raise CreateError(f"template {e}") from None


# `{title}`, `{date}` or `{slug}`; `{{title}}` (a Go or Liquid template) is left alone.
_PLACEHOLDER = re.compile(r"(?<!\{)\{(?P<name>title|date|slug)\}(?!\})")


def fill_placeholders(text: str, values: dict[str, Any]) -> str:
    """A template's body with its placeholders replaced by their text."""
    return _PLACEHOLDER.sub(lambda m: str(values[m.group("name")]), text)


# How a placeholder in front matter is filled depends on where it sits:
#
# - as a whole value (`title: {title}`, `title = "{title}"`): the value written as a scalar of
#   the format, typed (a date is a date);
# - inside a longer string (`description: Notes on {title}`, `"Notes on {title}"`): its text,
#   escaped for that string's own syntax; when that syntax cannot hold it (a `#` in a plain YAML
#   scalar, a `'` in a TOML literal string) the whole string is written again double-quoted
#   (basic in TOML) with the same text; in a YAML block scalar, text that cannot be written
#   there is refused;
# - elsewhere (a comment): its text, on one line.
#
# To find out which, each placeholder is first replaced by a unique word (a slot) that every
# format reads as text wherever it sits, and the result is read: YAML through the model's node
# tree, TOML and JSON strings with the small lexer below. The filled front matter is then read
# again and must give exactly the values the slots promised, or the template is refused.


@dataclass
class _Slots:
    """Front-matter text with each placeholder replaced by a slot word."""

    text: str
    names: dict[str, str]  # slot word -> placeholder name
    pattern: re.Pattern[str]


def _make_slots(text: str) -> _Slots:
    prefix = "postctlslot"
    while prefix in text:
        prefix += "x"
    names: dict[str, str] = {}

    def slot(m: re.Match[str]) -> str:
        word = f"{prefix}{len(names)}q"
        names[word] = m.group("name")
        return word

    slotted = _PLACEHOLDER.sub(slot, text)
    return _Slots(slotted, names, re.compile(re.escape(prefix) + r"\d+q"))


def _fill_front_matter(kind: SiteKind, template: Template, values: dict[str, Any]) -> str:
    """The template's front matter with its placeholders filled (see above), checked to read
    back as promised. Raises CreateError for a template that does not parse or a placeholder
    whose value cannot be written exactly where it is."""
    fmt = template.format
    assert fmt is not None
    slots = _make_slots(template.text[template.fm_start : template.fm_end])
    texts = {word: str(values[name]) for word, name in slots.names.items()}
    whole: set[str] = set()
    if fmt == "yaml":
        slotted = _parse_template(template, slots.text, kind)
        edits = _yaml_slot_edits(slotted, slots, values, texts, whole, kind)
    else:
        edits, check_text = _string_slot_edits(fmt, slots, values, texts, whole)
        slotted = _parse_template(template, check_text, kind)
    from postctl.edit import splice

    filled = splice(slots.text, edits)
    # What is left is outside any value (a comment): the text on one line.
    filled = slots.pattern.sub(lambda m: " ".join(texts[m.group()].splitlines()), filled)
    post = _parse_template(template, filled, kind, filled=True)
    typed = {
        word: _read_scalar(fmt, kind, scalar_for(fmt, values[slots.names[word]])) for word in whole
    }

    def promised(value: Any) -> Any:
        if isinstance(value, str):
            if value in typed:
                return typed[value]
            return slots.pattern.sub(lambda m: texts[m.group()], value)
        if isinstance(value, dict):
            return {promised(k): promised(v) for k, v in value.items()}
        if isinstance(value, list):
            return [promised(v) for v in value]
        return value

    for key, value in slotted.data.items():
        want = promised(key)
        if (
            len(post.data) != len(slotted.data)
            or want not in post.data
            or not _same_data(promised(value), post.data[want], fmt)
        ):
            raise CreateError(
                f"template {template.path}: the placeholder in {_key_label(want)} cannot be "
                "written there exactly; put it in a double-quoted string"
            )
    return filled


def _key_label(key: Any) -> str:
    return f"'{key}'" if isinstance(key, str) else repr(key)


def _parse_template(template: Template, front: str, kind: SiteKind, filled: bool = False) -> Post:
    text = template.text
    content = (text[: template.fm_start] + front + text[template.fm_end :]).encode("utf-8")
    try:
        return parse_post(template.path, content, kind)
    except PostError as e:
        if filled:
            raise CreateError(
                f"template {e.location}: a placeholder's value cannot be written there exactly"
                f" ({e.message}); put it in a double-quoted string"
            ) from None
        raise CreateError(f"template {e.location}: {e.message}") from None


def _read_scalar(fmt: Format, kind: SiteKind, scalar: str) -> Any:
    """What `scalar`, written as a value in front matter of `fmt`, reads as."""
    document = {"yaml": f"---\nv: {scalar}\n---\n", "toml": f"+++\nv = {scalar}\n+++\n"}.get(
        fmt, f'{{"v": {scalar}}}\n'
    )
    return parse_post(Path("<value>"), document.encode("utf-8"), kind).data["v"]


def _yaml_slot_edits(
    post: Post,
    slots: _Slots,
    values: dict[str, Any],
    texts: dict[str, str],
    whole: set[str],
    kind: SiteKind,
) -> list[Edit]:
    raw = post.raw
    edits: list[Edit] = []
    for node, flow in _yaml_scalar_nodes(compose_yaml(post)):
        found = list(slots.pattern.finditer(node.value))
        if not found:
            continue
        start, end = node.start_mark.index, node.end_mark.index
        source, style = raw[start:end], node.style or ""
        if node.value in slots.names and style in ("", "'", '"'):
            whole.add(node.value)
            edits.append((start, end, _yaml_whole(values[slots.names[node.value]], flow)))
            continue
        inserted = [texts[m.group()] for m in found]

        def each_slot(escape: Callable[[str], str], source: str = source, at: int = start) -> None:
            for m in slots.pattern.finditer(source):
                edits.append((at + m.start(), at + m.end(), escape(texts[m.group()])))

        if style == '"':
            each_slot(lambda t: _yaml_double_quoted(t)[1:-1])
        elif style == "'" and not any(_YAML_NOT_SINGLE.search(t) for t in inserted):
            each_slot(lambda t: t.replace("'", "''"))
        elif style in ("|", ">"):
            if any(_YAML_NOT_SINGLE.search(t) for t in inserted):
                line = post.fm_line + node.start_mark.line
                raise CreateError(
                    f"template {post.path}:{line}: a placeholder's value in this block scalar"
                    " has a line break or control character, which it cannot hold"
                )
            each_slot(lambda t: t)
        else:
            candidate = slots.pattern.sub(lambda m: texts[m.group()], source)
            if style == "" and source == node.value and _yaml_plain_ok(candidate, flow, kind):
                edits.append((start, end, candidate))
            else:
                value = slots.pattern.sub(lambda m: texts[m.group()], node.value)
                edits.append((start, end, _yaml_double_quoted(value)))
    return edits


def _yaml_scalar_nodes(root: Any) -> Iterator[tuple[Any, bool]]:
    """Every scalar node (keys too) once, with whether it sits in a flow collection."""
    seen: set[int] = set()
    stack = [(root, False)] if root is not None else []
    while stack:
        node, flow = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.id == "scalar":
            yield node, flow
            continue
        inner = flow or bool(node.flow_style)
        if node.id == "sequence":
            stack += [(item, inner) for item in node.value]
        else:
            stack += [(n, inner) for pair in node.value for n in pair]


_YAML_NOT_SINGLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
# Text that reads as itself written plain (unquoted): no indicator or quote first, no space
# last, no `: ` or ` #` (a value, a comment), and in a flow collection nothing it would cut at.
_YAML_PLAIN_SAFE = re.compile(r"[A-Za-z0-9_.(/][A-Za-z0-9 _.,:#!?()/+=&'-]*(?<![ :])")


def _yaml_plain_ok(text: str, flow: bool, kind: SiteKind) -> bool:
    return (
        _YAML_PLAIN_SAFE.fullmatch(text) is not None
        and ": " not in text
        and " #" not in text
        and not (flow and any(c in text for c in ",:#"))
        and yaml_reads_as_string(text, kind)
    )


def _yaml_whole(value: Any, flow: bool) -> str:
    if flow and isinstance(value, str) and not isinstance(value, DateText):
        return _yaml_double_quoted(value)  # `[a, b]` would cut a plain `a, b` in two
    return yaml_scalar(value)


def _yaml_double_quoted(text: str) -> str:
    import yaml

    return yaml.dump(
        text, Dumper=_yaml_dumper(), allow_unicode=True, default_style='"', width=1 << 30
    ).strip()


def _string_slot_edits(
    fmt: Format,
    slots: _Slots,
    values: dict[str, Any],
    texts: dict[str, str],
    whole: set[str],
) -> tuple[list[Edit], str]:
    """The edits that fill the slots of TOML or JSON front matter, and the text to check it
    with (slots that are whole values written as strings, so that it parses)."""
    text = slots.text
    edits: list[Edit] = []
    checked: list[Edit] = []
    inside: list[tuple[int, int]] = []
    strings, comments = _lex_strings(text, fmt)
    for start, end, delimiter in strings:
        inside.append((start, end))
        source = text[start:end]
        found = list(slots.pattern.finditer(source))
        if not found:
            continue
        inner = source[len(delimiter) : len(source) - len(delimiter)]
        if inner in slots.names and delimiter in ('"', "'"):
            whole.add(inner)
            edits.append((start, end, scalar_for(fmt, values[slots.names[inner]])))
            continue
        inserted = [texts[m.group()] for m in found]
        if fmt == "json" or delimiter in ('"', '"""'):
            escape = _json_text if fmt == "json" else _toml_basic_text
            for m in found:
                edits.append((start + m.start(), start + m.end(), escape(texts[m.group()])))
        elif not any(_TOML_NOT_LITERAL.search(t) for t in inserted):
            edits += [(start + m.start(), start + m.end(), texts[m.group()]) for m in found]
        else:  # a literal string that cannot hold the text: the same text as a basic string
            if delimiter == "'''":  # its first line break is not part of the text
                inner = re.sub(r"\A\r?\n", "", inner)
            value = slots.pattern.sub(lambda m: texts[m.group()], inner)
            edits.append((start, end, _toml_basic_string(value)))
    for m in slots.pattern.finditer(text):
        if any(start <= m.start() < end for start, end in [*inside, *comments]):
            continue
        whole.add(m.group())
        edits.append((m.start(), m.end(), scalar_for(fmt, values[slots.names[m.group()]])))
        checked.append((m.start(), m.end(), f'"{m.group()}"'))
    from postctl.edit import splice

    return edits, splice(text, checked)


_TOML_NOT_LITERAL = re.compile("['\x00-\x08\x0a-\x1f\x7f]")


def _json_text(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)[1:-1]


def _toml_basic_text(text: str) -> str:
    return _toml_basic_string(text)[1:-1]


def _lex_strings(
    text: str, fmt: Format
) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]]]:
    """The strings of TOML or JSON text, as (start, end, delimiter), and TOML's comments, as
    (start, end). An unclosed string runs to the end of its line or text (the parse reports
    it)."""
    strings: list[tuple[int, int, str]] = []
    comments: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if fmt == "toml" and c == "#":
            newline = text.find("\n", i)
            end = n if newline < 0 else newline
            comments.append((i, end))
            i = end
            continue
        if c != '"' and not (fmt == "toml" and c == "'"):
            i += 1
            continue
        delimiter = c * 3 if fmt == "toml" and text.startswith(c * 3, i) else c
        j = i + len(delimiter)
        while j < n:
            if c == '"' and text[j] == "\\":
                j += 2
            elif text.startswith(delimiter, j):
                run = len(delimiter)
                while run in (3, 4) and text.startswith(c, j + run):  # `"""a""""`: a quote
                    run += 1  # of the text may come right before the closing three
                j += run
                break
            elif len(delimiter) == 1 and text[j] == "\n":
                break
            else:
                j += 1
        strings.append((i, min(j, n), delimiter))
        i = j
    return strings, comments


def _fill_template(
    site: Site,
    template: Template,
    path: Path,
    layers: list[dict[str, Any]],
    flags: dict[str, Any],
    slug: str,
    when: PostDate,
) -> tuple[bytes, dict[str, Any]]:
    """The template with its placeholders filled, then every key the layers below it add and
    the flags change set with the byte-exact editor, so its comments and order stay."""
    assert template.format is not None
    values = {"title": flags["title"], "date": when.spelled(site.kind), "slug": slug}
    text = template.text
    front = _fill_front_matter(site.kind, template, values)
    content = (
        text[: template.fm_start]
        + front
        + text[template.fm_end : template.body_start]
        + fill_placeholders(template.body, values)
    ).encode("utf-8")
    post = parse_post(template.path, content, site.kind)  # parsed in _fill_front_matter

    # The layers' keys the template does not have, then the flags (which may change its own).
    missing = [
        {k: v for k, v in lay.items() if _spelled_key(post, k) not in post.data} for lay in layers
    ]
    wanted = merge_front_matter(site.kind, [*missing, flags])
    front_matter = dict(post.data)
    for key, value in wanted.items():
        written = _spelled_key(post, key)
        if written in post.data and _same_data(value, post.data[written], template.format):
            continue
        content = _set_value(path, content, site.kind, written, value)
        front_matter[written] = value
    return content, front_matter


def _spelled_key(post: Post, key: str) -> str:
    """The key as the template spells it: Hugo reads keys case-insensitively."""
    if key not in post.data and post.kind == "hugo":
        for written in post.data:
            if written.lower() == key.lower():
                return written
    return key


def _editor_date(value: DateText, kind: SiteKind) -> Any:
    """A date for the editor: Jekyll's spelling is a string; an ISO date becomes the date or
    datetime it spells, which the editor writes as a native date (TOML) or plain (YAML)."""
    if kind == "jekyll":
        return str(value)
    parsed = parse_date(str(value))
    assert parsed is not None
    return parsed.value if parsed.has_time else parsed.value.date()


def _set_value(path: Path, content: bytes, kind: SiteKind, key: str, value: Any) -> bytes:
    from postctl.edit import EditError, set_value

    if isinstance(value, DateText):
        value = _editor_date(value, kind)
    post = parse_post(path, content, kind)
    try:
        return set_value(post, content, key, value)
    except EditError as e:
        raise CreateError(f"template: cannot set {key}: {e}") from None


# -- checking and writing -------------------------------------------------------------------------


def _check_reads_back(
    site: Site, path: Path, content: bytes, front_matter: dict[str, Any], fmt: Format
) -> None:
    """The new post must parse back through the model with every value it was given: anything
    else (a value read as another type, cut short by a comment, a key lost) is a bug in
    postctl, reported rather than written."""
    try:
        post = parse_post(path, content, site.kind)
    except PostError as e:
        raise CreateError(f"internal error: the new post would not parse back: {e}") from None
    if set(post.data) != set(front_matter):
        raise CreateError("internal error: the new post's keys do not read back as given")
    for key, value in front_matter.items():
        if not _same_data(value, post.data[key], fmt):
            raise CreateError(
                f"internal error: the new post's {_key_label(key)} does not read back as given"
            )


def _same_data(expected: Any, actual: Any, fmt: Format) -> bool:
    """Whether a value read back from front matter is `expected`: the same type and value (a
    bool is no int), NaN is NaN, a DateText the moment it spells, and in JSON, which has no
    dates, a date its ISO text."""
    if isinstance(expected, DateText):
        a, b = parse_date(actual), parse_date(str(expected))
        return a is not None and b is not None and a.value == b.value
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and set(expected) == set(actual)
            and all(_same_data(v, actual[k], fmt) for k, v in expected.items())
        )
    if isinstance(expected, (list, tuple)):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(_same_data(e, a, fmt) for e, a in zip(expected, actual))
        )
    if isinstance(expected, float) and expected != expected:
        return isinstance(actual, float) and actual != actual
    if fmt == "json" and isinstance(expected, (date, time)) and isinstance(actual, str):
        return actual == expected.isoformat()
    return type(expected) is type(actual) and bool(expected == actual)


def write_new_file(
    path: Path,
    content: bytes,
    folder: Path | None = None,
    mode: int | None = None,
    owner: tuple[int, int] | None = None,
) -> None:
    """Create `path` with `content`, never replacing anything: the bytes go to a temporary file
    beside it, which is then hard-linked to the name (an atomic, exclusive create: it fails if
    the name exists). Where hard links are not supported, an O_EXCL open is used instead.
    `mode`: the new file's permissions (default: what the umask allows, as for any new file).
    `owner`: (uid, gid) to give it when running as root (as write_atomic keeps a rewritten
    file's owner), so that a post moved with sudo stays its author's.
    The file's bytes are fsynced, its folder is not. Raises CreateError(EXISTS) when the file
    exists, CreateError naming `path` when it cannot be written."""
    if folder is not None:
        inside(path, folder)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CreateError(f"{path.parent}: cannot create the folder: {e.strerror or e}") from None
    if path.exists() or path.is_symlink():
        raise _exists(path)
    tmp = ""
    try:
        # Inside the try: a folder where no file can be made (EACCES, EROFS, no inodes left)
        # is this file's failure, reported like any other.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".postctl-", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            _set_owner_and_mode(f.fileno(), owner, 0o666 & ~_umask() if mode is None else mode)
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise _exists(path) from None
        except OSError:  # no hard links here (some network and FAT file systems)
            _write_exclusive(path, content, mode, owner)
    except OSError as e:
        raise CreateError(f"cannot write: {e.strerror or e}", USAGE, path) from None
    finally:
        if tmp:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _write_exclusive(
    path: Path, content: bytes, mode: int | None, owner: tuple[int, int] | None
) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        raise _exists(path) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            if mode is not None or owner is not None:
                _set_owner_and_mode(f.fileno(), owner, mode)
            os.fsync(f.fileno())
    except BaseException:
        # Only this run's partial file, created just above: never leave half a post behind.
        try:
            path.unlink()
        except OSError:
            pass
        raise


def _set_owner_and_mode(fd: int, owner: tuple[int, int] | None, mode: int | None) -> None:
    # The owner first: a chown may clear the set-user-ID and set-group-ID bits.
    if owner is not None and hasattr(os, "fchown") and os.geteuid() == 0:
        os.fchown(fd, *owner)
    if mode is not None:
        os.fchmod(fd, mode)


def _exists(path: Path, new: Path | None = None) -> CreateError:
    """`path` exists (for the new post `new`, when it is another file of the same post)."""
    if new is None or new == path:
        return CreateError("already exists; choose another name with --slug", EXISTS, path)
    return CreateError(
        f"already exists, the same post as {new.name} would be; choose another name with --slug",
        EXISTS,
        path,
    )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def open_in_editor(path: Path, environ: dict[str, str] | None = None) -> None:
    """Open `path` in $VISUAL or $EDITOR and wait for it to close."""
    import shlex
    import subprocess

    command = editor_command(environ)
    if command is None:
        raise CreateError("--edit: set $VISUAL or $EDITOR to the editor to open")
    try:
        subprocess.run([*shlex.split(command), str(path)], check=False)
    except (OSError, ValueError) as e:
        raise CreateError(f"--edit: cannot run {command!r}: {e}") from None


def editor_command(environ: dict[str, str] | None = None) -> str | None:
    env = os.environ if environ is None else environ
    for name in ("VISUAL", "EDITOR"):
        if env.get(name, "").strip():
            return env[name]
    return None
