"""Wiring of GitHub Actions deploy roles: the OIDC provider they trust, and what each connection
lets a workflow do, granted on the connected resource's ARN (plus the few read-only or account-wide
actions AWS only grants on "*": an ECR login, registering a task definition)."""

from __future__ import annotations

from ..catalog.compute_containers import ECR_PULL, ECR_PUSH
from ..catalog.security_deploy import AUDIENCE, GITHUB_HOST
from . import expr as e
from .names import tf_identifier
from .resolve import Context
from .wiring import finisher, role_policy, unit

ECS_TASKS = "ecs-tasks.amazonaws.com"


def _allow(actions, resource, condition=None) -> dict:
    statement = {"Effect": "Allow", "Action": sorted(actions), "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return statement


def _statements(ctx: Context, target: str) -> list[dict]:
    kind = ctx.type_of(target)
    if kind == "ecr_repository":
        return [
            _allow(["ecr:GetAuthorizationToken"], "*"),  # a registry login: AWS grants it on "*" only
            _allow(set(ECR_PULL) | set(ECR_PUSH), ctx.attr(target, "Arn", "arn")),
        ]
    if kind == "ecs_service":
        roles = [ctx.attr(target, "Arn", "arn", key=k) for k in ("role", "execution_role")]
        return [
            _allow(["ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"], "*"),  # no resource-level permissions
            _allow(["ecs:DescribeServices", "ecs:UpdateService"], ctx.ref(target)),
            _allow(["iam:PassRole"], roles, {"StringEquals": {"iam:PassedToService": ECS_TASKS}}),
        ]
    if kind == "s3_bucket":
        bucket = ctx.attr(target, "Arn", "arn")
        return [
            _allow(["s3:ListBucket"], bucket),
            _allow(["s3:DeleteObject", "s3:GetObject", "s3:PutObject"], e.join(bucket, "/*")),
        ]
    if kind == "cloudfront_distribution":
        arn = e.arn("cloudfront", "distribution/", ctx.ref(target), region=False)
        return [_allow(["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"], arn)]
    function = ctx.attr(target, "Arn", "arn")  # lambda_function
    return [_allow(["lambda:GetFunction", "lambda:PublishVersion", "lambda:UpdateFunctionCode"], function)]


@unit("deploy_access")
def deploy_access(ctx: Context, cid, role, target, props):
    role_policy(ctx, cid, "policy", ctx.ref(role), f"{tf_identifier(cid)}-deploy", _statements(ctx, target))


@finisher
def finish_github_provider(ctx: Context) -> None:
    """Deploy roles trust the account's GitHub OIDC provider: made by this design when one of its roles
    asks (one per design: an account has one provider per URL), otherwise the existing one by ARN."""
    roles = ctx.of_type("github_deploy_role")
    if not roles:
        return
    if any(ctx.props(r)["create_provider"] for r in roles):
        url = f"https://{GITHUB_HOST}"
        lid = ctx.add_part(
            "@design", "github_oidc",
            "AWS::IAM::OIDCProvider", {"Url": url, "ClientIdList": [AUDIENCE], "Tags": ctx.tags(None, "cfn", "GitHub Actions")},
            "aws_iam_openid_connect_provider", {"url": url, "client_id_list": [AUDIENCE], "tags": ctx.tags(None, "tf", "GitHub Actions")},
            name="github_oidc",
        )
        provider = (e.Ref(lid), e.Ref(lid, "arn"))
    else:
        arn = e.arn("iam", f"oidc-provider/{GITHUB_HOST}", region=False)
        provider = (arn, arn)
    for role in roles:
        ctx.contribute(role, "provider", *provider)
