"""Login limits per account and per client address, the address taken through trusted
proxies: one attacker cannot lock other people out."""

import re

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse

from lms.ratelimit import client_ip
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "password123!"
LIMITED = "Too many failed login attempts."


def attempt(client: Client, email: str, password: str, **environ) -> str:
    response = client.post(
        reverse("account_login"), {"login": email, "password": password}, **environ
    )
    return response.content.decode() if response.status_code == 200 else ""


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- The client address -----------------------------------------------------------------


def request_from(remote: str, forwarded: str | None = None):
    environ = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        environ["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **environ)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("198.51.100.7", "203.0.113.9")) == "198.51.100.7"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "203.0.113.9", "203.0.113.9"),
        # the client wrote the left-most entries itself: never believed
        (1, "1.1.1.1, 203.0.113.9", "203.0.113.9"),
        (1, "1.1.1.1, 2.2.2.2,203.0.113.9", "203.0.113.9"),
        (2, "1.1.1.1, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        # fewer entries than proxies: every entry was written by one of ours
        (2, "203.0.113.9", "203.0.113.9"),
        (1, "[2001:db8::1]:4711", "2001:db8::1"),
        (1, "203.0.113.9:4711", "203.0.113.9"),
    ],
)
def test_behind_trusted_proxies_the_client_is_the_entry_the_outer_proxy_wrote(
    settings, count, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(request_from("10.0.0.1", forwarded)) == expected


@pytest.mark.parametrize("forwarded", ["", "not-an-address", "1.1.1.1, <script>"])
def test_a_missing_or_garbled_forwarded_entry_falls_back_to_the_peer_address(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from("10.0.0.1", forwarded)) == "10.0.0.1"


# --- One attacker cannot lock others out ------------------------------------------------


def test_failed_logins_on_one_account_never_lock_out_another_account_from_that_address():
    UserFactory(email="target@example.org")
    UserFactory(email="bystander@example.org")
    attacker = Client()
    pages = [attempt(attacker, "target@example.org", f"guess-{i}") for i in range(30)]
    assert LIMITED in pages[-1]

    bystander = Client()  # same address (127.0.0.1), never signed in here before
    attempt(bystander, "bystander@example.org", PASSWORD)
    assert signed_in(bystander)


def test_behind_the_proxy_an_attacker_does_not_lock_the_owner_out_of_the_attacked_account(
    settings,
):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(email="target@example.org")
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    attacker = Client()
    for i in range(10):
        page = attempt(
            attacker,
            "target@example.org",
            f"guess-{i}",
            HTTP_X_FORWARDED_FOR="203.0.113.5",
            **proxy,
        )
    assert LIMITED in page

    owner = Client()
    attempt(owner, "target@example.org", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    assert signed_in(owner)


def test_a_forged_forwarded_header_does_not_escape_the_limit(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(email="target@example.org")
    attacker = Client()
    pages = [
        attempt(
            attacker,
            "target@example.org",
            f"guess-{i}",
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 203.0.113.5",
        )
        for i in range(6)
    ]
    assert LIMITED not in pages[4]
    assert LIMITED in pages[5]


def test_a_limited_login_refuses_even_the_right_password_and_says_how_long_to_wait():
    UserFactory(email="target@example.org")
    client = Client()
    for i in range(5):
        attempt(client, "target@example.org", f"guess-{i}")
    page = attempt(client, "target@example.org", PASSWORD)
    assert "Too many failed login attempts. Try again in 5 minutes." in page
    assert not signed_in(client)
    # The page offers the way out that does not wait: a password reset.
    assert "Forgotten your password? You need not wait:" in page
    assert f'<a href="{reverse("account_reset_password")}">reset your password</a>' in page


def test_guessing_one_account_from_many_addresses_is_limited_per_account(settings):
    UserFactory(email="target@example.org")
    attacker = Client()
    for i in range(40):
        attempt(attacker, "target@example.org", f"guess-{i}", REMOTE_ADDR=f"192.0.2.{i + 1}")

    fresh_address = Client()
    page = attempt(fresh_address, "target@example.org", PASSWORD, REMOTE_ADDR="192.0.2.200")
    assert LIMITED in page
    assert not signed_in(fresh_address)


def test_one_address_alone_cannot_reach_the_per_account_limit(settings):
    UserFactory(email="target@example.org")
    rates = settings.ACCOUNT_RATE_LIMITS
    per_address_and_account = max(int(r.split("/")[0]) for r in rates["login_failed"].split(","))
    per_account = int(rates["login_failed_account"].split("/")[0])
    assert per_address_and_account < per_account


def test_the_owners_own_browser_still_gets_in_while_the_account_is_under_attack():
    UserFactory(email="target@example.org")
    owner = Client()
    attempt(owner, "target@example.org", PASSWORD)
    assert signed_in(owner)
    owner.post(reverse("account_logout"))

    attacker = Client()
    for i in range(40):
        attempt(attacker, "target@example.org", f"guess-{i}", REMOTE_ADDR=f"192.0.2.{i + 1}")
    assert LIMITED in attempt(Client(), "target@example.org", PASSWORD, REMOTE_ADDR="192.0.2.99")

    attempt(owner, "target@example.org", PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert signed_in(owner)


def test_password_spraying_from_one_address_is_limited_but_known_browsers_still_get_in():
    UserFactory(email="bystander@example.org")
    known = Client()
    attempt(known, "bystander@example.org", PASSWORD)
    known.post(reverse("account_logout"))
    for n in range(12):
        UserFactory(email=f"sprayed{n}@example.org")

    attacker = Client()
    for n in range(12):
        for i in range(5):
            attempt(attacker, f"sprayed{n}@example.org", f"guess-{i}")
    assert LIMITED in attempt(attacker, "fresh@example.org", "guess")

    newcomer = Client()
    assert LIMITED in attempt(newcomer, "bystander@example.org", PASSWORD)
    attempt(known, "bystander@example.org", PASSWORD)
    assert signed_in(known)


def test_a_forged_known_device_cookie_counts_for_nothing():
    UserFactory(email="target@example.org")
    for i in range(40):
        attempt(Client(), "target@example.org", f"guess-{i}", REMOTE_ADDR=f"192.0.2.{i + 1}")
    forger = Client()
    forger.cookies["lms_known_device"] = "forged"
    assert LIMITED in attempt(forger, "target@example.org", PASSWORD, REMOTE_ADDR="192.0.2.99")


def test_a_correct_password_is_not_counted_as_a_failure():
    UserFactory(email="person@example.org")
    client = Client()
    for _ in range(8):
        attempt(client, "person@example.org", PASSWORD)
        assert signed_in(client)
        client.post(reverse("account_logout"))


def test_a_password_reset_lifts_the_accounts_limit():
    UserFactory(email="target@example.org")
    client = Client()
    for i in range(5):
        attempt(client, "target@example.org", f"guess-{i}")
    assert LIMITED in attempt(client, "target@example.org", PASSWORD)

    client.post(reverse("account_reset_password"), {"email": "target@example.org"})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[-1].body)
    form_url = client.get(link.group(1), follow=True).redirect_chain[-1][0]
    new = "a-brand-new-pass-phrase"
    client.post(form_url, {"password1": new, "password2": new})

    attempt(client, "target@example.org", new)
    assert signed_in(client)
