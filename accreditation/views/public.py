"""The public register (no login): auditors, firms, one page each, and the CSV export;
and the accreditation certificate PDF (its holder and staff only).

Every view reads through ``accreditation.register`` (the same filters and queries as the
API) and is served from the register cache for anonymous visitors.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django_countries import countries

from accreditation import certificates, permissions, register, selectors
from accreditation.cache import cached_register_view
from lms import safe_csv


def _filter_context(request: HttpRequest, reference: register.Reference) -> dict:
    values = {name: (request.GET.get(name) or "").strip() for name in register.PARAMETERS}
    return {
        "values": values,
        "standards": reference.standards,
        "sectors": reference.sectors,
        "firms": reference.firms,
        "countries": list(countries),
    }


def _parse(request: HttpRequest):
    """(reference, filter, errors) for the request's query string."""
    reference = register.load_reference()
    try:
        return reference, register.parse_filters(request.GET, reference), {}
    except register.FilterErrors as exc:
        return reference, None, exc.errors


def _page_numbers(page) -> list[int | None]:
    """Page numbers to link: first, last and two around the current one (None = a gap)."""
    last = page.paginator.num_pages
    wanted = {1, last, *range(page.number - 2, page.number + 3)}
    numbers: list[int | None] = []
    for number in sorted(n for n in wanted if 1 <= n <= last):
        if numbers and numbers[-1] is not None and number - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


def _listing(request: HttpRequest, template: str, build_page) -> HttpResponse:
    reference, register_filter, errors = _parse(request)
    context = _filter_context(request, reference)
    context["errors"] = errors
    if errors:
        return render(request, template, context, status=400)
    page = build_page(register_filter, request.GET.get("page"))
    context.update(
        page_obj=page,
        page_numbers=_page_numbers(page),
        query_string=register_filter.query_string(),
        register_filter=register_filter,
    )
    return render(request, template, context)


@require_safe
@cached_register_view
def auditor_list(request: HttpRequest) -> HttpResponse:
    return _listing(request, "accreditation/register/auditors.html", register.auditor_page)


@require_safe
@cached_register_view
def firm_list(request: HttpRequest) -> HttpResponse:
    return _listing(request, "accreditation/register/firms.html", register.firm_page)


@require_safe
@cached_register_view
def auditor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    auditor = register.listed_auditor(pk)
    if auditor is None:
        raise Http404(_("This auditor is not on the register."))
    return render(request, "accreditation/register/auditor_detail.html", {"auditor": auditor})


@require_safe
@cached_register_view
def firm_detail(request: HttpRequest, slug: str) -> HttpResponse:
    firm = register.register_firm(slug)
    if firm is None:
        raise Http404(_("This firm is not on the register."))
    register_filter = register.RegisterFilter(firm=firm)
    auditors = register.auditor_page(register_filter, 1)
    return render(
        request,
        "accreditation/register/firm_detail.html",
        {"firm": firm, "auditors": auditors, "query_string": register_filter.query_string()},
    )


@require_safe
@cached_register_view
def export_csv(request: HttpRequest) -> HttpResponse:
    """The auditors matching exactly the current filter, one row per scope element.

    Names and firm names are people's own text: cells a spreadsheet would read as a formula
    are neutralised (``lms.safe_csv``)."""
    _reference, register_filter, errors = _parse(request)
    if errors:
        message = "\n".join(f"{param}: {msg}" for param, msg in errors.items())
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    writer = safe_csv.writer(safe_csv.Echo())

    def lines():
        yield writer.writerow(register.CSV_COLUMNS)
        for row in register.csv_rows(register_filter):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="auditor-register.csv"'
    return response


@login_required
def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The accreditation certificate, drawn now with today's status (holder and staff only)."""
    accreditation = selectors.accreditation_by_code(code)
    if accreditation is None:
        raise Http404
    if not permissions.can_download_certificate(request.user, accreditation):
        raise PermissionDenied
    response = HttpResponse(
        certificates.certificate_pdf(accreditation), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="accreditation-{accreditation.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
