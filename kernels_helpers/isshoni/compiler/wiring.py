"""What connections mean: each wiring unit turns one kind of connection into
the resources, rules, policies and environment it implies.

A catalog `Link` names its unit.  Units are small functions registered by
name; a unit may record things in `ctx.memo` and finish them in a finisher
when it needs to see all connections at once (listeners, blue/green pairs).
"""

from __future__ import annotations

from collections import defaultdict

from . import expr as e
from .names import tf_identifier
from .resolve import Context

UNITS: dict = {}
FINISHERS: list = []

# Account ids Elastic Load Balancing writes access logs from, for regions that
# predate the log-delivery service principal (AWS docs, "Enable access logs").
ELB_LOG_ACCOUNTS = {
    "us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980",
    "us-west-2": "797873946194", "af-south-1": "098369216593", "ca-central-1": "985666609251",
    "eu-central-1": "054676820928", "eu-west-1": "156460612806", "eu-west-2": "652711504416",
    "eu-south-1": "635631232127", "eu-west-3": "009996457667", "eu-north-1": "897822967062",
    "ap-east-1": "754344448648", "ap-northeast-1": "582318560864", "ap-northeast-2": "600734575887",
    "ap-northeast-3": "383597477331", "ap-southeast-1": "114774131450", "ap-southeast-2": "783225319266",
    "ap-south-1": "718504428378", "me-south-1": "076674570225", "sa-east-1": "507241528517",
}
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"


def unit(name: str):
    def register(fn):
        UNITS[name] = fn
        return fn

    return register


def finisher(fn):
    FINISHERS.append(fn)
    return fn


def wire(ctx: Context, cid: str) -> None:
    conn = ctx.design.connections[cid]
    source, target = conn["source"], conn["target"]
    link = ctx.entry(source).link_to(ctx.type_of(target))
    UNITS[link.wiring](ctx, cid, source, target, ctx.conn_props(cid))


def finish(ctx: Context) -> None:
    for fn in FINISHERS:
        fn(ctx)


# ------------------------------------------------------------------ helpers


def env_name(target: str, suffix: str) -> str:
    return f"{tf_identifier(target).upper()}_{suffix}"


def give_env(ctx: Context, source: str, target: str) -> None:
    """Pass the target's connection settings (catalog `env`) to the source as environment."""
    for suffix, placeholder in sorted(ctx.entry(target).env.items()):
        value = ctx.fill(placeholder, "cfn", target)
        if value is not e.OMIT:
            ctx.env(source, env_name(target, suffix), value)


def sg_ingress(ctx: Context, owner: str, key: str, target_sg, source_sg, port: int, description: str) -> str:
    """An inbound rule on `target_sg` for `port` from members of `source_sg`."""
    return ctx.add_part(
        owner,
        key,
        "AWS::EC2::SecurityGroupIngress",
        {"GroupId": target_sg, "IpProtocol": "tcp", "FromPort": port, "ToPort": port, "SourceSecurityGroupId": source_sg, "Description": description},
        "aws_vpc_security_group_ingress_rule",
        {
            "security_group_id": target_sg,
            "referenced_security_group_id": source_sg,
            "ip_protocol": "tcp",
            "from_port": port,
            "to_port": port,
            "description": description,
        },
    )


def policy_document(statements: list) -> dict:
    return {"Version": "2012-10-17", "Statement": statements}


def role_policy(ctx: Context, owner: str, key: str, role_ref: e.Ref, name: str, statements: list) -> str:
    doc = policy_document(statements)
    return ctx.add_part(
        owner,
        key,
        "AWS::IAM::RolePolicy",
        {"PolicyName": name, "RoleName": role_ref, "PolicyDocument": doc},
        "aws_iam_role_policy",
        {"name": name, "role": e.Ref(role_ref.lid, "id"), "policy": e.JsonEncode(doc)},
    )


def security_group_of(ctx: Context, rid: str):
    key = ctx.entry(rid).security_group
    if key is None or not ctx.has_part(rid, key):
        return None
    return ctx.ref(rid, key)


def role_of(ctx: Context, rid: str):
    key = ctx.entry(rid).role
    if key is None or not ctx.has_part(rid, key):
        return None
    return ctx.ref(rid, key)


