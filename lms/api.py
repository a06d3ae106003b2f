"""The public JSON API under /api/v1/. Apps add their routers in their own ``api.py``.

Query parameters that take text use ``QueryText``: bounded in length and free of NUL
characters (PostgreSQL refuses NUL in text), so that such input is a 422 with the schema's
own error format, and the OpenAPI schema says so (``maxLength``, ``pattern``).
"""

from typing import Annotated

from ninja import NinjaAPI
from pydantic import StringConstraints

from lms.errors import ServiceError

MAX_QUERY_TEXT = 200

QueryText = Annotated[str, StringConstraints(max_length=MAX_QUERY_TEXT, pattern=r"^[^\x00]*$")]

api = NinjaAPI(
    title="ASI Learning and Accreditation API",
    version="1",
    urls_namespace="api_v1",
    description="Public register of accredited audit firms and auditors, and eligibility checks.",
)


@api.exception_handler(ServiceError)
def service_refusal(request, exc: ServiceError):
    """A refusal by the rules is a 400 with the same ``detail`` shape as Ninja's errors."""
    return api.create_response(request, {"detail": exc.message}, status=400)


@api.get("/", include_in_schema=False, url_name="index")
def index(request):
    """``/api/v1/`` itself: where the documentation is and which endpoints exist."""
    schema = api.get_openapi_schema(path_prefix=request.path.rstrip("/"))
    endpoints = [
        {"path": path, "method": method.upper(), "summary": operation.get("summary", "")}
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    ]
    base = request.build_absolute_uri(request.path)
    return {
        "name": api.title,
        "version": api.version,
        "docs": base + "docs",
        "openapi": base + "openapi.json",
        "endpoints": endpoints,
    }
