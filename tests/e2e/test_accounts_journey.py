import re

import pytest
from django.core import mail

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_newcomer_signs_up_verifies_the_address_and_signs_in(page):
    page.goto("/")
    page.get_by_role("link", name="Create account").click()
    page.get_by_label("Full name").fill("Noor Newcomer")
    page.get_by_label("Email").fill("noor@example.org")
    page.get_by_label("Password", exact=True).fill("a-long-pass-phrase")
    page.get_by_label("Password (again)").fill("a-long-pass-phrase-typo")
    page.get_by_role("button", name="Sign Up").click()
    # Bad input: a clear message next to the field, and what was typed is still there.
    page.get_by_text("You must type the same password each time.").wait_for()
    assert page.get_by_label("Full name").input_value() == "Noor Newcomer"
    assert page.get_by_label("Email").input_value() == "noor@example.org"
    screenshot(page, "signup-error")

    page.get_by_label("Password", exact=True).fill("a-long-pass-phrase")
    page.get_by_label("Password (again)").fill("a-long-pass-phrase")
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()

    link = re.search(r"https?://[^/]+(/accounts/confirm-email/\S+)", mail.outbox[-1].body).group(1)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_text("Noor").first.wait_for()
    screenshot(page, "home-signed-in")