def join_target_group(ctx: Context, service: str, tg, port: int, after: str | None = None) -> None:
    """Register an ECS service's container in a target group (with a health-check grace
    period); `after` is the listener or rule the service must wait for."""
    container = ctx.props(service).get("container_name", "app")
    ctx.contribute(
        service,
        "load_balancers",
        {"ContainerName": container, "ContainerPort": port, "TargetGroupArn": tg},
        e.Block({"target_group_arn": tg, "container_name": container, "container_port": port}),
    )
    if not ctx.slots.get((service, "grace_period")):
        ctx.contribute(service, "grace_period", 60, 60)
    if after:
        ctx.depend(service, "", after)  # a service joins a target group only once a listener uses it


def target_port(ctx: Context, target: str, props: dict) -> int:
    return ctx.props(target).get("port") or props.get("port") or ctx.entry(target).port or 80


# ------------------------------------------------------------------ data access


@unit("data_port")
def data_port(ctx: Context, cid, source, target, props):
    """Compute -> database/cache/file system: ingress on its port, endpoint in the environment."""
    port = target_port(ctx, target, props)
    src_sg, tgt_sg = security_group_of(ctx, source), security_group_of(ctx, target)
    if src_sg is not None and tgt_sg is not None:
        sg_ingress(ctx, cid, "ingress", tgt_sg, src_sg, port, f"From {tf_identifier(source)} on {port}")
    give_env(ctx, source, target)


@unit("iam_access")
def iam_access(ctx: Context, cid, source, target, props):
    """Compute -> table/bucket/queue/topic/secret: least-privilege policy and environment."""
    entry = ctx.entry(target)
    level = props.get("access") or "readwrite"
    actions = entry.iam.get(level) or entry.iam.get("readwrite") or []
    role = role_of(ctx, source)
    resources = [ctx.fill(r, "cfn", target) for r in entry.iam_resources]
    resource = resources if len(resources) > 1 else resources[0]
    if ctx.type_of(target) == "ecr_repository" and ctx.has_part(source, "execution_role"):
        # ECS pulls a task's image with the task's *execution* role; only pushing (a build job)
        # is something the code itself does, with its own role
        pull = {"Effect": "Allow", "Action": sorted(entry.iam["read"]), "Resource": resource}
        role_policy(ctx, cid, "pull_policy", ctx.ref(source, "execution_role"), f"{tf_identifier(cid)}-pull", [pull])
        actions = entry.iam["write"] if level in ("write", "readwrite") else ()
    if role is not None and actions:
        statement = {"Effect": "Allow", "Action": sorted(actions), "Resource": resource}
        role_policy(ctx, cid, "policy", role, f"{tf_identifier(cid)}-{level}", [statement])
    give_env(ctx, source, target)


# ------------------------------------------------------------------ load balancers


@unit("lb_target")
def lb_target(ctx: Context, cid, source, target, props):
    ctx.memo.setdefault("lb_targets", defaultdict(list))[source].append((cid, target, props))


@unit("lb_certificate")
def lb_certificate(ctx: Context, cid, source, target, props):
    ctx.memo.setdefault("lb_certs", {})[source] = target


@unit("lb_access_logs")
def lb_access_logs(ctx: Context, cid, source, target, props):
    bucket = ctx.ref(target)
    ctx.contribute(source, "attributes", {"Key": "access_logs.s3.enabled", "Value": "true"}, None)
    ctx.contribute(source, "attributes", {"Key": "access_logs.s3.bucket", "Value": bucket}, None)
    ctx.contribute(source, "access_logs", None, e.Block({"bucket": bucket, "enabled": True}))
    account = ELB_LOG_ACCOUNTS.get(ctx.design.region)
    principal = {"AWS": e.join("arn:", e.Pseudo("partition"), f":iam::{account}:root")} if account else {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}
    statement = {
        "Sid": f"AccessLogs{tf_identifier(source).replace('_', '')}"[:100],
        "Effect": "Allow",
        "Principal": principal,
        "Action": "s3:PutObject",
        "Resource": e.join(ctx.attr(target, "Arn", "arn"), "/AWSLogs/", e.Pseudo("account_id"), "/*"),
    }
    ctx.contribute(target, "policy", statement, statement)
    ctx.memo.setdefault("bucket_policy_users", defaultdict(list))[target].append(source)


TARGET_TYPES = {"ecs_service": "ip", "ec2_instance": "instance", "autoscaling_group": "instance", "lambda_function": "lambda"}


