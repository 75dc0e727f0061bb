"""The cache's Redis server as a plain client: counters and rate limits that need more than the cache API
(pipelines, one round trip for several keys)."""

import functools

import redis
from django.conf import settings


@functools.cache
def _client(url: str) -> redis.Redis:
    # Short timeouts: a Redis that is away costs a request at most half a second, then the caller falls back.
    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


def cache_redis() -> redis.Redis:
    """A client of the cache's Redis server (kept without eviction), one per process and URL."""
    return _client(settings.CACHE_URL)
