"""Problems with a design, each with a JSON path and (when known) the resource it concerns."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    message: str
    resource: str | None = None

    def __str__(self) -> str:
        where = f" [{self.resource}]" if self.resource else ""
        return f"{self.path}{where}: {self.message}"

    def to_dict(self) -> dict:
        return asdict(self)


class DesignError(ValueError):
    """Raised with every problem found, never just the first."""

    def __init__(self, problems: list[Problem], source: str = "design"):
        self.problems = sorted(set(problems))
        self.source = source
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{source}: {len(self.problems)} problem(s)\n{lines}")

    def __reduce__(self):
        # picklable, so refusals cross process boundaries (the server's worker processes)
        return (DesignError, (self.problems, self.source))


def json_path(parts) -> str:
    """`['resources', 'vpc', 'parent']` -> `$.resources.vpc.parent` (brackets for odd keys)."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.replace("_", "").replace("-", "").isalnum() and part[:1].isalpha():
            out += f".{part}"
        else:
            out += "[" + repr(part) + "]"
    return out


def describe(exc: Exception) -> str:
    """A KeyError's message without the quotes `str(KeyError)` adds."""
    if type(exc) is KeyError and exc.args:
        return str(exc.args[0])
    return str(exc)
