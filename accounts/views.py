from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.forms import CodeForm, LoginForm, NewPasswordForm, PhoneForm, ProfileForm, SignUpForm
from accounts.services import (
    phone_confirmation_check,
    phone_confirmation_start,
    reset_password_by_phone,
    sign_up,
    update_profile,
)
from accounts.session import confirmed_phone, forget_confirmed_phone, remember_confirmed_phone
from openalmaty.i18n import content_language
from openalmaty.ratelimit import client_ip

BACKEND = "accounts.backends.PhoneOrEmailBackend"


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


def sms_steps(request: HttpRequest, *, purpose: str) -> tuple[dict, str | None]:
    """The two steps that prove a phone: send a code, check it. Shared by the appeal form, sign-up and reset.

    Returns the template context and, once the code is right, the confirmed phone (also kept in the session).
    """
    session_key = f"phone_confirmation:{purpose}"
    pending = request.session.get(session_key)
    step = request.POST.get("step") if request.method == "POST" else None
    phone_form = PhoneForm(request.POST if step == "send" else None)
    code_form = CodeForm(request.POST if step == "check" else None)
    context = {"phone_form": phone_form, "code_form": code_form, "pending": pending}
    if step == "send" and phone_form.is_valid():
        try:
            confirmation = phone_confirmation_start(
                phone=phone_form.cleaned_data["phone"], ip=client_ip(request), purpose=purpose
            )
        except ValidationError as exc:
            phone_form.add_error("phone", exc)
        else:
            context["pending"] = request.session[session_key] = {"id": confirmation.pk, "phone": confirmation.phone}
            messages.info(request, _("We sent a code to %(phone)s.") % {"phone": confirmation.phone})
            code_form = context["code_form"] = CodeForm()
    elif step == "check" and pending and code_form.is_valid():
        try:
            confirmation = phone_confirmation_check(confirmation_id=pending["id"], code=code_form.cleaned_data["code"])
        except ValidationError as exc:
            code_form.add_error("code", exc)
        else:
            remember_confirmed_phone(request.session, confirmation.phone)
            del request.session[session_key]
            return context, confirmation.phone
    return context, None


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Step 1 of 2: prove the mobile phone by SMS (skipped when it was proved a moment ago)."""
    if request.user.is_authenticated:
        return redirect("appeals:cabinet")
    context, phone = sms_steps(request, purpose="signup")
    if phone or (request.method == "GET" and confirmed_phone(request.session)):
        return redirect("accounts:signup_details")
    if request.method == "POST" and request.POST.get("step") == "send" and context["pending"]:
        return redirect("accounts:signup")  # after a sent code, a GET: reloading does not send another
    return render(request, "accounts/phone_steps.html", {**context, **SIGNUP_TEXT})


SIGNUP_TEXT = {
    "title": gettext_lazy("Create an account"),
    "lead": gettext_lazy(
        "Your account is your mobile number. Every appeal registered for this number — on the portal, by phone "
        "109 or at a counter — will be in your cabinet."
    ),
}
RESET_TEXT = {
    "title": gettext_lazy("Reset the password"),
    "lead": gettext_lazy("We send a code by SMS to the phone of your account; then you choose a new password."),
    "email_reset": True,
}


@require_http_methods(["GET", "POST"])
def signup_details(request: HttpRequest) -> HttpResponse:
    """Step 2 of 2: name and password for the proved phone; earlier appeals for it join the cabinet."""
    phone = confirmed_phone(request.session)
    if phone is None:
        return redirect("accounts:signup")
    form = SignUpForm(request.POST or None, initial={"language": content_language()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = sign_up(phone=phone, password=data["password1"], full_name=data["full_name"], email=data["email"],
                           language=data["language"])  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            forget_confirmed_phone(request.session)
            login(request, user, backend=BACKEND)
            messages.success(request, _("Your account is ready."))
            return redirect("appeals:cabinet")
    return render(
        request,
        "accounts/form_page.html",
        {"form": form, "title": SIGNUP_TEXT["title"], "submit": _("Create the account"),
         "lead": _("Phone %(phone)s is confirmed. Now your name and a password.") % {"phone": phone}},
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Forgot the password: prove the phone by SMS, then choose a new one."""
    context, phone = sms_steps(request, purpose="reset")
    if phone:
        return redirect("accounts:password_reset_new")
    if request.method == "POST" and request.POST.get("step") == "send" and context["pending"]:
        return redirect("accounts:password_reset")
    return render(request, "accounts/phone_steps.html", {**context, **RESET_TEXT})


@require_http_methods(["GET", "POST"])
def password_reset_new(request: HttpRequest) -> HttpResponse:
    phone = confirmed_phone(request.session)
    if phone is None:
        return redirect("accounts:password_reset")
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = reset_password_by_phone(phone=phone, password=form.cleaned_data["password1"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            forget_confirmed_phone(request.session)
            login(request, user, backend=BACKEND)
            messages.success(request, _("The password is changed."))
            return redirect("appeals:cabinet")
    return render(request, "accounts/form_page.html",
                  {"form": form, "title": RESET_TEXT["title"], "submit": _("Save the new password")})  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={"full_name": user.full_name, "email": user.email or "", "iin": user.iin, "language": user.language,
                 "notify_by_sms": user.notify_by_sms, "notify_by_email": user.notify_by_email},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            update_profile(user=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your details are saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


class EmailPasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/form_page.html"
    email_template_name = "accounts/password_reset_email.txt"
    success_url = reverse_lazy("accounts:password_reset_email_done")
    extra_context = {"title": gettext_lazy("Reset the password by email"), "submit": gettext_lazy("Send the link")}


class EmailPasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/message_page.html"
    extra_context = {
        "title": gettext_lazy("Check your email"),
        "text": gettext_lazy("If an account has this address, a link to choose a new password is on its way."),
    }


class EmailPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/form_page.html"
    success_url = reverse_lazy("accounts:login")
    post_reset_login = False
    extra_context = {"title": gettext_lazy("Choose a new password"), "submit": gettext_lazy("Save the new password")}

    def form_valid(self, form):
        messages.success(self.request, _("The password is changed. Sign in with it."))
        return super().form_valid(form)