def _target_group(ctx: Context, alb: str, cid: str, target: str, props: dict) -> str:
    kind = TARGET_TYPES[ctx.type_of(target)]
    port = target_port(ctx, target, props)
    vpc = ctx.ancestor(alb, ("vpc",))
    cfn = {"TargetType": kind, "HealthCheckPath": props["health_check_path"], "Tags": ctx.tags(None, "cfn", f"{cid} targets")}
    tf = {"target_type": kind, "tags": ctx.tags(None, "tf", f"{cid} targets")}
    if kind != "lambda":
        cfn.update({"Port": port, "Protocol": "HTTP", "VpcId": ctx.ref(vpc)})
        tf.update({"port": port, "protocol": "HTTP", "vpc_id": ctx.ref(vpc)})
    tf["health_check"] = e.Block({"path": props["health_check_path"], "matcher": "200-399"})
    cfn["Matcher"] = {"HttpCode": "200-399"}
    depends = []
    tg_lid = ctx.new_lid(cid, "targets")
    attach_depends = []
    if kind == "lambda":
        # CFN registers the function inline, so the group waits for the permission; in
        # Terraform the permission names the group (source_arn) and the attachment waits.
        function = ctx.attr(target, "Arn", "arn")
        perm = ctx.add_part(
            cid, "invoke", "AWS::Lambda::Permission",
            {"FunctionName": function, "Action": "lambda:InvokeFunction", "Principal": "elasticloadbalancing.amazonaws.com"},
            None, {},
        )
        attach_depends.append(ctx.add_part(
            cid, "invoke_tf", None, {}, "aws_lambda_permission",
            {"function_name": function, "action": "lambda:InvokeFunction", "principal": "elasticloadbalancing.amazonaws.com", "source_arn": e.Ref(tg_lid, "arn")},
        ))
        cfn["Targets"] = [{"Id": function}]
        depends.append(perm)
    elif kind == "instance" and ctx.type_of(target) == "ec2_instance":
        cfn["Targets"] = [{"Id": ctx.ref(target), "Port": port}]
    ctx.add_part(cid, "targets", "AWS::ElasticLoadBalancingV2::TargetGroup", cfn, "aws_lb_target_group", tf, depends)
    tg = e.Ref(tg_lid, "arn")
    if ctx.type_of(target) in ("ec2_instance", "lambda_function"):
        target_id = ctx.ref(target) if kind == "instance" else ctx.attr(target, "Arn", "arn")
        attach = {"target_group_arn": tg, "target_id": target_id}
        if kind == "instance":
            attach["port"] = port
        ctx.add_part(cid, "attachment", None, {}, "aws_lb_target_group_attachment", attach, attach_depends)
    elif ctx.type_of(target) == "ecs_service":
        join_target_group(ctx, target, tg, port)
    elif ctx.type_of(target) == "autoscaling_group":
        ctx.contribute(target, "target_groups", tg, tg)
    alb_sg, tgt_sg = security_group_of(ctx, alb), security_group_of(ctx, target)
    if alb_sg is not None and tgt_sg is not None:
        sg_ingress(ctx, cid, "ingress", tgt_sg, alb_sg, port, f"From load balancer {tf_identifier(alb)}")
    return tg_lid


def _listener(ctx: Context, alb: str, key: str, port: int, protocol: str, default_action: tuple, certificate=(None, None)) -> str:
    cfn_action, tf_action = default_action
    cfn = {"LoadBalancerArn": ctx.ref(alb), "Port": port, "Protocol": protocol, "DefaultActions": [cfn_action]}
    tf = {"load_balancer_arn": ctx.ref(alb, tf="arn"), "port": port, "protocol": protocol}
    if protocol == "HTTPS":
        cfn["SslPolicy"] = TLS_POLICY
        cfn["Certificates"] = [{"CertificateArn": certificate[0]}]
        tf["ssl_policy"] = TLS_POLICY
        tf["certificate_arn"] = certificate[1]
    tf["default_action"] = e.Block(tf_action)
    tf["tags"] = ctx.tags(alb, "tf")  # (CloudFormation's listener Tags are newer than cfn-lint 1.40, the oldest supported)
    return ctx.add_part(alb, key, "AWS::ElasticLoadBalancingV2::Listener", cfn, "aws_lb_listener", tf)


NOT_FOUND = (
    {"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404", "ContentType": "text/plain", "MessageBody": "Not found"}},
    {"type": "fixed-response", "fixed_response": e.Block({"content_type": "text/plain", "message_body": "Not found", "status_code": "404"})},
)
REDIRECT_HTTPS = (
    {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}},
    {"type": "redirect", "redirect": e.Block({"port": "443", "protocol": "HTTPS", "status_code": "HTTP_301"})},
)


