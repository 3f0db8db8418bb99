"""Pages of briefs: the list, recording and correcting a brief, its working page and the actions
on it (budget, rubric, team, files, creative brief, cancelling), and the client page's panel."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from kam.clients import queries as client_queries
from kam.core.attachments import content_type_of
from kam.core.errors import require
from kam.core.forms import posted, record_form_page
from kam.core.htmx import wants_fragment
from kam.core.http import attachment_disposition
from kam.growth.queries import opportunities_visible_to
from kam.pitching import forms, queries, services
from kam.pitching.models import Brief
from kam.pitching.permissions import (
    can_change_brief,
    can_change_creative_brief,
    can_create_brief_on,
    can_record_briefs,
)
from kam.pitching.views.brief_page import act_on_brief, brief_url, render_brief, render_ideas
from kam.pitching.views.common import PAGE_SIZE, query_without_page, run_and_tell

MAX_ID = 2**31 - 1


def _id(value: str) -> int | None:
    """A record id from the query string, or None for anything else."""
    return int(value) if value.isdigit() and 0 < int(value) <= MAX_ID else None


# --- The list and recording -----------------------------------------------------------------
@login_required
def brief_list(request: HttpRequest) -> HttpResponse:
    filters = forms.BriefFilters(request.GET).values()
    briefs = queries.briefs_for_list(request.user, **filters)
    page = Paginator(briefs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "query": query_without_page(request),
        "statuses": Brief.Status.choices,
        "clients": queries.clients_with_briefs_visible_to(request.user),
        # The budget column is for those who see some of these briefs' money, and only them.
        "with_money": queries.briefs_with_money_among(request.user, [b.pk for b in page]),
        "can_create": queries.clients_for_briefs(request.user).exists(),
    }
    return render(request, "pitching/brief_list.html", context)


@login_required
def brief_create(request: HttpRequest) -> HttpResponse:
    """A new brief; opened from a client (?client=) or an opportunity (?opportunity=), it starts
    on them."""
    require(can_record_briefs(request.user))
    form = forms.BriefForm(posted(request), initial=_preselected(request), viewer=request.user)
    return record_form_page(
        request,
        form,
        save=lambda data: services.create_brief(
            by=request.user,
            client=data["client"],
            opportunity=data.get("opportunity"),
            **form.service_data(),
        ),
        success_url=lambda brief: brief_url(brief.pk),
        saved_message=_("The brief is recorded."),
        title=_("New brief"),
        cancel_url=reverse("pitching:brief_list"),
    )


def _preselected(request: HttpRequest) -> dict:
    opportunity_pk = _id(request.GET.get("opportunity", ""))
    if opportunity_pk:
        opportunity = (
            opportunities_visible_to(request.user)
            .select_related("client")
            .filter(pk=opportunity_pk)
            .first()
        )
        if opportunity is not None:
            return {"client": opportunity.client, "opportunity": opportunity}
    client_pk = _id(request.GET.get("client", ""))
    if client_pk:
        client = queries.clients_for_briefs(request.user).filter(pk=client_pk).first()
        if client is not None:
            return {"client": client}
    return {}


# --- The brief's page -----------------------------------------------------------------------
@login_required
@vary_on_headers("HX-Request")
def brief_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The working page of a brief; htmx asks it for the ideas section alone."""
    brief = queries.get_brief_for(request.user, pk)
    if wants_fragment(request):
        return render_ideas(request, brief)
    return render_brief(request, brief)


@login_required
def brief_edit(request: HttpRequest, pk: int) -> HttpResponse:
    brief = queries.get_brief_for(request.user, pk)
    require(can_change_brief(request.user, brief))
    form = forms.BriefForm(posted(request), instance=brief, viewer=request.user)
    return record_form_page(
        request,
        form,
        save=lambda data: services.update_brief(
            by=request.user, brief=brief, **form.service_data()
        ),
        success_url=lambda saved: brief_url(saved.pk),
        saved_message=_("The changes are saved."),
        title=brief,
        cancel_url=brief_url(pk),
    )


@login_required
@require_POST
def brief_budget(request: HttpRequest, pk: int) -> HttpResponse:
    brief = queries.get_brief_for(request.user, pk)
    require(can_change_brief(request.user, brief))
    return act_on_brief(
        request,
        brief,
        forms.BudgetForm(request.POST),
        lambda data: services.propose_budget(by=request.user, brief=brief, **data),
        done=_("The proposed budget is saved."),
        anchor="budget",
        form_name="budget_form",
    )


@login_required
@require_POST
def brief_weights(request: HttpRequest, pk: int) -> HttpResponse:
    brief = queries.get_brief_for(request.user, pk)
    require(can_change_brief(request.user, brief))
    return act_on_brief(
        request,
        brief,
        forms.WeightsForm(request.POST),
        lambda data: services.set_review_weights(by=request.user, brief=brief, **data),
        done=_("The review's weights are saved; the ranking follows them."),
        anchor="ideas",
        form_name="weights_form",
    )


