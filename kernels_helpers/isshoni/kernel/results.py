"""What the notebook gets back from generate() and check(): plain data with rich displays."""

from __future__ import annotations

import html

from ..checks import Finding, Report

SEVERITY_COLORS = {"error": "#d32f2f", "warning": "#f0a30a", "info": "#616161"}


class Code(dict):
    """File name -> generated text, shown as one block per file."""

    def __init__(self, fmt: str, files: dict[str, str]):
        super().__init__(files)
        self.format = fmt

    @property
    def text(self) -> str:
        """All files, one after the other (one file: just its text)."""
        if len(self) == 1:
            return next(iter(self.values()))
        return "\n".join(f"# ---- {name}\n{text}" for name, text in self.items())

    def _repr_html_(self) -> str:
        return "".join(f"<details open><summary><code>{html.escape(name)}</code> ({len(text.splitlines())} lines)</summary>"
                       f"<pre>{html.escape(text)}</pre></details>" for name, text in self.items())

    def __repr__(self) -> str:
        return f"<Code {self.format}: {', '.join(self)}>"


class Findings(list):
    """The findings of a check, worst first, shown as a table."""

    def __init__(self, report: Report):
        super().__init__(report.findings)
        self.report = report

    @property
    def ok(self) -> bool:
        return self.report.ok

    @property
    def errors(self) -> list[Finding]:
        return self.report.errors

    def to_dict(self) -> dict:
        return self.report.to_dict()

    def _repr_html_(self) -> str:
        counts = self.report.to_dict()["counts"]
        head = (f"<p><b>{'ok' if self.ok else 'not ok'}</b>: {counts['error']} error(s), {counts['warning']} warning(s), "
                f"{counts['info']} note(s)</p>")
        if not self:
            return head
        rows = "".join(
            f"<tr><td style='color:{SEVERITY_COLORS.get(f.severity, '#000')}'>{html.escape(f.severity)}</td>"
            f"<td>{html.escape(f.tool)}</td><td>{html.escape(f.rule)}</td><td>{html.escape(f.resource or '')}</td>"
            f"<td style='text-align:left'>{html.escape(f.message)}</td></tr>" for f in self)
        return (head + "<table class='isshoni-findings'><thead><tr><th>severity</th><th>tool</th><th>rule</th>"
                f"<th>resource</th><th>message</th></tr></thead><tbody>{rows}</tbody></table>")

    def __repr__(self) -> str:
        return "\n".join(str(f) for f in self) or "no findings"