def _rule(ctx: Context, owner: str, listener: str, priority: int, path: str, forward: tuple) -> str:
    cfn_action, tf_action = forward
    return ctx.add_part(
        owner,
        "rule",
        "AWS::ElasticLoadBalancingV2::ListenerRule",
        {
            "ListenerArn": e.Ref(listener),
            "Priority": priority,
            "Conditions": [{"Field": "path-pattern", "PathPatternConfig": {"Values": [path]}}],
            "Actions": [cfn_action],
        },
        "aws_lb_listener_rule",
        {
            "listener_arn": e.Ref(listener, "arn"),
            "priority": priority,
            "action": e.Block(tf_action),
            "condition": e.Block({"path_pattern": e.Block({"values": [path]})}),
            "tags": ctx.tags(None, "tf", f"{owner} rule"),
        },
    )


@finisher
def finish_load_balancers(ctx: Context) -> None:
    """Listeners for every load balancer, then target groups and rules for its connections."""
    targets = ctx.memo.get("lb_targets", {})
    certs = ctx.memo.get("lb_certs", {})
    albs = ctx.of_type("alb")
    canaries = [a for a in albs if _blue_green(targets.get(a, []))]
    for alb in albs:
        props = ctx.props(alb)
        if props["https"]:
            from .wiring_certs import asked_certificate, certificate_arn

            if alb in certs:
                certificate = certificate_arn(ctx, certs[alb], f"HTTPS listener of {alb}")
            else:
                certificate = asked_certificate(ctx, alb, f"the HTTPS listener of {alb}")
            listener = _listener(ctx, alb, "https", 443, "HTTPS", NOT_FOUND, certificate)
            _listener(ctx, alb, "http", 80, "HTTP", REDIRECT_HTTPS)
        else:
            listener = _listener(ctx, alb, "http", 80, "HTTP", NOT_FOUND)
        conns = targets.get(alb, [])
        pair = _blue_green(conns)
        used = {c for c, _, _ in pair} if pair else set()
        auto_priority = 10
        ordered = []
        for cid, target, cprops in conns:
            tg = _target_group(ctx, alb, cid, target, cprops)
            ordered.append((cid, target, cprops, tg))
        for cid, target, cprops, tg in ordered:
            if cid in used:
                continue
            priority = cprops["priority"] or auto_priority
            auto_priority = max(auto_priority, priority) + 10
            rule = _rule(ctx, cid, listener, priority, cprops["path"], ({"Type": "forward", "TargetGroupArn": e.Ref(tg)}, {"type": "forward", "target_group_arn": e.Ref(tg, "arn")}))
            _service_waits_for(ctx, target, rule)
        if pair:
            (blue_cid, blue, bprops), (green_cid, green, gprops) = pair
            tgs = {cid: tg for cid, _, _, tg in ordered}
            prefix = "" if len(canaries) == 1 else f"{tf_identifier(alb)}_"
            green_default = gprops["weight"] or (100 - bprops["weight"] if bprops["weight"] else 10)
            blue_w = ctx.variable(f"{prefix}blue_weight", "integer", 100 - green_default, f"Canary: percent of traffic to blue ({blue})", blue_cid, minimum=0, maximum=100)
            green_w = ctx.variable(f"{prefix}green_weight", "integer", green_default, f"Canary: percent of traffic to green ({green})", green_cid, minimum=0, maximum=100)
            cfn_forward = {
                "Type": "forward",
                "ForwardConfig": {
                    "TargetGroups": [
                        {"TargetGroupArn": e.Ref(tgs[blue_cid]), "Weight": blue_w},
                        {"TargetGroupArn": e.Ref(tgs[green_cid]), "Weight": green_w},
                    ],
                    "TargetGroupStickinessConfig": {"Enabled": False},
                },
            }
            tf_forward = {
                "type": "forward",
                "forward": e.Block(
                    {
                        "target_group": [
                            e.Block({"arn": e.Ref(tgs[blue_cid], "arn"), "weight": blue_w}),
                            e.Block({"arn": e.Ref(tgs[green_cid], "arn"), "weight": green_w}),
                        ],
                        "stickiness": e.Block({"enabled": False, "duration": 1}),
                    }
                ),
            }
            priority = bprops["priority"] or gprops["priority"] or auto_priority
            rule = _rule(ctx, blue_cid, listener, priority, bprops["path"], (cfn_forward, tf_forward))
            ctx.memo.setdefault("canary", []).append(
                {"alb": alb, "blue": blue, "green": green, "rule": rule, "blue_weight": blue_w.name, "green_weight": green_w.name}
            )
            _service_waits_for(ctx, blue, rule)
            _service_waits_for(ctx, green, rule)


