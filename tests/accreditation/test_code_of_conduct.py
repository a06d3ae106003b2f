"""The code of conduct: auditors accept the version in force when they apply and again when
a new version is published; an auditor who has not accepted the version in force on a date
is not eligible on it (with that reason), and is not on the public register."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accreditation.models import (
    Application,
    CodeOfConductAcceptance,
    CodeOfConductVersion,
    RegisterEntry,
)
from accreditation.privacy_rights import export_part
from accreditation.register import elements_on_register
from accreditation.register.history import not_listed_since
from accreditation.selectors import check_eligibility
from accreditation.services import run_daily
from accreditation.services.base import AccreditationError
from accreditation.services.conduct import conduct_accept
from accreditation.views.pathway import pathway_panel
from tests.accreditation.factories import (
    AccreditationFactory,
    AuditorFactory,
    FirmFactory,
    StandardVersionFactory,
    sector_for,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _version(label: str, in_force_from: datetime.date, **kwargs) -> CodeOfConductVersion:
    return CodeOfConductVersion.objects.create(
        label=label,
        title=kwargs.pop("title", "Code of conduct"),
        body=kwargs.pop("body", "<p>Act with integrity.</p>"),
        in_force_from=in_force_from,
        **kwargs,
    )


def _accept(auditor, version, day: datetime.date) -> CodeOfConductAcceptance:
    return CodeOfConductAcceptance.objects.create(
        auditor=auditor, version=version, accepted_at=_at(day)
    )


def _eligible(accreditation, on: datetime.date):
    return check_eligibility(
        accreditation.auditor.user, accreditation.standard_version.standard, "casthouse", "DE", on
    )


def _client_for(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


# --- the rule ---------------------------------------------------------------------------


def test_while_no_version_exists_nothing_is_asked():
    accreditation = AccreditationFactory()
    assert _eligible(accreditation, datetime.date(2024, 1, 1)).eligible


def test_not_accepting_the_version_in_force_makes_the_auditor_ineligible_with_the_reason():
    accreditation = AccreditationFactory()
    _version("2024-1", datetime.date(2024, 3, 1))

    answer = _eligible(accreditation, datetime.date(2024, 3, 1))

    assert not answer.eligible
    assert answer.reasons == [
        "the auditor has not accepted version 2024-1 of the code of conduct, in force since "
        "March 1, 2024"
    ]
    # The day before it came into force, nothing was asked yet.
    assert _eligible(accreditation, datetime.date(2024, 2, 29)).eligible


def test_a_new_version_needs_a_new_acceptance_from_its_date_and_past_dates_keep_their_answer():
    accreditation = AccreditationFactory()
    auditor = accreditation.auditor
    first = _version("1", datetime.date(2020, 1, 1))
    _accept(auditor, first, datetime.date(2020, 1, 1))
    second = _version("2", datetime.date(2024, 6, 1))

    assert _eligible(accreditation, datetime.date(2024, 5, 31)).eligible
    refused = _eligible(accreditation, datetime.date(2024, 6, 1))
    assert refused.reasons == [
        "the auditor has not accepted version 2 of the code of conduct, in force since June 1, 2024"
    ]

    _accept(auditor, second, datetime.date(2024, 6, 10))

    # Time travel: before the acceptance the answer is still no; from its day, yes.
    assert not _eligible(accreditation, datetime.date(2024, 6, 9)).eligible
    assert _eligible(accreditation, datetime.date(2024, 6, 10)).eligible
    assert _eligible(accreditation, datetime.date(2023, 1, 1)).eligible


def test_accepting_a_version_before_it_comes_into_force_counts_from_its_first_day():
    accreditation = AccreditationFactory()
    upcoming = _version("2025", datetime.date(2025, 1, 1))
    _accept(accreditation.auditor, upcoming, datetime.date(2024, 12, 1))
    assert _eligible(accreditation, datetime.date(2025, 1, 1)).eligible


def test_the_reason_is_given_once_for_an_auditor_with_two_firms():
    version_row = StandardVersionFactory(standard__code="PS")
    first = AccreditationFactory(standard_version=version_row, firm=FirmFactory(name="One"))
    AccreditationFactory(
        standard_version=version_row, auditor=first.auditor, firm=FirmFactory(name="Two")
    )
    _version("7", datetime.date(2024, 1, 1))

    answer = _eligible(first, datetime.date(2024, 2, 1))

    assert answer.reasons == [
        "the auditor has not accepted version 7 of the code of conduct, in force since Jan. 1, 2024"
    ]


def test_the_registers_history_in_sql_applies_the_rule_and_says_since_when():
    accreditation = AccreditationFactory()
    _version("1", datetime.date(2024, 6, 1))
    auditor_id = accreditation.auditor_id

    def listed(on):
        return elements_on_register(on).filter(accreditation__auditor_id=auditor_id).exists()

    assert listed(datetime.date(2024, 5, 31))
    assert not listed(datetime.date(2024, 6, 1))
    assert not_listed_since(auditor_id, datetime.date(2024, 7, 1)) == datetime.date(2024, 6, 1)


# --- records ---------------------------------------------------------------------------


def test_an_acceptance_is_never_rewritten_and_an_accepted_version_not_changed():
    auditor = AuditorFactory()
    version = _version("1", datetime.date(2024, 1, 1))
    acceptance = _accept(auditor, version, datetime.date(2024, 1, 2))
    acceptance.accepted_at = _at(datetime.date(2024, 1, 3))
    with pytest.raises(ValueError):
        acceptance.save()

    version.body = "<p>Something else.</p>"
    with pytest.raises(ValidationError):
        version.full_clean()
    unaccepted = _version("2", datetime.date(2025, 1, 1))
    unaccepted.body = "<p>Fixed a typo.</p>"
    unaccepted.full_clean()  # no acceptance yet: may still be corrected


def test_accepting_twice_keeps_the_first_record_and_a_replaced_version_is_refused():
    auditor = AuditorFactory()
    old = _version("1", TODAY() - datetime.timedelta(days=100))
    current = _version("2", TODAY() - datetime.timedelta(days=10))
    first = conduct_accept(auditor=auditor, version=current)
    assert conduct_accept(auditor=auditor, version=current).accepted_at == first.accepted_at
    with pytest.raises(AccreditationError):
        conduct_accept(auditor=auditor, version=old)
    assert CodeOfConductAcceptance.objects.filter(auditor=auditor).count() == 1


def test_an_acceptance_is_in_the_audit_log_once_by_the_auditor():
    from lms.audit import entries_for

    auditor = AuditorFactory()
    current = _version("2", TODAY() - datetime.timedelta(days=10))
    conduct_accept(auditor=auditor, version=current)
    conduct_accept(auditor=auditor, version=current)  # accepted already: nothing new
    (entry,) = entries_for(auditor).filter(action="accreditation.conduct.accepted")
    assert entry.user == auditor.user
    assert entry.data == {"version": "2", "version_id": current.pk}


def test_the_data_export_lists_the_acceptances():
    auditor = AuditorFactory()
    version = _version("3.0", datetime.date(2024, 1, 1), title="Code 3")
    _accept(auditor, version, datetime.date(2024, 1, 5))
    rows = export_part(auditor.user)["auditor_profile"]["code_of_conduct_acceptances"]
    assert rows == [
        {
            "version": "3.0",
            "title": "Code 3",
            "in_force_from": datetime.date(2024, 1, 1),
            "accepted_at": _at(datetime.date(2024, 1, 5)),
        }
    ]


# --- the register's read model ------------------------------------------------------------


def _listed(accreditation) -> bool:
    return RegisterEntry.objects.filter(auditor=accreditation.auditor).exists()


def test_publishing_a_version_in_force_takes_non_accepters_off_and_accepting_puts_them_back():
    accreditation = AccreditationFactory()
    other = AccreditationFactory()
    assert _listed(accreditation) and _listed(other)

    version = _version("1", TODAY())

    assert not _listed(accreditation) and not _listed(other)
    conduct_accept(auditor=accreditation.auditor, version=version)
    assert _listed(accreditation)
    assert not _listed(other)


def test_a_version_coming_into_force_later_takes_effect_with_the_daily_run_of_its_day():
    accreditation = AccreditationFactory()
    accepted = AccreditationFactory()
    tomorrow = TODAY() + datetime.timedelta(days=1)
    version = _version("2", tomorrow)
    conduct_accept(auditor=accepted.auditor, version=version)

    assert _listed(accreditation)  # published: nothing changes before its day
    run_daily(on=tomorrow)

    assert not _listed(accreditation)
    assert _listed(accepted)


# --- the application form -----------------------------------------------------------------


def _apply_data(firm) -> dict:
    return {"firm": firm.pk, "sectors": [sector_for("CoC", "casthouse").pk], "countries": ["DE"]}


def test_the_application_form_requires_accepting_the_version_in_force_and_records_it():
    version_row = StandardVersionFactory(standard__code="CoC")
    firm = FirmFactory()
    conduct = _version("2024-1", TODAY() - datetime.timedelta(days=5), body="<p>Be fair.</p>")
    person = UserFactory()
    client = _client_for(person)
    url = reverse("accreditation:apply", args=[version_row.pk])

    page = client.get(url).content.decode()
    assert "Be fair." in page and 'name="accept_conduct"' in page

    refused = client.post(url, _apply_data(firm))
    assert refused.status_code == 200
    assert "Accept the code of conduct to apply" in refused.content.decode()
    assert not Application.objects.exists()
    assert not CodeOfConductAcceptance.objects.exists()

    response = client.post(url, {**_apply_data(firm), "accept_conduct": "on"})

    assert response.status_code == 302
    acceptance = CodeOfConductAcceptance.objects.get()
    assert acceptance.auditor.user == person and acceptance.version == conduct
    assert Application.objects.get().auditor == acceptance.auditor


def test_the_form_does_not_ask_again_once_the_version_in_force_is_accepted():
    version_row = StandardVersionFactory(standard__code="CoC")
    auditor = AuditorFactory()
    conduct = _version("1", TODAY() - datetime.timedelta(days=5))
    _accept(auditor, conduct, TODAY())
    page = _client_for(auditor.user).get(reverse("accreditation:apply", args=[version_row.pk]))
    assert 'name="accept_conduct"' not in page.content.decode()


# --- the prompt and the page to accept ------------------------------------------------------


def test_a_new_version_in_force_is_prompted_on_the_dashboard_and_the_profile(rf):
    accreditation = AccreditationFactory()
    old = _version("1", datetime.date(2020, 1, 1))
    _accept(accreditation.auditor, old, datetime.date(2020, 1, 1))
    new = _version("2", TODAY())
    user = accreditation.auditor.user
    accept_url = reverse("accreditation:conduct_accept", args=[new.pk])

    request = rf.get("/dashboard/")
    request.user = user
    assert accept_url in pathway_panel(request)
    profile_page = _client_for(user).get(reverse("accreditation:profile")).content.decode()
    assert accept_url in profile_page
    assert "you are not eligible to audit" in profile_page

    _accept(accreditation.auditor, new, TODAY())
    profile_page = _client_for(user).get(reverse("accreditation:profile")).content.decode()
    assert "you are not eligible to audit" not in profile_page
    assert "Version 2 accepted on" in profile_page
    assert pathway_panel(request) is None or accept_url not in pathway_panel(request)


def test_the_accept_page_records_the_signed_in_auditors_own_acceptance_only():
    version = _version("1", TODAY(), body="<p>Declare conflicts.</p>")
    auditor = AuditorFactory()
    other = AuditorFactory()
    url = reverse("accreditation:conduct_accept", args=[version.pk])
    client = _client_for(auditor.user, enforce_csrf_checks=True)

    page = client.get(url)
    assert page.status_code == 200 and "Declare conflicts." in page.content.decode()
    assert client.post(url, {"accept": "yes"}).status_code == 403  # no CSRF token
    assert not CodeOfConductAcceptance.objects.exists()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    response = client.post(url, {"accept": "yes", "csrfmiddlewaretoken": token.group(1)})

    assert response.status_code == 302
    assert list(CodeOfConductAcceptance.objects.values_list("auditor_id", flat=True)) == [
        auditor.pk
    ]
    assert not other.conduct_acceptances.exists()


def test_the_accept_page_is_for_signed_in_auditors_only():
    version = _version("1", TODAY())
    url = reverse("accreditation:conduct_accept", args=[version.pk])

    anonymous = Client().post(url, {"accept": "yes"})
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    no_profile = _client_for(UserFactory()).post(url, {"accept": "yes"})
    assert no_profile.status_code == 404
    assert not CodeOfConductAcceptance.objects.exists()


def test_the_accept_page_refuses_a_replaced_version_and_an_unticked_box():
    old = _version("1", TODAY() - datetime.timedelta(days=30))
    _version("2", TODAY())
    auditor = AuditorFactory()
    client = _client_for(auditor.user)

    page = client.post(reverse("accreditation:conduct_accept", args=[old.pk]), {"accept": "yes"})
    assert page.status_code == 200
    assert "A newer version of the code of conduct has replaced this one." in page.content.decode()
    current = CodeOfConductVersion.objects.get(label="2")
    client.post(reverse("accreditation:conduct_accept", args=[current.pk]), {})
    assert not CodeOfConductAcceptance.objects.exists()


# --- staff ---------------------------------------------------------------------------------


def test_staff_manage_versions_and_see_who_has_not_accepted_the_one_in_force(staff_client):
    version = _version("2024-1", TODAY())
    accepted = AuditorFactory(user__full_name="Ada Accepted")
    AuditorFactory(user__full_name="Nils Notyet")
    _accept(accepted, version, TODAY())

    listing = staff_client.get(reverse("accreditation_conduct:index"))
    assert listing.status_code == 200 and "2024-1" in listing.content.decode()
    assert staff_client.get(reverse("accreditation_conduct:add")).status_code == 200

    url = reverse("accreditation_conduct:acceptances", args=[version.pk])
    waiting = staff_client.get(url).content.decode()
    assert "Nils Notyet" in waiting and "Ada Accepted" not in waiting
    done = staff_client.get(url, {"status": "accepted"}).content.decode()
    assert "Ada Accepted" in done and "Nils Notyet" not in done
    searched = staff_client.get(url, {"status": "all", "q": "nils"}).content.decode()
    assert "Nils Notyet" in searched and "Ada Accepted" not in searched


def test_auditors_cannot_open_the_staff_list():
    version = _version("1", TODAY())
    auditor = AuditorFactory()
    url = reverse("accreditation_conduct:acceptances", args=[version.pk])
    assert _client_for(auditor.user).get(url).status_code in (302, 403)
    assert Client().get(url).status_code == 302


def test_staff_cannot_delete_a_version_someone_accepted(staff_client):
    accepted = _version("1", TODAY())
    _accept(AuditorFactory(), accepted, TODAY())
    draft = _version("2", TODAY() + datetime.timedelta(days=30))

    response = staff_client.post(reverse("accreditation_conduct:delete", args=[accepted.pk]))
    assert response.status_code == 302
    assert CodeOfConductVersion.objects.filter(pk=accepted.pk).exists()

    staff_client.post(reverse("accreditation_conduct:delete", args=[draft.pk]))
    assert not CodeOfConductVersion.objects.filter(pk=draft.pk).exists()
