"""Rendering lint findings: a table grouped by file for people, one line per finding for tools,
JSON for scripts, and GitHub Actions workflow commands for annotations on pull requests.
Text from posts is escaped (`safe_text`) and never interpreted as markup."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from itertools import groupby
from pathlib import Path
from typing import IO

from postctl.lint import Finding, LintReport
from postctl.output import display_path, make_console, safe_text, write_json
from postctl.rules import Rule


def _display(path: Path) -> str:
    """`display_path` without pathlib's cost per finding: relative to the current folder when
    below it, else as given."""
    text = str(path)
    prefix = os.path.join(os.getcwd(), "")
    if text.startswith(prefix):
        return text[len(prefix) :]
    return text if path.is_absolute() else display_path(path)


SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _where(finding: Finding) -> str:
    where = _display(finding.path)
    if finding.line is not None:
        where += f":{finding.line}"
        if finding.col is not None:
            where += f":{finding.col}"
    return where


def write_text(findings: Sequence[Finding], stream: IO[str] | None = None) -> None:
    """`path:line:col: CODE message [severity]`, one finding a line."""
    stream = stream or sys.stdout
    for f in findings:
        stream.write(safe_text(f"{_where(f)}: {f.code} {f.message} [{f.severity}]") + "\n")


def write_github(findings: Sequence[Finding], stream: IO[str] | None = None) -> None:
    """Workflow commands (`::error file=...,line=...::message`) that GitHub Actions shows as
    annotations on the pull request's changed lines."""
    stream = stream or sys.stdout
    for f in findings:
        props = [f"file={_gh_property(_display(f.path))}"]
        if f.line is not None:
            props.append(f"line={f.line}")
            if f.col is not None:
                props.append(f"col={f.col}")
        props.append(f"title={_gh_property(f'{f.code} {f.name}')}")
        level = GITHUB_LEVEL[f.severity]
        stream.write(f"::{level} {','.join(props)}::{_gh_data(safe_text(f.message))}\n")


def _gh_data(text: str) -> str:
    # Escaping from @actions/core's command.ts (escapeData / escapeProperty).
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def write_findings_json(findings: Sequence[Finding], stream: IO[str] | None = None) -> None:
    write_json([f.as_dict(_display(f.path)) for f in findings], stream)


def summary(report: LintReport) -> str:
    if not report.findings:
        return f"No problems found in {_plural(report.files, 'file')}."
    counts = [
        _plural(report.count(s), s if s != "info" else "info", s != "info")
        for s in ("error", "warning", "info")
        if report.count(s)
    ]
    files = len({f.path for f in report.findings})
    text = f"{', '.join(counts)} in {files} of {_plural(report.files, 'file')}"
    fixable = sum(1 for f in report.findings if f.fixable)
    if fixable:
        text += f"; {fixable} fixable with --fix"
    return text + "."


def _plural(n: int, word: str, inflect: bool = True) -> str:
    return f"{n} {word}{'s' if inflect and n != 1 else ''}"


def write_table(report: LintReport) -> None:
    """Findings grouped by file, coloured on a terminal, then a summary line."""
    from rich.text import Text

    console = make_console()
    for path, group in groupby(report.findings, key=lambda f: f.path):
        console.print(Text(safe_text(_display(path)), style="bold underline"), soft_wrap=True)
        for f in group:
            where = f"{f.line or ''}:{f.col or ''}" if f.line is not None else "-"
            line = Text("  ")
            line.append(f"{where:>8}  ", style="dim")
            line.append(f"{f.severity:<7}  ", style=SEVERITY_STYLE[f.severity])
            line.append(f"{f.code}  ", style="bold")
            line.append(safe_text(f.message))
            line.append(f"  {f.name}", style="dim")
            console.print(line, soft_wrap=True)
        console.print()
    style = "bold red" if report.failed() else "bold green" if not report.findings else "bold"
    console.print(Text(summary(report), style=style))


def write_rules(rules: Sequence[Rule], fmt: str) -> None:
    if fmt == "json":
        write_json(
            [
                {
                    "code": r.code,
                    "name": r.name,
                    "severity": r.severity,
                    "fixable": r.fixable,
                    "scope": r.scope,
                    "summary": r.summary,
                    "explanation": r.explanation,
                }
                for r in rules
            ]
        )
        return
    from postctl.output import write_records

    rows = [
        {
            "code": r.code,
            "name": r.name,
            "severity": r.severity,
            "fix": "yes" if r.fixable else "",
            "summary": r.summary,
        }
        for r in rules
    ]
    write_records(fmt, ("code", "name", "severity", "fix", "summary"), rows)


def explain(rule: Rule) -> str:
    fixable = ", fixable with --fix" if rule.fixable else ""
    scope = ", site-wide" if rule.scope == "site" else ""
    import textwrap

    return (
        f"{rule.code} {rule.name} ({rule.severity}{fixable}{scope})\n\n"
        f"{rule.summary}.\n\n{textwrap.fill(rule.explanation, 88)}\n"
    )
