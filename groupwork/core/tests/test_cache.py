"""The production cache backend: Redis, one client per pool, shared by every call."""

import uuid
from typing import Any

from groupwork.core.cache import SharedClientRedisCache


def test_values_round_trip_and_every_call_shares_one_client() -> None:
    cache = SharedClientRedisCache("redis://127.0.0.1:6379/7", {"KEY_PREFIX": uuid.uuid4().hex})
    cache.set("answer", {"value": 42}, timeout=30)
    assert cache.get("answer") == {"value": 42}
    backend: Any = cache  # _cache is Django's, not in its type stubs
    clients = backend._cache
    assert clients.get_client(write=True) is clients.get_client()
    cache.delete("answer")
    assert cache.get("answer") is None
