"""Who may see and do what with orders and sittings (builds on lms.permissions).

Views and services ask these; none builds its own check. Who may pay a fee for an audit
firm is accreditation's question (it knows who runs a firm): it asks before it calls
``services.firm_fee_checkout``.
"""

from __future__ import annotations

from lms.permissions import is_firm_admin, is_secretariat


def is_buyer(user, order) -> bool:
    """The person who placed ``order``: the only one who pays or cancels it themself."""
    return bool(user.is_authenticated and order.buyer_id == user.pk)


def can_view_order(user, order) -> bool:
    return bool(user.is_authenticated and (order.buyer_id == user.pk or is_secretariat(user)))


def acts_as_staff(user) -> bool:
    """Whether an action by ``user`` is the secretariat's (recorded as source "staff")."""
    return bool(user is not None and user.is_authenticated and is_secretariat(user))


def can_buy_for_firm(user) -> bool:
    """Audit firm admins buy exam sittings for their firm's auditors."""
    return bool(user.is_authenticated and is_firm_admin(user))


def can_assign_vouchers(user) -> bool:
    return is_firm_admin(user) or is_secretariat(user)


def can_assign_voucher(user, voucher) -> bool:
    """The buyer of the pool, or secretariat staff, gives one of its sittings away."""
    if user is None or not user.is_authenticated:
        return False
    return user.pk == voucher.owner_id or is_secretariat(user)


def can_manage_orders(user) -> bool:
    """Staff who open the back office's order pages."""
    return user.has_perm("payments.view_order")


def can_mark_paid(user) -> bool:
    return user.has_perm("payments.mark_paid_order")


def can_refund(user) -> bool:
    return user.has_perm("payments.refund_order")


def can_cancel(user) -> bool:
    return user.has_perm("payments.cancel_order")
