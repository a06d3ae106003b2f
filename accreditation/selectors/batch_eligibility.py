"""The eligibility engine for many auditors at once, in a fixed number of queries.

``selectors.eligibility`` states the rules and answers one question at a time, reading what
it needs as it goes: a few queries per auditor, per scope element and per requirement.
Pages and reports that ask about many auditors (the firm admin's page, staff reports) read
everything the rules look at once, for all of them, into an ``EligibilityFacts``, and hand
it to the same rule functions (``check_accreditation_on``, ``requirement_problem_on``,
``answer_from_candidates``), which then make no query. The rules stay written once; this
module only decides what to read and how to look it up.

What is read, whatever the number of auditors, elements and requirements: the auditors'
affiliations with the firms concerned (1 query), the versions in force and every requirement
of the programmes concerned (2), the code of conduct (at most 2), and the dates each
requirement was met: course completions, final quiz and exam scores, accepted assignments
and accepted evidence (1 each, through the courses and quiz apps' selectors).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accreditation.models import (
    Accreditation,
    Affiliation,
    Application,
    AuditorProfile,
    Evidence,
    Requirement,
    Sector,
    Standard,
    StandardVersion,
)
from accreditation.selectors.eligibility import (
    Eligibility,
    _applies_to_sector,
    accreditations_with_scope,
    answer_from_candidates,
    conduct_problems_on,
)
from courses import selectors as courses
from courses.quiz import selectors as quiz

QUIZ_KINDS = (Requirement.Kind.QUIZ_PASSED, Requirement.Kind.EXAM_PASSED)


@dataclass
class EligibilityFacts:
    """Everything the eligibility rules read about a set of auditors on one date, read in a
    fixed number of queries (``read``). Hand it as ``facts=`` to the rule functions of
    ``selectors.eligibility``; they then look things up here instead of querying."""

    on: datetime.date
    affiliations: dict[tuple[int, int], list[Affiliation]] = field(default_factory=dict)
    requirements: dict[int, list[Requirement]] = field(default_factory=dict)  # by version
    in_force: dict[int, StandardVersion | None] = field(default_factory=dict)  # by standard
    conduct: dict[int, str] = field(default_factory=dict)  # by auditor: why not
    completions: dict[tuple[int, int], list[datetime.date]] = field(default_factory=dict)
    scores: dict[tuple[int, int], list[tuple[datetime.datetime, object]]] = field(
        default_factory=dict
    )
    acceptances: dict[tuple[int, int], list[datetime.datetime]] = field(default_factory=dict)
    evidence: dict[tuple[int, int], list[datetime.datetime]] = field(default_factory=dict)

    @classmethod
    def read(
        cls,
        *,
        on: datetime.date,
        accreditations: Iterable[Accreditation] = (),
        applications: Iterable[Application] = (),
    ) -> EligibilityFacts:
        """The facts about the holders of ``accreditations`` (with their firms, scope and
        programme versions) and the applicants of ``applications`` on ``on``. Accreditations
        need ``auditor`` and ``standard_version`` loaded (``accreditations_with_scope`` does),
        applications ``auditor`` and ``standard_version``."""
        accreditations = list(accreditations)
        applications = list(applications)
        facts = cls(on=on)
        pairs = {(a.auditor_id, a.firm_id) for a in accreditations}
        if pairs:
            rows = Affiliation.objects.filter(
                auditor_id__in={auditor for auditor, _firm in pairs},
                firm_id__in={firm for _auditor, firm in pairs},
            )
            affiliations: dict[tuple[int, int], list[Affiliation]] = defaultdict(list)
            for row in rows:
                affiliations[(row.auditor_id, row.firm_id)].append(row)
            facts.affiliations = dict(affiliations)
        auditor_ids = {a.auditor_id for a in accreditations} | {a.auditor_id for a in applications}
        if auditor_ids:
            facts.conduct = conduct_problems_on(auditor_ids, on)
        versions = {a.standard_version for a in accreditations} | {
            a.standard_version for a in applications
        }
        standard_ids = {v.standard_id for v in versions}
        if standard_ids:
            facts.in_force = _versions_in_force(standard_ids, on)
        version_ids = {v.pk for v in versions} | {v.pk for v in facts.in_force.values() if v}
        by_version: dict[int, list[Requirement]] = {pk: [] for pk in version_ids}
        if version_ids:
            requirements = Requirement.objects.filter(
                programme__standard_version_id__in=version_ids
            ).select_related(
                "programme", "course", "refresher_course", "quiz", "assignment", "sector"
            )
            for requirement in requirements:  # in the model's order, as requirements_of
                by_version[requirement.programme.standard_version_id].append(requirement)
        facts.requirements = by_version
        user_ids = {a.auditor.user_id for a in accreditations} | {
            a.auditor.user_id for a in applications
        }
        facts._read_dates(user_ids, [r for rows in by_version.values() for r in rows])
        return facts

    def _read_dates(self, user_ids: set[int], requirements: list[Requirement]) -> None:
        course_ids, quiz_ids, assignment_ids, evidence_ids = set(), set(), set(), set()
        for r in requirements:
            if r.kind == Requirement.Kind.COURSE_COMPLETED:
                course_ids |= {pk for pk in (r.course_id, r.refresher_course_id) if pk}
            elif r.kind in QUIZ_KINDS and r.quiz_id:
                quiz_ids.add(r.quiz_id)
            elif r.kind == Requirement.Kind.ASSIGNMENT_ACCEPTED and r.assignment_id:
                assignment_ids.add(r.assignment_id)
            elif r.kind == Requirement.Kind.EVIDENCE_ACCEPTED:
                evidence_ids.add(r.pk)
        self.completions = courses.completion_dates(user_ids=user_ids, course_ids=course_ids)
        self.scores = quiz.final_scores(user_ids=user_ids, quiz_ids=quiz_ids)
        self.acceptances = courses.acceptance_times(
            user_ids=user_ids, assignment_ids=assignment_ids
        )
        if user_ids and evidence_ids:
            rows = Evidence.objects.filter(
                application__auditor__user_id__in=user_ids,
                requirement_id__in=evidence_ids,
                status=Evidence.Status.ACCEPTED,
                reviewed_at__isnull=False,
            ).values_list("application__auditor__user_id", "requirement_id", "reviewed_at")
            for user_id, requirement_id, reviewed_at in rows:
                self.evidence.setdefault((user_id, requirement_id), []).append(reviewed_at)

    # --- what the rule functions look up -------------------------------------------------

    def affiliations_of(self, accreditation: Accreditation) -> list[Affiliation]:
        return self.affiliations.get((accreditation.auditor_id, accreditation.firm_id), [])

    def conduct_of(self, auditor_id: int) -> str | None:
        return self.conduct.get(auditor_id)

    def version_in_force(self, standard_id: int) -> StandardVersion | None:
        return self.in_force.get(standard_id)

    def requirements_of(
        self, *, version: StandardVersion, sector_ids: set[int] | None = None
    ) -> list[Requirement]:
        """As ``eligibility.requirements_of``, from what was read."""
        rows = self.requirements.get(version.pk)
        if rows is None:
            raise LookupError(f"requirements of version {version.pk} were not read")
        return [r for r in rows if sector_ids is None or _applies_to_sector(r, sector_ids)]

    def met_on(self, user, requirement: Requirement, on: datetime.date) -> datetime.date | None:
        """As ``eligibility.requirement_met_on``, from what was read."""
        kind, user_id = requirement.kind, user.pk
        if kind == Requirement.Kind.COURSE_COMPLETED:
            dates = [
                max(days)
                for course_id in (requirement.course_id, requirement.refresher_course_id)
                if course_id
                and (
                    days := [
                        d
                        for d in self.completions.get((user_id, course_id), [])
                        if on is None or d <= on
                    ]
                )
            ]
            return max(dates) if dates else None
        if kind in QUIZ_KINDS:
            if requirement.quiz is None:
                return None
            pass_mark = requirement.quiz.pass_mark
            minimum = requirement.min_percent
            threshold = pass_mark if minimum is None else max(minimum, pass_mark)
            end = None if on is None else _end_of_day(on)
            times = [
                at
                for at, percent in self.scores.get((user_id, requirement.quiz_id), [])
                if percent >= threshold and (end is None or at < end)
            ]
            return timezone.localdate(max(times)) if times else None
        if kind == Requirement.Kind.ASSIGNMENT_ACCEPTED:
            if requirement.assignment_id is None:
                return None
            days = [
                at.date()
                for at in self.acceptances.get((user_id, requirement.assignment_id), [])
                if on is None or at.date() <= on
            ]
            return max(days) if days else None
        if kind == Requirement.Kind.EVIDENCE_ACCEPTED:
            days = [
                timezone.localdate(at) for at in self.evidence.get((user_id, requirement.pk), [])
            ]
            days = [d for d in days if on is None or d <= on]
            return max(days) if days else None
        return None


def _end_of_day(on: datetime.date) -> datetime.datetime:
    """The first instant after ``on`` in the site's time zone (as ``quiz.passed_on``)."""
    return timezone.make_aware(
        datetime.datetime.combine(on + datetime.timedelta(days=1), datetime.time.min)
    )


