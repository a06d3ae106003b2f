"""Payment settings read in one place (defaults for the embedded, key-less site)."""

from __future__ import annotations

from django.conf import settings

DEFAULT_SELLER = (
    "Aluminium Stewardship Initiative Ltd\n"
    "Level 1, 99 Example Street\n"
    "Melbourne VIC 3000, Australia"
)
DEFAULT_BANK_DETAILS = (
    "Bank: Example Bank — IBAN: XX00 0000 0000 0000 0000 00 — BIC: EXAMPLEXXX\n"
    "Please quote the invoice number as the payment reference."
)


def stripe_enabled() -> bool:
    """Card payments need both the secret key and the webhook secret."""
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)


def seller_details() -> str:
    """The seller's lines on invoices (setting ``PAYMENTS_SELLER_DETAILS``; empty: placeholder)."""
    return getattr(settings, "PAYMENTS_SELLER_DETAILS", "") or DEFAULT_SELLER


def bank_details() -> str:
    """The bank lines on invoices (setting ``PAYMENTS_BANK_DETAILS``; empty: placeholder)."""
    return getattr(settings, "PAYMENTS_BANK_DETAILS", "") or DEFAULT_BANK_DETAILS


def invoice_due_days() -> int:
    return int(getattr(settings, "PAYMENTS_INVOICE_DUE_DAYS", 30))


def default_currency() -> str:
    return getattr(settings, "PAYMENTS_DEFAULT_CURRENCY", "EUR")


def max_quantity() -> int:
    return int(getattr(settings, "PAYMENTS_MAX_QUANTITY", 50))
