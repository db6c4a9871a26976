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
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from functools import cache
from pathlib import Path
from typing import Any

from postctl.model import (
    BOM,
    Format,
    Post,
    PostError,
    SiteKind,
    load_yaml_value,
    locate_front_matter,
    parse_date,
    parse_post,
)
from postctl.site import SKIP_DIRS, Site

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
    """A post's date: `value` is aware (local zone unless given) when `has_time`."""

    value: datetime
    has_time: bool

    @property
    def day(self) -> str:
        """`YYYY-MM-DD`, the year in four digits (strftime's `%Y` gives year 1 as "1" here)."""
        return self.value.date().isoformat()

    def spelled(self, kind: SiteKind) -> DateText:
        if not self.has_time:
            return DateText(self.day)
        if kind == "jekyll":
            # What `jekyll new` writes in its first post (site_template/_posts/
            # 0000-00-00-welcome-to-jekyll.markdown.erb: Time.now.strftime('%Y-%m-%d %H:%M:%S
            # %z')); jekyll-compose's DEFAULT_TIMESTAMP_FORMAT is the same without seconds.
            return DateText(f"{self.day} {self.value.strftime('%H:%M:%S %z')}")
        # Hugo's archetypes write {{ .Date }}: RFC 3339 with the local offset
        # (gohugoio/hugo docs, content-management/archetypes.md).
        return DateText(self.value.isoformat(timespec="seconds"))


def site_zone(site: Site) -> tzinfo | None:
    """The zone a Jekyll site's times are in: `timezone` in `_config.yml`, which Jekyll puts in
    ENV["TZ"] as it loads its configuration (Jekyll.configuration -> set_timezone,
    jekyll/lib/jekyll.rb), so jekyll-compose's Time.now is in it. None: the local zone (also for
    a zone this system does not know)."""
    name = jekyll_config(site).get("timezone") if site.kind == "jekyll" else None
    if not isinstance(name, str) or not name.strip():
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None


def parse_when(text: str, now: datetime, zone: tzinfo | None = None) -> PostDate:
    """`--date`: `2026-02-05`, `2026-02-05T03:33` (in `zone`, default local time), an ISO date
    with an offset, or `now`."""
    if text.strip().lower() == "now":
        return PostDate(now, True)
    parsed = parse_date(text.strip())
    if parsed is None:
        raise CreateError(f"--date: expected YYYY-MM-DD, YYYY-MM-DDTHH:MM or now, got {text!r}")
    if not parsed.has_time:
        return PostDate(parsed.value, False)
    value = parsed.value.replace(microsecond=0)
    if parsed.has_zone:
        return PostDate(value, True)
    # A time without an offset is local time, with the offset its zone has on that day.
    return PostDate(value.replace(tzinfo=zone) if zone else value.astimezone(), True)


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
    assignments: Sequence[str] = ()  # KEY=VALUE, the value typed as YAML would type it
    slug: str | None = None
    draft: bool = False
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
    if not options.title.strip():
        raise CreateError("the title is empty")
    zone = site_zone(site)
    now = now or local_now()
    if zone is not None:
        now = now.astimezone(zone)
    when = parse_when(options.date, now, zone) if options.date is not None else PostDate(now, True)

    slug = options.slug if options.slug is not None else make_slug(options.title, _slug_limit(site))
    check_slug(slug)

    template = _read_template(site, options.template)
    fmt = _choose_format(site, options.format, template)
    folder, path = target_path(site, slug, when, options.draft)
    if path.exists() or path.is_symlink():  # early, for --dry-run; the create itself is exclusive
        raise _exists(path)

    jekyll_draft = kind == "jekyll" and options.draft
    dated = not jekyll_draft or options.date is not None
    layers = [
        builtin_front_matter(kind, options.title, when.spelled(kind) if dated else None),
        dict(site.config["new.front_matter"]) if site.config.values else {},
        jekyll_compose_defaults(site, options.draft),
    ]
    flags = flag_front_matter(kind, options, when if options.date is not None else None)
    if template is not None and template.format is not None:
        content, front_matter = _fill_template(site, template, path, layers, flags, slug, when)
    else:
        front_matter = {}
        for layer in [*layers, flags]:
            front_matter.update(layer)
        body = ""
        if template is not None:
            values = {"title": options.title, "date": when.spelled(kind), "slug": slug}
            body = fill_placeholders(template.body, None, values)
        content = render_post(front_matter, fmt, body)
    _check_reads_back(site, path, content, front_matter)
    return PlannedPost(path=path, content=content, front_matter=front_matter, folder=folder)


def _slug_limit(site: Site) -> int:
    return site.config["new.slug_max_length"] if site.config.values else DEFAULT_SLUG_MAX_LENGTH


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
        data["draft"] = False
    return data


