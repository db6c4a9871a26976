"""`lint.schema`: the JSON Schema every post's front matter must match (rule PC902).

A schema may be split over files (`"$ref": "defs.json#/title"`). Those files are read from the
schema's folder, inside the site, once, before any post is checked; postctl never fetches a
URL a schema names (a linter in pre-commit or CI must not hang offline or leak requests). A
reference that cannot be resolved is a configuration error (exit 2), found here rather than as
a traceback while the posts are checked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from postctl.config import ConfigError

if TYPE_CHECKING:
    from postctl.site import Site

KEY = "lint.schema"


class LoadedSchema:
    """A jsonschema validator and every file it was built from (the schema file first), so
    the lint cache can tell when one of them changes."""

    def __init__(self, validator: Any, files: list[Path]) -> None:
        self.validator = validator
        self.files = files


def load_schema(site: Site, name: str) -> LoadedSchema:
    """The validator for the configured schema file; ConfigError when it, or a file it refers
    to, is missing, not JSON or not a valid schema, when a reference is remote or does not
    resolve, or when jsonschema is not installed."""
    path = site.root / name
    config_path = site.config.path
    schema = _read_json(path, config_path, path)
    try:
        import jsonschema
        from jsonschema_specifications import REGISTRY as META_SCHEMAS
        from referencing import Registry, Resource
        from referencing.exceptions import Unresolvable
        from referencing.jsonschema import specification_with
    except ModuleNotFoundError:
        raise ConfigError(
            config_path, KEY, "needs the jsonschema package: pip install 'postctl[schema]'"
        ) from None
    validator_class = jsonschema.validators.validator_for(schema)
    try:
        validator_class.check_schema(schema)
    except jsonschema.SchemaError as e:
        raise ConfigError(
            config_path, KEY, f"{path} is not a valid JSON Schema: {e.message}"
        ) from None
    specification = specification_with(
        validator_class.META_SCHEMA.get("$schema", ""),
        default=specification_with("https://json-schema.org/draft/2020-12/schema"),
    )
    root = Resource.from_contents(schema, default_specification=specification)
    # Every file a schema refers to is read here, once; the registry's default `retrieve`
    # finds nothing else (jsonschema would otherwise fetch URLs while validating). The
    # meta-schemas jsonschema ships are known without reading or fetching anything.
    files = [path]
    found: dict[str, Any] = {}
    refs: list[tuple[str, str]] = []
    base = root.id() or ""
    registry = Registry().with_resource(base, root).crawl()
    pending: list[tuple[str, Any]] = [(base, schema)]
    while pending:
        here, contents = pending.pop()
        for ref in _refs(contents):
            refs.append((here, ref))
            uri = urldefrag(urljoin(here, ref)).url
            if not uri or uri in found or uri in registry or uri in META_SCHEMAS:
                continue
            target = _sibling(uri, ref, path, site.root, config_path)
            found[uri] = _read_json(target, config_path, path, ref)
            files.append(target)
            pending.append((uri, found[uri]))
    registry = registry.with_resources(
        (uri, Resource.from_contents(contents, default_specification=specification))
        for uri, contents in found.items()
    ).crawl()
    resolvable = registry.combine(META_SCHEMAS)
    for here, ref in refs:
        try:
            resolvable.resolver(base_uri=here).lookup(ref)
        except Unresolvable:
            raise ConfigError(config_path, KEY, f"{path}: $ref {ref!r} does not resolve") from None
    validator = validator_class(
        schema, registry=registry, format_checker=validator_class.FORMAT_CHECKER
    )
    return LoadedSchema(validator, files)


def _refs(contents: Any) -> Iterator[str]:
    """Every `$ref` in a schema document (at any depth)."""
    stack = [contents]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            ref = value.get("$ref")
            if isinstance(ref, str):
                yield ref
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def _sibling(uri: str, ref: str, schema: Path, root: Path, config_path: Path | None) -> Path:
    """The file a reference names: relative to the schema's folder and inside the site."""
    parts = urlsplit(uri)
    if parts.scheme or parts.netloc or parts.path.startswith("/"):
        raise ConfigError(
            config_path,
            KEY,
            f"{schema}: $ref {ref!r} is not a file next to the schema "
            "(postctl never downloads schemas: save it beside the schema and refer to it by name)",
        )
    target = (schema.parent / unquote(parts.path)).resolve()
    if not target.is_relative_to(root.resolve()):
        raise ConfigError(config_path, KEY, f"{schema}: $ref {ref!r} is outside the site")
    return target


def _read_json(path: Path, config_path: Path | None, schema: Path, ref: str = "") -> Any:
    via = f"{schema}: $ref {ref!r}: " if ref else ""
    try:
        return json.loads(path.read_text("utf-8"))
    except OSError as e:
        raise ConfigError(config_path, KEY, f"{via}cannot read {path}: {e.strerror}") from None
    except ValueError as e:
        raise ConfigError(config_path, KEY, f"{via}{path} is not JSON: {e}") from None
