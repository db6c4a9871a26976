"""The hostile corpus: every kind of broken, strange or malicious post file postctl must answer
clearly, each with the answer it must get.

A `Case` is a small site (files written byte for byte, plus optional file-system set-up such as
symlinks or a FIFO) and, for every post in it, the expected `Outcome`: it reads (with checks on
what the model makes of it), or it fails with a PostError code, a message fragment and the
`:line:col` the one-line message must carry. The tests run each case through the model and
through every command the CLI registers; write the corpus to a folder to try it by hand:

    python tests/hostile/hostile_cases.py /tmp/hostile   # then: postctl list /tmp/hostile/<case>

`@SENTINEL@` in a file's bytes is replaced by the absolute path of a file that must never be
created (`sentinel_path`): if any YAML tag ever ran code, the tests would see it.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from postctl.model import MAX_DEPTH, MAX_EXPANDED_NODES, Post

SENTINEL = "@SENTINEL@"
SENTINEL_NAME = "SENTINEL-code-ran"
POST = "post.md"


@dataclass(frozen=True)
class Outcome:
    """What the model (and so every command) must make of one post file."""

    code: str | None = None  # PostError code; None: the post reads
    message: str = ""  # a fragment of the one-line message
    # The location after the path: ":line:col", ":line:" (column not pinned), "" (the message
    # has no position, e.g. an unreadable file) or None (not pinned by the case).
    where: str | None = ""
    check: Callable[[Post], Any] | None = None  # assertions on a post that reads

    @property
    def ok(self) -> bool:
        return self.code is None


@dataclass(frozen=True)
class Case:
    id: str
    files: Mapping[str, bytes]
    outcomes: Mapping[str, Outcome]  # post path (relative to the site) -> outcome
    setup: Callable[[Path], None] | None = None  # file-system set-up after the files exist
    args: tuple[str, ...] = (".",)  # the PATH arguments a command gets (relative to the site)
    unreadable: tuple[str, ...] = ()  # files that must be unreadable (mode 000)

    @property
    def bad(self) -> dict[str, Outcome]:
        return {p: o for p, o in self.outcomes.items() if not o.ok}

    @property
    def exit_code(self) -> int:
        """What a command reading these posts exits with (README: 1 when a file could not be
        read, else 0; lint may also exit 1 for findings in posts that read)."""
        return 1 if self.bad else 0


def sentinel_path(site: Path) -> Path:
    return site.parent / SENTINEL_NAME


def write_case(case: Case, site: Path) -> Path:
    """Write a case's site into `site` (created) and return it."""
    site.mkdir(parents=True, exist_ok=True)
    # An empty postctl.toml pins the site root here, whatever folders lie above.
    (site / "postctl.toml").write_bytes(b"")
    sentinel = str(sentinel_path(site)).encode()
    for name, content in case.files.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.replace(SENTINEL.encode(), sentinel))
    if case.setup is not None:
        case.setup(site)
    for name in case.unreadable:
        os.chmod(site / name, 0)
    return site


# -- builders ---------------------------------------------------------------------------------


def ok(check: Callable[[Post], Any] | None = None) -> Outcome:
    return Outcome(check=check)


def good(case_id: str, content: bytes, check: Callable[[Post], Any] | None = None) -> Case:
    return Case(case_id, {POST: content}, {POST: ok(check)})


def bad(case_id: str, content: bytes, code: str, message: str, where: str | None) -> Case:
    return Case(case_id, {POST: content}, {POST: Outcome(code, message, where)})


def yaml_post(front: str, body: str = "Body.\n") -> bytes:
    return f"---\n{front}---\n{body}".encode()


def billion_laughs(levels: int = 9) -> bytes:
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        lines.append(f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * 9) + "]")
    return yaml_post("title: laughs\n" + "\n".join(lines) + "\n")


def block_nesting(levels: int) -> bytes:
    return yaml_post("title: deep\n" + "".join(" " * i + f"k{i}:\n" for i in range(levels)))


def _expect(**fields: Any) -> Callable[[Post], None]:
    """A check that each named attribute of the post has the given value."""

    def check(post: Post) -> None:
        for name, want in fields.items():
            got = getattr(post, name)
            assert got == want, f"{name}: {got!r} != {want!r}"

    return check


