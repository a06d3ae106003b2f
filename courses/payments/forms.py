from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from courses.payments import conf
from courses.payments.models import PaymentMethod

# A postal address of a few lines; more is not an address.
BILLING_ADDRESS_MAX_LENGTH = 1000


class BuyForm(forms.Form):
    """Posts only choices: the method, the currency offered, a quantity, the billing
    details. Never an amount: the server prices the order from the catalogue."""

    method = forms.ChoiceField(label=_("How would you like to pay?"), widget=forms.RadioSelect)
    currency = forms.ChoiceField(label=_("Currency"))
    quantity = forms.IntegerField(label=_("Number of sittings"), min_value=1, initial=1)
    billing_name = forms.CharField(
        label=_("Name on the invoice"),
        max_length=200,
        required=False,
        help_text=_("The person or organisation the invoice is made out to."),
    )
    billing_address = forms.CharField(
        label=_("Billing address"),
        max_length=BILLING_ADDRESS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Street, postcode and town, as they should appear on the invoice."),
    )
    billing_country = LazyTypedChoiceField(
        label=_("Country"), choices=[("", "—"), *countries], required=False
    )

    def __init__(
        self,
        *args,
        currencies: list[str],
        allow_quantity: bool,
        free: bool,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        methods = []
        if conf.stripe_enabled():
            methods.append((PaymentMethod.CARD, _("Pay by card")))
        methods.append((PaymentMethod.INVOICE, _("Pay by invoice")))
        self.fields["method"].choices = methods
        self.fields["method"].initial = methods[0][0]
        if free:
            self.fields["method"].required = False
            self.fields["method"].widget = forms.HiddenInput()
        self.fields["currency"].choices = [(c, c) for c in currencies]
        if len(currencies) <= 1:
            self.fields["currency"].widget = forms.HiddenInput()
            self.fields["currency"].initial = currencies[0] if currencies else ""
        if not allow_quantity:
            del self.fields["quantity"]
        else:
            self.fields["quantity"].max_value = conf.max_quantity()
            self.fields["quantity"].widget.attrs["max"] = conf.max_quantity()

    def clean(self):
        """Paying by invoice needs the invoice's addressee: a name, a postal address and
        the country (an invoice without them is not a valid invoice)."""
        data = super().clean()
        if data.get("method") == PaymentMethod.INVOICE and self.fields["method"].required:
            missing = {
                "billing_name": _("Enter the name the invoice is made out to."),
                "billing_address": _("Enter the postal address for the invoice."),
                "billing_country": _("Choose the country of the billing address."),
            }
            for name, message in missing.items():
                if name not in self.errors and not data.get(name):
                    self.add_error(name, message)
        return data

    def checkout(self) -> dict:
        """The choices of a valid form, as the order services take them."""
        data = self.cleaned_data
        return {
            "method": data.get("method") or PaymentMethod.INVOICE,
            "billing_name": data.get("billing_name", ""),
            "billing_address": data.get("billing_address", ""),
            "billing_country": data.get("billing_country", ""),
        }


class BasketAddForm(forms.Form):
    """What "Add to basket" posts: an item id and, for a firm's pool, a quantity. Anything
    else (``item=abc``, a 30-digit number) is simply invalid, never a server error."""

    item = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    quantity = forms.IntegerField(required=False, min_value=-(2**31), max_value=2**31 - 1)


class AssignVoucherForm(forms.Form):
    """Picks one of the firm's own auditors: nobody outside the firm can be named here,
    so the answer never tells whether someone else has an account or an auditor profile."""

    person = forms.ModelChoiceField(
        label=_("Auditor"),
        queryset=None,
        empty_label=_("Choose an auditor"),
        error_messages={"invalid_choice": _("Choose one of your firm's auditors.")},
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["person"].label_from_instance = _person_label


def _person_label(person) -> str:
    name = getattr(person, "full_name", "") or ""
    return f"{name} <{person.email}>" if name else person.email


class MarkPaidForm(forms.Form):
    reference = forms.CharField(label=_("Payment reference (bank transfer id)"), max_length=200)
    confirm = forms.BooleanField(
        label=_("I have checked that the money arrived; grant access now."), required=True
    )


class RefundForm(forms.Form):
    """What to refund: a number of units per line (all that is left, by default), a
    reason, and for invoice orders the bank reference. The amount follows from the units."""

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    reference = forms.CharField(
        label=_("Bank reference of the money returned (invoice orders only)"),
        max_length=200,
        required=False,
    )
    confirm = forms.BooleanField(
        label=_("Yes, refund these units and take back what is unused."), required=True
    )

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_fields = []
        for line in lines:
            if not line.refundable_quantity:
                continue
            name = f"units_{line.pk}"
            self.fields[name] = forms.IntegerField(
                label=_("Units of “%(line)s” to refund") % {"line": line.description},
                min_value=0,
                max_value=line.refundable_quantity,
                initial=line.refundable_quantity,
                help_text=_(
                    "%(left)d not refunded yet, %(unused)d unused (these are taken back first)."
                )
                % {"left": line.refundable_quantity, "unused": line.unused_units},
            )
            self.unit_fields.append((line, name))
        self.order_fields(["reason", *[name for _line, name in self.unit_fields], "reference"])

    def units(self) -> dict[int, int]:
        return {line.pk: self.cleaned_data.get(name) or 0 for line, name in self.unit_fields}


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)
