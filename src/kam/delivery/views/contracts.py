"""Pages of contracts: the list (with the approved proposals still waiting for theirs), entering
one, the contract's page (value, schedule, commitments, amendments, files, projects, history)
and the actions on it, each the one service of its step; and the client page's delivery
panel."""

from collections.abc import Callable
from decimal import Decimal

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kam.clients import queries as client_queries
from kam.core.attachments import content_type_of
from kam.core.audit import history_of
from kam.core.errors import require
from kam.core.forms import posted, record_form_page, run_service
from kam.core.http import attachment_disposition
from kam.core.money import round_for
from kam.delivery import queries, services
from kam.delivery.forms import contracts as forms
from kam.delivery.models import Commitment, Contract
from kam.delivery.permissions import (
    can_change_contract,
    can_create_contract_on,
    can_record_contracts,
    sees_contracts,
    sees_projects,
)
from kam.delivery.views.common import (
    PAGE_SIZE,
    id_from,
    query_without_page,
    run_and_tell,
    tell_unshown,
)
from kam.pitching.models import Proposal

WAITING_SHOWN = 20


def contract_url(contract_pk: int, anchor: str = "") -> str:
    url = reverse("delivery:contract_detail", args=[contract_pk])
    return f"{url}#{anchor}" if anchor else url


# --- The list and entering a contract -------------------------------------------------------
@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(sees_contracts(user))
    filters = forms.ContractFilters(request.GET).values()
    contracts = queries.contracts_for_list(user, **filters)
    context = {
        "page": Paginator(contracts, PAGE_SIZE).get_page(request.GET.get("page")),
        "filters": filters,
        "query": query_without_page(request),
        "statuses": Contract.Status.choices,
        "clients": queries.clients_with_contracts_visible_to(user),
        "waiting": queries.approved_proposals_without_contract(user)[:WAITING_SHOWN],
        "can_create": can_record_contracts(user) and queries.clients_for_contracts(user).exists(),
    }
    return render(request, "delivery/contract_list.html", context)


@login_required
def contract_create(request: HttpRequest) -> HttpResponse:
    """A new draft contract: for an approved proposal (?proposal=, filled from it) or directly
    for a client (?client= chooses it)."""
    require(can_record_contracts(request.user))
    proposal = _waiting_proposal(request)
    if proposal is not None:
        return _contract_from_proposal(request, proposal)
    initial = {}
    client_pk = id_from(request.GET.get("client"))
    if client_pk:
        clients = queries.clients_for_contracts(request.user)
        initial["client"] = clients.filter(pk=client_pk).first()
    form = forms.ContractForm(posted(request), initial=initial, viewer=request.user)
    return record_form_page(
        request,
        form,
        save=lambda data: services.create_contract(
            by=request.user, client=data["client"], **form.service_data()
        ),
        success_url=lambda contract: contract_url(contract.pk),
        saved_message=_("The contract is entered as a draft: add its milestones, then sign it."),
        title=_("New contract"),
        cancel_url=reverse("delivery:contract_list"),
    )


def _waiting_proposal(request: HttpRequest) -> Proposal | None:
    pk = id_from(request.GET.get("proposal"))
    if pk is None:
        return None
    return get_object_or_404(queries.approved_proposals_without_contract(request.user), pk=pk)


def _contract_from_proposal(request: HttpRequest, proposal: Proposal) -> HttpResponse:
    draft = services.contract_draft_from(proposal) if request.method != "POST" else {}
    form = forms.ContractForm(
        posted(request), initial=draft, viewer=request.user, chooses_client=False
    )
    return record_form_page(
        request,
        form,
        save=lambda data: services.create_contract_from_proposal(
            by=request.user, proposal=proposal, **form.service_data()
        ),
        success_url=lambda contract: contract_url(contract.pk),
        saved_message=_("The contract is entered as a draft: add its milestones, then sign it."),
        title=_("Contract for %(proposal)s — %(client)s")
        % {"proposal": proposal.title, "client": proposal.brief.client},
        cancel_url=reverse("pitching:proposal_detail", args=[proposal.pk]),
    )


