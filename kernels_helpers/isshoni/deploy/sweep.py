"""Leave nothing of a design behind in the sandbox.

moto's delete_stack stops at the first dependency error and forgets the
stack, and a failed create is not rolled back at all.  The sweeper finds
what is left of a design (resources tagged `isshoni:design=<name>`, the
physical ids recorded at deploy time, everything inside the design's VPCs)
and deletes it in dependency order.  It refuses to run against anything but
the sandbox.  `leftovers` is the same search without deleting: destroy uses
it to prove that nothing is left.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from botocore.exceptions import BotoCoreError, ClientError

from ..compiler.expr import render
from ..compiler.names import PREFIX_MAX, physical
from . import sweep_more
from .sweep_listings import BY_KIND, LISTINGS, listed, safe

TAG = "isshoni:design"

# resource type (CloudFormation or Terraform) -> sweep kind
KINDS = {
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "lb", "aws_lb": "lb",
    "AWS::ElasticLoadBalancingV2::TargetGroup": "tg", "aws_lb_target_group": "tg",
    "AWS::ECS::Cluster": "cluster", "aws_ecs_cluster": "cluster",
    "AWS::ECS::Service": "service", "aws_ecs_service": "service",
    "AWS::ECS::TaskDefinition": "taskdef", "aws_ecs_task_definition": "taskdef",
    "AWS::CloudFront::Distribution": "distribution", "aws_cloudfront_distribution": "distribution",
    "AWS::CloudFront::OriginAccessControl": "oac", "aws_cloudfront_origin_access_control": "oac",
    "AWS::CloudWatch::Alarm": "alarm", "aws_cloudwatch_metric_alarm": "alarm",
    "AWS::Logs::LogGroup": "log_group", "aws_cloudwatch_log_group": "log_group",
    "AWS::DynamoDB::Table": "table", "aws_dynamodb_table": "table",
    "AWS::S3::Bucket": "bucket", "aws_s3_bucket": "bucket",
    "AWS::ElastiCache::ReplicationGroup": "cache", "aws_elasticache_replication_group": "cache",
    "AWS::CertificateManager::Certificate": "certificate", "aws_acm_certificate": "certificate",
    "AWS::IAM::Role": "role", "aws_iam_role": "role",
    "AWS::SQS::Queue": "queue", "aws_sqs_queue": "queue",
    "AWS::SNS::Topic": "topic", "aws_sns_topic": "topic",
    "AWS::Lambda::Function": "function", "aws_lambda_function": "function",
    "AWS::EC2::NatGateway": "nat", "aws_nat_gateway": "nat",
    "AWS::EC2::EIP": "eip", "aws_eip": "eip",
    "AWS::EC2::VPCEndpoint": "endpoint", "aws_vpc_endpoint": "endpoint",
    "AWS::EC2::InternetGateway": "igw", "aws_internet_gateway": "igw",
    "AWS::EC2::RouteTable": "route_table", "aws_route_table": "route_table",
    "AWS::EC2::SecurityGroup": "security_group", "aws_security_group": "security_group",
    "AWS::EC2::Subnet": "subnet", "aws_subnet": "subnet",
    "AWS::EC2::VPC": "vpc", "aws_vpc": "vpc",
    "AWS::EC2::Instance": "instance", "aws_instance": "instance",
    "AWS::EC2::LaunchTemplate": "launch_template", "aws_launch_template": "launch_template",
    "AWS::AutoScaling::AutoScalingGroup": "asg", "aws_autoscaling_group": "asg",
    "AWS::IAM::InstanceProfile": "instance_profile", "aws_iam_instance_profile": "instance_profile",
    "AWS::RDS::DBInstance": "db", "aws_db_instance": "db",
    "AWS::RDS::DBSubnetGroup": "db_subnet_group", "aws_db_subnet_group": "db_subnet_group",
    "AWS::Lambda::EventSourceMapping": "esm", "aws_lambda_event_source_mapping": "esm",
    "AWS::Events::Rule": "event_rule", "aws_cloudwatch_event_rule": "event_rule",
    "AWS::ApiGatewayV2::Api": "http_api", "aws_apigatewayv2_api": "http_api",
    **sweep_more.KINDS,
}
# the property holding a resource's physical name, when the design sets one
NAME_PROPS = {
    "AWS::ECS::Cluster": "ClusterName", "aws_ecs_cluster": "name",
    "AWS::ECS::TaskDefinition": "Family", "aws_ecs_task_definition": "family",
    "AWS::DynamoDB::Table": "TableName", "aws_dynamodb_table": "name",
    "AWS::CloudWatch::Alarm": "AlarmName", "aws_cloudwatch_metric_alarm": "alarm_name",
    "AWS::S3::Bucket": "BucketName", "aws_s3_bucket": "bucket",
    "AWS::IAM::Role": "RoleName", "aws_iam_role": "name",
    "AWS::Logs::LogGroup": "LogGroupName", "aws_cloudwatch_log_group": "name",
    "AWS::ElasticLoadBalancingV2::TargetGroup": "Name", "aws_lb_target_group": "name",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "Name", "aws_lb": "name",
    "AWS::ElastiCache::ReplicationGroup": "ReplicationGroupId", "aws_elasticache_replication_group": "replication_group_id",
    "AWS::SQS::Queue": "QueueName", "aws_sqs_queue": "name",
    "AWS::SNS::Topic": "TopicName", "aws_sns_topic": "name",
    "AWS::Lambda::Function": "FunctionName", "aws_lambda_function": "function_name",
    "AWS::EC2::LaunchTemplate": "LaunchTemplateName", "aws_launch_template": "name",
    "AWS::AutoScaling::AutoScalingGroup": "AutoScalingGroupName", "aws_autoscaling_group": "name",
    "AWS::IAM::InstanceProfile": "InstanceProfileName", "aws_iam_instance_profile": "name",
    "AWS::RDS::DBInstance": "DBInstanceIdentifier", "aws_db_instance": "identifier",
    "AWS::RDS::DBSubnetGroup": "DBSubnetGroupName", "aws_db_subnet_group": "name",
    "AWS::Events::Rule": "Name", "aws_cloudwatch_event_rule": "name",
    "AWS::Route53::HostedZone": "Name", "aws_route53_zone": "name",  # moto's CloudFormation neither tags nor deletes zones
}
ORDER = ("service", "lb", "tg", "asg", "instance", "cluster", "taskdef", "distribution", "oac", "alarm", "event_rule", "esm",
         "http_api", "log_group", "table", "bucket", "db", "db_subnet_group", "cache", "certificate", "queue", "topic",
         "function", "instance_profile", "role", "launch_template", *sweep_more.ORDER, "nat", "eip", "endpoint", "eni", "igw",
         "route_table", "security_group", "subnet", "vpc")
LOWERCASE = ("bucket", "db", "db_subnet_group")  # names the sandbox's CloudFormation generates in lower case


class NotSandbox(Exception):
    pass


def names_from(resolved, stack: str = "") -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """What a design's resources are called before any id exists: the names it sets
    (ClusterName, Family, TableName ...) and the prefixes of the names the sandbox's
    CloudFormation generates (`<stack>-<LogicalId>-...`, cut to 19 characters for load
    balancers and target groups).  A failed create leaves no inventory; these find it."""
    names: dict[str, set[str]] = {}
    prefixes: dict[str, set[str]] = {}
    # names start with the stack name (CloudFormation) or var.name_prefix, left at its default (Terraform)
    pseudo = {"cfn": {"name_prefix": stack}, "tf": {"name_prefix": physical(resolved.name, PREFIX_MAX)}}
    # values asked at deploy time, as the sandbox filled them (its domain ...)
    given = {v.name: v.default if v.default is not None else v.sandbox for v in resolved.variables}
    variables = {k: v for k, v in given.items() if isinstance(v, str) and not v.startswith("@")}
    for part in resolved.parts:
        for side, rtype, props in (("cfn", part.cfn_type, part.cfn), ("tf", part.tf_type, part.tf)):
            kind = KINDS.get(rtype)
            value = render((props or {}).get(NAME_PROPS.get(rtype, "")), pseudo[side], variables)
            if kind and isinstance(value, str) and value:
                names.setdefault(kind, set()).add(value)
        kind = KINDS.get(part.cfn_type)
        if kind and stack:
            if kind in ("lb", "tg"):
                prefix = f"{stack}-{part.cfn_name}"[:19].rstrip("-")
            elif kind in LOWERCASE:
                prefix = f"{stack}-{part.cfn_name}-".lower()
            else:
                prefix = f"{stack}-{part.cfn_name}-"
            prefixes.setdefault(kind, set()).add(prefix)
    return names, prefixes


@dataclass
class Finder:
    target: object
    design: str
    inventory: dict = field(default_factory=dict)  # lid -> {"id", "type"}
    stack_prefix: str = ""
    names: dict = field(default_factory=dict)  # kind -> physical names the design sets
    prefixes: dict = field(default_factory=dict)  # kind -> prefixes of names the sandbox generated

    def c(self, service):
        return self.target.client(service)

    def recorded(self, kind: str) -> set[str]:
        ids = {str(v["id"]) for v in self.inventory.values() if v.get("id") and KINDS.get(v.get("type")) == kind}
        return ids | set(self.names.get(kind, ()))

    def named(self, kind: str, name: str) -> bool:
        return name in self.names.get(kind, ()) or any(name.startswith(p) for p in self.prefixes.get(kind, ()))

    def tagged(self, tags) -> bool:
        items = {t.get("Key", t.get("key")): t.get("Value", t.get("value")) for t in (tags or [])}
        return items.get(TAG) == self.design

    def foreign(self, tags) -> bool:
        """Tagged as another design's: never swept, whatever its name."""
        items = {t.get("Key", t.get("key")): t.get("Value", t.get("value")) for t in (tags or [])}
        return TAG in items and items[TAG] != self.design


