from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def appeal_create(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "section_soon.html",
        {
            "section_title": _("File an appeal"),
            "section_text": _(
                "The online form opens soon. Until then, call the contact centre on 109 or come to the front "
                "office: your appeal is registered the same way and answered within 15 working days."
            ),
        },
    )


def track(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "section_soon.html",
        {
            "section_title": _("Track an appeal"),
            "section_text": _(
                "Tracking by appeal number opens soon. Until then, call 109 and give the number of your appeal."
            ),
        },
    )
