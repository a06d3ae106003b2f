"""Invoices print the seller and bank details the deployment sets in its environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from reportlab import rl_config

from courses.payments import conf
from courses.payments.models import Order
from tests.payments.factories import BILLING

ROOT = Path(__file__).resolve().parents[2]
SELLER = "Example Standards Body e.V.\nHauptstrasse 1\n10115 Berlin, Germany"
BANK = "Bank: Example Bank - IBAN: DE00 1234 5678 9012 3456 78\nQuote the invoice number."


def _settings_in_a_fresh_process(env: dict[str, str]) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.PAYMENTS_SELLER_DETAILS, settings.PAYMENTS_BANK_DETAILS]))"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PAYMENTS_SELLER_DETAILS", "PAYMENTS_BANK_DETAILS"}
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "lms.settings.test", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    seller, bank = json.loads(result.stdout.strip().splitlines()[-1])
    return {"seller": seller, "bank": bank}


def test_seller_and_bank_details_are_read_from_the_environment_with_bar_separated_lines():
    values = _settings_in_a_fresh_process(
        {
            "PAYMENTS_SELLER_DETAILS": "Example Standards Body e.V. | Hauptstrasse 1 |"
            " 10115 Berlin, Germany",
            "PAYMENTS_BANK_DETAILS": "Bank: Example Bank - IBAN: DE00 1234 5678 9012 3456 78"
            "|Quote the invoice number.",
        }
    )
    assert values == {"seller": SELLER, "bank": BANK}


def test_without_the_environment_variables_invoices_fall_back_to_the_placeholders(settings):
    settings.PAYMENTS_SELLER_DETAILS = ""
    settings.PAYMENTS_BANK_DETAILS = ""
    assert conf.seller_details() == conf.DEFAULT_SELLER
    assert conf.bank_details() == conf.DEFAULT_BANK_DETAILS


@pytest.mark.django_db
def test_an_invoice_pdf_prints_the_configured_seller_and_bank_lines(
    settings, monkeypatch, no_stripe, buyer_client, course_item, django_capture_on_commit_callbacks
):
    settings.PAYMENTS_SELLER_DETAILS = SELLER
    settings.PAYMENTS_BANK_DETAILS = BANK
    with django_capture_on_commit_callbacks(execute=True):
        buyer_client.post(
            f"/payments/buy/course/{course_item.course.slug}/",
            {**BILLING, "method": "invoice", "currency": "EUR"},
        )
    order = Order.objects.get()
    assert order.invoice.seller_details == SELLER

    monkeypatch.setattr(rl_config, "pageCompression", 0)  # page text readable as written
    response = buyer_client.get(f"/payments/orders/{order.public_id}/invoice.pdf")

    assert response.status_code == 200
    text = response.content.decode("latin-1")
    for line in (*SELLER.splitlines(), *BANK.splitlines()):
        assert f"({line}) Tj" in text, line
    assert "Example Street" not in text and "XX00 0000" not in text
