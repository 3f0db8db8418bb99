"""The access matrix: every page route and every API operation, discovered from the URL
resolver and the OpenAPI document, against every role, on a record of team A ("own": lan's side)
and of team B ("other": minh's side). Expectations come from the one table below; a route or
operation without an entry fails `test_every_route_and_operation_has_a_policy`."""

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kam.api import api
from kam.people import services
from tests.people.factories import DepartmentFactory

ROLES = [
    "admin",
    "director",
    "kam",
    "sales",
    "planner",
    "department_member",
    "finance",
    "anonymous",
]
PERSONA_OF_ROLE = {
    "admin": "admin",
    "director": "director",
    "kam": "lan",
    "sales": "sales",
    "planner": "planner",
    "department_member": "creative",
    "finance": "finance",
}
SIGNED_IN = [role for role in ROLES if role != "anonymous"]


def expect(ok=(), status=200, others=404, anonymous=302) -> dict[str, int]:
    """`status` for the roles in `ok`, `others` for the other signed-in roles."""
    table = {role: (status if role in ok else others) for role in SIGNED_IN}
    table["anonymous"] = anonymous
    return table


def everyone(status=200, anonymous=302) -> dict[str, int]:
    return expect(ok=SIGNED_IN, status=status, anonymous=anonymous)


ADMIN_ONLY = expect(ok=["admin"])
# Records of team A: the admin, team A's Director and lan (the KAM) see them; team B's: only admin.
OWN_TEAM = expect(ok=["admin", "director", "kam"])

# route name -> {role: status}, or {"own": {role: status}, "other": {...}} for a record's route
PAGES = {
    "core:home": everyone(),
    "core:healthz": everyone(anonymous=200),
    "people:login": {**expect(ok=SIGNED_IN, status=302), "anonymous": 200},
    "people:logout": everyone(405, anonymous=405),
    "people:set_language": everyone(405, anonymous=405),
    "people:profile": everyone(),
    "people:password_change": everyone(),
    "people:token_create": everyone(405),
    "people:token_revoke": {"own": everyone(405), "other": everyone(405)},
    "people:user_list": everyone(),
    "people:user_create": ADMIN_ONLY,
    "people:user_detail": {"own": OWN_TEAM, "other": ADMIN_ONLY},
    "people:user_edit": {"own": ADMIN_ONLY, "other": ADMIN_ONLY},
    "people:user_set_password": {"own": ADMIN_ONLY, "other": ADMIN_ONLY},
    "people:team_list": everyone(),
    "people:team_create": ADMIN_ONLY,
    "people:team_detail": {"own": OWN_TEAM, "other": ADMIN_ONLY},
    "people:team_edit": {"own": ADMIN_ONLY, "other": ADMIN_ONLY},
    "people:department_list": everyone(),
    "people:department_create": ADMIN_ONLY,
    "people:department_detail": {"own": everyone(), "other": everyone()},
    "people:department_edit": {"own": ADMIN_ONLY, "other": ADMIN_ONLY},
    # Django's admin site sends everybody but admins to its own sign-in page.
    "admin:index": expect(ok=["admin"], others=302),
    "api:openapi-json": everyone(anonymous=200),
    "api:openapi-view": everyone(anonymous=200),
}
# An empty POST to every route that takes one: 422 is a refused (empty) form, 200 the sign-in
# page shown again, 302 a done deed or the way to sign in.
ADMIN_FORM = expect(ok=["admin"], status=422)
POSTS = {
    "people:login": {**expect(ok=SIGNED_IN, status=302), "anonymous": 200},
    "people:logout": everyone(302),
    "people:set_language": everyone(302),
    "people:profile": everyone(422),
    "people:password_change": everyone(422),
    "people:token_create": everyone(422),
    "people:token_revoke": {
        "own": expect(ok=["admin", "kam"], status=302),
        "other": expect(ok=["admin"], status=302),
    },
    "people:user_create": ADMIN_FORM,
    "people:user_edit": {"own": ADMIN_FORM, "other": ADMIN_FORM},
    "people:user_set_password": {"own": ADMIN_FORM, "other": ADMIN_FORM},
    "people:team_create": ADMIN_FORM,
    "people:team_edit": {"own": ADMIN_FORM, "other": ADMIN_FORM},
    "people:department_create": ADMIN_FORM,
    "people:department_edit": {"own": ADMIN_FORM, "other": ADMIN_FORM},
}
# The record kind behind each route's <pk>.
PAGE_RECORDS = {
    "token_revoke": "token",
    "user_": "user",
    "team_": "team",
    "department_": "department",
}

