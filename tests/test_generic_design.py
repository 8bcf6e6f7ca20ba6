"""Generic resources in a design: any CloudFormation registry type (`cfn:<type>`), its properties
checked against the type's registry schema from cfn-lint, each problem with its JSON path and id."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from isshoni import Design, DesignError
from isshoni.generic import registry


def problems_of(design: Design) -> list[tuple[str, str, str | None]]:
    return [(p.path, p.message, p.resource) for p in design.problems()]


def refused(design: Design, rid: str, **properties) -> list[tuple[str, str]]:
    """The problems `set` refuses with (the design keeps its old properties)."""
    before = json.dumps(design.resources[rid], sort_keys=True)
    with pytest.raises(DesignError) as caught:
        design.set(rid, **properties)
    assert json.dumps(design.resources[rid], sort_keys=True) == before
    assert {p.resource for p in caught.value.problems} == {rid}
    return [(p.path, p.message) for p in caught.value.problems]


@pytest.fixture
def design() -> Design:
    d = Design(name="generic", region="us-east-1")
    d.add("cfn:AWS::SQS::Queue", properties={"QueueName": "jobs", "DelaySeconds": 5})
    return d


def test_a_registry_type_is_added_with_its_own_property_names(design):
    assert design.resources["queue"] == {
        "type": "cfn:AWS::SQS::Queue", "label": "SQS Queue", "properties": {"QueueName": "jobs", "DelaySeconds": 5},
        "parent": None, "position": {"x": 0, "y": 0}, "notes": ""}
    assert design.add("cfn:AWS::EC2::VPCEndpoint", properties={"VpcId": "vpc-1", "ServiceName": "com.amazonaws.us-east-1.s3"}) == "vpc_endpoint"
    assert design.add("cfn:AWS::SQS::Queue") == "queue2"
    assert design.problems() == []
    assert Design.loads(design.dumps()).resources == design.resources  # the document round-trips


def test_a_wrong_type_an_unknown_property_and_a_missing_required_one_are_refused(design):
    assert refused(design, "queue", DelaySeconds="soon") == [
        ("$.resources.queue.properties.DelaySeconds", "'soon' is not of type 'integer'")]
    [(path, message)] = refused(design, "queue", DelaySecond=3)
    assert path == "$.resources.queue.properties" and message.startswith("unknown property DelaySecond (did you mean DelaySeconds?)")
    with pytest.raises(DesignError) as caught:
        design.add("cfn:AWS::DynamoDB::Table", "table", properties={"BillingMode": "PAY_PER_REQUEST"})
    assert sorted((p.path, p.message) for p in caught.value.problems) == [
        ("$.resources.table.properties", "'KeySchema' is a required property")]
    assert "table" not in design.resources


def test_nested_values_enum_and_unicode_patterns_are_checked(design):
    # registry patterns use Unicode classes (\p{L}) that Python's re cannot read
    design.set("queue", Tags=[{"Key": "équipe", "Value": "données"}])
    assert refused(design, "queue", Tags=[{"Key": "team!", "Value": "x"}]) == [
        ("$.resources.queue.properties.Tags[0].Key", "'team!' does not match '^([\\\\p{L}\\\\p{Z}\\\\p{N}_.:/=+\\\\-@]*)$'")]
    assert refused(design, "queue", Tags=[{"Key": "team"}]) == [("$.resources.queue.properties.Tags[0]", "'Value' is a required property")]
    design.add("cfn:AWS::Logs::LogGroup", "logs", properties={"RetentionInDays": 7})
    assert refused(design, "logs", RetentionInDays=8)[0] == ("$.resources.logs.properties.RetentionInDays",
                                                            "8 is not one of [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, "
                                                            "545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]")


def test_read_only_properties_are_refused_with_how_to_read_them(design):
    assert refused(design, "queue", Arn="arn:aws:sqs:us-east-1:123456789012:jobs") == [(
        "$.resources.queue.properties.Arn",
        'Arn is read-only: AWS sets it (read it elsewhere with {"ref": "queue", "attribute": "Arn"})')]


def test_cfn_lint_keywords_exactly_one_of_and_not_together_are_checked(design):
    with pytest.raises(DesignError, match=r"exactly one of CidrBlock, Ipv4IpamPoolId is required \(set: none\)"):
        design.add("cfn:AWS::EC2::VPC", "vpc")
    design.add("cfn:AWS::EC2::VPC", "vpc", properties={"CidrBlock": "10.0.0.0/16"})
    with pytest.raises(DesignError, match="AvailabilityZone cannot be set together with AvailabilityZoneId"):
        design.add("cfn:AWS::EC2::Subnet", "subnet", properties={
            "VpcId": {"ref": "vpc"}, "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-east-1a", "AvailabilityZoneId": "use1-az1"})


def test_unknown_types_are_refused_with_suggestions(design):
    with pytest.raises(DesignError) as caught:
        design.add("cfn:AWS::SQS::Queu", "q")
    [problem] = caught.value.problems
    assert problem.path == "$.resources.q.type" and problem.resource == "q"
    assert problem.message.startswith("unknown CloudFormation type AWS::SQS::Queu (did you mean AWS::SQS::Queue")
    with pytest.raises(DesignError, match="SAM type: it needs the template's Transform"):
        design.add("cfn:AWS::Serverless::Function", "fn")
    bad = Design(design.data)
    bad.resources["odd"] = {"type": "cfn:AWS::SQS", "properties": {}}
    assert [p.path for p in bad.problems()] == ["$.resources.odd.type"]  # the design schema's pattern


def test_a_type_aws_does_not_offer_in_the_region_is_refused():
    assert "AWS::AppRunner::Service" not in registry.types("ap-northeast-2")  # as the catalog's region test uses
    d = Design(name="seoul", region="ap-northeast-2")
    with pytest.raises(DesignError, match=r"\$\.resources\.web\.type.*AWS::AppRunner::Service is not available in ap-northeast-2"):
        d.add("cfn:AWS::AppRunner::Service", "web", properties={"SourceConfiguration": {}})


def test_an_unknown_region_is_checked_against_the_base_schemas():
    """cfn-lint has no data for the region: availability cannot be said (ISS011 reports that), but the
    properties are still checked, against the schemas every region's are patched from."""
    d = Design(name="future", region="xx-future-1")
    d.add("cfn:AWS::SQS::Queue", "q", properties={"DelaySeconds": 1})
    with pytest.raises(DesignError, match="'x' is not of type 'integer'"):
        d.set("q", DelaySeconds="x")


