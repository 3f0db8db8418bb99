"""HTML input of the targets and surveys pages: the lists' filters, setting and adjusting a
target, sending a survey, following up a low score, and the stakeholder's answer through the
link. They only parse; every rule (whole dong, who may set whose target, a reason for a change,
scores in range, who is asked) is the services'."""

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kam.clients.models import Client, Stakeholder
from kam.clients.queries import stakeholders_of
from kam.core import access
from kam.delivery.models import Project
from kam.insights.models import Survey, Target
from kam.insights.periods import FIRST_YEAR, LAST_YEAR
from kam.insights.services.surveys import person_to_ask
from kam.people.models import Team, User
from kam.pitching.forms import DATE_WIDGET, MONEY_WIDGET

MAX_ID = 2**31 - 1
# Above 18 digits the service's whole-dong check cannot even compute: refused here, politely.
AMOUNT_DIGITS = 18


def _text(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _amount_field(label) -> forms.DecimalField:
    # Not required and no decimal places here: the service says "whole dong" in its own words.
    return forms.DecimalField(
        label=label, required=False, max_digits=AMOUNT_DIGITS, widget=MONEY_WIDGET
    )


class Filters(forms.Form):
    """A list's filters: what is wrong is left out rather than refused."""

    def values(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or None for name in self.fields}


# --- Targets --------------------------------------------------------------------------------
class TargetFilters(Filters):
    period = forms.ChoiceField(required=False, choices=[("", ""), *Target.Period.choices])
    metric = forms.ChoiceField(required=False, choices=[("", ""), *Target.Metric.choices])
    year = forms.IntegerField(required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR)


def kams_to_set_for(user: User) -> QuerySet[User]:
    """The KAMs whose targets the user may set: those of the teams a Director leads, every KAM
    for an admin."""
    kams = User.objects.filter(is_kam=True, is_active=True).select_related("team")
    if not access.is_admin(user):
        kams = kams.filter(team__leader=user)
    return kams.order_by("full_name", "pk")


def teams_to_set_for(user: User) -> QuerySet[Team]:
    teams = Team.objects.all() if access.is_admin(user) else Team.objects.filter(leader=user)
    return teams.order_by("name")


class TargetForm(forms.Form):
    """A target for one KAM or one team, for the month, quarter or year that holds `day`."""

    # The service names the day's field "day" and the whole choice "kam".
    kam = forms.ModelChoiceField(label=_("KAM"), queryset=User.objects.none(), required=False)
    team = forms.ModelChoiceField(
        label=_("Or a team"), queryset=Team.objects.none(), required=False
    )
    metric = forms.ChoiceField(label=_("Revenue"), choices=Target.Metric.choices)
    period = forms.ChoiceField(
        label=_("Period"), choices=Target.Period.choices, initial=Target.Period.QUARTER
    )
    day = forms.DateField(
        label=_("A day in the period"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Any day of the month, quarter or year: today's period by default."),
    )
    amount = _amount_field(_("Target (VND, before VAT)"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("Needed when it replaces a target already set for this period."),
    )

    def __init__(self, *args, by: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kam"].queryset = kams_to_set_for(by)
        self.fields["kam"].label_from_instance = _kam_choice
        self.fields["team"].queryset = teams_to_set_for(by)
        self.fields["day"].initial = timezone.localdate()


def _kam_choice(kam: User) -> str:
    return f"{kam} ({kam.team})" if kam.team_id else str(kam)


class AdjustTargetForm(forms.Form):
    amount = _amount_field(_("New target (VND)"))
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


# --- Surveys --------------------------------------------------------------------------------
class SurveyFilters(Filters):
    status = forms.ChoiceField(required=False, choices=[("", ""), *Survey.Status.choices])
    low = forms.BooleanField(required=False)
    client = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)


def people_to_survey(client: Client) -> QuerySet[Stakeholder]:
    """The client's people still there with an email address: those a survey can go to."""
    return stakeholders_of(client).filter(is_active=True).exclude(Q(email="") | Q(email=None))


def projects_to_survey(client: Client) -> QuerySet[Project]:
    """The client's delivered projects whose survey is not sent yet."""
    return (
        Project.objects.filter(client=client, status=Project.Status.DELIVERED)
        .exclude(surveys__reason=Survey.Reason.PROJECT)
        .order_by("-delivered_on", "-pk")
    )


class SendSurveyForm(forms.Form):
    stakeholder = forms.ModelChoiceField(
        label=_("Send to"),
        queryset=Stakeholder.objects.none(),
        required=False,
        empty_label=None,
        help_text=_("The client's people with an email address."),
    )
    project = forms.ModelChoiceField(
        label=_("About the project"),
        queryset=Project.objects.none(),
        required=False,
        empty_label=_("— working with us lately —"),
        help_text=_("A delivered project of this client, if the survey is about one."),
    )

    def __init__(self, *args, client: Client, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        stakeholder = self.fields["stakeholder"]
        stakeholder.queryset = people_to_survey(client)
        stakeholder.label_from_instance = _contact_choice
        if not self.is_bound:
            first = person_to_ask(client)
            stakeholder.initial = first.pk if first else None
        self.fields["project"].queryset = projects_to_survey(client)


def _contact_choice(person: Stakeholder) -> str:
    detail = ", ".join(part for part in (person.title, person.email) if part)
    return f"{person.full_name} ({detail})" if detail else person.full_name


class FollowUpForm(forms.Form):
    note = forms.CharField(
        label=_("What you agreed with the client"),
        max_length=500,
        required=False,
        widget=_text(3),
    )


# --- The stakeholder's answer through the link ----------------------------------------------
CSAT_CHOICES = [
    ("1", _("1 — Very dissatisfied")),
    ("2", _("2 — Dissatisfied")),
    ("3", _("3 — Neither satisfied nor dissatisfied")),
    ("4", _("4 — Satisfied")),
    ("5", _("5 — Very satisfied")),
]
NPS_CHOICES = [(str(score), str(score)) for score in range(11)]


class SurveyAnswerForm(forms.Form):
    """Two scores and a comment. The scores stay text here so that anything out of range gets
    the service's own words beside the question."""

    csat = forms.CharField(
        label=_("How satisfied are you with our work?"),
        required=False,
        widget=forms.RadioSelect(choices=CSAT_CHOICES),
    )
    nps = forms.CharField(
        label=_("How likely are you to recommend us to a colleague or a partner?"),
        required=False,
        help_text=_("0: not at all likely · 10: extremely likely"),
        widget=forms.RadioSelect(choices=NPS_CHOICES),
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell us?"),
        max_length=4000,
        required=False,
        widget=_text(4),
    )
