"""The parse cache (invalidation, safety, fallbacks) and the Post JSON round trip it stores."""

from __future__ import annotations

import errno
import os
import sqlite3
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import BothTakeAShare, latin1_named_post, post_dates, write
from hypothesis import given, settings
from hypothesis import strategies as st

from postctl import cache as cache_module
from postctl.cache import CACHE_DIR, DATABASE
from postctl.model import Post, PostError, load_post
from postctl.site import collect, find_site, iter_posts, load_posts


@pytest.fixture
def site_root(tmp_path):
    root = tmp_path / "site"
    write(root / "_config.yml", "title: t\n")
    for i in range(3):
        write(
            root / f"_posts/2024-01-0{i + 1}-p{i}.md",
            f"---\ntitle: Post {i}\ntags: [t{i}]\n---\nbody\n",
        )
    return root


class Counting:
    """Counts the files that are really parsed (cache misses)."""

    def __init__(self, monkeypatch):
        self.paths: list[str] = []
        original = cache_module.parse_posts

        def counting(site, paths, jobs=None, **options):
            self.paths.extend(os.path.basename(p) for p in paths)
            return original(site, paths, jobs, **options)

        monkeypatch.setattr(cache_module, "parse_posts", counting)

    def take(self) -> list[str]:
        taken, self.paths = self.paths, []
        return sorted(taken)


def load(root, **kwargs):
    site = find_site(root)
    return load_posts(site, collect(site), **kwargs)


def titles(results):
    return [r.title if isinstance(r, Post) else f"error {r.code}" for r in results]


def test_second_run_parses_nothing_and_gives_equal_posts(site_root, monkeypatch):
    parsed = Counting(monkeypatch)
    first = load(site_root)
    assert parsed.take() == ["2024-01-01-p0.md", "2024-01-02-p1.md", "2024-01-03-p2.md"]
    second = load(site_root)
    assert parsed.take() == []
    assert [p.to_dict() for p in first] == [p.to_dict() for p in second]
    folder = site_root / CACHE_DIR
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (folder / DATABASE).is_file()


