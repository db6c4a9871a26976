"""`postctl lint --fix`: apply the safe fixes lint found, through the byte-exact editor
(`postctl.edit`), so that only the repaired values change: mojibake repaired, terms renamed to
their alias's canonical form or the site's majority spelling, duplicate terms dropped.

Each file is read again and checked against what lint saw (a file that changed since is
skipped), all its fixes are applied to its bytes in memory, the editor verifies every edit by
parsing the result, and the file is written atomically once. `dry_run` computes the same new
bytes and writes nothing, so the caller can show a diff.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from postctl import edit
from postctl.edit import EditError
from postctl.lint import Finding, LintReport
from postctl.model import Post
from postctl.rules import Fix, written_terms

# Term fixes on one key apply in this order: repair the text, then merge a post's own duplicate
# spellings, then aliases, then the site's majority spelling (which has the last word).
TERM_FIX_ORDER = ("PC601", "PC502", "PC505", "PC503")


@dataclass
class FileFix:
    """The outcome for one file: the findings repaired, the bytes before and after, and why it
    was skipped when it was."""

    path: Path
    findings: list[Finding] = field(default_factory=list)
    before: bytes = b""
    after: bytes = b""
    skipped: str | None = None
    written: bool = False
    original: Post | None = None  # the file as read for the fix (write_atomic checks it)

    @property
    def changed(self) -> bool:
        return self.skipped is None and self.after != self.before


def apply_fixes(report: LintReport, *, dry_run: bool = False) -> list[FileFix]:
    """Fix every fixable finding of `report`, file by file (in the report's order). A file
    reached by several paths (a symlinked post) is fixed once, with the findings of all of
    them, under the first path: fixed through one, it would read as changed through another."""
    by_file: dict[str, tuple[Path, list[Finding]]] = {}
    real_paths: dict[Path, str] = {}
    for finding in report.findings:
        if finding.fix is not None:
            real = real_paths.get(finding.path)
            if real is None:
                real = real_paths[finding.path] = os.path.realpath(finding.path)
            by_file.setdefault(real, (finding.path, []))[1].append(finding)
    posts = {post.path: post for post in report.posts}
    results = []
    for path, findings in by_file.values():
        result = fix_file(posts[path], findings)
        if result.changed and dry_run:
            # What the write would refuse up front (read-only, hard links), the dry run
            # reports too: it shows what the run will do.
            try:
                edit.check_writable(path)
            except EditError as e:
                result.skipped = e.reason
        elif result.changed and result.original is not None:
            try:
                result.written = edit.write_atomic(
                    path, result.after, result.original, result.before
                )
            except EditError as e:
                result.skipped = e.reason
        results.append(result)
    return results


def fix_file(post: Post, findings: Sequence[Finding]) -> FileFix:
    """The file's new bytes with the fixes of `findings` applied (nothing is written)."""
    result = FileFix(post.path, list(findings))
    try:
        fresh, content = edit.read_for_edit(post)
    except EditError as e:
        result.skipped = e.reason
        return result
    result.original = fresh
    result.before = result.after = content
    if (fresh.size, fresh.mtime_ns) != (post.size, post.mtime_ns) or fresh.raw != post.raw:
        result.skipped = "changed on disk since it was linted; skipped (run again)"
        return result
    # Findings may share one Fix (a body's lines are repaired by one), which may arrive as
    # equal copies (from worker processes or the lint cache): each is applied once.
    fixes: list[Fix] = []
    for finding in findings:
        if finding.fix is not None and finding.fix not in fixes:
            fixes.append(finding.fix)
    try:
        content = _fix_body(fresh, content, [f for f in fixes if f.kind == "body"])
        for fix in fixes:
            if fix.kind == "value":
                ((old, new),) = fix.change
                current = _current(fresh, content)
                if current.data.get(fix.key) != old:
                    raise EditError(post.path, f"'{fix.key}' is no longer what lint saw")
                content = edit.set_value(current, content, fix.key, new)
        term_fixes: dict[str, list[tuple[str, Fix]]] = defaultdict(list)
        for finding in findings:
            if finding.fix is not None and finding.fix.kind == "terms":
                pairs = term_fixes[finding.fix.key]
                if all(fix != finding.fix for _, fix in pairs):
                    pairs.append((finding.code, finding.fix))
        for key, pairs in term_fixes.items():
            pairs.sort(key=lambda pair: TERM_FIX_ORDER.index(pair[0]))
            current = _current(fresh, content)
            terms = written_terms(current, key)
            for _, fix in pairs:
                renames = dict(fix.change)
                terms = [renames.get(t, t) for t in terms]
            content = edit.set_terms(current, content, key, list(dict.fromkeys(terms)))
    except EditError as e:
        result.skipped = e.reason
        return result
    result.after = content
    return result


def _current(post: Post, content: bytes) -> Post:
    """`post` as `content` reads now (after earlier fixes to the same file)."""
    return post.reparse(content)


def _fix_body(post: Post, content: bytes, fixes: list[Fix]) -> bytes:
    if not fixes:
        return content
    lines = content[post.body_start :].decode("utf-8").split("\n")
    for fix in fixes:
        for index, old, new in fix.change:
            if index >= len(lines) or lines[index] != old:
                raise EditError(post.path, "the body is no longer what lint saw")
            lines[index] = new
    return content[: post.body_start] + "\n".join(lines).encode("utf-8")