# --- The contract's page --------------------------------------------------------------------
@login_required
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_contract(request, queries.get_contract_for(request.user, pk))


def _with_vat(amount: Decimal, percent: Decimal) -> dict:
    vat = round_for(settings.KAM_CURRENCY, amount * percent / 100)
    return {"amount": amount, "vat": vat, "total": amount + vat}


def contract_context(request: HttpRequest, contract: Contract, **given) -> dict:
    """Everything the contract's page shows, with the permissions that decide its forms; a form
    given (refused, with its errors) replaces the empty one."""
    can_change = can_change_contract(request.user, contract)
    draft = contract.is_draft
    current_value = queries.current_value_of(contract)
    context = {
        "contract": contract,
        "signed_value": _with_vat(contract.value_amount, contract.vat_percent),
        "current": _with_vat(current_value, contract.vat_percent),
        "current_end": queries.current_end_of(contract),
        "milestones": queries.milestones_of(contract),
        "scheduled": queries.milestones_total(contract),
        "commitments": queries.commitments_of(contract),
        "amendments": queries.amendments_of(contract),
        "files": queries.files_of(contract),
        "projects": queries.with_task_counts(contract.projects.select_related("owner")).order_by(
            "-starts_on", "-pk"
        ),
        "history": history_of(contract),
        "can_change": can_change,
        "can_change_draft": can_change and draft,
    }
    offered = {
        "sign_form": (can_change and draft, forms.SignForm),
        "milestone_form": (can_change and draft, forms.MilestoneForm),
        "commitment_form": (can_change, lambda: forms.CommitmentForm(contract=contract)),
        "amendment_form": (can_change and not draft, forms.AmendmentForm),
        "file_form": (can_change, forms.ContractFileForm),
    }
    for name, (offer, empty_form) in offered.items():
        if offer:
            context[name] = given.get(name) or empty_form()
    tell_unshown(request, given, context)
    return context


def render_contract(
    request: HttpRequest, contract: Contract, status: int = 200, **given
) -> HttpResponse:
    context = contract_context(request, contract, **given)
    return render(request, "delivery/contract_detail.html", context, status=status)


def act_on_contract(
    request: HttpRequest,
    contract: Contract,
    form: django_forms.Form,
    call: Callable[[dict], object],
    *,
    done: str,
    anchor: str,
    form_name: str,
) -> HttpResponse:
    """A form posted from the contract's page: on success say so and go back to its section;
    when refused, the page again (422) with the form and the reason beside it."""
    if form.is_valid() and run_service(form, lambda: call(form.cleaned_data)):
        messages.success(request, done)
        return redirect(contract_url(contract.pk, anchor))
    return render_contract(request, contract, status=422, **{form_name: form})


def _changeable_contract(request: HttpRequest, pk: int) -> Contract:
    contract = queries.get_contract_for(request.user, pk)
    require(can_change_contract(request.user, contract))
    return contract


