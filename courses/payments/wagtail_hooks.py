"""The payments back office: the price catalogue, the orders report (filters, CSV export)
and one page per order where staff mark an invoice paid, refund or cancel.

Also what payments plugs into the apps below it: course prices (``course_prices``, see
``courses/pricing.py``), the exam sitting offer (``quiz_sitting_offer``, see
``courses/quiz/extensions.py``) and the learner dashboard's orders panel
(``dashboard_panel``, see ``courses/dashboard.py``); and the audit-log actions of payments
(``payments.*``, written through ``lms.audit.record`` by the services)."""

from __future__ import annotations

import django_filters
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

import courses.payments.privacy_rights  # noqa: F401  (its part of erasure)
from courses.payments import admin_views, selectors
from courses.payments.models import (
    CURRENCIES,
    CatalogueItem,
    Kind,
    Order,
    OrderStatus,
    PaymentMethod,
)
from courses.payments.panels import orders_panel
from courses.payments.work_queues import staff_work_queues


class CatalogueViewSet(ModelViewSet):
    model = CatalogueItem
    icon = "tag"
    menu_label = _("Price catalogue")
    url_prefix = "payments/catalogue"
    url_namespace = "payments_catalogue"
    list_display = ["name", "kind", "active", "active_from", "active_until"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    add_to_admin_menu = False


class OrderFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=OrderStatus.choices)
    method = django_filters.ChoiceFilter(label=_("Payment method"), choices=PaymentMethod.choices)
    currency = django_filters.ChoiceFilter(label=_("Currency"), choices=CURRENCIES)
    kind = django_filters.ChoiceFilter(
        label=_("What was sold"), choices=Kind.choices, field_name="lines__kind", distinct=True
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Ordered between"), widget=DateRangePickerWidget
    )
    buyer = django_filters.CharFilter(
        label=_("Buyer e-mail contains"), field_name="buyer__email", lookup_expr="icontains"
    )

    class Meta:
        model = Order
        fields = ["status", "method", "currency", "kind", "created_at", "buyer"]


class OrderIndexView(IndexView):
    def get_edit_url(self, instance):
        return reverse("payments_admin:order_manage", args=(instance.pk,))

    def get_base_queryset(self):
        return (
            super().get_base_queryset().select_related("buyer", "invoice").prefetch_related("lines")
        )


class OrderViewSet(ModelViewSet):
    """The staff report of orders. Orders are never edited here: every change goes
    through the order page's actions (services)."""

    model = Order
    icon = "list-ul"
    menu_label = _("Orders")
    url_prefix = "payments/orders"
    url_namespace = "payments_orders"
    index_view_class = OrderIndexView
    list_display = [
        "number",
        "created_at",
        "buyer",
        Column("kinds_display", label=_("What")),
        Column("total_display", label=_("Total")),
        "method",
        "status",
    ]
    filterset_class = OrderFilterSet
    search_fields = ["buyer__email", "buyer__full_name", "billing_name", "firm_name"]
    search_backend_name = None
    list_export = [
        "number",
        "created_at",
        "buyer_email",
        "billing_name",
        "firm_name",
        "kinds_display",
        "currency",
        "total_decimal",
        "status",
        "method",
        "invoice_number",
        "payment_reference",
        "paid_at",
        "refunded_decimal",
    ]
    export_headings = {
        "number": _("Order"),
        "created_at": _("Created"),
        "buyer_email": _("Buyer"),
        "kinds_display": _("What"),
        "total_decimal": _("Total"),
        "invoice_number": _("Invoice"),
        "refunded_decimal": _("Refunded"),
    }
    export_filename = "orders"
    add_to_admin_menu = False
    form_fields = ["payment_reference"]  # unused: staff have no change permission


class PaymentsGroup(ViewSetGroup):
    menu_label = _("Payments")
    menu_icon = "tag"
    menu_order = 230
    items = (OrderViewSet, CatalogueViewSet)


@hooks.register("register_admin_viewset")
def register_payments_viewsets():
    return PaymentsGroup()


@hooks.register("register_admin_urls")
def register_payments_admin_urls():
    return [
        path(
            "payments/",
            include(
                (
                    [
                        path(
                            "order/<int:pk>/",
                            admin_views.order_manage,
                            name="order_manage",
                        ),
                    ],
                    "payments_admin",
                ),
                namespace="payments_admin",
            ),
        )
    ]


@hooks.register("register_log_actions")
def register_payments_log_actions(actions):
    for code, label, message in (
        ("payments.order.created", _("Place order"), _("Order placed")),
        ("payments.order.paid", _("Record payment"), _("Order paid")),
        ("payments.order.marked_paid", _("Mark paid"), _("Order marked paid by staff")),
        ("payments.order.cancelled", _("Cancel order"), _("Order cancelled")),
        (
            "payments.order.released",
            _("Release unpaid order"),
            _("Order ended unpaid (payment failed or expired)"),
        ),
        ("payments.invoice.issued", _("Issue invoice"), _("Invoice issued")),
        ("payments.refund.requested", _("Request refund"), _("Card refund asked of Stripe")),
        ("payments.refund.retried", _("Retry refund"), _("Card refund asked of Stripe again")),
        ("payments.refund.completed", _("Complete refund"), _("Refund completed")),
        ("payments.refund.failed", _("Refund failed"), _("Stripe did not refund")),
        (
            "payments.refund.partial_recorded",
            _("Record partial refund"),
            _("Partial refund recorded from Stripe"),
        ),
        ("payments.credit_note.issued", _("Issue credit note"), _("Credit note issued")),
        ("payments.voucher.assigned", _("Assign sitting"), _("Exam sitting assigned")),
        ("payments.voucher.taken_back", _("Take sitting back"), _("Exam sitting taken back")),
    ):
        actions.register_action(code, label, message)


hooks.register("course_prices", selectors.course_prices)
hooks.register("quiz_sitting_offer", selectors.sitting_offer)
hooks.register("dashboard_panel", orders_panel, order=60)
# What waits for staff, on the admin dashboard and in the daily digest (lms.work_queues).
hooks.register("staff_work_queues", staff_work_queues, order=40)
