"""HTML input of the change request pages: the request, its lines and the client's decision;
the rules live in services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kam.core.forms import ServiceModelForm
from kam.delivery import queries, services
from kam.delivery.forms.projects import text
from kam.delivery.forms.tasks import stakeholder_choice
from kam.delivery.models import ChangeLine, ChangeRequest, Project
from kam.people.models import Department
from kam.pitching.forms import DATE_WIDGET, MONEY_WIDGET


class ChangeFilters(forms.Form):
    status = forms.ChoiceField(required=False, choices=[("", ""), *ChangeRequest.Status.choices])

    def values(self) -> dict:
        self.is_valid()
        return {"status": self.cleaned_data.get("status") or ""}


class ChangeRequestForm(ServiceModelForm):
    """What the client asks to change, who of the client's people asked, and its effect on the
    delivery date."""

    class Meta:
        model = ChangeRequest
        fields = ["requested_by", *services.CHANGE_FIELDS]
        widgets = {
            "description": text(4),
            "requested_on": DATE_WIDGET,
            "days_effect": forms.NumberInput(attrs={"min": -365, "max": 365}),
        }
        help_texts = {
            "days_effect": _(
                "Days the delivery moves if the client approves; negative is earlier."
            ),
        }

    def __init__(self, *args, project: Project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requested_by"].queryset = queries.stakeholders_to_inform(project)
        self.fields["requested_by"].label_from_instance = stakeholder_choice
        self.fields["requested_on"].required = False
        self.initial.setdefault("requested_on", timezone.localdate())

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("requested_on") is None:
            del data["requested_on"]
        return data


class ChangeLineForm(ServiceModelForm):
    class Meta:
        model = ChangeLine
        fields = services.CHANGE_LINE_FIELDS
        widgets = {
            "quantity": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
            "unit_cost_amount": MONEY_WIDGET,
            "unit_price_amount": MONEY_WIDGET,
        }
        help_texts = {"department": _("For a department's own work.")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        keep = [self.instance.department_id] if self.instance.department_id else []
        self.fields["department"].queryset = (
            Department.objects.filter(pk__in=keep) | queries.departments_to_choose()
        ).distinct()
        self.fields["department"].label_from_instance = lambda department: department.display_name


class DecisionForm(forms.Form):
    """The client's answer to the change: when, and in their words."""

    decided_on = forms.DateField(
        label=_("Decided on"), required=False, widget=DATE_WIDGET, help_text=_("Empty is today.")
    )
    note = forms.CharField(label=_("The client's words"), max_length=1000, required=False)
