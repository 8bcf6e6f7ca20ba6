"""resolved model -> Terraform root module (HCL, `terraform fmt` style).

The module is split the conventional way: versions.tf, variables.tf,
main.tf, outputs.tf.  Only `hashicorp/aws` is required; no provisioners,
no external data sources: the module declares infrastructure, nothing runs.
"""

from __future__ import annotations

from .gcpause import paused_gc
from .hcl import BlockNode, Raw, document, string
from .model import Resolved
from .names import PREFIX_MAX, PREFIX_PATTERN, physical, tag_text
from .tf_write import Translator

PROVIDER_VERSION = "~> 5.0"
TF_TYPES = {"string": "string", "integer": "number", "number": "number", "boolean": "bool"}
DEFAULT_ENVIRONMENT = "dev"


def gaps_comment(gaps: dict[str, str]) -> str:
    """Comment lines naming the design resources this module leaves out, and why."""
    if not gaps:
        return ""
    lines = ["# Not in this module (the CloudFormation template has them):"]
    lines += [f"# - {rid}: {' '.join(reason.split())}" for rid, reason in sorted(gaps.items())]
    return "\n".join(lines) + "\n\n"


def _variable_block(var) -> BlockNode:
    kind = f"list({TF_TYPES.get(var.item_type, 'string')})" if var.type == "list" else TF_TYPES.get(var.type, "string")
    body: list = [("description", var.description), ("type", Raw(kind))]
    default = var.default
    if var.type == "list" and isinstance(default, str):  # a CloudFormation list parameter's default: "a,b"
        default = [item.strip() for item in default.split(",")] if default else []
    if default is not None:  # none: `terraform apply` asks for (or is given) a value
        body.append(("default", default))
    if var.secret:
        body.append(("sensitive", True))
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


def _locals(resolved: Resolved, tr: Translator) -> list[str]:
    """The design's mappings (`local.mappings`) and conditions (`local.condition_<name>`), which
    design expressions read (compiler/design_expr.py)."""
    if not resolved.mappings and not resolved.conditions:
        return []
    body: dict = {}
    if resolved.mappings:
        body["mappings"] = resolved.mappings
    for name, condition in resolved.conditions.items():
        body[f"condition_{name}"] = Raw(tr.function(condition))
    lines = ["locals {"]
    tr.attributes(body, 1, lines)
    return lines + ["}", ""]


@paused_gc
def files(resolved: Resolved) -> dict[str, str]:
    """The root module: file name -> HCL text."""
    tr = Translator(resolved)
    resources: list[str] = []
    for part in resolved.parts:
        if part.tf_type:
            tr.resource(part, resources)
            resources.append("")  # the blank line between blocks; the last one gives the final newline
    outputs = [
        BlockNode("output", (o.name,), [("description", o.description), ("value", tr.expr(o.tf))]) for o in resolved.outputs
    ]
    local_values = _locals(resolved, tr)  # before the data sources: conditions may read some
    reads: list[str] = []  # data sources parts read (their arguments may use pseudo values too)
    for (kind, name), args in sorted(tr.reads.items()):
        reads.append(f"data {string(kind)} {string(name)} {{")
        tr.attributes(dict(args), 1, reads)
        reads += ["}", ""]
    data = [line for source in sorted(tr.data_sources) for line in (f"data {string(source)} \"current\" {{", "}", "")]
    main = "\n".join(data + reads + local_values + resources)

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
        "main.tf": header + gaps_comment(resolved.terraform_gaps) + main,
    }
    if outputs:
        out["outputs.tf"] = header + document(outputs)
    return out


def to_hcl(resolved: Resolved) -> str:
    """The whole module as one text (for the code panel)."""
    module = files(resolved)
    return "\n".join(f"# ---- {name}\n{text}" for name, text in module.items())
