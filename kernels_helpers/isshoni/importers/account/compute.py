"""Load balancing and compute as CloudFormation resources: ALBs/NLBs, target groups, listeners and
their rules, ECS clusters/services/task definitions, Lambda functions.

ECS answers in camelCase where CloudFormation writes PascalCase (`pascal`); the other APIs already
use CloudFormation's names, so the tables below only pick the fields and rename the few that differ.
"""

from __future__ import annotations

from .scanned import Found, Scan, name_of, pascal, shape, tag_map, tags

LOAD_BALANCER = {"Scheme": "Scheme", "Type": "Type", "SecurityGroups": "SecurityGroups", "IpAddressType": "IpAddressType"}
# load balancer attributes -> AWS's default: one that differs is a setting the design carries
LOAD_BALANCER_ATTRIBUTES = {"idle_timeout.timeout_seconds": "60", "deletion_protection.enabled": "false",
                            "routing.http.drop_invalid_header_fields.enabled": "false", "access_logs.s3.enabled": "false",
                            "access_logs.s3.bucket": "", "access_logs.s3.prefix": "", "routing.http2.enabled": "true",
                            "load_balancing.cross_zone.enabled": "false"}
TARGET_GROUP = {"Protocol": "Protocol", "Port": "Port", "VpcId": "VpcId", "TargetType": "TargetType",
                "HealthCheckPath": "HealthCheckPath", "HealthCheckProtocol": "HealthCheckProtocol",
                "HealthCheckIntervalSeconds": "HealthCheckIntervalSeconds", "Matcher": "Matcher",
                "HealthyThresholdCount": "HealthyThresholdCount", "UnhealthyThresholdCount": "UnhealthyThresholdCount"}
LISTENER = {"LoadBalancerArn": "LoadBalancerArn", "Port": "Port", "Protocol": "Protocol", "SslPolicy": "SslPolicy",
            "Certificates": "Certificates", "DefaultActions": "DefaultActions"}
RULE = {"Priority": "Priority", "Conditions": "Conditions", "Actions": "Actions"}
ECS_SERVICE = {"serviceName": "ServiceName", "clusterArn": "Cluster", "taskDefinition": "TaskDefinition",
               "desiredCount": "DesiredCount", "launchType": "LaunchType", "loadBalancers": "LoadBalancers",
               "networkConfiguration": "NetworkConfiguration", "deploymentConfiguration": "DeploymentConfiguration",
               "platformVersion": "PlatformVersion"}
TASK_DEFINITION = {"family": "Family", "taskRoleArn": "TaskRoleArn", "executionRoleArn": "ExecutionRoleArn",
                   "networkMode": "NetworkMode", "containerDefinitions": "ContainerDefinitions", "cpu": "Cpu",
                   "memory": "Memory", "requiresCompatibilities": "RequiresCompatibilities", "volumes": "Volumes"}
FUNCTION = {"FunctionName": "FunctionName", "Runtime": "Runtime", "Handler": "Handler", "Role": "Role",
            "MemorySize": "MemorySize", "Timeout": "Timeout", "Description": "Description",
            "Architectures": "Architectures", "PackageType": "PackageType"}


def _elb_tags(scan: Scan, arns: list) -> dict:
    out = {}
    for i in range(0, len(arns), 20):  # DescribeTags takes at most 20
        for d in scan.call("elbv2", "describe_tags", ResourceArns=arns[i:i + 20]).get("TagDescriptions", []):
            out[d["ResourceArn"]] = d.get("Tags") or []
    return out


def load_balancers(scan: Scan):
    lbs = scan.pages("elbv2", "describe_load_balancers", "LoadBalancers")
    groups = scan.pages("elbv2", "describe_target_groups", "TargetGroups")
    tagged = _elb_tags(scan, [x["LoadBalancerArn"] for x in lbs] + [g["TargetGroupArn"] for g in groups])
    for lb in lbs:
        arn, raw = lb["LoadBalancerArn"], tagged.get(lb["LoadBalancerArn"], [])
        props = {"Name": lb["LoadBalancerName"], **shape(lb, LOAD_BALANCER), "Tags": tags(raw),
                 "Subnets": list(dict.fromkeys(z["SubnetId"] for z in lb.get("AvailabilityZones") or [] if z.get("SubnetId")))}
        attributes = scan.call("elbv2", "describe_load_balancer_attributes", LoadBalancerArn=arn).get("Attributes") or []
        props["LoadBalancerAttributes"] = [{"Key": a["Key"], "Value": a.get("Value", "")} for a in attributes
                                           if a["Key"] in LOAD_BALANCER_ATTRIBUTES
                                           and str(a.get("Value", "")) != LOAD_BALANCER_ATTRIBUTES[a["Key"]]]
        yield Found("AWS::ElasticLoadBalancingV2::LoadBalancer", props, arn,
                    {"DNSName": lb.get("DNSName"), "LoadBalancerFullName": arn.split(":loadbalancer/")[-1]},
                    name_of(raw, lb["LoadBalancerName"]), arn)
        for listener in scan.pages("elbv2", "describe_listeners", "Listeners", LoadBalancerArn=arn):
            larn = listener["ListenerArn"]
            yield Found("AWS::ElasticLoadBalancingV2::Listener", shape(listener, LISTENER), larn, {},
                        f"{name_of(raw, lb['LoadBalancerName'])}Listener{listener.get('Port', '')}", larn)
            for rule in scan.pages("elbv2", "describe_rules", "Rules", ListenerArn=larn):
                if rule.get("IsDefault"):
                    continue
                props = {"ListenerArn": larn, **shape(rule, RULE)}
                if isinstance(props.get("Priority"), str) and props["Priority"].isdigit():
                    props["Priority"] = int(props["Priority"])
                yield Found("AWS::ElasticLoadBalancingV2::ListenerRule", props, rule["RuleArn"], {},
                            f"{name_of(raw, lb['LoadBalancerName'])}Rule{rule.get('Priority', '')}", rule["RuleArn"])
    for g in groups:
        arn, raw = g["TargetGroupArn"], tagged.get(g["TargetGroupArn"], [])
        props = {"Name": g["TargetGroupName"], **shape(g, TARGET_GROUP), "Tags": tags(raw)}
        yield Found("AWS::ElasticLoadBalancingV2::TargetGroup", props, arn,
                    {"TargetGroupFullName": arn.split(":")[-1], "TargetGroupName": g["TargetGroupName"]},
                    name_of(raw, g["TargetGroupName"]), arn)