# ---------------------------------------------------------------- finding


def _vpcs(f: Finder) -> set[str]:
    ec2 = f.c("ec2")
    found = {v["VpcId"] for v in ec2.describe_vpcs(Filters=[{"Name": f"tag:{TAG}", "Values": [f.design]}])["Vpcs"]}
    for vid in f.recorded("vpc"):
        if safe(lambda vid=vid: ec2.describe_vpcs(VpcIds=[vid])["Vpcs"]):
            found.add(vid)
    return found


def _ec2_tagged(f: Finder, call: str, key: str, ident: str, vpc_filter: bool = True) -> set[str]:
    ec2 = f.c("ec2")
    fn = getattr(ec2, call)
    out = {x[ident] for x in fn(Filters=[{"Name": f"tag:{TAG}", "Values": [f.design]}])[key]}
    vpcs = _vpcs(f)
    if vpc_filter and vpcs:
        out |= {x[ident] for x in fn(Filters=[{"Name": "vpc-id", "Values": sorted(vpcs)}])[key]}
    return out


def find(f: Finder) -> dict[str, set[str]]:
    """kind -> ids of what is left of the design."""
    ec2, elb = f.c("ec2"), f.c("elbv2")
    vpcs = _vpcs(f)
    out: dict[str, set[str]] = {k: set() for k in ORDER}
    out["vpc"] = vpcs
    out["subnet"] = _ec2_tagged(f, "describe_subnets", "Subnets", "SubnetId")
    out["security_group"] = {
        g["GroupId"] for g in ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": sorted(vpcs)}])["SecurityGroups"]
        if g["GroupName"] != "default"
    } if vpcs else set()
    out["security_group"] |= {
        g["GroupId"] for g in ec2.describe_security_groups(Filters=[{"Name": f"tag:{TAG}", "Values": [f.design]}])["SecurityGroups"]
    }
    out["route_table"] = {
        t["RouteTableId"] for t in ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": sorted(vpcs)}])["RouteTables"]
        if not any(a.get("Main") for a in t.get("Associations", []))
    } if vpcs else set()
    out["igw"] = {g["InternetGatewayId"] for g in ec2.describe_internet_gateways(Filters=[{"Name": f"tag:{TAG}", "Values": [f.design]}])["InternetGateways"]}
    if vpcs:
        out["igw"] |= {g["InternetGatewayId"] for g in ec2.describe_internet_gateways(
            Filters=[{"Name": "attachment.vpc-id", "Values": sorted(vpcs)}])["InternetGateways"]}
    out["endpoint"] = {e["VpcEndpointId"] for e in ec2.describe_vpc_endpoints(
        Filters=[{"Name": "vpc-id", "Values": sorted(vpcs)}])["VpcEndpoints"] if e.get("State", "").lower() != "deleted"} if vpcs else set()
    nats = ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": sorted(vpcs)}])["NatGateways"] if vpcs else []
    nats += ec2.describe_nat_gateways(Filters=[{"Name": f"tag:{TAG}", "Values": [f.design]}])["NatGateways"]
    out["nat"] = {n["NatGatewayId"] for n in nats if n.get("State") not in ("deleted", "deleting")}
    reservations = ec2.describe_instances(Filters=[{"Name": f"tag:{TAG}", "Values": [f.design]}])["Reservations"]
    if vpcs:
        reservations += ec2.describe_instances(Filters=[{"Name": "vpc-id", "Values": sorted(vpcs)}])["Reservations"]
    out["instance"] = {i["InstanceId"] for r in reservations for i in r["Instances"]
                       if i["State"]["Name"] not in ("terminated", "shutting-down")}
    # moto deletes a VPC that still holds interfaces (a NAT gateway's, a terminated instance's): look in the
    # VPCs recorded at deploy time too, which may be gone already
    out["eni"] = _ec2_tagged(f, "describe_network_interfaces", "NetworkInterfaces", "NetworkInterfaceId")
    gone = sorted(f.recorded("vpc") - vpcs)
    if gone:
        out["eni"] |= {n["NetworkInterfaceId"] for n in ec2.describe_network_interfaces(
            Filters=[{"Name": "vpc-id", "Values": gone}])["NetworkInterfaces"]}
    addresses = ec2.describe_addresses()["Addresses"]
    eip_ids = f.recorded("eip")
    out["eip"] = {a["AllocationId"] for a in addresses if f.tagged(a.get("Tags")) or a.get("AllocationId") in eip_ids or a.get("PublicIp") in eip_ids}
    lbs = elb.describe_load_balancers()["LoadBalancers"]
    tags = _elb_tags(f, [lb["LoadBalancerArn"] for lb in lbs])
    out["lb"] = {lb["LoadBalancerArn"] for lb in lbs if not f.foreign(tags.get(lb["LoadBalancerArn"])) and (
        lb.get("VpcId") in vpcs or f.named("lb", lb["LoadBalancerName"]) or lb["LoadBalancerArn"] in f.recorded("lb")
        or f.tagged(tags.get(lb["LoadBalancerArn"])))}
    tgs = elb.describe_target_groups()["TargetGroups"]
    tags = _elb_tags(f, [t["TargetGroupArn"] for t in tgs])
    out["tg"] = {t["TargetGroupArn"] for t in tgs if not f.foreign(tags.get(t["TargetGroupArn"])) and (
        t.get("VpcId") in vpcs or f.named("tg", t["TargetGroupName"]) or t["TargetGroupArn"] in f.recorded("tg")
        or f.tagged(tags.get(t["TargetGroupArn"])))}
    out.update(_ecs(f))
    out["distribution"], out["oac"] = _cloudfront(f)
    for listing in LISTINGS:
        out[listing.kind] = listed(f, listing)
    out.update(sweep_more.find(f, vpcs))
    return {k: v for k, v in out.items() if v}


