"""The accreditation certificate as a PDF (reportlab), with a QR code to /verify/<code>/.

It is drawn at download time, so it always shows the status and scope of today: a suspended
or withdrawn accreditation prints as such, in the auditor's language (``lms.i18n.language_of``),
whoever downloads it. Fonts, text by script, the QR code and the verification link come from
``lms.pdf``.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from accreditation.models import Accreditation
from accreditation.selectors import CurrentStatus, current_status
from lms import pdf as pdfkit
from lms.formats import local_date
from lms.i18n import language_of

BRAND = colors.HexColor("#0b5563")
STATUS_COLOURS = {
    "active": colors.HexColor("#166534"),
    "suspended": colors.HexColor("#92400e"),
}


def _date(value) -> str:
    return local_date(value) if value else "—"


Styles = dict[str, ParagraphStyle]


def _styles() -> Styles:
    base = getSampleStyleSheet()
    regular, bold = pdfkit.REGULAR, pdfkit.BOLD
    centred = ParagraphStyle(
        "centred", parent=base["Normal"], fontName=regular, alignment=1, fontSize=12
    )
    return {
        "title": ParagraphStyle(
            "title", parent=base["Title"], fontName=bold, textColor=BRAND, fontSize=24
        ),
        "centred": centred,
        "name": ParagraphStyle(
            "name", parent=base["Title"], fontName=bold, fontSize=20, spaceBefore=4
        ),
        "small": ParagraphStyle(
            "small", parent=base["Normal"], fontName=regular, fontSize=8.5, leading=11
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=base["Normal"],
            fontName=bold,
            fontSize=8.5,
            leading=11,
            textColor=colors.white,
        ),
        "status": ParagraphStyle("status", parent=centred, fontName=bold),
    }


def certificate_pdf(accreditation: Accreditation, *, language: str | None = None) -> bytes:
    """The certificate of ``accreditation`` (from ``accreditation_by_code``) as PDF bytes,
    in ``language``, by default the auditor's."""
    with translation.override(language or language_of(accreditation.auditor.user)):
        return _certificate_pdf(accreditation)


def _certificate_pdf(accreditation: Accreditation) -> bytes:
    pdfkit.register_fonts()
    state = current_status(accreditation)
    holder = accreditation.auditor.user.full_name
    styles = _styles()
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
        initialFontName=pdfkit.REGULAR,
    )
    doc.build(
        [
            *_statement(accreditation, holder, state, styles),
            _scope_table(state, styles),
            Spacer(1, 8 * mm),
            _verification(accreditation, styles),
        ]
    )
    return buffer.getvalue()


def _statement(
    accreditation: Accreditation, holder: str, state: CurrentStatus, styles: Styles
) -> list[Flowable]:
    """Who is accredited for which standard through which firm, and the status today."""
    version = accreditation.standard_version
    status_style = ParagraphStyle(
        "status-today",
        parent=styles["status"],
        textColor=STATUS_COLOURS.get(state.status, colors.HexColor("#991b1b")),
    )
    centred = styles["centred"]
    return [
        Paragraph(pdfkit.markup(_("Accreditation certificate")), styles["title"]),
        Paragraph(pdfkit.markup(_("This certifies that")), centred),
        Paragraph(pdfkit.markup(holder), styles["name"]),
        Paragraph(
            pdfkit.markup(
                _("is accredited as an auditor for the %(standard)s (%(version)s)")
                % {"standard": version.standard.display_name, "version": version.version}
            ),
            centred,
        ),
        Paragraph(
            pdfkit.markup(_("through the audit firm %(firm)s") % {"firm": accreditation.firm.name}),
            centred,
        ),
        Spacer(1, 6 * mm),
        Paragraph(
            pdfkit.markup(
                _("Status on %(date)s: %(status)s")
                % {"date": _date(timezone.localdate()), "status": state.status_label}
            ),
            status_style,
        ),
        Spacer(1, 6 * mm),
    ]


def _scope_table(state: CurrentStatus, styles: Styles) -> Table:
    """One row per scope element: standard, sector, country, its status and dates."""
    small, heading = styles["small"], styles["heading"]
    headings = [_("Standard"), _("Sector"), _("Country"), _("Status"), _("Valid from"), _("Until")]
    rows = [[Paragraph(pdfkit.markup(text), heading) for text in headings]]
    for line in state.lines:
        element = line.element
        rows.append(
            [
                element.sector.standard.code,
                Paragraph(pdfkit.markup(element.sector.display_name), small),
                Paragraph(pdfkit.markup(element.country.name), small),
                Paragraph(pdfkit.markup(str(line.status_label)), small),
                Paragraph(pdfkit.markup(_date(element.valid_from)), small),
                Paragraph(pdfkit.markup(_date(element.valid_until)), small),
            ]
        )
    table = Table(
        rows, colWidths=[18 * mm, 40 * mm, 30 * mm, 28 * mm, 27 * mm, 27 * mm], repeatRows=1
    )
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), BRAND),
                ("FONTNAME", (0, 0), (-1, -1), pdfkit.REGULAR),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#cbd5e1")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _verification(accreditation: Accreditation, styles: Styles) -> Table:
    """The QR code next to the grant date, the code and the verification link."""
    url = pdfkit.verification_url(accreditation.code)
    facts = Paragraph(
        "<br/>".join(
            pdfkit.markup(text)
            for text in [
                _("Granted on %(date)s") % {"date": _date(accreditation.granted_at)},
                _("Certificate code: %(code)s") % {"code": accreditation.code},
                _("Check the current status at:"),
                url,
            ]
        ),
        styles["small"],
    )
    footer = Table([[pdfkit.qr_drawing(url, 30 * mm), facts]], colWidths=[36 * mm, 134 * mm])
    footer.setStyle(
        TableStyle(
            [("FONTNAME", (0, 0), (-1, -1), pdfkit.REGULAR), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        )
    )
    return footer
