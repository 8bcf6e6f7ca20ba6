"""Names, the edge and the API front door as CloudFormation resources: Route 53 hosted zones and
record sets, CloudFront distributions, API Gateway (HTTP and REST APIs), EventBridge rules, RDS.

Route 53 and CloudFront are global: every zone and distribution of the account is read (they
are what a region's load balancers and buckets are reached through).  The records a zone
always has (its SOA and apex NS) are made with it, and left out.
"""

from __future__ import annotations

from .scanned import Found, Scan, shape, tags

RECORD = {"Name": "Name", "Type": "Type", "TTL": "TTL", "SetIdentifier": "SetIdentifier", "Weight": "Weight"}
DISTRIBUTION = {"Enabled": "Enabled", "Comment": "Comment", "PriceClass": "PriceClass", "HttpVersion": "HttpVersion",
                "DefaultRootObject": "DefaultRootObject", "WebACLId": "WebACLId", "IsIPV6Enabled": "IPV6Enabled"}
HTTP_API = {"Name": "Name", "ProtocolType": "ProtocolType", "Description": "Description", "RouteSelectionExpression":
            "RouteSelectionExpression"}
RULE = {"Name": "Name", "Description": "Description", "ScheduleExpression": "ScheduleExpression", "State": "State",
        "EventBusName": "EventBusName", "EventPattern": "EventPattern"}
DB_INSTANCE = {"DBInstanceIdentifier": "DBInstanceIdentifier", "DBInstanceClass": "DBInstanceClass", "Engine": "Engine",
               "EngineVersion": "EngineVersion", "AllocatedStorage": "AllocatedStorage", "MultiAZ": "MultiAZ",
               "StorageEncrypted": "StorageEncrypted", "StorageType": "StorageType", "DBName": "DBName",
               "PubliclyAccessible": "PubliclyAccessible", "DBClusterIdentifier": "DBClusterIdentifier"}


def zones(scan: Scan):
    for z in scan.pages("route53", "list_hosted_zones", "HostedZones"):
        zid = z["Id"].rsplit("/", 1)[-1]
        props = {"Name": z["Name"]}
        if (z.get("Config") or {}).get("Comment"):
            props["HostedZoneConfig"] = {"Comment": z["Config"]["Comment"]}
        yield Found("AWS::Route53::HostedZone", props, zid, {"Id": zid}, z["Name"].rstrip(".").replace(".", "_"), zid)
        for r in scan.pages("route53", "list_resource_record_sets", "ResourceRecordSets", HostedZoneId=z["Id"]):
            if r["Type"] == "SOA" or (r["Type"] == "NS" and r["Name"] == z["Name"]):
                continue
            body = {"HostedZoneId": zid, **shape(r, RECORD)}
            if r.get("ResourceRecords"):
                body["ResourceRecords"] = [x["Value"] for x in r["ResourceRecords"]]
            if r.get("AliasTarget"):
                body["AliasTarget"] = {"DNSName": r["AliasTarget"]["DNSName"].rstrip("."), "HostedZoneId": r["AliasTarget"]["HostedZoneId"],
                                       "EvaluateTargetHealth": bool(r["AliasTarget"].get("EvaluateTargetHealth"))}
            if isinstance(body.get("TTL"), int):
                body["TTL"] = str(body["TTL"])
            yield Found("AWS::Route53::RecordSet", body, r["Name"], {}, f"{r['Name'].rstrip('.')}_{r['Type']}",
                        f"{zid}|{r['Name']}|{r['Type']}")


