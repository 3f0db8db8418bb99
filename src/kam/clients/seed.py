"""Demo clients: about 40, 8 of them key, with stakeholders, account teams and six months of
interactions; some key clients have gone quiet so the flag shows."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from kam.clients import services
from kam.clients.models import AgencyService, Client, ClientTeamMember, Interaction, Stakeholder
from kam.core.audit import created, snapshot
from kam.core.models import AuditEvent
from kam.core.seed import (
    BATCH,
    SeedContext,
    bulk_insert,
    copy_rows,
    insert_all,
    spread,
    vietnamese_full_name,
)
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
    return services.add_stakeholder(
        by=admin, client=client, **_stakeholder_fields(ctx, email=ctx.fake.email())
    )


def _stakeholder_fields(ctx: SeedContext, email: str) -> dict:
    """A contact as account teams know them: name, title, buying role, influence, channel."""
    title, role = ctx.rng.choice(TITLES)
    return {
        "full_name": vietnamese_full_name(ctx),
        "title": title,
        "decision_role": role,
        "influence": ctx.rng.randint(1, 5),
        "relationship": ctx.rng.randint(1, 5),
        "preferred_channel": ctx.rng.choice(["phone", "email", "zalo", "meeting"]),
        "email": email,
        "phone": f"09{ctx.rng.randint(10_000_000, 99_999_999)}",
    }


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


# --- Volume (kam seed --scale medium|large) -------------------------------------------------
TIER_WEIGHT = {"key": 6, "growth": 2, "standard": 1}  # key clients have more people and history
QUIET_SHARE = 10  # one key client in ten has gone quiet


def seed_volume(ctx: SeedContext) -> None:
    """Clients spread over every KAM (a tenth of them key), their stakeholders and a history of
    interactions; bulk-inserted, with each client's "created" audit event."""
    volumes = ctx.volumes
    admin = User.objects.get(username="admin")
    clients = _volume_clients(ctx, admin)
    stakeholders = _volume_stakeholders(ctx, clients)
    _volume_interactions(ctx, clients, stakeholders)
    ctx.log.append(
        f"clients: {Client.objects.count()} clients ({volumes.key_clients} key), "
        f"{Stakeholder.objects.count()} stakeholders, {Interaction.objects.count()} interactions"
    )


def _volume_clients(ctx: SeedContext, admin: User) -> list[Client]:
    volumes = ctx.volumes
    kams = list(User.objects.filter(is_kam=True).order_by("pk"))
    planners = list(User.objects.filter(is_planner=True).order_by("pk"))
    taken = set(Client.objects.exclude(tax_code="").values_list("tax_code", flat=True))
    total = volumes.clients - Client.objects.count()
    key = volumes.key_clients - Client.objects.filter(tier="key").count()
    clients = bulk_insert(
        ctx,
        "clients",
        (_volume_client(ctx, number, kams, taken, is_key=number < key) for number in range(total)),
        total,
    )
    bulk_insert(
        ctx,
        "client history",
        (_created_event(admin, client) for client in clients),
        len(clients),
    )
    bulk_insert(
        ctx,
        "account teams",
        (
            ClientTeamMember(client=client, user=ctx.rng.choice(planners), role="planner")
            for client in clients
            if client.tier == "key"
        ),
        key,
    )
    return clients


def _volume_client(ctx: SeedContext, number: int, kams: list, taken: set, is_key: bool) -> Client:
    tax_code = _tax_code(ctx)
    while tax_code in taken:
        tax_code = _tax_code(ctx)
    taken.add(tax_code)
    business, place = ctx.rng.choice(BUSINESS_WORDS), ctx.rng.choice(PLACE_WORDS)
    client = Client(
        legal_name=f"{ctx.rng.choice(COMPANY_FORMS)} {business} {place} {number + 100}",
        short_name=f"{place} {business}",
        tax_code=tax_code,
        industry=ctx.rng.choice(INDUSTRIES),
        tier="key" if is_key else ctx.rng.choice(["growth", "standard", "standard"]),
        status="active" if is_key else ctx.rng.choice(["prospect", "active", "dormant", "lost"]),
        potential=ctx.rng.choice(["low", "medium", "high"]),
        owner=kams[number % len(kams)],
        address=f"{ctx.rng.randint(1, 500)} {ctx.fake.street_name()}, {ctx.fake.city()}",
    )
    client.fill_search_text()
    return client


def _created_event(admin: User, client: Client) -> AuditEvent:
    return AuditEvent(
        subject_type=ContentType.objects.get_for_model(Client),
        subject_id=str(client.pk),
        subject_label=str(client)[:300],
        verb="client.created",
        actor=admin,
        changes=created(snapshot(client, services.CLIENT_FIELDS)),
    )


