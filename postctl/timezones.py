"""A Jekyll site's `timezone` as the C library reads it. Jekyll puts the setting, as written,
in ENV["TZ"] (Jekyll.set_timezone, jekyll/lib/jekyll.rb), so it means what the C library's
tzset makes of it, not what Jekyll or Ruby would: glibc (time/tzset.c) drops a leading `:`,
reads the zone file the text names when there is one, else reads the text as a POSIX rule
(`JST-9`), and takes anything else as UTC."""

from __future__ import annotations

import os
import re
from datetime import timedelta, timezone, tzinfo
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

# The start of a POSIX rule, as glibc reads it (__tzset_parse_tz: parse_tzname, then
# parse_offset): a name of three or more letters, or one `<quoted>` that may also hold digits,
# `+` and `-`; then an offset, hours west of Greenwich (`JST-9` is 9 hours ahead of UTC).
# What follows it, if anything, is the daylight-saving part.
_POSIX_RULE = re.compile(
    r"(?P<name>[A-Za-z]{3,}|<[A-Za-z0-9+-]{3,}>)(?P<sign>[+-]?)(?P<hours>\d+)"
    r"(?::(?P<minutes>\d+)(?::(?P<seconds>\d+))?)?"
)


class PosixRule(NamedTuple):
    """A POSIX TZ rule's standard time, as glibc reads it."""

    name: str  # as written: `JST`, `<+09>`
    offset: timedelta  # from UTC, east positive (the rule's sign inverted): +9 h for `JST-9`
    fixed: bool  # no daylight-saving part follows the offset


def known_zone(name: str) -> ZoneInfo | None:
    """The zone `name` names in the zone database (`Asia/Tokyo`, `UTC`, `EST5EDT`); None when
    zoneinfo does not find it. glibc reads the name as the path of a zone file, under TZDIR
    unless it starts with `/` (time/tzfile.c, __tzfile_read): `Asia//Tokyo`, `./Asia/Tokyo`
    and `/usr/share/zoneinfo/Asia/Tokyo` are Asia/Tokyo too. zoneinfo takes only the key
    below one of its folders (TZPATH), written plainly."""
    import zoneinfo

    if name.endswith("/"):  # (a folder's name: glibc opens no file, and takes UTC)
        return None
    keys = [name]
    for folder in zoneinfo.TZPATH:
        key = os.path.relpath(os.path.normpath(os.path.join(folder, name)), folder)
        if key not in keys and not key.startswith(os.pardir):
            keys.append(key)
    for key in keys:
        try:
            return zoneinfo.ZoneInfo(key)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):  # (ValueError: `../x`)
            continue
    return None


def posix_rule(text: str) -> PosixRule | None:
    """The POSIX rule `text` starts with, as glibc reads it; None when it starts with none.
    Like glibc's compute_offset, an offset's hours count up to 24 and its minutes and seconds
    up to 59 (`JST-9:60` is 9:59 ahead). What follows the offset is a daylight-saving part
    when it starts with a zone name or a comma; anything else glibc passes over, keeping the
    standard time all year (`JST-9x`, `JST-9 `: +09:00 in January and July)."""
    rule = _POSIX_RULE.match(text)
    if rule is None:
        return None
    west = timedelta(
        hours=min(int(rule["hours"]), 24),
        minutes=min(int(rule["minutes"] or 0), 59),
        seconds=min(int(rule["seconds"] or 0), 59),
    )
    fixed = _DAYLIGHT_SAVING_PART.match(text, rule.end()) is None
    return PosixRule(rule["name"], west if rule["sign"] == "-" else -west, fixed)


# The start of a POSIX rule's daylight-saving part, after the standard offset: a zone name (as
# in _POSIX_RULE) or the comma before the rules (`JST-9,` is +09:00 in January, UTC in July).
_DAYLIGHT_SAVING_PART = re.compile(r"[A-Za-z]{3}|<[A-Za-z0-9+-]{3,}>|,")


def read_tz(text: str) -> ZoneInfo | PosixRule | None:
    """What the C library makes of TZ=`text`: the zone it names, when zoneinfo finds it (glibc
    reads a zone file first), else the POSIX rule it starts with; None when neither, which the
    C library takes as UTC (`America/NewYork`, `+09:00`, the empty text)."""
    if text.startswith(":"):
        text = text[1:]
    zone = known_zone(text)
    return zone if zone is not None else posix_rule(text)


@cache
def tz_zone(text: str) -> tzinfo | None:
    """The zone postctl dates in for TZ=`text` (`read_tz`): the zone it names, or a POSIX rule
    without a daylight-saving part as its fixed offset (a datetime.timezone named `text`:
    `JST-9` is +09:00, `UTC+9` -09:00). None for the rest: what the C library reads as UTC, and
    the rules postctl does not follow, those with a daylight-saving part that zoneinfo does not
    know as a name (`CET-1CEST,M3.5.0,M10.5.0/3`) and offsets of 24 hours, which
    datetime.timezone cannot hold. (Cached: rebuilding the posts of the parse cache asks for
    the same zone again and again, and a name zoneinfo does not know is looked for on disk.)"""
    read = read_tz(text)
    if not isinstance(read, PosixRule):
        return read
    if not read.fixed or abs(read.offset) >= timedelta(hours=24):
        return None
    return timezone(read.offset, text)