def _elb_tags(f: Finder, arns: list[str]) -> dict[str, list]:
    out = {}
    for i in range(0, len(arns), 20):
        for desc in f.c("elbv2").describe_tags(ResourceArns=arns[i : i + 20])["TagDescriptions"]:
            out[desc["ResourceArn"]] = desc.get("Tags", [])
    return out


def _ecs(f: Finder) -> dict[str, set[str]]:
    ecs = f.c("ecs")
    arns = ecs.list_clusters().get("clusterArns", [])
    clusters = set()
    recorded = f.recorded("cluster")
    for cluster in (ecs.describe_clusters(clusters=arns, include=["TAGS"])["clusters"] if arns else []):
        if f.foreign(cluster.get("tags")):
            continue
        if cluster.get("status") == "ACTIVE" and (f.tagged(cluster.get("tags")) or cluster["clusterArn"] in recorded or cluster["clusterName"] in recorded):
            clusters.add(cluster["clusterArn"])
    services = set()
    for cluster in clusters:
        services |= set(ecs.list_services(cluster=cluster).get("serviceArns", []))
    services |= {s for s in f.recorded("service") if safe(lambda s=s: _service_active(ecs, s))}
    taskdefs = set()
    recorded_td = f.recorded("taskdef")
    for arn in ecs.list_task_definitions(status="ACTIVE").get("taskDefinitionArns", []):
        got = safe(lambda arn=arn: ecs.describe_task_definition(taskDefinition=arn, include=["TAGS"]), {})
        family = arn.rsplit("/", 1)[-1].split(":")[0]
        if f.foreign(got.get("tags")):
            continue
        if f.tagged(got.get("tags")) or arn in recorded_td or family in recorded_td:
            taskdefs.add(arn)
    return {"cluster": clusters, "service": services, "taskdef": taskdefs}


