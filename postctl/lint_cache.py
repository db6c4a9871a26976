"""The lint cache: a warm `postctl lint` re-checks only the files that changed.

For each file it keeps what the per-post stage found (its findings and the facts the site-wide
rules compare) in `.postctl-cache/lint.sqlite`, beside the parse cache and under the same
rules (see `postctl.cache`): entries are keyed by the file's path, size, mtime, ctime and inode,
stored as plain JSON (never pickle, so a crafted cache can never run code), anything wrong with
the database only means linting again, and deleting it is always safe. The site-wide rules
(duplicate URLs and titles, term spellings) still run over every post's facts on each run.

An entry also stays good only as long as what else its findings depended on: the whole lint
configuration, the generator's permalink settings (PC701's URLs), the rule selection and
postctl's version (a change drops every entry), the folders `PC901` looked in for referenced
files and PC701 for Hugo's sections (their mtime), and, for a post dated in the future,
whether it still is (`PC304`).

A run over the whole site also keeps its result: every finding, site-wide ones included. The
next whole-site run whose files all have the same keys (same paths in the same order, and the
generator's configuration file: PC306 reports on it), whose folders have the same stamps and
whose future dates are all still to come gives that result again, without decoding an entry or
running a site-wide rule: the common case of linting an unchanged site again (pre-commit, CI,
an editor on save).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

from postctl import __version__
from postctl.cache import (
    FileKey,
    cache_database,
    connect,
    ensure_schema,
    file_key,
    in_use,
    insert_rows,
    open_or_start_over,
    prune_paths,
    select_paths,
    write_transaction,
)
from postctl.lint import (
    Finding,
    FindingRow,
    Linted,
    PostLinter,
    finish,
    new_finding,
    sort_findings,
)
from postctl.model import Post, PostError
from postctl.rules import (
    RULES,
    Facts,
    folder_stamp,
    is_future,
    permalink_settings,
)
from postctl.site import Site, map_posts

DATABASE = "lint.sqlite"
# Bump when the entry layout or what the rules find changes; every entry written under another
# value is dropped.
FORMAT = "6"


def fingerprint(site: Site, linter: PostLinter) -> str:
    """What every entry depends on besides its own file: postctl, the site, its whole
    configuration (lint settings, post rules), Jekyll's collections_dir and timezone, Hugo's
    configuration, the generator's permalink templates, the rules selected and their
    severities, and the bytes of the JSON Schema file and of the files it refers to (as a
    digest)."""
    schema = ""
    if linter.ctx.schema_files:
        digest = hashlib.sha256()
        for name in linter.ctx.schema_files:
            try:
                digest.update(Path(name).read_bytes())
            except OSError:
                digest.update(b"unreadable")
            digest.update(b"\0")
        schema = digest.hexdigest()
    return json.dumps(
        [
            FORMAT,
            __version__,
            site.kind,
            str(site.root),
            site.config.values,
            # The Jekyll settings rules read: which posts Jekyll reads, the zone of its dates.
            site.collections_dir,
            str(site.time_zone),
            site.builds_future,  # (whether PC304 runs)
            # The whole Hugo configuration, `hugo.toml` and every file of `config/_default/`
            # (Site.hugo_config), as a digest of their bytes: an edit to any of them starts the
            # cache over, whichever setting a rule comes to read. (Bytes, not the parsed
            # table: YAML allows keys JSON cannot write, dates or numbers beside text.)
            hugo_config_digest(site),
            # The permalink templates PC701's URLs follow (`_config.yml`'s `permalink` or
            # `collections.posts.permalink`; Hugo's `[permalinks]`, also in the above): the
            # facts hold the URLs.
            permalink_settings(linter.ctx),
            sorted(linter.enabled),
            sorted(linter.selection.severity.items()),
            schema,
        ],
        sort_keys=True,
        default=str,
    )


def hugo_config_digest(site: Site) -> str:
    """A digest of the names and bytes of a Hugo site's configuration files ("" on other
    sites); an unreadable file counts as such (reading the configuration reports it)."""
    if site.kind != "hugo":
        return ""
    digest = hashlib.sha256()
    for path in site.hugo_config_files:
        digest.update(os.fsencode(path) + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"unreadable")
        digest.update(b"\0")
    return digest.hexdigest()


class LintCache:
    """An open lint cache database; every method swallows SQLite errors and reports a miss."""

    def __init__(self, connection: sqlite3.Connection, writable: bool) -> None:
        self.connection = connection
        self.writable = writable
        self.broken = False
        self._pending: list[tuple[str, int, int, int, int, str, str]] = []

    @classmethod
    def open(cls, site: Site, wanted: str) -> LintCache | None:
        """The site's lint cache for the configuration `wanted` (a fingerprint); None when
        there is none to use."""
        found = cache_database(site, DATABASE)
        if found is None:
            return None
        database, writable = found
        return open_or_start_over(
            database, writable, lambda: cls._connect(database, writable, wanted)
        )

    @classmethod
    def _connect(cls, database: Path, writable: bool, wanted: str) -> LintCache | None:
        connection = None
        try:
            connection = connect(database, writable)
            cache = cls(connection, writable)
            cache._check_fingerprint(wanted)
            return cache
        except sqlite3.Error as e:
            if connection is not None:
                connection.close()
            if in_use(e):
                raise
            return None

    def _check_fingerprint(self, wanted: str) -> None:
        ensure_schema(
            self.connection,
            self.writable,
            ("fingerprint", wanted),
            ("entries",),
            (
                "CREATE TABLE entries (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER,"
                " ctime_ns INTEGER, inode INTEGER, entry TEXT NOT NULL, folders TEXT NOT NULL)"
                " WITHOUT ROWID",
            ),
        )

    def entries(self, paths: Sequence[str] | None) -> dict[str, tuple[FileKey, str, str]]:
        """{path: (file key, entry text, folders text)} for `paths`, or for every entry when
        None."""
        if self.broken:
            return {}
        query = "SELECT path, size, mtime_ns, ctime_ns, inode, entry, folders FROM entries"
        try:
            rows = select_paths(self.connection, query, paths)
        except sqlite3.Error:
            self.broken = True
            return {}
        return {
            path: ((size, mtime, ctime, inode), text, folders)
            for path, size, mtime, ctime, inode, text, folders in rows
        }

    def result(self) -> str | None:
        """The last whole-site run's result (see `result_text`), if kept."""
        if self.broken:
            return None
        try:
            row = self.connection.execute("SELECT value FROM meta WHERE key = 'result'").fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row is not None else None

    def put_result(self, text: str) -> None:
        if self.writable and not self.broken:
            write_transaction(
                self.connection,
                lambda c: c.execute("INSERT OR REPLACE INTO meta VALUES ('result', ?)", (text,)),
            )

    def put(self, path: str, key: FileKey | None, entry: tuple[str, str]) -> None:
        if self.writable and key is not None:
            self._pending.append((path, *key, *entry))

    def flush(self) -> None:
        pending, self._pending = self._pending, []
        if pending and self.writable and not self.broken:
            insert_rows(
                self.connection,
                [("entries", pending)],
            )

    def prune(self, keep: Sequence[str]) -> None:
        """Drop the entries of files not in `keep` (the whole site's posts)."""
        if self.writable and not self.broken:
            prune_paths(self.connection, ("entries",), keep)

    def close(self) -> None:
        self.flush()
        try:
            self.connection.close()
        except sqlite3.Error:
            pass


