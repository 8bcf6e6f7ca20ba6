"""Run deploy, destroy and canary jobs: the one place that ties target, engine, job and report together.

The CLI, notebook cells and (later) the Jupyter server call these functions;
each returns the finished Job.  Preconditions a person can fix (no canary in
the design, nothing deployed yet) raise ValueError before any job exists;
everything after that is recorded on the job, including failures.
"""

from __future__ import annotations

import json
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path

from ..compiler import resolve
from ..compiler.names import PREFIX_MAX, physical
from ..design.model import Design
from ..design.versions import CONTENT
from . import canary as canary_mod
from . import engines, outcome, paths, progress, targets
from .adapt import Adapted, for_sandbox
from .engines import Cancelled, Context, DeployFailed, NotOurs
from .engines.cloudformation import stack_name
from .jobs import Job, NullJob, recover
from .locks import Busy, locked
from .redact import Redactor
from .sandbox import ACCESS_KEY, SECRET_KEY, SandboxError
from .sink import FileJobSink, JobSink
from .state import DeploymentState
from .sweep import ORDER as SWEPT_KINDS
from .sweep import leftovers, sweep
from .tfsafety import UnsafeTerraform
from .verify import verify

Listener = Callable[[dict], None]


def _approve_all(plan: str) -> bool:
    return True


def confirm_target(target: str, really_aws: bool) -> None:
    """A real AWS account costs money and holds real things: acting on it takes an explicit yes
    (`really_aws=True` here, `--yes-really-aws` on the command line), from every caller."""
    if target == "aws" and not really_aws:
        raise ValueError("target='aws' acts on a real AWS account and can cost money: pass really_aws=True to confirm")


class JobSetup:
    """Everything a job body needs, built inside the job so its steps are recorded."""

    def __init__(self, path: Path, design: Design, job: Job, target_name: str, engine_name: str, profile: str | None,
                 approve: Callable[[str], bool]):
        self.path, self.design, self.job = path, design, job
        self.target_name, self.engine_name, self.profile, self.approve = target_name, engine_name, profile, approve
        self.state = DeploymentState(target_name, design.region, design.name)
        self.target: targets.Target | None = None
        self.engine = engines.get(engine_name)
        self.adapted: Adapted | None = None
        self.ctx: Context | None = None

    def connect(self, *, prepare: bool = True) -> None:
        started = time.monotonic()
        self.target = targets.make(self.target_name, self.design.region, profile=self.profile, prepare=prepare)
        self.job.redactor.add(*self.target.secrets())
        self.job.emit("target", f"target: {self.target.describe()} ({time.monotonic() - started:.1f} s)")
        why = self.engine.unavailable(self.target)
        if why:
            raise DeployFailed(f"the {self.engine_name} engine is unavailable here: {why}")

    def context(self, *, adapt: bool = True) -> Context:
        # the sandbox must be able to delete what it made: no retain policies, no deletion protection
        resolved = resolve(self.design, ephemeral=True if self.target.is_sandbox else None)
        if self.target.is_sandbox and adapt:
            self.adapted = for_sandbox(resolved, self.engine_name, self.target.prepared)
            resolved = self.adapted.resolved
        sticky = tuple(v for plan in canary_mod.plans(resolved) for v in (plan.blue_var, plan.green_var))
        self.ctx = Context(self.design, resolved, self.target, self.job, self.state.workdir, self.adapted, self.approve, sticky)
        return self.ctx


def _sink_for(path: Path | None, sink: JobSink | None) -> JobSink:
    if sink is None and path is None:
        raise ValueError("a design held in memory needs a sink for its job records")
    return sink or FileJobSink(path)


