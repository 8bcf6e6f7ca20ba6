"""The OpenAPI entries of the version, compare and cost routes (server/versioning.py, costing.py), merged into
openapi.PATHS.  The helpers come in as arguments so this module does not import openapi.py."""

from __future__ import annotations

from ..deploy.targets import TARGETS


def paths(json_body, ref, design_path: dict, design_errors: dict) -> dict:
    """`json_body(schema, description)` and `ref(name)` are openapi.py's helpers."""
    version = {"type": "object", "properties": {
        "name": {"type": "string"}, "created": {"type": ["number", "null"]}, "author": {"type": "string"},
        "note": {"type": "string"}, "resources": {"type": "integer"}, "connections": {"type": "integer"}}}

    def body(props: dict, required: list[str]) -> dict:
        schema = {"type": "object", "properties": props, "required": required, "additionalProperties": False}
        return {"content": {"application/json": {"schema": schema}}, "required": True}

    return {
        "/isshoni/api/designs/{path}/versions": {
            "parameters": [design_path],
            "get": {"operationId": "listVersions", "summary": "the live design's named versions, oldest first",
                    "responses": {"200": json_body({"type": "object", "properties": {"versions": {"type": "array", "items": version}},
                                                   "required": ["versions"]}, "the versions"), **design_errors}},
            "post": {"operationId": "nameVersion", "summary": "keep the live design as a named version (signed with the user's name)",
                     "requestBody": body({"name": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9 ._:+-]{0,63}$"},
                                          "note": {"type": "string", "maxLength": 4096}}, ["name"]),
                     "responses": {"201": json_body({"type": "object", "properties": {"version": version}, "required": ["version"]},
                                                    "the new version"), **design_errors}},
        },
        "/isshoni/api/designs/{path}/versions/restore": {
            "parameters": [design_path],
            "post": {"operationId": "restoreVersion", "summary": "bring the live design back to a named version (one edit)",
                     "requestBody": body({"name": {"type": "string"}}, ["name"]),
                     "responses": {"200": json_body({"type": "object", "properties": {"design": ref("Design"), "restored": {"type": "string"}},
                                                    "required": ["design", "restored"]}, "the design after the restore"),
                                   **design_errors,
                                   "409": json_body(ref("Error"), "the design kept changing while the restore was checked")}},
        },
        "/isshoni/api/designs/{path}/cost": {
            "parameters": [design_path],
            "get": {"operationId": "designCost", "summary": "the live design's monthly cost estimate (docs/cost.md)",
                    "responses": {"200": json_body({"type": "object", "properties": {
                        "region": {"type": "string"}, "currency": {"type": "string"}, "source": {"type": "string"},
                        "as_of": {"type": "string"}, "monthly_total": {"type": "number"},
                        "counts": {"type": "object", "description": "priced, free and not priced nodes"},
                        "by_service": {"type": "object", "additionalProperties": {"type": "number"}},
                        "nodes": {"type": "object", "description": "id -> status, monthly, why, lines (quantity x unit price)"}},
                        "required": ["region", "monthly_total", "counts", "nodes"]}, "the estimate"), **design_errors}},
        },
        "/isshoni/api/designs/{path}/compare": {
            "parameters": [design_path],
            "post": {"operationId": "compareDesign",
                     "summary": "what changed from git HEAD, the last deploy or a named version to the live design",
                     "requestBody": body({"against": {"type": "string", "description": "HEAD, deploy or version:NAME"},
                                          "format": {"enum": ["terraform", "cloudformation"],
                                                     "description": "also diff the generated code"},
                                          "target": {"enum": list(TARGETS), "default": "sandbox"}}, ["against"]),
                     "responses": {"200": json_body({"type": "object", "properties": {
                         "against": {"type": "string"}, "label": {"type": "string"},
                         "same": {"type": "boolean", "description": "true when nothing but canvas positions differ"},
                         "design": {"type": "object", "description": "the other side's content"},
                         "diff": {"type": "object", "description": "isshoni diff --format json"},
                         "code": {"type": "string", "description": "unified diff of the generated code"}},
                         "required": ["against", "label", "same", "design", "diff"]}, "the comparison"), **design_errors}},
        },
    }
