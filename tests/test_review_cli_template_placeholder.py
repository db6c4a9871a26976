"""Review findings (review-cli): `postctl new --template` with a placeholder inside a longer
plain value (`description: Notes on {title}`). For the title `Issue #42` postctl wrote
`description: Notes on 'Issue #42'`, which YAML reads as "Notes on 'Issue": ` #42'` became a
comment. The file parsed, so nothing was reported; the new post silently carries another value
than the template and title say. Each placeholder must give its text in the value it sits in."""

from __future__ import annotations

import json

import pytest
from conftest import write


@pytest.mark.parametrize("title", ["Issue #42", "C# tips", "Plain words"])
def test_a_placeholder_inside_a_value_gives_the_title_text(run, tmp_path, title):
    write(tmp_path / "hugo.toml", "title = 'x'\n")
    (tmp_path / "content" / "posts").mkdir(parents=True)
    template = write(
        tmp_path / "template.md", "---\ntitle: {title}\ndescription: Notes on {title}\n---\n"
    )
    created = run("new", title, "--slug", "p", "--template", template, cwd=tmp_path)
    assert created.exit_code == 0, created.stderr
    listed = run("list", "-f", "json", tmp_path)
    [post] = json.loads(listed.stdout)
    assert post["front_matter"]["title"] == title
    assert post["front_matter"]["description"] == f"Notes on {title}"


def test_a_placeholder_inside_a_toml_string_gives_the_title_text(run, tmp_path):
    # `description = "Notes on {title}"` became `description = "Notes on 'Plain'"`.
    write(tmp_path / "hugo.toml", "title = 'x'\n")
    (tmp_path / "content" / "posts").mkdir(parents=True)
    template = write(
        tmp_path / "template.md", '+++\ntitle = "{title}"\ndescription = "Notes on {title}"\n+++\n'
    )
    created = run("new", "Plain", "--template", template, cwd=tmp_path)
    assert created.exit_code == 0, created.stderr
    [post] = json.loads(run("list", "-f", "json", tmp_path).stdout)
    assert post["front_matter"]["description"] == "Notes on Plain"
