"""Payments: the price catalogue, orders and their lines, invoices, refunds, Stripe events.

Money is always an integer number of minor units (cents) plus an ISO 4217 currency code;
never a float. Prices come from the catalogue on the server, never from the browser.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel

from lms.formats import money

# Two-decimal currencies only: one minor unit is 1/100 of the major unit.
CURRENCIES = [
    ("EUR", "EUR"),
    ("USD", "USD"),
    ("GBP", "GBP"),
    ("CHF", "CHF"),
    ("AUD", "AUD"),
    ("CAD", "CAD"),
]


def format_money(amount: int, currency: str) -> str:
    """An amount in minor units as people read it in the active language
    (``lms.formats.money``: ``"EUR 1,500.00"`` in English, ``"EUR 1.500,00"`` in German)."""
    return money(amount, currency)


class MinorUnitsFormField(forms.DecimalField):
    """An amount typed in major units ("150.00") and cleaned to minor units (15000)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 11)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return f"{Decimal(value) / 100:.2f}"
        return value

    def clean(self, value):
        amount = super().clean(value)
        return None if amount is None else int(amount * 100)

    def has_changed(self, initial, data) -> bool:
        try:
            cleaned = self.clean(data) if data not in self.empty_values else None
        except ValidationError:
            return True
        return (initial if initial not in ("", None) else None) != cleaned


class MoneyField(models.PositiveIntegerField):
    """An amount stored in minor units (cents); staff type it in major units."""

    def formfield(self, **kwargs):
        return super().formfield(**{**kwargs, "form_class": MinorUnitsFormField})


class Kind(models.TextChoices):
    """What is sold. Each kind has its fulfilment in ``payments.fulfilments``."""

    COURSE_ENROLMENT = "course_enrolment", _("Course enrolment")
    EXAM_SITTING = "exam_sitting", _("Exam sitting")
    FIRM_APPLICATION = "firm_application", _("Audit firm application fee")
    FIRM_RENEWAL = "firm_renewal", _("Audit firm yearly renewal fee")


FIRM_KINDS = (Kind.FIRM_APPLICATION, Kind.FIRM_RENEWAL)


class CatalogueItemQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date | None = None) -> CatalogueItemQuerySet:
        day = day or timezone.localdate()
        return self.filter(
            Q(active=True),
            Q(active_from__isnull=True) | Q(active_from__lte=day),
            Q(active_until__isnull=True) | Q(active_until__gte=day),
        )


