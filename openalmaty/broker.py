"""kombu's Redis transports with one command client a channel: CELERY_BROKER_TRANSPORT (settings.transport_for).

kombu's Redis channel builds a new redis-py client for every command it sends outside the consumer's loop: each
publish, and on the workers each delivery's and acknowledgement's bookkeeping. A client copies redis-py's
table of ~170 reply callbacks, upper-casing each name: 0.78 M CPU instructions, a quarter of a publish
(callgrind). The client holds no connection of its own, only the channel's pool, so the channel keeps one
and builds it again when kombu replaces the pool (in a forked child, or after the channel was closed).
"""

from kombu.transport import redis


class OneCommandClient:
    _command_client = None

    def _create_client(self, asynchronous=False):
        if asynchronous:  # the consumer's BRPOP client, built once a channel by kombu already
            return super()._create_client(asynchronous=True)
        client = self._command_client
        if client is None or client.connection_pool is not self.pool:
            client = self._command_client = super()._create_client()
        return client


class Channel(OneCommandClient, redis.Channel):
    pass


class Transport(redis.Transport):
    Channel = Channel


class SentinelChannel(OneCommandClient, redis.SentinelChannel):
    pass


class SentinelTransport(redis.SentinelTransport):
    Channel = SentinelChannel
