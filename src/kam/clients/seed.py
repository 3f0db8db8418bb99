"""Demo clients: about 40, 8 of them key, with stakeholders, account teams and six months of
interactions; some key clients have gone quiet so the flag shows."""

from datetime import timedelta

from django.utils import timezone

from kam.clients import services
from kam.clients.models import AgencyService, Client, Interaction, Stakeholder
from kam.core.seed import SeedContext, vietnamese_full_name
from kam.people.models import Department, User

# legal name, short name, tax code, industry, tier, status, owner
NAMED_CLIENTS = [
    ("Công ty Cổ phần Sữa Việt", "Sữa Việt", "0312345673", "fmcg", "key", "active", "lan"),
    ("Công ty TNHH Nước giải khát Sông Hồng", "Sông Hồng Drinks", "", "food_beverage", "key",
     "active", "lan"),
    ("Ngân hàng TMCP Phương Đông Số", "PĐS Bank", "", "finance", "key", "active", "hoa"),
    ("Công ty Cổ phần Ô tô Trường Hải Nam", "THN Auto", "", "automotive", "key", "active", "hoa"),
    ("Công ty TNHH Mỹ phẩm Hoa Sen", "Hoa Sen Beauty", "", "fashion_beauty", "key", "active",
     "minh"),
    ("Tập đoàn Bất động sản Đất Xanh Miền Nam", "Đất Xanh Nam", "", "real_estate", "key",
     "dormant", "minh"),
    ("Công ty Cổ phần Bán lẻ Điện máy Sao Việt", "Sao Việt Retail", "", "retail", "key", "active",
     "lan"),
    ("Công ty TNHH Bảo hiểm Nhân thọ An Tâm", "An Tâm Life", "", "insurance", "key", "active",
     "minh"),
]  # fmt: skip
OWNERS = ["lan", "hoa", "minh"]
INDUSTRIES = [choice for choice, _label in Client.Industry.choices]
COMPANY_FORMS = ["Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV"]
BUSINESS_WORDS = [
    "Thực phẩm",
    "Du lịch",
    "Công nghệ",
    "Thời trang",
    "Giáo dục",
    "Dược phẩm",
    "Nội thất",
    "Logistics",
    "Năng lượng",
    "Viễn thông",
    "Đồ uống",
    "Gia dụng",
]
PLACE_WORDS = [
    "Bình Minh",
    "Phú Thịnh",
    "Hưng Long",
    "Thành Công",
    "Đại Dương",
    "Ánh Dương",
    "Kim Cương",
    "Hoàng Gia",
    "Tân Tiến",
    "Việt Úc",
    "Á Châu",
    "Mê Kông",
]
TITLES = [
    ("Giám đốc Marketing", "decision_maker"),
    ("Tổng Giám đốc", "decision_maker"),
    ("Trưởng phòng Thương hiệu", "influencer"),
    ("Brand Manager", "user"),
    ("Chuyên viên Truyền thông", "user"),
    ("Kế toán trưởng", "finance"),
]
SUMMARIES = [
    ("meeting", "Họp khởi động chiến dịch, thống nhất mục tiêu quý.", "Khách đồng ý hướng đi."),
    ("call", "Gọi hỏi tiến độ phản hồi đề xuất.", "Khách hẹn trả lời cuối tuần."),
    ("email", "Gửi báo cáo hiệu quả chiến dịch tháng trước.", ""),
    ("visit", "Thăm văn phòng khách hàng, gặp đội thương hiệu mới.", "Quen thêm hai đầu mối."),
    ("call", "Trao đổi về ngân sách năm sau.", "Khách thấy báo giá hơi cao."),
    ("note", "Khách sắp đổi Giám đốc Marketing, cần gặp người mới.", ""),
]  # fmt: skip


