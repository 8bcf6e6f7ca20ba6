"""Import a live account (issue 15, item 4): chat_canary deployed to a real moto sandbox with the
CloudFormation engine, the sandbox's region scanned with read-only calls, and the design compared
with the template that was deployed (read back from the stack): the same resource types, the same
containers (the VPC or subnets each resource sits in) and the same connections (references between
resources), except where moto does not emulate a part, each exception with its reason."""

from __future__ import annotations

import json
import time
from collections import Counter
from types import SimpleNamespace

import pytest
from botocore.exceptions import ClientError

from isshoni.deploy import runner, targets
from isshoni.deploy.engines.cloudformation import stack_name
from isshoni.design import Design
from isshoni.importers import NotImportable
from isshoni.importers.account import STEPS, read_account
from isshoni.importers.account.readonly import Clients, WriteRefused, check_operation
from isshoni.importers.dispatch import import_account
from isshoni.importers.lift.values import references
from sandbox import cli, client, design_copy, running_sandbox, snapshot

REGION = "ap-northeast-2"
CONTAINER_KEYS = ("VpcId", "SubnetId", "SubnetIds", "Subnets")

# Template types the scan cannot find in the sandbox, and why (the count the design holds instead).
NOT_FOUND = {
    "AWS::EC2::SubnetRouteTableAssociation": (0, "moto's DescribeRouteTables does not list the associations its "
                                                 "CloudFormation made"),
    "AWS::IAM::Role": (1, "only roles in use are read, and moto's ECS drops a task definition's TaskRoleArn and "
                          "ExecutionRoleArn (the flow log's role is found)"),
    "AWS::Route53::RecordSet": (0, "moto's CloudFormation stores the alias target's HostedZoneId as the text of its "
                                   "Fn::GetAtt: the record is found and reported as not understood"),
}
# Resources whose connections (or containers) the sandbox's answers lose: moto keeps less than it was given.
LOST_FROM = {
    "Alb": "moto's CloudFormation does not set LoadBalancerAttributes (the access-log bucket, the idle timeout)",
    "Blue": "moto's DescribeServices drops LoadBalancers and NetworkConfiguration (target group, subnets, security group)",
    "Green": "as Blue",
    "BlueTask": "moto's ECS drops the task and execution roles and the log configuration's group reference",
    "GreenTask": "as BlueTask",
    "ChatRecord": "not understood (see NOT_FOUND)",
    "FlowLogsRole": "its policy names the log group by ARN with `:*`, a part of the group: kept as text",
}


@pytest.fixture(scope="module")
def account(tmp_path_factory):
    folder = tmp_path_factory.mktemp("account")
    with running_sandbox(folder / "state") as sb:
        path = design_copy(folder, "chat_canary")
        job = runner.deploy(path, engine="cloudformation")
        assert job.state == "succeeded", job.error
        body = client(sb, "cloudformation", REGION).get_template(StackName=stack_name(Design.load(path).name))["TemplateBody"]
        template = json.loads(body) if isinstance(body, str) else body
        before = snapshot(sb, REGION)
        seen = []
        started = time.perf_counter()
        imported = import_account(REGION, "sandbox", progress=lambda *step: seen.append(step))
        seconds = time.perf_counter() - started
        print(f"\nscan of the sandbox after deploying chat_canary: {seconds:.2f} s, {imported.report.total} resources "
              f"({imported.report.counts()})")
        yield SimpleNamespace(sb=sb, folder=folder, template=template["Resources"], imported=imported, before=before,
                              progress=seen)


def _source_types(imported, folded: bool = True) -> dict:
    """Design id -> source type of each node, and (`folded`) source id -> type of each resource folded into a
    typed node (a part its catalog entry makes: an internet gateway's attachment)."""
    types = {e.design_id: e.source_type for bucket in ("typed", "generic") for e in getattr(imported.report, bucket)}
    return {**types, **{e.source_id: e.source_type for e in imported.report.folded}} if folded else types


