"""The public register (no login): auditors, firms, one page each, the search box that
picks the tab, and the CSV export; and the accreditation certificate PDF (its holder and
staff only).

Every view reads through ``accreditation.register`` (the same filters and queries as the
API) and is served from the register cache for anonymous visitors.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accreditation import certificates, permissions, register, selectors
from accreditation.cache import cached_register_view
from accreditation.models import AuditorProfile
from lms import safe_csv


def _filter_context(request: HttpRequest, reference: register.Reference) -> dict:
    values = {name: (request.GET.get(name) or "").strip() for name in register.PARAMETERS}
    return {
        "values": values,
        "standards": reference.standards,
        "sectors": reference.sectors,
        "firms": reference.firms,
    }


def _parse(request: HttpRequest):
    """(reference, filter, errors) for the request's query string."""
    reference = register.load_reference()
    try:
        return reference, register.parse_filters(request.GET, reference), {}
    except register.FilterErrors as exc:
        return reference, None, exc.errors


def page_numbers(page) -> list[int | None]:
    """Page numbers to link: first, last and two around the current one (None = a gap)."""
    last = page.paginator.num_pages
    wanted = {1, last, *range(page.number - 2, page.number + 3)}
    numbers: list[int | None] = []
    for number in sorted(n for n in wanted if 1 <= n <= last):
        if numbers and numbers[-1] is not None and number - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


# Each tab of the register: its URL name, template, page builder and how many of the
# *other* tab's kind match the same filter (shown as a link when the visitor searched).
_TABS = {
    register.AUDITORS_TAB: (
        "accreditation:register",
        "accreditation/register/auditors.html",
        register.auditor_page,
        register.listed_firm_count,
    ),
    register.FIRMS_TAB: (
        "accreditation:register_firms",
        "accreditation/register/firms.html",
        register.firm_page,
        register.listed_auditor_count,
    ),
}


def _listing(request: HttpRequest, tab: str, parsed=None) -> HttpResponse:
    """One tab of the register. With ``q``, the page also counts the other tab's matches
    (one more query), so that a search finds firms and auditors wherever the visitor is."""
    _url_name, template, build_page, count_other = _TABS[tab]
    reference, register_filter, errors = parsed or _parse(request)
    context = _filter_context(request, reference)
    context["errors"] = errors
    if errors:
        return render(request, template, context, status=400)
    today = register.today()
    page = build_page(register_filter, request.GET.get("page"), today)
    context.update(
        page_obj=page,
        page_numbers=page_numbers(page),
        query_string=register_filter.query_string(),
        register_filter=register_filter,
        other_count=count_other(register_filter, today) if register_filter.q else None,
    )
    return render(request, template, context)


@require_safe
@cached_register_view
def auditor_list(request: HttpRequest) -> HttpResponse:
    return _listing(request, register.AUDITORS_TAB)


@require_safe
@cached_register_view
def firm_list(request: HttpRequest) -> HttpResponse:
    return _listing(request, register.FIRMS_TAB)


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """The register's search box (home page and register pages): goes to the tab that
    answers (``register.search_tab``), with the filter cleaned; ``tab`` is the tab the
    visitor searched from. A bad filter is shown on that tab (a 400 with the errors).

    Not cached: a redirect costs the two ``exists`` queries, and the tab it leads to is
    served from the register cache.
    """
    preferred = request.GET.get("tab")
    if preferred not in _TABS:
        preferred = register.AUDITORS_TAB
    parsed = _parse(request)
    _reference, register_filter, errors = parsed
    if errors:
        return _listing(request, preferred, parsed)
    tab = register.search_tab(register_filter, preferred)
    query_string = register_filter.query_string()
    url = reverse(_TABS[tab][0])
    return redirect(f"{url}?{query_string}" if query_string else url)


@require_safe
@cached_register_view
def auditor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A listed auditor's page, or "not currently accredited" (``register.history``).

    Register policy: an auditor who consents to be named and was on the register before
    gets a page saying they are not currently accredited and since when, and nothing more
    (not why, not their scope or firms). One who does not consent, or was never on the
    register, is a 404 like an unknown id: the public register reveals nothing about them.
    """
    auditor = register.listed_auditor(pk)
    if auditor is not None:
        return render(request, "accreditation/register/auditor_detail.html", {"auditor": auditor})
    profile = (
        AuditorProfile.objects.filter(pk=pk, listed_consent=True).select_related("user").first()
    )
    since = register.not_listed_since(profile.pk) if profile is not None else None
    if since is None:
        raise Http404(_("This auditor is not on the register."))
    return render(
        request,
        "accreditation/register/auditor_not_current.html",
        {"auditor": profile, "since": since},
    )


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
