"""The parse cache: repeated runs on a large site do not re-parse unchanged files.

It lives in `.postctl-cache/` at the site root (with its own `.gitignore`, as ruff and pytest
keep theirs) as one SQLite database. A file's entry is keyed by its absolute path and checked
against its size, mtime, ctime and inode: any write to a file (even one that puts the old mtime
back, which still moves the ctime), a rename, a delete or a `touch` makes the entry stale, and a
stale entry is simply parsed again. Entries are plain JSON (`Post.to_json`), so loading the
cache never executes anything: a cloned repository that ships a crafted cache can at worst hold
entries that do not match its files (inode and ctime never survive a clone), never run code.

Anything wrong with the cache (unreadable, corrupt, locked by another run, a folder that is not
writable) only makes postctl parse instead: the cache is never the reason a command fails, and
deleting `.postctl-cache/` at any time is safe. A file whose name is not UTF-8 (Python holds it
with surrogate escapes, which SQLite's text cannot), or whose JSON front matter spells a lone
surrogate, has no entry: it is parsed on every run (see `insert_rows`).
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator, Sequence
from itertools import repeat
from pathlib import Path
from typing import Any, TypeVar

from postctl import __version__
from postctl.model import Post, PostError
from postctl.site import Site, applied, forked, parse_posts, parsed_posts, path_strings
from postctl.summary import PostSummary

CACHE_DIR = ".postctl-cache"
DATABASE = "posts.sqlite"
# Bump when a parse of the same bytes may give a different Post (model changes): every entry
# written under another value is dropped.
FORMAT = "10"
TABLES = ("summaries", "records")
# SQLite limits the number of parameters per statement (999 before 3.32).
BLOCK = 900
GITIGNORE = "# Created by postctl: the parse cache, safe to delete.\n*\n"
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by postctl.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
# The files the cache folder always holds (see `_has_markers`).
MARKERS = ((".gitignore", GITIGNORE.encode()), ("CACHEDIR.TAG", CACHEDIR_TAG.encode()))

FileKey = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


def has_parse_cache(site: Site) -> bool:
    """Whether the site's parse cache exists (an earlier run created it)."""
    return (site.root / CACHE_DIR / DATABASE).is_file()


def file_key(path: Path | str) -> FileKey | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


