import pytest

from accounts.models import User
from appeals.models import Department, MemberRole
from appeals.reference import load_reference_data
from appeals.services import Contact, add_department_member, register_appeal


@pytest.fixture
def reference(db):
    """Districts, departments, topics, rules, clocks and the calendar, as `make run` loads them."""
    load_reference_data()


@pytest.fixture
def department(reference) -> Department:
    return Department.objects.get(code="transport-traffic")


def _staff(phone: str, department: Department, role: str) -> User:
    user = User.objects.create_user(phone=phone, email=f"{phone[1:]}@open-almaty.kz", password="long-secret-1",
                                    full_name=f"Staff {phone[-4:]}", is_staff=True)  # fmt: skip
    add_department_member(user=user, department=department, role=role)
    return user


@pytest.fixture
def specialist(department) -> User:
    return _staff("+77010001001", department, MemberRole.SPECIALIST)


@pytest.fixture
def head(department) -> User:
    user = _staff("+77010001002", department, MemberRole.HEAD)
    Department.objects.filter(pk=department.pk).update(head=user)
    return user


@pytest.fixture
def outsider(reference) -> User:
    return _staff("+77010001003", Department.objects.get(code="health"), MemberRole.HEAD)


@pytest.fixture
def citizen(db) -> User:
    return User.objects.create_user(phone="+77011112233", email="aigerim@example.kz", password="long-secret-1",
                                    full_name="Айгерим Сапарова")  # fmt: skip


@pytest.fixture
def make_appeal(reference):
    """Register an appeal through the one door; routing happens only where a test asks for it."""

    def make(**overrides):
        from appeals.models import Category

        fields = {
            "channel": "web",
            "text": "На остановке «Абая — Байтурсынова» автобус 12 не ходит с понедельника.",
            "contact": Contact(name="Айгерим Сапарова", phone="+77011112233", phone_verified=True),
            "category": Category.objects.get(code="public-transport"),
        }
        return register_appeal(**{**fields, **overrides})

    return make
