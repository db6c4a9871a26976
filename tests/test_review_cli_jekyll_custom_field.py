"""Review findings (review-cli): a custom list field on a Jekyll site (`--field series`,
`--field author`). Jekyll splits a string on whitespace only for `tags` and `categories`
(Document#populate_tags / #populate_categories through Utils.pluralized_array_from_hash);
any other key's string is one value. `postctl tags --field series` counted `Deep` and `Dive`
for `series: Deep Dive`, and `retag --field series "Deep Dive" ...` passed that post over
without a word (exit 0), while `list --where "series=Deep Dive"` matched it."""

from __future__ import annotations

import json

from conftest import write


def make_site(tmp_path):
    write(tmp_path / "_config.yml", "title: x\n")
    write(tmp_path / "_posts" / "2024-01-01-a.md", "---\ntitle: a\nseries: Deep Dive\n---\n")
    write(tmp_path / "_posts" / "2024-01-02-b.md", "---\ntitle: b\nseries: [Deep Dive]\n---\n")
    return tmp_path


def test_tags_of_a_custom_field_take_a_string_whole(run, tmp_path):
    site = make_site(tmp_path)
    result = run("tags", "--field", "series", "-f", "json", site)
    assert result.exit_code == 0, result.stderr
    assert {row["term"]: row["posts"] for row in json.loads(result.stdout)} == {"Deep Dive": 2}


def test_retag_of_a_custom_field_renames_a_string_value(run, tmp_path):
    site = make_site(tmp_path)
    result = run("retag", "--field", "series", "Deep Dive", "Deep Dives", site)
    assert result.exit_code == 0, result.stderr
    assert (site / "_posts" / "2024-01-01-a.md").read_text() == (
        "---\ntitle: a\nseries: Deep Dives\n---\n"
    )
    assert (site / "_posts" / "2024-01-02-b.md").read_text() == (
        "---\ntitle: b\nseries: [Deep Dives]\n---\n"
    )