def test_references_are_checked_where_they_stand(design):
    design.add("sqs_queue", "curated")
    design.add("cfn:AWS::SNS::Topic", "topic")
    design.add("cfn:AWS::SNS::Subscription", "sub", properties={
        "TopicArn": {"ref": "topic"}, "Protocol": "sqs", "Endpoint": {"ref": "queue", "attribute": "Arn"}})
    design.set("queue", RedrivePolicy={"deadLetterTargetArn": {"ref": "curated", "attribute": "Arn"}, "maxReceiveCount": 3})
    design.set("queue", DelaySeconds={"ref": "topic", "attribute": "TopicName"})  # a reference stands for any value
    assert design.problems() == []
    assert refused(design, "sub", TopicArn={"ref": "nowhere"}) == [
        ("$.resources.sub.properties.TopicArn", "refers to 'nowhere', which is not in the design")]
    assert refused(design, "sub", TopicArn={"ref": "sub"}) == [("$.resources.sub.properties.TopicArn", "a resource cannot refer to itself")]
    assert refused(design, "sub", Endpoint={"ref": "queue", "attribute": "Arm"}) == [
        ("$.resources.sub.properties.Endpoint", "'queue' (AWS::SQS::Queue) has no attribute 'Arm'; did you mean Arn?")]
    assert refused(design, "sub", Endpoint={"ref": "curated", "attribute": "Url"})[0][1].startswith(
        "'curated' (AWS::SQS::Queue) has no attribute 'Url'")
    assert refused(design, "sub", Endpoint={"ref": 7}) == [
        ("$.resources.sub.properties.Endpoint",
         'a reference is {"ref": "<resource id>"} or {"ref": "<resource id>", "attribute": "<attribute>"}')]
    # an object with other keys is a plain value, checked as one
    assert refused(design, "sub", Endpoint={"ref": "queue", "other": 1}) == [
        ("$.resources.sub.properties.Endpoint", "{'ref': 'queue', 'other': 1} is not of type 'string'")]


