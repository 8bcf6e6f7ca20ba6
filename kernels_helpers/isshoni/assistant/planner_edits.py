"""The offline planner's edits of a design that is there: remove, rename, highly available, cheaper,
another region.

Each request names what it changes the way people do (an id, words of a label, a kind of service:
"the database", "the Redis"); several matches are asked about, never guessed.  What "highly
available" and "cheaper" mean for each catalog type is data (HA, CHEAPER below), applied only where
a value differs, and the answer lists each change and what it did not cover.
"""

from __future__ import annotations

import re

from ..catalog import CATALOG
from ..design import Design

# catalog type -> the properties that make it survive the loss of one zone or node (raised, never lowered)
HA = {
    "rds_instance": {"multi_az": True},
    "rds_read_replica": {"multi_az": True},
    "elasticache_redis": {"automatic_failover": True},
    "ecs_service": {"desired_count": 2, "min_count": 2},
    "autoscaling_group": {"min_size": 2},
    "ecs_capacity_provider": {"min_size": 2},
}
# catalog type -> the properties that cost less (what a development or demo environment runs)
CHEAPER = {
    "rds_instance": {"multi_az": False},
    "rds_read_replica": {"multi_az": False},
    "elasticache_redis": {"automatic_failover": False},
    "ecs_service": {"desired_count": 1, "min_count": 1},
    "autoscaling_group": {"min_size": 1},
    "ecs_capacity_provider": {"min_size": 1},
    "cloudfront_distribution": {"price_class": "PriceClass_100"},
}
COUNTS = {"desired_count", "min_count", "min_size"}  # raised to the HA value, not set down to it
TARGET = re.compile(r"\bmake\s+(?P<what>.+?)\s+(more\s+)?(highly|high|fault|resilient|multi|cheap|less|cost)", re.I)
WHOLE = {"it", "this", "everything", "all", "all of it", "the design", "the whole design", "the system", "the architecture",
         "the whole thing", "the stack", "this design"}

REMOVE = re.compile(r"^\s*(please\s+)?(remove|delete|drop|get rid of|take out)\s+(?P<what>.+?)\s*[.!]?\s*$", re.I)
RENAME = re.compile(r"^\s*(please\s+)?(rename|relabel|call)\s+(?P<what>.+?)\s+(to|as)\s+[\"'“]?(?P<name>[^\"'”]+?)[\"'”]?\s*[.!]?\s*$", re.I)
REGION = re.compile(r"\b(?P<region>(us|eu|ap|ca|sa|me|af|il|mx)(-gov)?-(north|south|east|west|central|northeast|southeast|"
                    r"northwest|southwest)-\d)\b", re.I)
# the whole design moves: "put it in eu-west-1", "move everything to ...", "change the region to ..." (not "deploy a
# static site in eu-west-1", which asks for something new)
MOVE_VERB = re.compile(r"^\s*(please\s+)?((put|move|deploy|run|host|switch)\s+(it|this|everything|the design|the whole design|"
                       r"all of it|us|the stack)\b|(change|set|switch)\s+(the\s+)?region\b)", re.I)
TUNE_VERB = re.compile(r"^\s*(please\s+)?(make|keep|turn|reduce|lower|cut|save|go)\b", re.I)  # an edit, not "a cheap static site"
HIGHLY = re.compile(r"\b(highly[- ]available|high availability|\bha\b|fault[- ]tolerant|resilient|survive .*(zone|az)|multi[- ]az)\b", re.I)
CHEAP = re.compile(r"\b(cheaper|cheap|less expensive|lower (the )?cost|reduce (the )?cost|save money|cost less|budget)\b", re.I)
STOP = {"the", "and", "for", "from", "design", "please", "make", "highly", "available", "cheaper", "remove", "delete", "drop",
        "rename", "relabel", "call", "all", "our", "this", "that", "with", "into", "its", "his", "her", "their", "everything"}


def words(text: str) -> set[str]:
    """The words of a request (or a name) that can tell resources apart: three letters or more, no filler."""
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2} - STOP


def called(rid: str, resource: dict) -> set[str]:
    """The words a resource goes by: its id, its label and its type's name (`api_gateway_http` is an "api")."""
    return words(rid.replace("_", " ")) | words(resource.get("label", "")) | words(resource["type"].replace("_", " "))


def mentioned(design: Design, text: str, types=()) -> list[str]:
    """The resources `text` names best: most of its words in an id, label or type name (an id written as is
    counts a little more), else a kind of service (`types`: the catalog types its words name, e.g. "the
    database" -> rds_instance).  Several equally good are all returned: the caller asks which."""
    tokens, asked = set(re.findall(r"[A-Za-z0-9_-]+", text)), words(text)
    scores = {}
    for rid, r in design.resources.items():
        score = len(asked & called(rid, r)) + (0.5 if rid in tokens else 0) + (0.25 if r["type"] in types else 0)
        if score >= 1:
            scores[rid] = score
    if scores:
        best = max(scores.values())
        return sorted(rid for rid, score in scores.items() if score == best)
    return sorted(rid for rid, r in design.resources.items() if r["type"] in types)


