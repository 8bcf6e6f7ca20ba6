"""Language-neutral expressions of the resolved model.

Catalog templates and wiring write values with these; each emitter turns them
into its own syntax (CloudFormation intrinsics, Terraform references).  They are
tiny values, hashable and compared by content, and nothing changes one once made;
they are not `frozen` dataclasses only because a frozen dataclass is built through
object.__setattr__, three times slower, and a resolve makes tens of thousands.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True, unsafe_hash=True)
class Ref:
    """The identity of another emitted resource: CFN `Ref`, Terraform `<type>.<name>.<tf>`."""

    lid: str
    tf: str = "id"


@dataclass(slots=True, unsafe_hash=True)
class Attr:
    """An attribute of another emitted resource (`Fn::GetAtt` / `<type>.<name>.<attr>`)."""

    lid: str
    cfn: str
    tf: str


@dataclass(slots=True, unsafe_hash=True)
class StateAttr(Attr):
    """An attribute of a Cloud Control resource (a generic resource in Terraform):
    `Fn::GetAtt` / `jsondecode(<res>.properties).<attribute>`; `tf` is "properties"."""


@dataclass(slots=True, unsafe_hash=True)
class Var:
    """A user-chosen input: a CFN parameter / a Terraform variable."""

    name: str


@dataclass(slots=True, unsafe_hash=True)
class Join:
    """String concatenation of literals and expressions (`Fn::Join` / interpolation)."""

    parts: tuple


@dataclass(slots=True, unsafe_hash=True)
class Pseudo:
    """Deployment context: `region`, `account_id`, `partition`, or `name_prefix` (what starts
    every physical name: the stack name in CloudFormation, `var.name_prefix` in Terraform;
    `name_prefix_alnum` is the same without dashes, for names that allow letters and digits only)."""

    name: str


@dataclass(slots=True, unsafe_hash=True)
class Data:
    """An attribute of a Terraform data source the module reads (`data.<type>.<name>.<attr>`),
    declared once per name with `args`; e.g. the AMI id behind a public SSM parameter.  It has
    no CloudFormation form: catalog entries give CloudFormation its own spelling."""

    type: str
    name: str
    args: tuple  # ((argument, value), ...)
    attr: str


@dataclass(slots=True, unsafe_hash=True)
class Delimited:
    """A list as one string, items separated by `sep` (`Fn::Join` / `join()`)."""

    sep: str
    value: object


@dataclass(slots=True, unsafe_hash=True)
class TfText:
    """Terraform only: an expression written out, `{0}`, `{1}` ... standing for the addresses
    of the parts `lids` names (e.g. `tolist({0}.domain_validation_options)[0].resource_record_name`)."""

    text: str
    lids: tuple


@dataclass(slots=True, unsafe_hash=True)
class Fn:
    """A template function a design expression keeps (design/expressions.py): `name` is its
    design name (`select`, `split`, `base64`, `get_azs`, `find_in_map`, `if`, and in
    conditions `equals`, `and`, `or`, `not`, `condition`); each emitter has its spelling."""

    name: str
    args: tuple


NAME_PREFIX = Pseudo("name_prefix")
NAME_PREFIX_ALNUM = Pseudo("name_prefix_alnum")


@dataclass(slots=True, unsafe_hash=True)
class JsonEncode:
    """A value that Terraform must pass through `jsonencode()` (CFN keeps it structured)."""

    value: object


@dataclass(slots=True, unsafe_hash=True)
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
    """Join parts, folding adjacent literals; a join of only literals is a plain string.

    Dispatches on exact types (every name and description of every part is a join): strings
    and numbers are folded, anything else (a reference, a pseudo value) is kept as it is."""
    folded: list = []
    last_text = False  # whether folded[-1] is a string that the next string extends
    only_text = True
    for part in parts:
        for item in part.parts if type(part) is Join else (part,):
            kind = type(item)
            if kind is not str:
                if kind is int or kind is float or (kind is not bool and isinstance(item, (int, float))):
                    item = str(item)
                elif not isinstance(item, str):  # a str subclass is folded like a str
                    folded.append(item)
                    last_text = only_text = False
                    continue
            if not item:
                continue
            if last_text:
                folded[-1] += item
            else:
                folded.append(item)
                last_text = True
    if only_text:
        return "".join(folded)
    return Join(tuple(folded))


_PLAIN = frozenset({str, int, float, bool, type(None)})


def prune(value):
    """Drop OMIT values at every depth (dict keys, list items) so emitters never see them.

    In place, and giving back `value`: wiring hands each part it adds to this once, and
    nearly all of them hold no OMIT, so a walk that only looks is what most parts cost
    (copying every part was a twentieth of a resolve).  A catalog subtree that fill gives
    back as it is never holds an OMIT, so it is never changed.  Plain values are kept
    without a call; a mapping or sequence subclass becomes a plain copy, as before."""
    kind = type(value)
    if kind is dict:
        gone = []
        for k, v in value.items():
            if v is OMIT:
                gone.append(k)
            elif type(v) not in _PLAIN:
                pruned = prune(v)
                if pruned is not v:
                    value[k] = pruned  # the same key: the dict does not change size
        for k in gone:
            del value[k]
        return value
    if kind is list:
        if OMIT in value:
            value[:] = [item for item in value if item is not OMIT]
        for i, v in enumerate(value):
            if type(v) not in _PLAIN:
                pruned = prune(v)
                if pruned is not v:
                    value[i] = pruned
        return value
    if kind in _PLAIN:
        return value
    if isinstance(value, dict):
        return prune(dict(value))
    if isinstance(value, list):
        return prune(list(value))
    if isinstance(value, Block):
        body = prune(value.body)
        return value if body is value.body else Block(body)
    if isinstance(value, JsonEncode):
        inner = prune(value.value)
        return value if inner is value.value else JsonEncode(inner)
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