def seed(ctx: SeedContext) -> None:
    people = {user.username: user for user in User.objects.filter(username__in=[*OWNERS, "admin",
              "director", "director2", "planner", "finance"])}  # fmt: skip
    admin = people["admin"]
    now = timezone.now()
    clients = [
        services.create_client(
            by=admin, legal_name=legal, short_name=short, tax_code=code or _tax_code(ctx),
            industry=industry, tier=tier, status=status, owner=people[owner],
            address=ctx.fake.address().replace("\n", ", "),
        )
        for legal, short, code, industry, tier, status, owner in NAMED_CLIENTS
    ]  # fmt: skip
    for number in range(32):
        legal = (
            f"{ctx.rng.choice(COMPANY_FORMS)} {ctx.rng.choice(BUSINESS_WORDS)} "
            f"{ctx.rng.choice(PLACE_WORDS)} {number + 1}"
        )
        clients.append(
            services.create_client(
                by=admin,
                legal_name=legal,
                tax_code=_tax_code(ctx),
                industry=ctx.rng.choice(INDUSTRIES),
                tier=ctx.rng.choice(["growth", "standard", "standard"]),
                status=ctx.rng.choice(["prospect", "active", "active", "dormant", "lost"]),
                potential=ctx.rng.choice(["low", "medium", "high"]),
                owner=people[OWNERS[number % len(OWNERS)]],
                address=ctx.fake.address().replace("\n", ", "),
            )
        )
    services.update_client(by=admin, client=clients[6], parent=clients[0])  # a brand in a group
    services.add_team_member(by=admin, client=clients[0], user=people["hoa"], role="executive")
    services.add_team_member(by=admin, client=clients[0], user=people["planner"], role="planner")
    _terms(admin, clients[:8], now.date())
    _requests(ctx, clients[:8], now.date())
    _plans(ctx, clients[:8], now.date())
    interactions = 0
    for index, client in enumerate(clients):
        stakeholders = [_stakeholder(ctx, admin, client) for _n in range(ctx.rng.randint(2, 5))]
        # Two key clients have gone quiet: their last contact is two months old.
        quiet = client.tier == "key" and index in (3, 5)
        interactions += _history(ctx, client, stakeholders, now, quiet)
    ctx.log.append(
        f"clients: {len(clients)} clients, {Stakeholder.objects.count()} stakeholders, "
        f"{interactions} interactions"
    )


def _terms(admin: User, key_clients: list[Client], today) -> None:
    """Each key client: a rate card discount in force, a service level waiting for its
    Director, and an expired distribution deal kept as history."""
    for client in key_clients:
        discount = services.propose_term(
            by=client.owner, client=client, kind="price", rate_percent=10,
            description="Chiết khấu 10% trên bảng giá dịch vụ sáng tạo",
            valid_from=today - timedelta(days=120), valid_until=today + timedelta(days=245),
        )  # fmt: skip
        services.approve_term(by=admin, term=discount)
        services.propose_term(
            by=client.owner, client=client, kind="service",
            description="Phản hồi brief trong 24 giờ làm việc", valid_from=today,
        )  # fmt: skip
        old = services.propose_term(
            by=client.owner, client=client, kind="distribution",
            description="Ưu tiên suất quảng cáo ngoài trời dịp Tết",
            valid_from=today - timedelta(days=400), valid_until=today - timedelta(days=300),
        )  # fmt: skip
        services.approve_term(by=admin, term=old)


REQUESTS = [
    ("request", "Thêm 2 phiên bản TVC 15 giây cho TikTok", "medium", "production"),
    ("complaint", "Báo cáo tháng gửi trễ 5 ngày", "high", "media"),
    ("request", "Đề xuất KOL thay thế cho mùa Tết", "low", "kol"),
    ("complaint", "Sai logo trên banner sự kiện", "critical", "creative"),
]


def _requests(ctx: SeedContext, key_clients: list[Client], today) -> None:
    """Open and resolved requests and complaints on the key clients, routed to departments."""
    departments = {department.code: department for department in Department.objects.all()}
    for index, client in enumerate(key_clients):
        kind, title, severity, department = REQUESTS[index % len(REQUESTS)]
        members = list(departments[department].members.filter(is_active=True)[:1])
        item = services.log_request(
            by=client.owner, client=client, kind=kind, title=title, severity=severity,
            department=departments[department], assignee=members[0] if members else None,
            due_on=today + timedelta(days=ctx.rng.randint(-2, 10)),
        )  # fmt: skip
        if index % 3 == 2:
            services.resolve_request(
                by=client.owner, item=item, resolution="Đã xử lý và xác nhận với khách hàng."
            )


