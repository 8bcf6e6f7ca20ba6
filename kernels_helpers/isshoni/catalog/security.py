"""Security: IAM, KMS, Secrets Manager, SSM parameters, WAF, Cognito."""

from __future__ import annotations

from ..compiler.expr import Block, JsonEncode
from .common import role
from .compute_common import ACCESS, SERVICES
from .security_deploy import GITHUB_DEPLOY_ROLE
from .security_parameters import DESCRIPTION, SECRET, SSM_PARAMETER, SSM_PARAMETER_PATH
from .spec import (
    Emit,
    If,
    J,
    Link,
    Name,
    Output,
    P,
    ResourceType,
    Self,
    SelfAttr,
    Slot,
    Tags,
    arn,
    enum,
    prop,
)

ROLE_TARGETS = ("iam_role", "ecs_service", "lambda_function", "ec2_instance", "autoscaling_group")
ASSUMING_SERVICES = (
    "lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "ec2.amazonaws.com", "states.amazonaws.com",
    "events.amazonaws.com", "scheduler.amazonaws.com", "apigateway.amazonaws.com", "codebuild.amazonaws.com",
)

# ---------------------------------------------------------------- IAM

_ROLE = role("", P("service"))[0]

IAM_ROLE = ResourceType(
    type="iam_role",
    label="IAM role",
    aliases=("IAM role", "IAM", "role"),
    category="security",
    icon="aws-iam",
    description="A role an AWS service assumes; connections to tables, buckets, queues, keys or secrets grant it least-privilege access.",
    properties={
        "service": enum(ASSUMING_SERVICES, "lambda.amazonaws.com", "The AWS service that assumes the role"),
        "max_session_seconds": prop("integer", 3600, "Longest session in seconds (1 to 12 hours)", minimum=3600, maximum=43200),
        "description": prop("string", "", "What the role is for", pattern=DESCRIPTION),
    },
    role="",
    links=(Link(SERVICES, "iam_access", "may use it: a least-privilege inline policy on this role", ACCESS),),
    emits=(
        Emit(
            "",
            _ROLE.cfn_type,
            {**_ROLE.cfn, "Description": If("description", "", None, P("description")), "MaxSessionDuration": P("max_session_seconds")},
            _ROLE.tf_type,
            {**_ROLE.tf, "description": If("description", "", None, P("description")), "max_session_duration": P("max_session_seconds")},
        ),
    ),
    outputs=(Output("arn", "Role ARN", SelfAttr("", "Arn", "arn"), SelfAttr("", "Arn", "arn")),),
    cost={"monthly": 0},
)

READ_ONLY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["cloudwatch:GetMetricData", "cloudwatch:ListMetrics"], "Resource": "*"}],
}
POLICY_DOCUMENT = {
    "type": "object",
    "description": "Policy document (JSON); the default only reads CloudWatch metrics",
    "default": READ_ONLY_POLICY,
    "required": ["Version", "Statement"],
    "additionalProperties": False,
    "properties": {
        "Version": {"enum": ["2012-10-17"]},
        "Id": {"type": "string", "pattern": r"^[A-Za-z0-9_-]{1,128}$"},
        "Statement": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["Effect"],
                "properties": {"Effect": {"enum": ["Allow", "Deny"]}, "Sid": {"type": "string", "pattern": r"^[A-Za-z0-9]*$"}},
            },
        },
    },
}

IAM_POLICY = ResourceType(
    type="iam_policy",
    label="IAM managed policy",
    aliases=("IAM policy", "managed policy", "policy"),
    category="security",
    icon="aws-iam",
    description="A customer managed policy; connect it to roles (or to compute with a role) to attach it.",
    properties={
        "document": POLICY_DOCUMENT,
        "description": prop("string", "", "What the policy allows", pattern=DESCRIPTION),
    },
    links=(Link(ROLE_TARGETS, "policy_attachment", "is attached to this role"),),
    emits=(
        Emit(
            "",
            "AWS::IAM::ManagedPolicy",
            {"Description": If("description", "", None, P("description")), "PolicyDocument": P("document"), "Roles": Slot("roles")},
            "aws_iam_policy",
            {
                "name_prefix": Name(max=30),
                "description": If("description", "", None, P("description")),
                "policy": JsonEncode(P("document")),
                "tags": Tags(),
            },
        ),
    ),
    outputs=(Output("arn", "Policy ARN", Self(), Self(tf="arn")),),
    cost={"monthly": 0},
)

