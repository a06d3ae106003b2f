import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from lms import permissions, roles
from lms.models import Organisation, User
from tests.factories import MemberFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_role_groups_exist_with_admin_access_only_for_the_secretariat():
    from django.contrib.auth.models import Group

    names = set(Group.objects.values_list("name", flat=True))
    assert set(roles.ALL) <= names
    for name in roles.ALL:
        has_access = Group.objects.get(name=name).permissions.filter(
            codename="access_admin", content_type__app_label="wagtailadmin"
        )
        assert has_access.exists() == (name == roles.SECRETARIAT)


def test_membership_counts_only_between_its_dates():
    organisation = OrganisationFactory(
        membership_active_from=datetime.date(2024, 1, 1),
        membership_active_until=datetime.date(2024, 12, 31),
    )
    assert organisation.membership_active_on(datetime.date(2024, 6, 1))
    assert not organisation.membership_active_on(datetime.date(2025, 1, 1))
    assert not organisation.membership_active_on(datetime.date(2023, 12, 31))
    assert list(Organisation.objects.active_on(datetime.date(2024, 6, 1))) == [organisation]
    assert not Organisation.objects.active_on(datetime.date(2025, 6, 1)).exists()


def test_a_member_is_someone_whose_organisation_membership_is_active_today():
    assert permissions.is_member(MemberFactory())
    lapsed = MemberFactory(
        organisation=OrganisationFactory(membership_active_until=datetime.date(2021, 1, 1))
    )
    assert not permissions.is_member(lapsed)
    assert not permissions.is_member(UserFactory())


def test_email_is_the_login_and_users_have_a_full_name():
    user = User.objects.create_user(email="Someone@EXAMPLE.org", password="x" * 12, full_name="A B")
    assert user.email == "Someone@example.org"
    assert user.get_full_name() == "A B"
    assert User.USERNAME_FIELD == "email"


def test_profile_form_saves_and_keeps_what_was_typed_on_error(client):
    user = UserFactory(full_name="Old Name")
    client.force_login(user)
    bad = client.post(
        reverse("account_profile"), {"full_name": "New Name", "preferred_language": "xx"}
    )
    assert bad.status_code == 200
    assert 'value="New Name"' in bad.content.decode()
    user.refresh_from_db()
    assert user.full_name == "Old Name"

    good = client.post(
        reverse("account_profile"), {"full_name": "New  Name", "preferred_language": "de"}
    )
    assert good.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.preferred_language) == ("New Name", "de")


def test_seed_demo_is_idempotent_and_gives_the_staff_account_totp():
    from allauth.mfa.models import Authenticator

    call_command("seed_demo")
    counts = (User.objects.count(), Organisation.objects.count(), Authenticator.objects.count())
    call_command("seed_demo")
    assert (
        User.objects.count(),
        Organisation.objects.count(),
        Authenticator.objects.count(),
    ) == counts
    staff = User.objects.get(email="staff@example.org")
    assert permissions.can_access_admin(staff)
    assert permissions.has_mfa(staff)
    assert permissions.is_member(User.objects.get(email="member@example.org"))


def test_home_page_is_a_real_page_with_landmarks(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in html
    assert "https://" not in html.split("<body")[0]  # nothing loaded from the internet


def test_public_pages_carry_a_nonce_based_content_security_policy(client):
    response = client.get(reverse("account_login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy


def test_unknown_pages_are_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_health_check(client):
    assert client.get("/healthz").json() == {"status": "ok"}
