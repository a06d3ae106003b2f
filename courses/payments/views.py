"""Public views: buy pages, orders, PDFs, the firm admin's sitting pool, the webhook."""

from __future__ import annotations

import json
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from courses.payments import conf, pdf, selectors, services, webhooks
from courses.payments.basket import Basket
from courses.payments.firms import administered_firm_names, firm_fee_pages, sitting_candidates
from courses.payments.forms import AssignVoucherForm, BasketAddForm, BuyForm
from courses.payments.models import (
    FIRM_KINDS,
    CatalogueItem,
    Order,
    OrderStatus,
    PaymentMethod,
    SittingVoucher,
)
from courses.payments.permissions import (
    can_assign_vouchers,
    can_buy_for_firm,
    can_view_order,
    is_buyer,
)
from lms.errors import ServiceError, show_refusal
from lms.redirects import safe_next

logger = logging.getLogger(__name__)

ORDERS_PER_PAGE = 20
VOUCHERS_PER_PAGE = 50


# --- Buying ---------------------------------------------------------------------------


class BuyView(LoginRequiredMixin, View):
    """Shows the server-side price for this person and creates the order.

    Subclasses say what is sold (``get_item``) and may place the order their own way
    (``place_order``): accreditation's firm-fee page sells a fee for one firm this way.
    """

    template_name = "payments/buy.html"
    for_firm_pool = False

    def get_item(self) -> CatalogueItem | None:
        raise NotImplementedError

    def get_context(self) -> dict:
        """What the page shows besides the item, its prices and the form."""
        return {}

    def setup_item(self, request):
        self.item = self.get_item()
        if self.item is None:
            raise Http404(_("This is not on sale."))
        self.quote = selectors.quote_for(item=self.item, user=request.user)
        if self.quote is None:
            raise Http404(_("This is not on sale."))
        self.currencies = [p.currency for p in self.item.prices.all()]

    def get_form(self, data=None) -> BuyForm:
        return BuyForm(
            data,
            currencies=self.currencies,
            allow_quantity=self.for_firm_pool,
            free=self.quote.unit_amount == 0,
            initial={"currency": self.quote.currency, "billing_name": self.request.user.full_name},
        )

    def render_page(self, request, form):
        quotes = [
            selectors.quote_for(item=self.item, user=request.user, currency=c)
            for c in self.currencies
        ]
        return render(
            request,
            self.template_name,
            {
                "item": self.item,
                "quote": self.quote,
                "quotes": quotes,
                "form": form,
                "for_firm_pool": self.for_firm_pool,
                "basket_allowed": self.item.kind not in FIRM_KINDS,
                "stripe_enabled": conf.stripe_enabled(),
                "max_quantity": conf.max_quantity(),
                **self.get_context(),
            },
        )

    def place_order(self, form: BuyForm) -> Order:
        """Creates the order from the valid form; a refusal raises a ``ServiceError``."""
        line = services.LineRequest(
            item=self.item,
            quantity=form.cleaned_data.get("quantity") or 1,
            for_firm_pool=self.for_firm_pool,
        )
        return services.order_create(
            buyer=self.request.user,
            lines=[line],
            currency=form.cleaned_data["currency"],
            **form.checkout(),
        )

    def get(self, request, *args, **kwargs):
        self.setup_item(request)
        return self.render_page(request, self.get_form())

    def post(self, request, *args, **kwargs):
        self.setup_item(request)
        form = self.get_form(request.POST)
        if not form.is_valid():
            return self.render_page(request, form)
        try:
            order = self.place_order(form)
        except ServiceError as exc:
            show_refusal(request, exc, form=form)
            return self.render_page(request, form)
        return order_placed(request, order)


def order_placed(request, order: Order) -> HttpResponse:
    """Where a new order takes its buyer: Stripe's payment page for a card order, else the
    order's page with what happens next."""
    if order.method == PaymentMethod.CARD:
        return _redirect_to_checkout(request, order)
    if order.status == OrderStatus.PAID:
        messages.success(request, _("Done: it is yours, free of charge."))
    else:
        messages.success(
            request,
            _("Your invoice %(number)s is ready. Access opens once your payment is recorded.")
            % {"number": order.invoice.number},
        )
    return redirect("payments:order_detail", public_id=order.public_id)


