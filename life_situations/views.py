from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def catalogue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "section_soon.html",
        {
            "section_title": _("Life-situation guides"),
            "section_text": _(
                "The catalogue of guides is being filled. Until it opens, the contact centre on 109 answers "
                "the same questions."
            ),
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    return catalogue(request)