PLAYS = [
    ("Giới thiệu gói digital trọn năm", "digital"),
    ("Đề xuất chiến dịch KOL cho mùa cao điểm", "kol"),
    ("Chào gói nghiên cứu người tiêu dùng", "research"),
]


def _plans(ctx: SeedContext, key_clients: list[Client], today) -> None:
    """This year's plan for each key client: objectives, whitespace, three plays."""
    catalogue = {service.code: service for service in AgencyService.objects.all()}
    for client in key_clients:
        plan = services.create_plan(
            by=client.owner, client=client, year=today.year,
            objectives="Tăng doanh thu 20% so với năm trước; trở thành agency chính cho Tết.",
            whitespace=[catalogue["digital"], catalogue["kol"], catalogue["research"]],
            renewal_on=today + timedelta(days=ctx.rng.randint(20, 200)),
            renewal_note="Hợp đồng dịch vụ sáng tạo năm",
        )  # fmt: skip
        for number, (title, code) in enumerate(PLAYS):
            services.add_play(
                by=client.owner, plan=plan, title=title, service=catalogue[code],
                owner=client.owner, due_on=today + timedelta(days=30 * (number + 1)),
                status=["done", "in_progress", "planned"][number],
            )  # fmt: skip


def _tax_code(ctx: SeedContext) -> str:
    """A random tax code with a correct check digit."""
    while True:
        digits = [ctx.rng.randint(0, 9) for _n in range(9)]
        weights = (31, 29, 23, 19, 17, 13, 7, 5, 3)
        check = 10 - sum(w * d for w, d in zip(weights, digits, strict=True)) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)


def _stakeholder(ctx: SeedContext, admin: User, client: Client) -> Stakeholder:
    title, role = ctx.rng.choice(TITLES)
    return services.add_stakeholder(
        by=admin,
        client=client,
        full_name=vietnamese_full_name(ctx),
        title=title,
        decision_role=role,
        influence=ctx.rng.randint(1, 5),
        relationship=ctx.rng.randint(1, 5),
        preferred_channel=ctx.rng.choice(["phone", "email", "zalo", "meeting"]),
        email=ctx.fake.email(),
        phone=f"09{ctx.rng.randint(10_000_000, 99_999_999)}",
    )


def _history(ctx, client: Client, stakeholders: list, now, quiet: bool) -> int:
    """Six months of interactions, the newest with an open next step."""
    count = ctx.rng.randint(3, 10) if client.tier == "key" else ctx.rng.randint(0, 5)
    newest_days_ago = 60 if quiet else ctx.rng.randint(1, 20)
    days_ago = sorted({ctx.rng.randint(newest_days_ago, 180) for _n in range(count)}, reverse=True)
    for position, days in enumerate(days_ago):
        kind, summary, outcome = ctx.rng.choice(SUMMARIES)
        last = position == len(days_ago) - 1
        next_step = (
            {
                "next_step": "Gửi lại đề xuất đã chỉnh sửa",
                "next_step_due_on": (now + timedelta(days=ctx.rng.randint(-3, 14))).date(),
                "next_step_owner": client.owner,
            }
            if last
            else {}
        )
        services.log_interaction(
            by=client.owner,
            client=client,
            kind=kind,
            happened_at=now - timedelta(days=days, hours=ctx.rng.randint(0, 8)),
            summary=summary,
            outcome=outcome,
            objection=ctx.rng.choice(["", "", "", Interaction.Objection.TOO_EXPENSIVE]),
            stakeholders=ctx.rng.sample(stakeholders, k=min(2, len(stakeholders))),
            **next_step,
        )
    return len(days_ago)
