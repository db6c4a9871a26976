"""Sites: where a site's root is, what generator it is for, which files are its posts, and
loading them all (in parallel across processes on large sites, in a stable order)."""

from __future__ import annotations

import fnmatch
import gc
import marshal
import os
import posixpath
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from postctl.config import Config, has_config, load_config
from postctl.model import (
    JEKYLL_FILENAME,
    Post,
    PostError,
    SiteKind,
    format_location,
    load_post,
    load_yaml_value,
)
from postctl.summary import PostSummary
from postctl.timezones import known_zone, tz_zone

# Folders no generator reads posts from, at any depth: VCS data, dependencies, caches.
SKIP_DIRS = frozenset({".git", "node_modules", "__pycache__", ".postctl-cache"})
# Build output and vendored code, skipped only in the site's root folder: deeper down they are
# ordinary folders (Hugo 0.168 publishes the hugoDocs pages in content/en/functions/resources/).
ROOT_SKIP_DIRS = frozenset({"_site", "public", "resources", "vendor"})
JEKYLL_CONFIGS = ("_config.yml", "_config.yaml", "_config.toml")
HUGO_CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json")
# Before v0.110 Hugo's config was config.*; it needs a content folder beside it to count
# (Zola sites, such as the Rust blog, have the same shape and read the same way).
LEGACY_HUGO_CONFIGS = ("config.toml", "config.yaml", "config.yml", "config.json")
# Hugo's configuration directory: every file in `config/_default/` (and in `config/<environment>/`
# for the environment built, which postctl has no option for) is part of the configuration
# (https://gohugo.io/configuration/introduction/#configuration-directory; gohugoio/hugo
# config/configLoader.go LoadConfigFromDir).
HUGO_CONFIG_DIR = Path("config", "_default")
# The extensions Hugo reads there, compared lower-cased (config.ValidConfigFileExtensions,
# IsValidConfigFilename).
HUGO_CONFIG_EXTENSIONS = (".toml", ".yaml", ".yml", ".json")
# File names (without extension) whose contents are the root table (config.DefaultConfigNames).
HUGO_ROOT_CONFIG_NAMES = frozenset({"hugo", "config"})
# Hugo's content folder when the configuration sets no `contentDir`.
HUGO_CONTENT_DIR = "content"
# Sites with more posts than this are loaded across processes.
PARALLEL_THRESHOLD = 2000
# Jekyll's folders of posts and of drafts.
JEKYLL_POST_DIRS = ("_posts", "_drafts")
# Names Jekyll's EntryFilter#special? skips (jekyll/lib/jekyll/entry_filter.rb).
JEKYLL_SPECIAL_LEADING = ("_", ".", "#", "~")


class SiteError(Exception):
    """A usage problem with the paths given (missing path, nothing to read): exit code 2."""


