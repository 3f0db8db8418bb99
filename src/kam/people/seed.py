"""Demo people: the ten demo logins, two teams, the departments and their members."""

from django.conf import settings
from django.contrib.auth.hashers import make_password

from kam.core.seed import SeedContext, vietnamese_full_name
from kam.people import services
from kam.people.models import Department, User

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
EXTRA_MEMBERS_PER_DEPARTMENT = {"demo": 2}


def seed(ctx: SeedContext) -> None:
    # Hashed once: every demo login shares the public demo password, and hashing it per person
    # at full strength would make the first `kam up` wait for seconds.
    password_hash = make_password(settings.DEMO_PASSWORD)
    admin = services.create_first_admin(
        username="admin",
        password=settings.DEMO_PASSWORD,
        full_name="Phạm Quốc Anh",
        email="admin@example.com",
    )
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
        for number in range(1, EXTRA_MEMBERS_PER_DEPARTMENT[ctx.scale] + 1):
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
