"""Blue/green canary: shift weights step by step, check health and alarms, roll back at once.

A step is an ordinary parameter update (CloudFormation parameters, Terraform
variables), so the stack or state always knows the live weights.  A rollback
cannot wait for that: it rewrites the weighted listener rule directly with
one `elbv2.modify_rule` call (one API round trip, 100% to blue), and only then
reconciles the stack/state parameters to the same weights, so the next update
does not undo the rollback.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

from botocore.exceptions import BotoCoreError, ClientError

from ..compiler import expr as e
from ..compiler.model import Resolved

AUTO_STEPS = (10, 50, 90, 100)


@dataclass
class CanaryPlan:
    """Where the canary lives in a resolved design."""

    alb: str
    rule: str
    blue_var: str
    green_var: str
    blue_tg: str
    green_tg: str
    stickiness: dict = field(default_factory=dict)
    alarms: dict[str, str] = field(default_factory=dict)  # part lid -> alarm name

    def to_dict(self) -> dict:
        return asdict(self)


def plans(resolved: Resolved, prefix: str | None = None) -> list[CanaryPlan]:
    """Every weighted blue/green rule (a forward action over two target groups with variable weights).

    Alarm names start with the deployment's name prefix (the stack name, or Terraform's
    name_prefix): without `prefix` they are unknown (None) and the check cannot read them."""
    parts = {p.lid: p for p in resolved.parts}
    out = []
    for part in resolved.parts:
        if part.cfn_type != "AWS::ElasticLoadBalancingV2::ListenerRule" or not part.cfn:
            continue
        for action in part.cfn.get("Actions", []):
            config = action.get("ForwardConfig") or {}
            groups = config.get("TargetGroups") or []
            if len(groups) != 2 or not all(isinstance(g.get("Weight"), e.Var) for g in groups):
                continue
            (blue, green) = groups
            if green["Weight"].name.endswith("blue_weight"):
                blue, green = green, blue
            listener = parts.get(getattr(part.cfn.get("ListenerArn"), "lid", ""))
            alb = getattr((listener.cfn or {}).get("LoadBalancerArn"), "lid", "") if listener else ""
            tgs = {blue["TargetGroupArn"].lid, green["TargetGroupArn"].lid}
            alarms = {}
            for other in resolved.parts:
                if other.cfn_type == "AWS::CloudWatch::Alarm" and other.cfn:
                    refs = {getattr(d.get("Value"), "lid", None) for d in other.cfn.get("Dimensions", [])}
                    if alb in refs or refs & tgs:
                        alarms[other.lid] = e.render(other.cfn.get("AlarmName"), {"name_prefix": prefix}) if prefix else None
            out.append(CanaryPlan(alb, part.lid, blue["Weight"].name, green["Weight"].name, blue["TargetGroupArn"].lid,
                                  green["TargetGroupArn"].lid, dict(config.get("TargetGroupStickinessConfig") or {}), alarms))
    return out


def pick(found: list[CanaryPlan], alb: str | None) -> CanaryPlan:
    if not found:
        raise ValueError("this design has no blue/green canary (connect a load balancer to two services marked blue and green)")
    if alb:
        for plan in found:
            if plan.alb == alb:
                return plan
        raise ValueError(f"no canary on load balancer {alb!r}; canaries: {', '.join(p.alb for p in found)}")
    if len(found) > 1:
        raise ValueError(f"this design has {len(found)} canaries: choose one with --alb ({', '.join(p.alb for p in found)})")
    return found[0]


def weights(green: int) -> tuple[int, int]:
    if green not in range(0, 101):
        raise ValueError(f"green weight must be 0..100, not {green}")
    return 100 - green, green


# ---------------------------------------------------------------- live state


@dataclass
class Live:
    """Physical ids the canary needs, recorded at deploy time (so a rollback needs no lookups)."""

    rule_arn: str
    blue_tg_arn: str
    green_tg_arn: str


def live_weights(elbv2, live: Live) -> dict[str, int]:
    rule = elbv2.describe_rules(RuleArns=[live.rule_arn])["Rules"][0]
    out = {}
    for action in rule.get("Actions", []):
        for group in (action.get("ForwardConfig") or {}).get("TargetGroups", []):
            role = "blue" if group["TargetGroupArn"] == live.blue_tg_arn else "green" if group["TargetGroupArn"] == live.green_tg_arn else group["TargetGroupArn"]
            out[role] = group.get("Weight")
    return out


def rollback_action(plan: CanaryPlan, live: Live) -> list[dict]:
    forward = {"TargetGroups": [{"TargetGroupArn": live.blue_tg_arn, "Weight": 100}, {"TargetGroupArn": live.green_tg_arn, "Weight": 0}]}
    if plan.stickiness:
        forward["TargetGroupStickinessConfig"] = {k: v for k, v in plan.stickiness.items() if not isinstance(v, (e.Var, e.Ref, e.Attr))}
    return [{"Type": "forward", "ForwardConfig": forward}]


def rollback(elbv2, plan: CanaryPlan, live: Live) -> float:
    """100% to blue: exactly one API call. Returns its duration in seconds."""
    started = time.perf_counter()
    elbv2.modify_rule(RuleArn=live.rule_arn, Actions=rollback_action(plan, live))
    return time.perf_counter() - started


# ---------------------------------------------------------------- checks between steps


@dataclass
class CheckResult:
    """`failures`: a check said unhealthy.  `unchecked`: a check that could not be made (no targets
    to ask, an alarm that does not exist or has no data); such a step is not called healthy."""

    notes: list[str]
    failures: list[str]
    unchecked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def verdict(self) -> str:
        return "FAILED" if self.failures else "UNCHECKED" if self.unchecked else "passed"


def check(target, plan: CanaryPlan, live: Live, green: int, *, omitted: dict | None = None) -> CheckResult:
    """Target health of both groups and the design's alarms; ALARM or unhealthy targets fail,
    and what could not be checked is said so (never counted as a pass)."""
    notes, failures, unchecked = [], [], []
    elbv2 = target.client("elbv2")
    for role, arn, weight in (("blue", live.blue_tg_arn, 100 - green), ("green", live.green_tg_arn, green)):
        try:
            health = elbv2.describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]
        except (ClientError, BotoCoreError) as exc:
            failures.append(f"{role} target health: {exc}")
            continue
        states = [h.get("TargetHealth", {}).get("State") for h in health]
        bad = [s for s in states if s in ("unhealthy", "unavailable")]
        healthy = sum(1 for s in states if s == "healthy")
        if bad:
            failures.append(f"{role}: {len(bad)} unhealthy target(s) of {len(states)}")
        elif not states:
            if weight == 0:
                notes.append(f"{role}: no registered targets (and no traffic)")
            elif target.is_sandbox:
                unchecked.append(f"{role}: no registered targets (the sandbox runs no containers): health not checked")
            else:
                failures.append(f"{role}: no registered targets but {weight}% of traffic")
        elif weight > 0 and healthy == 0:
            failures.append(f"{role}: no healthy target ({', '.join(sorted(set(map(str, states))))}) but {weight}% of traffic")
        else:
            notes.append(f"{role}: {healthy}/{len(states)} healthy")
    names = {lid: name for lid, name in plan.alarms.items() if name}
    if names:
        cw = target.client("cloudwatch")
        try:
            found = {a["AlarmName"]: a for a in cw.describe_alarms(AlarmNames=sorted(set(names.values())))["MetricAlarms"]}
        except (ClientError, BotoCoreError) as exc:
            found = {}
            failures.append(f"alarms: {exc}")
        for lid, name in sorted(names.items()):
            alarm = found.get(name)
            if alarm is None:
                if omitted and lid in omitted:
                    unchecked.append(f"alarm {name}: not emulated by the sandbox ({omitted[lid].reason}): not checked")
                else:
                    failures.append(f"alarm {name}: not found")
                continue
            state = alarm.get("StateValue")
            if state == "ALARM":
                failures.append(f"alarm {name} is in ALARM ({alarm.get('StateReason', '')[:120]})")
            elif state == "INSUFFICIENT_DATA":
                why = "the sandbox has no metrics, so alarms never leave INSUFFICIENT_DATA" if target.is_sandbox else "no data yet"
                unchecked.append(f"alarm {name}: INSUFFICIENT_DATA ({why}): not checked")
            elif target.is_sandbox:  # moto creates alarms OK and never evaluates them: OK there is no evidence
                unchecked.append(f"alarm {name}: {state} (the sandbox evaluates no metrics, so its state says nothing): not checked")
            else:
                notes.append(f"alarm {name}: {state}")
    else:
        notes.append("the design has no alarms watching this load balancer")
    return CheckResult(notes, failures, unchecked)
