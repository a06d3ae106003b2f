"""The register's Registered Specialists tab (no login): the list with its filters, each
specialist's page and the CSV export. Read through ``accreditation.register.specialists``
and served from the register cache for anonymous visitors, like the auditors' tab."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accreditation import register
from accreditation.cache import cached_register_view
from accreditation.models import Standard
from accreditation.models.specialists import LANGUAGES, Expertise
from accreditation.register import specialists
from accreditation.views.public import page_numbers
from lms import safe_csv


def _parse(request: HttpRequest):
    """(filter, errors) for the request's query string."""
    try:
        return specialists.parse_specialist_filters(request.GET), {}
    except register.FilterErrors as exc:
        return None, exc.errors


@require_safe
@cached_register_view
def specialist_list(request: HttpRequest) -> HttpResponse:
    specialist_filter, errors = _parse(request)
    context = {
        "values": {name: (request.GET.get(name) or "").strip() for name in specialists.PARAMETERS},
        "expertise_choices": Expertise.choices,
        "languages": LANGUAGES,
        "standards": list(Standard.objects.order_by("code")),
        "errors": errors,
        "current": "specialists",
    }
    template = "accreditation/register/specialists.html"
    if errors:
        return render(request, template, context, status=400)
    page = specialists.specialist_page(specialist_filter, request.GET.get("page"), register.today())
    context.update(
        page_obj=page,
        page_numbers=page_numbers(page),
        query_string=specialist_filter.query_string(),
    )
    return render(request, template, context)


@require_safe
@cached_register_view
def specialist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A listed specialist's page; anyone not public today is a 404 like an unknown id."""
    specialist = specialists.listed_specialist(pk, register.today())
    if specialist is None:
        raise Http404(_("This specialist is not on the register."))
    return render(
        request, "accreditation/register/specialist_detail.html", {"specialist": specialist}
    )


@require_safe
@cached_register_view
def specialist_csv(request: HttpRequest) -> HttpResponse:
    """The specialists matching exactly the current filter, one row each (their own text
    goes through ``lms.safe_csv``)."""
    specialist_filter, errors = _parse(request)
    if errors:
        message = "\n".join(f"{param}: {msg}" for param, msg in errors.items())
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    writer = safe_csv.writer(safe_csv.Echo())
    today = register.today()

    def lines():
        yield writer.writerow(specialists.CSV_COLUMNS)
        for row in specialists.csv_rows(specialist_filter, today):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="registered-specialists.csv"'
    return response
