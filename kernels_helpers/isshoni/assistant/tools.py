"""The model's tools: the design operations, the catalog, the checks and the compiler.

Schemas are generated from the catalog (the `type` enum, categories, check
tools, code formats) and the ops table, so a new catalog entry is a new
choice for the model without touching this file.  Every input is validated
twice: against the tool's JSON Schema, then by the design model itself
(catalog property schemas, containers, allowed links).  A refusal goes back
to the model as a `tool_result` with `is_error`, worded so it can correct
itself.  No tool writes a file, runs a command, deploys or sees credentials.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Awaitable, Callable
from typing import Any

from jsonschema import Draft202012Validator

from ..catalog import CATALOG, CATEGORIES
from ..compiler import FORMATS
from ..design import Design, DesignError
from ..design.errors import describe
from ..design.ops import OPS
from ..design.placement import free_spot

ID = {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9_-]{0,63}$", "description": "a resource or connection id"}
PARENT = {"type": ["string", "null"], "description": "id of the container (vpc, subnet); null takes it out"}
PROPS = {"type": "object", "description": "property values; describe_type lists each type's properties"}
CFN_TYPE = {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9]*::[A-Za-z0-9]+::[A-Za-z0-9]+$",
            "description": "a CloudFormation type name, e.g. AWS::SQS::Queue"}
FAST_CHECKS = ("isshoni", "cfn-lint")
CHECKS = ("isshoni", "cfn-lint", "terraform", "checkov")
MAX_CODE = 12_000
EDIT_ATTEMPTS = 5  # an edit validated again on newer content (someone edited meanwhile) at most this often


def _tool(name: str, description: str, properties: dict, required=()) -> dict:
    return {
        "name": name,
        "description": description,
        "input_schema": {"type": "object", "properties": properties, "required": list(required), "additionalProperties": False},
    }


def definitions() -> list[dict]:
    """The tool list sent to the model (stable order: it is part of the cached prompt prefix)."""
    types = {"type": "string", "enum": sorted(CATALOG), "description": "a catalog resource type"}
    return [
        _tool("add_resource", "Add a resource of a catalog type to the design. Resources that need a "
              "container (ALB, ECS service, RDS, ElastiCache ...) need `parent`: a subnet or VPC id.",
              {"type": types, "id": ID, "label": {"type": "string"}, "parent": PARENT, "properties": PROPS,
               "notes": {"type": "string", "description": "why it is there, shown on the node"}}, ["type"]),
        _tool("connect", "Connect two resources (source uses target). The catalog decides what it means "
              "(security-group rules, IAM policies, environment variables, target groups).",
              {"source": ID, "target": ID, "properties": PROPS, "label": {"type": "string"}}, ["source", "target"]),
        _tool("set_properties", "Set properties of a resource or connection (null removes one).",
              {"id": ID, "properties": PROPS}, ["id", "properties"]),
        _tool("set_label", "Rename a resource or connection as people see it.", {"id": ID, "label": {"type": "string"}}, ["id", "label"]),
        _tool("set_notes", "Write the notes shown on a resource.", {"id": ID, "notes": {"type": "string"}}, ["id", "notes"]),
        _tool("move_into", "Put a resource into a container (VPC, subnet) or take it out (null).",
              {"id": ID, "parent": PARENT}, ["id", "parent"]),
        _tool("remove", "Remove a resource (with its connections) or a connection.", {"id": ID}, ["id"]),
        _tool("list_catalog", "List the resource types a design can use, with what they connect to.",
              {"category": {"type": "string", "enum": list(CATEGORIES)}}),
        _tool("describe_type", "The property schema, containers and links of one resource type.", {"type": types}, ["type"]),
        _tool("find_cfn_types", "Search every CloudFormation registry type (1,800+) by words, for a resource no "
              "catalog type covers. Answers type names, a sentence each, and the Terraform counterpart.",
              {"query": {"type": "string", "minLength": 1, "maxLength": 200}}, ["query"]),
        _tool("describe_cfn_type", "One CloudFormation registry type: its properties (CloudFormation's names), "
              "required and read-only ones, and the attributes a reference may read.",
              {"cfn_type": CFN_TYPE}, ["cfn_type"]),
        _tool("add_cfn_resource", "Add a generic resource of any CloudFormation registry type, only when no catalog "
              "type fits. Its properties are CloudFormation's own; refer to another resource with "
              '{"ref": "<id>"} (Ref) or {"ref": "<id>", "attribute": "Arn"} (Fn::GetAtt), never Ref/Fn:: keys. It '
              "sits at the top level and connects only through such references.",
              {"cfn_type": CFN_TYPE, "id": ID, "label": {"type": "string"}, "properties": PROPS,
               "notes": {"type": "string", "description": "why it is there, shown on the node"}}, ["cfn_type"]),
        _tool("read_design", "The design as it is now (resources, connections, meta).", {}),
        _tool("run_check", "Check the design: graph rules and cfn-lint by default; terraform and checkov on request.",
              {"tools": {"type": "array", "items": {"type": "string", "enum": list(CHECKS)}}}),
        _tool("generate_code", "Compile the design to CloudFormation or Terraform (read only: nothing is written).",
              {"format": {"type": "string", "enum": list(FORMATS)}}, ["format"]),
    ]


EDITS = {  # tool -> design op (the ops the canvas and the REST API use)
    "add_resource": "add", "add_cfn_resource": "add", "connect": "connect", "set_properties": "set", "set_label": "set_label",
    "set_notes": "set_notes", "move_into": "move_into", "remove": "remove",
}
assert set(EDITS.values()) <= set(OPS)
VALIDATORS = {d["name"]: Draft202012Validator(d["input_schema"]) for d in definitions()}


class ToolError(Exception):
    """A refusal the model can act on."""


def validate_input(name: str, data: Any) -> dict:
    if name not in VALIDATORS:
        raise ToolError(f"unknown tool {name!r}; the tools are {', '.join(VALIDATORS)}")
    if not isinstance(data, dict):
        raise ToolError("the input must be a JSON object")
    errors = sorted(VALIDATORS[name].iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        raise ToolError("; ".join(_explain(e) for e in errors[:5]))
    return data


def _explain(error) -> str:
    where = ".".join(str(p) for p in error.absolute_path) or "input"
    if error.validator == "enum" and isinstance(error.instance, str):
        near = difflib.get_close_matches(error.instance, [str(v) for v in error.validator_value], n=3, cutoff=0.4)
        hint = f"; did you mean {' or '.join(near)}?" if near else "; list_catalog shows the choices"
        return f"{where}: {error.instance!r} is not one of the allowed values{hint}"
    if error.validator == "additionalProperties":
        return f"{where}: {error.message} (allowed: {', '.join(error.schema.get('properties', {}))})"
    return f"{where}: {error.message}"


def to_op(name: str, data: dict) -> dict:
    """A validated edit tool's input as a design op."""
    if name == "add_cfn_resource":
        data = {"type": f"cfn:{data['cfn_type']}", **{k: v for k, v in data.items() if k != "cfn_type"}}
    return {"op": EDITS[name], **data}


