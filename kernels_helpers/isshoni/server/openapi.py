"""The OpenAPI 3.1 description of the REST API, built from one dict.

It lives next to the routes (handlers.ROUTES) and the op table (ops.OPS) and
takes the op schemas from that table, so a new op or field shows up here
without a second edit; a test checks that every route is described.
"""

from __future__ import annotations

import copy

from .. import __version__
from ..design.ops import OPS
from ..importers import FORMATS
from .openapi_deploy import paths as deploy_paths
from .openapi_versions import paths as version_paths

DESIGN_PATH = {
    "name": "path",
    "in": "path",
    "required": True,
    "description": "the design file relative to the server root, ending in .infra.json "
    "(it may contain '/'; absolute paths and '..' are refused)",
    "schema": {"type": "string", "pattern": r"\.infra\.json$"},
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _op_schema(name: str) -> dict:
    required, optional = OPS[name]
    return {
        "type": "object",
        "title": name,
        "properties": {"op": {"const": name}, **copy.deepcopy(required), **copy.deepcopy(optional)},
        "required": ["op", *required],
        "additionalProperties": False,
    }


REGION = {"type": "string", "pattern": "^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", "default": "us-east-1"}
ERRORS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "403": {"$ref": "#/components/responses/Forbidden"},
}
DESIGN_ERRORS = {**ERRORS, "404": {"$ref": "#/components/responses/NotFound"}}
# work done in a worker process (validation, compiling, checks) has a deadline
IN_WORKER = {"503": {"$ref": "#/components/responses/WorkerDied"}, "504": {"$ref": "#/components/responses/Overdue"}}

SCHEMAS = {
    "Problem": {
        "type": "object",
        "properties": {
            "path": {"type": "string", "description": "JSON path in the design, e.g. $.resources.api.properties.cpu"},
            "message": {"type": "string"},
            "resource": {"type": ["string", "null"], "description": "the resource or connection it concerns"},
        },
        "required": ["path", "message", "resource"],
    },
    "ImportReport": {"type": "object", "properties": {
        "source": {"type": "string"}, "format": {"type": "string"}, "total": {"type": "integer"},
        "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
        **{bucket: {"type": "array", "items": {"type": "object", "properties": {
            "source_id": {"type": "string"}, "source_type": {"type": "string"}, "line": {"type": ["integer", "null"]},
            "design_id": {"type": ["string", "null"]}, "reason": {"type": "string"},
            "file": {"type": ["string", "null"], "description": "the file of `line` in a folder of several (Terraform)"}}}}
           for bucket in ("typed", "generic", "external", "folded", "not_understood")},
        "connections": {"type": "integer"}, "notes": {"type": "array", "items": {"type": "string"}},
        "seconds": {"type": "number"}}},
    "Error": {
        "type": "object",
        "properties": {"message": {"type": "string"}, "problems": {"type": "array", "items": _ref("Problem")},
                       "file": _ref("FileState"),
                       "recoverable": {"type": "boolean", "description": "the store holds an earlier version "
                                       "(see /recovery)"}},
        "required": ["message"],
    },
    "FileState": {
        "type": "object",
        "description": "whether the design file is a design; a 409 from any design route carries it when not",
        "properties": {"valid": {"type": "boolean"}, "message": {"type": "string"},
                       "line": {"type": ["integer", "null"]}, "column": {"type": ["integer", "null"]}},
        "required": ["valid"],
    },
    "Design": {
        "type": "object",
        "description": "the .infra.json content (meta, resources, connections, chat, deployments); "
        "its JSON Schema ships as isshoni/design/design.schema.json",
        "properties": {
            "version": {"const": 1},
            "meta": {"type": "object"},
            "resources": {"type": "object"},
            "connections": {"type": "object"},
            "chat": {"type": "array", "items": _ref("Message")},
            "deployments": {"type": "object"},
            "versions": {"type": "object", "description": "named versions (isshoni versions): name -> {created, author, note, design}"},
        },
    },
    "Message": {
        "type": "object",
        "properties": {"id": {"type": "string"}, "author": {"type": "string"}, "text": {"type": "string"},
                       "time": {"type": "number", "description": "seconds since the epoch"}},
        "required": ["id", "author", "text", "time"],
    },
    "CfnTypeMatch": {
        "type": "object",
        "properties": {
            "type": {"type": "string", "description": "the design type, cfn:<CloudFormation type>"},
            "cfn_type": {"type": "string"}, "label": {"type": "string"}, "description": {"type": "string"},
            "terraform": {"type": ["string", "null"], "description": "aws_cloudcontrolapi_resource, or null when the "
                          "Terraform module leaves the type out (no Cloud Control API support)"},
        },
        "required": ["type", "cfn_type", "label", "description", "terraform"],
    },
    "CfnType": {
        "type": "object",
        "properties": {
            "type": {"type": "string"}, "cfn_type": {"type": "string"}, "region": {"type": "string"},
            "description": {"type": "string"},
            "schema": {"type": "object", "description": "the registry JSON Schema (draft-07) of its properties"},
            "required": {"type": "array", "items": {"type": "string"}},
            "read_only": {"type": "array", "items": {"type": "string"}, "description": "set by AWS; refused in designs"},
            "attributes": {"type": "array", "items": {"type": "string"}, "description": "what a reference may read"},
            "primary_identifier": {"type": "array", "items": {"type": "string"}},
            "terraform": {"type": ["string", "null"]},
        },
        "required": ["type", "cfn_type", "region", "schema", "required", "read_only", "attributes", "terraform"],
    },
    "Op": {"oneOf": [_ref(f"Op_{name}") for name in OPS], "discriminator": {"propertyName": "op"}},
    **{f"Op_{name}": _op_schema(name) for name in OPS},
}
SCHEMAS["Op"]["discriminator"]["mapping"] = {name: f"#/components/schemas/Op_{name}" for name in OPS}

