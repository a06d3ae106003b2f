"""The staff page of one order (Wagtail admin): history, refunds, and the actions
"mark paid" (invoice orders), "refund", "retry a refund" and "cancel", each calling one
service. Any refusal (a ``ServiceError``, e.g. Stripe refusing a refund, which is then
listed as failed) is shown as an error message on the page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from courses.payments import permissions, selectors, services
from courses.payments.forms import CancelForm, MarkPaidForm, RefundForm
from courses.payments.models import Order, OrderStatus, PaymentMethod, Refund
from lms.errors import ServiceError


def _order(pk: int) -> Order:
    return get_object_or_404(
        Order.objects.select_related("buyer").prefetch_related(
            "lines", "history__actor", "refunds__actor", "stripe_events"
        ),
        pk=pk,
    )


def order_manage(request, pk: int):
    if not request.user.has_perm("payments.view_order"):
        raise PermissionDenied
    order = _order(pk)
    action = request.POST.get("action") if request.method == "POST" else None
    mark_paid_form = MarkPaidForm(request.POST if action == "mark_paid" else None)
    refund_form = RefundForm(
        request.POST if action == "refund" else None,
        lines=selectors.lines_for_refund(order=order),
    )
    cancel_form = CancelForm(request.POST if action == "cancel" else None)
    if action:
        try:
            if action == "mark_paid":
                if not permissions.can_mark_paid(request.user):
                    raise PermissionDenied
                if mark_paid_form.is_valid():
                    services.order_mark_paid(
                        order=order,
                        actor=request.user,
                        reference=mark_paid_form.cleaned_data["reference"],
                    )
                    messages.success(request, _("Marked paid: access has been granted."))
                    return redirect("payments_admin:order_manage", pk=order.pk)
            elif action == "refund":
                if not permissions.can_refund(request.user):
                    raise PermissionDenied
                if refund_form.is_valid():
                    result = services.order_refund(
                        order=order,
                        actor=request.user,
                        reason=refund_form.cleaned_data["reason"],
                        reference=refund_form.cleaned_data["reference"],
                        units=refund_form.units(),
                    )
                    messages.success(
                        request,
                        _("Refunded %(amount)s.") % {"amount": result.refund.amount_display},
                    )
                    if result.revoked:
                        messages.info(
                            request, _("Revoked: %(lines)s.") % {"lines": "; ".join(result.revoked)}
                        )
                    if result.not_revoked:
                        messages.warning(
                            request,
                            _("Refunded without revoking (already used): %(lines)s.")
                            % {"lines": "; ".join(result.not_revoked)},
                        )
                    return redirect("payments_admin:order_manage", pk=order.pk)
            elif action == "retry_refund":
                if not permissions.can_refund(request.user):
                    raise PermissionDenied
                refund = get_object_or_404(
                    order.refunds.exclude(status=Refund.Status.DONE),
                    pk=request.POST.get("refund"),
                )
                result = services.refund_retry(refund=refund, actor=request.user)
                messages.success(
                    request, _("Refunded %(amount)s.") % {"amount": result.refund.amount_display}
                )
                return redirect("payments_admin:order_manage", pk=order.pk)
            elif action == "cancel":
                if not permissions.can_cancel(request.user):
                    raise PermissionDenied
                if cancel_form.is_valid():
                    services.order_cancel(
                        order=order, actor=request.user, reason=cancel_form.cleaned_data["reason"]
                    )
                    messages.success(request, _("Cancelled."))
                    return redirect("payments_admin:order_manage", pk=order.pk)
        except ServiceError as exc:
            messages.error(request, exc.message)
            order = _order(pk)  # a refund Stripe refused is now listed as failed
    return TemplateResponse(
        request,
        "payments/admin/order_manage.html",
        {
            "page_title": _("Order %(number)s") % {"number": order.number},
            "header_icon": "list-ul",
            "order": order,
            "invoice": getattr(order, "invoice", None),
            "mark_paid_form": mark_paid_form,
            "refund_form": refund_form,
            "cancel_form": cancel_form,
            "can_mark_paid": permissions.can_mark_paid(request.user)
            and order.status != OrderStatus.PAID
            and order.can_move_to(OrderStatus.PAID)
            and order.method == PaymentMethod.INVOICE,
            "can_refund": permissions.can_refund(request.user) and order.status == OrderStatus.PAID,
            "can_retry_refunds": permissions.can_refund(request.user)
            and order.status == OrderStatus.PAID,
            "can_cancel": permissions.can_cancel(request.user)
            and order.status == OrderStatus.PENDING,
        },
    )