def entry_text(
    linter: PostLinter,
    result: Post | PostError,
    findings: list[FindingRow] | None,
    facts: Facts | None,
) -> tuple[str, str]:
    """The JSON entry for one linted file (`findings` None: not linted, only its facts kept),
    and apart from it the folders its rules looked in, with their stamps (posts that name
    images in the same folders share that text, so it is checked once per run). Called where
    the post was linted, with those folders still recorded."""
    ctx = linter.ctx
    dated = None
    published = (
        result.publish_date
        if findings is not None
        and isinstance(result, Post)
        and "PC304" in linter.enabled
        and not ctx.builds_future
        else None
    )
    if published is not None:  # PC304's finding holds only until the date comes
        value = result.publish_instant(*published)
        dated = [value.isoformat(), is_future(value, ctx.now)]
    entry = json.dumps(
        {
            "findings": None
            if findings is None
            else [
                [line, col, code, severity, message, fix is not None]
                for line, col, code, severity, message, fix in findings
            ],
            "facts": None if facts is None else _facts_json(facts),
            "dated": dated,
        }
    )
    folders = sorted((folder, ctx.folder_stamps.get(folder)) for folder in ctx.consulted or ())
    return entry, json.dumps(folders)


def _facts_json(facts: Facts) -> dict[str, Any]:
    return {
        "draft": facts.draft,
        "hidden": facts.hidden,
        "hides_below": facts.hides_below,
        "listing": facts.listing,
        "url": facts.url,
        "title": facts.title,
        "terms": {
            taxonomy: uses  # tuples: JSON arrays of their fields
            for taxonomy, uses in facts.terms.items()
        },
    }


