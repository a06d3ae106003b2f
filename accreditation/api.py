"""The register's JSON API under /api/v1/: auditors, firms, eligibility checks, and the
registered specialists (non-auditor experts, kept apart from everything about auditors).

The list endpoints share the register's filter parameters (``standard``, ``sector``,
``country``, ``firm``, ``q``) with the HTML page and the CSV export, and are served from the
register cache for anonymous callers. Eligibility is answered by the eligibility engine
(``accreditation.selectors.check_eligibility``), never here.
"""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django_countries import countries
from ninja import Field, Query, Router, Schema
from ninja import Path as PathParams
from ninja.errors import HttpError, ValidationError

from accreditation import register, selectors
from accreditation.cache import serve_cached
from accreditation.models import AuditorProfile, Sector, Standard
from accreditation.register import specialists
from lms.api import QueryText, api

router = Router(tags=["register"])

# Far past any register (2.5 million entries), and small enough for any database's OFFSET.
MAX_PAGE = 100_000


# --- Schemas ---------------------------------------------------------------------------


class ScopeOut(Schema):
    standard: str = Field(..., description="Standard code: PS or CoC", examples=["PS"])
    sector: str = Field(..., description="Sector slug", examples=["casthouse"])
    country: str = Field(..., description="ISO 3166-1 alpha-2 code", examples=["CN"])
    firm: str = Field(..., description="The audit firm the accreditation was granted through")
    status: str = Field(..., examples=["active"])
    valid_from: datetime.date
    valid_until: datetime.date


class AuditorOut(Schema):
    id: int = Field(..., description="The id /api/v1/eligibility takes as `auditor`")
    name: str
    firms: list[str] = Field(..., description="Firms the auditor works for today")
    scope: list[ScopeOut] = Field(..., description="Register scope matching the filter")


class AuditorList(Schema):
    count: int
    items: list[AuditorOut]


class FirmScopeOut(Schema):
    standard: str
    sector: str
    country: str
    valid_from: datetime.date
    valid_until: datetime.date | None


class FirmOut(Schema):
    id: int
    name: str
    slug: str = Field(..., description="The value the `firm` filter parameter takes")
    country: str
    status: str = Field(..., examples=["active"])
    valid_from: datetime.date | None = Field(..., description="Start of the current period")
    valid_until: datetime.date | None = Field(..., description="End of the current period")
    scope: list[FirmScopeOut]


class FirmList(Schema):
    count: int
    items: list[FirmOut]


class EligibilityOut(Schema):
    eligible: bool
    reasons: list[str] = Field(..., description="Every unmet condition, in plain words")


class EligibilityQuery(Schema):
    auditor: int = Field(..., description="Auditor id from /api/v1/auditors")
    standard: QueryText = Field(..., description="Standard code: PS or CoC")
    sector: QueryText = Field(..., description="Sector slug of that standard")
    country: QueryText = Field(..., description="ISO 3166-1 alpha-2 country code")
    on: QueryText | None = Field(None, description="Date (YYYY-MM-DD); today if omitted")


class RegisterQuery(Schema):
    standard: QueryText | None = Field(None, description="Standard code: PS or CoC")
    sector: QueryText | None = Field(None, description="Sector slug, e.g. casthouse")
    country: QueryText | None = Field(None, description="ISO 3166-1 alpha-2 country code, e.g. CN")
    firm: QueryText | None = Field(None, description="Firm slug (see /api/v1/firms)")
    q: QueryText | None = Field(
        None,
        description="Part of a name: for auditors, the auditor's or that of a firm they work "
        "for today (as on the HTML register); for firms, the firm's",
    )
    page: int = Field(
        1, ge=1, le=MAX_PAGE, description="Page number (25 items a page); past the end: empty"
    )


# --- Helpers ---------------------------------------------------------------------------


def _unprocessable(errors: dict[str, str]) -> ValidationError:
    return ValidationError(
        [
            {"loc": ["query", param], "msg": message, "type": "value_error"}
            for param, message in errors.items()
        ]
    )


def _parse(query: RegisterQuery) -> register.RegisterFilter:
    try:
        return register.parse_filters(query.dict(exclude={"page"}))
    except register.FilterErrors as exc:
        raise _unprocessable(exc.errors) from None