def _service_active(ecs, arn: str) -> bool:
    cluster = arn.split("/")[1] if arn.count("/") == 2 else None
    found = ecs.describe_services(cluster=cluster, services=[arn])["services"] if cluster else []
    return bool(found) and found[0].get("status") != "INACTIVE"


def _cloudfront(f: Finder) -> tuple[set[str], set[str]]:
    cf = f.c("cloudfront")
    recorded = f.recorded("distribution")
    dists = set()
    items = (safe(lambda: cf.list_distributions()["DistributionList"], {}) or {}).get("Items", [])
    for dist in items:
        tags = safe(lambda d=dist: cf.list_tags_for_resource(Resource=d["ARN"])["Tags"]["Items"], [])
        if dist["Id"] in recorded or f.tagged(tags):
            dists.add(dist["Id"])
    oacs = {o for o in f.recorded("oac") if safe(lambda o=o: cf.get_origin_access_control(Id=o))}
    return dists, oacs


# ---------------------------------------------------------------- deleting


def _delete(f: Finder, kind: str, ident: str) -> None:
    ec2 = f.c("ec2")
    if sweep_more.delete(f, kind, ident):
        return
    if kind in BY_KIND:
        BY_KIND[kind].delete(f.c(BY_KIND[kind].service), ident)
    elif kind == "service":
        ecs = f.c("ecs")
        cluster = ident.split("/")[1] if ident.count("/") == 2 else None
        safe(lambda: ecs.update_service(cluster=cluster, service=ident, desiredCount=0))
        ecs.delete_service(cluster=cluster, service=ident, force=True)
    elif kind == "lb":
        elb = f.c("elbv2")
        for listener in elb.describe_listeners(LoadBalancerArn=ident).get("Listeners", []):
            elb.delete_listener(ListenerArn=listener["ListenerArn"])
        elb.delete_load_balancer(LoadBalancerArn=ident)
    elif kind == "tg":
        f.c("elbv2").delete_target_group(TargetGroupArn=ident)
    elif kind == "cluster":
        f.c("ecs").delete_cluster(cluster=ident)
    elif kind == "taskdef":
        f.c("ecs").deregister_task_definition(taskDefinition=ident)
    elif kind == "distribution":
        cf = f.c("cloudfront")
        got = cf.get_distribution_config(Id=ident)
        config, etag = got["DistributionConfig"], got["ETag"]
        if config.get("Enabled"):
            config["Enabled"] = False
            etag = cf.update_distribution(Id=ident, IfMatch=etag, DistributionConfig=config)["ETag"]
        cf.delete_distribution(Id=ident, IfMatch=etag)
    elif kind == "oac":
        cf = f.c("cloudfront")
        etag = cf.get_origin_access_control(Id=ident)["ETag"]
        cf.delete_origin_access_control(Id=ident, IfMatch=etag)
    elif kind == "nat":
        ec2.delete_nat_gateway(NatGatewayId=ident)
    elif kind == "eip":
        ec2.release_address(AllocationId=ident)
    elif kind == "endpoint":
        ec2.delete_vpc_endpoints(VpcEndpointIds=[ident])
    elif kind == "instance":
        ec2.terminate_instances(InstanceIds=[ident])
    elif kind == "eni":
        # moto leaves a NAT gateway's interface behind, and a terminated instance's primary one attached
        ec2.delete_network_interface(NetworkInterfaceId=ident)
    elif kind == "igw":
        igw = ec2.describe_internet_gateways(InternetGatewayIds=[ident])["InternetGateways"][0]
        for attachment in igw.get("Attachments", []):
            ec2.detach_internet_gateway(InternetGatewayId=ident, VpcId=attachment["VpcId"])
        ec2.delete_internet_gateway(InternetGatewayId=ident)
    elif kind == "route_table":
        table = ec2.describe_route_tables(RouteTableIds=[ident])["RouteTables"][0]
        for assoc in table.get("Associations", []):
            if not assoc.get("Main"):
                ec2.disassociate_route_table(AssociationId=assoc["RouteTableAssociationId"])
        ec2.delete_route_table(RouteTableId=ident)
    elif kind == "security_group":
        group = ec2.describe_security_groups(GroupIds=[ident])["SecurityGroups"][0]
        if group.get("IpPermissions"):
            ec2.revoke_security_group_ingress(GroupId=ident, IpPermissions=group["IpPermissions"])
        if group.get("IpPermissionsEgress"):
            ec2.revoke_security_group_egress(GroupId=ident, IpPermissions=group["IpPermissionsEgress"])
    elif kind == "subnet":
        ec2.delete_subnet(SubnetId=ident)
    elif kind == "vpc":
        ec2.delete_vpc(VpcId=ident)


