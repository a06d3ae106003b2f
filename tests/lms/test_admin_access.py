"""Who reaches the Wagtail admin, and the MFA requirement for secretariat staff."""

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from lms import roles
from tests.conftest import TEST_TOTP_SECRET, totp_code
from tests.factories import MemberFactory, SecretariatFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", [None, roles.MEMBER, roles.AUDITOR, roles.FIRM_ADMIN])
def test_members_auditors_and_firm_admins_cannot_reach_the_admin(client, role):
    user = MemberFactory() if role == roles.MEMBER else UserFactory(role=role)
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert not response["Location"].startswith("/admin/")
    assert client.get("/admin/pages/").status_code in (302, 403)


def test_secretariat_staff_without_mfa_are_sent_to_set_it_up(client):
    staff = SecretariatFactory()
    client.force_login(staff)
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    assert "next=%2Fadmin%2Fpages%2F" in response["Location"]


def test_secretariat_staff_with_mfa_reach_the_admin(staff_client):
    response = staff_client.get("/admin/")
    assert response.status_code == 200
    assert b"Dashboard" in response.content or b"dashboard" in response.content


def test_staff_login_asks_for_the_authenticator_code():
    staff = SecretariatFactory(email="staff@example.org")
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(staff, TEST_TOTP_SECRET)
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": "staff@example.org", "password": "password123!"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session

    code = totp_code()
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert client.get("/admin/").status_code == 200


def test_a_superuser_without_mfa_is_held_to_the_same_rule(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert not Authenticator.objects.filter(user=admin).exists()
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
