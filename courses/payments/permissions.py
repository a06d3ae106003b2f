"""Who may see and do what with orders (builds on lms.permissions)."""

from __future__ import annotations

from lms.permissions import is_firm_admin, is_secretariat


def can_view_order(user, order) -> bool:
    return bool(user.is_authenticated and (order.buyer_id == user.pk or is_secretariat(user)))


def can_buy_for_firm(user) -> bool:
    return is_firm_admin(user)


def can_assign_vouchers(user) -> bool:
    return is_firm_admin(user) or is_secretariat(user)


def can_mark_paid(user) -> bool:
    return user.has_perm("payments.mark_paid_order")


def can_refund(user) -> bool:
    return user.has_perm("payments.refund_order")


def can_cancel(user) -> bool:
    return user.has_perm("payments.cancel_order")
