"""Accreditations and their scope: grant, suspend, reinstate, withdraw, reduce, renew,
expire."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import ModelLogEntry

from accreditation import selectors
from accreditation.models import (
    Accreditation,
    Application,
    ScopeElement,
    ScopeStatus,
    ScopeStatusChange,
    Sector,
    StandardVersion,
)
from accreditation.services.applications import application_move, lock_application
from accreditation.services.base import AccreditationError, clean_reason, record_decision, today
from accreditation.services.register import register_batch
from lms.formats import local_date

# --- accreditations -------------------------------------------------------------------

SCOPE_TRANSITIONS: dict[str, set[str]] = {
    ScopeStatus.ACTIVE: {
        ScopeStatus.SUSPENDED,
        ScopeStatus.WITHDRAWN,
        ScopeStatus.REDUCED,
        ScopeStatus.EXPIRED,
    },
    ScopeStatus.SUSPENDED: {
        ScopeStatus.ACTIVE,
        ScopeStatus.WITHDRAWN,
        ScopeStatus.REDUCED,
        ScopeStatus.EXPIRED,
    },
    ScopeStatus.EXPIRED: {ScopeStatus.ACTIVE},  # renewal
    ScopeStatus.WITHDRAWN: set(),
    ScopeStatus.REDUCED: set(),
}


def _locked(accreditation: Accreditation) -> Accreditation:
    return (
        selectors.accreditations_with_scope()
        .select_for_update(of=("self",))
        .get(pk=accreditation.pk)
    )


def _pick_elements(
    accreditation: Accreditation, elements: Iterable[ScopeElement | int] | None
) -> list[ScopeElement]:
    all_elements = list(accreditation.scope.all())
    if elements is None:
        return all_elements
    wanted = {e.pk if isinstance(e, ScopeElement) else int(e) for e in elements}
    picked = [e for e in all_elements if e.pk in wanted]
    if len(picked) != len(wanted):
        raise AccreditationError(_("Some scope elements are not part of this accreditation."))
    if not picked:
        raise AccreditationError(_("Choose at least one scope element."))
    return picked


def _label(element: ScopeElement) -> str:
    return selectors.element_label(sector=element.sector, country=element.country)


def _effective_status(element: ScopeElement, on: datetime.date) -> str | None:
    status, _since = selectors.element_status_on(element, on)
    if status == ScopeStatus.ACTIVE and on > element.valid_until:
        return ScopeStatus.EXPIRED
    return status


@register_batch()  # one refresh of the register for all the rows written
def _change_scope(
    *,
    accreditation: Accreditation,
    elements: Iterable[ScopeElement | int] | None,
    to: str,
    action: str,
    actor,
    reason: str,
    effective: datetime.date | None,
) -> ModelLogEntry:
    reason = clean_reason(reason)
    effective = effective or today()
    accreditation = _locked(accreditation)
    picked = _pick_elements(accreditation, elements)
    movable = [
        e for e in picked if to in SCOPE_TRANSITIONS.get(_effective_status(e, effective), ())
    ]
    if not movable:
        raise AccreditationError(
            _("None of the chosen scope elements can become “%(status)s” on %(date)s.")
            % {"status": ScopeStatus(to).label, "date": local_date(effective)}
        )
    decision = record_decision(
        action=action,
        user=actor,
        reason=reason,
        accreditation=accreditation,
        data={
            "effective_from": effective.isoformat(),
            "element_ids": [e.pk for e in movable],
            "elements": [_label(e) for e in movable],
        },
    )
    for element in movable:
        ScopeStatusChange.objects.create(element=element, status=to, effective_from=effective)
    return decision


def _default_valid_until(version: StandardVersion, valid_from: datetime.date) -> datetime.date:
    programme = getattr(version, "programme", None)
    months = programme.accreditation_validity_months if programme else 36
    return selectors.add_months(valid_from, months) - datetime.timedelta(days=1)


@transaction.atomic
@register_batch()
def accreditation_grant(
    *,
    application: Application,
    scope: Iterable[tuple[Sector | str, str]],
    actor,
    reason: str,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
) -> Accreditation:
    """Grants all or part of the requested scope of an application that is ready for review.

    ``scope``: (sector, country) pairs, each among those requested. Each becomes a scope
    element with its own status history, starting "active" on ``valid_from``.
    """
    reason = clean_reason(reason)
    application = lock_application(application=application)
    if application.status != Application.Status.READY_FOR_REVIEW:
        raise AccreditationError(
            _("Only an application that is ready for review can be granted (this one is “%(s)s”).")
            % {"s": application.get_status_display()}
        )
    pairs = _granted_pairs(application, scope)
    valid_from = valid_from or today()
    valid_until = valid_until or _default_valid_until(application.standard_version, valid_from)
    if valid_until < valid_from:
        raise AccreditationError(_("The end date must not be before the start date."))
    accreditation = Accreditation.objects.create(
        auditor=application.auditor,
        firm=application.firm,
        standard_version=application.standard_version,
        application=application,
        source=Accreditation.Source.GRANTED,
        granted_at=timezone.now(),
    )
    elements = [
        ScopeElement.objects.create(
            accreditation=accreditation,
            sector=sector,
            country=country,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        for sector, country in pairs
    ]
    record_decision(
        action="accreditation.granted",
        user=actor,
        reason=reason,
        accreditation=accreditation,
        application=application,
        data={
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat(),
            "element_ids": [e.pk for e in elements],
            "elements": [_label(e) for e in elements],
            "not_granted": _not_granted(application, pairs),
        },
    )
    for element in elements:
        ScopeStatusChange.objects.create(
            element=element, status=ScopeStatus.ACTIVE, effective_from=valid_from
        )
    application_move(application=application, to=Application.Status.GRANTED, by=actor, note=reason)
    return accreditation


def _granted_pairs(
    application: Application, scope: Iterable[tuple[Sector | str, str]]
) -> list[tuple[Sector, str]]:
    """The (sector, country) pairs to grant, each among those the application requested,
    in the order given, without repeats; at least one."""
    requested_sectors = {s.slug: s for s in application.sectors.all()}
    requested_countries = set(application.countries)
    pairs: list[tuple[Sector, str]] = []
    for sector, country in scope:
        slug = sector.slug if isinstance(sector, Sector) else sector
        country = country.upper()
        if slug not in requested_sectors or country not in requested_countries:
            raise AccreditationError(
                _("%(sector)s in %(country)s was not requested.")
                % {"sector": slug, "country": country}
            )
        if (requested_sectors[slug], country) not in pairs:
            pairs.append((requested_sectors[slug], country))
    if not pairs:
        raise AccreditationError(_("Grant at least one sector in one country."))
    return pairs


def _not_granted(application: Application, pairs: list[tuple[Sector, str]]) -> list[str]:
    """What the application requested and the grant leaves out, in words."""
    return [
        selectors.element_label(sector=sector, country=country)
        for sector in application.sectors.all()
        for country in sorted(set(application.countries))
        if (sector, country) not in pairs
    ]


def accreditation_suspend(
    *,
    accreditation: Accreditation,
    actor,
    reason: str,
    elements: Iterable[ScopeElement | int] | None = None,
    effective: datetime.date | None = None,
) -> ModelLogEntry:
    """Suspends the whole accreditation, or only ``elements``, from ``effective`` (today)."""
    with transaction.atomic():
        return _change_scope(
            accreditation=accreditation,
            elements=elements,
            to=ScopeStatus.SUSPENDED,
            action="accreditation.suspended",
            actor=actor,
            reason=reason,
            effective=effective,
        )


def accreditation_reinstate(
    *,
    accreditation: Accreditation,
    actor,
    reason: str,
    elements: Iterable[ScopeElement | int] | None = None,
    effective: datetime.date | None = None,
) -> ModelLogEntry:
    """Lifts a suspension (of the whole accreditation, or of ``elements``)."""
    with transaction.atomic():
        accreditation = _locked(accreditation)
        on = effective or today()
        picked = _pick_elements(accreditation, elements)
        suspended = [e for e in picked if _effective_status(e, on) == ScopeStatus.SUSPENDED]
        if not suspended:
            raise AccreditationError(_("None of the chosen scope elements is suspended."))
        return _change_scope(
            accreditation=accreditation,
            elements=suspended,
            to=ScopeStatus.ACTIVE,
            action="accreditation.reinstated",
            actor=actor,
            reason=reason,
            effective=effective,
        )


def accreditation_withdraw(
    *,
    accreditation: Accreditation,
    actor,
    reason: str,
    elements: Iterable[ScopeElement | int] | None = None,
    effective: datetime.date | None = None,
) -> ModelLogEntry:
    """Withdraws the whole accreditation, or only ``elements``, for good."""
    with transaction.atomic():
        return _change_scope(
            accreditation=accreditation,
            elements=elements,
            to=ScopeStatus.WITHDRAWN,
            action="accreditation.withdrawn",
            actor=actor,
            reason=reason,
            effective=effective,
        )


def accreditation_reduce_scope(
    *,
    accreditation: Accreditation,
    elements: Iterable[ScopeElement | int],
    actor,
    reason: str,
    effective: datetime.date | None = None,
) -> ModelLogEntry:
    """Removes some (sector, country) elements from the scope; the rest is untouched."""
    if elements is None:
        raise AccreditationError(_("Choose the scope elements to remove."))
    with transaction.atomic():
        return _change_scope(
            accreditation=accreditation,
            elements=elements,
            to=ScopeStatus.REDUCED,
            action="accreditation.scope.reduced",
            actor=actor,
            reason=reason,
            effective=effective,
        )


@transaction.atomic
@register_batch()
def accreditation_renew(
    *,
    accreditation: Accreditation,
    actor,
    reason: str,
    valid_until: datetime.date | None = None,
    elements: Iterable[ScopeElement | int] | None = None,
    on: datetime.date | None = None,
) -> ModelLogEntry:
    """Extends the validity of active or expired elements to ``valid_until`` (default: one
    programme validity period after the current end date, or after ``on`` if lapsed).

    A lapsed element gets an "expired" row from its old end date (if the daily run had not
    written it yet) and an "active" row from ``on``: the gap stays in the history.
    """
    reason = clean_reason(reason)
    on = on or today()
    accreditation = _locked(accreditation)
    picked = _pick_elements(accreditation, elements)
    renewable = [
        e for e in picked if _effective_status(e, on) in (ScopeStatus.ACTIVE, ScopeStatus.EXPIRED)
    ]
    if not renewable:
        raise AccreditationError(_("Only active or expired scope elements can be renewed."))
    changes = []
    for element in renewable:
        lapsed = on > element.valid_until
        start = on if lapsed else element.valid_until + datetime.timedelta(days=1)
        new_until = valid_until or _default_valid_until(accreditation.standard_version, start)
        if new_until <= element.valid_until or new_until < on:
            raise AccreditationError(
                _("The new end date must be after the current one (%(date)s).")
                % {"date": local_date(element.valid_until)}
            )
        changes.append((element, lapsed, element.valid_until, new_until))
    decision = record_decision(
        action="accreditation.renewed",
        user=actor,
        reason=reason,
        accreditation=accreditation,
        data={
            "valid_until": max(c[3] for c in changes).isoformat(),
            "element_ids": [c[0].pk for c in changes],
            "elements": [_label(c[0]) for c in changes],
            "previous_valid_until": {str(c[0].pk): c[2].isoformat() for c in changes},
        },
    )
    for element, lapsed, old_until, new_until in changes:
        if lapsed:
            expired_from = old_until + datetime.timedelta(days=1)
            if not element.changes.filter(
                status=ScopeStatus.EXPIRED, effective_from=expired_from
            ).exists():
                ScopeStatusChange.objects.create(
                    element=element, status=ScopeStatus.EXPIRED, effective_from=expired_from
                )
            ScopeStatusChange.objects.create(
                element=element, status=ScopeStatus.ACTIVE, effective_from=on
            )
        element.valid_until = new_until
        element.save(update_fields=["valid_until"])
    return decision


def expire_due(*, on: datetime.date | None = None) -> int:
    """Writes an "expired" row for every active or suspended element whose end date has
    passed. Returns how many elements expired. Safe to run twice."""
    on = on or today()
    count = 0
    candidates = (
        ScopeElement.objects.filter(valid_until__lt=on)
        .select_related("accreditation__auditor__user", "accreditation__firm", "sector")
        .prefetch_related("changes")
    )
    by_accreditation: dict[int, list[ScopeElement]] = {}
    for element in candidates:
        status, _since = selectors.element_status_on(element, on)
        if status in (ScopeStatus.ACTIVE, ScopeStatus.SUSPENDED):
            by_accreditation.setdefault(element.accreditation_id, []).append(element)
    for elements in by_accreditation.values():
        with transaction.atomic(), register_batch():
            accreditation = elements[0].accreditation
            record_decision(
                action="accreditation.expired",
                user=None,
                reason=_("The validity period ended."),
                accreditation=accreditation,
                data={
                    "element_ids": [e.pk for e in elements],
                    "elements": [_label(e) for e in elements],
                    "valid_until": max(e.valid_until for e in elements).isoformat(),
                },
            )
            for element in elements:
                ScopeStatusChange.objects.create(
                    element=element,
                    status=ScopeStatus.EXPIRED,
                    effective_from=element.valid_until + datetime.timedelta(days=1),
                )
                count += 1
    return count
