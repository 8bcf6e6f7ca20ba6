"""Build the shipped templates through the design API (so they are valid by construction).

Run `python scripts/make_templates.py` after changing it; the JSON files in
templates/ are the product, this script is how they were drawn.
"""

from __future__ import annotations

from pathlib import Path

from isshoni import Design

OUT = Path(__file__).resolve().parents[1] / "templates"


def network(d: Design, azs=("a", "c"), nat=True, x0=0, y0=0) -> None:
    d.add("vpc", "vpc", label="VPC 10.0.0.0/16", properties={"cidr": "10.0.0.0/16"}, position={"x": x0 + 500, "y": y0 + 400})
    for i, az in enumerate(azs):
        d.add("subnet", f"public_{az}", label=f"Public subnet ({az})", parent="vpc",
              properties={"cidr": f"10.0.{i + 1}.0/24", "tier": "public", "az": az}, position={"x": x0 + 250 + 500 * i, "y": y0 + 150})
        d.add("subnet", f"private_{az}", label=f"Private subnet ({az})", parent="vpc",
              properties={"cidr": f"10.0.{i + 11}.0/24", "tier": "private", "az": az}, position={"x": x0 + 250 + 500 * i, "y": y0 + 550})
    d.add("internet_gateway", "igw", label="Internet gateway", parent="vpc", position={"x": x0 + 500, "y": y0 - 20})
    if nat:
        d.add("nat_gateway", "nat", label="NAT gateway", parent=f"public_{azs[0]}", position={"x": x0 + 150, "y": y0 + 150})


def chat_canary() -> Design:
    d = Design(name="chat_canary", region="ap-northeast-2")
    d.set_meta(
        description="Real-time chat on ECS Fargate with a blue/green canary behind a public ALB (the seed architecture).",
        notes="Blue 90% / green 10% to start; canary 10 -> 50 -> 90 -> 100 with instant rollback. One NAT gateway to save cost.",
    )
    network(d)
    d.add("route53_zone", "zone", label="Chat domain", position={"x": 1150, "y": -320},
          notes="The domain is asked at deploy time; point its registrar at the zone's name servers (an output).")
    d.add("acm_certificate", "certificate", label="chat.<domain>", properties={"subdomain": "chat"}, position={"x": 1150, "y": -120},
          notes="Validated with DNS records in the zone: the HTTPS listener waits until it is issued.")
    d.add("route53_record", "chat_record", label="chat.<domain>", properties={"name": "chat"}, position={"x": 900, "y": -320})
    d.add("alb", "alb", label="Public ALB", parent="public_a",
          properties={"https": True, "idle_timeout": 300}, position={"x": 350, "y": 150},
          notes="443 open to the world, 80 redirects to 443; weighted rule shifts traffic between blue and green.")
    d.add("s3_bucket", "alb_logs", label="ALB access logs", position={"x": 1150, "y": 80})
    d.add("ecs_cluster", "cluster", label="Chat cluster", position={"x": 1150, "y": 300})
    for name, x in (("blue", 200), ("green", 400)):
        d.add("ecs_service", name, label=f"Chat {name}", parent="private_a",
              properties={"cpu": "256", "memory": "512", "desired_count": 1, "port": 80, "log_retention_days": 7},
              position={"x": x, "y": 550})
    for table, label, x in (("messages", "messages", 100), ("connections", "connections", 300), ("user_counter", "user-counter", 500)):
        d.add("dynamodb_table", table, label=f"{label} table", properties={"table_name": label}, position={"x": x, "y": 900})
    d.add("elasticache_redis", "redis", label="Redis (primary + replica)", parent="private_c",
          properties={"node_type": "cache.t4g.micro", "nodes": 2, "automatic_failover": True}, position={"x": 750, "y": 550},
          notes="Sessions and pub/sub; multi-AZ primary + replica with automatic failover.")
    d.add("vpc_endpoint", "dynamodb_endpoint", label="DynamoDB endpoint", parent="vpc",
          properties={"service": "dynamodb", "endpoint_type": "Gateway"}, position={"x": 850, "y": 750})
    d.add("s3_bucket", "frontend", label="Static frontend", position={"x": 1400, "y": 80})
    d.add("cloudfront_distribution", "cdn", label="CloudFront", position={"x": 1400, "y": -120})
    d.add("cloudwatch_alarm", "errors_5xx", label="Target 5xx errors",
          properties={"namespace": "AWS/ApplicationELB", "metric_name": "HTTPCode_Target_5XX_Count", "statistic": "Sum",
                      "threshold": 10, "period": 60, "evaluation_periods": 2},
          position={"x": 1400, "y": 300}, notes="Canary check: error rate.")
    d.add("cloudwatch_alarm", "latency_p95", label="p95 latency",
          properties={"namespace": "AWS/ApplicationELB", "metric_name": "TargetResponseTime", "statistic": "p95",
                      "threshold": 1, "period": 60, "evaluation_periods": 2},
          position={"x": 1400, "y": 450}, notes="Canary check: p95 response time in seconds.")
    d.connect("certificate", "zone", id="certificate_validation")
    d.connect("chat_record", "zone", id="chat_record_zone")
    d.connect("chat_record", "alb", id="chat_record_alb")
    d.connect("alb", "certificate", id="alb_certificate")
    d.connect("alb", "alb_logs", id="alb_access_logs")
    d.connect("alb", "blue", id="alb_to_blue", properties={"role": "blue", "weight": 90, "port": 80, "health_check_path": "/"})
    d.connect("cdn", "frontend", id="cdn_frontend")
    d.connect("errors_5xx", "alb", id="watch_5xx")
    d.connect("latency_p95", "alb", id="watch_latency")
    d.connect("alb", "green", id="alb_to_green", properties={"role": "green", "weight": 10, "port": 80, "health_check_path": "/"})
    for svc in ("blue", "green"):
        d.connect(svc, "cluster", id=f"{svc}_cluster")
        d.connect(svc, "redis", id=f"{svc}_redis")
        for table in ("messages", "connections", "user_counter"):
            d.connect(svc, table, id=f"{svc}_{table}", properties={"access": "readwrite"})
    return d