def test_edit_delete_add_rename_touch(site_root, monkeypatch):
    parsed = Counting(monkeypatch)
    load(site_root)
    parsed.take()
    posts = site_root / "_posts"
    # Edit to the same size and put the old mtime back: the ctime still moves.
    p0 = posts / "2024-01-01-p0.md"
    st = p0.stat()
    p0.write_text(p0.read_text().replace("Post 0", "Post 9"))
    os.utime(p0, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert p0.stat().st_size == st.st_size and p0.stat().st_mtime_ns == st.st_mtime_ns
    assert titles(load(site_root)) == ["Post 9", "Post 1", "Post 2"]
    assert parsed.take() == ["2024-01-01-p0.md"]
    # Delete.
    (posts / "2024-01-02-p1.md").unlink()
    assert titles(load(site_root)) == ["Post 9", "Post 2"]
    assert parsed.take() == []
    # Add.
    write(posts / "2024-01-05-new.md", "---\ntitle: New\n---\n")
    assert titles(load(site_root)) == ["Post 9", "Post 2", "New"]
    assert parsed.take() == ["2024-01-05-new.md"]
    # Rename: the new name is a new entry (and its Jekyll date comes from the new name).
    (posts / "2024-01-05-new.md").rename(posts / "2024-02-01-renamed.md")
    results = load(site_root)
    assert parsed.take() == ["2024-02-01-renamed.md"]
    assert results[-1].path.name == "2024-02-01-renamed.md"
    assert results[-1].date == datetime(2024, 2, 1)
    # Touch.
    os.utime(posts / "2024-01-03-p2.md", ns=(1, 1_000_000_000))
    load(site_root)
    assert parsed.take() == ["2024-01-03-p2.md"]
    # Entries of files gone from the site are dropped after a whole-site run.
    site = find_site(site_root)
    list(iter_posts(site, collect(site), complete=True))
    with sqlite3.connect(site_root / CACHE_DIR / DATABASE) as db:
        stored = sorted(os.path.basename(p) for (p,) in db.execute("SELECT path FROM records"))
    assert stored == ["2024-01-01-p0.md", "2024-01-03-p2.md", "2024-02-01-renamed.md"]


def test_broken_posts_are_cached_as_errors(site_root, monkeypatch):
    write(site_root / "_posts/2024-03-01-bad.md", "---\ntitle: [x\n---\n")
    first = load(site_root)
    parsed = Counting(monkeypatch)
    second = load(site_root)
    assert parsed.take() == []
    bad = [r for r in second if isinstance(r, PostError)]
    assert [(e.code, e.line, e.col, e.message) for e in bad] == [
        (e.code, e.line, e.col, e.message) for e in first if isinstance(e, PostError)
    ]
    assert bad[0].path == site_root / "_posts/2024-03-01-bad.md"


def test_no_cache_option_and_config(site_root, run):
    assert run("list", site_root, "--no-cache").exit_code == 0
    assert not (site_root / CACHE_DIR).exists()
    write(site_root / "postctl.toml", "cache = false\n")
    assert run("list", site_root).exit_code == 0
    assert not (site_root / CACHE_DIR).exists()


def test_corrupt_cache_is_rebuilt(site_root, monkeypatch):
    load(site_root)
    database = site_root / CACHE_DIR / DATABASE
    database.write_bytes(b"this is not a database" * 100)
    parsed = Counting(monkeypatch)
    assert titles(load(site_root)) == ["Post 0", "Post 1", "Post 2"]
    assert len(parsed.take()) == 3
    load(site_root)
    assert parsed.take() == []  # rebuilt


def test_garbage_entries_are_ignored_and_replaced(site_root, monkeypatch):
    load(site_root)
    with sqlite3.connect(site_root / CACHE_DIR / DATABASE) as db:
        before = db.execute("SELECT summary FROM summaries ORDER BY path").fetchall()
        db.execute("UPDATE records SET record = '{\"path\": 1}' WHERE path LIKE '%p0.md'")
        db.execute("UPDATE records SET record = 'not json' WHERE path LIKE '%p1.md'")
        # A summary with a date that is not one, terms that are not strings, a field missing.
        db.execute(
            "UPDATE summaries SET summary = replace(summary, '2024-01-03T', 'xxxx-01-03T')"
            " WHERE path LIKE '%p2.md'"
        )
        db.execute("UPDATE summaries SET summary = '[\"jekyll\", 1]' WHERE path LIKE '%p1.md'")
        db.execute(
            "UPDATE summaries SET summary = substr(summary, 1, instr(summary, char(30)) - 1)"
            " WHERE path LIKE '%p0.md'"
        )
        db.execute("DELETE FROM records WHERE path LIKE '%p2.md'")
        after = db.execute("SELECT summary FROM summaries ORDER BY path").fetchall()
        assert all(a != b for a, b in zip(before, after))
    site = find_site(site_root)
    parsed = Counting(monkeypatch)
    summaries = list(iter_posts(site, collect(site), summaries=True))
    assert [s.title for s in summaries] == ["Post 0", "Post 1", "Post 2"]
    assert summaries[2].date_text == "2024-01-03T00:00:00"
    assert len(parsed.take()) == 3
    assert titles(load(site_root)) == ["Post 0", "Post 1", "Post 2"]
    assert len(parsed.take()) == 3  # the records were broken too
    load(site_root)
    list(iter_posts(site, collect(site), summaries=True))
    assert parsed.take() == []


def test_cache_from_another_site_or_version_is_dropped(site_root, monkeypatch):
    load(site_root)
    with sqlite3.connect(site_root / CACHE_DIR / DATABASE) as db:
        db.execute("UPDATE meta SET value = '[\"0\"]'")
    parsed = Counting(monkeypatch)
    load(site_root)
    assert len(parsed.take()) == 3


def test_read_only_site_is_not_written(site_root, monkeypatch):
    os.chmod(site_root, 0o555)
    try:
        assert titles(load(site_root)) == ["Post 0", "Post 1", "Post 2"]
        assert not (site_root / CACHE_DIR).exists()
    finally:
        os.chmod(site_root, 0o755)


def test_read_only_cache_is_read_but_not_written(site_root, monkeypatch):
    load(site_root)
    folder = site_root / CACHE_DIR
    write(site_root / "_posts/2024-04-01-new.md", "---\ntitle: New\n---\n")
    os.chmod(folder / DATABASE, 0o444)
    os.chmod(folder, 0o555)
    try:
        before = (folder / DATABASE).read_bytes()
        parsed = Counting(monkeypatch)
        assert titles(load(site_root)) == ["Post 0", "Post 1", "Post 2", "New"]
        assert parsed.take() == ["2024-04-01-new.md"]
        assert (folder / DATABASE).read_bytes() == before
    finally:
        os.chmod(folder, 0o755)
        os.chmod(folder / DATABASE, 0o644)


def test_symlinked_cache_folder_is_never_written_through(site_root, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (site_root / CACHE_DIR).symlink_to(elsewhere)
    assert titles(load(site_root)) == ["Post 0", "Post 1", "Post 2"]
    assert list(elsewhere.iterdir()) == []


def test_cache_folder_gets_its_gitignore_back_after_a_failed_first_write(site_root, run):
    # A first run on a full disk left .gitignore empty and no CACHEDIR.TAG: later runs filled
    # posts.sqlite beside them, and `git add -A` committed the cache.
    load(site_root)
    folder = site_root / CACHE_DIR
    (folder / ".gitignore").write_bytes(b"")
    (folder / "CACHEDIR.TAG").unlink()
    assert run("list", site_root).exit_code == 0
    assert (folder / ".gitignore").read_text() == cache_module.GITIGNORE
    assert (folder / "CACHEDIR.TAG").read_text() == cache_module.CACHEDIR_TAG


def test_no_cache_is_written_while_its_gitignore_cannot_be(site_root, run, monkeypatch):
    real_replace = os.replace

    def disk_full(source, target, *args, **kwargs):
        if os.path.basename(target) == ".gitignore":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(source, target, *args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(os, "replace", disk_full)
        assert run("list", site_root).exit_code == 0
    folder = site_root / CACHE_DIR
    assert not (folder / DATABASE).exists()
    assert list(folder.iterdir()) == []  # no half-written .gitignore, no temporary file
    assert run("list", site_root).exit_code == 0  # space again
    assert (folder / DATABASE).is_file()
    assert (folder / ".gitignore").read_text() == cache_module.GITIGNORE


def test_parallel_load_matches_serial(tmp_path, monkeypatch):
    root = tmp_path / "big"
    write(root / "hugo.toml", "")
    for i in range(60):
        write(
            root / f"content/p{i:03d}.md",
            f"---\ntitle: P{i}\ndate: 2024-01-01T10:{i % 60:02d}:00+02:00\n---\n",
        )
    write(root / "content/zz-bad.md", "---\n: :\n---\n")
    monkeypatch.setattr("postctl.site.PARALLEL_THRESHOLD", 10)
    site = find_site(root)
    files = collect(site)
    parallel = load_posts(site, files, jobs=2, cache=False)
    monkeypatch.setattr("postctl.site.PARALLEL_THRESHOLD", 10_000)
    serial = load_posts(site, files, cache=False)
    assert [type(r) for r in parallel] == [type(r) for r in serial]
    assert [r.to_dict() for r in parallel[:-1]] == [r.to_dict() for r in serial[:-1]]
    assert str(parallel[-1]) == str(serial[-1])
    monkeypatch.setattr("postctl.site.PARALLEL_THRESHOLD", 10)
    cached = load_posts(site, files, jobs=2)  # fills the cache through the workers
    again = load_posts(site, files, jobs=2)
    assert [repr(r.data) for r in again[:-1]] == [repr(r.data) for r in cached[:-1]]


# -- the round trip ------------------------------------------------------------------------

zones = st.one_of(
    st.none(),
    st.just(timezone.utc),
    st.integers(-23 * 60, 23 * 60).map(lambda m: timezone(timedelta(minutes=m))),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.dates(),
    st.datetimes(timezones=zones),
    st.times(timezones=zones),
    st.binary(max_size=8),
)
keys = st.one_of(st.text(max_size=8), st.integers(), st.booleans(), st.dates(), st.just("\x00type"))
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=4),
        st.lists(scalars, max_size=3).map(tuple),
    ),
    max_leaves=12,
)


