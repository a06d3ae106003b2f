"""The application workflow, staff decisions and the decisions log they write."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import ModelLogEntry

from accreditation import cache as register_cache
from accreditation import services
from accreditation.models import (
    Application,
    Evidence,
    Requirement,
    ScopeStatus,
)
from accreditation.selectors import (
    accreditation_status_on,
    check_eligibility,
    requirements_status,
    scope_on,
)
from tests.accreditation.factories import (
    AccreditationFactory,
    ApplicationFactory,
    AuditorFactory,
    FirmFactory,
    ProgrammeFactory,
    RequirementFactory,
    StandardVersionFactory,
    sector_for,
)
from tests.factories import SecretariatFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def staff(db):
    return SecretariatFactory()


def _pdf():
    return SimpleUploadedFile("cv.pdf", b"%PDF-1.4 test", content_type="application/pdf")


def _programme_with_evidence_and_course(version, course):
    programme = ProgrammeFactory(standard_version=version)
    cv = RequirementFactory(programme=programme, title="CV with audit days")
    core = RequirementFactory(
        programme=programme, kind=Requirement.Kind.COURSE_COMPLETED, title="Core", course=course
    )
    return cv, core


def test_application_moves_by_itself_to_ready_for_review_when_all_is_met(
    staff, training, course, django_capture_on_commit_callbacks
):
    version = StandardVersionFactory(standard__code="CoC")
    cv, core = _programme_with_evidence_and_course(version, course)
    auditor = AuditorFactory()
    application = services.application_create(
        auditor=auditor,
        firm=FirmFactory(),
        standard_version=version,
        sectors=[sector_for("CoC", "casthouse")],
        countries=["gn", "DE"],
    )
    assert application.status == Application.Status.DRAFT
    assert application.countries == ["DE", "GN"]
    services.application_submit(application=application, by=auditor.user)
    assert application.status == Application.Status.IN_TRAINING
    statuses = requirements_status(application=application)
    assert [(s.requirement.title, s.met) for s in statuses] == [
        ("CV with audit days", False),
        ("Core", False),
    ]
    assert statuses[1].url == course.get_absolute_url()
    assert "evidence" in statuses[0].url
    evidence = services.evidence_upload(
        application=application, requirement=cv, file=_pdf(), description="My CV"
    )
    assert requirements_status(application=application)[0].detail.startswith("Evidence uploaded")
    training.completed(auditor.user, course, D(2024, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_review(evidence=evidence, actor=staff, accept=True, reason="Enough days")
    application.refresh_from_db()
    assert application.status == Application.Status.READY_FOR_REVIEW
    assert list(application.history.values_list("to_status", flat=True)) == [
        "draft",
        "submitted",
        "in_training",
        "ready_for_review",
    ]
    decision = ModelLogEntry.objects.get(action="accreditation.evidence.accepted")
    assert (decision.user, decision.data["reason"]) == (staff, "Enough days")
    assert decision.object_id == str(application.pk)
    assert mail.outbox[-1].to == [auditor.user.email]


def test_application_rejects_sectors_outside_the_version_vocabulary():
    version = StandardVersionFactory(standard__code="PS")
    with pytest.raises(services.AccreditationError, match="Not sectors of"):
        services.application_create(
            auditor=AuditorFactory(),
            firm=FirmFactory(),
            standard_version=version,
            sectors=[sector_for("CoC", "post-casthouse")],
            countries=["DE"],
        )


def _ready_application(**kwargs):
    application = ApplicationFactory(
        standard_version=StandardVersionFactory(standard__code="CoC"),
        sectors=["casthouse", "post-casthouse"],
        countries=["DE", "GN"],
        **kwargs,
    )
    application.status = Application.Status.READY_FOR_REVIEW
    application.save()
    return application


def test_grant_of_part_of_the_requested_scope_creates_elements_and_a_decision(
    staff, django_capture_on_commit_callbacks
):
    application = _ready_application()
    generation = register_cache.generation()
    with django_capture_on_commit_callbacks(execute=True):
        accreditation = services.accreditation_grant(
            application=application,
            scope=[("casthouse", "GN"), ("casthouse", "DE")],
            actor=staff,
            reason="Training and exam complete; post-casthouse experience too thin",
            valid_from=D(2025, 1, 1),
            valid_until=D(2027, 12, 31),
        )
    assert sorted(accreditation.scope.values_list("sector__slug", "country")) == [
        ("casthouse", "DE"),
        ("casthouse", "GN"),
    ]
    application.refresh_from_db()
    assert application.status == Application.Status.GRANTED
    decision = ModelLogEntry.objects.get(action="accreditation.granted")
    assert decision.user == staff and decision.object_id == str(accreditation.pk)
    assert (decision.data["accreditation"], decision.data["application"]) == (
        accreditation.pk,
        application.pk,
    )
    assert len(decision.data["not_granted"]) == 2
    assert register_cache.generation() != generation  # the register is purged after commit
    assert mail.outbox[-1].subject == "[ASI Learning] Accreditation granted"
    user = application.auditor.user
    assert check_eligibility(user, "CoC", "casthouse", "GN", D(2025, 6, 1)).eligible
    assert not check_eligibility(user, "CoC", "post-casthouse", "GN", D(2025, 6, 1)).eligible


def test_grant_needs_ready_status_requested_scope_and_a_reason(staff):
    application = _ready_application()
    with pytest.raises(services.AccreditationError, match="reason"):
        services.accreditation_grant(
            application=application, scope=[("casthouse", "GN")], actor=staff, reason="  "
        )
    with pytest.raises(services.AccreditationError, match="was not requested"):
        services.accreditation_grant(
            application=application, scope=[("casthouse", "FR")], actor=staff, reason="ok"
        )
    application.status = Application.Status.IN_TRAINING
    application.save()
    with pytest.raises(services.AccreditationError, match="ready for review"):
        services.accreditation_grant(
            application=application, scope=[("casthouse", "GN")], actor=staff, reason="ok"
        )


def test_grant_default_validity_comes_from_the_programme(staff):
    application = _ready_application()
    ProgrammeFactory(standard_version=application.standard_version)
    accreditation = services.accreditation_grant(
        application=application,
        scope=[("casthouse", "GN")],
        actor=staff,
        reason="ok",
        valid_from=D(2025, 2, 1),
    )
    assert accreditation.scope.get().valid_until == D(2028, 1, 31)


def test_reject_needs_a_reason_and_is_logged(staff, django_capture_on_commit_callbacks):
    application = _ready_application()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_reject(application=application, actor=staff, reason="No CV")
    assert application.status == Application.Status.REJECTED
    decision = ModelLogEntry.objects.get(action="accreditation.application.rejected")
    assert decision.data["reason"] == "No CV"
    assert mail.outbox[-1].subject == "[ASI Learning] Application rejected"


def test_suspend_part_of_scope_leaves_the_rest_active(staff):
    accreditation = AccreditationFactory(scope=[("casthouse", "DE"), ("casthouse", "FR")])
    france = accreditation.scope.get(country="FR")
    services.accreditation_suspend(
        accreditation=accreditation, elements=[france], actor=staff, reason="Complaint"
    )
    statuses = {v.element.country: v.status for v in scope_on(accreditation)}
    assert statuses == {"DE": ScopeStatus.ACTIVE, "FR": ScopeStatus.SUSPENDED}
    assert accreditation_status_on(accreditation) == ScopeStatus.ACTIVE
    with pytest.raises(services.AccreditationError):
        services.accreditation_reinstate(
            accreditation=accreditation,
            elements=[accreditation.scope.get(country="DE")],
            actor=staff,
            reason="x",
        )


def test_withdrawn_elements_cannot_be_reinstated_or_renewed(staff):
    accreditation = AccreditationFactory()
    services.accreditation_withdraw(accreditation=accreditation, actor=staff, reason="Fraud")
    with pytest.raises(services.AccreditationError):
        services.accreditation_reinstate(accreditation=accreditation, actor=staff, reason="x")
    with pytest.raises(services.AccreditationError):
        services.accreditation_renew(accreditation=accreditation, actor=staff, reason="x")


def test_renew_before_expiry_extends_without_a_gap(staff):
    accreditation = AccreditationFactory(valid_from=D(2023, 1, 1), valid_until=D(2025, 12, 31))
    services.accreditation_renew(
        accreditation=accreditation,
        actor=staff,
        reason="Refresher done",
        valid_until=D(2028, 12, 31),
        on=D(2025, 11, 1),
    )
    element = accreditation.scope.get()
    assert element.valid_until == D(2028, 12, 31)
    decision = ModelLogEntry.objects.get(action="accreditation.renewed")
    assert decision.data["previous_valid_until"] == {str(element.pk): "2025-12-31"}
    assert check_eligibility(
        accreditation.auditor.user, "PS", "casthouse", "DE", D(2026, 1, 1)
    ).eligible


def test_every_decision_needs_a_reason_and_the_log_is_append_only(staff):
    accreditation = AccreditationFactory()
    for service in (
        services.accreditation_suspend,
        services.accreditation_withdraw,
        services.accreditation_renew,
    ):
        with pytest.raises(services.AccreditationError, match="reason"):
            service(accreditation=accreditation, actor=staff, reason="")
    assert not ModelLogEntry.objects.exists()
    suspended = services.accreditation_suspend(
        accreditation=accreditation, actor=staff, reason="Complaint"
    )
    services.accreditation_reinstate(accreditation=accreditation, actor=staff, reason="Cleared")
    entries = ModelLogEntry.objects.order_by("pk")
    assert [(e.action, e.data["reason"]) for e in entries] == [
        ("accreditation.suspended", "Complaint"),
        ("accreditation.reinstated", "Cleared"),
    ]
    assert entries[0].pk == suspended.pk and entries[0].timestamp == suspended.timestamp


def test_firm_decisions_are_logged_and_mailed_to_firm_admins(
    staff, django_capture_on_commit_callbacks
):
    admin = AuditorFactory().user
    firm = FirmFactory(period=False, admins=[admin])
    with django_capture_on_commit_callbacks(execute=True):
        period = services.firm_accreditation_grant(
            firm=firm, actor=staff, reason="17065 accredited", valid_from=D(2025, 1, 1)
        )
    assert (period.valid_from, period.valid_until) == (D(2025, 1, 1), D(2025, 12, 31))
    services.firm_accreditation_suspend(firm=firm, actor=staff, reason="Unpaid fee")
    with pytest.raises(services.AccreditationError):
        services.firm_accreditation_suspend(firm=firm, actor=staff, reason="again")
    services.firm_accreditation_reinstate(firm=firm, actor=staff, reason="Paid")
    services.firm_accreditation_withdraw(firm=firm, actor=staff, reason="Closed")
    assert list(
        ModelLogEntry.objects.filter(data__firm=firm.pk)
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "accreditation.firm.granted",
        "accreditation.firm.suspended",
        "accreditation.firm.reinstated",
        "accreditation.firm.withdrawn",
    ]
    assert mail.outbox[0].to == [admin.email]


def test_firm_yearly_renewal_continues_the_last_period(staff):
    today = datetime.date.today()
    firm = FirmFactory(
        period=(today - datetime.timedelta(days=300), today + datetime.timedelta(days=64))
    )
    period = services.firm_accreditation_renew(firm=firm, actor=staff, reason="Fee paid")
    assert period.valid_from == today + datetime.timedelta(days=65)
    assert ModelLogEntry.objects.filter(
        data__firm=firm.pk, action="accreditation.firm.renewed"
    ).exists()


def test_evidence_rejection_is_logged_and_keeps_the_requirement_unmet(staff):
    application = _ready_application()
    requirement = RequirementFactory(
        programme=ProgrammeFactory(standard_version=application.standard_version)
    )
    evidence = services.evidence_upload(
        application=application, requirement=requirement, file=_pdf(), description="CV"
    )
    services.evidence_review(evidence=evidence, actor=staff, accept=False, reason="Unreadable")
    evidence.refresh_from_db()
    assert evidence.status == Evidence.Status.REJECTED
    application.refresh_from_db()
    assert application.status == Application.Status.IN_TRAINING
    with pytest.raises(services.AccreditationError):
        services.evidence_review(evidence=evidence, actor=staff, accept=True, reason="x")
