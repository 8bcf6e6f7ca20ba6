"""The evaluated folder -> CloudFormation-shaped `SourceResource`s for the lifter.

Each resource instance (one per `count` index or `for_each` key, modules expanded) keeps its
address, file and line.  Its attributes are the evaluated values, less Terraform's
meta-arguments; a reference to another resource becomes `Ref`/`Fn::GetAtt` (addresses).  The
evaluator writes a reference to a resource as the target alone, so the attribute (`.id` or
`.arn`) is read from the expression as written (raw text, following locals, module outputs and
module arguments).  Anything the reader cannot evaluate (a variable without a value, a data
source, a function of unknown values) makes the resource not understood with the attribute
and the reason: a value is never guessed.
"""

from __future__ import annotations

import json
import posixpath
import re

from ...compiler.cloudformation import PSEUDO as CFN_PSEUDO
from ...compiler.tf_write import PSEUDO as TF_PSEUDO
from ..lift import SourceResource
from ..lift.compiled import at
from ..lift.tf_references import data_value, sub_name
from ..lift.values import Opaque, Unrepresentable
from .addresses import Unreadable, design_ids, reference

META = frozenset({"count", "for_each", "depends_on", "lifecycle", "provider", "provisioner", "connection", "id", "__tfmeta"})
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_TRAVERSAL = re.compile(r"(?<![\w.])(?P<kind>module|local|var|data|[a-z][a-z0-9_]*)\.(?P<name>[A-Za-z_][\w-]*)"
                        r"(?:\[[^\]]*\])?(?:\.(?P<attr>[A-Za-z_]\w*))?")
# the data sources the compiler reads the account's own values from (compiler.tf_write.PSEUDO), and the
# provider's other names for the region: what CloudFormation's pseudo parameters say
DATA_PSEUDO = {**{pair: CFN_PSEUDO[key] for key, pair in TF_PSEUDO.items()},
               ("aws_region", "id"): "AWS::Region", ("aws_region", "region"): "AWS::Region"}
_PSEUDO_READ = r"data\.(?P<type>" + "|".join(sorted({t for t, _ in DATA_PSEUDO})) + r")\.[A-Za-z_][\w-]*\.(?P<attr>\w+)"
_READS_PSEUDO = re.compile(_PSEUDO_READ)  # as the parser gives an expression: data.aws_region.current.name
_DATA = re.compile(r"\$\{" + _PSEUDO_READ + r"\}")  # as the evaluator leaves it in text
_CONDITION = re.compile(r"\s\?\s")  # cond ? a : b
_CALL = re.compile(r"(?<![\w.])([a-z][a-z0-9_]*)\(")  # a function called in an expression as written
# `<type>.<name>[index].<attr>` of a resource (not a variable, local, data source ...)
_ADDRESS_READ = (r"(?!(?:data|var|local|module|each|count|path|self|terraform)\.)(?P<type>[a-z][a-z0-9_]*)\."
                 r"(?P<name>[A-Za-z_][\w-]*)(?P<index>\[\d+\])?\.(?P<attr>\w+)")
_ADDRESS_FIND = re.compile(r"(?<![\w.])" + _ADDRESS_READ)  # a resource read anywhere in an expression as written
_WRITTEN = re.compile(r"\$\{" + _ADDRESS_READ + r"\}")  # left as written in text beside a data source
_WHOLE_REFERENCE = re.compile(r"(?:\$\{)?" + _ADDRESS_READ + r"\}?")  # an attribute written as one reference
_ASKED = re.compile(r"\$\{var\.(?P<name>[A-Za-z_][\w-]*)\}")  # a root variable without a value, as mirror.py reads it
GENERATED = {("aws_secretsmanager_random_password", "random_password")}  # data sources that make a value (lift.tf_references.data_value)
_SSM_NAME = re.compile(r"/?[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*")  # a parameter's name (a path)
_READ = re.compile(r"\x00[^\x00\x01]*\x01")
_PREFIXED = re.compile(r"^(?P<head>[A-Za-z0-9/._ :-]*?)(?:\$\{)?var\.name_prefix\}?(?P<rest>[A-Za-z0-9._ -]*)$")
MAX_TRACE = 8  # locals, outputs and module arguments followed to find an attribute


