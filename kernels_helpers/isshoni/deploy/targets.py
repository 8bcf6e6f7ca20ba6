"""Where a deploy goes: the sandbox (default) or a real AWS account.

A Target hands out boto3 clients and the environment for subprocesses; the
engines never build clients themselves, so the sandbox's loopback endpoint
and dummy credentials cannot be bypassed by accident.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from . import sandbox as sandbox_mod

TARGETS = ("sandbox", "aws")


class TargetError(Exception):
    """The target cannot be used (no credentials, no sandbox ...)."""


@dataclass
class Target:
    name: str
    region: str
    sandbox: sandbox_mod.Sandbox | None = None
    profile: str | None = None
    _prepared: dict | None = None
    _session: object = None
    _clients: dict = field(default_factory=dict)

    @property
    def is_sandbox(self) -> bool:
        return self.name == "sandbox"

    @property
    def prepared(self) -> dict:
        """What the sandbox prepared for this region (an ACM certificate ...); asked once, lazily."""
        if not self.is_sandbox:
            return {}
        if self._prepared is None:
            self._prepared = sandbox_mod.prepare(self.sandbox, self.region)
        return self._prepared

    @property
    def endpoint(self) -> str | None:
        return sandbox_mod.check_loopback(self.sandbox.url) if self.is_sandbox else None

    def session(self):
        if self._session is None:
            if self.is_sandbox:
                self._session = sandbox_mod.session(self.region)
            else:
                import boto3

                self._session = boto3.session.Session(profile_name=self.profile, region_name=self.region)
        return self._session

    def client(self, service: str):
        if self.is_sandbox:
            return sandbox_mod.client(self.sandbox, service, self.region)  # shared, loopback only
        if service not in self._clients:
            from botocore.config import Config

            config = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=10, read_timeout=120)
            self._clients[service] = self.session().client(service, config=config)
        return self._clients[service]

    def subprocess_env(self, base: dict | None = None) -> dict[str, str]:
        base = dict(os.environ if base is None else base)
        if self.is_sandbox:
            return sandbox_mod.environment(base)
        if self.profile:
            base["AWS_PROFILE"] = self.profile
        base["AWS_REGION"] = self.region
        return base

    def secrets(self) -> list[str]:
        """Values a job log must never show."""
        if self.is_sandbox:
            return [sandbox_mod.SECRET_KEY, sandbox_mod.ACCESS_KEY]
        creds = self.session().get_credentials()
        if creds is None:
            return []
        frozen = creds.get_frozen_credentials()
        return [v for v in (frozen.access_key, frozen.secret_key, frozen.token) if v]

    def describe(self) -> str:
        if self.is_sandbox:
            return f"sandbox ({self.sandbox.url}, region {self.region})"
        return f"AWS account (profile {self.profile or os.environ.get('AWS_PROFILE') or 'default chain'}, region {self.region})"


def make(name: str, region: str, *, profile: str | None = None, start_sandbox: bool = True, prepare: bool = True) -> Target:
    """Build a target; the sandbox is started (and prepared for `region`) when needed."""
    if name not in TARGETS:
        raise TargetError(f"unknown target {name!r}; choose one of {', '.join(TARGETS)}")
    if name == "sandbox":
        sb = sandbox_mod.ensure() if start_sandbox else sandbox_mod.running()
        if sb is None:
            raise TargetError("the sandbox is not running (isshoni sandbox start)")
        target = Target("sandbox", region, sandbox=sb)
        if prepare:
            target.prepared  # noqa: B018  (prepare now, inside the job's timing)
        return target
    target = Target("aws", region, profile=profile)
    try:
        creds = target.session().get_credentials()
    except Exception as exc:  # botocore raises ProfileNotFound and friends
        raise TargetError(f"AWS credentials: {exc}") from None
    if creds is None:
        raise TargetError("no AWS credentials found (set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or pass --profile)")
    return target
