"""VPCs and subnets for an imported flowchart: from subgraphs whose label says so, completed so
the design deploys (two AZs per tier, an internet gateway, a NAT gateway), every addition said.

Only what the diagram names becomes a container; what is added to complete a VPC is listed in
the report's notes, and a resource that needs a VPC but was drawn outside one is placed in the
diagram's VPC (or a VPC added for it), also said.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...catalog import CATALOG
from ...design import Design

AZS = ("a", "c")  # as the project's standard network (assistant planner, templates)
PUBLIC_TYPES = {"alb", "nlb", "nat_gateway"}  # internet-facing by default: public subnets


@dataclass
class Network:
    design: Design
    notes: list[str]
    vpc_count: int = 0
    subnets: dict[str, list[str]] = field(default_factory=dict)  # vpc id -> subnet ids, in order made
    _next_cidr: dict[str, int] = field(default_factory=dict)
    _default_vpc: str | None = None

    def add_vpc(self, rid: str, label: str, notes: str = "") -> str:
        self.design.add("vpc", rid, label=label, properties={"cidr": f"10.{self.vpc_count}.0.0/16"},
                        notes=notes)
        self.subnets[rid] = []
        self._next_cidr[rid] = 1
        self.vpc_count += 1
        return rid

    def add_subnet(self, rid: str, vpc: str, label: str, tier: str, az: str | None = None, notes: str = "") -> str:
        taken = [self.design.resources[s]["properties"]["az"] for s in self.subnets[vpc]
                 if self.design.resources[s]["properties"]["tier"] == tier]
        az = az or next((z for z in AZS if z not in taken), AZS[len(taken) % len(AZS)])
        octet = self._next_cidr[vpc]
        self._next_cidr[vpc] += 1
        cidr = f"10.{self.design.resources[vpc]['properties']['cidr'].split('.')[1]}.{octet}.0/24"
        self.design.add("subnet", rid, label=label, parent=vpc, properties={"cidr": cidr, "tier": tier, "az": az},
                        notes=notes)
        self.subnets[vpc].append(rid)
        return rid

    def default_vpc(self) -> str:
        """The VPC for a resource drawn outside any: the diagram's only VPC, else one added once."""
        if self._default_vpc is None:
            vpcs = list(self.subnets)
            if vpcs:
                self._default_vpc = vpcs[0]
            else:
                self._default_vpc = self.add_vpc(_free(self.design, "vpc"), "VPC (added)",
                                                 notes="Added by the Mermaid import: resources of the diagram need a VPC.")
                self.notes.append(f"added VPC '{self._default_vpc}': the diagram draws resources that need one outside any VPC")
        return self._default_vpc

    def subnet_for(self, vpc: str, rtype: str) -> str:
        """A subnet of `vpc` of the tier `rtype` belongs in (public for load balancers), added if missing."""
        tier = "public" if rtype in PUBLIC_TYPES else "private"
        for subnet in self.subnets[vpc]:
            if self.design.resources[subnet]["properties"]["tier"] == tier:
                return subnet
        return self._complete_tier(vpc, tier)[0]

    def _complete_tier(self, vpc: str, tier: str) -> list[str]:
        have = [s for s in self.subnets[vpc] if self.design.resources[s]["properties"]["tier"] == tier]
        while len({self.design.resources[s]["properties"]["az"] for s in have}) < len(AZS):
            zones = {self.design.resources[s]["properties"]["az"] for s in have}
            az = next(z for z in AZS if z not in zones)
            rid = self.add_subnet(_free(self.design, f"{vpc}_{tier}_{az}"), vpc, f"{tier.capitalize()} subnet ({az})", tier, az,
                                  notes="Added by the Mermaid import to give this tier two availability zones.")
            have.append(rid)
            self.notes.append(f"added {tier} subnet '{rid}' in VPC '{vpc}' (AZ {az}): load balancers and databases "
                              "need two availability zones")
        return have

    def complete(self) -> None:
        """Every VPC gets public and private subnets in two AZs, an internet gateway and a NAT gateway."""
        for vpc in list(self.subnets):
            public = self._complete_tier(vpc, "public")
            self._complete_tier(vpc, "private")
            inside = [r for r, res in self.design.resources.items() if self._in(r, vpc)]
            if not any(self.design.resources[r]["type"] == "internet_gateway" for r in inside):
                rid = self.design.add("internet_gateway", _free(self.design, f"{vpc}_igw"), label="Internet gateway",
                                      parent=vpc, notes="Added by the Mermaid import: public subnets route through it.")
                self.notes.append(f"added internet gateway '{rid}' to VPC '{vpc}'")
            if not any(self.design.resources[r]["type"] == "nat_gateway" for r in inside):
                rid = self.design.add("nat_gateway", _free(self.design, f"{vpc}_nat"), label="NAT gateway", parent=public[0],
                                      notes="Added by the Mermaid import: private subnets reach the internet through it.")
                self.notes.append(f"added NAT gateway '{rid}' to VPC '{vpc}'")

    def _in(self, rid: str, vpc: str) -> bool:
        seen = set()
        while rid and rid not in seen:
            seen.add(rid)
            if rid == vpc:
                return True
            rid = self.design.resources[rid].get("parent")
        return False


def _free(design: Design, base: str) -> str:
    rid, n = base[:60], 2
    while rid in design.resources or rid in design.connections:
        rid, n = f"{base[:58]}{n}", n + 1
    return rid


def fits(rtype: str, container_type: str) -> bool:
    return container_type in CATALOG[rtype].containers