@dataclass
class Site:
    root: Path
    kind: SiteKind
    config: Config = field(default_factory=Config)
    # The generator's configuration file in the root (`_config.yml`, `hugo.toml`, ...), if any.
    generator_config: Path | None = None
    # Hugo's `config/_default/` folder, when it holds configuration files (detect_kind).
    hugo_config_dir: Path | None = None

    @property
    def content_dirs(self) -> list[Path]:
        """The folders posts are looked for in: postctl's `content_dirs` when configured, else
        Hugo's content folders (`hugo_content_dirs`), else the root."""
        configured = self.config["content_dirs"] if self.config.values else []
        if configured:
            return [self.root / d for d in configured]
        if self.kind == "hugo":
            return self.hugo_content_dirs
        return [self.root]

    @cached_property
    def hugo_content_dirs(self) -> list[Path]:
        """Hugo's content folders, the default language's first (where `hugo new content`
        writes): every language's `contentDir` (`languages.LANG.contentDir`, else the root
        table's), each once, when a language sets one; else the root `contentDir`; else
        `content` (modules/config.go ApplyProjectConfigDefaults mounts one content folder per
        language, `languagesSortedDefaultFirst`; https://gohugo.io/configuration/all/#contentdir,
        https://gohugo.io/content-management/multilingual/#translation-by-content-directory).
        Module mounts (`[module] [[module.mounts]]`) and `hugo --contentDir` are not read.
        The configuration is parsed only when its text names `contentDir`: `list` must not pay
        for a TOML import and parse on every run, nor fail on a broken file that does not."""
        default = [self.root / HUGO_CONTENT_DIR]
        if self.kind != "hugo" or not self._hugo_config_mentions(b"contentdir"):
            return default
        config = self.hugo_config
        main = _text_setting(config.get("contentdir")) or HUGO_CONTENT_DIR
        languages = config.get("languages")
        tables = _languages_default_first(config) if isinstance(languages, dict) else []
        if not any(_text_setting(table.get("contentdir")) for table in tables):
            return [self.root / main]
        folders = [_text_setting(table.get("contentdir")) or main for table in tables]
        return [self.root / folder for folder in dict.fromkeys(folders)]

    def _hugo_config_mentions(self, word: bytes) -> bool:
        """Whether a file of the Hugo configuration holds `word` (lower-case ASCII) in any
        case. A file that cannot be read is passed over: it is `hugo_config`'s to report, to
        the commands that need a setting from it."""
        for path in self.hugo_config_files:
            try:
                if word in path.read_bytes().lower():
                    return True
            except OSError:
                continue
        return False

    @property
    def extensions(self) -> tuple[str, ...]:
        exts = (
            self.config["extensions"]
            if self.config.values
            else [".md", ".markdown", ".mdx", ".html"]
        )
        return tuple(e.lower() for e in exts)

    def is_post(self, path: Path, *, include_skipped: bool = False) -> bool:
        """Whether a file under the site is one of its posts, by the generator's rules.

        With `include_skipped`, also a file in Jekyll's `_posts`/`_drafts` that Jekyll passes
        over (no date in its name, a leading `_`): lint wants to report those, not miss them."""
        return self._post_rules(include_skipped)(str(path))

    def _post_rules(self, include_skipped: bool = False) -> _PostRules:
        """`is_post` for an absolute path string: the rules worked out once, then plain string
        tests per file (a 100,000-post walk cannot afford pathlib for each one)."""
        return _PostRules(self, include_skipped)

    @property
    def _exclude(self) -> list[str]:
        return self.config["exclude"] if self.config.values else []

    @cached_property
    def jekyll_config(self) -> dict[str, Any]:
        """The Jekyll site's `_config.yml` (or `.yaml`/`.toml`) as read; {} on other sites or
        without one. SiteError when it cannot be read or does not parse: Jekyll stops then too.
        A file that is not a mapping counts as empty: Jekyll warns "Error reading
        configuration. Using defaults" (Configuration#read_config_files,
        jekyll/lib/jekyll/configuration.rb)."""
        path = self.generator_config
        if self.kind != "jekyll" or path is None:
            return {}
        return _read_config_file(path, "jekyll")

    @cached_property
    def hugo_config(self) -> dict[str, Any]:
        """The Hugo site's configuration as Hugo merges it: the root file (`hugo.toml`/`.yaml`/
        `.json`, or the older `config.*`), then every file of `config/_default/` over it (see
        `hugo_config_dir_files`, `_hugo_config_dir_table`). Keys are lower-cased at every level of
        tables, as Hugo reads them (`buildFuture` is `buildfuture`; maps.PrepareParams). {} on
        other sites and without any. SiteError naming `path:line:col` for a file that cannot
        be read or does not parse: Hugo does not build then either. Read only when a command
        needs a setting from it, never just to find the site."""
        if self.kind != "hugo":
            return {}
        merged: dict[str, Any] = {}
        folder_files = self.hugo_config_files
        if self.generator_config is not None:
            merged = _hugo_keys(_read_config_file(self.generator_config, "hugo"))
            folder_files = folder_files[1:]  # (the folder's come after the root file)
        if folder_files:
            # LoadConfigFromDir builds the folder's table on its own, then loadConfigMain
            # sets it over the root file's (gohugoio/hugo config/allconfig/load.go):
            # the folder wins, key by key, tables merged at every depth.
            _set_over(merged, _hugo_config_dir_table(folder_files))
        return merged

    @cached_property
    def hugo_config_files(self) -> list[Path]:
        """Every file of a Hugo site's configuration, in the order Hugo reads them: the root
        file (`hugo.toml`, ...), then those of `config/_default/` (`hugo_config_dir_files`);
        [] on other sites."""
        if self.kind != "hugo":
            return []
        files = [self.generator_config] if self.generator_config is not None else []
        if self.hugo_config_dir is not None:
            files += hugo_config_dir_files(self.hugo_config_dir)
        return files

    @cached_property
    def builds_future(self) -> bool:
        """Whether the generator's configuration publishes posts dated in the future now rather
        than leave them out until their date: Jekyll's `future: true` in `_config.yml` (a Ruby
        truthy value: Publisher#hidden_in_the_future? tests `!@site.future`,
        jekyll/lib/jekyll/publisher.rb), Hugo's `buildFuture = true`
        (https://gohugo.io/configuration/all/#buildfuture). The command-line flags
        (`jekyll build --future`, `hugo --buildFuture`) are not in the files, and not seen."""
        if self.kind == "jekyll":
            value = self.jekyll_config.get("future")
            return value is not None and value is not False
        if self.kind == "hugo":
            return self.hugo_config.get("buildfuture") is True
        return False

    @cached_property
    def collections_dir(self) -> str:
        """Jekyll's `collections_dir` ("" when not set), the folder its posts and drafts are
        read from, as `/`-separated folder names under the root. Like Jekyll's collections_path
        (Site#in_source_dir, Jekyll.sanitized_path) it never leaves the root: `./coll/`,
        `/coll` and `../coll` are all `coll`. Reader#retrieve_posts reads `_posts` and `_drafts`
        only inside it (#outside_configured_directory?), and a post's folder categories come
        from its path relative to it (Document#relative_path is
        `path.sub("#{site.collections_path}/", "")`; jekyll/lib/jekyll/reader.rb,
        document.rb). Jekyll tests the folder with String#start_with?, so it also reads a
        sibling folder whose name merely begins the same (`collection/` for `coll`, with
        categories from its absolute path); postctl takes whole folder names only."""
        value = self.jekyll_config.get("collections_dir")
        if not isinstance(value, str):
            return ""
        return posixpath.normpath("/" + value.replace("\\", "/")).lstrip("/")

    @cached_property
    def _collections_parts(self) -> tuple[str, ...]:
        return tuple(self.collections_dir.split("/")) if self.collections_dir else ()

    @cached_property
    def time_zone(self) -> tzinfo | None:
        """The zone a Jekyll site's times are in: `timezone` in `_config.yml`, which Jekyll puts
        in ENV["TZ"] as it loads its configuration (Jekyll.configuration -> set_timezone,
        jekyll/lib/jekyll.rb), so its Time.now and Utils.parse_date's `.localtime` are in it.
        None: not set (Jekyll then uses the build machine's zone), or not text (Ruby's ENV
        takes only strings: Jekyll stops at `timezone: 9`).
        The C library reads TZ (`timezones.tz_zone`): a zone name is that zone; a POSIX rule
        without a daylight-saving part is its fixed offset, hours west of Greenwich (`JST-9` is
        +09:00, `UTC+9` -09:00). Text it reads as neither (a typo, `America/NewYork`; `+09:00`;
        the empty text) is UTC: glibc takes it as UTC (`TZ=America/NewYork date` prints UTC), so
        Jekyll dates the posts in UTC. Known gap: a POSIX rule with a daylight-saving part that
        zoneinfo does not know as a name (`CET-1CEST,M3.5.0,M10.5.0/3`), which glibc follows, is
        taken as UTC too (lint's PC306 says so). None only when this system has no zone data at
        all."""
        value = self.jekyll_config.get("timezone")
        if not isinstance(value, str):
            return None
        zone = tz_zone(value)
        return zone if zone is not None else known_zone("UTC")

    def outside_collections_dir(self, path: Path | str) -> bool:
        """Whether a Jekyll site sets `collections_dir` and `path` (under the root) is not in
        it: Jekyll reads no post or draft there (see `collections_dir`)."""
        cut = self._collections_parts
        if not cut:
            return False
        rel = _relative(Path(path), self.root)
        return rel is None or rel.parts[: len(cut)] != cut

    def post_context(self, path: Path) -> tuple[bool, tuple[str, ...]]:
        """(in a drafts folder, categories Jekyll takes from the folders above `_posts`,
        below `collections_dir`: Document#categories_from_path on Document#relative_path)."""
        if self.kind != "jekyll":
            return False, ()
        rel = _relative(path, self.root)
        parts = rel.parts[:-1] if rel is not None else path.parts[:-1]
        cut = self._collections_parts
        if cut and parts[: len(cut)] == cut:
            parts = parts[len(cut) :]
        index = next((i for i, p in enumerate(parts) if p in JEKYLL_POST_DIRS), None)
        if index is None:
            return False, ()
        return parts[index] == "_drafts", tuple(p for p in parts[:index] if p)

    def uses_cache(self, cache: bool | None = None) -> bool:
        """Whether to read and write the caches: `cache` when given (--no-cache gives False),
        else the configuration's `cache` (on by default)."""
        if cache is not None:
            return cache
        return self.config["cache"] if self.config.values else True

    @cached_property
    def posts_time_zone(self) -> tzinfo | None:
        """The zone the site's posts are dated in (Post.time_zone): `time_zone` on a Jekyll
        site; None on other sites, and when `_config.yml` cannot be read (commands that only
        read posts go on with dates as written; lint reports the file)."""
        if self.kind != "jekyll":
            return None
        try:
            return self.time_zone
        except SiteError:
            return None

    def load(self, path: Path | str, *, keep_body: bool = False) -> Post:
        drafts, cats = False, ()
        if self.kind == "jekyll":
            path = Path(path)
            drafts, cats = self.post_context(path)
        return load_post(
            path,
            self.kind,
            drafts_folder=drafts,
            categories_from_path=cats,
            time_zone=self.posts_time_zone,
            keep_body=keep_body,
        )