class CatalogueItem(ClusterableModel):
    """Something staff sell, with its prices per currency and its selling dates."""

    kind = models.CharField(_("what is sold"), max_length=32, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    course = models.ForeignKey(
        "courses.Course",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Only for a course enrolment."),
    )
    quiz = models.ForeignKey(
        "quiz.Quiz",
        verbose_name=_("exam"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Only for an exam sitting."),
    )
    active = models.BooleanField(_("on sale"), default=True)
    active_from = models.DateField(_("on sale from"), null=True, blank=True)
    active_until = models.DateField(_("on sale until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CatalogueItemQuerySet.as_manager()

    panels = [
        FieldPanel("kind"),
        FieldPanel("name"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("course"), FieldPanel("quiz")]),
        MultiFieldPanel(
            [FieldPanel("active"), FieldPanel("active_from"), FieldPanel("active_until")],
            heading=_("Selling dates"),
        ),
        InlinePanel("prices", heading=_("Prices"), label=_("Price"), min_num=1),
    ]

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("catalogue item")
        verbose_name_plural = _("price catalogue")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=Kind.COURSE_ENROLMENT, course__isnull=False, quiz__isnull=True)
                    | Q(kind=Kind.EXAM_SITTING, quiz__isnull=False, course__isnull=True)
                    | Q(kind__in=FIRM_KINDS, course__isnull=True, quiz__isnull=True)
                ),
                name="payments_item_target_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(active_until__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_until__gte=models.F("active_from")),
                name="payments_item_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == Kind.COURSE_ENROLMENT and (not self.course_id or self.quiz_id):
            raise ValidationError(_("A course enrolment needs a course and no exam."))
        if self.kind == Kind.EXAM_SITTING and (not self.quiz_id or self.course_id):
            raise ValidationError(_("An exam sitting needs an exam and no course."))
        if self.kind in FIRM_KINDS and (self.course_id or self.quiz_id):
            raise ValidationError(_("A firm fee has neither a course nor an exam."))

    def is_on_sale(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return (
            self.active
            and (self.active_from is None or self.active_from <= day)
            and (self.active_until is None or self.active_until >= day)
        )


class Price(models.Model):
    """The price of a catalogue item in one currency, in minor units (cents)."""

    item = ParentalKey(CatalogueItem, on_delete=models.CASCADE, related_name="prices")
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="EUR")
    amount = MoneyField(_("price"), help_text=_("For example 150.00."))
    member_amount = MoneyField(
        _("member price"),
        null=True,
        blank=True,
        help_text=_("Leave empty if members pay the full price; 0 makes it free for members."),
    )

    panels = [
        FieldRowPanel([FieldPanel("currency"), FieldPanel("amount"), FieldPanel("member_amount")])
    ]

    class Meta:
        ordering = ["currency"]
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        constraints = [
            models.UniqueConstraint(fields=["item", "currency"], name="payments_price_unique"),
        ]

    def __str__(self) -> str:
        return format_money(self.amount, self.currency)


# --- Orders ---------------------------------------------------------------------------


class OrderStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    REFUNDED = "refunded", _("Refunded")
    CANCELLED = "cancelled", _("Cancelled")


# The one map of allowed moves. It is built so that Stripe events arriving in any order
# reach the same final state: a refund is final (a late "completed" never re-grants),
# money that arrives for a failed or cancelled order is still recorded as paid, and a
# late "expired" after a payment changes nothing (paid -> cancelled is not a move).
TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.PENDING: frozenset(
        {OrderStatus.PAID, OrderStatus.FAILED, OrderStatus.CANCELLED, OrderStatus.REFUNDED}
    ),
    OrderStatus.FAILED: frozenset({OrderStatus.PAID, OrderStatus.REFUNDED}),
    OrderStatus.CANCELLED: frozenset({OrderStatus.PAID, OrderStatus.REFUNDED}),
    OrderStatus.PAID: frozenset({OrderStatus.REFUNDED}),
    OrderStatus.REFUNDED: frozenset(),
}


class PaymentMethod(models.TextChoices):
    CARD = "card", _("Card (Stripe)")
    INVOICE = "invoice", _("Invoice")
    FREE = "free", _("Free")


