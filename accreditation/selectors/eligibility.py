"""Reads of the accreditation app, above all the eligibility engine.

``check_eligibility`` answers "may this auditor audit this standard, sector and country on
this date?" with every reason why not, for today or any past date, from the history rows
(scope status changes, firm periods and status changes, completion dates).

The rules, in order:

1. an accreditation for the standard (any version) whose scope holds the (sector, country)
   element, inside the element's dates and with status "active" on the date;
2. the auditor works for the firm on the date: an affiliation the firm confirmed, with the
   date between its ``since`` and ``until`` (a pending or declined request, or none, does
   not count; an ended one counts up to its last day);
3. the firm is accredited on the date: a firm period covers it and no suspension or
   withdrawal is in force. An imported accreditation counts its firm as accredited over
   the element's own dates, until staff record a suspension or withdrawal;
4. when the firm's own scope is recorded for the standard, it covers the sector and country;
5. every requirement of the accreditation's programme is current on the date (recency
   windows; sector-specific requirements only for that sector) and, after the transition
   deadline of the version in force on the date, its transition training is done.
   Imported accreditations skip requirement checks: their training history lives in the
   old system.

And one rule about the person, whatever the accreditation: once a code of conduct version
exists, the auditor has accepted the version in force on the date (an acceptance dated that
day or before; ``conduct_problems_on``). Imported accreditations too. While no version
exists, nothing is asked.

Payment is never looked at.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from accreditation.models import (
    Accreditation,
    Affiliation,
    AuditFirm,
    AuditorProfile,
    CodeOfConductAcceptance,
    CodeOfConductVersion,
    Evidence,
    FirmScopeElement,
    FirmStatusChange,
    Requirement,
    ScopeElement,
    ScopeStatus,
    ScopeStatusChange,
    Sector,
    Standard,
    StandardVersion,
)
from lms.formats import local_date

if TYPE_CHECKING:
    from accreditation.selectors.batch_eligibility import EligibilityFacts

# --- small date helpers ---------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months (the 31st becomes the month's last day)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(earlier: datetime.date, later: datetime.date) -> int:
    """Whole calendar months from ``earlier`` to ``later``."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return months


def _as_date(value) -> datetime.date | None:
    if value is None or value is False:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    return None


def _country_name(code: str) -> str:
    return str(countries.name(code) or code)


def element_label(*, sector: Sector, country: str) -> str:
    """A scope element in words, as decisions, e-mails and forms show it: "Casthouse — China"."""
    return f"{sector.name} — {_country_name(country)}"


# --- reference data -------------------------------------------------------------------


def resolve_standard(standard: Standard | str) -> Standard | None:
    if isinstance(standard, Standard):
        return standard
    return Standard.objects.filter(code__iexact=standard).first()


def resolve_sector(standard: Standard, sector: Sector | str) -> Sector | None:
    if isinstance(sector, Sector):
        return sector
    return Sector.objects.filter(standard=standard, slug=sector).first()


def version_in_force(standard: Standard, on: datetime.date) -> StandardVersion | None:
    """The version of ``standard`` in force on ``on`` (the latest that has started)."""
    return (
        StandardVersion.objects.filter(standard=standard, effective_from__lte=on)
        .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=on))
        .order_by("-effective_from")
        .first()
    )


def current_versions() -> QuerySet[StandardVersion]:
    """The versions in force today, one per standard (those auditors may apply for)."""
    today = timezone.localdate()
    ids = [
        version.pk
        for standard in Standard.objects.all()
        if (version := version_in_force(standard, today)) is not None
    ]
    return StandardVersion.objects.filter(pk__in=ids).select_related("standard")


# --- scope elements and firms on a date -----------------------------------------------


def element_status_on(
    element: ScopeElement, on: datetime.date
) -> tuple[str | None, datetime.date | None]:
    """The element's recorded status on ``on`` and the date it took effect (None: none yet).

    Dates are not applied here: see ``element_problem_on``.
    """
    latest = None
    for change in element.changes.all():  # ordered by effective_from, created_at, pk
        if change.effective_from <= on:
            latest = change
    if latest is None:
        return None, None
    return latest.status, latest.effective_from


