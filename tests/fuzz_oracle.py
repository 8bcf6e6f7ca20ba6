"""One fuzz case through the product, and the verdict on what came out.

A design is read the way `isshoni validate` and the REST routes read it; an
accepted design is then saved, put in a shared document, compiled to the
three outputs and checked by the graph rules, and every output is checked
against the others:

- the saved file is strict JSON, byte-stable, equal to the design and loads back;
- the shared document (YInfra) holds exactly the design;
- the CloudFormation YAML and JSON templates parse (strict JSON: no NaN) to the
  same data, and carry no CloudFormation meaning the compiler did not write
  (an intrinsic function or a `{{resolve:...}}` reference from user data);
- the Terraform files parse with the safety parser (in the runner, in batches).

Outcomes: `clean` (refused with the product's own error), `accepted`,
`wrong` (accepted, but saved or compiled wrong), `traceback` (any other
exception, also one the product turned into a refusal without meaning to);
`hang` and `crash` are seen by the runner.
"""

from __future__ import annotations

import json
import linecache
import math
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from fuzz_hostile import to_text
from fuzz_mutate import Case, build_text
from isshoni.catalog import UnknownType
from isshoni.checks import graph_rules
from isshoni.compiler import cloudformation, expr, resolve, terraform
from isshoni.compiler.cloudformation import PREFIX_ALNUM
from isshoni.compiler.cloudformation import PSEUDO as CFN_PSEUDO
from isshoni.design import Design, DesignError, jsonvalues
from isshoni.design.model import dumps
from isshoni.design.ops import OpError, apply_ops

OUTCOMES = ("clean", "accepted", "traceback", "hang", "crash", "wrong")
PACKAGE = str(Path(cloudformation.__file__).resolve().parents[1])  # .../isshoni


@dataclass
class Result:
    case_id: str
    outcome: str
    stage: str = ""
    detail: str = ""
    where: str = ""  # the innermost Isshoni frames of a traceback or a hang
    terraform: dict = field(default_factory=dict)  # accepted: the files still to parse
    seconds: float = 0.0


class Deadline(BaseException):
    """Raised into a case that passed its deadline (a BaseException: no `except Exception` in the
    product can swallow it)."""


class Wrong(Exception):
    """An accepted design whose saved or compiled form is wrong."""


