"""Security: a role GitHub Actions deploys with, through OpenID Connect (no stored access keys).

The role trusts tokens of one repository, and of one branch (pattern) or one GitHub environment
of it: the `sub` condition always names the repository, never a bare wildcard.  What it may do
comes from what it is connected to (wiring: `compiler/wiring_deploy.py`).
"""

from __future__ import annotations

from ..compiler.expr import JsonEncode
from .spec import Emit, If, J, Link, Output, P, ResourceType, SelfAttr, Slot, Tags, optional, prop

GITHUB_HOST = "token.actions.githubusercontent.com"
AUDIENCE = "sts.amazonaws.com"
REPOSITORY = r"^[A-Za-z0-9_.-]{1,39}/[A-Za-z0-9_.-]{1,100}$"
# a branch name or a pattern inside one repository ("release/*"); a lone "*" would trust every branch
BRANCH = r"^(?!\*+$)[A-Za-z0-9_./*-]{1,200}$"
ENVIRONMENT = r"^([A-Za-z0-9_.-]{1,255})?$"
DEPLOY_TARGETS = ("ecr_repository", "ecs_service", "s3_bucket", "cloudfront_distribution", "lambda_function")

_SUBJECT = If(
    "environment", "",
    J("repo:", P("repository"), ":ref:refs/heads/", P("branch")),
    J("repo:", P("repository"), ":environment:", P("environment")),
)
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Federated": Slot("provider", single=True)},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {f"{GITHUB_HOST}:aud": AUDIENCE},
                "StringLike": {f"{GITHUB_HOST}:sub": _SUBJECT},
            },
        }
    ],
}

GITHUB_DEPLOY_ROLE = ResourceType(
    type="github_deploy_role",
    label="GitHub Actions deploy role",
    aliases=("GitHub Actions", "GitHub OIDC", "deploy role", "CI/CD role", "GitHub Actions role"),
    category="security",
    icon="aws-iam",
    description=(
        "A role GitHub Actions assumes with OpenID Connect (aws-actions/configure-aws-credentials, role-to-assume = "
        "its ARN): trusted for one repository and one branch pattern or GitHub environment, allowed only what its "
        "connections grant (push images, roll out an ECS service, sync a bucket, invalidate a distribution, update a "
        "function). The account's GitHub OIDC provider is created with it unless it already exists."
    ),
    properties={
        "repository": prop(
            "string", "", "GitHub repository owner/name that may deploy (empty: asked at deploy time)", pattern=optional(REPOSITORY),
            variable=True, ask="isshoni/sandbox", variable_pattern=REPOSITORY,
        ),
        "branch": prop("string", "main", "Branch (or pattern such as release/*) whose workflows may deploy", pattern=BRANCH),
        "environment": prop(
            "string", "", "GitHub environment whose jobs may deploy, instead of a branch (its protection rules then apply)",
            pattern=ENVIRONMENT,
        ),
        "create_provider": prop(
            "boolean", True,
            "Create the account's OIDC provider for token.actions.githubusercontent.com (an account has one per URL: "
            "turn off when it exists already)",
        ),
        "max_session_seconds": prop("integer", 3600, "Longest session in seconds (1 to 12 hours)", minimum=3600, maximum=43200),
    },
    role="",
    links=(
        Link(
            DEPLOY_TARGETS, "deploy_access",
            "deploys to it: push images to a repository, register task definitions and update an ECS service (passing "
            "only its roles), sync files to a bucket, invalidate a distribution, update a function's code; each grant "
            "on that resource's ARN only",
        ),
    ),
    emits=(
        Emit(
            "",
            "AWS::IAM::Role",
            {
                "Description": "Assumed by GitHub Actions through OpenID Connect",
                "AssumeRolePolicyDocument": TRUST,
                "MaxSessionDuration": P("max_session_seconds"),
                "Tags": Tags(),
            },
            "aws_iam_role",
            {
                "description": "Assumed by GitHub Actions through OpenID Connect",
                "assume_role_policy": JsonEncode(TRUST),
                "max_session_duration": P("max_session_seconds"),
                "tags": Tags(),
            },
        ),
    ),
    outputs=(Output("arn", "Role ARN for role-to-assume in the workflow", SelfAttr("", "Arn", "arn"), SelfAttr("", "Arn", "arn")),),
    cost={"monthly": 0},
)

TYPES = (GITHUB_DEPLOY_ROLE,)
