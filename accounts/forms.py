from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

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
