"""No session reaches a staff tool unless this session passed the second factor.

Every door is tried: each login route the URL map has, a session signed in some other
way, staff who have not set up TOTP yet, and people whose only staff power is one
permission.
"""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lms.permissions import holds_staff_powers
from tests.accreditation.factories import AccreditationFactory
from tests.conftest import TEST_TOTP_SECRET, login_with_mfa, totp_code
from tests.factories import MemberFactory, SecretariatFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "password123!"


def _login_routes() -> list[str]:
    """Every path in the URL map whose name or route says "login" (none takes arguments)."""
    found: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and (
                "login" in route.lower() or "login" in (pattern.name or "").lower()
            ):
                found.append("/" + route.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


LOGIN_ROUTES = _login_routes()


@pytest.fixture
def staff_tools():
    """Paths only staff may use: the admin, and staff views outside /admin/."""
    someone_else = AccreditationFactory()
    return [
        "/admin/",
        "/admin/users/",
        reverse("quiz_admin:marking"),
        reverse("accreditation:certificate_pdf", kwargs={"code": someone_else.code}),
    ]


def assert_reaches_none(client: Client, tools: list[str]) -> None:
    for path in tools:
        response = client.get(path)
        assert response.status_code in (302, 403), path
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/"), (path, response["Location"])


def assert_reaches_all(client: Client, tools: list[str]) -> None:
    for path in tools:
        assert client.get(path).status_code == 200, path


def test_the_login_routes_found_include_wagtails_and_allauths():
    assert {"/admin/login/", "/_util/login/", "/accounts/login/"} <= set(LOGIN_ROUTES)


@pytest.mark.parametrize("route", LOGIN_ROUTES)
@pytest.mark.parametrize("with_totp", [True, False], ids=["totp-set-up", "no-totp-yet"])
def test_a_staff_password_alone_at_any_login_route_reaches_no_staff_tool(
    route, with_totp, staff_tools
):
    staff = SecretariatFactory(email="staff@example.org")
    if with_totp:
        TOTP.activate(staff, TEST_TOTP_SECRET)
    client = Client()
    credentials = {"login": staff.email, "username": staff.email, "password": PASSWORD}

    client.post(route, credentials, follow=True)

    assert_reaches_none(client, staff_tools)
    if not with_totp:
        return
    # The same login, completed with the code, reaches them.
    response = client.post(reverse("account_login"), credentials)
    assert response["Location"] == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert_reaches_all(client, staff_tools)


def test_wagtails_login_forms_send_people_to_the_one_login_with_a_safe_next(client):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2Fpages%2F"

    response = client.post("/_util/login/?next=https://evil.example/", {"username": "x"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")


def test_a_session_signed_in_without_the_code_is_sent_to_the_mfa_step_on_every_path(
    staff_tools,
):
    staff = SecretariatFactory()
    TOTP.activate(staff, TEST_TOTP_SECRET)
    client = Client()
    client.force_login(staff)  # e.g. a session from before the rule, or another door

    for path in ["/", reverse("courses:catalogue"), *staff_tools]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("mfa_reauthenticate")), path

    response = client.post(
        reverse("mfa_reauthenticate") + "?next=/admin/users/", {"code": totp_code()}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/users/"
    assert_reaches_all(client, staff_tools)


def test_a_wrong_code_at_the_mfa_step_opens_nothing(staff_tools):
    staff = SecretariatFactory()
    TOTP.activate(staff, TEST_TOTP_SECRET)
    client = Client()
    client.force_login(staff)
    response = client.post(reverse("mfa_reauthenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert_reaches_none(client, staff_tools)


@pytest.mark.django_db(transaction=True)
def test_staff_without_an_authenticator_reach_staff_tools_once_they_set_one_up(staff_tools):
    """Transactional: allauth announces the new authenticator after commit, within the
    request, which is when it is recorded for the session."""
    staff = SecretariatFactory(email="new-staff@example.org")
    client = Client()
    client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(staff.pk)  # a password alone signs in
    assert_reaches_none(client, staff_tools)
    assert client.get("/admin/")["Location"].startswith(reverse("mfa_activate_totp"))

    # allauth asks for the password again before adding an authenticator
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(response["Location"], {"password": PASSWORD})
    assert_reaches_none(client, staff_tools)  # the password again is still one factor

    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    code = totp_code(secret)
    response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert_reaches_all(client, staff_tools)


def test_the_api_answers_403_to_staff_without_the_second_factor():
    staff = SecretariatFactory()
    client = Client()
    client.force_login(staff)
    response = client.get("/api/v1/auditors")
    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]


def test_staff_without_the_second_factor_may_still_sign_out():
    staff = SecretariatFactory()
    TOTP.activate(staff, TEST_TOTP_SECRET)
    client = Client()
    client.force_login(staff)
    assert client.get(reverse("account_logout")).status_code == 200
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_one_permission_is_a_staff_power_that_needs_the_second_factor():
    marker = UserFactory()
    marker.user_permissions.add(
        Permission.objects.get(content_type__app_label="courses", codename="change_submission")
    )
    assert holds_staff_powers(marker)
    client = Client()
    client.force_login(marker)
    response = client.get(reverse("courses:catalogue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


@pytest.mark.parametrize("how", ["direct", "group", "second group", "none", "empty group"])
def test_a_permission_given_directly_or_through_any_group_is_a_staff_power(how):
    """``holds_staff_powers`` reads group names and "any permission" in one query: a
    permission through a group among several counts, a group without permissions does not."""
    person = UserFactory()
    permission = Permission.objects.get(
        content_type__app_label="courses", codename="change_submission"
    )
    empty = Group.objects.create(name="Readers of nothing")
    markers = Group.objects.create(name="Markers of submissions")
    markers.permissions.add(permission)
    if how == "direct":
        person.user_permissions.add(permission)
    elif how == "group":
        person.groups.add(markers)
    elif how == "second group":
        person.groups.add(empty, markers)
    elif how == "empty group":
        person.groups.add(empty)
    fresh = type(person).objects.get(pk=person.pk)  # nothing remembered on the object
    assert holds_staff_powers(fresh) is (how in {"direct", "group", "second group"})
    # the group names read in the same query serve the role checks
    assert fresh._role_group_names == set(fresh.groups.values_list("name", flat=True))


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_staff_and_superuser_flags_are_staff_powers(flag):
    assert holds_staff_powers(UserFactory(**{flag: True}))


def test_learners_hold_no_staff_power_and_are_never_asked_for_a_code(client):
    member = MemberFactory()
    assert not holds_staff_powers(member)
    client.force_login(member)
    assert client.get(reverse("courses:catalogue")).status_code == 200


def test_a_second_factor_recorded_for_another_person_does_not_count(staff_tools):
    staff = SecretariatFactory()
    TOTP.activate(staff, TEST_TOTP_SECRET)
    client = login_with_mfa(Client(), MemberFactory())
    session = client.session
    records = session["account_authentication_methods"]
    client.force_login(staff)  # same browser, another person
    session = client.session
    session["account_authentication_methods"] = records
    session.save()
    assert_reaches_none(client, staff_tools)


def test_no_shared_password_privacy_form_is_offered_for_pages_or_collections():
    """A shared page or collection password would be a login form outside allauth's rate
    limits, so staff cannot choose one."""
    from wagtail.admin.forms.collections import CollectionViewRestrictionForm
    from wagtail.admin.forms.pages import PageViewRestrictionForm
    from wagtail.models import PageViewRestriction

    page_form = PageViewRestrictionForm(
        private_page_options=[PageViewRestriction.PASSWORD, PageViewRestriction.LOGIN]
    )
    page_choices = [value for value, _ in page_form.fields["restriction_type"].choices]
    assert PageViewRestriction.PASSWORD not in page_choices
    assert "password" not in page_form.fields
    collection_form = CollectionViewRestrictionForm()
    collection_choices = [value for value, _ in collection_form.fields["restriction_type"].choices]
    assert PageViewRestriction.PASSWORD not in collection_choices
