"""The catalog gaps of issue 19, each built in a design (tests/gaps.py): what the generated code means
(resources, IAM statements scoped to one resource, environment), and that it is clean everywhere:
cfn-lint with no finding at all, `terraform validate`, checkov with nothing open."""

from __future__ import annotations

import re

import pytest

from gaps import (
    DESIGNS,
    assert_checkov_clean,
    assert_lints_clean,
    assert_terraform_validates,
    compiled,
    of_type,
    policy_statements,
)
from isshoni.design import DesignError

GAPS = sorted(DESIGNS)


@pytest.mark.parametrize("gap", GAPS)
def test_each_gap_lints_clean(gap):
    assert_lints_clean(DESIGNS[gap]())


@pytest.mark.slow
@pytest.mark.parametrize("gap", GAPS)
def test_each_gap_validates_with_terraform(gap):
    assert_terraform_validates(DESIGNS[gap]())


@pytest.mark.slow
@pytest.mark.parametrize("gap", GAPS)
def test_each_gap_is_checkov_clean(gap):
    assert_checkov_clean(DESIGNS[gap]())


# ------------------------------------------------------------------ 1. SNS e-mail and SMS subscriptions


def test_alerts_reach_people_by_email_and_sms():
    resources, main, resolved = compiled(DESIGNS["sns_email_sms"]())
    assert of_type(resources, "AWS::CloudWatch::Alarm")["Errors"]["AlarmActions"] == [{"Ref": "Alerts"}]
    subscriptions = of_type(resources, "AWS::SNS::Subscription")
    assert subscriptions["OncallMail"] == {"TopicArn": {"Ref": "Alerts"}, "Protocol": "email", "Endpoint": {"Ref": "OncallMailEmail"}}
    assert subscriptions["OncallSms"] == {"TopicArn": {"Ref": "Alerts"}, "Protocol": "sms", "Endpoint": {"Ref": "OncallSmsPhoneNumber"}}
    variables = {v.name: v for v in resolved.variables}
    # an address nobody set is asked at deploy time (no default, checked by a pattern), never a stand-in
    mail = variables["oncall_mail_email"]
    assert mail.default is None and re.match(mail.pattern, "ops@company.io") and not re.match(mail.pattern, "not an address")
    assert variables["oncall_sms_phone_number"].default == "+4915112345678"
    assert not re.match(variables["oncall_sms_phone_number"].pattern, "015112345678")
    assert 'resource "aws_sns_topic_subscription" "oncall_mail"' in main
    assert 'endpoint  = var.oncall_mail_email' in main and 'protocol  = "sms"' in main


def test_a_subscriber_listens_to_one_topic_and_an_unconnected_one_makes_nothing():
    design = DESIGNS["sns_email_sms"]()
    design.add("sns_subscriber", "spare")
    resources, _main, _resolved = compiled(design)
    assert "Spare" not in resources
    design.add("sns_topic", "other")
    design.connect("other", "oncall_mail")
    with pytest.raises(DesignError, match="already listens to a topic"):
        compiled(design)


# ------------------------------------------------------------------ 2. SES


def test_ses_domain_identity_has_dkim_records_in_the_zone_and_scoped_send_rights():
    resources, main, _resolved = compiled(DESIGNS["ses_identity"]())
    identities = of_type(resources, "AWS::SES::EmailIdentity")
    assert identities["Domain"]["EmailIdentity"] == {"Ref": "ZoneDomain"}  # the zone's domain
    assert identities["Domain"]["DkimSigningAttributes"] == {"NextSigningKeyLength": "RSA_2048_BIT"}
    assert identities["Noreply"]["EmailIdentity"] == {"Ref": "NoreplyEmailAddress"} and "DkimSigningAttributes" not in identities["Noreply"]
    records = of_type(resources, "AWS::Route53::RecordSet")
    assert sorted(r["Name"]["Fn::GetAtt"][1] for r in records.values()) == ["DkimDNSTokenName1", "DkimDNSTokenName2", "DkimDNSTokenName3"]
    assert all(r["Type"] == "CNAME" and r["HostedZoneId"] == {"Ref": "Zone"} for r in records.values())
    for role, identity in (("SenderRole", "Domain"), ("NotifierRole", "Noreply")):
        (statement,) = policy_statements(resources, role)
        assert statement["Action"] == ["ses:SendEmail", "ses:SendRawEmail"]
        assert statement["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${" + identity + "}"}
    sender = of_type(resources, "AWS::Lambda::Function")["Sender"]
    assert sender["Environment"]["Variables"] == {"DOMAIN_IDENTITY": {"Ref": "Domain"}}
    assert main.count('resource "aws_route53_record" "domain_to_zone_dkim') == 3
    assert "tokens[2]}.dkim.amazonses.com" in main and 'email_identity = var.zone_domain' in main