class _PostRules:
    """Site.is_post for absolute path strings, and `names` for a whole folder's files at once:
    in most folders only the extension varies from file to file, so the rest is decided once per
    folder rather than once per file (a fifth of a warm `list` of 100,000 posts otherwise)."""

    def __init__(self, site: Site, include_skipped: bool) -> None:
        self.extensions = frozenset(site.extensions)
        # The extensions has_extension can find (one dot, leading), for str.endswith.
        self.suffixes = tuple(e for e in self.extensions if e.rfind(".") == 0 and len(e) > 1)
        self.exclude = site._exclude
        self.root = _as_prefix(str(site.root))
        self.jekyll_folders = site.kind == "jekyll" and not (
            site.config.values and site.config["content_dirs"]
        )
        self.content = tuple(_as_prefix(str(d)) for d in site.content_dirs)
        self.include_skipped = include_skipped
        # Jekyll's collections_dir as a prefix of paths below the root ("" when not set):
        # Jekyll reads posts and drafts only inside it (Site.collections_dir). Files outside
        # it stay in with `include_skipped`, for lint to say why Jekyll passes them over.
        collections = site.collections_dir if self.jekyll_folders else ""
        self.collections = _as_prefix(collections.replace("/", os.sep)) if collections else ""

    def has_extension(self, name: str) -> bool:
        dot = name.rfind(".")
        return 0 < dot < len(name) - 1 and name[dot:].lower() in self.extensions

    def __call__(self, full: str) -> bool:
        if not self.has_extension(full.rpartition(os.sep)[2]):
            return False
        if not full.startswith(self.root):
            return True
        rel = full[len(self.root) :]
        if self.exclude and any(fnmatch.fnmatch(rel, pat) for pat in self.exclude):
            return False
        if self.jekyll_folders:
            parts = rel.split(os.sep)
            if self.include_skipped:
                return any(part in JEKYLL_POST_DIRS for part in parts[:-1])
            if self.collections and not rel.startswith(self.collections):
                return False
            return _jekyll_reads_as_post(parts)
        return full.startswith(self.content)

    def names(self, folder: str, names: list[str]) -> list[str]:
        """The posts among the files `names` of `folder` (an absolute path ending in os.sep)."""
        if self.exclude:
            return [name for name in names if self(folder + name)]
        if not folder.startswith(self.root):
            pass
        elif self.jekyll_folders:
            return self._jekyll_names(folder[len(self.root) :].split(os.sep)[:-1], names)
        elif not folder.startswith(self.content):
            return []
        return self._with_extension(names)

    def _with_extension(self, names: list[str]) -> list[str]:
        """`has_extension` over a folder's names, in one comprehension (100,000 calls cost):
        `endswith` (in C) decides a name that ends as an extension is written; only a name
        that lower-casing changes (`POST.MD`) may have one spelled otherwise."""
        suffixes = self.suffixes
        has_extension = self.has_extension
        return [
            name
            for name in names
            if (name.endswith(suffixes) and (name[0] != "." or name.rfind(".") > 0))
            or (name != name.lower() and has_extension(name))
        ]

    def _jekyll_names(self, parts: list[str], names: list[str]) -> list[str]:
        """`_jekyll_reads_as_post` for a folder (its parts below the root) and its files."""
        if self.include_skipped:
            found = any(part in JEKYLL_POST_DIRS for part in parts)
            return self._with_extension(names) if found else []
        if self.collections and not (os.sep.join(parts) + os.sep).startswith(self.collections):
            return []
        at = next((i for i, part in enumerate(parts) if part in JEKYLL_POST_DIRS), None)
        if at is None or any(part.startswith(JEKYLL_SPECIAL_LEADING) for part in parts[:at]):
            return []
        if parts[at + 1 : at + 2] and parts[at + 1].startswith(JEKYLL_SPECIAL_LEADING):
            return []
        drafts = parts[at] == "_drafts"
        return [
            name
            for name in names
            if self.has_extension(name)
            and not name.startswith(JEKYLL_SPECIAL_LEADING)
            and (drafts or JEKYLL_FILENAME.match(name) is not None)
        ]


def _jekyll_reads_as_post(parts: Sequence[str]) -> bool:
    """Whether Jekyll reads a file (its path's parts, relative to the site root) as a post or
    a draft.

    Reader#read_directories walks every folder whose name does not start with `_ . # ~` and
    PostReader reads the `_posts` and `_drafts` found there; inside them EntryFilter drops
    entries whose first folder or whose file name starts with one of those, and a post's file
    name must start with its date (Document::DATE_FILENAME_MATCHER). Jekyll 4.3 skipped
    `_posts/nodate.md`, `_posts/_x.md`, `_posts/_sub/2020-01-01-x.md` and
    `_x/_posts/2020-01-01-x.md`, and read `_posts/sub/_x/2020-01-01-x.md`
    (jekyll/lib/jekyll/reader.rb, readers/post_reader.rb, entry_filter.rb)."""
    for i, part in enumerate(parts[:-1]):
        if part in JEKYLL_POST_DIRS:
            inner, name = parts[i + 1], parts[-1]
            if inner.startswith(JEKYLL_SPECIAL_LEADING) or name.startswith(JEKYLL_SPECIAL_LEADING):
                return False
            return part == "_drafts" or JEKYLL_FILENAME.match(name) is not None
        if part.startswith(JEKYLL_SPECIAL_LEADING):
            return False
    return False


def _relative(path: Path, base: Path) -> Path | None:
    try:
        return path.relative_to(base)
    except ValueError:
        return None


def _read_config_file(path: Path, kind: SiteKind) -> dict[str, Any]:
    """A generator's configuration file as read (`_read_generator_config`), once per version of
    the file; SiteError when it cannot be read or does not parse."""
    try:
        st = path.stat()
    except OSError as e:
        raise SiteError(f"{path}: cannot read: {e.strerror or e}") from None
    return _read_generator_config(path, st.st_mtime_ns, st.st_size, kind)


@cache
def _read_generator_config(path: Path, mtime_ns: int, size: int, kind: SiteKind) -> dict[str, Any]:
    """A generator's configuration file (Jekyll's `_config.yml`, Hugo's `hugo.toml`, ...) read
    safely, once per version of the file; YAML as the `kind` of site reads it. A file that is
    not a mapping counts as empty. SiteError with `path:line:col` when it does not parse."""
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise SiteError(f"{path}: cannot read: {e}") from None
    suffix = path.suffix.lower()
    if suffix == ".toml":
        try:
            import tomllib
        except ModuleNotFoundError:  # Python 3.10
            import tomli as tomllib  # type: ignore[no-redef]
        try:
            data: Any = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            message = str(e)
            at = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
            if at is None:
                raise SiteError(f"{path}: TOML: {message}") from None
            where = format_location(path, int(at.group(1)), int(at.group(2)))
            raise SiteError(f"{where}: TOML: {message[: at.start()]}") from None
    elif suffix == ".json":
        # JSON as JSON, as Hugo decodes it (parser/metadecoders), with its line and column.
        import json

        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            where = format_location(path, e.lineno, e.colno)
            raise SiteError(f"{where}: JSON: {e.msg}") from None
        except (ValueError, RecursionError) as e:  # a 5,000-digit number, deep nesting
            raise SiteError(f"{path}: JSON: {e}") from None
    else:
        try:
            data = load_yaml_value(text, path, kind)
        except PostError as e:
            raise SiteError(str(e)) from None
    return data if isinstance(data, dict) else {}


