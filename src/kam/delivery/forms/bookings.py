"""HTML input of the booking pages: a booking or a backup, cancelling one and promoting its
backup; the rules live in services."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.core.forms import ServiceModelForm
from kam.delivery import services
from kam.delivery.models import Booking
from kam.pitching.forms import DATE_WIDGET, MONEY_WIDGET


class BookingForm(ServiceModelForm):
    class Meta:
        model = Booking
        fields = services.BOOKING_FIELDS
        widgets = {"fee_amount": MONEY_WIDGET, "starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}
        help_texts = {"contact": _("Their manager, phone or email.")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fee_amount"].required = False

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("fee_amount") is None:
            data["fee_amount"] = Decimal(0)
        return data


class CancelBookingForm(forms.Form):
    reason = forms.CharField(label=_("Why the booking is cancelled"), max_length=500)
    promote_backup = forms.BooleanField(
        label=_("Its backup takes its place"),
        required=False,
        initial=True,
        help_text=_("If a backup stands by, it is promoted in the same step."),
    )


class PromoteForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the booking it backs up is cancelled"),
        max_length=500,
        required=False,
        help_text=_("Needed while that booking is still on."),
    )