def _blue_green(conns):
    blues = [c for c in conns if c[2]["role"] == "blue"]
    greens = [c for c in conns if c[2]["role"] == "green"]
    if blues and greens:
        return blues[0], greens[0]
    return None


def _service_waits_for(ctx: Context, target: str, rule_lid: str) -> None:
    """An ECS service may only join a target group that a listener rule already uses."""
    if ctx.type_of(target) == "ecs_service":
        ctx.depend(target, "", rule_lid)


@finisher
def finish_bucket_policies(ctx: Context) -> None:
    """One policy per bucket, holding every statement connections contributed."""
    for bucket, users in sorted(ctx.memo.get("bucket_policy_users", {}).items()):
        for user in users:
            if ctx.type_of(user) == "alb" and ctx.has_part(bucket, "policy"):
                ctx.depend(user, "", ctx.lid(bucket, "policy"))


# ------------------------------------------------------------------ routing


@unit("subnet_route_table")
def subnet_route_table(ctx: Context, cid, subnet, table, props):
    ctx.memo.setdefault("explicit_routes", {})[subnet] = table
    ctx.add_part(
        subnet,
        "route_association",
        "AWS::EC2::SubnetRouteTableAssociation",
        {"SubnetId": ctx.ref(subnet), "RouteTableId": ctx.ref(table)},
        "aws_route_table_association",
        {"subnet_id": ctx.ref(subnet), "route_table_id": ctx.ref(table)},
    )


def default_route(ctx: Context, owner: str, key: str, table_ref, gateway: str) -> str:
    if ctx.type_of(gateway) == "internet_gateway":
        cfn_target, tf_target = {"GatewayId": ctx.ref(gateway)}, {"gateway_id": ctx.ref(gateway)}
        depends = [ctx.lid(gateway, "attachment")]
    else:
        cfn_target, tf_target = {"NatGatewayId": ctx.ref(gateway)}, {"nat_gateway_id": ctx.ref(gateway)}
        depends = []
    return ctx.add_part(
        owner,
        key,
        "AWS::EC2::Route",
        {"RouteTableId": table_ref, "DestinationCidrBlock": "0.0.0.0/0", **cfn_target},
        "aws_route",
        {"route_table_id": table_ref, "destination_cidr_block": "0.0.0.0/0", **tf_target},
        depends,
    )


@unit("route_to_gateway")
def route_to_gateway(ctx: Context, cid, table, gateway, props):
    default_route(ctx, cid, "route", ctx.ref(table), gateway)


# ------------------------------------------------------------------ containers


@unit("ecs_cluster")
def ecs_cluster(ctx: Context, cid, service, cluster, props):
    ctx.contribute(service, "cluster", ctx.ref(cluster), ctx.ref(cluster))
    ctx.contribute(service, "cluster_name", ctx.ref(cluster), ctx.ref(cluster, tf="name"))


@finisher
def finish_default_cluster(ctx: Context) -> None:
    """Services (and started task definitions) not connected to a cluster share one default cluster for the design."""
    started = ctx.memo.get("run_task_targets", set())  # task definitions other compute starts (RunTask needs a cluster)
    orphans = [r for r in sorted({*ctx.of_type("ecs_service"), *started}) if not ctx.slots.get((r, "cluster"))]
    if not orphans:
        return
    name = ctx.physical_name("cluster")
    setting = {"Name": "containerInsights", "Value": "enabled"}
    lid = ctx.add_part(
        "@design",
        "ecs_cluster",
        "AWS::ECS::Cluster",
        {"ClusterName": name, "ClusterSettings": [setting], "Tags": ctx.tags(None, "cfn", "default cluster")},
        "aws_ecs_cluster",
        {"name": name, "setting": e.Block({"name": "containerInsights", "value": "enabled"}), "tags": ctx.tags(None, "tf", "default cluster")},
        name="default_cluster",
    )
    for service in orphans:
        ctx.contribute(service, "cluster", e.Ref(lid), e.Ref(lid))
        ctx.contribute(service, "cluster_name", e.Ref(lid), e.Ref(lid, "name"))


# Wiring units of the other categories register themselves on import.
from . import (  # noqa: E402,F401
    wiring_calls,
    wiring_capacity,
    wiring_certs,
    wiring_compute,
    wiring_data,
    wiring_deploy,
    wiring_discovery,
    wiring_edge,
    wiring_email,
    wiring_external,
    wiring_messaging,
    wiring_security,
)
