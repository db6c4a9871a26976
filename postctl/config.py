"""postctl's own configuration: `postctl.toml` at the site root, or `[tool.postctl]` in
`pyproject.toml`. Every key is optional; a key postctl does not know, or a value of the wrong
type, is a `ConfigError` that names the file, the key and the reason (exit code 2).

The whole schema lives in `SCHEMA` below; README.md documents every key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONFIG_FILE = "postctl.toml"


class ConfigError(Exception):
    """A bad configuration file or value: path, dotted key, plain reason."""

    def __init__(self, path: Path | str | None, key: str | None, reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.key = key
        self.reason = reason

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        key = f"{self.key}: " if self.key else ""
        return f"{where}{key}{self.reason}"


Check = Callable[[Any], str | None]  # returns a reason when the value is wrong


def _type_name(value: Any) -> str:
    return {
        str: "a string",
        bool: "a boolean",
        int: "a whole number",
        float: "a number",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def is_str(value: Any) -> str | None:
    return None if isinstance(value, str) else f"expected a string, got {_type_name(value)}"


def is_bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"expected true or false, got {_type_name(value)}"


def is_int(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return None
    return f"expected a whole number >= 0, got {value!r}"


def is_str_list(value: Any) -> str | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return None
    return "expected a list of strings"


def is_extension_list(value: Any) -> str | None:
    reason = is_str_list(value)
    if reason:
        return reason
    for extension in value:
        if not extension.startswith(".") or len(extension) < 2 or "/" in extension:
            return f"{extension!r} is not a file extension: write it with its dot, as '.md'"
    return None


def is_folder_list(value: Any) -> str | None:
    """Folders inside the site root: relative, and never climbing out of it with `..`."""
    reason = is_str_list(value)
    if reason:
        return reason
    for folder in value:
        parts = folder.replace("\\", "/").split("/")
        if not folder.strip() or folder.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
            return f"{folder!r} is not a folder inside the site root (relative, without '..')"
    return None


def one_of(*choices: str) -> Check:
    def check(value: Any) -> str | None:
        if value in choices:
            return None
        return f"expected one of {', '.join(map(repr, choices))}, got {value!r}"

    return check


def table_of(check: Check) -> Check:
    """A table with free keys whose values all pass `check`."""

    def check_table(value: Any) -> str | None:
        if not isinstance(value, dict):
            return f"expected a table, got {_type_name(value)}"
        for k, v in value.items():
            reason = check(v)
            if reason:
                return f"{k}: {reason}"
        return None

    return check_table


def is_bounds(value: Any) -> str | None:
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)
        and value[0] <= value[1]
    ):
        return None
    return "expected [min, max], two whole numbers with min <= max"


def any_value(value: Any) -> str | None:
    return None


@dataclass(frozen=True)
class Key:
    check: Check
    default: Any
    doc: str


# Sections are tables; every other entry is a key. Defaults are the behaviour without config.
SCHEMA: dict[str, Any] = {
    "kind": Key(
        one_of("jekyll", "hugo", "plain"),
        None,
        "Site kind; detected from the generator's config file when not set.",
    ),
    "content_dirs": Key(
        is_folder_list,
        [],
        "Folders that hold posts, relative to the site root "
        "(default: Jekyll `_posts`/`_drafts` anywhere, Hugo's content folders, plain: all).",
    ),
    "exclude": Key(is_str_list, [], "Glob patterns (relative to the site root) of files to skip."),
    "extensions": Key(
        is_extension_list,
        [".md", ".markdown", ".mdx", ".html"],
        "File extensions that hold posts, each with its dot.",
    ),
    "cache": Key(
        is_bool, True, "Keep the parse and lint caches in `.postctl-cache/` at the site root."
    ),
    "jobs": Key(is_int, 0, "Processes that share the work on large sites (0: one per CPU)."),
    "new": {
        "front_matter": Key(
            table_of(any_value),
            {},
            "Front matter every new post starts with, over the built-in defaults.",
        ),
        "path": Key(
            is_str,
            "",
            "File path pattern of a new post on plain and Hugo sites, relative to the posts "
            "folder: `{slug}` and `{date:%Y-%m-%d}` (strftime) (default: plain "
            "`{date:%Y-%m-%d}-{slug}.md`, Hugo `{slug}.md`).",
        ),
        "section": Key(
            is_str, "posts", "Hugo section (folder in the content folder) for new posts."
        ),
        "slug_max_length": Key(is_int, 80, "Longest slug made from a title (cut at a word)."),
        "template": Key(
            is_str, "", "Template file for new posts, relative to the site root (default: none)."
        ),
        "format": Key(
            one_of("", "yaml", "toml", "json"),
            "",
            "Front-matter format of new posts (default: what the site's posts use).",
        ),
    },
    "lint": {
        "select": Key(
            is_str_list,
            [],
            "Rules to run: codes, code prefixes (`PC5`), names or `ALL` (default: all).",
        ),
        "ignore": Key(is_str_list, [], "Rules not to run (codes, prefixes or names)."),
        "severity": Key(
            table_of(one_of("error", "warning", "info")),
            {},
            'Severity overrides by rule code or name, e.g. `{PC305 = "warning"}`.',
        ),
        "required": Key(
            is_str_list,
            ["title"],
            "Front-matter fields every post must have (dates are not required by default: "
            "Jekyll takes them from file names, Hugo from its `frontmatter` settings).",
        ),
        "taxonomies": Key(
            is_str_list, ["tags", "categories"], "List fields checked as tags/categories."
        ),
        "allowed": Key(
            table_of(is_str_list),
            {},
            'Allowed values by field, e.g. `{tags = ["python", "rust"], layout = ["post"]}`.',
        ),
        "aliases": Key(
            table_of(is_str_list),
            {},
            'Canonical term = its other spellings, e.g. `{javascript = ["js", "JS"]}`.',
        ),
        "title_length": Key(is_bounds, [0, 70], "[min, max] characters of a title."),
        "description_length": Key(
            is_bounds, [0, 160], "[min, max] characters of a description/excerpt/summary."
        ),
        "path_fields": Key(
            is_str_list, ["image"], "Fields naming local files that must exist in the site."
        ),
        "schema": Key(
            is_str, "", "JSON Schema file (relative to the site root) every post must match."
        ),
    },
    "retag": {
        "drop_empty": Key(
            is_bool,
            False,
            "When retag removes a post's last term, remove the key instead of leaving `tags: []`.",
        ),
    },
}


@dataclass
class Config:
    """Validated configuration: `values` holds every key of SCHEMA, defaults filled in."""

    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, dotted: str) -> Any:
        node: Any = self.values
        for part in dotted.split("."):
            node = node[part]
        return node


def defaults(schema: dict[str, Any] = SCHEMA) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, entry in schema.items():
        out[name] = defaults(entry) if isinstance(entry, dict) else _copy(entry.default)
    return out


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return list(value)
    return value


def validate(
    raw: dict[str, Any], path: Path | None, schema: dict[str, Any] = SCHEMA, prefix: str = ""
) -> dict[str, Any]:
    values = defaults(schema)
    for name, value in raw.items():
        dotted = f"{prefix}{name}"
        entry = schema.get(name)
        if entry is None:
            known = ", ".join(sorted(schema))
            raise ConfigError(path, dotted, f"unknown key (known keys here: {known})")
        if isinstance(entry, dict):
            if not isinstance(value, dict):
                raise ConfigError(path, dotted, f"expected a table, got {_type_name(value)}")
            values[name] = validate(value, path, entry, f"{dotted}.")
            continue
        reason = entry.check(value)
        if reason:
            raise ConfigError(path, dotted, reason)
        values[name] = value
    return values


def find_config(root: Path) -> tuple[Path | None, dict[str, Any]]:
    """The raw postctl table for a site root: postctl.toml wins over pyproject.toml."""
    own = root / CONFIG_FILE
    if own.is_file():
        return own, _read_toml(own)
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        data = _read_toml(pyproject)
        table = data.get("tool", {}).get("postctl") if isinstance(data.get("tool"), dict) else None
        if table is not None:
            if not isinstance(table, dict):
                raise ConfigError(pyproject, "tool.postctl", "expected a table")
            return pyproject, table
    return None, {}


def has_config(root: Path) -> bool:
    if (root / CONFIG_FILE).is_file():
        return True
    pyproject = root / "pyproject.toml"
    try:
        return pyproject.is_file() and "[tool.postctl" in pyproject.read_text("utf-8", "replace")
    except OSError:
        return False


def load_config(root: Path) -> Config:
    path, raw = find_config(root)
    return Config(path=path, values=validate(raw, path))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(path, None, f"not valid TOML: {e}") from None
    except UnicodeDecodeError as e:  # tomllib reads UTF-8 only (a UTF-16 or Latin-1 file)
        raise ConfigError(path, None, f"not UTF-8 (byte {e.start}): TOML must be UTF-8") from None
    except RecursionError:
        raise ConfigError(path, None, "nested too deeply to read") from None
    except OSError as e:
        raise ConfigError(path, None, f"cannot read: {e.strerror or e}") from None