def typed(value):
    """A value's repr with every type spelled out (True == 1 and date == date would hide bugs)."""
    if isinstance(value, dict):
        return ("dict", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [typed(v) for v in value])
    tz = getattr(value, "tzinfo", None)
    return (type(value).__name__, repr(value), repr(tz), getattr(value, "fold", None))


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.text(max_size=8), values, max_size=5))
def test_round_trip_keeps_every_type(data):
    post = Post(path=Path("/x/p.md"), kind="hugo", data=data)
    for again in (Post.from_json(post.to_json()), Post.from_dict(post.to_dict())):
        assert typed(again.data) == typed(data)


def test_round_trip_of_real_posts(tmp_path):
    path = write(
        tmp_path / "p.md",
        b"\xef\xbb\xbf---\r\ntitle: T\r\nwhen: 2024-01-02 03:04:05.123456 +05:30\r\n"
        b"day: 2024-01-02\r\nn: .inf\r\ntitle: again\r\nset: !!set {a, b}\r\n---\r\nbody\r\n",
    )
    post = load_post(path, "jekyll", drafts_folder=True, categories_from_path=("a", "b"))
    again = Post.from_json(post.to_json())
    assert again.to_dict() == post.to_dict()
    assert typed(again.data) == typed(post.data)
    assert again.data["when"].utcoffset() == timedelta(hours=5, minutes=30)
    assert type(again.data["day"]) is date and again.bom and again.newline == "\r\n"
    assert again.duplicate_keys == post.duplicate_keys == [("title", 6, 1)]
    assert again.body == "body\r\n" and again.categories == post.categories
    assert (again.title, again.date, again.draft) == (post.title, post.date, post.draft)


