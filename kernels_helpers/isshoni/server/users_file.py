"""The users file of NamedTokens (identity.py): name -> {token_sha256, display_name?, initials?,
color?}.  Standard library only: `isshoni users` edits it without loading the server."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from pathlib import Path

FIELDS = ("token_sha256", "display_name", "initials", "color")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def read_users(path: Path) -> dict[str, dict]:
    """name -> entry, checked (raises ValueError saying what is wrong)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected an object of user name -> {{token_sha256, display_name?, color?}}")
    for name, entry in data.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("token_sha256"), str) or len(entry["token_sha256"]) != 64:
            raise ValueError(f"{path}: user {name!r} needs a token_sha256 of 64 hex digits")
        unknown = sorted(set(entry) - set(FIELDS))
        if unknown:
            raise ValueError(f"{path}: user {name!r} has unknown field(s) {', '.join(unknown)}")
    return data


def add_user(path: Path, name: str, display_name: str | None = None, color: str | None = None) -> str:
    """Add (or give a new token to) `name`; returns the token, which is stored nowhere."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError("a user needs a non-empty name")
    path = Path(path)
    users = read_users(path) if path.exists() else {}
    token = secrets.token_urlsafe(32)
    entry = {"token_sha256": token_hash(token)}
    if display_name:
        entry["display_name"] = display_name
    if color:
        entry["color"] = color
    users[name] = entry
    write_users(path, users)
    return token


def write_users(path: Path, users: dict[str, dict]) -> None:
    """Replace the file at once (a server reading it never sees half of it), readable by its owner only."""
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(json.dumps(users, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.chmod(temp, 0o600)
    temp.replace(path)