def _json(body: Schema) -> HttpResponse:
    return HttpResponse(body.model_dump_json(), content_type="application/json")


def _window(page: int) -> slice:
    start = (page - 1) * register.PAGE_SIZE
    return slice(start, start + register.PAGE_SIZE)


def _scope_out(element) -> ScopeOut:
    return ScopeOut(
        standard=element.sector.standard.code,
        sector=element.sector.slug,
        country=element.country.code,
        firm=element.accreditation.firm.name,
        status=element.current_status,
        valid_from=element.valid_from,
        valid_until=element.valid_until,
    )


# --- Endpoints -------------------------------------------------------------------------


@router.get("/auditors", response=AuditorList, summary="Listed auditors and their scope")
def list_auditors(request: HttpRequest, query: Query[RegisterQuery]):
    """Auditors on the register today (named with their consent), 25 a page.

    An auditor is listed when at least one of their accredited scope elements matches every
    given filter; ``scope`` lists those elements.
    """

    def build() -> HttpResponse:
        register_filter = _parse(query)
        today = register.today()
        count, page = register.auditor_window(register_filter, query.page, today)
        return _json(
            AuditorList(
                count=count,
                items=[
                    AuditorOut(
                        id=auditor.pk,
                        name=auditor.user.full_name,
                        firms=auditor.register_firms,
                        scope=[_scope_out(element) for element in auditor.register_scope],
                    )
                    for auditor in page
                ],
            )
        )

    return serve_cached(request, build)


@router.get("/firms", response=FirmList, summary="Accredited audit firms and their own scope")
def list_firms(request: HttpRequest, query: Query[RegisterQuery]):
    """Firms accredited today whose own scope matches the filter, 25 a page."""

    def build() -> HttpResponse:
        register_filter = _parse(query)
        today = register.today()
        firms = register.listed_firms(register_filter, today)
        count = firms.count()
        page = register.attach_firm_data(list(firms[_window(query.page)]), today)
        return _json(
            FirmList(
                count=count,
                items=[
                    FirmOut(
                        id=firm.pk,
                        name=firm.name,
                        slug=firm.slug,
                        country=firm.country.code,
                        status=firm.register_status,
                        valid_from=firm.period_from,
                        valid_until=firm.period_until,
                        scope=[
                            FirmScopeOut(
                                standard=element.sector.standard.code,
                                sector=element.sector.slug,
                                country=element.country.code,
                                valid_from=element.valid_from,
                                valid_until=element.valid_until,
                            )
                            for element in firm.register_scope
                        ],
                    )
                    for firm in page
                ],
            )
        )

    return serve_cached(request, build)


@router.get(
    "/eligibility",
    response={200: EligibilityOut},
    summary="May this auditor audit this standard, sector and country on this date?",
)
def eligibility(request: HttpRequest, query: Query[EligibilityQuery]):
    """The eligibility engine's answer, with every reason why not.

    Only auditors named on the register (with their consent) can be asked about; any other
    id is a 404, so the API reveals no one who has not agreed to be listed.
    """
    errors: dict[str, str] = {}
    standard_obj = Standard.objects.filter(code__iexact=query.standard.strip()).first()
    if standard_obj is None:
        errors["standard"] = _("unknown standard '%(code)s'") % {"code": query.standard}
    sector_obj = None
    if standard_obj is not None:
        sector_obj = Sector.objects.filter(standard=standard_obj, slug=query.sector.strip()).first()
        if sector_obj is None:
            errors["sector"] = _("unknown sector '%(slug)s' for standard %(code)s") % {
                "slug": query.sector,
                "code": standard_obj.code,
            }
    country_code = query.country.strip().upper()
    if country_code not in countries:
        errors["country"] = _("unknown country code '%(code)s'") % {"code": query.country}
    day = None
    if query.on:
        try:
            day = datetime.date.fromisoformat(query.on.strip())
        except ValueError:
            errors["on"] = _("malformed date '%(value)s'; expected YYYY-MM-DD") % {
                "value": query.on
            }
    if errors:
        raise _unprocessable(errors)
    profile = (
        AuditorProfile.objects.filter(pk=query.auditor, listed_consent=True)
        .select_related("user")
        .first()
    )
    if profile is None:
        raise HttpError(404, _("No listed auditor with this id."))

    answer = selectors.check_eligibility(
        profile.user, standard_obj, sector_obj, country_code, on=day
    )
    return EligibilityOut(eligible=answer.eligible, reasons=[str(r) for r in answer.reasons])


