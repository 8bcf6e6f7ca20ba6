"""What the sweeper also finds and deletes: flow logs, hosted zones, KMS keys and secrets, which
real-account defaults added (VPC flow logs, zones that validate certificates, keys of topics AWS
services publish to, Redis AUTH tokens) and moto's CloudFormation leaves behind when its
DeleteStack stops at the first dependency error.  `sweep` calls the two hooks below."""

from __future__ import annotations

from .sweep_listings import safe

KINDS = {
    "AWS::EC2::FlowLog": "flow_log", "aws_flow_log": "flow_log",
    "AWS::Route53::HostedZone": "zone", "aws_route53_zone": "zone",
    "AWS::KMS::Key": "key", "aws_kms_key": "key",
    "AWS::SecretsManager::Secret": "secret", "aws_secretsmanager_secret": "secret",
}
ORDER = ("flow_log", "zone", "secret", "key")  # deleted before the design's VPCs (flow logs live in them)



def find(f, vpcs: set[str]) -> dict[str, set[str]]:
    """kind -> ids: by the design's tag, the ids recorded at deploy time, or (flow logs) its VPCs."""
    out: dict[str, set[str]] = {}
    ec2 = f.c("ec2")
    logs = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": sorted(vpcs)}])["FlowLogs"] if vpcs else []
    logs += ec2.describe_flow_logs(Filters=[{"Name": f"tag:{_tag(f)}", "Values": [f.design]}])["FlowLogs"]
    recorded = f.recorded("flow_log")
    logs += [x for x in ec2.describe_flow_logs()["FlowLogs"] if x["FlowLogId"] in recorded] if recorded else []
    out["flow_log"] = {x["FlowLogId"] for x in logs}
    r53 = f.c("route53")
    zones = safe(lambda: r53.list_hosted_zones()["HostedZones"], []) or []
    out["zone"] = set()
    for zone in zones:
        ident = zone["Id"].rsplit("/", 1)[-1]
        tags = safe(lambda i=ident: r53.list_tags_for_resource(ResourceType="hostedzone", ResourceId=i)["ResourceTagSet"]["Tags"], [])
        named = zone["Name"].rstrip(".") in f.recorded("zone")  # by the domain the design gave it
        if not f.foreign(tags) and (f.tagged(tags) or named or ident in f.recorded("zone") or zone["Id"] in f.recorded("zone")):
            out["zone"].add(ident)
    sm = f.c("secretsmanager")
    secrets = safe(lambda: sm.list_secrets()["SecretList"], []) or []
    out["secret"] = {s["ARN"] for s in secrets if not f.foreign(s.get("Tags")) and (
        f.tagged(s.get("Tags")) or s["ARN"] in f.recorded("secret") or s["Name"] in f.recorded("secret"))}
    kms = f.c("kms")
    recorded_keys = f.recorded("key")
    out["key"] = set()
    for key in safe(lambda: kms.list_keys()["Keys"], []) or []:
        meta = safe(lambda k=key: kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"], {}) or {}
        if meta.get("KeyManager") != "CUSTOMER" or meta.get("KeyState") == "PendingDeletion":
            continue
        tags = [{"Key": t["TagKey"], "Value": t["TagValue"]} for t in safe(lambda k=key: kms.list_resource_tags(KeyId=k["KeyId"])["Tags"], []) or []]
        if not f.foreign(tags) and (f.tagged(tags) or key["KeyId"] in recorded_keys or meta.get("Arn") in recorded_keys):
            out["key"].add(key["KeyId"])
    return {k: v for k, v in out.items() if v}


def _tag(f) -> str:
    from .sweep import TAG

    return TAG


def delete(f, kind: str, ident: str) -> bool:
    """Delete one item of a kind this module knows; False for other kinds."""
    if kind == "flow_log":
        f.c("ec2").delete_flow_logs(FlowLogIds=[ident])
    elif kind == "zone":
        r53 = f.c("route53")
        zone = r53.get_hosted_zone(Id=ident)["HostedZone"]
        changes = [
            {"Action": "DELETE", "ResourceRecordSet": record}
            for record in r53.list_resource_record_sets(HostedZoneId=ident)["ResourceRecordSets"]
            if not (record["Type"] in ("SOA", "NS") and record["Name"].rstrip(".") == zone["Name"].rstrip("."))
        ]
        if changes:
            r53.change_resource_record_sets(HostedZoneId=ident, ChangeBatch={"Changes": changes})
        r53.delete_hosted_zone(Id=ident)
    elif kind == "secret":
        f.c("secretsmanager").delete_secret(SecretId=ident, ForceDeleteWithoutRecovery=True)
    elif kind == "key":
        f.c("kms").schedule_key_deletion(KeyId=ident, PendingWindowInDays=7)
    else:
        return False
    return True