def _run_job(kind: str, design: Design, target: str, engine: str, sink: JobSink, listeners: Iterable[Listener],
             body: Callable[[Job], None]) -> Job:
    """Create the job, hold the deployment lock, run `body`, and turn every outcome into a final state."""
    redactor = Redactor([SECRET_KEY, ACCESS_KEY])
    job = Job(kind, design=design.name, target=target, engine=engine, region=design.region, sink=sink,
              redactor=redactor, listeners=list(listeners))
    lock = paths.deploy_lock(target, design.region, design.name)
    try:
        with locked(lock, wait=0, what=f"deployment of {design.name!r} to {target}"):
            job.transition("running")
            try:
                body(job)
            except Cancelled as exc:
                job.transition("cancelled", error=str(exc))
            except KeyboardInterrupt:
                job.transition("cancelled", error="interrupted")
            except DeployFailed as exc:
                if job.state == "running":
                    job.transition("rolled_back" if exc.rolled_back else "failed", error=exc.reason)
            except (NotOurs, UnsafeTerraform, SandboxError, targets.TargetError) as exc:
                job.transition("failed", error=str(exc))
            except Exception as exc:  # a bug or an unexpected service answer: recorded, never lost
                job.log(traceback.format_exc())
                job.transition("failed", error=f"{type(exc).__name__}: {exc}")
            else:
                if job.state == "running":
                    job.transition("succeeded")
    except Busy as exc:
        job.transition("failed", error=f"another job is running: {exc}")
    finally:
        job.flush(force=True)
    return job


def _load(path: str | Path | Design) -> tuple[Path | None, Design]:
    """A design file, or a design already in memory (a live document's snapshot: pass a `sink`)."""
    if isinstance(path, Design):
        return None, path
    path = Path(path)
    return path, Design.load(path)


def _inventory_dict(inventory: dict) -> dict:
    return {lid: {"id": f.id, "type": f.type} for lid, f in inventory.items()}


def _write_report(job: Job, report) -> str:
    path = job.log_path.with_suffix(".report.json")
    path.write_text(json.dumps(report.to_dict(), indent=2, default=str), encoding="utf-8")
    return str(path)


def _live(plan: canary_mod.CanaryPlan, inventory: dict) -> dict | None:
    ids = {k: (inventory.get(lid) or {}).get("id") for k, lid in (("rule_arn", plan.rule), ("blue_tg_arn", plan.blue_tg), ("green_tg_arn", plan.green_tg))}
    return ids if all(ids.values()) else None


# ---------------------------------------------------------------- deploy


def deploy(path: str | Path, *, target: str = "sandbox", engine: str = "cloudformation", profile: str | None = None,
           approve: Callable[[str], bool] | None = None, listeners: Iterable[Listener] = (), sink: JobSink | None = None,
           verify_resources: bool = True, really_aws: bool = False) -> Job:
    """Create or update the design's deployment; verify what exists; record outputs and the report."""
    confirm_target(target, really_aws)
    path, design = _load(path)
    engines.get(engine)  # unknown engine: ValueError before any job
    if target not in targets.TARGETS:
        raise ValueError(f"unknown target {target!r}; choose one of {', '.join(targets.TARGETS)}")
    sink = _sink_for(path, sink)
    recover(sink)
    def body(job: Job) -> None:
        setup = JobSetup(path, design, job, target, engine, profile, approve or _approve_all)
        setup.connect()
        ctx = setup.context()
        progress.follow(job, ctx.resolved, setup.adapted)
        previous = setup.state.load()
        if previous.get("engine") and previous["engine"] != engine and previous.get("status") == "deployed":
            raise DeployFailed(f"{design.name} is deployed to {target} with {previous['engine']}: destroy it first, "
                               f"or deploy with --engine {previous['engine']}")
        if setup.adapted:
            for om in setup.adapted.omitted.values():
                job.emit("sandbox", f"not emulated: {om.lid} ({om.type}): {om.reason}", resource=om.lid, record=False)
        existed = setup.engine.exists(ctx)
        job.kind = "update" if existed else "deploy"
        setup.state.update(engine=engine, design=design.name, region=design.region, target=target,
                           stack=stack_name(design.name) if engine == "cloudformation" else None,
                           omitted={k: v.to_dict() for k, v in (setup.adapted.omitted if setup.adapted else {}).items()})
        started = time.monotonic()
        try:
            setup.engine.apply(ctx)
        except DeployFailed as failure:
            _after_failed_apply(setup, failure, existed, time.monotonic() - started)
            raise
        apply_s = time.monotonic() - started
        _record_success(setup, apply_s, verify_resources)

    return _run_job("deploy", design, target, engine, sink, listeners, body)


