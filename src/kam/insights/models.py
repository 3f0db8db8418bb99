"""Team, revenue commitments and satisfaction: the targets a Director sets for KAMs and teams
(with every adjustment kept), the satisfaction surveys a client stakeholder answers through a
signed link, and each client's account health with the signals that cost it points."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kam.clients.models import Client, Stakeholder
from kam.delivery.models import Project
from kam.people.models import Team


class Target(models.Model):
    """A revenue commitment (doanh số cam kết): what a KAM or a team is to book, invoice or
    collect in a month, a quarter or a year, in VND before VAT."""

    class Metric(models.TextChoices):
        BOOKED = "booked", _("Booked")
        INVOICED = "invoiced", _("Invoiced")
        COLLECTED = "collected", _("Collected")

    class Period(models.TextChoices):
        MONTH = "month", _("Month")
        QUARTER = "quarter", _("Quarter")
        YEAR = "year", _("Year")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("KAM"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("team"),
    )
    metric = models.CharField(_("revenue"), max_length=12, choices=Metric.choices)
    period = models.CharField(_("period"), max_length=8, choices=Period.choices)
    starts_on = models.DateField(_("starts on"))
    amount = models.DecimalField(_("target (VND)"), max_digits=18, decimal_places=0)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("set by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "period", "metric", "pk"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=True, team__isnull=False)
                | Q(user__isnull=False, team__isnull=True),
                name="insights_target_for_a_kam_or_a_team",
                violation_error_message=_("A target is for one KAM or one team."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="insights_target_not_negative",
                violation_error_message=_("A target cannot be negative."),
            ),
            models.UniqueConstraint(
                fields=["user", "metric", "period", "starts_on"],
                condition=Q(user__isnull=False),
                name="insights_target_one_per_kam_period",
                violation_error_message=_("This KAM has this target for this period already."),
            ),
            models.UniqueConstraint(
                fields=["team", "metric", "period", "starts_on"],
                condition=Q(team__isnull=False),
                name="insights_target_one_per_team_period",
                violation_error_message=_("This team has this target for this period already."),
            ),
        ]
        indexes = [models.Index(fields=["period", "starts_on"], name="insights_target_period")]

    def __str__(self) -> str:
        return f"{self.user or self.team} · {self.get_metric_display()} · {self.period_label}"

    @property
    def period_label(self) -> str:
        if self.period == self.Period.MONTH:
            return self.starts_on.strftime("%m/%Y")
        if self.period == self.Period.QUARTER:
            return f"Q{(self.starts_on.month - 1) // 3 + 1}/{self.starts_on.year}"
        return str(self.starts_on.year)


class TargetChange(models.Model):
    """One setting or adjustment of a target and why, so the history of a commitment shows."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="changes")
    amount_before = models.DecimalField(
        _("before (VND)"), max_digits=18, decimal_places=0, null=True, blank=True
    )
    amount_after = models.DecimalField(_("after (VND)"), max_digits=18, decimal_places=0)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("target change")
        verbose_name_plural = _("target changes")

    def __str__(self) -> str:
        return f"{self.target}: {self.amount_before} → {self.amount_after}"


class Survey(models.Model):
    """A satisfaction survey (khảo sát hài lòng) for one client stakeholder, after a project is
    delivered or on a schedule: CSAT 1-5, NPS 0-10 and a comment, answered once through a
    signed link that expires. A low score waits on the KAM's agenda until followed up."""

    class Reason(models.TextChoices):
        PROJECT = "project", _("After a project")
        SCHEDULED = "scheduled", _("Scheduled (key client)")
        MANUAL = "manual", _("Sent by hand")

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ANSWERED = "answered", _("Answered")

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("client")
    )
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("sent to")
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("project"),
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SENT
    )
    link_nonce = models.CharField(max_length=32, editable=False)
    sent_at = models.DateTimeField(_("sent at"))
    link_expires_at = models.DateTimeField(_("link valid until"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    csat = models.PositiveSmallIntegerField(_("satisfaction (1-5)"), null=True, blank=True)
    nps = models.PositiveSmallIntegerField(_("would recommend (0-10)"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    low_score = models.BooleanField(_("low score"), default=False)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    follow_up_note = models.CharField(_("follow-up"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        constraints = [
            models.CheckConstraint(
                condition=Q(csat__isnull=True) | Q(csat__gte=1, csat__lte=5),
                name="insights_survey_csat_1_to_5",
                violation_error_message=_("Satisfaction is from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=Q(nps__isnull=True) | Q(nps__lte=10),
                name="insights_survey_nps_0_to_10",
                violation_error_message=_("The recommendation score is from 0 to 10."),
            ),
            models.CheckConstraint(
                condition=Q(status="sent", answered_at__isnull=True)
                | Q(
                    status="answered",
                    answered_at__isnull=False,
                    csat__isnull=False,
                    nps__isnull=False,
                ),
                name="insights_survey_answered_with_scores",
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(reason="project"),
                name="insights_survey_one_per_project",
                violation_error_message=_("This project's survey is sent already."),
            ),
        ]
        indexes = [
            models.Index(fields=["client", "-answered_at"], name="insights_survey_client"),
            models.Index(
                fields=["client"],
                condition=Q(low_score=True, followed_up_at__isnull=True),
                name="insights_survey_to_follow_up",
            ),
        ]

    def __str__(self) -> str:
        return _("Survey of %(client)s, %(day)s") % {
            "client": self.client,
            "day": timezone.localtime(self.sent_at).strftime("%d/%m/%Y"),
        }


class HealthScore(models.Model):
    """A client's account health now (sức khỏe khách hàng, 0-100): what each signal cost it, the
    change over the last 30 days, and whether the client is at risk."""

    client = models.OneToOneField(
        Client, on_delete=models.CASCADE, primary_key=True, related_name="health"
    )
    score = models.PositiveSmallIntegerField(_("health"))
    trend = models.SmallIntegerField(_("change over 30 days"), null=True, blank=True)
    at_risk = models.BooleanField(_("at risk"), default=False)
    # [{"signal": code, "lost": points, "facts": {...}}] for every signal, costliest first.
    signals = models.JSONField(default=list)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("account health")
        verbose_name_plural = _("account health")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__lte=100), name="insights_health_score_0_to_100"
            ),
        ]
        indexes = [models.Index(fields=["at_risk", "score"], name="insights_health_risk")]

    def __str__(self) -> str:
        return f"{self.client}: {self.score}/100"


class HealthHistory(models.Model):
    """A client's health on a day (the last computation of that day), for its trend."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="health_history")
    on = models.DateField()
    score = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["client", "on"]
        constraints = [
            models.UniqueConstraint(fields=["client", "on"], name="insights_health_one_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.on}: {self.score}"
