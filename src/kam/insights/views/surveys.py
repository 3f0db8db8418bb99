"""Pages of satisfaction surveys: the list with the results of the last twelve months (overall,
per KAM, per month), sending one from the client's page, one survey with its answer, sending it
again and following up a low score (from its page or from Today); and the page behind the
emailed link where the stakeholder answers without signing in."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kam.clients.queries import clients_visible_to, get_client_for
from kam.core.audit import history_of
from kam.core.errors import DomainError, require
from kam.core.forms import form_page, posted
from kam.core.http import redirect_back
from kam.core.links import LinkRefused
from kam.delivery.views.common import PAGE_SIZE, query_without_page, run_and_tell
from kam.insights import forms
from kam.insights.models import Survey
from kam.insights.permissions import can_follow_up_survey, can_send_survey
from kam.insights.queries.surveys import get_survey_for, results_by, results_of, surveys_for_list
from kam.insights.services import surveys as services

RESULTS_DAYS = 365


def _survey_url(pk: int) -> str:
    return reverse("insights:survey_detail", args=[pk])


@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    """The surveys of the clients the user sees, and how they answered over twelve months."""
    user = request.user
    filters = forms.SurveyFilters(request.GET).values()
    surveys = surveys_for_list(user, status=filters["status"] or "", low=bool(filters["low"]))
    client = None
    if filters["client"]:
        surveys = surveys.filter(client_id=filters["client"])
        client = clients_visible_to(user).filter(pk=filters["client"]).first()
    since = timezone.localdate() - timedelta(days=RESULTS_DAYS)
    context = {
        "page": Paginator(surveys, PAGE_SIZE).get_page(request.GET.get("page")),
        "filters": filters,
        "client": client,
        "statuses": Survey.Status.choices,
        "query": query_without_page(request),
        "since": since,
        "results": results_of(user, since=since, client=client),
        "by_kam": results_by(user, since=since, group="kam"),
        "by_month": results_by(user, since=since, group="month"),
    }
    return render(request, "insights/survey_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def survey_send(request: HttpRequest, client_pk: int) -> HttpResponse:
    """Ask one of the client's people how we did, about a delivered project or in general."""
    client = get_client_for(request.user, client_pk)
    require(can_send_survey(request.user, client))
    return form_page(
        request,
        forms.SendSurveyForm(posted(request), client=client),
        save=lambda data: services.send_survey(
            by=request.user,
            client=client,
            stakeholder=data["stakeholder"],
            project=data["project"],
            reason=Survey.Reason.PROJECT if data["project"] else Survey.Reason.MANUAL,
        ),
        success_url=lambda survey: _survey_url(survey.pk),
        success_message=_("The survey is sent: the link works for the days shown."),
        template="insights/survey_send.html",
        client=client,
    )


@login_required
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_survey_for(request.user, pk)
    user = request.user
    waiting = survey.status == Survey.Status.SENT
    to_follow_up = survey.low_score and survey.followed_up_at is None
    context = {
        "survey": survey,
        "waiting": waiting,
        "link_expired": waiting and survey.link_expires_at < timezone.now(),
        "can_resend": waiting and can_send_survey(user, survey.client),
        "follow_up_form": forms.FollowUpForm()
        if to_follow_up and can_follow_up_survey(user, survey.client)
        else None,
        "history": history_of(survey),
    }
    return render(request, "insights/survey_detail.html", context)


@login_required
@require_POST
def survey_resend(request: HttpRequest, pk: int) -> HttpResponse:
    """A new link and a new expiry; the earlier link stops working."""
    survey = get_survey_for(request.user, pk)
    run_and_tell(
        request,
        lambda: services.resend_survey(by=request.user, survey=survey),
        _("The survey is sent again with a new link; the earlier one stops working."),
    )
    return redirect(_survey_url(survey.pk))


@login_required
@require_POST
def survey_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    """Also posted from Today, with `next`: back there either way, the outcome said on top."""
    survey = get_survey_for(request.user, pk)
    run_and_tell(
        request,
        lambda: services.follow_up_survey(
            by=request.user, survey=survey, note=request.POST.get("note", "")
        ),
        _("The follow-up is logged on the client; the low score leaves your agenda."),
    )
    return redirect_back(request, default=_survey_url(survey.pk))


# --- The stakeholder's page behind the emailed link -----------------------------------------
@require_http_methods(["GET", "POST"])
def survey_public(request: HttpRequest, token: str) -> HttpResponse:
    """Public on purpose: the signed link is the only key, and anything wrong with it —
    tampered, expired, replaced by a later sending, garbage — gets the same friendly refusal
    (403), never an error page. In the site's language (the visitor's choice, else Vietnamese)."""
    response = _answer_page(request, token)
    # The token is in the address: no search engine lists it, no other site learns it from a
    # click ("same-origin" rather than "no-referrer", which fails the CSRF check of the answer),
    # no cache keeps the page.
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response


def _answer_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        survey = services.survey_from_link(token)
    except LinkRefused as refused:
        return _refused(request, refused)
    form = forms.SurveyAnswerForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_survey(
                token=token,
                csat=form.cleaned_data["csat"],
                nps=form.cleaned_data["nps"],
                comment=form.cleaned_data["comment"],
            )
        except LinkRefused as refused:
            return _refused(request, refused)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect(request.path)
    context = {
        "survey": survey,
        "form": form if survey.status == Survey.Status.SENT else None,
        "company": settings.KAM_COMPANY_NAME,
    }
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "insights/public_survey.html", context, status=status)


def _refused(request: HttpRequest, refused: DomainError) -> HttpResponse:
    context = {"message": refused.message, "company": settings.KAM_COMPANY_NAME}
    return render(request, "insights/public_survey_refused.html", context, status=403)


urlpatterns = [
    path("surveys/", survey_list, name="survey_list"),
    path("clients/<int:client_pk>/surveys/new/", survey_send, name="survey_send"),
    path("surveys/<int:pk>/", survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/resend/", survey_resend, name="survey_resend"),
    path("surveys/<int:pk>/follow-up/", survey_follow_up, name="survey_follow_up"),
    path("q/<str:token>/", survey_public, name="survey_public"),
]
