"""Post URLs from the generators' permalink settings, for PC701 (duplicate-url).

Jekyll: the posts' URL template is `collections.posts.permalink` in `_config.yml`, else the
`permalink` style or template (default `date`); a post's own `permalink` may hold the same
placeholders. Hugo: `[permalinks]` in the site configuration, by section, for regular pages
(`posts = "..."`, or under `[permalinks.page]`). A template is compiled once per run
(`compile_jekyll`, `compile_hugo`) and expanded for each post that uses it.

Only what decides which file a post is written to matters here, so values are not
URL-escaped: escaping maps different texts to different texts, and the generators unescape the
URL again to name the file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from postctl.model import Post
from postctl.site import hugo_default_language


class UrlTemplate(NamedTuple):
    """A compiled permalink template: `pieces` alternates literal text and placeholder names
    (literal first and last, so it always has an odd length); `unknown` lists placeholders the
    generator does not know (it stops the build on them), so no URL can be worked out."""

    text: str
    pieces: tuple[str, ...]
    unknown: tuple[str, ...] = ()

    @property
    def reads_path(self) -> bool:
        """Whether a Jekyll template reads the post's path (`:path`, `:name`)."""
        return not {"path", "name"}.isdisjoint(self.pieces[1::2])


# -- Jekyll ------------------------------------------------------------------------------------

# Configuration#style_to_permalink (jekyll/lib/jekyll/configuration.rb): the built-in styles.
JEKYLL_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
JEKYLL_DEFAULT_TEMPLATE = JEKYLL_STYLES["date"]  # (Configuration::DEFAULTS "permalink" => "date")


def jekyll_posts_template(config: dict[str, Any]) -> str:
    """The URL template of a Jekyll site's posts. Configuration#add_default_collections
    (jekyll/lib/jekyll/configuration.rb) gives the posts collection
    `collections["posts"]["permalink"] ||= style_to_permalink(config["permalink"])`: the
    collection's own template wins, taken as written (a style name there is no style); else the
    site's `permalink`, a style name or a template. A `permalink` that is not a string falls
    back to the default `date` (`nil` does not override the default; `false` and numbers stop
    Jekyll's build, which postctl leaves to Jekyll)."""
    collections = config.get("collections")
    if isinstance(collections, dict):
        posts = collections.get("posts")
        if isinstance(posts, dict) and isinstance(posts.get("permalink"), str):
            return posts["permalink"]
    style = config.get("permalink")
    if not isinstance(style, str):
        return JEKYLL_DEFAULT_TEMPLATE
    return JEKYLL_STYLES.get(style, style)


# URL#generate_url_from_drop (jekyll/lib/jekyll/url.rb): `:([a-z_]+)`; a name that ends in "_"
# and is not a placeholder is tried without that one "_" (`/:month_:day`), the "_" then kept.
_JEKYLL_PLACEHOLDER = re.compile(r":([a-z_]+)")


def compile_jekyll(text: str) -> UrlTemplate:
    """`text` as a template of Jekyll placeholders (`JEKYLL_PLACEHOLDERS`)."""
    pieces: list[str] = []
    unknown: list[str] = []
    at = 0
    for m in _JEKYLL_PLACEHOLDER.finditer(text):
        name = m.group(1)
        after = ""
        if name not in JEKYLL_PLACEHOLDERS and name.endswith("_"):
            name, after = name[:-1], "_"
        if name not in JEKYLL_PLACEHOLDERS:
            unknown.append(name)
        pieces += [text[at : m.start()], name]
        at = m.end() - len(after)
    pieces.append(text[at:])
    return UrlTemplate(text, tuple(pieces), tuple(unknown))


def expand_jekyll(template: UrlTemplate, post: Post, relative_path: str) -> str | None:
    """The URL `template` gives `post` (None when it names a placeholder Jekyll does not know);
    `relative_path`: the post's path under the collections folder, `/`-separated (only read
    when the template `reads_path`)."""
    if template.unknown:
        return None
    pieces = template.pieces
    out = [pieces[0]]
    for i in range(1, len(pieces), 2):
        out += [JEKYLL_PLACEHOLDERS[pieces[i]](post, relative_path), pieces[i + 1]]
    return "".join(out)


