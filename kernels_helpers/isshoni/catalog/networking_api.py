"""Networking: API Gateway REST, HTTP and WebSocket APIs (their wiring: `compiler/wiring_edge.py`)."""

from __future__ import annotations

from ..compiler.expr import Block
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
    Self,
    SelfAttr,
    Tags,
    enum,
    prop,
)

LAMBDA = ("lambda_function",)

API_STAGE = {"stage_name": prop("string", "prod", "Stage name (part of the URL)", pattern=r"^[A-Za-z0-9_-]{1,128}$")}

API_GATEWAY_REST = ResourceType(
    type="api_gateway_rest",
    label="API Gateway REST API",
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
            {"name": Name(max=255), "endpoint_configuration": Block({"types": ["REGIONAL"]}), "tags": Tags()},
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
    outputs=(
        Output(
            "url",
            "Invoke URL",
            J("https://", Self(), ".execute-api.", Region(), ".amazonaws.com/", P("stage_name"), "/"),
            J("https://", Self(), ".execute-api.", Region(), ".amazonaws.com/", P("stage_name"), "/"),
        ),
    ),
    cost={"monthly": 0, "note": "per million requests"},
)

API_GATEWAY_HTTP = ResourceType(
    type="api_gateway_http",
    label="API Gateway HTTP API",
    category="networking",
    icon="aws-api-gateway",
    description="A low-cost HTTP API (v2) with an auto-deployed $default stage; connected Lambda functions serve its routes.",
    properties={"cors": prop("boolean", False, "Allow browsers on any origin (CORS *)")},
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
        Emit(
            "stage",
            "AWS::ApiGatewayV2::Stage",
            {"ApiId": Self(), "StageName": "$default", "AutoDeploy": True, "Tags": Tags(style="map")},
            "aws_apigatewayv2_stage",
            {"api_id": Self(), "name": "$default", "auto_deploy": True, "tags": Tags()},
        ),
    ),
    outputs=(Output("url", "Invoke URL", SelfAttr("", "ApiEndpoint", "api_endpoint"), SelfAttr("", "ApiEndpoint", "api_endpoint")),),
    cost={"monthly": 0, "note": "per million requests"},
)

API_GATEWAY_WEBSOCKET = ResourceType(
    type="api_gateway_websocket",
    label="API Gateway WebSocket API",
    category="networking",
    icon="aws-api-gateway",
    description="A WebSocket API (routes chosen by $request.body.action) with an auto-deployed stage; connected Lambda functions handle the routes.",
    properties={**API_STAGE},
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
        Emit(
            "stage",
            "AWS::ApiGatewayV2::Stage",
            {"ApiId": Self(), "StageName": P("stage_name"), "AutoDeploy": True, "Tags": Tags(style="map")},
            "aws_apigatewayv2_stage",
            {"api_id": Self(), "name": P("stage_name"), "auto_deploy": True, "tags": Tags()},
        ),
    ),
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

