"""Pages of clients: the list, the client's page (the KAM's home for that client), its account
team, stakeholders and interactions."""

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from kam.clients import forms, queries, services
from kam.clients import spreadsheet_columns as columns
from kam.clients.models import Client, ClientRequest
from kam.clients.permissions import (
    can_approve_terms_of,
    can_change_client,
    can_change_interaction,
    can_create_client,
    can_log_interaction,
    can_manage_catalogue,
    can_work_request,
)
from kam.core import spreadsheets
from kam.core.audit import history_of
from kam.core.errors import DomainError, require
from kam.core.forms import posted, record_form_page, run_service
from kam.core.htmx import wants_fragment

PAGE_SIZE = 50


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
        "query": _query_without_page(request),
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


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


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
    return render(request, "clients/client_detail.html", _client_page(request, client))


def _client_page(request: HttpRequest, client: Client, **forms_given) -> dict:
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
    context = _client_page(request, client, member_form=form)
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


# --- Interactions ---------------------------------------------------------------------------
INTERACTION_SAVED = gettext_lazy("The interaction is logged.")


@login_required
@vary_on_headers("HX-Request")
def interaction_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Log an interaction: inline on the client page (htmx answers the refreshed timeline and
    a fresh form), or as a page of its own without JavaScript."""
    client = queries.get_client_for(request.user, pk)
    form = forms.InteractionForm(posted(request), client=client)
    if not wants_fragment(request):
        return record_form_page(
            request,
            form,
            save=lambda data: services.log_interaction(by=request.user, client=client, **data),
            success_url=lambda saved: reverse("clients:client_detail", args=[client.pk]),
            saved_message=str(INTERACTION_SAVED),
            title=_("Log an interaction with %(client)s") % {"client": client},
            cancel_url=reverse("clients:client_detail", args=[pk]),
        )
    saved = None
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.log_interaction(by=request.user, client=client, **form.cleaned_data),
        )
    context = _client_page(request, client, **({} if saved else {"interaction_form": form}))
    context["saved_message"] = INTERACTION_SAVED if saved else ""
    status = 422 if form.is_bound and not saved else 200
    return render(request, "clients/partials/_interactions.html", context, status=status)


@login_required
def interaction_edit(request: HttpRequest, pk: int) -> HttpResponse:
    interaction = queries.get_interaction_for(request.user, pk)
    require(can_change_interaction(request.user, interaction))
    client = interaction.client
    return record_form_page(
        request,
        forms.InteractionForm(posted(request), instance=interaction, client=client),
        save=lambda data: services.update_interaction(
            by=request.user, interaction=interaction, **data
        ),
        success_url=lambda saved: reverse("clients:client_detail", args=[client.pk]),
        saved_message=_("The changes are saved."),
        title=interaction,
        cancel_url=reverse("clients:client_detail", args=[client.pk]),
    )


@login_required
@require_POST
def next_step_done(request: HttpRequest, pk: int) -> HttpResponse:
    interaction = queries.get_interaction_for(request.user, pk)
    _run_and_tell(
        request,
        lambda: services.complete_next_step(by=request.user, interaction=interaction),
        _("The next step is done."),
    )
    return redirect("clients:client_detail", pk=interaction.client_id)


# --- Export and import ----------------------------------------------------------------------
PREVIEW_ROWS = 50
SPREADSHEET_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _spreadsheet(request: HttpRequest, name: str, cols, records) -> HttpResponse:
    """The records as XLSX (the default) or CSV (`?format=csv`), cells escaped for Excel."""
    file_format = "csv" if request.GET.get("format") == "csv" else "xlsx"
    header_row, rows = columns.headers(cols), columns.export_rows(cols, records)
    content = (
        spreadsheets.csv_bytes(header_row, rows)
        if file_format == "csv"
        else spreadsheets.xlsx_bytes(header_row, rows, title=name)
    )
    response = HttpResponse(content, content_type=SPREADSHEET_TYPES[file_format])
    file_name = f"kam-{name}-{timezone.localdate():%Y-%m-%d}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


@login_required
def client_export(request: HttpRequest) -> HttpResponse:
    """The client list as filtered on screen."""
    clients = queries.clients_for_list(request.user, **ClientFilters(request.GET).values())
    return _spreadsheet(request, "clients", columns.CLIENT_COLUMNS, clients)


@login_required
def stakeholder_export(request: HttpRequest) -> HttpResponse:
    """The stakeholders of the client list as filtered on screen."""
    clients = queries.clients_for_list(request.user, **ClientFilters(request.GET).values())
    stakeholders = queries.stakeholders_of_clients(clients)
    return _spreadsheet(request, "stakeholders", columns.STAKEHOLDER_COLUMNS, stakeholders)


@login_required
def client_import(request: HttpRequest) -> HttpResponse:
    require(can_create_client(request.user))
    form = forms.ImportForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = run_service(
            form,
            lambda: services.stage_import(
                by=request.user,
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                content=upload.read(),
                accept_unusual_tax_codes=form.cleaned_data["accept_unusual_tax_codes"],
            ),
        )
        if batch:
            return redirect("clients:import_preview", pk=batch.pk)
    context = {"form": form, "client_columns": columns.headers(columns.CLIENT_COLUMNS),
               "stakeholder_columns": columns.headers(columns.STAKEHOLDER_COLUMNS)}  # fmt: skip
    return render(request, "clients/import.html", context, status=422 if form.errors else 200)


@login_required
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    batch = queries.get_import_for(request.user, pk)
    return _render_preview(request, batch)


def _render_preview(request: HttpRequest, batch, *, refusal: str = "") -> HttpResponse:
    results = services.preview_import(by=request.user, batch=batch)
    cols = columns.CLIENT_COLUMNS if batch.kind == "clients" else columns.STAKEHOLDER_COLUMNS
    present = set(results[0].values) if results else set()
    shown = [column for column in cols if column.key in present]
    context = {
        "batch": batch,
        "columns": [capfirst(str(column.label)) for column in shown],
        "keys": [column.key for column in shown],
        "refused": [row for row in results if row.errors][:PREVIEW_ROWS],
        "refused_count": sum(1 for row in results if row.errors),
        "sample": results[:PREVIEW_ROWS],
        "row_count": len(results),
        "refusal": refusal,
    }
    return render(request, "clients/import_preview.html", context, status=422 if refusal else 200)


@login_required
@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    batch = queries.get_import_for(request.user, pk)
    try:
        count = services.apply_import(by=request.user, batch=batch)
    except DomainError as error:
        return _render_preview(request, batch, refusal=error.message)
    messages.success(request, _("%(count)s rows are imported.") % {"count": count})
    return redirect("clients:client_list")


@login_required
@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    batch = queries.get_import_for(request.user, pk)
    services.cancel_import(by=request.user, batch=batch)
    messages.success(request, _("The import is cancelled; nothing was written."))
    return redirect("clients:client_list")


# --- Search ---------------------------------------------------------------------------------
@login_required
def search(request: HttpRequest) -> HttpResponse:
    """One box for clients, stakeholders and interactions, without accents or case."""
    query = request.GET.get("q", "")[:200]
    results = queries.search(request.user, query)
    return render(request, "clients/search.html", {"query": query, **results})


# --- Special terms --------------------------------------------------------------------------
@login_required
def term_create(request: HttpRequest, pk: int) -> HttpResponse:
    client = queries.get_client_for(request.user, pk)
    require(can_change_client(request.user, client))
    return record_form_page(
        request,
        forms.TermForm(posted(request)),
        save=lambda data: services.propose_term(by=request.user, client=client, **data),
        success_url=lambda saved: reverse("clients:client_detail", args=[client.pk]) + "#terms",
        saved_message=_("The term is proposed; a Director approves it."),
        title=_("New special term for %(client)s") % {"client": client},
        cancel_url=reverse("clients:client_detail", args=[pk]),
    )


@login_required
def term_edit(request: HttpRequest, pk: int) -> HttpResponse:
    term = queries.get_term_for(request.user, pk)
    require(can_change_client(request.user, term.client))
    return record_form_page(
        request,
        forms.TermForm(posted(request), instance=term),
        save=lambda data: services.update_term(by=request.user, term=term, **data),
        success_url=lambda saved: (
            reverse("clients:client_detail", args=[term.client_id]) + "#terms"
        ),
        saved_message=_("The changes are saved."),
        title=term,
        cancel_url=reverse("clients:client_detail", args=[term.client_id]),
    )


@login_required
@require_POST
def term_approve(request: HttpRequest, pk: int) -> HttpResponse:
    term = queries.get_term_for(request.user, pk)
    _run_and_tell(request, lambda: services.approve_term(by=request.user, term=term),
                  _("The term is approved."))  # fmt: skip
    return redirect(reverse("clients:client_detail", args=[term.client_id]) + "#terms")


@login_required
@require_POST
def term_end(request: HttpRequest, pk: int) -> HttpResponse:
    term = queries.get_term_for(request.user, pk)
    _run_and_tell(request, lambda: services.end_term(by=request.user, term=term),
                  _("The term has ended; it stays in the history."))  # fmt: skip
    return redirect(reverse("clients:client_detail", args=[term.client_id]) + "#terms")


def _run_and_tell(request: HttpRequest, action, done: str) -> None:
    """Run a one-click action and say how it went at the top of the next page."""
    try:
        action()
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)


# --- Client requests and complaints ---------------------------------------------------------
class RequestFilters(django_forms.Form):
    status = django_forms.ChoiceField(
        required=False, choices=[("", ""), ("unresolved", ""), *ClientRequest.Status.choices]
    )
    kind = django_forms.ChoiceField(required=False, choices=[("", ""), *ClientRequest.Kind.choices])
    mine = django_forms.BooleanField(required=False)

    def values(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        return {
            "status": data.get("status") or "unresolved",
            "kind": data.get("kind") or "",
            "assigned_to_me": bool(data.get("mine")),
        }


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    """Requests and complaints one may see or has been given, unresolved first."""
    filters = RequestFilters(request.GET).values()
    items = queries.requests_for_list(request.user, **filters)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "query": _query_without_page(request),
        "statuses": ClientRequest.Status.choices,
        "kinds": ClientRequest.Kind.choices,
    }
    return render(request, "clients/request_list.html", context)


@login_required
def request_create(request: HttpRequest, pk: int) -> HttpResponse:
    client = queries.get_client_for(request.user, pk)
    require(can_log_interaction(request.user, client))
    return record_form_page(
        request,
        forms.RequestForm(posted(request), client=client),
        save=lambda data: services.log_request(by=request.user, client=client, **data),
        success_url=lambda saved: reverse("clients:request_detail", args=[saved.pk]),
        saved_message=_("The request is logged."),
        title=_("New request or complaint from %(client)s") % {"client": client},
        cancel_url=reverse("clients:client_detail", args=[pk]),
    )


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = queries.get_request_for(request.user, pk)
    return _render_request(request, item, forms.ResolveForm())


def _render_request(request: HttpRequest, item, resolve_form, status: int = 200) -> HttpResponse:
    context = {
        "item": item,
        "can_work": can_work_request(request.user, item),
        "sees_client": queries.clients_visible_to(request.user).filter(pk=item.client_id).exists(),
        "resolve_form": resolve_form,
        "history": history_of(item),
    }
    return render(request, "clients/request_detail.html", context, status=status)


@login_required
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = queries.get_request_for(request.user, pk)
    require(can_work_request(request.user, item))
    return record_form_page(
        request,
        forms.RequestForm(posted(request), instance=item, client=item.client),
        save=lambda data: services.update_request(by=request.user, item=item, **data),
        success_url=lambda saved: reverse("clients:request_detail", args=[saved.pk]),
        saved_message=_("The changes are saved."),
        title=item,
        cancel_url=reverse("clients:request_detail", args=[pk]),
    )


@login_required
@require_POST
def request_start(request: HttpRequest, pk: int) -> HttpResponse:
    item = queries.get_request_for(request.user, pk)
    _run_and_tell(request, lambda: services.start_request(by=request.user, item=item),
                  _("The request is in progress."))  # fmt: skip
    return redirect("clients:request_detail", pk=pk)


@login_required
@require_POST
def request_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    item = queries.get_request_for(request.user, pk)
    require(can_work_request(request.user, item))
    form = forms.ResolveForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: services.resolve_request(
            by=request.user, item=item, resolution=form.cleaned_data["resolution"]
        ),
    ):
        messages.success(request, _("The request is resolved."))
        return redirect("clients:request_detail", pk=pk)
    return _render_request(request, item, form, status=422)


@login_required
@require_POST
def request_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    item = queries.get_request_for(request.user, pk)
    _run_and_tell(request, lambda: services.reopen_request(by=request.user, item=item),
                  _("The request is open again."))  # fmt: skip
    return redirect("clients:request_detail", pk=pk)


# --- Account plans --------------------------------------------------------------------------
@login_required
def plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    client = queries.get_client_for(request.user, pk)
    require(can_change_client(request.user, client))
    form = forms.PlanForm(posted(request), initial={"year": timezone.localdate().year})
    return record_form_page(
        request,
        form,
        save=lambda data: services.create_plan(by=request.user, client=client, **data),
        success_url=lambda plan: reverse("clients:plan_detail", args=[plan.pk]),
        saved_message=_("The account plan is saved."),
        title=_("Account plan for %(client)s") % {"client": client},
        cancel_url=reverse("clients:client_detail", args=[pk]),
    )


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = queries.get_plan_for(request.user, pk)
    can_change = can_change_client(request.user, plan.client)
    return _render_plan(request, plan, can_change, forms.PlayForm(client=plan.client))


def _render_plan(request, plan, can_change: bool, play_form, status: int = 200) -> HttpResponse:
    context = {
        "plan": plan,
        "plays": queries.plays_of(plan),
        "whitespace": plan.whitespace.order_by("name"),
        "can_change": can_change,
        "play_form": play_form,
        "history": history_of(plan),
    }
    return render(request, "clients/plan_detail.html", context, status=status)


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = queries.get_plan_for(request.user, pk)
    require(can_change_client(request.user, plan.client))
    return record_form_page(
        request,
        forms.PlanForm(posted(request), instance=plan),
        save=lambda data: services.update_plan(by=request.user, plan=plan, **data),
        success_url=lambda saved: reverse("clients:plan_detail", args=[saved.pk]),
        saved_message=_("The changes are saved."),
        title=plan,
        cancel_url=reverse("clients:plan_detail", args=[pk]),
    )


@login_required
@require_POST
def plan_play_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = queries.get_plan_for(request.user, pk)
    require(can_change_client(request.user, plan.client))
    form = forms.PlayForm(request.POST, client=plan.client)
    if form.is_valid() and run_service(
        form, lambda: services.add_play(by=request.user, plan=plan, **form.cleaned_data)
    ):
        return redirect("clients:plan_detail", pk=pk)
    return _render_plan(request, plan, True, form, status=422)


@login_required
def play_edit(request: HttpRequest, pk: int) -> HttpResponse:
    play = queries.get_play_for(request.user, pk)
    require(can_change_client(request.user, play.plan.client))
    return record_form_page(
        request,
        forms.PlayForm(posted(request), instance=play, client=play.plan.client),
        save=lambda data: services.update_play(by=request.user, play=play, **data),
        success_url=lambda saved: reverse("clients:plan_detail", args=[saved.plan_id]),
        saved_message=_("The changes are saved."),
        title=play,
        cancel_url=reverse("clients:plan_detail", args=[play.plan_id]),
    )


# --- The service catalogue ------------------------------------------------------------------
@login_required
def service_list(request: HttpRequest) -> HttpResponse:
    context = {"services": queries.catalogue(), "can_manage": can_manage_catalogue(request.user)}
    return render(request, "clients/service_list.html", context)


@login_required
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A service, and the clients (of the viewer's) whose plan this year lists it as
    whitespace: where to sell it next."""
    service = queries.get_service(pk)
    this_year = timezone.localdate().year
    can_manage = can_manage_catalogue(request.user)
    context = {
        "service": service,
        "this_year": this_year,
        "plans": queries.plans_with_whitespace(request.user, service, this_year)[:PAGE_SIZE],
        "can_manage": can_manage,
        "history": history_of(service) if can_manage else [],
    }
    return render(request, "clients/service_detail.html", context)


@login_required
def service_create(request: HttpRequest) -> HttpResponse:
    require(can_manage_catalogue(request.user))
    return record_form_page(
        request,
        forms.ServiceForm(posted(request)),
        save=lambda data: services.create_service(by=request.user, **data),
        success_url=lambda service: reverse("clients:service_detail", args=[service.pk]),
        title=_("New service"),
        cancel_url=reverse("clients:service_list"),
    )


@login_required
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(can_manage_catalogue(request.user))
    service = queries.get_service(pk)
    return record_form_page(
        request,
        forms.ServiceForm(posted(request), instance=service),
        save=lambda data: services.update_service(by=request.user, service=service, **data),
        success_url=lambda saved: reverse("clients:service_detail", args=[saved.pk]),
        saved_message=_("The changes are saved."),
        title=service.display_name,
        cancel_url=reverse("clients:service_detail", args=[pk]),
    )
