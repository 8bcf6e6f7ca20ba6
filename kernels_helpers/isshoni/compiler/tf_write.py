"""Neutral expressions -> HCL text, written in one pass.

A module has thousands of resource blocks; translating each body into HCL values
(`Raw`, `Call`, block nodes) and then walking those again to print them cost a
third of Terraform emission.  `Translator.resource` prints a part's body straight
from the resolved model with the same rules as `hcl` (fmt's `=` alignment, one-line
lists up to 100 characters, escaped strings); `expr` still gives the HCL value of one
expression for the few blocks built as nodes (outputs, data sources).
"""

from __future__ import annotations

import json
import re

from . import expr as e
from .hcl import _STRINGS, Call, Raw, escape, key, object_key, string, template_string

PSEUDO = {
    "region": ("aws_region", "name"),
    "account_id": ("aws_caller_identity", "account_id"),
    "partition": ("aws_partition", "partition"),
    "url_suffix": ("aws_partition", "dns_suffix"),
}
NAME_PREFIX = {"name_prefix": "var.name_prefix", "name_prefix_alnum": 'replace(var.name_prefix, "-", "")'}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PADS = ["  " * n for n in range(64)]
_NESTED = (list, dict, e.JsonEncode)
_SCALARS = {True: "true", False: "false", None: "null"}


def state_path(attribute: str) -> str:
    """`Endpoint.Address` -> `.Endpoint.Address` (index syntax for a name HCL would not read)."""
    return "".join(f".{part}" if _NAME.match(part) else f"[{string(part)}]" for part in attribute.split("."))


