"""PostSummary's text form and the date texts a warm `list` shows and sorts by."""

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from postctl.listing import date_cell
from postctl.model import ParsedDate
from postctl.output import cell
from postctl.summary import PostSummary

zones = st.one_of(
    st.none(),
    st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m))),
)
datetimes = st.builds(
    lambda dt, tz: dt.replace(tzinfo=tz),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    zones,
)
midnights = st.dates().map(lambda d: datetime(d.year, d.month, d.day))


@settings(max_examples=300, deadline=None)
@given(st.one_of(datetimes, midnights))
def test_date_cell_is_cell_of_the_datetime(value):
    assert date_cell(value.isoformat()) == cell(value)


@settings(max_examples=300, deadline=None)
@given(datetimes, datetimes)
def test_date_order_texts_sort_as_the_instants(a, b):
    ka = ParsedDate(a, True, a.tzinfo is not None).sort_key
    kb = ParsedDate(b, True, b.tzinfo is not None).sort_key
    ta, tb = ka.isoformat(), kb.isoformat()
    assert (ta < tb) == (ka < kb) and (ta == tb) == (ka == kb)


texts = st.text(alphabet=st.sampled_from('ab [\x1e\x1f\x00"é'), max_size=5)


@settings(max_examples=300, deadline=None)
@given(
    title=st.one_of(st.none(), texts),
    date=st.one_of(st.none(), datetimes),
    has_time=st.booleans(),
    source=st.one_of(st.none(), st.sampled_from(["front matter", "file name"])),
    tags=st.lists(texts, max_size=3),
    categories=st.lists(texts, max_size=3),
    authors=st.lists(texts, max_size=2),
    draft=st.booleans(),
    slug=st.one_of(st.none(), texts),
    fmt=st.sampled_from([None, "yaml", "toml", "json"]),
)
def test_text_round_trip(
    title, date, has_time, source, tags, categories, authors, draft, slug, fmt
):
    parsed = ParsedDate(date, has_time, date.tzinfo is not None) if date else None
    summary = PostSummary(
        "/site/p.md",
        "hugo",
        title,
        date.isoformat() if date else None,
        parsed.sort_key.isoformat() if parsed else None,
        parsed.has_time if parsed else False,
        parsed.has_zone if parsed else False,
        source,
        tags,
        categories,
        authors,
        draft,
        slug,
        fmt,
    )
    back = PostSummary.from_text(summary.to_text(), "/site/p.md")
    for name in PostSummary.__slots__:
        if name != "_parsed":
            assert getattr(back, name) == getattr(summary, name), name
    assert back.parsed_date == parsed
