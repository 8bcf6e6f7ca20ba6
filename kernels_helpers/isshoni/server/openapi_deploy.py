"""The OpenAPI entries of the deploy routes (server/deploying.py), merged into openapi.PATHS.

The helpers come in as arguments so this module does not import openapi.py (which imports it)."""

from __future__ import annotations

from ..deploy.canary import AUTO_STEPS
from ..deploy.engines import ENGINES
from ..deploy.targets import TARGETS

TARGET = {"enum": list(TARGETS), "default": "sandbox",
          "description": "the sandbox (default), or aws when the server allows it (c.IsshoniExtension.really_aws)"}
ENGINE = {"enum": list(ENGINES), "default": "cloudformation"}
STARTED = "the job started: its first record (every canvas follows it in the design's deployments)"


def paths(json_body, ref, design_path: dict, design_errors: dict) -> dict:
    """`json_body(schema, description)` and `ref(name)` are openapi.py's helpers."""
    errors = {**design_errors,
              "403": json_body(ref("Error"), "not signed in, or the server's authorizer refuses 'execute' on "
                               "'isshoni:deploy' (or target aws on a server that does not allow it)"),
              "409": json_body(ref("Error"), "a job is already running on this design or deployment, or its state "
                               "does not allow this (not deployed, no canary, deployed with another engine)")}
    job = json_body({"type": "object", "properties": {"job": {"type": "object", "description": "the job record"}},
                     "required": ["job"]}, STARTED)

    def action(op: str, summary: str, props: dict, required: list[str] | None = None, description: str = "",
               reply: dict | None = None, code: str = "202") -> dict:
        schema = {"type": "object", "properties": props, "additionalProperties": False, **({"required": required} if required else {})}
        entry = {"operationId": op, "summary": summary,
                 "requestBody": {"content": {"application/json": {"schema": schema}}, "required": bool(required)},
                 "responses": {code: reply or job, **errors}}
        if description:
            entry["description"] = description
        return {"parameters": [design_path], "post": entry}

    change = {"type": "object", "properties": {
        "action": {"type": "string", "description": "Add, Modify, Remove (CloudFormation); create, update, delete, replace (Terraform)"},
        "resource": {"type": "string", "description": "the engine's name: logical id or Terraform address"},
        "node": {"type": ["string", "null"], "description": "the design resource or connection it comes from"},
        "type": {"type": "string"}, "replacement": {"type": ["string", "null"]}}}
    preview = json_body({"type": "object", "properties": {
        "supported": {"type": "boolean", "description": "false (with why) when the engine cannot plan here"},
        "why": {"type": "string"}, "target": {"type": "string"}, "engine": {"type": "string"},
        "changes": {"type": "array", "items": change},
        "diff": {"type": "string", "description": "unified diff of the deployed and planned template, or terraform show of the plan"},
        "notes": {"type": "array", "items": {"type": "string"}}, "seconds": {"type": "number"}},
        "required": ["supported", "target", "engine"]}, "the plan; nothing was changed")
    return {
        "/isshoni/api/me": {"get": {
            "operationId": "getMe", "summary": "the signed-in user, their role and what the canvas may offer them",
            "responses": {"200": json_body({"type": "object", "properties": {
                "name": {"type": "string"}, "can_deploy": {"type": "boolean"},
                "role": {"type": ["string", "null"], "enum": ["viewer", "editor", "deployer", None],
                         "description": "null under an authorizer without Isshoni's roles (docs/jupyterhub.md)"},
                "role_from": {"type": "string", "description": "where the role came from: a user entry, a group, the owner, the default"},
                "can_edit": {"type": "boolean", "description": "false for a viewer: the room drops their document updates"},
                "targets": {"type": "array", "items": {"type": "string"}},
                "engines": {"type": "array", "items": {"type": "string"}},
                "canary_steps": {"type": "array", "items": {"type": "integer"}}},
                "required": ["name", "can_deploy", "role", "can_edit"]}, "the user's permissions"),
                "403": design_errors["403"]}}},
        "/isshoni/api/designs/{path}/deploy": action(
            "deploy", "deploy (or update) the live design", {"target": TARGET, "engine": ENGINE},
            description="Runs in a child process of the server with a deadline; records stream into the design's "
            "deployments, signed with the user's name, with per-node progress (`nodes`)."),
        "/isshoni/api/designs/{path}/deploy/preview": action(
            "previewDeploy", "what a deploy would change: a change set or terraform plan, as a diff",
            {"target": TARGET, "engine": ENGINE}, reply=preview, code="200"),
        "/isshoni/api/designs/{path}/destroy": action(
            "destroy", "delete the deployment (typed confirmation: the design's name)",
            {"target": TARGET, "engine": {"enum": list(ENGINES)}, "confirm": {"type": "string"}}, ["confirm"]),
        "/isshoni/api/designs/{path}/canary": action(
            "canary", "one blue/green step (green %) or the automatic walk",
            {"target": TARGET, "green": {"enum": list(AUTO_STEPS)}, "auto": {"type": "boolean"},
             "accept_unchecked": {"type": "boolean", "description": "auto: walk on past steps whose health could not be checked"}},
            description="Send either green or auto: true."),
        "/isshoni/api/designs/{path}/rollback": action(
            "rollback", "all traffic back to blue at once", {"target": TARGET}),
        "/isshoni/api/designs/{path}/drift": action(
            "checkDrift", "does what runs still match the design? (reads the deployment, changes nothing)",
            {"target": TARGET}, reply=_drift(json_body), code="200",
            description="Describe calls per deployed part (and Terraform's refresh-only plan), compared with the live "
            "design; what the target had dropped at the deploy is not drift. Runs in a child process with a deadline."),
    }


def _drift(json_body) -> dict:
    difference = {"type": "object", "properties": {
        "setting": {"type": "string"}, "path": {"type": "string", "description": "where it is in the part's template"},
        "design": {}, "live": {}, "part": {"type": "string"}, "type": {"type": "string"},
        "property": {"type": "string", "description": "the design property adopting writes (absent: it cannot)"},
        "value": {}, "why": {"type": "string", "description": "why the design cannot hold the live value"}},
        "required": ["setting", "design", "live", "part"]}
    node = {"type": "object", "properties": {
        "type": {"type": "string"},
        "status": {"enum": ["in sync", "drifted", "deleted", "not deployed", "not checked"]},
        "differences": {"type": "array", "items": difference}, "notes": {"type": "array", "items": {"type": "string"}},
        "adopt": {"type": "object", "description": "{set: {property: value}} or {remove: node}"},
        "changed_since_deploy": {"type": "boolean"}}, "required": ["status", "differences"]}
    return json_body({"type": "object", "properties": {
        "design": {"type": "string"}, "target": {"type": "string"}, "engine": {"type": "string"}, "region": {"type": "string"},
        "nodes": {"type": "object", "additionalProperties": node},
        "counts": {"type": "object", "additionalProperties": {"type": "integer"}, "description": "add up to the design's nodes"},
        "unmanaged": {"type": "object", "description": "resources tagged as this design's that the deployment does not hold"},
        "known_at_deploy": {"type": "integer", "description": "differences already there when the deploy ended (not drift)"},
        "notes": {"type": "array", "items": {"type": "string"}}, "seconds": {"type": "number"}},
        "required": ["nodes", "counts", "unmanaged"]}, "the drift report; nothing was changed")
