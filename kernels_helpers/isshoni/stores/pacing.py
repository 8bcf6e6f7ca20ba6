"""How often a busy room relays updates: a frame budget shared by all its clients (a token bucket)."""

from __future__ import annotations

import os

BURST_S = 0.1  # the bucket holds this many seconds of budget
MAX_WAIT_S = 0.1


def frame_budget() -> float:
    """Frames a second a busy room may send ($ISSHONI_ROOM_FRAMES_PER_SECOND; 0: no budget)."""
    return float(os.environ.get("ISSHONI_ROOM_FRAMES_PER_SECOND", "2000") or 0)


class FrameBucket:
    """A room's frame budget as a token bucket: a relay costs one frame per client.

    The bucket refills at `budget` frames a second and holds `BURST_S` of them (200 by default),
    so a room that keeps to its budget on average never waits: two people editing get every update
    at once, even in a quick run of edits.  A room that spends faster than that waits until the
    bucket holds its next relay (at most 100 ms), and the updates arriving meanwhile are merged
    into that relay: a hundred chatting clients get one frame each per 50 ms, not a hundred
    frames a second each, on the server and on every client.  `budget` 0 turns it off."""

    def __init__(self, budget: float, now: float):
        self.rate = budget
        self.capacity = budget * BURST_S
        self.tokens = self.capacity
        self.stamp = now

    def wait(self, clients: int, now: float) -> float:
        """Seconds to wait before a relay to `clients` may go out (0: at once)."""
        if self.rate <= 0:
            return 0.0
        missing = clients - self._refill(now)
        return 0.0 if missing <= 0 else min(MAX_WAIT_S, missing / self.rate)

    def spend(self, clients: int, now: float) -> None:
        """A relay to `clients` went out at `now` (the bucket may go below zero after a capped wait)."""
        if self.rate > 0:
            self.tokens = self._refill(now) - clients

    def _refill(self, now: float) -> float:
        """The frames in the bucket at `now` (what flowed in since the last look, up to its capacity)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return self.tokens
