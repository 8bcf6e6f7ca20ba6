"""Named users on a Jupyter server without JupyterHub: one token per person.

jupyter_server's own token identifies nobody (every holder is a random "Anonymous" user), so
roles by name need names.  This identity provider reads a users file, re-read when it changes:

    {"alice": {"token_sha256": "<hex>", "display_name": "Alice", "color": "#1f77b4"}, ...}

Only each token's SHA-256 is kept (a leaked file gives no way in); `isshoni users add NAME
--file F` makes a token, prints it once and writes its hash.  A token is accepted where
Jupyter accepts its own (`?token=`, `Authorization: token ...`, the login form), and the
login cookie then carries the user as usual.  Under JupyterHub, the Hub identifies users:
this class is not used there.
"""

from __future__ import annotations

import os
from pathlib import Path

from jupyter_server.auth.identity import IdentityProvider, User
from traitlets import Unicode, default

from .users_file import add_user, read_users, token_hash


class NamedTokens(IdentityProvider):
    """One token per named user, from `users_file`."""

    users_file = Unicode("", config=True, help="JSON file: user name -> {token_sha256, display_name?, color?}.")

    @default("users_file")
    def _users_file_default(self) -> str:
        return os.environ.get("ISSHONI_USERS_FILE", "")

    @default("token")
    def _token_default(self) -> str:
        return ""  # no shared token: every user has their own

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.token:  # a shared token identifies nobody, and JupyterLab hands the server's token to every page
            self.log.warning("isshoni: NamedTokens ignores the shared IdentityProvider.token: each user signs in with their own")
            self.token = ""
        self._stamp = None
        self._by_hash: dict[str, User] = {}
        if not self.users_file:
            raise ValueError("NamedTokens needs c.NamedTokens.users_file (or $ISSHONI_USERS_FILE)")
        self._reload(strict=True)

    def _reload(self, strict: bool = False) -> None:
        path = Path(self.users_file).expanduser()
        try:
            stat = path.stat()
            if (stat.st_mtime_ns, stat.st_size) == self._stamp:
                return
            users = read_users(path)
        except (OSError, ValueError) as exc:
            if strict:
                raise
            self.log.error("isshoni: the users file %s: %s (keeping the users read before)", path, exc)
            return
        self._by_hash = {
            entry["token_sha256"]: User(username=name, name=name, display_name=entry.get("display_name") or name,
                                        initials=entry.get("initials"), color=entry.get("color"))
            for name, entry in users.items()
        }
        self._stamp = (stat.st_mtime_ns, stat.st_size)

    def user_for(self, token: str | None) -> User | None:
        if not token:
            return None
        self._reload()
        return self._by_hash.get(token_hash(token))

    async def get_user_token(self, handler) -> User | None:
        return self.user_for(self.get_token(handler))

    def process_login_form(self, handler) -> User | None:
        return self.user_for(handler.get_argument("password", default=""))


__all__ = ["NamedTokens", "add_user", "read_users", "token_hash"]
