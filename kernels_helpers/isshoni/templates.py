"""Ready designs shipped with Isshoni (`templates/*.infra.json`).

In a wheel they live in `isshoni/templates`; in a source checkout they are
read from the repository's `templates/` folder, so there is one copy.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from .design import Design
from .design.model import SUFFIX


def folder() -> Path:
    packaged = Path(__file__).with_name("templates")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


def names() -> list[str]:
    return sorted(p.name[: -len(SUFFIX)] for p in folder().glob(f"*{SUFFIX}"))


def load(name: str) -> Design:
    path = folder() / f"{name}{SUFFIX}"
    if not path.is_file():
        raise KeyError(f"unknown template {name!r}; available: {', '.join(names())}")
    return Design.load(path)


@functools.cache
def _titles() -> dict[str, str]:
    path = folder() / "titles.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def title(name: str) -> str:
    """What the gallery calls a template (`titles.json` beside them: names are file names, and
    "vpc_basic" capitalised reads "Vpc Basic"); a template without one shows its name."""
    return _titles().get(name) or name.replace("_", " ")


def describe() -> list[tuple[str, str]]:
    return [(n, load(n).meta.get("description", "")) for n in names()]
