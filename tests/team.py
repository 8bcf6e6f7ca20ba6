"""Three people on one test server without JupyterHub: named tokens (server/identity.py) and a
role file (server/roles.py).  alice (deployer) signs in with the token `servers.jupyter` waits on;
bob (viewer) and carol (editor) get tokens of their own."""

from __future__ import annotations

import json
from pathlib import Path

from isshoni.server.identity import add_user, read_users, token_hash

ALICE_TOKEN = "test-token-not-a-secret"  # servers.jupyter polls /api/status with this token
ROLES = {"alice": "deployer", "bob": "viewer", "carol": "editor"}


def team_options(tmp: Path) -> tuple[dict[str, str], tuple[str, ...]]:
    """(name -> token, the server options that make them and their roles)."""
    users = tmp / "users.json"
    tokens = {name: add_user(users, name, name.title()) for name in ("bob", "carol")}
    entries = read_users(users)
    entries["alice"] = {"token_sha256": token_hash(ALICE_TOKEN), "display_name": "Alice"}
    users.write_text(json.dumps(entries))
    tokens["alice"] = ALICE_TOKEN
    (tmp / "roles.json").write_text(json.dumps({"users": ROLES}))
    return tokens, ("--ServerApp.identity_provider_class=isshoni.server.identity.NamedTokens", f"--NamedTokens.users_file={users}",
                    f"--IsshoniAuthorizer.roles_file={tmp / 'roles.json'}")
