"""A fixed-window rate limit in the shared cache's Redis, for forms anybody can post.

It fails open: when Redis is down the limit is not applied, because refusing an appeal is worse than
letting a few extra requests through (the law forbids refusing to accept an appeal).
"""

import logging
from typing import NamedTuple

import redis
from django.http import HttpRequest

from openalmaty.redis_client import cache_redis

logger = logging.getLogger(__name__)


class Limit(NamedTuple):
    key: str
    limit: int  # hits allowed ...
    window_seconds: int  # ... per window


def client_ip(request: HttpRequest) -> str:
    # Behind the load balancer, gunicorn's --forwarded-allow-ips makes REMOTE_ADDR the client's address.
    return request.META.get("REMOTE_ADDR", "")


def over_limit(*limits: Limit) -> bool:
    """Count one hit on each limit's key; True when any of them had more hits than it allows in its window.

    One round trip for all of them: per key, open the window if there is none (SET NX with its expiry),
    then count (INCR).
    """
    try:
        with cache_redis().pipeline(transaction=True) as pipe:
            for limit in limits:
                pipe.set(f"ratelimit:{limit.key}", 0, ex=limit.window_seconds, nx=True)
                pipe.incr(f"ratelimit:{limit.key}")
            counts = pipe.execute()[1::2]
    except redis.RedisError as exc:
        logger.warning("rate limit not applied (%s)", exc)
        return False
    return any(count > limit.limit for count, limit in zip(counts, limits, strict=True))
