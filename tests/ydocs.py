"""Design documents for store tests: a design of N nodes, and its size squashed into one update."""

from __future__ import annotations

from pycrdt import Doc

from isshoni.yinfra import YInfra


def design_doc(nodes: int = 100) -> YInfra:
    doc = YInfra()
    doc.apply({
        "meta": {"name": "big"},
        "resources": {
            f"n{i}": {"type": "AWS::EC2::Instance", "name": f"n{i}", "x": i * 10, "y": 0,
                      "properties": {"InstanceType": "t3.micro", "Tag": f"node-{i}"}}
            for i in range(nodes)
        },
        "connections": {},
    })
    return doc


def compacted_size(doc: YInfra) -> int:
    """The document squashed into one update by a plain Doc (an editing YInfra's undo manager keeps more)."""
    plain = Doc()
    plain.apply_update(doc.ydoc.get_update())
    return len(plain.get_update())
