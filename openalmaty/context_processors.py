from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def portal(request: HttpRequest) -> dict:
    """What every page shows: the contact channels, and where the language switch should return to."""
    # i18n_patterns puts /kk/ or /en/ in front of the path; set_language wants the path without it, and
    # translate_url() adds the new prefix back.
    next_path = request.get_full_path()
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    prefix = f"/{language}/"
    if language != settings.LANGUAGE_CODE and next_path.startswith(prefix):
        next_path = "/" + next_path[len(prefix) :]
    return {
        "contact": {
            **settings.PORTAL_CONTACT,
            "address": _("Front office: 4 Raiymbek Ave, Almaty, Mon–Fri 9:00–18:00"),
        },
        "language_switch_next": next_path,
    }
