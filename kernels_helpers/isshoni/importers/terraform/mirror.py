"""A copy of a Terraform folder in which chosen reads evaluate to their own text.

The evaluator (tfparse) knows no data source and no value Terraform learns only when it applies,
so a `jsonencode` policy that names `data.aws_partition.current.partition`, a log group's
generated name or a variable asked at deploy time comes back null as a whole.  In the mirror each
such read is a local whose value is the literal `${...}` text it was written as (escaped `$${`),
so the evaluator computes everything around it and the resource reader turns the text into the
`Fn::Sub` / `Ref` CloudFormation writes.  Lines keep their numbers; only the folders holding
.tf files are copied, everything else is linked, so `file()` still reads what it names.
"""

from __future__ import annotations

import re
from pathlib import Path

from .resources import DATA_PSEUDO

LOCALS_FILE = "isshoni-read-as-text.tf"
_PSEUDO = re.compile(r"(?<![\w.])data\.(?P<type>aws_[a-z_]+)\.(?P<name>[A-Za-z_][\w-]*)\.(?P<attr>[a-z_]+)\b")
_RESOURCE = re.compile(r"(?<![\w.])(?P<type>[a-z][a-z0-9_]*)\.(?P<name>[A-Za-z_][\w-]*)(?P<index>\[\d+\])?"
                       r"\.(?P<attr>[A-Za-z_]\w*)\b")
_VARIABLE = re.compile(r"(?<![\w.])var\.(?P<name>[A-Za-z_][\w-]*)\b(?!\.)")


def account_reads(text: str) -> list:
    """The reads of the account's own values (the data sources CloudFormation has pseudo parameters for)."""
    return [m for m in _PSEUDO.finditer(text) if (m["type"], m["attr"]) in DATA_PSEUDO]


class AsText:
    """What a mirror reads as text: always the account's own values; optionally, per folder (relative,
    "." for the root), the resources declared there (`type.name`) and, in the root, variables."""

    def __init__(self, resources: dict[str, set] | None = None, variables: set | None = None):
        self.resources, self.variables = resources or {}, variables or set()

    def rewrite(self, folder: str, text: str, locals_: dict[str, str]) -> str:
        def local(found, name: str) -> str:
            locals_[name] = "$${" + found.group(0) + "}"
            return "local." + name

        def pseudo(found) -> str:
            if (found["type"], found["attr"]) not in DATA_PSEUDO:
                return found.group(0)
            return local(found, f"isshoni_{found['type']}_{found['name']}_{found['attr']}".replace("-", "_"))

        text = _PSEUDO.sub(pseudo, text)
        declared = self.resources.get(folder, ())
        if declared:
            def resource(found) -> str:
                if (found["type"], found["name"]) not in declared:
                    return found.group(0)
                index = (found["index"] or "").strip("[]")
                return local(found, f"isshoni_{found['type']}_{found['name']}_{index}_{found['attr']}".replace("-", "_"))
            text = _RESOURCE.sub(resource, text)
        if folder == "." and self.variables:
            text = _VARIABLE.sub(lambda f: local(f, f"isshoni_var_{f['name']}".replace("-", "_"))
                                 if f["name"] in self.variables else f.group(0), text)
        return text


def mirrored(folder: Path, files: list[Path], mirror: Path, as_text: AsText) -> Path | None:
    """`mirror` holding the folder with `as_text`'s reads rewritten, or None when no file has one."""
    root = folder.resolve()
    texts, changed = {}, False
    for path in files:
        relative = path.relative_to(folder)
        text = path.read_text(encoding="utf-8", errors="replace")
        locals_: dict[str, str] = {}
        texts[root / relative] = (as_text.rewrite(relative.parent.as_posix(), text, locals_), locals_)
        changed = changed or bool(locals_)
    if not changed:
        return None
    with_tf = {root}
    for path in texts:
        with_tf.update(d for d in path.parents if root in d.parents)
    _copy_level(root, mirror, with_tf, texts)
    return mirror


def _copy_level(source: Path, mirror: Path, with_tf: set, texts: dict) -> None:
    mirror.mkdir(parents=True)
    locals_: dict[str, str] = {}
    for entry in sorted(source.iterdir()):
        target = mirror / entry.name
        if entry in texts:
            text, read = texts[entry]
            locals_.update(read)
            target.write_text(text, encoding="utf-8")
        elif entry.is_dir() and not entry.is_symlink() and entry in with_tf:
            _copy_level(entry, target, with_tf, texts)
        else:
            target.symlink_to(entry)
    if locals_:
        name = LOCALS_FILE
        while (mirror / name).exists() or (source / name).exists():
            name = "_" + name
        body = "".join(f'  {k} = "{v}"\n' for k, v in sorted(locals_.items()))
        (mirror / name).write_text("locals {\n" + body + "}\n", encoding="utf-8")


__all__ = ["AsText", "LOCALS_FILE", "account_reads", "mirrored"]
