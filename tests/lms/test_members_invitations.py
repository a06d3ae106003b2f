"""The invitation link: it creates an account (allauth's sign-up, with the invited
address filled in and taken as confirmed) or joins an existing account signed in with
that address, lets a person whose account an import made choose a password, and works
once, until it expires, unless revoked."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from lms.audit import entries_for
from lms.members import services
from lms.models import Invitation, OrganisationRole, User, hash_invitation_token
from tests.factories import (
    InvitationFactory,
    ManagerFactory,
    MemberFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TOKEN = "a-token-that-only-the-e-mail-carries-0123456789"


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Joiners Ltd")


@pytest.fixture
def invitation(organisation):
    return InvitationFactory(
        organisation=organisation, email="invitee@example.org", token=TOKEN, role="manager"
    )


def join_url(token: str = TOKEN) -> str:
    return reverse("members:join", args=[token])


def test_a_new_person_creates_the_account_with_the_address_filled_in_then_joins(
    client, invitation, organisation
):
    page = client.get(join_url())
    assert page.status_code == 200 and "Create your account" in page.content.decode()

    start = client.post(join_url(), {"action": "signup"})
    assert start.status_code == 302 and start["Location"].startswith(reverse("account_signup"))
    form = client.get(start["Location"])
    assert 'value="invitee@example.org"' in form.content.decode()

    signed_up = client.post(
        start["Location"],
        {
            "full_name": "Ivy Invitee",
            "email": "invitee@example.org",
            "preferred_language": "en",
            "password1": "a long enough passphrase 42",
            "password2": "a long enough passphrase 42",
            "accept_policies": "on",
        },
    )
    assert signed_up.status_code == 302
    assert signed_up["Location"] == join_url()  # signed in at once: the link confirmed it
    person = User.objects.get(email="invitee@example.org")
    assert EmailAddress.objects.get(user=person).verified
    assert person.organisation is None  # not before they say so

    joined = client.post(join_url(), {"action": "accept"})
    assert joined.status_code == 302
    person.refresh_from_db()
    assert person.organisation == organisation
    assert person.organisation_role == OrganisationRole.MANAGER
    invitation.refresh_from_db()
    assert invitation.accepted_by == person and invitation.accepted_at is not None
    assert {e.action for e in entries_for(organisation)} == {
        "lms.member.linked",
        "lms.member.invitation_accepted",
    }


def test_an_existing_account_signs_in_then_joins(invitation, organisation):
    person = MemberFactory(email="invitee@example.org")  # in another organisation
    anonymous = Client().get(join_url()).content.decode()
    assert "Sign in with it to join" in anonymous

    client = Client()
    client.force_login(person)
    page = client.get(join_url()).content.decode()
    assert "Joining ends that link" in page
    assert client.post(join_url(), {"action": "accept"}).status_code == 302
    person.refresh_from_db()
    assert person.organisation == organisation


def test_signed_in_with_another_address_cannot_accept(invitation):
    other = UserFactory(email="someone.else@example.org")
    client = Client()
    client.force_login(other)
    page = client.get(join_url()).content.decode()
    assert "this invitation is for invitee@example.org" in page
    response = client.post(join_url(), {"action": "accept"})
    assert response.status_code == 302
    other.refresh_from_db()
    invitation.refresh_from_db()
    assert other.organisation is None and invitation.accepted_at is None


def test_the_link_works_once(client, invitation):
    person = UserFactory(email="invitee@example.org")
    client.force_login(person)
    assert client.post(join_url(), {"action": "accept"}).status_code == 302
    again = client.get(join_url())
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    with pytest.raises(services.MembershipError):
        services.invitation_accept(token=TOKEN, person=person)


@pytest.mark.parametrize("days_later,works", [(13, True), (14, False), (30, False)])
def test_the_link_expires_after_14_days(organisation, days_later, works):
    with freeze_time("2026-01-01 09:00"):
        manager = ManagerFactory(organisation=organisation)
        invitation = services.colleague_invite(manager=manager, email="later@example.org")
    token = "known-token"
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=hash_invitation_token(token))
    with freeze_time(datetime.datetime(2026, 1, 1, 9, 1) + datetime.timedelta(days=days_later)):
        response = Client().get(join_url(token))
        assert response.status_code == (200 if works else 410)
        if not works:
            assert "has expired" in response.content.decode()


def test_a_revoked_link_no_longer_works(client, invitation):
    services.invitation_revoke(invitation=invitation, actor=None)
    response = client.get(join_url())
    assert response.status_code == 410 and "withdrawn" in response.content.decode()
    assert client.post(join_url(), {"action": "signup"}).status_code == 410


def test_an_unknown_token_is_a_404_with_an_explanation(client):
    response = client.get(join_url("not-a-real-token"))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_an_imported_person_chooses_a_password_then_signs_in(client, organisation):
    person = User.objects.create_user(
        email="imported@example.org", password=None, full_name="Imma Imported"
    )
    services.member_link(organisation=organisation, person=person, actor=None)
    InvitationFactory(organisation=organisation, email="imported@example.org", token=TOKEN)

    page = client.get(join_url()).content.decode()
    assert "Choose your password" in page
    weak = client.post(
        join_url(), {"action": "activate", "new_password1": "x", "new_password2": "x"}
    )
    assert weak.status_code == 200
    person.refresh_from_db()
    assert not person.has_usable_password()

    done = client.post(
        join_url(),
        {
            "action": "activate",
            "new_password1": "a long enough passphrase 42",
            "new_password2": "a long enough passphrase 42",
        },
    )
    assert done.status_code == 302 and done["Location"] == reverse("account_login")
    person.refresh_from_db()
    assert person.check_password("a long enough passphrase 42")
    assert EmailAddress.objects.get(user=person, email="imported@example.org").verified
    assert Invitation.objects.get().accepted_by == person
    signed_in = client.post(
        reverse("account_login"),
        {"login": "imported@example.org", "password": "a long enough passphrase 42"},
    )
    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


def test_an_account_with_a_password_cannot_be_taken_over_through_the_link(client, invitation):
    person = UserFactory(email="invitee@example.org")
    response = client.post(
        join_url(),
        {
            "action": "activate",
            "new_password1": "takeover 12345 x",
            "new_password2": "takeover 12345 x",
        },
        follow=True,
    )
    person.refresh_from_db()
    assert person.check_password("password123!")
    assert "cannot be done from here" in response.content.decode()


def test_a_signup_request_for_an_address_with_an_account_is_refused(client, invitation):
    UserFactory(email="invitee@example.org")
    response = client.post(join_url(), {"action": "signup"})
    assert response.status_code == 302 and response["Location"] == join_url()
    assert "account_verified_email" not in client.session


def test_the_join_page_never_writes_on_get(invitation):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.test_reads_never_write import writes_of

    signed_in = Client()
    signed_in.force_login(UserFactory(email="invitee@example.org"))
    for client in (Client(), signed_in):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(join_url()).status_code == 200
        assert writes_of(captured.captured_queries) == []
    invitation.refresh_from_db()
    assert invitation.is_pending(timezone.now())