# Utils#slugify (jekyll/lib/jekyll/utils.rb): every run of characters outside the mode's set
# becomes one "-", then a leading and a trailing "-" go. `default` keeps letters and digits
# (SLUGIFY_DEFAULT_REGEXP `[^[:alnum:]]+`), `pretty` also `._~!$&'()+,;=@`
# (SLUGIFY_PRETTY_REGEXP). Onigmo's Unicode [:alnum:] is Letter | Mark | Decimal_Number,
# which Python's \w is not (it has no marks, and has other numbers such as "²"): the regular
# expressions below are ASCII-only, for the usual ASCII text, and other text is read
# character by character (`_jekyll_slugify_unicode`).
_JEKYLL_DEFAULT_RUN = re.compile(r"[\W_]+", re.ASCII)
_JEKYLL_PRETTY_RUN = re.compile(r"[^\w.~!$&'()+,;=@]+", re.ASCII)
_JEKYLL_PRETTY_EXTRA = frozenset("._~!$&'()+,;=@")
# A slug `pretty` mode leaves as it is (nearly every post's): checked before replacing.
_JEKYLL_PRETTY_SLUG = re.compile(r"[\w.~!$&'()+,;=@]+(?:-[\w.~!$&'()+,;=@]+)*", re.ASCII)


def jekyll_slugify(text: str, pretty: bool = False, cased: bool = False) -> str:
    """Jekyll's `Utils.slugify(text, mode: "pretty" or "default", cased:)`."""
    if text.isascii():
        slug = (_JEKYLL_PRETTY_RUN if pretty else _JEKYLL_DEFAULT_RUN).sub("-", text)
    else:
        slug = _jekyll_slugify_unicode(text, pretty)
    if slug[:1] == "-":
        slug = slug[1:]
    if slug[-1:] == "-":
        slug = slug[:-1]
    return slug if cased else slug.lower()


def _jekyll_slugify_unicode(text: str, pretty: bool) -> str:
    """Each run of characters outside [:alnum:] (and `pretty`'s extra set) as one "-"."""
    out: list[str] = []
    in_run = False
    for ch in text:
        category = unicodedata.category(ch)
        if category[0] in "LM" or category == "Nd" or (pretty and ch in _JEKYLL_PRETTY_EXTRA):
            out.append(ch)
            in_run = False
        elif not in_run:
            out.append("-")
            in_run = True
    return "".join(out)


def jekyll_title(post: Post) -> str:
    """`:title`: the post's slug (front matter `slug`, else from the file name), slugified in
    `pretty` mode, its case kept (Drops::UrlDrop#title)."""
    slug = post.slug
    if _JEKYLL_PRETTY_SLUG.fullmatch(slug):
        return slug
    return jekyll_slugify(slug, pretty=True, cased=True)


def jekyll_categories(post: Post) -> str:
    """`:categories`: the post's categories (folders above `_posts` first), lower-cased, each
    once, joined by "/" (Drops::UrlDrop#categories)."""
    categories = post.categories
    if not categories:
        return ""
    if len(categories) == 1:
        return categories[0].lower()
    return "/".join(dict.fromkeys(c.lower() for c in categories))


def _slugified_categories(post: Post, _: str) -> str:
    return "/".join(dict.fromkeys(jekyll_slugify(c) for c in post.categories))


def _date_part(text: Callable[[datetime], str]) -> Callable[[Post, str], str]:
    """A date placeholder: "" for a post without a date (Jekyll dates a draft by its file's
    modification time, which is not in the file)."""

    def value(post: Post, _: str) -> str:
        parsed = post.parsed_date
        return text(parsed.value) if parsed else ""

    return value


_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()


def _path(post: Post, relative_path: str) -> str:
    """`:path`: Document#cleaned_relative_path, the path under the collections folder without
    its extension, the first `_posts` taken out, trailing dots dropped."""
    stem, dot, extension = relative_path.rpartition(".")
    if not dot or "/" in extension:
        stem = relative_path
    return stem.replace("_posts", "", 1).rstrip(".")


def _name(post: Post, relative_path: str) -> str:
    """`:name`: the file name without its extension, slugified."""
    name = relative_path.rpartition("/")[2]
    stem, dot, _ = name.rpartition(".")
    return jekyll_slugify(stem if dot and stem else name)


