"""Steps the journeys share: signing up, signing in, staff signing in with their
authenticator code, and Stripe's hosted payment page faked at its boundary.

Each step checks the pages it passes through (``tests.e2e.axe.check_page``); the page a
step ends on is checked by the step or, where it says so, by the caller.
"""

from __future__ import annotations

import json
import re
import urllib.request

from django.core import mail

from tests.e2e.axe import check_page

DEFAULT_PASSWORD = "password123!"


def sign_in(page, email: str, password: str = DEFAULT_PASSWORD) -> None:
    """Signs in through the allauth form (checked) and waits until the browser has left it;
    the page it lands on is the caller's to check."""
    page.goto("/accounts/login/")
    check_page(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def sign_up(page, *, full_name: str, email: str, password: str) -> None:
    """From the home page: "Create account", the form, the e-mail's confirmation link."""
    page.goto("/")
    check_page(page)
    page.get_by_role("link", name="Create account").click()
    page.get_by_role("button", name="Sign Up").wait_for()
    check_page(page)
    page.get_by_label("Full name").fill(full_name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password (again)").fill(password)
    page.get_by_label("I accept the terms of use and the privacy notice").check()
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()
    check_page(page)

    message = [m for m in mail.outbox if email in m.to][-1]
    link = re.search(r"https?://[^/]+(/accounts/confirm-email/\S+)", message.body).group(1)
    page.goto(link)
    check_page(page)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_text(full_name.split()[0]).first.wait_for()
    check_page(page)


def totp_code(secret: str) -> str:
    from tests.conftest import totp_code as code_of

    return code_of(secret)


def staff_sign_in(page, staff, *, password: str = DEFAULT_PASSWORD) -> None:
    """Secretariat staff reach the admin with a password and their authenticator code
    (TOTP activated on ``staff`` with ``tests.conftest.TEST_TOTP_SECRET``)."""
    from tests.conftest import TEST_TOTP_SECRET

    page.goto("/admin/")
    check_page(page)
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_label("Code").wait_for()
    check_page(page)
    page.get_by_label("Code").fill(totp_code(TEST_TOTP_SECRET))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/admin/")
    check_page(page)


# --- Stripe, faked at its boundary ------------------------------------------------------

STRIPE_CHECKOUT = "https://checkout.stripe.com/**"


def fake_stripe_checkout(page) -> None:
    """Answers the browser's visit to Stripe's hosted payment page with a stand-in page
    (the browser never leaves the machine). The site's side of Checkout, the API calls
    and the webhook, goes through ``tests.payments.fake_stripe`` and ``pay_by_webhook``."""

    def answer(route):
        route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            body=(
                "<!doctype html><html lang='en'><head><title>Stripe Checkout (test double)"
                "</title></head><body><main><h1>Stripe Checkout (test double)</h1>"
                "</main></body></html>"
            ),
        )

    page.route(STRIPE_CHECKOUT, answer)


def pay_by_webhook(live_server_url: str, order) -> dict:
    """What Stripe does once the card is paid: a signed ``checkout.session.completed``
    event for the order's session, posted to the site's webhook. Returns the answer."""
    from tests.payments import stripe_events

    order.refresh_from_db()
    event = stripe_events.event("checkout.session.completed", stripe_events.session_object(order))
    body = json.dumps(event).encode()
    request = urllib.request.Request(
        f"{live_server_url}/payments/stripe/webhook/",
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": stripe_events.sign(body),
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())
