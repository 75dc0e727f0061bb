import functools

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from appeals.models import AppealKind, Language
from appeals.reference_cache import ReferenceData, reference_data
from appeals.uploads import ALLOWED_DESCRIPTION, MAX_FILES, validate_uploads
from life_situations.models import LifeSituation

# The kinds a citizen chooses on the web form; a complaint about an answer is filed from the appeal itself.
PUBLIC_KINDS = [
    (AppealKind.APPLICATION, _("Application: ask for something to be done")),
    (AppealKind.REPORT, _("Report: tell us about a problem")),
    (AppealKind.PROPOSAL, _("Proposal: suggest an improvement")),
    (AppealKind.RESPONSE, _("Response: your opinion of the akimat's work")),
    (AppealKind.REQUEST, _("Request: ask for an explanation")),
    (AppealKind.INFORMATION_REQUEST, _("Request for information (answered within 15 calendar days)")),
    (AppealKind.COMPLAINT, _("Complaint about a decision or an action of an official")),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class ReferenceChoiceField(forms.ChoiceField):
    """A choice among reference rows (topics, districts) from the process's snapshot: shown and checked without
    a query. `rows(reference)` lists the instances offered; `group(instance)` names their group, if any.
    The cleaned value is the instance, as with a ModelChoiceField."""

    snapshot = staticmethod(reference_data)  # ReferenceForm gives its fields one snapshot between them

    def __init__(self, *, rows, group=None, empty_label="", **kwargs) -> None:
        self.rows, self.group, self.empty_label = rows, group, empty_label
        super().__init__(choices=self._current_choices, **kwargs)  # a callable: built only to be shown

    def _current_choices(self) -> list:
        rows = self.rows(self.snapshot())
        if self.group is None:
            return [("", self.empty_label), *((row.pk, str(row)) for row in rows)]
        groups: dict[str, list] = {}
        for row in rows:
            groups.setdefault(self.group(row), []).append((row.pk, str(row)))
        return [("", self.empty_label), *groups.items()]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        row = next((row for row in self.rows(self.snapshot()) if str(row.pk) == str(value).strip()), None)
        if row is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return row

    def validate(self, value) -> None:
        forms.Field.validate(self, value)  # `required` only: to_python has checked the choice


class ReferenceForm(forms.Form):
    """A form whose ReferenceChoiceFields share one snapshot: one version check for the form, not one a field.

    `form.reference()` is that snapshot, for whatever the view does next with the choices it checked.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.reference = functools.cache(reference_data)
        for field in self.fields.values():  # this form's own copies of the fields
            if isinstance(field, ReferenceChoiceField):
                field.snapshot = self.reference
                field.choices = field._current_choices  # the copy's, not the declared field's


def category_field(empty_label, **kwargs) -> ReferenceChoiceField:
    """The active topics, grouped by sphere, in the active language."""
    return ReferenceChoiceField(label=_("Topic"), rows=ReferenceData.active_categories,
                                group=lambda category: category.sphere.name, empty_label=empty_label, required=False,
                                **kwargs)  # fmt: skip


def district_field(**kwargs) -> ReferenceChoiceField:
    return ReferenceChoiceField(label=_("District"), rows=lambda reference: reference.districts.values(),
                                empty_label=_("Not sure"), required=False, **kwargs)  # fmt: skip


class AppealForm(ReferenceForm):
    kind = forms.ChoiceField(
        label=_("What kind of appeal is it?"), choices=PUBLIC_KINDS, initial=AppealKind.APPLICATION
    )
    category = category_field(_("I don't know — the triage desk will decide"))
    district = district_field()
    address = forms.CharField(
        label=_("Address or place"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Abai Ave 10, or mkr. Samal-2, 58")}),
    )
    text = forms.CharField(
        label=_("Describe the matter"),
        min_length=20,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("What happened, where and since when, and what you ask for."),
    )
    attachments = MultipleFileField(
        label=_("Photos or documents"),
        required=False,
        help_text=_("Up to %(count)s files of up to 10 MB: %(types)s.")
        % {"count": MAX_FILES, "types": ALLOWED_DESCRIPTION},
    )
    contact_name = forms.CharField(
        label=_("Your full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    contact_email = forms.EmailField(
        label=_("Email (optional)"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    language = forms.ChoiceField(label=_("Language of the answer"), choices=Language.choices)
    consent = forms.BooleanField(
        label=_("I agree to the processing of my personal data to consider this appeal."),
        error_messages={"required": _("Without this consent the akimat cannot consider the appeal.")},
    )
    guide = forms.ModelChoiceField(
        queryset=LifeSituation.objects.filter(is_published=True),
        to_field_name="slug",
        required=False,
        widget=forms.HiddenInput,
    )  # the guide opened from the suggestions, or the one the question is about; fmt: skip
    # A field people never see; bots that fill every field give themselves away.
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def clean_attachments(self) -> list:
        return validate_uploads(self.cleaned_data.get("attachments") or [])

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise ValidationError(_("The form was filled in automatically. Please fill it in yourself."))
        return ""


class TrackForm(forms.Form):
    number = forms.CharField(
        label=_("Appeal number"), max_length=20, widget=forms.TextInput(attrs={"placeholder": "OA-2026-000123"})
    )
    code = forms.CharField(label=_("Access code"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def clean_number(self) -> str:
        return self.cleaned_data["number"].strip().upper()

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).replace("-", "").upper()


# --- The personal cabinet ------------------------------------------------------------------------------------
class CabinetFilterForm(forms.Form):
    SHOW = [
        ("", _("All")),
        ("open", _("In work")),
        ("info", _("Waiting for me")),
        ("answered", _("Answered")),
        ("overdue", _("Overdue")),
        ("closed", _("Closed")),
    ]
    show = forms.ChoiceField(label=_("Show"), choices=SHOW, required=False)
    q = forms.CharField(label=_("Number or words"), required=False, max_length=100)


class ProvideInformationForm(forms.Form):
    text = forms.CharField(
        label=_("The information asked for"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachments = MultipleFileField(
        label=_("Photos or documents"),
        required=False,
        help_text=_("Up to %(count)s files of up to 10 MB: %(types)s.")
        % {"count": MAX_FILES, "types": ALLOWED_DESCRIPTION},
    )

    def clean_attachments(self) -> list:
        return validate_uploads(self.cleaned_data.get("attachments") or [])


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your mark for the answer"),
        coerce=int,
        choices=[
            (5, _("5 — excellent")),
            (4, _("4 — good")),
            (3, _("3 — acceptable")),
            (2, _("2 — poor")),
            (1, _("1 — no answer to my question")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class DisputeForm(forms.Form):
    text = forms.CharField(
        label=_("Why do you disagree with the answer?"),
        min_length=20,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Your complaint goes to the head of the department that answered."),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=1000)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        if not self.user.check_password(self.cleaned_data["password"]):
            raise ValidationError(_("The password is wrong."))
        return ""
