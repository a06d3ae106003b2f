"""The public register's read model: who is on the register today, with which scope.

``RegisterEntry`` (one row per listed auditor) and ``RegisterCoverage`` (one row per scope
element of theirs on the register) hold exactly what the register pages, the CSV export and
the API show for today, so that those read a few indexed rows instead of evaluating every
auditor's history per request. ``refresh_register`` recomputes them from the source of
truth with the eligibility engine's own rules (``selectors.element_problems_on``, rules 1
to 4 of ``check_eligibility`` and the code of conduct rule; training requirements aside, as
the register always showed): an element is covered when the auditor consents to be named and
the rules hold for it today.

Who refreshes it, and when:

* every write of an input, inside the writer's transaction: the post_save / post_delete
  signals of the models it reads (scope elements and their status changes, accreditations,
  affiliations, the firms' periods, status changes and own scope, auditor profiles, users'
  names, code of conduct acceptances) refresh the auditors the row touches; a code of
  conduct version saved or deleted refreshes every auditor (one published to come into
  force later changes nothing today: the daily run of its first day does it). Services,
  admin edits, scripts and tests alike: a commit never leaves the register behind. A
  writer of many rows wraps them in ``register_batch()`` (the services do, as decorator):
  the auditors touched are then refreshed once, at the end of the block, still inside its
  transaction;
* writers in bulk, which send no signals (the importer): one ``refresh_register`` at the end;
* the daily run (``services.daily.run_daily``): dates passing change the register without any
  write (an element expiring, a future-dated suspension taking effect, a firm period ending,
  a new code of conduct version coming into force), so it refreshes everyone (writing only
  what changed);
* ``manage.py rebuild_register``: a full rebuild (after the migration that adds the model).

Between midnight and the daily run the read model answers for the day before; run the daily
job just after midnight (``manage.py accreditation_daily``).
"""

from __future__ import annotations

import datetime
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connections, transaction
from django.db.models import Prefetch
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from accreditation.models import (
    Accreditation,
    Affiliation,
    AuditFirm,
    AuditorProfile,
    CodeOfConductAcceptance,
    CodeOfConductVersion,
    FirmAccreditationPeriod,
    FirmScopeElement,
    FirmStatusChange,
    RegisterCoverage,
    RegisterEntry,
    ScopeElement,
    ScopeStatusChange,
)
from accreditation.selectors.eligibility import conduct_problems_on, element_problems_on

CHUNK = 500  # auditors recomputed per round (bounded memory and IN lists)

# (element, standard, sector, country, firm): one coverage row, as compared and written.
CoverageKey = tuple[int, int, int, str, int]


@dataclass
class RefreshReport:
    """What a refresh did: auditors looked at, listed after it, rows written."""

    auditors: int = 0
    listed: int = 0
    entries_added: int = 0
    entries_removed: int = 0
    coverage_added: int = 0
    coverage_removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.entries_added
            or self.entries_removed
            or self.coverage_added
            or self.coverage_removed
        )


# --- computing -------------------------------------------------------------------------


def _accreditations_of(auditor_ids: list[int]) -> list[Accreditation]:
    """The accreditations of the consenting ones among ``auditor_ids``, with what the rules
    read: scope elements and their status changes in order, the firm (one instance per firm,
    with its periods, status changes and own scope) and the auditor's affiliations."""
    accreditations = list(
        Accreditation.objects.filter(auditor_id__in=auditor_ids, auditor__listed_consent=True)
        .select_related("auditor__user", "standard_version__standard")
        .prefetch_related(
            Prefetch(
                "scope",
                queryset=ScopeElement.objects.select_related("sector").prefetch_related(
                    Prefetch(
                        "changes",
                        queryset=ScopeStatusChange.objects.order_by(
                            "effective_from", "created_at", "pk"
                        ),
                    )
                ),
            )
        )
    )
    firms = AuditFirm.objects.filter(pk__in={a.firm_id for a in accreditations}).prefetch_related(
        "periods",
        Prefetch(
            "status_changes",
            queryset=FirmStatusChange.objects.order_by("effective_from", "created_at", "pk"),
        ),
        Prefetch("scope", queryset=FirmScopeElement.objects.select_related("sector")),
    )
    by_id = {firm.pk: firm for firm in firms}
    for accreditation in accreditations:
        accreditation.firm = by_id[accreditation.firm_id]
    return accreditations


