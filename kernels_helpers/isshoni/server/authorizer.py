"""The Jupyter server's authorizer with Isshoni's roles (roles.py holds the rules).

Installed by Isshoni's extension at link time in place of the default authorizer (app.py), so every request
of the server (files, kernels, collaboration rooms, Isshoni's REST) is decided here, through
jupyter_server's own `@authorized` checks.  The role map comes from `roles_file` (JSON or YAML,
re-read when it changes) and/or `users`, `groups`, `default_role`, `owner_role`:

    c.IsshoniAuthorizer.roles_file = "/srv/isshoni/roles.yaml"

Under JupyterHub a user's groups come with their identity (the Hub's `identify` scopes include
them) and the server's owner (`$JUPYTERHUB_USER`) is a deployer unless configured otherwise.
With no role configured at all the server behaves as it did before roles: every signed-in user
is a deployer, and the log says so at start.
"""

from __future__ import annotations

import os
from pathlib import Path

from jupyter_server.auth.authorizer import Authorizer
from traitlets import Bool, Dict, Unicode, default

from . import roles
from .roles import RoleConfigError, RoleMap

UNCONFIGURED = "deployer"  # no roles configured: everyone may do everything, as before roles


class IsshoniAuthorizer(Authorizer):
    """Roles (viewer, editor, deployer) for every request of the server."""

    roles_file = Unicode("", config=True, help="A JSON or YAML role map: users, groups, default, owner (docs/jupyterhub.md).")
    users = Dict(config=True, help="User name -> role (viewer, editor, deployer); wins over the file's entry.")
    groups = Dict(config=True, help="Group name -> role; a user in several groups gets the highest.")
    default_role = Unicode(None, allow_none=True, config=True, help="The role of a user nothing else names (None: no access).")
    owner_role = Unicode("deployer", allow_none=True, config=True,
                         help="The role of the server's owner under JupyterHub ($JUPYTERHUB_USER), unless named otherwise.")
    editors_run_code = Bool(False, config=True, help="Let editors run kernels and terminals (code runs with the account's credentials).")

    @default("roles_file")
    def _roles_file_default(self) -> str:
        return os.environ.get("ISSHONI_ROLES_FILE", "")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._file_stamp = None
        self._from_file = RoleMap()
        self._merged = RoleMap()
        self.configured = bool(self.roles_file or self.users or self.groups or self.default_role)
        self._own = RoleMap.parse({"users": self.users, "groups": self.groups, "default": self.default_role}, "c.IsshoniAuthorizer")
        if self.owner_role is not None:
            roles._check_role(self.owner_role, "c.IsshoniAuthorizer.owner_role")
        if self.roles_file:
            self._reload(strict=True)
        self._merge()
        if self.configured:
            self.log.info("isshoni: roles from %s", self.roles_file or "c.IsshoniAuthorizer")
        else:
            self.log.warning("isshoni: no roles configured: every signed-in user of this server is a deployer "
                             "(may edit, deploy and destroy); set c.IsshoniAuthorizer.roles_file (docs/jupyterhub.md)")

    # ---------------------------------------------------------------- the role map
    def _reload(self, strict: bool = False) -> None:
        """Read the role file again when it changed; a bad edit keeps the last good map (logged),
        but a bad file at start stops the server (RoleConfigError)."""
        path = Path(self.roles_file).expanduser()
        try:
            stat = path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError as exc:
            if strict:
                raise RoleConfigError(f"cannot read the role file {path}: {exc.strerror or exc}") from None
            return
        if stamp == self._file_stamp:
            return
        try:
            self._from_file = roles.load(path)
            self._merge()
        except RoleConfigError as exc:
            if strict:
                raise
            self.log.error("isshoni: %s (keeping the roles read before)", exc)
        self._file_stamp = stamp

    def _merge(self) -> None:
        """The map requests are decided by, made when the file is (re)read rather than per request:
        configuration wins over the file."""
        own, read = self._own, self._from_file
        self._merged = RoleMap({**read.users, **own.users}, {**read.groups, **own.groups}, own.default or read.default,
                               read.owner or self.owner_role)

    def role_of(self, user) -> tuple[str | None, str]:
        """The user's role and where it came from."""
        if not self.configured:
            return UNCONFIGURED, "no roles configured on this server"
        if self.roles_file:
            self._reload()
        name = getattr(user, "username", None) or ""
        hub_user = getattr(user, "hub_user", None) or {}
        groups = tuple(hub_user.get("groups") or getattr(user, "groups", ()) or ())
        is_owner = bool(name) and name == os.environ.get("JUPYTERHUB_USER")
        return self._merged.role_of(name, groups, is_owner)

    # ---------------------------------------------------------------- jupyter_server's question
    def is_authorized(self, handler, user, action, resource) -> bool:
        role, why = self.role_of(user)
        ok = roles.allowed(role, action, resource, type(handler).__name__, editors_run_code=self.editors_run_code)
        if not ok:
            self.log.info("isshoni: refused %s %s on %s to %s (role %s, from %s)", type(handler).__name__, action, resource,
                          getattr(user, "username", "?"), role or "none", why)
        return ok


__all__ = ["IsshoniAuthorizer"]
