from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifeSituationsConfig(AppConfig):
    name = "life_situations"
    verbose_name = _("Life-situation guides")
