"""Member organisations in the Wagtail admin: the secretariat creates, edits, searches,
filters and deletes them, sees their people, links and unlinks people (after a
confirmation), changes roles, invites, and reads what lapses in the next 90 days. Every
change writes one audit entry; people outside the secretariat are refused."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from lms import roles
from lms.audit import entries_for
from lms.models import Invitation, MembershipClass, Organisation, OrganisationRole, User
from tests.conftest import login_with_mfa
from tests.factories import (
    InvitationFactory,
    ManagerFactory,
    MemberFactory,
    OrganisationFactory,
    SecretariatFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def actions_of(organisation) -> list[str]:
    return [entry.action for entry in entries_for(organisation)]


def test_the_secretariat_group_holds_the_member_permissions():
    secretariat = Group.objects.get(name=roles.SECRETARIAT)
    codenames = set(secretariat.permissions.values_list("codename", flat=True))
    assert {
        "add_organisation",
        "change_organisation",
        "view_organisation",
        "delete_organisation",
        "add_invitation",
        "change_invitation",
        "view_invitation",
        "import_members",
    } <= codenames
    member_group = Group.objects.get(name=roles.MEMBER)
    assert not member_group.permissions.exists()


def test_staff_create_an_organisation_and_the_change_is_audited(staff_client, staff_user):
    response = staff_client.post(
        reverse("lms_organisation:add"),
        {
            "name": "Andes Aluminio SA",
            "membership_class": MembershipClass.DOWNSTREAM_SUPPORTERS,
            "country": "CL",
            "membership_active_from": "2025-01-01",
            "membership_active_until": "",
            "status": "active",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    organisation = Organisation.objects.get(name="Andes Aluminio SA")
    assert organisation.country == "CL"
    assert actions_of(organisation) == ["lms.organisation.created"]
    assert entries_for(organisation).get().user_id == staff_user.pk


def test_staff_edit_suspend_and_reinstate_with_one_entry_each(staff_client):
    organisation = OrganisationFactory(name="Fjord Metals")
    data = {
        "name": "Fjord Metals",
        "membership_class": MembershipClass.INDUSTRIAL_USERS,
        "country": "NO",
        "membership_active_from": "2020-01-01",
        "membership_active_until": "2027-01-01",
        "status": "active",
    }
    edit = reverse("lms_organisation:edit", args=[organisation.pk])
    assert staff_client.post(edit, data).status_code == 302
    assert staff_client.post(edit, {**data, "status": "suspended"}).status_code == 302
    assert staff_client.post(edit, {**data, "status": "suspended"}).status_code == 302
    assert staff_client.post(edit, data).status_code == 302

    organisation.refresh_from_db()
    assert organisation.membership_active_until == datetime.date(2027, 1, 1)
    assert actions_of(organisation) == [
        "lms.organisation.reinstated",
        "lms.organisation.suspended",
        "lms.organisation.updated",
    ]
    changes = entries_for(organisation).last().data["changes"]
    assert changes["country"] == ["DE", "NO"]


def test_a_membership_cannot_lapse_before_it_begins(staff_client):
    response = staff_client.post(
        reverse("lms_organisation:add"),
        {
            "name": "Backwards Ltd",
            "membership_class": MembershipClass.ASSOCIATIONS,
            "country": "GB",
            "membership_active_from": "2025-06-01",
            "membership_active_until": "2025-01-01",
            "status": "active",
        },
    )
    assert response.status_code == 200
    assert "A membership cannot lapse before it begins." in response.content.decode()
    assert not Organisation.objects.filter(name="Backwards Ltd").exists()


def test_staff_search_and_filter_organisations(staff_client):
    OrganisationFactory(name="Alpha Smelters", membership_class=MembershipClass.CIVIL_SOCIETY)
    OrganisationFactory(name="Beta Cans", membership_class=MembershipClass.ASSOCIATIONS)
    OrganisationFactory(name="Gamma Foils", status="suspended")
    index = reverse("lms_organisation:index")

    searched = staff_client.get(index, {"q": "alpha"}).content.decode()
    assert "Alpha Smelters" in searched and "Beta Cans" not in searched

    by_class = staff_client.get(index, {"membership_class": "associations"}).content.decode()
    assert "Beta Cans" in by_class and "Alpha Smelters" not in by_class

    by_status = staff_client.get(index, {"status": "suspended"}).content.decode()
    assert "Gamma Foils" in by_status and "Beta Cans" not in by_status

    current = staff_client.get(index, {"membership": "current"}).content.decode()
    assert "Beta Cans" in current and "Gamma Foils" not in current


def test_staff_delete_an_organisation_its_people_stay_unlinked(staff_client):
    organisation = OrganisationFactory(name="Closing Down Ltd")
    person = MemberFactory(organisation=organisation)
    url = reverse("lms_organisation:delete", args=[organisation.pk])
    assert staff_client.get(url).status_code == 200  # the confirmation
    assert Organisation.objects.filter(pk=organisation.pk).exists()

    assert staff_client.post(url).status_code == 302

    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    person.refresh_from_db()
    assert person.organisation is None
    from wagtail.models import ModelLogEntry

    entry = ModelLogEntry.objects.get(action="lms.organisation.deleted")
    assert entry.data["people"] == [person.email]


def test_the_people_page_lists_people_and_pending_invitations(staff_client):
    organisation = OrganisationFactory()
    MemberFactory(organisation=organisation, full_name="Ana Lima")
    ManagerFactory(organisation=organisation, full_name="Bo Berg")
    MemberFactory(full_name="Someone Else")
    InvitationFactory(organisation=organisation, email="new@example.org")

    page = staff_client.get(reverse("lms_organisation:people", args=[organisation.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Ana Lima" in html and "Bo Berg" in html and "Someone Else" not in html
    assert "new@example.org" in html
    searched = staff_client.get(
        reverse("lms_organisation:people", args=[organisation.pk]), {"q": "lima"}
    ).content.decode()
    assert "Ana Lima" in searched and "Bo Berg" not in searched


def test_the_people_page_is_paginated(staff_client):
    organisation = OrganisationFactory()
    for n in range(55):
        MemberFactory(organisation=organisation, full_name=f"Person {n:02d}")
    url = reverse("lms_organisation:people", args=[organisation.pk])
    first = staff_client.get(url).content.decode()
    second = staff_client.get(url, {"page": 2}).content.decode()
    assert "Person 00" in first and "Person 54" not in first
    assert "Person 54" in second and "Page 2 of 2" in second


def test_staff_link_an_existing_account_by_email(staff_client, staff_user):
    organisation = OrganisationFactory()
    person = UserFactory(email="Existing@Example.org")
    response = staff_client.post(
        reverse("lms_organisation:people", args=[organisation.pk]),
        {"action": "link", "link-email": "existing@example.org", "link-role": "manager"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.organisation == organisation
    assert person.organisation_role == OrganisationRole.MANAGER
    assert person.groups.filter(name=roles.MEMBER).exists()
    entry = entries_for(organisation).get()
    assert entry.action == "lms.member.linked" and entry.user_id == staff_user.pk


def test_linking_an_unknown_address_says_to_invite_instead(staff_client):
    organisation = OrganisationFactory()
    response = staff_client.post(
        reverse("lms_organisation:people", args=[organisation.pk]),
        {"action": "link", "link-email": "nobody@example.org", "link-role": "member"},
    )
    assert response.status_code == 200
    assert "No account uses this address. Send an invitation instead." in response.content.decode()
    assert not entries_for(organisation).exists()


def test_unlinking_asks_first_then_unlinks(staff_client):
    organisation = OrganisationFactory()
    person = ManagerFactory(organisation=organisation)
    url = reverse("lms_organisation:unlink", args=[organisation.pk, person.pk])

    confirm = staff_client.get(url)
    person.refresh_from_db()
    assert confirm.status_code == 200 and person.organisation == organisation
    assert "loses members-only access" in confirm.content.decode()

    assert staff_client.post(url).status_code == 302
    person.refresh_from_db()
    assert person.organisation is None
    assert person.organisation_role == OrganisationRole.MEMBER
    assert not person.groups.filter(name=roles.MEMBER).exists()
    assert actions_of(organisation) == ["lms.member.unlinked"]


def test_unlinking_someone_of_another_organisation_is_a_404(staff_client):
    organisation = OrganisationFactory()
    stranger = MemberFactory()
    url = reverse("lms_organisation:unlink", args=[organisation.pk, stranger.pk])
    assert staff_client.post(url).status_code == 404
    stranger.refresh_from_db()
    assert stranger.organisation is not None


def test_staff_change_a_role(staff_client):
    organisation = OrganisationFactory()
    person = MemberFactory(organisation=organisation)
    url = reverse("lms_organisation:set_role", args=[organisation.pk, person.pk])
    assert staff_client.get(url).status_code == 405
    assert staff_client.post(url, {"role": "manager"}).status_code == 302
    person.refresh_from_db()
    assert person.organisation_role == OrganisationRole.MANAGER
    entry = entries_for(organisation).get()
    assert entry.action == "lms.member.role_changed"
    assert entry.data["role"] == ["member", "manager"]


def test_staff_invite_by_email_and_revoke_after_a_confirmation(
    staff_client, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(name="Invitations Inc")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("lms_organisation:people", args=[organisation.pk]),
            {"action": "invite", "invite-email": "Newcomer@Example.org", "invite-role": "manager"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "newcomer@example.org"
    assert invitation.role == OrganisationRole.MANAGER
    assert len(mail.outbox) == 1 and "Invitations Inc" in mail.outbox[0].subject

    url = reverse("lms_organisation:revoke_invitation", args=[organisation.pk, invitation.pk])
    assert staff_client.get(url).status_code == 200
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert staff_client.post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert actions_of(organisation) == ["lms.member.invitation_revoked", "lms.member.invited"]


@freeze_time("2026-03-01")
def test_the_lapsing_page_lists_memberships_lapsing_in_the_next_90_days(staff_client):
    OrganisationFactory(name="Lapses Today", membership_active_until=datetime.date(2026, 3, 1))
    OrganisationFactory(name="Lapses In May", membership_active_until=datetime.date(2026, 5, 15))
    OrganisationFactory(name="Lapses Day 90", membership_active_until=datetime.date(2026, 5, 30))
    OrganisationFactory(name="Lapses Day 91", membership_active_until=datetime.date(2026, 5, 31))
    OrganisationFactory(name="Lapsed Already", membership_active_until=datetime.date(2026, 2, 28))
    OrganisationFactory(name="No End")
    OrganisationFactory(
        name="Suspended Soon", status="suspended", membership_active_until=datetime.date(2026, 4, 1)
    )

    html = staff_client.get(reverse("lms_organisation:lapsing")).content.decode()

    listed = [n for n in ("Lapses Today", "Lapses In May", "Lapses Day 90") if n in html]
    assert listed == ["Lapses Today", "Lapses In May", "Lapses Day 90"]
    assert html.index("Lapses Today") < html.index("Lapses In May") < html.index("Lapses Day 90")
    for absent in ("Lapses Day 91", "Lapsed Already", "No End", "Suspended Soon"):
        assert absent not in html
    filtered = staff_client.get(reverse("lms_organisation:lapsing"), {"q": "may"}).content
    assert b"Lapses In May" in filtered and b"Lapses Today" not in filtered


def test_the_lapsing_page_says_when_nothing_lapses(staff_client):
    html = staff_client.get(reverse("lms_organisation:lapsing")).content.decode()
    assert "No membership lapses in this period." in html


def test_the_admin_dashboard_shows_the_lapsing_panel(staff_client):
    OrganisationFactory(
        name="Soon Gone",
        membership_active_until=datetime.date.today() + datetime.timedelta(days=10),
    )
    html = staff_client.get("/admin/").content.decode()
    assert "Memberships lapsing in the next 90 days" in html and "Soon Gone" in html


def test_the_members_menu_is_in_the_admin(staff_client):
    html = staff_client.get("/admin/").content.decode()
    assert reverse("lms_organisation:index") in html
    assert reverse("lms_organisation:import") in html


@pytest.mark.parametrize(
    "name,args",
    [
        ("lms_organisation:index", []),
        ("lms_organisation:people", ["org"]),
        ("lms_organisation:lapsing", []),
        ("lms_organisation:import", []),
        ("lms_organisation:unlink", ["org", "person"]),
    ],
)
def test_managers_and_members_cannot_reach_the_member_screens(name, args):
    organisation = OrganisationFactory()
    manager = ManagerFactory(organisation=organisation)
    values = {"org": organisation.pk, "person": manager.pk}
    url = reverse(name, args=[values[a] for a in args])
    for person in (manager, MemberFactory(), UserFactory()):
        client = Client()
        client.force_login(person)
        response = client.get(url)
        assert response.status_code in (302, 403), (person, response.status_code)
        if response.status_code == 302:
            assert not response["Location"].startswith("/admin/members/")
    manager.refresh_from_db()
    assert manager.organisation == organisation


def test_staff_without_change_permission_see_but_cannot_unlink():
    viewer = SecretariatFactory()
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Permission

    from tests.conftest import TEST_TOTP_SECRET

    viewer.groups.clear()
    viewer.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_organisation"),
    )
    TOTP.activate(viewer, TEST_TOTP_SECRET)
    client = login_with_mfa(Client(), viewer)
    organisation = OrganisationFactory()
    person = MemberFactory(organisation=organisation)
    assert client.get(reverse("lms_organisation:people", args=[organisation.pk])).status_code == 200
    url = reverse("lms_organisation:unlink", args=[organisation.pk, person.pk])
    refused = client.post(url)
    # Wagtail's admin answers a refused permission with a redirect to its dashboard.
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    assert User.objects.get(pk=person.pk).organisation == organisation
