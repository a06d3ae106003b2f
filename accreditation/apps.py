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
        from django.db.models.signals import post_migrate

        from accreditation.services.register import connect_refresh_signals, fill_after_migrate

        connect_refresh_signals()
        post_migrate.connect(
            fill_after_migrate, sender=self, dispatch_uid="accreditation.register.fill"
        )
