"""Reads of people, teams and departments, each starting from what the user may see."""

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from kam.core import access
from kam.core.audit import history_of
from kam.core.search import matching
from kam.core.search import terms as search_terms
from kam.people.models import ApiToken, Department, Team, User

TOKEN_VERBS = ["token.created", "token.revoked"]


def users_visible_to(user: User) -> QuerySet[User]:
    """Admins see everybody; a Director the people of the teams they lead; a KAM their
    teammates; everyone themselves."""
    if access.is_admin(user):
        return User.objects.all()
    if not access.is_signed_in(user):
        return User.objects.none()
    scope = Q(pk=user.pk)
    if access.is_director(user):
        scope |= Q(team__leader=user)
    if access.is_kam(user) and user.team_id:
        scope |= Q(team_id=user.team_id)
    return User.objects.filter(scope).distinct()


def get_user_for(viewer: User, pk: int) -> User:
    """The same 404 for 'does not exist' and 'not yours'."""
    return get_object_or_404(users_visible_to(viewer), pk=pk)


def users_for_list(viewer: User, *, search: str = "", team_id: int | None = None) -> QuerySet[User]:
    users = users_visible_to(viewer).select_related("team", "department")
    users = matching(users, search_terms(search))
    if team_id:
        users = users.filter(team_id=team_id)
    return users.order_by("full_name", "username")


def teams_visible_to(user: User) -> QuerySet[Team]:
    """Admins see every team; a Director the teams they lead; a KAM their own team."""
    if access.is_admin(user):
        return Team.objects.all()
    scope = Q(pk__in=[])
    if access.is_director(user):
        scope |= Q(leader=user)
    if access.is_kam(user) and user.team_id:
        scope |= Q(pk=user.team_id)
    return Team.objects.filter(scope).distinct()


def get_team_for(viewer: User, pk: int) -> Team:
    return get_object_or_404(teams_visible_to(viewer).select_related("leader"), pk=pk)


def teams_for_list(viewer: User) -> QuerySet[Team]:
    return teams_visible_to(viewer).select_related("leader").annotate(member_count=Count("members"))


def team_members(team: Team) -> QuerySet[User]:
    return team.members.select_related("department").order_by("full_name")


def departments_visible_to(user: User) -> QuerySet[Department]:
    """Departments are a shared reference: every signed-in person sees them."""
    if not access.is_signed_in(user):
        return Department.objects.none()
    return Department.objects.all()


def get_department_for(viewer: User, pk: int) -> Department:
    return get_object_or_404(departments_visible_to(viewer), pk=pk)


def departments_for_list(viewer: User) -> QuerySet[Department]:
    return departments_visible_to(viewer).annotate(
        member_count=Count("members", filter=Q(members__is_active=True))
    )


def department_members(department: Department) -> QuerySet[User]:
    return department.members.filter(is_active=True).order_by("full_name")


def teams_to_choose() -> QuerySet[Team]:
    """Teams an admin may put a person in."""
    return Team.objects.order_by("name")


def departments_to_choose() -> QuerySet[Department]:
    """Departments still in use, for an admin's choice."""
    return Department.objects.filter(is_active=True).order_by("name")


def directors() -> QuerySet[User]:
    """People who may lead a team."""
    return User.objects.filter(is_director=True, is_active=True).order_by("full_name")


def history_of_person(viewer: User, person: User) -> QuerySet:
    """A person's history as the viewer may read it: their API tokens' names appear only to
    themselves and to admins."""
    if viewer.pk == person.pk or access.is_admin(viewer):
        return history_of(person)
    return history_of(person, exclude_verbs=TOKEN_VERBS)


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")


def get_token_for(viewer: User, pk: int) -> ApiToken:
    tokens = ApiToken.objects.all() if access.is_admin(viewer) else tokens_of(viewer)
    return get_object_or_404(tokens.select_related("user"), pk=pk)


def tokens_created_since(user: User, since) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user, created_at__gte=since).order_by("created_at"))