def distributions(scan: Scan):
    for d in scan.pages("cloudfront", "list_distributions", "DistributionList.Items"):
        config = (scan.optional("cloudfront", "get_distribution_config", d["Id"], Id=d["Id"]) or {}).get("DistributionConfig") or {}
        body = shape(config, DISTRIBUTION)
        body["Origins"] = [{"Id": o["Id"], "DomainName": o["DomainName"], **({"OriginPath": o["OriginPath"]} if o.get("OriginPath") else {})}
                           for o in (config.get("Origins") or {}).get("Items") or []]
        behaviour = config.get("DefaultCacheBehavior") or {}
        body["DefaultCacheBehavior"] = {k: behaviour[k] for k in ("TargetOriginId", "ViewerProtocolPolicy", "CachePolicyId")
                                        if behaviour.get(k)}
        aliases = (config.get("Aliases") or {}).get("Items")
        if aliases:
            body["Aliases"] = aliases
        yield Found("AWS::CloudFront::Distribution", {"DistributionConfig": body}, d["Id"],
                    {"DomainName": d.get("DomainName"), "Id": d["Id"]}, d["Id"], d.get("ARN", d["Id"]))


def apis(scan: Scan):
    for a in scan.pages("apigatewayv2", "get_apis", "Items"):
        yield Found("AWS::ApiGatewayV2::Api", {**shape(a, HTTP_API), "Tags": a.get("Tags") or {}}, a["ApiId"],
                    {"ApiId": a["ApiId"], "ApiEndpoint": a.get("ApiEndpoint")}, a.get("Name") or a["ApiId"], a["ApiId"])
    for a in scan.pages("apigateway", "get_rest_apis", "items"):
        yield Found("AWS::ApiGateway::RestApi", {"Name": a["name"], **({"Description": a["description"]} if a.get("description") else {})},
                    a["id"], {"RestApiId": a["id"], "RootResourceId": a.get("rootResourceId")}, a["name"], a["id"])


def rules(scan: Scan):
    for r in scan.pages("events", "list_rules", "Rules"):
        body = shape(r, RULE, {"EventBusName": "default"})
        targets = scan.pages("events", "list_targets_by_rule", "Targets", Rule=r["Name"], EventBusName=r.get("EventBusName", "default"))
        if targets:
            body["Targets"] = [{k: t[k] for k in ("Id", "Arn", "RoleArn", "Input") if t.get(k)} for t in targets]
        yield Found("AWS::Events::Rule", body, r["Name"], {"Arn": r["Arn"]}, r["Name"], r["Arn"])


def databases(scan: Scan):
    for g in scan.pages("rds", "describe_db_subnet_groups", "DBSubnetGroups"):
        if g["DBSubnetGroupName"] == "default":
            continue
        yield Found("AWS::RDS::DBSubnetGroup", {"DBSubnetGroupName": g["DBSubnetGroupName"], "DBSubnetGroupDescription":
                    g.get("DBSubnetGroupDescription") or g["DBSubnetGroupName"],
                    "SubnetIds": [s["SubnetIdentifier"] for s in g.get("Subnets") or []]}, g["DBSubnetGroupName"], {},
                    g["DBSubnetGroupName"], g.get("DBSubnetGroupArn", g["DBSubnetGroupName"]))
    for d in scan.pages("rds", "describe_db_instances", "DBInstances"):
        body = shape(d, DB_INSTANCE)
        if isinstance(body.get("AllocatedStorage"), int):
            body["AllocatedStorage"] = str(body["AllocatedStorage"])
        if (d.get("DBSubnetGroup") or {}).get("DBSubnetGroupName"):
            body["DBSubnetGroupName"] = d["DBSubnetGroup"]["DBSubnetGroupName"]
        groups = [g["VpcSecurityGroupId"] for g in d.get("VpcSecurityGroups") or []]
        if groups:
            body["VPCSecurityGroups"] = groups
        body["Tags"] = tags(d.get("TagList"))
        yield Found("AWS::RDS::DBInstance", body, d["DBInstanceIdentifier"],
                    {"Endpoint.Address": (d.get("Endpoint") or {}).get("Address"), "DBInstanceArn": d.get("DBInstanceArn")},
                    d["DBInstanceIdentifier"], d.get("DBInstanceArn", d["DBInstanceIdentifier"]))


SCANNERS = (("API Gateway", apis), ("RDS", databases), ("EventBridge", rules), ("CloudFront", distributions),
            ("Route 53", zones))
__all__ = ["SCANNERS"]