PATHS = {
    "/isshoni/api/catalog": {"get": {
        "operationId": "getCatalog", "summary": "the AWS resource types (what `isshoni catalog --json` lists)",
        "responses": {"200": _json({"type": "object", "properties": {"types": {"type": "array", "items": {"type": "object"}}},
                                    "required": ["types"]}, "the catalog"), **ERRORS}}},
    "/isshoni/api/cfn-types": {"get": {
        "operationId": "searchCfnTypes",
        "summary": "search every CloudFormation registry type; a design uses one as a generic resource, type cfn:<type>",
        "description": "Matches every word in the type name or the first sentence of its description; an exact "
        "name first. A generic resource's properties are CloudFormation's own, checked against the type's schema "
        '(GET /isshoni/api/cfn-types/{cfn_type}); a value may be {"ref": "<id>"} or {"ref": "<id>", "attribute": "<name>"}.',
        "parameters": [
            {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200}, "description": "search words"},
            {"name": "region", "in": "query", "schema": REGION, "description": "the design's region (default us-east-1)"},
            {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 2000, "default": 50}},
        ],
        "responses": {"200": _json({"type": "object", "properties": {
            "types": {"type": "array", "items": _ref("CfnTypeMatch")},
            "total": {"type": "integer", "description": "how many types match (more than listed when limited)"}},
            "required": ["types", "total"]}, "the matches, best first"), **ERRORS}}},
    "/isshoni/api/cfn-types/{cfn_type}": {"get": {
        "operationId": "getCfnType", "summary": "one registry type: schema, read-only properties, attributes, Terraform counterpart",
        "parameters": [{"name": "cfn_type", "in": "path", "required": True, "description": "e.g. AWS::SQS::Queue",
                        "schema": {"type": "string", "pattern": "^(cfn:)?[A-Za-z][A-Za-z0-9]*::[A-Za-z0-9]+::[A-Za-z0-9]+$"}},
                       {"name": "region", "in": "query", "schema": REGION}],
        "responses": {"200": _json(_ref("CfnType"), "the type"),
                      "404": _json(_ref("Error"), "no such type in the region"), **ERRORS}}},
    "/isshoni/api/templates": {"get": {
        "operationId": "getTemplates", "summary": "the ready designs",
        "responses": {"200": _json({"type": "object", "properties": {"templates": {"type": "array", "items": {
            "type": "object", "properties": {"name": {"type": "string"}, "title": {"type": "string"}, "description": {"type": "string"},
                                             "resources": {"type": "integer"}, "connections": {"type": "integer"}}}}}},
            "template names, descriptions and sizes"), **ERRORS}}},
    "/isshoni/api/templates/{name}": {"get": {
        "operationId": "getTemplate", "summary": "one ready design (to save as a new design file)",
        "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}}],
        "responses": {"200": _json(_ref("Design"), "the design"), "404": _json(_ref("Error"), "no such template"), **ERRORS}}},
    "/isshoni/api/templates/{name}/preview.svg": {"get": {
        "operationId": "getTemplatePreview", "summary": "a ready design's diagram",
        "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}}],
        "responses": {"200": {"description": "the diagram (served so that nothing in it runs)",
                              "content": {"image/svg+xml": {"schema": {"type": "string"}}}},
                      "404": _json(_ref("Error"), "no such template"), **ERRORS}}},
    "/isshoni/api/import": {"post": {
        "operationId": "importDesign", "summary": "a design from a template, Terraform, a flowchart or a live account",
        "description": "The source's `text`, or a file at `path` (relative to the server root), is imported in a "
        "worker process with a deadline; the format is detected when not given. With `format` `account` (and no "
        "text or path) the `region` of the `target` (the sandbox, or the AWS account of the server's default "
        "credential chain) is scanned with read-only calls. The design is written to `output` (409 if it "
        "exists, unless `overwrite`) or returned. The report counts every source resource once: typed, generic, "
        "external, folded or not understood (with the reason and source line).",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "additionalProperties": False,
            "properties": {
                "text": {"type": "string", "maxLength": 5 * 1024 * 1024}, "path": {"type": "string"},
                "format": {"enum": list(FORMATS)}, "region": {"type": "string"}, "name": {"type": "string"},
                "output": {"type": "string", "pattern": r"\.infra\.json$"}, "overwrite": {"type": "boolean"},
                "target": {"enum": ["sandbox", "aws"], "description": "format account: which account's region to scan"}},
            "oneOf": [{"required": ["text"]}, {"required": ["path"]},
                      {"required": ["format"], "properties": {"format": {"const": "account"}}}]}}}},
        "responses": {"200": _json({"type": "object", "properties": {
            "design": _ref("Design"), "path": {"type": "string"}, "report": _ref("ImportReport")}},
            "the design (or the path it was written to) and the report"),
            "409": _json(_ref("Error"), "the output file exists"),
            "413": _json(_ref("Error"), "the text is larger than an import takes"), **ERRORS, **IN_WORKER}}},
    "/isshoni/api/openapi.json": {"get": {
        "operationId": "getOpenApi", "summary": "this document",
        "responses": {"200": _json({"type": "object"}, "the OpenAPI 3.1 document"), **ERRORS}}},
    "/isshoni/api/designs/{path}/canvas": {
        "parameters": [DESIGN_PATH],
        "get": {"operationId": "getCanvas", "summary": "the design as the live document holds it",
                "responses": {"200": _json({"type": "object", "properties": {"design": _ref("Design")}}, "the design"),
                              **DESIGN_ERRORS}},
        "post": {"operationId": "editCanvas",
                 "summary": "apply ops all-or-nothing, or replace the whole design (fully validated)",
                 "description": "Written to the live collaborative document with a minimal diff: open canvases "
                 "update at once, concurrent edits of other properties survive, the room saves the file. "
                 "Only meta, resources and connections change: chat and deployments are history, kept as "
                 "the server has them (post messages to /chat; deploy jobs write their records to /jobs).",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {"oneOf": [
                     {"type": "object", "properties": {"ops": {"type": "array", "minItems": 1, "items": _ref("Op")}},
                      "required": ["ops"], "additionalProperties": False},
                     {"type": "object", "properties": {"design": _ref("Design")}, "required": ["design"],
                      "additionalProperties": False}]}}}},
                 "responses": {"200": _json({"type": "object", "properties": {"design": _ref("Design")}},
                                            "the design after the edit"),
                               "409": _json(_ref("Error"), "the design kept changing while the edit was checked"),
                               **DESIGN_ERRORS, **IN_WORKER}},
    },
    "/isshoni/api/designs/{path}/chat": {
        "parameters": [DESIGN_PATH],
        "get": {"operationId": "getChat", "summary": "the design's chat messages, oldest first",
                "responses": {"200": _json({"type": "object", "properties": {"messages": {
                    "type": "array", "items": _ref("Message")}}}, "the messages"), **DESIGN_ERRORS}},
        "post": {"operationId": "postChat", "summary": "post a message; the author is the signed-in Jupyter user",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "properties": {"text": {"type": "string", "minLength": 1}}, "required": ["text"]}}}},
                 "responses": {"201": _json(_ref("Message"), "the message as stored"), **DESIGN_ERRORS}},
    },
    "/isshoni/api/designs/{path}/generate": {
        "parameters": [DESIGN_PATH],
        "post": {"operationId": "generate", "summary": "compile to Terraform or CloudFormation",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "properties": {"format": {
                         "enum": ["terraform", "cloudformation", "cloudformation-json"], "default": "cloudformation"}}}}}},
                 "responses": {"200": _json({"type": "object", "properties": {
                     "format": {"type": "string"},
                     "files": {"type": "object", "additionalProperties": {"type": "string"}},
                     "ranges": {"type": "object", "description": "file name -> design id -> [[first line, last line], ...] "
                                "(1-based, inclusive): the blocks each resource or connection produced",
                                "additionalProperties": {"type": "object", "additionalProperties": {
                                    "type": "array", "items": {"type": "array", "items": {"type": "integer"},
                                                               "minItems": 2, "maxItems": 2}}}}}},
                     "file name -> text, and which lines each design id produced"), **DESIGN_ERRORS, **IN_WORKER}},
    },
    "/isshoni/api/designs/{path}/check": {
        "parameters": [DESIGN_PATH],
        "post": {"operationId": "check", "summary": "graph rules, cfn-lint, terraform validate, checkov",
                 "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {
                     "only": {"type": "array", "items": {"enum": ["isshoni", "cfn-lint", "terraform", "checkov"]}},
                     "skip": {"type": "array", "items": {"enum": ["isshoni", "cfn-lint", "terraform", "checkov"]}}}}}}},
                 "responses": {"200": _json({"type": "object", "properties": {
                     "ok": {"type": "boolean"}, "counts": {"type": "object"},
                     "findings": {"type": "array", "items": {"type": "object"}}}}, "the report"),
                               **DESIGN_ERRORS, **IN_WORKER}},
    },
    "/isshoni/api/designs/{path}/assistant": {
        "parameters": [DESIGN_PATH],
        "post": {"operationId": "ask", "summary": "ask the assistant; the request and its answer appear in the chat",
                 "description": "Answers with Claude when the server has ANTHROPIC_API_KEY, else with the offline "
                 "planner. apply mode edits the design (one undoable step); suggest mode stores the proposed ops "
                 "on the answer for /assistant/proposal.",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "properties": {"prompt": {"type": "string", "minLength": 1},
                                                      "mode": {"enum": ["apply", "suggest"]}}, "required": ["prompt"]}}}},
                 "responses": {"200": _json(_ref("Message"), "the assistant's final message (status, ops, usage, cost_usd)"),
                               **DESIGN_ERRORS}},
    },
    "/isshoni/api/designs/{path}/assistant/undo": {
        "parameters": [DESIGN_PATH],
        "post": {"operationId": "undoAssistant", "summary": "revert the assistant's latest answer (all its edits)",
                 "requestBody": {"content": {"application/json": {"schema": {
                     "type": "object", "properties": {"message": {"type": "string", "description": "that answer's id"}}}}}},
                 "responses": {"200": _json({"type": "object", "properties": {"undone": {"type": "string"}}}, "the answer undone"),
                               "409": _json(_ref("Error"), "nothing to undo, or not the latest answer"), **DESIGN_ERRORS}},
    },
    "/isshoni/api/designs/{path}/assistant/stop": {
        "parameters": [DESIGN_PATH],
        "post": {"operationId": "stopAssistant", "summary": "stop the answer running on this design",
                 "description": "Its message ends with status 'stopped'; edits made so far stay, undoable.",
                 "responses": {"200": _json({"type": "object", "properties": {"stopping": {"const": True}}}, "stopping"),
                               "409": _json(_ref("Error"), "no answer is running"), **DESIGN_ERRORS}},
    },
    "/isshoni/api/designs/{path}/assistant/proposal": {
        "parameters": [DESIGN_PATH],
        "post": {"operationId": "resolveProposal", "summary": "apply or discard a suggest-mode answer's change",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "properties": {"message": {"type": "string"}, "action": {"enum": ["apply", "discard"]}},
                     "required": ["message", "action"]}}}},
                 "responses": {"200": _json(_ref("Message"), "the answer, resolved"),
                               "409": _json(_ref("Error"), "no pending proposal, or the design changed under it"),
                               **DESIGN_ERRORS, **IN_WORKER}},
    },
    "/isshoni/api/designs/{path}/jobs": {
        "parameters": [DESIGN_PATH],
        "get": {"operationId": "getJobs", "summary": "the design's deployments, newest first",
                "responses": {"200": _json({"type": "object", "properties": {"jobs": {
                    "type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}}}}}},
                    "the jobs"), **DESIGN_ERRORS}},
        "post": {"operationId": "writeJobRecord", "summary": "store a running job's record (what deploy jobs do)",
                 "description": "A new record starts queued or running; the server signs it (`by`: the signed-in "
                 "user, `writer`: the hash of `key`). Only a request with the same key may update it, along the "
                 "job's state machine, and never once it has ended; a record whose process is gone on this host "
                 "may be marked interrupted by any job.",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "properties": {
                         "record": {"type": "object", "properties": {"id": {"type": "string"}, "state": {"enum": [
                             "queued", "running", "succeeded", "failed", "rolled_back", "cancelled", "interrupted"]}},
                             "required": ["id", "state"]},
                         "key": {"type": "string", "minLength": 32, "maxLength": 256,
                                 "description": "a secret only the job holds"}},
                     "required": ["record", "key"]}}}},
                 "responses": {"201": _json({"type": "object"}, "the new record as stored"),
                               "200": _json({"type": "object"}, "the updated record as stored"),
                               "409": _json(_ref("Error"), "the job has ended, or the state cannot follow"),
                               **DESIGN_ERRORS}},
    },
    "/isshoni/api/designs/{path}/recovery": {
        "parameters": [DESIGN_PATH],
        "get": {"operationId": "getRecovery", "summary": "is the file a design, and the store's last good version if not",
                "description": "A design file that is not a design (not JSON, not an object) is never served as an "
                "empty design: every design route answers 409 until it is fixed, replaced or restored from here.",
                "responses": {"200": _json({"type": "object", "properties": {
                    "file": _ref("FileState"), "design": {"oneOf": [_ref("Design"), {"type": "null"}]}}},
                    "the file's state and the store's version (null when the file is fine or the store has none)"),
                    **DESIGN_ERRORS}},
        "post": {"operationId": "restoreDesign", "summary": "write the store's last good version over the broken file",
                 "responses": {"200": _json({"type": "object", "properties": {"design": _ref("Design")}},
                                            "the design as restored"),
                               "409": _json(_ref("Error"), "the file is a design already"), **DESIGN_ERRORS}},
    },
}

