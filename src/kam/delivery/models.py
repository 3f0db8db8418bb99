"""Delivery: from the approved idea to the delivered product — the contract with its milestones,
commitments and amendments, the project and its phases, the departments' tasks, the bookings of
KOLs, venues, crews and vendors with their backups, the dates that slip, the client's change
requests and the check against the brief before delivery."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kam.clients.models import Client, ClientRequest, Interaction, Stakeholder
from kam.core.search import Searchable
from kam.people.models import Department
from kam.pitching.models import Brief, EstimateLine, Proposal

MONEY_DIGITS = 18


def _money(label, **options) -> models.DecimalField:
    return models.DecimalField(label, max_digits=MONEY_DIGITS, decimal_places=0, **options)


def _ends_after_start(prefix: str, message) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(ends_on__isnull=True)
        | Q(starts_on__isnull=True)
        | Q(ends_on__gte=F("starts_on")),
        name=f"{prefix}_ends_after_start",
        violation_error_message=message,
    )


# --- Contracts ------------------------------------------------------------------------------
class Contract(Searchable):
    """What the client and the agency signed (hợp đồng): value, VAT, scope, deliverables, dates,
    the payment schedule as milestones and the commitments of both sides. Once signed it is not
    edited: amendments are recorded beside it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SIGNED = "signed", _("signed")

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("client")
    )
    proposal = models.OneToOneField(
        Proposal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contract",
        verbose_name=_("proposal"),
    )
    number = models.CharField(
        _("contract number"),
        max_length=60,
        unique=True,
        error_messages={"unique": _("Another contract has this number already.")},
    )
    title = models.CharField(_("title"), max_length=200)
    value_amount = _money(_("value before VAT (VND)"), default=0)
    vat_percent = models.DecimalField(_("VAT (%)"), max_digits=5, decimal_places=2, default=10)
    scope = models.TextField(_("scope"), max_length=6000, blank=True)
    deliverables = models.TextField(_("deliverables"), max_length=6000, blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_contracts",
        verbose_name=_("KAM"),
    )
    search_fields = ("number", "title")
    search_text = models.CharField(max_length=300, blank=True, default="", editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        indexes = [
            models.Index(fields=["client", "-starts_on"]),
            models.Index(fields=["owner", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(value_amount__gte=0),
                name="delivery_contract_value_not_negative",
                violation_error_message=_("The value cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(vat_percent__gte=0) & Q(vat_percent__lte=100),
                name="delivery_contract_vat_percent",
                violation_error_message=_("A percentage is from 0 to 100."),
            ),
            _ends_after_start(
                "delivery_contract", _("The end date cannot be before the start date.")
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(signed_on__isnull=False),
                name="delivery_contract_signed_has_date",
                violation_error_message=_("A signed contract has its signing date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Milestone(models.Model):
    """A point of the payment schedule: what is delivered, when, and the amount invoiced then."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("contract")
    )
    title = models.CharField(_("what"), max_length=200)
    due_on = models.DateField(_("due"))
    amount = _money(_("amount to invoice (VND)"), default=0)
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    reached_on = models.DateField(_("reached"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "position", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        indexes = [models.Index(fields=["reached_on", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="delivery_milestone_amount_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class Commitment(models.Model):
    """An obligation in the contract, of the client ("sends the assets by 05/01") or of the
    agency ("delivers 3 TVC cuts"), with who answers for it and by when."""

    class Party(models.TextChoices):
        CLIENT = "client", _("client")
        AGENCY = "agency", _("agency")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")
        WAIVED = "waived", _("waived")

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("contract")
    )
    party = models.CharField(_("whose"), max_length=10, choices=Party.choices)
    description = models.CharField(_("commitment"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delivery_commitments",
        verbose_name=_("our owner"),
    )
    stakeholder = models.ForeignKey(
        Stakeholder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("their owner"),
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.description


class Amendment(models.Model):
    """A change to a signed contract (phụ lục): what changed, the value added or taken away and
    a new end date, numbered in the order they were signed."""

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="amendments", verbose_name=_("contract")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    signed_on = models.DateField(_("signed on"))
    summary = models.TextField(_("what changes"), max_length=4000)
    value_change_amount = _money(_("value change (VND)"), default=0)
    new_ends_on = models.DateField(_("new end date"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "number"],
                name="delivery_amendment_number_unique",
                violation_error_message=_("This amendment number is taken."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract.number} / {self.number}"


class ContractFile(models.Model):
    """A file of the contract: the signed scan, an annex, an acceptance minute."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to="contracts/%Y/%m/", max_length=300)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=10)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("contract file")
        verbose_name_plural = _("contract files")

    def __str__(self) -> str:
        return self.name


# --- Projects -------------------------------------------------------------------------------
class Project(Searchable):
    """The campaign run under a contract, in phases, by departments and vendors."""

    class Status(models.TextChoices):
        PLANNING = "planning", _("planning")
        RUNNING = "running", _("running")
        DELIVERED = "delivered", _("delivered")
        CANCELLED = "cancelled", _("cancelled")

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="projects", verbose_name=_("contract")
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="projects", verbose_name=_("client")
    )
    brief = models.ForeignKey(
        Brief,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("brief"),
    )
    title = models.CharField(_("title"), max_length=200)
    scope = models.TextField(_("scope"), max_length=8000, blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("delivery due"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNING
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_projects",
        verbose_name=_("KAM"),
    )
    backups_required = models.BooleanField(
        _("every booking needs a confirmed backup"), default=False
    )
    readiness_days = models.PositiveSmallIntegerField(
        _("warn of unconfirmed bookings this many days ahead"), default=7
    )
    delivered_on = models.DateField(_("delivered"), null=True, blank=True)
    unchecked_reason = models.TextField(
        _("why delivered with unchecked items"), max_length=2000, blank=True
    )
    search_fields = ("title",)
    search_text = models.CharField(max_length=300, blank=True, default="", editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [
            models.Index(fields=["client", "status"]),
            models.Index(fields=["owner", "status"]),
        ]
        constraints = [
            _ends_after_start(
                "delivery_project", _("The delivery date cannot be before the start date.")
            ),
            models.CheckConstraint(
                condition=Q(readiness_days__lte=90),
                name="delivery_project_readiness_days",
                violation_error_message=_("Warn at most 90 days ahead."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PLANNING, self.Status.RUNNING)


class Phase(models.Model):
    """A stage of the project, with its dates, its status and the KAM's evaluation at its end."""

    class Kind(models.TextChoices):
        PRE_PRODUCTION = "pre_production", _("pre-production")
        PRODUCTION = "production", _("production")
        POST_PRODUCTION = "post_production", _("post-production")
        WRAP_UP = "wrap_up", _("wrap-up")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        ACTIVE = "active", _("in progress")
        DONE = "done", _("done")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="phases", verbose_name=_("project")
    )
    kind = models.CharField(_("stage"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    went_well = models.TextField(_("what went well"), max_length=4000, blank=True)
    issues = models.TextField(_("issues"), max_length=4000, blank=True)
    score = models.PositiveSmallIntegerField(_("score (1-5)"), null=True, blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    evaluated_at = models.DateTimeField(_("evaluated"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "starts_on", "pk"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            _ends_after_start("delivery_phase", _("The end date cannot be before the start date.")),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="delivery_phase_score_range",
                violation_error_message=_("A score is from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(score__isnull=False),
                name="delivery_phase_done_is_evaluated",
                violation_error_message=_("A phase is closed with its evaluation."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Task(Searchable):
    """Work for a department or an outside vendor, from the brief or a client's request."""

    class Status(models.TextChoices):
        TODO = "todo", _("to do")
        DOING = "doing", _("doing")
        REVIEW = "review", _("in review")
        DONE = "done", _("done")
        BLOCKED = "blocked", _("blocked")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("project")
    )
    phase = models.ForeignKey(
        Phase,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("phase"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what is needed"), max_length=4000, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("department"),
    )
    vendor = models.CharField(_("outside vendor"), max_length=200, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delivery_tasks",
        verbose_name=_("assignee"),
    )
    client_request = models.ForeignKey(
        ClientRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("client request"),
    )
    starts_on = models.DateField(_("starts"))
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.TODO
    )
    client_facing = models.BooleanField(_("the client sees this date"), default=False)
    deliverables = models.TextField(_("deliverable links"), max_length=4000, blank=True)
    done_on = models.DateField(_("done"), null=True, blank=True)
    depends_on = models.ManyToManyField(
        "self",
        through="TaskDependency",
        symmetrical=False,
        related_name="dependents",
        blank=True,
        verbose_name=_("waits for"),
    )
    search_fields = ("title",)
    search_text = models.CharField(max_length=300, blank=True, default="", editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(fields=["department", "status", "due_on"]),
            models.Index(fields=["assignee", "status", "due_on"]),
            models.Index(fields=["project", "due_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=F("starts_on")),
                name="delivery_task_due_after_start",
                violation_error_message=_("The due date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(department__isnull=False) | ~Q(vendor=""),
                name="delivery_task_has_a_doer",
                violation_error_message=_("Choose a department or name the outside vendor."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def deliverable_links(self) -> list[str]:
        return [line.strip() for line in self.deliverables.splitlines() if line.strip()]


class TaskDependency(models.Model):
    """`task` waits for `depends_on`; both in one project, never in a circle."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="+")
    depends_on = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("dependency")
        verbose_name_plural = _("dependencies")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "depends_on"],
                name="delivery_dependency_unique",
                violation_error_message=_("The task waits for that one already."),
            ),
            models.CheckConstraint(
                condition=~Q(task=F("depends_on")),
                name="delivery_dependency_not_itself",
                violation_error_message=_("A task cannot wait for itself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} ← {self.depends_on}"


# --- Bookings -------------------------------------------------------------------------------
class Booking(models.Model):
    """A KOL, influencer, venue, crew or vendor booked for the project, and its backup: the
    booking that takes its place if it falls through."""

    class Kind(models.TextChoices):
        KOL = "kol", _("KOL")
        INFLUENCER = "influencer", _("influencer")
        VENUE = "venue", _("venue")
        CREW = "crew", _("crew")
        VENDOR = "vendor", _("vendor")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        CONFIRMED = "confirmed", _("confirmed")
        CANCELLED = "cancelled", _("cancelled")
        DONE = "done", _("done")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("project")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("who or what"), max_length=200)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    purpose = models.CharField(_("for"), max_length=300, blank=True)
    fee_amount = _money(_("fee (VND)"), default=0)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    backup_for = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="backups",
        verbose_name=_("backup for"),
    )
    cancelled_reason = models.CharField(_("why cancelled"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [models.Index(fields=["project", "status", "starts_on"])]
        constraints = [
            _ends_after_start(
                "delivery_booking", _("The end date cannot be before the start date.")
            ),
            # A booking has one backup standing by at a time; cancelled ones stay as history.
            models.UniqueConstraint(
                fields=["backup_for"],
                condition=Q(status__in=["proposed", "confirmed"]),
                name="delivery_booking_one_active_backup",
                violation_error_message=_("This booking has its backup already."),
            ),
            models.CheckConstraint(
                condition=Q(fee_amount__gte=0),
                name="delivery_booking_fee_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.PROPOSED, self.Status.CONFIRMED)


# --- Dates that slip, change requests, the check against the brief --------------------------
class Slip(models.Model):
    """A client-facing date that moved later, and how the client was told (an interaction)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="slips")
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, null=True, blank=True, related_name="slips"
    )
    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, null=True, blank=True, related_name="slips"
    )
    was_due_on = models.DateField(_("was due"))
    now_due_on = models.DateField(_("now due"))
    reason = models.CharField(_("why"), max_length=1000)
    interaction = models.OneToOneField(
        Interaction,
        on_delete=models.PROTECT,
        related_name="slip",
        verbose_name=_("how the client was told"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("slipped date")
        verbose_name_plural = _("slipped dates")
        constraints = [
            models.CheckConstraint(
                condition=Q(now_due_on__gt=F("was_due_on")),
                name="delivery_slip_is_later",
                violation_error_message=_("A slip moves the date later."),
            ),
            models.CheckConstraint(
                condition=Q(task__isnull=True, milestone__isnull=False)
                | Q(task__isnull=False, milestone__isnull=True),
                name="delivery_slip_of_one_date",
                violation_error_message=_("A slip is of one task or one milestone."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.was_due_on} → {self.now_due_on}: {self.reason}"


class ChangeRequest(models.Model):
    """A change the client asks for, with its effect on time and money, until they decide."""

    class Status(models.TextChoices):
        OPEN = "open", _("waiting for the client")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="change_requests", verbose_name=_("project")
    )
    requested_by = models.ForeignKey(
        Stakeholder,
        on_delete=models.PROTECT,
        related_name="change_requests",
        verbose_name=_("requested by"),
    )
    requested_on = models.DateField(_("requested"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what changes"), max_length=4000)
    days_effect = models.SmallIntegerField(_("effect on delivery (days)"), default=0)
    paid_by = models.CharField(
        _("who pays"),
        max_length=6,
        choices=ClientRequest.PaidBy.choices,
        default=ClientRequest.PaidBy.CLIENT,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    decided_on = models.DateField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("the client's words"), max_length=1000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-requested_on", "-pk"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        indexes = [models.Index(fields=["project", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(days_effect__gte=-365, days_effect__lte=365),
                name="delivery_change_days_range",
                violation_error_message=_("The effect on time is within a year either way."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class ChangeLine(models.Model):
    """An estimate line the change adds to the budget or takes out of it, priced like the
    proposal's lines (amounts rounded once, stored)."""

    class Effect(models.TextChoices):
        ADD = "add", _("adds")
        REMOVE = "remove", _("removes")

    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.CASCADE, related_name="lines"
    )
    effect = models.CharField(_("effect"), max_length=6, choices=Effect.choices, default=Effect.ADD)
    kind = models.CharField(_("kind"), max_length=12, choices=EstimateLine.Kind.choices)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(_("what"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, default=1)
    unit_cost_amount = _money(_("unit cost (VND)"), default=0)
    unit_price_amount = _money(_("unit price to the client (VND)"), default=0)
    cost_amount = _money(_("cost (VND)"), default=0)
    price_amount = _money(_("price (VND)"), default=0)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("change line")
        verbose_name_plural = _("change lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0)
                & Q(unit_cost_amount__gte=0)
                & Q(unit_price_amount__gte=0),
                name="delivery_change_line_amounts",
                violation_error_message=_("Quantities are above 0 and amounts not negative."),
            )
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def sign(self) -> int:
        return 1 if self.effect == self.Effect.ADD else -1


class CheckItem(models.Model):
    """A line of the post-production check: what the brief asked for, ticked when delivered."""

    class Source(models.TextChoices):
        OBJECTIVE = "objective", _("objective")
        MANDATORY = "mandatory", _("mandatory")
        KPI = "kpi", _("KPI")
        DELIVERABLE = "deliverable", _("deliverable")
        CHANGE = "change", _("change request")
        ADDED = "added", _("added by hand")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="check_items")
    source = models.CharField(_("from"), max_length=12, choices=Source.choices)
    text = models.CharField(_("check"), max_length=500)
    position = models.PositiveSmallIntegerField(default=1)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("check item")
        verbose_name_plural = _("check items")

    def __str__(self) -> str:
        return self.text

    @property
    def is_checked(self) -> bool:
        return self.checked_at is not None


class CalendarFeed(models.Model):
    """A person's calendar feed: its secret is the whole of its protection, so it is long,
    random and replaced on request."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)
