"""Members-only access follows the organisation: its membership dates (it lapses on its
"member until" date: access ends that day, with no job to run) and its status (a
suspended organisation's people have no access)."""

import datetime

import pytest
from freezegun import freeze_time

from cms.permissions import can_view_members_only
from lms.members import services
from lms.models import Organisation
from lms.permissions import is_member
from tests.factories import MemberFactory, OrganisationFactory, SecretariatFactory

pytestmark = pytest.mark.django_db

UNTIL = datetime.date(2026, 6, 30)


@pytest.fixture
def member():
    organisation = OrganisationFactory(
        membership_active_from=datetime.date(2024, 1, 1), membership_active_until=UNTIL
    )
    return MemberFactory(organisation=organisation)


def _fresh(user):
    user.refresh_from_db()
    return user


def test_access_ends_on_the_day_the_membership_lapses(member):
    with freeze_time("2026-06-29 23:59:00"):
        assert can_view_members_only(_fresh(member))
    with freeze_time("2026-06-30 00:00:01"):
        assert not can_view_members_only(_fresh(member))
        assert not is_member(_fresh(member))
    with freeze_time("2026-07-01"):
        assert not can_view_members_only(_fresh(member))


def test_access_begins_on_the_first_day(member):
    with freeze_time("2023-12-31"):
        assert not can_view_members_only(_fresh(member))
    with freeze_time("2024-01-01"):
        assert can_view_members_only(_fresh(member))


def test_the_queryset_and_the_instance_agree_on_every_day_around_the_lapse(member):
    organisation = member.organisation
    for day in (UNTIL - datetime.timedelta(days=1), UNTIL, UNTIL + datetime.timedelta(days=1)):
        in_queryset = Organisation.objects.active_on(day).filter(pk=organisation.pk).exists()
        assert in_queryset == organisation.membership_active_on(day) == (day < UNTIL)


def test_a_members_only_page_closes_on_the_lapse_day(member, client):
    from cms.models import ContentPage, HomePage, Visibility
    from tests.cms.factories import add_page

    page = add_page(
        HomePage.objects.get(),
        ContentPage(title="Members' notes", slug="members-notes", visibility=Visibility.MEMBERS),
    )
    client.force_login(member)
    with freeze_time("2026-06-29"):
        assert client.get(page.url).status_code == 200
    with freeze_time("2026-06-30"):
        response = client.get(page.url)
        assert response.status_code == 403
        assert (
            "not linked to an organisation with an active membership" in response.content.decode()
        )


def test_suspension_ends_access_and_reinstatement_restores_it(member):
    staff = SecretariatFactory()
    organisation = member.organisation
    with freeze_time("2025-05-01"):
        assert is_member(_fresh(member))
        services.organisation_update(organisation=organisation, actor=staff, status="suspended")
        assert not is_member(_fresh(member))
        assert not Organisation.objects.active_on().filter(pk=organisation.pk).exists()
        assert organisation.membership_state() == "Suspended"
        services.organisation_update(organisation=organisation, actor=staff, status="active")
        assert is_member(_fresh(member))


def test_the_membership_state_in_words(member):
    organisation = member.organisation
    assert organisation.membership_state(datetime.date(2023, 1, 1)) == "Not begun"
    assert organisation.membership_state(datetime.date(2025, 1, 1)) == "Current"
    assert organisation.membership_state(UNTIL) == "Lapsed"


def test_staff_keep_access_without_an_organisation():
    assert is_member(SecretariatFactory())
