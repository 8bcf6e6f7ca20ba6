"""A live account's region -> design (issue 15, item 4).

Each AWS category has a module of scanners (network, compute, data, monitoring) that read one
region with read-only clients (readonly.py: every operation name is checked before it is sent)
and give what they find in CloudFormation's shape (scanned.Found).  Ids and ARNs become
references between the scanned resources (linking.py), and the shared lifter types them from
the catalog, as it does for templates: there is no second per-type catalog here.  Every service
has a deadline; one that fails or runs out of time is named in the report, never skipped silently.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from .. import Imported, NotImportable
from ..lift import lift
from . import compute, data, edge, monitoring, network, security, stacks
from .linking import source_resources
from .scanned import Deadline, Found, Scan

SERVICE_SECONDS = 60.0  # each service's share of the scan
STACKS, ROLES = "CloudFormation stacks", "IAM roles in use"
STEPS = (*network.SCANNERS, *compute.SCANNERS, *data.SCANNERS, *monitoring.SCANNERS, *security.SCANNERS,
         *edge.SCANNERS, (ROLES, None), (STACKS, None))  # roles after all that can name one
Progress = Callable[[int, int, str], None]  # (steps done, steps in all, what is being read)


def read_account(*, region: str, target: str = "sandbox", name: str | None = None, profile: str | None = None,
                 progress: Progress | None = None, service_seconds: float = SERVICE_SECONDS) -> Imported:
    """Scan `region` of the sandbox or the AWS account of the default credential chain (or `profile`)."""
    from ...deploy.targets import TargetError, make
    from .readonly import Clients

    try:
        chosen = make(target, region, profile=profile, start_sandbox=False, prepare=False)  # preparing writes
    except TargetError as exc:
        raise NotImportable(str(exc), f"{target} {region}") from None
    started = time.perf_counter()
    scan = Scan(Clients(chosen), region, service_seconds)
    found: list[Found] = []
    for done, (label, scanner) in enumerate(STEPS):
        if progress:
            progress(done, len(STEPS), label)
        scan.restart()
        if label == STACKS:
            physical = _collect(lambda: [stacks.logical_ids(scan)], [], scan, label)
            renamed = stacks.rename(found, physical[0]) if physical else 0
            scan.notes.append(f"{renamed} resource(s) named by the logical id their CloudFormation stack gave them")
            continue
        source = (lambda: security.roles(scan, _role_arns(found))) if label == ROLES else (lambda s=scanner: s(scan))
        _collect(source, found, scan, label)
    if progress:
        progress(len(STEPS), len(STEPS), "done")
    seconds = time.perf_counter() - started
    notes = [f"scanned {len(STEPS)} services of {chosen.describe()} in {seconds:.1f} s with read-only calls",
             *scan.notes]
    resources = source_resources(found, notes)
    imported = lift(resources, name=name or f"{target}-{region}", region=region, fmt="account",
                    source=f"{target} {region}", notes=notes)
    imported.report.seconds = time.perf_counter() - started
    return imported


def _collect(source, found: list, scan: Scan, label: str) -> list:
    """What a scanner yields until it ends, fails or runs out of time (then the report says so)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        for item in source():
            found.append(item)
    except Deadline as exc:
        scan.notes.append(f"{label}: stopped, {exc}; what it read before is imported")
    except ClientError as exc:
        error = exc.response.get("Error", {})
        scan.notes.append(f"{label}: not fully read: {error.get('Code', 'error')}: {error.get('Message', '')[:200]}")
    except BotoCoreError as exc:
        scan.notes.append(f"{label}: not fully read: {type(exc).__name__}: {str(exc)[:200]}")
    return found


def _role_arns(found: list[Found]) -> set:
    out, stack = set(), [f.properties for f in found]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str) and node.startswith("arn:") and ":iam::" in node and ":role/" in node:
            out.add(node)
    return out


__all__ = ["STEPS", "read_account"]
