"""Writes of the payments app, one module per part of the domain:

``orders``
    placing an order (``order_create``; a firm fee with ``firm_fee_checkout``), its
    payment (``payment_apply``, ``order_mark_paid``) and its end unpaid
    (``order_release_unpaid``, ``order_cancel``); every status move is one
    ``order_move`` with its dated ``OrderStatusChange`` row.
``invoices``
    invoices and the gap-free numbering of invoices and credit notes.
``refunds``
    refunds by staff (``order_refund``, ``refund_retry``) and seen from Stripe
    (``refund_apply``, ``refund_partial_record``).
``vouchers``
    giving a firm's paid exam sittings to its auditors (``voucher_assign``) and taking
    an unused one back (``voucher_take_back``).
``errors``
    ``PaymentError`` (a ``lms.errors.ServiceError``) and its kinds.

Stripe is never called inside a database transaction, and every mutation that matters
writes one audit entry (``payments.*``, registered in ``courses/payments/wagtail_hooks.py``)
through ``lms.audit.record``. Callers outside the package use the names listed here.
"""

from courses.payments.services.errors import InvalidTransition, PaymentError, RefundFailed
from courses.payments.services.invoices import invoice_issue
from courses.payments.services.orders import (
    LineRequest,
    firm_fee_checkout,
    order_cancel,
    order_create,
    order_mark_paid,
    order_release_unpaid,
    payment_apply,
)
from courses.payments.services.refunds import (
    RefundResult,
    order_refund,
    refund_apply,
    refund_partial_record,
    refund_retry,
)
from courses.payments.services.vouchers import voucher_assign, voucher_take_back

__all__ = [
    "InvalidTransition",
    "LineRequest",
    "PaymentError",
    "RefundFailed",
    "RefundResult",
    "firm_fee_checkout",
    "invoice_issue",
    "order_cancel",
    "order_create",
    "order_mark_paid",
    "order_refund",
    "order_release_unpaid",
    "payment_apply",
    "refund_apply",
    "refund_partial_record",
    "refund_retry",
    "voucher_assign",
    "voucher_take_back",
]