# The placeholders of Drops::UrlDrop (jekyll/lib/jekyll/drops/url_drop.rb, Jekyll 4.3), each
# `(post, its relative path) -> text`. Dates are the post's date as written (strftime's English
# names, as Ruby's).
JEKYLL_PLACEHOLDERS: dict[str, Callable[[Post, str], str]] = {
    "collection": lambda post, _: "posts",
    "path": _path,
    "name": _name,
    "output_ext": lambda post, _: ".html",  # what Markdown and HTML posts are written as
    "title": lambda post, _: jekyll_title(post),
    "slug": lambda post, _: jekyll_slugify(post.slug),
    "categories": lambda post, _: jekyll_categories(post),
    "slugified_categories": _slugified_categories,
    "year": _date_part(lambda d: f"{d.year:04d}"),
    "month": _date_part(lambda d: f"{d.month:02d}"),
    "day": _date_part(lambda d: f"{d.day:02d}"),
    "hour": _date_part(lambda d: f"{d.hour:02d}"),
    "minute": _date_part(lambda d: f"{d.minute:02d}"),
    "second": _date_part(lambda d: f"{d.second:02d}"),
    "i_day": _date_part(lambda d: str(d.day)),
    "i_month": _date_part(lambda d: str(d.month)),
    "short_month": _date_part(lambda d: _MONTHS[d.month - 1][:3]),
    "long_month": _date_part(lambda d: _MONTHS[d.month - 1]),
    "short_year": _date_part(lambda d: f"{d.year % 100:02d}"),
    "w_year": _date_part(lambda d: str(d.isocalendar()[0])),
    "week": _date_part(lambda d: f"{d.isocalendar()[1]:02d}"),
    "w_day": _date_part(lambda d: str(d.isoweekday())),
    "short_day": _date_part(lambda d: _DAYS[d.weekday()][:3]),
    "long_day": _date_part(lambda d: _DAYS[d.weekday()]),
    "y_day": _date_part(lambda d: f"{d.timetuple().tm_yday:03d}"),
}


def jekyll_written_url(url: str) -> str:
    """The URL as the file Jekyll writes for it, so that two URLs compare equal exactly when
    their files clash. URL#sanitize_url (jekyll/lib/jekyll/url.rb) turns ".." into "/", drops
    "./" and squeezes slashes; Document#destination (document.rb) writes a URL ending in "/"
    as `index.html` in that folder and appends the output extension (`.html`) to any other
    that lacks it. So `/a/` and `/a/index.html` are one file (given as `/a`), `/a` and
    `/a.html` another (`/a.html`), and `/a/` and `/a.html` do not clash."""
    url = "/" + url
    if "." in url:
        url = url.replace("..", "/").replace("./", "")
    while "//" in url:  # (no regular expression: this runs on every post)
        url = url.replace("//", "/")
    if url[-1] != "/" and not url.endswith(".html"):
        url += ".html"
    if url.endswith("/index.html"):
        url = url[:-10]
    return url.rstrip("/") or "/"


# -- Hugo ----------------------------------------------------------------------------------------

# attributeRegexp (gohugoio/hugo resources/page/permalinks.go): Go's \w is ASCII.
_HUGO_ATTRIBUTE = re.compile(r":([0-9A-Za-z_]+)(\[.+?\])?")
_HUGO_ESCAPED_COLON = "\\:"  # (normalizeEscapeSequencesIn: "\:" is a literal colon)


def hugo_page_permalinks(config: dict[str, Any]) -> dict[str, UrlTemplate]:
    """The templates Hugo's `[permalinks]` gives regular pages, by section: the
    lower-cased folder path under the content folder ("" for pages at its top). Legacy and
    current forms (DecodePermalinksConfig, resources/page/permalinks.go): `section = pattern`
    for pages and terms, `[permalinks.page] section = pattern` (Hugo >= 0.120) for pages; the
    latter wins where both name a section. Keys are read case-insensitively, " " and "/" mean
    the top of the content folder. (The list form of Hugo >= 0.158, `[[permalinks]]` with a
    `target`, is not read.)"""
    table = config.get("permalinks")
    if not isinstance(table, dict):
        return {}
    flat: dict[str, UrlTemplate] = {}
    page: dict[str, UrlTemplate] = {}
    for key, value in table.items():
        if not isinstance(key, str):
            continue
        if isinstance(value, str):
            flat[_section_key(key)] = compile_hugo(value)
        elif key.lower() == "page" and isinstance(value, dict):
            for section, pattern in value.items():
                if isinstance(section, str) and isinstance(pattern, str):
                    page[_section_key(section)] = compile_hugo(pattern)
    return flat | page


