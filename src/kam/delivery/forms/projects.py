"""HTML input of the project pages (the project, its phases, the check against the brief); the
rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.core.forms import ServiceModelForm
from kam.delivery import services
from kam.delivery.models import Phase, Project
from kam.delivery.services.projects import PLANNED_FIELDS
from kam.pitching.forms import DATE_WIDGET, ID

SCORES = [(score, str(score)) for score in range(1, 6)]
OPEN = "open"
ALL = "all"


def text(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ProjectFilters(forms.Form):
    """The project list's filters (open ones by default); a value that is not a choice is
    ignored rather than refused."""

    q = forms.CharField(required=False, max_length=200)
    status = forms.ChoiceField(
        required=False, choices=[("", ""), (OPEN, OPEN), (ALL, ALL), *Project.Status.choices]
    )
    client = forms.IntegerField(**ID)

    def values(self) -> dict:
        self.is_valid()
        status = self.cleaned_data.get("status") or OPEN
        return {
            "status": "" if status == ALL else status,
            "client": self.cleaned_data.get("client"),
            "query": self.cleaned_data.get("q") or "",
        }


class ProjectForm(ServiceModelForm):
    """Starting a project under a contract (its fields start from the contract) or changing it.
    Once it runs, its scope and dates move by change request: only a change to them is sent, so
    the service says so beside the form instead of refusing every save."""

    class Meta:
        model = Project
        fields = services.PROJECT_FIELDS
        widgets = {
            "scope": text(4),
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
            "readiness_days": forms.NumberInput(attrs={"min": 0, "max": 90}),
        }
        help_texts = {
            "backups_required": _("Pre-production is ready only when each booking has one."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.status != Project.Status.PLANNING:
            for name in PLANNED_FIELDS:
                self.fields[name].help_text = _(
                    "The project runs: this changes by change request, or by recording a slip."
                )

    def service_data(self) -> dict:
        if not self.instance.pk:
            return dict(self.cleaned_data)
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in PLANNED_FIELDS or name in self.changed_data
        }


class CancelProjectForm(forms.Form):
    reason = forms.CharField(label=_("Why the project is cancelled"), max_length=500)


class DeliverForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is delivered with items unchecked"),
        max_length=2000,
        required=False,
        widget=text(2),
        help_text=_("Needed only when items of the check are not ticked."),
    )


# --- Phases ---------------------------------------------------------------------------------
class PhaseForm(ServiceModelForm):
    class Meta:
        model = Phase
        fields = services.PHASE_FIELDS
        widgets = {
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
            "position": forms.NumberInput(attrs={"min": 1}),
        }
        help_texts = {"position": _("Leave empty to put the phase last.")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False
        if not self.instance.pk:  # not the model's default: empty puts the new phase last
            self.initial["position"] = None

    def service_data(self) -> dict:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if not (name == "position" and value is None)
        }


class EvaluationForm(forms.Form):
    """The KAM's evaluation that closes a phase."""

    went_well = forms.CharField(
        label=_("What went well"), max_length=4000, required=False, widget=text(3)
    )
    issues = forms.CharField(label=_("Issues"), max_length=4000, required=False, widget=text(3))
    score = forms.TypedChoiceField(label=_("Score (1-5)"), choices=SCORES, coerce=int)


# --- The check against the brief ------------------------------------------------------------
class CheckItemForm(forms.Form):
    text = forms.CharField(label=_("What to check"), max_length=500)


class TickForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
