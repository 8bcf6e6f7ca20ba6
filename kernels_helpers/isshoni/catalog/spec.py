"""The vocabulary of catalog entries: plain data plus a few placeholders.

A catalog entry says what a design resource *is* (icon, category, property
schema, allowed containers, accepted connections) and what it *becomes* in
CloudFormation and Terraform.  The mapping is written as templates whose
leaves may be placeholders below; the compiler's resolver fills them in.
Nothing here knows about a particular design.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property

# ---------------------------------------------------------------- placeholders


@dataclass(frozen=True)
class P:
    """The value of one of the resource's properties (a variable if the schema says so)."""

    name: str


@dataclass(frozen=True)
class Self:
    """A reference to one of this resource's own emitted parts ('' is the primary)."""

    key: str = ""
    tf: str = "id"


@dataclass(frozen=True)
class SelfAttr:
    """An attribute of one of this resource's own emitted parts."""

    key: str
    cfn: str
    tf: str


@dataclass(frozen=True)
class Up:
    """A reference to the nearest container of one of `types` (VPC, subnet ...)."""

    types: tuple
    tf: str = "id"

    def __init__(self, *types: str, tf: str = "id"):
        object.__setattr__(self, "types", types)
        object.__setattr__(self, "tf", tf)


@dataclass(frozen=True)
class Subnets:
    """The subnets this resource spreads across: its subnet and that subnet's
    siblings of the same tier (public/private) in the VPC, one per AZ."""

    tf: str = "id"


@dataclass(frozen=True)
class Name:
    """A physical name safe for AWS: `<design>-<resource>[-suffix]`, trimmed to `max`.

    `style` is 'dash' (lowercase, digits, dashes) or 'alnum' (letters and digits).
    If `prop` names a property the user has set, its (schema-checked) value wins.
    """

    suffix: str = ""
    max: int = 63
    style: str = "dash"
    prop: str = ""


@dataclass(frozen=True)
class Zone:
    """An availability zone from a property: a letter ('a') means region + letter."""

    prop: str = "az"


@dataclass(frozen=True)
class Label:
    """The resource's human label, as the user typed it (escaped by the emitters)."""


@dataclass(frozen=True)
class Tags:
    """The standard tags (Name = label, isshoni:design = design name).

    CloudFormation spells tags as a list of Key/Value pairs for most types;
    `style="map"` gives the {key: value} map some types (SSM, Cognito,
    API Gateway v2) want.  Terraform always gets a map of the Name (the
    provider's default_tags add the rest), or with `style="full"` all of them,
    for tag specifications that default_tags do not reach.
    """

    style: str = "list"


@dataclass(frozen=True)
class Slot:
    """Items that connections contribute to this resource (target groups, policies ...).

    `single` gives the first item instead of the list; `default` is used when
    no connection contributed anything (OMIT drops the key).
    """

    name: str
    single: bool = False
    default: object = None


@dataclass(frozen=True)
class Env:
    """Environment variables contributed by connections.

    style 'map' gives {NAME: value}; 'list' gives [{key: NAME, value: value}] with
    the given key names (ECS container definitions).
    """

    style: str = "map"
    key: str = "Name"
    value: str = "Value"


@dataclass(frozen=True)
class If:
    """`then` when property `prop` equals `equals` (or is one of them, for a tuple),
    else `otherwise` (None drops the key).

    `prop` may also be '@in:<type>' (True when the resource sits in such a
    container, e.g. '@in:vpc' for a Lambda function attached to a VPC),
    '@slot:<name>' (True when a connection filled that slot) or '@ephemeral'
    (True in an ephemeral design).
    """

    prop: str
    equals: object
    then: object
    otherwise: object = None


@dataclass(frozen=True)
class J:
    """String concatenation whose parts may be placeholders."""

    parts: tuple

    def __init__(self, *parts):
        object.__setattr__(self, "parts", parts)


@dataclass(frozen=True)
class Properties:
    """All of the resource's properties as the design holds them, its design references
    turned into references (a generic resource: isshoni.generic)."""


@dataclass(frozen=True)
class Region:
    """The deployment region."""


@dataclass(frozen=True)
class Account:
    """The deployment account id."""


@dataclass(frozen=True)
class DataSource:
    """Terraform only: an attribute of a data source read for this resource, named
    `<resource id>_<name>` (`args` may hold placeholders)."""

    type: str
    name: str
    args: tuple
    attr: str


@dataclass(frozen=True)
class Delimited:
    """A list value as one string, items separated by `sep` (a stack output must be a string)."""

    sep: str
    value: object


@dataclass(frozen=True)
class Partition:
    """The deployment's ARN partition (aws, aws-cn, aws-us-gov): never written as a literal."""


