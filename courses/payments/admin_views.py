"""The staff page of one order (Wagtail admin): history, refunds, and the actions
"mark paid" (invoice orders), "refund", "retry a refund" and "cancel", each calling one
service.

A refusal of an action whose form was posted is shown on that form (``show_refusal``);
a card refund Stripe did not make (``RefundFailed``) is an outcome, not a mistake in the
form: it is shown as a message, and the refund is then listed as failed with a way to
retry it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from courses.payments import permissions, selectors, services
from courses.payments.forms import CancelForm, MarkPaidForm, RefundForm
from courses.payments.models import Order, OrderStatus, PaymentMethod, Refund
from lms.errors import ServiceError, show_refusal


def _order(pk: int) -> Order:
    return get_object_or_404(
        Order.objects.select_related("buyer").prefetch_related(
            "lines", "history__actor", "refunds__actor", "stripe_events"
        ),
        pk=pk,
    )


def _forms(request, order: Order, action: str | None) -> dict[str, forms.Form]:
    """The page's forms, the one of ``action`` bound to what was posted."""

    def data(name: str):
        return request.POST if action == name else None

    return {
        "mark_paid": MarkPaidForm(data("mark_paid")),
        "refund": RefundForm(data("refund"), lines=selectors.lines_for_refund(order=order)),
        "cancel": CancelForm(data("cancel")),
    }


# --- The actions: each returns True when done (the page is then loaded afresh) --------


def _mark_paid(request, order: Order, form: forms.Form | None) -> bool:
    if not form.is_valid():
        return False
    services.order_mark_paid(
        order=order, actor=request.user, reference=form.cleaned_data["reference"]
    )
    messages.success(request, _("Marked paid: access has been granted."))
    return True


def _refund(request, order: Order, form: forms.Form | None) -> bool:
    if not form.is_valid():
        return False
    result = services.order_refund(
        order=order,
        actor=request.user,
        reason=form.cleaned_data["reason"],
        reference=form.cleaned_data["reference"],
        units=form.units(),
    )
    messages.success(request, _("Refunded %(amount)s.") % {"amount": result.refund.amount_display})
    if result.revoked:
        messages.info(request, _("Revoked: %(lines)s.") % {"lines": "; ".join(result.revoked)})
    if result.not_revoked:
        messages.warning(
            request,
            _("Refunded without revoking (already used): %(lines)s.")
            % {"lines": "; ".join(result.not_revoked)},
        )
    return True


def _retry_refund(request, order: Order, form: forms.Form | None) -> bool:
    refund = get_object_or_404(
        order.refunds.exclude(status=Refund.Status.DONE), pk=request.POST.get("refund")
    )
    result = services.refund_retry(refund=refund, actor=request.user)
    messages.success(request, _("Refunded %(amount)s.") % {"amount": result.refund.amount_display})
    return True


def _cancel(request, order: Order, form: forms.Form | None) -> bool:
    if not form.is_valid():
        return False
    services.order_cancel(order=order, actor=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("Cancelled."))
    return True


@dataclass(frozen=True)
class Action:
    allowed: Callable[[object], bool]
    run: Callable[..., bool]


ACTIONS: dict[str, Action] = {
    "mark_paid": Action(permissions.can_mark_paid, _mark_paid),
    "refund": Action(permissions.can_refund, _refund),
    "retry_refund": Action(permissions.can_refund, _retry_refund),
    "cancel": Action(permissions.can_cancel, _cancel),
}


def _page(request, order: Order, forms_by_action: dict[str, forms.Form]) -> TemplateResponse:
    user = request.user
    return TemplateResponse(
        request,
        "payments/admin/order_manage.html",
        {
            "page_title": _("Order %(number)s") % {"number": order.number},
            "header_icon": "list-ul",
            "order": order,
            "invoice": getattr(order, "invoice", None),
            "mark_paid_form": forms_by_action["mark_paid"],
            "refund_form": forms_by_action["refund"],
            "cancel_form": forms_by_action["cancel"],
            "can_mark_paid": permissions.can_mark_paid(user)
            and order.status != OrderStatus.PAID
            and order.can_move_to(OrderStatus.PAID)
            and order.method == PaymentMethod.INVOICE,
            "can_refund": permissions.can_refund(user) and order.status == OrderStatus.PAID,
            "can_retry_refunds": permissions.can_refund(user) and order.status == OrderStatus.PAID,
            "can_cancel": permissions.can_cancel(user) and order.status == OrderStatus.PENDING,
        },
    )


def order_manage(request, pk: int):
    """Shows the order; on POST runs the one action named by ``action``."""
    if not permissions.can_manage_orders(request.user):
        raise PermissionDenied
    order = _order(pk)
    name = request.POST.get("action") if request.method == "POST" else None
    forms_by_action = _forms(request, order, name)
    action = ACTIONS.get(name or "")
    if action is None:
        return _page(request, order, forms_by_action)
    if not action.allowed(request.user):
        raise PermissionDenied
    try:
        if action.run(request, order, forms_by_action.get(name)):
            return redirect("payments_admin:order_manage", pk=order.pk)
    except services.RefundFailed as exc:
        show_refusal(request, exc)
        order = _order(pk)  # the refund Stripe did not make is now listed
        forms_by_action = _forms(request, order, None)
    except ServiceError as exc:
        show_refusal(request, exc, form=forms_by_action.get(name))
        order = _order(pk)
    return _page(request, order, forms_by_action)
