"""The Redis broker transport (CELERY_BROKER_TRANSPORT): kombu's, with one command client a channel.

kombu's Redis channel builds a new redis-py client for every command it sends outside the consumer's loop: each
publish, and on the workers each delivery's and acknowledgement's bookkeeping. A client copies redis-py's
table of ~170 reply callbacks, upper-casing each name: 0.78 M CPU instructions, a quarter of a publish
(callgrind). The client holds no connection of its own, only the channel's pool, so the channel keeps one
and builds it again when the pool changes (after a fork or a reconnection kombu drops the pool).
"""

from kombu.transport import redis


class Channel(redis.Channel):
    _command_client = None

    def _create_client(self, asynchronous=False):
        if asynchronous:  # the consumer's BRPOP client, built once a channel by kombu already
            return super()._create_client(asynchronous=True)
        client = self._command_client
        if client is None or client.connection_pool is not self.pool:
            client = self._command_client = super()._create_client()
        return client


class Transport(redis.Transport):
    Channel = Channel