# ---------------------------------------------------------------- KMS


def _key_policy() -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AccountAdministers",
                "Effect": "Allow",
                "Principal": {"AWS": arn("iam", "root", region=False)},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }


KMS_READ = ("kms:Decrypt", "kms:DescribeKey")
KMS_WRITE = ("kms:Encrypt", "kms:GenerateDataKey*")

KMS_KEY = ResourceType(
    type="kms_key",
    label="KMS key",
    aliases=("KMS", "KMS key", "encryption key", "CMK"),
    category="security",
    icon="aws-kms",
    description="A symmetric encryption key with yearly rotation, administered by the account, with an alias.",
    properties={
        "description": prop("string", "", "What the key protects", pattern=DESCRIPTION),
        "rotation": prop("boolean", True, "Rotate the key material every year"),
        "pending_window_days": prop("integer", 30, "Days a deleted key waits before it is gone", minimum=7, maximum=30),
    },
    env={"KEY_ARN": SelfAttr("", "Arn", "arn")},
    iam={"read": KMS_READ, "write": KMS_WRITE, "readwrite": KMS_READ + KMS_WRITE},
    iam_resources=(SelfAttr("", "Arn", "arn"),),
    emits=(
        Emit(
            "",
            "AWS::KMS::Key",
            {
                "Description": If("description", "", J("Key of ", Name()), P("description")),
                "EnableKeyRotation": P("rotation"),
                "PendingWindowInDays": P("pending_window_days"),
                "KeyPolicy": _key_policy(),
                "Tags": Tags(),
            },
            "aws_kms_key",
            {
                "description": If("description", "", J("Key of ", Name()), P("description")),
                "enable_key_rotation": P("rotation"),
                "deletion_window_in_days": P("pending_window_days"),
                "policy": JsonEncode(_key_policy()),
                "tags": Tags(),
            },
        ),
        Emit(
            "alias",
            "AWS::KMS::Alias",
            {"AliasName": J("alias/", Name()), "TargetKeyId": Self()},
            "aws_kms_alias",
            {"name": J("alias/", Name()), "target_key_id": Self(tf="key_id")},
        ),
    ),
    outputs=(
        Output("arn", "Key ARN", SelfAttr("", "Arn", "arn"), SelfAttr("", "Arn", "arn")),
        Output("alias", "Key alias", Self("alias"), Self("alias", tf="name")),
    ),
    cost={"monthly": 1, "note": "per key, plus per request"},
)

# ---------------------------------------------------------------- WAF

MANAGED_RULES = ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet")


def _visibility(metric, side: str) -> dict:
    if side == "cfn":
        return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": metric}
    return {"sampled_requests_enabled": True, "cloudwatch_metrics_enabled": True, "metric_name": metric}


def _waf_rules(side: str) -> list:
    rules = []
    for priority, group in enumerate(MANAGED_RULES, start=1):
        if side == "cfn":
            rules.append(
                {
                    "Name": group,
                    "Priority": priority,
                    "OverrideAction": {"None": {}},
                    "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": group}},
                    "VisibilityConfig": _visibility(group, side),
                }
            )
        else:
            rules.append(
                Block(
                    {
                        "name": group,
                        "priority": priority,
                        "override_action": Block({"none": Block({})}),
                        "statement": Block({"managed_rule_group_statement": Block({"name": group, "vendor_name": "AWS"})}),
                        "visibility_config": Block(_visibility(group, side)),
                    }
                )
            )
    rate = len(MANAGED_RULES) + 1
    if side == "cfn":
        rules.append(
            If("rate_limit", 0, None, {
                "Name": "RateLimit",
                "Priority": rate,
                "Action": {"Block": {}},
                "Statement": {"RateBasedStatement": {"Limit": P("rate_limit"), "AggregateKeyType": "IP"}},
                "VisibilityConfig": _visibility("RateLimit", side),
            })
        )
    else:
        rules.append(
            If("rate_limit", 0, None, Block({
                "name": "RateLimit",
                "priority": rate,
                "action": Block({"block": Block({})}),
                "statement": Block({"rate_based_statement": Block({"limit": P("rate_limit"), "aggregate_key_type": "IP"})}),
                "visibility_config": Block(_visibility("RateLimit", side)),
            }))
        )
    return rules