API_ADMIN_ONLY = expect(ok=["admin"], anonymous=401)
API_CREATED_BY_ADMIN = expect(ok=["admin"], status=201, anonymous=401)
API_EVERYONE = everyone(anonymous=401)
API_OWN_TEAM = expect(ok=["admin", "director", "kam"], anonymous=401)

# "METHOD /path" -> (expectations, JSON body for writes)
OPERATIONS = {
    "GET /api/v1/me": (API_EVERYONE, None),
    "PATCH /api/v1/me": (API_EVERYONE, {"language": "en"}),
    "GET /api/v1/users": (API_EVERYONE, None),
    "POST /api/v1/users": (API_CREATED_BY_ADMIN, {"username": "moi", "full_name": "Người Mới"}),
    "GET /api/v1/users/{user_id}": ({"own": API_OWN_TEAM, "other": API_ADMIN_ONLY}, None),
    "PATCH /api/v1/users/{user_id}": (
        {"own": API_ADMIN_ONLY, "other": API_ADMIN_ONLY},
        {"email": "doi@example.com"},
    ),
    "GET /api/v1/teams": (API_EVERYONE, None),
    "POST /api/v1/teams": (API_CREATED_BY_ADMIN, {"name": "Nhóm Z", "leader_id": "{director}"}),
    "GET /api/v1/teams/{team_id}": ({"own": API_OWN_TEAM, "other": API_ADMIN_ONLY}, None),
    "PATCH /api/v1/teams/{team_id}": (
        {"own": API_ADMIN_ONLY, "other": API_ADMIN_ONLY},
        {"name": "Nhóm Z"},
    ),
    "GET /api/v1/departments": (API_EVERYONE, None),
    "POST /api/v1/departments": (API_CREATED_BY_ADMIN, {"code": "zz", "name": "Phòng Z"}),
    "GET /api/v1/departments/{department_id}": ({"own": API_EVERYONE, "other": API_EVERYONE}, None),
    "PATCH /api/v1/departments/{department_id}": (
        {"own": API_ADMIN_ONLY, "other": API_ADMIN_ONLY},
        {"name": "Phòng Z"},
    ),
}
API_RECORDS = {"{user_id}": "user", "{team_id}": "team", "{department_id}": "department"}


# --- Discovery ------------------------------------------------------------------------------
def discovered_routes() -> dict[str, list[str]]:
    """Every named page route (name -> its URL arguments), leaving out the API (its operations
    are checked from the OpenAPI document) and the admin site's pages past its index."""
    routes: dict[str, list[str]] = {}

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}{pattern.name}"
                if name.startswith("admin:") and name != "admin:index":
                    continue
                if name.startswith("api:") and not name.startswith("api:openapi"):
                    continue
                routes[name] = list(pattern.pattern.converters)

    walk(get_resolver().url_patterns)
    return routes


def discovered_operations() -> set[str]:
    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item}


def test_every_route_and_operation_has_a_policy():
    routes = discovered_routes()
    assert sorted(set(routes) - set(PAGES)) == [], "page routes without an entry in PAGES"
    assert sorted(set(PAGES) - set(routes)) == [], "entries in PAGES for routes that do not exist"
    operations = discovered_operations()
    assert sorted(operations - set(OPERATIONS)) == [], "API operations without an entry"
    assert sorted(set(OPERATIONS) - operations) == [], (
        "entries for API operations that do not exist"
    )