def test_jekyll_sites_timezone_dates_posts_alike_cached_or_not(tmp_path, monkeypatch):
    """Post.parsed_date is in a Jekyll site's `timezone`: whole posts (records, also sent back
    by worker processes) carry the zone, and the cache is dropped when `timezone` changes."""
    root = tmp_path / "blog"
    write(root / "_config.yml", "timezone: Asia/Tokyo\n")
    for i in range(4):
        write(root / f"_posts/2024-07-0{i + 1}-p{i}.md", f"---\ndate: 2024-06-30 2{i}:30:00\n---\n")

    tokyo = [f"2024-07-01T0{5 + i}:30:00+09:00" for i in range(4)]
    assert post_dates(root, cache=False) == post_dates(root) == post_dates(root) == tokyo
    monkeypatch.setattr("postctl.site.PARALLEL_THRESHOLD", 2)
    assert post_dates(root, jobs=2, cache=False) == tokyo
    write(root / "_config.yml", "timezone: UTC\n")
    assert (
        post_dates(root)
        == post_dates(root, jobs=2, cache=False)
        == [f"2024-06-30T2{i}:30:00+00:00" for i in range(4)]
    )


def test_unencodable_values_are_refused():
    post = Post(path=Path("p.md"), data={"x": object()})
    with pytest.raises(TypeError):
        post.to_json()


@pytest.mark.parametrize("name", ["blog", "hugo"])
def test_summaries_equal_the_posts_they_summarize(name, tmp_path, monkeypatch):
    import shutil

    from conftest import EXAMPLES

    from postctl.summary import summary_fields

    root = tmp_path / name
    shutil.copytree(EXAMPLES / name, root)
    site = find_site(root)
    files = collect(site)
    posts = load_posts(site, files, cache=False)

    def fields(item):
        return (str(item.path), *summary_fields(item)[1:])

    expected = [fields(p) for p in posts]
    cold = list(iter_posts(site, files, summaries=True))
    warm = list(iter_posts(site, files, summaries=True))
    plain = list(iter_posts(site, files, summaries=True, cache=False))
    monkeypatch.setattr("postctl.site.PARALLEL_THRESHOLD", 2)
    parallel = list(iter_posts(site, files, jobs=2, summaries=True, cache=False))
    for results in (cold, warm, plain, parallel):
        assert [fields(s) for s in results] == expected