def hugo_config_dir_files(folder: Path) -> list[Path]:
    """The configuration files in Hugo's `config/_default/` (`folder`), in the order Hugo reads
    them: afero.Walk's, every name of a folder in sorted order, subfolders (not followed when
    they are symlinks) where they sort, a file when its extension is one Hugo reads
    (LoadConfigFromDir, gohugoio/hugo config/configLoader.go)."""
    found: list[Path] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return found
    for entry in entries:
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            continue
        if is_dir:
            found += hugo_config_dir_files(Path(entry.path))
        elif os.path.splitext(entry.name)[1].lower() in HUGO_CONFIG_EXTENSIONS:
            found.append(Path(entry.path))
    return found


def _hugo_config_dir_table(files: list[Path]) -> dict[str, Any]:
    """The table Hugo makes of its configuration folder (`files`, as `hugo_config_dir_files`
    lists them): each file's table placed by its name and set over the files' before it
    (LoadConfigFromDir, gohugoio/hugo config/configLoader.go). `hugo.*` and `config.*` are
    the root table; `NAME.toml` is the `NAME` table (`params.toml` -> `params`,
    `taxonomies.toml` -> `taxonomies`); a name with a language, `NAME.LANG.toml`, goes under
    `languages.LANG`: as its `menus` for `menu`/`menus`, as its `params` for `params`, and as
    the language's own table for any other name."""
    table: dict[str, Any] = {}
    for path in files:
        data = _hugo_keys(_read_config_file(path, "hugo"))
        name = path.name[: -len(path.suffix)]
        if name not in HUGO_ROOT_CONFIG_NAMES:  # (Hugo compares the name as written)
            base, dot, lang = name.rpartition(".")
            if not dot:
                data = {name.lower(): data}
            else:
                inner = {"menu": "menus", "menus": "menus", "params": "params"}.get(base)
                data = {"languages": {lang.lower(): {inner: data} if inner else data}}
        _set_over(table, data)
    return table


def _text_setting(value: Any) -> str:
    """A text setting, stripped; "" when it is not text."""
    return value.strip() if isinstance(value, str) else ""


def hugo_default_language(config: dict[str, Any]) -> str:
    """A Hugo site's default content language code, lower-cased: `defaultContentLanguage`
    (`config`: Site.hugo_config, keys lower-cased), "en" when not set (Hugo's default)."""
    default = config.get("defaultcontentlanguage")
    return default.strip().lower() if isinstance(default, str) and default.strip() else "en"


def hugo_split_language(name: str, languages: dict[str, Any]) -> tuple[str, str]:
    """(`name` without its language code, the code) for a Hugo content file named
    `NAME.CODE.EXT` with one of the site's `languages` (`hello.fr.md` is "hello.md" in
    French, `index.en.md` a bundle's index); (`name`, "") for any other name, whose
    dots are part of it (https://gohugo.io/content-management/multilingual/#translation-by-file-name)."""
    last = name.rfind(".")
    before = name.rfind(".", 0, last)
    if before < 0:
        return name, ""
    code = name[before + 1 : last].lower()
    if code not in languages:
        return name, ""
    return name[:before] + name[last:], code


def _languages_default_first(config: dict[str, Any]) -> list[dict[str, Any]]:
    """The tables of Hugo's `languages` by weight, 0 (none) last, then key (langs.Languages
    Less), the default language's first: `defaultContentLanguage`, else the first language,
    else `en` (https://gohugo.io/quick-reference/glossary/#default-language)."""

    def weight(item: tuple[str, dict[str, Any]]) -> tuple[bool, int, str]:
        value = item[1].get("weight")
        value = value if isinstance(value, int) and not isinstance(value, bool) else 0
        return (value == 0, value, item[0])

    languages = config["languages"]
    items = sorted(
        ((lang, table) for lang, table in languages.items() if isinstance(table, dict)), key=weight
    )
    default = _text_setting(config.get("defaultcontentlanguage")).lower()
    if not default:
        default = items[0][0] if items else "en"
    return [table for _, table in sorted(items, key=lambda item: item[0] != default)]


def _hugo_keys(data: dict[Any, Any]) -> dict[str, Any]:
    """`data` with the keys of its tables (nested ones too, not those in lists) lower-cased
    strings, as Hugo keeps its configuration (maps.PrepareParams)."""
    return {
        _key_text(key): _hugo_keys(value) if isinstance(value, dict) else value
        for key, value in data.items()
    }


def _key_text(key: Any) -> str:
    if isinstance(key, bool):  # YAML's `true:` key, as Go prints it
        return "true" if key else "false"
    return str(key).lower()


def _set_over(target: dict[str, Any], source: dict[str, Any]) -> None:
    """Hugo's Params.Set: `source`'s values over `target`'s, tables merged key by key at every
    depth; a value that is not a table on either side replaces the other (common/maps). Tables
    of `source` may end up in `target`: both are tables made for the merge (`_hugo_keys`), never
    a file's cached table."""
    for key, value in source.items():
        existing = target.get(key)
        if isinstance(existing, dict) and isinstance(value, dict):
            _set_over(existing, value)
        else:
            target[key] = value


def detect_kind(root: Path) -> tuple[SiteKind | None, Path | None, Path | None]:
    """(kind, generator config file in `root`, Hugo's `config/_default/` folder) of a site
    root, Nones where there is none. Hugo reads the root file and the folder both
    (gohugoio/hugo config/allconfig/load.go, loadConfigMain): a root with either is a Hugo site,
    and the folder counts when it holds a file of a configuration format."""
    hugo_dir = root / HUGO_CONFIG_DIR
    if not hugo_config_dir_files(hugo_dir):
        hugo_dir = None  # type: ignore[assignment]
    for name in HUGO_CONFIGS:
        if (root / name).is_file():
            return "hugo", root / name, hugo_dir
    if hugo_dir is not None:
        # Hugo reads `config.*` beside the folder even without a content folder.
        legacy = next((root / n for n in LEGACY_HUGO_CONFIGS if (root / n).is_file()), None)
        return "hugo", legacy, hugo_dir
    for name in JEKYLL_CONFIGS:
        if (root / name).is_file():
            return "jekyll", root / name, None
    if (root / "content").is_dir():
        for name in LEGACY_HUGO_CONFIGS:
            if (root / name).is_file():
                return "hugo", root / name, None
    return None, None, None


def find_site(start: Path | str | None = None, *, explicit: bool = False) -> Site:
    """The site around `start` (a file or folder; default: the current folder).

    With `explicit` (the user's --site), `start` is the root. Otherwise the nearest folder at or
    above it with a generator config or postctl config is the root; with none, `start` itself
    is the root of a plain site.
    """
    given = Path(start or ".")
    start = given.absolute()
    if not start.exists():
        raise SiteError(f"{given}: no such file or folder")
    if start.is_file():
        start = start.parent
    candidates = [start] if explicit else [start, *start.parents]
    for folder in candidates:
        kind, generator_config, hugo_config_dir = detect_kind(folder)
        if kind or has_config(folder):
            return _make_site(folder, kind, generator_config, hugo_config_dir)
    return _make_site(start, None, None, None)