def summarize(op: dict) -> str:
    """One line a person reads in the chat for an op."""
    name = op["op"]
    if name == "add":
        where = f" in {op['parent']}" if op.get("parent") else ""
        kind = CATALOG[op["type"]].label if op["type"] in CATALOG else op["type"]
        return f"added {op.get('id') or op['type']} ({kind}){where}"
    if name == "connect":
        return f"connected {op['source']} → {op['target']}"
    if name == "set":
        return f"set {', '.join(f'{k}={json.dumps(v)}' for k, v in op['properties'].items())} on {op['id']}"
    if name == "move_into":
        return f"moved {op['id']} into {op['parent'] or 'the top level'}"
    if name == "remove":
        return f"removed {op['id']}"
    if name == "set_meta":
        said = [f"set the region to {op['region']}" if k == "region" else f"set the {k}" for k in op if k in ("region", "name")]
        return "; ".join(said) if said else "described the design"
    return f"{name.replace('_', ' ')} {op.get('id', '')}".strip()


def design_view(design: Design) -> dict:
    """What the model reads: no chat (it gets the recent chat separately) and no deployments
    (job records may hold account ids and endpoints; the model does not need them)."""
    return {
        "meta": {k: design.meta.get(k, "") for k in ("name", "region", "description", "notes")},
        "resources": {rid: {k: v for k, v in r.items() if k != "position"} for rid, r in sorted(design.resources.items())},
        "connections": dict(sorted(design.connections.items())),
    }


def catalog_lines(category: str | None = None) -> str:
    lines = []
    for name, entry in CATALOG.items():
        if category and entry.category != category:
            continue
        where = f"; in {'/'.join(entry.containers)}" + (" (required)" if entry.needs_container else "") if entry.containers else ""
        links = sorted({t for link in entry.links for t in link.targets})
        uses = f"; connects to {', '.join(links)}" if links else ""
        lines.append(f"- {name}: {entry.label} [{entry.category}]{where}{uses}")
    return "\n".join(lines)


def _refusal(exc: Exception) -> str:
    if isinstance(exc, DesignError):
        return "; ".join(str(p) for p in exc.problems[:5]) or str(exc)
    return describe(exc)


Runner = Callable[[str, dict, Any], Awaitable[Any]]


