from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


@login_required
def cabinet(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "section_soon.html",
        {
            "section_title": _("Personal cabinet"),
            "section_text": _(
                "Here you will follow every appeal of yours, from every channel. Until it opens, call 109 "
                "to ask about an appeal."
            ),
        },
    )
