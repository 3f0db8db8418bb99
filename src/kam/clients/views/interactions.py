"""Logging interactions (inline on the client page) and their next steps."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from kam.clients import forms, queries, services
from kam.clients.permissions import can_change_interaction
from kam.clients.views.accounts import client_page_context
from kam.clients.views.common import run_and_tell
from kam.core.errors import require
from kam.core.forms import posted, record_form_page, run_service
from kam.core.htmx import wants_fragment
from kam.core.http import redirect_back

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
    context = client_page_context(request, client, **({} if saved else {"interaction_form": form}))
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
    run_and_tell(
        request,
        lambda: services.complete_next_step(by=request.user, interaction=interaction),
        _("The next step is done."),
    )
    return redirect_back(request, reverse("clients:client_detail", args=[interaction.client_id]))
