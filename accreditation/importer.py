"""Import of an existing register (CSV), used by ``manage.py import_register``.

Columns: ``firm,firm_country,auditor_name,auditor_email,standard,sectors,countries,
valid_from,valid_until,status,listed``. Sectors and countries are separated by ``;``;
``standard`` is ``PS`` or ``CoC``; dates are ISO 8601; ``status`` is ``active``,
``suspended`` or ``withdrawn``; ``listed`` is ``yes`` or ``no``.

Rules:
- every row is checked first; one bad row (reported with its line number and reason)
  means nothing is written;
- importing the same file twice changes nothing (firms by name, people by e-mail,
  accreditations by auditor + firm + standard version + source "imported", scope elements
  by sector + country; status rows only when the status differs);
- an imported accreditation stands on its own: it gets ``source=imported`` (the eligibility
  engine then skips requirement checks) and its firm gets an "imported" accreditation
  period over the row's dates, so it counts as accredited then, until staff record
  otherwise (a suspension or withdrawal of the firm);
- the old register does not date suspensions and withdrawals: they take effect on the
  import date (or the accreditation's last day if it has ended already).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from django_countries import countries as country_registry
from wagtail.log_actions import get_active_log_context
from wagtail.models import ModelLogEntry

from accreditation import cache as register_cache
from accreditation import selectors
from accreditation.models import (
    Accreditation,
    Affiliation,
    AuditFirm,
    AuditorProfile,
    FirmAccreditationPeriod,
    RegisterConsent,
    ScopeElement,
    ScopeStatus,
    ScopeStatusChange,
    Sector,
    Standard,
    StandardVersion,
)
from accreditation.services.register import register_batch, touch
from lms import roles

COLUMNS = [
    "firm",
    "firm_country",
    "auditor_name",
    "auditor_email",
    "standard",
    "sectors",
    "countries",
    "valid_from",
    "valid_until",
    "status",
    "listed",
]
STATUSES = {
    "active": ScopeStatus.ACTIVE,
    "suspended": ScopeStatus.SUSPENDED,
    "withdrawn": ScopeStatus.WITHDRAWN,
}


@dataclass
class Row:
    line: int
    firm: str
    firm_country: str
    auditor_name: str
    auditor_email: str
    standard: Standard
    version: StandardVersion
    sectors: list[Sector]
    countries: list[str]
    valid_from: datetime.date
    valid_until: datetime.date
    status: str
    listed: bool


@dataclass
class ImportReport:
    errors: list[str] = field(default_factory=list)
    rows: int = 0
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    def count(self, what: str, created: bool = True) -> None:
        bucket = self.created if created else self.updated
        bucket[what] = bucket.get(what, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


class _DryRunRollback(Exception):
    pass


def _split(value: str) -> list[str]:
    return [item.strip() for item in (value or "").split(";") if item.strip()]


def _date(value: str, column: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        raise ValueError(f"{column} “{value}” is not an ISO 8601 date (YYYY-MM-DD)") from None


class _Reference:
    """Standards, their sector vocabularies and the version in force on each date, read
    once for the whole file instead of once per row."""

    def __init__(self) -> None:
        self.standards = {s.code.lower(): s for s in Standard.objects.all()}
        self.sectors: dict[int, dict[str, Sector]] = defaultdict(dict)
        for sector in Sector.objects.all():
            self.sectors[sector.standard_id][sector.slug.lower()] = sector
        self._versions: dict[tuple[int, datetime.date], StandardVersion | None] = {}
        self._version_rows: dict[int, StandardVersion] = {}

    def version(self, standard: Standard, on: datetime.date) -> StandardVersion | None:
        """The version in force on ``on`` (else the latest), one query per distinct date."""
        key = (standard.pk, on)
        if key not in self._versions:
            version = selectors.version_in_force(standard, on) or (
                standard.versions.order_by("-effective_from").first()
            )
            if version is not None:
                version = self._version_rows.setdefault(version.pk, version)
                version.standard = standard
            self._versions[key] = version
        return self._versions[key]


def _parse_row(line: int, raw: dict[str, str], reference: _Reference) -> Row:
    data = {k: (raw.get(k) or "").strip() for k in COLUMNS}
    problems: list[str] = []
    for column in ("firm", "firm_country", "auditor_name", "auditor_email", "standard"):
        if not data[column]:
            problems.append(f"{column} is empty")
    if problems:
        raise ValueError("; ".join(problems))
    firm_country = data["firm_country"].upper()
    if firm_country not in dict(country_registry):
        problems.append(f"firm_country “{data['firm_country']}” is not an ISO 3166-1 code")
    try:
        validate_email(data["auditor_email"])
    except ValidationError:
        problems.append(f"auditor_email “{data['auditor_email']}” is not an e-mail address")
    standard = reference.standards.get(data["standard"].lower())
    if standard is None:
        raise ValueError(f"standard “{data['standard']}” is not PS or CoC")
    valid_from = valid_until = None
    try:
        valid_from = _date(data["valid_from"], "valid_from")
    except ValueError as exc:
        problems.append(str(exc))
    try:
        valid_until = _date(data["valid_until"], "valid_until")
    except ValueError as exc:
        problems.append(str(exc))
    if valid_from and valid_until and valid_until < valid_from:
        problems.append("valid_until is before valid_from")
    version = None
    if valid_from:
        version = reference.version(standard, valid_from)
    if version is None:
        problems.append(f"the {standard.code} standard has no version")
    vocabulary = reference.sectors[standard.pk]
    sectors = []
    for slug in _split(data["sectors"]):
        sector = vocabulary.get(slug.lower())
        if sector is None:
            problems.append(f"sector “{slug}” is not a {standard.code} sector")
        else:
            sectors.append(sector)
    if not _split(data["sectors"]):
        problems.append("sectors is empty")
    countries = []
    for code in _split(data["countries"]):
        if code.upper() not in dict(country_registry):
            problems.append(f"country “{code}” is not an ISO 3166-1 alpha-2 code")
        else:
            countries.append(code.upper())
    if not _split(data["countries"]):
        problems.append("countries is empty")
    status = STATUSES.get(data["status"].lower())
    if status is None:
        problems.append(f"status “{data['status']}” is not active, suspended or withdrawn")
    listed = data["listed"].lower()
    if listed not in ("yes", "no"):
        problems.append(f"listed “{data['listed']}” is not yes or no")
    if problems:
        raise ValueError("; ".join(problems))
    return Row(
        line=line,
        firm=data["firm"],
        firm_country=firm_country,
        auditor_name=data["auditor_name"],
        auditor_email=data["auditor_email"].lower(),
        standard=standard,
        version=version,
        sectors=sectors,
        countries=sorted(set(countries)),
        valid_from=valid_from,
        valid_until=valid_until,
        status=status,
        listed=listed == "yes",
    )


def parse(text: str) -> tuple[list[Row], list[str]]:
    """Checks every row; returns the parsed rows and the errors ("line 4: ...")."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [f"line 1: missing columns: {', '.join(missing)}"]
    reader.fieldnames = header
    reference = _Reference()
    rows, errors = [], []
    for raw in reader:
        line = reader.line_num
        if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
            continue
        try:
            rows.append(_parse_row(line, raw, reference))
        except ValueError as exc:
            errors.append(f"line {line}: {exc}")
    if not rows and not errors:
        errors.append("the file has no rows")
    return rows, errors


