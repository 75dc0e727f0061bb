"""Load guides from the versioned data files (life_situations/data/guides/*.yaml), upserting by slug.

A file is loaded whole or not at all: the first problem stops it with an error that names the file, the
guide and the field. Related guides are linked after every file is in, so a guide may point to another
file's guide.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from django.db import transaction

from life_situations.models import Channel, Document, LifeSituation, Sphere, Step
from life_situations.search import reindex

GUIDES_DIR = Path(__file__).resolve().parent / "data" / "guides"
TEXT_FIELDS = ["title", "summary", "audience", "where", "cost", "processing_time", "result", "legal_basis"]
REQUIRED_TEXT = ["title", "summary"]


@dataclass
class GuideFileError(Exception):
    file: str
    guide: str
    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}: guide “{self.guide}”, field “{self.field}”: {self.problem}"


def _text(file: str, slug: str, spec: dict, field: str, required: bool) -> tuple[str, str]:
    value = spec.get(field)
    if value is None or value == "":
        if required:
            raise GuideFileError(file, slug, field, "missing")
        return "", ""
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("ru", ""), str)
        or not isinstance(value.get("kk", ""), str)
    ):
        raise GuideFileError(file, slug, field, "expected {ru: …, kk: …}")
    if required and not (value.get("ru") and value.get("kk")):
        raise GuideFileError(file, slug, field, "needs both ru and kk")
    return value.get("ru", "").strip(), value.get("kk", "").strip()


def _items(file: str, slug: str, spec: dict, field: str) -> list[tuple[str, str]]:
    items = spec.get(field) or []
    if not isinstance(items, list):
        raise GuideFileError(file, slug, field, "expected a list")
    out = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict) or not item.get("ru") or not item.get("kk"):
            raise GuideFileError(file, slug, f"{field}[{number}]", "needs both ru and kk")
        out.append((item["ru"].strip(), item["kk"].strip()))
    return out


def parse_guide(file: str, spec: dict) -> dict:
    """One guide's fields, checked; raises GuideFileError."""
    slug = spec.get("slug") if isinstance(spec, dict) else None
    if not slug or not isinstance(slug, str):
        raise GuideFileError(file, "?", "slug", "missing")
    fields: dict = {"slug": slug}
    for name in [*TEXT_FIELDS, "authority"]:
        fields[f"{name}_ru"], fields[f"{name}_kk"] = _text(file, slug, spec, name, name in REQUIRED_TEXT)
    channels = spec.get("channels") or []
    unknown = [c for c in channels if c not in Channel.values]
    if unknown:
        raise GuideFileError(file, slug, "channels", f"unknown {', '.join(map(str, unknown))}")
    fields["channels"] = channels
    synonyms = spec.get("synonyms") or {}
    if not isinstance(synonyms, dict):
        raise GuideFileError(file, slug, "synonyms", "expected {ru: [...], kk: [...]}")
    fields["synonyms_ru"] = [str(s) for s in synonyms.get("ru") or []]
    fields["synonyms_kk"] = [str(s) for s in synonyms.get("kk") or []]
    fields["department_code"] = spec.get("department") or ""
    updated = spec.get("updated")
    if updated is not None and not isinstance(updated, date):
        raise GuideFileError(file, slug, "updated", "expected a date, YYYY-MM-DD")
    fields["updated"] = updated or date.today()
    related = spec.get("related") or []
    if not isinstance(related, list):
        raise GuideFileError(file, slug, "related", "expected a list of slugs")
    return {
        "fields": fields,
        "steps": _items(file, slug, spec, "steps"),
        "documents": _items(file, slug, spec, "documents"),
        "related": related,
    }


def parse_file(path: Path) -> tuple[dict, list[dict]]:
    file = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise GuideFileError(file, "-", "-", f"not valid YAML: {exc}") from exc
    sphere = (data or {}).get("sphere") if isinstance(data, dict) else None
    if not isinstance(sphere, dict) or not sphere.get("slug"):
        raise GuideFileError(file, "-", "sphere", "missing")
    title = sphere.get("title") or {}
    if not all(title.get(lang) for lang in ("ru", "kk", "en")):
        raise GuideFileError(file, "-", "sphere.title", "needs ru, kk and en")
    guides = data.get("guides")
    if not isinstance(guides, list) or not guides:
        raise GuideFileError(file, "-", "guides", "expected a non-empty list")
    return sphere, [parse_guide(file, spec) for spec in guides]


@transaction.atomic
def _save_file(sphere_spec: dict, guides: list[dict]) -> list[LifeSituation]:
    sphere, _ = Sphere.objects.update_or_create(
        slug=sphere_spec["slug"],
        defaults={
            "order": sphere_spec.get("order", 0),
            "icon": sphere_spec.get("icon", ""),
            "title_ru": sphere_spec["title"]["ru"],
            "title_kk": sphere_spec["title"]["kk"],
            "title_en": sphere_spec["title"]["en"],
        },
    )
    saved = []
    for guide in guides:
        fields = dict(guide["fields"])
        slug = fields.pop("slug")
        obj, _ = LifeSituation.objects.update_or_create(slug=slug, defaults={**fields, "sphere": sphere})
        obj.steps.all().delete()
        obj.documents.all().delete()
        Step.objects.bulk_create(
            Step(guide=obj, order=i, text_ru=ru, text_kk=kk) for i, (ru, kk) in enumerate(guide["steps"], 1)
        )
        Document.objects.bulk_create(
            Document(guide=obj, order=i, text_ru=ru, text_kk=kk) for i, (ru, kk) in enumerate(guide["documents"], 1)
        )
        saved.append(obj)
    return saved


@dataclass
class LoadReport:
    files: int = 0
    guides: int = 0
    errors: list[GuideFileError] | None = None


def load_guides(paths: Iterable[Path] | None = None, *, progress: Callable[[int], None] = lambda n: None) -> LoadReport:
    """Load every good file; a bad file is reported and nothing of it is written."""
    paths = sorted(paths or GUIDES_DIR.glob("*.yaml"))
    report = LoadReport(errors=[])
    parsed = []
    seen: dict[str, str] = {}
    for path in paths:
        try:
            sphere, guides = parse_file(path)
            for guide in guides:
                slug = guide["fields"]["slug"]
                if slug in seen:
                    raise GuideFileError(path.name, slug, "slug", f"also used in {seen[slug]}")
            seen.update({guide["fields"]["slug"]: path.name for guide in guides})
            parsed.append((path, sphere, guides))
        except GuideFileError as exc:
            report.errors.append(exc)
    known = seen.keys() | set(LifeSituation.objects.values_list("slug", flat=True))
    good = []
    for path, sphere, guides in parsed:
        missing = [(g["fields"]["slug"], slug) for g in guides for slug in g["related"] if slug not in known]
        if missing:
            report.errors.append(GuideFileError(path.name, missing[0][0], "related", f"no guide “{missing[0][1]}”"))
            continue
        _save_file(sphere, guides)
        good.append(guides)
        report.files += 1
        report.guides += len(guides)
        progress(len(guides))
    with transaction.atomic():
        by_slug = dict(LifeSituation.objects.values_list("slug", "pk"))
        for guides in good:
            for guide in guides:
                LifeSituation.objects.get(slug=guide["fields"]["slug"]).related.set(
                    [by_slug[slug] for slug in guide["related"] if slug in by_slug]
                )
        reindex()
    return report
