"""The compiler's fill, run backwards: which catalog entry, with which property values, emits this resource?

Each catalog entry declares the CloudFormation its primary part emits, with placeholders for
its design properties (catalog/spec.py: `P`, `If`, `Tags`, `Up` ...).  Matching a source
resource against that template recovers the entry and the property values, so the catalog
stays the one table of what each type means.  A match is exact for what the source says:
every source property is reproduced by the template (a value bound to a property, a literal
equal to it, a reference to a container).  What the template adds where the source is silent
(a physical name, the standard tags, an encryption default) is listed as `added`.  Templates
the compiler fills from connections or companion parts (`Slot`, `Env`, `Self`) match only
where the source is silent, and an entry that would emit another CloudFormation resource the
source does not have is no match: regenerating must give back the same resources.
"""

from __future__ import annotations

import itertools
import json
import re
from functools import lru_cache

from ...catalog import CATALOG
from ...catalog import spec as s
from ...compiler.expr import Block, JsonEncode
from .binding import ABSENT, Binding, Mismatch, is_ref, same_scalar
from .values import Opaque


@lru_cache(maxsize=2)
def candidates(side: str = "cfn") -> dict[str, tuple]:
    """CloudFormation type (side "cfn") or Terraform type (side "tf") -> the catalog entries whose
    primary part is of that type."""
    out: dict[str, list] = {}
    for entry in CATALOG.values():
        primary = next((e for e in entry.emits if e.key == ""), None)
        kind = None if primary is None else primary.cfn_type if side == "cfn" else primary.tf_type
        if kind:
            out.setdefault(kind, []).append(entry)
    return {k: tuple(v) for k, v in out.items()}


def match(entry: s.ResourceType, properties: dict, side: str = "cfn", source_id: str = "", companions=None) -> Binding:
    """The binding that makes `entry` emit `properties` (design values) in CloudFormation (side "cfn")
    or Terraform (side "tf"); raises Mismatch saying why.  `companions(entry, binding)` matches the
    entry's other parts against the source (lift.groups); without it the entry must make no other part."""
    primary = next(e for e in entry.emits if e.key == "")
    binding = Binding(side=side)
    if source_id:
        binding.parts[""] = source_id
    binding.at[:] = [""]
    _mapping(entry, template_of(primary, side), properties, binding, top=True, body=True)
    if companions is not None:
        companions(entry, binding)
    _choose_defaults(entry, binding)
    _no_companions(entry, binding)
    return binding


def template_of(emit: s.Emit, side: str) -> dict:
    return emit.cfn if side == "cfn" else emit.tf


def match_part(entry, emit: s.Emit, properties: dict, b: Binding) -> None:
    """Match one of the entry's other parts (a role, a log group ...) into the binding."""
    b.at[:] = [emit.key]
    _mapping(entry, template_of(emit, b.side), properties, b, body=True)


def _mapping(entry, template: dict, source: dict, b: Binding, top: bool = False, body: bool = False) -> None:
    """`body`: a part's whole template (where Terraform's meta-arguments are); `top`: the primary's."""
    if not isinstance(source, dict) or "ref" in source:
        raise Mismatch("expected an object")
    extra = sorted(set(source) - set(template))
    if extra:
        raise Mismatch(f"the catalog type has no setting for {extra[0]}")
    for key, tvalue in template.items():
        if body and b.side == "tf" and key in _META:
            continue  # the reader keeps no meta-argument (terraform/resources.py META): the compiler writes its own
        b.at.append(key)
        try:
            if key in source:
                _value(entry, tvalue, source[key], b)
            elif type(tvalue) in (s.Slot, s.Env) and b.side == "cfn":
                b.give(ABSENT)  # connections must not fill it either
            elif not _silent(entry, tvalue, b) and top:
                b.added.append(key)
        finally:
            b.at.pop()


def _silent(entry, tvalue, b: Binding) -> bool:
    """Make the template emit nothing for an absent key where it can; True when it does."""
    kind = type(tvalue)
    if kind is s.If:
        if tvalue.prop.startswith("@"):
            return True  # containers, slots: nothing is connected or contained on import unless the source says so
        if tvalue.otherwise is None:
            try:
                for value in _equals(tvalue):
                    b.forbid(tvalue.prop, value)
                return True
            except Mismatch:
                return False
        return False
    if kind is s.P:
        return entry.properties.get(tvalue.name, {}).get("default") is None and tvalue.name not in b.values
    return kind in (s.Slot, s.Env, s.Up, s.Subnets, s.Self, s.SelfAttr)


