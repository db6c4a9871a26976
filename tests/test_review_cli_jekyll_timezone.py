"""Review findings (review-cli): PC302 (file name and `date` disagree) on a Jekyll site with a
`timezone`. Jekyll reads a post's date through Utils.parse_date, `Time.parse(input).localtime`,
in the zone `_config.yml` names (Jekyll.set_timezone), and its URL takes the day from that.
`date: 2024-01-01 23:30:00 -0800` on a `timezone: UTC` site is 2024-01-02 07:30 UTC: the post is
dated (and its URL made) on the 2nd. PC302 compared the day in the offset as written, so it
warned where Jekyll agrees with the file name and kept silent where it does not."""

from __future__ import annotations

import json

from conftest import write

LATE_EVENING_IN_CALIFORNIA = "2024-01-01 23:30:00 -0800"  # 2024-01-02 07:30 UTC


def pc302(run, site):
    result = run("lint", "-f", "json", "--select", "PC302", site)
    return sorted(f["path"].rsplit("/", 1)[-1] for f in json.loads(result.stdout))


def test_the_file_name_is_checked_against_the_day_in_the_site_timezone(run, tmp_path):
    write(tmp_path / "_config.yml", "timezone: UTC\n")
    post = "---\ntitle: {title}\ndate: " + LATE_EVENING_IN_CALIFORNIA + "\n---\n"
    write(tmp_path / "_posts" / "2024-01-01-named-first.md", post.format(title="First"))
    write(tmp_path / "_posts" / "2024-01-02-named-second.md", post.format(title="Second"))
    assert pc302(run, tmp_path) == ["2024-01-01-named-first.md"]