class _Stamps(dict[str, Any]):
    """Current folder stamps, each folder looked up once per run."""

    def __init__(self) -> None:
        super().__init__()
        self._unchanged: dict[str, bool] = {}

    def __missing__(self, folder: str) -> Any:
        stamp = folder_stamp(folder)
        value = list(stamp) if stamp is not None else None
        self[folder] = value
        return value

    def unchanged(self, folders: str) -> bool:
        """Whether the folders of an entry (its folders text) still have their stamps."""
        verdict = self._unchanged.get(folders)
        if verdict is None:
            try:
                verdict = all(self[folder] == stamp for folder, stamp in json.loads(folders))
            except (ValueError, TypeError):
                verdict = False
            self._unchanged[folders] = verdict
        return verdict


def decode(path: str, entry: Any, linter: PostLinter, fresh: bool, wanted: bool) -> Linted | None:
    """The cached result for `path` from its decoded JSON entry, or None when the entry cannot
    be used: not one this postctl wrote, linted without findings when they are `wanted`, or
    (unless `fresh`, just linted) stale because the future came. (Its folders are checked
    apart.) The findings only when `wanted` (a file outside the files asked about lends the
    site-wide rules its facts, and reports nothing)."""
    try:
        if not fresh:
            dated = entry["dated"]
            if dated is not None and is_future(
                datetime.fromisoformat(dated[0]), linter.ctx.now
            ) != bool(dated[1]):
                return None
        rows = entry["findings"]
        if rows is None and wanted:
            return None
        findings = [
            new_finding(path, line, col, code, RULES[code].name, severity, message, fixable)
            for line, col, code, severity, message, fixable in (rows or () if wanted else ())
        ]
        sort_findings(findings)  # (as `finish` wants them; entries of older runs unsorted)
        facts_json = entry["facts"]
        facts = None if facts_json is None else _facts(path, facts_json)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return path, findings, facts, None


def _facts(path: str, data: dict[str, Any]) -> Facts:
    url, title = data["url"], data["title"]
    return Facts(
        path=path,
        draft=data["draft"],
        hidden=data["hidden"],
        hides_below=data["hides_below"],
        listing=data["listing"],
        url=tuple(url) if url is not None else None,  # type: ignore[arg-type]
        title=tuple(title) if title is not None else None,  # type: ignore[arg-type]
        terms={taxonomy: [tuple(use) for use in uses] for taxonomy, uses in data["terms"].items()},
    )


def _load_entries(texts: list[str]) -> list[Any]:
    """The JSON entries decoded: as one array (one call instead of one per file, a tenth of
    a warm lint), or one by one, None for each that is not JSON, when that fails."""
    try:
        entries = json.loads("[" + ",".join(texts) + "]")
        if isinstance(entries, list) and len(entries) == len(texts):
            return entries
    except ValueError:
        pass
    out: list[Any] = []
    for text in texts:
        try:
            out.append(json.loads(text))
        except ValueError:
            out.append(None)
    return out


