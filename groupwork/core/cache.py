"""Django's Redis cache, keeping one Redis client per connection pool.

Django's client builds a new `redis.Redis` for every cache call, and each one fills a table of
some two hundred response handlers; with sessions in Redis that happened twice on every page.
A `redis.Redis` is safe to share: it takes a connection from its pool for each command.
"""

from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        django_client: Any = self  # these private helpers are Django's, not in its type stubs
        index = django_client._get_connection_pool_index(write)
        if index not in self._clients:
            pool = django_client._get_connection_pool(write)
            self._clients[index] = django_client._client(connection_pool=pool)
        return self._clients[index]


class SharedClientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
