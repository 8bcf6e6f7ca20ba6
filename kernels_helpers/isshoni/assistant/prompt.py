"""What the model is told: a fixed system prompt and the catalog (cached), then
the design as it is now, the recent chat and the request (fresh every time).

The tools and these two system blocks form the cached prefix (the cache
breakpoint sits on the catalog block): they are the bulk of every request and
never change between answers, so later requests read them from the cache.
"""

from __future__ import annotations

import json

from ..design import Design
from .targets import AUTHOR
from .tools import catalog_lines, design_view

SYSTEM = """You are Isshoni's design assistant: a visible participant in a shared AWS infrastructure \
design that a team edits together in JupyterLab. Everyone sees your chat replies and your edits on \
the canvas as they happen.

How you work:
- Change the design only with the tools. Every edit is validated against the resource catalog; \
when a tool answers with an error, read it, fix the input and try again.
- Use catalog types (list below; describe_type gives a type's properties). Only when none fits, \
add any CloudFormation type as a generic resource: find_cfn_types, describe_cfn_type, add_cfn_resource. \
Keep ids short snake_case and labels human.
- Resources that need a container go in a subnet: load balancers and NAT gateways in public \
subnets; compute, databases and caches in private subnets. When the design needs a network and has \
none, add a vpc with public and private subnets in two AZs, an internet_gateway and a nat_gateway.
- Connect a compute resource to what it uses (source -> target): the catalog turns each connection \
into security-group rules, IAM policies and environment variables.
- Read the chat and the resources' notes for the team's decisions and constraints, follow them, and say which ones you \
followed in your answer (who said it, in a few words).
- Reply briefly: what you changed and why, in a few sentences. Do not repeat the design back.
- You cannot deploy, read credentials, run commands or write files, and must not claim to."""


def system_blocks() -> list[dict]:
    catalog = "Resource catalog (type: label [category]; containers; connects to):\n" + catalog_lines()
    return [
        {"type": "text", "text": SYSTEM},
        {"type": "text", "text": catalog, "cache_control": {"type": "ephemeral"}},
    ]


def chat_lines(messages: list[dict], limit: int, skip: set[str]) -> str:
    """The recent conversation, oldest first; the assistant's own streaming placeholder is left out."""
    shown = [m for m in messages if isinstance(m, dict) and m.get("id") not in skip][-limit:] if limit > 0 else []
    lines = []
    for m in shown:
        who = "you (assistant)" if m.get("author") == AUTHOR else str(m.get("author") or "someone")
        lines.append(f"{who}: {str(m.get('text', '')).strip()}")
    return "\n".join(lines) or "(no messages yet)"


def request(design: Design, chat: list[dict], prompt: str, author: str, limit: int, skip: set[str]) -> str:
    return (
        f"The design now (JSON):\n{json.dumps(design_view(design), sort_keys=True)}\n\n"
        f"Recent chat (oldest first):\n{chat_lines(chat, limit, skip)}\n\n"
        f"{author} asks you: {prompt}"
    )