_META = frozenset({"lifecycle", "depends_on", "count", "for_each", "provider"})
_TAKES_OPAQUE = frozenset({s.Name, s.J, s.P, s.If, s.DataSource})


def _value(entry, tvalue, svalue, b: Binding) -> None:
    kind = type(tvalue)
    if type(svalue) is Opaque and kind not in _TAKES_OPAQUE:
        raise Mismatch(svalue.error.reason)
    if kind in (str, int, float, bool, type(None)):
        if not same_scalar(tvalue, svalue):
            raise Mismatch(f"the catalog type always writes {tvalue!r}, the source {svalue!r}")
    elif kind is s.P:
        _placeholder(entry, tvalue.name, svalue, b)
    elif kind is s.If:
        _if(entry, tvalue, svalue, b)
    elif kind is dict:
        _mapping(entry, tvalue, svalue, b)
    elif kind in (list, tuple):
        if b.side == "tf" and isinstance(svalue, dict) and any(type(t) is Block or type(t) is s.If for t in tvalue):
            svalue = [svalue]  # a repeated nested block the source writes once: the evaluator reads it as that block
        _list(entry, tvalue, svalue, b)
    elif kind is s.Tags:
        _tags(tvalue, svalue, b)
    elif kind is JsonEncode:  # Terraform's jsonencode(...): the source holds the JSON text
        _value(entry, tvalue.value, _decoded(svalue), b)
    elif kind is Block:  # a Terraform nested block: the source holds one object (a list of one, as read)
        if isinstance(svalue, list) and len(svalue) == 1:
            svalue = svalue[0]
        _mapping(entry, tvalue.body, svalue, b)
    elif kind is s.Up:
        if not is_ref(svalue):
            raise Mismatch("a container reference that is not a reference")
        b.containers.append((tvalue.types, str(svalue["ref"])))  # plain text: a YAML loader's string type would reach the design
    elif kind is s.Subnets:
        if not isinstance(svalue, list) or not svalue or not all(is_ref(v) for v in svalue):
            raise Mismatch("subnets that are not references")
        b.subnets = [str(v["ref"]) for v in svalue]
    elif kind is s.Region:  # the source's `Ref AWS::Region` reads as the region imported into, as in a join
        if not isinstance(svalue, str) or not re.fullmatch(_REGION, svalue):
            raise Mismatch(f"the catalog type writes the deployment region here, the source {svalue!r}")
    elif kind is s.Zone:
        if not isinstance(svalue, str) or not re.fullmatch(r"[a-z]{2}(-gov)?-[a-z]+-[0-9][a-z]", svalue):
            raise Mismatch("an availability zone that is not a zone name")
        b.bind(tvalue.prop, svalue)
    elif kind is s.J:
        _join(entry, tvalue, svalue, b)
    elif kind is s.Self or kind is s.SelfAttr:
        _self(tvalue, svalue, b)
    elif kind is s.Slot or kind is s.Env:  # what a connection fills: checked once connections are folded
        _slot(entry, tvalue, svalue, b)
    elif kind is s.DataSource and tvalue.type == "aws_ssm_parameter" and tvalue.attr in ("value", "insecure_value"):
        _value(entry, dict(tvalue.args).get("name"), svalue, b)  # the folder reader's SSM-typed parameter, at its default
    elif kind is s.DataSource:
        _data(entry, tvalue, svalue, b)
    elif kind is s.Name and _stack_named(svalue):
        _own_name(entry, tvalue, svalue, b)
    else:  # Name, Label, Slot, Env, Self ...: the compiler makes these; the source's own value would be lost
        raise Mismatch(f"the catalog type makes this value itself ({kind.__name__})")


def _data(entry, t: s.DataSource, svalue, b: Binding) -> None:
    """What a data source makes when Terraform runs (lift.tf_references.data_value): the same data
    source, attribute and arguments as the catalog's."""
    raw = svalue.raw if type(svalue) is Opaque else None
    read = raw.get("Terraform::Data") if isinstance(raw, dict) and len(raw) == 1 else None
    if not read or read[:2] != [t.type, t.attr]:
        raise Mismatch(f"the catalog type reads data.{t.type}.{t.attr} here")
    args = dict(t.args)
    if set(read[2]) != set(args):
        raise Mismatch(f"data.{t.type} with other arguments than the catalog's")
    for key, targ in args.items():
        b.at.append(key)
        try:
            _value(entry, targ, read[2][key], b)
        finally:
            b.at.pop()


