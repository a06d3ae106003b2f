"""The requirements of a programme: when the person met each, and why one is not current
on a date (rule 5 of ``accreditation.selectors.eligibility``, which re-exports them)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from accreditation.models import Evidence, Requirement, StandardVersion
from accreditation.selectors.eligibility.reference import _as_date, add_months, months_between
from lms.formats import local_date

if TYPE_CHECKING:
    from accreditation.selectors.batch_eligibility import EligibilityFacts


# --- requirements ---------------------------------------------------------------------


def requirement_met_on(
    user, requirement: Requirement, on: datetime.date | None
) -> datetime.date | None:
    """The latest date on or before ``on`` the person met the requirement, or None.

    Asks the courses and quiz apps through their selectors only.
    """
    kind = requirement.kind
    if kind == Requirement.Kind.COURSE_COMPLETED:
        from courses.selectors import course_completed_on

        dates = []
        for course in (requirement.course, requirement.refresher_course):
            if course is not None:
                dates.append(_as_date(course_completed_on(user=user, course=course, on=on)))
        dates = [d for d in dates if d]
        return max(dates) if dates else None
    if kind in (Requirement.Kind.QUIZ_PASSED, Requirement.Kind.EXAM_PASSED):
        if requirement.quiz is None:
            return None
        from courses.quiz.selectors import passed_on

        return _as_date(
            passed_on(user=user, quiz=requirement.quiz, min_percent=requirement.min_percent, on=on)
        )
    if kind == Requirement.Kind.ASSIGNMENT_ACCEPTED:
        if requirement.assignment is None:
            return None
        from courses.selectors import assignment_accepted_on

        return _as_date(assignment_accepted_on(user=user, assignment=requirement.assignment, on=on))
    if kind == Requirement.Kind.EVIDENCE_ACCEPTED:
        reviewed = Evidence.objects.filter(
            application__auditor__user=user,
            requirement=requirement,
            status=Evidence.Status.ACCEPTED,
            reviewed_at__isnull=False,
        ).values_list("reviewed_at", flat=True)
        days = [timezone.localdate(at) for at in reviewed]
        days = [d for d in days if on is None or d <= on]
        return max(days) if days else None
    return None


def _not_met_text(requirement: Requirement) -> str:
    title = requirement.title
    kind = requirement.kind
    if kind == Requirement.Kind.COURSE_COMPLETED:
        return _("course “%(title)s” is not completed") % {"title": title}
    if kind == Requirement.Kind.QUIZ_PASSED:
        if requirement.min_percent is not None:
            return _("quiz “%(title)s” is not passed with at least %(percent)s %%") % {
                "title": title,
                "percent": f"{requirement.min_percent.normalize():f}",
            }
        return _("quiz “%(title)s” is not passed") % {"title": title}
    if kind == Requirement.Kind.EXAM_PASSED:
        return _("exam “%(title)s” is not passed") % {"title": title}
    if kind == Requirement.Kind.ASSIGNMENT_ACCEPTED:
        return _("assignment “%(title)s” is not accepted") % {"title": title}
    return _("evidence “%(title)s” is not accepted") % {"title": title}


def requirement_problem_on(
    user,
    requirement: Requirement,
    on: datetime.date,
    *,
    deadline: datetime.date | None = None,
    facts: EligibilityFacts | None = None,
) -> tuple[str | None, datetime.date | None]:
    """(Why the requirement is not current on ``on`` or None, the date it was met).

    ``facts``: what the rules read, already read for many people at once
    (``selectors.batch_eligibility``); without it, read here."""
    if facts is None:
        met_on = requirement_met_on(user, requirement, on)
    else:
        met_on = facts.met_on(user, requirement, on)
    if met_on is None:
        if requirement.is_transition and deadline:
            return (
                _("transition training “%(title)s” was required by %(date)s and is not done")
                % {"title": requirement.title, "date": local_date(deadline)},
                None,
            )
        return _not_met_text(requirement), None
    if requirement.recency_months and on > add_months(met_on, requirement.recency_months):
        age = months_between(met_on, on)
        if age <= requirement.recency_months:
            return (
                _("%(title)s is more than %(age)s months old; %(allowed)s allowed")
                % {"title": requirement.title, "age": age, "allowed": requirement.recency_months},
                met_on,
            )
        return (
            _("%(title)s is %(age)s months old; %(allowed)s allowed")
            % {"title": requirement.title, "age": age, "allowed": requirement.recency_months},
            met_on,
        )
    return None, met_on


def _applies_to_sector(requirement: Requirement, sector_ids: set[int]) -> bool:
    return requirement.sector_id is None or requirement.sector_id in sector_ids


def requirements_of(
    *, version: StandardVersion, sector_ids: set[int] | None = None
) -> list[Requirement]:
    """The requirements of the version's programme (none without a programme), in order;
    with ``sector_ids``, only those for every sector or for one of these sectors."""
    programme = getattr(version, "programme", None)
    if programme is None:
        return []
    requirements = programme.requirements.select_related(
        "course", "refresher_course", "quiz", "assignment", "sector"
    )
    return [r for r in requirements if sector_ids is None or _applies_to_sector(r, sector_ids)]