def _record_success(setup: JobSetup, apply_s: float, verify_resources: bool) -> None:
    ctx, job, engine = setup.ctx, setup.job, setup.engine
    inventory = engine.inventory(ctx)
    outputs = engine.outputs(ctx)
    params = engine.current_params(ctx)
    inv = _inventory_dict(inventory)
    result: dict = {"operation": job.kind, "apply_s": round(apply_s, 2), "outputs": outputs, "resources": len(inventory),
                    "timings": dict(engine.timings)}
    if setup.adapted and setup.adapted.dropped_outputs:
        result["outputs_not_emulated"] = setup.adapted.dropped_outputs
    canary_state = {}
    for plan in canary_mod.plans(ctx.resolved):
        live = _live(plan, inv)
        if live:
            canary_state[plan.alb] = {"plan": plan.to_dict(), "live": live,
                                      "weights": {"blue": params.get(plan.blue_var), "green": params.get(plan.green_var)}}
    result["canary"] = {alb: entry["weights"] for alb, entry in canary_state.items()}  # weights the canvases show
    report = None
    if verify_resources:
        started = time.monotonic()
        report = verify(ctx.resolved, inventory, ctx.target, params=params, engine=engine.name,
                        omitted=setup.adapted.omitted if setup.adapted else None, notes=setup.adapted.notes if setup.adapted else None)
        result["verify_s"] = round(time.monotonic() - started, 2)
        result["report"] = report.summary()
        result["report_file"] = _write_report(job, report)
        result["counts"] = outcome.counts(report, setup.design, len(inventory))
        for part in report.parts:
            if part.status != "verified":
                detail = "; ".join(part.dropped[:3] + part.notes[:2])
                job.emit("verify", f"{part.lid} ({part.type}): {part.status}" + (f": {detail}" if detail else ""),
                         resource=part.lid, status=part.status, record=False)
    job.result = result
    job.warnings = outcome.warnings(report, dropped_outputs=result.get("outputs_not_emulated", []))
    # what was deployed, for "compare with the last deploy" (the design's content: no chat, records or versions)
    deployed = {key: setup.design.data.get(key) for key in CONTENT}
    baseline = report.baseline_after(setup.state.load()) if report else None
    setup.state.update(status="deployed", inventory=inv, outputs=outputs, params=params, canary=canary_state, last_job=job.id,
                       deployed_design=deployed, baseline=baseline)
    job.summary = f"{'updated' if job.kind == 'update' else 'deployed'} with {engine.name}"
    job.details = outcome.text(result["counts"]) if report else f"{len(inventory)} AWS resources reported by the engine, not verified"


def _after_failed_apply(setup: JobSetup, failure: DeployFailed, existed: bool, apply_s: float) -> None:
    """A failed create leaves nothing (CloudFormation) or reports what exists (Terraform)."""
    ctx, job = setup.ctx, setup.job
    if setup.engine_name == "cloudformation" and not existed:
        if ctx.target.is_sandbox:
            job.emit("rollback", "the sandbox's CloudFormation does not roll back a failed create: Isshoni removes what it left")
            setup.engine.clean_failed_create(ctx)
            swept = sweep(ctx.target, ctx.name, stack_prefix=stack_name(ctx.name), resolved=ctx.resolved, log=job.log)
            left = swept["left"]
            job.emit("rollback", f"removed {len(swept['removed'])} leftover resource(s)" + (f"; still left: {left}" if left else ""))
            failure.rolled_back = not left
        job.result = {"operation": "create", "apply_s": round(apply_s, 2), "rolled_back": failure.rolled_back}
        setup.state.update(status="rolled_back" if failure.rolled_back else "failed", inventory={}, last_job=job.id)
        job.summary = f"create failed{' and was rolled back' if failure.rolled_back else ''}"
        job.details = failure.reason
        return
    # Terraform (or a failed update): say exactly what exists now
    try:
        inventory = setup.engine.inventory(ctx)
    except Exception as exc:  # the state itself may be unreadable after a crash
        job.emit("warning", f"could not read what exists: {exc}")
        inventory = {}
    inv = _inventory_dict(inventory)
    expected = [p.lid for p in ctx.resolved.parts if (p.tf_type if setup.engine_name == "terraform" else p.cfn_type)]
    missing = [lid for lid in expected if lid not in inventory]
    job.emit("partial", f"partial state: {len(inventory)} of {len(expected)} AWS resources exist; not created: {', '.join(missing[:12])}"
             + (" ..." if len(missing) > 12 else ""))
    result = {"operation": job.kind, "apply_s": round(apply_s, 2), "partial": {"exist": sorted(inventory), "not_created": missing}}
    state = f"{len(inventory)} of {len(expected)} AWS resources exist"
    if inventory:
        params = setup.engine.current_params(ctx)
        report = verify(ctx.resolved, inventory, ctx.target, params=params, engine=setup.engine.name,
                        omitted=setup.adapted.omitted if setup.adapted else None)
        result["report"] = report.summary()
        result["report_file"] = _write_report(job, report)
        result["counts"] = outcome.counts(report, setup.design, len(inventory))
        state += f" ({outcome.text(result['counts'])})"
    job.result = result
    setup.state.update(status="partial" if inventory else "failed", inventory=inv, last_job=job.id)
    job.summary = f"{job.kind} failed, partial state recorded"
    job.details = f"{state}: {failure.reason}"