def _walk_refs(value, found_in, keys=None, key=None) -> set:
    """The references `found_in` reads off each dict that is one (only under `keys` when given)."""
    found = set()
    if isinstance(value, dict):
        here = found_in(value)
        if here is not None:
            return here if keys is None or key in keys else set()
        for k, v in value.items():
            found |= _walk_refs(v, found_in, keys, k if keys is not None and k in keys else key)
    elif isinstance(value, list):
        for v in value:
            found |= _walk_refs(v, found_in, keys, key)
    return found


def _refs(value, keys=None, key=None) -> set:
    """Design references in a value (only under `keys` when given)."""
    return _walk_refs(value, lambda d: {d["ref"]} if isinstance(d.get("ref"), str) and set(d) <= {"ref", "attribute"}
                      else None, keys, key)


def _cfn_refs(value, keys=None, key=None) -> set:
    """CloudFormation references (Ref, Fn::GetAtt, Fn::Sub) in a value (only under `keys` when given)."""
    return _walk_refs(value, lambda d: references(d) if set(d) & {"Ref", "Fn::GetAtt", "Fn::Sub"} else None, keys, key)


def _template_view(resources: dict):
    edges = {(lid, t) for lid, r in resources.items() for t in _cfn_refs(r.get("Properties") or {}) & resources.keys()}
    containers = {lid: _cfn_refs(r.get("Properties") or {}, CONTAINER_KEYS) & resources.keys() for lid, r in resources.items()}
    return edges, containers


def _design_view(design: Design):
    edges, containers = set(), {}
    for rid, node in design.resources.items():
        parent = {node["parent"]} if node.get("parent") else set()
        edges |= {(rid, t) for t in _refs(node.get("properties") or {}) | parent}
        containers[rid] = parent or _refs(node.get("properties") or {}, CONTAINER_KEYS)
    for c in design.connections.values():
        edges.add((c["source"], c["target"]))
    return edges, containers


def test_the_account_gives_back_the_deployed_designs_types_containers_and_connections(account):
    imported, template = account.imported, account.template
    types = _source_types(imported)
    design = imported.design
    # types: every type of the deployed template, as many of each, except what moto does not show
    expected = Counter(r["Type"] for r in template.values())
    for kind, (count, _why) in NOT_FOUND.items():
        expected[kind] = count
    assert Counter(types.values()) == +expected
    assert [(e.source_type, e.reason) for e in imported.report.not_understood] == [
        ("AWS::Route53::RecordSet", imported.report.not_understood[0].reason)]
    assert "Fn::GetAtt" in imported.report.not_understood[0].reason
    # ids: a resource the stack made is named by its logical id
    named = set(design.resources) & set(template)
    assert all(types[i] == template[i]["Type"] for i in named)
    # a name the stack generated is left out (the template did not say it); one the template gave is kept
    assert "GroupName" not in design.resources["AlbSg"]["properties"] and "Name" not in design.resources["Alb"]["properties"]
    assert design.resources["Cluster"]["properties"]["ClusterName"] == "isshoni-chat-canary-cluster"
    unnamed = sorted(set(design.resources) - named)
    assert {types[i] for i in unnamed} <= {"AWS::EC2::Route", "AWS::EC2::SecurityGroupIngress"}, unnamed

    t_edges, t_containers = _template_view(template)
    # a resource folded into a typed node (the gateway's attachment into the gateway) refers as that node
    # (the scan names a part the stack does not list by its physical ids: it is the template's resource of that
    # type that refers to the node)
    owner = {lid: e.design_id for e in imported.report.folded if e.design_id for lid, r in template.items()
             if r["Type"] == e.source_type and e.design_id in _cfn_refs(r.get("Properties") or {})}
    t_edges = {(owner.get(a, a), owner.get(b, b)) for a, b in t_edges if owner.get(a, a) != owner.get(b, b)}
    d_edges, d_containers = _design_view(design)
    # containers: each resource sits in the same VPC or subnets as in the template
    same = [i for i in named if t_containers[i] and i not in LOST_FROM]
    assert {i: d_containers[i] for i in same} == {i: t_containers[i] for i in same}
    # connections between resources both sides name: the same, except what moto loses (each listed)
    t_named = {(a, b) for a, b in t_edges if a in named and b in named}
    d_named = {(a, b) for a, b in d_edges if a in named and b in named}
    # a connection may stand for a resource folded into it (a route: route table -> gateway), linking two
    # named resources that resource referred to
    refs_of = {lid: _cfn_refs(r.get("Properties") or {}) for lid, r in template.items()}
    linked = {(a, b) for refs in refs_of.values() for a in refs for b in refs if a != b}
    assert d_named <= t_named | linked, sorted(d_named - t_named - linked)  # nothing invented
    missing = t_named - d_named
    assert {a for a, _ in missing} <= set(LOST_FROM), sorted(missing)
    # the parts CloudFormation has as separate resources (routes, ingress rules) connect the same kinds of things
    kinds = lambda edges, where: Counter((where[a], where[b]) for a, b in edges if a in where and b in where  # noqa: E731
                                         and where[a] in ("AWS::EC2::Route", "AWS::EC2::SecurityGroupIngress"))
    # (less the routes that became a connection between the two things they link)
    as_connections = {lid for lid, r in template.items() if r["Type"] == "AWS::EC2::Route"
                      and any((a, b) in d_named for a in refs_of[lid] for b in refs_of[lid])}
    t_parts = {(a, b) for a, b in t_edges if a not in as_connections}
    assert kinds(d_edges, types) == kinds(t_parts, {k: v["Type"] for k, v in template.items()})
    print(f"matched: {len(set(types.values()))} resource types ({len(types)} resources), {len(same)} containers, "
          f"{len(d_named)} of {len(t_named)} connections between named resources "
          f"(lost by moto: {sorted(missing)}), {sum(kinds(d_edges, types).values())} route/rule connections")


