"""Load balancers: the ALB, its listeners, listener rules (the canary weights) and target groups."""

from __future__ import annotations

from . import UNKNOWN, Check, NotFound, verifier


def _elb(c: Check):
    return c.client("elbv2")


@verifier("AWS::ElasticLoadBalancingV2::LoadBalancer", "aws_lb")
def load_balancer(c: Check) -> None:
    lbs = _elb(c).describe_load_balancers(LoadBalancerArns=[c.id])["LoadBalancers"]
    if not lbs:
        raise NotFound(c.id)
    lb = lbs[0]
    c.expect_fields(lb, "Type", "Scheme")
    c.expect("Subnets", c.value("Subnets"), [z["SubnetId"] for z in lb.get("AvailabilityZones", [])])
    c.expect("SecurityGroups", c.value("SecurityGroups"), lb.get("SecurityGroups", []))
    wanted = c.value("LoadBalancerAttributes", [])
    if wanted:
        actual = {a["Key"]: a["Value"] for a in _elb(c).describe_load_balancer_attributes(LoadBalancerArn=c.id)["Attributes"]}
        for item in wanted:
            c.expect(f"attribute {item['Key']}", item["Value"], actual.get(item["Key"]))


@verifier("AWS::ElasticLoadBalancingV2::Listener", "aws_lb_listener")
def listener(c: Check) -> None:
    found = _elb(c).describe_listeners(ListenerArns=[c.id])["Listeners"]
    if not found:
        raise NotFound(c.id)
    lis = found[0]
    c.expect_fields(lis, "Port", "Protocol", "SslPolicy")
    certs = c.value("Certificates", [])
    if certs:
        c.expect("Certificates", [x["CertificateArn"] for x in certs], [x["CertificateArn"] for x in lis.get("Certificates", [])])
    actions = c.value("DefaultActions", [])
    c.expect("DefaultActions types", [a["Type"] for a in actions], [a["Type"] for a in lis.get("DefaultActions", [])])


def forward_weights(action: dict) -> list[tuple[str, int]]:
    """(target group ARN, weight) pairs of a forward action, in either of its two shapes."""
    config = action.get("ForwardConfig") or {}
    if config.get("TargetGroups"):
        return [(t["TargetGroupArn"], t.get("Weight", 1)) for t in config["TargetGroups"]]
    if action.get("TargetGroupArn"):
        return [(action["TargetGroupArn"], 1)]
    return []


@verifier("AWS::ElasticLoadBalancingV2::ListenerRule", "aws_lb_listener_rule")
def listener_rule(c: Check) -> None:
    found = _elb(c).describe_rules(RuleArns=[c.id])["Rules"]
    if not found:
        raise NotFound(c.id)
    rule = found[0]
    c.expect_fields(rule, "Priority")
    wanted_paths = [
        v for cond in c.value("Conditions", []) if cond.get("Field") == "path-pattern"
        for v in (cond.get("PathPatternConfig") or {}).get("Values", cond.get("Values", []))
    ]
    actual_paths = [
        v for cond in rule.get("Conditions", []) if cond.get("Field") == "path-pattern"
        for v in (cond.get("PathPatternConfig") or {}).get("Values", cond.get("Values", []))
    ]
    if wanted_paths:
        c.expect("path-pattern", wanted_paths, actual_paths)
    wanted = c.value("Actions", [])
    forwards = [a for a in wanted if a.get("Type") == "forward"]
    actual = [a for a in rule.get("Actions", []) if a.get("Type") == "forward"]
    if forwards:
        if not actual:
            c.report.dropped.append("Actions: no forward action")
            return
        got = dict(forward_weights(actual[0]))
        for want_tg, want_w in forward_weights(forwards[0]):
            name = str(want_tg).rsplit("/", 2)[-2] if isinstance(want_tg, str) and "/" in want_tg else "target group"
            if isinstance(want_tg, str) and want_tg not in got:
                c.report.dropped.append(f"forward to {name}: missing")
                continue
            c.expect(f"weight of {name}", want_w, got.get(want_tg) if isinstance(want_tg, str) else UNKNOWN)


@verifier("AWS::ElasticLoadBalancingV2::TargetGroup", "aws_lb_target_group")
def target_group(c: Check) -> None:
    found = _elb(c).describe_target_groups(TargetGroupArns=[c.id])["TargetGroups"]
    if not found:
        raise NotFound(c.id)
    tg = found[0]
    c.expect_fields(tg, "Port", "Protocol", "TargetType", "HealthCheckPath", "VpcId")
    matcher = c.value("Matcher", UNKNOWN)
    if isinstance(matcher, dict) and "HttpCode" in matcher:
        c.expect("Matcher", matcher["HttpCode"], (tg.get("Matcher") or {}).get("HttpCode"))