def arn(service: str, *rest, region: bool = True, account: bool = True) -> J:
    """`arn:<partition>:<service>:<region>:<account>:<rest...>` (region/account left empty when False)."""
    return J("arn:", Partition(), f":{service}:", *((Region(),) if region else ()), ":", *((Account(),) if account else ()), ":", *rest)


def managed_policy(name: str) -> J:
    """The ARN of an AWS managed IAM policy, e.g. `service-role/AWSLambdaBasicExecutionRole`."""
    return J("arn:", Partition(), ":iam::aws:policy/", name)


# ---------------------------------------------------------------- entries


@dataclass(frozen=True)
class Emit:
    """One AWS resource an entry produces, in both languages.

    `key` '' is the primary part (the one connections refer to); other keys are
    companions (a security group, a role, a log group ...).  `when` is an
    optional (property, value) condition for emitting the part at all;
    property may be '@in:<type>' as in `If`, or ('@slot', name) emits the part
    only when a connection filled that slot.
    """

    key: str
    cfn_type: str
    cfn: dict
    tf_type: str
    tf: dict
    when: tuple | None = None
    depends_on: tuple = ()


@dataclass(frozen=True)
class Output:
    """A stack output / Terraform output worth showing after deploy."""

    name: str
    description: str
    cfn: object
    tf: object


@dataclass(frozen=True)
class Risk:
    """A checkov finding an entry accepts *because of a property's value*, and why.

    `when` is (property, value) or (property, (values ...)) as in `If`; `parts` and
    `sides` narrow the suppression to some parts or one language; the reason
    may name properties in braces (`{log_retention_days}`), filled from the design,
    so the generated suppression says which setting made the trade-off.  Findings
    no property explains are in the entry's `accepted` map instead: the default
    of its `accepted_risks` property, which people see and change in the inspector.
    """

    checks: tuple
    when: tuple | None  # None: always (a finding checkov gets wrong about what the catalog emits)
    reason: str
    parts: tuple | None = None  # only these: emit keys of the entry, '@links' for parts of its connections
    sides: tuple = ("cfn", "tf")


@dataclass(frozen=True)
class Link:
    """A connection this resource may start, and what it means.

    `targets` are the catalog types it may point at; `wiring` names the unit in
    `isshoni.compiler.wiring` that turns it into resources, rules and
    environment; `meaning` is the sentence shown to people.
    """

    targets: tuple
    wiring: str
    meaning: str
    properties: dict = field(default_factory=dict)

    @cached_property
    def properties_schema_json(self) -> str:
        """The JSON Schema of a connection's properties, as the text design checks cache their
        validators by (built once per link, not once per connection checked)."""
        schema = {"type": "object", "properties": self.properties, "additionalProperties": False}
        return json.dumps(schema, sort_keys=True)


def walk(value):
    """Every value in a catalog template, depth first, each before what it holds: dicts, lists and
    tuples, and the fields of placeholders (a `J`'s parts, an `If`'s branches)."""
    yield value
    if isinstance(value, dict):
        items = value.values()
    elif isinstance(value, (list, tuple)):
        items = value
    elif hasattr(value, "__dataclass_fields__"):
        items = [getattr(value, name) for name in value.__dataclass_fields__]
    else:
        return
    for item in items:
        yield from walk(item)


