"""Design documents for store tests: a design of N nodes, and its size squashed into one update."""

from __future__ import annotations

import random

from pycrdt import Doc

from isshoni.yinfra import YInfra


def design_data(nodes: int = 100) -> dict:
    return {
        "meta": {"name": "big"},
        "resources": {
            f"n{i}": {"type": "AWS::EC2::Instance", "name": f"n{i}", "x": i * 10, "y": 0,
                      "properties": {"InstanceType": "t3.micro", "Tag": f"node-{i}"}}
            for i in range(nodes)
        },
        "connections": {},
    }


def design_doc(nodes: int = 100) -> YInfra:
    doc = YInfra()
    doc.apply(design_data(nodes))
    return doc


def compacted_size(doc: YInfra) -> int:
    """The document squashed into one update by a plain Doc (an editing YInfra's undo manager keeps more)."""
    plain = Doc()
    plain.apply_update(doc.ydoc.get_update())
    return len(plain.get_update())


def random_edits(doc: YInfra, count: int, seed: int = 7):
    """Edit random nodes of a `design_doc` `count` times (two of three edits a property, one a
    position), yielding each edit's index after it is made."""
    rng = random.Random(seed)
    nodes = len(doc._yresources)
    for i in range(count):
        node = doc._yresources[f"n{rng.randrange(nodes)}"]
        if i % 3:
            node["properties"]["Tag"] = f"edit-{i}"
        else:
            node["x"] = rng.randrange(2000)
        yield i


async def seeded(store, nodes: int = 100) -> tuple[YInfra, list[bytes]]:
    """A `design_doc` whose whole state `store` already holds, and the list its next updates queue in."""
    doc = design_doc(nodes)
    queue: list[bytes] = []
    doc.ydoc.observe(lambda event: queue.append(event.update))
    await store.encode_state_as_update(doc.ydoc)
    return doc, queue
