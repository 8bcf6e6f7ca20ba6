"""Run a tool as a child process that cannot outlive its deadline.

`subprocess.run(timeout=...)` kills only the direct child and then waits for
its pipes to close, so a tool that started helpers of its own (checkov does)
can still hold the caller forever.  Here the tool gets its own process group
and the whole group is killed when the deadline passes.
"""

from __future__ import annotations

import os
import signal
import subprocess


def run(args: list[str], *, timeout: float, input: str | None = None, env: dict | None = None,
        cwd=None) -> subprocess.CompletedProcess:
    """Like `subprocess.run(..., capture_output=True, text=True)`; raises `subprocess.TimeoutExpired`
    after killing the tool and everything it started."""
    with subprocess.Popen(
        args,
        stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=env,
        cwd=cwd,
        start_new_session=True,
    ) as proc:
        try:
            out, err = proc.communicate(input, timeout=timeout)
        except BaseException:  # the deadline, or the caller interrupted: nothing of the tool survives
            _kill_group(proc)
            try:
                proc.communicate(timeout=5)
            except subprocess.TimeoutExpired:  # a helper that left the group still holds a pipe
                pass
            raise
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (AttributeError, ProcessLookupError, PermissionError):  # no process groups (Windows), or gone
        proc.kill()