def _section_key(key: str) -> str:
    """sectionToPathGlob's section: trimmed of spaces and slashes, lower-cased (Hugo's page
    paths are)."""
    return key.strip(" /").lower()


def compile_hugo(text: str) -> UrlTemplate:
    """`text` as a template of Hugo's permalink attributes (`HUGO_ATTRIBUTES`, and
    `sections[...]` slices)."""
    escaped = "\x00"
    text_in = text.replace(_HUGO_ESCAPED_COLON, escaped)
    pieces: list[str] = []
    unknown: list[str] = []
    at = 0
    for m in _HUGO_ATTRIBUTE.finditer(text_in):
        name, cut = m.group(1), m.group(2)
        attribute = name + (cut or "")
        if cut is not None and name == "sections":
            pass
        elif cut is not None or name not in HUGO_ATTRIBUTES:
            # A Go time layout (`:2006`) is a date format to Hugo; not read here.
            unknown.append(attribute)
        pieces += [text_in[at : m.start()].replace(escaped, ":"), attribute]
        at = m.end()
    pieces.append(text_in[at:].replace(escaped, ":"))
    return UrlTemplate(text, tuple(pieces), tuple(unknown))


def hugo_language_prefixes(config: dict[str, Any]) -> dict[str, str | None]:
    """The language codes a Hugo site knows (the keys of `[languages]`, and
    `defaultContentLanguage`, "en" when not set), lower-cased, each with the prefix its pages'
    URLs get: "" for the default language, "/CODE" for another one (hugolib/site.go: the
    prefix is "/" + lang when the site is multilingual and the language is not the default
    or `defaultContentLanguageInSubdir` is set, which moves every default page alike and so
    changes no clash; a page's own `url` gets it too, gohugoio/hugo#6448), None where
    postctl cannot tell the URL: a language in `disableLanguages` (not built), or a
    non-default language of a multihost site (a `baseURL` per language: another host)."""
    default = hugo_default_language(config)
    languages = config.get("languages")
    tables = languages if isinstance(languages, dict) else {}
    codes = [code.lower() for code in tables if isinstance(code, str)]
    disabled = config.get("disablelanguages")
    off = {str(code).lower() for code in disabled} if isinstance(disabled, list) else set()
    multihost = any(isinstance(t, dict) and t.get("baseurl") for t in tables.values())
    prefixes: dict[str, str | None] = {}
    for code in dict.fromkeys([default, *codes]):
        if code in off:
            prefixes[code] = None
        elif code == default:
            prefixes[code] = ""
        else:
            prefixes[code] = None if multihost else "/" + code
    return prefixes


def in_language(url: str | None, language: str, prefixes: dict[str, str | None]) -> str | None:
    """`url` (of a page in `language`) with the language's prefix (`hugo_language_prefixes`);
    None when it has none that postctl can tell."""
    prefix = prefixes.get(language, "")
    if url is None or prefix is None:
        return None
    if not prefix:
        return url
    return (prefix + url).rstrip("/")  # (the home page "/" is "/fr")


# How a Hugo site's `[frontmatter]` settings date pages and name them
# (https://gohugo.io/configuration/front-matter/): not set, or `date` its default (the front
# matter's date, as `Post.parsed_date` reads it); `date = [":filename", ":default"]` (the date
# at the start of the file name first, then the front matter's); any other setting, which
# postctl does not follow (dates unknown; file-name slugs too when `:filename` is named).
HUGO_DATES_DEFAULT = ""
HUGO_DATES_FILENAME = "filename"
HUGO_DATES_UNKNOWN = "dates unknown"
HUGO_DATES_AND_SLUGS_UNKNOWN = "dates and slugs unknown"
_HUGO_DATE_FIELDS = (
    "date publishdate pubdate published lastmod modified expirydate unpublishdate"
).split()