def sweep(target, design: str, *, inventory: dict | None = None, stack_prefix: str = "", resolved=None, log=None) -> dict:
    """Delete what is left of `design` in the sandbox; returns {"removed": [...], "failed": [...], "left": {...}}."""
    if not getattr(target, "is_sandbox", False):
        raise NotSandbox("the sweeper only ever runs against the sandbox")
    finder = _finder(target, design, inventory, stack_prefix, resolved)
    removed, failed = [], []
    for _round in range(3):  # dependencies missed in one round are usually gone in the next
        left = find(finder)
        if not left:
            break
        failed = []
        for kind in ORDER:
            for ident in sorted(left.get(kind, ())):
                try:
                    _delete(finder, kind, ident)
                    if kind != "security_group":
                        removed.append(f"{kind} {ident}")
                except (ClientError, BotoCoreError, KeyError, IndexError) as exc:
                    failed.append(f"{kind} {ident}: {exc}")
        # security groups: rules were revoked above (they may reference each other); delete now
        for ident in sorted(left.get("security_group", ())):
            try:
                finder.c("ec2").delete_security_group(GroupId=ident)
                removed.append(f"security_group {ident}")
            except (ClientError, BotoCoreError) as exc:
                failed.append(f"security_group {ident}: {exc}")
        for kind in ("subnet", "vpc"):  # retry after the security groups went
            for ident in sorted(left.get(kind, ())):
                if safe(lambda k=kind, i=ident: _delete(finder, k, i), "failed") != "failed":
                    removed.append(f"{kind} {ident}")
    if log:
        for line in removed:
            log(f"removed {line}")
    leftover = find(finder)
    return {"removed": removed, "failed": failed if leftover else [], "left": {k: sorted(v) for k, v in leftover.items()}}


def leftovers(target, design: str, *, inventory: dict | None = None, stack_prefix: str = "", resolved=None) -> dict[str, list[str]]:
    """What of `design` still exists (read-only)."""
    return {k: sorted(v) for k, v in find(_finder(target, design, inventory, stack_prefix, resolved)).items()}


def _finder(target, design, inventory, stack_prefix, resolved) -> Finder:
    names, prefixes = names_from(resolved, stack_prefix) if resolved is not None else ({}, {})
    return Finder(target, design, dict(inventory or {}), stack_prefix, names, prefixes)
