"""What the team already decided, read from the recent chat and the nodes' notes (issue 17, item 4).

"We said Postgres, not MySQL", "let's use DynamoDB for orders", a note "must stay MySQL (vendor app)":
a sentence that says a decision (DECIDED) names services with the catalog's words (composer.needs);
what it rejects ("not MySQL", "instead of RDS", "no Redis") is kept apart.  The offline planner builds
with the decisions where the request leaves room (a "database" becomes the chosen store, an engine
the chosen one) and cites each one it used; the model gets the chat and the notes in its prompt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .composer import FAMILIES, Need, needs
from .targets import AUTHOR

DECIDED = re.compile(r"\b(we|let'?s|let us|the team|everyone)\b.{0,40}?\b(said|decided|agreed|chose|choose|go(ing)? with|use|using|"
                     r"prefer|stick(ing)? with|settled on|want|picked|will)\b|\bmust (stay|be|use)\b|\bdecision\b", re.I)
REJECTED = re.compile(r"\b(not|no|instead of|rather than|never|avoid|without)\s+(an?\s+|the\s+)?(?P<what>[A-Za-z0-9 /-]{2,30}?)"
                      r"(?=[,.;!?]|$| for\b| but\b| and\b)", re.I)
DATA = {"rds_instance", "aurora_cluster", "dynamodb_table"}  # a store a generic "database" may be
# bounds on what is read (a hostile or pasted message must not hold the planner): a decision is one sentence
MAX_SENTENCE, MAX_SENTENCES, MAX_REJECTED = 400, 200, 5
GENERIC = {"database", "db", "data store", "storage"}


@dataclass
class Decision:
    who: str
    said: str  # the sentence, as written (cut)
    chosen: list  # Needs it settles on
    rejected: set  # catalog types (and engine values) it rules out
    rejected_words: tuple = ()  # as written ("MySQL"): a request naming one of them is newer, and wins


def decisions(chat: list[dict], notes: dict[str, str] | None = None, limit: int = 20) -> list[Decision]:
    """The decisions in the last `limit` human messages and in the nodes' notes, newest last."""
    found = []
    said = [(m.get("author") or "someone", m.get("text") or "") for m in chat[-limit:]
            if isinstance(m, dict) and m.get("author") != AUTHOR and isinstance(m.get("text"), str)]
    said += [(f"the note on {rid}", text) for rid, text in sorted((notes or {}).items()) if isinstance(text, str)]
    sentences = [(who, sentence) for who, text in said for sentence in re.split(r"(?<=[.!?;])\s+|\n", text[:20_000])]
    for who, sentence in sentences[-MAX_SENTENCES:]:
        if len(sentence) > MAX_SENTENCE or not DECIDED.search(sentence):
            continue
        rejected_words = [m.group("what") for m in REJECTED.finditer(sentence)][:MAX_REJECTED]
        ruled_out = [n for w in rejected_words for n in needs(w)]
        rejected = {n.rtype for n in ruled_out} | {v for n in ruled_out for v in n.properties.values()}
        kept = sentence
        for w in rejected_words:
            kept = kept.replace(w, " ")
        chosen = [n for n in needs(kept) if n.rtype not in rejected or n.properties]
        if chosen or rejected:
            found.append(Decision(who, sentence.strip()[:200], chosen, rejected, tuple(w.strip() for w in rejected_words)))
    return found


def apply(wanted: list[Need], found: list[Decision], request: str = "") -> tuple[list[Need], list[Decision]]:
    """The request's needs with the decisions applied where it leaves room; the decisions that changed something.
    A request that names what a decision ruled out asks for it anew: that decision is not applied."""
    used: list[Decision] = []
    out = [Need(n.rtype, dict(n.properties), n.count, n.said) for n in wanted]
    for decision in found:
        if any(re.search(r"(?<![a-z0-9])" + re.escape(w.lower()) + r"(?![a-z0-9])", request.lower()) for w in decision.rejected_words if w):
            continue
        changed = False
        for choice in decision.chosen:
            for n in out:
                generic = n.said.lower() in GENERIC and n.rtype in DATA and choice.rtype in DATA
                family = any({n.rtype, choice.rtype} <= f for f in FAMILIES) or n.rtype == choice.rtype
                if not (generic or family):
                    continue
                if n.rtype != choice.rtype and (generic or n.rtype in decision.rejected):
                    n.rtype, n.properties, changed = choice.rtype, dict(choice.properties), True
                elif n.rtype == choice.rtype and choice.properties and any(n.properties.get(k) != v for k, v in choice.properties.items()):
                    explicit = {k for k in n.properties if k in choice.properties}
                    if not explicit or any(n.properties[k] in decision.rejected for k in explicit):
                        n.properties.update(choice.properties)
                        changed = True
        for n in out:  # a rejected engine with nothing chosen instead: the catalog's default is left
            for key, value in list(n.properties.items()):
                if value in decision.rejected and not any(c.rtype == n.rtype for c in decision.chosen):
                    del n.properties[key]
                    changed = True
        if changed:
            used.append(decision)
    return out, used


def cited(used: list[Decision]) -> str:
    """The sentence saying which decisions shaped the answer."""
    if not used:
        return ""
    return " Following what the team decided: " + "; ".join(f"{d.who}: \u201c{d.said}\u201d" for d in used) + "."


__all__ = ["Decision", "apply", "cited", "decisions"]
