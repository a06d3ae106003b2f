from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccreditationConfig(AppConfig):
    name = "accreditation"
    verbose_name = _("Accreditation")

    def ready(self) -> None:
        # The register API adds its router to /api/v1/ (lms.api may not import us).
        from accreditation import api  # noqa: F401
        from accreditation.cache import connect_purge_signals

        connect_purge_signals()