def _pseudo(found) -> str:
    """A pseudo data source's value as CloudFormation's `${AWS::...}` (marked until the text is checked)."""
    known = DATA_PSEUDO.get((found["type"], found["attr"]))
    return "\0" + known + "\1" if known else found.group(0)


class Scopes:
    """Where each module's files are (module path -> folder relative to the root) and their raw bodies."""

    def __init__(self, raw: dict[str, dict], data: dict | None = None):
        self.raw = raw
        self.declared: dict[str, set] = {}  # folder -> the (type, name) of the resources its files declare
        for file, body in raw.items():
            blocks = body.get("resource") or {}
            for chunk in blocks if isinstance(blocks, list) else [blocks]:
                for tf_type, named in (chunk.items() if isinstance(chunk, dict) else ()):
                    self.declared.setdefault(posixpath.dirname(file) or ".", set()).update((tf_type, n) for n in named or {})
        self.data = data or {}  # address of a data source instance -> its evaluated arguments
        self.data_ids = {item["id"]: address for address, item in self.data.items() if isinstance(item.get("id"), str)}
        self.parameters: dict[str, dict] = {}  # what public SSM parameters reads are, as template parameters
        self.folders: dict[tuple, str] = {(): "."}
        self.calls: dict[tuple, dict] = {}  # module path -> its module block as written
        self._walk((), ".")

    def _walk(self, path: tuple, folder: str) -> None:
        for name, block in self.blocks(folder, "module").items():
            source = block.get("source") if isinstance(block, dict) else None
            if isinstance(source, str) and source.startswith(("./", "../")) and len(path) < MAX_TRACE:
                child = posixpath.normpath(posixpath.join(folder, source))
                self.folders[(*path, name)] = child
                self.calls[(*path, name)] = block
                self._walk((*path, name), child)

    def blocks(self, folder: str, kind: str) -> dict:
        """All blocks of one kind (`module`, `output`, `locals` ...) in a folder's files, by name."""
        out = {}
        for file, body in self.raw.items():
            if (posixpath.dirname(file) or ".") != folder:
                continue
            found = body.get(kind) or {}
            for chunk in found if isinstance(found, list) else [found]:
                out.update(chunk if isinstance(chunk, dict) else {})
        return out


def module_path(address: str) -> tuple:
    return tuple(re.findall(r"module\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?\.", address))


def folder_of(item: dict) -> str:
    """The folder (relative, "." for the root) of the file an instance is declared in."""
    return posixpath.dirname(item["__tfmeta"].get("filename") or "") or "."


def written_body(item: dict, raw: dict[str, dict]) -> dict:
    """The attributes of a resource instance as its file writes them (pygohcl's shape)."""
    meta = item["__tfmeta"]
    name = re.match(r"^(?:module\.[^.]+\.)*[a-z0-9_]+\.([\w-]+)", meta["path"]).group(1)
    body = ((raw.get(meta.get("filename")) or {}).get("resource") or {}).get(meta["label"], {})
    written = body.get(name, {}) if isinstance(body, dict) else {}
    return written if isinstance(written, dict) else {}


def instances(parsed: dict, kind: str = "resource") -> list[dict]:
    """The evaluated instances of one kind of block (`resource`, `data`)."""
    return [item for items in parsed.values() if isinstance(items, list) for item in items
            if isinstance(item, dict) and (item.get("__tfmeta") or {}).get("type") == kind]


def read_as_text(value, written, declared) -> bool:
    """Is the second evaluation's value (source.evaluate_as_text: resources and asked variables read
    as their own text) the one to keep?  Where the evaluator left a `jsonencode(...)` unknown (null,
    or null inside where the text writes none: a read in it known only when Terraform applies), and
    where text or a structure names a resource of the folder (`declared`) inside it, which the first
    evaluation wrote as that resource's value: the design keeps who refers to whom."""
    if not isinstance(written, str):
        return False
    if written.startswith("jsonencode(") and (value is None or (isinstance(value, str) and "null" in value and "null" not in written)):
        return True
    if not isinstance(value, str) or _WHOLE_REFERENCE.fullmatch(written):
        return False
    return any((m["type"], m["name"]) in declared for m in _ADDRESS_FIND.finditer(written))