# --- Writing: one pass per kind of row, bulk writes, one transaction -------------------
#
# Each step reads what already exists for the whole file in one query, walks the rows in
# file order deciding (and counting) exactly what the row-by-row rules above say, and
# writes the new rows with one ``bulk_create``. Later rows see what earlier rows created,
# as they would one row at a time.


def _key(text: str) -> str:
    """Firm names and e-mail addresses match whatever their case."""
    return text.casefold()


@dataclass
class _Element:
    row: ScopeElement
    latest: tuple[datetime.date, str] | None  # (effective_from, status) of the latest change


class _Import:
    def __init__(self, rows: list[Row], report: ImportReport, today: datetime.date, filename: str):
        self.rows = rows
        self.report = report
        self.today = today
        self.filename = filename
        self.firms: dict[int, AuditFirm] = {}  # by row line
        self.users: dict[int, object] = {}
        self.profiles: dict[int, AuditorProfile] = {}
        self.accreditations: dict[int, Accreditation] = {}
        self.new_accreditations: list[tuple[Accreditation, Row]] = []

    def run(self) -> None:
        self.import_firms()
        self.import_firm_periods()
        self.import_people()
        self.import_profiles()
        self.import_affiliations()
        self.import_accreditations()
        self.import_scope()
        self.log_imported_accreditations()
        self.refresh_register()

    def import_firms(self) -> None:
        """Firms by name (any case); a new firm gets a slug no other firm has."""
        wanted = {_key(row.firm) for row in self.rows}
        existing = {
            _key(firm.name): firm for firm in AuditFirm.objects.all() if _key(firm.name) in wanted
        }
        slugs = set(AuditFirm.objects.values_list("slug", flat=True))
        new = []
        for row in self.rows:
            firm = existing.get(_key(row.firm))
            if firm is None:
                firm = AuditFirm(
                    name=row.firm,
                    slug=_unique_slug(row.firm, slugs),
                    country=row.firm_country,
                    scheme="",
                )
                existing[_key(row.firm)] = firm
                new.append(firm)
                self.report.count("firms")
            self.firms[row.line] = firm
        AuditFirm.objects.bulk_create(new)

    def import_firm_periods(self) -> None:
        """An "imported" period over each row's dates, once per firm and dates."""
        firm_ids = {firm.pk for firm in self.firms.values()}
        known = set(
            FirmAccreditationPeriod.objects.filter(
                firm_id__in=firm_ids, source="imported"
            ).values_list("firm_id", "valid_from", "valid_until")
        )
        new = []
        for row in self.rows:
            key = (self.firms[row.line].pk, row.valid_from, row.valid_until)
            if key not in known:
                known.add(key)
                new.append(
                    FirmAccreditationPeriod(
                        firm=self.firms[row.line],
                        valid_from=row.valid_from,
                        valid_until=row.valid_until,
                        source="imported",
                    )
                )
                self.report.count("firm periods")
        FirmAccreditationPeriod.objects.bulk_create(new)

    def import_people(self) -> None:
        """People by e-mail (any case); new people cannot sign in with a password until
        they set one. Everyone imported is in the auditor group."""
        User = get_user_model()
        emails = {row.auditor_email for row in self.rows}
        existing = {
            _key(user.email): user
            for user in User.objects.annotate(email_key=Lower("email")).filter(email_key__in=emails)
        }
        new = []
        for row in self.rows:
            user = existing.get(_key(row.auditor_email))
            if user is None:
                user = User(
                    email=User.objects.normalize_email(row.auditor_email),
                    full_name=row.auditor_name,
                )
                user.set_unusable_password()
                existing[_key(row.auditor_email)] = user
                new.append(user)
                self.report.count("people")
            self.users[row.line] = user
        User.objects.bulk_create(new)
        group = Group.objects.filter(name=roles.AUDITOR).first()
        if group is None:
            return
        user_ids = {user.pk for user in self.users.values()}
        Membership = User.groups.through
        members = set(
            Membership.objects.filter(group=group, user_id__in=user_ids).values_list(
                "user_id", flat=True
            )
        )
        Membership.objects.bulk_create(
            Membership(user_id=user_id, group_id=group.pk) for user_id in sorted(user_ids - members)
        )

    def import_profiles(self) -> None:
        """An auditor profile per person; the ``listed`` column sets the consent."""
        user_ids = {user.pk for user in self.users.values()}
        existing = {
            profile.user_id: profile
            for profile in AuditorProfile.objects.filter(user_id__in=user_ids)
        }
        new, changed = [], {}
        for row in self.rows:
            user = self.users[row.line]
            profile = existing.get(user.pk)
            if profile is None:
                profile = AuditorProfile(user=user, listed_consent=row.listed)
                existing[user.pk] = profile
                new.append(profile)
                self.report.count("auditor profiles")
            elif profile.listed_consent != row.listed:
                profile.listed_consent = row.listed
                if profile.pk is not None:
                    changed[profile.pk] = profile
                self.report.count("auditor profiles", created=False)
            self.profiles[row.line] = profile
        AuditorProfile.objects.bulk_create(new)
        AuditorProfile.objects.bulk_update(changed.values(), ["listed_consent"])
        # Every consent the import sets or changes is a dated record, as on the profile.
        now = timezone.now()
        RegisterConsent.objects.bulk_create(
            RegisterConsent(
                auditor=profile,
                granted=profile.listed_consent,
                at=now,
                source=RegisterConsent.Source.IMPORT,
            )
            for profile in [*(p for p in new if p.listed_consent), *changed.values()]
        )

    def import_affiliations(self) -> None:
        """The auditor works for the row's firm (no dates: the old register has none). The
        body's register lists them, so the affiliation is confirmed: a new one is created
        confirmed, and an open request still waiting (or declined) is confirmed by the
        import. An auditor and firm with an affiliation already confirmed, or ended, keep it
        as it is."""
        profile_ids = {profile.pk for profile in self.profiles.values()}
        rows = Affiliation.objects.filter(auditor_id__in=profile_ids)
        known = set(rows.values_list("auditor_id", "firm_id"))
        waiting = {
            (a.auditor_id, a.firm_id): a
            for a in rows.filter(until__isnull=True).exclude(status=Affiliation.Status.CONFIRMED)
        }
        new, confirmed = [], []
        now = timezone.now()
        for row in self.rows:
            profile, firm = self.profiles[row.line], self.firms[row.line]
            key = (profile.pk, firm.pk)
            if key in waiting:
                affiliation = waiting.pop(key)
                affiliation.status = Affiliation.Status.CONFIRMED
                affiliation.decided_at = now
                affiliation.decline_reason = ""
                confirmed.append(affiliation)
                self.report.count("affiliations", created=False)
            elif key not in known:
                known.add(key)
                new.append(
                    Affiliation(auditor=profile, firm=firm, status=Affiliation.Status.CONFIRMED)
                )
                self.report.count("affiliations")
        Affiliation.objects.bulk_create(new)
        Affiliation.objects.bulk_update(confirmed, ["status", "decided_at", "decline_reason"])

    def import_accreditations(self) -> None:
        """One imported accreditation per auditor, firm and standard version."""
        profile_ids = {profile.pk for profile in self.profiles.values()}
        existing = {
            (acc.auditor_id, acc.firm_id, acc.standard_version_id): acc
            for acc in Accreditation.objects.filter(
                auditor_id__in=profile_ids, source=Accreditation.Source.IMPORTED
            )
        }
        for row in self.rows:
            profile, firm = self.profiles[row.line], self.firms[row.line]
            key = (profile.pk, firm.pk, row.version.pk)
            accreditation = existing.get(key)
            if accreditation is None:
                accreditation = Accreditation(
                    auditor=profile,
                    firm=firm,
                    standard_version=row.version,
                    source=Accreditation.Source.IMPORTED,
                    granted_at=timezone.make_aware(
                        datetime.datetime.combine(row.valid_from, datetime.time(12))
                    ),
                )
                existing[key] = accreditation
                self.new_accreditations.append((accreditation, row))
                self.report.count("accreditations")
            self.accreditations[row.line] = accreditation
        Accreditation.objects.bulk_create([acc for acc, _row in self.new_accreditations])

    def _existing_elements(self) -> dict[tuple[int, int, str], _Element]:
        accreditation_ids = {acc.pk for acc in self.accreditations.values()}
        elements = {
            (element.accreditation_id, element.sector_id, element.country): _Element(element, None)
            for element in ScopeElement.objects.filter(accreditation_id__in=accreditation_ids)
        }
        by_id = {item.row.pk: item for item in elements.values()}
        changes = ScopeStatusChange.objects.filter(
            element__accreditation_id__in=accreditation_ids
        ).order_by("element_id", "effective_from", "created_at", "pk")
        for element_id, effective_from, status in changes.values_list(
            "element_id", "effective_from", "status"
        ):
            by_id[element_id].latest = (effective_from, status)  # the last one wins
        return elements

    def import_scope(self) -> None:
        """Scope elements by sector and country, with their dates; a status change only when
        the row's status differs from the element's latest one.

        The old register does not date suspensions and withdrawals: they take effect on the
        import date (or the element's last day if it has ended already).
        """
        elements = self._existing_elements()
        new_elements, new_changes, moved = [], [], {}
        for row in self.rows:
            accreditation = self.accreditations[row.line]
            status_from = (
                row.valid_from
                if row.status == ScopeStatus.ACTIVE
                else max(row.valid_from, min(self.today, row.valid_until))
            )
            for sector in row.sectors:
                for country in row.countries:
                    key = (accreditation.pk, sector.pk, country)
                    item = elements.get(key)
                    if item is None:
                        element = ScopeElement(
                            accreditation=accreditation,
                            sector=sector,
                            country=country,
                            valid_from=row.valid_from,
                            valid_until=row.valid_until,
                        )
                        item = elements[key] = _Element(element, (row.valid_from, "active"))
                        new_elements.append(element)
                        new_changes.append(
                            ScopeStatusChange(
                                element=element,
                                status=ScopeStatus.ACTIVE,
                                effective_from=row.valid_from,
                            )
                        )
                        self.report.count("scope elements")
                    elif (item.row.valid_from, item.row.valid_until) != (
                        row.valid_from,
                        row.valid_until,
                    ):
                        item.row.valid_from, item.row.valid_until = row.valid_from, row.valid_until
                        if item.row.pk is not None:
                            moved[item.row.pk] = item.row
                        self.report.count("scope elements", created=False)
                    if item.latest is None or item.latest[1] != row.status:
                        new_changes.append(
                            ScopeStatusChange(
                                element=item.row, status=row.status, effective_from=status_from
                            )
                        )
                        # Written after every existing change: it is the latest unless an
                        # existing one takes effect later.
                        if item.latest is None or status_from >= item.latest[0]:
                            item.latest = (status_from, row.status)
                        self.report.count("status changes")
        ScopeElement.objects.bulk_create(new_elements, batch_size=5000)
        ScopeElement.objects.bulk_update(moved.values(), ["valid_from", "valid_until"])
        ScopeStatusChange.objects.bulk_create(new_changes, batch_size=5000)

    def log_imported_accreditations(self) -> None:
        """One audit-log entry per imported accreditation, as ``lms.audit.record`` writes
        it (action ``accreditation.imported``, no user), written in one statement."""
        if not self.new_accreditations:
            return
        content_type = ContentType.objects.get_for_model(Accreditation, for_concrete_model=False)
        uuid = get_active_log_context().uuid
        now = timezone.now()
        ModelLogEntry.objects.bulk_create(
            (
                ModelLogEntry(
                    content_type=content_type,
                    object_id=str(accreditation.pk),
                    label=str(accreditation),
                    action="accreditation.imported",
                    timestamp=now,
                    uuid=uuid,
                    data={
                        "reason": (
                            f"Imported from the previous register ({self.filename}, "
                            f"line {row.line})."
                        ),
                        "accreditation": accreditation.pk,
                        "firm": accreditation.firm_id,
                        "line": row.line,
                        "file": self.filename,
                    },
                )
                for accreditation, row in self.new_accreditations
            ),
            batch_size=5000,
        )

    def refresh_register(self) -> None:
        """Bulk writes send no signals: the register's read model is refreshed here, once
        for every auditor the file names and every auditor of its firms (a firm's new
        period counts for all of them), and its cache purged."""
        if not self.report.changed:
            return
        auditor_ids = {profile.pk for profile in self.profiles.values()}
        auditor_ids.update(
            Accreditation.objects.filter(firm_id__in={firm.pk for firm in self.firms.values()})
            .order_by()
            .values_list("auditor_id", flat=True)
            .distinct()
        )
        touch(auditor_ids)  # refreshed with the rows bulk writes touched, at the batch's end
        register_cache.purge_on_commit()


def _unique_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:180] or "firm"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def import_register(
    *, text: str, dry_run: bool = False, filename: str = "register.csv"
) -> ImportReport:
    """Imports the register in ``text`` (CSV). With errors or ``dry_run``, writes nothing."""
    report = ImportReport(dry_run=dry_run)
    rows, errors = parse(text)
    report.rows = len(rows)
    if errors:
        report.errors = errors
        return report
    try:
        # One refresh of the register at the end, not one per row a signal would see.
        with transaction.atomic(), register_batch():
            _Import(rows, report, timezone.localdate(), filename).run()
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return report
