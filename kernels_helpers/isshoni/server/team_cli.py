"""`isshoni users FILE [add NAME | remove NAME]` and `isshoni roles FILE`: a team's sign-in and
roles from a terminal, for servers without JupyterHub (docs/jupyterhub.md).

`users ... add NAME` prints the new token once (only its hash is written); `roles FILE` checks a
role file and prints who gets which role, so a mistake is found before a server refuses to start.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _text(value) -> str:
    return json.dumps(str(value), ensure_ascii=False)[1:-1]  # control characters escaped


def cmd_users(args) -> int:
    from .users_file import add_user, read_users, write_users

    path = Path(args.file)
    if args.action and not args.name:
        raise ValueError(f"`isshoni users FILE {args.action}` needs the user's NAME")
    if args.action == "add":
        token = add_user(path, args.name, args.display_name, args.color)
        sys.stdout.write(f"{_text(args.name)}'s token (shown once, keep it secret; only its hash is in {path}):\n{token}\n")
        return 0
    users = read_users(path) if path.exists() else {}
    if args.action == "remove":
        if args.name not in users:
            raise ValueError(f"{path} has no user {args.name!r}; it has {', '.join(sorted(users)) or 'none'}")
        del users[args.name]
        write_users(path, users)
        sys.stdout.write(f"removed {_text(args.name)}: their token no longer signs in\n")
        return 0
    for name in sorted(users):
        shown = users[name].get("display_name")
        sys.stdout.write(f"{_text(name)}{f'  ({_text(shown)})' if shown else ''}\n")
    if not users:
        sys.stdout.write(f"{path}: no users (isshoni users {path} add NAME makes one)\n")
    return 0


def cmd_roles(args) -> int:
    from .roles import load

    found = load(args.file)  # RoleConfigError (a ValueError) says what is wrong
    for kind, entries in (("user", found.users), ("group", found.groups)):
        for name in sorted(entries):
            sys.stdout.write(f"{kind} {_text(name)}: {entries[name]}\n")
    sys.stdout.write(f"anyone else: {found.default or 'no access'}\n")
    if found.owner:
        sys.stdout.write(f"the server's owner (JupyterHub): {found.owner}\n")
    return 0


def add_commands(sub) -> None:
    s = sub.add_parser("users", help="named sign-in tokens for a server without JupyterHub (list, add, remove)")
    s.add_argument("file", help="the users file (NamedTokens.users_file)")
    s.add_argument("action", nargs="?", choices=("add", "remove"))
    s.add_argument("name", nargs="?")
    s.add_argument("--display-name", default=None)
    s.add_argument("--color", default=None, help="presence colour, e.g. #1f77b4")
    s.set_defaults(fn=cmd_users)
    s = sub.add_parser("roles", help="check a role file and print who gets which role")
    s.add_argument("file", help="a JSON or YAML role file (IsshoniAuthorizer.roles_file)")
    s.set_defaults(fn=cmd_roles)
