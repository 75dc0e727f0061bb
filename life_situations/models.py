"""The guide catalogue: life situations (guides) grouped by sphere, in Russian and Kazakh.

Guides are data files in the repository (life_situations/data/guides/*.yaml), loaded by
`manage.py load_guides`, and kept by editors in admin. Search vectors are stored columns written by
life_situations.search.reindex; nothing here imports the appeals app.
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from openalmaty.i18n import content_language


class Localized:
    """`obj.t("title")` is the field in the active language (Kazakh or Russian), falling back to Russian."""

    def t(self, field: str) -> str:
        return getattr(self, f"{field}_{content_language()}", "") or getattr(self, f"{field}_ru", "")


def localized(field: str) -> property:
    """A read-only attribute that templates can use: `guide.summary` is summary_kk on Kazakh pages."""
    return property(lambda self: self.t(field))


class Sphere(Localized, models.Model):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    icon = models.CharField(_("icon"), max_length=40, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=200)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)

    class Meta:
        verbose_name = _("sphere of life")
        verbose_name_plural = _("spheres of life")
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        if (get_language() or "ru").startswith("en"):
            return self.title_en or self.title_ru
        return self.t("title")


class Channel(models.TextChoices):
    EGOV = "egov", _("Online on eGov.kz")
    PSC = "psc", _("At a public service centre (PSC)")
    DEPARTMENT = "department", _("At the akimat's department")
    DISTRICT_AKIMAT = "district_akimat", _("At the district akimat")
    ONLINE_OTHER = "online_other", _("On another website")
    PHONE = "phone", _("By phone")
    BANK = "bank", _("At a bank")
    POLICE = "police", _("At the police")
    COURT = "court", _("In court")
    OTHER = "other", _("Elsewhere")


class LifeSituation(Localized, models.Model):
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    sphere = models.ForeignKey(Sphere, models.PROTECT, related_name="guides", verbose_name=_("sphere"))
    title_ru = models.CharField(_("title (Russian)"), max_length=200)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=200)
    summary_ru = models.TextField(_("summary (Russian)"))
    summary_kk = models.TextField(_("summary (Kazakh)"))
    audience_ru = models.TextField(_("who it is for (Russian)"), blank=True)
    audience_kk = models.TextField(_("who it is for (Kazakh)"), blank=True)
    channels = ArrayField(
        models.CharField(max_length=20, choices=Channel), verbose_name=_("where to apply"), default=list, blank=True
    )
    where_ru = models.TextField(_("where and how (Russian)"), blank=True)
    where_kk = models.TextField(_("where and how (Kazakh)"), blank=True)
    cost_ru = models.TextField(_("cost (Russian)"), blank=True)
    cost_kk = models.TextField(_("cost (Kazakh)"), blank=True)
    processing_time_ru = models.TextField(_("processing time (Russian)"), blank=True)
    processing_time_kk = models.TextField(_("processing time (Kazakh)"), blank=True)
    result_ru = models.TextField(_("result (Russian)"), blank=True)
    result_kk = models.TextField(_("result (Kazakh)"), blank=True)
    legal_basis_ru = models.TextField(_("legal basis (Russian)"), blank=True)
    legal_basis_kk = models.TextField(_("legal basis (Kazakh)"), blank=True)
    authority_ru = models.TextField(_("deciding body (Russian)"), blank=True)
    authority_kk = models.TextField(_("deciding body (Kazakh)"), blank=True)
    department_code = models.SlugField(
        _("responsible department"), max_length=60, blank=True, help_text=_("Code of the akimat's department.")
    )
    synonyms_ru = ArrayField(models.CharField(max_length=100), verbose_name=_("synonyms (Russian)"), default=list,
                             blank=True)  # fmt: skip
    synonyms_kk = ArrayField(models.CharField(max_length=100), verbose_name=_("synonyms (Kazakh)"), default=list,
                             blank=True)  # fmt: skip
    related = models.ManyToManyField("self", symmetrical=False, blank=True, verbose_name=_("related guides"))
    updated = models.DateField(_("updated"), default=timezone.localdate)
    is_published = models.BooleanField(_("published"), default=True)
    helpful_yes = models.PositiveIntegerField(_("found it helpful"), default=0, editable=False)
    helpful_no = models.PositiveIntegerField(_("did not find it helpful"), default=0, editable=False)
    views = models.PositiveIntegerField(_("views"), default=0, editable=False)
    opened_from_appeal_form = models.PositiveIntegerField(
        _("opened from the appeal form"), default=0, editable=False,
        help_text=_("Suggested while a citizen was writing an appeal, and opened."),
    )  # fmt: skip

    # Written by life_situations.search.reindex(): weighted A title, B synonyms, C summary, D the rest,
    # in Russian (stemmed), Kazakh (Hunspell) and folded Kazakh; `search_head` is the small part used to rank.
    search_vector = SearchVectorField(null=True, editable=False)
    search_head = SearchVectorField(null=True, editable=False)
    search_words = models.TextField(editable=False, blank=True, help_text="folded title and synonyms")

    class Meta:
        verbose_name = _("life-situation guide")
        verbose_name_plural = _("life-situation guides")
        ordering = ["sphere__order", "title_ru"]
        indexes = [
            GinIndex(fields=["search_vector"], name="guide_search_gin"),
            # The first tier of a search: title, synonyms and summary, found and ranked without the body.
            GinIndex(fields=["search_head"], name="guide_head_gin"),
            models.Index(fields=["sphere", "is_published"], name="guide_sphere_idx"),
        ]

    def __str__(self) -> str:
        return self.title_ru

    def get_absolute_url(self) -> str:
        return reverse("life_situations:guide", kwargs={"slug": self.slug})

    title = localized("title")
    summary = localized("summary")
    audience = localized("audience")
    where = localized("where")
    cost = localized("cost")
    processing_time = localized("processing_time")
    result = localized("result")
    legal_basis = localized("legal_basis")
    authority = localized("authority")

    @property
    def synonyms(self) -> list[str]:
        return self.synonyms_kk if content_language() == "kk" else self.synonyms_ru


class GuideItem(Localized, models.Model):
    """An ordered line of a guide, in Russian and Kazakh: a step, or a required document."""

    guide = models.ForeignKey(LifeSituation, models.CASCADE, related_name="%(class)ss", verbose_name=_("guide"))
    order = models.PositiveSmallIntegerField(_("order"))
    text_ru = models.TextField(_("text (Russian)"))
    text_kk = models.TextField(_("text (Kazakh)"))

    text = localized("text")

    class Meta:
        abstract = True
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["guide", "order"], name="%(class)s_order_unique")]

    def __str__(self) -> str:
        return f"{self.order}. {self.text_ru[:60]}"


class Step(GuideItem):
    class Meta(GuideItem.Meta):
        verbose_name = _("step")
        verbose_name_plural = _("steps")


class Document(GuideItem):
    class Meta(GuideItem.Meta):
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")


class SearchWord(models.Model):
    """A word of the guides' titles and synonyms, folded (languages.md §1): what a mistyped word becomes.

    Written by life_situations.search.reindex(). A search looks a query word that starts no known word up
    here by trigram similarity (notes §1.3): a few thousand short words instead of every guide's text.
    """

    word = models.TextField(primary_key=True, db_collation="C")  # C: "starts with" as an index range

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")
        indexes = [GinIndex(fields=["word"], name="searchword_trgm", opclasses=["gin_trgm_ops"])]

    def __str__(self) -> str:
        return self.word


class SearchGap(models.Model):
    """A query that found nothing, or whose results nobody opened: what editors should write next."""

    query = models.CharField(_("query"), max_length=200)
    language = models.CharField(_("language"), max_length=2)
    searches = models.PositiveIntegerField(_("searches"), default=0)
    no_result = models.PositiveIntegerField(_("found nothing"), default=0)
    opened = models.PositiveIntegerField(_("a result was opened"), default=0)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now)

    class Meta:
        verbose_name = _("missing guide (content gap)")
        verbose_name_plural = _("missing guides (content gaps)")
        ordering = ["-no_result", "-searches"]
        constraints = [models.UniqueConstraint(fields=["query", "language"], name="searchgap_unique")]

    def __str__(self) -> str:
        return self.query
