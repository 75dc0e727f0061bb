import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openalmaty.settings")

# DjangoTask gives every task delay_on_commit(): published only if the transaction commits.
app = Celery("openalmaty", task_cls="celery.contrib.django.task:DjangoTask")
app.autodiscover_tasks()


@app.on_configure.connect
def _read_the_django_settings_once(sender, **kwargs) -> None:
    """Celery's settings are Django's CELERY_* ones, read into a dict when Celery first needs them.

    With config_from_object("django.conf:settings") Celery looks every setting up in Django's lazy settings
    object, trying each spelling it knows; a setting left at Celery's default raises AttributeError there for
    each spelling before the defaults answer. A publish looks up six such settings: 0.6 M CPU instructions
    of its 3.1 M (callgrind). So a later change to Django's settings (override_settings) no longer reaches
    Celery: change app.conf instead, as conftest.celery_broker does.
    """
    from celery.app.utils import detect_settings
    from django.conf import settings

    ours = {name: getattr(settings, name) for name in dir(settings) if name.startswith("CELERY_")}
    # A few prefixed names (CELERY_TIMEZONE, CELERY_TASK_PUBLISH_RETRY_POLICY) are also Celery 3's names for
    # the same settings, and every worker would warn at its start that they are deprecated and tell the
    # operator to rewrite the settings file. Those go to Celery under its own name: the same setting.
    flagged = detect_settings(None, ours, prefix="CELERY").deprecated_settings
    ours = {name.removeprefix("CELERY_").lower() if name in flagged else name: value for name, value in ours.items()}
    sender.config_from_object(ours, namespace="CELERY")


@signals.task_prerun.connect
def _renew_stale_database_connections(**kwargs) -> None:
    """Before each task, what Django does before each request: a connection past CONN_MAX_AGE or broken (a
    restarted PostgreSQL) is closed, and a kept one is health-checked on first use."""
    from django.db import close_old_connections

    close_old_connections()


@signals.worker_init.connect
def _yield_the_cpu_to_the_web(**kwargs) -> None:
    """A worker runs below gunicorn's CPU priority: in a burst, citizens' requests come first and routing and
    messages catch up right after (the appeal is committed and its deadline counts from registration).

    Linux schedules first by session ("autogroups", on by default): a worker started in a session of its own,
    as honcho and the test and benchmark harnesses start it, competes as a group whatever its own nice value,
    so where the kernel has autogroups the group's nice value is set too (for the worker's session only).
    """
    from django.conf import settings

    niceness = settings.CELERY_WORKER_NICENESS
    if niceness <= 0:
        return
    os.nice(niceness)  # the pool's processes inherit it
    try:
        with open("/proc/self/autogroup", "w") as autogroup:
            autogroup.write(str(niceness))
    except OSError:
        pass  # no autogroups here: the processes' own nice value is what counts
