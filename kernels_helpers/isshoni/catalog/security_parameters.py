"""Security: secrets and configuration: Secrets Manager secrets, SSM parameters, SecureString paths."""

from __future__ import annotations

from ..compiler.expr import JsonEncode
from .common import ACCOUNT_ADMINISTERS
from .spec import Emit, If, J, Name, Output, P, ResourceType, Self, Tags, arn, enum, prop

# Plain text AWS accepts in descriptions; no braces, so no CloudFormation dynamic references.
DESCRIPTION = r"^[A-Za-z0-9 _.,:;()/+=@-]{0,250}$"

# ---------------------------------------------------------------- Secrets Manager and SSM

SECRET = ResourceType(
    type="secret",
    label="Secrets Manager secret",
    aliases=("Secrets Manager", "secret", "secrets", "credentials"),
    category="security",
    icon="aws-secrets-manager",
    description=(
        "A secret value. CloudFormation generates a random value when it creates the secret; "
        "Terraform creates the secret without a value (put one with the console or CLI), "
        "so no secret ever appears in the template or the Terraform state."
    ),
    properties={
        "description": prop("string", "", "What the secret is for", pattern=DESCRIPTION),
        "length": prop("integer", 32, "Length of the generated value (CloudFormation)", minimum=16, maximum=128),
        "exclude_punctuation": prop("boolean", True, "Generate letters and digits only (CloudFormation)"),
        "recovery_window_days": prop("integer", 7, "Days a deleted secret can be restored (Terraform; 0: delete at once)", minimum=0, maximum=30),
    },
    env={"SECRET_ARN": Self(tf="arn")},
    iam={
        "read": ("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"),
        "write": ("secretsmanager:PutSecretValue", "secretsmanager:UpdateSecret"),
        "readwrite": (
            "secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret",
            "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecret",
        ),
    },
    iam_resources=(Self(tf="arn"),),
    emits=(
        Emit(
            "",
            "AWS::SecretsManager::Secret",
            {
                "Name": Name(),
                "Description": If("description", "", J("Secret of ", Name()), P("description")),
                "GenerateSecretString": {"PasswordLength": P("length"), "ExcludePunctuation": P("exclude_punctuation")},
                "Tags": Tags(),
            },
            "aws_secretsmanager_secret",
            {
                "name": Name(),
                "description": If("description", "", J("Secret of ", Name()), P("description")),
                "recovery_window_in_days": P("recovery_window_days"),
                "tags": Tags(),
            },
        ),
    ),
    outputs=(Output("arn", "Secret ARN", Self(), Self(tf="arn")),),
    cost={"monthly": 0.4, "note": "per secret, plus per 10,000 API calls"},
)

# Parameter names are hierarchical here ("/a/b"), never under the reserved aws/ssm prefixes.
PARAMETER_NAME = r"^((?!/([Aa][Ww][Ss]|[Ss][Ss][Mm]))(/[A-Za-z0-9_.-]+){1,15})?$"
# Printable text; no CloudFormation dynamic reference ({{resolve:...}}) can hide in it.
PARAMETER_VALUE = r"^(?!.*\{\{resolve:)[\x20-\x7E]{1,4096}$"
_PARAMETER = If("parameter_name", "", J("/isshoni/", Name()), P("parameter_name"))

