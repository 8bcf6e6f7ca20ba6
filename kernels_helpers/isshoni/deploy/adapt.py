"""What the sandbox cannot emulate, and the model it deploys instead.

moto's CloudFormation has no model for some resource types (it answers HTTP
500 or silently skips them) and a few Terraform resources fail against moto.
Rather than let a sandbox deploy crash or pretend, the resolved model is
adapted before emission: such parts are left out, references to them become
visible placeholders, and every omission is recorded with its reason so the
report says `not_emulated`.  Real AWS targets never go through this.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

from ..compiler import expr as e
from ..compiler.model import OutputValue, Part, Resolved, Variable
from . import json_text, paths

PLACEHOLDER = "isshoni-sandbox-not-emulated-{lid}"
CERTIFICATE_CFN = "AWS::CertificateManager::Certificate"

# Terraform resources that fail against the moto server (found running chat_canary):
TF_NOT_EMULATED = {
    "aws_elasticache_replication_group": "moto creates no member clusters, so the provider fails waiting "
    "for them (CacheClusterNotFound)",
    "aws_elasticache_subnet_group": "moto cannot delete cache subnet groups (NotImplemented): destroy would hang",
    "aws_cloudfront_response_headers_policy": "moto has no CloudFront response headers policies: the provider would wait for one forever",
    "aws_appautoscaling_target": "moto's Application Auto Scaling never lists the target the provider waits for after registering it",
    "aws_appautoscaling_policy": "its scalable target is not emulated (moto's Application Auto Scaling)",
}

# CloudFormation types moto models but that fail in the sandbox as Isshoni emits them:
CFN_NOT_EMULATED: dict[str, str] = {}
# Properties moto's CloudFormation models read wrongly: left out in the sandbox, each with why.
CFN_PROPERTIES_NOT_EMULATED = {
    ("AWS::KMS::Key", "Tags"): "moto's KMS model reads CloudFormation tags as TagKey/TagValue pairs (HTTP 500 on Key/Value)",
}
# Json properties moto's CloudFormation stores as objects where its service reads text: given as text
CFN_PROPERTIES_AS_TEXT = {
    ("AWS::KMS::Key", "KeyPolicy"): "given as JSON text: moto keeps the object and then answers DescribeKey with HTTP 500",
}


@dataclass
class Omitted:
    lid: str
    source: str
    type: str
    reason: str
    substitute: str | None = None

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass
class Adapted:
    resolved: Resolved
    omitted: dict[str, Omitted]
    notes: dict[str, list[str]]  # lid -> what changed in that part (placeholders used)
    dropped_outputs: list[str]


def for_sandbox(resolved: Resolved, engine: str, prepared: dict) -> Adapted:
    """The model the sandbox can deploy with `engine`, and what it leaves out."""
    omitted: dict[str, Omitted] = {}
    substitutes: dict[str, str] = {}
    for part in resolved.parts:
        if engine == "cloudformation":
            if not part.cfn_type:
                continue
            if part.cfn_type == CERTIFICATE_CFN and prepared.get("certificate_arn"):
                reason = "moto's CloudFormation has no ACM model; listeners use the sandbox's prepared certificate"
                omitted[part.lid] = Omitted(part.lid, part.source, part.cfn_type, reason, prepared["certificate_arn"])
                substitutes[part.lid] = prepared["certificate_arn"]
            elif part.cfn_type in CFN_NOT_EMULATED:
                omitted[part.lid] = Omitted(part.lid, part.source, part.cfn_type, CFN_NOT_EMULATED[part.cfn_type])
            elif part.cfn_type not in moto_cfn_types():
                omitted[part.lid] = Omitted(
                    part.lid, part.source, part.cfn_type, f"moto's CloudFormation has no model for {part.cfn_type}"
                )
        elif part.tf_type in TF_NOT_EMULATED:
            omitted[part.lid] = Omitted(part.lid, part.source, part.tf_type, TF_NOT_EMULATED[part.tf_type])
    attr_support = _attr_support(resolved, omitted) if engine == "cloudformation" else {}
    notes: dict[str, list[str]] = {}
    parts: list[Part] = []
    for part in resolved.parts:
        if part.lid in omitted:
            continue
        used: list[str] = []

        def swap(value, _used=used):
            return _substitute(value, omitted, substitutes, attr_support, _used)

        cfn = part.cfn
        if engine == "cloudformation" and cfn:
            dropped = [k for k in cfn if (part.cfn_type, k) in CFN_PROPERTIES_NOT_EMULATED]
            for key in dropped:
                used.append(f"{key} left out: {CFN_PROPERTIES_NOT_EMULATED[(part.cfn_type, key)]}")
            cfn = {k: v for k, v in cfn.items() if k not in dropped}
            for key in [k for k in cfn if (part.cfn_type, k) in CFN_PROPERTIES_AS_TEXT]:
                used.append(f"{key} {CFN_PROPERTIES_AS_TEXT[(part.cfn_type, key)]}")
                cfn[key] = json_text.as_text(cfn[key])
        parts.append(
            dataclasses.replace(
                part,
                cfn=swap(cfn) if cfn is not None else None,
                tf=swap(part.tf) if part.tf is not None else None,
                depends_on=[d for d in part.depends_on if d not in omitted],
            )
        )
        if used:
            notes[part.lid] = sorted(set(used))
    outputs: list[OutputValue] = []
    dropped_outputs = []
    for output in resolved.outputs:
        probe: list[str] = []
        _substitute(output.cfn if engine == "cloudformation" else output.tf, omitted, {}, attr_support, probe)
        if probe:
            dropped_outputs.append(output.name)
        else:
            outputs.append(output)
    variables = [sandbox_default(v, resolved.region, prepared) for v in resolved.variables]
    adapted = Resolved(resolved.name, resolved.region, resolved.description, parts, variables, outputs)
    return Adapted(adapted, omitted, notes, dropped_outputs)


def artifact_bucket(region: str) -> str:
    """The sandbox's bucket for Lambda code zips (made on first upload, marked prepared)."""
    return f"isshoni-sandbox-artifacts-{region}"


