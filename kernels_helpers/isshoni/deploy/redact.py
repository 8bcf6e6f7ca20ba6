"""Take secrets out of every line a job logs or records.

Job logs are shared (they land in the design every collaborator sees), and
tools print more than they should: Terraform echoes variables, boto errors
quote request fields.  Everything a job writes goes through `Redactor.text`.
"""

from __future__ import annotations

import os
import re

MASK = "***"

# (pattern, replacement): the value is masked, the key stays readable.
_PATTERNS: list[tuple[re.Pattern, str]] = [
    # AWS access key ids (long-term AKIA, temporary ASIA, and the other documented prefixes)
    (re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16}\b"), MASK),
    # key = value / "key": "value" / key: value, for secret-looking keys
    (
        re.compile(
            r"""(?ix)
            (["']?(?:aws_secret_access_key|secret_access_key|secretaccesskey|secret[_-]?key|aws_session_token|session[_-]?token|
                  security[_-]?token|x-amz-security-token|access[_-]?token|refresh[_-]?token|api[_-]?key|client[_-]?secret|
                  password|passwd|master_user_password|masteruserpassword|auth[_-]?token|token|secret)["']?
             \s*[:=]\s*)
            (?:"[^"]*"|'[^']*'|[^\s,;&}\]]+)
            """
        ),
        r"\1" + f'"{MASK}"',
    ),
    # HTTP authorization headers and URL credentials
    (re.compile(r"(?im)(authorization\s*[:=]\s*).+$"), r"\1" + MASK),
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]+:)[^@\s/]+@"), r"\1" + MASK + "@"),
    # PEM private keys
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S), MASK),
]

_ENV_SECRETS = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ACCESS_KEY_ID")


class Redactor:
    """Masks known secret values (exact) and secret-looking text (patterns)."""

    def __init__(self, values: list[str] | tuple[str, ...] = (), *, from_env: bool = True):
        known = [v for v in values if v and len(v) >= 4]
        if from_env:
            known += [os.environ[k] for k in _ENV_SECRETS if len(os.environ.get(k, "")) >= 4]
        # longest first, so a value containing another is masked whole
        self.values = sorted(set(known), key=len, reverse=True)

    def add(self, *values: str) -> None:
        self.values = sorted(set(self.values) | {v for v in values if v and len(v) >= 4}, key=len, reverse=True)

    def text(self, line: str) -> str:
        if not line:
            return line
        for value in self.values:
            line = line.replace(value, MASK)
        for pattern, replacement in _PATTERNS:
            line = pattern.sub(replacement, line)
        return line

    def data(self, value):
        """Redact every string inside a JSON-like value (dict keys stay)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.data(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.data(v) for v in value]
        return value