def element_problem_on(element: ScopeElement, on: datetime.date) -> str | None:
    """Why the element is not active on ``on`` in plain words, or None when it is."""
    status, since = element_status_on(element, on)
    if status == ScopeStatus.ACTIVE and element.valid_from <= on <= element.valid_until:
        return None  # the common case, answered without putting any words together
    what = _("%(sector)s in %(country)s") % {
        "sector": element.sector.display_name,
        "country": _country_name(element.country),
    }
    if on < element.valid_from:
        return _("the accreditation for %(what)s starts on %(date)s") % {
            "what": what,
            "date": local_date(element.valid_from),
        }
    if status == ScopeStatus.SUSPENDED:
        return _("the accreditation for %(what)s was suspended on %(date)s") % {
            "what": what,
            "date": local_date(since),
        }
    if status == ScopeStatus.WITHDRAWN:
        return _("the accreditation for %(what)s was withdrawn on %(date)s") % {
            "what": what,
            "date": local_date(since),
        }
    if status == ScopeStatus.REDUCED:
        return _("%(what)s was removed from the accreditation's scope on %(date)s") % {
            "what": what,
            "date": local_date(since),
        }
    if on > element.valid_until:
        return _("the accreditation for %(what)s expired on %(date)s") % {
            "what": what,
            "date": local_date(element.valid_until),
        }
    if status == ScopeStatus.EXPIRED:
        return _("the accreditation for %(what)s expired on %(date)s") % {
            "what": what,
            "date": local_date(since - datetime.timedelta(days=1)),
        }
    if status is None:
        return _("the accreditation for %(what)s was not yet active") % {"what": what}
    return None


def element_active_on(element: ScopeElement, on: datetime.date) -> bool:
    return element_problem_on(element, on) is None


def firm_status_on(firm: AuditFirm, on: datetime.date) -> tuple[str, datetime.date | None]:
    """The firm's recorded status on ``on`` (active unless a suspension/withdrawal is in
    force) and the date it took effect."""
    latest = None
    for change in firm.status_changes.all():
        if change.effective_from <= on:
            latest = change
    if latest is None:
        return FirmStatusChange.Status.ACTIVE, None
    return latest.status, latest.effective_from


def firm_problem_on(
    firm: AuditFirm,
    on: datetime.date,
    *,
    own_dates: tuple[datetime.date, datetime.date] | None = None,
) -> str | None:
    """Why the firm is not accredited on ``on``, or None when it is.

    ``own_dates``: an imported accreditation's dates, over which its firm counts as
    accredited (unless a suspension or withdrawal is recorded).
    """
    status, since = firm_status_on(firm, on)
    if status == FirmStatusChange.Status.SUSPENDED:
        return _("the firm's accreditation was suspended on %(date)s") % {"date": local_date(since)}
    if status == FirmStatusChange.Status.WITHDRAWN:
        return _("the firm's accreditation was withdrawn on %(date)s") % {"date": local_date(since)}
    periods = list(firm.periods.all())
    if any(p.valid_from <= on <= p.valid_until for p in periods):
        return None
    if own_dates and own_dates[0] <= on <= own_dates[1]:
        return None
    ended = [p.valid_until for p in periods if p.valid_until < on]
    if ended:
        return _("the firm's accreditation expired on %(date)s") % {"date": local_date(max(ended))}
    starts = [p.valid_from for p in periods if p.valid_from > on]
    if starts:
        return _("the firm's accreditation starts on %(date)s") % {"date": local_date(min(starts))}
    return _("the firm holds no accreditation")


def firm_accredited_on(firm: AuditFirm, on: datetime.date | None = None) -> bool:
    return firm_problem_on(firm, on or timezone.localdate()) is None


def _firm_scope_by_standard(firm: AuditFirm) -> dict[int, dict[tuple[int, str], list]]:
    """The firm's own scope rows by standard, then by (sector, country), built once per firm
    instance (a firm's scope can hold a thousand rows; the register asks about every
    element of every auditor of the firm)."""
    index = getattr(firm, "_scope_by_standard", None)
    if index is not None:
        return index
    index = {}
    for row in firm.scope.all():
        by_element = index.setdefault(row.sector.standard_id, {})
        by_element.setdefault((row.sector_id, str(row.country)), []).append(row)
    if "scope" in getattr(firm, "_prefetched_objects_cache", {}):
        firm._scope_by_standard = index  # only a prefetched scope is fixed for the instance
    return index