@login_required
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct the draft; a signed one says beside the form that it changes by amendment."""
    contract = _changeable_contract(request, pk)
    form = forms.ContractForm(posted(request), instance=contract, viewer=request.user)
    return record_form_page(
        request,
        form,
        save=lambda data: services.update_contract(
            by=request.user, contract=contract, **form.service_data()
        ),
        success_url=lambda saved: contract_url(saved.pk),
        saved_message=_("The changes are saved."),
        title=str(contract),
        cancel_url=contract_url(pk),
    )


@login_required
@require_POST
def contract_sign(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _changeable_contract(request, pk)
    return act_on_contract(
        request,
        contract,
        forms.SignForm(request.POST),
        lambda data: services.sign_contract(
            by=request.user, contract=contract, signed_on=data["signed_on"]
        ),
        done=_("The signed contract is recorded; it changes only by amendment now."),
        anchor="",
        form_name="sign_form",
    )


@login_required
@require_POST
def amendment_create(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _changeable_contract(request, pk)
    form = forms.AmendmentForm(request.POST)
    return act_on_contract(
        request,
        contract,
        form,
        lambda data: services.record_amendment(
            by=request.user, contract=contract, **form.service_data()
        ),
        done=_("The amendment is recorded."),
        anchor="amendments",
        form_name="amendment_form",
    )


# --- Milestones -----------------------------------------------------------------------------
@login_required
@require_POST
def milestone_create(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _changeable_contract(request, pk)
    form = forms.MilestoneForm(request.POST)
    return act_on_contract(
        request,
        contract,
        form,
        lambda data: services.add_milestone(
            by=request.user, contract=contract, **form.service_data()
        ),
        done=_("The milestone is added to the payment schedule."),
        anchor="milestones",
        form_name="milestone_form",
    )


def _changeable_milestone(request: HttpRequest, pk: int):
    milestone = queries.get_milestone_for(request.user, pk)
    require(can_change_contract(request.user, milestone.contract))
    return milestone


@login_required
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _changeable_milestone(request, pk)
    form = forms.MilestoneForm(posted(request), instance=milestone)
    return record_form_page(
        request,
        form,
        save=lambda data: services.update_milestone(
            by=request.user, milestone=milestone, **form.service_data()
        ),
        success_url=lambda saved: contract_url(saved.contract_id, "milestones"),
        saved_message=_("The milestone is saved."),
        title=_("Milestone: %(milestone)s") % {"milestone": milestone},
        cancel_url=contract_url(milestone.contract_id, "milestones"),
    )


@login_required
@require_POST
def milestone_remove(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _changeable_milestone(request, pk)
    run_and_tell(
        request,
        lambda: services.remove_milestone(by=request.user, milestone=milestone),
        _("The milestone is removed from the payment schedule."),
    )
    return redirect(contract_url(milestone.contract_id, "milestones"))


@login_required
@require_POST
def milestone_reach(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: reached today (or on the date posted with it)."""
    milestone = _changeable_milestone(request, pk)
    form = forms.ReachForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("reached_on", [])))
    else:
        run_and_tell(
            request,
            lambda: services.reach_milestone(
                by=request.user, milestone=milestone, reached_on=form.cleaned_data["reached_on"]
            ),
            _("The milestone is reached: it may be invoiced."),
        )
    return redirect(contract_url(milestone.contract_id, "milestones"))


@login_required
def milestone_slip(request: HttpRequest, pk: int) -> HttpResponse:
    """A signed milestone's date moves later, with how the client was told."""
    milestone = _changeable_milestone(request, pk)
    form = forms.SlipForm(posted(request), milestone=milestone)
    return record_form_page(
        request,
        form,
        save=lambda data: services.record_milestone_slip(
            by=request.user, milestone=milestone, **form.service_data()
        ),
        success_url=lambda slip: contract_url(milestone.contract_id, "milestones"),
        saved_message=_("The new date is recorded, with how the client was told."),
        title=_("The milestone “%(milestone)s” slips (due %(date)s)")
        % {
            "milestone": milestone.title,
            "date": date_format(milestone.due_on, "SHORT_DATE_FORMAT"),
        },
        cancel_url=contract_url(milestone.contract_id, "milestones"),
    )