def _cases(table: dict) -> list[tuple]:
    cases = []
    for name, policy in table.items():
        sides = (
            ["own", "other"]
            if "own" in (policy[0] if isinstance(policy, tuple) else policy)
            else [None]
        )
        for side in sides:
            for role in ROLES:
                cases.append((name, side, role))
    return cases


# --- Records --------------------------------------------------------------------------------
@pytest.fixture
def records(everyone, team_a, team_b, minh):
    """One record of each kind on team A's side ("own") and on team B's ("other")."""
    lan_token, _key = services.create_api_token(by=everyone["lan"], name="lan")
    minh_token, _key = services.create_api_token(by=minh, name="minh")
    finance_department = DepartmentFactory(code="finance", name="Tài chính")
    return {
        "own": {
            "user": everyone["lan"],
            "team": team_a,
            "department": everyone["creative"].department,
            "token": lan_token,
        },
        "other": {
            "user": minh,
            "team": team_b,
            "department": finance_department,
            "token": minh_token,
        },
    }


def _client_for(role, everyone, client):
    if role != "anonymous":
        client.force_login(everyone[PERSONA_OF_ROLE[role]])
    return client


# --- Pages ----------------------------------------------------------------------------------
def _page_url(name: str, side, records) -> str:
    args = []
    if discovered_routes()[name]:
        kind = next(
            kind for prefix, kind in PAGE_RECORDS.items() if name.split(":")[1].startswith(prefix)
        )
        args = [records[side][kind].pk]
    return reverse(name, args=args)


@pytest.mark.parametrize("name,side,role", _cases(PAGES))
def test_page_access(name, side, role, everyone, records, client):
    policy = PAGES[name]
    expected = policy[side][role] if side else policy[role]
    response = _client_for(role, everyone, client).get(_page_url(name, side, records))
    assert response.status_code == expected, f"{role} GET {name} ({side})"
    if expected == 302 and role == "anonymous" and name != "admin:index":
        assert response["Location"].startswith(reverse("people:login"))


@pytest.mark.parametrize("name,side,role", _cases(POSTS))
def test_page_writes(name, side, role, everyone, records, client):
    policy = POSTS[name]
    expected = policy[side][role] if side else policy[role]
    response = _client_for(role, everyone, client).post(_page_url(name, side, records), {})
    assert response.status_code == expected, f"{role} POST {name} ({side})"


def test_every_write_route_is_in_the_table_of_writes():
    assert set(POSTS) <= set(discovered_routes())


# --- API ------------------------------------------------------------------------------------
def _api_path(operation: str, side, records) -> str:
    path = operation.split(" ", 1)[1]
    for placeholder, kind in API_RECORDS.items():
        path = (
            path.replace(placeholder, str(records[side][kind].pk)) if placeholder in path else path
        )
    return path


@pytest.mark.parametrize("auth", ["bearer", "session"])
@pytest.mark.parametrize("operation,side,role", _cases(OPERATIONS))
def test_api_access(operation, side, role, auth, everyone, records, client):
    policy, body = OPERATIONS[operation]
    expected = policy[side][role] if side else policy[role]
    headers = {}
    if role != "anonymous":
        if auth == "bearer":
            _token, key = services.create_api_token(
                by=everyone[PERSONA_OF_ROLE[role]], name="matrix"
            )
            headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        else:
            client.force_login(everyone[PERSONA_OF_ROLE[role]])
    method = operation.split(" ", 1)[0].lower()
    data = json.dumps(body).replace('"{director}"', str(everyone["director"].pk)) if body else None
    response = getattr(client, method)(
        _api_path(operation, side, records), data=data, content_type="application/json", **headers
    )
    assert response.status_code == expected, (
        f"{role} {operation} ({side}, {auth}): {response.content[:200]}"
    )
    assert response["Content-Type"].startswith("application/json")