def firm_scope_problem_on(
    firm: AuditFirm, standard: Standard, sector: Sector, country: str, on: datetime.date
) -> str | None:
    """When the firm's own scope is recorded for the standard, it must cover the element."""
    by_element = _firm_scope_by_standard(firm).get(standard.pk)
    if not by_element:
        return None
    for row in by_element.get((sector.pk, str(country)), []):
        if row.valid_from <= on and (row.valid_until is None or on <= row.valid_until):
            return None
    return _("the firm's own scope does not cover %(sector)s in %(country)s") % {
        "sector": sector.display_name,
        "country": _country_name(country),
    }


def affiliation_problem_on(
    auditor: AuditorProfile,
    firm: AuditFirm,
    on: datetime.date,
    *,
    rows: list[Affiliation] | None = None,
) -> str | None:
    """Why the auditor does not count as working for ``firm`` on ``on``, or None when a
    confirmed affiliation covers the date (the firm's confirmation is what counts; a
    pending or declined request does not).

    ``rows``: the auditor's affiliation rows with this firm, when the caller read them
    already (the register's refresh reads them for many auditors at once)."""
    if rows is None:
        rows = list(Affiliation.objects.filter(auditor=auditor, firm=firm))
    if any(row.counts_on(on) for row in rows):
        return None
    confirmed = [row for row in rows if row.status == Affiliation.Status.CONFIRMED]
    left = [row.until for row in confirmed if row.until and row.until < on]
    if left:
        return _("the auditor left %(firm)s on %(date)s") % {
            "firm": firm.name,
            "date": local_date(max(left)),
        }
    joined = [row.since for row in confirmed if row.since and row.since > on]
    if joined:
        return _("the auditor joined %(firm)s only on %(date)s") % {
            "firm": firm.name,
            "date": local_date(min(joined)),
        }
    statuses = {row.status for row in rows}
    if Affiliation.Status.PENDING in statuses:
        return _("%(firm)s has not yet confirmed that the auditor works for it") % {
            "firm": firm.name
        }
    if Affiliation.Status.DECLINED in statuses:
        return _("%(firm)s declined the auditor's request to work for it") % {"firm": firm.name}
    return _("the auditor does not work for %(firm)s") % {"firm": firm.name}


# --- the code of conduct --------------------------------------------------------------


def conduct_problems_on(auditor_ids: Iterable[int], on: datetime.date) -> dict[int, str]:
    """{auditor id: why not} for those of ``auditor_ids`` who had not accepted, by the end
    of ``on``, the code of conduct version in force on ``on``; empty when every one had, or
    when no version is in force. Two queries at most, whatever the number of auditors."""
    version = CodeOfConductVersion.objects.in_force_on(on)
    if version is None:
        return {}
    ids = set(auditor_ids)
    accepted = set(
        CodeOfConductAcceptance.objects.accepted_by(on)
        .filter(version=version, auditor_id__in=ids)
        .values_list("auditor_id", flat=True)
    )
    reason = _(
        "the auditor has not accepted version %(version)s of the code of conduct, in force "
        "since %(date)s"
    ) % {"version": version.label, "date": local_date(version.in_force_from)}
    return dict.fromkeys(ids - accepted, reason)


def conduct_problem_on(auditor: AuditorProfile, on: datetime.date) -> str | None:
    """Why ``auditor`` fails the code of conduct rule on ``on``, or None. Read once per
    profile instance and date (every element of an accreditation asks)."""
    memo = auditor.__dict__.setdefault("_conduct_problem_on", {})
    if on not in memo:
        memo[on] = conduct_problems_on([auditor.pk], on).get(auditor.pk)
    return memo[on]


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


# --- the eligibility engine -----------------------------------------------------------


@dataclass
class Eligibility:
    """The answer of ``check_eligibility``: eligible or not, and every reason why not."""

    eligible: bool
    reasons: list[str] = field(default_factory=list)
    on: datetime.date | None = None
    standard: Standard | None = None
    sector: Sector | None = None
    country: str = ""
    accreditation: Accreditation | None = None
    firm: AuditFirm | None = None
    element: ScopeElement | None = None

    def __bool__(self) -> bool:
        return self.eligible


