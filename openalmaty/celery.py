import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openalmaty.settings")

# DjangoTask gives every task delay_on_commit(): published only if the transaction commits.
app = Celery("openalmaty", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
