"""What Terraform safety allows, by allow-list: the rules `tfsafety` applies to each parsed file.

Providers are allowed by full source address (what Isshoni itself emits:
registry.terraform.io/hashicorp/aws); every use of a provider must resolve to
one: resources, data sources, ephemeral resources, provider blocks, imports and
provider-defined functions.  Only the top-level block types listed here pass,
and Terraform's own blocks (terraform, variable, output, lifecycle, ...) may
hold only the arguments and blocks listed for them.  Inside resources the
nested blocks belong to the provider's schema, so there Terraform's meta blocks
are what is checked: provisioners and connection blocks (they run commands) are
refused wherever Terraform reads them, as are backends other than the ones the
Terraform engine writes and `cloud` blocks (they send state elsewhere).

Files arrive parsed in hcl2json's shape (HCL) or as Terraform's JSON syntax;
both nest blocks as objects keyed by type then labels, where any level may be
one object or a list of them.  The parser gives no positions, so lines are
looked up in the text (best effort); every refusal names its file and block.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ..compiler.hcl import key as hcl_key
from ..compiler.hcl import string
from . import tffunctions

ALLOWED_SOURCES = frozenset({"registry.terraform.io/hashicorp/aws"})
DEFAULT_REGISTRY = "registry.terraform.io"
ALLOWED_BACKENDS = frozenset({"local", "s3"})  # what deploy/engines/terraform.py writes (local state, or S3)
FORBIDDEN_DATA = {"external": "runs a local program at plan time", "http": "fetches arbitrary URLs at plan time"}
RUNS_COMMANDS = {
    "provisioner": "provisioners run commands",
    "connection": "connection blocks serve provisioners (remote commands)",
}

# Top-level block types Terraform safety knows, with their number of labels.
TOP_LEVEL = {"terraform": 0, "provider": 1, "resource": 2, "data": 2, "ephemeral": 2, "variable": 1, "output": 1,
             "locals": 0, "moved": 0, "import": 0, "removed": 0, "check": 1}
RESOURCE_LIKE = ("resource", "data", "ephemeral")
LOCATED = 50  # refusals per file whose line is looked up
Line = int | None | Callable[[], int | None]  # a line, or how to find it when a refusal needs it
_CONDITION = frozenset({"condition", "error_message"})
# Terraform's own blocks: the arguments and nested blocks each may hold.
KEYS = {
    "terraform": frozenset({"required_version", "required_providers", "backend"}),
    "required_provider": frozenset({"source", "version", "configuration_aliases"}),
    "variable": frozenset({"type", "default", "description", "sensitive", "nullable", "validation", "ephemeral"}),
    "output": frozenset({"value", "description", "sensitive", "depends_on", "precondition", "ephemeral"}),
    "moved": frozenset({"from", "to"}),
    "import": frozenset({"to", "id", "provider", "for_each", "identity"}),
    "removed": frozenset({"from", "lifecycle", "provisioner", "connection"}),
    "check": frozenset({"data", "assert"}),
    "lifecycle": frozenset({"create_before_destroy", "prevent_destroy", "ignore_changes", "replace_triggered_by",
                            "precondition", "postcondition", "destroy"}),
    "validation": _CONDITION, "precondition": _CONDITION, "postcondition": _CONDITION, "assert": _CONDITION,
}
WHY = {
    "module": "modules are not checked, so they are not run",
    "cloud": "a cloud block sends state and runs to HCP Terraform",
    **RUNS_COMMANDS,
}


@dataclass(frozen=True)
class Refusal:
    file: str
    line: int | None
    construct: str
    why: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.construct}: {self.why}"


def full_source(source: str) -> str:
    """A provider source address in full: `hashicorp/aws` -> `registry.terraform.io/hashicorp/aws`."""
    parts = source.strip().split("/")
    return "/".join([DEFAULT_REGISTRY, *parts] if len(parts) == 2 else parts).lower()


def source_allowed(source: str) -> bool:
    return source.isascii() and full_source(source) in ALLOWED_SOURCES


def declared_providers(bodies: dict[str, dict], json_files: set[str]) -> dict[str, list[str]]:
    """Local provider name -> the sources the module's required_providers give it (module-wide)."""
    declared: dict[str, list[str]] = {}
    for name, body in bodies.items():
        for _labels, terraform in instances(body.get("terraform", []), 0):
            for _l, required in instances((terraform or {}).get("required_providers", []), 0):
                for local, spec in (required or {}).items():
                    if not (local == "//" and name in json_files):
                        declared.setdefault(local, []).append(_source_of(local, spec))
    return declared