def _desired(
    auditor_ids: list[int], on: datetime.date
) -> tuple[dict[int, str], set[tuple[int, CoverageKey]]]:
    """({auditor id: name} of the listed, {(auditor id, coverage key)}) for ``on``."""
    accreditations = _accreditations_of(auditor_ids)
    affiliations: dict[tuple[int, int], list[Affiliation]] = defaultdict(list)
    for row in Affiliation.objects.filter(auditor_id__in={a.auditor_id for a in accreditations}):
        affiliations[(row.auditor_id, row.firm_id)].append(row)
    conduct = conduct_problems_on({a.auditor_id for a in accreditations}, on)
    names: dict[int, str] = {}
    coverage: set[tuple[int, CoverageKey]] = set()
    for accreditation in accreditations:
        rows = affiliations.get((accreditation.auditor_id, accreditation.firm_id), [])
        standard_id = accreditation.standard_version.standard_id
        problem = conduct.get(accreditation.auditor_id)
        for element in accreditation.scope.all():
            if element_problems_on(accreditation, element, on, affiliations=rows, conduct=problem):
                continue
            names[accreditation.auditor_id] = accreditation.auditor.user.full_name
            coverage.add(
                (
                    accreditation.auditor_id,
                    (
                        element.pk,
                        standard_id,
                        element.sector_id,
                        str(element.country),
                        accreditation.firm_id,
                    ),
                )
            )
    return names, coverage


