"""The catalog's own rules about a design's graph, each a small unit with an id.

Like cfn-lint's rules: `@rule("ISS001", severity)` registers a function that
yields (resource id, message) pairs.  They read the design, not the output,
so they can explain problems in the terms the person drew them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from ..design.model import Design
from .finding import Finding

TOOL = "isshoni"
RULES: list = []
DATABASES = ("rds_instance", "rds_read_replica", "aurora_cluster", "elasticache_redis", "elasticache_memcached", "opensearch_domain", "efs_file_system")
DATA_PORTS = {3306, 5432, 1433, 1521, 6379, 11211, 27017, 9200, 2049}
COMPUTE = ("ecs_service", "ec2_instance", "autoscaling_group", "lambda_function", "app_runner_service", "ecs_task_definition")


def rule(rule_id: str, severity: str, title: str):
    def register(fn):
        fn.rule_id, fn.severity, fn.title = rule_id, severity, title
        RULES.append(fn)
        return fn

    return register


def _props(design: Design, rid: str) -> dict:
    from ..catalog import CATALOG

    res = design.resources[rid]
    entry = CATALOG.get(res["type"])
    return {**(entry.defaults() if entry else {}), **res.get("properties", {})}


def _of_type(design: Design, *types: str) -> list[str]:
    return sorted(r for r, v in design.resources.items() if v["type"] in types)


def _subnet_of(design: Design, rid: str) -> str | None:
    for anc in design.ancestors(rid):
        if design.resources[anc]["type"] == "subnet":
            return anc
    return None


def _vpc_of(design: Design, rid: str) -> str | None:
    for anc in design.ancestors(rid):
        if design.resources[anc]["type"] == "vpc":
            return anc
    return None


def _targets(design: Design, rid: str, *types: str) -> list[str]:
    return sorted(
        c["target"] for c in design.connections.values() if c["source"] == rid and design.resources[c["target"]]["type"] in types
    )


def _sources(design: Design, rid: str, *types: str) -> list[str]:
    return sorted(
        c["source"] for c in design.connections.values() if c["target"] == rid and (not types or design.resources[c["source"]]["type"] in types)
    )


@rule("ISS001", "error", "Database in a public subnet")
def database_in_public_subnet(design: Design) -> Iterator[tuple[str, str]]:
    for rid in _of_type(design, *DATABASES):
        subnet = _subnet_of(design, rid)
        if subnet and _props(design, subnet).get("tier") == "public":
            yield rid, f"{rid} sits in public subnet {subnet!r}; databases and caches belong in private subnets"


@rule("ISS002", "error", "Data port open to the world")
def data_port_open_to_world(design: Design) -> Iterator[tuple[str, str]]:
    for rid in _of_type(design, "security_group"):
        props = _props(design, rid)
        cidr = str(props.get("cidr", ""))
        try:
            open_world = ipaddress.ip_network(cidr, strict=False).prefixlen == 0
        except ValueError:
            open_world = False
        if open_world and props.get("port") in DATA_PORTS:
            yield rid, f"{rid} opens data port {props['port']} to {cidr}; allow only the security groups that need it"


@rule("ISS003", "warning", "Load balancer without targets")
def load_balancer_without_targets(design: Design) -> Iterator[tuple[str, str]]:
    for rid in _of_type(design, "alb", "nlb"):
        if not _targets(design, rid, *COMPUTE):
            yield rid, f"{rid} has no targets: connect it to a service, instance, group or function"


@rule("ISS004", "error", "Load balancer needs two availability zones")
def load_balancer_two_azs(design: Design) -> Iterator[tuple[str, str]]:
    for rid in _of_type(design, "alb"):
        subnet = _subnet_of(design, rid)
        vpc = _vpc_of(design, rid)
        if vpc is None:
            continue
        tier = _props(design, subnet).get("tier") if subnet else ("internal" == _props(design, rid).get("scheme") and "private" or "public")
        zones = {
            _props(design, s).get("az")
            for s in _of_type(design, "subnet")
            if _vpc_of(design, s) == vpc and _props(design, s).get("tier") == tier
        }
        if len(zones) < 2:
            yield rid, f"{rid} needs {tier} subnets in at least two availability zones (found {len(zones)})"


@rule("ISS005", "warning", "HTTPS without a certificate")
def https_without_certificate(design: Design) -> Iterator[tuple[str, str]]:
    for rid in _of_type(design, "alb"):
        if _props(design, rid).get("https") and not _targets(design, rid, "acm_certificate"):
            yield rid, f"{rid} serves HTTPS but no certificate is connected; the deploy will ask for certificate_arn"


@rule("ISS006", "error", "Redis failover needs a replica")
def redis_failover_needs_replica(design: Design) -> Iterator[tuple[str, str]]:
    for rid in _of_type(design, "elasticache_redis"):
        props = _props(design, rid)
        if props.get("automatic_failover") and props.get("nodes", 1) < 2:
            yield rid, f"{rid} enables automatic failover with {props.get('nodes')} node; add a replica (nodes >= 2) or turn failover off"


@rule("ISS007", "warning", "Public subnet without internet gateway")
def public_subnet_without_igw(design: Design) -> Iterator[tuple[str, str]]:
    for rid in _of_type(design, "subnet"):
        if _props(design, rid).get("tier") != "public":
            continue
        vpc = _vpc_of(design, rid)
        if vpc and not [g for g in _of_type(design, "internet_gateway") if _vpc_of(design, g) == vpc]:
            yield rid, f"public subnet {rid} has no route to the internet: add an internet gateway to VPC {vpc!r}"


@rule("ISS008", "warning", "Private compute without a way out")
def private_compute_without_nat(design: Design) -> Iterator[tuple[str, str]]:
    for rid in _of_type(design, "ecs_service", "ecs_task_definition"):
        subnet = _subnet_of(design, rid)
        vpc = _vpc_of(design, rid)
        if not subnet or not vpc or _props(design, subnet).get("tier") != "private":
            continue
        if not [n for n in _of_type(design, "nat_gateway") if _vpc_of(design, n) == vpc]:
            yield rid, f"{rid} runs in private subnets without a NAT gateway: tasks cannot pull images from public registries"


@rule("ISS009", "warning", "Blue/green needs both colours")
def blue_green_pairs(design: Design) -> Iterator[tuple[str, str]]:
    for rid in _of_type(design, "alb"):
        roles = [
            (cid, c.get("properties", {}).get("role", ""))
            for cid, c in sorted(design.connections.items())
            if c["source"] == rid and c.get("properties", {}).get("role")
        ]
        colours = {r for _, r in roles}
        if roles and colours != {"blue", "green"}:
            missing = ({"blue", "green"} - colours).pop()
            yield rid, f"{rid} has a canary connection but no {missing} one; mark one target blue and one green"


@rule("ISS010", "warning", "Data store nobody uses")
def unused_data_store(design: Design) -> Iterator[tuple[str, str]]:
    for rid in _of_type(design, *DATABASES):
        if not _sources(design, rid) and not design.connections_of(rid):
            yield rid, f"{rid} is not connected to any compute; nothing will be allowed to reach it"


@rule("ISS011", "info", "Region availability not checked")
def region_not_checked(design: Design) -> Iterator[tuple[str | None, str]]:
    """The validator refuses types AWS does not offer in the region only when it knows the
    region's list; when it does not, say so rather than let silence read as a pass."""
    from ..design.regions import availability

    known = availability(design.region)
    if known.types is None:
        yield None, f"not checked whether AWS offers every resource type in {design.region}: {known.reason}"


@rule("ISS019", "warning", "Generic resource not in the Terraform module")
def generic_without_terraform(design: Design) -> Iterator[tuple[str, str]]:
    """A generic resource whose type has no Terraform counterpart (or that refers to one) is in
    the CloudFormation template only; main.tf names it in a comment too."""
    if not any(r["type"].startswith("cfn:") for r in design.resources.values()):
        return
    from ..generic.entry import terraform_gaps

    for rid, why in sorted(terraform_gaps(design.data).items()):
        yield rid, f"{rid} is left out of the Terraform module: {why}"


def run(design: Design) -> list[Finding]:
    findings = []
    for fn in RULES:
        for rid, message in fn(design):
            findings.append(Finding(fn.severity, TOOL, fn.rule_id, message, rid))
    return findings
