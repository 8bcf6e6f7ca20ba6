"""`isshoni versions DESIGN [name NAME | restore NAME]`: a design's named versions from a terminal.

Without an action it lists them (oldest first); `name NAME [--note TEXT]` keeps the design as it
is now under that name, `restore NAME` brings the design back to it (the chat, deploy records
and versions are kept).  Both write the design file.  `isshoni diff FILE@NAME FILE` shows what
changed since a version.
"""

from __future__ import annotations

import datetime
import getpass
import json
import sys

from .model import Design
from .versions import listing


def _when(created) -> str:
    if not isinstance(created, (int, float)):
        return "?"
    return datetime.datetime.fromtimestamp(created, tz=datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _one_line(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)[1:-1]  # control characters escaped: nothing reaches the terminal raw


def cmd_versions(args) -> int:
    if args.action and not args.name:
        raise ValueError(f"`isshoni versions DESIGN {args.action}` needs the version's NAME")
    design = Design.load(args.design)
    if args.action == "name":
        try:
            author = getpass.getuser()
        except (KeyError, OSError):  # no user name for this uid (a container)
            author = ""
        version = design.name_version(args.name, note=args.note or "", author=author)
        design.save(args.design)
        sys.stdout.write(f"named {_one_line(args.name)}: {version['resources']} nodes, {version['connections']} connections\n")
        return 0
    if args.action == "restore":
        design.restore_version(args.name)
        design.save(args.design)
        sys.stdout.write(f"restored {_one_line(args.name)}: {len(design.resources)} nodes, {len(design.connections)} connections\n")
        return 0
    found = listing(design.data)
    if args.json:
        sys.stdout.write(json.dumps(found, indent=2, ensure_ascii=False) + "\n")
    elif not found:
        sys.stdout.write(f"{args.design}: no versions (isshoni versions {args.design} name NAME keeps one)\n")
    else:
        for v in found:
            note = f"  {_one_line(v['note'])}" if v["note"] else ""
            who = f" by {_one_line(v['author'])}" if v["author"] else ""
            sys.stdout.write(f"{_one_line(v['name'])}  {_when(v['created'])}{who}  {v['resources']} nodes, "
                             f"{v['connections']} connections{note}\n")
    return 0


def add_commands(sub) -> None:
    s = sub.add_parser("versions", help="list a design's named versions, name one, or restore one")
    s.add_argument("design", help="the .infra.json file")
    s.add_argument("action", nargs="?", choices=("name", "restore"), help="name the design as it is now, or restore a version")
    s.add_argument("name", nargs="?", help="the version's name (letters, digits, spaces and ._:+-)")
    s.add_argument("--note", help="with `name`: what this version is")
    s.add_argument("--json", action="store_true", help="the list as JSON")
    s.set_defaults(fn=cmd_versions)


__all__ = ["add_commands", "cmd_versions"]