def _list(ids: list[str]) -> str:
    return ", ".join(f"`{rid}`" for rid in ids)


def edit(text: str, design: Design, notice: str, kinds) -> tuple[str, list[dict], str] | None:
    """(answer, ops, intent) for an edit of the design, or None when the request is no such edit.
    `kinds(text)` gives the catalog types the request's words name."""
    if not design.resources:
        return None
    found = REMOVE.match(text)
    if found:
        return _remove(design, found.group("what"), notice, kinds)
    found = RENAME.match(text)
    if found:
        return _rename(design, found.group("what"), found.group("name").strip(), notice, kinds)
    found = REGION.search(text)
    if found and MOVE_VERB.search(text):
        region = found.group("region").lower()
        if region == design.region:
            return f"{notice} The design is already in {region}: nothing to change.", [], "region"
        return (f"{notice} I set the design's region to {region} (it was {design.region}); each resource is checked "
                "against what AWS offers there.", [{"op": "set_meta", "region": region}], "region")
    if HIGHLY.search(text) and TUNE_VERB.search(text):
        return _tune(design, text, HA, "highly available", notice, kinds)
    if CHEAP.search(text) and TUNE_VERB.search(text):
        return _tune(design, text, CHEAPER, "cheaper", notice, kinds)
    return None


def _remove(design: Design, what: str, notice: str, kinds) -> tuple[str, list[dict], str]:
    hits = mentioned(design, what, kinds(what))
    if not hits:
        return f"{notice} I found nothing in the design called {what!r}: nothing removed.", [], "remove"
    if len(hits) > 1:
        return f"{notice} {what!r} could be any of {_list(hits)}. Which one should go? Name it by its id.", [], "ask:remove"
    (rid,) = hits
    inside = sorted(r for r, v in design.resources.items() if v.get("parent") == rid)
    if inside:
        return (f"{notice} `{rid}` holds {_list(inside)}; remove or move those first (I do not remove what sits "
                "inside a container with it).", [], "ask:remove")
    links = sum(rid in (c["source"], c["target"]) for c in design.connections.values())
    said = f" and its {links} connection(s)" if links else ""
    return f"{notice} I removed {CATALOG[design.resources[rid]['type']].label} `{rid}`{said}.", [{"op": "remove", "id": rid}], "remove"


def _rename(design: Design, what: str, name: str, notice: str, kinds) -> tuple[str, list[dict], str]:
    hits = mentioned(design, what, kinds(what))
    if len(hits) != 1:
        options = f"any of {_list(hits)}" if hits else "nothing in the design"
        return f"{notice} {what!r} names {options}; say which by its id.", [], "ask:rename"
    (rid,) = hits
    return (f"{notice} I renamed `{rid}` to {name!r} (its id stays `{rid}`, so connections and code keep working).",
            [{"op": "set_label", "id": rid, "label": name[:256]}], "rename")


def _tune(design: Design, text: str, table: dict, goal: str, notice: str, kinds) -> tuple[str, list[dict], str]:
    """Set what makes each resource `goal` (`table`), on the resources the request names or on all."""
    found = TARGET.search(text)
    what = found.group("what").strip() if found else ""
    if what and what.lower() not in WHOLE:
        named = [rid for rid in mentioned(design, what, kinds(what)) if design.resources[rid]["type"] in table]
        if not named:
            return f"{notice} I found nothing called {what!r} that I know how to make {goal}: nothing changed.", [], goal
        scope = named
    else:
        scope = sorted(rid for rid, r in design.resources.items() if r["type"] in table)
    ops, lines = [], []
    for rid in scope:
        current = design.resources[rid].get("properties") or {}
        defaults = CATALOG[design.resources[rid]["type"]].defaults()
        change = {}
        for key, value in table[design.resources[rid]["type"]].items():
            now = current.get(key, defaults.get(key))
            if table is HA and key in COUNTS and isinstance(now, int) and now >= value:
                continue
            if now != value:
                change[key] = value
        if change:
            ops.append({"op": "set", "id": rid, "properties": change})
            lines.append(f"`{rid}`: " + ", ".join(f"{k} {v}" for k, v in change.items()))
    if not ops:
        what = _list(scope) if scope else "nothing in the design that this changes"
        return f"{notice} Already {goal} as far as I can set it ({what}): nothing to change.", [], goal
    left = ""
    if table is HA:
        azs = {(v.get("properties") or {}).get("az") for v in design.resources.values() if v["type"] == "subnet"}
        if len(azs - {None}) < 2:
            left = " Not done: the subnets are in one zone; add subnets in a second zone for the services to spread over."
    return f"{notice} To make it {goal}, I set " + "; ".join(lines) + "." + left, ops, goal


__all__ = ["CHEAPER", "HA", "edit", "mentioned"]