def flag_front_matter(
    kind: SiteKind, options: NewPostOptions, when: PostDate | None
) -> dict[str, Any]:
    """The values given on the command line; `--set` comes last and wins."""
    data: dict[str, Any] = {"title": options.title}
    if when is not None:
        data["date"] = when.spelled(kind)
    if options.draft and kind != "jekyll":  # Jekyll drafts are drafts by their folder
        data["draft"] = True
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
        key, value = parse_assignment(assignment)
        data[key] = value
    return data


def parse_assignment(text: str) -> tuple[str, Any]:
    """`KEY=VALUE` with the value typed as YAML types it (`3` is a number, `[a, b]` a list)."""
    key, sep, value = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise CreateError(f"--set: expected KEY=VALUE, got {text!r}")
    try:
        return key, load_yaml_value(value, f"--set {key}")
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
    path = site.generator_config
    if site.kind != "jekyll" or path is None:
        return {}
    try:
        st = path.stat()
    except OSError as e:
        raise CreateError(f"{path}: cannot read: {e.strerror or e}") from None
    return _read_jekyll_config(path, st.st_mtime_ns, st.st_size)


@cache
def _read_jekyll_config(path: Path, mtime_ns: int, size: int) -> dict[str, Any]:
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise CreateError(f"{path}: cannot read: {e}") from None
    if path.suffix == ".toml":
        try:
            import tomllib
        except ModuleNotFoundError:  # Python 3.10
            import tomli as tomllib  # type: ignore[no-redef]
        try:
            data: Any = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise CreateError(f"{path}: not valid TOML: {e}") from None
    else:
        try:
            data = load_yaml_value(text, path)
        except PostError as e:
            raise CreateError(str(e)) from None
    return data if isinstance(data, dict) else {}


# -- where the post goes --------------------------------------------------------------------------


def posts_folder(site: Site, draft: bool) -> Path:
    """The folder a new post goes in (its path pattern may add subfolders)."""
    if site.kind == "jekyll":
        # Jekyll reads _posts and _drafts inside `collections_dir` when set
        # (jekyll/lib/jekyll/readers/post_reader.rb via site.in_source_dir(collections_dir)).
        collections = jekyll_config(site).get("collections_dir") or ""
        base = site.root / str(collections) if isinstance(collections, str) else site.root
        return base / ("_drafts" if draft else "_posts")
    content = site.content_dirs[0]
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


# `{title}`, `{date}` or `{slug}`, with the quotes around it when the template quoted it;
# `{{title}}` (a Go or Liquid template) is left alone.
_PLACEHOLDER = re.compile(r"""(?<!\{)(?P<q>["']?)\{(?P<name>title|date|slug)\}(?P=q)(?!\})""")


def fill_placeholders(text: str, fmt: Format | None, values: dict[str, Any]) -> str:
    """Replace placeholders: as a scalar of `fmt` in front matter, as plain text in a body."""

    def replace(m: re.Match[str]) -> str:
        value = values[m.group("name")]
        if fmt is None:
            return m.group("q") + str(value) + m.group("q")
        return scalar_for(fmt, value)

    return _PLACEHOLDER.sub(replace, text)


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
    front = fill_placeholders(text[template.fm_start : template.fm_end], template.format, values)
    content = (
        text[: template.fm_start]
        + front
        + text[template.fm_end : template.body_start]
        + fill_placeholders(template.body, None, values)
    ).encode("utf-8")
    try:
        post = parse_post(template.path, content, site.kind)
    except PostError as e:
        raise CreateError(
            f"template {e.location}: {e.message} (after filling placeholders)"
        ) from None

    wanted: dict[str, Any] = {}
    for layer in layers:
        for key, value in layer.items():
            if _spelled_key(post, key) not in post.data:
                wanted[key] = value
    wanted.update(flags)
    front_matter = dict(post.data)
    for key, value in wanted.items():
        written = _spelled_key(post, key)
        if written in post.data and _same_value(post.data[written], value):
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


def _same_value(current: Any, wanted: Any) -> bool:
    if isinstance(wanted, DateText):
        a, b = parse_date(current), parse_date(str(wanted))
        return a is not None and b is not None and a.value == b.value
    return bool(current == wanted and type(current) is type(wanted))


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


def _check_reads_back(site: Site, path: Path, content: bytes, front_matter: dict[str, Any]) -> None:
    """The new post must parse back through the model with its title; anything else is a bug
    in postctl, reported rather than written."""
    try:
        post = parse_post(path, content, site.kind)
    except PostError as e:
        raise CreateError(f"internal error: the new post would not parse back: {e}") from None
    if post.get("title") != front_matter.get("title"):
        raise CreateError("internal error: the new post's title does not read back")


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


def _exists(path: Path) -> CreateError:
    return CreateError("already exists; choose another name with --slug", EXISTS, path)


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