def lint_cached(
    site: Site, linter: PostLinter, paths: Sequence[str], complete: bool
) -> list[Finding]:
    """The findings of `paths` (site-wide rules included) through the lint cache: the last
    whole-site result when nothing it depended on changed, else entries of unchanged files
    decoded and the other files linted (in parallel on large sites) and stored. `complete`:
    `paths` are all of the site's posts (entries of other files are dropped, and the result
    is kept)."""
    cache = LintCache.open(site, fingerprint(site, linter))
    if cache is None:
        linted = linter.lint_files(site, paths)
        return finish(linter, linted, linter.facts)
    try:
        keys = [file_key(path) for path in paths]  # before linting: a later edit shows
        stamps = _Stamps()
        digest = None
        if complete:
            # The kept result also holds the findings on the generator's configuration file
            # (PC306's line and message), which the fingerprint does not see whole.
            config = [] if site.generator_config is None else [str(site.generator_config)]
            digest = run_digest([*paths, *config], [*keys, *map(file_key, config)])
        if digest is not None:
            kept = reuse_result(cache.result(), digest, paths, linter, stamps)
            if kept is not None:
                return kept
        known = cache.entries(None if complete else paths)
        report = linter.report
        linted: list[Linted | None] = [None] * len(paths)
        # What the result depends on besides the files: the folders the entries' rules looked
        # in, and the dates still to come.
        folders: set[str] = set()
        future: list[str] = []
        hits: list[int] = []
        for i, (name, key) in enumerate(zip(paths, keys)):
            found = known.get(name)
            if (
                key is not None
                and found is not None
                and found[0] == key
                and stamps.unchanged(found[2])
            ):
                hits.append(i)
        for i, entry in zip(hits, _load_entries([known[paths[i]][1] for i in hits])):
            path = paths[i]
            linted[i] = decode(path, entry, linter, False, report is None or path in report)
            if linted[i] is not None:
                folders.add(known[paths[i]][2])
                _note_future(entry, future)
        misses = [i for i, item in enumerate(linted) if item is None]
        if misses:
            linter.for_cache = True
            try:
                texts = map_posts(
                    site,
                    [paths[i] for i in misses],
                    linter.check_batch,
                    keep_body=linter.reads_bodies,
                    plain=True,  # each file's entry texts
                )
            finally:
                linter.for_cache = False
            for i, entry in zip(misses, texts):
                wanted = report is None or paths[i] in report
                decoded = json.loads(entry[0])
                linted[i] = decode(paths[i], decoded, linter, True, wanted)
                cache.put(paths[i], keys[i], entry)
                folders.add(entry[1])
                _note_future(decoded, future)
        assert all(item is not None for item in linted)
        findings = finish(linter, linted)  # type: ignore[arg-type]
        if complete:
            cache.flush()
            cache.prune(paths)
            if digest is not None:
                cache.put_result(result_text(digest, linter, paths, findings, folders, future))
        return findings
    finally:
        cache.close()


def _note_future(entry: Any, future: list[str]) -> None:
    """Add an entry's date to `future` when its PC304 finding holds only until that date."""
    dated = entry.get("dated") if isinstance(entry, dict) else None
    if dated and dated[1]:
        future.append(dated[0])


def run_digest(names: Sequence[str], keys: Sequence[FileKey | None]) -> str | None:
    """A digest of the site's files (paths in order, and their keys); None when a file could
    not be looked at (whatever the reason, it may differ next time)."""
    if any(key is None for key in keys):
        return None
    text = json.dumps([names, keys])  # ASCII: names that are not UTF-8 come out escaped
    return hashlib.blake2b(text.encode("ascii"), digest_size=20).hexdigest()


def result_text(
    digest: str,
    linter: PostLinter,
    paths: Sequence[str],
    findings: list[Finding],
    folders: set[str],
    future: list[str],
) -> str:
    """The JSON of a whole-site run's result: the files' digest, the time of the run, the
    future dates and folder stamps the findings depend on, every finding (its file by index in
    `paths`, then in `others`), and `others`, the files with findings that are not in `paths`
    (the generator's configuration file)."""
    index = {path: i for i, path in enumerate(paths)}
    file_index = index.setdefault  # (a file not in `paths` takes the next index)
    rows = [
        [file_index(f.file, len(index)), f.line, f.col, f.code, f.severity, f.message, f.fixable]
        for f in findings
    ]
    return json.dumps(
        {
            "digest": digest,
            "now": linter.ctx.now.isoformat(),
            "future": future,
            "folders": sorted(folders),
            "findings": rows,
            "others": list(islice(index, len(paths), None)),
        }
    )


def reuse_result(
    text: str | None, digest: str, paths: Sequence[str], linter: PostLinter, stamps: _Stamps
) -> list[Finding] | None:
    """The findings of the kept whole-site result `text`, or None when it cannot be used: not
    for these files (`digest`), made later than now (a clock set back), a future date has
    come, or a folder the rules looked in changed."""
    # result_text writes the digest first: another site state is told without parsing the
    # whole result (a megabyte of JSON on a large site with many findings).
    if text is None or not text.startswith(f'{{"digest": "{digest}"'):
        return None
    try:
        result = json.loads(text)
        if result["digest"] != digest:
            return None
        now = linter.ctx.now
        if now < datetime.fromisoformat(result["now"]):
            return None
        if not all(is_future(datetime.fromisoformat(day), now) for day in result["future"]):
            return None
        if not all(stamps.unchanged(folders) for folders in result["folders"]):
            return None
        rows = result["findings"]
        if any(row[0] < 0 for row in rows):  # (an index from the end would name another file)
            return None
        files = [*paths, *result["others"]]
        return [
            new_finding(files[i], line, col, code, RULES[code].name, severity, message, fixable)
            for i, line, col, code, severity, message, fixable in rows
        ]
    except (ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None
