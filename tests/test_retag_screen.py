"""retag's screen (TermScreen): the posts it passes over unparsed are never posts that parsing
would have retagged, and a file that does not parse is reported the same way with or without
the parse cache."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from conftest import write
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from postctl.listing import PostFilter
from postctl.model import PostError, front_matter_text, parse_post
from postctl.retag import RetagSpec, plan, retag_site
from postctl.site import collect_files, find_site

# Terms that collide with one another in every way the screen must survive: case, Unicode case
# folding (ß is ss, the Kelvin sign is k, the fi ligature is fi), several words, punctuation,
# and texts that values other than strings read as.
TERMS = [
    "python",
    "Python",
    "PYTHON",
    "py",
    "ß",
    "SS",
    "ss",
    "Straße",
    "STRASSE",
    "k",
    "K",
    "\u212a",
    "\ufb01",
    "fi",
    "machine learning",
    "Machine Learning",
    "c++",
    "a-b",
    "é",
    "É",
    "1.5",
    "true",
    "yes",
    "2020-01-01",
    "1000",
]
SETTINGS = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def escaped(draw: st.DrawFn, term: str) -> str:
    """`term` in a double-quoted string (YAML, TOML, JSON), some characters as \\u escapes."""
    out = []
    for c in term:
        if draw(st.booleans()) and c.isalnum():
            out.append(f"\\u{ord(c):04x}")
        elif c in '"\\':
            out.append("\\" + c)
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def yaml_scalar(draw: st.DrawFn, term: str, indent: str) -> str:
    # Styles that put text before the term on its line (a tag, an anchor) come up most.
    style = draw(
        st.sampled_from(
            ["plain", "single", "double", "escaped", "folded", "literal"]
            + ["tagged", "anchored"] * 3
        )
    )
    if style == "plain":
        return term
    if style == "single":
        return "'" + term.replace("'", "''") + "'"
    if style == "double":
        return json.dumps(term, ensure_ascii=False)
    if style == "escaped":
        return escaped(draw, term)
    if style == "folded":  # a plain scalar over several lines: its line breaks read as spaces
        return f"\n{indent}    ".join(term.split(" "))
    if style == "tagged":
        return "!!str " + term
    if style == "anchored":
        return f"&a{draw(st.integers(0, 9))} {term}"
    return f"|-\n{indent}    {term}"


FIELD_OF_KEY = {"tags": "tags", "Tags": "tags", "tag": "tags", "categories": "categories"}
FIELD_OF_KEY |= {"category": "categories", "topics": "topics"}
Generated = tuple[str, list[str], str]  # (front matter, the terms in it, the field they are in)


@st.composite
def yaml_front_matter(draw: st.DrawFn) -> Generated:
    key = draw(st.sampled_from(["tags", "Tags", "tag", "categories", "category", "topics"]))
    terms = draw(st.lists(st.sampled_from(TERMS), max_size=4))
    shape = draw(st.sampled_from(["flow", "block", "string", "scalar", "alias", "merge"]))
    title = draw(st.sampled_from(TERMS))
    lines = [f"title: {title} and more", f"note: x {draw(st.sampled_from(TERMS))} y"]
    if shape == "flow":
        lines.append(f"{key}: [" + ", ".join(yaml_scalar(draw, t, "") for t in terms) + "]")
    elif shape == "block":
        lines.append(f"{key}:")
        lines += [f"  - {yaml_scalar(draw, t, '  ')}" for t in terms]
    elif shape == "string":
        lines.append(f"{key}: {' '.join(terms)}")
    elif shape == "scalar" and terms:
        lines.append(f"{key}: {yaml_scalar(draw, terms[0], '')}")
    elif shape == "alias":
        lines.insert(0, "shared: &shared [" + ", ".join(terms) + "]")
        lines.append(f"{key}: *shared")
    elif shape == "merge":
        lines.insert(0, "base: &base {" + key + ": [" + ", ".join(terms) + "]}")
        lines.append("<<: *base")
    if draw(st.booleans()):
        lines.insert(draw(st.integers(0, len(lines))), f"# {draw(st.sampled_from(TERMS))}")
    return "---\n" + "\n".join(lines) + "\n---\n", terms, FIELD_OF_KEY[key]


@st.composite
def toml_front_matter(draw: st.DrawFn) -> Generated:
    key = draw(st.sampled_from(["tags", "Tags", "categories"]))
    terms = draw(st.lists(st.sampled_from(TERMS), max_size=4))

    def item(term: str) -> str:
        style = draw(st.sampled_from(["basic", "escaped", "literal", "multiline"]))
        if style == "basic":
            return json.dumps(term, ensure_ascii=False)
        if style == "escaped":
            return escaped(draw, term)
        if style == "literal":
            return f"'{term}'"
        return f'"""\n{term}"""'

    value = "[" + ", ".join(item(t) for t in terms) + "]"
    if terms and draw(st.booleans()):
        value = item(terms[0])
    title = json.dumps(draw(st.sampled_from(TERMS)) + " story", ensure_ascii=False)
    return f"+++\ntitle = {title}\n{key} = {value}\n+++\n", terms, FIELD_OF_KEY[key]


@st.composite
def json_front_matter(draw: st.DrawFn) -> Generated:
    key = draw(st.sampled_from(["tags", "Tags", "categories"]))
    terms = draw(st.lists(st.sampled_from(TERMS), max_size=4))
    items = [
        escaped(draw, t) if draw(st.booleans()) else json.dumps(t, ensure_ascii=False)
        for t in terms
    ]
    text = '{\n  "title": "x",\n  "' + key + '": [' + ", ".join(items) + "]\n}\n"
    return text, terms, FIELD_OF_KEY[key]


def retag_of(draw: st.DrawFn, terms: list[str], field: str) -> RetagSpec:
    """A rename, removal or move, mostly of a term the post has, in its field."""
    term = draw(
        st.sampled_from(terms or TERMS) if draw(st.integers(0, 3)) else st.sampled_from(TERMS)
    )
    if draw(st.integers(0, 3)) == 0:
        field = draw(st.sampled_from(["tags", "categories", "topics"]))
    action = draw(st.sampled_from(["rename", "remove", "move"]))
    ignore_case = draw(st.booleans())
    if action == "rename":
        return RetagSpec(rename=((term, "renamed"),), field=field, ignore_case=ignore_case)
    if action == "remove":
        return RetagSpec(remove=(term,), field=field, ignore_case=ignore_case)
    to = "categories" if field != "categories" else "tags"
    return RetagSpec(move=(term,), field=field, move_to=to, ignore_case=ignore_case)


@SETTINGS
@given(
    st.one_of(yaml_front_matter(), toml_front_matter(), json_front_matter()),
    st.sampled_from(["hugo", "jekyll", "plain"]),
    st.sampled_from(["", "\n\n"]),
    st.data(),
)
def test_the_screen_never_passes_over_a_post_that_parsing_would_retag(
    generated: Generated, kind: str, leading: str, data: st.DataObject
) -> None:
    front_matter, terms, field = generated
    spec = retag_of(data.draw, terms, field)
    content = (leading + front_matter + "Body: python ß K machine learning.\n").encode()
    try:
        post = parse_post(Path("p.md"), content, kind)  # type: ignore[arg-type]
    except PostError:
        return  # a generated text that does not parse: nothing for the property
    screen = spec.screen(kind)  # type: ignore[arg-type]
    if screen is None:
        return
    if plan(post, spec):
        event("the post would be retagged")
        assert screen.may_hold(post.raw), (front_matter, spec)
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder) / "p.md", content)
        # The screen reads exactly the text the model parses (Hugo's leading blank lines too).
        assert front_matter_text(path, kind) == (post.raw if post.format else None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("front_matter", "spec", "kind", "may_hold"),
    [
        ("tags: [python, web]", RetagSpec(rename=(("python", "py"),)), "hugo", True),
        ("title: why python wins\ntags: [web]", RetagSpec(remove=("python",)), "hugo", False),
        ("title: pythonic\ntags: [web]", RetagSpec(remove=("python",)), "hugo", False),
        # Jekyll splits a string of terms: a word of a title may be a term of `tags: a b`.
        ("title: why python wins", RetagSpec(rename=(("python", "py"),)), "jekyll", True),
        # ... but only under tags and categories: a custom field's string is one term.
        ("series: Deep Dive", RetagSpec(remove=("Deep",), field="series"), "jekyll", False),
        ("series: Deep Dive", RetagSpec(remove=("Deep Dive",), field="series"), "jekyll", True),
        ('tags: ["\\x70ython"]', RetagSpec(rename=(("python", "py"),)), "hugo", True),
        ("tags: [Python]", RetagSpec(rename=(("python", "py"),)), "hugo", False),
        ("tags: [Python]", RetagSpec(rename=(("python", "py"),), ignore_case=True), "hugo", True),
        ("tags: [Straße]", RetagSpec(remove=("STRASSE",), ignore_case=True), "hugo", True),
        ("tags: [\u212a]", RetagSpec(remove=("k",), ignore_case=True), "hugo", True),
        ("tags: [machine\n  learning]", RetagSpec(remove=("machine learning",)), "hugo", True),
        ("tags: [&t python]\nmore: *t", RetagSpec(remove=("python",)), "hugo", True),
        ("tags:\n  - !!str python # why", RetagSpec(remove=("python",)), "plain", True),
    ],
)
def test_screen_cases(front_matter: str, spec: RetagSpec, kind: str, may_hold: bool) -> None:
    screen = spec.screen(kind)  # type: ignore[arg-type]
    assert screen is not None
    assert screen.may_hold(front_matter) is may_hold


@pytest.mark.parametrize(
    "spec",
    [
        RetagSpec(add=("python",)),  # every post may gain it
        RetagSpec(rename=(("1000", "big"),)),  # `1e3`, `1_000`, `0x3e8` read as 1000
        RetagSpec(remove=("true",), ignore_case=True),  # `yes`, `on`
        RetagSpec(remove=("2020-01-01",)),
        RetagSpec(remove=("it's",)),  # 'it''s'
        RetagSpec(remove=("['a']",)),  # a nested list
    ],
)
def test_no_screen_where_a_post_may_hold_a_term_it_does_not_spell_out(spec: RetagSpec) -> None:
    assert spec.screen("hugo") is None


def hugo_site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    write(root / "hugo.toml", 'title = "t"\n')
    for i in range(6):
        write(root / "content" / f"p{i}.md", f"---\ntitle: p{i}\ntags: [python, web]\n---\nx\n")
    write(root / "content" / "other.md", "---\ntitle: python rocks\ntags: [web]\n---\npython\n")
    # Two broken files: one whose front matter names the tag, one that cannot hold it.
    write(root / "content" / "broken-python.md", "---\ntags: [python\n---\n")
    write(root / "content" / "broken-other.md", "---\ntitle: [unclosed\n---\n")
    return root


@pytest.mark.parametrize("cache", [False, True])
def test_a_broken_file_is_reported_only_where_it_may_hold_the_term(
    tmp_path: Path, run, cache: bool
) -> None:
    root = hugo_site(tmp_path)
    if cache:
        assert run("list", root).exit_code == 1  # fills the parse cache, broken files and all
    extra = [] if cache else ["--no-cache"]
    result = run("retag", "python", "py", root, "-f", "json", *extra)
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    skipped = [Path(r["path"]).name for r in rows if r["status"] == "skipped"]
    assert skipped == ["broken-python.md"]
    assert sum(r["status"] == "changed" for r in rows) == 6
    # Renamed everywhere: the file that cannot hold it is no longer reported, exit 0.
    (root / "content" / "broken-python.md").unlink()
    result = run("retag", "py", "python", root, *extra)
    assert result.exit_code == 0, result.stdout
    assert "6 file(s) changed, 0 skipped, 0 failed (8 post(s) examined)" in result.stdout


def test_with_a_filter_or_add_every_broken_file_is_reported(tmp_path: Path, run) -> None:
    root = hugo_site(tmp_path)
    for args in (["--add", "new"], ["python", "py", "--tag", "web"]):
        result = run("retag", *args, root, "--no-cache", "--dry-run", "-f", "json")
        rows = json.loads(result.stdout)
        skipped = sorted(Path(r["path"]).name for r in rows if r["status"] == "skipped")
        assert skipped == ["broken-other.md", "broken-python.md"], args


@pytest.mark.parametrize("cache", [False, True])
def test_library_runs_with_and_without_the_cache_agree(tmp_path: Path, run, cache: bool) -> None:
    root = hugo_site(tmp_path)
    if cache:
        run("list", root)
    site = find_site(root, explicit=True)
    errors: list[PostError] = []
    report = retag_site(
        site,
        collect_files(site),
        RetagSpec(rename=(("python", "py"),)),
        PostFilter(),
        complete=True,
        cache=cache,
        dry_run=True,
        on_error=errors.append,
    )
    assert [Path(e.path).name for e in errors] == ["broken-python.md"]
    assert report.count("changed") == 6
    assert report.examined == 8  # every post, and the broken file that cannot hold the tag


TRICKY = {
    "escaped.md": '---\ntags: ["\\x70ython", web]\n---\n',
    "quoted.md": "---\ntags: ['python', \"web\"]\n---\n",
    "alias.md": "---\nshared: &t [python]\ntags: *t\n---\n",
    "merge.md": "---\nbase: &b {tags: [python]}\n<<: *b\n---\n",
    "tagged.md": "---\ntags:\n  - !!str python  # yes\n  - &x web\n---\n",
    "folded.md": "---\ntags:\n  - machine\n    learning\n---\n",
    "kelvin.md": "---\ntags: [\u212aelvin, STRASSE]\n---\n",
    "cased-key.md": "---\nTags: [Python]\n---\n",
    "string.md": "---\ntags: python web\ntag: python\n---\n",
    "toml.md": "+++\ntags = ['python', \"\\u0070ython\"]\n+++\n",
    "json.md": '{\n  "tags": ["python", "\\u0070ython"]\n}\n',
    "blank-lines.md": "\n\n---\ntags: [python]\n---\n",
    "title-only.md": "---\ntitle: python, the language\ntags: [web]\n---\npython\n",
    "no-front-matter.md": "python\n",
}


@pytest.mark.parametrize("kind", ["hugo", "jekyll", "plain"])
@pytest.mark.parametrize(
    "spec",
    [
        RetagSpec(rename=(("python", "py"),)),
        RetagSpec(rename=(("PYTHON", "py"),), ignore_case=True),
        RetagSpec(remove=("machine learning",)),
        RetagSpec(remove=("kelvin", "strasse"), ignore_case=True),
        RetagSpec(move=("python",), move_to="categories"),
    ],
)
def test_a_screened_run_changes_what_a_full_parse_changes(
    tmp_path: Path, kind: str, spec: RetagSpec
) -> None:
    from postctl.retag import retag_paths
    from postctl.site import Site

    site = Site(root=tmp_path, kind=kind)  # type: ignore[arg-type]
    paths = [write(tmp_path / "content" / name, text) for name, text in TRICKY.items()]
    screen = spec.screen(site.kind)
    assert screen is not None
    runs = [
        retag_paths(paths, spec, site.load, dry_run=True, jobs=1, screen=s) for s in (None, screen)
    ]
    full, screened = ([(r.path.name, r.status, r.after) for r in run.results] for run in runs)
    assert screened == full
    assert runs[0].examined == runs[1].examined
    assert any(status == "changed" for _, status, _ in full)  # the cases do change something


def test_a_screen_and_a_filter_do_not_go_together(tmp_path: Path) -> None:
    from postctl.retag import retag_paths
    from postctl.site import Site

    site = Site(root=tmp_path, kind="hugo")
    spec = RetagSpec(rename=(("python", "py"),))
    with pytest.raises(ValueError, match="not both"):
        retag_paths([], spec, site.load, keep=bool, screen=spec.screen("hugo"))
