"""`isshoni eval`: how well the assistant builds what people ask for (issue 17, item 5).

A suite of requests (eval_suite.yaml: data, written by people, varied phrasing) each says what the
answer must produce: catalog types present, connections between types (source -> target), what sits
inside what, how many of a type at most, property values; every design must also lint clean with
cfn-lint, and validate with `terraform validate` when asked (`terraform=True`).  Each request is
answered on a fresh design (or on a template it names) by the offline planner, or by the configured
model; the result is a score with each request's verdict and what was missing.  A check that could
not run is said as not checked, never counted as passed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from importlib import resources as importlib_resources
from pathlib import Path

import yaml

from ..design import Design
from ..design.containers import ancestors
from .config import Assistant

SUITE = "eval_suite.yaml"


@dataclass
class Case:
    id: str
    request: str
    types: list = field(default_factory=list)  # each "a" or "a|b" (any of them)
    connections: list = field(default_factory=list)  # [source, target], each "a" or "a|b"
    inside: list = field(default_factory=list)  # [type, container type]: some resource of it has such an ancestor
    at_most: dict = field(default_factory=dict)  # type -> most resources of it
    properties: dict = field(default_factory=dict)  # type -> {property: value} some resource of it has
    start: str | None = None  # a template the request is asked on (an edit), else a new design
    case: str = ""  # the case it phrases, if any


@dataclass
class Result:
    case: Case
    missing: list = field(default_factory=list)
    lint_errors: int | None = None  # None: not checked
    terraform_errors: int | None = None
    seconds: float = 0.0
    error: str = ""
    checked_terraform: bool = False  # asked for: None above then means it could not run

    @property
    def passed(self) -> bool:
        return not self.missing and not self.error and self.lint_errors == 0 and self.terraform_errors in (0, None)

    @property
    def verdict(self) -> str:
        if self.passed:
            return "pass" if self.terraform_errors is not None or not self.checked_terraform else "pass (terraform not checked)"
        return "error" if self.error else "fail"

    def to_dict(self) -> dict:
        return {"id": self.case.id, "request": self.case.request, "passed": self.passed, "verdict": self.verdict, "missing": self.missing,
                "lint_errors": self.lint_errors, "terraform_errors": self.terraform_errors,
                "seconds": round(self.seconds, 2), "error": self.error}


def load(path: str | Path | None = None) -> list[Case]:
    """The suite shipped with the package, or one at `path` (the same YAML shape)."""
    text = Path(path).read_text("utf-8") if path else importlib_resources.files(__package__).joinpath(SUITE).read_text("utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, list):
        raise ValueError(f"{path or SUITE}: a list of requests expected")
    cases = []
    for i, item in enumerate(data):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not isinstance(item.get("request"), str):
            raise ValueError(f"{path or SUITE}: item {i} needs an id and a request")
        unknown = set(item) - set(Case.__dataclass_fields__)
        if unknown:
            raise ValueError(f"{path or SUITE}: {item['id']}: unknown field(s) {', '.join(sorted(unknown))}")
        cases.append(Case(**item))
    return cases


def _any(spec: str) -> set[str]:
    return set(spec.split("|"))


def shortfalls(case: Case, design: Design) -> list[str]:
    """What the design lacks of what the case asks for (empty: everything is there)."""
    res, missing = design.resources, []
    of = lambda spec: [rid for rid, r in res.items() if r["type"] in _any(spec)]  # noqa: E731
    for spec in case.types:
        if not of(spec):
            missing.append(f"no {spec}")
    pairs = {(res[c["source"]]["type"], res[c["target"]]["type"]) for c in design.connections.values()}
    for source, target in case.connections:
        if not any(s in _any(source) and t in _any(target) for s, t in pairs):
            missing.append(f"no {source} -> {target} connection")
    for spec, container in case.inside:
        if not any(any(res[a]["type"] in _any(container) for a in ancestors(res, rid)) for rid in of(spec)):
            missing.append(f"no {spec} inside a {container}")
    for spec, most in case.at_most.items():
        if len(of(spec)) > most:
            missing.append(f"{len(of(spec))} {spec} (at most {most})")
    for spec, wanted in case.properties.items():
        if not any(all((res[rid].get("properties") or {}).get(k) == v for k, v in wanted.items()) for rid in of(spec)):
            missing.append(f"no {spec} with {wanted}")
    return missing


def run_case(case: Case, config: Assistant, terraform: bool = False) -> Result:
    from .. import templates
    from . import ask

    result = Result(case)
    started = time.perf_counter()
    design = templates.load(case.start) if case.start else Design(name="eval")
    try:
        message = ask(design, case.request, config=config, author="eval")
        if message.get("status") == "error":
            result.error = message.get("error") or message.get("text", "")[:300]
        result.missing = shortfalls(case, design)
        if not result.missing and not result.error:
            result.lint_errors, result.terraform_errors = _checked(design, terraform)
            result.checked_terraform = terraform
    except Exception as exc:  # noqa: BLE001 - one request's failure is its verdict, not the suite's end
        result.error = f"{type(exc).__name__}: {exc}"[:300]
    result.seconds = time.perf_counter() - started
    return result


def _checked(design: Design, terraform: bool) -> tuple[int | None, int | None]:
    from ..checks import check

    tools = ("cfn-lint", "terraform") if terraform else ("cfn-lint",)
    report = check(design, tools=tools)
    lint = sum(f.severity == "error" and f.tool == "cfn-lint" for f in report.findings)
    tf = None
    if terraform:  # skipped (no terraform binary, init failed) is not checked, not passed
        skipped = any(f.tool == "terraform" and f.rule == "skipped" for f in report.findings)
        tf = None if skipped else sum(f.severity == "error" and f.tool == "terraform" for f in report.findings)
    return lint, tf


def run(cases: list[Case], config: Assistant, terraform: bool = False, progress=None) -> list[Result]:
    results = []
    for case in cases:
        results.append(run_case(case, config, terraform))
        if progress:
            progress(results[-1])
    return results


def table(results: list[Result]) -> str:
    """The score and a row per request, as `isshoni eval` prints them."""
    passed = sum(r.passed for r in results)
    rows = [f"score: {passed} of {len(results)} requests passed", "", "| id | verdict | missing | cfn-lint errors | seconds |",
            "|---|---|---|---:|---:|"]
    for r in results:
        verdict = r.verdict
        said = "; ".join(r.missing) or (r.error[:80] if r.error else "")
        lint = "not checked" if r.lint_errors is None else str(r.lint_errors)
        rows.append(f"| {r.case.id} | {verdict} | {said} | {lint} | {r.seconds:.1f} |")
    return "\n".join(rows)


__all__ = ["Case", "Result", "load", "run", "run_case", "shortfalls", "table"]