def sandbox_default(var: Variable, region: str, prepared: dict) -> Variable:
    """A variable asked at deploy time (no default) gets the value the sandbox stands in with:
    a domain of its own, the certificate it prepared, its artifact bucket, an image tag."""
    if var.default is not None or var.sandbox is None:
        return var
    value = var.sandbox
    if value == "@certificate_arn":
        value = prepared.get("certificate_arn")
    elif value == "@artifact_bucket":
        value = artifact_bucket(region)
    return var if value is None else dataclasses.replace(var, default=value)


def _substitute(value, omitted, substitutes, attr_support, used):
    if isinstance(value, dict):
        return {k: _substitute(v, omitted, substitutes, attr_support, used) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, omitted, substitutes, attr_support, used) for v in value]
    if isinstance(value, tuple):
        return tuple(_substitute(v, omitted, substitutes, attr_support, used) for v in value)
    if isinstance(value, (e.Ref, e.Attr)) and value.lid in omitted:
        if value.lid in substitutes:
            used.append(f"{value.lid} -> sandbox-prepared {substitutes[value.lid]}")
            return substitutes[value.lid]
        used.append(f"{value.lid} is not emulated: placeholder value")
        return PLACEHOLDER.format(lid=value.lid)
    if isinstance(value, e.Attr) and attr_support.get((value.lid, value.cfn)) is False:
        used.append(f"{value.lid}.{value.cfn} is not emulated: placeholder value")
        return PLACEHOLDER.format(lid=f"{value.lid}-{value.cfn}")
    if isinstance(value, e.Join):
        return e.Join(tuple(_substitute(p, omitted, substitutes, attr_support, used) for p in value.parts))
    if isinstance(value, e.JsonEncode):
        return e.JsonEncode(_substitute(value.value, omitted, substitutes, attr_support, used))
    if isinstance(value, e.Delimited):
        return e.Delimited(value.sep, _substitute(value.value, omitted, substitutes, attr_support, used))
    if isinstance(value, e.Block):
        return e.Block(_substitute(value.body, omitted, substitutes, attr_support, used))
    return value


def _attr_support(resolved: Resolved, omitted) -> dict[tuple[str, str], bool]:
    """(lid, attribute) -> whether moto's CloudFormation can answer that Fn::GetAtt."""
    wanted: set[tuple[str, str]] = set()

    def walk(v):
        if isinstance(v, e.Attr):
            wanted.add((v.lid, v.cfn))
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, (list, tuple)):
            for x in v:
                walk(x)
        elif isinstance(v, e.Join):
            walk(v.parts)
        elif isinstance(v, (e.JsonEncode, e.Delimited)):
            walk(v.value)

    for part in resolved.parts:
        walk(part.cfn)
    for output in resolved.outputs:
        walk(output.cfn)
    types = {p.lid: p.cfn_type for p in resolved.parts}
    pairs = {(types[lid], attr) for lid, attr in wanted if lid in types and lid not in omitted and types[lid]}
    known = moto_cfn_attrs(pairs)
    return {(lid, attr): known.get((types.get(lid), attr), True) for lid, attr in wanted}


# ---------------------------------------------------------------- what moto's CloudFormation models


CACHE_FORMAT = 2  # 2: an attribute counts only when the model can also answer it (get_cfn_attribute)


def _cache_path():
    import moto

    return paths.state_dir() / f"moto-cfn-{moto.__version__}-{CACHE_FORMAT}.json"


def _load_cache() -> dict:
    try:
        return json.loads(_cache_path().read_text())
    except (OSError, ValueError):
        return {}


def _save_cache(cache: dict) -> None:
    path = _cache_path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(cache, sort_keys=True))
    tmp.replace(path)


def moto_cfn_types() -> frozenset[str]:
    """Resource types moto's CloudFormation can create (asked once per moto version, then cached:
    importing every moto backend takes seconds)."""
    cache = _load_cache()
    if "types" not in cache:
        from moto.cloudformation.parsing import get_model_map

        cache["types"] = sorted(get_model_map())
        _save_cache(cache)
    return frozenset(cache["types"])


def moto_cfn_attrs(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], bool]:
    cache = _load_cache()
    attrs = cache.setdefault("attrs", {})
    missing = [p for p in pairs if f"{p[0]}|{p[1]}" not in attrs]
    if missing:
        from moto.cloudformation.parsing import get_model_map

        models = get_model_map()
        for cfn_type, attr in missing:
            model = models.get(cfn_type)
            # some models claim every attribute (the base class's default) but answer none
            attrs[f"{cfn_type}|{attr}"] = bool(model and hasattr(model, "get_cfn_attribute") and model.has_cfn_attr(attr))
        _save_cache(cache)
    return {p: attrs[f"{p[0]}|{p[1]}"] for p in pairs}
