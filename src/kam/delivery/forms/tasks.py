"""HTML input of the task pages: planning a task, moving it along, what it waits for, its slip
told to the client, and the queue's filters; the rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.clients import queries as client_queries
from kam.clients.models import ClientRequest, Interaction, Stakeholder
from kam.core.forms import ServiceModelForm
from kam.delivery import queries, services
from kam.delivery.forms.projects import text
from kam.delivery.models import Phase, Project, Task
from kam.people.models import Department, User
from kam.pitching.forms import DATE_WIDGET, DATETIME_WIDGET, ID

DEPARTMENT_TAB = "department"
MINE_TAB = "mine"


def person_choice(user: User) -> str:
    return user.full_name or user.username


def stakeholder_choice(person: Stakeholder) -> str:
    return f"{person.full_name} — {person.title}" if person.title else person.full_name


class QueueFilters(forms.Form):
    """The queue's tab (the department's tasks or those assigned to me), a status (the open
    ones by default) and, for those who look at any department, which one."""

    tab = forms.ChoiceField(
        required=False, choices=[("", ""), (DEPARTMENT_TAB, ""), (MINE_TAB, "")]
    )
    status = forms.ChoiceField(required=False, choices=[("", ""), *Task.Status.choices])
    department = forms.IntegerField(**ID)

    def values(self) -> dict:
        self.is_valid()
        return {
            "tab": self.cleaned_data.get("tab") or DEPARTMENT_TAB,
            "status": self.cleaned_data.get("status") or "",
            "department": self.cleaned_data.get("department"),
        }


class TaskForm(ServiceModelForm):
    """Planning a task of the project: what, who, in which phase, from when to when, the client's
    request it answers and, for a new one, the tasks it waits for."""

    depends_on = forms.ModelMultipleChoiceField(
        label=_("Waits for"),
        queryset=Task.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Task
        fields = services.TASK_FIELDS
        widgets = {
            "description": text(4),
            "deliverables": text(3),
            "starts_on": DATE_WIDGET,
            "due_on": DATE_WIDGET,
        }
        help_texts = {
            "vendor": _("For work done outside the agency; leave empty for a department."),
            "deliverables": _("One link per line."),
            "client_facing": _("Then the date moves later only by recording the slip."),
        }

    def __init__(self, *args, project: Project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        task = self.instance
        self.fields["phase"].queryset = Phase.objects.filter(project=project)
        departments = queries.departments_to_choose()
        if task.department_id:
            departments = departments | Department.objects.filter(pk=task.department_id)
        self.fields["department"].queryset = departments.distinct().order_by("name")
        self.fields["department"].label_from_instance = lambda department: department.display_name
        people = queries.assignees_to_choose()
        if task.assignee_id:
            people = people | User.objects.filter(pk=task.assignee_id)
        self.fields["assignee"].queryset = people.distinct().order_by("full_name")
        self.fields["assignee"].label_from_instance = person_choice
        requests = client_queries.open_requests_of(project.client)
        if task.client_request_id:
            requests = requests | ClientRequest.objects.filter(pk=task.client_request_id)
        self.fields["client_request"].queryset = requests.distinct()
        self.fields["client_request"].label_from_instance = lambda request: request.title
        if task.pk:  # what it waits for changes on the task's page
            del self.fields["depends_on"]
        else:
            self.fields["depends_on"].queryset = project.tasks.order_by("due_on", "pk")
            self.initial.setdefault("status", Task.Status.TODO)

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if "depends_on" in data:
            data["depends_on"] = list(data["depends_on"])
        return data


class WorkForm(forms.Form):
    """The department moves its task along. Only what is posted changes: the queue's quick
    change sends the status alone and leaves the deliverables as they are."""

    status = forms.ChoiceField(label=_("Status"), choices=Task.Status.choices)
    deliverables = forms.CharField(
        label=_("Deliverable links"),
        max_length=4000,
        required=False,
        widget=text(3),
        help_text=_("One link per line."),
    )

    def service_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name in self.data}


class DependencyForm(forms.Form):
    depends_on = forms.ModelChoiceField(label=_("Waits for"), queryset=Task.objects.none())

    def __init__(self, *args, choices, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["depends_on"].queryset = choices
        self.fields["depends_on"].label_from_instance = lambda task: task.title


class TaskSlipForm(forms.Form):
    """A client-facing date moving later, and how the client was told of it."""

    now_due_on = forms.DateField(label=_("New date"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Why the date slips"), max_length=1000, widget=text(2))
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

    def __init__(self, *args, project: Project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["told_whom"].queryset = queries.stakeholders_to_inform(project)
        self.fields["told_whom"].label_from_instance = stakeholder_choice

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["told_whom"] = list(data["told_whom"])
        return data
