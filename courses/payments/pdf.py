"""Invoice, receipt and credit-note PDFs (reportlab), drawn from the stored order, invoice and
refund rows, with the fonts of ``lms.pdf`` (names and addresses in any script print).

Each is written in the buyer's language (``lms.i18n.language_of``), whoever downloads it, with
its dates and amounts as that language writes them (``lms.formats``); the stored seller and
buyer details print as they were recorded."""

from __future__ import annotations

import io

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from courses.payments import conf
from courses.payments.models import Order, Refund, format_money
from lms import pdf as pdfkit
from lms.formats import local_date
from lms.i18n import language_of


def _text(
    pdf: canvas.Canvas,
    x: float,
    y: float,
    text: str,
    *,
    size: float = 10,
    bold: bool = False,
    align: pdfkit.Align = "left",
) -> None:
    font = pdfkit.BOLD if bold else pdfkit.REGULAR
    pdfkit.draw_text(pdf, x, y, text, font=font, size=size, align=align)


def _text_block(pdf: canvas.Canvas, x: float, y: float, text: str, size: int = 10) -> float:
    for row in text.splitlines():
        _text(pdf, x, y, row[:95], size=size)
        y -= size * 1.4
    return y


def _lines_table(pdf: canvas.Canvas, rows: list[dict], currency: str, total: tuple, y: float):
    """rows: description, quantity, unit_amount, amount; total: (label, amount)."""
    width = A4[0]
    _text(pdf, 20 * mm, y, _("Description"), bold=True)
    _text(pdf, 130 * mm, y, _("Quantity"), bold=True, align="right")
    _text(pdf, 160 * mm, y, _("Unit price"), bold=True, align="right")
    _text(pdf, width - 20 * mm, y, _("Amount"), bold=True, align="right")
    y -= 3 * mm
    pdf.line(20 * mm, y, width - 20 * mm, y)
    y -= 6 * mm
    for row in rows:
        _text(pdf, 20 * mm, y, str(row["description"])[:60])
        _text(pdf, 130 * mm, y, str(row["quantity"]), align="right")
        _text(pdf, 160 * mm, y, format_money(row["unit_amount"], currency), align="right")
        _text(pdf, width - 20 * mm, y, format_money(row["amount"], currency), align="right")
        y -= 6 * mm
    pdf.line(20 * mm, y + 3 * mm, width - 20 * mm, y + 3 * mm)
    _text(pdf, 120 * mm, y - 2 * mm, total[0], size=11, bold=True)
    _text(
        pdf,
        width - 20 * mm,
        y - 2 * mm,
        format_money(total[1], currency),
        size=11,
        bold=True,
        align="right",
    )
    return y - 12 * mm


def _order_rows(order: Order) -> list[dict]:
    return [
        {
            "description": line.description,
            "quantity": line.quantity,
            "unit_amount": line.unit_amount,
            "amount": line.amount,
        }
        for line in order.lines.all()
    ]


def _document(
    title: str,
    order: Order,
    header: list[tuple[str, str]],
    seller: str,
    buyer: str,
    footer: str,
    rows: list[dict] | None = None,
    total: tuple[str, int] | None = None,
    to_label: str = "",
) -> bytes:
    pdfkit.register_fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, initialFontName=pdfkit.REGULAR)
    pdf.setTitle(f"{title} {header[0][1]}")
    width, height = A4
    _text(pdf, 20 * mm, height - 25 * mm, title, size=18, bold=True)
    y = _text_block(pdf, 20 * mm, height - 35 * mm, seller, 9)
    y_right = height - 35 * mm
    for label, value in header:
        _text(pdf, 120 * mm, y_right, f"{label}:")
        _text(pdf, width - 20 * mm, y_right, value, align="right")
        y_right -= 5 * mm
    y = min(y, y_right) - 8 * mm
    _text(pdf, 20 * mm, y, to_label or _("Billed to"), bold=True)
    y = _text_block(pdf, 20 * mm, y - 5 * mm, buyer) - 8 * mm
    rows = _order_rows(order) if rows is None else rows
    y = _lines_table(pdf, rows, order.currency, total or (_("Total"), order.total), y)
    _text_block(pdf, 20 * mm, y, footer, 9)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def invoice_pdf(order: Order, *, language: str | None = None) -> bytes:
    """The invoice of ``order``, in ``language``, by default the buyer's."""
    with translation.override(language or language_of(order.buyer)):
        return _invoice_pdf(order)


def receipt_pdf(order: Order, *, language: str | None = None) -> bytes:
    """The receipt of a paid ``order``, in ``language``, by default the buyer's."""
    with translation.override(language or language_of(order.buyer)):
        return _receipt_pdf(order)


def credit_note_pdf(refund: Refund, *, language: str | None = None) -> bytes:
    """The credit note of one refund (what it covers, and the amount given back), in
    ``language``, by default the buyer's."""
    with translation.override(language or language_of(refund.order.buyer)):
        return _credit_note_pdf(refund)


def _invoice_pdf(order: Order) -> bytes:
    invoice = order.invoice
    header = [
        (_("Invoice number"), invoice.number),
        (_("Order"), order.number),
        (_("Issued on"), local_date(invoice.issued_on)),
        (_("Due on"), local_date(invoice.due_on)),
        (_("Currency"), order.currency),
    ]
    footer = _("Payment reference: %(number)s") % {"number": invoice.number}
    footer += "\n" + conf.bank_details()
    return _document(
        _("Invoice"), order, header, invoice.seller_details, invoice.buyer_details, footer
    )


def _receipt_pdf(order: Order) -> bytes:
    header = [
        (_("Receipt for order"), order.number),
        (_("Paid on"), local_date(order.paid_at) or "-"),
        (_("Paid by"), order.get_method_display()),
        (_("Currency"), order.currency),
    ]
    if hasattr(order, "invoice"):
        header.append((_("Invoice"), order.invoice.number))
    if order.payment_reference:
        header.append((_("Payment reference"), order.payment_reference[:40]))
    buyer = "\n".join(
        p for p in (order.billing_name, order.billing_address, order.buyer.email) if p
    )
    footer = _("Received with thanks.")
    if order.amount_refunded:
        footer += "\n" + _("Refunded: %(amount)s") % {
            "amount": format_money(order.amount_refunded, order.currency)
        }
    return _document(_("Receipt"), order, header, conf.seller_details(), buyer, footer)


def _credit_note_pdf(refund: Refund) -> bytes:
    order = refund.order
    header = [
        (_("Credit note"), refund.number or "-"),
        (_("Order"), order.number),
        (_("Issued on"), local_date(refund.issued_on or refund.created_at)),
        (_("Currency"), order.currency),
    ]
    if hasattr(order, "invoice"):
        header.append((_("Credits invoice"), order.invoice.number))
    buyer = "\n".join(
        p for p in (order.billing_name, order.billing_address, order.buyer.email) if p
    )
    footer = _("Refund method: %(method)s.") % {"method": refund.get_method_display()}
    if refund.reference:
        footer += "\n" + _("Reference: %(reference)s") % {"reference": refund.reference[:60]}
    return _document(
        _("Credit note"),
        order,
        header,
        conf.seller_details(),
        buyer,
        footer,
        rows=refund.lines,
        total=(_("Refunded"), refund.amount),
        to_label=_("Credited to"),
    )