SSM_PARAMETER = ResourceType(
    type="ssm_parameter",
    label="SSM parameter",
    aliases=("SSM parameter", "parameter", "Parameter Store", "config", "configuration"),
    category="security",
    icon="aws-systems-manager",
    description="A plain-text configuration value in Parameter Store (not for secrets: use a Secrets Manager secret).",
    properties={
        "parameter_name": prop("string", "", "Name, a path like /app/setting (empty: /isshoni/<design>-<id>)", pattern=PARAMETER_NAME),
        "value": prop("string", "example", "The value (plain text, not a secret)", pattern=PARAMETER_VALUE),
        "description": prop("string", "", "What the parameter configures", pattern=DESCRIPTION),
        "tier": enum(("Standard", "Advanced"), "Standard", "Standard is free (values up to 4 KB)"),
    },
    env={"PARAMETER_NAME": Self()},
    iam={
        "read": ("ssm:GetParameter", "ssm:GetParameters"),
        "write": ("ssm:PutParameter",),
        "readwrite": ("ssm:GetParameter", "ssm:GetParameters", "ssm:PutParameter"),
    },
    iam_resources=(arn("ssm", "parameter", Self()),),
    emits=(
        Emit(
            "",
            "AWS::SSM::Parameter",
            {
                "Name": _PARAMETER,
                "Type": "String",
                "Value": P("value"),
                "Tier": P("tier"),
                "Description": If("description", "", None, P("description")),
                "Tags": Tags(style="map"),
            },
            "aws_ssm_parameter",
            {
                "name": _PARAMETER,
                "type": "String",
                "value": P("value"),
                "tier": P("tier"),
                "description": If("description", "", None, P("description")),
                "tags": Tags(),
            },
        ),
    ),
    outputs=(Output("name", "Parameter name", Self(), Self(tf="name")),),
    cost={"monthly": 0, "note": "Standard tier is free; Advanced $0.05 per parameter"},
)

# ---------------------------------------------------------------- SecureString parameters under a path

_PATH = If("path", "", J("/", Name()), P("path"))
ADMINISTERED = {"Version": "2012-10-17", "Statement": [ACCOUNT_ADMINISTERS]}
_KEY = ("encryption", "own_key")

SSM_PARAMETER_PATH = ResourceType(
    type="ssm_parameter_path",
    label="SSM SecureString path",
    aliases=("SecureString", "SSM SecureString", "secure parameters", "SSM path"),
    category="security",
    icon="aws-systems-manager",
    description=(
        "A hierarchy of SecureString parameters under one path (/app/prod/...) that connected compute may read. "
        "CloudFormation cannot create SecureString parameters, and Terraform would keep their values in its state, so "
        "the design declares the path (and the key) and the values are put outside the template: "
        "aws ssm put-parameter --type SecureString --name <path>/<name> --key-id <key alias> --value ... "
        "(for a value generated at deploy time, use a Secrets Manager secret instead)."
    ),
    properties={
        "path": prop("string", "", "Path the parameters live under, e.g. /app/prod (empty: /<name prefix>-<id>)", pattern=PARAMETER_NAME),
        "encryption": enum(
            ("own_key", "aws_managed"), "own_key",
            "own_key: a customer managed KMS key of this path, which only the connected roles may decrypt with; "
            "aws_managed: the account's alias/aws/ssm key, which every principal of the account may use through SSM",
        ),
        "pending_window_days": prop("integer", 30, "Days a deleted key waits before it is gone", minimum=7, maximum=30),
    },
    env={"PARAMETER_PATH": _PATH},
    iam={
        "read": ("ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"),
        "readwrite": ("ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:PutParameter"),
    },
    # the path itself (GetParametersByPath) and every parameter below it
    iam_resources=(arn("ssm", "parameter", _PATH), arn("ssm", "parameter", _PATH, "/*")),
    emits=(
        Emit(
            "key",
            "AWS::KMS::Key",
            {
                "Description": J("Key of the SecureString parameters under ", _PATH),
                "EnableKeyRotation": True,
                "PendingWindowInDays": P("pending_window_days"),
                "KeyPolicy": ADMINISTERED,
                "Tags": Tags(),
            },
            "aws_kms_key",
            {
                "description": J("Key of the SecureString parameters under ", _PATH),
                "enable_key_rotation": True,
                "deletion_window_in_days": P("pending_window_days"),
                "policy": JsonEncode(ADMINISTERED),
                "tags": Tags(),
            },
            when=_KEY,
        ),
        Emit(
            "alias",
            "AWS::KMS::Alias",
            {"AliasName": J("alias/", Name()), "TargetKeyId": Self("key")},
            "aws_kms_alias",
            {"name": J("alias/", Name()), "target_key_id": Self("key", tf="key_id")},
            when=_KEY,
        ),
    ),
    outputs=(
        Output("path", "Parameter path", _PATH, _PATH),
        Output("key_alias", "Key to put the values with (--key-id)", Self("alias"), Self("alias", tf="name")),
    ),
    cost={"monthly": 1, "note": "the key $1 a month (own_key); standard parameters free, plus per 10,000 API calls"},
)
