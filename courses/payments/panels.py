"""The "My orders" panel of the learner dashboard."""

from __future__ import annotations

from django.template.loader import render_to_string

from courses.payments import selectors


def orders_panel(request) -> str | None:
    user = request.user
    if not user.is_authenticated:
        return None
    orders = list(selectors.orders_of(user=user)[:5])
    vouchers = list(selectors.unassigned_vouchers_of(user=user))
    if not orders and not vouchers:
        return None
    return render_to_string(
        "payments/panel.html", {"orders": orders, "vouchers": vouchers}, request=request
    )
