"""API of the people app: the current user, users, teams, departments; bearer-token auth."""

from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from ninja.security import HttpBearer

from kam.core.api import ERRORS, BodyId, Flag, Id, Pagination
from kam.core.errors import DomainError, require
from kam.people import queries, services
from kam.people.models import Team, User
from kam.people.permissions import can_manage_people


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <personal token>`; a revoked token or an inactive user fails."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = services.user_for_api_key(token)
        if user is not None:
            request.user = user
            # The language middleware ran before the token was known: answer in theirs.
            translation.activate(user.language)
        return user


router = Router(tags=["people"])


# --- Schemas --------------------------------------------------------------------------------
class TeamRef(Schema):
    id: int
    name: str


class DepartmentRef(Schema):
    id: int
    code: str
    name: str = Field(alias="display_name")


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    language: str
    is_active: bool
    roles: list[str]
    team: TeamRef | None
    department: DepartmentRef | None

    @staticmethod
    def resolve_roles(user: User) -> list[str]:
        flags = ["is_superuser", "is_director", "is_kam", "is_sales", "is_planner", "is_finance"]
        names = ["admin", "director", "kam", "sales", "planner", "finance"]
        return [name for flag, name in zip(flags, names, strict=True) if getattr(user, flag)]


class ProfileIn(Schema):
    full_name: str | None = Field(None, min_length=1, max_length=150)
    email: str | None = Field(None, max_length=254)
    language: User.Language | None = None


class UserPatch(Schema):
    username: str | None = Field(None, min_length=1, max_length=150)
    full_name: str | None = Field(None, min_length=1, max_length=150)
    email: str | None = Field(None, max_length=254)
    language: User.Language | None = None
    team_id: BodyId | None = None
    department_id: BodyId | None = None
    is_kam: Flag | None = None
    is_director: Flag | None = None
    is_sales: Flag | None = None
    is_planner: Flag | None = None
    is_finance: Flag | None = None
    is_superuser: Flag | None = None
    is_active: Flag | None = None


class UserIn(UserPatch):
    username: str = Field(min_length=1, max_length=150)
    full_name: str = Field(min_length=1, max_length=150)
    password: str | None = Field(None, max_length=128)


class TeamOut(Schema):
    id: int
    name: str
    leader: TeamRef = Field(description="the Account Director: id and full name")
    member_ids: list[int]

    @staticmethod
    def resolve_leader(team: Team) -> dict:
        return {"id": team.leader_id, "name": str(team.leader)}

    @staticmethod
    def resolve_member_ids(team: Team) -> list[int]:
        return [member.pk for member in team.members.all()]


class TeamIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    leader_id: BodyId


class TeamPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    leader_id: BodyId | None = None


class DepartmentOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    is_active: bool


class DepartmentIn(Schema):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=120)
    name_en: str = Field("", max_length=120)
    is_active: Flag = True


class DepartmentPatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=40)
    name: str | None = Field(None, min_length=1, max_length=120)
    name_en: str | None = Field(None, max_length=120)
    is_active: Flag | None = None


def _resolve_refs(viewer: User, data: dict) -> dict:
    """Turn `team_id`, `department_id`, `leader_id` into records the caller may see, refusing
    unknown ones. Callers check permission first, so a refusal never reveals what exists."""
    refs = {
        "team_id": ("team", queries.teams_visible_to, gettext_lazy("There is no such team.")),
        "department_id": (
            "department",
            queries.departments_visible_to,
            gettext_lazy("There is no such department."),
        ),
        "leader_id": ("leader", queries.users_visible_to, gettext_lazy("There is no such person.")),
    }
    for key, (field, visible_to, unknown) in refs.items():
        if key in data:
            pk = data.pop(key)
            record = visible_to(viewer).filter(pk=pk).first() if pk is not None else None
            if pk is not None and record is None:
                raise DomainError(unknown, field=key)
            data[field] = record
    return data


def _require_people_manager(request: HttpRequest) -> None:
    require(can_manage_people(request.user))


# --- The current user -----------------------------------------------------------------------
@router.get("/me", response={200: UserOut, **ERRORS}, summary="The signed-in user")
def get_me(request: HttpRequest):
    return queries.get_user_for(request.user, request.user.pk)


@router.patch(
    "/me", response={200: UserOut, **ERRORS}, summary="Change one's own name, email or language"
)
def patch_me(request: HttpRequest, payload: ProfileIn):
    services.update_profile(by=request.user, **payload.dict(exclude_unset=True))
    return queries.get_user_for(request.user, request.user.pk)


# --- Users ----------------------------------------------------------------------------------
@router.get("/users", response={200: list[UserOut], **ERRORS}, summary="People the caller may see")
@paginate(Pagination)
def list_users(request: HttpRequest, q: str = Query("", max_length=200), team_id: Id | None = None):
    return queries.users_for_list(request.user, search=q, team_id=team_id)


@router.get("/users/{user_id}", response={200: UserOut, **ERRORS})
def get_user(request: HttpRequest, user_id: Id):
    return queries.get_user_for(request.user, user_id)


@router.post("/users", response={201: UserOut, **ERRORS}, summary="Add a person (admins)")
def create_user(request: HttpRequest, payload: UserIn):
    _require_people_manager(request)
    data = _resolve_refs(request.user, payload.dict(exclude_unset=True))
    user = services.create_user(by=request.user, **data)
    return Status(201, queries.get_user_for(request.user, user.pk))


@router.patch(
    "/users/{user_id}", response={200: UserOut, **ERRORS}, summary="Change a person (admins)"
)
def patch_user(request: HttpRequest, user_id: Id, payload: UserPatch):
    _require_people_manager(request)
    user = queries.get_user_for(request.user, user_id)
    data = _resolve_refs(request.user, payload.dict(exclude_unset=True))
    services.update_user(by=request.user, user=user, **data)
    return queries.get_user_for(request.user, user_id)


# --- Teams ----------------------------------------------------------------------------------
@router.get("/teams", response={200: list[TeamOut], **ERRORS})
@paginate(Pagination)
def list_teams(request: HttpRequest):
    return queries.teams_for_list(request.user).prefetch_related("members").order_by("name")


@router.get("/teams/{team_id}", response={200: TeamOut, **ERRORS})
def get_team(request: HttpRequest, team_id: Id):
    return queries.get_team_for(request.user, team_id)


@router.post("/teams", response={201: TeamOut, **ERRORS}, summary="Create a team (admins)")
def create_team(request: HttpRequest, payload: TeamIn):
    _require_people_manager(request)
    team = services.create_team(by=request.user, **_resolve_refs(request.user, payload.dict()))
    return Status(201, queries.get_team_for(request.user, team.pk))


@router.patch(
    "/teams/{team_id}", response={200: TeamOut, **ERRORS}, summary="Change a team (admins)"
)
def patch_team(request: HttpRequest, team_id: Id, payload: TeamPatch):
    _require_people_manager(request)
    team = queries.get_team_for(request.user, team_id)
    data = _resolve_refs(request.user, payload.dict(exclude_unset=True))
    services.update_team(by=request.user, team=team, **data)
    return queries.get_team_for(request.user, team_id)


# --- Departments ----------------------------------------------------------------------------
@router.get("/departments", response={200: list[DepartmentOut], **ERRORS})
@paginate(Pagination)
def list_departments(request: HttpRequest):
    return queries.departments_for_list(request.user).order_by("name")


@router.get("/departments/{department_id}", response={200: DepartmentOut, **ERRORS})
def get_department(request: HttpRequest, department_id: Id):
    return queries.get_department_for(request.user, department_id)


@router.post(
    "/departments", response={201: DepartmentOut, **ERRORS}, summary="Add a department (admins)"
)
def create_department(request: HttpRequest, payload: DepartmentIn):
    department = services.create_department(by=request.user, **payload.dict())
    return Status(201, department)


@router.patch(
    "/departments/{department_id}",
    response={200: DepartmentOut, **ERRORS},
    summary="Change a department (admins)",
)
def patch_department(request: HttpRequest, department_id: Id, payload: DepartmentPatch):
    department = queries.get_department_for(request.user, department_id)
    return services.update_department(
        by=request.user, department=department, **payload.dict(exclude_unset=True)
    )
