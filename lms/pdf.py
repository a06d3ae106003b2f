"""What every PDF of the site is drawn with: fonts, text chosen by script, QR codes, and the
public verification link of a certificate code.

Certificates of completion, accreditation certificates, invoices, receipts and credit notes
are drawn with reportlab through these helpers, so that:

- they render on a machine with no system fonts, and read the same in every PDF reader:
  every font is embedded, subset, in each PDF (no standard-14 font, no CID font left for the
  reader to supply). Fira Sans (Latin with its extensions, Greek and Cyrillic, regular and
  bold) comes from the ``fontpkg-fira-sans`` package (SIL Open Font Licence);
- names and translated labels in Chinese print: characters Fira Sans has no glyph for are
  drawn, one run at a time, with WenQuanYi Micro Hei (TrueType, Apache 2.0), shipped subset
  to the Chinese ideographs and punctuation in ``lms/fonts/`` (its README says how it was
  made); it has no bold, so bold Chinese text is drawn in its one weight;
- both kinds of certificate point their QR code at the same public verification page.

Text goes through :func:`draw_text` on a canvas, or :func:`markup` inside a platypus
``Paragraph``; set ``fontName`` of styles and tables to :data:`REGULAR` or :data:`BOLD`
after :func:`register_fonts`.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal
from xml.sax.saxutils import escape

import fontpkg
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FAMILY = "Fira Sans"
REGULAR = "LmsSans"
BOLD = "LmsSans-Bold"
CJK = "LmsHan"
CJK_FILE = Path(__file__).resolve().parent / "fonts" / "WenQuanYiMicroHei-subset.ttf"
Align = Literal["left", "centre", "right"]


@functools.cache
def register_fonts() -> None:
    """Registers the site's fonts with reportlab (once per process; later calls do nothing).

    Raises ``fontpkg.FamilyNotInstalled`` if the font package is missing, and reportlab's
    ``TTFError`` if ``lms/fonts/`` lacks its file: a PDF without its fonts is not drawn with a
    substitute.
    """
    pdfmetrics.registerFont(TTFont(REGULAR, str(fontpkg.path(FAMILY, weight=400))))
    pdfmetrics.registerFont(TTFont(BOLD, str(fontpkg.path(FAMILY, weight=700))))
    pdfmetrics.registerFontFamily(
        REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD
    )
    pdfmetrics.registerFont(TTFont(CJK, str(CJK_FILE)))
    pdfmetrics.registerFontFamily(CJK, normal=CJK, bold=CJK, italic=CJK, boldItalic=CJK)


def _has_glyph(font: str, char: str) -> bool:
    return ord(char) in pdfmetrics.getFont(font).face.charToGlyph


def runs(text: str, font: str = REGULAR) -> list[tuple[str, str]]:
    """``text`` cut into ``(font name, text)`` runs: ``font`` where it has the glyph,
    :data:`CJK` where only that has it (Chinese characters and punctuation). A character
    neither has (Korean, Arabic, ...) stays in ``font``: it prints as an empty box, and its
    text stays in the PDF.

    Spaces stay in the run they follow, so a name like "Zoë 王小明" is two runs, not three.
    """
    register_fonts()
    pieces: list[tuple[str, str]] = []
    for char in text:
        if pieces and char.isspace():
            name = pieces[-1][0]
        elif _has_glyph(font, char) or not _has_glyph(CJK, char):
            name = font
        else:
            name = CJK
        if pieces and pieces[-1][0] == name:
            pieces[-1] = (name, pieces[-1][1] + char)
        else:
            pieces.append((name, char))
    return pieces


def string_width(text: str, font: str, size: float) -> float:
    """The width of ``text`` drawn by :func:`draw_text` in ``font`` at ``size`` points."""
    return sum(pdfmetrics.stringWidth(part, name, size) for name, part in runs(text, font))


def fitting_size(text: str, *, font: str, size: float, width: float, smallest: float = 8) -> float:
    """The font size (at most ``size``, at least ``smallest``) at which ``text`` fits in
    ``width`` points."""
    while size > smallest and string_width(text, font, size) > width:
        size -= 1
    return size


def draw_text(
    pdf: Canvas,
    x: float,
    y: float,
    text: str,
    *,
    font: str = REGULAR,
    size: float = 10,
    align: Align = "left",
) -> None:
    """Draws one line of ``text`` on ``pdf`` with its baseline at ``y``, starting at ``x``
    (``align="left"``), centred on it or ending at it, each run in the font for its script.

    The fill colour is the canvas's; the font is left set to the last run's.
    """
    width = string_width(text, font, size)
    if align == "centre":
        x -= width / 2
    elif align == "right":
        x -= width
    for name, part in runs(text, font):
        pdf.setFont(name, size)
        pdf.drawString(x, y, part)
        x += pdfmetrics.stringWidth(part, name, size)


def markup(text: str) -> str:
    """``text`` as platypus ``Paragraph`` markup: escaped, with the runs the style's font
    (:data:`REGULAR` or :data:`BOLD`) cannot draw wrapped in :data:`CJK`."""
    return "".join(
        escape(part) if name != CJK else f'<font name="{CJK}">{escape(part)}</font>'
        for name, part in runs(text, REGULAR)
    )


def qr_drawing(data: str, size: float) -> Drawing:
    """A square QR code of ``data`` (error correction level M), ``size`` points wide, for a
    platypus story or :func:`draw_qr`."""
    register_fonts()
    widget = QrCodeWidget(data, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    # The drawing has no text, but reportlab would select Helvetica for it; keep PDFs free
    # of fonts that are not embedded.
    drawing.initialFontName = REGULAR
    drawing.add(widget)
    return drawing


def draw_qr(pdf: Canvas, data: str, *, x: float, y: float, size: float) -> None:
    """Draws the QR code of ``data`` on ``pdf`` with its lower left corner at ``x``, ``y``."""
    renderPDF.draw(qr_drawing(data, size), pdf, x, y)


def verification_url(code: str) -> str:
    """The absolute address of the public page that verifies the certificate ``code``.

    Certificates of completion and accreditation certificates share one page
    (``/verify/<code>/``), which asks each kind whether the code is one of its own. The
    address is the same whatever language the PDF is written in (the unprefixed page,
    which offers the others): it is printed and encoded in QR codes, and read by anyone.
    """
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("courses:verify", kwargs={"code": code})
    return settings.SITE_URL.rstrip("/") + path
