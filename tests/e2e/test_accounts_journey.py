import re

import pytest
from django.core import mail

from tests.e2e.axe import assert_every_page_checked, check_page, watch_errors
from tests.e2e.conftest import screenshot
from tests.e2e.steps import totp_code

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_newcomer_signs_up_verifies_the_address_and_signs_in(page, live_server):
    watch_errors(page)
    page.goto("/")
    check_page(page)
    page.get_by_role("link", name="Create account").click()
    page.get_by_role("button", name="Sign Up").wait_for()
    check_page(page)
    page.get_by_label("Full name").fill("Noor Newcomer")
    page.get_by_label("Email").fill("noor@example.org")
    page.get_by_label("Password", exact=True).fill("a-long-pass-phrase")
    page.get_by_label("Password (again)").fill("a-long-pass-phrase-typo")
    page.get_by_label("I accept the terms of use and the privacy notice").check()
    page.get_by_role("button", name="Sign Up").click()
    # Bad input: a clear message next to the field, and what was typed is still there.
    page.get_by_text("You must type the same password each time.").wait_for()
    assert page.get_by_label("Full name").input_value() == "Noor Newcomer"
    assert page.get_by_label("Email").input_value() == "noor@example.org"
    assert page.get_by_label("I accept the terms of use and the privacy notice").is_checked()
    check_page(page)
    screenshot(page, "signup-error")

    page.get_by_label("Password", exact=True).fill("a-long-pass-phrase")
    page.get_by_label("Password (again)").fill("a-long-pass-phrase")
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()
    check_page(page)

    link = re.search(r"https?://[^/]+(/accounts/confirm-email/\S+)", mail.outbox[-1].body).group(1)
    page.goto(link)
    check_page(page)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_text("Noor").first.wait_for()
    check_page(page)
    screenshot(page, "home-signed-in")
    assert_every_page_checked(page, site=live_server.url)


def test_secretariat_staff_sign_in_with_their_authenticator_code_and_reach_the_admin(
    page, live_server
):
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.conftest import TEST_TOTP_SECRET
    from tests.factories import SecretariatFactory

    staff = SecretariatFactory(email="sam@example.org", full_name="Sam Secretariat")
    TOTP.activate(staff, TEST_TOTP_SECRET)

    watch_errors(page)
    page.goto("/admin/")
    check_page(page)
    page.get_by_label("Email").fill("sam@example.org")
    page.get_by_label("Password").fill("password123!")
    page.get_by_role("button", name="Sign In").click()
    page.get_by_label("Code").wait_for()
    check_page(page)
    screenshot(page, "staff-mfa-code")
    # The code is made just before it is sent: one made before the page's checks (seconds
    # under load) could belong to the 30-second window that has just ended.
    page.get_by_label("Code").fill(totp_code(TEST_TOTP_SECRET))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/admin/")
    page.get_by_text("Sam").first.wait_for()
    check_page(page)
    screenshot(page, "admin-dashboard")
    assert_every_page_checked(page, site=live_server.url)