def ecs(scan: Scan):
    arns = scan.pages("ecs", "list_clusters", "clusterArns")
    clusters = [c for i in range(0, len(arns), 100) for c in scan.call(
        "ecs", "describe_clusters", clusters=arns[i:i + 100], include=["TAGS"]).get("clusters", [])]
    definitions = set()
    for c in clusters:
        if c.get("status") != "ACTIVE":
            continue
        raw = c.get("tags") or []
        props = {"ClusterName": c["clusterName"], "Tags": tags(pascal(raw))}
        yield Found("AWS::ECS::Cluster", props, c["clusterName"], {"Arn": c["clusterArn"]},
                    name_of(pascal(raw), c["clusterName"]), c["clusterArn"])
        services = scan.pages("ecs", "list_services", "serviceArns", cluster=c["clusterArn"])
        for i in range(0, len(services), 10):
            for s in scan.call("ecs", "describe_services", cluster=c["clusterArn"], services=services[i:i + 10],
                               include=["TAGS"]).get("services", []):
                if s.get("status") == "INACTIVE":
                    continue
                props = {k: pascal(v) if isinstance(v, (dict, list)) else v for k, v in shape(s, ECS_SERVICE).items()}
                props["Tags"] = tags(pascal(s.get("tags") or []))
                definitions.add(s.get("taskDefinition"))
                yield Found("AWS::ECS::Service", props, s["serviceArn"], {"Name": s["serviceName"]},
                            name_of(pascal(s.get("tags") or []), s["serviceName"]), s["serviceArn"])
    for arn in sorted(d for d in definitions if d):
        answer = scan.call("ecs", "describe_task_definition", taskDefinition=arn, include=["TAGS"])
        t = answer.get("taskDefinition") or {}
        props = {k: pascal(v) if isinstance(v, (dict, list)) else v for k, v in shape(t, TASK_DEFINITION).items()}
        props["Tags"] = tags(pascal(answer.get("tags") or []))
        yield Found("AWS::ECS::TaskDefinition", props, arn, {"TaskDefinitionArn": arn},
                    name_of(pascal(answer.get("tags") or []), t.get("family")), arn)
    scan.notes.append("ECS: task definitions are read where a service runs them (older revisions are history, not design)")


def functions(scan: Scan):
    for f in scan.pages("lambda", "list_functions", "Functions"):
        arn = f["FunctionArn"]
        props = shape(f, FUNCTION)
        variables = (f.get("Environment") or {}).get("Variables")
        if variables:
            props["Environment"] = {"Variables": variables}
        vpc = f.get("VpcConfig") or {}
        if vpc.get("SubnetIds"):
            props["VpcConfig"] = {"SubnetIds": vpc["SubnetIds"], "SecurityGroupIds": vpc.get("SecurityGroupIds") or []}
        raw = (scan.optional("lambda", "list_tags", arn, Resource=arn) or {}).get("Tags") or {}
        props["Tags"] = tags(tag_map(raw))
        code = ((scan.optional("lambda", "get_function", arn, FunctionName=arn) or {}).get("Code") or {}).get("ImageUri")
        if code:
            props["Code"] = {"ImageUri": code}
        problem = "" if code else ("its code is a zip package the API does not describe (an import never downloads "
                                   "code): give the design its S3 location or image")
        yield Found("AWS::Lambda::Function", props, f["FunctionName"], {"Arn": arn}, name_of(raw, f["FunctionName"]), arn,
                    problem)
        for m in scan.pages("lambda", "list_event_source_mappings", "EventSourceMappings", FunctionName=arn):
            mp = {"FunctionName": arn, "EventSourceArn": m.get("EventSourceArn"), "BatchSize": m.get("BatchSize")}
            yield Found("AWS::Lambda::EventSourceMapping", {k: v for k, v in mp.items() if v is not None}, m["UUID"], {},
                        f"{name_of(raw, f['FunctionName'])}Events", m["UUID"])


SCANNERS = (("load balancers", load_balancers), ("ECS", ecs), ("Lambda", functions))
__all__ = ["SCANNERS"]
