"""Budget control: each project's budget from its approved estimate, the baselines that revise
it, the costs committed and billed against it, the time people spend on it, the thresholds that
warn as it burns, the Director's approvals that guard the agency's margin, and the months
Finance has closed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kam.clients.models import ClientRequest
from kam.delivery.models import Booking, ChangeRequest, Project, Task
from kam.people.models import Department
from kam.pitching.models import EstimateLine

MONEY_DIGITS = 18


def _money(label, **options) -> models.DecimalField:
    # VND has no minor unit: amounts are whole dong (core.money rounds them once).
    return models.DecimalField(label, max_digits=MONEY_DIGITS, decimal_places=0, **options)


def _percent(label, **options) -> models.DecimalField:
    return models.DecimalField(label, max_digits=5, decimal_places=2, **options)


class Budget(models.Model):
    """A project's budget: its lines (what the agency spends and what the client pays for each),
    the agency fee on the client's price, and the margin floor the project must keep."""

    project = models.OneToOneField(
        Project, on_delete=models.PROTECT, related_name="budget", verbose_name=_("project")
    )
    fee_percent = _percent(_("agency fee (%)"), default=0)
    margin_floor_percent = _percent(_("margin floor (%)"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        constraints = [
            models.CheckConstraint(
                condition=Q(fee_percent__gte=0, fee_percent__lte=100)
                & Q(margin_floor_percent__gte=0, margin_floor_percent__lte=100),
                name="budgets_budget_percentages",
                violation_error_message=_("A percentage is from 0 to 100."),
            )
        ]

    def __str__(self) -> str:
        return str(self.project)


class BudgetLine(models.Model):
    """One line of the budget as it stands: set by a baseline, or added by an approved change
    request (a change that takes work out is a line with a negative quantity)."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=EstimateLine.Kind.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    supplier = models.CharField(_("vendor / KOL"), max_length=200, blank=True)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit_cost_amount = _money(_("unit cost (VND)"))
    unit_price_amount = _money(_("client unit price (VND)"))
    cost_amount = _money(_("cost (VND)"))
    price_amount = _money(_("client price (VND)"))
    change_request = models.ForeignKey(
        ChangeRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_lines",
        verbose_name=_("change request"),
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_cost_amount__gte=0, unit_price_amount__gte=0)
                & (Q(quantity__gte=0) | Q(change_request__isnull=False)),
                name="budgets_line_amounts",
                violation_error_message=_("Quantities and amounts cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="department") | Q(department__isnull=False),
                name="budgets_line_department_named",
                violation_error_message=_("Choose the department."),
            ),
        ]

    def __str__(self) -> str:
        return self.description


class Baseline(models.Model):
    """A numbered statement of the whole budget: the first from the approved estimate, later
    ones written by the KAM and approved by a Director (re-baselines). Old ones are kept."""

    class Source(models.TextChoices):
        ESTIMATE = "estimate", _("the approved estimate")
        WRITTEN = "written", _("written by the KAM, approved by a Director")

    class Status(models.TextChoices):
        DRAFT = "draft", _("being written")
        PENDING = "pending", _("waiting for a Director")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="baselines")
    number = models.PositiveSmallIntegerField(_("baseline"))
    source = models.CharField(_("from"), max_length=10, choices=Source.choices)
    reason = models.TextField(_("why"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    cost_amount = _money(_("cost (VND)"), default=0)
    price_amount = _money(_("client price (VND)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("the Director's note"), max_length=1000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["budget", "-number"]
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "number"],
                name="budgets_baseline_number_once",
                violation_error_message=_("This baseline exists already."),
            ),
            # One re-baseline is written and decided at a time.
            models.UniqueConstraint(
                fields=["budget"],
                condition=Q(status__in=["draft", "pending"]),
                name="budgets_one_open_baseline",
                violation_error_message=_("A re-baseline is being written already."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "pending"], decided_at__isnull=True)
                | Q(status__in=["approved", "rejected"], decided_at__isnull=False),
                name="budgets_baseline_decided_consistently",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.budget} — {self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.PENDING)


class BaselineLine(models.Model):
    """A line as a baseline states it; `line` is the budget line it sets (none: a new line)."""

    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(
        BudgetLine, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=EstimateLine.Kind.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    supplier = models.CharField(_("vendor / KOL"), max_length=200, blank=True)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit_cost_amount = _money(_("unit cost (VND)"))
    unit_price_amount = _money(_("client unit price (VND)"))
    cost_amount = _money(_("cost (VND)"))
    price_amount = _money(_("client price (VND)"))

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("baseline line")
        verbose_name_plural = _("baseline lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0)
                & Q(unit_cost_amount__gte=0, unit_price_amount__gte=0)
                & Q(cost_amount__gte=0, price_amount__gte=0),
                name="budgets_baseline_line_amounts",
                violation_error_message=_(
                    "The quantity must be above 0, and costs and prices cannot be negative."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind="department") | Q(department__isnull=False),
                name="budgets_baseline_line_department_named",
                violation_error_message=_("Choose the department."),
            ),
        ]

    def __str__(self) -> str:
        return self.description


class Cost(models.Model):
    """Money the project spends outside the agency: a purchase order (committed to a vendor or a
    KOL, often from a booking) or a vendor's bill (actual), on a budget line or unplanned."""

    class Kind(models.TextChoices):
        ORDER = "order", _("purchase order")
        BILL = "bill", _("vendor bill")

    class Status(models.TextChoices):
        AWAITING = "awaiting", _("waiting for a Director")
        RECORDED = "recorded", _("recorded")
        REJECTED = "rejected", _("rejected by the Director")
        CANCELLED = "cancelled", _("cancelled")

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="costs", verbose_name=_("project")
    )
    line = models.ForeignKey(
        BudgetLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="costs",
        verbose_name=_("budget line"),
    )
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    supplier = models.CharField(_("vendor / KOL"), max_length=200)
    description = models.CharField(_("what"), max_length=300)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    amount = _money(_("amount before VAT (VND)"))
    incurred_on = models.DateField(_("date"))
    order = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bills",
        verbose_name=_("against purchase order"),
    )
    over_order_reason = models.CharField(
        _("why the bill is over the order"), max_length=500, blank=True
    )
    booking = models.ForeignKey(
        Booking,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="costs",
        verbose_name=_("booking"),
    )
    client_request = models.ForeignKey(
        ClientRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="costs",
        verbose_name=_("for the client's request"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECORDED
    )
    cancelled_reason = models.CharField(_("why cancelled"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-incurred_on", "-pk"]
        verbose_name = _("cost")
        verbose_name_plural = _("costs")
        indexes = [
            models.Index(fields=["project", "status", "kind"]),
            models.Index(fields=["status", "kind", "incurred_on"]),
            # Profitability reads the recorded bills of a period: this index alone answers it
            # (key columns rather than INCLUDE, which SQLite does not have).
            models.Index(
                fields=["incurred_on", "project", "amount"],
                condition=Q(kind="bill", status="recorded"),
                name="budgets_cost_bills_by_day",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="budgets_cost_amount_positive",
                violation_error_message=_("The amount must be above 0."),
            ),
            models.CheckConstraint(
                condition=Q(order__isnull=True) | Q(kind="bill"),
                name="budgets_cost_only_bills_against_orders",
                violation_error_message=_("Only a bill is against a purchase order."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier}: {self.description}"

    @property
    def counts(self) -> bool:
        return self.status == self.Status.RECORDED


class CostRate(models.Model):
    """What an hour of a department's people costs the agency from a date on (no department:
    the people outside the departments — KAMs, Planners). Rates are data, never constants."""

    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cost_rates",
        verbose_name=_("department"),
    )
    hourly_amount = _money(_("cost of an hour (VND)"))
    valid_from = models.DateField(_("from"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["department", "-valid_from"]
        verbose_name = _("cost rate")
        verbose_name_plural = _("cost rates")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "valid_from"],
                name="budgets_rate_once_a_day",
                violation_error_message=_("A rate starts on this day already."),
            ),
            models.UniqueConstraint(
                fields=["valid_from"],
                condition=Q(department__isnull=True),
                name="budgets_general_rate_once_a_day",
                violation_error_message=_("A rate starts on this day already."),
            ),
            models.CheckConstraint(
                condition=Q(hourly_amount__gte=0),
                name="budgets_rate_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department or '—'}: {self.hourly_amount} ({self.valid_from})"


class TimeEntry(models.Model):
    """Hours a person spent on a task one day, costed at the rate of that day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="time_entries"
    )
    task = models.ForeignKey(
        Task, on_delete=models.PROTECT, related_name="time_entries", verbose_name=_("task")
    )
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="time_entries")
    line = models.ForeignKey(
        BudgetLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="time_entries",
        verbose_name=_("budget line"),
    )
    worked_on = models.DateField(_("day"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2)
    rate_amount = _money(_("cost of an hour (VND)"))
    cost_amount = _money(_("cost (VND)"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-worked_on", "pk"]
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        indexes = [
            models.Index(fields=["project", "worked_on"]),
            models.Index(fields=["worked_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "task", "worked_on"],
                name="budgets_time_once_a_day",
                violation_error_message=_("These hours are entered already: change them."),
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lte=24),
                name="budgets_time_hours_in_a_day",
                violation_error_message=_("Hours are above 0 and at most 24."),
            ),
            models.CheckConstraint(
                condition=Q(rate_amount__gte=0, cost_amount__gte=0),
                name="budgets_time_cost_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.task}: {self.hours} h ({self.worked_on})"


class ClosedMonth(models.Model):
    """A month Finance has closed: no cost or time is recorded, changed or cancelled in it.
    `month` is its first day (`close_month` makes it so; a database check would need a date
    function that tools opening the SQLite file without Django do not have)."""

    month = models.DateField(_("month"), unique=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), auto_now_add=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("closed month")
        verbose_name_plural = _("closed months")

    def __str__(self) -> str:
        return self.month.strftime("%m/%Y")


class MarginApproval(models.Model):
    """A Director's decision on a cost or a change that takes the project's forecast margin
    under its floor, with the KAM's reason for asking and the Director's for deciding."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for a Director")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="margin_approvals")
    cost = models.OneToOneField(
        Cost, on_delete=models.PROTECT, null=True, blank=True, related_name="margin_approval"
    )
    change_request = models.ForeignKey(
        ChangeRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="margin_approvals",
    )
    margin_percent = _percent(_("forecast margin (%)"), null=True, blank=True)
    floor_percent = _percent(_("margin floor (%)"))
    reason = models.TextField(_("why it is needed"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("asked"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("the Director's reason"), max_length=1000, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("margin approval")
        verbose_name_plural = _("margin approvals")
        indexes = [models.Index(fields=["status", "project"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost__isnull=True, change_request__isnull=False)
                | Q(cost__isnull=False, change_request__isnull=True),
                name="budgets_approval_of_one_thing",
            ),
            # A change waits for one decision at a time; earlier decisions stay as history.
            models.UniqueConstraint(
                fields=["change_request"],
                condition=Q(status="pending"),
                name="budgets_one_pending_approval_per_change",
                violation_error_message=_("A Director is asked already."),
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False) & ~Q(decision_note="")),
                name="budgets_approval_decided_with_reason",
                violation_error_message=_("Give the reason for the decision."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.cost or self.change_request)

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class BudgetAlert(models.Model):
    """A threshold of a line (or of the whole budget) that the money used crossed: recorded the
    first time only, so the warning and its email happen once."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="alerts")
    line = models.ForeignKey(
        BudgetLine, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    threshold_percent = models.PositiveSmallIntegerField(_("threshold (%)"))
    used_amount = _money(_("used (VND)"))
    budget_amount = _money(_("budget (VND)"))
    crossed_at = models.DateTimeField(_("crossed"), auto_now_add=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)

    class Meta:
        ordering = ["-crossed_at", "-pk"]
        verbose_name = _("budget warning")
        verbose_name_plural = _("budget warnings")
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "line", "threshold_percent"],
                name="budgets_alert_once_per_line",
            ),
            models.UniqueConstraint(
                fields=["budget", "threshold_percent"],
                condition=Q(line__isnull=True),
                name="budgets_alert_once_per_budget",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line or self.budget}: {self.threshold_percent}%"
