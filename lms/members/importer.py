"""The CSV import of member organisations and their people: ``manage.py import_members``
and the admin's import (upload, preview, confirm).

Columns (a header row names them, in any order): ``organisation, membership_class,
country, member_since, member_until, email, full_name, role``.

- ``membership_class``: one of the six classes, by its name as the body writes it
  (``Industrial Users``) or its code (``industrial_users``), in any case;
- ``country``: an ISO 3166-1 alpha-2 code (``NO``) or a country's English name;
- ``member_since`` (required) and ``member_until`` (empty: no end): ISO dates
  (``2025-01-31``); the membership lapses on ``member_until``;
- ``role``: ``member`` or ``manager`` (empty: member).

Rules:

- every row is checked before anything is written; one bad row (named by its line)
  means nothing is written. An organisation on several rows must be described the same
  way on each; an address may appear once;
- organisations are found by name and people by e-mail address (in any case), so
  importing the same file again changes nothing;
- an organisation's class, country and dates are set from the file (its status is left
  alone); a person's name, organisation and role are set from the file (a person moves
  from another organisation if need be); nobody is ever unlinked by an import;
- a new person gets an account without a password, linked to the organisation, and an
  invitation e-mail whose link lets them set their password; only when the import is not
  a dry run (a dry run, which is also the admin's preview, writes nothing and sends
  nothing);
- hostile files get a clear refusal: more than ``MAX_FILE_BYTES``, NUL bytes, anything
  but UTF-8 text, more than ``MAX_ROWS`` rows, oversized cells.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries as country_registry

from lms.errors import ServiceError
from lms.members import services
from lms.models import MembershipClass, Organisation, OrganisationRole, User

COLUMNS = [
    "organisation",
    "membership_class",
    "country",
    "member_since",
    "member_until",
    "email",
    "full_name",
    "role",
]
REQUIRED = ["organisation", "membership_class", "country", "member_since", "email", "full_name"]
MAX_FILE_BYTES = 1024 * 1024
MAX_ROWS = 10_000
MAX_CELL_CHARS = 1000  # no column needs more; longer cells are refused, not stored

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
CHANGE_LABELS = {
    CREATED: gettext_lazy("created"),
    UPDATED: gettext_lazy("updated"),
    UNCHANGED: gettext_lazy("unchanged"),
}


class ImportFileError(ServiceError):
    """A file that cannot be read as a members CSV at all."""


@dataclass
class Row:
    line: int
    organisation: str
    membership_class: str
    country: str
    member_since: datetime.date
    member_until: datetime.date | None
    email: str
    full_name: str
    role: str

    @property
    def organisation_key(self) -> str:
        return self.organisation.casefold()

    @property
    def organisation_fields(self) -> dict[str, Any]:
        return {
            "membership_class": self.membership_class,
            "country": self.country,
            "membership_active_from": self.member_since,
            "membership_active_until": self.member_until,
        }


@dataclass
class RowOutcome:
    """What importing one row changes (or, in a dry run, would change)."""

    line: int
    organisation: str
    organisation_change: str
    email: str
    person_change: str
    details: list[str] = field(default_factory=list)

    @property
    def organisation_change_label(self) -> str:
        return str(CHANGE_LABELS[self.organisation_change])

    @property
    def person_change_label(self) -> str:
        return str(CHANGE_LABELS[self.person_change])


@dataclass
class ImportResult:
    dry_run: bool
    errors: list[str] = field(default_factory=list)
    outcomes: list[RowOutcome] = field(default_factory=list)
    invitations: int = 0

    @property
    def people(self) -> int:
        return len(self.outcomes)

    @property
    def organisations(self) -> int:
        return len({outcome.organisation.casefold() for outcome in self.outcomes})

    def count(self, kind: str, change: str) -> int:
        """How many organisations (``kind="organisation"``) or people change so."""
        if kind == "organisation":
            seen = {o.organisation.casefold(): o.organisation_change for o in self.outcomes}
            return sum(1 for value in seen.values() if value == change)
        return sum(1 for o in self.outcomes if o.person_change == change)

    def counts(self) -> dict[str, int]:
        """``{"organisations_created": n, ..., "people_unchanged": n}``."""
        return {
            f"{plural}_{change}": self.count(kind, change)
            for kind, plural in (("organisation", "organisations"), ("person", "people"))
            for change in (CREATED, UPDATED, UNCHANGED)
        }

    @property
    def summary(self) -> str:
        """The one line the command prints: ``Imported N people into M organisations``."""
        return f"Imported {self.people} people into {self.organisations} organisations"


class _Rollback(Exception):
    pass


# --- Reading the file ------------------------------------------------------------------


def decode(data: bytes) -> str:
    """The text of an uploaded or read file, or a clear refusal."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            _("The file is larger than %(limit)d kB. Split it into smaller files.")
            % {"limit": MAX_FILE_BYTES // 1024}
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(_("The file is UTF-16 text. Save it as “CSV UTF-8” and try again."))
    if b"\x00" in data:
        raise ImportFileError(
            _("The file contains NUL bytes, so it is not a CSV text file. Save it as “CSV UTF-8”.")
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _(
                "The file is not UTF-8 text (the byte at position %(position)d is not). "
                "Save it as “CSV UTF-8” and try again."
            )
            % {"position": exc.start}
        ) from None
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    return text


def _class_lookup() -> dict[str, str]:
    lookup = {}
    for choice in MembershipClass:
        lookup[choice.value.casefold()] = choice.value
        lookup[str(choice.label).casefold()] = choice.value
        with translation.override("en"):
            lookup[str(choice.label).casefold()] = choice.value
    return lookup


def _country(value: str) -> str | None:
    code = value.strip().upper()
    if len(code) == 2 and code in dict(country_registry):
        return code
    with translation.override("en"):
        found = country_registry.by_name(value.strip())
    return found or None


def _date(value: str, column: str, problems: list[str]) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        problems.append(
            _("%(column)s “%(value)s” is not a date written YYYY-MM-DD")
            % {"column": column, "value": value[:40]}
        )
        return None


def _parse_row(line: int, raw: dict[str, Any], classes: dict[str, str]) -> Row:
    if raw.get(None):
        raise ValueError(_("the row has more cells than the header has columns"))
    data = {c: " ".join(str(raw.get(c) or "").split()) for c in COLUMNS}
    problems: list[str] = []
    for column in COLUMNS:
        if len(data[column]) > MAX_CELL_CHARS:
            problems.append(
                _("%(column)s is longer than %(limit)d characters")
                % {"column": column, "limit": MAX_CELL_CHARS}
            )
            data[column] = ""
    for column in REQUIRED:
        if not data[column] and not any(p.startswith(column) for p in problems):
            problems.append(_("%(column)s is empty") % {"column": column})
    if problems:
        raise ValueError("; ".join(problems))
    if len(data["organisation"]) > Organisation._meta.get_field("name").max_length:
        problems.append(_("organisation is longer than 200 characters"))
    membership_class = classes.get(data["membership_class"].casefold())
    if membership_class is None:
        problems.append(
            _("membership_class “%(value)s” is not one of: %(choices)s")
            % {
                "value": data["membership_class"][:80],
                "choices": ", ".join(str(label) for label in MembershipClass.labels),
            }
        )
    country = _country(data["country"])
    if country is None:
        problems.append(
            _("country “%(value)s” is not an ISO 3166-1 code or a country name")
            % {"value": data["country"][:80]}
        )
    since = _date(data["member_since"], "member_since", problems)
    until = _date(data["member_until"], "member_until", problems) if data["member_until"] else None
    if since and until and until < since:
        problems.append(_("member_until is before member_since"))
    email = services.normalise_email(data["email"])
    try:
        validate_email(email)
    except ValidationError:
        problems.append(_("email “%(value)s” is not an e-mail address") % {"value": email[:80]})
    if len(data["full_name"]) > User._meta.get_field("full_name").max_length:
        problems.append(_("full_name is longer than 200 characters"))
    role = (data["role"] or OrganisationRole.MEMBER).casefold()
    if role not in OrganisationRole.values:
        problems.append(
            _("role “%(value)s” is not member or manager") % {"value": data["role"][:40]}
        )
    if problems:
        raise ValueError("; ".join(problems))
    return Row(
        line=line,
        organisation=data["organisation"],
        membership_class=membership_class,
        country=country,
        member_since=since,
        member_until=until,
        email=email,
        full_name=data["full_name"],
        role=role,
    )


def parse(text: str) -> tuple[list[Row], list[str]]:
    """Checks every row; returns the rows and the errors (``line 4: ...``)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = [(name or "").strip().casefold() for name in (reader.fieldnames or [])]
    except csv.Error as exc:
        return [], [_("line 1: the header cannot be read (%(error)s)") % {"error": exc}]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        return [], [
            _("line 1: missing columns: %(columns)s. The header must name: %(all)s")
            % {"columns": ", ".join(missing), "all": ",".join(COLUMNS)}
        ]
    reader.fieldnames = header
    classes = _class_lookup()
    rows: list[Row] = []
    errors: list[str] = []
    first_line_of_email: dict[str, int] = {}
    organisations: dict[str, Row] = {}
    count = 0
    while True:
        try:
            raw = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(
                _("line %(line)d: the file cannot be read past here (%(error)s)")
                % {"line": reader.line_num, "error": exc}
            )
            break
        line = reader.line_num
        if not any(str(v or "").strip() for k, v in raw.items() if k is not None):
            continue
        count += 1
        if count > MAX_ROWS:
            errors.append(
                _("line %(line)d: the file has more than %(limit)d rows. Split it.")
                % {"line": line, "limit": MAX_ROWS}
            )
            break
        try:
            row = _parse_row(line, raw, classes)
        except ValueError as exc:
            errors.append(_("line %(line)d: %(problem)s") % {"line": line, "problem": exc})
            continue
        if row.email in first_line_of_email:
            errors.append(
                _("line %(line)d: %(email)s is already on line %(first)d")
                % {"line": line, "email": row.email, "first": first_line_of_email[row.email]}
            )
            continue
        first_line_of_email[row.email] = line
        first = organisations.setdefault(row.organisation_key, row)
        if first is not row and first.organisation_fields != row.organisation_fields:
            errors.append(
                _(
                    "line %(line)d: “%(organisation)s” has a different membership class, "
                    "country or dates on line %(first)d"
                )
                % {"line": line, "organisation": row.organisation, "first": first.line}
            )
            continue
        rows.append(row)
    if not rows and not errors:
        errors.append(_("the file has no rows under its header"))
    return rows, errors


# --- Importing --------------------------------------------------------------------------


class _RowFailed(Exception):
    def __init__(self, line: int, problem: str):
        super().__init__(problem)
        self.line = line
        self.problem = problem


class _Plan:
    """The organisations and people a file names, as they are now, read in two queries."""

    def __init__(self, rows: list[Row]):
        keys = {row.organisation_key for row in rows}
        self.organisations: dict[str, Organisation] = {
            organisation.name.casefold(): organisation
            for organisation in Organisation.objects.annotate(key=Lower("name")).filter(
                key__in=sorted({row.organisation.lower() for row in rows})
            )
            if organisation.name.casefold() in keys
        }
        self.people: dict[str, User] = {
            person.email.lower(): person
            for person in User.objects.annotate(key=Lower("email"))
            .filter(key__in=sorted({row.email for row in rows}))
            .select_related("organisation")
        }
        self.organisation_changes: dict[str, tuple[str, list[str]]] = {}


def _shown(name: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    field = Organisation._meta.get_field(name)
    return str(dict(field.choices).get(value, value)) if field.choices else str(value)


def _describe(changes: dict[str, tuple[Any, Any]]) -> list[str]:
    """``member until: 2027-03-01 → 2028-03-01``, in the admin's words."""
    return [
        f"{Organisation._meta.get_field(name).verbose_name}: "
        f"{_shown(name, before)} → {_shown(name, after)}"
        for name, (before, after) in changes.items()
    ]


def _import_organisation(row: Row, plan: _Plan, actor, source: dict) -> Organisation:
    key = row.organisation_key
    organisation = plan.organisations.get(key)
    if key in plan.organisation_changes:
        return organisation
    if organisation is None:
        organisation = services.organisation_create(
            actor=actor, data=source, name=row.organisation, **row.organisation_fields
        )
        plan.organisations[key] = organisation
        plan.organisation_changes[key] = (CREATED, [])
    else:
        changes = services.organisation_update(
            organisation=organisation, actor=actor, data=source, **row.organisation_fields
        )
        plan.organisation_changes[key] = (UPDATED if changes else UNCHANGED, _describe(changes))
    return organisation


def _import_person(
    row: Row, organisation: Organisation, plan: _Plan, result: ImportResult, actor, source: dict
) -> tuple[str, list[str]]:
    person = plan.people.get(row.email)
    if person is None:
        person = User.objects.create_user(email=row.email, password=None, full_name=row.full_name)
        services.member_link(
            organisation=organisation, person=person, role=row.role, actor=actor, data=source
        )
        if not result.dry_run:
            services.invitation_send(
                organisation=organisation, email=row.email, role=row.role, actor=actor, data=source
            )
            result.invitations += 1
        return CREATED, []
    changed: list[str] = []
    if services.member_update_name(
        person=person, full_name=row.full_name, actor=actor, data=source
    ):
        changed.append(_("name: %(name)s") % {"name": row.full_name})
    previous = person.organisation
    previous_role = person.organisation_role
    if services.member_link(
        organisation=organisation, person=person, role=row.role, actor=actor, data=source
    ):
        if previous is None:
            changed.append(_("linked to the organisation"))
        elif previous.pk != organisation.pk:
            changed.append(_("moved from %(name)s") % {"name": previous.name})
        if previous_role != row.role:
            changed.append(_("role: %(role)s") % {"role": OrganisationRole(row.role).label})
    return (UPDATED if changed else UNCHANGED), changed


def _import(rows: list[Row], result: ImportResult, actor, filename: str) -> None:
    plan = _Plan(rows)
    described: set[str] = set()
    for row in rows:
        source = {"source": "import", "file": filename[:200], "line": row.line}
        try:
            organisation = _import_organisation(row, plan, actor, source)
            person_change, details = _import_person(row, organisation, plan, result, actor, source)
        except ValidationError as exc:
            raise _RowFailed(row.line, " ".join(exc.messages)) from exc
        except ServiceError as exc:
            raise _RowFailed(row.line, exc.message) from exc
        org_change, org_details = plan.organisation_changes[row.organisation_key]
        first_of_organisation = row.organisation_key not in described
        described.add(row.organisation_key)
        result.outcomes.append(
            RowOutcome(
                line=row.line,
                organisation=organisation.name,
                organisation_change=org_change,
                email=row.email,
                person_change=person_change,
                details=[*(org_details if first_of_organisation else []), *details],
            )
        )


def import_members(
    *, text: str, dry_run: bool = False, actor: User | None = None, filename: str = ""
) -> ImportResult:
    """Imports the members CSV in ``text``. With any bad row, or in a dry run, nothing is
    written and no e-mail is sent; otherwise new people are invited after commit."""
    result = ImportResult(dry_run=dry_run)
    rows, errors = parse(text)
    if errors:
        result.errors = errors
        return result
    try:
        with transaction.atomic():
            _import(rows, result, actor, filename)
            if dry_run:
                raise _Rollback
    except _RowFailed as failure:
        result.errors = [
            _("line %(line)d: %(problem)s") % {"line": failure.line, "problem": failure.problem}
        ]
        result.outcomes = []
        result.invitations = 0
    except _Rollback:
        pass
    return result