def _make_site(
    root: Path,
    kind: SiteKind | None,
    generator_config: Path | None,
    hugo_config_dir: Path | None,
) -> Site:
    config = load_config(root)
    configured = config["kind"]
    site = Site(
        root=root,
        kind=configured or kind or "plain",
        config=config,
        generator_config=generator_config,
        hugo_config_dir=hugo_config_dir,
    )
    if site.kind == "jekyll":
        _ = site.jekyll_config  # read now, so a bad _config.yml is a SiteError from find_site
    return site


def collect(
    site: Site, paths: Sequence[Path | str] = (), *, include_skipped: bool = False
) -> list[Path]:
    """The post files named by `paths` (files are taken as given, folders are searched by the
    site's rules), or all of the site's posts. Sorted, without duplicates. `include_skipped`
    adds the files the generator would pass over (see Site.is_post)."""
    return [Path(f) for f in collect_files(site, paths, include_skipped=include_skipped)]


def collect_files(
    site: Site, paths: Sequence[Path | str] = (), *, include_skipped: bool = False
) -> list[str]:
    """`collect` as absolute path strings (a Path per file costs more than the walk)."""
    found: list[str] = []
    roots = [Path(p) for p in paths] if paths else site.content_dirs
    rules = site._post_rules(include_skipped)
    root = _as_prefix(str(site.root))
    inside = True  # every file found is under the site root
    for given in roots:
        absolute = given if given.is_absolute() else Path.cwd() / given
        if not paths and not absolute.exists():
            continue
        if absolute.is_dir():
            for folder, names in _walk(str(absolute), str(site.root)):
                inside = inside and folder.startswith(root)
                found += [folder + name for name in rules.names(folder, names)]
        elif absolute.exists() or absolute.is_symlink():
            inside = inside and str(absolute).startswith(root)
            found.append(str(absolute))
        else:
            raise SiteError(f"{given}: no such file or folder")
    if len(roots) > 1:  # one folder given inside another: its files were found twice
        found = list(dict.fromkeys(found))
    if inside:
        return sorted(found)
    cut = len(root)
    return sorted(found, key=lambda f: f[cut:] if f.startswith(root) else f)


def posts_by_site(
    paths: Sequence[Path | str], *, include_skipped: bool = False
) -> list[tuple[Site, list[Path], list[str]]]:
    """The posts among `paths` (the files pre-commit passes: every staged Markdown and HTML
    file of a repository) grouped by the site each belongs to, found from the file itself: a
    repository may keep its site in a subfolder (`docs/`, `site/`) beside files that are no
    posts. Each group: the site, the paths given in it, and its post files (absolute path
    strings, see collect_files), in the order the sites first appear. Files that are not posts
    of their site (a README, a layout) are left out, and so are files under no site at all (no
    generator or postctl config at or above them) when some file belongs to one. When none
    does, every file is read as a plain site found from the first one, as other commands do.
    SiteError for a path that does not exist."""
    groups: dict[Path, tuple[Site, list[Path]]] = {}
    sites_by_folder: dict[Path, Site] = {}
    for given in map(Path, paths):
        absolute = given.absolute()
        folder = absolute if absolute.is_dir() else absolute.parent
        site = sites_by_folder.get(folder)
        if site is None:
            site = sites_by_folder[folder] = find_site(given)
        groups.setdefault(site.root, (site, []))[1].append(given)
    configured = [
        (site, given)
        for site, given in groups.values()
        if site.kind != "plain" or site.config.path is not None
    ]
    if not configured:
        site = find_site(paths[0])
        configured = [(site, list(map(Path, paths)))]
    found = []
    for site, given in configured:
        is_post = site._post_rules(include_skipped)
        files = collect_files(site, given, include_skipped=include_skipped)
        found.append((site, given, [f for f in files if is_post(f)]))
    return found


def _as_prefix(folder: str) -> str:
    """`folder` with one trailing separator, for prefix tests that match whole components."""
    return folder if folder.endswith(os.sep) else folder + os.sep


def _walk(folder: str, root: str) -> Iterator[tuple[str, list[str]]]:
    """(folder, its files' names) for `folder` and every folder below it, skipping SKIP_DIRS,
    hidden folders and, in the site `root`, ROOT_SKIP_DIRS; each folder ends in os.sep. Folder
    symlinks are not followed (so a symlink loop cannot trap the walk), file symlinks are kept."""
    root = root.rstrip(os.sep) or os.sep
    stack = [folder]
    while stack:
        current = stack.pop()
        at_root = (current.rstrip(os.sep) or os.sep) == root
        skip = SKIP_DIRS | ROOT_SKIP_DIRS if at_root else SKIP_DIRS
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        files = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if not is_dir:
                files.append(entry.name)
            elif (
                not entry.is_symlink() and entry.name not in skip and not entry.name.startswith(".")
            ):
                stack.append(entry.path)
        yield _as_prefix(current), files


# What a helper sends back for one file (see _parse_parallel): its PostError; the Post itself
# when whole posts are wanted and JSON cannot tag one of its values; or (first, summary text,
# stat key): first being each's answer (summaries with `each`), the Post's JSON (whole posts)
# or None (summaries: the text is the summary), the text None when not wanted.
FileKey = tuple[int, int, int, int]
Parsed = PostError | Post | tuple[Any, str | None, FileKey | None]


def _parse_chunk(
    site: Site,
    paths: list[str],
    encode: bool,
    summaries: bool,
    each: Callable[[Any], Any] | None,
) -> list[Parsed]:
    """A helper's side of `_parse_parallel`: texts (what the parse cache stores) travel back
    several times cheaper than pickled Posts, and each's answers cheaper still."""
    results: list[Parsed] = []
    # A summary travels as its text, whatever `encode` says; a whole post as its record.
    texts = encode or (summaries and each is None)
    with gc_paused():
        for path, loaded in zip(paths, loaded_in_batches(site, paths)):
            result, record, text, key = _parse_one(loaded, path, summaries, each, texts, True)
            if isinstance(result, PostError):
                results.append(result)
            elif not summaries:
                results.append(result if record is None else (record, text, key))
            else:
                results.append((None if each is None else result, text, key))
    return results


def _parse_one(
    post: Post | PostError,
    path: Path | str,
    summaries: bool,
    each: Callable[[Any], Any] | None,
    text: bool,
    record: bool,
) -> tuple[Any, str | None, str | None, FileKey | None]:
    """One loaded post as `parse_posts` gives it; the summary's `text` and the Post's `record`
    (not for a Post holding a value JSON cannot tag) only when asked for. A summary's path is
    `path` as given (a path string stays one: making the text of post.path again cost as much
    as summing up the post's tags)."""
    if isinstance(post, PostError):
        return post, None, None, post.stat_key
    summary = PostSummary.of(post, path) if summaries else None
    json_text = None
    if record and not summaries:
        try:
            json_text = post.to_json()
        except TypeError:
            pass
    summary_text = (summary or PostSummary.of(post, path)).to_text() if text else None
    result = summary or post if each is None else each(summary)
    return result, json_text, summary_text, post.stat_key


