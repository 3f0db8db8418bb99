"""Pages for signing in, one's own profile, and the people, teams and departments directory."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from kam.core.audit import history_of
from kam.core.errors import require
from kam.core.forms import posted, record_form_page, run_service
from kam.core.htmx import wants_fragment
from kam.core.http import redirect_back
from kam.people import forms, queries, services
from kam.people.permissions import can_manage_people


class SignInView(auth_views.LoginView):
    template_name = "people/login.html"
    authentication_form = forms.SignInForm
    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        """Never "next" back to the sign-in page itself (Django would see a redirect loop)."""
        url = super().get_redirect_url()
        return "" if urlsplit(url).path == self.request.path else url


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language: kept on the person, or in a cookie before sign-in."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    if request.user.is_authenticated:
        services.update_profile(by=request.user, language=language)
    response = redirect_back(request, "/")
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


# --- One's own profile ----------------------------------------------------------------------
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = forms.ProfileForm(posted(request), instance=request.user)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if run_service(form, lambda: services.update_profile(by=request.user, **data)):
            messages.success(request, _("Your profile is saved."))
            return redirect("people:profile")
    return _render_profile(request, profile_form=form)


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = forms.PasswordChangeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        changed = run_service(
            form,
            lambda: services.change_password(
                by=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            ),
        )
        if changed:
            update_session_auth_hash(request, changed)
            messages.success(request, _("Your password is changed."))
            return redirect("people:profile")
    return _render_profile(request, password_form=form)


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = forms.TokenForm(request.POST)
    created = None
    if form.is_valid():
        created = run_service(
            form, lambda: services.create_api_token(by=request.user, name=form.cleaned_data["name"])
        )
    if created:
        return _render_profile(request, new_key=created[1])
    return _render_profile(request, token_form=form)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = queries.get_token_for(request.user, pk)
    services.revoke_api_token(by=request.user, token=token)
    messages.success(request, _("The token is revoked."))
    if token.user_id != request.user.pk:
        return redirect("people:user_detail", pk=token.user_id)
    return redirect("people:profile")


def _render_profile(request: HttpRequest, **forms_and_key) -> HttpResponse:
    context = {
        "profile_form": forms.ProfileForm(instance=request.user),
        "password_form": forms.PasswordChangeForm(),
        "token_form": forms.TokenForm(),
        "tokens": queries.tokens_of(request.user),
        "history": history_of(request.user),
        **forms_and_key,
    }
    refused = any(
        getattr(form, "is_bound", False) and form.errors for form in forms_and_key.values()
    )
    return render(request, "people/profile.html", context, status=422 if refused else 200)


# --- People ---------------------------------------------------------------------------------
@login_required
@vary_on_headers("HX-Request")
def user_list(request: HttpRequest) -> HttpResponse:
    users = queries.users_for_list(request.user, search=request.GET.get("q", "").strip())
    template = (
        "people/partials/_user_rows.html" if wants_fragment(request) else "people/user_list.html"
    )
    return render(
        request, template, {"users": users, "can_manage": can_manage_people(request.user)}
    )


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = queries.get_user_for(request.user, pk)
    can_manage = can_manage_people(request.user)
    context = {
        "person": person,
        "history": queries.history_of_person(request.user, person),
        "can_manage": can_manage,
        # Admins see and revoke a person's tokens (a leaked key, someone leaving).
        "tokens": queries.tokens_of(person) if can_manage else [],
    }
    return render(request, "people/user_detail.html", context)


@login_required
def user_set_password(request: HttpRequest, pk: int) -> HttpResponse:
    require(can_manage_people(request.user))
    person = queries.get_user_for(request.user, pk)
    return record_form_page(
        request,
        forms.SetPasswordForm(posted(request)),
        save=lambda data: services.set_password(
            by=request.user, user=person, password=data["new_password"]
        ),
        success_url=lambda saved: reverse("people:user_detail", args=[saved.pk]),
        saved_message=_("The password is set."),
        title=_("Set the password of %(name)s") % {"name": person},
        cancel_url=reverse("people:user_detail", args=[pk]),
    )


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    require(can_manage_people(request.user))
    return record_form_page(
        request,
        forms.NewUserForm(posted(request)),
        save=lambda data: services.create_user(by=request.user, **data),
        success_url=lambda person: reverse("people:user_detail", args=[person.pk]),
        saved_message=_("The person is added."),
        title=_("New person"),
        cancel_url=reverse("people:user_list"),
    )


@login_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(can_manage_people(request.user))
    person = queries.get_user_for(request.user, pk)
    return record_form_page(
        request,
        forms.UserForm(posted(request), instance=person),
        save=lambda data: services.update_user(by=request.user, user=person, **data),
        success_url=lambda saved: reverse("people:user_detail", args=[saved.pk]),
        saved_message=_("The changes are saved."),
        title=person,
        cancel_url=reverse("people:user_detail", args=[pk]),
    )


# --- Teams ----------------------------------------------------------------------------------
@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    teams = queries.teams_for_list(request.user)
    return render(
        request,
        "people/team_list.html",
        {"teams": teams, "can_manage": can_manage_people(request.user)},
    )


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = queries.get_team_for(request.user, pk)
    context = {
        "team": team,
        "members": queries.team_members(team),
        "history": history_of(team),
        "can_manage": can_manage_people(request.user),
    }
    return render(request, "people/team_detail.html", context)


@login_required
def team_create(request: HttpRequest) -> HttpResponse:
    require(can_manage_people(request.user))
    return record_form_page(
        request,
        forms.TeamForm(posted(request)),
        save=lambda data: services.create_team(by=request.user, **data),
        success_url=lambda team: reverse("people:team_detail", args=[team.pk]),
        title=_("New team"),
        cancel_url=reverse("people:team_list"),
    )


@login_required
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(can_manage_people(request.user))
    team = queries.get_team_for(request.user, pk)
    return record_form_page(
        request,
        forms.TeamForm(posted(request), instance=team),
        save=lambda data: services.update_team(by=request.user, team=team, **data),
        success_url=lambda saved: reverse("people:team_detail", args=[saved.pk]),
        saved_message=_("The changes are saved."),
        title=team,
        cancel_url=reverse("people:team_detail", args=[pk]),
    )


# --- Departments ----------------------------------------------------------------------------
@login_required
def department_list(request: HttpRequest) -> HttpResponse:
    departments = queries.departments_for_list(request.user)
    context = {"departments": departments, "can_manage": can_manage_people(request.user)}
    return render(request, "people/department_list.html", context)


@login_required
def department_detail(request: HttpRequest, pk: int) -> HttpResponse:
    department = queries.get_department_for(request.user, pk)
    context = {
        "department": department,
        "members": queries.department_members(department),
        "history": history_of(department),
        "can_manage": can_manage_people(request.user),
    }
    return render(request, "people/department_detail.html", context)


@login_required
def department_create(request: HttpRequest) -> HttpResponse:
    require(can_manage_people(request.user))
    return record_form_page(
        request,
        forms.DepartmentForm(posted(request)),
        save=lambda data: services.create_department(by=request.user, **data),
        success_url=lambda department: reverse("people:department_detail", args=[department.pk]),
        title=_("New department"),
        cancel_url=reverse("people:department_list"),
    )


@login_required
def department_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(can_manage_people(request.user))
    department = queries.get_department_for(request.user, pk)
    return record_form_page(
        request,
        forms.DepartmentForm(posted(request), instance=department),
        save=lambda data: services.update_department(
            by=request.user, department=department, **data
        ),
        success_url=lambda saved: reverse("people:department_detail", args=[saved.pk]),
        saved_message=_("The changes are saved."),
        title=department,
        cancel_url=reverse("people:department_detail", args=[pk]),
    )
