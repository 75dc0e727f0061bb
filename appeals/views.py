from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.signing import BadSignature, TimestampSigner
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import CodeForm, PhoneForm
from accounts.phone import format_phone
from accounts.services import phone_confirmation_check, phone_confirmation_start
from accounts.session import confirmed_phone, remember_confirmed_phone
from appeals.forms import AppealForm, TrackForm
from appeals.models import Appeal, AppealKind, Attachment, Channel
from appeals.selectors import appeal_for_tracking
from appeals.services import Contact, register_appeal
from openalmaty.i18n import content_language
from openalmaty.ratelimit import client_ip, over_limit

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
        if over_limit(f"appeal:{ip}", limit=settings.APPEAL_RATE_PER_MINUTE, window_seconds=60) or over_limit(
            f"appeal-day:{ip}", limit=settings.APPEAL_RATE_PER_DAY, window_seconds=86400
        ):
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
                    guide=data["guide"],
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
    pending = request.session.get("phone_confirmation")
    phone_form = PhoneForm(request.POST if request.POST.get("step") == "send" else None)
    code_form = CodeForm(request.POST if request.POST.get("step") == "check" else None)
    if request.method == "POST" and request.POST.get("step") == "send" and phone_form.is_valid():
        try:
            confirmation = phone_confirmation_start(phone=phone_form.cleaned_data["phone"], ip=client_ip(request))
        except ValidationError as exc:
            phone_form.add_error("phone", exc)
        else:
            request.session["phone_confirmation"] = {"id": confirmation.pk, "phone": confirmation.phone}
            messages.info(request, _("We sent a code to %(phone)s.") % {"phone": confirmation.phone})
            return redirect("appeals:confirm_phone")
    if request.method == "POST" and request.POST.get("step") == "check" and pending and code_form.is_valid():
        try:
            confirmation = phone_confirmation_check(confirmation_id=pending["id"], code=code_form.cleaned_data["code"])
        except ValidationError as exc:
            code_form.add_error("code", exc)
        else:
            remember_confirmed_phone(request.session, confirmation.phone)
            del request.session["phone_confirmation"]
            next_url = request.session.pop("appeal_next", "")
            if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                next_url = reverse("appeals:create")
            return redirect(next_url or reverse("appeals:create"))
    return render(
        request, "appeals/confirm_phone.html", {"phone_form": phone_form, "code_form": code_form, "pending": pending}
    )


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
        if over_limit(f"track:{client_ip(request)}", limit=30, window_seconds=60):
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