def _all(*checks: Callable[[Post], None]) -> Callable[[Post], None]:
    def check(post: Post) -> None:
        for c in checks:
            c(post)

    return check


def _data(**fields: Any) -> Callable[[Post], None]:
    def check(post: Post) -> None:
        for key, want in fields.items():
            assert post.data.get(key) == want, f"data[{key!r}]: {post.data.get(key)!r} != {want!r}"

    return check


def _holds(predicate: Callable[[Post], bool], what: str) -> Callable[[Post], None]:
    def check(post: Post) -> None:
        assert predicate(post), what

    return check


def _body(text: str) -> Callable[[Post], None]:
    def check(post: Post) -> None:
        assert post.body == text, f"body: {post.body!r} != {text!r}"

    return check


# -- file-system set-ups --------------------------------------------------------------------


def _symlink_loop(site: Path) -> None:
    (site / "loop-a.md").symlink_to("loop-b.md")
    (site / "loop-b.md").symlink_to("loop-a.md")


def _dangling(site: Path) -> None:
    (site / "dangling.md").symlink_to("nowhere.md")


def _folder_loop(site: Path) -> None:
    (site / "again").symlink_to(".", target_is_directory=True)


def _fifo(site: Path) -> None:
    os.mkfifo(site / "pipe.md")


def _folder_named_md(site: Path) -> None:
    (site / "x.md").mkdir()


# -- the corpus -------------------------------------------------------------------------------

PLAIN = yaml_post("title: Plain\ntags: [hostile]\n")
DEPTH_LIMIT = f"nested more than {MAX_DEPTH} levels deep"