def convert(parsed: dict, raw: dict[str, dict], as_text: dict | None = None) -> tuple[list[SourceResource], dict[str, dict]]:
    """(resources, the template parameters they read: public SSM parameters) of the evaluated folder;
    a `jsonencode` attribute the evaluator left null is taken from `as_text`, the evaluation that
    read unknowns as their text (source.evaluate_as_text)."""
    found = instances(parsed)
    again = {item["__tfmeta"]["path"]: item for item in instances(as_text or {})}
    addresses = {item["__tfmeta"]["path"]: item["__tfmeta"]["label"] for item in found}
    ids = design_ids(addresses)
    by_uuid = {item.get("id"): item for item in found if isinstance(item.get("id"), str)}
    scopes = Scopes(raw, {item["__tfmeta"]["path"]: item for item in instances(parsed, "data")})
    out = []
    for item in found:
        meta = item["__tfmeta"]
        reader = _Reader(item, by_uuid, ids, scopes)
        attributes, problem = {}, ""
        for key, value in item.items():
            if key in META:
                continue
            if again and read_as_text(value, reader.raw.get(key), scopes.declared.get(reader.folder, ())):
                value = again.get(meta["path"], {}).get(key, value)
            try:
                value = reader.account_value(key, value)
                if value is None:  # null is unset in Terraform
                    continue
                attributes[key] = reader.value(value, (key,))
            except Unreadable as exc:  # the first one is the reason; the rest are still read (round-trip checks)
                where = ".".join(map(str, exc.path))
                problem = problem or (f"attribute {where}: {exc.reason}" if where else exc.reason)
        out.append(SourceResource(
            id=ids[meta["path"]], type=meta["label"], properties=attributes, line=meta.get("line_start"),
            depends_on=reader.depends_on(item.get("depends_on")), side="tf", address=meta["path"],
            file=meta.get("filename"), problem=problem,
            dropped=tuple(sorted(k for k in ("lifecycle", "provider", "provisioner", "connection") if k in item)),
        ))
    return out, scopes.parameters