def _slot(entry, t, svalue, b: Binding) -> None:
    """A value connections fill.  When the slot's default (what the compiler writes with no connection)
    reads the source's value, its properties are bound from it (an alarm's own metric name): the node
    says what it is even where a connection could fill it.  The value still goes to the connection
    check (lift.connections: the compile, read as the source was, must give it back)."""
    default = getattr(t, "default", None)
    if default is not None:
        trial = b.copy()
        try:
            _value(entry, default, svalue, trial)
        except Mismatch:
            pass
        else:
            b.__dict__.update(trial.__dict__)
    b.give(svalue)


def _if(entry, t: s.If, svalue, b: Binding) -> None:
    if t.prop.startswith("@"):  # a container, a connection: the compile check says whether the design gives it
        for branch in (t.then, t.otherwise):
            trial = b.copy()
            try:
                _value(entry, branch, svalue, trial)
            except Mismatch:
                continue
            b.__dict__.update(trial.__dict__)
            return
        raise Mismatch(f"a value that depends on {t.prop}")
    options = _equals(t)
    for then in (True, False):
        branch = t.then if then else t.otherwise
        if branch is None:
            continue
        for value in options if then else (None,):  # a percentile statistic: p50, p90 ... each in turn
            trial = b.copy()
            try:
                if then:
                    trial.bind(t.prop, value)
                else:
                    for other in options:
                        trial.forbid(t.prop, other)
                _value(entry, branch, svalue, trial)
            except Mismatch:
                continue
            b.__dict__.update(trial.__dict__)
            return
    raise Mismatch(f"no value of {t.prop} gives this")


def _equals(t: s.If) -> tuple:
    """The values of the property that take an If's `then` branch."""
    return t.equals if isinstance(t.equals, tuple) else (t.equals,)


def _decoded(svalue):
    if isinstance(svalue, str):
        try:
            return json.loads(svalue)
        except ValueError:
            raise Mismatch("text that is not JSON where the catalog type writes jsonencode(...)") from None
    return svalue


def _tags(t: s.Tags, svalue, b: Binding) -> None:
    """Source tags are kept when the standard ones say the same: at most a Name (the label)."""
    if t.style == "blocks" and b.side == "tf":  # an Auto Scaling group's `tag` blocks, passed on at launch
        blocks = svalue if isinstance(svalue, list) else [svalue]
        pairs = {x.get("key"): x.get("value") for x in blocks if isinstance(x, dict)} if all(
            isinstance(x, dict) and set(x) <= {"key", "value", "propagate_at_launch"} and x.get("propagate_at_launch") is not False
            for x in blocks) else None
    elif t.style == "map" or b.side == "tf":  # Terraform's tags are always a map
        pairs = svalue if isinstance(svalue, dict) else None
    else:
        pairs = {x.get("Key"): x.get("Value") for x in svalue if isinstance(x, dict)} if isinstance(svalue, list) else None
        if pairs is not None and any(set(x) - {"Key", "Value", "PropagateAtLaunch"} for x in svalue):
            pairs = None
    pairs = {k: v for k, v in pairs.items() if k != "isshoni:design"} if isinstance(pairs, dict) else pairs
    if t.style in ("full", "blocks") and b.side == "tf" and isinstance(pairs, dict) and isinstance(pairs.get("environment"), str):
        pairs = {k: v for k, v in pairs.items() if k != "environment"}  # var.environment's, where default_tags do not reach
    if pairs is None or set(pairs) - {"Name"} or not all(isinstance(v, str) for v in pairs.values()):
        raise Mismatch("tags other than Name (the catalog writes its own)")
    if "Name" in pairs:
        b.label = pairs["Name"]


def _join(entry, t: s.J, svalue, b: Binding) -> None:
    """Text the template joins from literals and placeholders; an Opaque source is matched in its
    `Fn::Sub` form (`arn:${AWS::Partition}:...:${Table.Arn}`)."""
    sub = type(svalue) is Opaque
    if sub:
        raw = svalue.raw
        svalue = raw.get("Fn::Sub") if isinstance(raw, dict) and len(raw) == 1 else None
    if not isinstance(svalue, str):
        raise Mismatch("a joined value")
    pieces = []
    for i, part in enumerate(t.parts):
        piece = _JOIN_PIECES[sub].get(type(part))
        if piece is None:
            raise Mismatch("a joined value")
        if type(part) is s.P and part.name in b.values and isinstance(b.values[part.name], (str, int, float)):
            piece = re.escape(str(b.values[part.name]))  # known already (a port from the port mappings): no guess
        elif type(part) is s.P and entry.properties.get(part.name, {}).get("type") == "integer":
            piece = "(?P<g>-?[0-9]+)"  # two placeholders side by side split where the number ends
        pieces.append(re.escape(part) if piece == "literal" else piece.replace("<g>", f"<g{i}>"))
    found = re.fullmatch("".join(pieces), svalue)
    if not found:
        raise Mismatch("a joined value of another shape")
    for i, part in enumerate(t.parts):
        if isinstance(part, s.P) and f"g{i}" in found.groupdict():
            b.bind(part.name, _typed(entry, part.name, found.group(f"g{i}")))
        elif isinstance(part, (s.Self, s.SelfAttr)):
            b.bind_part(part.key, found.group(f"g{i}"))