CASES: list[Case] = [
    # 1. Encodings and line endings that must read correctly (and survive a rewrite).
    good(
        "utf8-bom",
        b"\xef\xbb\xbf---\ntitle: BOM\ntags: [hostile]\n---\nBody.\n",
        _expect(bom=True, title="BOM", tags=["hostile"]),
    ),
    good(
        "crlf",
        b"---\r\ntitle: CRLF\r\ntags: [hostile]\r\n---\r\nBody.\r\n",
        _all(_expect(newline="\r\n", title="CRLF"), _body("Body.\r\n")),
    ),
    good(
        "mixed-line-endings",
        b"---\r\ntitle: Mixed\ntags: [hostile]\r\n---\nBody\r\nmore\n",
        _all(_expect(title="Mixed", tags=["hostile"]), _body("Body\r\nmore\n")),
    ),
    good(
        "no-final-newline",
        b"---\ntitle: No newline\ntags: [hostile]\n---\nBody.",
        _all(_expect(title="No newline"), _body("Body.")),
    ),
    good(
        "no-newline-after-closer",
        b"---\ntitle: Closer at EOF\n---",
        _all(_expect(title="Closer at EOF"), _body("")),
    ),
    good(
        "trailing-blank-lines",
        b"---\ntitle: Blank\ntags: [hostile]\n---\nBody.\n\n\n\n",
        _body("Body.\n\n\n\n"),
    ),
    good(
        "indented-code-body",
        b"---\ntitle: Code\ntags: [hostile]\n---\n    ---\n    not: front matter\n",
        _all(_expect(title="Code"), _body("    ---\n    not: front matter\n")),
    ),
    good(
        "dots-closer",
        b"---\ntitle: Dots\n...\n---\nstill body\n",
        _all(_expect(title="Dots", close_delimiter="..."), _body("---\nstill body\n")),
    ),
    good(
        "front-matter-past-64k",  # longer than the head model.load_post reads first
        yaml_post(
            "title: Long front matter\n"
            + "".join(f"key{i}: {'v' * 60}\n" for i in range(1500))
            + "tags: [hostile]\n"
        ),
        _all(_expect(title="Long front matter", tags=["hostile"]), _body("Body.\n")),
    ),
    good(
        "delimiters-with-trailing-blanks",
        b"--- \ntitle: Blanks\ntags: [hostile]\n---\t\nBody.\n",
        _all(_expect(title="Blanks"), _body("Body.\n")),
    ),
    good("cr-only-line-endings", b"---\rtitle: x\r---\rBody\r", _expect(format=None)),
    good("four-dashes", b"----\ntitle: x\n----\n", _expect(format=None)),
    good("comment-on-opening-line", b"--- # c\ntitle: x\n---\n", _expect(format=None)),
    good(
        "legitimate-aliases-and-merge",
        yaml_post("title: Aliases\ndefaults: &d {x: 1}\n<<: *d\nsame: *d\ntags: [hostile]\n"),
        _data(x=1, same={"x": 1}),
    ),
    good(
        "duplicate-yaml-key",
        yaml_post("title: first\ntitle: second\ntags: [hostile]\n"),
        _expect(title="second", duplicate_keys=[("title", 3, 1)]),
    ),
    good("empty-key", yaml_post('"": x\ntitle: t\n'), _data(**{"": "x"})),
    good("date-as-title", yaml_post("title: 2020-01-01\n"), _expect(title="2020-01-01")),
    good(
        "three-thousand-keys",
        yaml_post("".join(f"k{i}: v\n" for i in range(3_000))),
        _holds(lambda post: len(post.data) == 3_000, "3,000 keys read"),
    ),
    bad(
        "yaml-directive-inside",
        yaml_post("%YAML 1.2\ntitle: x\n"),
        "PC004",
        "did not find expected <document start>",
        ":3:1",
    ),
    # 2. Front matter that is absent or empty.
    good("no-front-matter", b"# Just Markdown\n\nText.\n", _expect(format=None, data={})),
    good("empty-file", b"", _expect(format=None, data={})),
    good("empty-front-matter", b"---\n---\nBody.\n", _expect(format="yaml", data={})),
    good("comment-only-front-matter", b"---\n# nothing\n---\n", _expect(data={})),
    bad(
        "horizontal-rule-first",
        b"---\n\nA post that opens with a rule and has no front matter.\n",
        "PC003",
        "is never closed",
        ":1:1",
    ),
    bad(
        "two-horizontal-rules",
        b"---\n\nProse between rules.\n\n---\n\nMore prose.\n",
        "PC005",
        "not a mapping",
        ":3:1",
    ),
    # 3. Broken YAML and keys that trip other tools.
    bad("unclosed-yaml", b"---\ntitle: Never closed\nbody\n", "PC003", "never closed", ":1:1"),
    bad("unclosed-toml", b"+++\ntitle = 'x'\n", "PC003", "never closed", ":1:1"),
    bad("list-front-matter", yaml_post("- a\n- b\n"), "PC005", "a list, not a mapping", ":2:1"),
    bad(
        "string-front-matter",
        yaml_post("just a sentence\n"),
        "PC005",
        "a single string, not a mapping",
        ":2:1",
    ),
    bad("number-front-matter", yaml_post("42\n"), "PC005", "a number, not a mapping", ":2:1"),
    bad("set-front-matter", yaml_post("!!set {a, b}\n"), "PC005", "a set, not a mapping", ":2:1"),
    bad(
        "colon-in-title",
        yaml_post("title: Part 1: Intro\n"),
        "PC004",
        "mapping values are not allowed",
        ":2:14",
    ),
    bad("tab-indent", yaml_post("title: a\n\tb: c\n"), "PC004", "tab", ":3:1"),
    bad(
        "control-character",
        yaml_post("title: bell\x07here\n"),
        "PC004",
        "control characters are not allowed",
        ":2:12",
    ),
    bad(
        "nul-in-front-matter",
        yaml_post("title: nul\x00here\n"),
        "PC004",
        "#x0000",
        ":2:11",
    ),
    bad("list-as-key", yaml_post("? [a, b]\n: 1\n"), "PC004", "must be a plain name", ":2:3"),
    bad("nested-list-as-key", yaml_post("x:\n  ? [a]\n  : 1\n"), "PC004", "unhashable", ":3:5"),
    good("yaml-value-key", yaml_post("op: =\n"), _data(op="=")),
    good(
        "impossible-date",
        yaml_post("title: Feb 30\ndate: 2020-02-30\n"),
        _all(_expect(date=None), _data(date="2020-02-30")),
    ),
    good(
        "zone-offset-out-of-range",
        yaml_post("title: Zone\ndate: 2020-01-01 10:00:00 +9999\n"),
        _expect(date=None),
    ),
    good(
        "date-at-calendar-start",
        yaml_post("title: Year one\ndate: 0001-01-01T00:00:00+05:00\n"),
        _holds(lambda post: post.parsed_date.sort_key.year in (1, 9999), "a sortable date"),
    ),
    good(
        "date-at-calendar-end",
        yaml_post("title: Year 9999\ndate: 9999-12-31T23:00:00-05:00\n"),
        _holds(lambda post: post.parsed_date.sort_key.year in (1, 9999), "a sortable date"),
    ),
    good(
        "keys-other-tools-choke-on",
        yaml_post("content: c\nhandler: h\n1: one\nyes: y\n2020-01-01: d\nnull: n\n"),
        _data(content="c", handler="h", **{"1": "one", "yes": "y", "2020-01-01": "d"}),
    ),
    good(
        "odd-values",
        yaml_post(
            "title: !!binary aGVsbG8=\ntags: [[nested], {a: 1}, null, 3, true]\n"
            "categories: {a: 1}\nauthor: {name: [x]}\nratio: .inf\nnothing: .nan\n"
            "when: 2020-01-01\nslug: ''\n"
        ),
        _expect(tags=["nested", "3", "true"], categories=[]),
    ),
    bad(
        "huge-decimal",
        yaml_post("n: " + "9" * 5000 + "\n"),
        "PC004",
        "a number has more than",
        ":2:4",
    ),
    bad(
        "huge-hex",
        yaml_post("title: hex\nn: 0x" + "f" * 20000 + "\n"),
        "PC004",
        "a number has more than",
        ":3:1",
    ),
    # 4. Tags that would run code.
    bad(
        "python-apply-os-system",
        yaml_post(f"title: x\nrun: !!python/object/apply:os.system ['touch {SENTINEL}']\n"),
        "PC006",
        "unsafe or unknown tag '!!python/object/apply:os.system'",
        ":3:6",
    ),
    bad(
        "python-apply-whole-front-matter",
        yaml_post(f"!!python/object/apply:os.system ['touch {SENTINEL}']\n"),
        "PC006",
        "unsafe or unknown tag",
        ":2:1",
    ),
    bad(
        "python-open-file",
        yaml_post(f"x: !!python/object/apply:builtins.open ['{SENTINEL}', 'w']\n"),
        "PC006",
        "!!python/object/apply:builtins.open",
        ":2:4",
    ),
    bad(
        "python-new-popen",
        yaml_post(f"x: !!python/object/new:subprocess.Popen [['touch', '{SENTINEL}']]\n"),
        "PC006",
        "unsafe or unknown tag",
        ":2:4",
    ),
    bad(
        "python-name",
        yaml_post("x: !!python/name:os.system\n"),
        "PC006",
        "!!python/name:os.system",
        ":2:4",
    ),
    bad("local-tag", yaml_post("x: !ruby/object:Gem::Installer {}\n"), "PC006", "!ruby", ":2:4"),
    # 5. Alias bombs.
    bad(
        "billion-laughs",
        billion_laughs(9),
        "PC006",
        f"aliases expand to more than {MAX_EXPANDED_NODES}",
        None,  # wherever the count tips over
    ),
    bad("self-alias", yaml_post("x: &x [*x]\n"), "PC006", "alias refers to", ":2:4"),
    bad("self-alias-mapping", yaml_post("a: &a\n  b: *a\n"), "PC006", "alias refers to", ":2:4"),
    bad("self-alias-root", yaml_post("&x [*x]\n"), "PC005", "a list, not a mapping", ":2:1"),
    bad("undefined-alias", yaml_post("x: *nowhere\n"), "PC004", "undefined alias", ":2:4"),
    # 6. Nesting.
    bad(
        "yaml-flow-600",
        yaml_post("x: " + "[" * 600 + "]" * 600 + "\n"),
        "PC006",
        DEPTH_LIMIT,
        ":2:1",
    ),
    bad(
        "yaml-flow-10000",
        yaml_post("x: " + "[" * 10_000 + "]" * 10_000 + "\n"),
        "PC006",
        DEPTH_LIMIT,
        ":2:1",
    ),
    bad(
        "yaml-flow-10000-unclosed",
        yaml_post("x: " + "{a: " * 10_000 + "\n"),
        "PC006",
        DEPTH_LIMIT,
        ":2:1",
    ),
    bad("yaml-block-600", block_nesting(600), "PC006", DEPTH_LIMIT, f":{MAX_DEPTH + 3}:1"),
    bad(
        "yaml-dashes-10000",
        yaml_post("x:\n  " + "- " * 10_000 + "a\n"),
        "PC006",
        DEPTH_LIMIT,
        ":3:1",
    ),
    bad(
        "toml-600",
        b"+++\ntitle = 'x'\nx = " + b"[" * 600 + b"]" * 600 + b"\n+++\n",
        "PC006",
        DEPTH_LIMIT,
        ":2:1",  # tomllib gives no position for a RecursionError: the front matter's first line
    ),
    bad(
        "toml-10000-inline-tables",
        b"+++\nx = " + b"{a = " * 10_000 + b"1" + b"}" * 10_000 + b"\n+++\n",
        "PC006",
        DEPTH_LIMIT,
        ":2:1",
    ),
    bad(
        "toml-150-just-past-the-limit",
        b"+++\ntitle = 'x'\nx = " + b"[" * 150 + b"]" * 150 + b"\n+++\n",
        "PC006",
        DEPTH_LIMIT,
        ":3:1",
    ),
    bad(
        "json-600",
        b'{"title": "x", "x": ' + b"[" * 600 + b"]" * 600 + b"}\n",
        "PC006",
        DEPTH_LIMIT,
        ":1:16",
    ),
    bad(
        "json-10000",
        b'{"x": ' + b"[" * 10_000 + b"]" * 10_000 + b"}\n",
        "PC006",
        DEPTH_LIMIT,
        ":1:1",
    ),
    # 7. Bytes that are not UTF-8 text.
    bad(
        "latin-1",
        "---\ntitle: Café\n---\n".encode("latin-1"),
        "PC002",
        "invalid UTF-8 byte 0xe9",
        ":2:11",
    ),
    good(
        "latin-1-body",
        "---\ntitle: Body in Latin-1\n---\ncafé\n".encode("latin-1"),
        _expect(title="Body in Latin-1"),
    ),
    bad("utf-16-le-bom", "---\ntitle: x\n---\n".encode("utf-16"), "PC002", "UTF-16", ":1:1"),
    bad("utf-16-be-no-bom", "---\ntitle: x\n---\n".encode("utf-16-be"), "PC001", "binary", ""),
    bad(
        "utf-16-be-with-bom",
        b"\xfe\xff" + "---\ntitle: x\n---\n".encode("utf-16-be"),
        "PC002",
        "UTF-16",
        ":1:1",
    ),
    bad("nul-bytes-no-front-matter", b"text\x00more\x00", "PC001", "NUL bytes", ""),
    bad("binary-png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "PC001", "binary", ""),
    good("nul-in-body", b"---\ntitle: NUL body\n---\n\x00\x00", _expect(title="NUL body")),
    # 8. TOML and JSON.
    good(
        "toml-rich",
        b"+++\n# a comment\ntitle = 'TOML' # trailing\ndate = 2020-01-01T10:00:00Z\n"
        b"tags = ['hostile']\n[[links]]\nname = 'a'\n[[links]]\nname = 'b'\n+++\nBody.\n",
        _all(
            _expect(format="toml", title="TOML", tags=["hostile"]),
            _expect(date=datetime(2020, 1, 1, 10, tzinfo=timezone.utc)),
            _data(links=[{"name": "a"}, {"name": "b"}]),
        ),
    ),
    bad(
        "toml-duplicate-key",
        b"+++\ntitle = 'a'\ntitle = 'b'\n+++\n",
        "PC004",
        "TOML: cannot overwrite a value",
        ":3:",
    ),
    bad("toml-syntax", b"+++\ntitle = \n+++\n", "PC004", "TOML:", ":2:"),
    good("toml-bom", b"\xef\xbb\xbf+++\ntitle = 'x'\n+++\n", _expect(bom=True, title="x")),
    good("json-bom", b'\xef\xbb\xbf{"title": "x"}\n', _expect(bom=True, title="x")),
    good(
        "json-text-after-brace",
        b'{"title": "x", "tags": ["hostile"]} trailing\nBody\n',
        _all(_expect(title="x"), _body(" trailing\nBody\n")),
    ),
    good("toml-inf-nan", b"+++\ntitle = 'x'\nv = inf\nn = nan\n+++\n", _expect(title="x")),
    good(
        "json-brace-at-column-0",
        b'{\n"title": "JSON",\n"params": {\n"x": 1\n}\n}\nBody.\n',
        _all(_expect(format="json", title="JSON"), _body("Body.\n")),
    ),
    good(
        "json-duplicate-key",
        b'{"title": "a", "title": "b"}\n',
        _expect(title="b", duplicate_keys=[("title", 1, 16)]),
    ),
    bad("json-nan", b'{"title": "a", "x": NaN}\n', "PC004", "NaN is not valid JSON", ":1:1"),
    bad("json-syntax", b'{"title": "a",, "x": 1}\nBody\n', "PC004", "JSON:", ":1:15"),
    good("json-huge-float", b'{"title": "a", "x": 1e400}\n', _expect(title="a")),
    bad(
        "json-huge-int",
        b'{"title": "a", "x": ' + b"9" * 5000 + b"}\n",
        "PC004",
        "a number has more than",
        ":1:1",
    ),
    bad("json-unclosed", b'{"title": "x",\n"tags": [\n', "PC003", "never closed", ":1:1"),
    # 9. The file system.
    Case(
        "symlink-loop",
        {},
        {
            "loop-a.md": Outcome("PC001", "symlink loop"),
            "loop-b.md": Outcome("PC001", "symlink loop"),
        },
        setup=_symlink_loop,
    ),
    Case(
        "dangling-symlink",
        {},
        {"dangling.md": Outcome("PC001", "dangling symlink")},
        setup=_dangling,
    ),
    Case(
        "folder-symlink-loop",
        {POST: PLAIN},
        {POST: ok(_expect(title="Plain"))},
        setup=_folder_loop,
    ),
    Case("fifo", {}, {"pipe.md": Outcome("PC001", "not a regular file")}, setup=_fifo),
    Case("folder-named-x.md", {POST: PLAIN}, {POST: ok()}, setup=_folder_named_md),
    Case(
        "folder-named-x.md-given",
        {"x.md/notes.txt": b"not a post\n"},
        {},
        args=("x.md",),
    ),
    Case(
        "mode-000",
        {"locked.md": PLAIN, POST: PLAIN},
        {"locked.md": Outcome("PC001", "permission denied"), POST: ok()},
        unreadable=("locked.md",),
    ),
    Case(
        "awkward-file-names",
        {
            "a b.md": PLAIN,
            "hash#tag.md": PLAIN,
            "100%.md": PLAIN,
            "[bold]brackets[/bold].md": PLAIN,
            "café-日本語.md": PLAIN,
            "-dash.md": PLAIN,
        },
        {
            "a b.md": ok(),
            "hash#tag.md": ok(),
            "100%.md": ok(),
            "[bold]brackets[/bold].md": ok(),
            "café-日本語.md": ok(),
            "-dash.md": ok(),
        },
    ),
    Case(
        "broken-among-good",
        {
            "2020-01-01-good.md": PLAIN,
            "broken.md": yaml_post("title: Part 1: Intro\n"),
            "z-good.md": PLAIN,
        },
        {
            "2020-01-01-good.md": ok(),
            "broken.md": Outcome("PC004", "mapping values", ":2:14"),
            "z-good.md": ok(),
        },
    ),
]

CASE_BY_ID = {case.id: case for case in CASES}
assert len(CASE_BY_ID) == len(CASES), "case ids must be unique"


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def is_unreadable_by_mode(path: Path) -> bool:
    try:
        return stat.S_IMODE(os.stat(path).st_mode) & 0o444 == 0
    except OSError:
        return False


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/hostile/hostile_cases.py DIR")
    target = Path(sys.argv[1])
    for case in CASES:
        write_case(case, target / case.id)
    print(f"wrote {len(CASES)} cases to {target}")
