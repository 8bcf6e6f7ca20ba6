"""Terraform engine: the real `terraform` binary over a per-design working directory.

The working directory (under the state dir) holds the generated module, an
override file with what the target needs (sandbox endpoints, or an S3
backend with a DynamoDB lock for AWS when configured), the canary variables
and the state.  The user-facing generated code never carries any of it.
Before anything runs, every file there passes the safety check.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import time
from pathlib import Path

from ...checks import toolchain
from ...compiler import package
from ...compiler import terraform as tf_emit
from ...compiler.hcl import string
from .. import tfsafety
from ..jobs import pid_alive
from . import tf_orphans
from .base import Cancelled, Context, DeployFailed, Engine, Found, NotOurs

SANDBOX_OVERRIDE = "isshoni_sandbox_override.tf"
BACKEND_OVERRIDE = "isshoni_backend_override.tf"
TFVARS = "isshoni.auto.tfvars.json"
MARKER = ".isshoni-design"
LOCK_TIMEOUT = "-lock-timeout=300s"
# Provider endpoint names (canonical spellings) pointed at the sandbox; anything else is
# stopped by the dead proxy in the sandbox environment, so it can never reach AWS.
ENDPOINTS = (
    "acm", "apigateway", "apigatewayv2", "appautoscaling", "athena", "autoscaling", "cloudfront", "cloudtrail", "cloudwatch",
    "cognitoidp", "dynamodb", "ec2", "ecr", "ecs", "efs", "elasticache", "elbv2", "events", "firehose", "glue",
    "iam", "kinesis", "kms", "lambda", "logs", "opensearch", "rds", "route53", "s3", "scheduler",
    "secretsmanager", "sfn", "sns", "sqs", "ssm", "sts", "wafv2",
)


def _follow(reader, proc, poll: float = 0.1):
    """Complete lines of a file another process is writing, until that process ends."""
    buffer = ""
    while True:
        chunk = reader.readline()
        if chunk:
            buffer += chunk
            if buffer.endswith("\n"):
                yield buffer
                buffer = ""
            continue
        if proc.poll() is not None:
            yield from (buffer + reader.read()).splitlines(keepends=True)
            return
        time.sleep(poll)


_COMPUTED = frozenset({"id", "arn", "tags_all", "last_modified", "etag", "version", "latest_restorable_time", "stream_arn",
                       "stream_label"})


def tf_changes(before, after, path: str = "") -> list[tuple]:
    """(attribute path, before, after) of each leaf that differs; one-element lists (Terraform's
    nested blocks) are looked into; computed bookkeeping attributes are skipped."""
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after) == 1:
        return tf_changes(before[0], after[0], path)
    if isinstance(before, dict) and isinstance(after, dict):
        out = []
        for key in sorted(set(before) | set(after)):
            if not path and key in _COMPUTED:
                continue
            out += tf_changes(before.get(key), after.get(key), f"{path}.{key}" if path else key)
        return out
    if before == after or (before in (None, [], {}, "") and after in (None, [], {}, "")):
        return []
    return [(path, before, after)]


def backend_config() -> dict | None:
    """S3 state + DynamoDB lock for real AWS, when configured (ISSHONI_TF_STATE_BUCKET ...)."""
    bucket = os.environ.get("ISSHONI_TF_STATE_BUCKET")
    if not bucket:
        return None
    return {
        "bucket": bucket,
        "dynamodb_table": os.environ.get("ISSHONI_TF_LOCK_TABLE") or None,
        "region": os.environ.get("ISSHONI_TF_STATE_REGION") or None,
    }


def sandbox_override(url: str) -> str:
    lines = [
        "# Written by Isshoni for a sandbox deploy (not part of the design's code).",
        "# Credentials come from the environment of this run only.",
        'provider "aws" {',
        "  skip_credentials_validation = true",
        "  skip_requesting_account_id  = true",
        "  skip_metadata_api_check     = true",
        "  s3_use_path_style           = true",
        "  endpoints {",
    ]
    width = max(len(s) for s in ENDPOINTS)
    lines += [f"    {service.ljust(width)} = {string(url)}" for service in ENDPOINTS]
    lines += ["  }", "}", ""]
    return "\n".join(lines)


def backend_override(config: dict, key: str, region: str) -> str:
    body = [f"    bucket  = {string(config['bucket'])}", f"    key     = {string(key)}",
            f"    region  = {string(config.get('region') or region)}", "    encrypt = true"]
    if config.get("dynamodb_table"):
        body.append(f"    dynamodb_table = {string(config['dynamodb_table'])}")
    return "\n".join(["# Written by Isshoni: remote state for an AWS deploy.", "terraform {", '  backend "s3" {', *body, "  }", "}", ""])


class Terraform(Engine):
    name = "terraform"

    def __init__(self) -> None:
        super().__init__()
        self.failures: list[tuple[str, str]] = []  # (address, error) of the last run's failed resources

    def unavailable(self, target) -> str | None:
        tools = toolchain.find()
        return tools.missing

    @staticmethod
    def provider_note() -> str:
        mirror = toolchain.find().mirror
        if mirror:
            return f"AWS provider from the mirror {mirror} (works offline)"
        return ("no provider mirror found: terraform init downloads hashicorp/aws from registry.terraform.io "
                "(set ISSHONI_TF_PLUGIN_MIRROR for offline use)")

    # ------------------------------------------------------------ working directory
    def _dir(self, ctx: Context) -> Path:
        folder = ctx.workdir / "terraform"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _write(self, ctx: Context, sticky_values: dict | None = None) -> Path:
        folder = self._dir(ctx)
        marker = folder / MARKER
        if marker.exists() and marker.read_text().strip() != ctx.name:
            raise NotOurs(f"{folder} belongs to design {marker.read_text().strip()!r}")
        for old in list(folder.glob("*.tf")) + list(folder.glob("*.tf.json")):
            old.unlink()
        for stale in folder.glob(".isshoni-run-*.out"):
            pid = stale.stem.rsplit("-", 1)[-1]
            if not pid.isdigit() or not pid_alive(int(pid)):
                stale.unlink(missing_ok=True)
        for name, text in tf_emit.files(ctx.resolved).items():
            (folder / name).write_text(text, encoding="utf-8")
        try:
            package.write(ctx.design, folder)  # the Lambda code zips the module names
        except package.PackageError as exc:
            raise DeployFailed(f"Lambda code could not be packaged: {exc}") from None
        if ctx.target.is_sandbox:
            (folder / SANDBOX_OVERRIDE).write_text(sandbox_override(ctx.target.endpoint), encoding="utf-8")
        else:
            backend = backend_config()
            if backend:
                key = f"isshoni/{ctx.target.region}/{ctx.name}/terraform.tfstate"
                (folder / BACKEND_OVERRIDE).write_text(backend_override(backend, key, ctx.target.region), encoding="utf-8")
        if sticky_values is not None:
            names = {v.name for v in ctx.resolved.variables}
            values = {k: v for k, v in sticky_values.items() if k in names}
            (folder / TFVARS).write_text(json.dumps(values, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        marker.write_text(ctx.name)
        tfsafety.ensure_safe(folder)
        return folder

    def _tfvars(self, ctx: Context) -> dict:
        try:
            return json.loads((self._dir(ctx) / TFVARS).read_text())
        except (OSError, ValueError):
            return {}

    def _env(self, ctx: Context, *, for_init: bool = False) -> dict:
        tools = toolchain.find()
        config = toolchain.cli_config(tools.mirror, self._dir(ctx)) if tools.mirror else None
        env = ctx.target.subprocess_env(toolchain.environment(config))
        if for_init and not tools.mirror:  # the registry must be reachable to install the provider
            for key in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
                env.pop(key, None)
        return env

    # ------------------------------------------------------------ running terraform
    def _run(self, ctx: Context, args: list[str], *, json_lines: bool = True, handler=None, for_init: bool = False):
        """Run terraform, streaming its JSON messages to `handler`; returns (code, errors, text).

        Terraform runs in its own session and writes to a file that this process tails, never
        to a pipe.  If this process is killed, terraform is not: it finishes the operation and
        saves its state (interrupting it would cancel in-flight creates, leaving resources that
        exist but are in no state), and the next job waits for its state lock.  A person's
        Ctrl-C (or SIGTERM) is forwarded as one SIGINT: terraform's own graceful stop."""
        tools = toolchain.find()
        if tools.missing:
            raise DeployFailed(f"terraform engine unavailable: {tools.missing}")
        folder = self._dir(ctx)
        cmd = [tools.terraform, *args]
        ctx.job.log("$ " + " ".join(["terraform", *args]))
        raw = folder / f".isshoni-run-{os.getpid()}.out"
        started = time.monotonic()
        errors: list[str] = []
        text: list[str] = []
        with open(raw, "w", encoding="utf-8") as sink:
            proc = subprocess.Popen(cmd, cwd=folder, env=self._env(ctx, for_init=for_init), stdout=sink, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        ctx.job.result["terraform_pid"] = proc.pid  # recover() tells whether it outlived a killed job
        ctx.job.flush(force=True)
        try:
            with open(raw, encoding="utf-8", errors="replace") as reader:
                for line in _follow(reader, proc):
                    self._line(ctx, line, json_lines, handler, errors, text)
            code = proc.wait()
        except KeyboardInterrupt:
            proc.send_signal(signal.SIGINT)  # terraform's graceful stop: it saves its state
            try:
                proc.wait(timeout=300)
            except KeyboardInterrupt:
                proc.send_signal(signal.SIGKILL)
            raise Cancelled("interrupted; terraform stopped and saved its state") from None
        finally:
            self.timings[args[0]] = round(self.timings.get(args[0], 0.0) + time.monotonic() - started, 2)
            ctx.job.result.pop("terraform_pid", None)
            if proc.poll() is not None:
                raw.unlink(missing_ok=True)
        return code, errors, "".join(text)

    def _line(self, ctx: Context, line: str, json_lines: bool, handler, errors: list[str], text: list[str]) -> None:
        message = None
        if json_lines and line.startswith("{"):
            try:
                message = json.loads(line)
            except ValueError:
                message = None
        if message is None:
            ctx.job.log(line)
            text.append(line)
            return
        ctx.job.log(message.get("@message", ""))
        if message.get("type") == "diagnostic":
            diag = message.get("diagnostic", {})
            detail = (diag.get("detail") or "").strip().replace("\n", " ")
            where = (diag.get("range") or {}).get("filename")
            summary = f"{diag.get('summary', '')}{': ' + detail if detail else ''}{f' ({where})' if where else ''}"
            if diag.get("severity") == "error":
                errors.append(summary)
                self.failures.append((diag.get("address") or "", summary))
                ctx.job.emit("error", summary, resource=(diag.get("address") or None))
            elif "targeting" not in summary.lower() and "incomplete" not in summary.lower():
                ctx.job.emit("warning", summary)
        elif handler:
            handler(message)

    def _init(self, ctx: Context) -> None:
        started = time.monotonic()
        args = ["init", "-input=false", "-no-color"]
        if (self._dir(ctx) / BACKEND_OVERRIDE).exists():
            args.append("-reconfigure")
        code, _errors, text = self._run(ctx, args, json_lines=False, for_init=True)
        if code != 0:
            tail = " ".join(text.strip().splitlines()[-4:])[:600]
            hint = "" if toolchain.find().mirror else (
                " (no provider mirror found: set ISSHONI_TF_PLUGIN_MIRROR to a folder holding "
                "registry.terraform.io/hashicorp/aws, or allow access to registry.terraform.io)"
            )
            raise DeployFailed(f"terraform init failed{hint}: {tail}")
        ctx.job.emit("init", f"terraform init ({time.monotonic() - started:.1f} s)")

    def _progress_handler(self, ctx: Context, totals: dict):
        def handle(message: dict) -> None:
            kind = message.get("type")
            if kind == "planned_change":
                change = message.get("change", {})
                ctx.job.emit("plan", f"{change.get('action', '?')} {change.get('resource', {}).get('addr', '?')}",
                             resource=change.get("resource", {}).get("addr"), record=False)
                totals.setdefault("lines", []).append(f"{change.get('action', '?')} {change.get('resource', {}).get('addr', '?')}")
            elif kind == "change_summary":
                changes = message.get("changes", {})
                if changes.get("operation") == "plan":
                    totals["total"] = changes.get("add", 0) + changes.get("change", 0) + changes.get("remove", 0)
                    totals["summary"] = message.get("@message", "")
                ctx.job.emit("summary", message.get("@message", ""), changes=changes)
            elif kind in ("apply_start", "apply_complete", "apply_errored"):
                hook = message.get("hook", {})
                addr = hook.get("resource", {}).get("addr", "")
                if addr.startswith("data."):
                    return
                if kind != "apply_start":
                    totals["done"] = totals.get("done", 0) + 1
                total = totals.get("total") or 0
                ctx.job.emit(
                    "error" if kind == "apply_errored" else "resource",
                    message.get("@message", addr),
                    record=kind != "apply_start",
                    resource=addr,
                    status={"apply_start": "IN_PROGRESS", "apply_complete": "COMPLETE", "apply_errored": "FAILED"}[kind],
                    progress=[min(totals.get("done", 0), total), total] if total and kind != "apply_start" else None,
                )

        return handle

    # ------------------------------------------------------------ interface
    def _raw_state(self, ctx: Context) -> dict:
        folder = self._dir(ctx)
        if (folder / BACKEND_OVERRIDE).exists():
            if not (folder / ".terraform").exists():
                return {}  # not initialised yet: nothing this machine can read
            code, errors, text = self._run(ctx, ["state", "pull"], json_lines=False)
            if code != 0:
                raise DeployFailed("terraform state pull failed: " + (text.strip()[-400:] or "; ".join(errors)))
            return json.loads(text) if text.strip() else {}
        try:
            return json.loads((folder / "terraform.tfstate").read_text())
        except (OSError, ValueError):
            return {}

    def exists(self, ctx: Context) -> bool:
        return any(r.get("instances") for r in self._raw_state(ctx).get("resources", []) if r.get("mode") == "managed")

    def apply(self, ctx: Context, params: dict | None = None, retried: bool = False) -> None:
        sticky = {k: v for k, v in self._tfvars(ctx).items() if k in ctx.sticky}
        sticky.update(params or {})
        self._write(ctx, sticky)
        self._init(ctx)
        totals: dict = {}
        plan_file = "tfplan"
        code, errors, _ = self._run(
            ctx, ["plan", "-input=false", "-no-color", "-json", LOCK_TIMEOUT, f"-out={plan_file}"],
            handler=self._progress_handler(ctx, totals),
        )
        if code != 0:
            raise DeployFailed("terraform plan failed: " + "; ".join(errors[:3] or ["see the job log"]))
        plan_text = "\n".join(totals.get("lines", []) + [totals.get("summary", "")])
        if not totals.get("total"):
            ctx.job.emit("plan", "no changes: the infrastructure already matches the design")
            return
        if not ctx.approve(plan_text):
            raise Cancelled("the plan was not approved")
        self.failures = []
        code, errors, _ = self._run(ctx, ["apply", "-input=false", "-no-color", "-json", LOCK_TIMEOUT, plan_file],
                                    handler=self._progress_handler(ctx, totals))
        (self._dir(ctx) / plan_file).unlink(missing_ok=True)
        if code != 0 and not retried and self._take_back_orphans(ctx):
            return self.apply(ctx, params, retried=True)
        if code != 0:
            raise DeployFailed("terraform apply failed: " + "; ".join(errors[:3] or ["see the job log"]))
        self._settle(ctx)

    def _take_back_orphans(self, ctx: Context) -> bool:
        """Import what an interrupted or retried apply made but never recorded (tf_orphans.py); True
        when everything that failed as already there was taken back (the apply is then worth running again)."""
        duplicated = tf_orphans.duplicated_rules(self.failures)
        named = tf_orphans.already_made(self.failures)
        if not duplicated and not named:
            return False
        # a rule's id is looked up in AWS one at a time, and not at all after one is not found
        for address, ident in itertools.chain(((a, tf_orphans.rule_id(ctx, self, a)) for a in duplicated), named):
            if ident is None:
                return False
            code, errors, _ = self._run(ctx, ["import", "-input=false", "-no-color", LOCK_TIMEOUT, address, ident], json_lines=False)
            if code != 0:
                return False
            ctx.job.emit("recovered", f"{address}: {ident} existed without being in Terraform's state (made by an "
                         "interrupted or retried create): imported, applying again", resource=address)
        return True

    def _settle(self, ctx: Context) -> None:
        """`terraform apply -refresh-only`: the state takes in what the resources made after each
        other set on each other (a rule on a group, an attachment on a gateway), so a later
        refresh-only plan shows only what changed outside Terraform (drifted())."""
        code, errors, _ = self._run(ctx, ["apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color", "-json",
                                          LOCK_TIMEOUT])
        if code != 0:
            ctx.job.emit("warning", "terraform apply -refresh-only failed after the deploy: a drift check may show "
                         "attributes Terraform has not read since: " + "; ".join(errors[:2] or ["see the job log"]))

    def preview(self, ctx: Context) -> dict:
        """`terraform plan` into a plan file (nothing applied), its changes from the JSON stream and its
        diff as `terraform show` prints it."""
        sticky = {k: v for k, v in self._tfvars(ctx).items() if k in ctx.sticky}
        self._write(ctx, sticky)
        self._init(ctx)
        totals: dict = {}
        plan_file = "isshoni-preview.tfplan"
        try:
            code, errors, _ = self._run(ctx, ["plan", "-input=false", "-no-color", "-json", LOCK_TIMEOUT, f"-out={plan_file}"],
                                        handler=self._progress_handler(ctx, totals))
            if code != 0:
                raise DeployFailed("terraform plan failed: " + "; ".join(errors[:3] or ["see the job log"]))
            code, errors, text = self._run(ctx, ["show", "-no-color", plan_file], json_lines=False)
            if code != 0:
                raise DeployFailed("terraform show failed: " + (text.strip()[-400:] or "; ".join(errors)))
        finally:
            (self._dir(ctx) / plan_file).unlink(missing_ok=True)
        changes = []
        for line in totals.get("lines", []):
            action, _, address = line.partition(" ")
            changes.append({"action": action, "resource": address, "type": address.split(".")[0], "replacement": None})
        return {"changes": changes, "diff": text.rstrip(), "notes": [totals.get("summary") or "terraform plan: no changes"]}

    def drifted(self, ctx: Context) -> dict[str, list[dict]]:
        """What Terraform sees changed outside it: `terraform plan -refresh-only` into a plan file
        (the state is not written), its `resource_drift` read with `terraform show -json`, as
        {part lid: [{"setting", "path", "design", "live", "side": "tf"}]} (a deleted resource: path "")."""
        self._write(ctx, self._tfvars(ctx))
        self._init(ctx)
        plan_file = "isshoni-drift.tfplan"
        try:
            code, errors, _ = self._run(ctx, ["plan", "-refresh-only", "-input=false", "-no-color", "-json", LOCK_TIMEOUT,
                                              f"-out={plan_file}"])
            if code != 0:
                raise DeployFailed("terraform plan -refresh-only failed: " + "; ".join(errors[:3] or ["see the job log"]))
            code, errors, text = self._run(ctx, ["show", "-json", "-no-color", plan_file], json_lines=False)
            if code != 0:
                raise DeployFailed("terraform show failed: " + (text.strip()[-400:] or "; ".join(errors)))
        finally:
            (self._dir(ctx) / plan_file).unlink(missing_ok=True)
        lids = {f"{p.tf_type}.{p.tf_name}": p.lid for p in ctx.resolved.parts if p.tf_type}
        out: dict[str, list[dict]] = {}
        for item in (json.loads(text) if text.strip() else {}).get("resource_drift", []):
            lid = lids.get(f"{item.get('type')}.{item.get('name')}")
            change = item.get("change") or {}
            if not lid:
                continue
            if "delete" in change.get("actions", []) or change.get("after") is None:
                out.setdefault(lid, []).append({"setting": "terraform: resource", "path": "", "design": "exists",
                                                "live": "deleted", "side": "tf"})
                continue
            for path, before, after in tf_changes(change.get("before") or {}, change.get("after") or {}):
                out.setdefault(lid, []).append({"setting": f"terraform: {path}", "path": path, "design": before,
                                                "live": after, "side": "tf"})
        return out

    def set_params(self, ctx: Context, params: dict, parts: list[str]) -> None:
        values = self._tfvars(ctx)
        values.update(params)
        self._write(ctx, values)
        addrs = [f"{p.tf_type}.{p.tf_name}" for p in ctx.resolved.parts if p.lid in parts and p.tf_type]
        args = ["apply", "-auto-approve", "-input=false", "-no-color", "-json", LOCK_TIMEOUT, "-refresh=false"]
        args += [f"-target={a}" for a in addrs]
        code, errors, _ = self._run(ctx, args, handler=self._progress_handler(ctx, {"total": len(addrs)}))
        if code != 0:
            raise DeployFailed("terraform apply failed: " + "; ".join(errors[:3] or ["see the job log"]))

    def current_params(self, ctx: Context) -> dict:
        values = {v.name: v.default for v in ctx.resolved.variables}
        values.update(self._tfvars(ctx))
        return values

    def outputs(self, ctx: Context) -> dict:
        """`terraform output -json` (no provider needed; works with the S3 backend too)."""
        if not (self._dir(ctx) / ".terraform").exists():
            return {}
        code, errors, text = self._run(ctx, ["output", "-json", "-no-color"], json_lines=False)
        if code != 0:
            raise DeployFailed("terraform output failed: " + (text.strip()[-400:] or "; ".join(errors)))
        return {k: v.get("value") for k, v in (json.loads(text) if text.strip() else {}).items()}

    def inventory(self, ctx: Context) -> dict[str, Found]:
        lids = {f"{p.tf_type}.{p.tf_name}": p.lid for p in ctx.resolved.parts if p.tf_type}
        found = {}
        for res in self._raw_state(ctx).get("resources", []):
            if res.get("mode") != "managed" or not res.get("instances"):
                continue
            lid = lids.get(f"{res['type']}.{res['name']}")
            if lid:
                attrs = res["instances"][0].get("attributes") or {}
                found[lid] = Found(attrs.get("id"), res["type"], attrs)
        return found

    def destroy(self, ctx: Context) -> None:
        folder = self._dir(ctx)
        if not (folder / "terraform.tfstate").exists() and not (folder / BACKEND_OVERRIDE).exists() and not backend_config():
            ctx.job.emit("stack", "no Terraform state for this design: nothing for Terraform to destroy")
            return
        self._write(ctx, self._tfvars(ctx))
        self._init(ctx)
        totals: dict = {}
        code, errors, _ = self._run(ctx, ["destroy", "-auto-approve", "-input=false", "-no-color", "-json", LOCK_TIMEOUT],
                                    handler=self._progress_handler(ctx, totals))
        if code != 0:
            raise DeployFailed("terraform destroy failed: " + "; ".join(errors[:3] or ["see the job log"]))
