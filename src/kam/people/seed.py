"""Demo people: the ten demo logins, two teams, the departments and their members."""

from django.conf import settings
from django.contrib.auth.hashers import make_password

from kam.core.seed import SeedContext, bulk_insert, vietnamese_full_name
from kam.people import services
from kam.people.models import Department, Team, User

# username, full name, roles, department code
DEMO_PEOPLE = [
    ("director", "Trần Minh Đức", {"is_director": True}, None),
    ("lan", "Nguyễn Thị Lan", {"is_kam": True}, None),
    ("hoa", "Lê Thu Hoa", {"is_kam": True}, None),
    ("director2", "Võ Thanh Hải", {"is_director": True}, None),
    ("minh", "Đặng Văn Minh", {"is_kam": True}, None),
    ("sales", "Bùi Ngọc Sơn", {"is_sales": True}, None),
    ("planner", "Phan Thảo Vy", {"is_planner": True}, "plan"),
    ("creative", "Hoàng Gia Bảo", {}, "creative"),
    ("finance", "Đỗ Thị Hằng", {"is_finance": True}, "finance"),
]
TEAMS = [
    ("Nhóm Khách hàng A", "director", ["lan", "hoa"]),
    ("Nhóm Khách hàng B", "director2", ["minh"]),
]
EXTRA_MEMBERS_PER_DEPARTMENT = 2


def seed(ctx: SeedContext) -> None:
    admin = services.create_first_admin(
        username="admin",
        password=settings.DEMO_PASSWORD,
        full_name="Phạm Quốc Anh",
        email="admin@example.com",
    )
    # Hashed once, for the admin: every demo login shares the public demo password, and hashing
    # it again per person at full strength would make the first `kam up` wait for seconds.
    password_hash = admin.password
    # The agency's departments come with the first migration.
    departments = {department.code: department for department in Department.objects.all()}
    people = {"admin": admin}
    for username, full_name, roles, department in DEMO_PEOPLE:
        people[username] = _demo_user(
            password_hash, admin, username, full_name, departments.get(department), **roles
        )
    for name, leader, members in TEAMS:
        team = services.create_team(by=admin, name=name, leader=people[leader])
        for username in members:
            services.update_user(by=admin, user=people[username], team=team)
    for code, department in departments.items():
        for number in range(1, EXTRA_MEMBERS_PER_DEPARTMENT + 1):
            _demo_user(
                password_hash, admin, f"{code}{number}", vietnamese_full_name(ctx), department
            )
    ctx.log.append(
        f"people: {User.objects.count()} users, {len(TEAMS)} teams, {len(departments)} departments"
    )


def _demo_user(
    password_hash: str, admin: User, username: str, full_name: str, department, **roles
) -> User:
    user = services.create_user(
        by=admin,
        username=username,
        full_name=full_name,
        email=f"{username}@example.com",
        department=department,
        **roles,
    )
    # Demo logins share one short password on purpose; seeding is refused in production.
    user.password = password_hash
    user.save(update_fields=["password"])
    return user


def seed_volume(ctx: SeedContext) -> None:
    """More teams, each led by a Director, KAMs spread over them, and the rest of the staff in
    the departments, Sales and planning; everyone signs in with the demo password."""
    volumes = ctx.volumes
    password_hash = make_password(settings.DEMO_PASSWORD)
    new_teams = volumes.teams - Team.objects.count()
    directors = bulk_insert(
        ctx,
        "directors",
        (
            _volume_user(ctx, password_hash, f"director{number:02d}", is_director=True)
            for number in range(3, 3 + new_teams)
        ),
        new_teams,
    )
    bulk_insert(
        ctx,
        "teams",
        (
            Team(name=f"Nhóm Khách hàng {number:02d}", leader=leader)
            for number, leader in enumerate(directors, start=3)
        ),
        new_teams,
    )
    teams = list(Team.objects.order_by("pk"))
    new_kams = volumes.kams - User.objects.filter(is_kam=True).count()
    bulk_insert(
        ctx,
        "KAMs",
        (
            _volume_user(ctx, password_hash, f"kam{number:03d}", is_kam=True,
                         team=teams[number % len(teams)])
            for number in range(1, new_kams + 1)
        ),
        new_kams,
    )  # fmt: skip
    departments = list(Department.objects.filter(is_active=True).order_by("pk"))
    others = volumes.users - User.objects.count()
    bulk_insert(
        ctx,
        "other staff",
        (_staff_member(ctx, password_hash, number, departments) for number in range(1, others + 1)),
        others,
    )
    ctx.log.append(f"people: {User.objects.count()} users, {len(teams)} teams")


def _staff_member(ctx: SeedContext, password_hash: str, number: int, departments: list) -> User:
    """Every fifth is in Sales, the others work in the departments in turn."""
    if number % 5 == 0:
        return _volume_user(ctx, password_hash, f"sales{number:03d}", is_sales=True)
    department = departments[number % len(departments)]
    return _volume_user(
        ctx,
        password_hash,
        f"{department.code}{number:03d}",
        department=department,
        is_planner=department.code == "plan",
    )


def _volume_user(ctx: SeedContext, password_hash: str, username: str, **fields) -> User:
    user = User(
        username=username,
        full_name=vietnamese_full_name(ctx),
        email=f"{username}@example.com",
        password=password_hash,
        **fields,
    )
    user.fill_search_text()
    return user
