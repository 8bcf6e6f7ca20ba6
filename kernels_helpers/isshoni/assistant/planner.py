"""The offline planner: answers without a model, deterministically.

It recognises the common architectures (keyword rules scored per intent) and
builds them from the shipped templates or from the catalog, and it handles
"add a <service> (for the <thing>)" refinements: the new resource is placed
where the catalog says it belongs (a private subnet for data stores) and
connected from the compute that should use it.  It always says plainly that
it is the offline planner.  Its output is a list of design ops, the same ops
the model's tools produce, so suggest mode, undo and checks work alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import templates
from ..catalog import CATALOG
from ..design import Design
from ..design.ops import apply_ops
from ..design.placement import free_spot
from . import composer, planner_edits, room

NOTICE = "Offline planner (no ANTHROPIC_API_KEY is set, so no model was asked)."
CHOSEN = "Offline planner (chosen in the settings, so no model was asked)."


@dataclass
class Plan:
    text: str
    ops: list[dict] = field(default_factory=list)
    intent: str | None = None


# ---------------------------------------------------------------- whole architectures


def _network(d: Design, prefix: str = "") -> None:
    d.add("vpc", f"{prefix}vpc", label="VPC 10.0.0.0/16", properties={"cidr": "10.0.0.0/16"}, position={"x": 500, "y": 400})
    for i, az in enumerate(("a", "c")):
        d.add("subnet", f"{prefix}public_{az}", label=f"Public subnet ({az})", parent=f"{prefix}vpc",
              properties={"cidr": f"10.0.{i + 1}.0/24", "tier": "public", "az": az}, position={"x": 250 + 500 * i, "y": 150})
        d.add("subnet", f"{prefix}private_{az}", label=f"Private subnet ({az})", parent=f"{prefix}vpc",
              properties={"cidr": f"10.0.{i + 11}.0/24", "tier": "private", "az": az}, position={"x": 250 + 500 * i, "y": 550})
    d.add("internet_gateway", f"{prefix}igw", label="Internet gateway", parent=f"{prefix}vpc", position={"x": 500, "y": -20})
    d.add("nat_gateway", f"{prefix}nat", label="NAT gateway", parent=f"{prefix}public_a", position={"x": 150, "y": 150})


def queue_worker() -> Design:
    d = Design(name="queue_worker")
    d.set_meta(description="A queue of jobs consumed by a Lambda worker that records results in DynamoDB, with a backlog alarm.")
    d.add("sqs_queue", "jobs", label="Jobs queue", properties={"dead_letter": True, "visibility_timeout": 60}, position={"x": 0, "y": 0},
          notes="Failed jobs go to a dead-letter queue after 5 tries.")
    d.add("lambda_function", "worker", label="Worker", properties={"timeout": 50}, position={"x": 250, "y": 0})
    d.add("dynamodb_table", "results", label="Results table", position={"x": 500, "y": 0})
    d.add("cloudwatch_alarm", "backlog", label="Backlog alarm",
          properties={"metric_name": "ApproximateNumberOfMessagesVisible", "statistic": "Maximum", "threshold": 100},
          position={"x": 0, "y": 200})
    d.add("sns_topic", "ops_alerts", label="Ops alerts", properties={"encrypted": False}, position={"x": 250, "y": 200},
          notes="Unencrypted: CloudWatch alarms cannot publish to a topic under the AWS managed key.")
    d.connect("jobs", "worker", id="jobs_trigger_worker", properties={"batch_size": 10})
    d.connect("worker", "results", id="worker_results", properties={"access": "readwrite"})
    d.connect("backlog", "jobs", id="watch_backlog")
    d.connect("backlog", "ops_alerts", id="backlog_notify")
    return d


def data_lake() -> Design:
    d = Design(name="data_lake")
    d.set_meta(description="A data lake: Firehose lands raw events in S3, a Glue crawler catalogs them, Athena queries them.")
    d.add("firehose_stream", "ingest", label="Event ingest", position={"x": 0, "y": 0})
    d.add("s3_bucket", "raw", label="Raw data", position={"x": 250, "y": 0})
    d.add("glue_database", "catalog", label="Lake catalog", position={"x": 500, "y": 0})
    d.add("glue_crawler", "crawler", label="Nightly crawler", position={"x": 375, "y": 200})
    d.add("athena_workgroup", "analysts", label="Analysts", position={"x": 625, "y": 200})
    d.add("s3_bucket", "query_results", label="Query results", position={"x": 750, "y": 0})
    d.connect("ingest", "raw", id="ingest_raw")
    d.connect("crawler", "raw", id="crawl_raw")
    d.connect("crawler", "catalog", id="crawler_catalog")
    d.connect("analysts", "query_results", id="analysts_results")
    return d


@dataclass(frozen=True)
class Intent:
    name: str
    label: str
    patterns: tuple
    build: object  # a template name or a builder function


INTENTS = (
    Intent("chat_canary", "a chat service with a blue/green canary",
           (r"\bchat\b", r"\bcanary\b", r"blue[ /-]?green", r"\bmessag(e|ing) (app|service)", r"real[- ]?time chat"), "chat_canary"),
    Intent("alerting", "an alerting / disaster-notification pipeline",
           (r"\bdisaster", r"\balert", r"\bnotif", r"\bemergenc", r"\bincident", r"\bwarning system", r"\bpag(e|ing) "),
           "disaster_notification"),
    Intent("data_lake", "a data lake",
           (r"data ?lake", r"\banalytics?\b", r"\bathena\b", r"\bglue\b", r"\betl\b", r"\bquery (logs|events|data)", r"\blakehouse"),
           data_lake),
    Intent("queue_worker", "a queue with a background worker",
           (r"\bqueue", r"\bworkers?\b", r"\bbackground (job|task|process)", r"\bjob processing", r"\basync(hronous)? (job|task)s?",
            r"\bsqs\b", r"\bbatch jobs?\b"), queue_worker),
    Intent("serverless_api", "a serverless API",
           (r"\bserverless\b", r"\blambda\b", r"\b(rest|http|json) api\b", r"\bapi gateway\b", r"\bfunctions?\b", r"\bcrud api"),
           "serverless_api"),
    Intent("static_site", "a static website",
           (r"\bstatic\b", r"\blanding page", r"\bblog\b", r"\bportfolio", r"\bsingle[- ]page", r"\bspa\b", r"\bcloudfront\b",
            r"\bdocs? site"), "static_site"),
    Intent("web_app_db", "a web application with a database",
           (r"\bweb ?(app|application|server|site)", r"\bdatabase\b", r"\bpostgres", r"\bmysql\b", r"\brds\b", r"\bwordpress",
            r"\bdjango\b", r"\brails\b", r"\bload balanc", r"\bauto ?scal", r"\bmonolith"), "alb_autoscaling"),
)


def recognise(text: str) -> Intent | None:
    """The intent whose patterns match most (ties go to the one listed first)."""
    low = text.lower()
    best, score = None, 0
    for intent in INTENTS:
        hits = sum(1 for p in intent.patterns if re.search(p, low))
        if hits > score:
            best, score = intent, hits
    return best


def _built(intent: Intent) -> Design:
    return templates.load(intent.build) if isinstance(intent.build, str) else intent.build()


def _ops_from(source: Design, into: Design) -> list[dict]:
    """Ops that add `source`'s resources and connections to `into`, renaming clashing ids
    and placing the new part to the right of what is there."""
    taken = set(into.resources) | set(into.connections)
    clash = taken & (set(source.resources) | set(source.connections))
    prefix = f"{source.name}_" if clash else ""
    rename = {rid: prefix + rid for rid in [*source.resources, *source.connections]}
    shift = max((r.get("position", {}).get("x", 0) for r in into.resources.values()), default=-800) + 800
    ops, done = [], set()

    def add(rid: str) -> None:
        if rid in done:
            return
        done.add(rid)  # before its container: a loop of containers ends here instead of recursing forever
        res = source.resources[rid]
        if res.get("parent") in source.resources:
            add(res["parent"])
        pos = res.get("position") or {"x": 0, "y": 0}
        op = {"op": "add", "type": res["type"], "id": rename[rid], "label": res.get("label", ""),
              "properties": dict(res.get("properties") or {}), "parent": rename.get(res.get("parent")) if res.get("parent") else None,
              "position": {"x": pos.get("x", 0) + shift, "y": pos.get("y", 0)}}
        if res.get("notes"):
            op["notes"] = res["notes"]
        ops.append(op)

    for rid in sorted(source.resources):
        add(rid)
    for cid, conn in sorted(source.connections.items()):
        op = {"op": "connect", "id": rename[cid], "source": rename[conn["source"]], "target": rename[conn["target"]],
              "properties": dict(conn.get("properties") or {})}
        if conn.get("label"):
            op["label"] = conn["label"]
        ops.append(op)
    if not into.resources and source.meta.get("description") and not into.meta.get("description"):
        ops.append({"op": "set_meta", "description": source.meta["description"]})
    return ops


# ---------------------------------------------------------------- "add a <service> for the <thing>"

ADDABLE = (  # phrase -> catalog type (first match wins: more specific phrases first)
    (r"\bses\b|\bsend(ing)? e-?mails?\b", "ses_email_identity"), (r"\bsecure ?string|\bparameter path\b", "ssm_parameter_path"),
    (r"read[- ]replica", "rds_read_replica"), (r"\bredis\b", "elasticache_redis"), (r"\bmemcached\b", "elasticache_memcached"),
    (r"\bcache\b", "elasticache_redis"), (r"\bdead[- ]letter", "sqs_queue"), (r"\bqueue\b", "sqs_queue"),
    (r"\btopic\b", "sns_topic"), (r"\b(bucket|s3)\b", "s3_bucket"), (r"\b(dynamo(db)?|table)\b", "dynamodb_table"),
    (r"\baurora\b", "aurora_cluster"), (r"\b(database|postgres(ql)?|mysql|rds)\b", "rds_instance"),
    (r"\b(cdn|cloudfront)\b", "cloudfront_distribution"), (r"\bwaf\b|\bfirewall\b", "waf_web_acl"),
    (r"\balarm\b", "cloudwatch_alarm"), (r"\bdashboard\b", "cloudwatch_dashboard"), (r"\bsecret\b", "secret"),
    (r"\b(opensearch|elasticsearch|search)\b", "opensearch_domain"), (r"\b(efs|file system)\b", "efs_file_system"),
    (r"\bkms\b|\bencryption key\b", "kms_key"), (r"\b(stream|kinesis)\b", "kinesis_stream"),
)
ADD_VERB = re.compile(r"^\s*(please\s+)?(add|put|include|attach|give (it|us|me)|we need|i need|need|create)\b", re.I)
COMPUTE = ("lambda_function", "ecs_service", "ec2_instance", "autoscaling_group", "app_runner_service", "ecs_task_definition")


def _addable(text: str) -> str | None:
    low = text.lower()
    for pattern, rtype in ADDABLE:
        if re.search(pattern, low):
            return rtype
    return None


SERVING = {"api", "app", "application", "backend", "service", "server", "web", "website"}  # words for "what serves the requests"
ANOTHER = re.compile(r"\b(another|second|new|extra|one more|separate|dedicated)\b", re.I)


def _users(design: Design, rtype: str, text: str) -> list[str]:
    """The compute resources that should use the new resource: those the request names (directly, or
    through what it names, e.g. "the API" -> the function behind the API gateway; a word for what
    serves requests -> the compute behind the load balancer or API), else the only one."""
    can = [rid for rid, r in sorted(design.resources.items()) if r["type"] in COMPUTE and CATALOG[r["type"]].link_to(rtype)]
    after = text.lower().split(" for ", 1)[1] if " for " in text.lower() else ""
    named = planner_edits.words(after)
    if named:
        def mentions(rid: str) -> bool:  # the words planner_edits.mentioned reads a resource by
            return bool(named & planner_edits.called(rid, design.resources[rid]))
        hit = [rid for rid in can if mentions(rid)]
        if not hit:  # the request names something that is not compute: follow its connections
            for rid in [r for r in design.resources if mentions(r)]:
                for c in design.connections.values():
                    if c["source"] == rid and c["target"] in can:
                        hit.append(c["target"])
        if not hit and named & SERVING:  # "the API", "the app": the compute that the entry points send requests to
            fronts = {rid for rid, r in design.resources.items() if r["type"] in FRONTS}
            hit = [c["target"] for c in design.connections.values() if c["source"] in fronts and c["target"] in can]
        if hit:
            return sorted(set(hit))
    return can if len(can) == 1 else []


FRONTS = ("alb", "nlb", "api_gateway_http", "api_gateway_rest", "cloudfront_distribution", "app_runner_service")


def _home(design: Design, entry, users: list[str]) -> str | None:
    """The container a new resource of `entry` goes in: the private subnet its users sit in (their data
    tier), else the first private subnet, else the VPC, when the catalog places it in one."""
    if not entry.needs_container:
        return None
    if "subnet" not in entry.containers:
        return next((rid for rid, r in sorted(design.resources.items()) if r["type"] == "vpc"), None)
    tier = lambda rid: design.resources[rid]["properties"].get("tier", "private")  # noqa: E731
    theirs = [design.resources[u].get("parent") for u in users]
    own = [s for s in theirs if s in design.resources and design.resources[s]["type"] == "subnet" and tier(s) == "private"]
    return own[0] if own else _private_subnet(design)


def _private_subnet(design: Design) -> str | None:
    subnets = sorted(rid for rid, r in design.resources.items() if r["type"] == "subnet")
    private = [s for s in subnets if design.resources[s]["properties"].get("tier") == "private"]
    return (private or subnets or [None])[0]


def _reuse(design: Design, rtype: str, existing: list[str], users: list[str], notice: str) -> Plan:
    """One of the kind is there already: connect who should use it, or ask (nothing is added twice)."""
    label = CATALOG[rtype].label
    if len(existing) > 1:
        named = ", ".join(f"`{rid}`" for rid in existing)
        return Plan(f"{notice} The design already has {len(existing)} of {label} ({named}). Which one should it be? "
                    f"Say \"connect <service> to <one of them>\", or \"add another {label}\".", [], f"ask:{rtype}")
    (rid,) = existing
    linked = {(c["source"], c["target"]) for c in design.connections.values()}
    new = [u for u in users if (u, rid) not in linked]
    ops = [{"op": "connect", "source": u, "target": rid, "id": design._new_id(f"{u}_{rid}")} for u in new]
    where = f" in {design.resources[rid]['parent']}" if design.resources[rid].get("parent") else ""
    if ops:
        said = f"I connected {', '.join(new)} to it"
    elif users:
        said = f"{', '.join(users)} already use{'s' if len(users) == 1 else ''} it: nothing to change"
    else:
        said = "say which service should use it (\"for the <service>\"), or ask for another one"
    return Plan(f"{notice} The design already has {label} `{rid}`{where}, so I reused it instead of adding a second one; "
                f"{said}. (Say \"add another {label}\" for a separate one.)", ops, f"reuse:{rtype}")


def _said(text: str, rtype: str) -> str:
    """The words of `text` that named `rtype` (a generic "database" may become the store the team chose)."""
    low = text.lower()
    for pattern, kind in ADDABLE:
        found = re.search(pattern, low)
        if kind == rtype and found:
            return found.group(0)
    return ""


def _add_one(text: str, design: Design, rtype: str, notice: str, properties: dict | None = None) -> Plan:
    entry = CATALOG[rtype]
    users = _users(design, rtype, text)
    existing = sorted(rid for rid, r in design.resources.items() if r["type"] == rtype)
    if existing and not ANOTHER.search(text):
        return _reuse(design, rtype, existing, users, notice)
    work, ops, notes = design.copy(), [], []
    parent = _home(work, entry, users)
    if entry.needs_container and parent is None:
        net = Design(name="network")
        _network(net)
        ops += _ops_from(net, work)
        notes.append("there was no network, so I added a VPC with public and private subnets in two AZs")
        parent = "private_a" if "subnet" in entry.containers else "vpc"
    rid = work._new_id(re.sub(r"^(elasticache|cloudwatch|cloudfront)_", "", rtype))
    placed = apply_ops(work, ops) if ops else work  # the network just added, to place inside it
    ops.append({"op": "add", "type": rtype, "id": rid, "label": entry.label, "parent": parent,
                "position": free_spot(placed.resources, parent), **({"properties": dict(properties)} if properties else {})})
    # (in free space in its container: nothing else moves)
    for user in users:
        if work.resources[user]["type"] == "lambda_function" and entry.needs_container and not work.resources[user].get("parent"):
            ops.append({"op": "move_into", "id": user, "parent": parent})  # a function reaches a VPC resource from inside the VPC
            notes.append(f"{user} moved into {parent} so it can reach it")
        ops.append({"op": "connect", "source": user, "target": rid, "id": f"{user}_{rid}"})
    who = f" and connected {', '.join(users)} to it" if users else " (connect it to what should use it)"
    where = f" in {parent}" if parent else ""
    extra = f"; {'; '.join(notes)}" if notes else ""
    return Plan(f"{notice} I added {entry.label} `{rid}`{where}{who}{extra}.", ops, f"add:{rtype}")


# ---------------------------------------------------------------- the planner


def _kinds(text: str) -> tuple[str, ...]:
    """The catalog types the words of `text` name ("the database", "the Redis")."""
    low = text.lower()
    return tuple(rtype for pattern, rtype in ADDABLE if re.search(pattern, low))


def plan(text: str, design: Design, notice: str = NOTICE, chat: list[dict] | None = None) -> Plan:
    """The planner's answer to `text` for `design` (not applied: ops and a sentence), following what the
    team decided in the recent `chat` and the nodes' notes (assistant.room) where the request leaves room."""
    edited = planner_edits.edit(text, design, notice, _kinds)
    if edited is not None:
        return Plan(*edited)
    found = room.decisions(chat or [], {rid: r.get("notes", "") for rid, r in design.resources.items()})
    used: list = []

    def adjust(wanted: list) -> list:
        out, changed = room.apply(wanted, found, text)
        used[:] = changed
        return out

    rtype = _addable(text)
    if rtype and ADD_VERB.search(text) and design.resources:
        (need,) = adjust([composer.Need(rtype, said=_said(text, rtype))])
        answer = _add_one(text, design, need.rtype, notice, need.properties)
        answer.text += room.cited(used)
        return answer
    intent = recognise(text)
    if intent is not None and (composer.lacking(text, _built(intent)) or room.apply(composer.needs(text), found, text)[1]):
        intent = None  # the template lacks what was asked for, or the team decided otherwise: compose instead
    if intent is None:
        composed = composer.compose(text, "composed", adjust)
        if composed is not None and (not rtype or len(composed[0].resources) > 1):
            built, notes = composed
            read = ", ".join(sorted({CATALOG[r["type"]].label for r in built.resources.values()
                                     if r["type"] not in ("vpc", "subnet", "internet_gateway", "nat_gateway")}))
            assumed = f" I assumed: {'; '.join(notes)}." if notes else ""
            return Plan(f"{notice} I composed it from the catalog: {read}, each connected to what it uses and placed in its "
                        f"tier ({len(built.resources)} resources, {len(built.connections)} connections).{assumed}{room.cited(used)}",
                        _ops_from(built, design), "composed")
        if rtype:
            return _add_one(text, design, rtype, notice)
        known = "; ".join(i.label for i in INTENTS)
        return Plan(f"{notice} I could not match this to a design I know how to build ({known}), nor to "
                    "\"add a <service> for the <thing>\". Rephrase, or set ANTHROPIC_API_KEY for the full assistant.")
    built = _built(intent)
    ops = _ops_from(built, design)
    source = f"the `{intent.build}` template" if isinstance(intent.build, str) else "the catalog"
    counts = f"{len(built.resources)} resources and {len(built.connections)} connections"
    return Plan(f"{notice} This reads as {intent.label}; I built it from {source}: {counts}. "
                f"{built.meta.get('description', '')}".strip(), ops, intent.name)
