from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.iin import mask_iin, validate_iin
from accounts.phone import format_phone, normalize_phone, validate_phone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, *, phone: str | None, email: str | None, password: str | None, **extra) -> "User":
        if not phone and not email:
            raise ValueError("A user needs a phone number or an email address.")
        user = self.model(
            phone=normalize_phone(phone) if phone else None,
            email=email.strip().lower() if email else None,
            **extra,
        )
        if password:
            user.set_password(password)
        else:
            # Citizens registered at a desk or by phone get no password until they claim the account by SMS.
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, phone=None, email=None, password=None, **extra) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(phone=phone, email=email, password=password, **extra)

    def create_superuser(self, phone=None, email=None, password=None, **extra) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(phone=phone, email=email, password=password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: a citizen (usually known by phone) or a member of staff (usually by email).

    Either identifier signs in (accounts.backends.PhoneOrEmailBackend). Both are unique; emails are
    compared case-insensitively.
    """

    phone = models.CharField(
        _("phone number"),
        max_length=16,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_phone],
        help_text=_("Kazakhstan number, for example +7 701 234 56 78."),
    )
    # NULL, not "", for "no email": the case-insensitive unique constraint must not treat two blanks as equal.
    email = models.EmailField(_("email address"), null=True, blank=True)  # noqa: DJ001
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    phone_verified_at = models.DateTimeField(
        _("phone confirmed"),
        null=True,
        blank=True,
        help_text=_("When the person proved by SMS that the phone is theirs."),
    )
    iin = models.CharField(_("IIN"), max_length=12, blank=True, validators=[validate_iin])
    iin_verified_at = models.DateTimeField(
        _("IIN checked"),
        null=True,
        blank=True,
        help_text=_("When staff saw an identity document with this IIN (at the counter)."),
    )
    notify_by_sms = models.BooleanField(_("notify me by SMS"), default=True)
    notify_by_email = models.BooleanField(_("notify me by email"), default=True)
    failed_logins = models.PositiveSmallIntegerField(_("wrong passwords in a row"), default=0, editable=False)
    locked_until = models.DateTimeField(_("signing in locked until"), null=True, blank=True, editable=False)
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("Whether the user can sign in to the staff workspace.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_ci_unique",
                violation_error_message=_("A user with this email address already exists."),
            ),
            models.CheckConstraint(
                condition=Q(phone__isnull=False) | Q(email__isnull=False),
                name="user_has_phone_or_email",
                violation_error_message=_("Enter a phone number or an email address."),
            ),
            models.CheckConstraint(condition=Q(iin="") | Q(iin__regex=r"^[0-9]{12}$"), name="user_iin_12_digits"),
            models.CheckConstraint(
                condition=Q(iin_verified_at__isnull=True) | ~Q(iin=""), name="user_iin_verified_has_iin"
            ),
            # Anyone may type an IIN; only a checked one is unique (so nobody can block a person by typing theirs).
            models.UniqueConstraint(
                fields=["iin"], condition=Q(iin_verified_at__isnull=False), name="user_checked_iin_unique"
            ),
            models.CheckConstraint(
                condition=Q(phone__isnull=True) | Q(phone__regex=r"^\+7[0-9]{10}$"),
                name="user_phone_e164_kz",
                violation_error_message=_("Enter a Kazakhstan phone number, for example +7 701 234 56 78."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.display_phone or self.email or f"#{self.pk}"

    @property
    def display_phone(self) -> str:
        return format_phone(self.phone) if self.phone else ""

    @property
    def masked_iin(self) -> str:
        return mask_iin(self.iin)

    @property
    def has_verified_phone(self) -> bool:
        return bool(self.phone and self.phone_verified_at)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else str(self)

    def clean(self) -> None:
        super().clean()
        if self.email:
            self.email = self.email.strip().lower()


class PhoneConfirmation(models.Model):
    """A one-time SMS code that proves a person holds a phone number (appeal form, sign-up, sign-in help)."""

    phone = models.CharField(_("phone number"), max_length=16, db_index=True)
    code_hash = models.CharField(max_length=128)
    purpose = models.CharField(_("purpose"), max_length=30, default="appeal")
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("phone confirmation")
        verbose_name_plural = _("phone confirmations")
        indexes = [models.Index(fields=["ip", "created_at"], name="phoneconf_ip_idx")]

    def __str__(self) -> str:
        return f"{self.phone} ({self.created_at:%Y-%m-%d %H:%M})"
