"""Roles: who may read, edit or deploy a server's designs (viewer < editor < deployer).

The rules are data kept apart from jupyter_server (authorizer.py asks them), so they read in
one place and are tested without a server:

- a **viewer** reads: files, designs, code, findings, chat and deploy progress, and opens a
  collaboration session (the session request is a PUT, but it only names the room); every
  document update a viewer's websocket sends is dropped by the room (stores/rooms.py);
- an **editor** also writes: files, designs (canvas, chat, the assistant, which acts with the
  role of whoever asked it);
- a **deployer** also deploys, previews, runs canaries, rolls back and destroys
  (`execute` on `isshoni:deploy`).

Running code (`execute` on kernels and terminals) is a deployer's right: a kernel runs as the
server's account, with its AWS credentials, so whoever runs code can do whatever a deployer
can (the kernel helpers included).  `editors_run_code` lets editors run code where everyone is
trusted with the account anyway.

A role map is `{"users": {name: role}, "groups": {group: role}, "default": role | null,
"owner": role | null}`: a user's own entry wins, else the highest role of their groups (a
JupyterHub user's groups come with their identity), else the server owner's role for the
owner (under JupyterHub), else `default`; no role at all means no access.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

ROLES = ("viewer", "editor", "deployer")
RANK = {role: rank for rank, role in enumerate(ROLES)}
DEPLOY_RESOURCE = "isshoni:deploy"
CODE_RESOURCES = frozenset({"kernels", "terminals"})
# the requests a viewer makes that jupyter_server counts as writes but that change no file
VIEWER_WRITES = frozenset({"DocSessionHandler"})
# jupyter_server's "execute" that runs nothing: subscribing to the server's events (JupyterLab does on load)
VIEWER_EXECUTES = frozenset({"events"})
KEYS = ("users", "groups", "default", "owner")


class RoleConfigError(ValueError):
    """A role map that cannot be used (the server refuses to start on it rather than guess)."""


@dataclass(frozen=True)
class RoleMap:
    users: dict[str, str] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    default: str | None = None
    owner: str | None = None

    @classmethod
    def parse(cls, data, source: str = "the role configuration") -> RoleMap:
        """A checked role map: every role one of ROLES, every name a non-empty string."""
        if not isinstance(data, dict):
            raise RoleConfigError(f"{source}: expected an object with {', '.join(KEYS)}, got {type(data).__name__}")
        unknown = sorted(set(data) - set(KEYS))
        if unknown:
            raise RoleConfigError(f"{source}: unknown key(s) {', '.join(map(repr, unknown))}; use {', '.join(KEYS)}")
        maps = {}
        for key in ("users", "groups"):
            given = data.get(key) or {}
            if not isinstance(given, dict):
                raise RoleConfigError(f"{source}: {key!r} must map names to roles")
            for name, role in given.items():
                if not isinstance(name, str) or not name.strip():
                    raise RoleConfigError(f"{source}: {key!r} has an empty name")
                _check_role(role, f"{source}: {key}[{name!r}]")
            maps[key] = dict(given)
        for key in ("default", "owner"):
            if data.get(key) is not None:
                _check_role(data[key], f"{source}: {key!r}")
        return cls(maps["users"], maps["groups"], data.get("default"), data.get("owner"))

    def role_of(self, name: str, groups=(), is_owner: bool = False) -> tuple[str | None, str]:
        """The user's role and where it came from (for logs and `GET /me`)."""
        if name in self.users:
            return self.users[name], f"user {name!r}"
        held = [(RANK[self.groups[g]], g) for g in groups or () if g in self.groups]
        if held:
            rank, group = max(held)
            return ROLES[rank], f"group {group!r}"
        if is_owner and self.owner is not None:
            return self.owner, "the server's owner"
        return self.default, "the default role" if self.default else "no role configured for this user"


def _check_role(role, where: str) -> None:
    if role not in RANK:
        raise RoleConfigError(f"{where}: unknown role {role!r}; choose one of {', '.join(ROLES)}")


def load(path: str | Path) -> RoleMap:
    """A role map from a JSON or YAML file (YAML when the name ends in .yaml or .yml)."""
    path = Path(path).expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RoleConfigError(f"cannot read the role file {path}: {exc.strerror or exc}") from None
    import yaml

    is_yaml = path.suffix in (".yaml", ".yml")
    try:
        data = yaml.safe_load(text) if is_yaml else json.loads(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise RoleConfigError(f"the role file {path} is not valid {'YAML' if is_yaml else 'JSON'}: {exc}") from None
    return RoleMap.parse(data, str(path))


def allowed(role: str | None, action: str, resource: str, handler_name: str = "", *, editors_run_code: bool = False) -> bool:
    """Whether `role` may take jupyter_server's `action` ("read", "write", "execute") on `resource`."""
    if role not in RANK:
        return False
    rank = RANK[role]
    if resource == DEPLOY_RESOURCE:
        return rank >= RANK["deployer"]
    if resource in CODE_RESOURCES and action != "read":
        return rank >= RANK["deployer"] or (editors_run_code and rank >= RANK["editor"])
    if action == "read" or (action == "execute" and resource in VIEWER_EXECUTES):
        return True
    if action == "write" and handler_name in VIEWER_WRITES:
        return True
    return rank >= RANK["editor"]


def may_edit(role: str | None) -> bool:
    return role in RANK and RANK[role] >= RANK["editor"]


__all__ = ["DEPLOY_RESOURCE", "ROLES", "RoleConfigError", "RoleMap", "allowed", "load", "may_edit"]
