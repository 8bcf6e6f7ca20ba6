"""Language-neutral expressions of the resolved model.

Catalog templates and wiring write values with these; each emitter turns them
into its own syntax (CloudFormation intrinsics, Terraform references).  Keeping
them tiny and frozen makes the resolved model hashable and deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Ref:
    """The identity of another emitted resource: CFN `Ref`, Terraform `<type>.<name>.<tf>`."""

    lid: str
    tf: str = "id"


@dataclass(frozen=True, slots=True)
class Attr:
    """An attribute of another emitted resource (`Fn::GetAtt` / `<type>.<name>.<attr>`)."""

    lid: str
    cfn: str
    tf: str


@dataclass(frozen=True, slots=True)
class StateAttr(Attr):
    """An attribute of a Cloud Control resource (a generic resource in Terraform):
    `Fn::GetAtt` / `jsondecode(<res>.properties).<attribute>`; `tf` is "properties"."""


@dataclass(frozen=True, slots=True)
class Var:
    """A user-chosen input: a CFN parameter / a Terraform variable."""

    name: str


@dataclass(frozen=True, slots=True)
class Join:
    """String concatenation of literals and expressions (`Fn::Join` / interpolation)."""

    parts: tuple


@dataclass(frozen=True, slots=True)
class Pseudo:
    """Deployment context: `region`, `account_id`, `partition`, or `name_prefix` (what starts
    every physical name: the stack name in CloudFormation, `var.name_prefix` in Terraform;
    `name_prefix_alnum` is the same without dashes, for names that allow letters and digits only)."""

    name: str


@dataclass(frozen=True, slots=True)
class Data:
    """An attribute of a Terraform data source the module reads (`data.<type>.<name>.<attr>`),
    declared once per name with `args`; e.g. the AMI id behind a public SSM parameter.  It has
    no CloudFormation form: catalog entries give CloudFormation its own spelling."""

    type: str
    name: str
    args: tuple  # ((argument, value), ...)
    attr: str


@dataclass(frozen=True, slots=True)
class Delimited:
    """A list as one string, items separated by `sep` (`Fn::Join` / `join()`)."""

    sep: str
    value: object


@dataclass(frozen=True, slots=True)
class TfText:
    """Terraform only: an expression written out, `{0}`, `{1}` ... standing for the addresses
    of the parts `lids` names (e.g. `tolist({0}.domain_validation_options)[0].resource_record_name`)."""

    text: str
    lids: tuple


@dataclass(frozen=True, slots=True)
class Fn:
    """A template function a design expression keeps (design/expressions.py): `name` is its
    design name (`select`, `split`, `base64`, `get_azs`, `find_in_map`, `if`, and in
    conditions `equals`, `and`, `or`, `not`, `condition`); each emitter has its spelling."""

    name: str
    args: tuple


NAME_PREFIX = Pseudo("name_prefix")
NAME_PREFIX_ALNUM = Pseudo("name_prefix_alnum")


@dataclass(frozen=True, slots=True)
class JsonEncode:
    """A value that Terraform must pass through `jsonencode()` (CFN keeps it structured)."""

    value: object


@dataclass(frozen=True, slots=True)
class Block:
    """A Terraform nested block (`name { ... }`); CloudFormation never sees one."""

    body: dict


class _Omit:
    """Marks a value to leave out (an empty optional list, an unset property)."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "OMIT"

    def __bool__(self) -> bool:
        return False


OMIT = _Omit()


def join(*parts) -> Join | str:
    """Join parts, folding adjacent literals; a join of only literals is a plain string."""
    folded: list = []
    for part in parts:
        if isinstance(part, Join):
            items = part.parts
        else:
            items = (part,)
        for item in items:
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                item = str(item)
            if isinstance(item, str) and folded and isinstance(folded[-1], str):
                folded[-1] += item
            elif item != "":
                folded.append(item)
    if all(isinstance(p, str) for p in folded):
        return "".join(folded)
    return Join(tuple(folded))


_PLAIN = frozenset({str, int, float, bool, type(None)})


def prune(value):
    """Drop OMIT values recursively (dict keys, list items) so emitters never see them.

    Plain values, most of a part, are kept without a call (wiring prunes every part it adds)."""
    kind = type(value)
    if kind is dict:
        return {k: v if type(v) in _PLAIN else prune(v) for k, v in value.items() if v is not OMIT}
    if kind is list:
        return [v if type(v) in _PLAIN else prune(v) for v in value if v is not OMIT]
    if kind in _PLAIN:
        return value
    if isinstance(value, dict):
        return {k: prune(v) for k, v in value.items() if v is not OMIT}
    if isinstance(value, list):
        return [prune(v) for v in value if v is not OMIT]
    if isinstance(value, Block):
        return Block(prune(value.body))
    if isinstance(value, JsonEncode):
        return JsonEncode(prune(value.value))
    return value


def arn(service: str, *rest, region: bool = True, account: bool = True) -> Join | str:
    """`arn:<partition>:<service>:<region>:<account>:<rest...>`: the partition is never written out."""
    return join(
        "arn:", Pseudo("partition"), f":{service}:", Pseudo("region") if region else "", ":",
        Pseudo("account_id") if account else "", ":", *rest,
    )


def render(value, pseudo: dict[str, str], variables: dict[str, str] | None = None) -> str | None:
    """The text of a name-like expression once the deployment's pseudo values (e.g.
    {"name_prefix": "isshoni-shop"}) and variable values are known; None when it refers to
    anything else."""
    if type(value) is str:
        return value
    if type(value) is Var:
        return (variables or {}).get(value.name)
    if type(value) is Pseudo:
        if value.name == "name_prefix_alnum" and "name_prefix" in pseudo:
            return pseudo["name_prefix"].replace("-", "")
        return pseudo.get(value.name)
    if type(value) is Join:
        texts = [render(p, pseudo, variables) for p in value.parts]
        return None if any(t is None for t in texts) else "".join(texts)
    return None