def _redirect_to_checkout(request, order: Order):
    from courses.payments.stripe_gateway import checkout_start

    try:
        url = checkout_start(order=order)
    except ServiceError as exc:  # not a pending card order any more
        show_refusal(request, exc)
        return redirect("payments:order_detail", public_id=order.public_id)
    except Exception:  # Stripe refused or could not be reached
        logger.exception("Could not start Stripe Checkout for order %s", order.pk)
        messages.error(
            request, _("The card payment page could not be opened. Please try again later.")
        )
        return redirect("payments:order_detail", public_id=order.public_id)
    response = HttpResponseRedirect(url)
    response.status_code = 303  # "see other": the browser GETs Stripe's page
    return response


class BuyCourseView(BuyView):
    def get_item(self):
        from courses.models import Course

        course = get_object_or_404(Course.objects.published(), slug=self.kwargs["slug"])
        self.target = course
        return selectors.item_for_course(course=course)


class BuyExamView(BuyView):
    def dispatch(self, request, *args, **kwargs):
        self.for_firm_pool = request.GET.get("for") == "firm" or request.POST.get("for") == "firm"
        if (
            self.for_firm_pool
            and request.user.is_authenticated
            and not can_buy_for_firm(request.user)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_item(self):
        from courses.quiz.models import Quiz

        quiz = get_object_or_404(Quiz, slug=self.kwargs["slug"])
        self.target = quiz
        return selectors.item_for_quiz(quiz=quiz)


class BuyFirmFeeView(LoginRequiredMixin, View):
    """A firm fee is paid for one firm, from that firm's page (the app that knows the firms
    checks who may pay): this page sends the person there, or lists the pages when they
    run several firms."""

    http_method_names = ["get", "head", "options"]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_buy_for_firm(request.user):
            raise PermissionDenied
        if kwargs["kind"] not in {k.value for k in FIRM_KINDS}:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, kind: str):
        item = selectors.item_for_firm_fee(kind=kind)
        quote = selectors.quote_for(item=item, user=request.user) if item else None
        if quote is None:
            raise Http404(_("This is not on sale."))
        pages = firm_fee_pages(request.user, kind=kind)
        if len(pages) == 1:
            return redirect(pages[0].url)
        return render(
            request, "payments/firm_fee.html", {"item": item, "quote": quote, "pages": pages}
        )


# --- The basket: several items in one order -------------------------------------------


@login_required
def basket_view(request):
    """The basket, priced from the catalogue, and the form that turns it into one order."""
    basket = Basket(request.session)
    wanted = request.POST.get("currency") or request.GET.get("currency")
    priced = basket.priced(user=request.user, currency=wanted)
    form = BuyForm(
        request.POST if request.method == "POST" else None,
        currencies=[priced.currency],
        allow_quantity=False,
        free=priced.total == 0,
        initial={"currency": priced.currency, "billing_name": request.user.full_name},
    )
    if request.method == "POST" and not priced.lines:
        messages.error(request, _("Your basket is empty."))
        return redirect("payments:basket")
    if request.method == "POST" and form.is_valid():
        lines = [
            services.LineRequest(
                item=line.item,
                quantity=line.entry.quantity,
                for_firm_pool=line.entry.for_firm_pool,
            )
            for line in priced.lines
        ]
        try:
            order = services.order_create(
                buyer=request.user, lines=lines, currency=priced.currency, **form.checkout()
            )
        except ServiceError as exc:
            show_refusal(request, exc, form=form)
        else:
            basket.clear()
            return order_placed(request, order)
    return render(
        request,
        "payments/basket.html",
        {
            "basket": priced,
            "form": form,
            "stripe_enabled": conf.stripe_enabled(),
            "max_quantity": conf.max_quantity(),
        },
    )


