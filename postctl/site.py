"""Sites: where a site's root is, what generator it is for, which files are its posts, and
loading them all (in parallel across processes on large sites, in a stable order)."""

from __future__ import annotations

import fnmatch
import gc
import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from postctl.config import Config, has_config, load_config
from postctl.model import Post, PostError, SiteKind, load_post

# Folders no generator reads posts from: VCS data, build output, dependencies.
SKIP_DIRS = frozenset(
    {
        ".git",
        "_site",
        "public",
        "resources",
        "node_modules",
        "vendor",
        "__pycache__",
        ".postctl-cache",
    }
)
JEKYLL_CONFIGS = ("_config.yml", "_config.yaml", "_config.toml")
HUGO_CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json")
# Before v0.110 Hugo's config was config.*; it needs a content folder beside it to count
# (Zola sites, such as the Rust blog, have the same shape and read the same way).
LEGACY_HUGO_CONFIGS = ("config.toml", "config.yaml", "config.yml", "config.json")
# Sites with more posts than this are loaded across processes.
PARALLEL_THRESHOLD = 2000


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

    def is_post(self, path: Path) -> bool:
        """Whether a file under the site is one of its posts, by the generator's rules."""
        if path.suffix.lower() not in self.extensions:
            return False
        rel = _relative(path, self.root)
        if rel is None:
            return True
        if any(fnmatch.fnmatch(rel.as_posix(), pat) for pat in self._exclude):
            return False
        if self.kind == "jekyll" and not (self.config.values and self.config["content_dirs"]):
            # Jekyll reads posts from `_posts` (and drafts from `_drafts`) at any depth
            # (jekyll/lib/jekyll/readers/post_reader.rb).
            return "_posts" in rel.parts[:-1] or "_drafts" in rel.parts[:-1]
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
        drafts = "_drafts" in parts
        special = "_drafts" if drafts else "_posts"
        cats: tuple[str, ...] = ()
        if special in parts:
            cats = tuple(p for p in parts[: parts.index(special)] if p)
        return drafts, cats

    def load(self, path: Path) -> Post:
        drafts, cats = self.post_context(path)
        return load_post(path, self.kind, drafts_folder=drafts, categories_from_path=cats)


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


def collect(site: Site, paths: Sequence[Path | str] = ()) -> list[Path]:
    """The post files named by `paths` (files are taken as given, folders are searched by the
    site's rules), or all of the site's posts. Sorted, without duplicates."""
    found: dict[Path, None] = {}
    roots = [Path(p) for p in paths] if paths else site.content_dirs
    for given in roots:
        absolute = given if given.is_absolute() else Path.cwd() / given
        if not paths and not absolute.exists():
            continue
        if absolute.is_dir():
            for file in _walk(absolute):
                if site.is_post(file):
                    found[file] = None
        elif absolute.exists() or absolute.is_symlink():
            found[absolute] = None
        else:
            raise SiteError(f"{given}: no such file or folder")
    return sorted(found, key=lambda p: _sort_key(p, site.root))


def _sort_key(path: Path, root: Path) -> str:
    rel = _relative(path, root)
    return (rel or path).as_posix()


def _walk(folder: Path) -> Iterable[Path]:
    """Files below `folder`, skipping SKIP_DIRS and hidden folders; folder symlinks are not
    followed (so a symlink loop cannot trap the walk), file symlinks are kept."""
    for dirpath, dirnames, filenames in os.walk(folder, onerror=None):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")]
        base = Path(dirpath)
        for name in filenames:
            yield base / name


def _parse_chunk(site: Site, paths: list[Path]) -> list[str | Post | PostError]:
    """Worker side of `parse_posts`: each post as its JSON record (cheaper to send back than a
    pickled Post, and what the parse cache stores), or the Post itself when it holds a value
    the record cannot tag, or its PostError."""
    results: list[str | Post | PostError] = []
    with _gc_paused():
        for path in paths:
            try:
                post = site.load(path)
            except PostError as e:
                results.append(e)
                continue
            try:
                results.append(post.to_json())
            except TypeError:
                results.append(post)
    return results


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Loading makes many objects and no reference cycles: the cyclic collector would only
    rescan the growing heap (a fifth of the load time on large sites)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_posts(
    site: Site, paths: Sequence[Path], jobs: int | None = None, *, encode: bool = False
) -> Iterator[tuple[Post | PostError, str | None]]:
    """Parse every path, in order, as (Post or PostError, the Post's JSON record or None).
    Records are made when `encode` is set or when they carry posts back from worker processes
    (sites above PARALLEL_THRESHOLD files); a Post with a value JSON cannot tag has none."""
    if jobs is None:
        jobs = site.config["jobs"] if site.config.values else 0
    jobs = jobs or os.cpu_count() or 1
    if len(paths) < PARALLEL_THRESHOLD or jobs == 1:
        with _gc_paused():
            for path in paths:
                try:
                    post = site.load(path)
                except PostError as e:
                    yield e, None
                    continue
                record = None
                if encode:
                    try:
                        record = post.to_json()
                    except TypeError:
                        pass
                yield post, record
        return
    yield from _parse_parallel(site, list(paths), jobs)


def _parse_parallel(
    site: Site, paths: list[Path], jobs: int
) -> Iterator[tuple[Post | PostError, str | None]]:
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    # fork shares the already-imported modules with the workers; spawn would re-import them.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    # Small chunks keep this process (which decodes and consumes) busy from the start and bound
    # memory: at most `window` chunks are parsed ahead of the consumer.
    size = min(1000, max(100, len(paths) // (jobs * 8) + 1))
    chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
    window = jobs * 3
    pending: deque[Future[list[str | Post | PostError]]] = deque()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        submitted = 0
        while submitted < len(chunks) or pending:
            while submitted < len(chunks) and len(pending) < window:
                pending.append(pool.submit(_parse_chunk, site, chunks[submitted]))
                submitted += 1
            with _gc_paused():
                for item in pending.popleft().result():
                    if isinstance(item, str):
                        yield Post.from_json(item), item
                    else:
                        yield item, None


def iter_posts(
    site: Site,
    paths: Sequence[Path],
    jobs: int | None = None,
    *,
    cache: bool | None = None,
    complete: bool = False,
) -> Iterator[Post | PostError]:
    """Every path as its Post, or its PostError in the same slot (one broken file never stops
    the others), in the order of `paths`, one at a time (a command that only counts need not
    hold 100,000 posts). Unchanged files come from the parse cache unless `cache` is False or
    the site's config turns it off; `complete` says `paths` are all of the site's posts (so
    cache entries of files no longer there may be dropped)."""
    if cache is None:
        cache = site.config["cache"] if site.config.values else True
    if cache:
        from postctl.cache import iter_cached

        yield from iter_cached(site, paths, jobs, complete=complete)
    else:
        for result, _ in parse_posts(site, paths, jobs):
            yield result


def load_posts(
    site: Site, paths: Sequence[Path], jobs: int | None = None, *, cache: bool | None = None
) -> list[Post | PostError]:
    """`iter_posts` as a list."""
    return list(iter_posts(site, paths, jobs, cache=cache))
