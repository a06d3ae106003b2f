"""Sign-up, verification, login, password reset and rate limits through allauth."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from lms.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "full_name": "  Noor   Newcomer ",
    "email": "noor@example.org",
    "preferred_language": "fr",
    "password1": "a-long-pass-phrase",
    "password2": "a-long-pass-phrase",
    "accept_policies": "on",
}


def confirmation_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", message.body).group(1)


def test_sign_up_stores_name_and_language_and_requires_email_verification(client):
    response = client.post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="noor@example.org")
    assert user.full_name == "Noor Newcomer"
    assert user.preferred_language == "fr"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    # Not signed in until the address is verified.
    assert "_auth_user_id" not in client.session


def test_login_is_refused_until_the_address_is_verified_then_works(client):
    client.post(reverse("account_signup"), SIGNUP)
    link = confirmation_path(mail.outbox[0])

    response = client.post(
        reverse("account_login"), {"login": "noor@example.org", "password": "a-long-pass-phrase"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    client.post(link)
    assert EmailAddress.objects.get(email="noor@example.org").verified
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "noor@example.org", "password": "a-long-pass-phrase"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email="noor@example.org").pk)


def test_sign_up_with_a_bad_form_keeps_what_was_typed_and_says_what_is_wrong(client):
    data = {**SIGNUP, "password2": "something-else-entirely"}
    response = client.post(reverse("account_signup"), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "You must type the same password each time." in html
    assert 'value="noor@example.org"' in html
    assert 'value="  Noor   Newcomer "' in html or 'value="Noor   Newcomer"' in html
    assert not User.objects.filter(email="noor@example.org").exists()


def test_sign_up_with_a_known_address_gives_the_same_answer_as_a_new_one(client):
    UserFactory(email="known@example.org")
    new = client.post(reverse("account_signup"), {**SIGNUP, "email": "fresh@example.org"})
    client.logout()
    known = client.post(reverse("account_signup"), {**SIGNUP, "email": "known@example.org"})

    assert new.status_code == known.status_code == 302
    assert new["Location"] == known["Location"]
    assert User.objects.filter(email="known@example.org").count() == 1


def test_login_with_a_wrong_password_is_a_message_on_the_form_not_an_error(client):
    UserFactory(email="person@example.org")
    response = client.post(
        reverse("account_login"), {"login": "person@example.org", "password": "wrong-password"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The email address and/or password you specified are not correct." in html
    assert 'value="person@example.org"' in html


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client):
    UserFactory(email="known@example.org")
    known = client.post(reverse("account_reset_password"), {"email": "known@example.org"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")
    # The known address gets a reset link; the unknown one only a notice, no link.
    by_recipient = {message.to[0]: message.body for message in mail.outbox}
    assert "/accounts/password/reset/key/" in by_recipient["known@example.org"]
    assert "/accounts/password/reset/key/" not in by_recipient.get("nobody@example.org", "")


def test_password_reset_link_sets_a_new_password(client):
    UserFactory(email="known@example.org")
    client.post(reverse("account_reset_password"), {"email": "known@example.org"})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    response = client.get(link.group(1), follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link.group(1)
    response = client.post(
        form_url, {"password1": "brand-new-pass-phrase", "password2": "brand-new-pass-phrase"}
    )
    assert response.status_code == 302
    assert User.objects.get(email="known@example.org").check_password("brand-new-pass-phrase")


def test_repeated_failed_logins_trip_the_rate_limit(client):
    UserFactory(email="target@example.org")
    pages = [
        client.post(
            reverse("account_login"), {"login": "target@example.org", "password": f"wrong-{i}"}
        ).content.decode()
        for i in range(6)
    ]
    limited = "Too many failed login attempts. Try again in 5 minutes."
    assert not any("Too many failed login attempts" in page for page in pages[:5])
    assert limited in pages[5]
    # Even the right password is refused while the limit holds.
    response = client.post(
        reverse("account_login"), {"login": "target@example.org", "password": "password123!"}
    )
    assert limited in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_flood_of_sign_ups_from_one_address_is_answered_with_429(client):
    statuses = [
        client.post(reverse("account_signup"), {**SIGNUP, "email": f"p{i}@example.org"}).status_code
        for i in range(21)
    ]
    assert 429 not in statuses[:20]
    assert statuses[20] == 429


def test_rate_limits_are_backed_by_a_real_shared_cache(settings):
    from django.core.cache import cache

    assert "Dummy" not in settings.CACHES["default"]["BACKEND"]
    assert "LocMem" not in settings.CACHES["default"]["BACKEND"]
    cache.set("probe", 1)
    assert cache.get("probe") == 1


def test_logout_is_a_post_and_ends_the_session(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("account_logout")).status_code == 200  # a confirmation page
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_change_email_requires_verifying_the_new_address(client):
    user = UserFactory(email="old@example.org")
    client.force_login(user)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "new@example.org"})
    assert response.status_code == 302
    new = EmailAddress.objects.get(email="new@example.org")
    assert not new.verified
    assert any("new@example.org" in message.to for message in mail.outbox)


@pytest.mark.django_db
def test_signing_in_lands_on_the_dashboard_or_on_the_page_asked_for(client):
    user = UserFactory(email="lina@example.org")  # verified, password123!
    data = {"login": user.email, "password": "password123!"}

    assert client.post("/accounts/login/", data)["Location"] == "/dashboard/"

    client.logout()
    response = client.post("/accounts/login/?next=/courses/", data)
    assert response["Location"] == "/courses/"
