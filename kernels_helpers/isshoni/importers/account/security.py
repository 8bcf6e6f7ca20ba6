"""IAM roles in use and KMS keys as CloudFormation resources.

IAM is global: an account's roles are not a region's design, so only roles whose ARN a scanned
resource names (a task definition's roles, a function's role, a flow log's role) are read, with
their inline and attached policies, so a statement naming a table becomes a reference.  KMS keys
AWS manages for a service (`alias/aws/...`) are AWS's, not the design's.
"""

from __future__ import annotations

import json

from .scanned import Found, Scan, shape, tags

ROLE = {"RoleName": "RoleName", "Path": "Path", "Description": "Description", "MaxSessionDuration": "MaxSessionDuration",
        "AssumeRolePolicyDocument": "AssumeRolePolicyDocument"}
ROLE_DEFAULTS = {"Path": "/", "MaxSessionDuration": 3600}
KEY = {"Description": "Description", "KeyUsage": "KeyUsage", "KeySpec": "KeySpec"}
KEY_DEFAULTS = {"KeyUsage": "ENCRYPT_DECRYPT", "KeySpec": "SYMMETRIC_DEFAULT"}


def roles(scan: Scan, named: set):
    """The roles among `named` (ARNs the other resources hold)."""
    for arn in sorted(a for a in named if ":role/" in a):
        name = arn.rsplit("/", 1)[-1]
        answer = scan.optional("iam", "get_role", arn, RoleName=name)  # another account's role is not readable here
        if answer is None:
            continue
        role = answer["Role"]
        if role.get("Arn") != arn:  # a role of the same name in another account is not this one
            scan.notes.append(f"{arn}: a role of another account; not read")
            continue
        props = shape(role, ROLE, ROLE_DEFAULTS)
        policies = []
        for policy in scan.pages("iam", "list_role_policies", "PolicyNames", RoleName=name):
            document = scan.call("iam", "get_role_policy", RoleName=name, PolicyName=policy)["PolicyDocument"]
            policies.append({"PolicyName": policy, "PolicyDocument": document})
        if policies:
            props["Policies"] = policies
        managed = [p["PolicyArn"] for p in scan.pages("iam", "list_attached_role_policies", "AttachedPolicies", RoleName=name)]
        if managed:
            props["ManagedPolicyArns"] = managed
        props["Tags"] = tags(role.get("Tags"))
        yield Found("AWS::IAM::Role", props, name, {"Arn": role["Arn"], "RoleId": role.get("RoleId")}, name, role["Arn"])


def keys(scan: Scan):
    managed = {a.get("TargetKeyId") for a in scan.pages("kms", "list_aliases", "Aliases")
               if str(a.get("AliasName", "")).startswith("alias/aws/")}
    for k in scan.pages("kms", "list_keys", "Keys"):
        if k["KeyId"] in managed:
            continue
        meta = scan.call("kms", "describe_key", KeyId=k["KeyId"])["KeyMetadata"]
        if meta.get("KeyManager") != "CUSTOMER" or meta.get("KeyState") in ("PendingDeletion", "PendingReplicaDeletion"):
            continue
        props = shape(meta, KEY, KEY_DEFAULTS)
        policy = (scan.optional("kms", "get_key_policy", meta["Arn"], KeyId=k["KeyId"], PolicyName="default") or {}).get("Policy")
        if policy:
            props["KeyPolicy"] = json.loads(policy) if isinstance(policy, str) else policy
        if meta.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT" and (scan.optional(
                "kms", "get_key_rotation_status", meta["Arn"], KeyId=k["KeyId"]) or {}).get("KeyRotationEnabled"):
            props["EnableKeyRotation"] = True
        raw = scan.pages("kms", "list_resource_tags", "Tags", KeyId=k["KeyId"])
        props["Tags"] = tags([{"Key": t.get("TagKey"), "Value": t.get("TagValue")} for t in raw])
        yield Found("AWS::KMS::Key", props, meta["KeyId"], {"Arn": meta["Arn"], "KeyId": meta["KeyId"]}, meta["KeyId"],
                    meta["Arn"])


SCANNERS = (("KMS keys", keys),)
__all__ = ["SCANNERS", "roles"]
