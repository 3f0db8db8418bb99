"""Special terms: proposing, changing, approving, ending."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.clients import forms, queries, services
from kam.clients.permissions import can_change_client
from kam.clients.views.common import run_and_tell
from kam.core.errors import require
from kam.core.forms import posted, record_form_page


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
    run_and_tell(request, lambda: services.approve_term(by=request.user, term=term),
                  _("The term is approved."))  # fmt: skip
    return redirect(reverse("clients:client_detail", args=[term.client_id]) + "#terms")


@login_required
@require_POST
def term_end(request: HttpRequest, pk: int) -> HttpResponse:
    term = queries.get_term_for(request.user, pk)
    run_and_tell(request, lambda: services.end_term(by=request.user, term=term),
                  _("The term has ended; it stays in the history."))  # fmt: skip
    return redirect(reverse("clients:client_detail", args=[term.client_id]) + "#terms")
