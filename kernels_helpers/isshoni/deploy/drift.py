"""Drift: does what runs still match the design?

After a deploy, every part the deployment recorded is looked up again through the service's
describe APIs and compared with what the design asks for now (the same checks that verify a
deploy: deploy/verify), and, for Terraform deploys, `terraform plan -refresh-only` says what
Terraform itself sees changed.  Per design node the answer is one of:

- in sync: every checked setting matches (parts without a describe check are counted as not checked);
- drifted: which settings, the design's value and the live value (and, where the design can
  hold the live value, the design property "adopt" would set: drift_adopt.py);
- deleted: the deployment made it, and it is gone;
- not deployed: the node was added to the design after the last deploy;
- not checked: nothing of it could be checked (the sandbox does not emulate it, or no check exists).

Resources tagged as this design's that the deployment does not hold are listed as unmanaged
(drift_unmanaged.py).  Nothing is changed: drift only reads, under the deployment's lock.
"""

from __future__ import annotations

import time

from ..design.model import Design
from . import paths
from .drift_adopt import adoption
from .locks import Busy, locked
from .preview import PreviewBusy, QuietJob, never_confirm
from .runner import JobSetup, confirm_target
from .state import DeploymentState
from .verify import verify

STATUSES = ("in sync", "drifted", "deleted", "not deployed", "not checked")


def drift(design: Design, *, target: str = "sandbox", profile: str | None = None, really_aws: bool = False,
          refresh: bool = True) -> dict:
    """The drift report (JSON-ready): `nodes` {id: {"status", "differences", "notes", ...}}, `counts`, `unmanaged`."""
    confirm_target(target, really_aws)
    started = time.monotonic()
    state = DeploymentState(target, design.region, design.name).load()
    if state.get("status") not in ("deployed", "partial"):
        raise ValueError(f"{design.name} is not deployed to {target}: deploy it first, then check its drift")
    engine = state.get("engine") or "cloudformation"
    job = QuietJob()
    try:
        with locked(paths.deploy_lock(target, design.region, design.name), wait=0, what=f"deployment of {design.name!r}"):
            setup = JobSetup(None, design, job, target, engine, profile, never_confirm)
            setup.connect()
            ctx = setup.context()
            inventory = setup.engine.inventory(ctx)
            params = {**setup.engine.current_params(ctx), **(state.get("params") or {})}
            report = verify(ctx.resolved, inventory, ctx.target, params=params, engine=engine,
                            omitted=setup.adapted.omitted if setup.adapted else None)
            terraform = setup.engine.drifted(ctx) if refresh and engine == "terraform" else None
            from .drift_unmanaged import unmanaged

            strays = unmanaged(ctx.target, design.name, inventory, state.get("inventory") or {})
    except Busy as exc:
        raise PreviewBusy(f"another job is running: {exc}") from None
    baseline = state.get("baseline")
    excused = _excuse(report, baseline or {})
    nodes = _nodes(design, report, recorded=state.get("inventory") or {}, terraform=terraform,
                   deployed=state.get("deployed_design") or {})
    counts = dict.fromkeys(STATUSES, 0)
    for node in nodes.values():
        counts[node["status"]] += 1
    return {"design": design.name, "target": target, "engine": engine, "region": design.region,
            "nodes": nodes, "counts": counts, "unmanaged": strays,
            "terraform_refresh": None if terraform is None else {"checked": True, "drifted": len(terraform)},
            "known_at_deploy": excused,
            "notes": [] if baseline is not None else [
                "the last deploy kept no record of what the target had dropped (deployed by an older Isshoni): "
                "differences may include settings that were never applied; deploy again to record them"],
            "seconds": round(time.monotonic() - started, 2)}


def _excuse(report, baseline: dict) -> int:
    """Take out of the report what was already off when the deploy ended (a setting the sandbox
    dropped, a part it never made): that is the target's limit, not drift.  Returns how many."""
    count = 0
    for p in report.parts:
        known = baseline.get(p.lid)
        if not known:
            continue
        if p.status == "missing" and known.get("status") == "missing":
            p.status = "unverified"
            p.notes.insert(0, "missing since the deploy (the target never made it): not drift")
            count += 1
            continue
        kept = [d for d in p.differences if d["setting"] not in known.get("live", {}) or known["live"][d["setting"]] != d["live"]]
        count += len(p.differences) - len(kept)
        p.differences = kept
        if p.status == "created_but_settings_dropped" and not kept:
            p.status = "verified"
    return count


