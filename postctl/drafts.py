"""Publishing and unpublishing drafts, the way jekyll-compose's `jekyll publish` and `jekyll
unpublish` do, but changing only the bytes they must: the date or draft value (with the
byte-exact editor in `postctl.edit`) and, on Jekyll sites, the file's folder and name.

- Jekyll: publish moves `_drafts/slug.md` to `_posts/DATE-slug.md` beside it and sets `date`
  (now, or `--date`) (lib/jekyll/commands/publish.rb); unpublish moves `_posts/DATE-slug.md` to
  `_drafts/slug.md` and removes `date` (lib/jekyll/commands/unpublish.rb:
  `data.reject { |key, _value| key == "date" }`). A post kept in `_posts` with
  `published: false` is published in place by setting `published: true`.
- Hugo and plain sites: `draft` is set to false or true in place; `--date` also sets `date`.

A move never replaces a file: the new file is created exclusively, then the old one removed.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from postctl.create import (
    EXISTS,
    CreateError,
    PostDate,
    local_now,
    parse_when,
    same_post,
    site_zone,
    write_new_file,
)
from postctl.model import JEKYLL_FILENAME, Post, PostError, parse_date
from postctl.site import Site

Action = Literal["publish", "unpublish"]
# A draft's name is all slug (Jekyll's DATELESS_FILENAME_MATCHER); only a full YYYY-MM-DD prefix
# someone put there is taken off on publishing, so that it is not dated twice.
DATED_DRAFT = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+?)(\.[^.]+)?$")


class DraftError(Exception):
    """Why one file cannot be published or unpublished; `exit_code` 1 (the file) or 2 (usage)."""

    def __init__(self, path: Path, message: str, exit_code: int = 1, where: str = "") -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.exit_code = exit_code
        self.where = where  # ":line:col" when the problem is at a place in the file

    def __str__(self) -> str:
        return f"{self.path}{self.where}: {self.message}"


@dataclass
class Change:
    """One planned publish or unpublish: the file's old and new bytes and where it goes."""

    action: Action
    post: Post
    source: Path
    target: Path  # the source itself when the change is in place
    old: bytes
    new: bytes
    folder: Path | None = None  # the folder a moved file must stay inside
    unchanged: str | None = None  # why nothing needs doing ("already published")
    site: Site | None = None  # (for a move: another file of the same post, `same_post`)

    @property
    def moves(self) -> bool:
        return self.target != self.source


def resolve_date(site: Site, text: str | None, now: datetime | None = None) -> PostDate | None:
    """`--date` for publish (None: not given). Raises CreateError on a bad value."""
    zone = site_zone(site)
    now = now or local_now()
    if zone is not None:
        now = now.astimezone(zone)
    return parse_when(text, now, zone) if text is not None else None


def plan(
    site: Site, post: Post, action: Action, when: PostDate | None, now: datetime | None = None
) -> Change:
    """What publishing or unpublishing `post` changes. Raises DraftError; writes nothing."""
    path = post.path
    if not post.has_front_matter:
        raise DraftError(path, "has no front matter")
    try:
        content = path.read_bytes()
    except OSError as e:
        raise DraftError(path, f"cannot read: {e.strerror or e}") from None
    if len(content) != post.size:
        raise DraftError(path, "changed on disk since it was read; run again")
    change = Change(action, post, path, path, content, content, site=site)
    if site.kind == "jekyll" and not site.is_post(path):
        raise DraftError(path, "is not a post or a draft (not in a _posts or _drafts folder)")
    if site.kind == "jekyll":
        if action == "publish":
            return _jekyll_publish(site, change, when, now)
        return _jekyll_unpublish(change)
    return _in_place(change, when)


def _jekyll_publish(
    site: Site, change: Change, when: PostDate | None, now: datetime | None
) -> Change:
    post = change.post
    if not post.drafts_folder:
        return _jekyll_publish_in_place(change, when)
    if when is None:
        when = resolve_date(site, "now", now)
        assert when is not None
    drafts, rest = _split_at(change.source, "_drafts")
    slug, ext = _slug_and_ext(change.source.name, DATED_DRAFT)
    name = f"{when.day}-{slug}{ext}"  # (the day in the site's timezone, as Jekyll dates it)
    change.folder = drafts.parent / "_posts"
    change.target = change.folder.joinpath(*rest[:-1], name)
    change.new = _set(post, change.old, "date", _jekyll_date_value(when))
    if post.get("published") is False:  # else it would still be a draft in _posts
        change.new = _set(post, change.new, "published", True)
    return change


