"""The certificate of completion as a PDF (pure Python: reportlab), with a QR code that
points at the public verification page."""

from __future__ import annotations

import functools
import io
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from courses.models import Certificate

BRAND = colors.HexColor("#0b5563")
# DejaVu covers Latin, Greek and Cyrillic names (Helvetica only Latin-1); used if installed.
_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@functools.cache
def _fonts() -> tuple[str, str]:
    regular, bold = _DEJAVU / "DejaVuSans.ttf", _DEJAVU / "DejaVuSans-Bold.ttf"
    if regular.exists() and bold.exists():
        pdfmetrics.registerFont(TTFont("CertSans", str(regular)))
        pdfmetrics.registerFont(TTFont("CertSans-Bold", str(bold)))
        return "CertSans", "CertSans-Bold"
    return regular, "Helvetica-Bold"


def verification_url(certificate: Certificate) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "courses:verify", kwargs={"code": certificate.code}
    )


def _fitting_size(text: str, font: str, size: float, width: float) -> float:
    """The font size (at most ``size``) at which ``text`` fits in ``width``."""
    while size > 8 and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 1
    return size


def _qr_drawing(data: str, size: float) -> Drawing:
    widget = QrCodeWidget(data, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    width, height = x1 - x0, y1 - y0
    drawing = Drawing(size, size, transform=[size / width, 0, 0, size / height, 0, 0])
    drawing.add(widget)
    return drawing


def certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate as PDF bytes (rendered on request; nothing is stored)."""
    buffer = io.BytesIO()
    page_width, page_height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(page_width, page_height))
    pdf.setTitle(f"{_('Certificate of completion')} – {certificate.course_title}")
    pdf.setAuthor(settings.WAGTAIL_SITE_NAME)

    pdf.setStrokeColor(BRAND)
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, page_width - 24 * mm, page_height - 24 * mm)

    centre = page_width / 2
    regular, bold = _fonts()
    pdf.setFillColor(BRAND)
    pdf.setFont(bold, 30)
    pdf.drawCentredString(centre, page_height - 45 * mm, _("Certificate of completion"))
    pdf.setFillColor(colors.black)
    pdf.setFont(regular, 14)
    pdf.drawCentredString(centre, page_height - 65 * mm, _("This certifies that"))
    text_width = page_width - 50 * mm
    pdf.setFont(bold, _fitting_size(certificate.holder_name, bold, 24, text_width))
    pdf.drawCentredString(centre, page_height - 82 * mm, certificate.holder_name)
    pdf.setFont(regular, 14)
    pdf.drawCentredString(centre, page_height - 98 * mm, _("has completed the course"))
    pdf.setFont(bold, _fitting_size(certificate.course_title, bold, 18, text_width))
    pdf.drawCentredString(centre, page_height - 113 * mm, certificate.course_title)
    pdf.setFont(regular, 12)
    issued = formats.date_format(certificate.issued_on, "j F Y")
    pdf.drawCentredString(
        centre, page_height - 128 * mm, _("Completed on %(date)s") % {"date": issued}
    )

    url = verification_url(certificate)
    qr_size = 32 * mm
    renderPDF.draw(_qr_drawing(url, qr_size), pdf, 22 * mm, 22 * mm)
    pdf.setFont(regular, 9)
    pdf.drawString(58 * mm, 34 * mm, _("Verify this certificate:"))
    pdf.drawString(58 * mm, 29 * mm, url)
    pdf.drawString(58 * mm, 24 * mm, _("Code: %(code)s") % {"code": certificate.code})
    pdf.drawRightString(page_width - 22 * mm, 24 * mm, settings.WAGTAIL_SITE_NAME)

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
