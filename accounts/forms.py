from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.backends import find_user_by_login
from accounts.iin import normalize_iin
from accounts.models import User
from accounts.phone import normalize_phone
from accounts.services import login_locked_until
from openalmaty.ratelimit import Limit, client_ip, over_limit

LOGIN_MAX_LENGTH = 254


class PhoneOrEmailFieldMixin:
    """The login field takes a phone or an email, so its length is an email's, not the phone column's."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.label = _("Phone or email")
        field.max_length = LOGIN_MAX_LENGTH
        field.widget.attrs.update(maxlength=LOGIN_MAX_LENGTH, autocomplete="username", inputmode="email")

    def clean(self):
        if self.request is not None and over_limit(Limit(f"login:{client_ip(self.request)}", 30, 300)):
            raise ValidationError(gettext("Too many attempts from your network. Try again in a few minutes."))
        try:
            return super().clean()
        except ValidationError:
            user = find_user_by_login(self.cleaned_data.get("username", ""))
            if user is not None and (until := login_locked_until(user)):
                raise ValidationError(
                    gettext(
                        "Too many wrong passwords. Signing in is locked until %(time)s. "
                        "Reset the password by SMS to sign in now."
                    )
                    % {"time": formats.time_format(timezone.localtime(until), "H:i")},
                    code="locked",
                ) from None
            raise


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


class NewPasswordForm(forms.Form):
    """A new password, typed twice, checked by the project's password validators."""

    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        elif data.get("password1"):
            try:
                validate_password(data["password1"])
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class SignUpForm(NewPasswordForm):
    full_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Email"), required=False, help_text=_("Optional: for answers by email and password reset.")
    )
    language = forms.ChoiceField(label=_("Language of messages"), choices=User._meta.get_field("language").choices)

    field_order = ["full_name", "email", "language", "password1", "password2"]


class ProfileForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(label=_("Email"), required=False)
    iin = forms.CharField(
        label=_("IIN"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_(
            "12 digits. Appeals filed at a counter with your ID card join your cabinet once the IIN is checked there."
        ),
    )
    language = forms.ChoiceField(label=_("Language of messages"), choices=User._meta.get_field("language").choices)
    notify_by_sms = forms.BooleanField(label=_("Tell me about my appeals by SMS"), required=False)
    notify_by_email = forms.BooleanField(label=_("Tell me about my appeals by email"), required=False)

    def clean_iin(self) -> str:
        return normalize_iin(self.cleaned_data["iin"]) if self.cleaned_data["iin"].strip() else ""

    def clean(self):
        data = super().clean()
        if not (data.get("notify_by_sms") or data.get("notify_by_email")):
            self.add_error(None, _("Keep at least one way to tell you about your appeals."))
        elif data.get("notify_by_email") and not data.get("email"):
            self.add_error("email", _("Enter an email address to receive messages by email."))
        return data
