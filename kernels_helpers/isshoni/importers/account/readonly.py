"""Clients that can only read: every operation name is checked before botocore builds the request.

An account scan must never change what it looks at, so each client the scanner makes carries a
`before-parameter-build` hook that refuses any operation not named Describe*/List*/Get* (and the
few Get* that read data or secrets rather than configuration).  The check sits on the client,
not on the scanner's call sites, so a mistake in a scanner cannot slip a write through.  Clients
have connect/read timeouts and botocore's standard retry mode: no call waits without a deadline.
Credentials come from the default chain (or the sandbox's dummy keys); none is ever logged.
"""

from __future__ import annotations

import re

# Get* operations that read data or secrets, not configuration: an import has no use for them
NOT_CONFIGURATION = frozenset({
    "GetSecretValue", "GetObject", "GetObjectTorrent", "GetParameter", "GetParameters", "GetParametersByPath",
    "GetPasswordData", "GetItem", "BatchGetItem", "GetRecords", "GetQueryResults", "GetLogEvents",
    "GetCredentialReport", "GetAuthorizationToken", "GetSessionToken", "GetFederationToken", "GetRandomPassword",
})
_READ = re.compile(r"^(Describe|List|Get)[A-Z][A-Za-z0-9]*$")  # a verb of reading, then what is read
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 30
MAX_ATTEMPTS = 3


class WriteRefused(PermissionError):
    """A scanner asked for an operation that is not a read."""


def check_operation(name: str) -> None:
    """Refuse any operation that is not a configuration read (Describe*/List*/Get*)."""
    if not isinstance(name, str) or not _READ.match(name) or name in NOT_CONFIGURATION:
        raise WriteRefused(f"the account scan only reads: {name!r} is not a Describe/List/Get of configuration")


def _guard(model=None, **_) -> None:
    check_operation(getattr(model, "name", None))


def guard(client):
    """Put the read-only check on a client (its own event emitter; other clients are untouched)."""
    client.meta.events.register_first("before-parameter-build.*.*", _guard, unique_id="isshoni-read-only")
    return client


class Clients:
    """Read-only clients for one region of one target, built once per service."""

    def __init__(self, target):
        self.target, self._made = target, {}

    def __call__(self, service: str):
        if service not in self._made:
            from botocore.config import Config

            config = Config(connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT,
                            retries={"max_attempts": MAX_ATTEMPTS, "mode": "standard"})
            kwargs = {"endpoint_url": self.target.endpoint} if self.target.is_sandbox else {}
            self._made[service] = guard(self.target.session().client(service, config=config, **kwargs))
        return self._made[service]


__all__ = ["Clients", "WriteRefused", "check_operation", "guard"]