# --- Registered specialists (not auditors: never eligible, no scope) -------------------


class SpecialistOut(Schema):
    id: int
    name: str
    organisation: str = Field(..., description="Their organisation, or the audit firm named")
    country: str = Field(..., description="ISO 3166-1 alpha-2 code", examples=["BR"])
    expertise: list[str] = Field(..., description="Area codes", examples=[["community-engagement"]])
    languages: list[str] = Field(..., description="Language codes (ISO 639)", examples=[["pt"]])
    standards: list[str] = Field(..., description="Codes of the standards they support")
    description: str
    contact_email: str = Field(..., description="Public contact e-mail, or empty")
    listed_from: datetime.date
    listed_until: datetime.date | None


class SpecialistList(Schema):
    count: int
    items: list[SpecialistOut]


class SpecialistQuery(Schema):
    expertise: QueryText | None = Field(
        None, description="Area of expertise: " + ", ".join(specialists.EXPERTISE_CODES_SORTED)
    )
    language: QueryText | None = Field(None, description="Language code (ISO 639), e.g. pt")
    country: QueryText | None = Field(None, description="ISO 3166-1 alpha-2 country code, e.g. BR")
    standard: QueryText | None = Field(None, description="Standard code: PS or CoC")
    q: QueryText | None = Field(None, description="Part of the name or of the organisation")
    page: int = Field(
        1, ge=1, le=MAX_PAGE, description="Page number (25 items a page); past the end: empty"
    )


class SpecialistPath(Schema):
    specialist_id: int = Field(..., ge=1, le=2**63 - 1, description="Id from /api/v1/specialists")


class NotFound(Schema):
    detail: str


def _specialist_out(specialist) -> SpecialistOut:
    return SpecialistOut(
        id=specialist.pk,
        name=specialist.full_name,
        organisation=specialist.organisation_name,
        country=specialist.country.code,
        expertise=specialist.expertise,
        languages=specialist.languages,
        standards=[standard.code for standard in specialist.standards.all()],
        description=specialist.description,
        contact_email=specialist.public_email,
        listed_from=specialist.listed_from,
        listed_until=specialist.listed_until,
    )


@router.get(
    "/specialists",
    response=SpecialistList,
    summary="Registered specialists (non-auditor experts)",
    tags=["specialists"],
)
def list_specialists(request: HttpRequest, query: Query[SpecialistQuery]):
    """Registered specialists listed today (with their consent), 25 a page, by name.

    Specialists are experts who are not auditors (e.g. for community engagement in the
    local language): they hold no accreditation and are never in /api/v1/auditors or
    /api/v1/eligibility.
    """

    def build() -> HttpResponse:
        try:
            specialist_filter = specialists.parse_specialist_filters(query.dict(exclude={"page"}))
        except register.FilterErrors as exc:
            raise _unprocessable(exc.errors) from None
        rows = specialists.listed_specialists(specialist_filter, register.today())
        count = rows.count()
        return _json(
            SpecialistList(
                count=count, items=[_specialist_out(s) for s in rows[_window(query.page)]]
            )
        )

    return serve_cached(request, build)


@router.get(
    "/specialists/{specialist_id}",
    response={200: SpecialistOut, 404: NotFound},
    summary="One registered specialist",
    tags=["specialists"],
)
def specialist_detail(request: HttpRequest, path: PathParams[SpecialistPath]):
    """A specialist listed today; any other id is a 404."""

    def build() -> HttpResponse:
        specialist = specialists.listed_specialist(path.specialist_id, register.today())
        if specialist is None:
            raise HttpError(404, _("No listed specialist with this id."))
        return _json(_specialist_out(specialist))

    return serve_cached(request, build)


if not getattr(api, "_accreditation_router_added", False):
    api.add_router("/", router)
    api._accreditation_router_added = True
