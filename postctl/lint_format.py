"""Rendering lint findings: a table grouped by file for people, one line per finding for tools,
JSON for scripts, and GitHub Actions workflow commands for annotations on pull requests.
Text from posts is escaped (`safe_text`) and never interpreted as markup."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from itertools import groupby
from pathlib import Path
from typing import IO

from postctl.lint import Finding, LintReport
from postctl.output import make_console, path_displayer, safe_text, write_json
from postctl.rules import Rule

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _where(finding: Finding, show: Callable[[Path | str], str]) -> str:
    where = show(finding.file)
    if finding.line is not None:
        where += f":{finding.line}"
        if finding.col is not None:
            where += f":{finding.col}"
    return where


def write_text(findings: Sequence[Finding], stream: IO[str] | None = None) -> None:
    """`path:line:col: CODE message [severity]`, one finding a line."""
    stream = stream or sys.stdout
    show = path_displayer()  # the current folder looked up once, not per finding
    lines: list[str] = []
    add = lines.append
    file = shown = None
    for f in findings:
        if f.file is not file:  # (a file's findings come together: its path shown once)
            file = f.file
            shown = show(file)
        line, col = f.line, f.col
        if line is not None and col is not None:  # (most findings: the location in one go)
            add(f"{shown}:{line}:{col}: {f.code} {f.message} [{f.severity}]")
        else:
            add(f"{_where(f, show)}: {f.code} {f.message} [{f.severity}]")
    if not lines:
        return
    text = "\n".join(lines)
    if not _plain_lines(text, len(lines)):
        text = "\n".join(map(safe_text, lines))
    stream.write(text + "\n")


# The ASCII characters `safe_text` leaves as they are.
_PLAIN_ASCII = bytes(range(0x20, 0x7F)) + b"\t"


def _plain_lines(text: str, count: int) -> bool:
    """Whether `count` lines joined by line breaks (`text`) are plain ASCII without a control
    character, so that `safe_text` would leave each as it is: then it need not run line by
    line (12,000 findings of a large site)."""
    if not text.isascii():
        return False
    return not text.encode("ascii").translate(None, _PLAIN_ASCII + b"\n") and (
        text.count("\n") == count - 1
    )


def write_github(findings: Sequence[Finding], stream: IO[str] | None = None) -> None:
    """Workflow commands (`::error file=...,line=...::message`) that GitHub Actions shows as
    annotations on the pull request's changed lines."""
    stream = stream or sys.stdout
    show = path_displayer()
    file = shown = None
    for f in findings:
        if f.file is not file:  # (a file's findings come together: its path escaped once)
            file = f.file
            shown = _gh_property(safe_text(show(file)))
        props = [f"file={shown}"]
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
    show = path_displayer()
    write_json([f.as_dict(show(f.file)) for f in findings], stream)


def summary(report: LintReport) -> str:
    if not report.findings:
        return f"No problems found in {_plural(report.files, 'file')}."
    counts = [
        _plural(report.count(s), s if s != "info" else "info", s != "info")
        for s in ("error", "warning", "info")
        if report.count(s)
    ]
    files = len({f.file for f in report.findings})
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
    show = path_displayer()
    for path, group in groupby(report.findings, key=lambda f: f.file):
        console.print(Text(safe_text(show(path)), style="bold underline"), soft_wrap=True)
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
