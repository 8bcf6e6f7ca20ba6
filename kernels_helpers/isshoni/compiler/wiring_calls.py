"""Wiring for compute that calls other compute: an API Gateway API (its URL, and the right to invoke it
when it takes IAM authorization) and a task definition it starts with RunTask (in its cluster only,
passing only its roles)."""

from __future__ import annotations

from . import expr as e
from .names import tf_identifier
from .resolve import Context
from .wiring import env_name, finisher, give_env, role_of, role_policy, security_group_of, unit

ECS_TASKS = "ecs-tasks.amazonaws.com"


def pass_roles(ctx: Context, rid: str) -> dict:
    """iam:PassRole on a task's own two roles, to ECS tasks only."""
    roles = [ctx.attr(rid, "Arn", "arn", key=k) for k in ("role", "execution_role")]
    return {"Effect": "Allow", "Action": "iam:PassRole", "Resource": roles, "Condition": {"StringEquals": {"iam:PassedToService": ECS_TASKS}}}


@unit("api_call")
def api_call(ctx: Context, cid, source, api, props):
    """Compute -> API: the invoke URL as environment; with AWS_IAM authorization, execute-api:Invoke on this API."""
    give_env(ctx, source, api)
    role = role_of(ctx, source)
    if ctx.props(api).get("authorization") != "AWS_IAM" or role is None:
        return
    if ctx.type_of(api) == "api_gateway_rest":
        methods = e.arn("execute-api", ctx.ref(api), "/", ctx.props(api)["stage_name"], "/*/*")
    else:
        methods = e.arn("execute-api", ctx.ref(api), "/*")
    statement = {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": methods}
    role_policy(ctx, cid, "policy", role, f"{tf_identifier(cid)}-invoke", [statement])


@unit("run_task")
def run_task(ctx: Context, cid, source, task, props):
    """Compute -> task definition: recorded; the grant needs the task's cluster, known once every
    connection is wired (the design's default cluster is made by a finisher)."""
    ctx.memo.setdefault("run_task_targets", set()).add(task)
    ctx.memo.setdefault("run_task", []).append((cid, source, task))


@finisher
def finish_run_task(ctx: Context) -> None:
    for cid, source, task in ctx.memo.get("run_task", []):
        cluster = ctx.slots[(task, "cluster")][0][0].lid
        cluster_arn = e.Attr(cluster, "Arn", "arn")
        family = ctx.fill(ctx.entry(task).emits[0].cfn["Family"], "cfn", task)
        in_cluster = {"ArnEquals": {"ecs:cluster": cluster_arn}}
        role = role_of(ctx, source)
        if role is not None:
            statements = [
                {"Effect": "Allow", "Action": "ecs:RunTask", "Resource": e.arn("ecs", "task-definition/", family, ":*"), "Condition": in_cluster},
                {"Effect": "Allow", "Action": ["ecs:DescribeTasks", "ecs:StopTask"], "Resource": e.arn("ecs", "task/", e.Ref(cluster, "name"), "/*")},
                pass_roles(ctx, task),
            ]
            role_policy(ctx, cid, "policy", role, f"{tf_identifier(cid)}-run", statements)
        ctx.env(source, env_name(task, "TASK_FAMILY"), family)
        ctx.env(source, env_name(task, "CLUSTER_ARN"), cluster_arn)
        subnets = ctx.subnets(task)
        if subnets:
            ctx.env(source, env_name(task, "SUBNETS"), e.Delimited(",", [ctx.ref(s) for s in subnets]))
        sg = security_group_of(ctx, task)
        if sg is not None:
            ctx.env(source, env_name(task, "SECURITY_GROUP"), sg)