def _refresh_chunk(auditor_ids: list[int], on: datetime.date, report: RefreshReport) -> None:
    # One refresh of an auditor at a time: a second waits here for the first to commit, then
    # reads its writes (otherwise it could put back a row the first had just removed).
    list(
        AuditorProfile.objects.select_for_update()
        .filter(pk__in=auditor_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    names, desired = _desired(auditor_ids, on)
    existing_names = dict(
        RegisterEntry.objects.filter(auditor_id__in=auditor_ids).values_list("auditor_id", "name")
    )
    existing = {
        (entry_id, (element_id, standard_id, sector_id, country, firm_id))
        for entry_id, element_id, standard_id, sector_id, country, firm_id in (
            RegisterCoverage.objects.filter(entry_id__in=auditor_ids).values_list(
                "entry_id", "element_id", "standard_id", "sector_id", "country", "firm_id"
            )
        )
    }
    gone = existing - desired
    if gone:
        RegisterCoverage.objects.filter(element_id__in=[key[0] for _id, key in gone]).delete()
    unlisted = set(existing_names) - set(names)
    if unlisted:
        RegisterEntry.objects.filter(auditor_id__in=unlisted).delete()
    new_entries = [
        RegisterEntry(auditor_id=pk, name=name)
        for pk, name in names.items()
        if pk not in existing_names
    ]
    RegisterEntry.objects.bulk_create(new_entries)
    renamed = [
        RegisterEntry(auditor_id=pk, name=name)
        for pk, name in names.items()
        if pk in existing_names and existing_names[pk] != name
    ]
    if renamed:
        RegisterEntry.objects.bulk_update(renamed, ["name"])
    added = desired - existing
    RegisterCoverage.objects.bulk_create(
        RegisterCoverage(
            entry_id=entry_id,
            element_id=element_id,
            standard_id=standard_id,
            sector_id=sector_id,
            country=country,
            firm_id=firm_id,
        )
        for entry_id, (element_id, standard_id, sector_id, country, firm_id) in added
    )
    report.auditors += len(auditor_ids)
    report.listed += len(names)
    report.entries_added += len(new_entries)
    report.entries_removed += len(unlisted)
    report.coverage_added += len(added)
    report.coverage_removed += len(gone)


def refresh_register(
    *, auditor_ids: Iterable[int] | None = None, on: datetime.date | None = None
) -> RefreshReport:
    """Recomputes the register's read model for ``auditor_ids`` (None: every auditor) as
    of ``on`` (default today; other dates are for the daily run's own date and tests).

    Writes only what changed. Call it inside the transaction of the write that changed
    the inputs; a few queries per 500 auditors, whatever their number of elements.
    """
    on = on or timezone.localdate()
    report = RefreshReport()
    if auditor_ids is None:
        ids = sorted(_every_auditor())
    else:
        ids = sorted({int(pk) for pk in auditor_ids})
    with transaction.atomic():
        for start in range(0, len(ids), CHUNK):
            _refresh_chunk(ids[start : start + CHUNK], on, report)
    return report


def _every_auditor() -> set[int]:
    """Every auditor the register may list or lists: those holding an accreditation, and
    those with an entry."""
    return set(
        Accreditation.objects.order_by().values_list("auditor_id", flat=True).distinct()
    ) | set(RegisterEntry.objects.values_list("auditor_id", flat=True))


# --- who a write touches, and the batch ------------------------------------------------

_local = threading.local()


@contextmanager
def register_batch() -> Iterator[None]:
    """Inside the block, writes of the register's inputs only collect the auditors they
    touch; they are refreshed once when the block ends without an error (inside the
    caller's transaction when the block is). Nested blocks join the outermost one. Also a
    decorator: ``@register_batch()`` under ``@transaction.atomic``."""
    if getattr(_local, "pending", None) is not None:
        yield
        return
    _local.pending = set()
    try:
        yield
        pending = _local.pending
    finally:
        _local.pending = None
    if pending:
        refresh_register(auditor_ids=pending)


def touch(auditor_ids: Iterable[int]) -> None:
    """The register must be refreshed for ``auditor_ids``: at the end of the current
    ``register_batch()``, or at once outside of one."""
    ids = {pk for pk in auditor_ids if pk is not None}
    if not ids:
        return
    pending = getattr(_local, "pending", None)
    if pending is not None:
        pending.update(ids)
    else:
        refresh_register(auditor_ids=ids)


def _auditors_of_firms(firm_ids: Iterable[int]) -> set[int]:
    """Auditors holding an accreditation through one of the firms (a firm's periods, status
    and own scope count for all of them)."""
    firm_ids = {pk for pk in firm_ids if pk is not None}
    if not firm_ids:
        return set()
    return set(
        Accreditation.objects.filter(firm_id__in=firm_ids)
        .order_by()
        .values_list("auditor_id", flat=True)
        .distinct()
    )


FIRM_INPUTS = (FirmAccreditationPeriod, FirmStatusChange, FirmScopeElement)


def auditors_of_instances(model, instances: Iterable) -> set[int]:
    """The auditors whose register entry these rows of ``model`` (saved, deleted or
    created in bulk) may change; at most one query."""
    instances = list(instances)
    if not instances:
        return set()
    if model is AuditorProfile:
        return {row.pk for row in instances if row.pk is not None}
    if model in (Accreditation, Affiliation, CodeOfConductAcceptance):
        return {row.auditor_id for row in instances if row.auditor_id is not None}
    if model is CodeOfConductVersion:  # the rule for everyone
        return _every_auditor()
    if model is ScopeElement:
        ids = {row.accreditation_id for row in instances}
        return set(Accreditation.objects.filter(pk__in=ids).values_list("auditor_id", flat=True))
    if model is ScopeStatusChange:
        ids = {row.element_id for row in instances}
        return set(
            ScopeElement.objects.filter(pk__in=ids).values_list(
                "accreditation__auditor_id", flat=True
            )
        )
    if model in FIRM_INPUTS:
        return _auditors_of_firms(row.firm_id for row in instances)
    return set()


def auditors_of_rows(model, pks: Iterable) -> set[int]:
    """The auditors whose register entry the rows ``pks`` of ``model`` may change (for
    updates in bulk, read before and after); at most two queries."""
    pks = [pk for pk in pks if pk is not None]
    if not pks:
        return set()
    if model is AuditorProfile:
        return set(pks)
    rows = model._base_manager.filter(pk__in=pks).order_by()
    if model in (Accreditation, Affiliation, CodeOfConductAcceptance):
        return set(rows.values_list("auditor_id", flat=True))
    if model is CodeOfConductVersion:
        return _every_auditor() if rows.exists() else set()
    if model is ScopeElement:
        return set(rows.values_list("accreditation__auditor_id", flat=True))
    if model is ScopeStatusChange:
        return set(rows.values_list("element__accreditation__auditor_id", flat=True))
    if model in FIRM_INPUTS:
        return _auditors_of_firms(rows.values_list("firm_id", flat=True))
    return set()


# A new row of these lists no one by itself: a new profile has no accreditation, a new
# accreditation no scope element, a new element no status change yet (never "active").
CREATED_ALONE_CHANGES_NOTHING = (AuditorProfile, Accreditation, ScopeElement)


def touch_created(model, instances: Iterable) -> None:
    """New rows of ``model`` (saved or created in bulk) were written."""
    if model in CREATED_ALONE_CHANGES_NOTHING:
        return
    if model is CodeOfConductVersion:
        # A version published to come into force later changes nothing today.
        today = timezone.localdate()
        instances = [row for row in instances if row.in_force_from <= today]
    touch(auditors_of_instances(model, instances))


def _on_change(sender, instance, raw=False, created=False, **_kwargs) -> None:
    if raw:  # fixtures being loaded: related rows may not be there yet
        return
    if created:
        touch_created(sender, [instance])
    else:
        touch(auditors_of_instances(sender, [instance]))


def _on_user_change(sender, instance, raw=False, update_fields=None, **_kwargs) -> None:
    """A listed auditor's name is on the register (and in their entry, for order and search)."""
    if raw or (update_fields is not None and "full_name" not in update_fields):
        return
    touch(
        AuditorProfile.objects.filter(user_id=instance.pk, register_entry__isnull=False)
        .values_list("pk", flat=True)
        .order_by()
    )


_connected = False

INPUT_MODELS = (
    AuditorProfile,
    Affiliation,
    Accreditation,
    ScopeElement,
    ScopeStatusChange,
    FirmAccreditationPeriod,
    FirmStatusChange,
    FirmScopeElement,
    CodeOfConductVersion,
    CodeOfConductAcceptance,
)


def connect_refresh_signals() -> None:
    """Refreshes the touched auditors on any save or delete of an input (apps.ready)."""
    global _connected
    if _connected:
        return
    _connected = True
    for model in INPUT_MODELS:
        uid = f"accreditation.register.refresh.{model.__name__}"
        post_save.connect(_on_change, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=uid + ".delete")
    post_save.connect(
        _on_user_change, sender=get_user_model(), dispatch_uid="accreditation.register.refresh.user"
    )


def fill_after_migrate(sender, using="default", **_kwargs) -> None:
    """After ``migrate``: fills an empty read model when there are accreditations (the
    deploy that adds it), so that the register is not empty until the daily run.

    Connected to ``post_migrate`` in ``apps.ready``; does nothing once the model has rows
    (``manage.py rebuild_register`` rebuilds it on demand), nor before its migration."""
    connection = connections[using]
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    if RegisterEntry._meta.db_table not in tables or Accreditation._meta.db_table not in tables:
        return
    if RegisterEntry.objects.using(using).exists():
        return
    if not Accreditation.objects.using(using).exists():
        return
    refresh_register()