@dataclass(frozen=True)
class ResourceType:
    """One catalog entry.

    For connections *to* it: `port` is the port a connected compute reaches it
    on; `env` names the environment variables a connected compute receives
    (suffix -> value placeholder, prefixed with the target's id); `iam` maps an
    access level ('read', 'write', 'readwrite' ...) to IAM actions on
    `iam_resources`.  For connections *from* it: `security_group` and `role`
    name its own emitted parts that wiring adds rules and policies to.
    `constraints` are JSON Schema `if`/`then` fragments across properties
    (e.g. which Fargate memory sizes go with a CPU size).  `aliases` are what people call it in
    a diagram ("Postgres", "RDS"; or ("MySQL", {"engine": "mysql"}) with the properties the name
    implies): importers match box labels against them (isshoni.catalog.aliases).
    """

    type: str
    label: str
    category: str
    icon: str
    description: str
    properties: dict
    emits: tuple
    required: tuple = ()
    containers: tuple = ()
    is_container: bool = False
    needs_container: bool = False
    links: tuple = ()
    outputs: tuple = ()
    port: int | None = None
    security_group: str | None = None
    role: str | None = None
    env: dict = field(default_factory=dict)
    iam: dict = field(default_factory=dict)
    iam_resources: tuple = ()
    constraints: tuple = ()
    cost: dict = field(default_factory=dict)
    accepted: dict = field(default_factory=dict)
    risks: tuple = ()
    aliases: tuple = ()

    def property_schema(self) -> dict:
        """JSON Schema for this entry's `properties` object (drives inspector and validation)."""
        schema = {
            "type": "object",
            "properties": self.properties,
            "required": list(self.required),
            "additionalProperties": False,
        }
        if self.constraints:
            schema["allOf"] = list(self.constraints)
        return schema

    def defaults(self, ephemeral: bool = False) -> dict:
        """Property defaults; in an ephemeral design (a sandbox, a demo) the properties that protect
        data take their `x-ephemeral` value instead (deletion protection off, force destroy on)."""
        return self._ephemeral_defaults if ephemeral else self._defaults

    @cached_property
    def _defaults(self) -> dict:
        return {k: v["default"] for k, v in self.properties.items() if "default" in v}

    @cached_property
    def variables(self) -> frozenset:
        """The properties that become a CloudFormation parameter / Terraform variable (`x-variable`)."""
        return frozenset(k for k, v in self.properties.items() if v.get("x-variable"))

    @cached_property
    def cidr_properties(self) -> tuple:
        """The properties that hold an IPv4 range (`format: cidr`), checked beyond the schema's pattern."""
        return tuple(k for k, v in self.properties.items() if v.get("format") == "cidr")

    @cached_property
    def spans_subnets(self) -> bool:
        """Whether it spreads over its subnet's siblings of the same tier (a `Subnets` placeholder in
        what it emits): the canvas draws it in one subnet and says it spans the others."""
        return any(isinstance(v, Subnets) for emit in self.emits for v in walk((emit.cfn, emit.tf)))

    @cached_property
    def _ephemeral_defaults(self) -> dict:
        return {**self._defaults, **{k: v["x-ephemeral"] for k, v in self.properties.items() if "x-ephemeral" in v}}

    def link_to(self, target_type: str) -> Link | None:
        for link in self.links:
            if target_type in link.targets:
                return link
        return None

    def summary(self) -> dict:
        """The entry as plain JSON, for `isshoni catalog --json` and the palette."""
        return {
            "type": self.type,
            "label": self.label,
            "category": self.category,
            "icon": self.icon,
            "description": self.description,
            "properties": self.property_schema(),
            "containers": list(self.containers),
            "is_container": self.is_container,
            "needs_container": self.needs_container,
            "spans_subnets": self.spans_subnets,
            "links": [
                {"targets": list(link.targets), "meaning": link.meaning, "properties": link.properties}
                for link in self.links
            ],
            "cloudformation": sorted({e.cfn_type for e in self.emits if e.cfn_type}),
            "terraform": sorted({e.tf_type for e in self.emits if e.tf_type}),
        }


# ---------------------------------------------------------------- schema helpers


def prop(type_: str, default=None, description: str = "", **extra) -> dict:
    """A property schema.

    `variable=True` makes it a CFN parameter / TF variable; with `ask=<sandbox value>` an empty
    value means "asked at deploy time" (a required variable, given `<sandbox value>` in the
    sandbox); `cfn_type` types the CFN parameter (e.g. an SSM parameter path); `ephemeral=` is
    the default in an ephemeral design (deletion protection off, force destroy on).
    """
    schema: dict = {"type": type_, "description": description}
    if default is not None:
        schema["default"] = default
    if extra.pop("variable", False):
        schema["x-variable"] = True
    for key, name in (("ask", "x-ask"), ("cfn_type", "x-cfn-type"), ("ephemeral", "x-ephemeral"), ("variable_pattern", "x-pattern")):
        if key in extra:
            schema[name] = extra.pop(key)
    schema.update(extra)
    return schema


def optional(pattern: str) -> str:
    """`pattern` (anchored with ^...$) or the empty string, still anchored at both ends: a JSON Schema
    pattern is searched for, so an unanchored alternative would accept any text that ends well."""
    assert pattern.startswith("^") and pattern.endswith("$"), pattern
    return f"^(|{pattern[1:-1]})$"


def enum(values, default, description: str = "", **extra) -> dict:
    return prop("string", default, description, enum=list(values), **extra)


def allowed_when(prop_name: str, value, other: str, allowed) -> dict:
    """A constraint: when `prop_name` is `value`, `other` must be one of `allowed`."""
    return {
        "if": {"properties": {prop_name: {"const": value}}, "required": [prop_name]},
        "then": {"properties": {other: {"enum": list(allowed)}}},
    }


CHECK_ID = r"^CKV2?_AWS_[0-9]{1,4}$"
REASON = r"^[^\x00-\x1f\x7f{}]*$"  # one line, no braces (nothing CloudFormation would read as a reference)


def accepted_risks(accepted: dict) -> dict:
    """The `accepted_risks` property every entry has: checkov findings accepted for this resource,
    each with the reason written beside the suppression in the generated code."""
    return {
        "type": "object",
        "description": "Security findings (checkov ids) accepted for this resource, each with its reason; merged with the "
        "defaults shown here, an empty reason withdraws one",
        "default": dict(accepted),
        "propertyNames": {"pattern": CHECK_ID},
        "additionalProperties": {"type": "string", "maxLength": 200, "pattern": REASON},
        "x-accepted-risks": True,
    }
