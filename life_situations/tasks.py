"""Celery entry points of the catalogue: thin wrappers around services."""

from celery import shared_task


@shared_task
def counters_flush_task() -> int:
    from life_situations.services import counters_flush

    return counters_flush()