def _versions_in_force(
    standard_ids: set[int], on: datetime.date
) -> dict[int, StandardVersion | None]:
    """{standard id: its version in force on ``on``} (``eligibility.version_in_force``)."""
    in_force: dict[int, StandardVersion | None] = dict.fromkeys(standard_ids)
    versions = (
        StandardVersion.objects.filter(standard_id__in=standard_ids, effective_from__lte=on)
        .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=on))
        .order_by("-effective_from")
    )
    for version in versions:
        if in_force[version.standard_id] is None:
            in_force[version.standard_id] = version
    return in_force


# --- many questions at once -------------------------------------------------------------


def check_eligibility_many(
    questions: Iterable[tuple[object, str, str, str]], on: datetime.date | None = None
) -> list[Eligibility]:
    """``check_eligibility(user, standard, sector, country, on)`` for each question
    (user, standard code, sector slug, country), the same answers in the same order, in
    a fixed number of queries whatever the number of questions."""
    on = on or timezone.localdate()
    questions = list(questions)
    standards = {s.code.lower(): s for s in Standard.objects.all()}
    sectors = {(s.standard_id, s.slug): s for s in Sector.objects.select_related("standard")}
    user_ids = {user.pk for user, *_rest in questions if user is not None and user.is_authenticated}
    profiles = {p.user_id: p for p in AuditorProfile.objects.filter(user_id__in=user_ids)}
    candidates: dict[tuple[int, int], list[Accreditation]] = defaultdict(list)
    accreditations = list(accreditations_with_scope().filter(auditor__in=profiles.values()))
    for accreditation in accreditations:
        key = (accreditation.auditor_id, accreditation.standard_version.standard_id)
        candidates[key].append(accreditation)
    facts = EligibilityFacts.read(on=on, accreditations=accreditations)
    answers = []
    for user, standard, sector, country in questions:
        country = (country or "").upper()
        answer = Eligibility(eligible=False, on=on, country=country)
        answers.append(answer)
        standard_obj = standards.get(str(standard).lower())
        if standard_obj is None:
            answer.reasons.append(_("there is no standard “%(code)s”") % {"code": standard})
            continue
        answer.standard = standard_obj
        sector_obj = sectors.get((standard_obj.pk, sector))
        if sector_obj is None:
            answer.reasons.append(
                _("“%(sector)s” is not a sector of the %(standard)s")
                % {"sector": sector, "standard": standard_obj.name}
            )
            continue
        answer.sector = sector_obj
        profile = profiles.get(user.pk) if user is not None and user.is_authenticated else None
        if profile is None:
            answer.reasons.append(_("the person has no auditor profile"))
            continue
        held = candidates.get((profile.pk, standard_obj.pk))
        if not held:
            answer.reasons.append(
                _("no accreditation for the %(standard)s") % {"standard": standard_obj.name}
            )
            continue
        answer_from_candidates(  # the standard's version in force was read with ``held``
            answer,
            held,
            version=facts.version_in_force(standard_obj.pk),
            conduct=facts.conduct_of(profile.pk),
            facts=facts,
        )
    return answers