@contextmanager
def gc_paused() -> Iterator[None]:
    """Loading makes many objects and no reference cycles: the cyclic collector would only
    rescan the growing heap (a fifth of the load time on large sites)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def forked(fn: Callable[[], Any] | None) -> Iterator[Callable[[], Any]]:
    """Run `fn()` in a forked copy of this process while the `with` body runs. The body gets a
    function that waits for the child and returns what `fn` returned, or None when `fn` is
    None, there is no fork here or the child failed (so the caller does that work itself).
    `fn`'s result travels through a pipe by marshal, so it must be plain data (None, str,
    numbers, tuples, lists, dicts). The child shares this process's memory as it was at the
    fork (nothing is pickled: `fn` may be a closure) and leaves by os._exit, so it never runs
    the caller's cleanup."""
    if fn is None:
        yield lambda: None
        return
    try:
        read_end, write_end = os.pipe()
    except OSError:
        yield lambda: None
        return
    try:
        pid = os.fork()
    except (AttributeError, OSError):  # no fork on this platform, or no room for a process
        os.close(read_end)
        os.close(write_end)
        yield lambda: None
        return
    if pid == 0:
        status = 1
        try:
            os.close(read_end)
            with open(write_end, "wb") as pipe:
                pipe.write(marshal.dumps(fn()))
            status = 0
        finally:
            os._exit(status)  # whatever happened, the child ends here
    os.close(write_end)
    pipe = open(read_end, "rb")  # noqa: SIM115 -- closed below, however the body ends
    waited = False

    def result() -> Any:
        nonlocal waited
        data = pipe.read()
        _, status = os.waitpid(pid, 0)
        waited = True
        if status != 0:
            return None
        try:
            return marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            return None

    try:
        yield result
    finally:
        pipe.close()
        if not waited:  # the body failed or was interrupted: the child's work is not wanted
            import signal

            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


Loaded = Post | PostSummary | PostError


def parse_posts(
    site: Site,
    paths: Sequence[Path | str],
    jobs: int | None = None,
    *,
    encode: bool = False,
    summaries: bool = False,
    each: Callable[[Any], Any] | None = None,
) -> Iterator[tuple[Any, str | None, str | None, FileKey | None]]:
    """Parse every path, in order, as (Post, or PostSummary when `summaries`, or PostError;
    the Post's JSON record; its summary's text; the file's Post.stat_key). With `encode` the
    texts are made (the record only for whole posts, and not for a Post holding a value JSON
    cannot tag). With `summaries` and `each`, `each(summary)` comes in the summary's place
    (PostErrors as they are), made where the post was parsed. Sites above PARALLEL_THRESHOLD
    files are parsed across processes."""
    if jobs is None:
        jobs = site.config["jobs"] if site.config.values else 0
    jobs = jobs or os.cpu_count() or 1
    each = each if summaries else None
    if len(paths) >= PARALLEL_THRESHOLD and jobs > 1 and hasattr(os, "fork"):
        yield from _parse_parallel(site, path_strings(paths), jobs, encode, summaries, each)
        return
    with gc_paused():
        for path, loaded in zip(paths, loaded_in_batches(site, paths)):
            yield _parse_one(loaded, path, summaries, each, encode, encode)


def path_strings(paths: Sequence[Path | str]) -> list[str]:
    """`paths` as strings: the list itself when it holds nothing else (as `collect_files`
    gives), never changed by the callers. Making the strings again went through 100,000 of
    them, in memory they were not: 13 ms before a large site's first post was parsed."""
    if isinstance(paths, list) and set(map(type, paths)) <= {str}:
        return paths
    return [str(p) for p in paths]


def _parse_parallel(
    site: Site,
    paths: list[str],
    jobs: int,
    encode: bool,
    summaries: bool,
    each: Callable[[Any], Any] | None,
) -> Iterator[tuple[Any, str | None, str | None, FileKey | None]]:
    """`parse_posts` shared by `jobs` processes, this one included (see _Helpers): each takes
    the next chunk as it becomes free, and the chunks come out in order as soon as they and
    those before them are done. A helper's chunk comes back as plain data (_parse_chunk),
    decoded only as it is yielded."""
    chunks = _chunked(paths, jobs, PARSE_CHUNK)

    def here(index: int) -> list[Any]:
        return list(
            parse_posts(site, chunks[index], 1, encode=encode, summaries=summaries, each=each)
        )

    def in_helper(index: int) -> list[Parsed]:
        return _parse_chunk(site, chunks[index], encode, summaries, each)

    def decoded(index: int, items: list[Parsed]) -> Iterator[Any]:
        for path, item in zip(chunks[index], items):
            if not isinstance(item, tuple):  # a PostError, or a Post JSON cannot hold
                yield item, None, None, item.stat_key
            elif not summaries:
                post = Post.from_json(item[0], Path(path))
                post.stat_key = item[2]
                yield post, item[0], item[1], item[2]
            elif each is None:
                yield PostSummary.from_text(item[1], path), None, item[1], item[2]
            else:
                yield item[0], None, item[1], item[2]

    with gc_paused():
        for index, results, by_helper in _shared(jobs, len(chunks), here, in_helper, True):
            yield from decoded(index, results) if by_helper else results


# Posts a process takes at a time in `_parse_parallel`: see MAP_CHUNK.
PARSE_CHUNK = 100


def iter_posts(
    site: Site,
    paths: Sequence[Path],
    jobs: int | None = None,
    *,
    cache: bool | None = None,
    complete: bool = False,
    summaries: bool = False,
    each: Callable[[Any], Any] | None = None,
) -> Iterator[Any]:
    """Every path as its Post, or its PostError in the same slot (one broken file never stops
    the others), in the order of `paths`, one at a time (a command that only counts need not
    hold 100,000 posts). Unchanged files come from the parse cache unless `cache` is False or
    the site's config turns it off; `complete` says `paths` are all of the site's posts (so
    cache entries of files no longer there may be dropped). With `summaries`, each post comes
    as its PostSummary (normalized fields only: much cheaper from the cache). With `each`,
    `each(post)` comes instead of each post (PostErrors still come as they are); give it with
    `summaries` and it may run in forked processes (the workers that parse, or the one that
    shares a warm run: see `cache.iter_cached`), so it must be free of side effects and give
    plain data."""
    with gc_paused():
        if site.uses_cache(cache):
            from postctl.cache import iter_cached

            yield from iter_cached(
                site, paths, jobs, complete=complete, summaries=summaries, each=each
            )
        else:
            yield from parsed_posts(site, paths, jobs, summaries, each)


def parsed_posts(
    site: Site,
    paths: Sequence[Path | str],
    jobs: int | None,
    summaries: bool,
    each: Callable[[Any], Any] | None,
) -> Iterator[Any]:
    """`iter_posts` without the parse cache."""
    if summaries:
        return (r for r, *_ in parse_posts(site, paths, jobs, summaries=True, each=each))
    return applied(each, (r for r, *_ in parse_posts(site, paths, jobs)))


def applied(each: Callable[[Any], Any] | None, results: Iterable[Loaded]) -> Iterator[Any]:
    """`each(post)` for every post of `results`, PostErrors as they are (`results` as they are
    when `each` is None)."""
    if each is None:
        return iter(results)
    return (r if isinstance(r, PostError) else each(r) for r in results)


