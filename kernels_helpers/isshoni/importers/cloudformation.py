"""CloudFormation and SAM templates -> a design (issue 15, item 1).

The template is read by cfn-lint's decoder (cfn_source), SAM is expanded by the SAM
translator, and the resources go to the shared lifter.  What the design has no place for
is said in the report, never dropped silently: parameters, mappings and conditions (values
that use them make their resource not understood, with the line), outputs (the compiler
makes its own), DependsOn and resource attributes.
"""

from __future__ import annotations

import re

from ..design.model import DEFAULT_REGION
from . import Imported, NotImportable
from .cfn_source import decode, expand_sam, is_sam, line_of, plain
from .lift import SourceResource, lift
from .lift.values import NO_DEFAULT

KEPT = ("Type", "Properties", "DependsOn", "Condition")


def read(text: str, *, source: str = "template", region: str | None = None, name: str = "imported",
         fmt: str | None = None) -> Imported:
    """Import a template's text; `fmt` 'sam' or 'cloudformation' (None: from its Transform); `region`
    None: the one a template Isshoni compiled names in its metadata, else the design's default."""
    template = decode(text, source)
    lines = {str(rid): line_of(rid) or line_of(body) for rid, body in template["Resources"].items()}  # the logical id's line
    sam = is_sam(template)
    if fmt == "sam" and not sam:
        raise NotImportable("not a SAM template: it has no `Transform: AWS::Serverless-2016-10-31`", source)
    notes = _section_notes(template)
    own = (template.get("Metadata") or {}).get("Isshoni") if isinstance(template.get("Metadata"), dict) else None
    own = own if isinstance(own, dict) else {}
    compiled_from, compiled_in = own.get("Design"), own.get("Region")
    if isinstance(compiled_from, str) and compiled_from.strip():
        name = str(compiled_from)[:128]  # Isshoni compiled it: the design's own name (its tags and names carry it)
        notes.append(f"compiled by Isshoni from the design {name!r}: the design keeps that name")
    if region is None and isinstance(compiled_in, str) and _is_region(compiled_in):
        region = str(compiled_in)  # the region its values were compiled for (the load balancer log account, ARNs)
        notes.append(f"compiled by Isshoni for {region}: the design keeps that region")
    region = region or DEFAULT_REGION
    if sam:
        template = expand_sam(template, source, region)
        notes.append("SAM template: expanded by the SAM translator; generated resources carry their SAM resource's line")
    resources = [_resource(rid, body, _line(str(rid), lines)) for rid, body in template["Resources"].items()]
    mappings = plain(template.get("Mappings")) if isinstance(template.get("Mappings"), dict) else {}
    return lift(resources, name=name, region=region, fmt="sam" if sam else "cloudformation", source=source,
                parameters=parameter_defaults(template), mappings=mappings, notes=notes,
                template_raw={"Parameters": template.get("Parameters") or {}, "Conditions": template.get("Conditions") or {}})


def _is_region(text: str) -> bool:
    """Whether a design may have `text` as its region (the design schema's own pattern)."""
    from ..design.validate import schema

    return re.search(schema()["properties"]["meta"]["properties"]["region"]["pattern"], text) is not None


def parameter_defaults(template: dict) -> dict:
    """Parameter -> the value `Ref` gives with its default (a list for list types), or NO_DEFAULT
    (also for a NoEcho parameter: its default is a secret, which no design holds)."""
    out = {}
    for name, body in (template.get("Parameters") or {}).items():
        if not isinstance(body, dict) or "Default" not in body or str(body.get("NoEcho", "")).lower() == "true":
            out[str(name)] = NO_DEFAULT  # a NoEcho default is a secret: never read into a design
            continue
        default, kind = plain(body["Default"]), str(body.get("Type", "String"))
        if (kind.startswith("List<") or kind == "CommaDelimitedList") and isinstance(default, str):
            default = [item.strip() for item in default.split(",")] if default else []
        elif kind == "Number" and isinstance(default, str):
            try:
                default = float(default) if "." in default else int(default)
            except ValueError:
                pass
        out[str(name)] = default
    return out


def _line(rid: str, lines: dict) -> int | None:
    found = lines.get(rid)
    if found:
        return found
    owners = [k for k in lines if rid.startswith(k)]  # a SAM-generated resource: FnRole of Fn
    return lines[max(owners, key=len)] if owners else None


def _resource(rid, body, line) -> SourceResource:
    rid = str(rid)
    if not isinstance(body, dict):
        return SourceResource(rid, "", None, line)  # refused by the lifter: "Properties is not a mapping"
    depends = body.get("DependsOn") or ()
    depends = (depends,) if isinstance(depends, str) else tuple(str(d) for d in depends if isinstance(d, str))
    condition = body.get("Condition")
    return SourceResource(
        id=rid,
        type=str(body.get("Type", "")),
        properties=body.get("Properties", {}) if body.get("Properties") is not None else {},
        line=line,
        depends_on=depends,
        condition=str(condition) if condition else None,
        dropped=tuple(sorted(str(k) for k in body if k not in KEPT)),
    )


def _section_notes(template: dict) -> list[str]:
    notes = []
    for section, what in (
        ("Parameters", "a generic resource keeps its references to them (declared in the design's meta.parameters); "
                       "a typed node takes the default (listed below), and without a default it stays generic"),
        ("Conditions", "a generic resource keeps Fn::If on them (declared in meta.conditions); a resource with "
                       "a Condition of its own is not understood"),
        ("Outputs", "not imported: the compiler writes its own outputs"),
        ("Rules", "not imported: the design has no template rules"),
    ):
        body = template.get(section)
        if isinstance(body, dict) and body:
            notes.append(f"{section} ({', '.join(sorted(map(str, body))[:10])}{' ...' if len(body) > 10 else ''}): {what}")
    return notes


__all__ = ["read"]