WAF_TARGETS = ("alb", "api_gateway_rest")

WAF_WEB_ACL = ResourceType(
    type="waf_web_acl",
    label="WAF web ACL",
    aliases=("WAF", "web ACL", "web application firewall"),
    category="security",
    icon="aws-waf",
    description="A regional WAF web ACL with the AWS common and known-bad-inputs rule groups; connect it to the load balancers and REST APIs (their stage, once a function serves it) it protects.",
    properties={
        "default_action": enum(("allow", "block"), "allow", "What happens to requests no rule blocks"),
        "rate_limit": {
            "type": "integer",
            "default": 0,
            "description": "Block an IP above this many requests per 5 minutes (0: no limit; WAF needs at least 10)",
            "anyOf": [{"const": 0}, {"minimum": 10, "maximum": 2000000000}],
        },
    },
    links=(Link(WAF_TARGETS, "waf_association", "protects it: a web ACL association"),),
    emits=(
        Emit(
            "",
            "AWS::WAFv2::WebACL",
            {
                "Name": Name(max=128),
                "Scope": "REGIONAL",
                "DefaultAction": If("default_action", "allow", {"Allow": {}}, {"Block": {}}),
                "Rules": _waf_rules("cfn"),
                "VisibilityConfig": _visibility(Name(max=128), "cfn"),
                "Tags": Tags(),
            },
            "aws_wafv2_web_acl",
            {
                "name": Name(max=128),
                "scope": "REGIONAL",
                "default_action": If("default_action", "allow", Block({"allow": Block({})}), Block({"block": Block({})})),
                "rule": _waf_rules("tf"),
                "visibility_config": Block(_visibility(Name(max=128), "tf")),
                "tags": Tags(),
            },
        ),
    ),
    outputs=(Output("arn", "Web ACL ARN", SelfAttr("", "Arn", "arn"), SelfAttr("", "Arn", "arn")),),
    cost={"monthly": 7, "note": "$5 per web ACL + $1 per rule, plus per million requests"},
)

# ---------------------------------------------------------------- Cognito


def _password_policy(side: str) -> dict:
    names = ("MinimumLength", "RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols", "TemporaryPasswordValidityDays")
    if side == "tf":
        names = ("minimum_length", "require_lowercase", "require_uppercase", "require_numbers", "require_symbols", "temporary_password_validity_days")
    values = (P("password_min_length"), True, True, True, P("password_symbols"), 7)
    return dict(zip(names, values, strict=True))


