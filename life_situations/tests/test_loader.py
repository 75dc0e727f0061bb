from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from life_situations.loader import GUIDES_DIR, load_guides
from life_situations.models import LifeSituation, Sphere

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def every_guide_file() -> list[Path]:
    return sorted(GUIDES_DIR.glob("*.yaml"))


def test_every_data_file_loads_and_loading_twice_changes_nothing(every_guide_file):
    report = load_guides(every_guide_file)

    assert report.errors == []
    assert report.files == len(every_guide_file)
    assert LifeSituation.objects.count() == report.guides >= 150
    for slug in ("summer-camp-voucher-large-family", "lost-driving-licence", "design-work-licence"):
        guide = LifeSituation.objects.get(slug=slug)
        assert guide.title_kk and guide.steps.count() >= 3 and guide.search_vector
    first = list(LifeSituation.objects.order_by("slug").values_list("slug", "title_ru", "summary_kk"))
    steps = LifeSituation.objects.get(slug="lost-driving-licence").steps.count()

    again = load_guides(every_guide_file)

    assert again.errors == [] and again.guides == report.guides
    assert list(LifeSituation.objects.order_by("slug").values_list("slug", "title_ru", "summary_kk")) == first
    assert LifeSituation.objects.get(slug="lost-driving-licence").steps.count() == steps


def write(tmp_path: Path, name: str, guides: list[dict], sphere: str = "test-sphere") -> Path:
    path = tmp_path / name
    data = {"sphere": {"slug": sphere, "order": 1, "title": {"ru": "Тест", "kk": "Тест", "en": "Test"}},
            "guides": guides}  # fmt: skip
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def guide(slug: str, **overrides) -> dict:
    return {"slug": slug, "title": {"ru": f"Гид {slug}", "kk": f"Нұсқаулық {slug}"},
            "summary": {"ru": "Кратко", "kk": "Қысқаша"}, "steps": [{"ru": "Шаг", "kk": "Қадам"}],
            "channels": ["egov"], **overrides}  # fmt: skip


def test_a_bad_file_names_file_guide_and_field_and_loads_nothing_of_it(tmp_path):
    good = write(tmp_path, "a-good.yaml", [guide("good-one")])
    bad = write(tmp_path, "b-bad.yaml", [guide("fine-in-bad-file"), guide("broken", steps=[{"ru": "без перевода"}])],
                sphere="bad-sphere")  # fmt: skip

    report = load_guides([good, bad])

    assert [str(error) for error in report.errors] == [
        "b-bad.yaml: guide “broken”, field “steps[1]”: needs both ru and kk"
    ]
    assert set(LifeSituation.objects.values_list("slug", flat=True)) == {"good-one"}
    assert not Sphere.objects.filter(slug="bad-sphere").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "problem"),
    [
        ({"title": {"ru": "Только по-русски"}}, "title", "needs both ru and kk"),
        ({"channels": ["telegraph"]}, "channels", "unknown telegraph"),
        ({"related": ["no-such-guide"]}, "related", "no guide “no-such-guide”"),
        ({"updated": "вчера"}, "updated", "expected a date"),
    ],
)
def test_each_kind_of_mistake_is_explained(tmp_path, overrides, field, problem):
    path = write(tmp_path, "x.yaml", [guide("g", **overrides)])

    report = load_guides([path])

    assert len(report.errors) == 1
    error = report.errors[0]
    assert (error.file, error.guide, error.field) == ("x.yaml", "g", field)
    assert problem in error.problem
    assert not LifeSituation.objects.exists()


def test_the_command_fails_loudly_on_a_bad_file(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("sphere: [not, a, mapping", encoding="utf-8")

    with pytest.raises(CommandError, match="1 file"):
        call_command("load_guides", str(path))
