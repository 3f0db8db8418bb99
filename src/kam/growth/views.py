"""Pages of growth: the pipeline (table, board, forecast), opportunities, leads, hand-overs and
the pipeline's stages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from kam.clients import queries as client_queries
from kam.core.audit import history_of
from kam.core.errors import DomainError, require
from kam.core.forms import posted, record_form_page, run_service
from kam.core.htmx import wants_fragment
from kam.growth import forms, queries, services
from kam.growth.forecast import forecast_for
from kam.growth.models import Lead, Opportunity
from kam.growth.permissions import (
    can_answer_handover,
    can_change_handover,
    can_change_lead,
    can_change_opportunity,
    can_create_lead,
    can_hand_over,
    can_manage_stages,
    can_open_opportunities,
    can_open_opportunity_on,
)

PAGE_SIZE = 50


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _filter_choices(request: HttpRequest) -> dict:
    return {
        "can_open": can_open_opportunities(request.user),
        "stages": queries.stages_in_use(),
        "kinds": Opportunity.Kind.choices,
        "statuses": Opportunity.Status.choices,
        "owners": queries.owners_to_choose(),
    }


# --- The pipeline ---------------------------------------------------------------------------
@login_required
@vary_on_headers("HX-Request")
def pipeline(request: HttpRequest) -> HttpResponse:
    """The table view: every visible opportunity matching the filters, with totals and the
    forecast chart."""
    filters = forms.PipelineFilters(request.GET).values()
    records = queries.opportunities_for_list(request.user, filters)
    context = {
        "page": Paginator(records, PAGE_SIZE).get_page(request.GET.get("page")),
        "totals": queries.pipeline_totals(records),
        "filters": filters,
        "query": _query_without_page(request),
        "forecast": forecast_for(request.user, owner=filters.owner),
        **_filter_choices(request),
    }
    if wants_fragment(request):
        return render(request, "growth/partials/_opportunity_rows.html", context)
    return render(request, "growth/pipeline.html", context)


@login_required
@vary_on_headers("HX-Request")
def board(request: HttpRequest) -> HttpResponse:
    """The board: open opportunities in columns by stage, moved by dragging or with the
    keyboard (each card's own Move form)."""
    filters = forms.PipelineFilters(request.GET).values()
    columns = queries.board_columns(request.user, filters)
    context = {
        "columns": columns,
        # Each card's Move menu: built once, not per card (180 cards, each listing every stage).
        "stage_choices": [(column.stage.pk, column.stage.display_name) for column in columns],
        "filters": filters,
        "query": request.GET.urlencode(),
        "move_form": forms.MoveForm(),
        **_filter_choices(request),
    }
    if wants_fragment(request):
        return render(request, "growth/partials/_board.html", context)
    return render(request, "growth/board.html", context)


@login_required
def forecast(request: HttpRequest) -> HttpResponse:
    filters = forms.ForecastFilters(request.GET)
    filters.is_valid()
    owner, team = filters.cleaned_data.get("owner"), filters.cleaned_data.get("team")
    context = {
        "forecast": forecast_for(request.user, owner=owner, team=team),
        "owner": owner,
        "team": team,
        "owners": queries.owners_to_choose(),
        "teams": queries.teams_to_choose(),
    }
    return render(request, "growth/forecast.html", context)


# --- Opportunities --------------------------------------------------------------------------
@login_required
def opportunity_create(request: HttpRequest) -> HttpResponse:
    require(can_open_opportunities(request.user))
    initial = {"expected_close_on": None}
    client_pk = request.GET.get("client", "")
    if client_pk.isdigit():
        client = client_queries.clients_visible_to(request.user).filter(pk=client_pk).first()
        initial = {"client": client}
    if request.GET.get("kind") in Opportunity.Kind.values:
        initial["kind"] = request.GET["kind"]  # "Open the renewal" from Today
    form = forms.OpportunityForm(posted(request), initial=initial, viewer=request.user)

    def save(data: dict) -> Opportunity:
        require(can_open_opportunity_on(request.user, data["client"]))
        return services.create_opportunity(
            by=request.user, client=data["client"], **form.service_data()
        )

    return record_form_page(
        request,
        form,
        save=save,
        success_url=lambda opportunity: reverse("growth:opportunity_detail", args=[opportunity.pk]),
        saved_message=_("The opportunity is opened."),
        title=_("New opportunity"),
        cancel_url=reverse("growth:pipeline"),
    )


@login_required
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = queries.get_opportunity_for(request.user, pk)
    return _render_opportunity(request, opportunity)


def _render_opportunity(request, opportunity, status: int = 200, **forms_given) -> HttpResponse:
    can_change = can_change_opportunity(request.user, opportunity)
    context = {
        "opportunity": opportunity,
        "services": opportunity.services.order_by("name"),
        "can_change": can_change and opportunity.is_open,
        "move_form": forms_given.get("move_form")
        or forms.MoveForm(initial={"stage": opportunity.stage}),
        "win_form": forms_given.get("win_form") or forms.WinForm(),
        "lose_form": forms_given.get("lose_form") or forms.LoseForm(),
        "handover": queries.open_handover_of(opportunity.client),
        "history": history_of(opportunity),
    }
    context["can_hand_over"] = (
        opportunity.status == Opportunity.Status.WON
        and opportunity.kind == Opportunity.Kind.NEW_BUSINESS
        and context["handover"] is None
        and can_hand_over(request.user, opportunity.client)
    )
    return render(request, "growth/opportunity_detail.html", context, status=status)


@login_required
def opportunity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = queries.get_opportunity_for(request.user, pk)
    require(can_change_opportunity(request.user, opportunity))
    form = forms.OpportunityForm(posted(request), instance=opportunity, viewer=request.user)
    return record_form_page(
        request,
        form,
        save=lambda data: services.update_opportunity(
            by=request.user, opportunity=opportunity, **form.service_data()
        ),
        success_url=lambda saved: reverse("growth:opportunity_detail", args=[saved.pk]),
        saved_message=_("The changes are saved."),
        title=opportunity,
        cancel_url=reverse("growth:opportunity_detail", args=[pk]),
    )


@login_required
@require_POST
@vary_on_headers("HX-Request")
def opportunity_move(request: HttpRequest, pk: int) -> HttpResponse:
    """From the detail page or a board card; the board gets itself back, redrawn."""
    opportunity = queries.get_opportunity_for(request.user, pk)
    require(can_change_opportunity(request.user, opportunity))
    form = forms.MoveForm(request.POST)
    moved = form.is_valid() and run_service(
        form,
        lambda: services.move_opportunity(
            by=request.user, opportunity=opportunity, stage=form.cleaned_data["stage"]
        ),
    )
    if wants_fragment(request):
        if not moved:
            problems = [problem for problems in form.errors.values() for problem in problems]
            messages.error(request, " ".join(problems))
        return redirect(f"{reverse('growth:board')}?{request.POST.get('board_query', '')}")
    if not moved:
        return _render_opportunity(request, opportunity, status=422, move_form=form)
    messages.success(request, _("Moved to %(stage)s.") % {"stage": moved.stage.display_name})
    return redirect("growth:opportunity_detail", pk=pk)


@login_required
@require_POST
def opportunity_win(request: HttpRequest, pk: int) -> HttpResponse:
    won = _close(request, pk, forms.WinForm, services.win_opportunity, "win_form")
    if isinstance(won, HttpResponse):
        return won
    messages.success(request, _("Won. Well done!"))
    if won.kind == Opportunity.Kind.NEW_BUSINESS and can_hand_over(request.user, won.client):
        return redirect("growth:handover_create", pk=pk)
    return redirect("growth:opportunity_detail", pk=pk)


@login_required
@require_POST
def opportunity_lose(request: HttpRequest, pk: int) -> HttpResponse:
    lost = _close(request, pk, forms.LoseForm, services.lose_opportunity, "lose_form")
    if isinstance(lost, HttpResponse):
        return lost
    messages.success(request, _("Recorded as lost."))
    return redirect("growth:opportunity_detail", pk=pk)


def _close(request, pk: int, form_class, service, form_name: str) -> Opportunity | HttpResponse:
    """Win or lose from the opportunity's page: the closed opportunity, or the page again
    (422) with the form's errors."""
    opportunity = queries.get_opportunity_for(request.user, pk)
    require(can_change_opportunity(request.user, opportunity))
    form = form_class(request.POST)
    closed = form.is_valid() and run_service(
        form, lambda: service(by=request.user, opportunity=opportunity, **form.cleaned_data)
    )
    if closed:
        return closed
    return _render_opportunity(request, opportunity, status=422, **{form_name: form})


@login_required
def client_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The client page's growth part: its opportunities and hand-over."""
    client = client_queries.get_client_for(request.user, pk)
    context = {
        "client": client,
        "opportunities": queries.opportunities_of_client(request.user, client)[:PAGE_SIZE],
        "totals": queries.pipeline_totals(
            queries.opportunities_of_client(request.user, client).filter(status="open")
        ),
        "handover": queries.open_handover_of(client),
        "can_open": can_open_opportunity_on(request.user, client),
    }
    return render(request, "growth/partials/_client_panel.html", context)


# --- Leads ----------------------------------------------------------------------------------
@login_required
def lead_list(request: HttpRequest) -> HttpResponse:
    require(queries.sees_leads(request.user))
    status = request.GET.get("status", "working")
    status = status if status in {"", "working", *Lead.Status.values} else "working"
    search = request.GET.get("q", "")[:200]
    leads = queries.leads_for_list(request.user, status=status, query=search)
    context = {
        "page": Paginator(leads, PAGE_SIZE).get_page(request.GET.get("page")),
        "status": status,
        "search": search,
        "statuses": Lead.Status.choices,
        "query": _query_without_page(request),
        "can_create": can_create_lead(request.user),
    }
    return render(request, "growth/lead_list.html", context)


@login_required
def lead_create(request: HttpRequest) -> HttpResponse:
    require(can_create_lead(request.user))
    return record_form_page(
        request,
        forms.LeadForm(posted(request), viewer=request.user),
        save=lambda data: services.create_lead(by=request.user, **data),
        success_url=lambda lead: reverse("growth:lead_detail", args=[lead.pk]),
        saved_message=_("The lead is added."),
        title=_("New lead"),
        cancel_url=reverse("growth:lead_list"),
    )


@login_required
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lead = queries.get_lead_for(request.user, pk)
    return _render_lead(request, lead, forms.ConvertForm())


def _render_lead(request, lead: Lead, convert_form, status: int = 200) -> HttpResponse:
    opportunity = getattr(lead, "opportunity", None) if lead.status == "converted" else None
    context = {
        "lead": lead,
        "opportunity": opportunity,
        "can_change": can_change_lead(request.user, lead) and lead.status != "converted",
        "convert_form": convert_form,
        "match": queries.client_matching_lead(lead) if lead.status == "qualified" else None,
        "history": history_of(lead),
    }
    return render(request, "growth/lead_detail.html", context, status=status)


@login_required
def lead_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lead = queries.get_lead_for(request.user, pk)
    require(can_change_lead(request.user, lead))
    return record_form_page(
        request,
        forms.LeadForm(posted(request), instance=lead, viewer=request.user),
        save=lambda data: services.update_lead(by=request.user, lead=lead, **data),
        success_url=lambda saved: reverse("growth:lead_detail", args=[saved.pk]),
        saved_message=_("The changes are saved."),
        title=lead,
        cancel_url=reverse("growth:lead_detail", args=[pk]),
    )


@login_required
@require_POST
def lead_convert(request: HttpRequest, pk: int) -> HttpResponse:
    lead = queries.get_lead_for(request.user, pk)
    require(can_change_lead(request.user, lead))
    form = forms.ConvertForm(request.POST)
    opportunity = form.is_valid() and run_service(
        form, lambda: services.convert_lead(by=request.user, lead=lead, **form.cleaned_data)
    )
    if not opportunity:
        lead.refresh_from_db()
        return _render_lead(request, lead, form, status=422)
    messages.success(
        request,
        _("Converted: %(client)s has a new-business opportunity.") % {"client": opportunity.client},
    )
    return redirect("growth:opportunity_detail", pk=opportunity.pk)


# --- Hand-overs -----------------------------------------------------------------------------
@login_required
def handover_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    status = status if status in {"", "open", "pending", "returned", "accepted"} else "open"
    handovers = queries.handovers_for_list(request.user, status=status)
    context = {
        "page": Paginator(handovers, PAGE_SIZE).get_page(request.GET.get("page")),
        "status": status,
        "query": _query_without_page(request),
    }
    return render(request, "growth/handover_list.html", context)


@login_required
def handover_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand over the client of a won opportunity."""
    opportunity = queries.get_opportunity_for(request.user, pk)
    require(can_hand_over(request.user, opportunity.client))
    return record_form_page(
        request,
        forms.HandoverForm(posted(request)),
        save=lambda data: services.hand_over_client(
            by=request.user, client=opportunity.client, opportunity=opportunity, **data
        ),
        success_url=lambda handover: reverse("growth:handover_detail", args=[handover.pk]),
        saved_message=_("The hand-over is sent to the KAM."),
        title=_("Hand %(client)s over to a KAM") % {"client": opportunity.client},
        cancel_url=reverse("growth:opportunity_detail", args=[pk]),
    )


@login_required
def handover_detail(request: HttpRequest, pk: int) -> HttpResponse:
    handover = queries.get_handover_for(request.user, pk)
    return _render_handover(request, handover, forms.ReturnForm())


def _render_handover(request, handover, return_form, status: int = 200) -> HttpResponse:
    context = {
        "handover": handover,
        "can_answer": can_answer_handover(request.user, handover) and handover.status == "pending",
        "can_change": can_change_handover(request.user, handover),
        "return_form": return_form,
        "history": history_of(handover),
    }
    return render(request, "growth/handover_detail.html", context, status=status)


@login_required
def handover_edit(request: HttpRequest, pk: int) -> HttpResponse:
    handover = queries.get_handover_for(request.user, pk)
    require(can_change_handover(request.user, handover))
    return record_form_page(
        request,
        forms.HandoverForm(posted(request), instance=handover),
        save=lambda data: services.update_handover(by=request.user, handover=handover, **data),
        success_url=lambda saved: reverse("growth:handover_detail", args=[saved.pk]),
        saved_message=_("The hand-over is sent to the KAM again."),
        title=handover,
        cancel_url=reverse("growth:handover_detail", args=[pk]),
    )


@login_required
@require_POST
def handover_accept(request: HttpRequest, pk: int) -> HttpResponse:
    handover = queries.get_handover_for(request.user, pk)
    require(can_answer_handover(request.user, handover))
    try:
        services.accept_handover(by=request.user, handover=handover)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("growth:handover_detail", pk=pk)
    messages.success(request, _("Accepted: %(client)s is yours.") % {"client": handover.client})
    return redirect("clients:client_detail", pk=handover.client_id)


@login_required
@require_POST
def handover_return(request: HttpRequest, pk: int) -> HttpResponse:
    handover = queries.get_handover_for(request.user, pk)
    require(can_answer_handover(request.user, handover))
    form = forms.ReturnForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: services.return_handover(
            by=request.user, handover=handover, question=form.cleaned_data["question"]
        ),
    ):
        messages.success(request, _("Sent back with your question."))
        return redirect("growth:handover_detail", pk=pk)
    return _render_handover(request, handover, form, status=422)


# --- Stages ---------------------------------------------------------------------------------
@login_required
def stage_list(request: HttpRequest) -> HttpResponse:
    context = {"stages": queries.all_stages(), "can_manage": can_manage_stages(request.user)}
    return render(request, "growth/stage_list.html", context)


@login_required
def stage_create(request: HttpRequest) -> HttpResponse:
    require(can_manage_stages(request.user))
    return record_form_page(
        request,
        forms.StageForm(posted(request)),
        save=lambda data: services.create_stage(by=request.user, **data),
        success_url=lambda stage: reverse("growth:stage_list"),
        saved_message=_("The stage is added."),
        title=_("New pipeline stage"),
        cancel_url=reverse("growth:stage_list"),
    )


@login_required
def stage_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(can_manage_stages(request.user))
    stage = queries.get_stage(pk)
    return record_form_page(
        request,
        forms.StageForm(posted(request), instance=stage),
        save=lambda data: services.update_stage(by=request.user, stage=stage, **data),
        success_url=lambda saved: reverse("growth:stage_list"),
        saved_message=_("The changes are saved."),
        title=stage.display_name,
        cancel_url=reverse("growth:stage_list"),
    )