def hugo_dates_setting(config: dict[str, Any]) -> str:
    """Which of the `HUGO_DATES_*` ways a Hugo site's `[frontmatter]` table dates its pages."""
    table = config.get("frontmatter")
    if not isinstance(table, dict) or not table:
        return HUGO_DATES_DEFAULT
    lists = {
        key: [str(v).strip().lower() for v in (value if isinstance(value, list) else [value])]
        for key, value in table.items()
        if key in _HUGO_DATE_FIELDS
    }
    others_name_file = any(":filename" in v for k, v in lists.items() if k != "date")
    dated_by = lists.get("date")
    if not others_name_file and dated_by in (None, [":default"]) and set(lists) <= {"date"}:
        return HUGO_DATES_DEFAULT
    if not others_name_file and dated_by == [":filename", ":default"] and set(lists) == {"date"}:
        return HUGO_DATES_FILENAME
    if any(":filename" in v for v in lists.values()):
        return HUGO_DATES_AND_SLUGS_UNKNOWN
    return HUGO_DATES_UNKNOWN


def hugo_date_and_slug_from_name(base_name: str) -> tuple[datetime, str] | None:
    """dateAndSlugFromBaseFilename (gohugoio/hugo resources/page/pagemeta/
    page_frontmatter.go): a date from the first 10 characters of the file's base name (a
    bundle's folder name) without its extension, and the rest, trimmed of " -_", as the
    slug; None when the name does not start with a date."""
    dot = base_name.rfind(".")
    stem = base_name[:dot] if dot > 0 else base_name
    if len(stem) < 10:
        return None
    try:
        day = datetime.strptime(stem[:10], "%Y-%m-%d")
    except ValueError:
        return None
    return day, stem[10:].strip(" -_")


class HugoPage(NamedTuple):
    """What Hugo's attributes read of a page besides its front matter: its folders under the
    content folder (the sections first; a bundle's own folder not included), its file's
    stem, whether it is a page bundle's `index`, and the site's sections among its folders
    (`sections`); with `[frontmatter] date = [":filename", ...]`, the date and slug its
    file name gives (`hugo_date_and_slug_from_name`)."""

    folders: tuple[str, ...]
    stem: str
    bundle: str  # the bundle's folder name for `index.*`, else ""
    sections: tuple[str, ...]
    named: tuple[datetime, str] | None = None


def expand_hugo(template: UrlTemplate, post: Post, page: HugoPage) -> str | None:
    """The URL `template` gives the page (None when it uses an attribute not read here)."""
    if template.unknown:
        return None
    pieces = template.pieces
    out = [pieces[0]]
    for i in range(1, len(pieces), 2):
        attribute = pieces[i]
        if attribute.startswith("sections["):
            value = "/".join(_hugo_slice(page.sections, attribute[len("sections") :]))
        else:
            value = HUGO_ATTRIBUTES[attribute](post, page)
            if value is None:
                return None
        out += [value, pieces[i + 1]]
    return "".join(out)


def hugo_urlize(text: str) -> str:
    """Hugo's `urlize` as the permalink attributes use it (PathSpec.URLize: UnicodeSanitize,
    then lower case; helpers/path.go): letters, digits, marks, `./\\_#+~-@` and `%XX` stay, a
    run of spaces after something kept becomes one "-", everything else goes."""
    out: list[str] = []
    hyphen_pending = was_hyphen = False
    for i, ch in enumerate(text):
        allowed = (
            ch in "./\\_#+~-@"
            or ch.isalpha()
            or unicodedata.category(ch) in ("Nd", "Mn", "Mc", "Me")
            or (ch == "%" and _is_hex(text[i + 1 : i + 3]))
        )
        if allowed:
            was_hyphen = ch == "-"
            if hyphen_pending and not was_hyphen:
                out.append("-")
            hyphen_pending = False
            out.append(ch)
        elif out and not was_hyphen and ch.isspace():
            hyphen_pending = True
    return "".join(out).lower()


def _is_hex(text: str) -> bool:
    return len(text) == 2 and all(c in "0123456789abcdefABCDEF" for c in text)


