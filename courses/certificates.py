"""The certificate of completion as a PDF (pure Python: reportlab), with a QR code that
points at the public verification page. Fonts, text by script, the QR code and the
verification link come from ``lms.pdf``. It is written in the holder's language
(``lms.i18n.language_of``), whoever downloads it."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from courses.models import Certificate
from lms import pdf as pdfkit
from lms.formats import local_date
from lms.i18n import language_of

BRAND = colors.HexColor("#0b5563")


def verification_url(certificate: Certificate) -> str:
    """The absolute link to the public page that verifies ``certificate``."""
    return pdfkit.verification_url(certificate.code)


def holder_language(certificate: Certificate) -> str:
    """The language the certificate is written in: its holder's (English for a certificate
    not tied to a completion)."""
    if certificate.completion_id is None:
        return language_of(None)
    return language_of(certificate.completion.user)


def certificate_pdf(certificate: Certificate, *, language: str | None = None) -> bytes:
    """The certificate as PDF bytes (rendered on request; nothing is stored), in
    ``language``, by default the holder's."""
    with translation.override(language or holder_language(certificate)):
        return _certificate_pdf(certificate)


def _certificate_pdf(certificate: Certificate) -> bytes:
    pdfkit.register_fonts()
    buffer = io.BytesIO()
    page_width, page_height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(page_width, page_height), initialFontName=pdfkit.REGULAR)
    pdf.setTitle(f"{_('Certificate of completion')} – {certificate.localized_course_title}")
    pdf.setAuthor(settings.WAGTAIL_SITE_NAME)
    _draw_frame(pdf, page_width, page_height)
    _draw_statement(pdf, certificate, page_width, page_height)
    _draw_verification(pdf, certificate, page_width)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _draw_frame(pdf: canvas.Canvas, page_width: float, page_height: float) -> None:
    pdf.setStrokeColor(BRAND)
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, page_width - 24 * mm, page_height - 24 * mm)


def _draw_statement(
    pdf: canvas.Canvas, certificate: Certificate, page_width: float, page_height: float
) -> None:
    """Title, holder, course and date, centred."""
    centre = page_width / 2
    text_width = page_width - 50 * mm
    regular, bold = pdfkit.REGULAR, pdfkit.BOLD

    def line(text: str, from_top: float, *, font: str, size: float, fit: bool = False) -> None:
        if fit:
            size = pdfkit.fitting_size(text, font=font, size=size, width=text_width)
        pdfkit.draw_text(
            pdf, centre, page_height - from_top, text, font=font, size=size, align="centre"
        )

    pdf.setFillColor(BRAND)
    line(_("Certificate of completion"), 45 * mm, font=bold, size=30)
    pdf.setFillColor(colors.black)
    line(_("This certifies that"), 65 * mm, font=regular, size=14)
    line(certificate.holder_name, 82 * mm, font=bold, size=24, fit=True)
    line(_("has completed the course"), 98 * mm, font=regular, size=14)
    line(certificate.localized_course_title, 113 * mm, font=bold, size=18, fit=True)
    issued = local_date(certificate.issued_on)
    line(_("Completed on %(date)s") % {"date": issued}, 128 * mm, font=regular, size=12)


def _draw_verification(pdf: canvas.Canvas, certificate: Certificate, page_width: float) -> None:
    """The QR code and the link to the verification page, bottom left; the site, right."""
    url = verification_url(certificate)
    pdfkit.draw_qr(pdf, url, x=22 * mm, y=22 * mm, size=32 * mm)
    for text, y in (
        (_("Verify this certificate:"), 34 * mm),
        (url, 29 * mm),
        (_("Code: %(code)s") % {"code": certificate.code}, 24 * mm),
    ):
        pdfkit.draw_text(pdf, 58 * mm, y, text, size=9)
    pdfkit.draw_text(
        pdf, page_width - 22 * mm, 24 * mm, settings.WAGTAIL_SITE_NAME, size=9, align="right"
    )