class ParseCache:
    """An open cache database; every method swallows SQLite errors and reports a miss."""

    def __init__(self, connection: sqlite3.Connection, path: Path, writable: bool) -> None:
        self.connection = connection
        self.path = path
        self.writable = writable
        self.broken = False
        self._summaries: list[tuple[Any, ...]] = []
        self._records: list[tuple[str, int, int, int, int, str]] = []

    @classmethod
    def open(cls, site: Site) -> ParseCache | None:
        """The site's cache, created when the site root is writable; None when there is none
        to use (not writable and not there, a symlink, or not a database)."""
        found = cache_database(site, DATABASE)
        if found is None:
            return None
        database, writable = found
        return open_or_start_over(
            database, writable, lambda: cls._connect(database, writable, site)
        )

    @classmethod
    def _connect(cls, database: Path, writable: bool, site: Site) -> ParseCache | None:
        connection = None
        try:
            connection = connect(database, writable)
            cache = cls(connection, database, writable)
            cache._check_format(site)
            return cache
        except sqlite3.Error as e:
            if connection is not None:
                connection.close()
            if in_use(e):
                raise
            return None

    def _check_format(self, site: Site) -> None:
        # Two tables: summaries (small rows that a warm `list` scans whole) and records (whole
        # posts, ten times bigger, written only by commands that need them). A summary is
        # PostSummary.to_text (one value to fetch, split in C), or a PostError's JSON.
        ensure_schema(
            self.connection,
            self.writable,
            # Jekyll's collections_dir decides posts' folder categories (Site.post_context),
            # and its timezone their dates (Post.parsed_date).
            (
                "format",
                json.dumps(
                    [
                        FORMAT,
                        __version__,
                        site.kind,
                        str(site.root),
                        site.collections_dir,
                        str(site.posts_time_zone),
                    ]
                ),
            ),
            ("posts", "summaries", "records"),
            (
                "CREATE TABLE summaries (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER,"
                " ctime_ns INTEGER, inode INTEGER, summary TEXT NOT NULL) WITHOUT ROWID",
                "CREATE TABLE records (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER,"
                " ctime_ns INTEGER, inode INTEGER, record TEXT NOT NULL)",
            ),
        )

    def entries(
        self,
        paths: Sequence[str] | None,
        table: str,
        bounds: tuple[str | None, str | None] = (None, None),
    ) -> dict[str, tuple[Any, ...]]:
        """{path: (path, *file key, summary text or None)} for the entries of `paths` in
        `table` ("summaries" or "records"), or, when `paths` is None, for every entry whose
        path p has low <= p < high, `bounds` being (low, high), None for no bound (one scan is
        cheaper than lookups when asking for every entry)."""
        if self.broken:
            return {}
        columns = "*" if table == "summaries" else "path, size, mtime_ns, ctime_ns, inode, NULL"
        query = f"SELECT {columns} FROM {table}"
        try:
            if paths is None:
                # A bound that cannot be stored (see `storable`) is dropped: the scan is only
                # wider, and the entries of the range are all still in it.
                low, high = (b if b is None or storable(b) else None for b in bounds)
                bounds = (low, high)
                where = [c for c, b in (("path >= ?", low), ("path < ?", high)) if b is not None]
                query += " WHERE " + " AND ".join(where) if where else ""
                rows = self.connection.execute(query, [b for b in bounds if b is not None])
            else:
                rows = select_paths(self.connection, query, paths)
            return {row[0]: row for row in rows}
        except sqlite3.Error:
            self.broken = True
            return {}

    def has_entries(self, table: str) -> bool:
        try:
            return self.connection.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is not None
        except sqlite3.Error:
            return False

    def reader(self) -> ParseCache:
        """Another, read-only, connection to this cache: what a forked process must use (SQLite
        connections must not be used across a fork: sqlite.org/howtocorrupt.html, 2.6)."""
        return ParseCache(connect(self.path, writable=False), self.path, writable=False)

    def records(self, paths: Sequence[str]) -> dict[str, str]:
        """{path: the Post's JSON record} for those of `paths` that have one."""
        if not paths or self.broken:
            return {}
        try:
            marks = ",".join("?" * len(paths))
            rows = self.connection.execute(
                f"SELECT path, record FROM records WHERE path IN ({marks})", list(paths)
            ).fetchall()
        except sqlite3.Error:
            self.broken = True
            return {}
        return dict(rows)

    def put(self, path: str, key: FileKey | None, summary: str | None, record: str | None) -> None:
        """Store a summary's text and/or a record."""
        if not self.writable or key is None:
            return
        if summary is not None:
            self._summaries.append((path, *key, summary))
        if record is not None:
            self._records.append((path, *key, record))
        if len(self._summaries) + len(self._records) >= 5000:
            self.flush()

    def flush(self) -> None:
        if (self._summaries or self._records) and self.writable and not self.broken:
            insert_rows(
                self.connection,
                [("summaries", self._summaries), ("records", self._records)],
            )
        self._summaries.clear()
        self._records.clear()

    def prune(self, keep: Sequence[str]) -> None:
        """Drop the entries of files not in `keep` (the whole site's posts)."""
        if self.writable and not self.broken:
            prune_paths(self.connection, TABLES, keep)

    def close(self) -> None:
        self.flush()
        try:
            self.connection.close()
        except sqlite3.Error:
            pass


_C = TypeVar("_C")