class _Reader:
    def __init__(self, item: dict, by_uuid: dict, ids: dict, scopes: Scopes):
        self.item, self.by_uuid, self.ids, self.scopes = item, by_uuid, ids, scopes
        meta = item["__tfmeta"]
        self.module = module_path(meta["path"])
        self.prefix = re.match(r"^((?:module\.[^.]+\.)*)", meta["path"]).group(1)
        self.folder = folder_of(item)
        self.raw = written_body(item, scopes.raw)

    def value(self, value, path: tuple):
        if isinstance(value, dict):
            if "__attribute__" in value:
                return self._unevaluated(str(value["__attribute__"]), path)
            return {k: self.value(v, (*path, k)) for k, v in value.items() if k != "__tfmeta"
                    and not (k == "id" and "__tfmeta" in value)}
        if isinstance(value, list):
            return [self.value(v, (*path, i)) for i, v in enumerate(value)]
        if isinstance(value, str):
            written = self._written_whole(path)
            if written is not None:
                return written
            named = self._prefixed(value, path)
            return named if named is not None else self._text(value, path)
        if value is None and len(path) > 1 and "null" not in json.dumps(self.raw.get(path[0])):
            raise Unreadable("a value the static reader cannot evaluate (it depends on values known only when "
                             "Terraform runs, or on a variable without a value)", path)
        return value

    def _written_whole(self, path: tuple):
        """An attribute written as one reference (`aws_cloudwatch_log_group.logs.name`) is that reference,
        even where the evaluator gave the target's value itself (a name it could work out): the design
        keeps who refers to whom, not a copy of the text."""
        raw = self._written(path)
        found = _WHOLE_REFERENCE.fullmatch(raw) if isinstance(raw, str) else None
        return self._address_reference(found, path) if found else None

    def _written(self, path: tuple):
        """The expression as written at `path` (inside nested blocks too), None where there is none."""
        raw = self.raw.get(path[0])
        for step in path[1:]:
            if isinstance(raw, list) and len(raw) == 1 and isinstance(step, str):
                raw = raw[0]  # a nested block, as the parser lists it
            raw = at(raw, (step,))
        return raw

    def _address_reference(self, found, path: tuple) -> dict | None:
        """The reference an `_ADDRESS_READ` match makes, None when it names no resource of the folder."""
        address = f"{self.prefix}{found['type']}.{found['name']}{found['index'] or ''}"
        return reference(self.ids[address], found["type"], found["attr"], path) if address in self.ids else None

    def account_value(self, key: str, value):
        """The account's own values (`data.aws_region.<name>.name` ...) as CloudFormation's pseudo
        parameters: an attribute that is one such read is the pseudo parameter; text or a
        `jsonencode` structure with them inside keeps them as `${data...}` text (source.py reads
        them so), which `_interpolated` writes as `${AWS::Region}`.  Any other function of them (a
        condition, `replace(...)`) or the evaluator's stand-ins where a read was not mirrored
        (a module outside the folder) are refused, named: a value is never guessed."""
        raw = self.raw.get(key)
        text = json.dumps(raw)
        reads = set(_READS_PSEUDO.findall(text))
        if not reads:
            return value
        whole = _READS_PSEUDO.fullmatch(raw) if isinstance(raw, str) else None
        if whole and (whole["type"], whole["attr"]) in DATA_PSEUDO:
            return {"Ref": DATA_PSEUDO[(whole["type"], whole["attr"])]}
        unknown = sorted(f"data.{t}.*.{a}" for t, a in reads if (t, a) not in DATA_PSEUDO)
        calls = set(_CALL.findall(text)) - {"jsonencode"}
        if unknown or calls or _CONDITION.search(text) or not _DATA.search(json.dumps(value)):
            named = unknown[0] if unknown else f"data.{min(reads)[0]}"
            how = f"through {min(calls)}()" if calls and not unknown else "inside a value"
            raise Unreadable(f"reads {named} {how} the static reader cannot evaluate (known only when "
                             "Terraform runs): import a plan JSON", (key,))
        return value

    def _prefixed(self, text: str, path: tuple):
        """A name written `"[head]${var.name_prefix}-rest"` (the compiler's own naming, evaluated with
        the prefix's value): kept as the name the stack's name makes in CloudFormation (a catalog node
        makes it again; a generic resource keeps the expression: lift.expressions)."""
        raw = self._written(path)
        found = _PREFIXED.match(raw) if isinstance(raw, str) else None
        if not found or not text.startswith(found["head"]) or not text.endswith(found["rest"]) or len(text) <= len(
                found["head"]) + len(found["rest"]):
            return None
        why = Unrepresentable("a name made from var.name_prefix (the stack's name in CloudFormation)", path, None)
        return Opaque({"Fn::Sub": found["head"] + "${AWS::StackName}" + found["rest"]}, why)

    def _text(self, text: str, path: tuple):
        if text in self.by_uuid:
            return self._reference(self.by_uuid[text], path)
        if _UUID.search(text) or "${" in text:
            try:
                decoded = json.loads(text)
            except ValueError:
                decoded = None
            if isinstance(decoded, (dict, list)):
                return self.value(decoded, path)  # jsonencode({... = aws_x.y.arn}): kept as its structure
        if _UUID.search(text) or "${" in text:
            return self._interpolated(text, path)
        return text

    def _interpolated(self, text: str, path: tuple) -> dict:
        """Text with references and the account's own values in it: the `Fn::Sub` CloudFormation
        writes for the same text (`${Logs.Arn}:*`, `arn:${AWS::Partition}:...`), which the lifter
        reads as it reads a template's (the region's values filled in, a reference kept as an
        expression).  Anything else interpolated is not evaluated statically: refused, named."""
        if "\0" in text or "\1" in text:
            raise Unreadable("a text with control characters in it", path)
        text = _DATA.sub(_pseudo, _WRITTEN.sub(lambda found: self._written_reference(found, path), text))  # what is read is marked \0...\1
        text = _ASKED.sub(self._asked, text)
        if "${" in _UUID.sub("", _READ.sub("", text)):
            raise Unreadable(f"an expression the static reader cannot evaluate ({text[:120]}): give the variables it "
                             "needs (--var) or import a plan JSON", path)

        def reference_text(found) -> str:
            target = self.by_uuid.get(found.group(0))
            data = self.scopes.data_ids.get(found.group(0))
            if data:
                raise Unreadable(f"reads the data source {data}, known only when Terraform runs", path)
            if target is None:
                raise Unreadable(f"a value the static reader cannot evaluate inside a longer text ({text[:120]})", path)
            return "${" + sub_name(self._reference(target, path)) + "}"

        text = _UUID.sub(reference_text, text).replace("\0", "${").replace("\1", "}")
        alone = re.fullmatch(r"\$\{([^${}]+)\}", text)
        if alone:  # one value alone is the value, as the compiled view reads it: `${AWS::Region}` is Ref AWS::Region
            name = alone.group(1)
            return {"Ref": name} if "::" in name or "." not in name else {"Fn::GetAtt": name.split(".", 1)}
        return {"Fn::Sub": text}

    def _asked(self, found) -> str:
        """`${var.x}` (mirror.py's text for a root variable without a value): the template parameter
        asked at deploy time, as `_unevaluated` reads it alone."""
        block = self.scopes.blocks(".", "variable").get(found["name"])
        if self.module or not isinstance(block, dict) or "default" in block or found["name"] in self.ids.values():
            return found.group(0)
        return "\0" + found["name"] + "\1"

    def _written_reference(self, found, path: tuple) -> str:
        """`${aws_x.y.attr}` the evaluator left as written (beside a data source): its `Fn::Sub` name,
        or the text unchanged when it names no resource of the folder."""
        ref = self._address_reference(found, path)
        return found.group(0) if ref is None else "\0" + sub_name(ref) + "\1"

    def _reference(self, target: dict, path: tuple):
        meta = target["__tfmeta"]
        parsed = re.match(r"^(?:module\.[^.]+\.)*([a-z0-9_]+)\.([\w-]+)", meta["path"])
        attrs = self._attributes(path[0], parsed.group(1), parsed.group(2))
        if len(attrs) != 1:
            how = "through an expression the reader cannot follow" if not attrs else f"by {' and '.join(sorted(attrs))} at once"
            raise Unreadable(f"refers to {meta['path']} {how}, so which attribute it reads is not known", path)
        return reference(self.ids[meta["path"]], meta["label"], attrs.pop(), path)

    def _attributes(self, key: str, tf_type: str, name: str) -> set:
        """The attributes of `<tf_type>.<name>` the attribute `key` reads, from the text as written."""
        return _trace(json.dumps(self.raw.get(key)), tf_type, name, self.module, self.scopes, 0)

    def _unevaluated(self, traversal: str, path: tuple):
        found = re.match(r"^(?:module\.[^.]+\.)*(?P<type>[a-z][a-z0-9_]*)\.(?P<name>[\w-]+)(?P<index>\[[^\]]*\])?"
                         r"(?:\.(?P<attr>\w+))?", traversal)
        kind = found.group("type") if found else ""
        if kind == "var" and not self.module and found.group("name") not in self.ids.values() and not found.group("attr"):
            return {"Ref": found.group("name")}  # a root variable without a value: a template parameter (asked at deploy)
        if kind == "var":
            raise Unreadable(f"the variable {found.group('name')} has no value (give it with --var, a .tfvars file "
                             "or a default)", path)
        data = _READS_PSEUDO.fullmatch(traversal) if kind == "data" else None
        if data and (data["type"], data["attr"]) in DATA_PSEUDO:
            return {"Ref": DATA_PSEUDO[(data["type"], data["attr"])]}  # the account's own value: CloudFormation's pseudo parameter
        if kind == "data":
            return self._data_source(traversal, path)
        if found and kind not in ("local", "module", "each", "count", "path", "terraform", "self") and found.group("attr"):
            address = f"{self.prefix}{kind}.{found.group('name')}{found.group('index') or ''}"
            if address in self.ids:
                return reference(self.ids[address], kind, found.group("attr"), path)
        raise Unreadable(f"{traversal} could not be evaluated by a static reader", path)

    def _data_source(self, traversal: str, path: tuple):
        """A data source read.  `data.aws_ssm_parameter.<name>.value` of a parameter named by a known
        text is what CloudFormation reads as a parameter of type `AWS::SSM::Parameter::Value<String>`
        whose default is that name (the AMI behind a public parameter), so it is that parameter; a
        value a data source generates (GENERATED: a random password) is kept as what it is for the
        matcher; any other is known only when Terraform runs."""
        generated = re.fullmatch(r"(?:module\.[^.]+\.)*data\.(?P<type>aws_[a-z_]+)\.(?P<name>[\w-]+)\.(?P<attr>\w+)", traversal)
        if generated and (generated["type"], generated["attr"]) in GENERATED:
            item = self.scopes.data.get(f"{self.prefix}data.{generated['type']}.{generated['name']}") or {}
            return data_value(generated["type"], generated["attr"], {k: v for k, v in item.items() if k not in META and v is not None})
        found = re.fullmatch(r"(?:module\.[^.]+\.)*data\.aws_ssm_parameter\.(?P<name>[\w-]+)\.(?:insecure_value|value)", traversal)
        item = self.scopes.data.get(f"{self.prefix}data.aws_ssm_parameter.{found['name']}") if found else None
        name = item.get("name") if item else None
        if not isinstance(name, str) or not _SSM_NAME.fullmatch(name) or item.get("with_decryption") is True:
            raise Unreadable(f"reads the data source {traversal}, known only when Terraform runs", path)
        parameter = "Ssm" + "".join(w.capitalize() for w in re.split(r"[^A-Za-z0-9]+", found["name"]) if w)
        self.scopes.parameters[parameter] = {"Type": "AWS::SSM::Parameter::Value<String>", "Default": name,
                                             "Description": f"the value of the SSM parameter data.aws_ssm_parameter.{found['name']} reads"}
        return {"Ref": parameter}

    def depends_on(self, value) -> tuple:
        items = value if isinstance(value, list) else [value] if value else []
        uuids = [v.get("id") if isinstance(v, dict) else v for v in items]  # the evaluator gives the target itself
        return tuple(self.ids[self.by_uuid[v]["__tfmeta"]["path"]] for v in uuids if isinstance(v, str) and v in self.by_uuid)


