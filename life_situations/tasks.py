"""Celery entry points of the catalogue: thin wrappers around services."""

from celery import shared_task


@shared_task
def guide_views_flush_task() -> int:
    from life_situations.services import guide_views_flush

    return guide_views_flush()