# --- Commitments ----------------------------------------------------------------------------
@login_required
@require_POST
def commitment_create(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _changeable_contract(request, pk)
    form = forms.CommitmentForm(request.POST, contract=contract)
    return act_on_contract(
        request,
        contract,
        form,
        lambda data: services.add_commitment(by=request.user, contract=contract, **data),
        done=_("The commitment is recorded."),
        anchor="commitments",
        form_name="commitment_form",
    )


def _changeable_commitment(request: HttpRequest, pk: int):
    commitment = queries.get_commitment_for(request.user, pk)
    require(can_change_contract(request.user, commitment.contract))
    return commitment


@login_required
def commitment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole commitment on its form page; a POST with `follow` only moves its status (the
    one-click Kept / Waived / Reopen of the contract's page)."""
    commitment = _changeable_commitment(request, pk)
    if request.method == "POST" and "follow" in request.POST:
        return _follow_commitment(request, commitment)
    form = forms.CommitmentForm(posted(request), instance=commitment, contract=commitment.contract)
    return record_form_page(
        request,
        form,
        save=lambda data: services.update_commitment(
            by=request.user, commitment=commitment, **data
        ),
        success_url=lambda saved: contract_url(saved.contract_id, "commitments"),
        saved_message=_("The commitment is saved."),
        title=_("Commitment: %(commitment)s") % {"commitment": commitment},
        cancel_url=contract_url(commitment.contract_id, "commitments"),
    )


def _follow_commitment(request: HttpRequest, commitment: Commitment) -> HttpResponse:
    form = forms.CommitmentStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
    else:
        status = form.cleaned_data["status"]
        run_and_tell(
            request,
            lambda: services.update_commitment(
                by=request.user, commitment=commitment, status=status
            ),
            _("The commitment is marked %(status)s.") % {"status": Commitment.Status(status).label},
        )
    return redirect(contract_url(commitment.contract_id, "commitments"))


@login_required
@require_POST
def commitment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = _changeable_commitment(request, pk)
    run_and_tell(
        request,
        lambda: services.remove_commitment(by=request.user, commitment=commitment),
        _("The commitment is removed."),
    )
    return redirect(contract_url(commitment.contract_id, "commitments"))


# --- Files ----------------------------------------------------------------------------------
@login_required
@require_POST
def contract_file_add(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _changeable_contract(request, pk)
    # Read one byte past the limit at most: the service refuses a larger file with its message.
    most = settings.KAM_ATTACHMENT_MAX_MB * 1_000_000 + 1
    return act_on_contract(
        request,
        contract,
        forms.ContractFileForm(request.POST, request.FILES),
        lambda data: services.attach_contract_file(
            by=request.user,
            contract=contract,
            name=data["file"].name,
            content=data["file"].read(most),
        ),
        done=_("The file is attached."),
        anchor="files",
        form_name="file_form",
    )


@login_required
@require_GET
def contract_file_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, for whoever sees its contract, typed by what kam recognised it as."""
    kept = queries.get_contract_file_for(request.user, pk)
    try:
        stored = kept.file.open("rb")
    except OSError as error:  # the bytes are gone from the storage: as good as no file
        raise Http404 from error
    response = FileResponse(stored, content_type=content_type_of(kept.kind))
    response["Content-Disposition"] = attachment_disposition(kept.name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def contract_file_remove(request: HttpRequest, pk: int) -> HttpResponse:
    kept = queries.get_contract_file_for(request.user, pk)
    require(can_change_contract(request.user, kept.contract))
    run_and_tell(
        request,
        lambda: services.remove_contract_file(by=request.user, contract_file=kept),
        _("The file is removed."),
    )
    return redirect(contract_url(kept.contract_id, "files"))


# --- The client page's panel ----------------------------------------------------------------
@login_required
def client_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The client page's delivery part: its contracts and projects for those who see them, with
    the open and late tasks, and the tasks slipping now (a department member: their own)."""
    user = request.user
    client = client_queries.get_client_for(user, pk)
    context = {
        "client": client,
        **queries.client_panel(user, client),
        "shows_contracts": sees_contracts(user),
        "shows_projects": sees_projects(user),
        "can_create": can_record_contracts(user) and can_create_contract_on(user, client),
    }
    return render(request, "delivery/partials/_client_panel.html", context)
