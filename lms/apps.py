from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = _("Identity")

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added

        from lms.mfa import record_second_factor_on_activation

        authenticator_added.connect(
            record_second_factor_on_activation, dispatch_uid="lms.mfa.record_on_activation"
        )

        # Every Wagtail admin CSV export neutralises spreadsheet formulas (lms/safe_csv.py).
        from lms.safe_csv import guard_wagtail_exports

        guard_wagtail_exports()
