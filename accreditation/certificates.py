"""The accreditation certificate as a PDF (reportlab), with a QR code to /verify/<code>/.

It is drawn at download time, so it always shows the status and scope of today: a suspended
or withdrawn accreditation prints as such.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from accreditation.models import Accreditation
from accreditation.verification import current_status

BRAND = colors.HexColor("#0b5563")
STATUS_COLOURS = {
    "active": colors.HexColor("#166534"),
    "suspended": colors.HexColor("#92400e"),
}


def verification_url(accreditation: Accreditation) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "courses:verify", kwargs={"code": accreditation.code}
    )


def _qr(data: str, size: float) -> Drawing:
    widget = QrCodeWidget(data, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def _date(value) -> str:
    return formats.date_format(value, "j F Y") if value else "—"


def certificate_pdf(accreditation: Accreditation) -> bytes:
    """The certificate of ``accreditation`` (from ``accreditation_by_code``) as PDF bytes."""
    state = current_status(accreditation)
    version = accreditation.standard_version
    holder = accreditation.auditor.user.full_name
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=f"{_('Accreditation certificate')} – {holder}",
        author=settings.WAGTAIL_SITE_NAME,
    )
    styles = getSampleStyleSheet()
    title = ParagraphStyle("title", parent=styles["Title"], textColor=BRAND, fontSize=24)
    centred = ParagraphStyle("centred", parent=styles["Normal"], alignment=1, fontSize=12)
    name = ParagraphStyle("name", parent=styles["Title"], fontSize=20, spaceBefore=4)
    small = ParagraphStyle("small", parent=styles["Normal"], fontSize=8.5, leading=11)
    status_colour = STATUS_COLOURS.get(state.status, colors.HexColor("#991b1b"))
    status_style = ParagraphStyle(
        "status", parent=centred, textColor=status_colour, fontName="Helvetica-Bold"
    )

    story = [
        Paragraph(escape(_("Accreditation certificate")), title),
        Paragraph(escape(_("This certifies that")), centred),
        Paragraph(escape(holder), name),
        Paragraph(
            escape(
                _("is accredited as an auditor for the %(standard)s (%(version)s)")
                % {"standard": version.standard.name, "version": version.version}
            ),
            centred,
        ),
        Paragraph(
            escape(_("through the audit firm %(firm)s") % {"firm": accreditation.firm.name}),
            centred,
        ),
        Spacer(1, 6 * mm),
        Paragraph(
            escape(
                _("Status on %(date)s: %(status)s")
                % {"date": _date(timezone.localdate()), "status": state.status_label}
            ),
            status_style,
        ),
        Spacer(1, 6 * mm),
    ]

    rows = [[_("Standard"), _("Sector"), _("Country"), _("Status"), _("Valid from"), _("Until")]]
    for line in state.lines:
        element = line.element
        rows.append(
            [
                element.sector.standard.code,
                Paragraph(escape(element.sector.name), small),
                Paragraph(escape(element.country.name), small),
                Paragraph(escape(str(line.status_label)), small),
                element.valid_from.isoformat(),
                element.valid_until.isoformat(),
            ]
        )
    table = Table(
        rows, colWidths=[20 * mm, 45 * mm, 35 * mm, 30 * mm, 20 * mm, 20 * mm], repeatRows=1
    )
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), BRAND),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#cbd5e1")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [table, Spacer(1, 8 * mm)]

    url = verification_url(accreditation)
    facts = Paragraph(
        "<br/>".join(
            escape(text)
            for text in [
                _("Granted on %(date)s")
                % {"date": _date(timezone.localdate(accreditation.granted_at))},
                _("Certificate code: %(code)s") % {"code": accreditation.code},
                _("Check the current status at:"),
                url,
            ]
        ),
        small,
    )
    footer = Table([[_qr(url, 30 * mm), facts]], colWidths=[36 * mm, 134 * mm])
    footer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story.append(footer)
    doc.build(story)
    return buffer.getvalue()