# ---------------------------------------------------------------- destroy


def destroy(path: str | Path, *, target: str = "sandbox", engine: str | None = None, profile: str | None = None,
            listeners: Iterable[Listener] = (), sink: JobSink | None = None, really_aws: bool = False) -> Job:
    """Delete the deployment; in the sandbox also remove whatever the engine left, then prove nothing is left."""
    confirm_target(target, really_aws)
    path, design = _load(path)
    state = DeploymentState(target, design.region, design.name).load()
    engine = engine or state.get("engine") or "cloudformation"
    engines.get(engine)
    sink = _sink_for(path, sink)
    recover(sink)
    def body(job: Job) -> None:
        setup = JobSetup(path, design, job, target, engine, profile, _approve_all)
        setup.connect(prepare=False)
        ctx = setup.context(adapt=engine == "terraform")
        progress.follow(job, ctx.resolved, setup.adapted)
        started = time.monotonic()
        recorded = dict(state.get("inventory") or {})
        try:
            recorded.update(_inventory_dict(setup.engine.inventory(ctx)))
        except Exception as exc:  # an unreadable or broken stack must not block cleaning up
            job.emit("warning", f"could not list the deployment before deleting: {exc}")
        engine_error = None
        try:
            setup.engine.destroy(ctx)
        except DeployFailed as exc:
            if not setup.target.is_sandbox:
                raise
            engine_error = exc.reason
            job.emit("warning", f"{engine} destroy failed: {exc.reason}; the sandbox sweep continues")
        result: dict = {"engine_s": round(time.monotonic() - started, 2)}
        if setup.target.is_sandbox:
            swept = sweep(setup.target, design.name, inventory=recorded, stack_prefix=stack_name(design.name),
                          resolved=ctx.resolved, log=job.log)
            for line in swept["removed"]:
                job.emit("sweep", f"removed leftover {line}", record=False)
            left = leftovers(setup.target, design.name, inventory=recorded, stack_prefix=stack_name(design.name), resolved=ctx.resolved)
            result.update(swept=len(swept["removed"]), left=left)
            if left:
                setup.state.update(status="destroy_failed", last_job=job.id)
                raise DeployFailed(f"still in the sandbox after destroy: {json.dumps(left)}" + (f" ({engine_error})" if engine_error else ""))
            checked = f"nothing of the design is left in the sandbox (looked for {len(SWEPT_KINDS)} kinds of resource by tag, " \
                      "recorded id, name and VPC)"
            job.emit("verify", checked)
            if engine_error:
                job.warnings.append(f"{engine} did not finish the delete: {engine_error}")
            if swept["removed"]:
                job.warnings.append(f"{engine} left {len(swept['removed'])} resources behind; the sandbox sweep removed them")
            job.details = (f"the sandbox sweep removed {len(swept['removed'])} leftovers; " if swept["removed"] else "") + checked
        result["total_s"] = round(time.monotonic() - started, 2)
        result["timings"] = dict(setup.engine.timings)
        job.result = result
        setup.state.update(status="destroyed", inventory={}, outputs={}, canary={}, last_job=job.id)
        job.summary = "destroyed"

    return _run_job("destroy", design, target, engine, sink, listeners, body)


# ---------------------------------------------------------------- canary


