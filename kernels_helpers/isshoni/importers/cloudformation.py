"""CloudFormation and SAM templates -> a design (issue 15, item 1).

The template is read by cfn-lint's decoder (cfn_source), SAM is expanded by the SAM
translator, and the resources go to the shared lifter.  What the design has no place for
is said in the report, never dropped silently: parameters, mappings and conditions (values
that use them make their resource not understood, with the line), outputs (the compiler
makes its own), DependsOn and resource attributes.
"""

from __future__ import annotations

from . import Imported, NotImportable
from .cfn_source import decode, expand_sam, is_sam, line_of
from .lift import SourceResource, lift

KEPT = ("Type", "Properties", "DependsOn", "Condition")


def read(text: str, *, source: str = "template", region: str = "us-east-1", name: str = "imported",
         fmt: str | None = None) -> Imported:
    """Import a template's text; `fmt` 'sam' or 'cloudformation' (None: from its Transform)."""
    template = decode(text, source)
    lines = {rid: line_of(body) for rid, body in template["Resources"].items()}
    sam = is_sam(template)
    if fmt == "sam" and not sam:
        raise NotImportable("not a SAM template: it has no `Transform: AWS::Serverless-2016-10-31`", source)
    notes = _section_notes(template)
    if sam:
        template = expand_sam(template, source, region)
        notes.append("SAM template: expanded by the SAM translator; generated resources carry their SAM resource's line")
    resources = [_resource(rid, body, _line(rid, lines, body)) for rid, body in template["Resources"].items()]
    parameters = frozenset(template.get("Parameters") or {}) if isinstance(template.get("Parameters"), dict) else frozenset()
    return lift(resources, name=name, region=region, fmt="sam" if sam else "cloudformation", source=source,
                parameters=parameters, notes=notes)


def _line(rid: str, lines: dict, body) -> int | None:
    found = line_of(body) or lines.get(rid)
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
        ("Parameters", "the design has no template parameters: a resource whose value refers to one is not understood"),
        ("Mappings", "the design has no mappings: a resource whose value reads one (Fn::FindInMap) is not understood"),
        ("Conditions", "the design has no conditions: a conditional resource or value is not understood"),
        ("Outputs", "not imported: the compiler writes its own outputs"),
        ("Rules", "not imported: the design has no template rules"),
    ):
        body = template.get(section)
        if isinstance(body, dict) and body:
            notes.append(f"{section} ({', '.join(sorted(map(str, body))[:10])}{' ...' if len(body) > 10 else ''}): {what}")
    return notes


__all__ = ["read"]
