"""The one error type of the services: a request the rules refuse.

Every app's own base error (``courses.payments.services.PaymentError``, ...) subclasses
``ServiceError``, so views and the API present any refusal one way: the ``message`` is
written for the person who asked, already translated, and safe to show as it is.
Anything that is not a ``ServiceError`` is a bug or an outage, not a refusal.
"""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal by the rules, with a user-facing ``message`` (already translated)."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = str(message)

    def __str__(self) -> str:
        return self.message


def show_refusal(request, error: ServiceError, *, form=None) -> None:
    """Present a refusal the one way views do: on the form that was sent (a non-field
    error, so the page re-renders with the person's input kept) or, with no form, as an
    error message on the next page."""
    if form is not None:
        form.add_error(None, error.message)
    else:
        from django.contrib import messages

        messages.error(request, error.message)
