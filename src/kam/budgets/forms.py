"""HTML input of the budget pages: filters, a cost, a re-baseline's lines, the Director's
decisions, a week of hours, Finance's books and the profitability report's period. They only
parse; every rule (whole dong, closed months, the margin floor, 24 hours a day) is the services'."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kam.budgets import queries, services
from kam.budgets.models import Baseline, BaselineLine, Budget, Cost
from kam.core.forms import ServiceModelForm
from kam.core.money import format_money
from kam.delivery.queries import departments_to_choose
from kam.people.models import Department
from kam.pitching.forms import DATE_WIDGET, MONEY_WIDGET, PERCENT_WIDGET

MONTH_WIDGET = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
STATE_CHOICES = [
    ("under", _("under budget")),
    ("near", _("near the budget")),
    ("over", _("over budget")),
]
# Whose budgets the list shows: live projects' by default, where something can still be done.
PROJECT_CHOICES = [
    ("open", _("open")),
    ("closed", _("delivered or cancelled")),
    ("all", _("all")),
]


def _text(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _department_choice(department: Department) -> str:
    return department.display_name


# --- The budget list and the budget's page --------------------------------------------------
class BudgetFilters(forms.Form):
    state = forms.ChoiceField(required=False, choices=[("", ""), *STATE_CHOICES])
    projects = forms.ChoiceField(required=False, choices=PROJECT_CHOICES)
    q = forms.CharField(required=False, max_length=200)

    def values(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "state": data.get("state") or "",
            "projects": data.get("projects") or "open",
            "query": (data.get("q") or "").strip(),
        }


class FloorForm(forms.Form):
    """A Director moves (or waives, at 0) the margin floor, saying why."""

    margin_floor_percent = forms.DecimalField(
        label=_("Margin floor (%)"), max_digits=5, decimal_places=2, widget=PERCENT_WIDGET
    )
    reason = forms.CharField(
        label=_("Why the floor changes"), max_length=500, required=False, widget=_text(2)
    )


class CostForm(forms.Form):
    """A purchase order or a vendor's bill, on a line of the budget or unplanned. The reason a
    cost under the margin floor is needed is asked only once the service says it is."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Cost.Kind.choices)
    line = forms.ModelChoiceField(
        label=_("Budget line"),
        queryset=None,
        required=False,
        empty_label=_("unplanned: outside the budget's lines"),
    )
    supplier = forms.CharField(label=_("Vendor / KOL"), max_length=200, required=False)
    description = forms.CharField(label=_("What"), max_length=300, required=False)
    reference = forms.CharField(
        label=_("Reference"),
        max_length=100,
        required=False,
        help_text=_("The order or invoice number."),
    )
    amount = forms.DecimalField(
        label=_("Amount before VAT (VND)"), required=False, widget=MONEY_WIDGET
    )
    incurred_on = forms.DateField(
        label=_("Date"), required=False, widget=DATE_WIDGET, help_text=_("Empty is today.")
    )
    order = forms.ModelChoiceField(
        label=_("Against purchase order"),
        queryset=None,
        required=False,
        help_text=_("For a bill: the order it charges."),
    )
    over_order_reason = forms.CharField(
        label=_("Why the bill is over the order"), max_length=500, required=False
    )
    booking = forms.ModelChoiceField(label=_("Booking"), queryset=None, required=False)
    client_request = forms.ModelChoiceField(
        label=_("For the client's request"), queryset=None, required=False
    )
    margin_reason = forms.CharField(
        label=_("Why it is needed, for the Director"),
        max_length=2000,
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, budget: Budget, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        project = budget.project
        self.fields["line"].queryset = queries.lines_of(budget).filter(quantity__gte=0)
        self.fields["line"].label_from_instance = _line_choice
        self.fields["order"].queryset = queries.open_orders_of(project)
        self.fields["order"].label_from_instance = _order_choice
        self.fields["booking"].queryset = queries.bookings_to_cost(project)
        self.fields["booking"].label_from_instance = _booking_choice
        self.fields["client_request"].queryset = queries.requests_to_cost(project)
        if self.data.get(self.add_prefix("margin_reason")):
            self.ask_margin_reason()

    def ask_margin_reason(self) -> None:
        """Show the field the Director reads, once the cost is found under the floor."""
        field = self.fields["margin_reason"]
        field.widget = _text(3)
        field.help_text = _("The cost takes the margin under its floor: a Director approves it.")

    @property
    def asks_margin_reason(self) -> bool:
        return not self.fields["margin_reason"].widget.is_hidden

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("incurred_on") is None:
            del data["incurred_on"]
        return data


def _line_choice(line) -> str:
    return f"{line.description} ({line.get_kind_display()})"


def _order_choice(order: Cost) -> str:
    return f"{order.supplier}: {order.description} — {format_money(order.amount)}"


def _booking_choice(booking) -> str:
    return f"{booking.name} ({booking.get_kind_display()}, {booking.get_status_display()})"


class CancelCostForm(forms.Form):
    reason = forms.CharField(label=_("Why it is cancelled"), max_length=500, required=False)


class BookingOrderForm(forms.Form):
    """The one click that commits a confirmed booking's fee: on which line."""

    line = forms.ModelChoiceField(label=_("Budget line"), queryset=None, required=False)

    def __init__(self, *args, budget: Budget, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = queries.lines_of(budget).filter(quantity__gte=0)


# --- Re-baselines ---------------------------------------------------------------------------
class BaselineStartForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the budget is restated"), max_length=2000, required=False, widget=_text(2)
    )


class BaselineReasonForm(ServiceModelForm):
    class Meta:
        model = Baseline
        fields = ["reason"]
        widgets = {"reason": _text(3)}
        labels = {"reason": _("Why the budget is restated")}


class BaselineLineForm(ServiceModelForm):
    class Meta:
        model = BaselineLine
        fields = services.LINE_FIELDS
        widgets = {
            "quantity": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
            "unit_cost_amount": MONEY_WIDGET,
            "unit_price_amount": MONEY_WIDGET,
        }
        help_texts = {"department": _("For a department's own work.")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        keep = [self.instance.department_id] if self.instance.department_id else []
        self.fields["department"].queryset = (
            Department.objects.filter(pk__in=keep) | departments_to_choose()
        ).distinct()
        self.fields["department"].label_from_instance = _department_choice


class NoteForm(forms.Form):
    """A Director's decision, with the reason for it."""

    note = forms.CharField(
        label=_("The reason for the decision"), max_length=1000, required=False, widget=_text(2)
    )


class AskDirectorForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the change is worth it"), max_length=2000, required=False, widget=_text(3)
    )


# --- Time -----------------------------------------------------------------------------------
def week_of(value: str | None) -> date:
    """The Monday of the week holding the day given (yyyy-mm-dd), else of this week."""
    try:
        day = date.fromisoformat((value or "").strip())
    except ValueError:
        day = timezone.localdate()
    return day - timedelta(days=day.weekday())


# --- The books ------------------------------------------------------------------------------
class CloseMonthForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        required=False,
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=MONTH_WIDGET,
    )


class CostRateForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=None,
        required=False,
        empty_label=_("people outside the departments (KAMs, Planners)"),
    )
    hourly_amount = forms.DecimalField(
        label=_("Cost of an hour (VND)"), required=False, widget=MONEY_WIDGET
    )
    valid_from = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_to_choose()
        self.fields["department"].label_from_instance = _department_choice


# --- Profitability --------------------------------------------------------------------------
BY_CHOICES = [
    ("client", _("client")),
    ("project", _("project")),
    ("kam", _("KAM")),
    ("team", _("team")),
    ("month", _("month")),
]


class ProfitabilityFilters(forms.Form):
    by = forms.ChoiceField(
        label=pgettext_lazy("group by", "By"), required=False, choices=BY_CHOICES
    )
    start = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    end = forms.DateField(label=_("To"), required=False, widget=DATE_WIDGET)
    client = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        start, end = queries.default_period()
        self.defaults = {"by": "client", "start": start, "end": end}

    def clean(self) -> dict:
        data = super().clean()
        start = data.get("start") or self.defaults["start"]
        end = data.get("end") or self.defaults["end"]
        if start > end:
            self.add_error("end", _("The period ends after it starts."))
        elif (end - start).days > 366 * 5:
            self.add_error("start", _("Choose a period of five years at most."))
        return data

    def values(self) -> dict:
        """The period and grouping asked for; the defaults where a value is missing or wrong."""
        self.is_valid()
        data = dict(self.cleaned_data)
        if "start" in self.errors or "end" in self.errors:
            data["start"] = data["end"] = None
        return {
            "by": data.get("by") or self.defaults["by"],
            "start": data.get("start") or self.defaults["start"],
            "end": data.get("end") or self.defaults["end"],
            "client": data.get("client"),
        }
