"""Yjs state vectors ({client: clock}) read with pycrdt's lib0 decoder, and compared."""

from __future__ import annotations

from pycrdt import Decoder


def dominates(have: bytes, need: bytes) -> bool:
    """State vector `have` contains every update counted in `need`."""
    got = parse_state(have)
    return all(got.get(client, 0) >= clock for client, clock in parse_state(need).items())


def parse_state(sv: bytes) -> dict[int, int]:
    """A Yjs state vector as {client: clock}."""
    dec = Decoder(sv)
    return {dec.read_var_uint(): dec.read_var_uint() for _ in range(dec.read_var_uint())}