class Order(models.Model):
    """A purchase by one person (for themselves, or as a firm admin for their firm)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("buyer"),
        on_delete=models.PROTECT,
        related_name="payment_orders",
    )
    firm_ref = models.CharField(
        _("firm reference"), max_length=100, blank=True, help_text=_("type:id of the firm")
    )
    firm_name = models.CharField(_("bought for firm"), max_length=200, blank=True)
    billing_name = models.CharField(_("billing name"), max_length=200, blank=True)
    billing_address = models.TextField(_("billing address"), blank=True)
    billing_country = CountryField(_("billing country"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)
    total = models.PositiveIntegerField(_("total in cents"))
    status = models.CharField(
        _("status"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.PENDING
    )
    method = models.CharField(_("payment method"), max_length=16, choices=PaymentMethod.choices)
    stripe_session_id = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_payment_intent = models.CharField(max_length=255, blank=True, db_index=True)
    payment_reference = models.CharField(_("payment reference"), max_length=200, blank=True)
    amount_refunded = models.PositiveIntegerField(_("refunded in cents"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        permissions = [
            ("mark_paid_order", _("Can mark an invoice order paid")),
            ("refund_order", _("Can refund an order")),
            ("cancel_order", _("Can cancel a pending order")),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"ORD-{self.pk:06d}" if self.pk else "ORD-new"

    @property
    def total_display(self) -> str:
        return format_money(self.total, self.currency)

    @property
    def amount_refunded_display(self) -> str:
        return format_money(self.amount_refunded, self.currency)

    @property
    def buyer_email(self) -> str:
        return self.buyer.email

    @property
    def total_decimal(self) -> str:
        """The total as a plain decimal string for spreadsheets ("150.00")."""
        return f"{self.total // 100}.{self.total % 100:02d}"

    @property
    def refunded_decimal(self) -> str:
        return f"{self.amount_refunded // 100}.{self.amount_refunded % 100:02d}"

    @property
    def invoice_number(self) -> str:
        invoice = getattr(self, "invoice", None) if self.pk else None
        try:
            return invoice.number if invoice else ""
        except Exception:  # noqa: BLE001 - no invoice row
            return ""

    @property
    def has_refund_in_progress(self) -> bool:
        """A card refund was asked of Stripe and its outcome is not recorded yet."""
        return self.refunds.filter(status=Refund.Status.IN_PROGRESS).exists()

    @property
    def done_refunds(self) -> list[Refund]:
        """The refunds whose money went back (not those in progress or failed)."""
        return [refund for refund in self.refunds.all() if refund.status == Refund.Status.DONE]

    @property
    def kinds_display(self) -> str:
        return ", ".join(sorted({line.get_kind_display() for line in self.lines.all()}))

    def can_move_to(self, status: str) -> bool:
        return status in TRANSITIONS[self.status]


class LineState(models.TextChoices):
    WAITING = "waiting", _("Waiting for payment")
    GRANTED = "granted", _("Granted")
    REVOKED = "revoked", _("Revoked")
    KEPT = "kept", _("Refunded, not revoked (already used)")
    NEVER_GRANTED = "never", _("Never granted")


class OrderLine(models.Model):
    """One thing bought: what (kind + target), for whom, how many, at what unit price."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(CatalogueItem, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=300)
    target_type = models.CharField(max_length=100, help_text=_("app_label.model of the target"))
    target_id = models.CharField(max_length=64)
    beneficiary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("for"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who gets access; empty for sittings bought for a firm's pool."),
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_amount = models.PositiveIntegerField(_("unit price in cents"))
    amount = models.PositiveIntegerField(_("line total in cents"))
    refunded_quantity = models.PositiveIntegerField(_("units refunded"), default=0)
    revoked_quantity = models.PositiveIntegerField(
        _("units taken back"), default=0, help_text=_("Refunded units that were not used.")
    )
    state = models.CharField(
        _("fulfilment"), max_length=16, choices=LineState.choices, default=LineState.WAITING
    )
    fulfilment_ref = models.CharField(max_length=100, blank=True)
    fulfilment_note = models.TextField(blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="payments_line_qty_positive"),
            models.CheckConstraint(
                condition=Q(refunded_quantity__lte=models.F("quantity"))
                & Q(revoked_quantity__lte=models.F("refunded_quantity")),
                name="payments_line_refunds_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} x {self.quantity}"

    @property
    def refundable_quantity(self) -> int:
        return self.quantity - self.refunded_quantity if self.state == LineState.GRANTED else 0

    @property
    def amount_display(self) -> str:
        return format_money(self.amount, self.order.currency)


class OrderStatusChange(models.Model):
    """Every status move of an order: from, to, who or what, when, why (append-only)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=16, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=OrderStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=32)  # buyer, stripe, staff, system
    stripe_event_id = models.CharField(max_length=255, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["order", "created_at", "id"]
        verbose_name = _("order status change")


class StripeEvent(models.Model):
    """Each Stripe event processed once: the unique event id makes the webhook idempotent."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    order = models.ForeignKey(
        Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="stripe_events"
    )
    outcome = models.CharField(max_length=200, blank=True)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("Stripe event")


# --- Invoices and refunds ------------------------------------------------------------


class DocumentKind(models.TextChoices):
    """The numbered documents: each kind has its own series, restarted every year."""

    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class DocumentCounter(models.Model):
    """The last number given in one series (a kind of document, in one year). The row is
    locked while a number is allocated and until commit, so numbers have no gaps and
    no repeats: a rolled-back invoice or refund gives its number back."""

    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("document counter")
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="payments_document_series"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last_number}"


