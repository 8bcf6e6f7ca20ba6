"""The HCL parser for Terraform safety and checks: HashiCorp's own, in a child process with a deadline.

Why this parser: pygohcl wraps github.com/hashicorp/hcl/v2, the parser Terraform
itself uses, so what is checked is what Terraform will read (no second grammar
to disagree with).  Its module name is its own: checkov's dependency
bc-python-hcl2 silently replaces python-hcl2's `hcl2` module, and its grammar
backtracks exponentially on the escaped template sequences (`$${`) the HCL
writer emits, so a label containing `${` hung every caller.

Why a child process: the Go parser is linear, but deeply nested input makes Go
abort the whole process (a stack overflow cannot be recovered), and no call
may hold its caller without a deadline.  A text that is not parsed within the
deadline, or on which the parser dies, is reported as could-not-parse: never
as parsed.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from pathlib import Path

from . import deadline

PARSE_TIMEOUT = 30.0  # seconds for one batch; a parse takes milliseconds, the child's start ~0.2 s
_WORKER = Path(__file__).with_name("hcl_worker.py")
_WHERE = re.compile(r"tmp\.hcl:(\d+),(\d+)(?:-[\d,]+)?:\s*")


class CouldNotParse(ValueError):
    """A text the parser could not read (syntax error, deadline, or the parser died)."""

    def __init__(self, reason: str, line: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.line = line


def loads(text: str, timeout: float = PARSE_TIMEOUT) -> dict:
    """The parsed body of one HCL text, in hcl2json's shape; raises CouldNotParse."""
    result = parse_texts({"text": text}, timeout)["text"]
    if isinstance(result, CouldNotParse):
        raise result
    return result


def parse_texts(texts: dict[str, str], timeout: float = PARSE_TIMEOUT) -> dict[str, dict | CouldNotParse]:
    """Each text's parsed body, or the CouldNotParse that says why not; one child for the batch."""
    results: dict[str, dict | CouldNotParse] = {}
    pending = []
    for name, text in texts.items():
        if "\x00" in text:  # the parser's C interface would stop reading at it
            results[name] = CouldNotParse("contains a NUL character")
        else:
            pending.append(name)
    while pending:
        try:
            done = deadline.run([sys.executable, "-I", str(_WORKER)], input=json.dumps([texts[n] for n in pending]),
                                timeout=timeout)
        except subprocess.TimeoutExpired:
            results.update({n: CouldNotParse(f"the HCL parser did not finish within {timeout:g} s") for n in pending})
            break
        lines = done.stdout.splitlines()[: len(pending)]
        results.update({name: _decode(line) for name, line in zip(pending, lines, strict=False)})
        if len(lines) == len(pending):
            break
        results[pending[len(lines)]] = CouldNotParse(_died(done))  # the text it was reading when it stopped
        pending = pending[len(lines) + 1:]
    return {name: results[name] for name in texts}


def _decode(line: str) -> dict | CouldNotParse:
    try:
        result = json.loads(line)
    except (RecursionError, ValueError):
        return CouldNotParse("nested too deeply to read")
    if "error" in result:
        return _syntax_error(result["error"])
    body = result.get("body")
    return body if isinstance(body, dict) else CouldNotParse("not an HCL body")


def _syntax_error(message: str) -> CouldNotParse:
    """The parser's first diagnostic, with `line N, column M` instead of its placeholder file name."""
    first = message.removeprefix("invalid HCL: ").split(", tmp.hcl:")[0].strip()
    where = _WHERE.match(first)
    if where:
        line = int(where.group(1))
        return CouldNotParse(f"line {line}, column {where.group(2)}: {first[where.end():]}"[:300], line)
    return CouldNotParse(first[:300] or "not valid HCL")


def _died(done: subprocess.CompletedProcess) -> str:
    code = done.returncode
    how = f"signal {signal.Signals(-code).name}" if code < 0 and -code in signal.valid_signals() else f"exit {code}"
    said = [line.strip() for line in done.stderr.splitlines() if line.strip()]
    fatal = next((line for line in said if line.startswith(("fatal error", "runtime:", "ModuleNotFoundError"))), said[-1] if said else "")
    return f"the HCL parser stopped on this file ({how}{': ' + fatal[:200] if fatal else ''})"
