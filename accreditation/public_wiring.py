"""Wiring of the public side, imported once from ``AccreditationConfig.ready()``.

Adds the register API to /api/v1/, connects the register cache purge, and registers the
accreditation lookup of the /verify/<code>/ page. Each step guards against running twice.
"""

from accreditation import api as _api  # noqa: F401  (adds the router to lms.api.api)
from accreditation import verification
from accreditation.cache import connect_purge_signals

connect_purge_signals()
verification.register()