def test_the_scan_changes_nothing_and_says_how_it_read(account):
    assert snapshot(account.sb, REGION) == account.before  # nothing made, nothing prepared
    notes = "\n".join(account.imported.report.notes)
    assert "with read-only calls" in notes and "named by the logical id" in notes
    assert account.imported.report.format == "account" and account.imported.report.source == f"sandbox {REGION}"


def test_a_write_is_refused_before_it_is_sent(account):
    for name in ("DescribeVpcs", "ListBuckets", "GetRole", "GetTemplate"):
        check_operation(name)
    for name in ("CreateBucket", "DeleteStack", "PutObject", "RunInstances", "GetSecretValue", "GetObject", "Describe",
                 "describe_vpcs", ""):
        with pytest.raises(WriteRefused):
            check_operation(name)
    s3 = Clients(targets.make("sandbox", REGION, start_sandbox=False, prepare=False))("s3")
    with pytest.raises(WriteRefused, match="CreateBucket"):
        s3.create_bucket(Bucket="isshoni-must-not-exist", CreateBucketConfiguration={"LocationConstraint": REGION})
    with pytest.raises(ClientError):  # it was never sent: the bucket does not exist
        client(account.sb, "s3", REGION).head_bucket(Bucket="isshoni-must-not-exist")
    assert s3.list_buckets()["Buckets"]  # reads go through


def test_a_resource_the_account_refuses_to_describe_is_named_and_the_service_goes_on(account):
    from isshoni.importers.account import security
    from isshoni.importers.account.scanned import Scan

    scan = Scan(Clients(targets.make("sandbox", REGION, start_sandbox=False, prepare=False)), REGION, 60)
    elsewhere = "arn:aws:iam::999999999999:role/elsewhere"  # another account's role, named by a resource here
    assert list(security.roles(scan, {elsewhere, "arn:aws:iam::123456789012:role/missing"})) == []
    assert scan.notes == ["arn:aws:iam::123456789012:role/missing: iam get_role answered NoSuchEntity; read without it",
                          f"{elsewhere}: iam get_role answered NoSuchEntity; read without it"]
    # a role of the same name in another account is not read as this account's
    real_name = next(r["RoleName"] for r in client(account.sb, "iam", REGION).list_roles()["Roles"] if "FlowLogsRole" in r["RoleName"])
    namesake = f"arn:aws:iam::999999999999:role/{real_name}"
    assert list(security.roles(scan, {namesake})) == [] and scan.notes[-1] == f"{namesake}: a role of another account; not read"