def _trace(text: str, tf_type: str, name: str, module: tuple, scopes: Scopes, depth: int) -> set:
    """Attributes of `tf_type.name` that `text` (an expression as written, in module `module`) reads,
    following locals, module outputs and module arguments."""
    found: set = set()
    if depth > MAX_TRACE:
        return found
    folder = scopes.folders.get(module, ".")
    for match in _TRAVERSAL.finditer(text):
        kind, ref, attr = match.group("kind"), match.group("name"), match.group("attr")
        if kind == tf_type and ref == name and attr:
            found.add(attr)
        elif kind == "local":
            body = scopes.blocks(folder, "locals").get(ref)
            found |= _trace(json.dumps(body), tf_type, name, module, scopes, depth + 1)
        elif kind == "module" and attr and (*module, ref) in scopes.folders:
            child = (*module, ref)
            output = scopes.blocks(scopes.folders[child], "output").get(attr) or {}
            found |= _trace(json.dumps(output.get("value") if isinstance(output, dict) else output), tf_type, name,
                            child, scopes, depth + 1)
        elif kind == "var" and module:
            argument = (scopes.calls.get(module) or {}).get(ref)
            found |= _trace(json.dumps(argument), tf_type, name, module[:-1], scopes, depth + 1)
    return found


__all__ = ["Scopes", "convert", "folder_of", "instances", "module_path", "read_as_text", "written_body"]
