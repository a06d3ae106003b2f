"""Refuses malformed input before any view sees it: a 400 page (JSON under ``/api/``).

Kinds of input that are never legitimate anywhere on the site, and that used to reach
views that could not cope with them:

- **NUL bytes** in the path, in a query-string name or value, in a cookie, in a form field
  (URL-encoded or multipart; uploaded files are not text and are not checked) or in a JSON
  body (raw or as the ``\\u0000`` escape). PostgreSQL refuses NUL in text, so a NUL that
  reached a query ended in a server error (or cut a CSV stream half-way); file-system
  calls refuse it too.
- **Oversized query strings**: more than ``MAX_QUERY_STRING_LENGTH`` characters. The
  reverse proxy and gunicorn refuse request lines of a few kB anyway; refusing here as
  well keeps the development server honest and keeps 50 kB search terms away from
  database pattern matching (SQLite refuses LIKE patterns over 50,000 bytes).
- **Ids out of any column's range** in the path (``<int:pk>`` of 30 digits): a 404, since
  no such object can exist; SQLite cannot even bind such a number.
- **Request values a lookup cannot read as a number**, wherever a view (Wagtail's admin
  choosers among them) lets Django's ``ValueError`` out: a 404 (address) or 400 (query,
  form); and **deletes of records still in use** (``ProtectedError``): a 409. See
  ``process_exception``.

Form bodies are already bounded by Django (``DATA_UPLOAD_MAX_MEMORY_SIZE``,
``DATA_UPLOAD_MAX_NUMBER_FIELDS``), which answers 400 as well.

Placed before the session middleware (a session key is looked up in the database), so the
400 and 409 pages are standalone (``templates/400.html`` is also the page Django's own 400s
use) and carry their own strict Content-Security-Policy.
"""

from __future__ import annotations

import logging
import re

from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lms.i18n import request_language

logger = logging.getLogger(__name__)

StrOrPromise = str | Promise
MAX_QUERY_STRING_LENGTH = 8192
NUL = "\x00"
DATABASE_INT_LIMIT = 2**63  # a bigint; ids beyond it cannot exist in any table
# \u0000 in a JSON string, unless its backslash is itself escaped (an even run before it)
JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
# Django's message when a lookup value is not a number (IntegerField.get_prep_value)
NUMBER_EXPECTED = re.compile(r"Field '[^']*' expected a number but got (?P<value>.+)\.", re.S)


def _has_nul(pairs) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in pairs)


def problem(request: HttpRequest) -> StrOrPromise | None:
    """Why the request's address or cookies are refused, in plain words, or None."""
    if NUL in request.path_info:
        return _("The address contains a NUL character.")
    if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING_LENGTH:
        return _("The query string is too long.")
    if _has_nul(request.GET.lists()):
        return _("The query string contains a NUL character.")
    if any(NUL in key or NUL in value for key, value in request.COOKIES.items()):
        return _("A cookie contains a NUL character.")
    return None


def body_problem(request: HttpRequest, view_func) -> StrOrPromise | None:
    """Why the request's body is refused, or None.

    A multipart body is parsed here only for views that Django's CSRF check parses it for
    anyway (views that are not ``csrf_exempt``): an exempt view may read the raw body
    itself, which is no longer possible once the stream has been parsed.
    """
    if request.method not in ("POST", "PUT", "PATCH"):
        return None
    content_type = request.content_type or ""
    if content_type == "application/x-www-form-urlencoded" or (
        content_type == "multipart/form-data" and not getattr(view_func, "csrf_exempt", False)
    ):
        if _has_nul(request.POST.lists()):
            return _("The form contains a NUL character.")
    elif content_type == "application/json" or content_type.endswith("+json"):
        body = request.body
        if b"\x00" in body or JSON_NUL.search(body):
            return _("The request body contains a NUL character.")
    return None


def _out_of_range(value) -> bool:
    return isinstance(value, int) and not -DATABASE_INT_LIMIT <= value < DATABASE_INT_LIMIT


def _input_values(request: HttpRequest) -> tuple[set[str], set[str]]:
    """(path values, query and form values) of the request, as ``repr`` shows them."""
    match = request.resolver_match
    path = {repr(v) for v in (*match.args, *match.kwargs.values())} if match else set()
    pairs = list(request.GET.lists())
    if hasattr(request, "_post"):  # only a body already parsed: never read it here
        pairs += list(request.POST.lists())
    return path, {repr(value) for _key, values in pairs for value in values}


def refusal(request: HttpRequest, message: str, *, status: int = 400) -> HttpResponse:
    """The page (or JSON under ``/api/``) that refuses a request, with a strict policy."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    with translation.override(request_language(request)):  # lms.i18n: URL, else header
        response = render(request, f"{status}.html", {"message": message}, status=status)
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'"
    )
    response["X-Frame-Options"] = "DENY"
    return response


class RejectMalformedInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        message = problem(request)
        if message is None:
            return self.get_response(request)
        return self._refuse(request, message)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if any(_out_of_range(value) for value in (*view_args, *view_kwargs.values())):
            # An id no database column can hold: no such object.
            raise Http404(_("There is nothing at this address."))
        message = body_problem(request, view_func)
        return None if message is None else self._refuse(request, message)

    def process_exception(self, request: HttpRequest, exception: Exception):
        """Two errors that are the request's, not the code's, wherever a view lets them out
        (Wagtail's admin views included):

        - a value from the address, query string or form that a database lookup could not
          read as a number (Django's "Field 'id' expected a number but got 'abc'."): a 404
          when it came from the address, a 400 otherwise; a value the request did not
          carry stays a server error;
        - deleting something still in use (``ProtectedError``, ``RestrictedError``: Django
          refuses before deleting anything): a 409.
        """
        if isinstance(exception, ProtectedError | RestrictedError):
            logger.warning("refused a delete on %r: %s", request.path_info[:200], exception)
            message = _("This cannot be deleted while other records still refer to it.")
            return refusal(request, str(message), status=409)
        if not isinstance(exception, ValueError | TypeError):
            return None
        number = NUMBER_EXPECTED.fullmatch(str(exception))
        if number is None:
            return None
        from_path, from_query = _input_values(request)
        if number["value"] in from_path:
            logger.warning("not a number in the address %r: %s", request.path_info[:200], exception)
            raise Http404(_("There is nothing at this address."))
        if number["value"] in from_query:
            return self._refuse(request, _("A parameter that must be a number is not one."))
        return None

    def _refuse(self, request: HttpRequest, message: StrOrPromise) -> HttpResponse:
        logger.info("refused malformed input on %r: %s", request.path_info[:200], message)
        return refusal(request, str(message))
