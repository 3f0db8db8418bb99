"""HTML input of the pitching pages; the rules live in services."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kam.clients.models import Client, Stakeholder
from kam.core.forms import ServiceModelForm
from kam.growth.models import Opportunity
from kam.growth.queries import opportunities_visible_to
from kam.people.models import Department, User
from kam.pitching import queries, services
from kam.pitching.models import (
    Brief,
    CreativeBrief,
    EstimateLine,
    Feedback,
    Idea,
    Pitch,
    Proposal,
    ProposalVersion,
)
from kam.pitching.services.briefs import PREFILLED_FROM_BRIEF

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MONEY_WIDGET = forms.NumberInput(attrs={"min": 0, "step": 1})
PERCENT_WIDGET = forms.NumberInput(attrs={"min": 0, "max": 100, "step": "0.01"})
SCORES = [(score, str(score)) for score in range(1, 6)]
ID = {"required": False, "min_value": 1, "max_value": 2**31}


def _person_choice(user: User) -> str:
    return user.full_name or user.username


def _text(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# --- Briefs ---------------------------------------------------------------------------------
class BriefFilters(forms.Form):
    """The brief list's filters; a value that is not a choice is ignored rather than refused."""

    q = forms.CharField(required=False, max_length=200)
    status = forms.ChoiceField(
        required=False, choices=[("", ""), ("open", "open"), ("all", "all"), *Brief.Status.choices]
    )
    client = forms.IntegerField(**ID)

    def values(self) -> dict:
        self.is_valid()
        status = self.cleaned_data.get("status") or "open"
        return {
            "status": "" if status == "all" else status,
            "client": self.cleaned_data.get("client"),
            "query": self.cleaned_data.get("q") or "",
        }


class BriefForm(ServiceModelForm):
    """Recording a brief (with its client, and the opportunity it answers) or correcting one."""

    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())
    opportunity = forms.ModelChoiceField(
        label=_("Opportunity"), queryset=Opportunity.objects.none(), required=False
    )

    class Meta:
        model = Brief
        fields = ["client", "opportunity", *services.BRIEF_FIELDS]
        widgets = {
            "objectives": _text(4),
            "target_audience": _text(2),
            "key_message": _text(2),
            "mandatories": _text(2),
            "kpis": _text(2),
            "budget_min_amount": MONEY_WIDGET,
            "budget_max_amount": MONEY_WIDGET,
            "received_on": DATE_WIDGET,
            "deadline_on": DATE_WIDGET,
            "campaign_starts_on": DATE_WIDGET,
            "campaign_ends_on": DATE_WIDGET,
        }
        help_texts = {
            "budget_min_amount": _("What the client said they may spend; leave 0 if unknown."),
            "channels": _("Comma-separated, e.g. TVC, social, KOL."),
        }

    def __init__(self, *args, viewer: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("budget_min_amount", "budget_max_amount"):
            self.fields[name].required = False
        if self.instance.pk:  # the client and the opportunity stay as recorded
            del self.fields["client"]
            del self.fields["opportunity"]
            return
        self.fields["client"].queryset = queries.clients_for_briefs(viewer)
        self.fields["received_on"].required = False
        self.initial.setdefault("received_on", timezone.localdate())
        # The opportunities offered are the chosen client's (the page is opened from the client
        # or the opportunity); without a client there is nothing to choose from.
        client = self.data.get("client") if self.is_bound else self.initial.get("client")
        client_pk = getattr(client, "pk", client)
        if not str(client_pk or "").isdigit():
            del self.fields["opportunity"]
            return
        self.fields["opportunity"].queryset = (
            opportunities_visible_to(viewer)
            .filter(client_id=client_pk)
            .filter(status=Opportunity.Status.OPEN)
            .order_by("title")
        )
        self.fields["opportunity"].label_from_instance = lambda opportunity: opportunity.title

    def service_data(self) -> dict:
        """The brief's own fields for the service: an empty budget is 0, an empty received date
        is today (the service's)."""
        data = {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("client", "opportunity")
        }
        for name in ("budget_min_amount", "budget_max_amount"):
            if name in data and data[name] is None:
                data[name] = Decimal(0)
        if data.get("received_on", "") is None:
            del data["received_on"]
        return data


class BudgetForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Proposed budget (VND)"),
        min_value=0,
        max_digits=18,
        decimal_places=0,
        widget=MONEY_WIDGET,
    )
    rationale = forms.CharField(label=_("Why this budget"), max_length=1000, widget=_text(2))


