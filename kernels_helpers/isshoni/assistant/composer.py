"""The offline planner composes: a request read for what it needs, built from the catalog and its links.

The words people use are the catalog's own aliases (data in each entry: "Postgres", "load balancer",
"containers", "queue" ...) and a few concepts that are no single service's name (uploads, text messages,
schedules, sign-in: CONCEPTS below).  What is needed is added from the catalog; compute is implied where
something must run (an API, a queue, uploads, a schedule with nothing to run); a network is added for
what lives in one, each resource placed in the tier it belongs to; every pair the catalog links is
connected in the direction it means (entry -> compute -> data, trigger -> compute, alarm -> topic).
The answer says what it assumed and what it could not place.  Templates stay examples, not the answer.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..catalog import CATALOG
from ..design import Design

# types a request's words do not add by themselves (the network is added as a whole, roles and
# logs come with what needs them, "users" are not drawn)
NOT_FROM_WORDS = {"vpc", "subnet", "internet_gateway", "nat_gateway", "route_table", "security_group", "network_acl", "iam_role",
                  "iam_policy", "log_group", "vpc_endpoint", "vpc_flow_log", "vpc_peering", "launch_template", "external",
                  "ssm_parameter", "service_discovery_namespace", "ecs_cluster", "ecs_task_definition", "elastic_ip",
                  "cognito_app_client", "ssm_parameter_path", "github_deploy_role", "kms_key"}
# an alias several types share goes to one of them (the others need their own words)
SHARED = {"database": "rds_instance", "db": "rds_instance", "cache": "elasticache_redis", "stream": "kinesis_stream",
          "firewall": "waf_web_acl", "events": None, "endpoint": None, "rule": "eventbridge_rule",
          "cluster": None, "replica": "rds_read_replica", "namespace": None, "parameter": None, "storage": "s3_bucket",
          "instance": "ec2_instance", "server": "ec2_instance", "table": "dynamodb_table", "notifications": "sns_topic",
          "topic": "sns_topic", "alert": "cloudwatch_alarm", "distribution": "cloudfront_distribution", "logs": None,
          "config": None, "configuration": None, "role": None, "policy": None, "network": "vpc", "auth": "cognito_user_pool"}
# concepts that are no single alias: pattern -> (type, properties)
CONCEPTS = (
    (r"\bcontaineri[sz]ed\b|\bcontainers?\b|\bdocker\b|\bfargate\b", "ecs_service", {}),
    (r"\bserverless\b|\bfunctions?\b|\blambdas?\b", "lambda_function", {}),
    (r"\bvms?\b|\bvirtual machines?\b|\bec2\b", "ec2_instance", {}),
    (r"\bupload(s|ed|ing)?\b|\bfiles?\b|\bimages?\b|\bphotos?\b", "s3_bucket", {}),
    (r"\bworkers?\b|\bin the background\b|\bbackground (jobs?|tasks?|processing)\b|\bprocess(es|ing)?\b|\bresize\b", "lambda_function", {}),
    (r"\bsms\b|\btext messages?\b|\btexts? (me|my|the|us)\b|\bphones?\b", "sns_subscriber", {"protocol": "sms"}),
    (r"\b(e-?mails?|mail)\b(?!.*\b(send|sending|transactional)\b)", "sns_subscriber", {"protocol": "email"}),
    (r"\b(send|sending|transactional)\b.*\be-?mails?\b", "ses_email_identity", {}),
    (r"\balerts?\b|\bnotif(y|ies|ication|ications)\b|\bon-?call\b|\bwhen something (breaks|fails|goes wrong)\b", "sns_topic", {}),
    (r"\bwhen\b.*\b(errors?|fail(s|ures?)?|breaks?|goes wrong|goes down|is down|slow)\b|\bon errors?\b|\berrors? alarm\b|\balarm\b",
     "cloudwatch_alarm", {}),
    (r"\bevery (night|day|hour|morning|week|\d+ (minutes?|hours?))\b|\bnightly\b|\bdaily\b|\bhourly\b|\bcron\b|\bscheduled?\b", "eventbridge_schedule", {}),
    (r"\blog ?in\b|\bsign[- ]?(up|in)\b|\buser accounts?\b", "cognito_user_pool", {}),
    (r"\b(own |custom )?domain( name)?\b", "route53_zone", {}),
    (r"\bhttps\b|\btls\b|\bssl\b", "acm_certificate", {}),
    (r"\bapi\b(?!.*\bwebsocket\b)", "api_gateway_http", {}),
    (r"\bweb ?sites?\b(?=.*\bstatic\b)|\bstatic\b.*\bweb ?sites?\b", "s3_bucket", {}),
    (r"\bstatic\b.*\bweb ?sites?\b|\bweb ?sites?\b.*\bstatic\b", "cloudfront_distribution", {}),
    (r"\bdead[- ]letter\b", "sqs_queue", {"dead_letter": True}),
    (r"\bload[- ]balanc(ed|ing)\b", "alb", {}),
    (r"\bclickstream\b|\bingest\b", "kinesis_stream", {}),
    (r"\bevery api call\b|\baudits?\b", "cloudtrail_trail", {}),
    (r"\bnosql\b|\bkey[- ]value\b", "dynamodb_table", {}),
    (r"\bauto[- ]?scal(ing|ed)\b", "autoscaling_group", {}),
)
# what a part cannot be without (a subscriber subscribes to a topic, a replica copies a database)
REQUIRES = {"sns_subscriber": "sns_topic", "rds_read_replica": "rds_instance", "cognito_app_client": "cognito_user_pool",
            "glue_crawler": "glue_database", "route53_record": "route53_zone"}
NETWORK_WORDS = re.compile(r"\bvpcs?\b|\bsubnets?\b|\bvirtual private cloud\b|\bavailability zones?\b|\bnetwork(ing)?\b", re.I)
# kinds that serve the same need: a template holding one answers a request naming another
FAMILIES = ({"api_gateway_http", "api_gateway_rest"}, {"kinesis_stream", "firehose_stream"}, {"rds_instance", "aurora_cluster"}, {"elasticache_redis", "elasticache_memcached"},
            {"eventbridge_schedule", "eventbridge_rule"})
GENERIC_SERVER = {"server", "instance", "vm", "virtual machine"}
COMPUTE = ("ecs_service", "lambda_function", "ec2_instance", "autoscaling_group", "app_runner_service")
ENTRY = ("alb", "nlb", "api_gateway_http", "api_gateway_rest", "api_gateway_websocket", "cloudfront_distribution")
TRIGGERS = ("sqs_queue", "kinesis_stream", "eventbridge_schedule", "eventbridge_rule", "step_function", "s3_bucket")
PUBLIC = ("alb", "nlb")
NUMBERS = {"two": 2, "2": 2, "three": 3, "3": 3, "four": 4, "4": 4}
SKIP_WIRING = {"external", "service_call", "api_call", "run_task"}


@dataclass
class Need:
    rtype: str
    properties: dict = field(default_factory=dict)
    count: int = 1
    said: str = ""  # the words that asked for it


def _aliases():
    out = []
    for rtype, entry in CATALOG.items():
        if rtype in NOT_FROM_WORDS:
            continue
        for alias in (entry.label, *entry.aliases):
            words, props = (alias, {}) if isinstance(alias, str) else alias
            shared = SHARED.get(words.lower(), rtype)
            if shared != rtype:
                continue
            out.append((words, rtype, dict(props)))
    return sorted(out, key=lambda a: -len(a[0]))  # longest first: "Aurora MySQL" before "MySQL"


def needs(text: str) -> list[Need]:
    """What the request asks for, in the order it says it (longer names win over the words inside them)."""
    found: dict[tuple, Need] = {}
    taken: list[tuple[int, int]] = []
    low = text.lower()
    for words, rtype, props in _aliases():
        for m in re.finditer(r"(?<![a-z0-9])" + re.escape(words.lower()) + r"s?(?![a-z0-9])", low):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            count = NUMBERS.get(low[:m.start()].split()[-1] if low[:m.start()].split() else "", 1)
            key = (rtype, tuple(sorted(props.items())))
            need = found.setdefault(key, Need(rtype, props, 0, words))
            need.count = max(need.count, count)
    for pattern, rtype, props in CONCEPTS:
        m = re.search(pattern, low)
        if m and not any(n.rtype == rtype and (not props or n.properties == props) for n in found.values()):
            found[(rtype, tuple(sorted(props.items())))] = Need(rtype, dict(props), 1, m.group(0))
    for need in found.values():
        need.count = max(need.count, 1)
    if any(n.rtype == "autoscaling_group" for n in found.values()):  # "auto scaling servers": the group is the servers
        found = {k: n for k, n in found.items() if not (n.rtype == "ec2_instance" and n.said.lower() in GENERIC_SERVER)}
    return sorted(found.values(), key=lambda n: low.find(n.said.lower()))


def lacking(text: str, design: Design) -> set[str]:
    """What the request asks for that `design` (a template) has nothing of, not even a kind that serves the same need."""
    counts = Counter(r["type"] for r in design.resources.values())
    for family in FAMILIES:
        total = sum(counts[t] for t in family)
        for t in family:
            counts[t] = total
    return {n.rtype for n in needs(text) if n.rtype != "vpc" and counts[n.rtype] < n.count}  # none, or fewer than asked ("two queues")


def compose(text: str, name: str = "composed", adjust=None) -> tuple[Design, list[str]] | None:
    """A design for the request and what was assumed, or None when the request names nothing to build;
    `adjust(needs) -> needs` applies what the team decided (assistant.room)."""
    from .planner import _network

    wanted = needs(text)
    if adjust is not None:
        wanted = adjust(wanted)
    for n in list(wanted):
        required = REQUIRES.get(n.rtype)
        if required and not any(w.rtype == required for w in wanted):
            wanted.append(Need(required, said=f"(for the {CATALOG[n.rtype].label})"))
    if NETWORK_WORDS.search(text) and not any(w.rtype == "vpc" for w in wanted):
        wanted.append(Need("vpc", said="(the network asked for)"))
    if not wanted:
        return None
    kinds = {n.rtype for n in wanted}
    notes: list[str] = []
    if kinds & {"rds_instance"} and re.search(r"\b(mysql)\b", text, re.I):
        for n in wanted:
            if n.rtype == "rds_instance":
                n.properties.setdefault("engine", "mysql")
    if not kinds & set(COMPUTE) and kinds & {"alb", "nlb"}:
        wanted.append(Need("ecs_service", said="(to serve behind the load balancer)"))
        notes.append("containers (an ECS service) serve behind the load balancer")
    elif not kinds & set(COMPUTE) and kinds & {"api_gateway_http", "api_gateway_rest", "api_gateway_websocket", "sqs_queue",
                                               "kinesis_stream", "eventbridge_schedule", "eventbridge_rule", "step_function"}:
        wanted.append(Need("lambda_function", said="(something must run)"))
        notes.append("a Lambda function runs the work")
    design = Design(name=name)
    inside_network = [n for n in wanted if CATALOG[n.rtype].needs_container] or ("vpc" in kinds and [True])
    if inside_network:
        _network(design)
    ids: dict[str, list[str]] = {}
    for n in [n for n in wanted if n.rtype != "vpc"]:
        entry = CATALOG[n.rtype]
        for i in range(n.count):
            base = re.sub(r"^(elasticache|cloudwatch|cloudfront|api_gateway|eventbridge)_", "", n.rtype)
            rid = design._new_id(base)
            parent = None
            if entry.needs_container or (n.rtype == "lambda_function" and kinds & {"rds_instance", "aurora_cluster", "elasticache_redis",
                                                                                  "opensearch_domain", "efs_file_system"}):
                public = n.rtype in PUBLIC or (n.rtype == "ec2_instance" and re.search(r"\bpublic\b", text, re.I))
                parent = ("public_a" if public else "private_a") if "subnet" in entry.containers else "vpc"
            design.add(n.rtype, rid, label=entry.label if n.count == 1 else f"{entry.label} {i + 1}", parent=parent,
                       properties=dict(n.properties))
            ids.setdefault(n.rtype, []).append(rid)
    _connect(design, ids)
    return design, notes


def _role(rtype: str) -> int:
    """Who points at whom: entry points, then triggers, then compute, then what compute uses."""
    if rtype in ENTRY or rtype in ("route53_record", "cloudwatch_alarm", "cloudwatch_dashboard", "waf_web_acl", "athena_workgroup",
                                   "glue_crawler", "firehose_stream", "cloudtrail_trail", "eventbridge_schedule", "eventbridge_rule"):
        return 0
    if rtype in TRIGGERS or rtype in ("sns_topic",):
        return 1
    if rtype in COMPUTE:
        return 2
    return 3


def _connect(design: Design, ids: dict[str, list[str]]) -> None:
    """Every pair the catalog links, in the direction it means; a trigger is not also written to."""
    rids = [rid for group in ids.values() for rid in group]
    done: set = set()
    for a in rids:
        for b in rids:
            if a == b or (b, a) in done:
                continue
            ta, tb = design.resources[a]["type"], design.resources[b]["type"]
            link = CATALOG[ta].link_to(tb)
            if link is None or link.wiring in SKIP_WIRING:
                continue
            if ta in COMPUTE and tb in TRIGGERS and CATALOG[tb].link_to(ta):  # the queue triggers the worker
                continue
            if _role(ta) > _role(tb) and CATALOG[tb].link_to(ta):
                continue
            design.connect(a, b)
            done.add((a, b))
    for a, b in sorted(done):  # a function new objects run also reads them
        if design.resources[a]["type"] == "s3_bucket" and design.resources[b]["type"] in COMPUTE and CATALOG[design.resources[b]["type"]].link_to("s3_bucket"):
            design.connect(b, a, properties={"access": "read"})


__all__ = ["Need", "compose", "lacking", "needs"]
