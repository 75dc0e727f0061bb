from datetime import timedelta

import pytest
from django.utils import timezone

from appeals.generator import AppealGenerator
from appeals.models import Appeal, AppealEvent, AppealStatus
from appeals.services import Contact, register_appeal

pytestmark = pytest.mark.django_db


def test_generated_appeals_are_realistic_and_keep_every_rule(reference):
    total = AppealGenerator(seed=1).generate(days=40, per_day=60)

    appeals = Appeal.objects.all()
    assert appeals.count() == total > 40 * 30
    phone_share = appeals.filter(channel="call_centre").count() / total
    assert 0.55 < phone_share < 0.67
    assert appeals.values("district").distinct().count() >= 8
    assert appeals.filter(status=AppealStatus.CLOSED).exists() and appeals.filter(status=AppealStatus.ROUTED).exists()
    overdue = appeals.overdue().count()
    assert 0 < overdue < total * 0.06
    old = appeals.filter(received_at__lt=timezone.now() - timedelta(days=35))
    assert old.filter(status__in=["answered", "closed"]).count() > 0.85 * old.count()
    # every appeal has a timeline that starts with its registration
    assert AppealEvent.objects.filter(kind="registered").count() == total
    assert not appeals.filter(status=AppealStatus.REGISTERED).exists()


def test_registration_after_generation_takes_the_next_number(reference):
    AppealGenerator(seed=2).generate(days=0, per_day=20)
    last = max(int(n.rsplit("-", 1)[1]) for n in Appeal.objects.values_list("number", flat=True))

    appeal = register_appeal(channel="web", text="Новое обращение после генерации",
                             contact=Contact(name="A", phone="+77011112233"))  # fmt: skip

    assert int(appeal.number.rsplit("-", 1)[1]) == last + 1
