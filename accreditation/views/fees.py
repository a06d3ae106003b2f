"""Paying an audit firm's fee (application, yearly renewal), for one firm at a time.

Accreditation knows who runs a firm; payments sells the fee. This page checks that the
person administers the firm, then hands the firm to payments' public service
(``courses.payments.services.firm_fee_checkout``) through payments' own buy page.
Payment never grants or renews accreditation: the secretariat is told and decides.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from accreditation import permissions
from courses.payments import selectors as payments_selectors
from courses.payments import services as payments_services
from courses.payments.views import BuyView


class FirmFeeView(BuyView):
    """``/accreditation/firm/<firm_pk>/fees/<kind>/``: the fee's price for this person and
    the checkout form; a firm the person does not administer is not found."""

    def setup_item(self, request):
        self.firm = get_object_or_404(
            permissions.administered_firms(request.user), pk=self.kwargs["firm_pk"]
        )
        super().setup_item(request)

    def get_item(self):
        return payments_selectors.item_for_firm_fee(kind=self.kwargs["kind"])

    def get_context(self) -> dict:
        return {"firm": self.firm}

    def place_order(self, form):
        return payments_services.firm_fee_checkout(
            buyer=self.request.user,
            firm=self.firm,
            item=self.item,
            currency=form.cleaned_data["currency"],
            **form.checkout(),
        )


firm_fee = FirmFeeView.as_view()
