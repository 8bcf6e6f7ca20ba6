"""Networking: API Gateway REST, HTTP and WebSocket APIs (their wiring: `compiler/wiring_edge.py`)."""

from __future__ import annotations

from ..compiler.expr import Block
from .common import LOGS_NOT_KMS, log_retention, short_logs
from .spec import (
    Emit,
    If,
    J,
    Link,
    Name,
    Output,
    P,
    Region,
    ResourceType,
    Risk,
    Self,
    SelfAttr,
    Tags,
    enum,
    prop,
)

LAMBDA = ("lambda_function",)

API_STAGE = {"stage_name": prop("string", "prod", "Stage name (part of the URL)", pattern=r"^[A-Za-z0-9_-]{1,128}$")}
THROTTLING = {
    "throttle_rate": prop("number", 100, "Requests per second the stage lets through (steady rate, per route)", minimum=1, maximum=10000),
    "throttle_burst": prop("integer", 200, "Requests the stage lets through at once (burst, per route)", minimum=1, maximum=5000),
}
HTTP_LOG_FORMAT = (
    '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","requestTime":"$context.requestTime",'
    '"routeKey":"$context.routeKey","status":"$context.status","protocol":"$context.protocol",'
    '"responseLength":"$context.responseLength","integrationError":"$context.integrationErrorMessage"}'
)
ACCOUNT_ROLE = (
    "API Gateway writes {what} only through the account-wide CloudWatch role of its account settings, which one design does not own"
)


def _v2_stage(name, access_logs: bool) -> Emit:
    """An auto-deployed stage with throttling (and, for HTTP APIs, JSON access logs in its own log group)."""
    logs_arn = SelfAttr("access_logs", "Arn", "arn")
    cfn = {
        "ApiId": Self(),
        "StageName": name,
        "AutoDeploy": True,
        "DefaultRouteSettings": {"ThrottlingBurstLimit": P("throttle_burst"), "ThrottlingRateLimit": P("throttle_rate")},
        "Tags": Tags(style="map"),
    }
    tf = {
        "api_id": Self(),
        "name": name,
        "auto_deploy": True,
        "default_route_settings": Block({"throttling_burst_limit": P("throttle_burst"), "throttling_rate_limit": P("throttle_rate")}),
        "tags": Tags(),
    }
    if access_logs:
        cfn["AccessLogSettings"] = {"DestinationArn": logs_arn, "Format": HTTP_LOG_FORMAT}
        tf["access_log_settings"] = Block({"destination_arn": logs_arn, "format": HTTP_LOG_FORMAT})
    return Emit("stage", "AWS::ApiGatewayV2::Stage", cfn, "aws_apigatewayv2_stage", tf)


def _access_log_group() -> Emit:
    name = J("/aws/apigateway/", Name())
    return Emit(
        "access_logs",
        "AWS::Logs::LogGroup",
        {"LogGroupName": name, "RetentionInDays": P("log_retention_days"), "Tags": Tags()},
        "aws_cloudwatch_log_group",
        {"name": name, "retention_in_days": P("log_retention_days"), "tags": Tags()},
    )

REST_URL = J("https://", Self(), ".execute-api.", Region(), ".amazonaws.com/", P("stage_name"), "/")