def test_progress_is_told_for_every_service_in_order(account):
    seen = account.progress
    assert [s[0] for s in seen] == list(range(len(STEPS) + 1))
    assert {s[1] for s in seen} == {len(STEPS)}
    assert [s[2] for s in seen] == [label for label, _ in STEPS] + ["done"]


def test_a_service_out_of_time_is_named_not_dropped(account):
    imported = read_account(region=REGION, target="sandbox", service_seconds=0)
    notes = "\n".join(imported.report.notes)
    assert "VPCs: stopped, ec2 describe_vpcs: not finished within 0 s" in notes
    assert imported.report.total == 0


def test_cli_scans_the_sandbox_with_a_progress_line_per_service(account):
    done = cli("import", "sandbox", "--region", REGION, "-o", "live", cwd=account.folder, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"[1/{len(STEPS)}] reading VPCs" in done.stderr and "account item(s) from sandbox" in done.stderr
    data = json.loads((account.folder / "live.infra.json").read_text())
    assert data["meta"]["region"] == REGION and "Alb" in data["resources"]


def test_ids_and_arns_become_references_a_shared_name_or_a_cycle_does_not():
    from isshoni.importers.account.linking import source_resources
    from isshoni.importers.account.scanned import Found

    found = [
        Found("AWS::ElastiCache::SubnetGroup", {"CacheSubnetGroupName": "cache"}, "cache", name="cache"),
        Found("AWS::ElastiCache::ReplicationGroup", {"ReplicationGroupId": "cache"}, "cache", name="cache"),
        Found("AWS::SQS::Queue", {"QueueName": "jobs"}, "https://q/jobs", {"Arn": "arn:aws:sqs:r:1:jobs"}, "jobs"),
        Found("AWS::Lambda::Function", {"Role": "arn:aws:iam::1:role/r", "Group": "cache",
                                        "Environment": {"Variables": {"QUEUE": "https://q/jobs"}}},
              "fn", {"Arn": "arn:aws:lambda:r:1:function:fn"}, "fn"),
        Found("AWS::IAM::Role", {"Policies": [{"PolicyDocument": {"Statement": [
            {"Resource": ["arn:aws:sqs:r:1:jobs", "arn:aws:lambda:r:1:function:fn"]}]}}]}, "r",
              {"Arn": "arn:aws:iam::1:role/r"}, "r"),
    ]
    notes = []
    linked = {r.id: r.properties for r in source_resources(found, notes)}
    assert linked["cache_2"] == {"ReplicationGroupId": "cache"} and linked["fn"]["Group"] == "cache"  # two own "cache"
    assert linked["fn"]["Environment"] == {"Variables": {"QUEUE": {"Ref": "jobs"}}}
    # the role names the function that runs as it: one side of the cycle keeps its text, and the notes say which
    resources = linked["r"]["Policies"][0]["PolicyDocument"]["Statement"][0]["Resource"]
    assert resources[0] == {"Fn::GetAtt": ["jobs", "Arn"]}
    assert (resources[1], linked["fn"]["Role"]) in ((("arn:aws:lambda:r:1:function:fn"), {"Fn::GetAtt": ["r", "Arn"]}),
                                                  ({"Fn::GetAtt": ["fn", "Arn"]}, "arn:aws:iam::1:role/r"))
    assert any("refer to each other" in n for n in notes) and any("cache" in n and "more than one" in n for n in notes)


def test_an_account_without_a_sandbox_running_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("ISSHONI_STATE_DIR", str(tmp_path))
    with pytest.raises(NotImportable, match="the sandbox is not running"):
        import_account(REGION, "sandbox")


def test_cli_account_without_credentials_and_account_options_on_a_file_are_clear(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_EC2_METADATA_DISABLED="true",
               ISSHONI_STATE_DIR=str(tmp_path))

    def run(*args):
        return subprocess.run([sys.executable, "-m", "isshoni", "import", *args], capture_output=True, text=True,
                              timeout=120, env=env, cwd=tmp_path)

    done = run("account", "--region", "eu-west-1")
    assert done.returncode == 2 and "aws eu-west-1: no AWS credentials found" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and not list(tmp_path.glob("*.infra.json"))
    (tmp_path / "stack.yaml").write_text("Resources:\n  Jobs:\n    Type: AWS::SQS::Queue\n")
    done = run("stack.yaml", "--target", "aws")
    assert done.returncode == 2 and "--target and --profile are for an account import" in done.stderr


def test_rest_and_kernel_import_the_sandbox_through_the_same_entry_point(account, monkeypatch, tmp_path):
    import isshoni
    from rooms import rest_server

    with rest_server(tmp_path) as server:
        body = {"format": "account", "target": "sandbox", "region": REGION, "output": "live.infra.json"}
        response = server["client"].post("/isshoni/api/import", json=body)
        assert response.status_code == 200, response.text
        assert response.json()["report"]["format"] == "account" and response.json()["path"] == "live.infra.json"
        assert "Alb" in json.loads((server["root"] / "live.infra.json").read_text())["resources"]
        for bad in ({"format": "account", "text": "x"}, {"format": "account", "target": "elsewhere"},
                    {"text": "Resources: {}", "target": "sandbox"}):
            refused = server["client"].post("/isshoni/api/import", json=bad)
            assert refused.status_code == 400 and "target" in refused.json()["message"], refused.text
    monkeypatch.chdir(tmp_path)
    result = isshoni.import_design("sandbox", "kernel", fmt="account", region=REGION, live=False)
    assert result.path.name == "kernel.infra.json" and "account item(s) from sandbox" in repr(result)
    assert result.design.snapshot().resources["Vpc"]["type"] == "vpc"


def _zip() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return 1\n")
    return buffer.getvalue()


OTHER = "eu-west-1"  # a second region of the same sandbox: what chat_canary does not use, made with plain calls


def test_the_other_services_are_read_and_linked(account):
    sqs, sns, ddb = (client(account.sb, s, OTHER) for s in ("sqs", "sns", "dynamodb"))
    queue = sqs.create_queue(QueueName="jobs", Attributes={"VisibilityTimeout": "45"})["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    topic = sns.create_topic(Name="events")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    ddb.create_table(TableName="orders", BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    events = client(account.sb, "events", OTHER)
    events.put_rule(Name="nightly", ScheduleExpression="rate(1 day)")
    events.put_targets(Rule="nightly", Targets=[{"Id": "q", "Arn": queue_arn}])
    client(account.sb, "apigatewayv2", OTHER).create_api(Name="front", ProtocolType="HTTP")
    client(account.sb, "cloudwatch", OTHER).put_metric_alarm(
        AlarmName="deep-queue", MetricName="ApproximateNumberOfMessagesVisible", Namespace="AWS/SQS", Statistic="Sum",
        Period=60, EvaluationPeriods=1, Threshold=100, ComparisonOperator="GreaterThanThreshold", AlarmActions=[topic])

    iam = client(account.sb, "iam", OTHER)
    role = iam.create_role(RoleName="worker-role", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    table = ddb.describe_table(TableName="orders")["Table"]["TableArn"]
    iam.put_role_policy(RoleName="worker-role", PolicyName="orders", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": [table, f"{table}/index/*"]}]}))
    client(account.sb, "lambda", OTHER).create_function(FunctionName="worker", Runtime="python3.12", Role=role,
                                                        Handler="index.handler", Code={"ZipFile": _zip()})
    ec2 = client(account.sb, "ec2", OTHER)
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.1.{i}.0/24", AvailabilityZone=f"{OTHER}{z}")["Subnet"]["SubnetId"]
               for i, z in ((1, "a"), (2, "b"))]
    rds = client(account.sb, "rds", OTHER)
    rds.create_db_subnet_group(DBSubnetGroupName="data", DBSubnetGroupDescription="data", SubnetIds=subnets)
    rds.create_db_instance(DBInstanceIdentifier="main", DBInstanceClass="db.t4g.micro", Engine="postgres", AllocatedStorage=20,
                           MasterUsername="app", MasterUserPassword="not-a-secret-1", DBSubnetGroupName="data")
    cache = client(account.sb, "elasticache", OTHER)
    cache.create_cache_subnet_group(CacheSubnetGroupName="cache", CacheSubnetGroupDescription="c", SubnetIds=subnets)
    cache.create_replication_group(ReplicationGroupId="cache", ReplicationGroupDescription="c", Engine="redis",
                                   CacheNodeType="cache.t4g.micro", NumCacheClusters=2, CacheSubnetGroupName="cache")

    imported = read_account(region=OTHER, target="sandbox")
    types = _source_types(imported)
    found = {types[i]: i for i in types}
    assert {"AWS::SQS::Queue", "AWS::SNS::Topic", "AWS::SNS::Subscription", "AWS::DynamoDB::Table", "AWS::Events::Rule",
            "AWS::ApiGatewayV2::Api", "AWS::CloudWatch::Alarm"} <= set(types.values()), sorted(types.values())
    resources = imported.design.resources
    subscription = resources[found["AWS::SNS::Subscription"]]["properties"]
    assert subscription["TopicArn"] == {"ref": "events"} and subscription["Endpoint"] == {"ref": "jobs", "attribute": "Arn"}
    assert resources[found["AWS::Events::Rule"]]["properties"]["Targets"][0]["Arn"] == {"ref": "jobs", "attribute": "Arn"}
    assert resources[found["AWS::CloudWatch::Alarm"]]["properties"]["AlarmActions"] == [{"ref": "events"}]
    assert "Vpc" not in resources  # the other region's network is not this one's (Route 53 is global: its zone is read)
    # a function's zip code is not in any description: not understood, said why; its role is in use, and links the table
    assert [(e.source_type, e.reason) for e in imported.report.not_understood if "Route53" not in e.source_type] == [
        ("AWS::Lambda::Function", "its code is a zip package the API does not describe (an import never downloads code): "
                                  "give the design its S3 location or image")]
    statement = resources["worker-role"]["properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]
    assert statement["Resource"] == [{"ref": "orders", "attribute": "Arn"}, f"{table}/index/*"]
    subnet_ids = {i for i in resources if types[i] == "AWS::EC2::Subnet"}
    assert {r["ref"] for r in resources["data"]["properties"]["SubnetIds"]} == subnet_ids
    assert types["main"] == "AWS::RDS::DBInstance" and resources["main"]["properties"]["Engine"] == "postgres"
    # a name two resources share links neither (the replication group is not its namesake subnet group)
    group = next(i for i in types if types[i] == "AWS::ElastiCache::ReplicationGroup")
    assert resources[group]["properties"]["ReplicationGroupId"] == "cache"
    assert any("name more than one scanned resource" in n and "cache" in n for n in imported.report.notes)


@pytest.mark.parametrize("name, generated", [
    ("isshoni-chat-canary-AlbSg-YLAFYGLHCJBJ", True),   # a random suffix of letters only (1 in 50 of them)
    ("isshoni-chat-canary-AlbSg-1X2Y3Z4W5V6U", True),
    ("isshoni-chat-canary-SCFHNRVEKPNS", True),         # a load balancer's 32 characters: the logical id cut out
    ("isshoni-chat-canary-ONLYLETTERSHERE", False),     # not the logical id, no digit: a name someone chose
    ("web-AlbSg-YLAFYGLHCJBJ", False),                  # another stack's prefix
])
def test_a_name_the_stack_generated_is_told_from_a_chosen_one(name, generated):
    from isshoni.importers.account.scanned import Found
    from isshoni.importers.account.stacks import _forget_generated_name

    found = Found("AWS::EC2::SecurityGroup", {"GroupName": name, "GroupDescription": "lb"}, "sg-1", name="AlbSg")
    _forget_generated_name(found, "isshoni-chat-canary", "AlbSg")
    assert ("GroupName" not in found.properties) is generated