def open_or_start_over(
    database: Path, writable: bool, connected: Callable[[], _C | None]
) -> _C | None:
    """`connected()` (an open cache, or None for a database that is not a usable one); when it
    is None and the cache may be written, the file is deleted (corrupt, or from an incompatible
    SQLite) and made anew. A database another run holds (locked, busy) is never deleted: this
    run does without a cache (sqlite.org/howtocorrupt.html, 2.4: deleting a database another
    process has open can corrupt it)."""
    try:
        cache = connected()
        if cache is None and writable:
            try:
                database.unlink()
            except OSError:
                return None
            cache = connected()
        return cache
    except sqlite3.Error:  # in use by another run (`in_use`)
        return None


def in_use(error: sqlite3.Error) -> bool:
    """Whether `error` says that another connection holds the database (SQLITE_BUSY or
    SQLITE_LOCKED): the database is fine, only not free now."""
    code = getattr(error, "sqlite_errorcode", None)  # Python 3.11+
    if code is not None:
        return code & 0xFF in (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED
    return "locked" in str(error) or "busy" in str(error)


def ensure_schema(
    connection: sqlite3.Connection,
    writable: bool,
    stamp: tuple[str, str],
    tables: Sequence[str],
    creates: Sequence[str],
) -> None:
    """Keep a cache database whose `meta` table holds `stamp` (key, value: what wrote it);
    otherwise drop `tables` and `meta` and create them anew (`creates`, the CREATE TABLE
    statements), or raise sqlite3.DatabaseError when the database may not be written."""
    key, wanted = stamp
    try:
        row = connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    except sqlite3.OperationalError:
        row = None  # a new database (or not ours)
    if row is not None and row[0] == wanted:
        return
    if not writable:
        raise sqlite3.DatabaseError(f"cache written with another {key}")
    connection.execute("BEGIN")
    for table in (*tables, "meta"):
        connection.execute(f"DROP TABLE IF EXISTS {table}")
    connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    for create in creates:
        connection.execute(create)
    connection.execute("INSERT INTO meta VALUES (?, ?)", stamp)
    connection.execute("COMMIT")


def write_transaction(
    connection: sqlite3.Connection, work: Callable[[sqlite3.Connection], object]
) -> bool:
    """Run `work(connection)` in a transaction that may fail: on an SQLite error (the database
    locked by another run, a full disk) nothing is written and the run goes on, its cache only
    storing less (False). Any other error is raised, the transaction rolled back first: never
    left open for the next write to fail on."""
    try:
        connection.execute("BEGIN")
    except sqlite3.Error:
        return False
    try:
        work(connection)
        connection.execute("COMMIT")
        return True
    except sqlite3.Error:
        _roll_back(connection)
        return False
    except BaseException:
        _roll_back(connection)
        raise


def _roll_back(connection: sqlite3.Connection) -> None:
    try:
        connection.rollback()
    except sqlite3.Error:
        pass


def insert_rows(
    connection: sqlite3.Connection, inserts: Sequence[tuple[str, Sequence[tuple[Any, ...]]]]
) -> None:
    """Insert (or replace) the rows of each (table, rows) of `inserts`, in one
    `write_transaction`. A row with text SQLite cannot hold (see `storable`) is left out: that
    file has no entry, and is parsed again on every run. Normal rows pay nothing for it: they
    are looked at only when SQLite has refused one."""

    def insert(c: sqlite3.Connection) -> None:
        for table, rows in inserts:
            _insert(c, table, rows)

    try:
        write_transaction(connection, insert)
    except UnicodeEncodeError:
        inserts = [(table, list(filter(_storable_row, rows))) for table, rows in inserts]
        write_transaction(connection, insert)


# Rows an INSERT statement takes: SQLite inserts them in one pass, the driver binds them in one
# call (1.2 against 1.5 us a row of the parse cache, by executemany's one row a statement).
# 100 rows of 7 values stay under the 999 values an old SQLite takes in one statement.
ROWS_PER_INSERT = 100


def _insert(connection: sqlite3.Connection, table: str, rows: Sequence[tuple[Any, ...]]) -> None:
    # (`table` is one of the caches' own names, never a user's text)
    if not rows:
        return
    row = "(" + ", ".join("?" * len(rows[0])) + ")"
    whole = len(rows) - len(rows) % ROWS_PER_INSERT
    if whole:
        connection.executemany(
            f"INSERT OR REPLACE INTO {table} VALUES " + ", ".join([row] * ROWS_PER_INSERT),
            (
                [value for r in rows[start : start + ROWS_PER_INSERT] for value in r]
                for start in range(0, whole, ROWS_PER_INSERT)
            ),
        )
    if whole < len(rows):
        connection.executemany(f"INSERT OR REPLACE INTO {table} VALUES {row}", rows[whole:])


def storable(text: str) -> bool:
    """Whether `text` can be stored as SQLite text: it cannot hold a lone surrogate, which is
    how Python holds each byte of a file name that is not UTF-8 (os.fsdecode), and what a JSON
    front-matter value can spell (`"\\ud800"`)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _storable_row(row: tuple[Any, ...]) -> bool:
    return all(storable(value) for value in row if isinstance(value, str))


def prune_paths(connection: sqlite3.Connection, tables: Sequence[str], keep: Sequence[str]) -> None:
    """Drop the rows of `tables` whose path is not in `keep`, when there are any."""
    try:
        counts = [connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables]
    except sqlite3.Error:
        return
    if max(counts) <= len(keep):
        return

    def prune(c: sqlite3.Connection) -> None:
        c.execute("CREATE TEMP TABLE keep (path TEXT PRIMARY KEY)")
        c.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((p,) for p in keep if storable(p)))
        for table in tables:
            c.execute(f"DELETE FROM {table} WHERE path NOT IN (SELECT path FROM keep)")
        c.execute("DROP TABLE keep")

    write_transaction(connection, prune)


def select_paths(
    connection: sqlite3.Connection, query: str, paths: Sequence[str] | None
) -> list[Any]:
    """The rows of `query` for `paths` (every row when None), asked BLOCK paths at a time to
    stay under SQLite's limit on bound parameters."""
    if paths is None:
        return connection.execute(query).fetchall()
    rows: list[Any] = []
    for i in range(0, len(paths), BLOCK):
        block = list(paths[i : i + BLOCK])
        try:
            rows += _select_block(connection, query, block)
        except UnicodeEncodeError:  # a name that is not UTF-8, which has no entry: asked again
            rows += _select_block(connection, query, [p for p in block if storable(p)])
    return rows


def _select_block(connection: sqlite3.Connection, query: str, block: list[str]) -> list[Any]:
    if not block:
        return []
    marks = ",".join("?" * len(block))
    return connection.execute(f"{query} WHERE path IN ({marks})", block).fetchall()


def connect(database: Path, writable: bool) -> sqlite3.Connection:
    """A connection to a cache database: read-only when the cache may not be written, and
    without fsync otherwise (a lost entry is only parsed or linted again)."""
    if writable:
        connection = sqlite3.connect(database, timeout=0.2, isolation_level=None)
        connection.execute("PRAGMA synchronous=OFF")
        return connection
    uri = database.absolute().as_uri() + "?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=0.2, isolation_level=None)


def cache_database(site: Site, name: str) -> tuple[Path, bool] | None:
    """(path, writable) of the database file `name` in the site's cache folder, creating the
    folder when the site root is writable; None when there is none to use (not writable and
    not there, or the folder or file is a symlink or not a regular one)."""
    folder = site.root / CACHE_DIR
    database = folder / name
    try:
        folder_stat = os.lstat(folder)
    except FileNotFoundError:
        folder_stat = None
    except OSError:
        return None
    if folder_stat is not None and not stat.S_ISDIR(folder_stat.st_mode):
        return None  # a symlink or a file: never write through it
    if folder_stat is None:
        if not _writable(site.root):
            return None
        try:
            folder.mkdir()
        except OSError:
            return None
    try:
        db_stat = os.lstat(database)
    except FileNotFoundError:
        db_stat = None
    except OSError:
        return None
    if db_stat is not None and not stat.S_ISREG(db_stat.st_mode):
        return None
    writable = (
        _writable(folder)
        and _has_markers(folder)  # else a cache that `git add -A` would commit
        and (db_stat is None or _writable(database))
    )
    if db_stat is None and not writable:
        return None
    return database, writable


def _has_markers(folder: Path) -> bool:
    """Whether the cache folder holds its `.gitignore` and `CACHEDIR.TAG`, each written
    (atomically) when missing or not the right size (an earlier run that failed half-way, a
    full disk): a warm run only stats them. False when one cannot be written: the cache is
    then not written either."""
    for name, content in MARKERS:
        path = folder / name
        try:
            st = os.lstat(path)
            if stat.S_ISREG(st.st_mode) and st.st_size == len(content):
                continue
        except FileNotFoundError:
            pass
        except OSError:
            return False
        try:
            _write_replacing(path, content)
        except OSError:
            return False
    return True


def _write_replacing(path: Path, content: bytes) -> None:
    """Write `path` through a temporary file beside it and os.replace: a write that fails
    leaves the old file (or none), never an empty or partial one."""
    import tempfile

    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def _writable(path: Path) -> bool:
    """Whether postctl may write there: permitted, and not marked read-only for everyone (a
    folder with no write bit stays untouched even by root, who may write anywhere)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    wanted = os.W_OK | (os.X_OK if stat.S_ISDIR(mode) else 0)
    return bool(mode & 0o222) and os.access(path, wanted)


def _error_record(error: PostError) -> str:
    return json.dumps({"error": [error.message, error.line, error.col, error.code]})


def _decode(path: str, entry: str, summaries: bool) -> Post | PostSummary | PostError | None:
    """The cached result (from a summary's or a record's text), or None when it is not one
    this postctl wrote for `path`."""
    try:
        if entry.startswith('{"error"'):
            message, line, col, code = json.loads(entry)["error"]
            return PostError(path, message, line, col, code)
        if summaries:
            return PostSummary.from_text(entry, path)
        return Post.from_json(entry, Path(path))
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None


def iter_cached(
    site: Site,
    paths: Sequence[Path | str],
    jobs: int | None = None,
    *,
    complete: bool = False,
    summaries: bool = False,
    each: Callable[[Any], Any] | None = None,
) -> Iterator[Any]:
    """`site.iter_posts` through the cache: hits are decoded, misses parsed (in parallel on
    large sites) and stored. With `each` (see iter_posts) on a large site whose summaries are
    cached, a forked process stats, decodes and runs `each` on the second half of the posts
    while this one does the first: on 100,000 posts that is most of a warm `list`."""
    cache = ParseCache.open(site)
    if cache is None:
        yield from parsed_posts(site, paths, jobs, summaries, each)
        return
    try:
        names = path_strings(paths)
        # A run that starts from no entry at all writes only entries of `names`: none to drop
        # at the end (counting 100,000 entries to find that out took 6 ms).
        fresh = complete and not any(cache.has_entries(table) for table in TABLES)
        if summaries:
            yield from _summaries(site, cache, names, jobs, each, complete)
        else:
            yield from applied(each, _records(site, cache, names, jobs, complete))
        if complete:
            cache.flush()
            if not fresh:
                cache.prune(names)
    finally:
        cache.close()


def _records(
    site: Site, cache: ParseCache, names: list[str], jobs: int | None, complete: bool
) -> Iterator[Post | PostError]:
    """iter_cached's whole posts, fetched from the cache by block, so that 100,000 records are
    never in memory at once."""
    known = cache.entries(None if complete else names, "records")
    # With no entry at all (a first run) nothing can hit, and no file is statted here: a parsed
    # post brings its key (Post.stat_key, taken as the file was opened).
    keys = list(map(file_key, names)) if known else [None] * len(names)
    no_entry = (None,)
    hits = [
        key is not None and known.get(name, no_entry)[1:5] == key for name, key in zip(names, keys)
    ]
    del known
    misses = [name for name, hit in zip(names, hits) if not hit]
    parsed = parse_posts(site, misses, jobs, encode=cache.writable)
    for start in range(0, len(names), BLOCK):
        stop = min(start + BLOCK, len(names))
        records = cache.records([names[i] for i in range(start, stop) if hits[i]])
        for i in range(start, stop):
            if hits[i]:
                text = records.get(names[i])
                decoded = _decode(names[i], text, False) if text is not None else None
                if decoded is not None:
                    yield decoded  # type: ignore[misc]
                    continue
                parsed_here = parse_posts(site, [names[i]], 1, encode=True)
                result, record, summary, key = next(parsed_here)  # the entry would not decode
            else:
                result, record, summary, key = next(parsed)
            _store(cache, names[i], key or keys[i], result, record, summary)
            yield result  # type: ignore[misc]


# A warm run over at least this many posts shares the per-post work with a forked process.
SPLIT_THRESHOLD = 10000
# What _cached_answers says of a post that is not a hit.
STALE, ERROR = 0, 1


def _summaries(
    site: Site,
    cache: ParseCache,
    names: list[str],
    jobs: int | None,
    each: Callable[[Any], Any] | None,
    complete: bool,
) -> Iterator[Any]:
    """iter_cached's summaries (or `each` of them)."""
    count = len(names)
    split = count
    # A first run (no entry at all) asks for none: looking up 100,000 paths in an empty table
    # delayed the parsing of a first `list` of as many posts by 0.06 s.
    empty = not cache.has_entries("summaries")
    if (
        each is not None
        and count >= SPLIT_THRESHOLD
        and (jobs or os.cpu_count() or 1) > 1
        and not empty
    ):
        # Half each: the child's answers still have to come back, but this process fetches
        # its entries before it starts and lays out the table after. Warm, 100,000 posts
        # (alternating runs): list 0.782 -> 0.763 s, tags 0.634 -> 0.606 s against 11/20
        # here.
        split = count // 2

    def fetch(start: int, stop: int, source: ParseCache) -> dict[str, tuple[Any, ...]]:
        """The cache entries of names[start:stop] (and, for a whole site, of any other path
        in their range: one scan of the range costs less than looking each one up)."""
        if empty:
            return {}
        if not complete:
            return source.entries(names[start:stop], "summaries")
        low = names[start] if start > 0 else None
        return source.entries(None, "summaries", (low, names[stop] if stop < count else None))

    def second_half(source: ParseCache) -> tuple[list[Any], dict[int, tuple[int, Any]]]:
        return _cached_answers(names, split, count, fetch(split, count, source), each)

    in_child = (lambda: second_half(cache.reader())) if split < count else None
    with forked(in_child) as theirs:
        # This process's share streams: a consumer (retag's writers) starts on the first posts.
        yield from _stream_summaries(site, cache, names[:split], fetch(0, split, cache), jobs, each)
        if in_child is not None:
            answers, others = theirs() or second_half(cache)
            yield from _settle_answers(site, cache, names, split, answers, others, jobs, each)


def _current_texts(
    names: list[str], known: dict[str, tuple[Any, ...]]
) -> tuple[list[FileKey | None], list[str | None]]:
    """Each file's key, and its cached text where the entry is current (None elsewhere)."""
    if not known:
        # A first run: nothing can hit, and no file is statted here (a parsed post brings its
        # key, Post.stat_key, taken as the file was opened).
        return [None] * len(names), [None] * len(names)
    keys = list(map(file_key, names))
    entries = map(known.get, names, repeat((None,)))
    return keys, [
        entry[5] if key is not None and entry[1:5] == key else None
        for key, entry in zip(keys, entries)
    ]


def _stream_summaries(
    site: Site,
    cache: ParseCache,
    names: list[str],
    known: dict[str, tuple[Any, ...]],
    jobs: int | None,
    each: Callable[[Any], Any] | None,
) -> Iterator[Any]:
    """The summaries of `names` (or `each` of them), one at a time: every file is statted
    first, so that the stale ones are parsed in parallel as the others are decoded."""
    keys, texts = _current_texts(names, known)
    known.clear()
    all_stale = texts.count(None) == len(texts)  # (a first run: 4 ms less than the list below)
    stale = names if all_stale else [name for name, text in zip(names, texts) if text is None]
    parsed = parse_posts(site, stale, jobs, encode=cache.writable, summaries=True, each=each)
    if all_stale:  # nothing to decode (a first run): the loop below, in short
        put = cache.put
        for name, key, (result, _, summary, new_key) in zip(names, keys, parsed):
            if isinstance(result, PostError):
                _store(cache, name, new_key or key, result, None, summary)
            else:
                put(name, new_key, summary, None)  # a post read from its file has its key
            yield result
        return
    for name, key, text in zip(names, keys, texts):
        decoded = None if text is None else _decode(name, text, True)
        if decoded is None:
            # Stale, or an entry that does not decode: parsed (the latter here, on its own).
            source = (
                parsed
                if text is None
                else parse_posts(site, [name], 1, encode=True, summaries=True, each=each)
            )
            result, _, summary, new_key = next(source)
            _store(cache, name, new_key or key, result, None, summary)
            yield result  # already `each` of the summary
        else:
            yield decoded if each is None or isinstance(decoded, PostError) else each(decoded)


def _cached_answers(
    names: list[str],
    start: int,
    stop: int,
    known: dict[str, tuple[Any, ...]],
    each: Callable[[Any], Any] | None,
) -> tuple[list[Any], dict[int, tuple[int, Any]]]:
    """What the cache says of names[start:stop], all at once (the forked process's share):
    a list with `each` of the PostSummary of every post whose cached summary is current, None
    for the others; and {index: (STALE, the file's key)} for each post to parse again, {index:
    (ERROR, the cached error's text)} for each file that did not load."""
    answers: list[Any] = []
    others: dict[int, tuple[int, Any]] = {}
    keys, texts = _current_texts(names[start:stop], known)
    for i, name, key, text in zip(range(start, stop), names[start:stop], keys, texts):
        decoded = None if text is None else _decode(name, text, True)
        if decoded is None:
            others[i] = (STALE, key)
            answers.append(None)
        elif isinstance(decoded, PostError):
            others[i] = (ERROR, text)
            answers.append(None)
        else:
            answers.append(decoded if each is None else each(decoded))
    return answers, others


def _settle_answers(
    site: Site,
    cache: ParseCache,
    names: list[str],
    start: int,
    answers: list[Any],
    others: dict[int, tuple[int, Any]],
    jobs: int | None,
    each: Callable[[Any], Any] | None,
) -> Iterator[Any]:
    """`_cached_answers`' answers for names[start:], the stale posts parsed (in parallel)."""
    if not others:  # every answer came from the cache
        yield from answers
        return
    stale = [names[i] for i, (what, _) in others.items() if what == STALE]
    parsed = parse_posts(site, stale, jobs, encode=cache.writable, summaries=True, each=each)
    for i, answer in enumerate(answers, start):
        if i not in others:
            yield answer
            continue
        what, detail = others[i]
        if what == ERROR:
            yield _decode(names[i], detail, True)
            continue
        result, _, summary, key = next(parsed)
        _store(cache, names[i], key or detail, result, None, summary)
        yield result  # `each` of the summary, or a PostError


def _store(
    cache: ParseCache,
    name: str,
    key: FileKey | None,
    result: Post | PostSummary | PostError,
    record: str | None,
    summary: str | None,
) -> None:
    if isinstance(result, PostError):
        text = _error_record(result)
        cache.put(name, key, text, text)
    else:
        cache.put(name, key, summary, record)
