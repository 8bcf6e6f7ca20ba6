"""A design file a room will not load, and the one kind of broken file it repairs by itself.

A room refuses a design file that is not a design (design/source.py) rather than serve an
empty design that its autosave would then write over the file: it raises DesignFileRefused,
an HTTP 400, so jupyter-collaboration closes the websocket with 4400 and JupyterLab closes
the document (with its own short "Bad request" message; the canvas then asks the REST API
what is wrong and offers the recovery); the REST API answers 409 with the line and column.
Nothing is written until the file is fixed or replaced, or the store's last good version
restored (stores/recovery.py).  (Any other exception closes the websocket with 1003, on
which JupyterLab's provider shows a dialog and reconnects, showing it again, until the
page is reloaded.)

The exception: a file that holds the beginning of what the store holds is a save cut short
(Jupyter writes files in place, and a server killed mid-write leaves the first part); the
store's content is kept and saved again, as newer-wins does for every other unsaved edit.
"""

from __future__ import annotations

import json

from tornado.web import HTTPError

from ..design.source import NotADesignFile


class DesignFileRefused(HTTPError):
    """The room did not load `path`: `problem` says why and where, `recoverable` whether the
    store holds an earlier version of the design, `detail` all of it in words."""

    def __init__(self, path: str, problem: NotADesignFile, recoverable: bool):
        self.path, self.problem, self.recoverable = path, problem, recoverable
        then = ("the store holds the last good version of the design: restore it from the canvas, or fix the file"
                if recoverable else "fix or replace the file (nothing was saved from it before)")
        self.detail = f"{path} is not a design file ({problem}); {then}"
        super().__init__(400, self.detail.replace("%", "%%"), reason="Not a design file")

    def __str__(self) -> str:
        return self.detail


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
