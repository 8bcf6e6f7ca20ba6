"""resolved model -> Terraform root module (HCL, `terraform fmt` style).

The module is split the conventional way: versions.tf, variables.tf,
main.tf, outputs.tf.  Only `hashicorp/aws` is required; no provisioners,
no external data sources: the module declares infrastructure, nothing runs.
"""

from __future__ import annotations

import re

from . import expr as e
from .gcpause import paused_gc
from .hcl import BlockNode, Call, Comment, Raw, document, escape, string, template_string
from .model import Resolved
from .names import PREFIX_MAX, PREFIX_PATTERN, physical, tag_text

PROVIDER_VERSION = "~> 5.0"
PSEUDO = {
    "region": ("aws_region", "name"),
    "account_id": ("aws_caller_identity", "account_id"),
    "partition": ("aws_partition", "partition"),
}
TF_TYPES = {"string": "string", "integer": "number", "number": "number", "boolean": "bool"}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
NAME_PREFIX = {"name_prefix": "var.name_prefix", "name_prefix_alnum": 'replace(var.name_prefix, "-", "")'}
DEFAULT_ENVIRONMENT = "dev"


class _Translator:
    def __init__(self, resolved: Resolved):
        self.addr = {p.lid: f"{p.tf_type}.{p.tf_name}" for p in resolved.parts if p.tf_type}
        self.data_sources: set[str] = set()
        self.reads: dict[tuple[str, str], tuple] = {}  # (type, name) -> args of data sources parts read

    def expr(self, v):
        kind = type(v)
        if kind is str or kind is int or kind is bool or kind is float or v is None:
            return v
        if kind is dict:
            expr = self.expr
            return {k: x if type(x) is str else expr(x) for k, x in v.items()}
        if kind is list:
            expr = self.expr
            return [x if type(x) is str else expr(x) for x in v]
        if kind is e.Ref or kind is e.Attr:
            return Raw(f"{self.addr[v.lid]}.{v.tf}")
        if kind is e.StateAttr:
            return Raw(f"jsondecode({self.addr[v.lid]}.properties){state_path(v.cfn)}")
        if kind is e.Var:
            return Raw(f"var.{v.name}")
        if kind is e.Pseudo:
            if v.name in NAME_PREFIX:
                return Raw(NAME_PREFIX[v.name])
            source, attr = PSEUDO[v.name]
            self.data_sources.add(source)
            return Raw(f"data.{source}.current.{attr}")
        if kind is e.Join:
            parts = v.parts
            if len(parts) == 2 and parts[0] is e.NAME_PREFIX and type(parts[1]) is str:  # a physical name
                return Raw('"${var.name_prefix}' + escape(parts[1]) + '"')
            return template_string([self.expr(p) if not isinstance(p, str) else p for p in parts])
        if kind is e.JsonEncode:
            return Call("jsonencode", self.expr(v.value))
        if kind is e.Delimited:
            items = self.expr(v.value)
            if type(items) is list:  # a list of references written out (a Python list's repr is no HCL)
                items = "[" + ", ".join(x if type(x) is Raw else string(x) for x in items) + "]"
            return Raw(f"join({string(v.sep)}, {items})")
        if kind is e.TfText:
            return Raw(v.text.format(*(self.addr[lid] for lid in v.lids)))
        if kind is e.Data:
            self.reads[(v.type, v.name)] = v.args
            return Raw(f"data.{v.type}.{v.name}.{v.attr}")
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
    body: list = [("description", var.description), ("type", Raw(TF_TYPES.get(var.type, "string")))]
    if var.default is not None:  # none: `terraform apply` asks for (or is given) a value
        body.append(("default", var.default))
    conditions = []
    if var.pattern:
        conditions.append((f"can(regex({string(var.pattern)}, var.{var.name}))", f"{var.name} must match {var.pattern}."))
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