API_GATEWAY_REST = ResourceType(
    type="api_gateway_rest",
    label="API Gateway REST API",
    aliases=("REST API", "API Gateway REST", "API Gateway v1"),
    category="networking",
    icon="aws-api-gateway",
    description="A regional REST API; a connected Lambda function serves every path ({proxy+}) through a proxy integration.",
    properties={
        **API_STAGE,
        "authorization": enum(("NONE", "AWS_IAM"), "NONE", "Who may call the methods (AWS_IAM: signed requests only)"),
        "tracing": prop("boolean", False, "X-Ray tracing on the stage"),
    },
    links=(
        Link(
            LAMBDA,
            "apigw_rest_lambda",
            "sends requests to it: ANY on the path and {proxy+} below it, a proxy integration and the invoke permission",
            {"path": prop("string", "", "First path segment served (empty: the whole API)", pattern=r"^[A-Za-z0-9._-]{0,64}$")},
        ),
    ),
    emits=(
        Emit(
            "",
            "AWS::ApiGateway::RestApi",
            {"Name": Name(max=255), "EndpointConfiguration": {"Types": ["REGIONAL"]}, "Tags": Tags()},
            "aws_api_gateway_rest_api",
            {
                "name": Name(max=255),
                "endpoint_configuration": Block({"types": ["REGIONAL"]}),
                "tags": Tags(),
                "lifecycle": Block({"create_before_destroy": True}),  # a replacement is up before the old API goes
            },
        ),
        # A deployment needs at least one method; wiring makes it depend on all of them.
        Emit(
            "deployment",
            "AWS::ApiGateway::Deployment",
            {"RestApiId": Self(), "Description": "Deployed by Isshoni"},
            "aws_api_gateway_deployment",
            {"rest_api_id": Self(), "description": "Deployed by Isshoni", "lifecycle": Block({"create_before_destroy": True})},
            when=("@slot", "methods"),
        ),
        Emit(
            "stage",
            "AWS::ApiGateway::Stage",
            {"RestApiId": Self(), "DeploymentId": Self("deployment"), "StageName": P("stage_name"), "TracingEnabled": P("tracing"), "Tags": Tags()},
            "aws_api_gateway_stage",
            {"rest_api_id": Self(), "deployment_id": Self("deployment"), "stage_name": P("stage_name"), "xray_tracing_enabled": P("tracing"), "tags": Tags()},
            when=("@slot", "methods"),
        ),
    ),
    env={"URL": REST_URL},
    outputs=(Output("url", "Invoke URL", REST_URL, REST_URL),),
    accepted={
        "CKV_AWS_76": ACCOUNT_ROLE.format(what="REST access logs"),
        "CKV2_AWS_4": ACCOUNT_ROLE.format(what="REST execution logs"),
        "CKV_AWS_120": "no stage cache: every request reaches the function (a cache is billed by the hour)",
        "CKV2_AWS_51": "no client certificate: the backend is a Lambda function, reached by IAM, not over HTTP",
        "CKV2_AWS_53": "no request validator: every path goes to a Lambda proxy integration, and the function validates its requests",
    },
    risks=(
        Risk(("CKV_AWS_59",), ("authorization", "NONE"), "authorization=NONE in the design: a public API"),
        Risk(("CKV_AWS_73",), ("tracing", False), "tracing=false in the design: no X-Ray traces of requests"),
        Risk(("CKV2_AWS_29",), ("@target_of:waf_web_acl", False), "no WAF web ACL connected in the design: requests reach the API unfiltered"),
    ),
    cost={"monthly": 0, "note": "per million requests"},
)

