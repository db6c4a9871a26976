"""Sites: where a site's root is, what generator it is for, which files are its posts, and
loading them all (in parallel across processes on large sites, in a stable order)."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from postctl.config import Config, has_config, load_config
from postctl.model import JEKYLL_FILENAME, Post, PostError, SiteKind, load_post

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
    generator_config: Path | None = None

    @property
    def content_dirs(self) -> list[Path]:
        configured = self.config["content_dirs"] if self.config.values else []
        if configured:
            return [self.root / d for d in configured]
        if self.kind == "hugo":
            return [self.root / "content"]
        return [self.root]

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
        if path.suffix.lower() not in self.extensions:
            return False
        rel = _relative(path, self.root)
        if rel is None:
            return True
        if any(fnmatch.fnmatch(rel.as_posix(), pat) for pat in self._exclude):
            return False
        if self.kind == "jekyll" and not (self.config.values and self.config["content_dirs"]):
            if include_skipped:
                return any(part in JEKYLL_POST_DIRS for part in rel.parts[:-1])
            return _jekyll_reads_as_post(rel)
        return any(_relative(path, d) is not None for d in self.content_dirs)

    @property
    def _exclude(self) -> list[str]:
        return self.config["exclude"] if self.config.values else []

    def post_context(self, path: Path) -> tuple[bool, tuple[str, ...]]:
        """(in a drafts folder, categories Jekyll takes from the folders above `_posts`)."""
        if self.kind != "jekyll":
            return False, ()
        rel = _relative(path, self.root)
        parts = rel.parts[:-1] if rel is not None else path.parts[:-1]
        index = next((i for i, p in enumerate(parts) if p in JEKYLL_POST_DIRS), None)
        if index is None:
            return False, ()
        return parts[index] == "_drafts", tuple(p for p in parts[:index] if p)

    def load(self, path: Path) -> Post:
        drafts, cats = self.post_context(path)
        return load_post(path, self.kind, drafts_folder=drafts, categories_from_path=cats)


def _jekyll_reads_as_post(rel: Path) -> bool:
    """Whether Jekyll reads a file (relative to the site root) as a post or a draft.

    Reader#read_directories walks every folder whose name does not start with `_ . # ~` and
    PostReader reads the `_posts` and `_drafts` found there; inside them EntryFilter drops
    entries whose first folder or whose file name starts with one of those, and a post's file
    name must start with its date (Document::DATE_FILENAME_MATCHER). Jekyll 4.3 skipped
    `_posts/nodate.md`, `_posts/_x.md`, `_posts/_sub/2020-01-01-x.md` and
    `_x/_posts/2020-01-01-x.md`, and read `_posts/sub/_x/2020-01-01-x.md`
    (jekyll/lib/jekyll/reader.rb, readers/post_reader.rb, entry_filter.rb)."""
    parts = rel.parts
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


def detect_kind(root: Path) -> tuple[SiteKind | None, Path | None]:
    for name in HUGO_CONFIGS:
        if (root / name).is_file():
            return "hugo", root / name
    for name in JEKYLL_CONFIGS:
        if (root / name).is_file():
            return "jekyll", root / name
    if (root / "content").is_dir():
        for name in LEGACY_HUGO_CONFIGS:
            if (root / name).is_file():
                return "hugo", root / name
    return None, None


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
        kind, generator_config = detect_kind(folder)
        if kind or has_config(folder):
            return _make_site(folder, kind, generator_config)
    return _make_site(start, None, None)


def _make_site(root: Path, kind: SiteKind | None, generator_config: Path | None) -> Site:
    config = load_config(root)
    configured = config["kind"]
    return Site(
        root=root,
        kind=configured or kind or "plain",
        config=config,
        generator_config=generator_config,
    )


def collect(
    site: Site, paths: Sequence[Path | str] = (), *, include_skipped: bool = False
) -> list[Path]:
    """The post files named by `paths` (files are taken as given, folders are searched by the
    site's rules), or all of the site's posts. Sorted, without duplicates. `include_skipped`
    adds the files the generator would pass over (see Site.is_post)."""
    found: dict[Path, None] = {}
    roots = [Path(p) for p in paths] if paths else site.content_dirs
    for given in roots:
        absolute = given if given.is_absolute() else Path.cwd() / given
        if not paths and not absolute.exists():
            continue
        if absolute.is_dir():
            for file in _walk(absolute, site.root):
                if site.is_post(file, include_skipped=include_skipped):
                    found[file] = None
        elif absolute.exists() or absolute.is_symlink():
            found[absolute] = None
        else:
            raise SiteError(f"{given}: no such file or folder")
    return sorted(found, key=lambda p: _sort_key(p, site.root))


def _sort_key(path: Path, root: Path) -> str:
    rel = _relative(path, root)
    return (rel or path).as_posix()


def _walk(folder: Path, root: Path) -> Iterable[Path]:
    """Files below `folder`, skipping SKIP_DIRS, hidden folders and, in the site `root`,
    ROOT_SKIP_DIRS; folder symlinks are not followed (so a symlink loop cannot trap the walk),
    file symlinks are kept."""
    for dirpath, dirnames, filenames in os.walk(folder, onerror=None):
        base = Path(dirpath)
        skip = SKIP_DIRS | ROOT_SKIP_DIRS if base == root else SKIP_DIRS
        dirnames[:] = [d for d in dirnames if d not in skip and not d.startswith(".")]
        for name in filenames:
            yield base / name


def _load_chunk(site: Site, paths: list[Path]) -> list[Post | PostError]:
    results: list[Post | PostError] = []
    for path in paths:
        try:
            results.append(site.load(path))
        except PostError as e:
            results.append(e)
    return results


def load_posts(
    site: Site, paths: Sequence[Path], jobs: int | None = None
) -> list[Post | PostError]:
    """Load every path; a file that cannot be read becomes its PostError in the same slot, so one
    broken file never stops the others and the order is the order of `paths`."""
    if jobs is None:
        jobs = site.config["jobs"] if site.config.values else 0
    jobs = jobs or os.cpu_count() or 1
    if len(paths) < PARALLEL_THRESHOLD or jobs == 1:
        return _load_chunk(site, list(paths))
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork shares the already-imported modules with the workers; spawn would re-import them.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    size = max(64, len(paths) // (jobs * 4) + 1)
    chunks = [list(paths[i : i + size]) for i in range(0, len(paths), size)]
    results: list[Post | PostError] = []
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        for chunk in pool.map(_load_chunk, [site] * len(chunks), chunks):
            results.extend(chunk)
    return results
