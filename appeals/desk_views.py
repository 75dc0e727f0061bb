"""The clerk's desk: one keyboard-first page. Views parse the request, call appeals.desk, render.

Every form works as a plain HTML form (post, redirect back to the visit); static/js/desk.js sends the same
forms with fetch and swaps in the workspace the server rendered, so the page never reloads. Whatever was
typed is kept when a save fails: re-rendered bound, saved into the visit's draft, and kept in the browser.
"""

from contextlib import suppress
from datetime import timedelta
from functools import wraps
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.phone import normalize_phone
from appeals import desk
from appeals import desk_selectors as selectors
from appeals.desk_forms import CitizenForm, ConsultationForm, DeskAppealForm, HandoverForm, VisitStartForm
from appeals.models import Appeal, Visit, VisitKind
from appeals.receipt_pdf import visit_receipt_pdf
from life_situations.search import search as search_guides
from openalmaty.i18n import content_language


def operator_required(view):
    """Signed out: to the sign-in page. Signed in without the role "operator": 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not desk.is_operator(request.user):
            raise PermissionDenied(_("Only operators of the front office and the call centre use the desk."))
        return view(request, *args, **kwargs)

    return wrapper


def _is_fetch(request: HttpRequest) -> bool:
    return request.headers.get("X-Desk") == "1"


def _desk_url(visit: Visit | None) -> str:
    base = reverse("appeals:desk")
    return f"{base}?{urlencode({'visit': visit.public_id})}" if visit else base


def _visit_or_404(request: HttpRequest, public_id) -> Visit:
    visit = selectors.visit_detail(public_id)
    if visit is None or not desk.may_see_visit(visit, request.user):
        raise Http404
    return visit


def _context(request: HttpRequest, visit: Visit | None, *, forms: dict | None = None, query: str = "") -> dict:
    forms = forms or {}
    user = request.user
    draft = visit.draft if visit else request.session.get("desk_draft", {})
    can_act = bool(visit and visit.ended_at is None and (visit.operator_id == user.pk or user.is_superuser))
    context = {
        "visit": visit,
        "can_act": can_act,
        "inbox": [v for v in selectors.open_visits_at(user) if visit is None or v.pk != visit.pk],
        "kinds": VisitKind.choices,
        "query": query,
        "results": selectors.citizen_search(query) if query else None,
        "citizen_form": forms.get("citizen") or CitizenForm(initial=draft.get("citizen") or _phone_initial(query)),
    }
    if visit is not None:
        appeal_initial = {"language": content_language(), **draft.get("appeal", {})}
        context.update(
            earlier=selectors.citizen_appeals(citizen=visit.citizen, phone=visit.caller_phone),
            this_visit=[link.appeal for link in visit.visit_appeals.all()],
            appeal_form=forms.get("appeal") or DeskAppealForm(initial=appeal_initial),
            consultation_form=forms.get("consultation")
            or ConsultationForm(prefix="c", initial=draft.get("consultation", {})),
            handover_form=forms.get("handover") or HandoverForm(prefix="h", operator=user),
            suggested=selectors.suggest_category(draft.get("appeal", {}).get("text", "")),
        )
    return context


def _phone_initial(query: str) -> dict:
    try:
        return {"phone": normalize_phone(query)} if query else {}
    except ValidationError:
        return {}


def _respond(request: HttpRequest, visit: Visit | None, *, ok: bool, saved: str = "", forms: dict | None = None,
             message: str = "", focus: str = "") -> HttpResponse:  # fmt: skip
    """After a POST: the workspace for desk.js (JSON), or a redirect / the page with the errors."""
    if _is_fetch(request):
        context = _context(request, visit, forms=forms)
        return JsonResponse({
            "ok": ok, "saved": saved, "message": message, "focus": focus, "url": _desk_url(visit),
            "visit": str(visit.public_id) if visit else "",
            "html": render_to_string("appeals/desk/_workspace.html", context, request),
        }, status=200 if ok else 400)  # fmt: skip
    if ok:
        if message:
            messages.success(request, message)
        return redirect(_desk_url(visit))
    return render(request, "appeals/desk/desk.html", _context(request, visit, forms=forms), status=400)


# --- The page ---------------------------------------------------------------------------------------------
@require_GET
@operator_required
def desk_page(request: HttpRequest) -> HttpResponse:
    visit = None
    if request.GET.get("visit"):
        try:
            visit = _visit_or_404(request, request.GET["visit"])
        except ValidationError as exc:  # not a UUID
            raise Http404 from exc
    query = request.GET.get("q", "").strip()[:100]
    return render(request, "appeals/desk/desk.html", _context(request, visit, query=query))


@require_GET
@operator_required
def citizens(request: HttpRequest) -> JsonResponse:
    """Search-as-you-type: citizens for a phone, IIN or name typed so far."""
    query = request.GET.get("q", "")
    found = selectors.citizen_search(query)
    phone = _phone_initial(query.strip()).get("phone", "")
    return JsonResponse({
        "query": query,
        "citizens": [{"id": u.pk, "name": u.full_name, "phone": u.display_phone, "iin": u.masked_iin,
                      "iin_checked": bool(u.iin_verified_at), "phone_proved": bool(u.phone_verified_at)}
                     for u in found],
        "new_phone": phone if phone and not any(u.phone == phone for u in found) else "",
    })  # fmt: skip


@require_GET
@operator_required
def suggest(request: HttpRequest) -> JsonResponse:
    """For the text being typed: the topic its words point to, and guides to consult on the spot."""
    text = request.GET.get("text", "").strip()[:300]
    category = selectors.suggest_category(text)
    hits = search_guides(text, language=content_language()).hits[:5] if len(text) >= 3 else []
    return JsonResponse({
        "category": {"id": category.pk, "name": category.name} if category else None,
        "guides": [{"slug": h.guide.slug, "title": h.guide.title, "url": h.guide.get_absolute_url()} for h in hits],
    })  # fmt: skip


# --- Visits -----------------------------------------------------------------------------------------------
@require_POST
@operator_required
def visit_start(request: HttpRequest) -> HttpResponse:
    """Start a visit or call for a citizen found (`citizen`), or create the citizen first (phone and name)."""
    start = VisitStartForm(request.POST)
    if not start.is_valid():
        problems = " ".join(str(e) for errors in start.errors.values() for e in errors)
        forms = {} if request.POST.get("citizen") else {"citizen": CitizenForm(request.POST)}
        return _respond(request, None, ok=False, forms=forms, message=problems)
    citizen = start.cleaned_data["citizen"]
    if citizen is None:
        form = CitizenForm(request.POST)
        if form.is_valid():
            try:
                citizen = desk.citizen_create(operator=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
        if citizen is None:
            request.session["desk_draft"] = {"citizen": {k: request.POST.get(k, "") for k in form.fields}}
            return _respond(request, None, ok=False, forms={"citizen": form})
        request.session.pop("desk_draft", None)
    visit = desk.visit_start(
        operator=request.user, kind=start.cleaned_data["kind"], citizen=citizen,
        caller_phone=start.cleaned_data["caller_phone"], contact_name=start.cleaned_data["contact_name"],
    )  # fmt: skip
    return _respond(request, selectors.visit_detail(visit.public_id), ok=True, saved="citizen", focus="#id_text")


def _unprefixed(post, form) -> dict:
    """The posted values of `form`'s own fields, by field name (a draft is the form's `initial`)."""
    return {name: post.get(form.add_prefix(name), "") for name in form.fields if name != "attachments"}


def _act(request: HttpRequest, public_id, name: str, form, call, message) -> HttpResponse:
    """Validate `form`, call the service; on any refusal keep what was typed (bound form and the draft)."""
    visit = _visit_or_404(request, public_id)
    if form.is_valid():
        try:
            result = call(visit, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _respond(
                request,
                selectors.visit_detail(visit.public_id),
                ok=True,
                saved=name,
                message=message(result),
                focus="#id_text" if name != "handover" else "#desk-q",
            )
    if name in desk.DRAFT_FORMS:
        # A finished visit keeps no draft; the bound form still shows what was typed.
        with suppress(ValidationError, PermissionDenied):
            desk.visit_save_draft(visit=visit, operator=request.user, form=name, data=_unprefixed(request.POST, form))
    return _respond(request, visit, ok=False, forms={name: form})


@require_POST
@operator_required
def visit_appeal(request: HttpRequest, public_id) -> HttpResponse:
    form = DeskAppealForm(request.POST, request.FILES)
    return _act(
        request, public_id, "appeal", form,
        lambda visit, d: desk.desk_register_appeal(visit=visit, operator=request.user, reference=form.reference(), **d),
        lambda appeal: _("Appeal %(number)s is registered; the citizen gets an SMS with the number and the code.")
        % {"number": appeal.number},
    )  # fmt: skip


@require_POST
@operator_required
def visit_consultation(request: HttpRequest, public_id) -> HttpResponse:
    return _act(
        request, public_id, "consultation", ConsultationForm(request.POST, prefix="c"),
        lambda visit, d: desk.consultation_record(visit=visit, operator=request.user, **d),
        lambda _consultation: _("The consultation is recorded."),
    )  # fmt: skip


@require_POST
@operator_required
def visit_handover(request: HttpRequest, public_id) -> HttpResponse:
    return _act(
        request, public_id, "handover", HandoverForm(request.POST, prefix="h", operator=request.user),
        lambda visit, d: desk.visit_hand_over(visit=visit, operator=request.user, **d),
        lambda handover: _("The visitor is passed to %(desk)s.") % {"desk": handover.to_operator},
    )  # fmt: skip


@require_POST
@operator_required
def visit_finish(request: HttpRequest, public_id) -> HttpResponse:
    visit = _visit_or_404(request, public_id)
    try:
        desk.visit_finish(visit=visit, operator=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _respond(request, selectors.visit_detail(visit.public_id), ok=True, saved="visit", focus="#desk-receipt")


@require_POST
@operator_required
def visit_draft(request: HttpRequest, public_id) -> HttpResponse:
    """desk.js keeps what is being typed here too, a few seconds after the last keystroke."""
    visit = _visit_or_404(request, public_id)
    name = request.POST.get("_form", "")
    data = _unprefixed(request.POST, DeskAppealForm() if name != "consultation" else ConsultationForm(prefix="c"))
    try:
        desk.visit_save_draft(visit=visit, operator=request.user, form=name, data=data)
    except (ValidationError, PermissionDenied):
        return HttpResponse(status=409)
    return HttpResponse(status=204)


# --- The receipt ------------------------------------------------------------------------------------------
def _track_url(request: HttpRequest, appeal: Appeal) -> str:
    query = urlencode({"number": appeal.number, "code": appeal.access_code})
    return request.build_absolute_uri(reverse("appeals:track")) + "?" + query


@require_GET
@operator_required
def visit_receipt(request: HttpRequest, public_id) -> HttpResponse:
    visit = _visit_or_404(request, public_id)
    rows = []
    for link in visit.visit_appeals.all():
        url = _track_url(request, link.appeal)
        rows.append({"appeal": link.appeal, "track_url": url,
                     "qr_svg": segno.make(url, error="m").svg_inline(scale=3, dark="#0b2a4a")})  # fmt: skip
    return render(request, "appeals/desk/receipt.html", {"visit": visit, "rows": rows})


@require_GET
@operator_required
def visit_receipt_pdf_view(request: HttpRequest, public_id) -> HttpResponse:
    visit = _visit_or_404(request, public_id)
    appeals = [link.appeal for link in visit.visit_appeals.all()]
    if not appeals:
        raise Http404
    pdf = visit_receipt_pdf(visit=visit, appeals=appeals, track_url=lambda a: _track_url(request, a))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"receipt-{timezone.localtime(visit.started_at):%Y%m%d-%H%M}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- What the desks add up to ---------------------------------------------------------------------------------
@require_GET
@operator_required
def desk_stats(request: HttpRequest) -> HttpResponse:
    """Consultations per topic and per operator, and the first-call resolution share, for the last 30 days."""
    until = timezone.now()
    since = until - timedelta(days=30)
    stats = selectors.first_call_resolution(since=since, until=until)
    return render(request, "appeals/desk/stats.html", {"since": since, "until": until, **stats})
