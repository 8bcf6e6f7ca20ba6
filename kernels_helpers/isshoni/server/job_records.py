"""Storing a job's record in a live design: the one way records reach `deployments`, for jobs
that post them over REST (a kernel's, the CLI's) and for jobs the server runs itself."""

from __future__ import annotations

from ..deploy.records import RecordRefused, accept
from ..deploy.sink import _trim
from .documents import LiveDesigns
from .errors import ApiError


async def store(designs: LiveDesigns, settings: dict, path: str, record, key, by: str) -> tuple[dict, bool]:
    """Check `record` against the stored one (deploy/records.py), store it, trim old records;
    returns (the record as stored, whether it is new).  Refusals are ApiErrors."""
    async with designs.lock(path):
        doc = await designs.open(settings, path)
        deployments = doc.to_dict(without=("chat",))["deployments"]
        job = record.get("id") if isinstance(record, dict) else None
        existing = deployments.get(job) if isinstance(job, str) else None
        try:
            stored = accept(existing, record, key, by=by)
        except RecordRefused as exc:
            raise ApiError(exc.status, str(exc)) from None
        deployments[stored["id"]] = stored
        _trim(deployments)  # the server keeps the design small, as the file sink does
        doc.apply({"deployments": deployments}, sections=("deployments",))
    return stored, existing is None
