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
