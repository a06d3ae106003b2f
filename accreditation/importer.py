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
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django_countries import countries as country_registry

from accreditation import selectors
from accreditation.models import (
    Accreditation,
    Affiliation,
    AuditFirm,
    AuditorProfile,
    Decision,
    FirmAccreditationPeriod,
    ScopeElement,
    ScopeStatus,
    ScopeStatusChange,
    Sector,
    Standard,
    StandardVersion,
)
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


def _parse_row(line: int, raw: dict[str, str], standards: dict[str, Standard]) -> Row:
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
    standard = standards.get(data["standard"].lower())
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
        version = selectors.version_in_force(standard, valid_from) or (
            standard.versions.order_by("-effective_from").first()
        )
    if version is None:
        problems.append(f"the {standard.code} standard has no version")
    vocabulary = {s.slug.lower(): s for s in standard.sectors.all()}
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
    standards = {s.code.lower(): s for s in Standard.objects.all()}
    rows, errors = [], []
    for raw in reader:
        line = reader.line_num
        if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
            continue
        try:
            rows.append(_parse_row(line, raw, standards))
        except ValueError as exc:
            errors.append(f"line {line}: {exc}")
    if not rows and not errors:
        errors.append("the file has no rows")
    return rows, errors


def _unique_slug(name: str) -> str:
    base = slugify(name)[:180] or "firm"
    slug, n = base, 2
    while AuditFirm.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _import_row(row: Row, report: ImportReport, today: datetime.date, filename: str) -> None:
    User = get_user_model()
    firm = AuditFirm.objects.filter(name__iexact=row.firm).first()
    if firm is None:
        firm = AuditFirm.objects.create(
            name=row.firm, slug=_unique_slug(row.firm), country=row.firm_country, scheme=""
        )
        report.count("firms")
    _period, created = FirmAccreditationPeriod.objects.get_or_create(
        firm=firm, valid_from=row.valid_from, valid_until=row.valid_until, source="imported"
    )
    if created:
        report.count("firm periods")
    user = User.objects.filter(email__iexact=row.auditor_email).first()
    if user is None:
        user = User.objects.create_user(email=row.auditor_email, full_name=row.auditor_name)
        user.set_unusable_password()
        user.save(update_fields=["password"])
        report.count("people")
    group = Group.objects.filter(name=roles.AUDITOR).first()
    if group and not user.groups.filter(pk=group.pk).exists():
        user.groups.add(group)
    profile, created = AuditorProfile.objects.get_or_create(
        user=user, defaults={"listed_consent": row.listed}
    )
    if created:
        report.count("auditor profiles")
    elif profile.listed_consent != row.listed:
        profile.listed_consent = row.listed
        profile.save(update_fields=["listed_consent"])
        report.count("auditor profiles", created=False)
    _aff, created = Affiliation.objects.get_or_create(auditor=profile, firm=firm)
    if created:
        report.count("affiliations")
    accreditation = Accreditation.objects.filter(
        auditor=profile,
        firm=firm,
        standard_version=row.version,
        source=Accreditation.Source.IMPORTED,
    ).first()
    if accreditation is None:
        accreditation = Accreditation.objects.create(
            auditor=profile,
            firm=firm,
            standard_version=row.version,
            source=Accreditation.Source.IMPORTED,
            granted_at=timezone.make_aware(
                datetime.datetime.combine(row.valid_from, datetime.time(12))
            ),
        )
        Decision.objects.create(
            action="accreditation.imported",
            actor=None,
            reason=f"Imported from the previous register ({filename}, line {row.line}).",
            accreditation=accreditation,
            firm=firm,
            payload={"line": row.line, "file": filename},
        )
        report.count("accreditations")
    effective_status_date = max(row.valid_from, min(today, row.valid_until))
    for sector in row.sectors:
        for country in row.countries:
            element = ScopeElement.objects.filter(
                accreditation=accreditation, sector=sector, country=country
            ).first()
            if element is None:
                element = ScopeElement.objects.create(
                    accreditation=accreditation,
                    sector=sector,
                    country=country,
                    valid_from=row.valid_from,
                    valid_until=row.valid_until,
                )
                ScopeStatusChange.objects.create(
                    element=element, status=ScopeStatus.ACTIVE, effective_from=row.valid_from
                )
                report.count("scope elements")
            elif (element.valid_from, element.valid_until) != (row.valid_from, row.valid_until):
                element.valid_from, element.valid_until = row.valid_from, row.valid_until
                element.save(update_fields=["valid_from", "valid_until"])
                report.count("scope elements", created=False)
            latest = element.changes.order_by("-effective_from", "-created_at", "-pk").first()
            if latest is None or latest.status != row.status:
                ScopeStatusChange.objects.create(
                    element=element,
                    status=row.status,
                    effective_from=effective_status_date
                    if row.status != ScopeStatus.ACTIVE
                    else row.valid_from,
                )
                report.count("status changes")


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
    today = timezone.localdate()
    try:
        with transaction.atomic():
            for row in rows:
                _import_row(row, report, today, filename)
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return report
