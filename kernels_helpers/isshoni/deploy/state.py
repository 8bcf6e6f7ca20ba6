"""What Isshoni remembers about a deployment between commands (per target, region, design).

The engine used, the physical ids of every part (the sweeper and the rollback
need them without asking AWS), the canary's rule and target groups, the last
outputs.  Machine state, so it lives in the state dir, not in the design.
"""

from __future__ import annotations

import json
from pathlib import Path

from . import paths


class DeploymentState:
    def __init__(self, target: str, region: str, design: str):
        self.folder = paths.deployment_dir(target, region, design)
        self.path = self.folder / "state.json"

    def load(self) -> dict:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def save(self, data: dict) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str), encoding="utf-8")
        tmp.replace(self.path)

    def update(self, **values) -> dict:
        data = self.load()
        data.update(values)
        self.save(data)
        return data

    @property
    def workdir(self) -> Path:
        return self.folder
