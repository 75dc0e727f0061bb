"""Celery in a web process: its settings, and the broker transport of openalmaty.broker on the real Redis."""

import json

import redis

from appeals.tasks import route_appeal_task
from conftest import celery_broker
from openalmaty import broker
from openalmaty.celery import app


def test_celery_works_with_every_celery_setting_of_django():
    from django.conf import settings

    ours = [name for name in dir(settings) if name.startswith("CELERY_")]
    assert len(ours) > 10
    for name in ours:
        assert app.conf.get(name) == getattr(settings, name), name
    assert app.conf.task_acks_late is True  # as Celery's own name, not only the prefixed one
    assert (
        app.conf.broker_transport_options["visibility_timeout"]
        == settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    )


def test_a_channel_sends_its_commands_through_one_client_until_kombu_drops_its_pool():
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        assert isinstance(channel, broker.Channel)
        client = channel._create_client()
        assert channel._create_client() is client

        channel._disconnect_pools()  # what kombu does in a forked child and when the channel closes
        assert channel._create_client() is not client
        assert channel._create_client().connection_pool is channel.pool


def test_a_process_publishes_again_after_redis_restarts(throwaway_redis):
    """The kept client holds no connection: the first publish after a restart reconnects through the pool."""
    queue = redis.Redis.from_url(throwaway_redis.url)
    with celery_broker(throwaway_redis.url):
        route_appeal_task.apply_async(args=(1,))
        assert queue.llen("celery") == 1

        throwaway_redis.kill()
        throwaway_redis.start()  # without persistence: an empty queue
        route_appeal_task.apply_async(args=(2,))

    published = [json.loads(message)["headers"]["argsrepr"] for message in queue.lrange("celery", 0, -1)]
    assert published == ["(2,)"]
