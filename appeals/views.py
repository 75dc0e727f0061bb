from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.core.signing import BadSignature, TimestampSigner
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.phone import format_phone
from accounts.session import confirmed_phone
from accounts.views import sms_steps
from appeals.forms import (
    AppealForm,
    CabinetFilterForm,
    DeleteAccountForm,
    DisputeForm,
    ProvideInformationForm,
    RatingForm,
    TrackForm,
    WithdrawForm,
)
from appeals.models import Appeal, AppealKind, Attachment, Channel, EventKind
from appeals.selectors import (
    appeal_for_tracking,
    cabinet_appeals,
    cabinet_counts,
    citizen_notifications,
    latest_event,
    personal_data_export,
)
from appeals.selectors import cabinet_appeal as cabinet_appeal_for
from appeals.services import (
    Contact,
    citizen_actions,
    close_appeal,
    delete_citizen_account,
    provide_information,
    rate_answer,
    register_appeal,
    reopen_as_complaint,
    withdraw_appeal,
)
from openalmaty.i18n import content_language
from openalmaty.ratelimit import Limit, client_ip, over_limit

RECEIPT_MAX_AGE = 24 * 60 * 60  # the receipt link works for whoever filed the appeal, for a day
receipt_signer = TimestampSigner(salt="appeals.receipt")


@require_http_methods(["GET", "POST"])
def appeal_create(request: HttpRequest) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    phone = (user.phone if user else None) or confirmed_phone(request.session)
    if user is None and phone is None:
        request.session["appeal_next"] = request.get_full_path()  # come back with the question filled in
        return redirect(reverse("appeals:confirm_phone"))
    initial = {
        "language": content_language(),
        "contact_name": user.full_name if user else "",
        "contact_email": (user.email or "") if user else "",
        "text": request.GET.get("q", "")[:2000],  # "ask a question" brings the search query
        "kind": request.GET.get("kind", AppealKind.APPLICATION),
        "guide": request.GET.get("guide", ""),
    }
    form = AppealForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request)
        if over_limit(Limit(f"appeal:{ip}", settings.APPEAL_RATE_PER_MINUTE, 60),
                      Limit(f"appeal-day:{ip}", settings.APPEAL_RATE_PER_DAY, 86400)):  # fmt: skip
            form.add_error(None, _("Too many appeals from your network in a short time. Try again in a minute."))
        else:
            data = form.cleaned_data
            try:
                appeal = register_appeal(
                    channel=Channel.CABINET if user else Channel.WEB,
                    citizen=user,
                    contact=Contact(name=data["contact_name"], phone=phone or "", email=data["contact_email"],
                                    phone_verified=True),
                    kind=data["kind"], category=data["category"], district=data["district"], address=data["address"],
                    text=data["text"], attachments=data["attachments"], language=data["language"],
                    guide=data["guide"], reference=form.reference(),
                )  # fmt: skip
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                # A signed link instead of a note in the session: no second database write per appeal.
                token = receipt_signer.sign(str(appeal.public_id)).split(":", 1)[1]  # timestamp:signature
                url = reverse("appeals:receipt", kwargs={"public_id": appeal.public_id})
                return redirect(f"{url}?t={token}")
    return render(request, "appeals/appeal_form.html", {"form": form, "phone": format_phone(phone)})


@require_http_methods(["GET", "POST"])
def confirm_phone(request: HttpRequest) -> HttpResponse:
    """Step one for a visitor who is not signed in: prove the phone with an SMS code."""
    context, phone = sms_steps(request, purpose="appeal")
    if phone:
        next_url = request.session.pop("appeal_next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = ""
        return redirect(next_url or reverse("appeals:create"))
    if request.method == "POST" and request.POST.get("step") == "send" and context["pending"]:
        return redirect("appeals:confirm_phone")
    return render(request, "appeals/confirm_phone.html", context)


def ask(request: HttpRequest) -> HttpResponse:
    """ "Ask a question": an information request, with the search query or the guide filled in."""
    params = {"kind": AppealKind.INFORMATION_REQUEST}
    if request.GET.get("q"):
        params["q"] = request.GET["q"][:2000]
    if request.GET.get("guide"):
        params["guide"] = request.GET["guide"][:100]
    return redirect(f"{reverse('appeals:create')}?{urlencode(params)}")


def _may_see_receipt(request: HttpRequest, appeal: Appeal) -> bool:
    if request.user.is_authenticated and appeal.citizen_id == request.user.pk:
        return True
    try:
        receipt_signer.unsign(f"{appeal.public_id}:{request.GET.get('t', '')}", max_age=RECEIPT_MAX_AGE)
    except BadSignature:
        return False
    return True


def receipt(request: HttpRequest, public_id) -> HttpResponse:
    appeal = get_object_or_404(Appeal.objects.select_related("department"), public_id=public_id)
    if not _may_see_receipt(request, appeal):
        raise Http404
    track_url = (
        request.build_absolute_uri(reverse("appeals:track")) + f"?number={appeal.number}&code={appeal.access_code}"
    )
    qr_svg = segno.make(track_url, error="m").svg_inline(scale=4, dark="#0b2a4a")
    return render(request, "appeals/receipt.html", {"appeal": appeal, "track_url": track_url, "qr_svg": qr_svg})


def track(request: HttpRequest) -> HttpResponse:
    """Number + access code → the public timeline. Nothing tells a wrong code from a missing number."""
    form = TrackForm(request.GET if "number" in request.GET else None)
    appeal, not_found = None, False
    if form.is_bound and form.is_valid():
        if over_limit(Limit(f"track:{client_ip(request)}", 30, 60)):
            form.add_error(None, _("Too many attempts. Try again in a minute."))
        else:
            appeal = appeal_for_tracking(number=form.cleaned_data["number"], code=form.cleaned_data["code"])
            not_found = appeal is None
    response = render(request, "appeals/track.html", {"form": form, "appeal": appeal, "not_found": not_found})
    response["Referrer-Policy"] = "no-referrer"  # the code is in the URL
    return response


def attachment_download(request: HttpRequest, public_id) -> FileResponse:
    """A public file of an appeal, for whoever holds the appeal's number and code (or owns it)."""
    attachment = get_object_or_404(Attachment.objects.select_related("appeal"), public_id=public_id, is_public=True)
    appeal = attachment.appeal
    holder = appeal_for_tracking(number=request.GET.get("number", ""), code=request.GET.get("code", ""))
    owner = request.user.is_authenticated and appeal.citizen_id == request.user.pk
    if not owner and (holder is None or holder.pk != appeal.pk):
        raise Http404
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name)


