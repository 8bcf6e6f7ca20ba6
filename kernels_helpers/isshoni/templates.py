"""Ready designs shipped with Isshoni (`templates/*.infra.json`).

In a wheel they live in `isshoni/templates`; in a source checkout they are
read from the repository's `templates/` folder, so there is one copy.
"""

from __future__ import annotations

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


def describe() -> list[tuple[str, str]]:
    return [(n, load(n).meta.get("description", "")) for n in names()]