def run(case: Case, workdir: Path) -> Result:
    """The verdict on one case (hangs and crashes are the caller's to see)."""
    check = _Check(case.id, workdir)
    start = time.perf_counter()
    try:
        design = check.read(case)
        result = Result(case.id, "clean", check.stage) if design is None else check.accepted(design)
    except Wrong as wrong:
        result = Result(case.id, "wrong", check.stage, str(wrong)[:500])
    except (Deadline, KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - every exception is a verdict (pycrdt's panics are BaseExceptions)
        outcome = "clean" if deliberate(exc) else "traceback"
        result = Result(case.id, outcome, check.stage, f"{type(exc).__name__}: {exc}"[:500], where(exc.__traceback__))
        inner = exc.__cause__ or exc.__context__
        if outcome == "traceback" and isinstance(exc, OpError) and inner is not None:
            result.detail += f" (from {type(inner).__name__}: {inner})"[:300]
            result.where = where(inner.__traceback__)
    result.seconds = time.perf_counter() - start
    return result


def deliberate(exc: BaseException) -> bool:
    """A refusal the product meant: its own error types, or a KeyError/ValueError that an Isshoni
    `raise` statement raised.  A TypeError, or a KeyError from a failed lookup, that a route turned
    into a refusal (`OpError` keeps it as its context) is a traceback in disguise."""
    if isinstance(exc, OpError):
        inner = exc.__cause__ or exc.__context__
        return inner is None or deliberate(inner)
    if isinstance(exc, (DesignError, UnknownType)):  # a DesignError lists its problems by construction
        return True
    if not isinstance(exc, (KeyError, ValueError)) or exc.__traceback__ is None:
        return False
    last = traceback.extract_tb(exc.__traceback__)[-1]
    return last.filename.startswith(PACKAGE) and linecache.getline(last.filename, last.lineno).lstrip().startswith("raise")


def where(tb) -> str:
    """The last three Isshoni frames of a traceback (or the last frame, if none is Isshoni's)."""
    frames = [f for f in traceback.extract_tb(tb) if not f.filename.endswith("fuzz_watchdog.py")] if tb else []
    ours = [f for f in frames if f.filename.startswith(PACKAGE)] or frames[-1:]
    return " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(ours[-3:]))


def warm_up(workdir: Path) -> None:
    """Load what the first refusal and the first compile import (jsonschema's format checkers
    take seconds), so that a worker forked afterwards starts warm and no case pays for it."""
    for text in (build_text("serverless_api", []), '{"version": 2}'):
        run(Case("warm-up", "file", "serverless_api", text=text), workdir)


def stage_of(tb) -> str:
    """The stage a case had reached when `tb` was raised (for a case stopped by the watchdog)."""
    for frame, _ in traceback.walk_tb(tb):
        check = frame.f_locals.get("check") if frame.f_code is run.__code__ else None
        if isinstance(check, _Check):
            return check.stage
    return ""


class _Check:
    def __init__(self, case_id: str, workdir: Path):
        self.case_id = case_id
        self.workdir = workdir
        self.stage = "load"

    # -------------------------------------------------------------- reading the case
    def read(self, case: Case) -> Design | None:
        """The design the case makes, or None when the product refused it cleanly."""
        if case.kind == "file":
            return Design.loads(case.text if case.text is not None else build_text(case.template, case.mutations))
        base = Design.loads(build_text(case.template, []))
        self.stage = "request"
        try:  # the REST handler reads its body with jsonvalues.loads and answers 400 on ValueError
            ops = jsonvalues.loads(to_text({"ops": case.ops}))["ops"]
        except ValueError:
            return None
        self.stage = "ops"
        if case.route == "rest":
            design = apply_ops(base, ops)
        else:
            design = _kernel_ops(base, ops)
        self.stage = "validate"
        problems = design.problems()
        if problems and case.route == "rest":
            raise Wrong(f"the ops were accepted but left problems: {problems[0]}")
        return None if problems else design

    # -------------------------------------------------------------- an accepted design
    def accepted(self, design: Design) -> Result:
        self.stage = "save"
        self._saved(design)
        self.stage = "ydoc"
        self._shared(design)
        self.stage = "compile"
        try:
            resolved = resolve(design)
            yaml_text = cloudformation.to_yaml(resolved)
            json_text = cloudformation.to_json(resolved)
            tf_files = terraform.files(resolved)
        except DesignError:
            return Result(self.case_id, "clean", self.stage)  # wiring refused it, naming the resources
        self.stage = "cloudformation"
        _templates_agree(yaml_text, json_text, resolved)
        self.stage = "graph"
        graph_rules.run(design)
        self.stage = "terraform"
        return Result(self.case_id, "accepted", self.stage, terraform=tf_files)

    def _saved(self, design: Design) -> None:
        path = design.save(self.workdir / "case.infra.json")
        text = path.read_bytes().decode("utf-8")
        data = _strict_json(text, "the saved file")
        if data != design.data:
            raise Wrong("the saved file differs from the design")
        if dumps(data) != text:
            raise Wrong("saving is not byte-stable")
        try:
            Design.loads(text)
        except DesignError as refused:
            raise Wrong(f"the saved file does not load back: {refused.problems[0]}") from None

    def _shared(self, design: Design) -> None:
        from isshoni.yinfra import YInfra

        doc = YInfra()
        doc.apply(design.data)
        if _canonical(doc.to_dict()) != _canonical(design.data):
            raise Wrong("the shared document differs from the design")


def _canonical(data: dict) -> str:
    """A design as the shared document keeps it: every item has `properties`, whole numbers are ints."""
    data = {**data, **{s: {k: {"properties": {}, **v} if isinstance(v, dict) else v for k, v in data[s].items()}
                       for s in ("resources", "connections")}}
    return dumps(json.loads(json.dumps(data), parse_float=_whole))


def _whole(text: str):
    value = float(text)
    return int(value) if value.is_integer() else value


def _kernel_ops(design: Design, ops: list) -> Design:
    """The ops as a notebook makes them: Design's methods, one at a time; a refused one is skipped."""
    for op in ops:
        if not isinstance(op, dict):
            continue
        args = {k: v for k, v in op.items() if k != "op"}
        call = {
            "add": lambda a: design.add(a.pop("type", ""), a.pop("id", None), **a),
            "connect": lambda a: design.connect(a.pop("source", ""), a.pop("target", ""), **a),
            "set": lambda a: design.set(a.get("id", ""), **(a.get("properties") or {})),
            "set_label": lambda a: design.set_label(a.get("id", ""), a.get("label", "")),
            "set_notes": lambda a: design.set_notes(a.get("id", ""), a.get("notes", "")),
            "set_meta": lambda a: design.set_meta(**a),
            "move": lambda a: design.move(a.get("id", ""), *(a.get("position") or {"x": 0, "y": 0}).values()),
            "move_into": lambda a: design.move_into(a.get("id", ""), a.get("parent")),
            "remove": lambda a: design.remove(a.get("id", "")),
        }.get(op.get("op"))
        if call is None or not _kernel_types_ok(op):
            continue  # Python would not let a notebook make this call (wrong argument types)
        try:
            call(args)
        except KeyError:
            continue  # the methods' documented answer to an id the design does not have
        except Exception as exc:  # noqa: BLE001
            if not deliberate(exc):
                raise
    return design


def _kernel_types_ok(op: dict) -> bool:
    """The argument types the methods declare (a notebook's type errors are its own)."""
    strings = ("type", "id", "source", "target", "label", "notes", "name", "region", "description")
    if any(k in op and not isinstance(op[k], str) for k in strings):
        return False
    if "parent" in op and not isinstance(op["parent"], (str, type(None))):
        return False
    if "properties" in op and not isinstance(op["properties"], dict):
        return False
    position = op.get("position", {"x": 0, "y": 0})
    return isinstance(position, dict) and set(position) == {"x", "y"}


def _strict_json(text: str, what: str):
    def refuse(name):
        raise Wrong(f"{what} is not JSON: it contains {name}")

    try:
        return json.loads(text, parse_constant=refuse)
    except RecursionError:
        raise Wrong(f"{what} is nested too deeply to read back") from None
    except ValueError as exc:
        raise Wrong(f"{what} is not JSON: {exc}") from None


def _templates_agree(yaml_text: str, json_text: str, resolved) -> None:
    from_json = _strict_json(json_text, "the CloudFormation JSON template")
    try:
        from_yaml = yaml.load(yaml_text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, RecursionError) as exc:
        raise Wrong(f"the CloudFormation YAML template does not parse: {str(exc)[:200]}") from None
    differs = _first_difference(from_yaml, from_json)
    if differs is not None:
        raise Wrong(f"the YAML and JSON templates disagree at {differs}")
    written = sum(_expressions(p.cfn) for p in resolved.parts if p.cfn_type and p.cfn)
    written += sum(_expressions(o.cfn) for o in resolved.outputs)
    # what CloudFormation evaluates: resource properties and output values (not the logical ids: a
    # resource may be called `Ref`); dynamic references are resolved in resource properties only
    found, _ = _cfn_meaning([o.get("Value") for o in from_json.get("Outputs", {}).values()])
    in_resources, dynamic = _cfn_meaning([r.get("Properties") for r in from_json.get("Resources", {}).values()])
    if found + in_resources != written:
        raise Wrong(f"CloudFormation-only meaning: {found + in_resources - written} intrinsic function(s) came from user data")
    own = sum(_dynamic_references(p.cfn) for p in resolved.parts if p.cfn_type and p.cfn)  # e.g. a Redis AUTH token's
    if len(dynamic) != own:
        raise Wrong(f"CloudFormation-only meaning: a dynamic reference {dynamic[-1][:80]!r} in a resource "
                    f"({len(dynamic)} in the template, {own} written by the compiler)")


def _walk(node):
    """Every node of a tree, iteratively (user data may nest deeper than Python recurses)."""
    stack = [node]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)


def _expressions(tree) -> int:
    """How many intrinsic objects the emitter writes for a resolved value (its rules, restated): a
    reference, attribute, variable or pseudo parameter is one; a join is one `Fn::Sub` that holds
    strings, references, plain attributes, variables and pseudo parameters inline and every other
    part as a value of its own; the dashless stack name is three (Join, Split, Ref)."""
    count, stack = 0, [tree]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind in (expr.Ref, expr.Attr, expr.StateAttr, expr.Var):
            count += 1
        elif kind is expr.Pseudo:
            count += _cfn_meaning(PREFIX_ALNUM)[0] if node.name == "name_prefix_alnum" else 1
        elif kind is expr.Join:
            count += 1
            stack.extend(part for part in node.parts if not _inline_in_sub(part))
        elif kind is expr.Delimited:
            count += 1
            stack.append(node.value)
        elif kind is expr.JsonEncode:
            stack.append(node.value)
        elif kind is dict:
            stack.extend(node.values())
        elif kind in (list, tuple):
            stack.extend(node)
    return count


def _inline_in_sub(part) -> bool:
    kind = type(part)
    return kind in (str, expr.Ref, expr.Attr, expr.Var) or (kind is expr.Pseudo and part.name in CFN_PSEUDO)


def _cfn_meaning(body) -> tuple[int, list[str]]:
    """Intrinsic objects, and the strings holding a dynamic reference (one entry per reference)."""
    count, dynamic = 0, []
    for node in _walk(body):
        if isinstance(node, dict):
            count += any(k == "Ref" or k.startswith("Fn::") for k in node)
        elif isinstance(node, str) and "{{resolve:" in node:
            dynamic += [node] * node.count("{{resolve:")
    return count, dynamic


def _dynamic_references(tree) -> int:
    """How many dynamic references the compiler itself writes in a resolved value: a join's own
    string parts, read together (a plain string may hold a user's text: never counted as the compiler's)."""
    count, stack = 0, [tree]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is expr.Join:
            count += "".join(p if type(p) is str else "\0" for p in node.parts).count("{{resolve:")
            stack.extend(p for p in node.parts if type(p) is not str)
        elif kind is expr.JsonEncode or kind is expr.Delimited:
            stack.append(node.value)
        elif kind is dict:
            stack.extend(node.values())
        elif kind in (list, tuple):
            stack.extend(node)
    return count


def _first_difference(a, b, path="$") -> str | None:
    stack = [(a, b, path)]
    while stack:
        a, b, path = stack.pop()
        if isinstance(a, dict) and isinstance(b, dict):
            if a.keys() != b.keys():
                return f"{path} (keys {sorted(set(a) ^ set(b))[:3]})"
            stack.extend((a[k], b[k], f"{path}.{k}") for k in a)
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                return f"{path} (lengths {len(a)} and {len(b)})"
            stack.extend((x, y, f"{path}[{i}]") for i, (x, y) in enumerate(zip(a, b, strict=True)))
        elif type(a) is not type(b) and not (_number(a) and _number(b)) or a != b:
            return f"{path} (YAML {a!r:.60} JSON {b!r:.60})"
    return None


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
