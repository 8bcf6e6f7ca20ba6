"""How often a busy room relays updates: a frame budget shared by all its clients."""

from __future__ import annotations

import os


def frame_budget() -> float:
    """Frames a second a busy room may send ($ISSHONI_ROOM_FRAMES_PER_SECOND; 0: no budget)."""
    return float(os.environ.get("ISSHONI_ROOM_FRAMES_PER_SECOND", "2000") or 0)


def broadcast_interval(clients: int, budget: float) -> float:
    """Seconds between two relays of a busy room with `clients` connected.

    A relay costs one frame per client, so the room keeps to a frame budget
    ($ISSHONI_ROOM_FRAMES_PER_SECOND, default 2,000; 0 turns this off): two people
    editing get every update at once (1 ms apart), a hundred chatting clients get the
    updates of each 50 ms merged into one frame, instead of a hundred frames a second
    each, on the server and on every client.  An edit after a quiet moment always goes
    out at once; the wait never exceeds 100 ms."""
    return 0.0 if budget <= 0 else min(0.1, clients / budget)