def load_posts(
    site: Site, paths: Sequence[Path], jobs: int | None = None, *, cache: bool | None = None
) -> list[Post | PostError]:
    """`iter_posts` as a list."""
    return list(iter_posts(site, paths, jobs, cache=cache))


def _map_chunk(
    site: Site,
    paths: list[Path] | list[str],
    fn: Callable[[list[Post | PostError]], list[Any]],
    keep_body: bool,
    pack: Callable[[Any, list[Any], bool], Any] | None = None,
    travels: bool = False,
) -> Any:
    """`fn` of each batch of the posts of `paths` (`load_batches`), in order, or what
    `pack(paths, those, travels)` makes of them (`travels`: they go back to another process)."""
    results: list[Any] = []
    with gc_paused():
        for batch in load_batches(site, paths, keep_body):
            results += fn(batch)
    return results if pack is None else pack(paths, results, travels)


def loaded_in_batches(
    site: Site, paths: Sequence[Path | str], keep_body: bool = False
) -> Iterator[Post | PostError]:
    """Each post of `paths` loaded (or its PostError), in order, by `load_batches`."""
    for batch in load_batches(site, paths, keep_body):
        yield from batch


def load_batches(
    site: Site, paths: Sequence[Path | str], keep_body: bool = False
) -> Iterator[list[Post | PostError]]:
    """The posts of `paths` loaded (or their PostErrors), in order, LOAD_BATCH at a time: what
    works on them then runs on a batch in turn. Loading runs a lot of code, and so does what
    comes after it (linting, summing up); taking turns post by post, each pushes the other out
    of the CPU's caches (linting 10,000 posts in one process: 57 µs a post taking turns, 45 µs
    by batches of 50)."""
    load = site.load
    for start in range(0, len(paths), LOAD_BATCH):
        batch: list[Post | PostError] = []
        for path in paths[start : start + LOAD_BATCH]:
            try:
                batch.append(load(path, keep_body=keep_body))
            except PostError as e:
                batch.append(e)
        yield batch


LOAD_BATCH = 50


def map_posts(
    site: Site,
    paths: Sequence[Path] | Sequence[str],
    fn: Callable[[list[Post | PostError]], list[Any]],
    jobs: int | None = None,
    *,
    keep_body: bool = False,
    plain: bool = False,
    each: Callable[[list[Any], Any], list[Any]] | None = None,
    pack: Callable[[Any, list[Any], bool], Any] | None = None,
) -> list[Any]:
    """What `fn` gives for every path (Paths or path strings), in order: given a batch of
    loaded posts (and PostErrors: see `load_batches`), it gives a list as long. Computed where
    the posts were loaded (in forked helper processes too on large sites), so per-post work such
    as linting is parallel and only its small result travels back. Bypasses the parse cache:
    whole posts are needed. `keep_body`: `fn` reads every body (see `load_post`). `plain`: `fn`
    gives plain data (None, str, numbers, tuples, lists, dicts, as `forked` carries), so a
    helper's results travel back by marshal, several times cheaper than pickle. `each`: the
    list holds what `each(paths, results)` gives back for each chunk of paths (a list as long
    as it), worked out here as the chunks come in, while the helpers still work: for each
    chunk in order, once those before it are done. `pack`: each chunk's results come to
    `each` as `pack(paths, results, travels)` makes them where they were made (`travels`: in
    a helper, so they travel back to this process; plain data, then, with `plain`).

    `jobs` processes share the work, this one included: each takes the next few posts as it
    becomes free, so all finish within a few milliseconds of one another (on two CPUs, one
    helper and this process). Where there is no fork, this process does all of it."""
    if jobs is None:
        jobs = site.config["jobs"] if site.config.values else 0
    jobs = jobs or os.cpu_count() or 1
    paths = list(paths)
    if len(paths) < PARALLEL_THRESHOLD or jobs == 1 or not hasattr(os, "fork"):
        results = _map_chunk(site, paths, fn, keep_body, pack)
        return results if each is None else each(paths, results)
    chunks = _chunked(paths, jobs, MAP_CHUNK)
    done: list[list[Any]] = []  # each chunk's results (what `each` gave back), in order

    def run(index: int) -> Any:
        return _map_chunk(site, chunks[index], fn, keep_body, pack)

    def run_in_helper(index: int) -> Any:
        return _map_chunk(site, chunks[index], fn, keep_body, pack, True)

    for index, results, _ in _shared(jobs, len(chunks), run, run_in_helper, plain):
        done.append(results if each is None else each(chunks[index], results))
    return [result for results in done for result in results]