def _hugo_slice(sections: tuple[str, ...], cut: str) -> list[str]:
    """PermalinkExpander.toSliceFunc: `[n]`, `[last]`, `[low:high]` (either may be left
    out) of the sections, lenient about bounds."""
    cut = cut.strip().lower()
    if len(cut) < 3 or cut[0] != "[" or cut[-1] != "]":
        return []
    spec = cut[1:-1]
    count = len(sections)

    def index(text: str, low: bool) -> int:
        if text == "":
            return 0 if low else count
        if text == "last":
            return count - 1
        n = max(int(text), 0) if text.lstrip("-").isdigit() else 0  # (Atoi's error is 0)
        if n >= count:
            return -1 if low else count
        return n

    if not sections:
        return []
    if ":" not in spec:
        n = index(spec, True)
        return [] if n < 0 or not sections[n] else [sections[n]]
    low_text, _, high_text = spec.partition(":")
    low, high = index(low_text, True), index(high_text.split(":")[0], False)
    if low < 0 or high < 0:
        return []
    return list(sections[low:high])


_GO_ZERO_TIME = datetime(1, 1, 1)  # a page without a date has Go's zero time


def _hugo_date(text: Callable[[datetime], str]) -> Callable[[Post, HugoPage], str]:
    def value(post: Post, page: HugoPage) -> str:
        if page.named is not None:
            return text(page.named[0])
        parsed = post.parsed_date
        return text(parsed.value if parsed else _GO_ZERO_TIME)

    return value


def _hugo_title(post: Post, _: HugoPage) -> str:
    return hugo_urlize(post.title or "")


def hugo_slug_text(value: Any) -> str | None:
    """A Hugo page's `slug` as text: page metadata reads it with cast.ToString
    (gohugoio/hugo hugolib/page__meta.go, `case "slug"`), so `slug: 2023` is "2023"
    and `true` is "true"; a list or table is "" (no slug). None for a date, which cast
    prints in Go's time format: no URL rather than a guessed one."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        # strconv.FormatFloat(f, 'f', -1, 64): the shortest digits, never an exponent
        return f"{Decimal(repr(value)).normalize():f}"
    if isinstance(value, (date, datetime)):
        return None
    return ""


def _hugo_slug(post: Post) -> str | None:
    return hugo_slug_text(post.get("slug"))


def _hugo_filename(post: Post, page: HugoPage) -> str:
    """pageToPermalinkFilename: the file's base name; a bundle's folder name for `index`,
    nothing for `_index`."""
    if page.stem == "_index":
        return ""
    return hugo_urlize(page.bundle or page.stem)


def _hugo_content_base_name(post: Post, page: HugoPage) -> str:
    """pageToPermalinkContentBaseName: the file's base name, a bundle's (or a section's)
    folder name for `index`/`_index`."""
    if page.stem == "_index":
        return hugo_urlize(page.folders[-1] if page.folders else "")
    return hugo_urlize(page.bundle or page.stem)


def _slug_else(
    other: Callable[[Post, HugoPage], str],
) -> Callable[[Post, HugoPage], str | None]:
    def value(post: Post, page: HugoPage) -> str | None:
        slug = _hugo_slug(post)
        if slug is None:
            return None
        if page.named is not None and post.get("slug") is None:
            slug = page.named[1]  # (the file name's, when the front matter has none)
        return hugo_urlize(slug) if slug else other(post, page)

    return value


# PermalinkExpander's knownPermalinkAttributes (gohugoio/hugo resources/page/permalinks.go),
# each `(post, page) -> text`; `sectionslug`/`sectionslugs` (which read the sections' own
# front matter) and Go time layouts are not read, and leave the URL unknown.
HUGO_ATTRIBUTES: dict[str, Callable[[Post, HugoPage], str | None]] = {
    "year": _hugo_date(lambda d: str(d.year)),
    "month": _hugo_date(lambda d: f"{d.month:02d}"),
    "monthname": _hugo_date(lambda d: _MONTHS[d.month - 1]),
    "day": _hugo_date(lambda d: f"{d.day:02d}"),
    "weekday": _hugo_date(lambda d: str(d.isoweekday() % 7)),  # (Go: Sunday is 0)
    "weekdayname": _hugo_date(lambda d: _DAYS[d.weekday()]),
    "yearday": _hugo_date(lambda d: str(d.timetuple().tm_yday)),
    "section": lambda post, page: page.folders[0] if page.folders else "",
    "sections": lambda post, page: "/".join(page.sections),
    "title": _hugo_title,
    "slug": _slug_else(_hugo_title),
    "slugorfilename": _slug_else(_hugo_filename),
    "filename": _hugo_filename,
    "contentbasename": _hugo_content_base_name,
    "slugorcontentbasename": _slug_else(_hugo_content_base_name),
}