PATHS.update(deploy_paths(_json, _ref, DESIGN_PATH, DESIGN_ERRORS))
PATHS.update(version_paths(_json, _ref, DESIGN_PATH, DESIGN_ERRORS))


def spec(base_url: str = "/") -> dict:
    """The document; `servers` carries the server's base_url when it is not '/'."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Isshoni REST API", "version": __version__,
                 "description": "Designs, their chat, compilation and checks, on a Jupyter server. "
                 "Authenticate as for any Jupyter API: `Authorization: token ...`, or the session "
                 "cookie plus the `X-XSRFToken` header."},
        "servers": [{"url": base_url.rstrip("/") or "/"}],
        "security": [{"token": []}],
        "paths": copy.deepcopy(PATHS),
        "components": {
            "schemas": copy.deepcopy(SCHEMAS),
            "responses": {
                "BadRequest": _json(_ref("Error"), "bad input: the message says what and where"),
                "Forbidden": _json(_ref("Error"), "not signed in, or a cookie request without XSRF token"),
                "NotFound": _json(_ref("Error"), "no such design file"),
                "Overdue": _json(_ref("Error"), "the work passed its deadline: stopped, its worker replaced"),
                "WorkerDied": _json(_ref("Error"), "the worker process ended unexpectedly: try again"),
            },
            "securitySchemes": {
                "token": {"type": "apiKey", "in": "header", "name": "Authorization",
                          "description": "`token <TOKEN>`, the Jupyter server token (a browser's "
                          "session cookie works too, with the `X-XSRFToken` header on POST)"},
            },
        },
    }
