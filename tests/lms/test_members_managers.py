"""Managers of a member organisation, on the site: they see their colleagues and the
invitations waiting, invite colleagues by e-mail, revoke invitations and remove colleagues
(each after a confirmation), and see their colleagues' learning with a CSV. A manager
reaches only their own organisation (another organisation's ids answer 404); plain
members and other people are refused. The learning summary costs a fixed number of
queries, whatever the size of the organisation."""

import csv
import datetime
import io
import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lms.audit import entries_for
from lms.members import services
from lms.members.learning import learning_of
from lms.models import Invitation, OrganisationRole, hash_invitation_token
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


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Nordic Foils AS")


@pytest.fixture
def manager(organisation):
    return ManagerFactory(organisation=organisation, full_name="Magnus Manager")


@pytest.fixture
def manager_client(manager):
    client = Client()
    client.force_login(manager)
    return client


@pytest.fixture
def colleague(organisation):
    return MemberFactory(organisation=organisation, full_name="Cora Colleague")


@pytest.fixture
def elsewhere():
    """Another organisation, with a person and an invitation."""
    other = OrganisationFactory(name="Other Org")
    return {
        "organisation": other,
        "person": MemberFactory(organisation=other, full_name="Olga Other"),
        "invitation": InvitationFactory(organisation=other, email="other@example.org"),
    }


def test_the_manager_sees_colleagues_and_waiting_invitations(
    manager_client, colleague, elsewhere, organisation
):
    InvitationFactory(organisation=organisation, email="waiting@example.org")
    InvitationFactory(
        organisation=organisation,
        email="expired@example.org",
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )
    html = manager_client.get(reverse("members:organisation")).content.decode()
    assert "Nordic Foils AS" in html
    assert "Cora Colleague" in html and "Magnus Manager" in html
    assert "Olga Other" not in html
    assert "waiting@example.org" in html and "expired@example.org" not in html
    assert "other@example.org" not in html


def test_the_colleague_list_searches_filters_and_pages(manager_client, organisation):
    for n in range(30):
        MemberFactory(organisation=organisation, full_name=f"Person {n:02d}")
    url = reverse("members:organisation")
    first = manager_client.get(url).content.decode()
    assert "Person 00" in first and "Person 29" not in first and "Page 1 of 2" in first
    assert "Person 29" in manager_client.get(url, {"page": 2}).content.decode()
    searched = manager_client.get(url, {"q": "person 07"}).content.decode()
    assert "Person 07" in searched and "Person 08" not in searched
    managers = manager_client.get(url, {"role": "manager"}).content.decode()
    assert "Magnus Manager" in managers and "Person 07" not in managers
    nobody = manager_client.get(url, {"q": "zzz"}).content.decode()
    assert "Nobody matches this search." in nobody


@pytest.mark.parametrize("who", ["anonymous", "member", "stranger", "firm_admin"])
@pytest.mark.parametrize(
    "name", ["members:organisation", "members:invite", "members:learning", "members:learning_csv"]
)
def test_people_who_manage_nothing_are_refused(who, name, colleague):
    client = Client()
    if who == "member":
        client.force_login(colleague)
    elif who == "stranger":
        client.force_login(UserFactory())
    elif who == "firm_admin":
        client.force_login(UserFactory(role="Audit firm admins"))
    response = client.get(reverse(name))
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == 403


def test_a_manager_invites_a_colleague_by_email(
    manager_client, manager, organisation, django_capture_on_commit_callbacks
):
    assert manager_client.get(reverse("members:invite")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            reverse("members:invite"), {"email": "New.Person@Example.org"}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.organisation == organisation
    assert invitation.email == "new.person@example.org"
    assert invitation.role == OrganisationRole.MEMBER
    assert invitation.invited_by == manager
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=14)
    [message] = mail.outbox
    assert message.to == ["new.person@example.org"]
    assert "Nordic Foils AS" in message.subject and "Magnus Manager" in message.body
    token = re.search(r"/invitations/([^/\s]+)/", message.body).group(1)
    assert invitation.token_hash == hash_invitation_token(token)
    assert token not in invitation.token_hash
    assert entries_for(organisation).get().action == "lms.member.invited"


def test_inviting_twice_or_a_colleague_is_refused_on_the_form(
    manager_client, colleague, organisation
):
    InvitationFactory(organisation=organisation, email="twice@example.org")
    again = manager_client.post(reverse("members:invite"), {"email": "twice@example.org"})
    assert again.status_code == 200
    assert "is waiting for an answer" in again.content.decode()
    known = manager_client.post(reverse("members:invite"), {"email": colleague.email})
    assert "is already a person of Nordic Foils AS" in known.content.decode()
    assert Invitation.objects.count() == 1