def _weights(clients: list[Client]) -> list[int]:
    return [TIER_WEIGHT[client.tier] for client in clients]


def _volume_stakeholders(ctx: SeedContext, clients: list[Client]) -> dict[int, list[int]]:
    """The new clients' stakeholders, as {client id: [stakeholder ids]}."""
    total = ctx.volumes.stakeholders - Stakeholder.objects.count()
    shares = spread(total, _weights(clients))
    saved = bulk_insert(
        ctx,
        "stakeholders",
        (
            _volume_stakeholder(ctx, client)
            for client, share in zip(clients, shares, strict=True)
            for _n in range(share)
        ),
        total,
    )
    by_client: dict[int, list[int]] = {client.pk: [] for client in clients}
    for stakeholder in saved:
        by_client[stakeholder.client_id].append(stakeholder.pk)
    return by_client


def _volume_stakeholder(ctx: SeedContext, client: Client) -> Stakeholder:
    # Faker's addresses repeat within tens of thousands; a numbered one stays apart.
    email = f"lienhe{ctx.rng.randint(1, 10**8)}@example.vn"
    stakeholder = Stakeholder(client=client, **_stakeholder_fields(ctx, email=email))
    stakeholder.fill_search_text()
    return stakeholder


def _volume_interactions(
    ctx: SeedContext, clients: list[Client], stakeholders: dict[int, list[int]]
) -> None:
    """Each client's history over `history_days`, newest last with an open next step; the
    participants are the owner and one or two of the client's stakeholders. Inserted a few
    clients at a time: a client's couple of hundred rows are too few for a COPY each."""
    total = ctx.volumes.interactions - Interaction.objects.count()
    shares = spread(total, _weights(clients))
    now = timezone.now()
    done, batch, participants = 0, [], []
    for client, share in zip(clients, shares, strict=True):
        history = [
            _volume_interaction(ctx, client, now, days) for days in _days_ago(ctx, client, share)
        ]
        if history:
            _give_next_step(ctx, history[-1], client, now)
        ids = stakeholders[client.pk]
        participants += [
            (client.owner_id, ctx.rng.sample(ids, k=min(2, len(ids)))) for _item in history
        ]
        batch += history
        if len(batch) >= BATCH or client is clients[-1]:
            _link_participants(insert_all(batch), participants)
            done += len(batch)
            ctx.progress("interactions", done, total)
            batch, participants = [], []


def _days_ago(ctx: SeedContext, client: Client, count: int) -> list[int]:
    """How many days ago each interaction happened, oldest first; some key clients are quiet."""
    quiet = client.tier == "key" and ctx.rng.randrange(QUIET_SHARE) == 0
    newest = ctx.rng.randint(35, 90) if quiet else ctx.rng.randint(0, 25)
    oldest = max(newest, ctx.volumes.history_days)
    return sorted((ctx.rng.randint(newest, oldest) for _n in range(count)), reverse=True)


def _volume_interaction(ctx: SeedContext, client: Client, now, days: int) -> Interaction:
    kind, summary, outcome = ctx.rng.choice(SUMMARIES)
    interaction = Interaction(
        client=client,
        kind=kind,
        happened_at=now - timedelta(days=days, hours=ctx.rng.randint(0, 8)),
        summary=summary,
        outcome=outcome,
        objection=ctx.rng.choice(["", "", "", Interaction.Objection.TOO_EXPENSIVE]),
        recorded_by=client.owner,
    )
    interaction.fill_search_text()
    return interaction


def _give_next_step(ctx: SeedContext, interaction: Interaction, client: Client, now) -> None:
    interaction.next_step = "Gửi lại đề xuất đã chỉnh sửa"
    interaction.next_step_due_on = (now + timedelta(days=ctx.rng.randint(-3, 14))).date()
    interaction.next_step_owner = client.owner
    interaction.fill_search_text()


def _link_participants(interactions: list[Interaction], participants: list[tuple]) -> None:
    """Each interaction's (owner, [stakeholder ids]), in the order of the interactions."""
    copy_rows(
        Interaction.our_people.through,
        [
            {"interaction_id": interaction.pk, "user_id": owner_id}
            for interaction, (owner_id, _ids) in zip(interactions, participants, strict=True)
        ],
    )
    copy_rows(
        Interaction.stakeholders.through,
        [
            {"interaction_id": interaction.pk, "stakeholder_id": stakeholder_id}
            for interaction, (_owner_id, ids) in zip(interactions, participants, strict=True)
            for stakeholder_id in ids
        ],
    )