def test_an_address_identity_has_no_dkim_records():
    design = DESIGNS["ses_identity"]()
    design.connect("noreply", "zone")
    with pytest.raises(DesignError, match="only a domain identity has DKIM records"):
        compiled(design)


# ------------------------------------------------------------------ 3. GitHub OIDC deploy role

SUB = "token.actions.githubusercontent.com:sub"


def test_github_role_trusts_one_repository_and_branch_through_the_oidc_provider():
    resources, main, resolved = compiled(DESIGNS["github_oidc"]())
    (provider,) = of_type(resources, "AWS::IAM::OIDCProvider").values()
    assert provider["Url"] == "https://token.actions.githubusercontent.com" and provider["ClientIdList"] == ["sts.amazonaws.com"]
    (trust,) = of_type(resources, "AWS::IAM::Role")["Deploy"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Federated": {"Ref": "GithubOidc"}} and trust["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert trust["Condition"]["StringEquals"] == {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}
    assert trust["Condition"]["StringLike"] == {SUB: {"Fn::Sub": "repo:${DeployRepository}:ref:refs/heads/release/*"}}
    assert next(v for v in resolved.variables if v.name == "deploy_repository").default == "acme/shop"
    assert "repo:${var.deploy_repository}:ref:refs/heads/release/*" in main
    assert 'resource "aws_iam_openid_connect_provider" "github_oidc"' in main


def test_github_role_may_do_what_its_connections_grant_on_those_resources_only():
    resources, _main, _resolved = compiled(DESIGNS["github_oidc"]())
    grants = {}
    for statement in policy_statements(resources, "Deploy"):
        for action in statement["Action"]:
            grants.setdefault(action, []).append(statement["Resource"])
    assert grants["ecr:PutImage"] == [{"Fn::GetAtt": ["Images", "Arn"]}] and grants["ecr:GetAuthorizationToken"] == ["*"]
    assert grants["ecs:UpdateService"] == [{"Ref": "Web"}]
    assert grants["iam:PassRole"] == [[{"Fn::GetAtt": ["WebRole", "Arn"]}, {"Fn::GetAtt": ["WebExecutionRole", "Arn"]}]]
    assert grants["s3:ListBucket"] == [{"Fn::GetAtt": ["Site", "Arn"]}] and grants["s3:PutObject"] == [{"Fn::Sub": "${Site.Arn}/*"}]
    assert grants["cloudfront:CreateInvalidation"] == [{"Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Cdn}"}]
    assert grants["lambda:UpdateFunctionCode"] == [{"Fn::GetAtt": ["Fn", "Arn"]}]
    wildcard = {a for a, resources_ in grants.items() if "*" in resources_}
    assert wildcard == {"ecr:GetAuthorizationToken", "ecs:RegisterTaskDefinition", "ecs:DescribeTaskDefinition"}


def test_github_role_uses_an_existing_provider_and_a_github_environment():
    design = DESIGNS["github_oidc"]()
    design.set("deploy", create_provider=False, environment="production")
    resources, _main, _resolved = compiled(design)
    assert of_type(resources, "AWS::IAM::OIDCProvider") == {}
    (trust,) = of_type(resources, "AWS::IAM::Role")["Deploy"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"]["Federated"] == {
        "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com"
    }
    assert trust["Condition"]["StringLike"][SUB] == {"Fn::Sub": "repo:${DeployRepository}:environment:production"}


@pytest.mark.parametrize("branch", ["*", "**"])
def test_github_role_never_trusts_every_branch(branch):
    design = DESIGNS["github_oidc"]()
    with pytest.raises(DesignError):
        design.set("deploy", branch=branch)
