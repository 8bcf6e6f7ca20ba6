"""Wiring for compute: where each Lambda function's code and each ECS container's image come from.

A Zip function's code is the folder its design names (code_path), packaged by `package`,
or the built-in handler; CloudFormation takes the built-in handler inline and reads other
zips from the artifact bucket the deploy uploads them to, Terraform reads the zip files the
deploy writes next to the module.  An Image function runs its own image URI or the image
of the ECR repository it is connected to, and so does an ECS container left at its default image.
Nothing is ever a placeholder.
"""

from __future__ import annotations

from ..catalog import spec as s
from ..design.errors import DesignError, Problem, json_path
from . import expr as e
from . import package
from .resolve import Context
from .wiring import finisher

SANDBOX_BUCKET = "@artifact_bucket"  # the sandbox's deploy makes (and names) the bucket
BUCKET = r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"


def _refuse(rid: str, field: str, message: str) -> None:
    raise DesignError([Problem(json_path(["resources", rid, "properties", field]), message, rid)])


def _repository(ctx: Context, rid: str) -> str | None:
    """The ECR repository a function is connected to (the first by connection id), if any."""
    return next((target for _cid, target in ctx.outgoing(rid) if ctx.type_of(target) == "ecr_repository"), None)


def _image(ctx: Context, rid: str, props: dict):
    if props["image_uri"]:
        return ctx.fill(s.P("image_uri"), "cfn", rid)
    repository = _repository(ctx, rid)
    if repository is None:
        _refuse(rid, "image_uri", f"{rid}: an Image function needs image_uri or a connection to an ECR repository")
    return e.join(ctx.attr(repository, "RepositoryUri", "repository_url"), ":", ctx.fill(s.P("image_tag"), "cfn", rid))


@finisher
def finish_container_images(ctx: Context) -> None:
    """An ECS service or task connected to an ECR repository runs that repository's image (tagged
    image_tag, asked at deploy time when not set) unless its image is set to another; the execution
    role pulls it (`iam_access`)."""
    from ..catalog.compute import DEFAULT_IMAGE

    for rid in ctx.of_type("ecs_service", "ecs_task_definition"):
        image = ctx.props(rid)["image"]
        if image not in ("", DEFAULT_IMAGE):
            continue
        repository = _repository(ctx, rid)
        if repository is None:
            if not image:
                _refuse(rid, "image", f"{rid}: an empty image needs a connection to an ECR repository")
            continue
        uri = e.join(ctx.attr(repository, "RepositoryUri", "repository_url"), ":", ctx.fill(s.P("image_tag"), "cfn", rid))
        ctx.contribute(rid, "image", uri, uri)


@finisher
def finish_lambda_code(ctx: Context) -> None:
    for rid in ctx.of_type("lambda_function"):
        props = ctx.props(rid)
        if props["package_type"] == "Image":
            uri = _image(ctx, rid, props)
            ctx.contribute(rid, "code", {"ImageUri": uri}, None)
            ctx.contribute(rid, "image_uri", None, uri)
        elif props["code_bucket"]:
            bucket = ctx.fill(s.P("code_bucket"), "cfn", rid)
            key = props["code_key"] or f"functions/{rid}.zip"
            ctx.contribute(rid, "code", {"S3Bucket": bucket, "S3Key": key}, None)
            ctx.contribute(rid, "s3_bucket", None, bucket)
            ctx.contribute(rid, "s3_key", None, key)
        else:
            try:
                code = package.for_function(ctx.design, rid, props)
            except package.PackageError as exc:
                _refuse(rid, "code_path", str(exc))
            if code.source is not None:
                cfn = {"ZipFile": code.source}
            else:
                bucket = ctx.variable(
                    "artifact_bucket", "string", None, "S3 bucket the deploy uploads Lambda code zips to (same region)",
                    "@design", pattern=BUCKET, sandbox=SANDBOX_BUCKET,
                )
                cfn = {"S3Bucket": bucket, "S3Key": code.key(ctx.design.name)}
            ctx.contribute(rid, "code", cfn, None)
            ctx.contribute(rid, "filename", None, code.path)
            ctx.contribute(rid, "code_hash", None, code.base64_sha256)
