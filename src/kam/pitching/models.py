"""Pitching: from the client's brief to an approved proposal — the brief and its attachments,
the creative brief handed to a Planner, the team's ideas and their internal review, the
proposal's versions with their budget estimate, the pitches and the client's feedback."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kam.clients.models import Client, Stakeholder
from kam.core.search import Searchable
from kam.growth.models import Opportunity
from kam.people.models import Department

MONEY_DIGITS = 18
SCORE_RANGE = Q(fit__gte=1, fit__lte=5) & Q(creativity__gte=1, creativity__lte=5)
SCORE_RANGE &= Q(feasibility__gte=1, feasibility__lte=5) & Q(cost__gte=1, cost__lte=5)


def _money(label) -> models.DecimalField:
    return models.DecimalField(label, max_digits=MONEY_DIGITS, decimal_places=0, default=0)


class Brief(Searchable):
    """What the client asks for (đề bài): the problem, the audience, the message, the money and
    the dates; the KAM decodes it and proposes a budget."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        PLANNING = "planning", _("creative brief with the Planner")
        PROPOSING = "proposing", _("proposal in progress")
        APPROVED = "approved", _("approved")
        # A pitch lost, not a client: the words differ in Vietnamese.
        LOST = "lost", pgettext_lazy("pitch", "lost")
        CANCELLED = "cancelled", _("cancelled")

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="briefs", verbose_name=_("client")
    )
    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="briefs",
        verbose_name=_("opportunity"),
    )
    title = models.CharField(_("title"), max_length=200)
    objectives = models.TextField(_("objectives"), max_length=4000)
    target_audience = models.TextField(_("target audience"), max_length=2000, blank=True)
    key_message = models.TextField(_("key message"), max_length=2000, blank=True)
    mandatories = models.TextField(_("mandatories"), max_length=2000, blank=True)
    channels = models.CharField(_("channels"), max_length=500, blank=True)
    kpis = models.TextField(_("KPIs"), max_length=2000, blank=True)
    budget_min_amount = _money(_("budget from (VND)"))
    budget_max_amount = _money(_("budget up to (VND)"))
    received_on = models.DateField(_("received"))
    deadline_on = models.DateField(_("answer due"), null=True, blank=True)
    campaign_starts_on = models.DateField(_("campaign starts"), null=True, blank=True)
    campaign_ends_on = models.DateField(_("campaign ends"), null=True, blank=True)
    proposed_budget_amount = models.DecimalField(
        _("proposed budget (VND)"),
        max_digits=MONEY_DIGITS,
        decimal_places=0,
        null=True,
        blank=True,
    )
    budget_rationale = models.CharField(_("why this budget"), max_length=1000, blank=True)
    # The internal review's rubric: how much each criterion weighs in an idea's score.
    weight_fit = models.PositiveSmallIntegerField(_("weight: fit to brief"), default=35)
    weight_creativity = models.PositiveSmallIntegerField(_("weight: creativity"), default=30)
    weight_feasibility = models.PositiveSmallIntegerField(_("weight: feasibility"), default=20)
    weight_cost = models.PositiveSmallIntegerField(_("weight: cost"), default=15)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    closed_reason = models.CharField(_("reason"), max_length=500, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_briefs",
        verbose_name=_("KAM"),
    )
    search_fields = ("title",)
    search_text = models.CharField(max_length=300, blank=True, default="", editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("brief")
        verbose_name_plural = _("briefs")
        indexes = [
            models.Index(fields=["client", "-received_on"]),
            models.Index(fields=["status", "deadline_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min_amount__gte=0)
                & Q(budget_max_amount__gte=models.F("budget_min_amount")),
                name="pitching_brief_budget_range",
                violation_error_message=_(
                    "The budget range cannot be negative, and its top cannot be under its bottom."
                ),
            ),
            models.CheckConstraint(
                condition=Q(proposed_budget_amount__isnull=True) | Q(proposed_budget_amount__gte=0),
                name="pitching_brief_proposed_budget_not_negative",
                violation_error_message=_("A budget cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(weight_fit__lte=100, weight_creativity__lte=100)
                & Q(weight_feasibility__lte=100, weight_cost__lte=100)
                & (
                    Q(weight_fit__gt=0)
                    | Q(weight_creativity__gt=0)
                    | Q(weight_feasibility__gt=0)
                    | Q(weight_cost__gt=0)
                ),
                name="pitching_brief_weights",
                violation_error_message=_(
                    "Each weight is from 0 to 100, and at least one is above 0."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.RECEIVED, self.Status.PLANNING, self.Status.PROPOSING)


class BriefMember(models.Model):
    """Someone brought onto a brief's team besides the client's account team (a department's
    creative, a strategist), to add and review ideas; they see the brief, not its money."""

    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="brief_memberships",
        verbose_name=_("person"),
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__full_name"]
        verbose_name = _("brief team member")
        verbose_name_plural = _("brief team")
        constraints = [
            models.UniqueConstraint(
                fields=["brief", "user"],
                name="pitching_brief_member_once",
                violation_error_message=_("This person is on the brief's team already."),
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


class BriefAttachment(models.Model):
    """A file the client sent with the brief (their deck, guidelines, past work), stored under
    the data folder or on S3-compatible storage; its type is recognised from its content."""

    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="briefs/%Y/%m/", max_length=300)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=10)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class CreativeBrief(models.Model):
    """The brief rewritten for the creative team by a Planner (or by the KAM where the agency
    has none): the problem, the insight, the proposition, what to deliver."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("with the Planner")
        READY = "ready", _("ready for ideas")

    brief = models.OneToOneField(
        Brief, on_delete=models.CASCADE, related_name="creative_brief", verbose_name=_("brief")
    )
    planner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="creative_briefs",
        verbose_name=_("Planner"),
    )
    problem = models.TextField(_("the problem to solve"), max_length=4000)
    target_audience = models.TextField(_("target audience"), max_length=2000, blank=True)
    insight = models.TextField(_("insight"), max_length=2000, blank=True)
    proposition = models.TextField(_("single-minded proposition"), max_length=2000, blank=True)
    mandatories = models.TextField(_("mandatories"), max_length=2000, blank=True)
    channels = models.CharField(_("channels"), max_length=500, blank=True)
    deliverables = models.TextField(_("deliverables"), max_length=2000, blank=True)
    due_on = models.DateField(_("ideas due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ASSIGNED
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("creative brief")
        verbose_name_plural = _("creative briefs")
        indexes = [models.Index(fields=["planner", "status"])]

    def __str__(self) -> str:
        return str(self.brief)


class Idea(models.Model):
    """One idea from the brainstorm: what it is, the insight behind it, where it runs, roughly
    what it costs; the internal review scores it and may shortlist it."""

    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="ideas")
    title = models.CharField(_("title"), max_length=200)
    insight = models.TextField(_("insight"), max_length=2000, blank=True)
    description = models.TextField(_("description"), max_length=4000)
    channels = models.CharField(_("channels"), max_length=500, blank=True)
    rough_cost_amount = _money(_("rough cost (VND)"))
    is_shortlisted = models.BooleanField(_("shortlisted"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ideas",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        indexes = [models.Index(fields=["brief", "is_shortlisted"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(rough_cost_amount__gte=0),
                name="pitching_idea_cost_not_negative",
                violation_error_message=_("A cost cannot be negative."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class IdeaReview(models.Model):
    """One reviewer's scores of one idea on the rubric, 1 to 5 each."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="idea_reviews",
        verbose_name=_("reviewer"),
    )
    fit = models.PositiveSmallIntegerField(_("fit to brief"))
    creativity = models.PositiveSmallIntegerField(_("creativity"))
    feasibility = models.PositiveSmallIntegerField(_("feasibility"))
    cost = models.PositiveSmallIntegerField(_("cost"))
    comment = models.CharField(_("comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("idea review")
        verbose_name_plural = _("idea reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["idea", "reviewer"],
                name="pitching_review_once_per_reviewer",
                violation_error_message=_("You have reviewed this idea already."),
            ),
            models.CheckConstraint(
                condition=SCORE_RANGE,
                name="pitching_review_scores_1_to_5",
                violation_error_message=_("Each score is from 1 to 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.idea} — {self.reviewer}"


class Proposal(models.Model):
    """The agency's answer to a brief, built on its shortlist, written and priced in versions
    until the client approves one or the pitch is lost."""

    class Status(models.TextChoices):
        OPEN = "open", _("in progress")
        APPROVED = "approved", _("approved")
        LOST = "lost", pgettext_lazy("pitch", "lost")

    brief = models.OneToOneField(
        Brief, on_delete=models.PROTECT, related_name="proposal", verbose_name=_("brief")
    )
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_proposals",
        verbose_name=_("KAM"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    approved_version = models.ForeignKey(
        "ProposalVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved version"),
    )
    decided_on = models.DateField(_("decided"), null=True, blank=True)
    lost_reason = models.CharField(_("why lost"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [
            models.Index(fields=["owner", "status"]),
            # The list's order: its first page is read in order, not sorted out of every row.
            models.Index(fields=["-created_at", "-id"], name="pitching_proposal_list"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", decided_on__isnull=True, approved_version__isnull=True)
                | Q(status="approved", decided_on__isnull=False, approved_version__isnull=False)
                | (
                    Q(status="lost", decided_on__isnull=False, approved_version__isnull=True)
                    & ~Q(lost_reason="")
                ),
                name="pitching_proposal_decided_consistently",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class ProposalVersion(models.Model):
    """One round of the proposal: the chosen ideas, the narrative and the budget estimate.
    Once it leaves draft it is frozen; a change makes the next version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        AWAITING_APPROVAL = "awaiting", _("waiting for a Director's approval")
        CLEARED = "cleared", _("margin approved, ready to send")
        SENT = "sent", _("sent to the client")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    ideas = models.ManyToManyField(Idea, related_name="proposal_versions", verbose_name=_("ideas"))
    narrative = models.TextField(_("narrative"), max_length=10000, blank=True)
    agency_fee_percent = models.DecimalField(
        _("agency fee (%)"), max_digits=5, decimal_places=2, default=0
    )
    vat_percent = models.DecimalField(_("VAT (%)"), max_digits=5, decimal_places=2, default=10)
    margin_floor_percent = models.DecimalField(
        _("margin floor (%)"), max_digits=5, decimal_places=2
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    approval_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    margin_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("margin approved by"),
    )
    margin_approved_at = models.DateTimeField(_("margin approved"), null=True, blank=True)
    margin_approval_note = models.CharField(_("approval note"), max_length=500, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["proposal", "number"]
        verbose_name = _("proposal version")
        verbose_name_plural = _("proposal versions")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "number"],
                name="pitching_version_number_once",
                violation_error_message=_("This version exists already."),
            ),
            # At most one version is being written at a time: the others are frozen.
            models.UniqueConstraint(
                fields=["proposal"],
                condition=~Q(status="sent"),
                name="pitching_one_unsent_version",
            ),
            models.CheckConstraint(
                condition=Q(agency_fee_percent__gte=0, agency_fee_percent__lte=100)
                & Q(vat_percent__gte=0, vat_percent__lte=100),
                name="pitching_version_percentages",
                violation_error_message=_("A percentage is from 0 to 100."),
            ),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | ~Q(status="sent"),
                name="pitching_version_sent_with_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} — v{self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.status != self.Status.DRAFT


class EstimateLine(models.Model):
    """One line of a version's budget estimate: who does or supplies what, how many, at what
    cost to the agency and what price to the client. Its amounts are rounded once, here, so the
    totals are exactly the sum of the lines."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("department")
        VENDOR = "vendor", _("vendor")
        KOL = "kol", _("KOL / influencer")
        PRODUCTION = "production", _("production")

    version = models.ForeignKey(ProposalVersion, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
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
        verbose_name = _("estimate line")
        verbose_name_plural = _("estimate lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0)
                & Q(unit_cost_amount__gte=0, unit_price_amount__gte=0)
                & Q(cost_amount__gte=0, price_amount__gte=0),
                name="pitching_line_amounts_not_negative",
                violation_error_message=_(
                    "The quantity must be above 0, and costs and prices cannot be negative."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind="department") | Q(department__isnull=False),
                name="pitching_line_department_named",
                violation_error_message=_("Choose the department."),
            ),
        ]

    def __str__(self) -> str:
        return self.description


class Feedback(models.Model):
    """What the client said about one version, and who said it."""

    version = models.ForeignKey(ProposalVersion, on_delete=models.CASCADE, related_name="feedback")
    stakeholder = models.ForeignKey(
        Stakeholder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from"),
    )
    received_on = models.DateField(_("received"))
    text = models.TextField(_("feedback"), max_length=4000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_on", "pk"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self) -> str:
        return self.text[:80]


class Pitch(models.Model):
    """A meeting where the agency presents a version to the client: when, who presents, who
    of the client attends, and how it went."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("not held yet")
        POSITIVE = "positive", _("went well")
        REVISE = "revise", _("client asked for changes")
        NEGATIVE = "negative", _("went badly")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="pitches")
    version = models.ForeignKey(
        ProposalVersion,
        on_delete=models.PROTECT,
        related_name="pitches",
        verbose_name=_("version presented"),
    )
    held_at = models.DateTimeField(_("when"))
    location = models.CharField(_("where"), max_length=200, blank=True)
    presenters = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="pitches", verbose_name=_("presented by")
    )
    attendees = models.ManyToManyField(
        Stakeholder, related_name="pitches", blank=True, verbose_name=_("client attendees")
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["held_at", "pk"]
        verbose_name = _("pitch")
        verbose_name_plural = _("pitches")

    def __str__(self) -> str:
        return f"{self.proposal} — {self.held_at:%d/%m/%Y}"