def canary(path: str | Path, *, green: int | None = None, rollback: bool = False, auto: bool = False,
           steps: Iterable[int] = canary_mod.AUTO_STEPS, bake_s: float = 0.0, alb: str | None = None, target: str = "sandbox",
           profile: str | None = None, listeners: Iterable[Listener] = (), sink: JobSink | None = None,
           really_aws: bool = False, accept_unchecked: bool = False) -> Job:
    """One step (`green`), the automatic walk (`auto`) or a rollback (`rollback`).  The walk calls a
    step healthy only when every check could be made, unless `accept_unchecked` (then: warnings)."""
    confirm_target(target, really_aws)
    path, design = _load(path)
    if sum(bool(x) for x in (green is not None, rollback, auto)) != 1:
        raise ValueError("choose one of --green N, --auto or --rollback")
    if green is not None:
        canary_mod.weights(green)
    steps = [int(s) for s in steps]
    for s in steps:
        canary_mod.weights(s)
    state_store = DeploymentState(target, design.region, design.name)
    state = state_store.load()
    if state.get("status") != "deployed":
        raise ValueError(f"{design.name} is not deployed to {target} (isshoni deploy first)")
    prefix = stack_name(design.name) if state.get("engine") == "cloudformation" else physical(design.name, PREFIX_MAX)
    plan = canary_mod.pick(canary_mod.plans(resolve(design), prefix), alb)
    live_info = (state.get("canary") or {}).get(plan.alb, {}).get("live")
    if not live_info:
        raise ValueError(f"the canary rule of {plan.alb} was not created by the last deploy (see isshoni jobs)")
    live = canary_mod.Live(**live_info)
    kind = "rollback" if rollback else "canary"
    sink = _sink_for(path, sink)
    recover(sink)
    def body(job: Job) -> None:
        setup = JobSetup(path, design, job, target, state["engine"], profile, _approve_all)
        setup.connect(prepare=False)
        omitted = {k: _Omitted(**v) for k, v in (state.get("omitted") or {}).items()}
        if rollback:
            _rollback(setup, plan, live, reason="requested")
            return
        todo = steps if auto else [green]
        job.result = {"steps": []}
        for index, step in enumerate(todo):
            result = _step(setup, plan, live, step, omitted)
            if not result.ok and auto:
                _rollback(setup, plan, live, reason=f"check failed at {step}% green")
                job.transition("rolled_back", error=f"canary check failed at {step}% green: rolled back to 100% blue")
                return
            if not result.ok:
                raise DeployFailed(f"check failed at {step}% green (isshoni canary --rollback returns all traffic to blue)")
            if result.unchecked and auto and not accept_unchecked:
                job.result["refused"] = {"green": step, "unchecked": result.unchecked}
                why = f"refused to call the {step}% green step healthy: {len(result.unchecked)} checks could not be made"
                _rollback(setup, plan, live, reason=why)
                job.transition("rolled_back", error=f"{why} ({'; '.join(result.unchecked)}); traffic is back to 100% blue. "
                                                    "To walk on without them: --accept-unchecked")
                return
            if result.unchecked:
                job.warnings.append(f"{step}% green: {len(result.unchecked)} checks not made: {'; '.join(result.unchecked)}")
            if auto and bake_s and index < len(todo) - 1:
                job.emit("canary", f"baking {bake_s:.0f} s before the next step")
                time.sleep(bake_s)
        final = todo[-1]
        job.summary = "canary walked " + " -> ".join(map(str, todo)) if auto else f"canary step to {final}% green"
        job.details = f"now {100 - final}% blue / {final}% green" + (
            " (unchecked steps accepted: --accept-unchecked)" if auto and job.warnings else "")

    return _run_job(kind, design, target, state["engine"], sink, listeners, body)


class _Omitted:
    def __init__(self, lid, source, type, reason, substitute=None):
        self.lid, self.source, self.type, self.reason, self.substitute = lid, source, type, reason, substitute


def _ctx_for_params(setup: JobSetup) -> Context:
    """Terraform rewrites its module (the sandbox model); CloudFormation keeps the previous template."""
    return setup.ctx or setup.context(adapt=setup.engine_name == "terraform")