def test_cli_sees_every_change_through_the_summaries(site_root, run):
    def titles_listed():
        result = run("list", site_root, "--columns", "title", "--sort", "path")
        return [line.strip() for line in result.stdout.splitlines()[1:]]

    assert titles_listed() == ["Post 0", "Post 1", "Post 2"]
    p1 = site_root / "_posts/2024-01-02-p1.md"
    st = p1.stat()
    p1.write_text(p1.read_text().replace("Post 1", "Post X"))
    os.utime(p1, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert titles_listed() == ["Post 0", "Post X", "Post 2"]
    write(site_root / "_posts/2024-01-09-bad.md", "---\ntitle: [x\n---\n")
    for _ in range(2):  # the second time the error comes from the cache
        result = run("list", site_root, "--count")
        assert (result.exit_code, result.stdout) == (1, "3\n")
        assert "2024-01-09-bad.md:3:1: PC004" in result.stderr
    # Whole posts (json, --where) come from the records, summaries (table) from their table.
    result = run("list", site_root, "-f", "json", "--where", "title=Post X")
    assert [r["title"] for r in __import__("json").loads(result.stdout)] == ["Post X"]
    # A custom field needs whole posts; Jekyll takes its string whole (it splits only tags and
    # categories).
    result = run("tags", site_root, "--field", "title", "-f", "csv")
    assert result.stdout == "term,posts\nPost 0,1\nPost 2,1\nPost X,1\n"


def test_help_says_how_terms_are_compared(run):
    for command in ("list", "tags", "stats"):
        text = " ".join(run(command, "--help").stdout.replace("│", " ").split())
        assert "case-insensitively on Hugo sites" in text, command


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("ab[] \x1f\"'"), max_size=4), max_size=4))
def test_packed_terms_round_trip(terms):
    from postctl.summary import pack_terms, unpack_terms

    assert unpack_terms(pack_terms(terms)) == terms


# -- a warm run split with a forked process --------------------------------------------------


class ForkSpy:
    """Records whether each forked child's answer was used (so a test knows the split ran)."""

    def __init__(self, monkeypatch):
        from contextlib import contextmanager

        self.used: list[bool] = []
        original = cache_module.forked

        @contextmanager
        def spying(fn):
            with original(fn) as theirs:

                def result():
                    answer = theirs()
                    self.used.append(answer is not None)
                    return answer

                yield result

        monkeypatch.setattr(cache_module, "forked", spying)


def split_site(root):
    write(root / "hugo.toml", "")
    for i in range(40):
        write(
            root / f"content/p{i:02d}.md",
            f"---\ntitle: P{i}\ndate: 2024-01-{i % 28 + 1:02d}\ntags: [t{i % 3}, T{i % 3}]\n"
            f"draft: {'true' if i % 5 == 0 else 'false'}\n---\n",
        )
    write(root / "content/p05-bad.md", "---\ntitle: [x\n---\n")
    write(root / "content/p35-bad.md", "---\n: :\n---\n")
    return root


