"""Growth: the leads Sales works, the opportunities of the pipeline (new business and the growth
of existing clients), and the hand-over of a won client from Sales to its KAM."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kam.clients.models import AgencyService, Client, SpecialTerm
from kam.core.search import Searchable

MONEY_DIGITS = 18


class Stage(models.Model):
    """A step of the pipeline, in order, with the probability an opportunity in it is won; the
    agency edits the list (an opportunity's own probability starts from its stage's)."""

    name = models.CharField(_("name (Vietnamese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    position = models.PositiveSmallIntegerField(_("position"))
    probability = models.PositiveSmallIntegerField(_("probability (%)"))
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("pipeline stage")
        verbose_name_plural = _("pipeline stages")
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__gte=0, probability__lte=100),
                name="growth_stage_probability_0_to_100",
                violation_error_message=_("A probability is a percentage from 0 to 100."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        if (get_language() or "vi").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Lead(Searchable):
    """A company Sales is hunting, before it is a client: where it came from, who to talk to,
    what it needs and what it might be worth."""

    class Source(models.TextChoices):
        REFERRAL = "referral", _("referral")
        WEBSITE = "website", _("website")
        EVENT = "event", _("event")
        OUTREACH = "outreach", _("outreach")
        INBOUND = "inbound", _("inbound call or email")
        PARTNER = "partner", _("partner")
        TENDER = "tender", _("tender")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        NEW = "new", _("new")
        CONTACTED = "contacted", _("contacted")
        QUALIFIED = "qualified", _("qualified")
        DISQUALIFIED = "disqualified", _("disqualified")
        CONVERTED = "converted", _("converted")

    company_name = models.CharField(_("company"), max_length=255)
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    contact_name = models.CharField(_("contact"), max_length=150, blank=True)
    contact_title = models.CharField(_("contact's title"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact's email"), blank=True)
    contact_phone = models.CharField(_("contact's phone"), max_length=30, blank=True)
    need = models.TextField(_("need"), max_length=4000, blank=True)
    estimated_amount = models.DecimalField(
        _("estimated value (VND)"), max_digits=MONEY_DIGITS, decimal_places=0, default=0
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    disqualified_reason = models.CharField(_("why disqualified"), max_length=500, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="leads",
        verbose_name=_("owner"),
    )
    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("client"),
    )
    converted_at = models.DateTimeField(_("converted"), null=True, blank=True)
    search_fields = ("company_name", "tax_code", "contact_name")
    search_text = models.CharField(max_length=400, blank=True, default="", editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        indexes = [models.Index(fields=["owner", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_amount__gte=0),
                name="growth_lead_value_not_negative",
                violation_error_message=_("A value cannot be negative."),
            ),
            # Converted means with its client and time; nothing else has them.
            models.CheckConstraint(
                condition=Q(status="converted", client__isnull=False, converted_at__isnull=False)
                | (~Q(status="converted") & Q(client__isnull=True, converted_at__isnull=True)),
                name="growth_lead_converted_with_client",
            ),
            models.CheckConstraint(
                condition=~Q(status="disqualified") | ~Q(disqualified_reason=""),
                name="growth_lead_disqualified_with_reason",
                violation_error_message=_("Say why the lead is disqualified."),
            ),
        ]

    def __str__(self) -> str:
        return self.company_name


class Opportunity(Searchable):
    """A sale the agency is working towards with a client: what kind, which services, what it
    is worth, how likely, by when; it ends won or lost with a reason."""

    class Kind(models.TextChoices):
        NEW_BUSINESS = "new_business", _("new business")
        UPSELL = "upsell", _("upsell")
        CROSS_SELL = "cross_sell", _("cross-sell")
        RENEWAL = "renewal", _("renewal")
        EXPANSION = "expansion", _("expansion")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        WON = "won", _("won")
        LOST = "lost", _("lost")

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("client")
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="opportunities",
        verbose_name=_("owner"),
    )
    services = models.ManyToManyField(
        AgencyService, blank=True, related_name="+", verbose_name=_("services")
    )
    value_amount = models.DecimalField(
        _("value (VND)"), max_digits=MONEY_DIGITS, decimal_places=0, default=0
    )
    stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("stage")
    )
    probability = models.PositiveSmallIntegerField(_("probability (%)"))
    expected_close_on = models.DateField(_("expected close"))
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    next_step_due_on = models.DateField(_("next step by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=6, choices=Status.choices, default=Status.OPEN
    )
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    lost_reason = models.CharField(_("why it was lost"), max_length=500, blank=True)
    outcome_note = models.CharField(_("how it was won"), max_length=500, blank=True)
    lead = models.OneToOneField(
        Lead,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opportunity",
        verbose_name=_("from lead"),
    )
    renewal_of_term = models.OneToOneField(
        SpecialTerm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewal_opportunity",
        verbose_name=_("renews the term"),
    )
    search_fields = ("title",)
    search_text = models.CharField(max_length=400, blank=True, default="", editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["expected_close_on", "pk"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        indexes = [
            models.Index(fields=["status", "expected_close_on"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["client", "status"]),
            models.Index(fields=["status", "closed_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(value_amount__gte=0),
                name="growth_opportunity_value_not_negative",
                violation_error_message=_("A value cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(probability__gte=0, probability__lte=100),
                name="growth_opportunity_probability_0_to_100",
                violation_error_message=_("A probability is a percentage from 0 to 100."),
            ),
            # Closed means with its date (and, when lost, its reason); open has neither.
            models.CheckConstraint(
                condition=Q(status="open", closed_on__isnull=True)
                | Q(status="won", closed_on__isnull=False)
                | (Q(status="lost", closed_on__isnull=False) & ~Q(lost_reason="")),
                name="growth_opportunity_closed_with_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.client}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Handover(models.Model):
    """Sales handing a won client to the KAM who will grow it (bàn giao): a checklist and the
    context, so that nothing is lost between hunter and farmer. The KAM accepts it, or sends it
    back with a question."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the KAM")
        RETURNED = "returned", _("sent back with a question")
        ACCEPTED = "accepted", _("accepted")

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="handovers", verbose_name=_("client")
    )
    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handovers",
        verbose_name=_("won opportunity"),
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="handovers_given",
        verbose_name=_("from"),
    )
    to_kam = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="handovers_received",
        verbose_name=_("to KAM"),
    )
    stakeholders_introduced = models.BooleanField(_("stakeholders introduced"), default=False)
    commercial_terms = models.TextField(_("commercial terms"), max_length=4000, blank=True)
    promises_made = models.TextField(_("promises made"), max_length=4000, blank=True)
    risks = models.TextField(_("risks"), max_length=4000, blank=True)
    documents = models.TextField(_("documents"), max_length=2000, blank=True)
    context_note = models.TextField(_("context note"), max_length=8000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    question = models.TextField(_("the KAM's question"), max_length=2000, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")
        indexes = [models.Index(fields=["to_kam", "status"]), models.Index(fields=["from_user"])]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(status__in=["pending", "returned"]),
                name="growth_one_open_handover_per_client",
                violation_error_message=_("This client is being handed over already."),
            ),
            models.CheckConstraint(
                condition=Q(status="accepted", accepted_at__isnull=False)
                | (~Q(status="accepted") & Q(accepted_at__isnull=True)),
                name="growth_handover_accepted_with_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} → {self.to_kam}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.ACCEPTED