@login_required
@require_POST
def brief_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    brief = queries.get_brief_for(request.user, pk)
    require(can_change_brief(request.user, brief))
    return act_on_brief(
        request,
        brief,
        forms.CancelBriefForm(request.POST),
        lambda data: services.cancel_brief(by=request.user, brief=brief, **data),
        done=_("The brief is cancelled."),
        anchor="",
        form_name="cancel_form",
    )


# --- The brief's team -----------------------------------------------------------------------
@login_required
@require_POST
def brief_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    brief = queries.get_brief_for(request.user, pk)
    require(can_change_brief(request.user, brief))
    return act_on_brief(
        request,
        brief,
        forms.MemberForm(request.POST, brief=brief),
        lambda data: services.add_brief_member(by=request.user, brief=brief, **data),
        done=_("Added to the brief's team."),
        anchor="team",
        form_name="member_form",
    )


@login_required
@require_POST
def brief_member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    brief = queries.get_brief_for(request.user, pk)
    require(can_change_brief(request.user, brief))
    form = forms.RemoveMemberForm(request.POST, brief=brief)
    if not form.is_valid():
        messages.error(request, _("This person is not on the brief's team."))
    else:
        run_and_tell(
            request,
            lambda: services.remove_brief_member(by=request.user, brief=brief, **form.cleaned_data),
            _("Taken off the brief's team; their ideas and reviews stay."),
        )
    return redirect(brief_url(pk, "team"))


# --- Attachments ----------------------------------------------------------------------------
@login_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    brief = queries.get_brief_for(request.user, pk)
    require(can_change_brief(request.user, brief))
    # Read one byte past the limit at most: the service refuses a larger file with its message.
    most = settings.KAM_ATTACHMENT_MAX_MB * 1_000_000 + 1
    return act_on_brief(
        request,
        brief,
        forms.AttachmentForm(request.POST, request.FILES),
        lambda data: services.attach_file(
            by=request.user, brief=brief, name=data["file"].name, content=data["file"].read(most)
        ),
        done=_("The file is attached."),
        anchor="attachments",
        form_name="attachment_form",
    )


@login_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = queries.get_attachment_for(request.user, pk)
    require(can_change_brief(request.user, attachment.brief))
    run_and_tell(
        request,
        lambda: services.remove_attachment(by=request.user, attachment=attachment),
        _("The file is removed."),
    )
    return redirect(brief_url(attachment.brief_id, "attachments"))


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, for whoever sees its brief, typed by what kam recognised it as."""
    attachment = queries.get_attachment_for(request.user, pk)
    try:
        stored = attachment.file.open("rb")
    except OSError as error:  # the bytes are gone from the storage: as good as no file
        raise Http404 from error
    response = FileResponse(stored, content_type=content_type_of(attachment.kind))
    response["Content-Disposition"] = attachment_disposition(attachment.name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- The creative brief ---------------------------------------------------------------------
@login_required
@require_POST
def creative_brief_create(request: HttpRequest, pk: int) -> HttpResponse:
    brief = queries.get_brief_for(request.user, pk)
    require(can_change_brief(request.user, brief))
    form = forms.CreativeBriefForm(request.POST, brief=brief)

    def hand_over(data: dict):
        fields = {name: value for name, value in data.items() if name != "planner"}
        return services.create_creative_brief(
            by=request.user, brief=brief, planner=data["planner"], **fields
        )

    return act_on_brief(
        request,
        brief,
        form,
        hand_over,
        done=_("The creative brief is handed over."),
        anchor="creative",
        form_name="creative_form",
    )


@login_required
def creative_brief_edit(request: HttpRequest, pk: int) -> HttpResponse:
    creative = queries.get_creative_brief_for(request.user, pk)
    require(can_change_creative_brief(request.user, creative))
    form = forms.CreativeBriefForm(
        posted(request),
        instance=creative,
        brief=creative.brief,
        chooses_planner=can_change_brief(request.user, creative.brief),
    )
    return record_form_page(
        request,
        form,
        save=lambda data: services.update_creative_brief(
            by=request.user, creative=creative, **data
        ),
        success_url=lambda saved: brief_url(saved.brief_id, "creative"),
        saved_message=_("The creative brief is saved."),
        title=_("Creative brief: %(brief)s") % {"brief": creative.brief},
        cancel_url=brief_url(creative.brief_id, "creative"),
    )


@login_required
@require_POST
def creative_brief_ready(request: HttpRequest, pk: int) -> HttpResponse:
    creative = queries.get_creative_brief_for(request.user, pk)
    require(can_change_creative_brief(request.user, creative))
    run_and_tell(
        request,
        lambda: services.mark_creative_brief_ready(by=request.user, creative=creative),
        _("The creative brief is ready: the team can brainstorm on it."),
    )
    return redirect(brief_url(creative.brief_id, "creative"))


# --- The client page's panel ----------------------------------------------------------------
@login_required
def client_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The client page's pitching part: its briefs and their proposals."""
    client = client_queries.get_client_for(request.user, pk)
    context = {
        "client": client,
        "briefs": queries.briefs_of_client(request.user, client)[:PAGE_SIZE],
        "can_create": can_create_brief_on(request.user, client),
    }
    return render(request, "pitching/partials/_client_panel.html", context)
