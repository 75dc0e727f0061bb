from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.phone import normalize_phone

LOGIN_MAX_LENGTH = 254


class PhoneOrEmailFieldMixin:
    """The login field takes a phone or an email, so its length is an email's, not the phone column's."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.label = _("Phone or email")
        field.max_length = LOGIN_MAX_LENGTH
        field.widget.attrs.update(maxlength=LOGIN_MAX_LENGTH, autocomplete="username", inputmode="email")


class LoginForm(PhoneOrEmailFieldMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The phone number, email or password is wrong. Check them and try again."),
    }


class StaffLoginForm(PhoneOrEmailFieldMixin, AdminAuthenticationForm):
    pass


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "placeholder": "+7 7__ ___ __ __"}),
        help_text=_("We send a code by SMS: the law does not consider anonymous appeals."),
    )

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the SMS"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}),
    )