_ID_SUB = r"\$\{(?P<g>[A-Za-z0-9_]+)"  # a logical id, or a Terraform source's design id
_REGION = "(?:[a-z]{2}(?:-gov)?-[a-z]+-[0-9])"
_JOIN_PIECES = {
    False: {str: "literal", s.P: "(?P<g>.+?)", s.Partition: "(?:aws|aws-cn|aws-us-gov)",
            s.Region: _REGION},
    True: {str: "literal", s.P: "(?P<g>[^$]+?)", s.Partition: r"(?:\$\{AWS::Partition\}|aws|aws-cn|aws-us-gov)",
           s.Region: r"(?:\$\{AWS::Region\}|" + _REGION[3:], s.Account: r"\$\{AWS::AccountId\}",
           s.Name: r"\$\{AWS::StackName\}[A-Za-z0-9._-]*", s.Slot: ".+?", s.Self: _ID_SUB + r"\}",
           s.SelfAttr: _ID_SUB + r"\.[A-Za-z0-9.]+\}"},
}


def _stack_named(svalue) -> bool:
    """A physical name made from the stack's name (`${AWS::StackName}-...`), as the compiler writes them."""
    return type(svalue) is Opaque and "${AWS::StackName}" in json.dumps(svalue.raw)


def _own_name(entry, t: s.Name, svalue: Opaque, b: Binding) -> None:
    """A physical name made from the stack's name is the compiler's own when it is the one this node
    gets again (`${AWS::StackName}-<its id in words>-<suffix>`), or, where the entry lets a property
    name it, that property's value; any other would change on compile (AWS replaces a renamed resource)."""
    from ...compiler.names import after_prefix, tf_identifier

    text = svalue.raw.get("Fn::Sub") if isinstance(svalue.raw, dict) and len(svalue.raw) == 1 else None
    if not isinstance(text, str) or not text.startswith("${AWS::StackName}"):
        return  # another spelling of a stack-made name (letters and digits only): made again on compile
    rest = text.removeprefix("${AWS::StackName}")
    rid = b.parts.get("", "")
    if rest == after_prefix(f"{tf_identifier(rid)} {t.suffix}", t.max, t.style):
        return
    sep = "" if t.style == "alnum" else "-"
    if t.prop and t.prop in entry.properties and rest.startswith(sep) and "${" not in rest:
        b.bind(t.prop, rest[len(sep):])
        return
    raise Mismatch(f"its name ({text}) is not the one the catalog type gives it")


def _self(t, svalue, b: Binding) -> None:
    """A reference to one of the entry's own parts: names which source resource that part is."""
    if not is_ref(svalue):
        raise Mismatch(f"its {t.key or 'primary'} part is not referred to")
    attribute = svalue.get("attribute")
    if b.side == "cfn" and attribute != (t.cfn if type(t) is s.SelfAttr else None):
        raise Mismatch(f"refers to {svalue['ref']}'s {attribute or 'Ref'}, the catalog type to its {getattr(t, 'cfn', 'Ref')}")
    b.bind_part(t.key, svalue["ref"])


def _list(entry, tvalue, svalue, b: Binding) -> None:
    """A list item by item; a Slot in it (items connections add) takes the source's items after the fixed ones."""
    if not isinstance(svalue, list):
        raise Mismatch("a list of another length")
    fixed = [t for t in tvalue if not (type(t) is s.Slot and not t.single)]
    slots = [t for t in tvalue if t not in fixed]
    if slots:  # the items connections add come after the fixed ones: the whole list is checked with them
        b.give(svalue)
        svalue = svalue[:len(fixed)]
        if len(svalue) < len(fixed):
            raise Mismatch("a list of another length")
    if len(svalue) > len(fixed):
        raise Mismatch("a list of another length")
    dropping = len(fixed) - len(svalue)
    optional = [i for i, t in enumerate(fixed) if type(t) is s.If and None in (t.then, t.otherwise) and not t.prop.startswith("@")]
    reason = "a list of another length"
    for dropped in itertools.combinations(optional, dropping):  # an item an If leaves out
        trial = b.copy()
        try:
            kept = [t for i, t in enumerate(fixed) if i not in dropped]
            for i in dropped:
                t = fixed[i]
                equals = t.equals[0] if isinstance(t.equals, tuple) else t.equals
                (trial.bind if t.then is None else trial.forbid)(t.prop, equals)
            for i, (t, v) in enumerate(zip(kept, svalue, strict=True)):
                trial.at.append(i)
                try:
                    _value(entry, t, v, trial)
                finally:
                    trial.at.pop()
        except Mismatch as exc:
            reason = str(exc)
            continue
        b.__dict__.update(trial.__dict__)
        return
    raise Mismatch(reason)


