"""The visit's receipt as a PDF: every appeal with its number, access code, deadline and a QR code.

fpdf2 with DejaVu Sans (Debian's fonts-dejavu-core): one TrueType font with every Russian and Kazakh letter
(ә ғ қ ң ө ұ ү һ і), embedded in the file, so the receipt prints the same anywhere.
"""

import io
import logging
from collections.abc import Callable
from pathlib import Path

import segno
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from appeals.models import Appeal, Visit

# fontTools logs every glyph it keeps when it embeds the font: forty lines of INFO per receipt.
logging.getLogger("fontTools").setLevel(logging.WARNING)


def _font_dir() -> Path:
    return Path(getattr(settings, "RECEIPT_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))


def visit_receipt_pdf(*, visit: Visit, appeals: list[Appeal], track_url: Callable[[Appeal], str]) -> bytes:
    """A4, one block per appeal; `track_url(appeal)` is the tracking link the QR code opens."""
    pdf = FPDF(format="A4")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(auto=True, margin=16)
    fonts = _font_dir()
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.set_title(_("Receipt for appeals"))
    pdf.set_creator(_("Open Almaty"))
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(0, 9, _("Open Almaty — receipt for appeals"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    who = visit.citizen.full_name if visit.citizen and visit.citizen.full_name else visit.contact_name
    pdf.multi_cell(
        0, 5,
        _("%(kind)s, %(date)s. Citizen: %(name)s.")
        % {"kind": visit.get_kind_display(), "date": timezone.localtime(visit.started_at).strftime("%d.%m.%Y %H:%M"),
           "name": who or "—"},
        new_x="LMARGIN", new_y="NEXT",
    )  # fmt: skip
    pdf.ln(3)
    for appeal in appeals:
        if pdf.will_page_break(48):
            pdf.add_page()
        top = pdf.get_y()
        pdf.set_draw_color(180, 190, 200)
        pdf.line(pdf.l_margin, top, pdf.w - pdf.r_margin, top)
        pdf.ln(2)
        pdf.set_font("DejaVu", "B", 14)
        pdf.cell(130, 8, _("Appeal %(number)s") % {"number": appeal.number}, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 10)
        rows = [
            (_("Access code"), appeal.access_code),
            (_("Registered on"), appeal.registered_on.strftime("%d.%m.%Y")),
            (_("Answer due by"), appeal.due_date.strftime("%d.%m.%Y")),
            (_("Topic"), str(appeal.category) if appeal.category else _("the triage desk will decide")),
            (_("Legal basis"), _(appeal.legal_basis)),
        ]
        for label, value in rows:
            pdf.set_font("DejaVu", "", 10)
            pdf.cell(38, 6, label)
            pdf.set_font("DejaVu", "B" if label == rows[0][0] else "", 10)
            pdf.multi_cell(92, 6, value, new_x="LMARGIN", new_y="NEXT")
        qr = io.BytesIO()
        segno.make(track_url(appeal), error="m").save(qr, kind="png", scale=5, border=2)
        qr.seek(0)
        pdf.image(qr, x=pdf.w - pdf.r_margin - 36, y=top + 3, w=36)
        pdf.set_y(max(pdf.get_y(), top + 42))
        pdf.ln(2)
    pdf.ln(2)
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(
        0, 5,
        _("Keep the number and the code: with them you can follow the appeal on this portal or by phone 109."),
        new_x="LMARGIN", new_y="NEXT",
    )  # fmt: skip
    return bytes(pdf.output())
