"""resolved model -> Terraform root module (HCL, `terraform fmt` style).

The module is split the conventional way: versions.tf, variables.tf,
main.tf, outputs.tf.  Only `hashicorp/aws` is required; no provisioners,
no external data sources: the module declares infrastructure, nothing runs.
"""

from __future__ import annotations

import re

from . import expr as e
from .hcl import BlockNode, Call, Raw, document, string, template_string
from .model import Resolved

PROVIDER_VERSION = "~> 5.0"
PSEUDO = {
    "region": ("aws_region", "name"),
    "account_id": ("aws_caller_identity", "account_id"),
    "partition": ("aws_partition", "partition"),
}
TF_TYPES = {"string": "string", "integer": "number", "number": "number", "boolean": "bool"}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class _Translator:
    def __init__(self, resolved: Resolved):
        self.addr = {p.lid: f"{p.tf_type}.{p.tf_name}" for p in resolved.parts if p.tf_type}
        self.data_sources: set[str] = set()

    def expr(self, v):
        kind = type(v)
        if kind is str or kind is int or kind is bool or kind is float or v is None:
            return v
        if kind is dict:
            expr = self.expr
            return {k: expr(x) for k, x in v.items()}
        if kind is list:
            expr = self.expr
            return [expr(x) for x in v]
        if kind is e.Ref or kind is e.Attr:
            return Raw(f"{self.addr[v.lid]}.{v.tf}")
        if kind is e.StateAttr:
            return Raw(f"jsondecode({self.addr[v.lid]}.properties){state_path(v.cfn)}")
        if kind is e.Var:
            return Raw(f"var.{v.name}")
        if kind is e.Pseudo:
            source, attr = PSEUDO[v.name]
            self.data_sources.add(source)
            return Raw(f"data.{source}.current.{attr}")
        if kind is e.Join:
            return template_string([self.expr(p) if not isinstance(p, str) else p for p in v.parts])
        if kind is e.JsonEncode:
            return Call("jsonencode", self.expr(v.value))
        if kind is e.Block:
            raise TypeError("a block can only appear as a body item")
        return v

    def body(self, tf: dict) -> list:
        items: list = []
        expr, Block = self.expr, e.Block
        for k, v in tf.items():
            kind = type(v)
            if kind is Block:
                items.append(BlockNode(k, (), self.body(v.body)))
            elif kind is list and v and type(v[0]) is Block and all(type(x) is Block for x in v):
                items.extend([BlockNode(k, (), self.body(x.body)) for x in v])
            elif kind is str:
                items.append((k, v))
            else:
                items.append((k, expr(v)))
        return items


def state_path(attribute: str) -> str:
    """`Endpoint.Address` -> `.Endpoint.Address` (index syntax for a name HCL would not read)."""
    return "".join(f".{part}" if _NAME.match(part) else f"[{string(part)}]" for part in attribute.split("."))


def gaps_comment(gaps: dict[str, str]) -> str:
    """Comment lines naming the design resources this module leaves out, and why."""
    if not gaps:
        return ""
    lines = ["# Not in this module (the CloudFormation template has them):"]
    lines += [f"# - {rid}: {' '.join(reason.split())}" for rid, reason in sorted(gaps.items())]
    return "\n".join(lines) + "\n\n"


def _variable_block(var) -> BlockNode:
    body: list = [("description", var.description), ("type", Raw(TF_TYPES.get(var.type, "string"))), ("default", var.default)]
    conditions = []
    if var.allowed:
        allowed = "[" + ", ".join(string(str(a)) if isinstance(a, str) else str(a) for a in var.allowed) + "]"
        conditions.append((f"contains({allowed}, var.{var.name})", f"{var.name} must be one of {', '.join(map(str, var.allowed))}."))
    if var.minimum is not None or var.maximum is not None:
        checks = []
        if var.minimum is not None:
            checks.append(f"var.{var.name} >= {var.minimum}")
        if var.maximum is not None:
            checks.append(f"var.{var.name} <= {var.maximum}")
        conditions.append((" && ".join(checks), f"{var.name} must be between {var.minimum} and {var.maximum}."))
    for condition, message in conditions:
        body.append(BlockNode("validation", (), [("condition", Raw(condition)), ("error_message", message)]))
    return BlockNode("variable", (var.name,), body)


def files(resolved: Resolved) -> dict[str, str]:
    """The root module: file name -> HCL text."""
    tr = _Translator(resolved)
    resources = []
    for part in resolved.parts:
        if not part.tf_type:
            continue
        body = tr.body(part.tf)
        tf_depends = [tr.addr[d] for d in part.depends_on if d in tr.addr]
        if tf_depends:
            body.append(("depends_on", [Raw(a) for a in tf_depends]))
        resources.append(BlockNode("resource", (part.tf_type, part.tf_name), body))
    outputs = [
        BlockNode("output", (o.name,), [("description", o.description), ("value", tr.expr(o.tf))]) for o in resolved.outputs
    ]
    data = [BlockNode("data", (source, "current"), []) for source in sorted(tr.data_sources)]

    versions = [
        BlockNode(
            "terraform",
            (),
            [
                ("required_version", ">= 1.5.0"),
                BlockNode("required_providers", (), [("aws", {"source": "hashicorp/aws", "version": PROVIDER_VERSION})]),
            ],
        ),
        BlockNode("provider", ("aws",), [("region", Raw("var.region"))]),
    ]
    region_var = BlockNode(
        "variable",
        ("region",),
        [("description", "AWS region to deploy into"), ("type", Raw("string")), ("default", resolved.region)],
    )
    header = f"# Generated by Isshoni from design {string(resolved.name)}. Edit the design, not this file.\n"
    out = {
        "versions.tf": header + document(versions),
        "variables.tf": header + document([region_var] + [_variable_block(v) for v in resolved.variables]),
        "main.tf": header + gaps_comment(resolved.terraform_gaps) + document(data + resources),
    }
    if outputs:
        out["outputs.tf"] = header + document(outputs)
    return out


def to_hcl(resolved: Resolved) -> str:
    """The whole module as one text (for the code panel)."""
    module = files(resolved)
    return "\n".join(f"# ---- {name}\n{text}" for name, text in module.items())