def _step(setup: JobSetup, plan, live, green: int, omitted: dict) -> canary_mod.CheckResult:
    job = setup.job
    blue_w, green_w = canary_mod.weights(green)
    ctx = _ctx_for_params(setup)
    started = time.monotonic()
    job.emit("canary", f"step: {blue_w}% blue / {green_w}% green")
    setup.engine.set_params(ctx, {plan.blue_var: blue_w, plan.green_var: green_w}, [plan.rule])
    apply_s = time.monotonic() - started
    actual = canary_mod.live_weights(setup.target.client("elbv2"), live)
    if actual.get("blue") != blue_w or actual.get("green") != green_w:
        raise DeployFailed(f"after the update the rule routes {actual}, not {blue_w}/{green_w}")
    checked = time.monotonic()
    result = canary_mod.check(setup.target, plan, live, green_w, omitted=omitted)
    check_s = time.monotonic() - checked
    for note in result.notes:
        job.emit("check", note)
    for failure in result.failures:
        job.emit("error", f"check failed: {failure}")
    for item in result.unchecked:
        job.emit("warning", f"not checked: {item}")
    job.emit("canary", f"{blue_w}/{green_w} {result.verdict} (update {apply_s:.2f} s, checks {check_s:.2f} s)",
             duration_s=round(apply_s + check_s, 3), green=green_w, ok=result.ok, checked=not result.unchecked)
    job.result.setdefault("steps", []).append({"green": green_w, "apply_s": round(apply_s, 3), "check_s": round(check_s, 3),
                                               "ok": result.ok, "failures": result.failures, "unchecked": result.unchecked})
    job.result["weights"] = {"blue": blue_w, "green": green_w}
    _remember_weights(setup, plan, blue_w, green_w)
    return result


def _rollback(setup: JobSetup, plan, live, *, reason: str) -> None:
    job = setup.job
    elbv2 = setup.target.client("elbv2")
    seconds = canary_mod.rollback(elbv2, plan, live)
    job.emit("rollback", f"100% to blue: one modify_rule call, {seconds * 1000:.0f} ms ({reason})", duration_s=round(seconds, 4))
    actual = canary_mod.live_weights(elbv2, live)
    if actual.get("blue") != 100 or actual.get("green") not in (0, None):
        raise DeployFailed(f"after the rollback the rule routes {actual}")
    started = time.monotonic()
    setup.engine.set_params(_ctx_for_params(setup), {plan.blue_var: 100, plan.green_var: 0}, [plan.rule])
    reconcile_s = time.monotonic() - started
    job.emit("rollback", f"{setup.engine.name} parameters reconciled to 100/0 ({reconcile_s:.2f} s), so the next update keeps it",
             duration_s=round(reconcile_s, 3))
    job.result.update(rollback_s=round(seconds, 4), reconcile_s=round(reconcile_s, 3), weights={"blue": 100, "green": 0})
    _remember_weights(setup, plan, 100, 0)
    job.summary = "rolled back to 100% blue"
    job.details = f"{reason}; one API call ({seconds * 1000:.0f} ms), parameters reconciled in {reconcile_s:.1f} s"


def _remember_weights(setup: JobSetup, plan, blue: int, green: int) -> None:
    data = setup.state.load()
    entry = (data.get("canary") or {}).get(plan.alb)
    if entry is not None:
        entry["weights"] = {"blue": blue, "green": green}
        data.setdefault("params", {}).update({plan.blue_var: blue, plan.green_var: green})
        setup.state.save(data)


# ---------------------------------------------------------------- reading


def outputs(path: str | Path, *, target: str = "sandbox", profile: str | None = None) -> dict:
    """The deployment's outputs (live when the target answers, else as recorded by the last deploy)."""
    path, design = _load(path)
    state = DeploymentState(target, design.region, design.name).load()
    if state.get("status") not in ("deployed", "partial"):
        raise ValueError(f"{design.name} is not deployed to {target}")
    try:
        tgt = targets.make(target, design.region, profile=profile, start_sandbox=False, prepare=False)
        engine = engines.get(state["engine"])
        resolved = resolve(design, ephemeral=True if tgt.is_sandbox else None)
        ctx = Context(design, resolved, tgt, NullJob(), DeploymentState(target, design.region, design.name).workdir)
        return {"live": True, "outputs": engine.outputs(ctx)}
    except Exception as exc:  # the sandbox may be stopped: the recorded outputs still help
        return {"live": False, "outputs": state.get("outputs") or {}, "why": str(exc)}


def job_records(path: str | Path, sink: JobSink | None = None) -> list[dict]:
    """The design's jobs, newest first (interrupted ones marked first)."""
    path = Path(path)
    sink = _sink_for(path, sink)
    recover(sink)
    return sorted(sink.read_all().values(), key=lambda r: r.get("created") or "", reverse=True)
