"""HTML input of the growth pages; the rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.clients import queries as client_queries
from kam.clients.models import AgencyService, Client
from kam.core.forms import ServiceModelForm
from kam.growth import queries, services
from kam.growth.models import Handover, Lead, Opportunity, Stage
from kam.growth.permissions import can_give_leads

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY_WIDGET = forms.NumberInput(attrs={"min": 0, "step": 1_000_000})


def _person_choice(user) -> str:
    return user.full_name or user.username


class StageForm(ServiceModelForm):
    class Meta:
        model = Stage
        fields = services.STAGE_FIELDS
        widgets = {"probability": forms.NumberInput(attrs={"min": 0, "max": 100})}


class LeadForm(ServiceModelForm):
    class Meta:
        model = Lead
        fields = services.LEAD_FIELDS
        widgets = {
            "need": forms.Textarea(attrs={"rows": 3}),
            "estimated_amount": MONEY_WIDGET,
            "disqualified_reason": forms.TextInput,
        }

    def __init__(self, *args, viewer, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            choice for choice in Lead.Status.choices if choice[0] != Lead.Status.CONVERTED
        ]
        self.fields["owner"].queryset = queries.lead_owners_to_choose()
        self.fields["owner"].label_from_instance = _person_choice
        if not can_give_leads(viewer):
            del self.fields["owner"]


class ConvertForm(forms.Form):
    expected_close_on = forms.DateField(
        label=_("Expected close"), required=False, widget=DATE_WIDGET
    )


class OpportunityForm(ServiceModelForm):
    """Opening (with its client and stage) or changing an opportunity."""

    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())
    services = forms.ModelMultipleChoiceField(
        label=_("Services"),
        queryset=AgencyService.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Opportunity
        fields = ["client", "title", "kind", "owner", "services", "value_amount", "stage"]
        fields += ["probability", "expected_close_on", "next_step", "next_step_due_on"]
        widgets = {
            "value_amount": MONEY_WIDGET,
            "probability": forms.NumberInput(attrs={"min": 0, "max": 100}),
            "expected_close_on": DATE_WIDGET,
            "next_step_due_on": DATE_WIDGET,
        }
        help_texts = {"probability": _("Leave empty to take the stage's probability.")}

    def __init__(self, *args, viewer, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        opportunity = self.instance
        chosen = list(opportunity.services.all()) if opportunity.pk else []
        self.fields["services"].queryset = client_queries.services_to_choose(
            keep=[service.pk for service in chosen]
        )
        self.fields["services"].label_from_instance = lambda service: service.display_name
        self.initial.setdefault("services", chosen)
        self.fields["owner"].queryset = queries.owners_to_choose()
        self.fields["owner"].label_from_instance = _person_choice
        self.fields["owner"].required = False
        if opportunity.pk:  # the client is fixed, and the stage moves on the board
            del self.fields["client"]
            del self.fields["stage"]
        else:
            self.fields["client"].queryset = queries.clients_for_opportunities(viewer)
            self.fields["stage"].queryset = queries.stages_in_use()
            self.fields["stage"].label_from_instance = lambda stage: stage.display_name
            self.fields["probability"].required = False

    def service_data(self) -> dict:
        """The cleaned fields a service takes besides the client; an unset owner and
        probability take their defaults."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "client" and not (name in ("owner", "probability") and value is None)
        }


class MoveForm(forms.Form):
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=Stage.objects.none())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = queries.stages_in_use()
        self.fields["stage"].label_from_instance = lambda stage: stage.display_name


class WinForm(forms.Form):
    note = forms.CharField(label=_("How it was won"), required=False, max_length=500)
    closed_on = forms.DateField(label=_("Closed"), required=False, widget=DATE_WIDGET)


class LoseForm(forms.Form):
    reason = forms.CharField(label=_("Why it was lost"), max_length=500)
    closed_on = forms.DateField(label=_("Closed"), required=False, widget=DATE_WIDGET)


class HandoverForm(ServiceModelForm):
    class Meta:
        model = Handover
        fields = services.HANDOVER_FIELDS
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("commercial_terms", "promises_made", "risks", "documents")
        } | {"context_note": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "commercial_terms": _("Prices, fees, payment terms agreed with the client."),
            "promises_made": _("What Sales promised, to whom; write “none” if nothing."),
            "risks": _("What could go wrong with this client; write “none” if nothing."),
            "documents": _("Where the contract, brief and proposals are."),
            "context_note": _("How the deal was won, who decides, what the client cares about."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_kam"].queryset = queries.kams_to_choose()
        self.fields["to_kam"].label_from_instance = _person_choice


class ReturnForm(forms.Form):
    question = forms.CharField(
        label=_("Your question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PipelineFilters(forms.Form):
    """The pipeline's filters; a value that is not a choice is ignored rather than refused."""

    q = forms.CharField(required=False, max_length=200)
    status = forms.ChoiceField(
        required=False, choices=[("", ""), ("all", "all"), *Opportunity.Status.choices]
    )
    stage = forms.IntegerField(required=False, min_value=1, max_value=2**31)
    kind = forms.ChoiceField(required=False, choices=[("", ""), *Opportunity.Kind.choices])
    owner = forms.IntegerField(required=False, min_value=1, max_value=2**31)
    client = forms.IntegerField(required=False, min_value=1, max_value=2**31)
    closing_from = forms.DateField(required=False)
    closing_to = forms.DateField(required=False)

    def values(self) -> queries.PipelineFilters:
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields}
        status = data["status"] or "open"
        return queries.PipelineFilters(
            status="" if status == "all" else status,
            stage=data["stage"],
            kind=data["kind"] or "",
            owner=data["owner"],
            client=data["client"],
            closing_from=data["closing_from"],
            closing_to=data["closing_to"],
            query=data["q"] or "",
        )


class ForecastFilters(forms.Form):
    owner = forms.IntegerField(required=False, min_value=1, max_value=2**31)
    team = forms.IntegerField(required=False, min_value=1, max_value=2**31)
