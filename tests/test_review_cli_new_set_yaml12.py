"""Review findings (review-cli): `postctl new --set` on a Hugo site types the value the YAML 1.1
way (libyaml): `--set t=1:30` writes `t: 90` and `--set a=no` writes `a: false`. Hugo reads
YAML 1.2, and so does postctl's own model on Hugo sites (`list -f json` gives the string "1:30"
and the string "no" for `t: 1:30` and `a: no` in a post): the very trap lint's PC401 warns
about, written by postctl itself. The value a post gets from `--set K=V` should be the value
the site's generator (and postctl) reads from `K: V`."""

from __future__ import annotations

import json

import pytest
from conftest import write


@pytest.mark.parametrize(
    ("given", "hugo_reads"),
    [("1:30", "1:30"), ("no", "no")],
)
def test_set_on_a_hugo_site_gives_what_hugo_reads(run, tmp_path, given, hugo_reads):
    write(tmp_path / "hugo.toml", "title = 'x'\n")
    (tmp_path / "content" / "posts").mkdir(parents=True)
    created = run("new", "Typed", "--format", "yaml", "--set", f"value={given}", cwd=tmp_path)
    assert created.exit_code == 0, created.stderr
    listed = run("list", "-f", "json", tmp_path)
    assert listed.exit_code == 0, listed.stderr
    [post] = json.loads(listed.stdout)
    assert post["front_matter"]["value"] == hugo_reads
