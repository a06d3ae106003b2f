"""The public JSON API under /api/v1/. Apps add their routers in their own ``api.py``."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="ASI Learning and Accreditation API",
    version="1",
    urls_namespace="api_v1",
    description="Public register of accredited audit firms and auditors, and eligibility checks.",
)
