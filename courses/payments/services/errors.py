"""The refusals of the payments services: each a ``lms.errors.ServiceError`` whose message
is written for the person and shown as it is."""

from __future__ import annotations

from courses.payments.models import Refund
from lms.errors import ServiceError


class PaymentError(ServiceError):
    """A request the rules refuse; the message is safe to show to the person."""


class InvalidTransition(PaymentError):
    """A status move the transitions map does not allow."""


class RefundFailed(PaymentError):
    """A card refund did not go through: Stripe refused it (the refund is recorded as
    failed) or could not be reached (it stays in progress, its outcome unknown). Either
    way the order is as it was, and staff may retry it with ``refund_retry``."""

    def __init__(self, message: str, *, refund: Refund) -> None:
        super().__init__(message)
        self.refund = refund