COGNITO_USER_POOL = ResourceType(
    type="cognito_user_pool",
    label="Cognito user pool",
    aliases=("Cognito", "user pool", "Cognito user pool", "auth", "authentication"),
    category="security",
    icon="aws-cognito",
    description="A user directory: email as the user name, verified emails, a strong password policy and optional TOTP MFA.",
    properties={
        "mfa": enum(("OFF", "OPTIONAL", "ON"), "OPTIONAL", "Multi-factor authentication (authenticator apps)"),
        "password_min_length": prop("integer", 12, "Minimum password length", minimum=8, maximum=99),
        "password_symbols": prop("boolean", True, "Passwords need a symbol"),
        "deletion_protection": prop("boolean", True, "Refuse deletion while enabled (off in an ephemeral design)", ephemeral=False),
    },
    emits=(
        Emit(
            "",
            "AWS::Cognito::UserPool",
            {
                "UserPoolName": Name(max=128),
                "UsernameAttributes": ["email"],
                "AutoVerifiedAttributes": ["email"],
                "UsernameConfiguration": {"CaseSensitive": False},
                "MfaConfiguration": P("mfa"),
                "EnabledMfas": If("mfa", "OFF", None, ["SOFTWARE_TOKEN_MFA"]),
                "Policies": {"PasswordPolicy": _password_policy("cfn")},
                "AccountRecoverySetting": {"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]},
                "UserPoolAddOns": {"AdvancedSecurityMode": "OFF"},
                "DeletionProtection": If("deletion_protection", True, "ACTIVE", "INACTIVE"),
                "UserPoolTags": Tags(style="map"),
            },
            "aws_cognito_user_pool",
            {
                "name": Name(max=128),
                "username_attributes": ["email"],
                "auto_verified_attributes": ["email"],
                "mfa_configuration": P("mfa"),
                "deletion_protection": If("deletion_protection", True, "ACTIVE", "INACTIVE"),
                "username_configuration": Block({"case_sensitive": False}),
                "software_token_mfa_configuration": If("mfa", "OFF", None, Block({"enabled": True})),
                "password_policy": Block(_password_policy("tf")),
                "account_recovery_setting": Block({"recovery_mechanism": Block({"name": "verified_email", "priority": 1})}),
                "user_pool_add_ons": Block({"advanced_security_mode": "OFF"}),
                "tags": Tags(),
            },
        ),
    ),
    outputs=(
        Output("id", "User pool id", Self(), Self()),
        Output("arn", "User pool ARN", SelfAttr("", "Arn", "arn"), SelfAttr("", "Arn", "arn")),
    ),
    cost={"monthly": 0, "note": "free up to 10,000 monthly active users (Lite tier)"},
)

AUTH_FLOWS = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]

COGNITO_APP_CLIENT = ResourceType(
    type="cognito_app_client",
    label="Cognito app client",
    aliases=("Cognito app client", "app client", "OAuth client"),
    category="security",
    icon="aws-cognito",
    description="A public app client (no client secret, SRP sign-in) of the user pool it is connected to; nothing is created until it is connected.",
    properties={
        "access_token_hours": prop("integer", 1, "Access and id token lifetime in hours", minimum=1, maximum=24),
        "refresh_token_days": prop("integer", 30, "Refresh token lifetime in days", minimum=1, maximum=3650),
    },
    links=(Link(("cognito_user_pool",), "cognito_client", "is a client of this user pool"),),
    emits=(
        Emit(
            "",
            "AWS::Cognito::UserPoolClient",
            {
                "ClientName": Name(max=128),
                "UserPoolId": Slot("pool", single=True),
                "GenerateSecret": False,
                "ExplicitAuthFlows": AUTH_FLOWS,
                "PreventUserExistenceErrors": "ENABLED",
                "EnableTokenRevocation": True,
                "AccessTokenValidity": P("access_token_hours"),
                "IdTokenValidity": P("access_token_hours"),
                "RefreshTokenValidity": P("refresh_token_days"),
                "TokenValidityUnits": {"AccessToken": "hours", "IdToken": "hours", "RefreshToken": "days"},
            },
            "aws_cognito_user_pool_client",
            {
                "name": Name(max=128),
                "user_pool_id": Slot("pool", single=True),
                "generate_secret": False,
                "explicit_auth_flows": AUTH_FLOWS,
                "prevent_user_existence_errors": "ENABLED",
                "enable_token_revocation": True,
                "access_token_validity": P("access_token_hours"),
                "id_token_validity": P("access_token_hours"),
                "refresh_token_validity": P("refresh_token_days"),
                "token_validity_units": Block({"access_token": "hours", "id_token": "hours", "refresh_token": "days"}),
            },
            when=("@slot", "pool"),
        ),
    ),
    cost={"monthly": 0},
)

TYPES = (
    IAM_ROLE, IAM_POLICY, KMS_KEY, SECRET, SSM_PARAMETER, WAF_WEB_ACL, COGNITO_USER_POOL, COGNITO_APP_CLIENT, GITHUB_DEPLOY_ROLE,
    SSM_PARAMETER_PATH,
)
