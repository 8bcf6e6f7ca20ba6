"""Lambda code for CloudFormation deploys: the hook the CloudFormation engine calls before it
creates or updates a stack whose template reads code zips from the artifact bucket.

The zips themselves come from `compiler.package` (the same bytes and keys the template names);
this module only finds or makes the bucket (private, encrypted, in the target's region) and
puts them there.  Terraform needs none of this: its engine writes the zips next to the module.
"""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from ..compiler import package
from .engines.base import Context, DeployFailed
from .sandbox import PREPARED_TAG

VARIABLE = "artifact_bucket"


def bucket_name(ctx: Context) -> str:
    """The account's own bucket for Isshoni's artifacts in this region (real AWS)."""
    account = ctx.target.client("sts").get_caller_identity()["Account"]
    return f"isshoni-artifacts-{account}-{ctx.target.region}"


def _ensure(ctx: Context, s3, bucket: str) -> None:
    try:
        s3.head_bucket(Bucket=bucket)
        return
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket", "NotFound"):
            raise
    region = ctx.target.region
    args = {"Bucket": bucket} if region == "us-east-1" else {"Bucket": bucket, "CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(**args)
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True,
    })
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}],
    })
    if ctx.target.is_sandbox:  # kept between deploys like the sandbox's certificate: never swept
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": PREPARED_TAG, "Value": "prepared"}]})


def stage_code(ctx: Context, params: dict | None) -> dict | None:
    """Upload the design's Lambda zips where its template reads them; the parameters with the
    bucket filled in (unchanged when the template reads no zips)."""
    variable = next((v for v in ctx.resolved.variables if v.name == VARIABLE), None)
    if variable is None:
        return params
    try:
        bucket = (params or {}).get(VARIABLE) or variable.default or bucket_name(ctx)
        s3 = ctx.target.client("s3")
        _ensure(ctx, s3, bucket)
        keys = package.upload(s3, bucket, ctx.design)
    except package.PackageError as exc:
        raise DeployFailed(f"Lambda code could not be packaged: {exc}") from None
    except (ClientError, BotoCoreError) as exc:
        raise DeployFailed(f"Lambda code could not be uploaded to s3://{bucket if 'bucket' in locals() else '?'}: {exc}") from None
    ctx.job.emit("stack", f"uploaded {len(keys)} Lambda code zip(s) to s3://{bucket}")
    return {**(params or {}), VARIABLE: bucket}