@login_required
@require_POST
def basket_add(request):
    """Adds one catalogue item; a malformed or unknown item is a 404, a bad quantity a
    message, and ``back`` (where to return) is followed only if it is on this site."""
    back = safe_next(request, request.POST.get("back"), "payments:basket")
    form = BasketAddForm(request.POST)
    form.is_valid()
    item_id = form.cleaned_data.get("item")
    if item_id is None:
        raise Http404(_("This is not on sale."))
    item = get_object_or_404(CatalogueItem.objects.active_on(), pk=item_id)
    for_firm_pool = request.POST.get("for") == "firm"
    if (for_firm_pool or item.kind in FIRM_KINDS) and not can_buy_for_firm(request.user):
        raise PermissionDenied
    if "quantity" in form.errors:
        messages.error(request, _("Enter a number."))
        return redirect(back)
    quantity = form.cleaned_data.get("quantity")
    try:
        added = Basket(request.session).add(
            item=item, quantity=1 if quantity is None else quantity, for_firm_pool=for_firm_pool
        )
    except ServiceError as exc:
        show_refusal(request, exc)
        return redirect(back)
    if added:
        messages.success(request, _("%(item)s is in your basket.") % {"item": item.name})
    else:
        messages.info(request, _("%(item)s was already in your basket.") % {"item": item.name})
    return redirect("payments:basket")


@login_required
@require_POST
def basket_update(request):
    basket = Basket(request.session)
    key = request.POST.get("key", "")
    if request.POST.get("action") == "remove":
        basket.remove(key)
        messages.success(request, _("Removed from your basket."))
    else:
        try:
            quantity = int(request.POST.get("quantity") or 0)
        except ValueError:
            messages.error(request, _("Enter a number."))
            return redirect("payments:basket")
        try:
            basket.set_quantity(key, quantity)
        except ServiceError as exc:
            show_refusal(request, exc)
    return redirect("payments:basket")


# --- Orders ---------------------------------------------------------------------------


def _order_for(request, public_id) -> Order:
    order = get_object_or_404(
        Order.objects.select_related("buyer").prefetch_related("lines", "history", "refunds"),
        public_id=public_id,
    )
    if not can_view_order(request.user, order):
        raise Http404
    return order


@login_required
def order_list(request):
    page_obj = Paginator(selectors.orders_of(user=request.user), ORDERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "payments/order_list.html",
        {
            "page_obj": page_obj,
            "orders": page_obj.object_list,
            "vouchers": selectors.unassigned_vouchers_of(user=request.user),
        },
    )


@login_required
def order_detail(request, public_id):
    order = _order_for(request, public_id)
    checkout = request.GET.get("checkout")
    return render(
        request,
        "payments/order_detail.html",
        {
            "order": order,
            "invoice": getattr(order, "invoice", None),
            "checkout": checkout,
            "can_pay_by_card": order.method == PaymentMethod.CARD
            and order.status == OrderStatus.PENDING
            and conf.stripe_enabled(),
        },
    )


@login_required
@require_POST
def order_pay(request, public_id):
    """Back to Stripe Checkout for a pending card order (same session: idempotency key)."""
    order = _order_for(request, public_id)
    if not is_buyer(request.user, order) or order.method != PaymentMethod.CARD:
        raise Http404
    return _redirect_to_checkout(request, order)


@login_required
@require_POST
def order_cancel(request, public_id):
    """The buyer gives up an order that is still waiting for payment."""
    order = _order_for(request, public_id)
    if not is_buyer(request.user, order):
        raise Http404
    try:
        services.order_cancel(order=order, actor=request.user, reason="cancelled by the buyer")
    except ServiceError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("The order is cancelled."))
    return redirect("payments:order_detail", public_id=order.public_id)


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def invoice_pdf(request, public_id):
    order = _order_for(request, public_id)
    if not hasattr(order, "invoice"):
        raise Http404
    return _pdf_response(pdf.invoice_pdf(order), f"{order.invoice.number}.pdf")