def test_an_expired_invitation_is_replaced_by_a_new_one(manager, organisation):
    old = InvitationFactory(
        organisation=organisation,
        email="late@example.org",
        expires_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    new = services.colleague_invite(manager=manager, email="late@example.org")
    old.refresh_from_db()
    assert old.revoked_at is not None and new.is_pending()


def test_a_manager_of_a_lapsed_organisation_cannot_invite(manager_client, organisation):
    organisation.membership_active_until = datetime.date(2021, 1, 1)
    organisation.membership_active_from = datetime.date(2020, 1, 1)
    organisation.save()
    page = manager_client.get(reverse("members:organisation")).content.decode()
    assert "membership is not current" in page
    response = manager_client.post(reverse("members:invite"), {"email": "x@example.org"})
    assert "membership is not current" in response.content.decode()
    assert not Invitation.objects.exists()


def test_revoking_an_invitation_asks_first(manager_client, organisation):
    invitation = InvitationFactory(organisation=organisation)
    url = reverse("members:revoke_invitation", args=[invitation.pk])
    confirm = manager_client.get(url)
    assert confirm.status_code == 200 and "Revoke the invitation" in confirm.content.decode()
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert manager_client.post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_removing_a_colleague_asks_first(manager_client, colleague, organisation, manager):
    url = reverse("members:remove_colleague", args=[colleague.pk])
    confirm = manager_client.get(url)
    colleague.refresh_from_db()
    assert confirm.status_code == 200 and colleague.organisation == organisation
    assert manager_client.post(url).status_code == 302
    colleague.refresh_from_db()
    assert colleague.organisation is None
    entry = entries_for(organisation).get()
    assert (entry.action, entry.user_id) == ("lms.member.unlinked", manager.pk)


def test_a_manager_cannot_remove_themselves(manager_client, manager, organisation):
    response = manager_client.post(
        reverse("members:remove_colleague", args=[manager.pk]), follow=True
    )
    assert "You cannot remove yourself" in response.content.decode()
    manager.refresh_from_db()
    assert manager.organisation == organisation


def test_another_organisations_ids_answer_404(manager_client, elsewhere):
    person, invitation = elsewhere["person"], elsewhere["invitation"]
    for url in (
        reverse("members:remove_colleague", args=[person.pk]),
        reverse("members:revoke_invitation", args=[invitation.pk]),
    ):
        assert manager_client.get(url).status_code == 404
        assert manager_client.post(url).status_code == 404
    person.refresh_from_db()
    invitation.refresh_from_db()
    assert person.organisation == elsewhere["organisation"] and invitation.revoked_at is None


def test_a_manager_cannot_see_another_organisations_learning(manager_client, elsewhere):
    response = manager_client.get(
        reverse("members:learning"), {"organisation": elsewhere["organisation"].pk}
    )
    assert "Olga Other" not in response.content.decode()
    body = b"".join(
        manager_client.get(
            reverse("members:learning_csv"), {"organisation": elsewhere["organisation"].pk}
        ).streaming_content
    )
    assert b"Olga Other" not in body


# --- Learning -----------------------------------------------------------------------------


def _learning_for(person, n: int, *, learning_index):
    """Gives ``person`` a started and a completed module, a course in progress, and a
    completed course with its certificate."""
    from cms.models import ModuleProgress
    from courses.models import Certificate, CourseCompletion, EnrollmentStatus
    from tests.cms.factories import make_module
    from tests.courses.factories import EnrollmentFactory

    now = timezone.now()
    started = make_module(learning_index, title=f"Module A{n}")
    done = make_module(learning_index, title=f"Module B{n}")
    ModuleProgress.objects.create(user=person, module=started, started_at=now)
    ModuleProgress.objects.create(
        user=person, module=done, status="completed", started_at=now, completed_at=now
    )
    EnrollmentFactory(user=person, course__title=f"Course In Progress {n}")
    finished = EnrollmentFactory(
        user=person, status=EnrollmentStatus.COMPLETED, course__title=f"Course Done {n}"
    )
    completion = CourseCompletion.objects.create(
        user=person, course=finished.course, enrollment=finished, completed_on=now.date()
    )
    Certificate.objects.create(
        completion=completion,
        holder_name=person.full_name,
        course_title=finished.course.title,
        issued_on=now.date(),
    )


@pytest.fixture
def learning_index(db):
    from cms.models import HomePage, LearningModuleIndexPage
    from tests.cms.factories import add_page

    return add_page(
        HomePage.objects.get(), LearningModuleIndexPage(title="Learning", slug="learning")
    )


def test_the_summary_counts_modules_courses_and_certificates(colleague, learning_index):
    _learning_for(colleague, 1, learning_index=learning_index)
    [summary] = learning_of(people=[colleague])
    assert summary.modules_started == 2
    assert summary.modules_completed == 1
    assert summary.courses_started == 2
    assert summary.courses_completed == 1
    assert summary.certificates == 1
    titles = {record.title for record in summary.records}
    assert titles == {"Module A1", "Module B1", "Course In Progress 1", "Course Done 1"}


def test_a_revoked_certificate_is_not_counted(colleague, learning_index):
    from courses.models import Certificate

    _learning_for(colleague, 1, learning_index=learning_index)
    Certificate.objects.update(revoked_at=timezone.now())
    [summary] = learning_of(people=[colleague])
    assert summary.certificates == 0
    assert any(record.certificate_revoked for record in summary.records)


def test_the_learning_page_shows_each_colleague(manager_client, colleague, learning_index):
    _learning_for(colleague, 1, learning_index=learning_index)
    html = manager_client.get(reverse("members:learning")).content.decode()
    assert "Cora Colleague" in html and "Course Done 1" in html and "Module B1" in html
    assert "Nothing yet" in html  # the manager has learnt nothing


def test_the_learning_csv_has_one_row_per_record_and_neutralises_formulas(
    manager_client, organisation, learning_index
):
    hostile = MemberFactory(organisation=organisation, full_name='=HYPERLINK("x","y")')
    _learning_for(hostile, 1, learning_index=learning_index)
    response = manager_client.get(reverse("members:learning_csv"))
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["organisation", "full_name", "email"]
    hostile_rows = [row for row in rows if row[2] == hostile.email]
    assert len(hostile_rows) == 4
    assert {row[1] for row in hostile_rows} == {'\'=HYPERLINK("x","y")'}
    assert {row[5] for row in hostile_rows} == {
        "Module A1",
        "Module B1",
        "Course In Progress 1",
        "Course Done 1",
    }
    manager_rows = [row for row in rows if row[1] == "Magnus Manager"]
    assert manager_rows == [
        ["Nordic Foils AS", "Magnus Manager", manager_rows[0][2], "Manager", *[""] * 7]
    ]


def test_the_secretariat_sees_every_organisations_learning_and_filters_it(
    colleague, elsewhere, organisation
):
    staff = SecretariatFactory()
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.conftest import TEST_TOTP_SECRET

    TOTP.activate(staff, TEST_TOTP_SECRET)
    client = login_with_mfa(Client(), staff)
    html = client.get(reverse("members:learning")).content.decode()
    assert "Cora Colleague" in html and "Olga Other" in html
    filtered = client.get(reverse("members:learning"), {"organisation": organisation.pk})
    assert "Olga Other" not in filtered.content.decode()
    body = b"".join(client.get(reverse("members:learning_csv")).streaming_content).decode()
    assert "Cora Colleague" in body and "Olga Other" in body


def _queries(callable_) -> int:
    with CaptureQueriesContext(connection) as captured:
        callable_()
    return len(captured.captured_queries)


def test_the_summary_costs_one_query_per_app_whatever_the_size(organisation, learning_index):
    small = [MemberFactory(organisation=organisation) for _ in range(2)]
    for n, person in enumerate(small):
        _learning_for(person, n, learning_index=learning_index)
    few = _queries(lambda: learning_of(people=small))
    large = small + [MemberFactory(organisation=organisation) for _ in range(10)]
    for n, person in enumerate(large[2:], start=10):
        _learning_for(person, n, learning_index=learning_index)
    many = _queries(lambda: learning_of(people=large))
    assert few == many == 2  # courses and learning modules


def test_the_learning_page_and_csv_cost_the_same_queries_at_two_sizes(
    manager_client, organisation, learning_index
):
    def page_and_csv():
        assert manager_client.get(reverse("members:learning")).status_code == 200
        b"".join(manager_client.get(reverse("members:learning_csv")).streaming_content)

    for n in range(3):
        _learning_for(MemberFactory(organisation=organisation), n, learning_index=learning_index)
    page_and_csv()  # warm the caches of the session and the site
    few = _queries(page_and_csv)
    for n in range(3, 20):
        _learning_for(MemberFactory(organisation=organisation), n, learning_index=learning_index)
    many = _queries(page_and_csv)
    assert few == many


def test_the_manager_panel_on_the_dashboard(manager_client, organisation):
    html = manager_client.get("/dashboard/").content.decode()
    assert "You manage this organisation" in html
    assert reverse("members:organisation") in html


def test_the_account_menu_leads_a_manager_to_their_organisation_and_no_one_else(
    manager_client, colleague
):
    link = f'<a href="{reverse("members:organisation")}">My organisation</a>'
    assert link in manager_client.get("/dashboard/").content.decode()

    plain = Client()
    plain.force_login(colleague)
    assert link not in plain.get("/dashboard/").content.decode()