def test_a_list_of_unique_items_may_hold_several_references(design):
    """Each reference is one placeholder while the schema is checked; two subnets in a load balancer's
    Subnets (uniqueItems) are still two different things (an account import met this)."""
    design.add("cfn:AWS::EC2::VPC", "vpc", properties={"CidrBlock": "10.0.0.0/16"})
    for name, cidr in (("a", "10.0.1.0/24"), ("b", "10.0.2.0/24")):
        design.add("cfn:AWS::EC2::Subnet", name, properties={"VpcId": {"ref": "vpc"}, "CidrBlock": cidr})
    design.add("cfn:AWS::ElasticLoadBalancingV2::LoadBalancer", "lb", properties={"Subnets": [{"ref": "a"}, {"ref": "b"}]})
    assert design.problems() == []
    assert "has non-unique elements" in refused(design, "lb", Subnets=["subnet-1", "subnet-1"])[0][1]


def test_pasted_cloudformation_intrinsics_are_refused_even_in_free_form_documents(design):
    design.add("cfn:AWS::SQS::QueueInlinePolicy", "policy", properties={"Queue": {"ref": "queue"}, "PolicyDocument": {
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": {"ref": "queue", "attribute": "Arn"}}]}})
    assert refused(design, "policy", PolicyDocument={"Statement": [{"Resource": {"Fn::GetAtt": ["Queue", "Arn"]}}]}) == [(
        "$.resources.policy.properties.PolicyDocument.Statement[0].Resource['Fn::GetAtt']",
        "'Fn::GetAtt' is a CloudFormation intrinsic function (it is evaluated by CloudFormation); Terraform would keep "
        "it as plain text, so the CloudFormation and Terraform outputs would not mean the same; write the value itself; "
        'to refer to a resource write {"ref": "<id>"} or {"ref": "<id>", "attribute": "<name>"}')]
    assert "$.resources.policy.properties.Queue.Ref" in [p for p, _ in refused(design, "policy", Queue={"Ref": "Queue"})]


def test_a_catalog_node_whose_ref_has_no_terraform_meaning_needs_an_attribute(design):
    design.add("waf_web_acl", "acl")
    assert "Terraform has no equivalent: refer to an attribute instead" in refused(design, "queue", KmsMasterKeyId={"ref": "acl"})[0][1]
    design.set("queue", KmsMasterKeyId={"ref": "acl", "attribute": "Arn"})


def test_generic_resources_sit_at_the_top_level_and_connect_only_by_reference(design):
    design.add("vpc", "net", properties={"cidr": "10.0.0.0/16"})
    with pytest.raises(DesignError, match=r"\$\.resources\.queue\.parent.*a generic resource sits at the top level"):
        design.move_into("queue", "net")
    design.add("lambda_function", "fn")
    for source, target in (("fn", "queue"), ("queue", "fn")):
        with pytest.raises(DesignError, match="'queue' is a generic resource: it connects through references"):
            design.connect(source, target)


def test_removing_a_referenced_resource_leaves_a_problem_on_the_one_that_refers(design):
    design.add("cfn:AWS::SSM::Parameter", "url", properties={"Type": "String", "Value": {"ref": "queue"}})
    design.remove("queue")
    assert problems_of(design) == [("$.resources.url.properties.Value", "refers to 'queue', which is not in the design", "url")]


def test_a_design_with_generic_resources_loads_from_the_cache_without_cfn_lint(tmp_path):
    """cfn-lint takes seconds to import: the schemas a design needs are kept in the cache folder
    after the first time, so loading the design again imports neither cfn-lint nor its data."""
    d = Design(name="cached")
    d.data["resources"]["q"] = {"type": "cfn:AWS::SQS::Queue", "properties": {"DelaySeconds": 2}}
    path = d.save(tmp_path / "cached.infra.json")
    code = (
        "import sys; from isshoni import Design; Design.load(sys.argv[1]); "
        "print('cfnlint' in sys.modules)"
    )
    env = {**os.environ, "ISSHONI_CACHE_DIR": str(tmp_path / "cache")}
    runs = [subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, env=env,
                           timeout=600, check=True).stdout.strip() for _ in range(2)]
    assert runs == ["True", "False"]
    assert (tmp_path / "cache" / "cfn-lint-schemas").is_dir()