class Invoice(models.Model):
    """A numbered invoice (INV-2026-00001), numbered per year without gaps."""

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="invoice")
    number = models.CharField(_("number"), max_length=32, unique=True)
    year = models.PositiveIntegerField()
    sequence = models.PositiveIntegerField()
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    seller_details = models.TextField()
    buyer_details = models.TextField()

    class Meta:
        ordering = ["-year", "-sequence"]
        verbose_name = _("invoice")
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="payments_invoice_seq"),
        ]

    def __str__(self) -> str:
        return self.number


class Refund(models.Model):
    """A refund decided by staff (through Stripe, or recorded by hand) or seen from Stripe.

    A refund through Stripe is recorded in three steps, so that no provider call happens
    while the database holds a lock: the intent (``in_progress``, with the units asked
    for) is committed, Stripe is called, and the outcome is recorded. ``done``: the money
    went back, unused items were taken back and the credit note numbered. ``failed``:
    Stripe refused; the order and its lines are as before, no credit-note number is
    used, and staff may retry. A refund whose outcome is unknown (Stripe could not be
    reached) stays ``in_progress`` and is retried with the same idempotency key. At most
    one refund of an order is in progress at a time. Refunds recorded by hand and those
    seen from Stripe's own dashboard are ``done`` at once.
    """

    class Method(models.TextChoices):
        STRIPE = "stripe", _("Stripe")
        MANUAL = "manual", _("Manual (bank transfer)")

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Refunded")
        FAILED = "failed", _("Failed")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    amount = models.PositiveIntegerField(_("amount in cents"))
    method = models.CharField(max_length=16, choices=Method.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DONE, db_index=True
    )
    # The units asked for, {"<line id>": units}; null: everything not yet refunded.
    units = models.JSONField(_("units asked for"), null=True, blank=True)
    # Which key to call Stripe with: a new idempotency key only after Stripe answered "no".
    attempt = models.PositiveSmallIntegerField(default=1)
    error = models.TextField(_("why it failed"), blank=True)
    reason = models.TextField(_("reason"))
    reference = models.CharField(_("reference"), max_length=255, blank=True)
    stripe_refund_id = models.CharField(max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.TextField(_("what was revoked"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The credit note (CN-2026-00001), numbered per year without gaps like invoices. Empty
    # only for refunds recorded before credit notes existed.
    number = models.CharField(_("credit note"), max_length=32, unique=True, null=True, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    lines = models.JSONField(
        _("refunded lines"),
        default=list,
        blank=True,
        help_text=_("What the refund covers: description, units, unit price, amount."),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("refund")
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status="in_progress"),
                name="payments_one_refund_in_progress",
            ),
        ]

    @property
    def amount_display(self) -> str:
        return format_money(self.amount, self.order.currency)

    @property
    def idempotency_key(self) -> str:
        """Stripe answers a repeated key with its first answer: a retry after an unknown
        outcome (a timeout) never refunds twice, and one after a refusal is asked anew."""
        return f"refund-{self.order.public_id}-{self.pk}-{self.attempt}"


# --- Exam sittings bought for a firm's pool -------------------------------------------


class SittingVoucher(models.Model):
    """One paid exam sitting, assigned to one person (who then gets a quiz ExamSitting)."""

    class Status(models.TextChoices):
        UNASSIGNED = "unassigned", _("Unassigned")
        ASSIGNED = "assigned", _("Assigned")
        REVOKED = "revoked", _("Revoked")

    line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="vouchers")
    quiz = models.ForeignKey("quiz.Quiz", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sitting_vouchers",
        help_text=_("Who may assign it (the buyer)."),
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.UNASSIGNED, db_index=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    sitting_id = models.PositiveBigIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("exam sitting voucher")
