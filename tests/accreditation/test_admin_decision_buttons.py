"""The accreditation's admin page: each decision is a visible button leading to its own
form; a form offers only the scope elements the decision can act on; the admin list shows
the status the public verification page shows (a firm suspension included) and filters
accreditations expiring within 90 days."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from accreditation import models
from accreditation.models import ScopeStatus
from accreditation.selectors import scope_on
from courses.verification import verify_code
from tests.accreditation.factories import AccreditationFactory, AuditorFactory, FirmFactory
from tests.accreditation.register_helpers import days_from_today
from tests.conftest import login_with_mfa
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/accreditation/accreditations/"


def _decide_url(accreditation, action: str) -> str:
    return reverse("accreditation_accreditation:decide", args=[accreditation.pk, action])


def _detail_url(accreditation) -> str:
    return reverse("accreditation_accreditation:detail", args=[accreditation.pk])


@pytest.fixture
def mixed(db):
    """Germany active, China suspended, France withdrawn."""
    accreditation = AccreditationFactory(
        scope=[("casthouse", "DE"), ("casthouse", "CN"), ("casthouse", "FR")]
    )
    for country, status in (("CN", "suspended"), ("FR", "withdrawn")):
        models.ScopeStatusChange.objects.create(
            element=accreditation.scope.get(country=country),
            status=status,
            effective_from=days_from_today(-2),
        )
    return accreditation


def _offered(response) -> set[str]:
    form = response.context["form"]
    return {e.country.code for e in form.fields["elements"].queryset}


def test_every_open_decision_is_a_visible_button_to_its_own_form(staff_client, mixed):
    page = staff_client.get(_detail_url(mixed)).content.decode()

    for action in ("suspend", "reinstate", "withdraw", "reduce", "renew"):
        assert f'href="{_decide_url(mixed, action)}"' in page
    assert "<details" not in page  # nothing hidden behind a disclosure
    for action in ("suspend", "reinstate", "withdraw", "reduce", "renew"):
        assert staff_client.get(_decide_url(mixed, action)).status_code == 200


def test_a_decision_with_nothing_to_act_on_has_no_button(staff_client):
    accreditation = AccreditationFactory()  # one active element: nothing suspended

    page = staff_client.get(_detail_url(accreditation)).content.decode()

    assert _decide_url(accreditation, "suspend") in page
    assert _decide_url(accreditation, "reinstate") not in page


@pytest.mark.parametrize(
    ("action", "countries"),
    [
        ("suspend", {"DE"}),
        ("reduce", {"DE", "CN"}),
        ("withdraw", {"DE", "CN"}),
        ("reinstate", {"CN"}),
        ("renew", {"DE"}),
    ],
)
def test_a_decision_form_offers_only_the_elements_in_scope_for_it(
    staff_client, mixed, action, countries
):
    assert _offered(staff_client.get(_decide_url(mixed, action))) == countries


def test_a_posted_element_out_of_scope_is_refused_and_nothing_changes(staff_client, mixed):
    france = mixed.scope.get(country="FR")  # withdrawn

    response = staff_client.post(
        _decide_url(mixed, "reduce"),
        {
            "action": "reduce",
            "reduce-elements": [france.pk],
            "reduce-effective": timezone.localdate().isoformat(),
            "reduce-reason": "Out of scope",
            "confirm": "yes",
        },
    )

    assert response.status_code == 200
    assert "elements" in response.context["form"].errors
    assert not models.ScopeStatusChange.objects.filter(status="reduced").exists()


def test_a_decision_asks_for_confirmation_then_returns_to_the_accreditation(staff_client, mixed):
    germany = mixed.scope.get(country="DE")
    data = {
        "action": "suspend",
        "suspend-elements": [germany.pk],
        "suspend-effective": timezone.localdate().isoformat(),
        "suspend-reason": "Complaint under investigation",
    }

    first = staff_client.post(_decide_url(mixed, "suspend"), data)
    assert first.status_code == 200 and b"Confirm" in first.content
    assert {v.element.country.code: v.status for v in scope_on(mixed)}["DE"] == "active"

    done = staff_client.post(_decide_url(mixed, "suspend"), {**data, "confirm": "yes"})

    assert done.status_code == 302 and done["Location"] == _detail_url(mixed)
    assert {v.element.country.code: v.status for v in scope_on(mixed)}["DE"] == "suspended"


def test_an_unknown_decision_is_not_found(staff_client, mixed):
    assert staff_client.get(_decide_url(mixed, "promote")).status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "auditor", "firm_admin", "staff_without_rights"])
def test_only_deciding_staff_reach_the_decision_forms(client, mixed, who):
    if who == "auditor":
        client.force_login(mixed.auditor.user)
    elif who == "firm_admin":
        admin = UserFactory()
        mixed.firm.admins.add(admin)
        client.force_login(admin)
    elif who == "staff_without_rights":
        login_with_mfa(client, UserFactory(is_staff=True))
    germany = mixed.scope.get(country="DE")

    page = client.get(_decide_url(mixed, "suspend"))
    post = client.post(
        _decide_url(mixed, "suspend"),
        {
            "action": "suspend",
            "suspend-elements": [germany.pk],
            "suspend-effective": timezone.localdate().isoformat(),
            "suspend-reason": "x",
            "confirm": "yes",
        },
    )

    assert page.status_code in (302, 403) and post.status_code in (302, 403)
    assert not models.ScopeStatusChange.objects.filter(element=germany, status="suspended")


def test_the_admin_list_shows_the_verification_page_s_status_for_a_suspended_firm(
    staff_client,
):
    accreditation = AccreditationFactory(
        auditor=AuditorFactory(user__full_name="Sam Suspended"),
        firm=FirmFactory(name="Paused Firm"),
    )
    models.FirmStatusChange.objects.create(
        firm=accreditation.firm, status="suspended", effective_from=days_from_today(-1), reason="x"
    )
    public = verify_code(accreditation.code).status_label
    assert public.startswith("Not valid")  # the scope itself is still active

    page = html.unescape(staff_client.get(LIST).content.decode())

    assert public in page
    assert ">Active<" not in page


def test_the_admin_list_filters_accreditations_expiring_within_90_days(staff_client):
    today = timezone.localdate()
    soon = AccreditationFactory(
        valid_from=datetime.date(2020, 1, 1), valid_until=today + datetime.timedelta(days=60)
    )
    later = AccreditationFactory()  # until 2030-12-31
    lapsed = AccreditationFactory(
        valid_from=datetime.date(2020, 1, 1), valid_until=today - datetime.timedelta(days=1)
    )

    everyone = staff_client.get(LIST)
    expiring = staff_client.get(LIST, {"expiring": "on"})

    assert {soon, later, lapsed} <= set(everyone.context["object_list"])
    assert list(expiring.context["object_list"]) == [soon]
    assert ScopeStatus.ACTIVE in {v.status for v in scope_on(soon)}
