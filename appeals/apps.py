from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "appeals"
    verbose_name = _("Appeals")

    def ready(self) -> None:
        from accounts.signals import identity_verified

        identity_verified.connect(_link_appeals, dispatch_uid="appeals.link_appeals_to_account")


def _link_appeals(sender, *, user, what: str, **kwargs) -> None:
    """accounts cannot import appeals (ARCHITECTURE.md): it says a phone or an IIN was proved, we link."""
    from appeals.services import link_appeals_to_account

    link_appeals_to_account(user=user, what=what)
