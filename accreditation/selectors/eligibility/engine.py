"""The eligibility engine: ``check_eligibility`` and the rules applied to one
accreditation (``accreditation.selectors.eligibility``, which states the rules and
re-exports these)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accreditation.models import (
    Accreditation,
    Affiliation,
    AuditFirm,
    AuditorProfile,
    FirmScopeElement,
    FirmStatusChange,
    ScopeElement,
    ScopeStatusChange,
    Sector,
    Standard,
    StandardVersion,
)
from accreditation.selectors.eligibility.history import (
    affiliation_problem_on,
    conduct_problem_on,
    element_problem_on,
    firm_problem_on,
    firm_scope_problem_on,
)
from accreditation.selectors.eligibility.reference import (
    _country_name,
    resolve_sector,
    resolve_standard,
    version_in_force,
)
from accreditation.selectors.eligibility.requirements import (
    requirement_problem_on,
    requirements_of,
)

if TYPE_CHECKING:
    from accreditation.selectors.batch_eligibility import EligibilityFacts


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
