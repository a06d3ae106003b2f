from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site content")

    def ready(self) -> None:
        from cms.documents import keep_documents_private

        keep_documents_private()
        try:
            from courses.dashboard import register_panel
        except ImportError:  # the learner dashboard is not there (yet)
            return
        from cms.dashboard import render_progress_panel

        register_panel("learning-modules", 30, render_progress_panel)
