"""Signed-in people without admin access get the site's 403 page at /admin/ (not a loop of
redirects through the login page); anonymous visitors still go to the login page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lms import roles
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ["/admin/", "/admin/pages/", "/admin/accreditation/applications/"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_a_member_gets_a_403_page_in_the_admin(member_client, path):
    response = member_client.get(path)
    assert response.status_code == 403
    assert "403.html" in [template.name for template in response.templates]
    assert "You cannot open this page" in response.content.decode()


@pytest.mark.parametrize("role", [roles.AUDITOR, roles.FIRM_ADMIN, None])
def test_auditors_firm_admins_and_plain_accounts_get_a_403_too(client, role):
    client.force_login(UserFactory(role=role))
    assert client.get("/admin/").status_code == 403


def test_the_admin_login_address_still_sends_to_the_login_page(member_client):
    response = member_client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_anonymous_visitors_still_go_to_the_login_page(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_staff_with_the_second_factor_still_reach_the_admin(staff_client):
    assert staff_client.get("/admin/").status_code == 200
    assert staff_client.get("/admin/pages/").status_code == 200


def test_a_member_is_not_sent_round_in_circles(client):
    client.force_login(MemberFactory())
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain == []
    assert response.status_code == 403