def _jekyll_publish_in_place(change: Change, when: PostDate | None) -> Change:
    """A post already in `_posts`: `published: false` becomes true. `--date` sets its date,
    and, since a Jekyll post's file name carries its date (Document::DATE_FILENAME_MATCHER),
    the file is renamed to the new day, as a published draft is named; a post that already
    has that date (however spelled) and is published is left alone."""
    post = change.post
    new = change.old
    if post.get("published") is False:
        new = _set(post, new, "published", True)
    if when is not None and not (post.has("date") and _same_date(post.get("date"), when)):
        new = _set(post, new, "date", _jekyll_date_value(when))
        match = JEKYLL_FILENAME.match(change.source.name)
        y, m, d = (int(n) for n in match.group(1, 2, 3)) if match else (0, 0, 0)
        if match and (len(match.group(1)) != 4 or f"{y:04d}-{m:02d}-{d:02d}" != when.day):
            change.folder = _split_at(change.source, "_posts")[0]
            slug, ext = match.group(4), match.group(5) or ""
            change.target = change.source.with_name(f"{when.day}-{slug}{ext}")
    if new == change.old:
        change.unchanged = "already published" + (", with that date" if when else "")
    change.new = new
    return change


def _jekyll_unpublish(change: Change) -> Change:
    post = change.post
    if post.drafts_folder or post.get("published") is False:
        change.unchanged = "already a draft"
        return change
    posts, rest = _split_at(change.source, "_posts")
    slug, ext = _slug_and_ext(change.source.name, JEKYLL_FILENAME)
    change.folder = posts.parent / "_drafts"
    change.target = change.folder.joinpath(*rest[:-1], f"{slug}{ext}")
    change.new = _remove(post, change.old, "date")
    return change


def _in_place(change: Change, when: PostDate | None) -> Change:
    """Hugo and plain sites: the draft value changes where it is."""
    post = change.post
    publish = change.action == "publish"
    new = change.old
    if post.draft != publish:
        change.unchanged = "already published" if publish else "already a draft"
    elif publish:
        draft_key = _written_key(post, "draft")
        if draft_key is not None:
            new = _set(post, new, draft_key, False)
        if post.kind != "hugo" and post.get("published") is False:
            # Plain sites also honour `published: false` (see Post.draft).
            new = _set(post, new, "published", True)
    else:
        new = _set(post, new, _written_key(post, "draft") or "draft", True)
    if publish and when is not None:
        date_key = _written_key(post, "date")
        if date_key is None or not _same_date(post.data[date_key], when):
            new = _set(post, new, date_key or "date", _date_value(when))
        # An already published post with that date (however spelled) is left as it is.
        change.unchanged = "already published, with that date" if new == change.old else None
    change.new = new
    return change


def _written_key(post: Post, key: str) -> str | None:
    """The key as the post spells it (Hugo reads keys case-insensitively), or None."""
    if key in post.data:
        return key
    if post.kind == "hugo":
        for written in post.data:
            if written.lower() == key:
                return written
    return None


def _same_date(written: Any, when: PostDate) -> bool:
    """Whether a written date is `when`: the same moment in the same offset (`Z` and `+00:00`
    alike), with a time or without one like it."""
    parsed = parse_date(written)
    return (
        parsed is not None
        and parsed.has_time == when.has_time
        and parsed.value == when.value
        and parsed.value.utcoffset() == when.value.utcoffset()
    )


def _jekyll_date_value(when: PostDate) -> Any:
    """A date for a Jekyll post as `postctl new` writes it: a date alone plain (`2026-03-01`,
    a YAML date), a time as `jekyll new` spells it (`2026-03-01 10:00:00 +0100`)."""
    return when.value.date() if not when.has_time else str(when.spelled("jekyll"))


def _date_value(when: PostDate) -> Any:
    return when.value if when.has_time else when.value.date()


def _split_at(path: Path, folder_name: str) -> tuple[Path, tuple[str, ...]]:
    """(the nearest `folder_name` folder above `path`, the parts of `path` below it)."""
    for parent in path.parents:
        if parent.name == folder_name:
            return parent, path.relative_to(parent).parts
    raise DraftError(path, f"is not in a {folder_name} folder")


def _slug_and_ext(name: str, dated: re.Pattern[str]) -> tuple[str, str]:
    """A file name without its date prefix: `2026-02-05-hello.md` -> ("hello", ".md")."""
    match = dated.match(name)
    if match:
        return match.group(4), match.group(5) or ""
    stem, dot, ext = name.rpartition(".")
    return (stem, dot + ext) if dot and stem else (name, "")


def _set(post: Post, content: bytes, key: str, value: Any) -> bytes:
    from postctl.edit import EditError, set_value

    try:
        return set_value(post, content, key, value)
    except EditError as e:
        raise DraftError(post.path, f"cannot set {key}: {e.reason}") from None


def _remove(post: Post, content: bytes, key: str) -> bytes:
    from postctl.edit import EditError, remove_key

    try:
        return remove_key(post, content, key)
    except EditError as e:
        raise DraftError(post.path, f"cannot remove {key}: {e.reason}") from None


