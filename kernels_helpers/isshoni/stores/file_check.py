"""A design file a room will not load, and the one kind of broken file it repairs by itself.

A room refuses a design file that is not a design (design/source.py) rather than serve an
empty design that its autosave would then write over the file: it raises DesignFileRefused.
jupyter-collaboration then closes the canvas's websocket with 1003 `initialization_error`
and this message (JupyterLab shows it; the canvas asks the REST API for the details and
the recovery), and the REST API answers 409 with the line and column.  Nothing is written
until the file is fixed or replaced, or the store's last good version restored
(stores/recovery.py).  (An HTTP 400 would close it with 4400, on which JupyterLab closes
the document with "Bad request" before the canvas can say anything.)

The exception: a file that holds the beginning of what the store holds is a save cut short
(Jupyter writes files in place, and a server killed mid-write leaves the first part); the
store's content is kept and saved again, as newer-wins does for every other unsaved edit.
"""

from __future__ import annotations

import json

from ..design.source import NotADesignFile


class DesignFileRefused(ValueError):
    """The room did not load `path`: `problem` says why and where, `recoverable` whether the
    store holds an earlier version of the design."""

    def __init__(self, path: str, problem: NotADesignFile, recoverable: bool):
        self.path, self.problem, self.recoverable = path, problem, recoverable
        then = ("the store holds the last good version of the design: restore it from the canvas, or fix the file"
                if recoverable else "fix or replace the file (nothing was saved from it before)")
        super().__init__(f"{path} is not a design file ({problem}); {then}")


def cut_short(file_text: str, stored_text: str) -> bool:
    """The file holds the beginning of the store's content: a save the server did not finish."""
    return stored_text.startswith(file_text)


def is_json(text: str) -> bool:
    """A design file holds one JSON document; an empty or cut-off file (the server killed while
    writing it) is no edit made outside Jupyter, and must not replace the store's content."""
    try:
        json.loads(text)
    except (TypeError, ValueError):
        return False
    return True
