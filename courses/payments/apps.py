from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "courses.payments"
    label = "payments"
    verbose_name = _("Payments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from courses.payments import fulfilments, selectors
        from courses.pricing import register_price_lookup
        from courses.quiz.extensions import register_sitting_offer

        fulfilments.register_builtin()
        register_price_lookup(selectors.course_prices)
        register_sitting_offer(selectors.sitting_offer)
        try:
            from courses.dashboard import register_panel
        except ImportError:  # the courses dashboard is not there yet
            return
        from courses.payments.panels import orders_panel

        register_panel("payments-orders", 60, orders_panel)