class WeightsForm(forms.Form):
    """The review's rubric: how much each criterion weighs, 0 to 100."""

    weight_fit = forms.IntegerField(label=_("Fit to brief"), min_value=0, max_value=100)
    weight_creativity = forms.IntegerField(label=_("Creativity"), min_value=0, max_value=100)
    weight_feasibility = forms.IntegerField(label=_("Feasibility"), min_value=0, max_value=100)
    weight_cost = forms.IntegerField(label=_("Cost"), min_value=0, max_value=100)


class CancelBriefForm(forms.Form):
    reason = forms.CharField(label=_("Why the brief is cancelled"), max_length=500)


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none())

    def __init__(self, *args, brief: Brief, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = queries.people_to_add(brief).order_by("full_name")
        self.fields["user"].label_from_instance = _person_choice


class RemoveMemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none())

    def __init__(self, *args, brief: Brief, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(brief_memberships__brief=brief)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, images, Word, Excel, PowerPoint or text."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.png,.jpg,.jpeg,.webp,.docx,.xlsx,.pptx,.txt,.md,.csv"}
        ),
    )


class CreativeBriefForm(ServiceModelForm):
    """Handing the brief to a Planner (its fields start from the client's brief), or writing
    it. Only the KAM side chooses the Planner."""

    class Meta:
        model = CreativeBrief
        fields = ["planner", *services.CREATIVE_FIELDS]
        widgets = {
            "problem": _text(3),
            "target_audience": _text(2),
            "insight": _text(2),
            "proposition": _text(2),
            "mandatories": _text(2),
            "deliverables": _text(2),
            "due_on": DATE_WIDGET,
        }

    def __init__(self, *args, brief: Brief, chooses_planner: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not chooses_planner:
            del self.fields["planner"]
        else:
            planners = queries.planners_to_choose(brief)
            if self.instance.pk:
                planners = planners | User.objects.filter(pk=self.instance.planner_id)
            self.fields["planner"].queryset = planners.distinct().order_by("full_name")
            self.fields["planner"].label_from_instance = _person_choice
        if not self.instance.pk and not self.is_bound:
            for field, source in PREFILLED_FROM_BRIEF.items():
                self.initial.setdefault(field, getattr(brief, source))
            self.initial.setdefault("due_on", brief.deadline_on)


# --- Ideas and the review -------------------------------------------------------------------
class IdeaForm(ServiceModelForm):
    class Meta:
        model = Idea
        fields = services.IDEA_FIELDS
        widgets = {
            "insight": _text(2),
            "description": _text(3),
            "rough_cost_amount": MONEY_WIDGET,
        }

    def __init__(self, *args, sees_money: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if sees_money:
            self.fields["rough_cost_amount"].required = False
        else:  # a department's creative adds ideas without pricing them
            del self.fields["rough_cost_amount"]

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if "rough_cost_amount" in data and data["rough_cost_amount"] is None:
            data["rough_cost_amount"] = Decimal(0)
        return data


class ReviewForm(forms.Form):
    """One reviewer's scores of one idea; each idea's form has its own prefix on the page."""

    fit = forms.TypedChoiceField(label=_("Fit to brief"), choices=SCORES, coerce=int)
    creativity = forms.TypedChoiceField(label=_("Creativity"), choices=SCORES, coerce=int)
    feasibility = forms.TypedChoiceField(label=_("Feasibility"), choices=SCORES, coerce=int)
    cost = forms.TypedChoiceField(label=_("Cost"), choices=SCORES, coerce=int)
    comment = forms.CharField(label=_("Comment"), max_length=1000, required=False)

    @staticmethod
    def prefix_for(idea: Idea) -> str:
        return f"review-{idea.pk}"


class ProposalCreateForm(forms.Form):
    title = forms.CharField(
        label=_("Proposal title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to take the brief's title."),
    )


# --- Proposals ------------------------------------------------------------------------------
class ProposalFilters(forms.Form):
    status = forms.ChoiceField(
        required=False, choices=[("", ""), ("all", "all"), *Proposal.Status.choices]
    )

    def values(self) -> dict:
        self.is_valid()
        status = self.cleaned_data.get("status") or "open"
        return {"status": "" if status == "all" else status}


class VersionForm(ServiceModelForm):
    """The draft version's words and terms, and which shortlisted ideas it proposes."""

    ideas = forms.ModelMultipleChoiceField(
        label=_("Ideas proposed"),
        queryset=Idea.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ProposalVersion
        fields = [*services.VERSION_FIELDS, "ideas"]
        widgets = {
            "narrative": _text(8),
            "agency_fee_percent": PERCENT_WIDGET,
            "vat_percent": PERCENT_WIDGET,
        }
        help_texts = {
            "agency_fee_percent": _("A percentage of the client price of the lines."),
            "vat_percent": _("The standard rate is 10, the reduced rate 8 where it applies."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        brief = self.instance.proposal.brief
        self.fields["ideas"].queryset = Idea.objects.filter(brief=brief, is_shortlisted=True)

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["ideas"] = list(data["ideas"])
        return data


class LineForm(ServiceModelForm):
    class Meta:
        model = EstimateLine
        fields = services.LINE_FIELDS
        widgets = {
            "quantity": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
            "unit_cost_amount": MONEY_WIDGET,
            "unit_price_amount": MONEY_WIDGET,
            "position": forms.NumberInput(attrs={"min": 0}),
        }
        help_texts = {
            "department": _("For a department's own work."),
            "position": _("Leave empty to put the line last."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        keep = [self.instance.department_id] if self.instance.department_id else []
        self.fields["department"].queryset = Department.objects.filter(
            pk__in=keep
        ) | Department.objects.filter(is_active=True)
        self.fields["department"].label_from_instance = lambda department: department.display_name
        self.fields["position"].required = False

    def service_data(self) -> dict:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if not (name == "position" and value is None)
        }


class MarginNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class FeedbackForm(ServiceModelForm):
    class Meta:
        model = Feedback
        fields = ["text", "stakeholder", "received_on"]
        widgets = {"text": _text(3), "received_on": DATE_WIDGET}
        labels = {"text": _("What the client said")}

    def __init__(self, *args, proposal: Proposal, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stakeholder"].queryset = queries.stakeholders_of(proposal).order_by(
            "full_name"
        )
        self.fields["stakeholder"].label_from_instance = _stakeholder_choice
        self.fields["received_on"].required = False
        self.initial.setdefault("received_on", timezone.localdate())


def _stakeholder_choice(person: Stakeholder) -> str:
    return f"{person.full_name} — {person.title}" if person.title else person.full_name


class PitchForm(ServiceModelForm):
    """Planning a pitch (which version, when, who presents, who of the client comes) or
    recording how it went."""

    class Meta:
        model = Pitch
        fields = ["version", "held_at", "location", "presenters", "attendees", "outcome", "notes"]
        widgets = {
            "held_at": DATETIME_WIDGET,
            "notes": _text(3),
            "presenters": forms.CheckboxSelectMultiple,
            "attendees": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, proposal: Proposal, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        presenters = queries.presenters_to_choose(proposal)
        if self.instance.pk:
            presenters = presenters | User.objects.filter(pitches=self.instance)
            del self.fields["version"]
        else:
            self.fields["version"].queryset = proposal.versions.order_by("-number")
            self.fields["version"].label_from_instance = _version_choice
            self.fields["version"].required = False
            self.fields["version"].empty_label = _("the current version")
        self.fields["presenters"].queryset = presenters.distinct().order_by("full_name")
        self.fields["presenters"].label_from_instance = _person_choice
        self.fields["attendees"].queryset = queries.stakeholders_of(proposal).order_by("full_name")
        self.fields["attendees"].label_from_instance = _stakeholder_choice

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["presenters"] = list(data["presenters"])
        data["attendees"] = list(data["attendees"])
        return data


def _version_choice(version: ProposalVersion) -> str:
    return _("Version %(number)s (%(status)s)") % {
        "number": version.number,
        "status": version.get_status_display(),
    }


class ApproveForm(forms.Form):
    version = forms.ModelChoiceField(
        label=_("Version the client approved"),
        queryset=ProposalVersion.objects.none(),
        required=False,
    )
    decided_on = forms.DateField(label=_("Approved on"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, proposal: Proposal, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        sent = proposal.versions.filter(status=ProposalVersion.Status.SENT).order_by("-number")
        self.fields["version"].queryset = sent
        self.fields["version"].label_from_instance = _version_choice
        self.fields["version"].empty_label = None


class LoseForm(forms.Form):
    reason = forms.CharField(label=_("Why it was lost"), max_length=500)
    decided_on = forms.DateField(label=_("Decided on"), required=False, widget=DATE_WIDGET)