def accreditations_with_scope() -> QuerySet[Accreditation]:
    """Accreditations with everything their status on any date needs, prefetched: scope
    elements (with sector and standard) and their status changes in order, and the firm's
    periods, status changes and own scope. The one queryset the eligibility engine, the
    decision screens, the verification page and the firm overview read."""
    return Accreditation.objects.select_related(
        "firm", "standard_version__standard", "auditor__user"
    ).prefetch_related(
        Prefetch(
            "scope",
            queryset=ScopeElement.objects.select_related("sector__standard").prefetch_related(
                Prefetch(
                    "changes",
                    queryset=ScopeStatusChange.objects.order_by(
                        "effective_from", "created_at", "pk"
                    ),
                )
            ),
        ),
        "firm__periods",
        Prefetch(
            "firm__status_changes",
            queryset=FirmStatusChange.objects.order_by("effective_from", "created_at", "pk"),
        ),
        Prefetch("firm__scope", queryset=FirmScopeElement.objects.select_related("sector")),
    )


READ_IT = object()  # ``conduct``: not read by the caller, read it here


def element_problems_on(
    accreditation: Accreditation,
    element: ScopeElement,
    on: datetime.date,
    *,
    affiliations: list[Affiliation] | None = None,
    conduct: str | None | object = READ_IT,
) -> list[str]:
    """Rules 1 to 4 for one scope element of the accreditation on ``on`` (the element
    active, the auditor with the firm, the firm accredited, the firm's own scope covering
    it) and the code of conduct rule: every reason it fails, an empty list when it holds.
    Training requirements aside: this is what the public register shows
    (``accreditation.services.register``).

    ``affiliations``: the auditor's rows with the accreditation's firm, if already read.
    ``conduct``: the auditor's code of conduct problem on ``on`` (None: none), if already
    read (``conduct_problems_on``)."""
    reasons: list[str] = []
    if conduct is READ_IT:
        conduct = conduct_problem_on(accreditation.auditor, on)
    if conduct:
        reasons.append(conduct)
    problem = element_problem_on(element, on)
    if problem:
        reasons.append(problem)
    firm = accreditation.firm
    problem = affiliation_problem_on(accreditation.auditor, firm, on, rows=affiliations)
    if problem:
        reasons.append(problem)
    imported = accreditation.source == Accreditation.Source.IMPORTED
    problem = firm_problem_on(
        firm, on, own_dates=(element.valid_from, element.valid_until) if imported else None
    )
    if problem:
        reasons.append(problem)
    standard = accreditation.standard_version.standard
    problem = firm_scope_problem_on(firm, standard, element.sector, element.country, on)
    if problem:
        reasons.append(problem)
    return reasons


def check_accreditation_on(
    accreditation: Accreditation,
    sector: Sector,
    country: str,
    on: datetime.date,
    *,
    version: StandardVersion | None = None,
    conduct: str | None | object = READ_IT,
    facts: EligibilityFacts | None = None,
) -> tuple[list[str], ScopeElement | None]:
    """Every reason the accreditation does not make its holder eligible for
    (sector, country) on ``on``; an empty list means eligible. ``conduct``: as for
    ``element_problems_on`` (None: the caller answers the code of conduct rule itself).
    ``facts``: affiliations, requirements and their dates already read for many auditors
    (``selectors.batch_eligibility``), so that no query is made here."""
    rules_of = requirements_of if facts is None else facts.requirements_of
    element = next(
        (e for e in accreditation.scope.all() if e.sector_id == sector.pk and e.country == country),
        None,
    )
    if element is None:
        return [
            _("%(sector)s in %(country)s is not in the scope of the accreditation")
            % {"sector": sector.display_name, "country": _country_name(country)}
        ], None
    affiliations = None if facts is None else facts.affiliations_of(accreditation)
    reasons = element_problems_on(
        accreditation, element, on, conduct=conduct, affiliations=affiliations
    )
    if accreditation.source == Accreditation.Source.IMPORTED:
        return reasons, element
    standard = accreditation.standard_version.standard
    user = accreditation.auditor.user
    for requirement in rules_of(version=accreditation.standard_version, sector_ids={sector.pk}):
        if requirement.is_transition:
            continue
        problem, _met = requirement_problem_on(user, requirement, on, facts=facts)
        if problem:
            reasons.append(problem)
    if version is None:
        version = version_in_force(standard, on)
    if version is not None and version.transition_deadline and on > version.transition_deadline:
        for requirement in rules_of(version=version, sector_ids={sector.pk}):
            if not requirement.is_transition:
                continue
            problem, _met = requirement_problem_on(
                user, requirement, on, deadline=version.transition_deadline, facts=facts
            )
            if problem:
                reasons.append(problem)
    return reasons, element


