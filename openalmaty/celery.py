import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openalmaty.settings")

# DjangoTask gives every task delay_on_commit(): published only if the transaction commits.
app = Celery("openalmaty", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
def _renew_stale_database_connections(**kwargs) -> None:
    """Before each task, what Django does before each request: a connection past CONN_MAX_AGE or broken (a
    restarted PostgreSQL) is closed, and a kept one is health-checked on first use."""
    from django.db import close_old_connections

    close_old_connections()
