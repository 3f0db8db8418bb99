"""Every change to people, teams, departments, tokens and sign-in throttling."""

import hashlib
import secrets
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.core.audit import created, record_change, record_event, snapshot
from kam.core.errors import DomainError, require
from kam.core.saving import assign, validated_save
from kam.people.models import ApiToken, Department, LoginFailure, Team, User
from kam.people.permissions import can_manage_people, can_revoke_token

VERB_LABELS = {
    "user.created": gettext_lazy("created the user"),
    "user.updated": gettext_lazy("changed the user"),
    "user.password_changed": gettext_lazy("changed the password"),
    "user.password_set": gettext_lazy("set the password"),
    "team.created": gettext_lazy("created the team"),
    "team.updated": gettext_lazy("changed the team"),
    "department.created": gettext_lazy("created the department"),
    "department.updated": gettext_lazy("changed the department"),
    "token.created": gettext_lazy("created an API token"),
    "token.revoked": gettext_lazy("revoked an API token"),
}

USER_FIELDS = [
    "username",
    "full_name",
    "email",
    "language",
    "team",
    "department",
    "is_kam",
    "is_director",
    "is_sales",
    "is_planner",
    "is_finance",
    "is_superuser",
    "is_active",
]
PROFILE_FIELDS = ["full_name", "email", "language"]
TEAM_FIELDS = ["name", "leader"]
DEPARTMENT_FIELDS = ["code", "name", "name_en", "is_active"]
TOKEN_PREFIX = "kam_"  # noqa: S105 - marks kam keys in logs and secret scanners; not a secret


# --- Users ----------------------------------------------------------------------------------
@transaction.atomic
def create_first_admin(*, username: str, password: str, full_name: str, email: str = "") -> User:
    """Create the first admin of an empty installation (nobody exists yet to authorise it)."""
    if User.objects.exists():
        raise DomainError(_("The first admin exists already; admins add people from now on."))
    user = User(
        username=username, full_name=full_name, email=email, is_superuser=True, is_staff=True
    )
    user.set_password(password)
    _validated_save(user, field="username", message=_("This username is already taken."))
    record_event(subject=user, verb="user.created", by=None, changes=created(_user_snapshot(user)))
    return user


@transaction.atomic
def create_user(*, by: User, username: str, password: str | None = None, **fields) -> User:
    """Create a person; an admin's job. Without a password the person cannot sign in until one
    is set, so nobody gets a guessable default."""
    require(can_manage_people(by))
    user = User(username=username.strip())
    _assign(user, fields)
    if password:
        _validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    _validated_save(user, field="username", message=_("This username is already taken."))
    record_event(subject=user, verb="user.created", by=by, changes=created(_user_snapshot(user)))
    return user


@transaction.atomic
def update_user(*, by: User, user: User, **fields) -> User:
    """Change a person's details, roles, team or department; an admin's job."""
    require(can_manage_people(by))
    if user.pk == by.pk and (
        fields.get("is_superuser") is False or fields.get("is_active") is False
    ):
        raise DomainError(_("You cannot remove your own admin rights or deactivate yourself."))
    leads = list(user.led_teams.values_list("name", flat=True))
    if leads and (fields.get("is_director") is False or fields.get("is_active") is False):
        raise DomainError(
            _("%(name)s leads %(teams)s: give the team another Account Director first.")
            % {"name": user, "teams": ", ".join(leads)},
            field="is_director",
        )
    before = _user_snapshot(user)
    _assign(user, fields)
    _validated_save(
        user, field="username", message=_("This username is already taken."), update_fields=fields
    )
    record_change(
        subject=user, verb="user.updated", by=by, before=before, after=_user_snapshot(user)
    )
    return user


@transaction.atomic
def update_profile(*, by: User, **fields) -> User:
    """Change one's own name, email and interface language."""
    if set(fields) - set(PROFILE_FIELDS):
        raise DomainError(_("Only your name, email and language can be changed on your profile."))
    before = snapshot(by, PROFILE_FIELDS)
    _assign(by, fields)
    _validated_save(by, update_fields=[*fields])
    record_change(
        subject=by, verb="user.updated", by=by, before=before, after=snapshot(by, PROFILE_FIELDS)
    )
    return by


def change_password(*, by: User, old_password: str, new_password: str) -> User:
    """Change one's own password after proving the old one. Guessing the current password from
    a stolen session counts like guessing at sign-in; the count is written outside the change's
    transaction, so a refused guess still counts."""
    if count_sign_in_attempt(username=by.get_username(), ip_address=None):
        raise DomainError(
            _("Too many failed attempts. Wait %(minutes)s minutes and try again.")
            % {"minutes": settings.KAM_LOGIN_LOCK_MINUTES},
            field="old_password",
        )
    if not by.check_password(old_password):
        raise DomainError(_("Your current password is not correct."), field="old_password")
    sign_in_succeeded(username=by.get_username())  # proven, even if the new one is refused
    with transaction.atomic():
        _validate_password(new_password, by)
        by.set_password(new_password)
        by.save(update_fields=["password"])
        record_event(subject=by, verb="user.password_changed", by=by)
    return by


@transaction.atomic
def set_password(*, by: User, user: User, password: str) -> User:
    """An admin sets a person's password: the first one, or a new one when it is forgotten."""
    require(can_manage_people(by))
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    record_event(subject=user, verb="user.password_set", by=by)
    return user


def _user_snapshot(user: User) -> dict:
    return snapshot(user, USER_FIELDS)


def _assign(obj, fields: dict) -> None:
    assign(obj, fields)
    if isinstance(obj, User):
        obj.is_staff = obj.is_superuser  # Django's admin site is for admins only
        if not obj.full_name:
            raise DomainError(_("A full name is required."), field="full_name")


