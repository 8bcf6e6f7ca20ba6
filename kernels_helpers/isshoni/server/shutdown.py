"""A server asked to stop exits promptly, whoever is still connected.

Measured: a server with a collaborator still in a room stopped its extensions
("Deleting all rooms.") and its event loop, then never exited.  Its main thread
waited in `threading._shutdown` for an idle "AnyIO worker thread": the SQLite
store reaches its database through `anyio.to_thread` (sqlite-anyio), and anyio
stops a worker thread only when the task it belongs to ends; a room's task
that is still running when the loop stops never ends, so its worker waits on
an empty queue forever.  At the point where the interpreter waits for such
threads, there is no loop left to give them work: telling them to stop (what
anyio itself does when their task ends) lets the process exit.
"""

from __future__ import annotations

import queue
import threading

_installed = False


def _anyio_workers() -> list[threading.Thread]:
    return [t for t in threading.enumerate()
            if type(t).__name__ == "WorkerThread" and type(t).__module__.startswith("anyio.") and hasattr(t, "queue")]


def stop_anyio_workers() -> int:
    """Ask every anyio worker thread to end (a None in its queue is anyio's own stop command)."""
    stopped = 0
    for thread in _anyio_workers():
        thread.stopping = True
        try:
            thread.queue.put_nowait(None)
            stopped += 1
        except queue.Full:  # busy, with work queued: it finishes that and then finds the loop gone
            pass
    return stopped


def exit_promptly() -> None:
    """Stop anyio's worker threads when the interpreter is about to wait for non-daemon threads
    (the hook concurrent.futures uses for its own threads), once per process."""
    global _installed
    if not _installed:
        threading._register_atexit(stop_anyio_workers)
        _installed = True
