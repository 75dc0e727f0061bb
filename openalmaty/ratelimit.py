"""A fixed-window rate limit in the shared cache (Redis), for forms anybody can post.

It fails open: when Redis is down the limit is not applied, because refusing an appeal is worse than
letting a few extra requests through (the law forbids refusing to accept an appeal).
"""

import logging

from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    # Behind the load balancer, gunicorn's --forwarded-allow-ips makes REMOTE_ADDR the client's address.
    return request.META.get("REMOTE_ADDR", "")


def over_limit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one hit on `key`; True when more than `limit` hits fell in the current window."""
    cache_key = f"ratelimit:{key}"
    try:
        try:
            return cache.incr(cache_key) > limit  # one round trip while the window is open
        except ValueError:  # no counter yet: open the window
            cache.add(cache_key, 1, timeout=window_seconds)
            return False
    except Exception as exc:
        logger.warning("rate limit not applied (%s)", exc)
        return False