def _validate_password(password: str, user: User) -> None:
    try:
        refuse_demo_password(password)
        validate_password(password, user)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), field="password") from error


def _validated_save(obj, *, field: str = "", message: str = "", update_fields=None) -> None:
    # The admin-site flag follows the admin role; a password is never written back by accident.
    also = ("is_staff",) if isinstance(obj, User) else ()
    validated_save(
        obj,
        field=field,
        message=message,
        update_fields=update_fields,
        also=also,
        exclude=["password"],
    )


# --- Teams and departments ------------------------------------------------------------------
@transaction.atomic
def create_team(*, by: User, name: str, leader: User) -> Team:
    """Create a team of KAMs led by an Account Director."""
    require(can_manage_people(by))
    _require_director(leader)
    team = Team(name=name.strip(), leader=leader)
    _validated_save(team, field="name", message=_("A team with this name already exists."))
    record_event(
        subject=team, verb="team.created", by=by, changes=created(snapshot(team, TEAM_FIELDS))
    )
    return team


@transaction.atomic
def update_team(*, by: User, team: Team, **fields) -> Team:
    """Rename a team or give it another Account Director."""
    require(can_manage_people(by))
    if "leader" in fields:
        _require_director(fields["leader"])
    before = snapshot(team, TEAM_FIELDS)
    _assign(team, fields)
    _validated_save(
        team, field="name", message=_("A team with this name already exists."), update_fields=fields
    )
    record_change(
        subject=team, verb="team.updated", by=by, before=before, after=snapshot(team, TEAM_FIELDS)
    )
    return team


def _require_director(user: User | None) -> None:
    if user is None or not (user.is_director and user.is_active):
        raise DomainError(_("A team is led by an active Account Director."), field="leader")


@transaction.atomic
def create_department(*, by: User, **fields) -> Department:
    """Add a department that can receive tasks."""
    require(can_manage_people(by))
    department = Department()
    _assign(department, fields)
    _validated_save(
        department, field="code", message=_("A department with this code already exists.")
    )
    record_event(
        subject=department,
        verb="department.created",
        by=by,
        changes=created(snapshot(department, DEPARTMENT_FIELDS)),
    )
    return department


@transaction.atomic
def update_department(*, by: User, department: Department, **fields) -> Department:
    """Rename, recode or retire a department (retired ones keep their history)."""
    require(can_manage_people(by))
    before = snapshot(department, DEPARTMENT_FIELDS)
    _assign(department, fields)
    _validated_save(
        department,
        field="code",
        message=_("A department with this code already exists."),
        update_fields=fields,
    )
    record_change(
        subject=department,
        verb="department.updated",
        by=by,
        before=before,
        after=snapshot(department, DEPARTMENT_FIELDS),
    )
    return department


# --- API tokens -----------------------------------------------------------------------------
def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_api_token(*, by: User, name: str) -> tuple[ApiToken, str]:
    """Issue a personal API token for the acting user; returns the token and its key, which is
    shown this once and never stored."""
    name = name.strip()
    if not name:
        raise DomainError(
            _("Give the token a name, e.g. the integration that uses it."), field="name"
        )
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=by, name=name[:100], prefix=key[:12], key_hash=_hash(key))
    record_event(
        subject=by, verb="token.created", by=by, changes={"api_tokens": [None, str(token)]}
    )
    return token, key


@transaction.atomic
def revoke_api_token(*, by: User, token: ApiToken) -> ApiToken:
    """Revoke a token at once; requests carrying it are refused from now on."""
    require(can_revoke_token(by, token))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(
            subject=token.user,
            verb="token.revoked",
            by=by,
            changes={"api_tokens": [str(token), None]},
        )
    return token


def user_for_api_key(key: str) -> User | None:
    """The active user behind a bearer key, or None; marks the token as used."""
    if not key.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Written at most once a minute, so busy integrations do not write on every request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- Sign-in throttling ---------------------------------------------------------------------
def sign_in_key(username: str) -> str:
    """The name attempts are counted under: the one Django signs in with (NFKC-normalised, so
    the full-width spelling of "lan" is "lan"), ignoring case."""
    return unicodedata.normalize("NFKC", username).strip().casefold()[:150]


@transaction.atomic
def count_sign_in_attempt(*, username: str, ip_address: str | None) -> bool:
    """Count an attempt before the password is checked, and say whether signing in is locked.
    Every attempt counts as a failure until it succeeds, so a burst of concurrent guesses cannot
    all pass the check. An address gets more room than a username, since an office shares one."""
    key = sign_in_key(username)
    LoginFailure.objects.create(username=key, ip_address=ip_address)
    limit = settings.KAM_LOGIN_MAX_FAILURES
    if _recent_failures(username=key) > limit:
        return True
    return bool(ip_address) and _recent_failures(ip_address=ip_address) > limit * 4


def _recent_failures(**lookup) -> int:
    since = timezone.now() - timedelta(minutes=settings.KAM_LOGIN_LOCK_MINUTES)
    return LoginFailure.objects.filter(at__gte=since, **lookup).count()


def sign_in_succeeded(*, username: str) -> None:
    """A right password clears the username's count."""
    LoginFailure.objects.filter(username=sign_in_key(username)).delete()


def sign_in_lock_minutes() -> int:
    return settings.KAM_LOGIN_LOCK_MINUTES


def refuse_demo_password(password: str) -> None:
    """Production never signs anybody in with the demo data set's password."""
    if settings.PRODUCTION and password == settings.DEMO_PASSWORD:
        raise ValidationError(_("The demo password is not allowed in production."), code="demo")


def forget_old_sign_in_failures() -> int:
    """Drop failures older than a day; they no longer count towards any lock."""
    deleted, _rows = LoginFailure.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()
    return deleted