def _resource_block(tr: _Translator, part) -> BlockNode:
    """A resource: checkov suppressions first (as comments), then its arguments, `prevent_destroy`
    joined to any lifecycle block it already has, and its dependencies last."""
    body = tr.body(part.tf)
    if part.prevent_destroy:
        lifecycle = next((item for item in body if type(item) is BlockNode and item.type == "lifecycle"), None)
        if lifecycle is None:
            body.append(BlockNode("lifecycle", (), [("prevent_destroy", True)]))
        else:
            lifecycle.body.append(("prevent_destroy", True))
    if part.tf_skips:
        body[:0] = [Comment(f"checkov:skip={check}:{reason}") for check, reason in part.tf_skips]
    tf_depends = [tr.addr[d] for d in part.depends_on if d in tr.addr]
    if tf_depends:
        body.append(("depends_on", [Raw(a) for a in tf_depends]))
    return BlockNode("resource", (part.tf_type, part.tf_name), body)


def _naming_variables(resolved: Resolved) -> list[BlockNode]:
    """`name_prefix` starts every physical name and `environment` tags every resource, so dev and
    prod of one design can share an account (`-var name_prefix=shop-prod -var environment=prod`)."""
    prefix = physical(resolved.name, PREFIX_MAX)
    check = f"can(regex({string(PREFIX_PATTERN)}, var.name_prefix))"
    return [
        BlockNode(
            "variable",
            ("name_prefix",),
            [
                ("description", "Start of every resource name; environments sharing an account use different prefixes"),
                ("type", Raw("string")),
                ("default", prefix),
                BlockNode("validation", (), [("condition", Raw(check)),
                                             ("error_message", f"name_prefix: at most {PREFIX_MAX} lowercase letters, digits and dashes, starting with a letter.")]),
            ],
        ),
        BlockNode(
            "variable",
            ("environment",),
            [("description", "Environment tag of every resource (dev, staging, prod ...)"), ("type", Raw("string")), ("default", DEFAULT_ENVIRONMENT)],
        ),
    ]


@paused_gc
def files(resolved: Resolved) -> dict[str, str]:
    """The root module: file name -> HCL text."""
    tr = _Translator(resolved)
    resources = [_resource_block(tr, part) for part in resolved.parts if part.tf_type]
    outputs = [
        BlockNode("output", (o.name,), [("description", o.description), ("value", tr.expr(o.tf))]) for o in resolved.outputs
    ]
    data = [BlockNode("data", (source, "current"), []) for source in sorted(tr.data_sources)]
    data += [BlockNode("data", key, tr.body(dict(args))) for key, args in sorted(tr.reads.items())]

    versions = [
        BlockNode(
            "terraform",
            (),
            [
                ("required_version", ">= 1.5.0"),
                BlockNode("required_providers", (), [("aws", {"source": "hashicorp/aws", "version": PROVIDER_VERSION})]),
            ],
        ),
        BlockNode(
            "provider",
            ("aws",),
            [
                ("region", Raw("var.region")),
                BlockNode("default_tags", (), [("tags", {"isshoni:design": tag_text(resolved.name), "environment": Raw("var.environment")})]),
            ],
        ),
    ]
    region_var = BlockNode(
        "variable",
        ("region",),
        [("description", "AWS region to deploy into"), ("type", Raw("string")), ("default", resolved.region)],
    )
    header = f"# Generated by Isshoni from design {string(resolved.name)}. Edit the design, not this file.\n"
    out = {
        "versions.tf": header + document(versions),
        "variables.tf": header + document([region_var, *_naming_variables(resolved)] + [_variable_block(v) for v in resolved.variables]),
        "main.tf": header + gaps_comment(resolved.terraform_gaps) + document(data + resources),
    }
    if outputs:
        out["outputs.tf"] = header + document(outputs)
    return out


def to_hcl(resolved: Resolved) -> str:
    """The whole module as one text (for the code panel)."""
    module = files(resolved)
    return "\n".join(f"# ---- {name}\n{text}" for name, text in module.items())
