"""Shared test helpers: designs that hold every catalog type, and real validation."""

from __future__ import annotations

from isshoni import Design
from isshoni.catalog import CATALOG
from isshoni.checks import cfnlint_check, terraform_check
from isshoni.compiler import resolve


def network(design: Design, vpc: str = "vpc") -> None:
    """A VPC with two public and two private subnets in two AZs, an IGW and a NAT."""
    design.add("vpc", vpc, properties={"cidr": "10.0.0.0/16"})
    design.add("subnet", "public_a", parent=vpc, properties={"cidr": "10.0.1.0/24", "tier": "public", "az": "a"})
    design.add("subnet", "public_c", parent=vpc, properties={"cidr": "10.0.2.0/24", "tier": "public", "az": "c"})
    design.add("subnet", "private_a", parent=vpc, properties={"cidr": "10.0.11.0/24", "tier": "private", "az": "a"})
    design.add("subnet", "private_c", parent=vpc, properties={"cidr": "10.0.12.0/24", "tier": "private", "az": "c"})
    design.add("internet_gateway", "igw", parent=vpc)
    design.add("nat_gateway", "nat", parent="public_a")


PUBLIC_TYPES = {"alb", "nlb", "nat_gateway"}


def place(entry) -> str | None:
    """Where a sample of this type goes in `network()`."""
    if not entry.needs_container and not entry.containers:
        return None
    if "subnet" in entry.containers:
        return "public_a" if entry.type in PUBLIC_TYPES else "private_a"
    if "vpc" in entry.containers:
        return "vpc"
    return None


def every_type(region: str = "us-east-1", types=None) -> Design:
    """A design holding one resource of each catalog type (besides the network itself)."""
    design = Design(name="every-type", region=region)
    network(design)
    for name, entry in CATALOG.items():
        if types is not None and name not in types:
            continue
        if name in ("vpc", "subnet", "internet_gateway", "nat_gateway"):
            continue
        design.add(name, f"sample_{name}", parent=place(entry) if entry.needs_container else None)
    return design


def lint_errors(design: Design) -> list:
    return [f for f in cfnlint_check.run(resolve(design)) if f.severity == "error"]


def terraform_errors(design: Design) -> list:
    return [f for f in terraform_check.validate(resolve(design)) if f.severity in ("error", "warning")]
