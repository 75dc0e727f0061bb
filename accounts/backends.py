from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from accounts.phone import normalize_phone
from accounts.services import login_locked_until, record_login_failure, record_login_success


def find_user_by_login(login: str):
    """The user whose phone or email is `login`, or None. A phone may be typed in any common form."""
    User = get_user_model()
    login = (login or "").strip()
    if not login:
        return None
    if "@" in login:
        return User.objects.filter(email__iexact=login).first()
    try:
        phone = normalize_phone(login)
    except ValidationError:
        return None
    return User.objects.filter(phone=phone).first()


class PhoneOrEmailBackend(ModelBackend):
    """Sign in with a phone number (any common way of writing it) or an email address.

    LOCKOUT_AFTER wrong passwords in a row lock the account for LOCKOUT_FOR (accounts.services); a password
    reset by SMS lifts the lock.
    """

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password=None, **kwargs):
        login = username if username is not None else kwargs.get(get_user_model().USERNAME_FIELD)
        if login is None or password is None:
            return None
        user = find_user_by_login(login)
        if user is None:
            # Hash anyway, so that a missing account takes as long as a wrong password.
            get_user_model()().set_password(password)
            return None
        if login_locked_until(user):
            return None  # LoginForm says why; the password is not even checked
        if user.check_password(password) and self.user_can_authenticate(user):
            record_login_success(user)
            return user
        record_login_failure(user)
        return None