def test_a_warm_run_split_with_a_forked_process_gives_the_same(tmp_path, monkeypatch):
    from postctl.listing import PostFilter, list_entry

    root = split_site(tmp_path / "site")
    site = find_site(root)
    files = [str(f) for f in collect(site)]
    each = PostFilter(drafts="exclude").applied(list_entry(lambda p: (p.title, p.tags)))

    def run_through_cache():
        return [
            str(r) if isinstance(r, PostError) else r
            for r in iter_posts(site, files, jobs=2, complete=True, summaries=True, each=each)
        ]

    one_process = [
        str(r) if isinstance(r, PostError) else r
        for r in iter_posts(site, files, summaries=True, cache=False, each=each)
    ]
    assert run_through_cache() == one_process  # cold: the cache is filled
    spy = ForkSpy(monkeypatch)
    monkeypatch.setattr(cache_module, "SPLIT_THRESHOLD", 4)
    assert run_through_cache() == one_process  # warm, split
    # Stale entries in both halves (an edit, a garbage summary) are parsed again here; the
    # entry of a deleted file is not taken for anything, an added file is parsed.
    (root / "content/p01.md").write_text("---\ntitle: Edited\ntags: [new]\n---\n")
    with sqlite3.connect(root / CACHE_DIR / DATABASE) as db:
        db.execute("UPDATE summaries SET summary = 'garbage' WHERE path LIKE '%p30.md'")
    (root / "content/p22.md").unlink()
    write(root / "content/p22a.md", "---\ntitle: Added\n---\n")
    files = [str(f) for f in collect(site)]
    one_process = [
        str(r) if isinstance(r, PostError) else r
        for r in iter_posts(site, files, summaries=True, cache=False, each=each)
    ]
    assert run_through_cache() == one_process
    assert spy.used == [True, True]
    assert any(r == (None, ("Edited", ["new"])) for r in one_process)  # undated, so no key
    assert sum(isinstance(r, str) for r in one_process) == 2  # both broken files, in order


def test_a_parallel_parse_makes_each_where_each_post_is_parsed(tmp_path, monkeypatch):
    """Helpers parsing the posts beside this process (no cache, or a cold one) make `each` of
    theirs themselves (a closure: the fork carries it), and send back what marshal carries or,
    when it cannot, the objects; the cache they fill gives the same again."""
    from postctl.listing import PostFilter

    root = split_site(tmp_path / "site")
    site = find_site(root)
    files = [str(f) for f in collect(site)]
    parent = os.getpid()
    share = BothTakeAShare(tmp_path)

    def made_where(post):
        share()
        return post.title, post.tags, os.getpid()

    def results(each, **options):
        return [
            str(r) if isinstance(r, PostError) else r
            for r in iter_posts(site, files, summaries=True, each=each, **options)
        ]

    where = PostFilter(drafts="exclude").applied(made_where)
    dated = PostFilter(drafts="exclude").applied(lambda p: (p.title, p.parsed_date))
    share.alone()
    expected = [results(where, cache=False), results(dated, cache=False)]
    monkeypatch.setattr("postctl.site.PARALLEL_THRESHOLD", 10)
    assert results(dated, jobs=2, cache=False) == expected[1]  # dates: pickled
    for cache, shared in ((False, True), (True, True), (True, False)):  # cold, then warm
        if shared:
            share.start()
        made = results(where, jobs=2, cache=cache)
        assert [r[:2] if isinstance(r, tuple) else r for r in made] == [
            r[:2] if isinstance(r, tuple) else r for r in expected[0]
        ]
        pids = {r[2] for r in made if isinstance(r, tuple)}
        assert (parent in pids and len(pids) == 2) if shared else pids == {parent}


def test_a_failed_child_leaves_the_work_to_this_process(tmp_path, monkeypatch):
    root = split_site(tmp_path / "site")
    site = find_site(root)
    files = collect(site)
    list(iter_posts(site, files, summaries=True))  # fills the cache
    monkeypatch.setattr(cache_module, "SPLIT_THRESHOLD", 4)
    spy = ForkSpy(monkeypatch)

    def title_or_fail(post):
        if os.getpid() != parent:
            raise RuntimeError("fails in the child only")
        return post.title

    parent = os.getpid()
    titles = list(iter_posts(site, files, jobs=2, summaries=True, each=title_or_fail))
    assert spy.used == [False]
    expected = [
        r if isinstance(r, PostError) else r.title
        for r in iter_posts(site, files, summaries=True, cache=False)
    ]
    assert [str(t) for t in titles] == [str(t) for t in expected]


