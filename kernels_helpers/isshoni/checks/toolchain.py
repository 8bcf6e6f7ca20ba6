"""Find the Terraform toolchain on this machine and say clearly what is missing.

A `terraform` binary on PATH (or ISSHONI_TERRAFORM) and the AWS provider,
either in a filesystem mirror (ISSHONI_TF_PLUGIN_MIRROR, or a folder holding
registry.terraform.io/hashicorp/aws in the usual places) or reachable through
the user's own Terraform configuration.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

MIRROR_CANDIDATES = (
    "/opt/tf-plugins",
    "~/.terraform.d/plugins",
    "~/.local/share/terraform/plugins",
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
)


@dataclass(frozen=True)
class Toolchain:
    terraform: str | None
    mirror: str | None

    @property
    def missing(self) -> str | None:
        if not self.terraform:
            return "no `terraform` binary on PATH (install Terraform >= 1.5 or set ISSHONI_TERRAFORM)"
        return None


def _has_aws_provider(folder: Path) -> bool:
    return (folder / "registry.terraform.io" / "hashicorp" / "aws").is_dir()


def find_mirror() -> str | None:
    explicit = os.environ.get("ISSHONI_TF_PLUGIN_MIRROR")
    candidates = [explicit] if explicit else list(MIRROR_CANDIDATES)
    for candidate in candidates:
        folder = Path(candidate).expanduser()
        if _has_aws_provider(folder):
            return str(folder)
    return None


def find() -> Toolchain:
    binary = os.environ.get("ISSHONI_TERRAFORM") or shutil.which("terraform")
    return Toolchain(binary if binary and Path(binary).exists() else None, find_mirror())


def cli_config(mirror: str, folder: Path) -> Path:
    """A Terraform CLI config that installs providers from the mirror only (works offline)."""
    path = folder / "terraformrc"
    path.write_text(
        "provider_installation {\n"
        f"  filesystem_mirror {{\n    path    = \"{mirror}\"\n    include = [\"registry.terraform.io/*/*\"]\n  }}\n"
        "  direct {\n    exclude = [\"registry.terraform.io/*/*\"]\n  }\n}\n",
        encoding="utf-8",
    )
    return path


def environment(config: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env["CHECKPOINT_DISABLE"] = "1"
    env["TF_IN_AUTOMATION"] = "1"
    env["TF_INPUT"] = "0"
    if config is not None:
        env["TF_CLI_CONFIG_FILE"] = str(config)
    return env