def vpc_basic() -> Design:
    d = Design(name="vpc_basic", region="us-east-1")
    d.set_meta(description="A VPC with public and private subnets in two AZs, an internet gateway and a NAT gateway.")
    network(d)
    return d


def redis_cluster() -> Design:
    d = Design(name="redis_cluster", region="us-east-1")
    d.set_meta(description="A Redis replication group (primary + two replicas, failover, encryption) for a containerised app.")
    network(d)
    d.add("elasticache_redis", "redis", label="Redis", parent="private_a", properties={"nodes": 3, "automatic_failover": True}, position={"x": 300, "y": 550})
    d.add("ecs_service", "app", label="App", parent="private_c", position={"x": 750, "y": 550})
    d.connect("app", "redis", id="app_redis")
    return d


def alb_autoscaling() -> Design:
    d = Design(name="alb_autoscaling", region="us-east-1")
    d.set_meta(description="A public HTTPS ALB in front of an EC2 Auto Scaling group in private subnets, with a PostgreSQL database.")
    network(d)
    d.add("route53_zone", "zone", label="Site domain", position={"x": 1150, "y": -320},
          notes="The domain is asked at deploy time; point its registrar at the zone's name servers (an output).")
    d.add("acm_certificate", "certificate", label="www.<domain>", properties={"subdomain": "www"}, position={"x": 1150, "y": -120})
    d.add("route53_record", "www", label="www.<domain>", properties={"name": "www"}, position={"x": 900, "y": -320})
    d.add("alb", "alb", label="Public ALB", parent="public_a", properties={"https": True}, position={"x": 350, "y": 150})
    d.add("s3_bucket", "alb_logs", label="ALB access logs", position={"x": 1150, "y": 80})
    d.add("autoscaling_group", "web", label="Web servers", parent="private_a",
          properties={"min_size": 2, "max_size": 4, "instance_type": "t3.small", "health_check_type": "ELB"}, position={"x": 250, "y": 550})
    d.add("rds_instance", "db", label="PostgreSQL", parent="private_c", position={"x": 750, "y": 550})
    d.add("cloudwatch_alarm", "high_5xx", label="Too many 5xx", properties={"threshold": 10}, position={"x": 1150, "y": 150})
    d.connect("certificate", "zone", id="certificate_validation")
    d.connect("www", "zone", id="www_zone")
    d.connect("www", "alb", id="www_alb")
    d.connect("alb", "certificate", id="alb_certificate")
    d.connect("alb", "alb_logs", id="alb_access_logs")
    d.connect("alb", "web", id="alb_to_web", properties={"port": 80, "health_check_path": "/"})
    d.connect("web", "db", id="web_db")
    d.connect("high_5xx", "alb", id="watch_alb")
    return d


