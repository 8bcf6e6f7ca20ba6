"""What the assistant itself costs, apart from the model's thinking time.

1. One tool edit (validate input, apply the op with the design's checks, write the
   live Yjs document as the assistant) on live designs of growing size, the op checked
   in a thread (a kernel) and in the server's worker processes (the content pickled
   to one and the result back).
2. Time to the first streamed words in the chat and to the finished answer, for a
   three-turn answer played by the fake Messages API on 127.0.0.1 through the real
   anthropic SDK (the fake answers at once: this is the client-side overhead).

    python benchmarks/bench_assistant.py --sizes 20,200,1000 --edits 20
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "kernels_helpers"), str(ROOT / "tests")]

from fake_anthropic import FakeAnthropic, ToolUse, reply  # noqa: E402
from isshoni import Design  # noqa: E402
from isshoni.assistant import Assistant, aask  # noqa: E402
from isshoni.assistant.session import thread_runner  # noqa: E402
from isshoni.assistant.targets import LiveTarget  # noqa: E402
from isshoni.assistant.tools import Toolbox  # noqa: E402
from isshoni.yinfra import YInfra  # noqa: E402


def synthetic(size: int) -> Design:
    design = Design(name="bench")
    for i in range(size // 2):
        design.add("lambda_function", f"fn{i}")
        design.add("dynamodb_table", f"table{i}")
        design.connect(f"fn{i}", f"table{i}")
    return design


async def edit_times(size: int, edits: int, runner=thread_runner) -> list[float]:
    """The op checked off the loop: in a thread (a kernel, no server) or the server's worker processes."""
    doc = YInfra()
    doc.set(synthetic(size).dumps())
    toolbox = Toolbox(LiveTarget(doc), "apply", runner=runner)
    times = []
    for i in range(edits):
        start = time.perf_counter()
        ok, text = await toolbox.call("add_resource", {"type": "sqs_queue", "id": f"q{i}"})
        times.append(time.perf_counter() - start)
        assert ok, text
    return times


async def answer_times(base_url: str, api: FakeAnthropic) -> tuple[float, float]:
    api.add(reply("Adding a queue and a topic for the worker. " * 3, ToolUse("add_resource", {"type": "sqs_queue", "id": "jobs"})),
            reply(ToolUse("add_resource", {"type": "sns_topic", "id": "events"})),
            reply("Done: jobs go through the queue, results are announced on the topic."))
    doc = YInfra()
    first: list[float] = []
    start = time.perf_counter()

    def echo(_text: str) -> None:
        if not first:
            first.append(time.perf_counter() - start)

    config = Assistant(check_after=False, max_retries=0)
    await aask(doc, "a queue and a topic", config=config, echo=echo)
    return first[0], time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="20,200,1000")
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--answers", type=int, default=5)
    args = parser.parse_args()
    from isshoni.server import workers
    from isshoni.server.assistant import run_in_workers

    print("| design resources | tool edit p50, checked in a thread | max | p50, in the server's worker processes | max |")
    print("|---:|---:|---:|---:|---:|")
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            times = asyncio.run(edit_times(size, args.edits))
            asyncio.run(edit_times(20, 2, run_in_workers))  # the pool started and warm before timing
            served = asyncio.run(edit_times(size, args.edits, run_in_workers))
            print(f"| {size:,} | {statistics.median(times) * 1000:.1f} ms | {max(times) * 1000:.1f} ms "
                  f"| {statistics.median(served) * 1000:.1f} ms | {max(served) * 1000:.1f} ms |")
    finally:
        workers.shutdown()
    import os

    with FakeAnthropic() as api:
        os.environ.update(ANTHROPIC_API_KEY="bench-key-not-a-secret", ANTHROPIC_BASE_URL=api.base_url)
        runs = [asyncio.run(answer_times(api.base_url, api)) for _ in range(args.answers)]
    print()
    print(f"| three-turn answer, fake API (median of {args.answers}) | time |")
    print("|---|---:|")
    print(f"| ask -> first streamed words | {statistics.median(r[0] for r in runs) * 1000:.0f} ms |")
    print(f"| ask -> answer done (3 requests, 2 edits) | {statistics.median(r[1] for r in runs) * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