class Translator:
    """One module's translation: part addresses, and the data sources its expressions read."""

    def __init__(self, resolved):
        self.addr = {p.lid: f"{p.tf_type}.{p.tf_name}" for p in resolved.parts if p.tf_type}
        # parts made on a condition (`count`): read through one(<address>[*].<attribute>), null when absent
        self.counted = {p.lid for p in resolved.parts if p.tf_type and p.condition}
        self.aliases = resolved.variable_aliases
        self.data_sources: set[str] = set()
        self.reads: dict[tuple[str, str], tuple] = {}  # (type, name) -> args of data sources parts read
        self._skip_lines: dict[int, list[str]] = {}  # id of a part's tf_skips -> its comment lines

    # ------------------------------------------------------------ HCL values
    def expr(self, v):
        """The HCL value of a neutral expression (for blocks built as `hcl.BlockNode`s)."""
        kind = type(v)
        if kind is str or kind is int or kind is bool or kind is float or v is None:
            return v
        if kind is dict:
            expr = self.expr
            return {k: x if type(x) is str else expr(x) for k, x in v.items()}
        if kind is list:
            expr = self.expr
            return [x if type(x) is str else expr(x) for x in v]
        if kind is e.JsonEncode:
            return Call("jsonencode", self.expr(v.value))
        if kind is e.Block:
            raise TypeError("a block can only appear as a body item")
        return self.reference(v)

    def reference(self, v):
        """The `Raw` HCL of an expression that is one line by nature (a reference, a variable,
        a template string); anything else is given back as it is."""
        kind = type(v)
        if kind is e.Ref or kind is e.Attr:
            if v.lid in self.counted:
                return Raw(f"one({self.addr[v.lid]}[*].{v.tf})")
            return Raw(f"{self.addr[v.lid]}.{v.tf}")
        if kind is e.Join:
            parts = v.parts
            if len(parts) == 2 and parts[0] is e.NAME_PREFIX and type(parts[1]) is str:  # a physical name
                return Raw('"${var.name_prefix}' + escape(parts[1]) + '"')
            return template_string([p if isinstance(p, str) else self.expr(p) for p in parts])
        if kind is e.Var:
            return Raw(f"var.{self.aliases.get(v.name, v.name)}")
        if kind is e.Pseudo:
            if v.name in NAME_PREFIX:
                return Raw(NAME_PREFIX[v.name])
            if v.name == "no_value":
                return Raw("null")
            source, attr = PSEUDO[v.name]
            self.data_sources.add(source)
            return Raw(f"data.{source}.current.{attr}")
        if kind is e.StateAttr:
            if v.lid in self.counted:
                return Raw(f"try(jsondecode(one({self.addr[v.lid]}[*].properties)){state_path(v.cfn)}, null)")
            return Raw(f"jsondecode({self.addr[v.lid]}.properties){state_path(v.cfn)}")
        if kind is e.Delimited:
            return Raw(f"join({string(v.sep)}, {self.flat(v.value)})")
        if kind is e.TfText:
            return Raw(v.text.format(*(self.addr[lid] for lid in v.lids)))
        if kind is e.Data:
            self.reads[(v.type, v.name)] = v.args
            return Raw(f"data.{v.type}.{v.name}.{v.attr}")
        if kind is e.Fn:
            return Raw(self.function(v))
        return v

    def function(self, v: e.Fn) -> str:
        """A design expression's function (compiler/design_expr.py) as a Terraform expression.
        CloudFormation compares text in Fn::Equals, so both sides are compared as strings."""
        name, args = v.name, v.args
        if name == "get_azs":
            self.reads[("aws_availability_zones", "available")] = (("state", "available"),)
        elif name in ("and", "or"):
            return "(" + f" {_JOINERS[name]} ".join(self.flat(a) for a in args) + ")"
        # condition names (the first argument of if, condition) are identifiers, written as they are
        texts = [a if i == 0 and name in ("if", "condition") else self.flat(a) for i, a in enumerate(args)]
        if name == "equals":
            texts = [t if type(a) is str else f"tostring({t})" for a, t in zip(args, texts, strict=True)]
        return _FUNCTIONS[name].format(*texts)

    def flat(self, v) -> str:
        """A value as HCL on one line, however long (an argument of a function)."""
        kind = type(v)
        if kind is list:
            return "[" + ", ".join(self.flat(x) for x in v) + "]"
        if kind is dict:
            return "{ " + ", ".join(f"{object_key(k)} = {self.flat(x)}" for k, x in v.items()) + " }" if v else "{}"
        if kind is e.JsonEncode:
            return f"jsonencode({self.flat(v.value)})"
        return self.inline(v)

    # ------------------------------------------------------------ printing
    def resource(self, part, out: list[str]) -> None:
        """`resource "type" "name" { ... }`: checkov suppressions first (as comments), then the
        arguments, `prevent_destroy` joined to any lifecycle block the part already has, and
        its dependencies last."""
        out.append(f'resource {string(part.tf_type)} {string(part.tf_name)} {{')
        skips = part.tf_skips
        if skips:  # parts share their skip tuples (risks.apply): their comment lines are written once
            lines = self._skip_lines.get(id(skips))
            if lines is None:
                lines = self._skip_lines[id(skips)] = [f"  #{_comment(f'checkov:skip={check}:{reason}')}" for check, reason in skips]
            out.extend(lines)
        tail: list = []
        lifecycle = [("prevent_destroy", True)] if part.prevent_destroy else None
        if lifecycle and not _has_block(part.tf, "lifecycle"):
            tail.append(("lifecycle", e.Block({"prevent_destroy": True})))
            lifecycle = None
        if part.depends_on:
            depends = [self.addr[d] for d in part.depends_on if d in self.addr]
            if depends:
                tail.append(("depends_on", [Raw(a) for a in depends]))
        body = part.tf if not part.condition else {"count": Raw(f"local.condition_{part.condition} ? 1 : 0"), **part.tf}
        self.attributes(body, 1, out, key, tail, lifecycle)
        out.append("}")

    def attributes(self, body: dict, indent: int, out: list[str], keyf=key, tail=(), lifecycle=None) -> None:
        """A body's attributes and nested blocks, consecutive one-line attributes aligned on `=`
        (fmt's rule); `keyf` writes keys (`object_key` inside an object value, where blocks
        cannot appear)."""
        pad = _PADS[indent] if indent < 64 else "  " * indent
        keys: list[str] = []
        values: list[str] = []
        add_key, add_value, inline, block_type = keys.append, values.append, self.inline, e.Block
        quoted = _STRINGS.get  # most strings were written before: their quoted form without a call
        items = body.items() if not tail else [*body.items(), *tail]
        in_body = keyf is key
        for name, value in items:
            kind = type(value)
            if kind is str:
                add_key(keyf(name))
                add_value(quoted(value) or string(value))
                continue
            if in_body and (kind is block_type or (kind is list and value and type(value[0]) is block_type and all(type(x) is block_type for x in value))):
                if keys:
                    _flush(keys, values, pad, out)
                for block in [value] if kind is block_type else value:
                    out.append(f"{pad}{name} {{")
                    if name == "lifecycle" and lifecycle:
                        self.attributes(block.body, indent + 1, out, key, lifecycle)
                        lifecycle = None
                    elif block.body:
                        self.attributes(block.body, indent + 1, out)
                    out.append(f"{pad}}}")
                continue
            text = inline(value)
            if text is not None:
                add_key(keyf(name))
                add_value(text)
                continue
            if keys:
                _flush(keys, values, pad, out)
            lines = self.lines(value, indent)
            out.append(f"{pad}{keyf(name)} = {lines[0]}")
            out.extend(lines[1:])
        if keys:
            _flush(keys, values, pad, out)

    def inline(self, v) -> str | None:
        """The one-line HCL of a neutral value, or None if it must span lines."""
        kind = type(v)
        if kind is str:
            return string(v)
        if kind is bool or v is None:
            return _SCALARS[v]
        if kind is int:
            return str(v)
        if kind is float:
            return json.dumps(v)
        if kind is list:
            if not v:
                return "[]"
            items = []
            for item in v:
                if isinstance(item, _NESTED):
                    return None
                text = self.inline(item)
                if text is None:
                    return None
                items.append(text)
            line = "[" + ", ".join(items) + "]"
            return line if len(line) <= 100 else None
        if kind is dict:
            return None if v else "{}"
        if kind is e.JsonEncode:
            inner = self.inline(v.value)
            return None if inner is None else f"jsonencode({inner})"
        if kind is e.Block:
            raise TypeError("a block can only appear as a body item")
        raw = self.reference(v)
        if type(raw) is Raw:
            return raw
        if isinstance(raw, str):  # a str subclass: its text
            return string(raw)
        raise TypeError(f"cannot write {type(raw).__name__} as HCL")

    def lines(self, v, indent: int) -> list[str]:
        """Lines of a multi-line value; the first line continues `key = `."""
        pad = _PADS[indent] if indent < 64 else "  " * indent
        kind = type(v)
        if kind is e.JsonEncode:
            inner = self.lines(v.value, indent)
            return [f"jsonencode({inner[0]}"] + inner[1:-1] + [inner[-1] + ")"]
        if kind is dict:
            lines = ["{"]
            self.attributes(v, indent + 1, lines, object_key)
            lines.append(pad + "}")
            return lines
        if kind is list:
            lines = ["["]
            for item in v:
                inline = self.inline(item)
                if inline is not None:
                    lines.append(f"{pad}  {inline},")
                else:
                    sub = self.lines(item, indent + 1)
                    lines.append(f"{pad}  {sub[0]}")
                    lines.extend(sub[1:-1])
                    lines.append(sub[-1] + ",")
            return lines + [pad + "]"]
        raise TypeError(f"cannot write {type(v).__name__} across lines")


