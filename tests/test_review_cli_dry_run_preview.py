"""Review findings (review-cli): `retag --dry-run` previews a run. For a read-only file and a
file with several hard links it said `would change` and exited 0, while the same run without
--dry-run skipped both ("is read-only", "has 2 hard links") and exited 1. The preview must
name the files the run will skip, with the same exit code."""

from __future__ import annotations

import json
import os

from conftest import write


def make_site(tmp_path):
    write(tmp_path / "postctl.toml", "")
    read_only = write(tmp_path / "read-only.md", "---\ntitle: a\ntags: [x]\n---\n")
    read_only.chmod(0o444)
    linked = write(tmp_path / "linked.md", "---\ntitle: b\ntags: [x]\n---\n")
    os.link(linked, tmp_path / "elsewhere.txt")
    return tmp_path


def statuses(result):
    return {row["path"].rsplit("/", 1)[-1]: row["status"] for row in json.loads(result.stdout)}


def test_dry_run_names_the_files_the_run_skips(run, tmp_path):
    site = make_site(tmp_path)
    preview = run("retag", "x", "y", "--dry-run", "-f", "json", site)
    done = run("retag", "x", "y", "-f", "json", site)
    assert statuses(done) == {"read-only.md": "skipped", "linked.md": "skipped"}
    assert statuses(preview) == statuses(done)
    assert preview.exit_code == done.exit_code == 1