def test_forked_hands_back_what_the_child_made():
    from postctl.site import forked

    with forked(lambda: {"pid": os.getpid(), "rows": [("a", 1), ("b", None)]}) as theirs:
        answer = theirs()
    assert answer["rows"] == [("a", 1), ("b", None)] and answer["pid"] != os.getpid()
    with forked(None) as theirs:
        assert theirs() is None
    with forked(lambda: 1 / 0) as theirs:
        assert theirs() is None  # the child failed
    with forked(lambda: object()) as theirs:
        assert theirs() is None  # not plain data
    with pytest.raises(KeyError), forked(lambda: __import__("time").sleep(60)) as theirs:
        raise KeyError("the body failed: the child is killed and reaped")
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child left behind


def test_list_and_tags_print_the_same_whether_split_or_not(tmp_path, monkeypatch, run):
    root = split_site(tmp_path / "site")
    commands = [
        ("list",),
        ("list", "-f", "csv", "--columns", "title,tags,draft", "--sort", "title"),
        ("list", "-f", "paths", "--tag", "t1", "--no-drafts"),
        ("list", "--count", "--since", "2024-01-10"),
        ("tags",),
        ("tags", "-f", "json", "--similar"),
        ("categories", "-f", "csv"),
        ("list", "content", "--sort", "path"),  # posts named: their entries are looked up
    ]

    def outputs():
        results = [run(*command, cwd=root) for command in commands]
        return [(r.exit_code, r.stdout, r.stderr) for r in results]

    run("list", cwd=root)  # fills the cache
    whole = outputs()
    spy = ForkSpy(monkeypatch)
    monkeypatch.setattr(cache_module, "SPLIT_THRESHOLD", 4)
    assert outputs() == whole
    assert spy.used and all(spy.used)
    assert whole[0][0] == 1 and "p05-bad.md:3:1: PC004" in whole[0][2]  # broken posts named


def test_cached_summaries_are_decoded_as_they_are_asked_for(tmp_path, monkeypatch):
    """A consumer such as retag's writers starts on the first posts before the rest are
    decoded."""
    from postctl.summary import PostSummary

    root = split_site(tmp_path / "site")
    site = find_site(root)
    files = collect(site)
    list(iter_posts(site, files, summaries=True))  # fills the cache
    decoded = []
    original = PostSummary.from_text.__func__
    monkeypatch.setattr(
        PostSummary,
        "from_text",
        classmethod(lambda cls, text, path: decoded.append(path) or original(cls, text, path)),
    )
    stream = iter_posts(site, files, summaries=True)
    first = next(stream)
    assert first.title == "P0" and len(decoded) == 1
    assert len(list(stream)) == len(files) - 1 and len(decoded) == len(files) - 2  # 2 errors


@pytest.mark.parametrize(
    ("command", "database"), [("list", "posts.sqlite"), ("lint", "lint.sqlite")]
)
def test_a_cache_held_by_another_run_is_used_later_not_deleted(run, tmp_path, command, database):
    # SQLITE_BUSY (another run committing) was taken for corruption and the file deleted under
    # the other run (sqlite.org/howtocorrupt.html, 2.4): now this run does without the cache.
    write(tmp_path / "hugo.toml", 'baseURL = "https://example.org/"\n')
    for name in ("a", "b"):
        write(tmp_path / "content" / f"{name}.md", f"---\ntitle: {name}\n---\nbody\n")
    first = run(command, tmp_path)
    path = tmp_path / ".postctl-cache" / database
    inode = os.stat(path).st_ino
    other_run = sqlite3.connect(path, isolation_level=None)
    try:
        other_run.execute("BEGIN EXCLUSIVE")
        held = run(command, tmp_path)
        other_run.execute("ROLLBACK")
    finally:
        other_run.close()
    assert (held.exit_code, held.stdout) == (first.exit_code, first.stdout)
    assert os.stat(path).st_ino == inode


