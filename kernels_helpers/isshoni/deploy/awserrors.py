"""AWS errors in plain words.

A service's refusal reaches boto3 as a ClientError (code and message), but not
always: moto's CloudFormation passes the Lambda backend's JSON error straight
through to a client that expects XML, and botocore then raises a
ResponseParserError holding the raw body.  Either way the job should say what
AWS said (`Code: message`) and, for the errors people meet most, first what it
means and what to do.  Stack events carry the same messages as text, so the
plain-words table works on text too.
"""

from __future__ import annotations

import ast
import json
import re
import xml.etree.ElementTree as ET

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

# Everything a boto3 call may raise for a service's answer (the last: an answer in a protocol it did not expect).
SERVICE_ERRORS = (ClientError, BotoCoreError, ResponseParserError)
SANDBOX_500 = "the sandbox's CloudFormation failed internally (HTTP 500): moto cannot process this template"

# (pattern over "Code: message", what it means): the first match wins
PLAIN = (
    (r"GetObject.*NoSuchBucket", "a Lambda function's code zip cannot be read: its S3 bucket does not exist"),
    (r"GetObject.*NoSuchKey", "a Lambda function's code zip cannot be read: the bucket has no object under that key"),
    (r"GetObject.*AccessDenied", "a Lambda function's code zip cannot be read: access to the object is denied"),
    (r"ExpiredToken|InvalidClientTokenId|UnrecognizedClient|SignatureDoesNotMatch|AuthFailure",
     "the AWS credentials are not valid (expired, or not for this account)"),
    (r"AccessDenied|UnauthorizedOperation|not authorized to perform",
     "the AWS credentials are not allowed to do this (an IAM policy is missing a permission)"),
    (r"Throttl|Rate exceeded|TooManyRequests", "AWS is throttling requests: run it again in a minute"),
    (r"LimitExceeded|QuotaExceeded|ServiceQuota", "an AWS account quota is reached (raise it in Service Quotas)"),
    (r"AlreadyExists|already exists", "a resource with this name already exists (another deployment, or one left behind)"),
    (r"DependencyViolation|has dependencies", "something else still uses this resource"),
    (r"InsufficientCapabilities", "the template creates IAM resources and needs the IAM capabilities"),
)


def code_and_message(exc: BaseException) -> tuple[str, str] | None:
    """(code, message) of a service's error answer, or None when `exc` is not one."""
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if status == 500 and not err.get("Message"):
            return "InternalFailure", SANDBOX_500
        return err.get("Code") or "Error", err.get("Message") or str(exc)
    if isinstance(exc, ResponseParserError):
        return _from_body(str(exc))
    return None


def _from_body(text: str) -> tuple[str, str]:
    """The error inside a body botocore could not parse (`...:\\nb'{"__type": ..., "message": ...}'`)."""
    if "500 Internal Server Error" in text:
        return "InternalFailure", SANDBOX_500
    match = re.search(r"(b(['\"]).*\2)\s*$", text, re.S)
    body = ""
    if match:
        try:
            raw = ast.literal_eval(match.group(1))
            body = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        except (ValueError, SyntaxError):
            body = ""
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if isinstance(data, dict):
        code = str(data.get("__type") or data.get("code") or data.get("Code") or "Error").rsplit("#", 1)[-1]
        return code, str(data.get("message") or data.get("Message") or body)
    try:
        root = ET.fromstring(body)
        found = {el.tag.rsplit("}", 1)[-1]: (el.text or "") for el in root.iter()}
        if found.get("Code"):
            return found["Code"], found.get("Message", "")
    except ET.ParseError:
        pass
    return "UnreadableAnswer", "the service answered in a form the client cannot read: " + (body or text)[:300]


def explain(text: str) -> str | None:
    """What an AWS error text means, in words a person can act on (None when it is not a known one)."""
    for pattern, meaning in PLAIN:
        if re.search(pattern, text, re.S):
            return meaning
    return None


def plain(text: str) -> str:
    """`meaning (Code: message)` for known errors, the text itself otherwise."""
    meaning = explain(text)
    return f"{meaning} ({text})" if meaning else text


def describe(exc: BaseException) -> str:
    """A boto error as the job shows it: plain words first, then what AWS said."""
    found = code_and_message(exc)
    if found is None:
        return str(exc)
    code, message = found
    if message == SANDBOX_500:
        return message
    return plain(f"{code}: {message}")