_FUNCTIONS = {  # design expression -> Terraform, its arguments in order ({0}, {1} ...)
    "select": "element({1}, {0})", "split": "split({0}, {1})", "base64": "base64encode({0})",
    "get_azs": "data.aws_availability_zones.available.names", "find_in_map": "local.mappings[{0}][{1}][{2}]",
    "if": "(local.condition_{0} ? {1} : {2})", "condition": "local.condition_{0}", "equals": "({0} == {1})", "not": "!{0}",
}
_JOINERS = {"and": "&&", "or": "||"}


def _flush(keys: list[str], values: list[str], pad: str, out: list[str]) -> None:
    """A run of one-line attributes, their `=` aligned; empties the run."""
    if len(keys) == 1:
        out.append(f"{pad}{keys[0]} = {values[0]}")
    else:
        width = max(map(len, keys))
        out.extend([f"{pad}{k.ljust(width)} = {v}" for k, v in zip(keys, values, strict=True)])
    keys.clear()
    values.clear()


def _has_block(body: dict, name: str) -> bool:
    value = body.get(name)
    return type(value) is e.Block or (type(value) is list and bool(value) and all(type(x) is e.Block for x in value))


_COMMENTS: dict[str, str] = {}


def _comment(text: str) -> str:
    """A comment's text on one line of printable characters (nothing in it can end the comment
    early or start HCL of its own); a module repeats the same few suppressions."""
    found = _COMMENTS.get(text)
    if found is None:
        found = re.sub(r"[\x00-\x1f\x7f\u2028\u2029]+", " ", text).strip()
        if len(_COMMENTS) < 10_000:
            _COMMENTS[text] = found
    return found