@login_required
def receipt_pdf(request, public_id):
    order = _order_for(request, public_id)
    if order.paid_at is None or order.status not in (OrderStatus.PAID, OrderStatus.REFUNDED):
        raise Http404
    return _pdf_response(pdf.receipt_pdf(order), f"receipt-{order.number}.pdf")


@login_required
def credit_note_pdf(request, public_id, pk):
    order = _order_for(request, public_id)
    refund = get_object_or_404(order.refunds.exclude(number=None), pk=pk)
    return _pdf_response(pdf.credit_note_pdf(refund), f"{refund.number}.pdf")


# --- The firm admin's pool of exam sittings -------------------------------------------


@login_required
def voucher_list(request):
    if not can_assign_vouchers(request.user):
        raise PermissionDenied
    form = AssignVoucherForm(people=sitting_candidates(request.user))
    choices = list(form.fields["person"].choices)  # read once, shown in every row
    page_obj = Paginator(selectors.vouchers_of(user=request.user), VOUCHERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    firm_names = administered_firm_names(request.user)
    return render(
        request,
        "payments/voucher_list.html",
        {
            "page_obj": page_obj,
            "vouchers": page_obj.object_list,
            "form": form,
            "person_choices": choices,
            "has_people": len(choices) > 1,  # the first choice is "Choose an auditor"
            "pending_orders": selectors.pending_sitting_orders(user=request.user),
            "sittings_on_sale": selectors.sitting_items_on_sale(),
            "firm_names": firm_names,
        },
    )


@login_required
@require_POST
def voucher_assign(request, pk):
    """Gives one of the admin's paid sittings to one of the firm's own auditors, picked from
    a list: whoever is not on it (no account, no auditor profile, another firm's auditor)
    gets one and the same answer, so the page reveals nothing about people outside the firm."""
    if not can_assign_vouchers(request.user):
        raise PermissionDenied
    voucher = get_object_or_404(SittingVoucher, pk=pk, owner=request.user)
    form = AssignVoucherForm(request.POST, people=sitting_candidates(request.user))
    if not form.is_valid():
        messages.error(request, _("Choose one of your firm's auditors."))
        return redirect("payments:voucher_list")
    person = form.cleaned_data["person"]
    try:
        services.voucher_assign(voucher=voucher, person=person, actor=request.user)
    except ServiceError as exc:
        show_refusal(request, exc)
    else:
        messages.success(
            request,
            _("The sitting of %(exam)s is assigned to %(person)s.")
            % {"exam": voucher.quiz, "person": person.email},
        )
    return redirect("payments:voucher_list")


@login_required
@require_POST
def voucher_take_back(request, pk):
    """Takes an assigned sitting that has not been used back into the admin's pool."""
    if not can_assign_vouchers(request.user):
        raise PermissionDenied
    voucher = get_object_or_404(SittingVoucher, pk=pk, owner=request.user)
    person = voucher.assigned_to
    try:
        services.voucher_take_back(voucher=voucher, actor=request.user)
    except ServiceError as exc:
        show_refusal(request, exc)
    else:
        messages.success(
            request,
            _("The sitting of %(exam)s is taken back from %(person)s: you can assign it again.")
            % {"exam": voucher.quiz, "person": getattr(person, "email", "—")},
        )
    return redirect("payments:voucher_list")


# --- Stripe webhook -------------------------------------------------------------------


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe calls this. Unsigned, mis-signed or stale requests get 400 and write nothing."""
    payload = request.body
    try:
        webhooks.verify(payload=payload, sig_header=request.headers.get("Stripe-Signature"))
        event = json.loads(payload)
    except (webhooks.InvalidSignature, ValueError):
        return HttpResponseBadRequest("invalid signature")
    if not isinstance(event, dict):
        return HttpResponseBadRequest("invalid payload")
    outcome = webhooks.event_process(event=event)
    return JsonResponse({"received": True, "outcome": outcome})
