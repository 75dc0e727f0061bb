"""Celery in a web process: its settings, and the broker transports of openalmaty.broker on real Redis servers."""

import json
import shutil
import subprocess
import time

import redis
from kombu import Connection

from appeals.tasks import route_appeal_task
from conftest import RedisServer, _free_port, celery_broker
from openalmaty import broker
from openalmaty.celery import app
from openalmaty.settings import transport_for


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


def test_a_worker_starts_without_calling_our_settings_deprecated():
    """CELERY_TIMEZONE and CELERY_TASK_PUBLISH_RETRY_POLICY are also Celery 3's names: given as they are, every
    worker warned at its start that they would be removed and told the operator to rewrite the settings."""
    from django.conf import settings

    assert app.conf.maybe_warn_deprecated_settings() is False  # what the worker calls at its start
    assert app.conf.timezone == settings.CELERY_TIMEZONE
    assert app.conf.task_publish_retry_policy == settings.CELERY_TASK_PUBLISH_RETRY_POLICY


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


def test_redis_and_sentinel_urls_get_the_one_client_transports_and_any_other_url_kombus_own():
    assert transport_for("redis://127.0.0.1:6379/1") == "openalmaty.broker:Transport"
    assert transport_for("sentinel://10.0.0.1:26379;sentinel://10.0.0.2:26379") == (
        "openalmaty.broker:SentinelTransport"
    )
    assert transport_for("rediss://redis.example:6380/0") is None  # kombu sets TLS up from the scheme
    assert transport_for("amqp://guest@localhost//") is None


def test_a_message_published_through_sentinel_reaches_the_master(tmp_path):
    """The deployment the README recommends: Redis with Sentinel; the broker URL names the sentinels."""
    port = _free_port()
    master = RedisServer(url=f"redis://127.0.0.1:{port}/0", port=port, directory=tmp_path)
    master.start()
    sentinel_port = _free_port()
    config = tmp_path / "sentinel.conf"
    config.write_text(f"port {sentinel_port}\nbind 127.0.0.1\nsentinel monitor oa 127.0.0.1 {master.port} 1\n")
    sentinel = subprocess.Popen([shutil.which("redis-server") or "redis-server", str(config), "--sentinel"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        asking = redis.Redis(port=sentinel_port, socket_connect_timeout=0.2)
        for _ in range(100):
            try:
                if asking.sentinel_get_master_addr_by_name("oa"):
                    break
            except redis.ConnectionError:
                pass  # not listening yet
            time.sleep(0.05)
        broker_url = f"sentinel://127.0.0.1:{sentinel_port}"
        transport = transport_for(broker_url)
        with Connection(broker_url, transport=transport, transport_options={"master_name": "oa"}) as connection:
            assert isinstance(connection.default_channel, broker.SentinelChannel)
            queue = connection.SimpleQueue("sentinel-check")
            queue.put({"appeal": 1})
            queue.put({"appeal": 2})
            queue.close()
        assert redis.Redis.from_url(master.url).llen("sentinel-check") == 2
    finally:
        sentinel.kill()
        sentinel.wait()
        master.kill()
