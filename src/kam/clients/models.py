from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kam.core.search import Searchable


class Level(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")


class Client(Searchable):
    """A client company the agency serves; its owner KAM keeps the relationship."""

    class Tier(models.TextChoices):
        KEY = "key", _("key")
        GROWTH = "growth", _("growth")
        STANDARD = "standard", _("standard")

    class Status(models.TextChoices):
        PROSPECT = "prospect", _("prospect")
        ACTIVE = "active", _("active")
        DORMANT = "dormant", _("dormant")
        LOST = "lost", _("lost")

    class Industry(models.TextChoices):
        FMCG = "fmcg", _("FMCG")
        FOOD_BEVERAGE = "food_beverage", _("food and beverage")
        RETAIL = "retail", _("retail and e-commerce")
        FINANCE = "finance", _("banking and finance")
        INSURANCE = "insurance", _("insurance")
        REAL_ESTATE = "real_estate", _("real estate")
        AUTOMOTIVE = "automotive", _("automotive")
        TECHNOLOGY = "technology", _("technology and telecom")
        HEALTHCARE = "healthcare", _("healthcare and pharma")
        EDUCATION = "education", _("education")
        TRAVEL = "travel", _("travel and hospitality")
        FASHION_BEAUTY = "fashion_beauty", _("fashion and beauty")
        ENERGY = "energy", _("energy and industry")
        PUBLIC = "public", _("government and non-profit")
        OTHER = "other", _("other")

    legal_name = models.CharField(_("legal name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True)
    industry = models.CharField(
        _("industry"), max_length=20, choices=Industry.choices, default=Industry.OTHER
    )
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices, default=Tier.STANDARD)
    potential = models.CharField(
        _("potential"), max_length=10, choices=Level.choices, default=Level.MEDIUM
    )
    buying_complexity = models.CharField(
        _("buying complexity"), max_length=10, choices=Level.choices, default=Level.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROSPECT
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_clients",
        verbose_name=_("owner KAM"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subsidiaries",
        verbose_name=_("parent company"),
    )
    address = models.CharField(_("address"), max_length=500, blank=True)
    # Under this margin a proposal needs a Director's approval to be sent (None: the default).
    margin_floor_percent = models.PositiveSmallIntegerField(
        _("margin floor (%)"), null=True, blank=True
    )
    search_fields = ("legal_name", "short_name", "tax_code")
    search_text = models.CharField(max_length=400, blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["legal_name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        constraints = [
            models.UniqueConstraint(
                fields=["tax_code"],
                condition=~Q(tax_code=""),
                name="clients_client_tax_code_unique",
                violation_error_message=_("Another client has this tax code."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="clients_client_not_its_own_parent"
            ),
            models.CheckConstraint(
                condition=Q(margin_floor_percent__lte=100) | Q(margin_floor_percent__isnull=True),
                name="clients_client_margin_floor_percentage",
                violation_error_message=_("A percentage is from 0 to 100."),
            ),
        ]
        indexes = [models.Index(fields=["owner", "tier"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.short_name or self.legal_name


class ClientTeamMember(models.Model):
    """Someone on a client's account team besides its owner, with their role on it."""

    class Role(models.TextChoices):
        KAM = "kam", _("Key Account Manager")
        EXECUTIVE = "executive", _("account executive")
        PLANNER = "planner", _("Planner / Strategist")
        SALES = "sales", _("Sales")
        DEPARTMENT = "department", _("department lead")
        FINANCE = "finance", _("finance contact")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="team_members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="client_memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "user__full_name"]
        verbose_name = _("account team member")
        verbose_name_plural = _("account team")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "user"],
                name="clients_team_member_once",
                violation_error_message=_("This person is on the account team already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class Stakeholder(Searchable):
    """A person at a client the account team deals with (người liên hệ)."""

    class DecisionRole(models.TextChoices):
        DECISION_MAKER = "decision_maker", _("decision maker")
        INFLUENCER = "influencer", _("influencer")
        USER = "user", _("user")
        FINANCE = "finance", _("finance / accounts payable")
        OTHER = "other", _("other")

    class Channel(models.TextChoices):
        PHONE = "phone", _("phone")
        EMAIL = "email", _("email")
        ZALO = "zalo", _("Zalo")
        MEETING = "meeting", _("in person")
        OTHER = "other", _("other")

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="stakeholders", verbose_name=_("client")
    )
    full_name = models.CharField(_("full name"), max_length=150)
    title = models.CharField(_("job title"), max_length=150, blank=True)
    decision_role = models.CharField(
        _("role in the decision"),
        max_length=20,
        choices=DecisionRole.choices,
        default=DecisionRole.OTHER,
    )
    influence = models.PositiveSmallIntegerField(
        _("influence (1-5)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    relationship = models.PositiveSmallIntegerField(
        _("relationship strength (1-5)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=10, choices=Channel.choices, default=Channel.PHONE
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("still at the client"), default=True)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    search_fields = ("full_name", "title", "email", "phone")
    search_text = models.CharField(max_length=500, blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_active", "-influence", "full_name"]
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        constraints = [
            models.CheckConstraint(
                condition=Q(influence__gte=1, influence__lte=5), name="clients_influence_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(relationship__gte=1, relationship__lte=5),
                name="clients_relationship_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class Interaction(Searchable):
    """A call, meeting, email, visit or note with a client, and the next step it leads to."""

    class Kind(models.TextChoices):
        CALL = "call", _("call")
        MEETING = "meeting", _("meeting")
        EMAIL = "email", _("email")
        VISIT = "visit", _("visit")
        NOTE = "note", _("note")

    class Objection(models.TextChoices):
        NONE = "", _("none")
        TOO_EXPENSIVE = "too_expensive", _("too expensive")
        HAPPY_WITH_AGENCY = "happy_with_agency", _("satisfied with the current agency")
        BUSY = "busy", _("busy, call later")
        OTHER = "other", _("other")

    # A note is written at the desk; the others are contact with the client.
    CONTACT_KINDS = (Kind.CALL, Kind.MEETING, Kind.EMAIL, Kind.VISIT)

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="interactions", verbose_name=_("client")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CALL)
    happened_at = models.DateTimeField(_("when"))
    our_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("our people")
    )
    stakeholders = models.ManyToManyField(
        Stakeholder, blank=True, related_name="interactions", verbose_name=_("their people")
    )
    summary = models.TextField(_("summary"), max_length=5000)
    outcome = models.CharField(_("outcome"), max_length=1000, blank=True)
    objection = models.CharField(
        _("objection raised"), max_length=20, choices=Objection.choices, blank=True, default=""
    )
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    next_step_due_on = models.DateField(_("next step due"), null=True, blank=True)
    next_step_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_steps",
        verbose_name=_("next step owner"),
    )
    next_step_done_at = models.DateTimeField(_("next step done"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    search_fields = ("summary", "outcome", "next_step")
    search_text = models.CharField(max_length=1000, blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-happened_at", "-pk"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        indexes = [
            models.Index(fields=["client", "kind", "-happened_at"]),
            models.Index(fields=["next_step_owner", "next_step_due_on"]),
            # Lists and search show the newest first: read in order and stop at the page's end.
            models.Index(fields=["-happened_at", "-id"], name="clients_interaction_newest"),
        ]
        constraints = [
            # A next step is whole: what, by when, by whom; or there is none.
            models.CheckConstraint(
                condition=(
                    Q(next_step="", next_step_due_on__isnull=True, next_step_owner__isnull=True)
                    | (
                        ~Q(next_step="")
                        & Q(next_step_due_on__isnull=False, next_step_owner__isnull=False)
                    )
                ),
                name="clients_interaction_next_step_whole",
                violation_error_message=_(
                    "A next step needs what, a due date and an owner, or none of them."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.happened_at:%d/%m/%Y} · {self.client}"


class SpecialTerm(models.Model):
    """A strategy or special offer agreed for a client (price, product, service level,
    distribution, information sharing), valid for a period once a Director approves it."""

    class Kind(models.TextChoices):
        PRICE = "price", _("price")
        PRODUCT = "product", _("product")
        SERVICE = "service", _("service level")
        DISTRIBUTION = "distribution", _("distribution")
        INFORMATION = "information", _("information sharing")

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        UPCOMING = "upcoming", _("approved, not yet valid")
        ACTIVE = "active", _("in force")
        EXPIRED = "expired", _("expired")

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="terms", verbose_name=_("client")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), max_length=2000)
    rate_percent = models.DecimalField(
        _("discount or rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-valid_from", "-pk"]
        verbose_name = _("special term")
        verbose_name_plural = _("special terms")
        constraints = [
            models.CheckConstraint(
                condition=Q(rate_percent__isnull=True)
                | Q(rate_percent__gte=0, rate_percent__lte=100),
                name="clients_term_rate_0_to_100",
                violation_error_message=_("A rate is a percentage from 0 to 100."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="clients_term_ends_after_it_starts",
                violation_error_message=_("A term cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.client}"

    def state_on(self, day) -> str:
        """Pending until approved; then upcoming, in force or expired by its dates."""
        if self.approved_at is None:
            return self.State.PENDING
        if self.valid_until is not None and self.valid_until < day:
            return self.State.EXPIRED
        if self.valid_from > day:
            return self.State.UPCOMING
        return self.State.ACTIVE


class ClientRequest(models.Model):
    """A client's request or complaint, routed to a department and a person, tracked to its
    resolution. (Not `Request`: every view already has one.)"""

    class Kind(models.TextChoices):
        REQUEST = "request", _("request")
        COMPLAINT = "complaint", _("complaint")

    class Severity(models.TextChoices):
        LOW = "low", _("low")
        MEDIUM = "medium", _("medium")
        HIGH = "high", _("high")
        CRITICAL = "critical", _("critical")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("in progress")
        RESOLVED = "resolved", _("resolved")

    class PaidBy(models.TextChoices):
        """Who pays for what the ask costs: billed to the client or absorbed by the agency."""

        CLIENT = "client", _("the client (billable)")
        AGENCY = "agency", _("the agency (absorbed)")

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="requests", verbose_name=_("client")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REQUEST)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    raised_by = models.ForeignKey(
        Stakeholder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("raised by"),
    )
    department = models.ForeignKey(
        "people.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="client_requests",
        verbose_name=_("department"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_requests",
        verbose_name=_("assigned to"),
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    paid_by = models.CharField(
        _("who pays"), max_length=6, choices=PaidBy.choices, default=PaidBy.AGENCY
    )
    resolution = models.TextField(_("resolution"), max_length=4000, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("logged by"),
    )
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "-created_at"]
        verbose_name = _("client request")
        verbose_name_plural = _("client requests")
        indexes = [
            models.Index(fields=["client", "status"]),
            models.Index(fields=["assignee", "status"]),
        ]
        constraints = [
            # Resolved means with its resolution and time; anything else has neither.
            models.CheckConstraint(
                condition=(Q(status="resolved", resolved_at__isnull=False) & ~Q(resolution=""))
                | (~Q(status="resolved") & Q(resolved_at__isnull=True)),
                name="clients_request_resolved_with_resolution",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.client}"


class AgencyService(models.Model):
    """A service the agency sells (creative, media buying, KOL…): the catalogue that account
    plans, and later opportunities, pick from."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Vietnamese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("service catalogue")

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        if (get_language() or "vi").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class AccountPlan(models.Model):
    """A key client's plan for a year: what the agency wants to achieve with it, the services
    it does not buy yet (whitespace), the plays to get there, and when its contracts renew."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="plans", verbose_name=_("client")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    objectives = models.TextField(_("objectives"), max_length=4000)
    whitespace = models.ManyToManyField(
        AgencyService, blank=True, related_name="+", verbose_name=_("whitespace")
    )
    renewal_on = models.DateField(_("next renewal"), null=True, blank=True)
    renewal_note = models.CharField(_("what renews"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("account plan")
        verbose_name_plural = _("account plans")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "year"],
                name="clients_one_plan_per_client_and_year",
                violation_error_message=_("This client has a plan for that year already."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="clients_plan_year_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} · {self.year}"


class PlannedPlay(models.Model):
    """One move of an account plan: what, which service, who, by when, how it stands."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        DROPPED = "dropped", _("dropped")

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="plays")
    title = models.CharField(_("play"), max_length=200)
    service = models.ForeignKey(
        AgencyService,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("by"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("planned play")
        verbose_name_plural = _("planned plays")

    def __str__(self) -> str:
        return self.title


class ImportBatch(models.Model):
    """An uploaded spreadsheet waiting for its preview to be confirmed or cancelled; nothing of
    it is applied until then, and stale ones are dropped."""

    class Kind(models.TextChoices):
        CLIENTS = "clients", _("clients")
        STAKEHOLDERS = "stakeholders", _("stakeholders")

    kind = models.CharField(_("what it holds"), max_length=20, choices=Kind.choices)
    file_name = models.CharField(_("file"), max_length=200)
    content = models.BinaryField()
    row_count = models.PositiveIntegerField(default=0)
    accept_unusual_tax_codes = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_kind_display()})"