def check_eligibility(
    user,
    standard: Standard | str,
    sector: Sector | str,
    country: str,
    on: datetime.date | None = None,
) -> Eligibility:
    """May ``user`` audit ``standard`` / ``sector`` / ``country`` on ``on`` (default today)?

    Answers for past dates from the history. With several accreditations (several firms,
    or versions), one eligible accreditation suffices; otherwise every reason of every
    candidate is given (prefixed with the firm when there are several).
    """
    on = on or timezone.localdate()
    country = (country or "").upper()
    answer = Eligibility(eligible=False, on=on, country=country)
    standard_obj = resolve_standard(standard)
    if standard_obj is None:
        answer.reasons.append(_("there is no standard “%(code)s”") % {"code": standard})
        return answer
    answer.standard = standard_obj
    sector_obj = resolve_sector(standard_obj, sector)
    if sector_obj is None:
        answer.reasons.append(
            _("“%(sector)s” is not a sector of the %(standard)s")
            % {"sector": sector, "standard": standard_obj.name}
        )
        return answer
    answer.sector = sector_obj
    if user is None or not getattr(user, "is_authenticated", False):
        answer.reasons.append(_("the person has no auditor profile"))
        return answer
    profile = AuditorProfile.objects.filter(user=user).first()
    if profile is None:
        answer.reasons.append(_("the person has no auditor profile"))
        return answer
    candidates = list(
        accreditations_with_scope().filter(auditor=profile, standard_version__standard=standard_obj)
    )
    if not candidates:
        answer.reasons.append(
            _("no accreditation for the %(standard)s") % {"standard": standard_obj.name}
        )
        return answer
    # The code of conduct is about the person: asked once, said once (not per firm).
    return answer_from_candidates(
        answer,
        candidates,
        version=version_in_force(standard_obj, on),
        conduct=conduct_problem_on(profile, on),
    )


def answer_from_candidates(
    answer: Eligibility,
    candidates: list[Accreditation],
    *,
    version: StandardVersion | None,
    conduct: str | None,
    facts: EligibilityFacts | None = None,
) -> Eligibility:
    """Completes ``answer`` (its date, standard, sector and country set) from the person's
    accreditations for the standard: eligible through the first that holds, else every
    reason of those holding the element. ``version``: the standard's version in force on
    the date; ``conduct``: the person's code of conduct problem on it (None: none)."""
    on, sector_obj, country = answer.on, answer.sector, answer.country
    results = []
    for accreditation in candidates:
        reasons, element = check_accreditation_on(
            accreditation, sector_obj, country, on, version=version, conduct=None, facts=facts
        )
        if not reasons and conduct:
            # Eligible through this accreditation but for the code of conduct.
            answer.accreditation, answer.firm = accreditation, accreditation.firm
            answer.element = element
            answer.reasons = [conduct]
            return answer
        if not reasons:
            answer.eligible = True
            answer.reasons = []
            answer.accreditation = accreditation
            answer.firm = accreditation.firm
            answer.element = element
            return answer
        results.append((accreditation, reasons, element))
    # Not eligible: the candidates that hold the element matter most.
    holding = [r for r in results if r[2] is not None] or results
    best = min(holding, key=lambda r: len(r[1]))
    answer.accreditation, answer.firm, answer.element = best[0], best[0].firm, best[2]
    if conduct:
        answer.reasons.append(conduct)
    for accreditation, reasons, _element in holding:
        for reason in reasons:
            text = (
                _("through %(firm)s: %(reason)s")
                % {"firm": accreditation.firm.name, "reason": reason}
                if len(holding) > 1
                else reason
            )
            if text not in answer.reasons:
                answer.reasons.append(text)
    return answer
