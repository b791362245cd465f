"""The production cache backend: Redis, one client per pool, shared by every call."""

import uuid
from typing import Any

from groupwork.core.cache import SharedClientRedisCache


def test_values_round_trip_and_every_call_shares_one_client() -> None:
    cache = SharedClientRedisCache("redis://127.0.0.1:6379/7", {"KEY_PREFIX": uuid.uuid4().hex})
    cache.set("answer", {"value": 42}, timeout=30)
    assert cache.get("answer") == {"value": 42}
    clients: Any = cache._cache  # type: ignore[attr-defined]  (Django's, not in its stubs)
    assert clients.get_client(write=True) is clients.get_client()
    cache.delete("answer")
    assert cache.get("answer") is None
