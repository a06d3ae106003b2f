"""The decisions log is Wagtail's audit log: every decision and event of the accreditation
app is one entry (who, when, what, why, about what), staff read it in the admin, and the
old decisions table moves into it and back."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.log_actions import registry
from wagtail.models import ModelLogEntry

from accreditation import selectors, services
from accreditation.models import (
    DECISION_ACTIONS,
    EVENT_ACTIONS,
    Accreditation,
    Application,
    AuditFirm,
)
from lms import audit
from tests.accreditation.factories import (
    AccreditationFactory,
    ApplicationFactory,
    AuditorFactory,
    FirmFactory,
    ProgrammeFactory,
    RequirementFactory,
    StandardVersionFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def _about(entry: ModelLogEntry, model) -> bool:
    return entry.content_type == ContentType.objects.get_for_model(model)


def _ready_application():
    application = ApplicationFactory(
        standard_version=StandardVersionFactory(standard__code="CoC"),
        sectors=["casthouse"],
        countries=["DE", "GN"],
    )
    application.status = Application.Status.READY_FOR_REVIEW
    application.save()
    return application


# --- one entry per decision, with actor, reason and object --------------------------------


def test_a_grant_is_logged_about_the_accreditation_and_names_the_application(staff_user):
    application = _ready_application()

    accreditation = services.accreditation_grant(
        application=application,
        scope=[("casthouse", "GN")],
        actor=staff_user,
        reason="Training and exam complete",
        valid_from=D(2025, 1, 1),
    )

    entry = ModelLogEntry.objects.get(action="accreditation.granted")
    assert _about(entry, Accreditation) and entry.object_id == str(accreditation.pk)
    assert entry.label == str(accreditation)
    assert entry.user == staff_user
    assert entry.data["reason"] == "Training and exam complete"
    assert (entry.data["accreditation"], entry.data["application"], entry.data["firm"]) == (
        accreditation.pk,
        application.pk,
        None,
    )
    assert entry.data["elements"] == ["Casthouse — Guinea"]


def test_a_suspension_is_logged_with_its_scope_and_returned_by_the_service(staff_user):
    accreditation = AccreditationFactory(scope=[("casthouse", "DE"), ("casthouse", "FR")])
    france = accreditation.scope.get(country="FR")

    entry = services.accreditation_suspend(
        accreditation=accreditation,
        elements=[france],
        actor=staff_user,
        reason="Complaint under investigation",
        effective=D(2025, 5, 1),
    )

    assert entry == ModelLogEntry.objects.get(action="accreditation.suspended")
    assert _about(entry, Accreditation) and entry.object_id == str(accreditation.pk)
    assert (entry.user, entry.data["reason"]) == (staff_user, "Complaint under investigation")
    assert entry.data["element_ids"] == [france.pk]
    assert entry.data["effective_from"] == "2025-05-01"


def test_an_application_decision_is_logged_about_the_application(
    staff_user, django_capture_on_commit_callbacks
):
    application = _ready_application()

    with django_capture_on_commit_callbacks(execute=True):
        services.application_reject(application=application, actor=staff_user, reason="No CV")

    entry = ModelLogEntry.objects.get(action="accreditation.application.rejected")
    assert _about(entry, Application) and entry.object_id == str(application.pk)
    assert (entry.user, entry.data["reason"]) == (staff_user, "No CV")
    assert mail.outbox[-1].to == [application.auditor.user.email]
    assert "No CV" in mail.outbox[-1].body


def test_a_firm_decision_is_logged_about_the_firm_and_mailed_from_the_entry(
    staff_user, django_capture_on_commit_callbacks
):
    admin = AuditorFactory().user
    firm = FirmFactory(admins=[admin])

    with django_capture_on_commit_callbacks(execute=True):
        services.firm_accreditation_suspend(firm=firm, actor=staff_user, reason="Fee unpaid")

    entry = ModelLogEntry.objects.get(action="accreditation.firm.suspended")
    assert _about(entry, AuditFirm) and entry.object_id == str(firm.pk)
    assert (entry.user, entry.data["reason"], entry.data["firm"]) == (
        staff_user,
        "Fee unpaid",
        firm.pk,
    )
    assert mail.outbox[-1].to == [admin.email]
    assert mail.outbox[-1].subject.endswith("Firm accreditation suspended")
    assert f"Audit firm: {firm.name}" in mail.outbox[-1].body


def test_expiry_is_logged_with_no_actor(db):
    accreditation = AccreditationFactory(valid_from=D(2022, 1, 1), valid_until=D(2025, 3, 31))

    services.expire_due(on=D(2025, 4, 1))

    entry = ModelLogEntry.objects.get(action="accreditation.expired")
    assert entry.object_id == str(accreditation.pk)
    assert entry.user is None
    assert entry.data["reason"] == "The validity period ended."


# --- what is not a decision is logged too -------------------------------------------------


def test_submission_upload_and_consent_change_are_logged(staff_user):
    version = StandardVersionFactory(standard__code="CoC")
    requirement = RequirementFactory(programme=ProgrammeFactory(standard_version=version))
    application = ApplicationFactory(standard_version=version)
    auditor = application.auditor

    services.application_submit(application=application, by=auditor.user)
    evidence = services.evidence_upload(
        application=application,
        requirement=requirement,
        file=SimpleUploadedFile("cv.pdf", b"%PDF-1.4 test"),
        description="My CV",
    )
    services.auditor_profile_update(profile=auditor, listed_consent=False)
    services.auditor_profile_update(profile=auditor, listed_consent=False)  # no change

    submitted = ModelLogEntry.objects.get(action="accreditation.application.submitted")
    assert (submitted.object_id, submitted.user) == (str(application.pk), auditor.user)
    uploaded = ModelLogEntry.objects.get(action="accreditation.evidence.uploaded")
    assert (uploaded.object_id, uploaded.data["evidence"]) == (str(application.pk), evidence.pk)
    consent = ModelLogEntry.objects.get(action="accreditation.auditor.consent_changed")
    assert (consent.object_id, consent.data) == (str(auditor.pk), {"listed_consent": False})


# --- the pages that list decisions read the log -------------------------------------------


def test_decisions_about_an_application_include_the_grant_made_on_it(staff_user):
    application = _ready_application()
    accreditation = services.accreditation_grant(
        application=application, scope=[("casthouse", "DE")], actor=staff_user, reason="Complete"
    )
    services.accreditation_suspend(accreditation=accreditation, actor=staff_user, reason="Later")

    about_application = selectors.decisions_about(application=application)
    about_accreditation = selectors.decisions_about(accreditation=accreditation)

    assert [d.action for d in about_application] == ["accreditation.granted"]
    assert [d.action for d in about_accreditation] == [
        "accreditation.suspended",
        "accreditation.granted",
    ]
    granted = about_application[0]
    assert (granted.actor, granted.reason, granted.action_title) == (
        staff_user,
        "Complete",
        "Accreditation granted",
    )
    assert "reason" not in granted.payload and "application" not in granted.payload
    assert selectors.decisions_about(firm=accreditation.firm) == []


def test_the_auditor_sees_the_decisions_on_their_application(client, staff_user):
    application = _ready_application()
    services.application_reject(application=application, actor=staff_user, reason="No CV given")
    client.force_login(application.auditor.user)

    page = client.get(reverse("accreditation:application", args=[application.pk]))

    assert b"Application rejected: No CV given" in page.content


# --- staff read the log in the admin ------------------------------------------------------


def test_the_decisions_log_lists_entries_for_secretariat_staff_with_filters(
    staff_client, staff_user
):
    accreditation = AccreditationFactory()
    services.accreditation_suspend(
        accreditation=accreditation, actor=staff_user, reason="Complaint from a client"
    )
    services.firm_accreditation_suspend(
        firm=FirmFactory(name="Filtered Firm"), actor=staff_user, reason="Fee unpaid"
    )
    url = reverse("accreditation_decision:index")

    everything = staff_client.get(url)
    suspensions = staff_client.get(url, {"action": "accreditation.suspended"})
    by_date = staff_client.get(url, {"timestamp_from": "2000-01-01", "timestamp_to": "2000-12-31"})

    assert everything.status_code == 200
    assert b"Complaint from a client" in everything.content
    assert b"Filtered Firm" in everything.content
    assert b"Complaint from a client" in suspensions.content
    assert b"Filtered Firm" not in suspensions.content
    assert b"Complaint from a client" not in by_date.content
    export = staff_client.get(url, {"export": "csv"})
    assert b"Complaint from a client" in b"".join(export.streaming_content)


def test_the_decisions_log_is_in_the_admin_menu_and_for_staff_only(client, staff_client):
    assert b"Decisions log" in staff_client.get(reverse("wagtailadmin_home")).content
    client.force_login(AuditorFactory().user)

    response = client.get(reverse("accreditation_decision:index"))

    assert response.status_code in (302, 403)


def test_site_history_shows_accreditation_entries_to_secretariat_staff(staff_client, staff_user):
    firm = FirmFactory(name="History Firm")
    services.firm_accreditation_suspend(firm=firm, actor=staff_user, reason="Fee unpaid")

    page = staff_client.get(reverse("wagtailadmin_reports:site_history"))

    assert page.status_code == 200
    assert b"History Firm" in page.content
    assert b"Firm accreditation suspended" in page.content


# --- only registered actions --------------------------------------------------------------


def test_every_action_of_the_app_is_registered_with_its_label():
    for code, label in {**DECISION_ACTIONS, **EVENT_ACTIONS}.items():
        assert registry.action_exists(code), code
        assert registry.get_action_label(code) == label


def test_record_refuses_an_unregistered_action_and_record_decision_a_non_decision():
    firm = FirmFactory()

    with pytest.raises(audit.UnregisteredAction):
        audit.record("accreditation.firm.sold", instance=firm, reason="x")
    with pytest.raises(ValueError, match="not a decision"):
        services.record_decision(
            action="accreditation.evidence.uploaded", user=None, reason="x", firm=firm
        )
    assert not ModelLogEntry.objects.exists()


def test_record_decision_takes_the_importers_call(django_capture_on_commit_callbacks):
    accreditation = AccreditationFactory()

    with django_capture_on_commit_callbacks(execute=True):
        entry = services.record_decision(
            action="accreditation.imported",
            user=None,
            reason="Imported from the previous register (register.csv, line 2).",
            accreditation=accreditation,
            firm=accreditation.firm,
            data={"line": 2, "file": "register.csv"},
            notify=False,
        )

    assert entry.object_id == str(accreditation.pk) and entry.user is None
    assert entry.data["firm"] == accreditation.firm.pk and entry.data["line"] == 2
    assert mail.outbox == []
    assert [d.action for d in selectors.decisions_about(firm=accreditation.firm)] == [
        "accreditation.imported"
    ]


# --- the old decisions table moves into the log, and back ---------------------------------

BEFORE = [("accreditation", "0007_evidence_private_storage")]


def _comparable(entry: ModelLogEntry) -> tuple:
    return (
        entry.action,
        entry.content_type_id,
        entry.object_id,
        entry.label,
        entry.user_id,
        entry.timestamp,
        {k: v for k, v in entry.data.items() if k != "scope_changes"},
    )


@pytest.mark.django_db(transaction=True)
def test_the_decisions_table_moves_into_the_log_and_back(staff_user):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    application = _ready_application()
    accreditation = services.accreditation_grant(
        application=application, scope=[("casthouse", "DE")], actor=staff_user, reason="Complete"
    )
    services.accreditation_suspend(accreditation=accreditation, actor=staff_user, reason="Audit")
    services.firm_accreditation_suspend(firm=FirmFactory(), actor=staff_user, reason="Unpaid")
    services.application_reject(application=_ready_application(), actor=staff_user, reason="No CV")
    original = sorted(_comparable(e) for e in ModelLogEntry.objects.all())
    suspension_change = accreditation.scope.get().changes.get(status="suspended")

    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        Decision = old.get_model("accreditation", "Decision")
        decisions = {d.action: d for d in Decision.objects.all()}
        assert sorted(decisions) == [
            "accreditation.granted",
            "accreditation.suspended",
            "application.rejected",
            "firm.suspended",
        ]
        grant = decisions["accreditation.granted"]
        assert (grant.actor_id, grant.reason) == (staff_user.pk, "Complete")
        assert (grant.accreditation_id, grant.application_id) == (accreditation.pk, application.pk)
        assert grant.payload["elements"] == ["Casthouse — Germany"]
        assert "reason" not in grant.payload and "accreditation" not in grant.payload
        assert not ModelLogEntry.objects.filter(action__startswith="accreditation.").exists()
        old.get_model("accreditation", "ScopeStatusChange").objects.filter(
            pk=suspension_change.pk
        ).update(decision=decisions["accreditation.suspended"])
    finally:
        MigrationExecutor(connection).migrate(latest)

    assert sorted(_comparable(e) for e in ModelLogEntry.objects.all()) == original
    suspended = ModelLogEntry.objects.get(action="accreditation.suspended")
    assert suspended.data["scope_changes"] == [suspension_change.pk]
