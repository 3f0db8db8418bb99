"""HTML input of the people pages; the rules live in services."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from kam.core.forms import ServiceModelForm
from kam.core.http import client_ip
from kam.people import queries, services
from kam.people.models import Department, Team, User


class SignInForm(AuthenticationForm):
    """Django's sign-in, with throttling of repeated failures and no demo password in
    production."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed sign-ins. Wait %(minutes)s minutes and try again."),
    }

    def clean(self):
        username = self.data.get("username") or ""
        if username and services.count_sign_in_attempt(
            username=username, ip_address=client_ip(self.request) if self.request else None
        ):
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": services.sign_in_lock_minutes()},
            )
        cleaned = super().clean()
        services.refuse_demo_password(cleaned.get("password", ""))
        if self.user_cache is not None:
            services.sign_in_succeeded(username=username)
        return cleaned


class ProfileForm(ServiceModelForm):
    class Meta:
        model = User
        fields = ["full_name", "email", "language"]


class SetPasswordForm(forms.Form):
    new_password = forms.CharField(
        label=_("New password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    new_password_again = forms.CharField(
        label=_("New password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_password") != cleaned.get("new_password_again"):
            self.add_error("new_password_again", _("The two new passwords differ."))
        return cleaned


class PasswordChangeForm(SetPasswordForm):
    """One's own password: the current one first, then the new one twice."""

    old_password = forms.CharField(
        label=_("Current password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["old_password", "new_password", "new_password_again"]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=100, help_text=_("e.g. the integration that uses it")
    )


class UserForm(ServiceModelForm):
    """An admin's form for a person's details and roles."""

    class Meta:
        model = User
        fields = services.USER_FIELDS
        labels = {"is_active": _("Active (may sign in)")}
        help_texts = {"username": "", "is_superuser": "", "is_active": ""}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = queries.teams_to_choose()
        self.fields["department"].queryset = queries.departments_to_choose()
        self.fields["department"].label_from_instance = lambda department: department.display_name


class NewUserForm(UserForm):
    password = forms.CharField(
        label=_("Initial password"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Leave empty to set it later on the person's page; they cannot sign in until then."
        ),
    )


class TeamForm(ServiceModelForm):
    class Meta:
        model = Team
        fields = ["name", "leader"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = queries.directors()


class DepartmentForm(ServiceModelForm):
    class Meta:
        model = Department
        fields = ["code", "name", "name_en", "is_active"]