# --- The personal cabinet: every URL checks that the appeal is the signed-in citizen's own --------------------
CABINET_PAGE_SIZE = 20


@login_required
def cabinet(request: HttpRequest) -> HttpResponse:
    form = CabinetFilterForm(request.GET or None)
    show, q = (form.cleaned_data["show"], form.cleaned_data["q"]) if form.is_valid() else ("", "")
    counts = cabinet_counts(user=request.user)
    paginator = Paginator(cabinet_appeals(user=request.user, show=show, q=q), CABINET_PAGE_SIZE)
    if not (show or q):
        paginator.count = counts["total"]  # known already: no second COUNT
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "appeals/cabinet/list.html",
        {"form": form, "page": page, "counts": counts,
         "query": urlencode({"show": show, "q": q})},
    )  # fmt: skip


CABINET_ACTIONS = {
    # action: (form class, the service call with the form's cleaned data)
    "info": (ProvideInformationForm, lambda a, u, d: provide_information(
        appeal=a, citizen=u, text=d["text"], attachments=d["attachments"])),
    "rate": (RatingForm, lambda a, u, d: rate_answer(appeal=a, citizen=u, rating=d["rating"], comment=d["comment"])),
    "accept": (None, lambda a, u, d: close_appeal(appeal=a, actor=u)),
    "dispute": (DisputeForm, lambda a, u, d: reopen_as_complaint(appeal=a, citizen=u, text=d["text"])),
    "withdraw": (WithdrawForm, lambda a, u, d: withdraw_appeal(appeal=a, citizen=u, reason=d["reason"])),
}  # fmt: skip
DONE_MESSAGES = {
    "info": gettext_lazy("Thank you: the information is with the specialist."),
    "rate": gettext_lazy("Thank you for the rating."),
    "accept": gettext_lazy("The appeal is closed. Thank you."),
    "dispute": gettext_lazy("Your complaint is registered and goes to the head of the department."),
    "withdraw": gettext_lazy("The appeal is withdrawn."),
}


@login_required
@require_http_methods(["GET", "POST"])
def cabinet_appeal(request: HttpRequest, public_id, action: str = "") -> HttpResponse:
    appeal = cabinet_appeal_for(user=request.user, public_id=public_id)
    if appeal is None or (action and action not in CABINET_ACTIONS):
        raise Http404  # somebody else's appeal looks exactly like one that does not exist
    forms = {name: form_class() for name, (form_class, _call) in CABINET_ACTIONS.items() if form_class}
    if request.method == "POST" and action:
        form_class, call = CABINET_ACTIONS[action]
        form = form_class(request.POST, request.FILES) if form_class else None
        if form is None or form.is_valid():
            try:
                result = call(appeal, request.user, form.cleaned_data if form else {})
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, DONE_MESSAGES[action])
                target = result if isinstance(result, Appeal) else appeal  # a complaint opens on its own page
                return redirect("appeals:cabinet_appeal", public_id=target.public_id)
        else:
            forms[action] = form
    can = citizen_actions(appeal)
    question = latest_event(appeal, EventKind.INFO_REQUESTED) if can["info"] else None
    return render(request, "appeals/cabinet/appeal.html",
                  {"appeal": appeal, "forms": forms, "can": can, "question": question})  # fmt: skip


@login_required
def cabinet_notifications(request: HttpRequest) -> HttpResponse:
    page = Paginator(citizen_notifications(user=request.user), CABINET_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "appeals/cabinet/notifications.html", {"page": page})


@login_required
def cabinet_data(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(personal_data_export(user=request.user), json_dumps_params={"ensure_ascii": False,
                                                                                        "indent": 2})  # fmt: skip
    response["Content-Disposition"] = 'attachment; filename="open-almaty-my-data.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def cabinet_delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            delete_citizen_account(user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            logout(request)
            messages.success(request, _("Your account is deleted. Your appeals are kept as the law requires."))
            return redirect("home")
    return render(request, "appeals/cabinet/delete.html", {"form": form})
