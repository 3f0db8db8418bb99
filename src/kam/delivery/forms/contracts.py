"""HTML input of the contract pages; the rules live in services."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kam.clients.models import Client, Interaction, Stakeholder
from kam.core.forms import ServiceModelForm
from kam.delivery import queries, services
from kam.delivery.models import Amendment, Commitment, Contract, Milestone
from kam.people.models import User
from kam.pitching.forms import AttachmentForm

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MONEY_WIDGET = forms.NumberInput(attrs={"min": 0, "step": 1})
SIGNED_MONEY_WIDGET = forms.NumberInput(attrs={"step": 1})
PERCENT_WIDGET = forms.NumberInput(attrs={"min": 0, "max": 100, "step": "0.01"})
ID = {"required": False, "min_value": 1, "max_value": 2**31}


def _text(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _person_choice(user: User) -> str:
    return user.full_name or user.username


def _stakeholder_choice(person: Stakeholder) -> str:
    return f"{person.full_name} — {person.title}" if person.title else person.full_name


# --- The list -------------------------------------------------------------------------------
class ContractFilters(forms.Form):
    """The contract list's filters; a value that is not a choice is ignored rather than
    refused."""

    q = forms.CharField(required=False, max_length=200)
    status = forms.ChoiceField(required=False, choices=[("", ""), *Contract.Status.choices])
    client = forms.IntegerField(**ID)

    def values(self) -> dict:
        self.is_valid()
        return {
            "status": self.cleaned_data.get("status") or "",
            "client": self.cleaned_data.get("client"),
            "query": self.cleaned_data.get("q") or "",
        }


# --- The contract ---------------------------------------------------------------------------
class ContractForm(ServiceModelForm):
    """Entering a contract (for a client chosen here, or for the approved proposal it follows)
    or correcting the draft."""

    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())

    class Meta:
        model = Contract
        fields = ["client", *services.CONTRACT_FIELDS]
        widgets = {
            "value_amount": MONEY_WIDGET,
            "vat_percent": PERCENT_WIDGET,
            "scope": _text(4),
            "deliverables": _text(4),
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
            "payment_terms_days": forms.NumberInput(attrs={"min": 0, "max": 365}),
        }
        help_texts = {
            "number": _("As printed on the signed contract; kam suggests the next one."),
            "vat_percent": _("The standard rate is 10, the reduced rate 8 where it applies."),
            "deliverables": _("One per line."),
            "payment_terms_days": _("Days the client has to pay each invoice."),
        }

    def __init__(self, *args, viewer: User, chooses_client: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk or not chooses_client:  # the client stays as recorded
            del self.fields["client"]
        else:
            self.fields["client"].queryset = queries.clients_for_contracts(viewer)
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("number", queries.next_contract_number())

    def service_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "client"}


class SignForm(forms.Form):
    signed_on = forms.DateField(
        label=_("Signed on"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Leave empty for today."),
    )


class AmendmentForm(ServiceModelForm):
    class Meta:
        model = Amendment
        fields = services.AMENDMENT_FIELDS
        widgets = {
            "signed_on": DATE_WIDGET,
            "summary": _text(3),
            "value_change_amount": SIGNED_MONEY_WIDGET,
            "new_ends_on": DATE_WIDGET,
        }
        help_texts = {
            "value_change_amount": _("Negative when the amendment takes value away; 0 if none."),
            "new_ends_on": _("Leave empty if the end date stays."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["value_change_amount"].required = False
        self.initial.setdefault("signed_on", timezone.localdate())

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("value_change_amount") is None:
            data["value_change_amount"] = Decimal(0)
        return data


# --- Milestones -----------------------------------------------------------------------------
class MilestoneForm(ServiceModelForm):
    class Meta:
        model = Milestone
        fields = services.MILESTONE_FIELDS
        widgets = {
            "due_on": DATE_WIDGET,
            "amount": MONEY_WIDGET,
            "position": forms.NumberInput(attrs={"min": 1}),
        }
        help_texts = {"position": _("Leave empty to put the milestone last.")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False

    def service_data(self) -> dict:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if not (name == "position" and value is None)
        }


class ReachForm(forms.Form):
    reached_on = forms.DateField(label=_("Reached on"), required=False, widget=DATE_WIDGET)


class SlipForm(forms.Form):
    """A signed milestone's date moving later, and how the client was told of it."""

    now_due_on = forms.DateField(label=_("New date"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Why the date slips"), max_length=1000, widget=_text(2))
    told_how = forms.ChoiceField(
        label=_("How the client was told"),
        choices=[
            (kind, label)
            for kind, label in Interaction.Kind.choices
            if kind in Interaction.CONTACT_KINDS
        ],
    )
    told_whom = forms.ModelMultipleChoiceField(
        label=_("Who was told"),
        queryset=Stakeholder.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    told_at = forms.DateTimeField(
        label=_("When they were told"),
        required=False,
        widget=DATETIME_WIDGET,
        help_text=_("Leave empty for now."),
    )

    def __init__(self, *args, milestone: Milestone, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        client_id = milestone.contract.client_id
        self.fields["told_whom"].queryset = Stakeholder.objects.filter(
            client_id=client_id
        ).order_by("full_name")
        self.fields["told_whom"].label_from_instance = _stakeholder_choice

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["told_whom"] = list(data["told_whom"])
        return data


# --- Commitments ----------------------------------------------------------------------------
class CommitmentForm(ServiceModelForm):
    """An obligation of either side: who answers for it on our side and on theirs, by when."""

    class Meta:
        model = Commitment
        fields = services.COMMITMENT_FIELDS
        widgets = {"due_on": DATE_WIDGET}

    def __init__(self, *args, contract: Contract, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        keep = [self.instance.owner_id] if self.instance.owner_id else []
        owners = User.objects.filter(pk__in=keep) | User.objects.filter(is_active=True)
        self.fields["owner"].queryset = owners.distinct().order_by("full_name")
        self.fields["owner"].label_from_instance = _person_choice
        self.fields["stakeholder"].queryset = Stakeholder.objects.filter(
            client_id=contract.client_id
        ).order_by("full_name")
        self.fields["stakeholder"].label_from_instance = _stakeholder_choice
        self.initial.setdefault("status", Commitment.Status.OPEN)


class CommitmentStatusForm(forms.Form):
    """The one-click follow-up of a commitment: kept, waived or reopened."""

    status = forms.ChoiceField(choices=Commitment.Status.choices)


# --- Files ----------------------------------------------------------------------------------
class ContractFileForm(AttachmentForm):
    """The signed scan, an annex, an acceptance minute: accepted as the brief's attachments
    are."""
