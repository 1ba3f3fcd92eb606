"""Problems found by the checkers, and the ways they are printed.

This module owns the one shape every checker reports in (``gotmpl check`` for
templates, ``injector check`` for workloads): a :class:`Diagnostic` with a
place (file, line, column; line 0 when the problem has no line), a severity, a
message and a rule id, and the output formats both commands offer:

* ``text``: ``file:line:col: severity: message [rule]``, one per line, the
  shape compilers and editors understand;
* ``json``: a list of objects;
* ``sarif``: SARIF 2.1.0, for code-scanning tools;
* ``github``: GitHub Actions workflow commands (``::error file=...``), which
  annotate the pull request's diff.

and the exit status: 0 clean (warnings alone unless strict), 1 problems.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Iterable

__all__ = ["Diagnostic", "ERROR", "WARNING", "FORMATS", "render", "exit_status", "sort_key"]

ERROR = "error"
WARNING = "warning"
FORMATS = ("text", "json", "sarif", "github")


@dataclasses.dataclass(frozen=True)
class Diagnostic:
    """One problem: where, how bad, what, and which rule found it."""

    file: str
    line: int  # 1-based; 0 when the problem belongs to the whole file or document
    column: int  # 1-based; 0 when unknown
    severity: str  # ERROR or WARNING
    message: str
    rule: str

    def text(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        return f"{where}: {self.severity}: {self.message} [{self.rule}]"

    def as_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


def sort_key(d: Diagnostic) -> tuple[str, int, int, str, str]:
    return (d.file, d.line, d.column, d.rule, d.message)


def exit_status(diagnostics: Iterable[Diagnostic], strict: bool = False) -> int:
    """1 when there is an error (or, with ``strict``, a warning), else 0."""
    bad = {ERROR, WARNING} if strict else {ERROR}
    return 1 if any(d.severity in bad for d in diagnostics) else 0


def render(diagnostics: list[Diagnostic], fmt: str, tool: str, rules: dict[str, str] | None = None) -> str:
    """The diagnostics in one of FORMATS (``rules``: id -> description, for SARIF)."""
    if fmt == "text":
        return "".join(d.text() + "\n" for d in diagnostics)
    if fmt == "json":
        return json.dumps([d.as_dict() for d in diagnostics], indent=2) + "\n"
    if fmt == "github":
        return "".join(_github(d) + "\n" for d in diagnostics)
    if fmt == "sarif":
        return json.dumps(_sarif(diagnostics, tool, rules or {}), indent=2) + "\n"
    raise ValueError(f"unknown format {fmt!r}: want one of {', '.join(FORMATS)}")


def _github_escape(text: str, property_value: bool = False) -> str:
    # The workflow-command escaping of actions/toolkit (command.ts).
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def _github(d: Diagnostic) -> str:
    props = [f"file={_github_escape(d.file, True)}"]
    if d.line:
        props.append(f"line={d.line}")
        if d.column:
            props.append(f"col={d.column}")
    props.append(f"title={_github_escape(d.rule, True)}")
    return f"::{d.severity} {','.join(props)}::{_github_escape(d.message)}"


def _sarif(diagnostics: list[Diagnostic], tool: str, rules: dict[str, str]) -> dict[str, object]:
    used = sorted({d.rule for d in diagnostics} | set(rules))
    results = []
    for d in diagnostics:
        location: dict[str, object] = {"artifactLocation": {"uri": d.file}}
        if d.line:
            region: dict[str, int] = {"startLine": d.line}
            if d.column:
                region["startColumn"] = d.column
            location["region"] = region
        results.append(
            {
                "ruleId": d.rule,
                "level": "error" if d.severity == ERROR else "warning",
                "message": {"text": d.message},
                "locations": [{"physicalLocation": location}],
            }
        )
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": tool,
                        "rules": [{"id": r, "shortDescription": {"text": rules.get(r, r)}} for r in used],
                    }
                },
                "results": results,
            }
        ],
    }