API_GATEWAY_HTTP = ResourceType(
    type="api_gateway_http",
    label="API Gateway HTTP API",
    aliases=("API Gateway", "HTTP API", "API GW", "APIGW", "public API", "REST endpoint"),
    category="networking",
    icon="aws-api-gateway",
    description=(
        "A low-cost HTTP API (v2) with an auto-deployed, throttled $default stage and access logs; connected Lambda "
        "functions serve its routes."
    ),
    properties={
        "cors": prop("boolean", False, "Allow browsers on any origin (CORS *)"),
        "authorization": enum(("NONE", "AWS_IAM"), "NONE", "Who may call the routes (AWS_IAM: requests signed with IAM credentials)"),
        **THROTTLING,
        "log_retention_days": log_retention(30, "Days the access logs are kept"),
    },
    links=(
        Link(
            LAMBDA,
            "apigw_http_lambda",
            "serves a route: a Lambda proxy integration (payload 2.0), the route and the invoke permission",
            {
                "route_key": prop(
                    "string",
                    "$default",
                    "Route served ($default: everything not matched by another route)",
                    pattern=r"^(\$default|(ANY|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /[A-Za-z0-9._~{}+/-]*)$",
                ),
            },
        ),
    ),
    emits=(
        Emit(
            "",
            "AWS::ApiGatewayV2::Api",
            {
                "Name": Name(max=128),
                "ProtocolType": "HTTP",
                "CorsConfiguration": If("cors", True, {"AllowOrigins": ["*"], "AllowMethods": ["*"], "AllowHeaders": ["*"]}),
                "Tags": Tags(style="map"),
            },
            "aws_apigatewayv2_api",
            {
                "name": Name(max=128),
                "protocol_type": "HTTP",
                "cors_configuration": If("cors", True, Block({"allow_origins": ["*"], "allow_methods": ["*"], "allow_headers": ["*"]})),
                "tags": Tags(),
            },
        ),
        _v2_stage("$default", access_logs=True),
        _access_log_group(),
    ),
    env={"URL": SelfAttr("", "ApiEndpoint", "api_endpoint")},
    outputs=(Output("url", "Invoke URL", SelfAttr("", "ApiEndpoint", "api_endpoint"), SelfAttr("", "ApiEndpoint", "api_endpoint")),),
    accepted=LOGS_NOT_KMS,
    risks=(
        short_logs(),
        Risk(
            ("CKV_AWS_309",), ("authorization", "NONE"),
            "authorization=NONE in the design: a public API; each route is throttled to {throttle_rate} requests/s (burst {throttle_burst})",
        ),
    ),
    cost={"monthly": 0, "note": "per million requests"},
)

API_GATEWAY_WEBSOCKET = ResourceType(
    type="api_gateway_websocket",
    label="API Gateway WebSocket API",
    aliases=("WebSocket API", "websocket", "websockets", "WS API"),
    category="networking",
    icon="aws-api-gateway",
    description=(
        "A WebSocket API (routes chosen by $request.body.action) with an auto-deployed, throttled stage; connected "
        "Lambda functions handle the routes."
    ),
    properties={**API_STAGE, **THROTTLING},
    links=(
        Link(
            LAMBDA,
            "apigw_ws_lambda",
            "handles messages: a Lambda proxy integration, the routes and the invoke permission",
            {
                "route": prop(
                    "string",
                    "*",
                    "Route handled ('*': $connect, $disconnect and $default; or one route key such as sendmessage)",
                    pattern=r"^(\*|\$connect|\$disconnect|\$default|[A-Za-z0-9_.-]{1,128})$",
                ),
            },
        ),
    ),
    emits=(
        Emit(
            "",
            "AWS::ApiGatewayV2::Api",
            {"Name": Name(max=128), "ProtocolType": "WEBSOCKET", "RouteSelectionExpression": "$request.body.action", "Tags": Tags(style="map")},
            "aws_apigatewayv2_api",
            {"name": Name(max=128), "protocol_type": "WEBSOCKET", "route_selection_expression": "$request.body.action", "tags": Tags()},
        ),
        # WebSocket APIs have no $default stage: a named stage, deployed automatically.
        _v2_stage(P("stage_name"), access_logs=False),
    ),
    accepted={"CKV_AWS_76": ACCOUNT_ROLE.format(what="WebSocket access logs"), "CKV_AWS_95": ACCOUNT_ROLE.format(what="WebSocket access logs")},
    outputs=(
        Output(
            "url",
            "WebSocket URL",
            J(SelfAttr("", "ApiEndpoint", "api_endpoint"), "/", P("stage_name")),
            J(SelfAttr("", "ApiEndpoint", "api_endpoint"), "/", P("stage_name")),
        ),
    ),
    cost={"monthly": 0, "note": "per million messages and connection minutes"},
)

