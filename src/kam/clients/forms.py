"""HTML input of the client pages; the rules live in services."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kam.clients import queries, services
from kam.clients.models import (
    AccountPlan,
    AgencyService,
    Client,
    ClientRequest,
    ClientTeamMember,
    ImportBatch,
    Interaction,
    PlannedPlay,
    SpecialTerm,
    Stakeholder,
)
from kam.clients.permissions import can_approve_terms_of, can_give_client_away
from kam.core import access, vietnam
from kam.core.forms import ServiceModelForm
from kam.people import queries as people_queries

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _person_choice(user) -> str:
    return user.full_name or user.username


class ClientForm(ServiceModelForm):
    accept_unusual_tax_code = forms.BooleanField(
        label=_("This tax code is right even though its check digit differs"),
        required=False,
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Client
        fields = services.CLIENT_FIELDS
        widgets = {"address": forms.TextInput}
        help_texts = {"tax_code": _("10 digits, or 10 digits-3 digits for a branch")}

    def __init__(self, *args, viewer, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        client = self.instance
        self.fields["owner"].queryset = queries.owners_to_choose()
        self.fields["owner"].label_from_instance = _person_choice
        self.fields["parent"].queryset = queries.parents_to_choose(viewer, client)
        if not can_give_client_away(viewer, client):
            self.fields["owner"].disabled = True
            self.fields["owner"].initial = client.owner if client.pk else viewer
        self.fields["margin_floor_percent"].help_text = _(
            "Under this margin a proposal needs a Director's approval; "
            "empty: the agency's %(floor)s%%."
        ) % {"floor": settings.KAM_MARGIN_FLOOR_PERCENT}
        if not _sets_margin_floor(viewer, client):
            self.fields["margin_floor_percent"].disabled = True
        # The confirmation is offered once the entered code's check digit has been questioned.
        code = vietnam.normalise_tax_code(self.data.get("tax_code", "")) if self.is_bound else ""
        if (
            code
            and not vietnam.tax_code_format_problem(code)
            and not vietnam.tax_code_check_digit_matches(code)
        ):
            self.fields["accept_unusual_tax_code"].widget = forms.CheckboxInput()

    def service_data(self) -> dict:
        """The cleaned fields a service takes; an unchanged owner is left out."""
        data = dict(self.cleaned_data)
        for name in ("owner", "margin_floor_percent"):
            if self.fields[name].disabled:
                data.pop(name)
        return data


def _sets_margin_floor(viewer, client: Client) -> bool:
    if client.pk is None:
        return access.is_admin(viewer) or access.is_director(viewer)
    return can_approve_terms_of(viewer, client)


class TeamMemberForm(forms.ModelForm):
    class Meta:
        model = ClientTeamMember
        fields = ["user", "role"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = queries.people_to_add_to_team()
        self.fields["user"].label_from_instance = _person_choice

    def _post_clean(self) -> None:  # the service validates (and knows the client)
        pass


class StakeholderForm(ServiceModelForm):
    class Meta:
        model = Stakeholder
        fields = services.STAKEHOLDER_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"phone": _("e.g. 0912 345 678, 028 3812 3456 or +65 9123 4567")}


class MoveStakeholderForm(forms.Form):
    to_client = forms.ModelChoiceField(label=_("Moves to"), queryset=Client.objects.none())

    def __init__(self, *args, viewer, stakeholder: Stakeholder, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_client"].queryset = (
            queries.clients_visible_to(viewer)
            .exclude(pk=stakeholder.client_id)
            .order_by("legal_name")
        )


class InteractionForm(ServiceModelForm):
    """Logging contact in one step: what, when, who, how it went, and what comes next."""

    our_people = forms.ModelMultipleChoiceField(
        label=_("Our people"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    stakeholders = forms.ModelMultipleChoiceField(
        label=_("Their people"),
        queryset=Stakeholder.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Interaction
        fields = [
            "kind",
            "happened_at",
            "our_people",
            "stakeholders",
            "summary",
            "outcome",
            "objection",
            "next_step",
            "next_step_due_on",
            "next_step_owner",
        ]
        widgets = {
            "happened_at": DATETIME_WIDGET,
            "next_step_due_on": DATE_WIDGET,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.TextInput,
        }

    def __init__(self, *args, client: Client, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        team = queries.account_team_people(client)
        self.fields["our_people"].queryset = team
        self.fields["our_people"].label_from_instance = _person_choice
        self.fields["stakeholders"].queryset = queries.stakeholders_of(client).filter(
            is_active=True
        )
        self.fields["next_step_owner"].queryset = team
        self.fields["next_step_owner"].label_from_instance = _person_choice
        self.fields["happened_at"].required = False
        self.fields["happened_at"].help_text = _("Leave empty for now.")


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportBatch.Kind.choices)
    file = forms.FileField(
        label=_("Spreadsheet (XLSX or CSV)"),
        help_text=_("The first row names the columns, as in an export from kam."),
    )
    accept_unusual_tax_codes = forms.BooleanField(
        label=_("Accept tax codes whose check digit differs (some old codes do)"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.KAM_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.")
                % {"size": settings.KAM_IMPORT_MAX_BYTES // 1_000_000}
            )
        return upload


class TermForm(ServiceModelForm):
    class Meta:
        model = SpecialTerm
        fields = services.TERM_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "valid_from": DATE_WIDGET,
            "valid_until": DATE_WIDGET,
        }
        help_texts = {"valid_until": _("Leave empty while it has no end date.")}


class RequestForm(ServiceModelForm):
    class Meta:
        model = ClientRequest
        fields = services.REQUEST_FIELDS_OF_FORM
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "due_on": DATE_WIDGET}

    def __init__(self, *args, client: Client, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["raised_by"].queryset = queries.stakeholders_of(client)
        self.fields["department"].queryset = people_queries.departments_to_choose()
        self.fields["department"].label_from_instance = lambda department: department.display_name
        self.fields["assignee"].queryset = queries.people_to_add_to_team()
        self.fields["assignee"].label_from_instance = _person_choice


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("How it was resolved"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PlanForm(ServiceModelForm):
    whitespace = forms.ModelMultipleChoiceField(
        label=_("Whitespace: services the client does not buy yet"),
        queryset=AgencyService.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = AccountPlan
        fields = ["year", "objectives", "whitespace", "renewal_on", "renewal_note"]
        widgets = {"objectives": forms.Textarea(attrs={"rows": 5}), "renewal_on": DATE_WIDGET}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        chosen = list(self.instance.whitespace.all()) if self.instance.pk else []
        self.fields["whitespace"].queryset = queries.services_to_choose(
            keep=[service.pk for service in chosen]
        )
        self.fields["whitespace"].label_from_instance = lambda service: service.display_name
        self.initial["whitespace"] = chosen


class PlayForm(ServiceModelForm):
    class Meta:
        model = PlannedPlay
        fields = services.PLAY_FIELDS
        widgets = {"due_on": DATE_WIDGET}

    def __init__(self, *args, client: Client, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = queries.services_to_choose(
            keep=[self.instance.service_id] if self.instance.service_id else []
        )
        self.fields["service"].label_from_instance = lambda service: service.display_name
        self.fields["owner"].queryset = queries.account_team_people(client)
        self.fields["owner"].label_from_instance = _person_choice


class ServiceForm(ServiceModelForm):
    class Meta:
        model = AgencyService
        fields = services.SERVICE_FIELDS
