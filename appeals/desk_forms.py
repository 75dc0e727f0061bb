"""Forms of the clerk's desk. They only parse what the operator typed; appeals.desk does the writing."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.iin import normalize_iin
from accounts.models import User
from accounts.phone import normalize_phone
from appeals.desk import operators
from appeals.forms import PUBLIC_KINDS, MultipleFileField, ReferenceForm, category_field, district_field
from appeals.models import AppealKind, Language, VisitKind
from appeals.uploads import ALLOWED_DESCRIPTION, MAX_FILES, validate_uploads
from life_situations.models import LifeSituation


class CitizenForm(forms.Form):
    phone = forms.CharField(label=_("Mobile phone"), max_length=30,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))  # fmt: skip
    full_name = forms.CharField(label=_("Full name"), max_length=200,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))  # fmt: skip
    iin = forms.CharField(label=_("IIN (optional)"), max_length=20, required=False,
                          widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))  # fmt: skip
    iin_checked = forms.BooleanField(label=_("I saw the identity document with this IIN"), required=False)

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])

    def clean_iin(self) -> str:
        iin = self.cleaned_data["iin"]
        return normalize_iin(iin) if iin.strip() else ""


class VisitStartForm(forms.Form):
    kind = forms.ChoiceField(label=_("Who is it?"), choices=VisitKind.choices, initial=VisitKind.VISIT)
    citizen = forms.ModelChoiceField(queryset=User.objects.filter(is_active=True), required=False,
                                     widget=forms.HiddenInput)  # fmt: skip
    caller_phone = forms.CharField(label=_("Caller's number"), max_length=30, required=False)
    contact_name = forms.CharField(label=_("Name"), max_length=200, required=False)

    def clean_caller_phone(self) -> str:
        phone = self.cleaned_data["caller_phone"]
        return normalize_phone(phone) if phone.strip() else ""


FILTERED = {"data-filter": ""}  # desk.js: a choice with search


class DeskAppealForm(ReferenceForm):
    kind = forms.ChoiceField(label=_("Kind of appeal"), choices=PUBLIC_KINDS, initial=AppealKind.APPLICATION)
    category = category_field(_("Not sure — the triage desk will decide"), widget=forms.Select(attrs=FILTERED))
    district = district_field(widget=forms.Select(attrs=FILTERED))
    address = forms.CharField(label=_("Address or place"), max_length=300, required=False)
    text = forms.CharField(label=_("What the citizen asks"), min_length=10, max_length=10000,
                           widget=forms.Textarea(attrs={"rows": 5}))  # fmt: skip
    attachments = MultipleFileField(
        label=_("Scanned documents"),
        required=False,
        help_text=_("Up to %(count)s files of up to 10 MB: %(types)s.")
        % {"count": MAX_FILES, "types": ALLOWED_DESCRIPTION},
    )
    language = forms.ChoiceField(label=_("Language of the answer"), choices=Language.choices)
    guide = forms.ModelChoiceField(queryset=LifeSituation.objects.filter(is_published=True), to_field_name="slug",
                                   required=False, widget=forms.HiddenInput)  # fmt: skip

    def clean_attachments(self) -> list:
        return validate_uploads(self.cleaned_data.get("attachments") or [])


class ConsultationForm(ReferenceForm):
    category = category_field(_("Choose the topic"), widget=forms.Select(attrs=FILTERED))
    guide = forms.ModelChoiceField(queryset=LifeSituation.objects.filter(is_published=True), to_field_name="slug",
                                   required=False, label=_("Guide used"), widget=forms.HiddenInput)  # fmt: skip
    question = forms.CharField(label=_("The question, in short"), max_length=2000, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def clean(self) -> dict:
        data = super().clean()
        if not (data.get("category") or data.get("guide") or (data.get("question") or "").strip()):
            raise ValidationError(_("Say what the consultation was about: a topic, a guide or the question."))
        return data


class HandoverForm(forms.Form):
    to_operator = forms.ModelChoiceField(label=_("Pass to"), queryset=User.objects.none())
    note = forms.CharField(label=_("Note for the next desk"), max_length=500, required=False)

    def __init__(self, *args, operator=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        queryset = operators().prefetch_related("memberships__department")
        if operator is not None:
            queryset = queryset.exclude(pk=operator.pk)
        field = self.fields["to_operator"]
        field.queryset = queryset
        field.label_from_instance = _desk_label
        field.widget.attrs["data-filter"] = ""


def _desk_label(user: User) -> str:
    departments = ", ".join(m.department.name for m in user.memberships.all())
    return f"{user} — {departments}" if departments else str(user)
