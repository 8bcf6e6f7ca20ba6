"""Mermaid's own flowchart grammar, run in a node child process with a deadline.

The parser is the `mermaid` package's jison grammar and FlowDB, bundled into one file
(`static/mermaid-flowchart.mjs`, built by extension/scripts/build-mermaid.mjs with the
extension, shipped in the wheel).  Nothing here re-parses Mermaid: this module only sends
the text, bounds what it may cost (size, time, memory) and turns the answer into data.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ...checks import deadline
from .. import NotImportable

BUNDLE = Path(__file__).parent / "static" / "mermaid-flowchart.mjs"
MAX_BYTES = 1_000_000  # a 500-edge flowchart (Mermaid's own edge limit) is ~60 kB
TIMEOUT = 30.0  # node starts in ~0.1 s and parses 450 edges in ~0.5 s; loaded machines are slow
NODE_MEMORY_MB = 256


@dataclass(frozen=True)
class Vertex:
    id: str
    text: str  # the label as written (HTML such as <br/> kept; the caller reads it as text)
    shape: str  # Mermaid's shape name: square, round, cylinder, hexagon, ...
    line: int | None


@dataclass(frozen=True)
class Edge:
    start: str
    end: str
    text: str
    line: int | None


@dataclass(frozen=True)
class Subgraph:
    id: str
    title: str
    members: tuple[str, ...]  # node ids and nested subgraph ids
    line: int | None


@dataclass
class Flowchart:
    direction: str | None
    vertices: list[Vertex] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    subgraphs: list[Subgraph] = field(default_factory=list)
    ignored: list[tuple[str, int | None]] = field(default_factory=list)  # (classDef|style|click..., line)


def parse(text: str, *, source: str = "<text>", timeout: float = TIMEOUT) -> Flowchart:
    """The flowchart in `text`; NotImportable naming the place when it is not one."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        raise NotImportable(f"{size / 1e6:.1f} MB is more than a Mermaid diagram may be here "
                            f"({MAX_BYTES / 1e6:g} MB); split the diagram", source)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise NotImportable("a NUL character: this is not a text file", f"{source}:{line}")
    answer = _run(text, source, timeout)
    if not answer.get("ok"):
        error = answer.get("error") or {}
        where = source + (f":{error['line']}" if error.get("line") else "")
        where += f":{error['column']}" if error.get("line") and error.get("column") else ""
        raise NotImportable(str(error.get("message") or "Mermaid could not read this diagram"), where)
    return Flowchart(
        direction=answer.get("direction"),
        vertices=[Vertex(v["id"], v.get("text") or v["id"], v.get("shape") or "square", v.get("line"))
                  for v in answer["vertices"]],
        edges=[Edge(e["start"], e["end"], e.get("text") or "", e.get("line")) for e in answer["edges"]],
        subgraphs=[Subgraph(s["id"], s.get("title") or s["id"], tuple(s.get("nodes") or ()), s.get("line"))
                   for s in answer["subgraphs"]],
        ignored=[(i["kind"], i.get("line")) for i in answer.get("ignored", [])],
    )


def _run(text: str, source: str, timeout: float) -> dict:
    node = shutil.which("node")
    if node is None:
        raise NotImportable("reading Mermaid needs Node.js (`node` on PATH) to run Mermaid's own parser; "
                            "none was found", source)
    if not BUNDLE.is_file():
        raise NotImportable(f"Mermaid's parser bundle is missing ({BUNDLE.name}): build it with "
                            "`jlpm build:mermaid` in extension/ (installing the package builds it)", source)
    args = [node, f"--max-old-space-size={NODE_MEMORY_MB}", "--disallow-code-generation-from-strings", str(BUNDLE)]
    env = {"PATH": os.environ.get("PATH", ""), "NODE_OPTIONS": ""}  # nothing of the caller's node set-up
    try:
        done = deadline.run(args, input=text, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        raise NotImportable(f"Mermaid's parser did not finish within {timeout:g} s", source) from None
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        tail = (done.stderr or "").strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
        raise NotImportable(f"Mermaid's parser stopped without an answer ({tail[0][:200]})", source) from None
    if not isinstance(answer, dict):
        raise NotImportable("Mermaid's parser gave an answer of the wrong shape", source)
    return answer