# A name from a Latin-1 archive: SQLite text cannot hold its surrogate escapes, and every cached
# run ended in a traceback (UnicodeEncodeError, then "generator didn't yield").
@pytest.mark.skipif(os.name != "posix", reason="a non-UTF-8 file name needs a POSIX file system")
@pytest.mark.parametrize(
    "command",
    [["stats"], ["tags"], ["list", "--count"], ["lint"]],
    ids=["stats", "tags", "list", "lint"],
)
def test_cache_survives_a_file_name_that_is_not_utf8(run, tmp_path, command):
    site = latin1_named_post(tmp_path)
    uncached = run(*command, site, "--no-cache")
    assert uncached.exit_code == 0, uncached.stderr
    for _ in range(2):  # the run that fills the cache, then one that reads it
        cached = run(*command, site)
        assert (cached.exit_code, cached.stdout) == (0, uncached.stdout), cached.stderr
    assert (site / CACHE_DIR).is_dir()


@pytest.mark.skipif(os.name != "posix", reason="a non-UTF-8 file name needs a POSIX file system")
def test_a_file_name_that_is_not_utf8_is_parsed_on_every_run(tmp_path, monkeypatch):
    site_root = latin1_named_post(tmp_path)
    write(site_root / "sub/more.md", "---\ntitle: More\n---\n")  # paths on both sides of it
    first = load(site_root)
    parsed = Counting(monkeypatch)
    second = load(site_root)
    assert parsed.take() == [os.fsdecode(b"caf\xe9.md")]  # the others come from the cache
    assert [p.to_dict() for p in first] == [p.to_dict() for p in second]
    site = find_site(site_root)
    names = [str(p) for p in collect(site)]
    for complete in (True, False):  # a range scan, and lookups by path
        assert titles(iter_posts(site, names, complete=complete)) == titles(first)


def test_a_failed_cache_write_is_rolled_back_and_other_errors_are_raised(tmp_path):
    connection = sqlite3.connect(tmp_path / "c.sqlite", isolation_level=None)
    connection.execute("CREATE TABLE t (v TEXT)")

    def insert_then_fail(c):
        c.execute("INSERT INTO t VALUES ('kept back')")
        c.execute("INSERT INTO missing VALUES (1)")

    assert not cache_module.write_transaction(connection, insert_then_fail)

    def not_sqlite(c):
        c.execute("INSERT INTO t VALUES ('kept back')")
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        cache_module.write_transaction(connection, not_sqlite)
    assert not connection.in_transaction  # else every later write fails on BEGIN
    assert cache_module.write_transaction(
        connection, lambda c: c.execute("INSERT INTO t VALUES ('x')")
    )
    assert connection.execute("SELECT v FROM t").fetchall() == [("x",)]


@pytest.mark.parametrize("count", [1, 99, 100, 101, 250])
def test_insert_rows_stores_every_storable_row_whatever_their_number(tmp_path, count):
    """Rows go in by statements of ROWS_PER_INSERT and one by one for the rest; a row SQLite
    cannot hold (a surrogate-escaped name) is left out, wherever it falls; a path given twice
    keeps its last row, as one INSERT OR REPLACE after the other would."""
    connection = sqlite3.connect(tmp_path / "c.sqlite", isolation_level=None)
    connection.execute("CREATE TABLE t (path TEXT PRIMARY KEY, n INTEGER, v TEXT) WITHOUT ROWID")
    rows = [(f"p{i:04d}", i, f"v{i}") for i in range(count)]
    rows[count // 2] = (os.fsdecode(b"caf\xe9"), -1, "not storable")
    rows.append(("p0000", 0, "last"))
    cache_module.insert_rows(connection, [("t", rows)])
    stored = connection.execute("SELECT * FROM t ORDER BY path").fetchall()
    expected = {r[0]: r for r in rows if r[1] != -1}
    assert stored == sorted(expected.values())
    assert ("p0000", 0, "last") in stored


def test_only_a_run_that_found_entries_looks_for_entries_to_drop(site_root, monkeypatch):
    pruned = []
    original = cache_module.prune_paths
    monkeypatch.setattr(
        cache_module, "prune_paths", lambda *args: pruned.append(1) or original(*args)
    )
    site = find_site(site_root)
    for summaries in (True, False):
        list(iter_posts(site, collect(site), complete=True, summaries=summaries))
    # The first run found none (its table of records was empty too); the second found some.
    assert pruned == [1]
