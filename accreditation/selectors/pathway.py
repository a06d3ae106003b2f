"""The guided path to accreditation a person follows after signing up, with their progress
(reads only): the dashboard's "Becoming an accredited auditor" panel.

The steps follow the public "How to become an accredited auditor" page: the auditor
profile with register consent, a standard and a firm (an application and a confirmed
affiliation), the course, the practice quiz, the exam (the application's programme
requirements of those kinds), then the application sent for review and decided. A step
with nothing to do for this programme (no practice quiz required, say) is left out. A
version of the code of conduct still to accept is shown above the steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from accreditation.models import Affiliation, Application, AuditorProfile, Requirement
from accreditation.selectors.applications import requirements_status
from accreditation.selectors.conduct import ConductPrompt, conduct_to_accept
from lms.permissions import is_secretariat

OPEN_STATUSES = (
    Application.Status.DRAFT,
    Application.Status.SUBMITTED,
    Application.Status.IN_TRAINING,
    Application.Status.READY_FOR_REVIEW,
)
# Requirement kinds by the step that shows them.
STEP_KINDS = {
    "course": (Requirement.Kind.COURSE_COMPLETED, Requirement.Kind.ASSIGNMENT_ACCEPTED),
    "practice": (Requirement.Kind.QUIZ_PASSED,),
    "exam": (Requirement.Kind.EXAM_PASSED,),
}


@dataclass
class PathStep:
    key: str
    title: str
    done: bool
    detail: str = ""
    url: str | None = None
    link_label: str = ""


@dataclass
class AuditorPath:
    steps: list[PathStep] = field(default_factory=list)
    application: Application | None = None
    # A code of conduct version to accept (shown above the steps, even once they are done).
    conduct: ConductPrompt | None = None

    @property
    def done_count(self) -> int:
        return sum(1 for step in self.steps if step.done)

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / self.total) if self.total else 0

    @property
    def next_step(self) -> PathStep | None:
        return next((step for step in self.steps if not step.done), None)

    @property
    def complete(self) -> bool:
        return self.next_step is None


def _current_application(user) -> Application | None:
    """The application the path follows: the newest open one, else the newest granted."""
    applications = Application.objects.filter(auditor__user=user).select_related(
        "firm", "standard_version__standard", "auditor__user"
    )
    open_one = applications.filter(status__in=OPEN_STATUSES).order_by("-created_at", "-pk").first()
    if open_one is not None:
        return open_one
    return (
        applications.filter(status=Application.Status.GRANTED)
        .order_by("-created_at", "-pk")
        .first()
    )


def _firm_detail(application: Application) -> tuple[bool, str]:
    affiliation = (
        Affiliation.objects.filter(auditor=application.auditor, firm=application.firm)
        .order_by("-pk")
        .first()
    )
    confirmed = affiliation is not None and affiliation.status == Affiliation.Status.CONFIRMED
    text = _("%(version)s with %(firm)s") % {
        "version": application.standard_version,
        "firm": application.firm,
    }
    if affiliation is not None and affiliation.status == Affiliation.Status.PENDING:
        text += " · " + _("waiting for the firm to confirm you")
    elif affiliation is not None and affiliation.status == Affiliation.Status.DECLINED:
        text += " · " + _("the firm declined: choose another firm")
    return confirmed, text


def auditor_path(*, user) -> AuditorPath | None:
    """The person's path to accreditation, or None for people it is not for (signed out,
    staff, members of a member organisation who have not started it)."""
    if not getattr(user, "is_authenticated", False) or user.is_staff or is_secretariat(user):
        return None
    profile = AuditorProfile.objects.filter(user=user).first()
    has_profile = profile is not None
    application = _current_application(user)
    if not has_profile and application is None and user.organisation_id:
        return None
    path = AuditorPath(application=application, conduct=conduct_to_accept(auditor=profile))
    path.steps.append(
        PathStep(
            key="profile",
            title=_("Auditor profile and register consent"),
            done=has_profile,
            url=reverse("accreditation:profile"),
            link_label=_("Edit your profile") if has_profile else _("Fill in your profile"),
        )
    )
    if application is None:
        path.steps.append(
            PathStep(
                key="choose",
                title=_("Choose a standard and your audit firm"),
                done=False,
                url=reverse("accreditation:apply_choose"),
                link_label=_("Start an application"),
            )
        )
        for key, title in (
            ("course", _("Auditor training course")),
            ("practice", _("Practice quiz")),
            ("exam", _("Accreditation exam")),
            ("application", _("Application reviewed by the secretariat")),
        ):
            path.steps.append(PathStep(key=key, title=title, done=False))
        return path

    confirmed, firm_text = _firm_detail(application)
    path.steps.append(
        PathStep(
            key="choose",
            title=_("Choose a standard and your audit firm"),
            done=confirmed,
            detail=firm_text,
            url=reverse("accreditation:application", kwargs={"pk": application.pk}),
            link_label=_("Your application"),
        )
    )
    statuses = requirements_status(application=application)
    for key, title in (
        ("course", _("Auditor training course")),
        ("practice", _("Practice quiz")),
        ("exam", _("Accreditation exam")),
    ):
        mine = [s for s in statuses if s.requirement.kind in STEP_KINDS[key]]
        if not mine:
            continue
        first_open = next((s for s in mine if not s.met), None)
        shown = first_open or mine[-1]
        path.steps.append(
            PathStep(
                key=key,
                title=title,
                done=first_open is None,
                detail=shown.detail,
                url=shown.url,
                link_label=_("Go to it") if first_open else _("Open"),
            )
        )
    granted = application.status == Application.Status.GRANTED
    sent = application.status != Application.Status.DRAFT
    if granted:
        detail = _("Granted: you are accredited.")
    elif sent:
        detail = _("Sent; status: %(status)s") % {"status": application.get_status_display()}
    else:
        detail = _("Not sent yet: send it once the steps above are done.")
    path.steps.append(
        PathStep(
            key="application",
            title=_("Application reviewed by the secretariat"),
            done=granted,
            detail=detail,
            url=reverse("accreditation:application", kwargs={"pk": application.pk}),
            link_label=_("Your application"),
        )
    )
    return path
