"""Pages of clients: the list, the client's page (the KAM's home for that client), its account
team and stakeholders."""

from django import forms as django_forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from kam.clients import forms, queries, services
from kam.clients.models import Client
from kam.clients.permissions import can_approve_terms_of, can_change_client, can_create_client
from kam.clients.views.common import PAGE_SIZE, query_without_page
from kam.core.audit import history_of
from kam.core.errors import require
from kam.core.forms import posted, record_form_page, run_service
from kam.core.htmx import wants_fragment


class ClientFilters(django_forms.Form):
    """The list's filters; a value that is not a choice is ignored rather than refused."""

    q = django_forms.CharField(required=False, max_length=200)
    tier = django_forms.ChoiceField(required=False, choices=[("", ""), *Client.Tier.choices])
    status = django_forms.ChoiceField(required=False, choices=[("", ""), *Client.Status.choices])
    industry = django_forms.ChoiceField(
        required=False, choices=[("", ""), *Client.Industry.choices]
    )
    owner = django_forms.IntegerField(required=False, min_value=1, max_value=2**31)
    quiet = django_forms.BooleanField(required=False)
    sort = django_forms.ChoiceField(
        required=False, choices=[(key, key) for key in queries.CLIENT_SORTS]
    )

    def values(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        return {
            "search": data.get("q") or "",
            "tier": data.get("tier") or "",
            "status": data.get("status") or "",
            "industry": data.get("industry") or "",
            "owner_id": data.get("owner"),
            "quiet_only": bool(data.get("quiet")),
            "sort": data.get("sort") or "name",
        }


@login_required
@vary_on_headers("HX-Request")
def client_list(request: HttpRequest) -> HttpResponse:
    filters = ClientFilters(request.GET)
    clients = queries.clients_for_list(request.user, **filters.values())
    page = Paginator(clients, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters.values(),
        "query": query_without_page(request),
        "owners": queries.client_owners_visible_to(request.user),
        "tiers": Client.Tier.choices,
        "statuses": Client.Status.choices,
        "industries": Client.Industry.choices,
        "can_create": can_create_client(request.user),
    }
    template = (
        "clients/partials/_client_rows.html"
        if wants_fragment(request)
        else "clients/client_list.html"
    )
    return render(request, template, context)


@login_required
def client_create(request: HttpRequest) -> HttpResponse:
    require(can_create_client(request.user))
    form = forms.ClientForm(posted(request), viewer=request.user)
    return record_form_page(
        request,
        form,
        save=lambda data: services.create_client(by=request.user, **form.service_data()),
        success_url=lambda client: reverse("clients:client_detail", args=[client.pk]),
        saved_message=_("The client is added."),
        title=_("New client"),
        cancel_url=reverse("clients:client_list"),
    )


@login_required
def client_edit(request: HttpRequest, pk: int) -> HttpResponse:
    client = queries.get_client_for(request.user, pk)
    require(can_change_client(request.user, client))
    form = forms.ClientForm(posted(request), instance=client, viewer=request.user)
    return record_form_page(
        request,
        form,
        save=lambda data: services.update_client(
            by=request.user, client=client, **form.service_data()
        ),
        success_url=lambda saved: reverse("clients:client_detail", args=[saved.pk]),
        saved_message=_("The changes are saved."),
        title=client,
        cancel_url=reverse("clients:client_detail", args=[pk]),
    )


@login_required
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    client = queries.get_client_for(request.user, pk)
    return render(request, "clients/client_detail.html", client_page_context(request, client))


def client_page_context(request: HttpRequest, client: Client, **forms_given) -> dict:
    can_change = can_change_client(request.user, client)
    return {
        "client": client,
        "contact": queries.with_contact_state(Client.objects.filter(pk=client.pk)).get(),
        "can_change": can_change,
        "team": queries.team_of(client),
        "member_form": forms_given.get("member_form") or forms.TeamMemberForm(),
        "stakeholders": queries.stakeholders_of(client),
        "subsidiaries": client.subsidiaries.order_by("legal_name"),
        "next_steps": queries.open_next_steps(client),
        "timeline": queries.timeline_of(client),
        "terms": queries.terms_of(client),
        "open_requests": queries.open_requests_of(client),
        "plan": queries.plan_of_year(client, timezone.localdate().year),
        "this_year": timezone.localdate().year,
        "can_approve": can_approve_terms_of(request.user, client),
        "interaction_form": forms_given.get("interaction_form")
        or forms.InteractionForm(client=client),
    }


@login_required
@require_POST
def client_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    client = queries.get_client_for(request.user, pk)
    require(can_change_client(request.user, client))
    form = forms.TeamMemberForm(request.POST)
    if form.is_valid() and run_service(
        form, lambda: services.add_team_member(by=request.user, client=client, **form.cleaned_data)
    ):
        return redirect("clients:client_detail", pk=pk)
    context = client_page_context(request, client, member_form=form)
    return render(request, "clients/client_detail.html", context, status=422)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = queries.get_team_member_for(request.user, pk)
    require(can_change_client(request.user, member.client))
    client = services.remove_team_member(by=request.user, member=member)
    return redirect("clients:client_detail", pk=client.pk)


# --- Stakeholders ---------------------------------------------------------------------------
@login_required
def stakeholder_create(request: HttpRequest, pk: int) -> HttpResponse:
    client = queries.get_client_for(request.user, pk)
    require(can_change_client(request.user, client))
    return record_form_page(
        request,
        forms.StakeholderForm(posted(request)),
        save=lambda data: services.add_stakeholder(by=request.user, client=client, **data),
        success_url=lambda saved: reverse("clients:client_detail", args=[client.pk]),
        saved_message=_("The stakeholder is added."),
        title=_("New stakeholder at %(client)s") % {"client": client},
        cancel_url=reverse("clients:client_detail", args=[pk]),
    )


@login_required
def stakeholder_detail(request: HttpRequest, pk: int) -> HttpResponse:
    stakeholder = queries.get_stakeholder_for(request.user, pk)
    context = {
        "stakeholder": stakeholder,
        "can_change": can_change_client(request.user, stakeholder.client),
        "interactions": queries.with_participants(stakeholder.interactions.all())[:20],
        "history": history_of(stakeholder),
    }
    return render(request, "clients/stakeholder_detail.html", context)


@login_required
def stakeholder_edit(request: HttpRequest, pk: int) -> HttpResponse:
    stakeholder = queries.get_stakeholder_for(request.user, pk)
    require(can_change_client(request.user, stakeholder.client))
    return record_form_page(
        request,
        forms.StakeholderForm(posted(request), instance=stakeholder),
        save=lambda data: services.update_stakeholder(
            by=request.user, stakeholder=stakeholder, **data
        ),
        success_url=lambda saved: reverse("clients:stakeholder_detail", args=[saved.pk]),
        saved_message=_("The changes are saved."),
        title=stakeholder,
        cancel_url=reverse("clients:stakeholder_detail", args=[pk]),
    )


@login_required
def stakeholder_move(request: HttpRequest, pk: int) -> HttpResponse:
    stakeholder = queries.get_stakeholder_for(request.user, pk)
    require(can_change_client(request.user, stakeholder.client))
    return record_form_page(
        request,
        forms.MoveStakeholderForm(posted(request), viewer=request.user, stakeholder=stakeholder),
        save=lambda data: services.move_stakeholder(
            by=request.user, stakeholder=stakeholder, to_client=data["to_client"]
        ),
        success_url=lambda saved: reverse("clients:stakeholder_detail", args=[saved.pk]),
        saved_message=_("The stakeholder has moved."),
        title=_("%(name)s moves to another client") % {"name": stakeholder},
        cancel_url=reverse("clients:stakeholder_detail", args=[pk]),
    )