def disaster_notification() -> Design:
    d = Design(name="disaster_notification", region="ap-northeast-2")
    d.set_meta(
        description="The seed's example: an alerting pipeline that takes disaster reports, stores them and fans notifications out.",
        notes="Reports come in through an HTTP API; every alert is stored and published; subscribers get it through a queue.",
    )
    d.add("api_gateway_http", "api", label="Alerts API", position={"x": 0, "y": 200})
    d.add("lambda_function", "ingest", label="Ingest alert", position={"x": 250, "y": 200},
          notes="Runs Isshoni's built-in handler until code_path names a folder with the real code.")
    d.add("dynamodb_table", "alerts", label="alerts table", properties={"table_name": "alerts", "stream": True}, position={"x": 250, "y": 450})
    d.add("sns_topic", "alert_topic", label="Alert topic", position={"x": 500, "y": 200})
    d.add("sqs_queue", "notify_queue", label="Notification queue",
          properties={"dead_letter": True, "visibility_timeout": 180}, position={"x": 750, "y": 200})
    d.add("lambda_function", "dispatch", label="Dispatch notifications",
          properties={"timeout": 60}, position={"x": 1000, "y": 200})
    d.add("eventbridge_rule", "drill", label="Weekly drill", properties={"schedule": "rate(7 days)", "event_pattern": {}}, position={"x": 0, "y": 450})
    d.add("cloudwatch_alarm", "backlog", label="Notification backlog", properties={"threshold": 100}, position={"x": 750, "y": 450})
    d.add("sns_topic", "ops_topic", label="Ops pager", position={"x": 1000, "y": 450},
          notes="Encrypted with a key of its own, which CloudWatch alarms may use.")
    d.connect("api", "ingest", id="api_ingest")
    d.connect("ingest", "alerts", id="ingest_alerts", properties={"access": "write"})
    d.connect("ingest", "alert_topic", id="ingest_publish", properties={"access": "write"})
    d.connect("alert_topic", "notify_queue", id="fan_out")
    d.connect("notify_queue", "dispatch", id="queue_dispatch")
    d.connect("drill", "ingest", id="drill_ingest")
    d.connect("backlog", "notify_queue", id="watch_backlog")
    d.connect("backlog", "ops_topic", id="page_ops")
    return d


def serverless_api() -> Design:
    d = Design(name="serverless_api", region="us-east-1")
    d.set_meta(description="An HTTP API in front of a Lambda function that keeps its data in DynamoDB.")
    d.add("api_gateway_http", "api", label="HTTP API", properties={"cors": True}, position={"x": 0, "y": 200})
    d.add("lambda_function", "handler", label="API handler", position={"x": 300, "y": 200},
          notes="Runs Isshoni's built-in handler until code_path names a folder with the real code.")
    d.add("dynamodb_table", "items", label="items table", properties={"hash_key": "pk", "range_key": "sk"}, position={"x": 600, "y": 200})
    d.connect("api", "handler", id="api_handler")
    d.connect("handler", "items", id="handler_items", properties={"access": "readwrite"})
    return d


def static_site() -> Design:
    d = Design(name="static_site", region="us-east-1")
    d.set_meta(description="A static website: a private S3 bucket served over HTTPS on your domain by CloudFront with origin access control.")
    d.add("s3_bucket", "site", label="Website files", position={"x": 300, "y": 200})
    d.add("cloudfront_distribution", "cdn", label="CDN", position={"x": 0, "y": 200})
    d.add("route53_zone", "zone", label="Site domain", position={"x": 0, "y": -100},
          notes="The domain is asked at deploy time; point its registrar at the zone's name servers (an output).")
    d.add("acm_certificate", "certificate", label="www.<domain>", properties={"subdomain": "www"}, position={"x": 300, "y": -100},
          notes="CloudFront certificates live in us-east-1, where this design deploys.")
    d.add("route53_record", "www", label="www.<domain>", properties={"name": "www"}, position={"x": -300, "y": -100})
    d.connect("cdn", "site", id="cdn_site")
    d.connect("cdn", "certificate", id="cdn_certificate")
    d.connect("certificate", "zone", id="certificate_validation")
    d.connect("www", "zone", id="www_zone")
    d.connect("www", "cdn", id="www_cdn")
    return d


BUILDERS = {
    "alb_autoscaling": alb_autoscaling,
    "chat_canary": chat_canary,
    "disaster_notification": disaster_notification,
    "redis_cluster": redis_cluster,
    "serverless_api": serverless_api,
    "static_site": static_site,
    "vpc_basic": vpc_basic,
}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, build in sorted(BUILDERS.items()):
        design = build()
        design.validate(name)
        design.save(OUT / f"{name}.infra.json")
        print(f"templates/{name}.infra.json: {len(design.resources)} resources, {len(design.connections)} connections")


if __name__ == "__main__":
    main()
