"""CloudFormation and SAM text -> a template dict whose nodes remember their lines.

cfn-lint's own decoder reads both YAML (with the short-form intrinsics `!Ref`, `!GetAtt`,
`!Sub` ...) and JSON, and marks every mapping with its start line; its parse errors say
where.  SAM templates (`Transform: AWS::Serverless-2016-10-31`) are expanded by the SAM
translator (aws-sam-translator) into the CloudFormation they deploy as.
"""

from __future__ import annotations

import re

from . import NotImportable

MAX_BYTES = 5 * 1024 * 1024  # CloudFormation's own limit for a template in S3 is 1 MB (51,200 bytes inline)
SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
_CFN_HINT = re.compile(r"^\s*[\"']?(AWSTemplateFormatVersion|Resources|Transform)[\"']?\s*:", re.MULTILINE)


def check_size(size: int, source: str) -> None:
    if size > MAX_BYTES:
        raise NotImportable(f"{size / 1024 / 1024:.1f} MB is more than an import takes ({MAX_BYTES // 1024 // 1024} MB; "
                            "CloudFormation itself takes at most 1 MB)", source)


def looks_like_cloudformation(text: str) -> bool:
    return bool(_CFN_HINT.search(text[:200_000]))


def is_sam(template: dict) -> bool:
    transform = template.get("Transform")
    names = transform if isinstance(transform, list) else [transform]
    return SAM_TRANSFORM in names


def line_of(node) -> int | None:
    """The 1-based line a decoded mapping starts on (None for plain values)."""
    mark = getattr(node, "start_mark", None)
    return mark.line + 1 if mark is not None else None


def decode(text: str, source: str) -> dict:
    """The template; NotImportable naming file:line:column when it is not YAML/JSON or not a template."""
    check_size(len(text.encode("utf-8", "surrogatepass")), source)
    from cfnlint.decode import decode_str

    try:
        template, matches = decode_str(text)
    except RecursionError:
        raise NotImportable("nested too deeply to read", source) from None
    if matches:
        first = matches[0]
        where = f"{source}:{first.linenumber}:{first.columnnumber}"
        message = re.sub(r"^\[?E0000: [^\]]*\]?\s*", "", first.message).strip() or first.message
        raise NotImportable(f"not a readable template: {message}", where)
    if not isinstance(template, dict):
        raise NotImportable("not a CloudFormation template (the document is not a mapping)", source)
    resources = template.get("Resources")
    if not isinstance(resources, dict) or not resources:
        raise NotImportable("not a CloudFormation template: it has no Resources section (a mapping of logical ids)", source)
    return template


def expand_sam(template: dict, source: str, region: str) -> dict:
    """The CloudFormation a SAM template deploys as (the translator runs offline: managed policy
    names become their ARNs in the partition, nothing is asked of AWS)."""
    try:
        from samtranslator.model.exceptions import InvalidDocumentException
        from samtranslator.parser.parser import Parser
        from samtranslator.translator.translator import Translator
    except ImportError:  # pragma: no cover - a dependency of the package
        raise NotImportable("expanding SAM needs aws-sam-translator (pip install aws-sam-translator)", source) from None
    import copy

    import boto3

    document = plain(template)
    policies = _ManagedPolicies()
    try:
        translator = Translator(policies, Parser(), boto_session=boto3.session.Session(region_name=region))
        translated = translator.translate(copy.deepcopy(document), parameter_values={"AWS::Region": region},
                                                             get_managed_policy_map=lambda: policies)
    except InvalidDocumentException as exc:
        causes = "; ".join(str(c.message) for c in exc.causes) or str(exc)
        raise NotImportable(f"the SAM translator refused it: {causes}", source) from None
    except Exception as exc:  # noqa: BLE001 - the translator raises many kinds; each is a bad template
        raise NotImportable(f"the SAM translator could not expand it: {type(exc).__name__}: {exc}", source) from None
    return translated


class _ManagedPolicies(dict):
    """Any AWS managed policy name -> its ARN (the translator asks by name; no IAM call)."""

    def __missing__(self, name):
        return f"arn:aws:iam::aws:policy/{name}"

    def get(self, name, default=None):
        return self[name]

    def __contains__(self, name):
        return isinstance(name, str)


def plain(value):
    """The decoder's node classes as plain dicts/lists/strs (the SAM translator checks exact types)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


__all__ = ["MAX_BYTES", "SAM_TRANSFORM", "check_size", "decode", "expand_sam", "is_sam", "line_of", "looks_like_cloudformation", "plain"]