def _placeholder(entry, name: str, svalue, b: Binding) -> None:
    """A property's value; a template parameter without a default where the property is asked at deploy time
    (`x-ask`) is the empty value that means "asked"."""
    if type(svalue) is Opaque:
        schema = entry.properties.get(name, {})
        parameter = svalue.raw.get("Ref") if isinstance(svalue.raw, dict) and len(svalue.raw) == 1 else None
        if not (isinstance(parameter, str) and not parameter.startswith("AWS::") and "x-ask" in schema):
            raise Mismatch(svalue.error.reason)
        b.bind(name, "")
        b.variables[name] = parameter
        return
    b.bind(name, _typed(entry, name, svalue))


def _typed(entry, name: str, value):
    """A source value as the property's schema type (CloudFormation takes "30" for 30)."""
    schema = entry.properties.get(name)
    if schema is None or is_ref(value):
        raise Mismatch(f"{name} cannot hold a reference")
    kind = schema.get("type")
    try:
        if kind == "integer" and isinstance(value, str):
            value = int(value)
        elif kind == "number" and isinstance(value, str):
            value = float(value) if "." in value else int(value)
        elif kind == "boolean" and isinstance(value, str) and value.lower() in ("true", "false"):
            value = value.lower() == "true"
    except ValueError:
        raise Mismatch(f"{name} is a {kind}") from None
    if not _validator(entry.type, name).is_valid(value):
        raise Mismatch(f"{value!r} is not a valid {name}")
    return value


@lru_cache(maxsize=4096)
def _validator(rtype: str, name: str):
    from jsonschema import Draft202012Validator

    return Draft202012Validator(CATALOG[rtype].properties[name])


def _choose_defaults(entry, b: Binding) -> None:
    """A property the source left to its default must not take a forbidden value: choose another."""
    for name, forbidden in b.forbidden.items():
        if name in b.values:
            continue
        schema = entry.properties.get(name, {})
        current = schema.get("default")
        if current not in forbidden:
            continue
        options = [not current] if schema.get("type") == "boolean" else list(schema.get("enum", ()))
        allowed = [o for o in options if o not in forbidden]
        if not allowed:
            raise Mismatch(f"no value of {name} fits")
        b.values[name] = allowed[0]


def _no_companions(entry, b: Binding) -> None:
    """The entry must emit no other resource for these values (regenerating must not add any).

    Matching Terraform, a part only Terraform has (`aws_default_security_group`, the explicit egress
    rule: what CloudFormation does implicitly) is listed as added, not a reason to refuse."""
    defaults = entry.defaults()
    for emit in entry.emits:
        if emit.key == "" or not (emit.cfn_type if b.side == "cfn" else emit.tf_type):
            continue
        when = emit.when
        if emit.key in b.parts:  # the source has this part: whatever switches it on holds
            if when is not None and not when[0].startswith("@"):
                if b.values.get(when[0], defaults.get(when[0])) != when[1]:
                    if when[0] in b.values:
                        raise Mismatch(f"{when[0]} would leave out its {emit.key}, which the source has")
                    b.bind(when[0], when[1])
            continue
        if when is not None and when[0].startswith("@"):
            continue  # waits for a connection or a container the import did not make
        if when is None and b.side == "tf" and not emit.cfn_type:
            b.added.append(f"{emit.tf_type} ({emit.key})")
            continue
        if when is None:
            raise Mismatch(f"the catalog type also makes a {emit.cfn_type} ({emit.key}) the source does not have")
        value = b.values.get(when[0], defaults.get(when[0]))
        if value != when[1]:
            continue
        if isinstance(value, bool) and when[0] not in b.values:
            b.values[when[0]] = not when[1]  # a part behind a switch: switched off, as the source has none
            continue
        raise Mismatch(f"{when[0]} makes a {emit.cfn_type or emit.tf_type} ({emit.key}) the source does not have")


__all__ = ["ABSENT", "Binding", "Mismatch", "candidates", "match", "same_scalar"]
