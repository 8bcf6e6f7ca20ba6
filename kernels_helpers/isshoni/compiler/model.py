"""The resolved model: what the emitters print, in neutral form.

It is the design after defaults, implied wiring and safe naming; every part
remembers which design resource or connection it came from, so findings on
the output can be mapped back onto the canvas.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)  # thousands per resolve: slots make them smaller and quicker to fill
class Part:
    """One AWS resource in the output."""

    lid: str
    source: str
    cfn_type: str | None
    cfn: dict | None
    tf_type: str | None
    tf: dict | None
    depends_on: list[str] = field(default_factory=list)
    cfn_name: str = ""
    tf_name: str = ""
    policy: str | None = None  # CloudFormation DeletionPolicy and UpdateReplacePolicy (stateful parts)
    prevent_destroy: bool = False  # Terraform lifecycle.prevent_destroy (stateful parts of a protected design)
    cfn_skips: tuple = ()  # checkov checks accepted on this part: ((check id, reason), ...)
    tf_skips: tuple = ()
    condition: str | None = None  # made only when this design condition holds (a generic resource's `condition`)
    key: str = ""  # which of its owner's parts it is (a catalog emit's key, a wiring unit's name for it)


@dataclass
class Variable:
    name: str
    type: str
    default: object
    description: str
    source: str
    allowed: list | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None  # a regular expression every value must match
    sandbox: object = None  # what the sandbox passes when the variable is required (default None) and not given
    cfn_type: str | None = None  # the CloudFormation parameter type, when not the one `type` implies
    secret: bool = False  # NoEcho / sensitive: never shown in consoles or plans
    item_type: str = "string"  # the items' type when `type` is "list"


@dataclass
class OutputValue:
    name: str
    description: str
    cfn: object
    tf: object
    source: str


@dataclass
class Resolved:
    name: str
    region: str
    description: str
    parts: list[Part]
    variables: list[Variable]
    outputs: list[OutputValue]
    # design resources left out of the Terraform module, with why (generic types without a counterpart)
    terraform_gaps: dict[str, str] = field(default_factory=dict)
    # what design expressions read (design/expressions.py): mappings as written, conditions as expressions
    mappings: dict = field(default_factory=dict)
    conditions: dict = field(default_factory=dict)
    variable_aliases: dict = field(default_factory=dict)  # design parameter -> the compiler's variable it is (resolve._same_parameters)

    def part(self, lid: str) -> Part:
        return self._index()[lid]

    def _index(self) -> dict[str, Part]:
        index = getattr(self, "_by_lid", None)
        if index is None or len(index) != len(self.parts):
            index = {p.lid: p for p in self.parts}
            self._by_lid = index
        return index

    def sources(self) -> dict[str, str]:
        """Maps CFN logical ids and TF addresses to the design id they came from."""
        mapping = {}
        for p in self.parts:
            if p.cfn_type:
                mapping[p.cfn_name] = p.source
            if p.tf_type:
                mapping[f"{p.tf_type}.{p.tf_name}"] = p.source
        return mapping