def _chunked(paths: list[Any], jobs: int, most: int) -> list[list[Any]]:
    """`paths` in chunks for `_shared`: of `most` at most, smaller when there are few paths (16
    chunks a process at least), and no more than MAX_CHUNKS (their numbers wait in a pipe)."""
    size = max(1, min(most, len(paths) // (jobs * 16)), -(-len(paths) // MAX_CHUNKS))
    return [paths[i : i + size] for i in range(0, len(paths), size)]


def _shared(
    jobs: int,
    count: int,
    here: Callable[[int], list[Any]],
    in_helper: Callable[[int], list[Any]],
    plain: bool,
) -> Iterator[tuple[int, list[Any], bool]]:
    """(index, results, whether a helper made them) of chunks 0 to count - 1, in order, each
    as soon as it and those before it are done, the chunks shared by `jobs` processes (this one
    doing `here(index)`, jobs - 1 forked helpers `in_helper(index)`; see _Helpers). A chunk a
    helper failed on, or that a helper that died had taken, is done here, where errors show."""
    waiting: dict[int, tuple[int, list[Any], bool]] = {}  # done before a chunk ahead of them
    done = 0
    with _Helpers(jobs - 1, count, in_helper, plain) as helpers:
        while (index := helpers.claim()) is not None:
            waiting[index] = (index, here(index), False)
            for index, results in helpers.arrived():
                waiting[index] = (index, results, True)
            while done in waiting:
                yield waiting.pop(done)
                done += 1
        for index, results in helpers.arrived(wait=True):
            waiting[index] = (index, results, True)
            while done in waiting:
                yield waiting.pop(done)
                done += 1
    for index in range(done, count):
        yield waiting.pop(index) if index in waiting else (index, here(index), False)


# Posts a process takes at a time in `map_posts`: few, so that the processes finish within a
# few milliseconds of one another; enough that claiming them costs nothing.
MAP_CHUNK = 50
# Chunks at most: the numbers of 4096 chunks (16 KiB) fit in any pipe before anyone reads them.
MAX_CHUNKS = 4096
# A helper's message: a header (the chunk's number, 4 bytes; how its results are encoded, 1
# byte, one of `_SENT_*`; their size, 4 bytes; little-endian), then the results.
_HEADER = 9
_SENT_MARSHAL, _SENT_PICKLE, _SENT_FAILED = 0, 1, 2


def _header(index: int, kind: int, size: int) -> bytes:
    return index.to_bytes(4, "little") + bytes([kind]) + size.to_bytes(4, "little")


class _Helpers:
    """Forked helper processes for `_shared`. The chunks to do are numbered in a pipe that
    every process (this one too) reads the next number from: a read of a few bytes from a pipe
    is atomic, so each chunk goes to exactly one process, whichever is free first. A helper
    sends each chunk's results back on a pipe of its own. One that fails on a chunk sends word
    of it and stops (so this process does that chunk again, and shows the error); one that dies
    sends nothing more, and the chunks it took are not in `arrived`. A helper shares this
    process's memory as it was at the fork (nothing is pickled on the way there) and leaves by
    os._exit."""

    def __init__(
        self, count: int, chunks: int, run: Callable[[int], list[Any]], plain: bool
    ) -> None:
        self.count, self.chunks, self.run, self.plain = count, chunks, run, plain
        self.pids: list[int] = []
        self.pipes: dict[int, bytearray] = {}  # read end -> bytes read, not yet decoded

    def __enter__(self) -> _Helpers:
        self.queue, feed = os.pipe()
        with open(feed, "wb") as numbers:
            numbers.write(b"".join(i.to_bytes(4, "little") for i in range(self.chunks)))
        for _ in range(self.count):
            read_end, write_end = os.pipe()
            try:
                pid = os.fork()
            except OSError:  # no room for another process: fewer helpers
                os.close(read_end)
                os.close(write_end)
                break
            if pid == 0:
                for fd in (read_end, *self.pipes):
                    os.close(fd)
                self._help(write_end)  # never returns
            os.close(write_end)
            os.set_blocking(read_end, False)
            self.pids.append(pid)
            self.pipes[read_end] = bytearray()
        return self

    def _help(self, out: int) -> None:
        try:
            import fcntl
            import pickle

            if hasattr(fcntl, "F_SETPIPE_SZ"):  # room for results while this process works
                with suppress(OSError):
                    fcntl.fcntl(out, fcntl.F_SETPIPE_SZ, 1 << 20)
            with open(out, "wb", buffering=0) as pipe:
                while (index := self.claim()) is not None:
                    try:
                        results = self.run(index)
                        kind, data = _SENT_PICKLE, b""
                        if self.plain:
                            with suppress(ValueError):
                                kind, data = _SENT_MARSHAL, marshal.dumps(results)
                        if kind == _SENT_PICKLE:
                            data = pickle.dumps(results, pickle.HIGHEST_PROTOCOL)
                    except BaseException:
                        pipe.write(_header(index, _SENT_FAILED, 0))
                        break
                    pipe.write(_header(index, kind, len(data)) + data)
        finally:
            os._exit(0)  # whatever happened, the helper ends here

    def claim(self) -> int | None:
        """The number of the next chunk to do, or None when all are taken."""
        number = os.read(self.queue, 4)
        return int.from_bytes(number, "little") if number else None

    def arrived(self, wait: bool = False) -> Iterator[tuple[int, list[Any]]]:
        """(index, results) of the chunks the helpers have finished since last asked; with
        `wait`, of all the chunks they will finish."""
        import select

        while self.pipes:
            if wait:
                select.select(list(self.pipes), [], [])
            for fd, pending in list(self.pipes.items()):
                try:
                    data = os.read(fd, 1 << 20)
                except BlockingIOError:
                    continue
                if not data:  # the helper is gone
                    os.close(fd)
                    del self.pipes[fd]
                    continue
                pending += data
                yield from _frames(pending)
            if not wait:
                return

    def __exit__(self, *exc: object) -> None:
        import signal

        os.close(self.queue)
        for fd in self.pipes:
            os.close(fd)
        for pid in self.pids:
            if exc[0] is not None:  # interrupted: the helpers' work is not wanted
                with suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def _frames(pending: bytearray) -> Iterator[tuple[int, list[Any]]]:
    """The complete messages at the start of `pending` (taken out of it), decoded; failures
    are left out (their chunks are done again)."""
    while len(pending) >= _HEADER:
        index = int.from_bytes(pending[:4], "little")
        kind = pending[4]
        end = _HEADER + int.from_bytes(pending[5:_HEADER], "little")
        if len(pending) < end:
            return
        data = bytes(pending[_HEADER:end])
        del pending[:end]
        if kind == _SENT_MARSHAL:
            yield index, marshal.loads(data)
        elif kind == _SENT_PICKLE:
            import pickle

            yield index, pickle.loads(data)


def map_chunks(
    fn: Callable[[Any], Any],
    chunks: Iterable[Any],
    jobs: int,
    *,
    share: bool = True,
    window: int = 0,
    redo: Callable[[Any], Any] | None = None,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
) -> Iterator[Any]:
    """`fn(chunk)` for every chunk, in order, as each is done, in `jobs` worker processes; with
    `share`, every (jobs + 1)th chunk is done in this process (which would otherwise only
    wait). `fn` must be picklable. `chunks` may be a lazy iterable, such as one fed by a scan
    in this process: it is read while the workers work, at most `window` chunks (default
    jobs * 3) ahead of the consumer (a chunk is read only while fewer than `window` are given
    out and not yet consumed). When the consumer stops (an exception, Ctrl-C), no more chunks
    start and the running ones finish (a worker waiting for a chunk ignores Ctrl-C: this
    process stops it). `initializer(*initargs)` runs in each worker as it starts.

    A chunk that fails in its worker (the worker died, or the chunk or its result could not be
    sent) is done again here with `redo` (default `fn`), which may first clear up what the
    worker left half done: it runs once no worker is left running. After a worker died the
    rest is done here with `fn` (no worker saw it). `fn` must be safe to run again on a chunk
    a worker may have started."""
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    window = window or jobs * 3
    source = iter(chunks)
    exhausted = broken = False
    pending: deque[tuple[Any, Future[Any] | None]] = deque()
    in_worker = _InWorker(fn)
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_start_worker,
        initargs=(initializer, initargs),
    ) as pool:
        try:
            index = 0
            while True:
                while not exhausted and len(pending) < window:
                    chunk = next(source, None)
                    if chunk is None:
                        exhausted = True
                        break
                    future = None
                    if not broken and not (share and index % (jobs + 1) == jobs):
                        try:
                            future = pool.submit(in_worker, chunk)
                        except BrokenProcessPool:
                            broken = True
                    pending.append((chunk, future))
                    index += 1
                if not pending:
                    return
                chunk, future = pending.popleft()
                if future is None:
                    yield fn(chunk)
                    continue
                try:
                    result = future.result()
                except BrokenProcessPool:
                    # The pool fails the futures before it stops the other workers: wait for
                    # them, so that none is still writing while its chunk is done again here.
                    broken = True
                    pool.shutdown(wait=True)
                except Exception:  # done again below, where its error shows
                    pass
                else:
                    yield result
                    continue
                yield (redo or fn)(chunk)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _start_worker(initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    """In a new worker process of map_chunks: Ctrl-C (sent to the whole process group) is
    ignored while the worker waits for a chunk, where it would stop the worker with a
    traceback from multiprocessing; the parent process stops the workers itself."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)


@dataclass(frozen=True)
class _InWorker:
    """`fn(chunk)` in a worker process, which Ctrl-C interrupts as it would this process (the
    chunk then fails, and the parent, interrupted too, stops)."""

    fn: Callable[[Any], Any]

    def __call__(self, chunk: Any) -> Any:
        import signal

        signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            return self.fn(chunk)
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