class Toolbox:
    """Runs the model's tool calls against a design target.

    In apply mode each edit is applied to the target at once (the target groups
    them into one undoable step); in suggest mode edits go to a private working
    copy and are only recorded as the proposal."""

    def __init__(self, target, mode: str, runner: Runner):
        self.target, self.mode, self.runner = target, mode, runner
        self.ops: list[dict] = []
        self.work = target.snapshot() if mode == "suggest" else None

    def current(self) -> Design:
        return self.work if self.work is not None else self.target.snapshot()

    async def call(self, name: str, data: Any) -> tuple[bool, str]:
        """(ok, text) for a tool_result."""
        try:
            data = validate_input(name, data)
            if name == "add_cfn_resource":  # its schema is read off the event loop before the edit checks it
                await self.runner("registry", "prefetch", {"region": self.current().region, "cfn_type": data["cfn_type"]})
            if name in EDITS:
                return True, await self._edit(to_op(name, data))
            return True, await self._read(name, data)
        except TimeoutError as exc:
            return False, f"{name} did not finish in time ({describe(exc) or 'a deadline passed'}); try again"
        except (ToolError, DesignError, KeyError, ValueError, TypeError) as exc:
            return False, _refusal(exc)

    async def call_op(self, op: dict) -> tuple[bool, str]:
        """A design op given directly (the offline planner)."""
        try:
            return True, await self._edit(dict(op))
        except (ToolError, DesignError, KeyError, ValueError, TypeError, TimeoutError) as exc:
            return False, _refusal(exc)

    async def _edit(self, op: dict) -> str:
        """Validate the op in the runner (a worker process on a server: off the event loop, with a
        deadline) on a snapshot; commit only if the design is unchanged since, else again."""
        for _ in range(EDIT_ATTEMPTS):
            design = self.current()
            if op["op"] == "add" and "position" not in op:
                op["position"] = free_spot(design.resources, op.get("parent"))  # placed apart even in a new design: it is also drawn outside the canvas
            content = {k: v for k, v in design.data.items() if k not in ("chat", "deployments")}  # not needed: not sent
            new = Design.adopt(await self.runner("edit", content, {"ops": [op]}))  # the edit's own result
            if self.work is not None:
                new.data["chat"], new.data["deployments"] = design.chat, design.deployments
                self.work = new
                break
            if self.target.commit_if(design, new):
                break
        else:
            raise ToolError("the design kept changing while this edit was checked: try it again")
        if op["op"] == "add" and "id" not in op:  # record the id the design chose, so a replay adds the same
            op["id"] = next(iter(set(new.resources) - set(design.resources)))
        if op["op"] == "connect" and "id" not in op:
            op["id"] = next(iter(set(new.connections) - set(design.connections)))
        self.ops.append(op)
        return summarize(op) + ("" if self.work is None else " (proposed, not applied)")

    async def _read(self, name: str, data: dict) -> str:
        if name == "list_catalog":
            return catalog_lines(data.get("category"))
        if name == "describe_type":
            return json.dumps(CATALOG[data["type"]].summary(), sort_keys=True)
        if name in ("find_cfn_types", "describe_cfn_type"):
            return await self.runner("registry", name, {**data, "region": self.current().region})
        if name == "read_design":
            return json.dumps(design_view(self.current()), sort_keys=True)
        if name == "run_check":
            report = await self.runner("check", self.current().data, tuple(data.get("tools") or FAST_CHECKS))
            return json.dumps({"counts": report["counts"], "findings": report["findings"][:30]})
        files = await self.runner("generate", self.current().data, data["format"])
        text = "".join(f"# ---- {n}\n{t}" for n, t in files.items())
        return text if len(text) <= MAX_CODE else text[:MAX_CODE] + f"\n... ({len(text) - MAX_CODE} more characters)"


def registry_answer(name: str, data: dict) -> str:
    """What find_cfn_types / describe_cfn_type answer (slow the first time: run it off the event loop);
    `prefetch` warms the registry for an add_cfn_resource."""
    from ..generic import registry

    region = data.get("region", "us-east-1")
    try:
        return _registry_answer(registry, name, data, region)
    except registry.RegistryUnavailable as exc:
        raise ToolError(str(exc)) from None


def _registry_answer(registry, name: str, data: dict, region: str) -> str:
    if name == "prefetch":
        registry.prefetch(region, [f"cfn:{data['cfn_type']}"])
        return ""
    if name == "find_cfn_types":
        found, total = registry.search(data["query"], region, limit=25)
        lines = [f"- {t['cfn_type']}: {t['description']} (Terraform: {t['terraform'] or 'none, CloudFormation only'})" for t in found]
        return "\n".join(lines + [f"({total} match)"]) if lines else "no registry type matches; try other words"
    try:
        profile = registry.profile(region, data["cfn_type"])
    except KeyError:
        raise ToolError(f"no CloudFormation type {data['cfn_type']} in {region}; find_cfn_types searches") from None
    props = profile.schema.get("properties", {})
    read_only = {p.split("/")[2] for p in profile.read_only}
    view = {
        "cfn_type": profile.cfn_type, "description": registry.first_sentence(profile.description),
        "required": list(profile.required), "read_only": sorted(read_only),
        "properties": {k: {"type": v.get("type", "object" if "$ref" in v else "any"),
                           "description": registry.first_sentence(v.get("description", ""), 120)}
                       for k, v in sorted(props.items()) if k not in read_only},
        "attributes": list(profile.attributes), "terraform": registry.terraform_counterpart(profile.cloud_control),
    }
    return json.dumps(view, sort_keys=True)
