"""CloudFormation engine: one stack per design, tagged as Isshoni's.

Create streams the stack events; an update goes through a change set that
is shown (and approved) before it is executed; a canary step is a
parameter-only update.  Against the sandbox, moto runs a stack operation
synchronously inside the API call and does not roll back a failed create, so
the engine reports the error from the call and cleans up itself.
"""

from __future__ import annotations

import json
import re
import time

from botocore.exceptions import ClientError

from ...compiler import cloudformation as cfn_emit
from ...compiler.names import cfn_identifier
from .. import awserrors
from ..awserrors import SERVICE_ERRORS
from .base import Cancelled, Context, DeployFailed, Engine, Found, NotOurs

TAG = "isshoni:design"
INLINE_LIMIT = 51_200
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]
BROKEN = "SANDBOX_BROKEN"
NO_CHANGES = ("didn't contain changes", "No updates are to be performed", "no changes")


def stack_name(design_name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9-]+", "-", design_name).strip("-") or "design"
    return f"isshoni-{cleaned}"[:128]


def error_text(exc: Exception) -> str:
    """What AWS (or the sandbox) said, plain words first."""
    return awserrors.describe(exc)


class CloudFormation(Engine):
    name = "cloudformation"

    # ------------------------------------------------------------ helpers
    def _cf(self, ctx: Context):
        return ctx.target.client("cloudformation")

    def _stack(self, ctx: Context) -> dict | None:
        try:
            stacks = self._cf(ctx).describe_stacks(StackName=stack_name(ctx.name))["Stacks"]
        except SERVICE_ERRORS as exc:
            if _gone(exc):
                return None
            if ctx.target.is_sandbox:
                # moto cannot describe a stack whose create raised half-way: it is ours (by name) and broken
                return {"StackName": stack_name(ctx.name), "StackId": stack_name(ctx.name), "StackStatus": BROKEN, "Tags": []}
            raise
        return stacks[0] if stacks else None

    def _template(self, ctx: Context) -> str:
        body = json.dumps(cfn_emit.template(ctx.resolved), separators=(",", ":"))
        if not ctx.target.is_sandbox and len(body.encode()) > INLINE_LIMIT:
            raise DeployFailed(
                f"the template is {len(body.encode()):,} bytes; CloudFormation takes at most {INLINE_LIMIT:,} inline "
                "and staging templates in S3 is not supported yet: use the terraform engine"
            )
        return body

    def _param_names(self, ctx: Context) -> dict[str, str]:
        return {cfn_identifier(v.name): v.name for v in ctx.resolved.variables}

    def _parameters(self, ctx: Context, params: dict | None, existing: dict | None) -> list[dict]:
        params = params or {}
        out = []
        previous = {p["ParameterKey"]: p.get("ParameterValue") for p in (existing or {}).get("Parameters", [])}
        for var in ctx.resolved.variables:
            key = cfn_identifier(var.name)
            if var.name in params:
                out.append({"ParameterKey": key, "ParameterValue": _param_text(params[var.name])})
            elif existing and var.name in ctx.sticky and key in previous:
                out.append(_previous(key, previous[key]))
        return out

    def _tags(self, ctx: Context) -> list[dict]:
        return [{"Key": TAG, "Value": ctx.name}, {"Key": "isshoni:managed-by", "Value": "isshoni"}]

    def _seen(self, ctx: Context, stack_id: str) -> set[str]:
        try:
            return {e["EventId"] for e in self._events(ctx, stack_id)}
        except SERVICE_ERRORS:
            return set()

    def _events(self, ctx: Context, stack_id: str, known: set[str] | None = None) -> list[dict]:
        """Stack events, newest first; with `known`, only the ones newer than the newest known one
        (pages stop there, so long-lived stacks are not re-read on every poll)."""
        events = []
        for page in self._cf(ctx).get_paginator("describe_stack_events").paginate(StackName=stack_id):
            for event in page["StackEvents"]:
                if known and event["EventId"] in known:
                    return events
                events.append(event)
        return events

    def _wait(self, ctx: Context, stack_id: str, seen: set[str], total: int) -> dict:
        """Stream new stack events until the stack leaves *_IN_PROGRESS; return the stack."""
        delay = 0.2 if ctx.target.is_sandbox else 3.0
        done = 0
        while True:
            stack = self._cf(ctx).describe_stacks(StackName=stack_id)["Stacks"][0]
            fresh = self._events(ctx, stack_id, seen)
            for event in reversed(fresh):
                seen.add(event["EventId"])
                status = event.get("ResourceStatus", "")
                if event.get("ResourceType") != "AWS::CloudFormation::Stack" and status.endswith("_COMPLETE"):
                    done += 1
                reason = event.get("ResourceStatusReason")
                ctx.job.emit(
                    "resource",
                    f"{event['LogicalResourceId']} {event.get('ResourceType', '')} {status}" + (f": {reason}" if reason else ""),
                    resource=event["LogicalResourceId"],
                    status=status,
                    progress=[min(done, total), total] if total else None,
                )
            if not stack["StackStatus"].endswith("_IN_PROGRESS"):
                return stack
            time.sleep(delay)

    def _failure_reason(self, ctx: Context, stack_id: str, seen_before: set[str]) -> str:
        failures = [
            e for e in reversed(self._events(ctx, stack_id))
            if e["EventId"] not in seen_before
            and e.get("ResourceStatus", "").endswith("_FAILED")
            and e.get("ResourceStatusReason")
            and "cancelled" not in e["ResourceStatusReason"].lower()
        ]
        if failures:
            first = failures[0]
            return f"{first['LogicalResourceId']} ({first.get('ResourceType')}): {awserrors.plain(first['ResourceStatusReason'])}"
        return "the stack operation failed without a reason"

    def _resource_list(self, ctx: Context) -> list[dict]:
        out = []
        for page in self._cf(ctx).get_paginator("list_stack_resources").paginate(StackName=stack_name(ctx.name)):
            out.extend(page["StackResourceSummaries"])
        return out

    # ------------------------------------------------------------ interface
    def exists(self, ctx: Context) -> bool:
        return self._stack(ctx) is not None

    def apply(self, ctx: Context, params: dict | None = None) -> None:
        from ..artifacts import stage_code

        params = stage_code(ctx, params)  # Lambda code zips the template reads from S3
        body = self._template(ctx)
        stack = self._stack(ctx)
        if stack and stack["StackStatus"] in ("ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "CREATE_FAILED", "DELETE_FAILED", BROKEN):
            ctx.job.emit("stack", f"stack {stack['StackName']} is {stack['StackStatus']} and cannot be updated: deleting it first")
            try:
                self.destroy(ctx)
            except DeployFailed as exc:
                if not ctx.target.is_sandbox:
                    raise
                ctx.job.emit("warning", f"{exc.reason}: creating it again")
            stack = None
        if stack and stack["StackStatus"].endswith("_IN_PROGRESS"):
            raise DeployFailed(f"stack {stack['StackName']} is busy ({stack['StackStatus']}); try again when it settles")
        if stack is None:
            self._create(ctx, body, params)
        else:
            self._update(ctx, stack, body, params)

    def _create(self, ctx: Context, body: str, params: dict | None) -> None:
        cf, name = self._cf(ctx), stack_name(ctx.name)
        total = sum(1 for p in ctx.resolved.parts if p.cfn_type)
        ctx.job.emit("stack", f"creating stack {name} ({total} resources)", progress=[0, total])
        try:
            stack_id = cf.create_stack(
                StackName=name, TemplateBody=body, Parameters=self._parameters(ctx, params, None),
                Capabilities=CAPABILITIES, Tags=self._tags(ctx), OnFailure="ROLLBACK",
            )["StackId"]
        except SERVICE_ERRORS as exc:
            # AWS validates before creating anything; moto creates synchronously and raises mid-way,
            # without saying which resource failed: name the ones the error can be about
            reason = error_text(exc)
            raise DeployFailed(reason + _suspects(ctx, reason)) from None
        final = self._wait(ctx, stack_id, set(), total)
        status = final["StackStatus"]
        if status != "CREATE_COMPLETE":
            reason = self._failure_reason(ctx, stack_id, set())
            raise DeployFailed(f"stack {status}: {reason}", rolled_back=status == "ROLLBACK_COMPLETE")
        self._list_resources(ctx, total)

    def _list_resources(self, ctx: Context, total: int) -> None:
        """moto's stacks emit no per-resource events: list the resources once so the job shows them."""
        if not ctx.target.is_sandbox:
            return
        for done, item in enumerate(self._resource_list(ctx), 1):
            ctx.job.emit(
                "resource",
                f"{item['LogicalResourceId']} {item['ResourceType']} {item['ResourceStatus']} (from the stack's resource list)",
                resource=item["LogicalResourceId"], status=item["ResourceStatus"], progress=[min(done, total), total], record=False,
            )

    def _update(self, ctx: Context, stack: dict, body: str, params: dict | None) -> None:
        cf, name = self._cf(ctx), stack["StackName"]
        change_set = f"isshoni-{ctx.job.id}"[:128]
        parameters = self._parameters(ctx, params, stack)
        try:
            cf.create_change_set(
                StackName=name, ChangeSetName=change_set, TemplateBody=body, Parameters=parameters,
                Capabilities=CAPABILITIES, Tags=self._tags(ctx), ChangeSetType="UPDATE",
            )
            described = self._wait_change_set(ctx, name, change_set)
        except SERVICE_ERRORS as exc:
            raise DeployFailed(error_text(exc)) from None
        if described["Status"] == "FAILED":
            reason = described.get("StatusReason", "")
            self._drop_change_set(ctx, name, change_set)
            if any(marker in reason for marker in NO_CHANGES):
                ctx.job.emit("plan", "no changes: the stack already matches the design")
                return
            raise DeployFailed(f"change set failed: {reason}")
        plan = self._show_change_set(ctx, described, stack, parameters)
        if not ctx.approve(plan):
            self._drop_change_set(ctx, name, change_set)
            raise Cancelled("the change set was not approved")
        seen = self._seen(ctx, stack["StackId"])
        try:
            cf.execute_change_set(StackName=name, ChangeSetName=change_set)
        except SERVICE_ERRORS as exc:
            raise DeployFailed(error_text(exc)) from None
        final = self._wait(ctx, stack["StackId"], seen, len(described.get("Changes", [])))
        if final["StackStatus"] != "UPDATE_COMPLETE":
            reason = self._failure_reason(ctx, stack["StackId"], seen)
            raise DeployFailed(f"stack {final['StackStatus']}: {reason}", rolled_back=final["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE")

    def _wait_change_set(self, ctx: Context, name: str, change_set: str) -> dict:
        delay = 0.2 if ctx.target.is_sandbox else 2.0
        while True:
            described = self._cf(ctx).describe_change_set(StackName=name, ChangeSetName=change_set)
            if described["Status"] in ("CREATE_COMPLETE", "FAILED", "DELETE_COMPLETE"):
                return described
            time.sleep(delay)

    def _drop_change_set(self, ctx: Context, name: str, change_set: str) -> None:
        try:
            self._cf(ctx).delete_change_set(StackName=name, ChangeSetName=change_set)
        except ClientError:
            pass

    def _show_change_set(self, ctx: Context, described: dict, stack: dict, parameters: list[dict]) -> str:
        lines = [f"change set {described.get('ChangeSetName')} for stack {stack['StackName']}:"]
        changes = described.get("Changes", [])
        for change in changes:
            rc = change.get("ResourceChange", {})
            replace = f" (replacement: {rc['Replacement']})" if rc.get("Replacement") not in (None, "False") else ""
            lines.append(f"  {rc.get('Action', '?'):<8} {rc.get('LogicalResourceId')} {rc.get('ResourceType', '')}{replace}")
        if not changes:
            note = " (the sandbox does not compute resource changes)" if ctx.target.is_sandbox else ""
            lines.append(f"  no resource-level changes listed{note}")
        old = {p["ParameterKey"]: p.get("ParameterValue") for p in stack.get("Parameters", [])}
        for p in parameters:
            if "ParameterValue" in p and old.get(p["ParameterKey"]) != p["ParameterValue"]:
                lines.append(f"  parameter {p['ParameterKey']}: {old.get(p['ParameterKey'])} -> {p['ParameterValue']}")
        text = "\n".join(lines)
        for line in lines:
            ctx.job.emit("plan", line.strip(), record=len(lines) <= 8)
        return text

    def preview(self, ctx: Context) -> dict:
        """A change set (CREATE when there is no stack yet), described and deleted unexecuted, and the
        template diff against the stack's deployed template."""
        from ..preview_text import template_diff

        cf, name = self._cf(ctx), stack_name(ctx.name)
        body = self._template(ctx)
        stack = self._stack(ctx)
        if stack and stack["StackStatus"] in (BROKEN, "ROLLBACK_COMPLETE") or (stack and stack["StackStatus"].endswith("_IN_PROGRESS")):
            raise DeployFailed(f"stack {name} is {stack['StackStatus']}: a deploy replaces or waits for it, nothing to preview")
        change_set = f"isshoni-preview-{ctx.job.id}"[:128]
        kind = "UPDATE" if stack else "CREATE"
        deployed = cf.get_template(StackName=name)["TemplateBody"] if stack else None
        try:
            cf.create_change_set(StackName=name, ChangeSetName=change_set, TemplateBody=body, ChangeSetType=kind,
                                 Parameters=self._parameters(ctx, None, stack), Capabilities=CAPABILITIES, Tags=self._tags(ctx))
            described = self._wait_change_set(ctx, name, change_set)
        except SERVICE_ERRORS as exc:
            raise DeployFailed(f"the change set could not be made: {error_text(exc)}") from None
        finally:
            self._drop_change_set(ctx, name, change_set)
            if kind == "CREATE":  # a CREATE change set leaves an empty stack in REVIEW_IN_PROGRESS
                try:
                    cf.delete_stack(StackName=name)
                except SERVICE_ERRORS as exc:
                    ctx.job.emit("warning", f"deleting the preview's empty stack: {error_text(exc)}")
        notes = [f"change set {kind} against stack {name}: {described.get('Status')}"
                 + (f" ({described['StatusReason']})" if described.get("StatusReason") else "")]
        changes = [{"action": rc.get("Action", "?"), "resource": rc.get("LogicalResourceId"), "type": rc.get("ResourceType", ""),
                    "replacement": rc.get("Replacement")} for rc in (c.get("ResourceChange", {}) for c in described.get("Changes", []))]
        if stack and not changes and ctx.target.is_sandbox:
            notes.append("the sandbox does not compute resource changes for an update: the template diff shows them")
        return {"changes": changes, "diff": template_diff(deployed, body, name), "notes": notes}

    def set_params(self, ctx: Context, params: dict, parts: list[str]) -> None:
        """Parameter-only update (the template stays): one UpdateStack, no change set round trips."""
        cf = self._cf(ctx)
        stack = self._stack(ctx)
        if stack is None:
            raise DeployFailed(f"stack {stack_name(ctx.name)} does not exist: deploy first")
        given = {cfn_identifier(k): _param_text(v) for k, v in params.items()}
        parameters = [
            {"ParameterKey": p["ParameterKey"], "ParameterValue": given[p["ParameterKey"]]}
            if p["ParameterKey"] in given else _previous(p["ParameterKey"], p.get("ParameterValue"))
            for p in stack.get("Parameters", [])
        ]
        seen = self._seen(ctx, stack["StackId"])
        try:
            cf.update_stack(StackName=stack["StackName"], UsePreviousTemplate=True, Parameters=parameters, Capabilities=CAPABILITIES)
        except ClientError as exc:
            if any(marker in str(exc) for marker in NO_CHANGES):
                return
            raise DeployFailed(error_text(exc)) from None
        final = self._wait(ctx, stack["StackId"], seen, len(parts))
        if final["StackStatus"] != "UPDATE_COMPLETE":
            raise DeployFailed(f"stack {final['StackStatus']}: {self._failure_reason(ctx, stack['StackId'], seen)}",
                               rolled_back=final["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE")

    def current_params(self, ctx: Context) -> dict:
        stack = self._stack(ctx)
        names = self._param_names(ctx)
        return {names.get(p["ParameterKey"], p["ParameterKey"]): p.get("ParameterValue") for p in (stack or {}).get("Parameters", [])}

    def outputs(self, ctx: Context) -> dict:
        stack = self._stack(ctx)
        names = {cfn_identifier(o.name): o.name for o in ctx.resolved.outputs}
        return {names.get(o["OutputKey"], o["OutputKey"]): o.get("OutputValue") for o in (stack or {}).get("Outputs", [])}

    def inventory(self, ctx: Context) -> dict[str, Found]:
        stack = self._stack(ctx)
        if stack is None or stack["StackStatus"] == BROKEN:
            return {}  # a broken sandbox stack cannot list its resources: the sweep finds them
        lids = {p.cfn_name: p.lid for p in ctx.resolved.parts if p.cfn_type}
        found = {}
        for item in self._resource_list(ctx):
            lid = lids.get(item["LogicalResourceId"])
            if lid and not item.get("ResourceStatus", "").startswith("DELETE"):
                found[lid] = Found(item.get("PhysicalResourceId"), item["ResourceType"], {"status": item.get("ResourceStatus")})
        return found

    def destroy(self, ctx: Context) -> None:
        stack = self._stack(ctx)
        if stack is None:
            ctx.job.emit("stack", f"no stack {stack_name(ctx.name)}: nothing for CloudFormation to delete")
            return
        tags = {t["Key"]: t["Value"] for t in stack.get("Tags", [])}
        if stack["StackStatus"] == BROKEN:
            ctx.job.emit("warning", f"the sandbox cannot describe stack {stack['StackName']} (a create failed half-way): deleting it")
        elif tags.get(TAG) != ctx.name:
            raise NotOurs(f"stack {stack['StackName']} is not tagged {TAG}={ctx.name}: Isshoni did not create it and will not delete it")
        cf = self._cf(ctx)
        seen = self._seen(ctx, stack["StackId"])
        ctx.job.emit("stack", f"deleting stack {stack['StackName']}")
        try:
            cf.delete_stack(StackName=stack["StackId"])
        except SERVICE_ERRORS as exc:
            if not ctx.target.is_sandbox:
                raise DeployFailed(error_text(exc)) from None
            # moto deletes synchronously, stops at the first dependency error and forgets the stack
            raise DeployFailed(f"the sandbox's delete_stack stopped: {error_text(exc)}") from None
        try:
            final = self._wait(ctx, stack["StackId"], seen, 0)
        except SERVICE_ERRORS as exc:
            if _gone(exc):
                return
            raise DeployFailed(error_text(exc)) from None
        if final["StackStatus"] != "DELETE_COMPLETE":
            raise DeployFailed(f"stack {final['StackStatus']}: {self._failure_reason(ctx, stack['StackId'], seen)}")

    def clean_failed_create(self, ctx: Context) -> None:
        try:
            self._cf(ctx).delete_stack(StackName=stack_name(ctx.name))
        except SERVICE_ERRORS as exc:
            ctx.job.emit("warning", f"deleting the failed stack: {error_text(exc)}")


def _previous(key: str, value: str | None) -> dict:
    """Keep a parameter's live value.  The value itself, not UsePreviousValue: moto answers
    HTTP 500 to UsePreviousValue for a parameter that was left at its default.  Masked
    (NoEcho) values can only be kept with UsePreviousValue."""
    if value is None or value == "****":
        return {"ParameterKey": key, "UsePreviousValue": True}
    return {"ParameterKey": key, "ParameterValue": value}


def _param_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _gone(exc: Exception) -> bool:
    """CloudFormation says the stack does not exist (not: some error whose text says so)."""
    return isinstance(exc, ClientError) and "does not exist" in exc.response.get("Error", {}).get("Message", "")


def _suspects(ctx: Context, reason: str) -> str:
    """The design's parts an error without a resource name can be about (a Lambda code zip in S3)."""
    if "code zip" not in reason:
        return ""
    defaults = {v.name: v.default for v in ctx.resolved.variables}
    found = []
    for part in ctx.resolved.parts:
        code = (part.cfn or {}).get("Code") if part.cfn_type == "AWS::Lambda::Function" else None
        if isinstance(code, dict) and "S3Bucket" in code:
            bucket, key = (_literal(code.get(k), defaults) for k in ("S3Bucket", "S3Key"))
            found.append(f"{part.source} reads s3://{bucket}/{key}")
    return f" [{'; '.join(found)}]" if found else ""


def _literal(value, defaults: dict) -> str:
    """A property's value as the stack sees it by default (a variable's default), or `?`."""
    name = getattr(value, "name", None)
    if isinstance(value, str):
        return value
    if name in defaults and defaults[name] is not None:
        return str(defaults[name])
    return "?"
