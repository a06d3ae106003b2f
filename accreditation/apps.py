from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccreditationConfig(AppConfig):
    name = "accreditation"
    verbose_name = _("Accreditation")

    def ready(self):
        from accreditation import (
            payments_wiring,
            public_wiring,  # noqa: F401  (register API, cache, verify)
        )

        payments_wiring.register()

        try:
            from courses.dashboard import register_panel
        except ImportError:  # the dashboard is not built: nothing to register
            return
        from accreditation.dashboard import render_panel

        register_panel("accreditation", 20, render_panel)