def allowed_providers(declared: dict[str, list[str]]) -> frozenset[str]:
    """Local names that resolve to an allowed source; `aws` when undeclared (Terraform implies hashicorp/aws)."""
    names = {local for local, sources in declared.items() if all(source_allowed(s) for s in sources)}
    if "aws" not in declared:
        names.add("aws")
    return frozenset(names)


def _source_of(local: str, spec) -> str:
    if isinstance(spec, dict):
        source = spec.get("source", f"hashicorp/{local}")
        return source if isinstance(source, str) else ""
    return f"hashicorp/{local}" if isinstance(spec, str) else ""  # `aws = "~> 5.0"`: a version, source implied


def instances(value, labels: int) -> Iterator[tuple[tuple[str, ...], dict | None]]:
    """(labels, body) of each block in a parsed value; body None when it is not an object."""
    for item in value if isinstance(value, list) else [value]:
        if labels == 0:
            yield (), item if isinstance(item, dict) else None
        elif isinstance(item, dict):
            for label, inner in item.items():
                for rest, body in instances(inner, labels - 1):
                    yield (label, *rest), body
        else:
            yield (), None


def strings(value) -> Iterator[str]:
    """Every string in a parsed value, keys included (iterative: parsed values can nest deeply)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def block_name(kind: str, labels: tuple[str, ...], body: dict | None = None) -> str:
    """`resource "aws_vpc" "v"`; unlabelled blocks are named by what they point at (`removed {from = aws_vpc.x}`)."""
    if labels:
        return " ".join([kind, *(string(label) for label in labels)])
    for key in ("to", "from"):
        if isinstance(body, dict) and isinstance(body.get(key), str):
            return f"{kind} {{{key} = {body[key][:100]}}}"
    return kind


@dataclass
class FileRules:
    """The rules for one file; `refusals` collects what they find."""

    file: str
    text: str
    is_json: bool
    providers: frozenset[str]
    refusals: list[Refusal] = field(default_factory=list)
    _functions_refused: set[str] = field(default_factory=set)

    def refuse(self, construct: str, why: str, line: Line) -> None:
        if callable(line):  # each lookup scans the text: past a few dozen, the block's name must do
            line = line() if len(self.refusals) < LOCATED else None
        self.refusals.append(Refusal(self.file, line, construct, why))

    def keys(self, body: dict) -> list[str]:
        return [k for k in body if not (self.is_json and k == "//")]  # `//` is a comment in JSON syntax

    # ------------------------------------------------------------ positions
    def at(self, words: tuple[str, ...], start: Line = None, attribute: bool = False) -> Callable[[], int | None]:
        """The line of a block header (or `name =` attribute), looked up only if a refusal needs it:
        most blocks pass, and each lookup scans the text."""
        return functools.cache(lambda: self.line(words, start() if callable(start) else start, attribute))

    @functools.cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def line(self, words: tuple[str, ...], start: int | None = None, attribute: bool = False) -> int | None:
        """Best-effort line of a block header (or `name =` attribute) at or after `start`."""
        lines = self.lines
        if self.is_json:
            patterns = [re.compile('"' + re.escape(word) + r'"\s*:') for word in words]
        elif attribute:
            patterns = [re.compile(r"^\s*" + re.escape(words[0]) + r"\s*=")]
        else:
            labels = "".join(r"\s+(?:" + re.escape(string(w)) + "|" + re.escape(w) + ")" for w in words[1:])
            patterns = [re.compile(r"^\s*" + re.escape(words[0]) + labels + r"(?:\s|\{|$)")]
        index, found = max((start or 1) - 1, 0), None
        for pattern in patterns:
            while index < len(lines) and not pattern.search(lines[index]):
                index += 1
            if index == len(lines):
                break
            found = index + 1
        return found or start

    # ------------------------------------------------------------ the file
    def check(self, body: dict) -> list[Refusal]:
        for kind in self.keys(body):
            if kind == "module":
                for labels, _b in instances(body[kind], 1):
                    self.refuse(block_name(kind, labels), WHY["module"], self.at((kind, *labels)))
                continue
            if kind not in TOP_LEVEL:
                self.refuse(f"block {hcl_key(kind)}", f"not a block type Isshoni allows (allowed: {', '.join(sorted(TOP_LEVEL))})",
                            self.at((kind,)))
                continue
            for labels, block in instances(body[kind], TOP_LEVEL[kind]):
                name = block_name(kind, labels, block)
                line = self.at((kind, *labels))
                if block is None:
                    self.refuse(name, "not a block (cannot be checked)", line)
                    continue
                self._block(kind, labels, block, name, line)
                self._provider_functions(tffunctions.in_values(strings(block)), name, line)
        if not self.is_json:  # JSON strings are decoded exactly: the values say it all
            for provider, line in tffunctions.in_source(self.text, self.providers).items():
                name = tffunctions.enclosing_block(self.text, line) or "the file"
                self._provider_functions([provider], name, line)
        return self.refusals

    def _block(self, kind: str, labels: tuple, body: dict, name: str, line: Line) -> None:
        if kind in RESOURCE_LIKE:
            self._resource(kind, labels, body, name, line)
        elif kind == "provider":
            if labels[0] not in self.providers:
                self.refuse(name, f"provider not allowed (allowed: {self._allowed_text()})", line)
        elif kind == "terraform":
            self._terraform(body, line)
        elif kind == "import":
            self._only(body, "import", name, line)
            target = body.get("provider") or _target_type(body.get("to")).split("_", 1)[0]
            provider = _local_name(target)
            if provider not in self.providers:
                self.refuse(name, f"provider {provider!r} is not allowed (allowed: {self._allowed_text()})", line)
        elif kind == "removed":
            self._only(body, "removed", name, line)
            self._meta_blocks(body, name, line)
        elif kind == "check":
            self._only(body, "check", name, line)
            for dlabels, data in instances(body.get("data", []), 2):
                dname = block_name("data", dlabels)
                if data is None:
                    self.refuse(f"{dname} in {name}", "not a block (cannot be checked)", line)
                else:
                    self._resource("data", dlabels, data, f"{dname} in {name}", line)
            self._conditions(body, ("assert",), name, line)
        elif kind in KEYS:  # variable, output, moved
            self._only(body, kind, name, line)
            self._conditions(body, ("validation", "precondition"), name, line)

    def _resource(self, kind: str, labels: tuple, body: dict, name: str, line: Line) -> None:
        rtype = labels[0]
        if kind == "data" and rtype in FORBIDDEN_DATA:
            self.refuse(name, FORBIDDEN_DATA[rtype], line)
        else:
            provider = _local_name(body["provider"]) if "provider" in body else rtype.split("_", 1)[0]
            if provider not in self.providers:
                self.refuse(name, f"provider {provider!r} is not allowed (allowed: {self._allowed_text()})", line)
        self._meta_blocks(body, name, line)

    def _meta_blocks(self, body: dict, name: str, line: Line) -> None:
        """Terraform's meta blocks in a resource-like body: the ones that run commands are refused."""
        for meta, why in RUNS_COMMANDS.items():
            for labels, _b in instances(body.get(meta, []), 1 if meta == "provisioner" else 0):
                self.refuse(f"{block_name(meta, labels)} in {name}", why, self.at((meta, *labels), line))
        for labels, _dynamic in instances(body.get("dynamic", []), 1):
            generated = labels[0] if labels else ""
            if generated in RUNS_COMMANDS or generated == "lifecycle":
                self.refuse(f"dynamic {string(generated)} in {name}", "meta blocks cannot be generated", line)
        for _l, lifecycle in instances(body.get("lifecycle", []), 0):
            self._only(lifecycle, "lifecycle", f"lifecycle in {name}", line)
            self._conditions(lifecycle or {}, ("precondition", "postcondition"), f"lifecycle in {name}", line)

    def _terraform(self, body: dict, line: Line) -> None:
        self._only(body, "terraform", "terraform", line)
        for labels, _b in instances(body.get("backend", []), 1):
            backend = labels[0] if labels else ""
            if backend not in ALLOWED_BACKENDS:
                self.refuse(f"backend {string(backend)} in terraform",
                            f"state may only be kept by the {' or '.join(sorted(ALLOWED_BACKENDS))} backend",
                            self.at(("backend", backend), line))
        for _l, required in instances(body.get("required_providers", []), 0):
            for local in self.keys(required or {}):
                spec = required[local]
                source = _source_of(local, spec)
                where = self.at((local,), line, attribute=True) if not self.is_json else self.at(("required_providers", local), line)
                if not source_allowed(source):
                    shown = spec.get("source") if isinstance(spec, dict) and isinstance(spec.get("source"), str) else "no source"
                    self.refuse(f"required provider {local} ({shown})",
                                f"source {full_source(source) or '?'} is not allowed (allowed: {', '.join(sorted(ALLOWED_SOURCES))})",
                                where)
                if isinstance(spec, dict):
                    self._only(spec, "required_provider", f"required provider {local}", where)

    def _only(self, body: dict | None, kind: str, name: str, line: Line) -> None:
        """Refuse whatever Terraform's own block `kind` holds beyond its allow-list."""
        if body is None:
            self.refuse(name, "not a block (cannot be checked)", line)
            return
        for key in self.keys(body):
            if key not in KEYS[kind]:
                why = WHY.get(key) or f"not allowed in {kind} (allowed: {', '.join(sorted(KEYS[kind]))})"
                self.refuse(f"{hcl_key(key)} in {name}", why, self.at((key,), line))

    def _conditions(self, body: dict, kinds: tuple[str, ...], name: str, line: Line) -> None:
        for kind in kinds:
            for _l, condition in instances(body.get(kind, []), 0):
                self._only(condition, kind, f"{kind} in {name}", line)

    def _provider_functions(self, providers, name: str, line: Line) -> None:
        """Refuse calls of provider-defined functions (`provider::NAME::fn(...)`, see `tffunctions`);
        one refusal per foreign provider and file."""
        for provider in providers:
            if provider not in self.providers and provider not in self._functions_refused:
                self._functions_refused.add(provider)
                self.refuse(f"provider function provider::{provider}:: in {name}",
                            f"functions of provider {provider!r} are not allowed (allowed: {self._allowed_text()})", line)

    def _allowed_text(self) -> str:
        """The local names that resolve to an allowed source address."""
        names = ", ".join(sorted(self.providers)) or "none"
        return f"{names}; a provider must resolve to {' or '.join(sorted(ALLOWED_SOURCES))}"


def _reference(value) -> str:
    """A reference's text, whether HCL source text (`aws.west`) or a JSON-syntax string (`${aws.west}`)."""
    return value.strip().removeprefix("${").removesuffix("}").strip() if isinstance(value, str) else ""


def _local_name(reference) -> str:
    """The provider local name of a `provider = aws.west` reference."""
    return _reference(reference).split(".")[0]


def _target_type(address) -> str:
    """The resource type an import's `to` address names (`module.m.aws_vpc.v[0]` -> `aws_vpc`)."""
    parts = _reference(address).split(".")
    while len(parts) > 2 and parts[0] == "module":
        parts = parts[2:]
    return parts[0]