def check(change: Change) -> os.stat_result | None:
    """Raise the DraftError `apply` would raise before writing anything: the file is
    read-only, has several hard links, or (for a move) is a symlink, in a read-only folder, or
    its target exists. For a dry run, which reports what the run will do. Gives the file's stat
    (None when the change is nothing to do)."""
    from postctl.edit import EditError, check_writable

    if change.unchanged:
        return None
    source = change.source
    if change.moves and source.is_symlink():
        raise DraftError(
            source, "is a symlink; not moved (the file it points to would stay behind as a copy)"
        )
    if change.moves:
        _check_target_free(change)
        if not os.access(source.parent, os.W_OK):
            raise DraftError(source, "its folder is read-only; not moved")
    try:
        _, st = check_writable(source)
    except EditError as e:
        raise DraftError(source, e.reason) from None
    return st


def apply(change: Change) -> None:
    """Write one change: in place with write_atomic, or as a move (see `_move`)."""
    from postctl.edit import EditError, write_atomic

    if change.unchanged:
        return
    if not change.moves:
        try:
            write_atomic(change.source, change.new, change.post, expected=change.old)
        except EditError as e:
            raise DraftError(change.source, e.reason) from None
        return
    _move(change)


def _move(change: Change) -> None:
    """Move a file as an exclusive create of the new file followed by removing the old one (an
    existing file is never replaced), with write_atomic's safeguards: the same refusals, the
    file checked against what was read, its mode and (as root) owner kept. Each step is made
    durable before the next (a crash leaves both files, never neither), and the old file is
    checked again right before it is removed: a save made meanwhile is kept, and the new file,
    written from the version read before, removed again."""
    from postctl.edit import EditError, check_unchanged, fsync_folder

    source, target = change.source, change.target
    assert change.folder is not None
    st = check(change)
    assert st is not None
    try:
        check_unchanged(source, change.post, change.old)
    except EditError as e:
        raise DraftError(source, e.reason) from None
    try:
        write_new_file(
            target,
            change.new,
            change.folder,
            mode=stat.S_IMODE(st.st_mode),
            owner=(st.st_uid, st.st_gid),
        )
    except CreateError as e:
        if e.exit_code == EXISTS:  # created since `check` looked
            raise _target_exists(change) from None
        raise DraftError(source, f"not moved to {_shown(change, target)}: {e.message}") from None
    _sync_folders(target.parent, change.folder.parent)
    try:
        check_unchanged(source, change.post, change.old)
    except EditError:
        raise _changed_during_move(change) from None
    try:
        source.unlink()
    except OSError as e:
        raise DraftError(
            source,
            f"{_shown(change, target)} was written but this file could not be removed "
            f"({e.strerror or e}); remove it by hand",
        ) from None
    fsync_folder(source.parent)


def _check_target_free(change: Change) -> None:
    """Refuse a move to a name that exists (a dangling symlink too) or that another file of the
    same post has: `_posts/2024-07-01-hello.markdown` for `2024-07-01-hello.md`, which Jekyll
    publishes at the same URL ("Conflict: The following destination is shared by multiple
    files"). The same check as `postctl new` (create.same_post)."""
    target = change.target
    if change.site is None:
        taken = target if os.path.lexists(target) else None
    else:
        taken = same_post(change.site, target)
    if taken is None or taken == change.source:  # (itself: a rename in case only)
        return
    if taken == target:
        raise _target_exists(change)
    raise DraftError(
        taken, f"already exists, the same post as {target.name} would be; not moved there"
    )


def _target_exists(change: Change) -> DraftError:
    return DraftError(change.target, "already exists; not replaced")


def _changed_during_move(change: Change) -> DraftError:
    """The old file changed (or went) while the new one was written: the new one is removed
    again when it still holds what this run wrote, so that only the user's version is left."""
    from postctl.edit import fsync_folder

    target = change.target
    changed = "changed on disk during the move"
    try:
        if target.read_bytes() == change.new:
            target.unlink()
            fsync_folder(target.parent)
            return DraftError(change.source, f"{changed}; kept as it is now, not moved (run again)")
        problem = "was changed too"
    except OSError as e:
        problem = f"could not be removed again ({e.strerror or e})"
    return DraftError(
        change.source,
        f"{changed}; kept as it is now, but {_shown(change, target)}, written from the version "
        f"read before, {problem}: compare the two and remove one by hand",
    )


def _sync_folders(folder: Path, top: Path) -> None:
    """fsync `folder` and each folder above it up to `top`: the new file's name lives in the
    first, and any folder just created for it (mkdir parents) in the one above."""
    from postctl.edit import fsync_folder

    while True:
        fsync_folder(folder)
        if folder == top or folder == folder.parent:
            return
        folder = folder.parent


def _shown(change: Change, path: Path) -> str:
    """`path` as the site shows it (from the folder holding _drafts and _posts)."""
    assert change.folder is not None
    try:
        return str(path.relative_to(change.folder.parent))
    except ValueError:
        return str(path)


def load(site: Site, path: Path) -> Post:
    try:
        return site.load(path)
    except PostError as e:
        where = e.location[len(str(e.path)) :]
        raise DraftError(path, f"{e.code} {e.message}", where=where) from None