def _nodes(design: Design, report, *, recorded: dict, terraform: dict | None, deployed: dict) -> dict:
    by_node: dict[str, list] = {}
    for part in report.parts:
        by_node.setdefault(part.source, []).append(part)
    before = (deployed.get("resources") or {}) if deployed else None
    out = {}
    for rid in sorted(design.resources):
        parts = by_node.get(rid, [])
        changed = before is not None and rid in before and before[rid] != design.resources[rid]
        # Terraform's refresh compares what runs with its state, which is the design as last deployed:
        # where the design changed since (an adopted value, an edit), only the describe checks speak
        node = _node(rid, design, parts, recorded, {} if changed else (terraform or {}))
        if changed:
            node["changed_since_deploy"] = True
            node["notes"].append("the design changed here since the last deploy: a difference may be an edit not deployed yet")
        out[rid] = node
    return out


def _node(rid: str, design: Design, parts: list, recorded: dict, terraform: dict) -> dict:
    differences, notes, checked, unchecked = [], [], 0, 0
    deleted_primary, deleted_other, undeployed = False, [], 0
    for p in parts:
        if p.status == "verified":
            checked += 1
        elif p.status == "created_but_settings_dropped":
            checked += 1
            differences += [{**d, "part": p.lid, "type": p.type} for d in p.differences]
        elif p.status == "missing":
            if p.lid in recorded:
                if p.lid == rid:
                    deleted_primary = True
                else:
                    deleted_other.append(p)
            else:
                undeployed += 1
        else:  # unverified, not_emulated
            unchecked += 1
            notes += [f"{p.lid}: {n}" for n in p.notes[:1]]
        if p.status != "missing":
            differences += [{**change, "part": p.lid, "type": p.type} for change in terraform.get(p.lid, ()) if change["path"]]
    for p in deleted_other:
        differences.append({"setting": f"{p.type} {p.lid}", "path": "", "design": "exists", "live": "deleted",
                            "part": p.lid, "type": p.type})
    node = {"type": design.resources[rid].get("type"), "parts": len(parts), "checked": checked, "not_checked": unchecked,
            "differences": differences, "notes": notes}
    if deleted_primary:
        node["status"] = "deleted"
        node["adopt"] = {"remove": rid}
    elif differences:
        node["status"] = "drifted"
        for d in differences:
            d.update(adoption(design, rid, d))
        differences = _one_per_setting(differences)
        node["differences"] = differences
        edits = {d["property"]: d["value"] for d in differences if "property" in d}
        if edits:
            node["adopt"] = {"set": edits}
    elif parts and undeployed == len(parts):
        node["status"] = "not deployed"
    elif checked:
        node["status"] = "in sync"
    else:
        node["status"] = "not checked"
        if not parts:
            notes.append("no AWS resource of its own (it configures others)")
    return node


def _one_per_setting(differences: list[dict]) -> list[dict]:
    """A setting both the describe check and Terraform's refresh saw is said once (the describe
    check's words, noting that Terraform agrees)."""
    held = {d["property"]: d for d in differences if "property" in d and d.get("side") != "tf"}
    seen = {(d["part"], d["setting"]): d for d in differences if d.get("side") != "tf"}
    out = []
    for d in differences:
        same = held.get(d.get("property")) or seen.get((d["part"], _TF_SAME.get(d.get("path"), "")))
        if d.get("side") == "tf" and same is not None:
            same["terraform_agrees"] = True
            continue
        out.append(d)
    return out


# a Terraform attribute and the describe check's setting that say the same thing (a group's rules)
_TF_SAME = {"ingress": "SecurityGroupIngress", "egress": "SecurityGroupEgress"}


def adopt(design: Design, report: dict, node: str) -> list[str]:
    """Write what runs into the design for one drifted or deleted node (in memory); what changed, said."""
    entry = (report.get("nodes") or {}).get(node)
    if entry is None:
        raise KeyError(f"no node {node!r} in the drift report")
    plan = entry.get("adopt")
    if not plan:
        raise ValueError(f"{node} has nothing to adopt ({entry['status']}"
                         + ("; the design cannot hold the live value: re-apply instead)" if entry["status"] == "drifted" else ")"))
    if "remove" in plan:
        removed = design.remove(node)
        return [f"removed {node} from the design (it was deleted outside)"
                + (f", with its connection(s) {', '.join(removed[1:])}" if len(removed) > 1 else "")]
    props = design.resources[node].get("properties") or {}
    said = [f"{node}.{name}: {props.get(name)!r} -> {value!r}" for name, value in plan["set"].items()]
    design.set(node, **plan["set"])
    return said
