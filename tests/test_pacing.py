"""A room's frame budget is a token bucket: quick runs of edits between few people go out at once,
a fan-out to many clients is merged to about `clients / budget` seconds per relay."""

from __future__ import annotations

from isshoni.stores.pacing import FrameBucket


def test_two_editors_never_wait_within_the_budget():
    bucket, now = FrameBucket(2000, 0.0), 0.0
    for _ in range(1000):  # a relay every 1.1 ms to 2 clients: 1,818 frames/s, under 2,000
        assert bucket.wait(2, now) == 0.0
        bucket.spend(2, now)
        now += 0.0011


def test_a_burst_goes_out_at_once_then_the_rate_is_held():
    bucket, now, waited = FrameBucket(2000, 0.0), 0.0, []
    for _ in range(400):  # 2 clients, a relay every 0.5 ms: 4,000 frames/s, twice the budget
        pause = bucket.wait(2, now)
        waited.append(pause)
        now += pause
        bucket.spend(2, now)
        now += 0.0005
    assert all(p == 0.0 for p in waited[:150])  # the bucket's 200 frames: the burst is not held back
    assert sum(waited) > 0.1  # then relays are spaced to the budget: 800 frames need 0.4 s, not 0.2


def test_a_hundred_clients_get_a_relay_about_every_50_ms():
    bucket, now, relays = FrameBucket(2000, 0.0), 0.0, 0
    while now < 2.0:  # updates keep coming: each relay goes as soon as the bucket allows
        now += bucket.wait(100, now)
        bucket.spend(100, now)
        relays += 1
        now += 0.001
    assert 38 <= relays <= 44  # 2 s at 2,000 frames/s = 4,000 frames = 40 relays (+2 from the full bucket)


def test_no_budget_never_waits():
    bucket = FrameBucket(0, 0.0)
    assert bucket.wait(10_000, 0.0) == 0.0
    bucket.spend(10_000, 0.0)
    assert bucket.wait(10_000, 0.0) == 0.0


def test_a_wait_is_never_longer_than_100_ms():
    bucket = FrameBucket(10, 0.0)  # 10 frames a second, 1 in the bucket
    assert bucket.wait(1000, 0.0) == 0.1
