"""Demo growth: leads at every status, about 120 opportunities across the stages and kinds
(open, won and lost), and two hand-overs from Sales waiting for their KAMs."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from kam.clients.models import AgencyService, Client
from kam.core.seed import SeedContext, bulk_insert
from kam.growth import services
from kam.growth.models import Lead, Opportunity, Stage
from kam.people.models import User

# company, source, contact, title, need, estimated value (million VND), status
LEADS = [
    (
        "Công ty TNHH Trà Xanh Tây Bắc",
        "event",
        "Lò Văn Hùng",
        "Giám đốc",
        "Ra mắt dòng trà túi lọc",
        800,
        "new",
    ),
    (
        "Công ty Cổ phần Gạch men Đồng Nai",
        "website",
        "Phạm Thị Thu",
        "Trưởng phòng Marketing",
        "Làm mới thương hiệu",
        1_500,
        "new",
    ),
    (
        "Công ty TNHH Xe đạp điện Sài Gòn",
        "outreach",
        "",
        "",
        "Chiến dịch digital mùa hè",
        600,
        "new",
    ),
    (
        "Công ty Cổ phần Thủy sản Cà Mau",
        "referral",
        "Trần Quốc Bảo",
        "Phó Tổng Giám đốc",
        "Tham gia hội chợ quốc tế",
        1_200,
        "contacted",
    ),
    (
        "Công ty TNHH Nha khoa Nụ Cười",
        "inbound",
        "Ngô Thị Hạnh",
        "Chủ phòng khám",
        "Quảng cáo Facebook và Google",
        300,
        "contacted",
    ),
    (
        "Trường Quốc tế Sao Mai",
        "partner",
        "Đinh Văn Long",
        "Giám đốc tuyển sinh",
        "Sự kiện tuyển sinh",
        900,
        "contacted",
    ),
    (
        "Công ty Cổ phần Thép Phương Nam",
        "tender",
        "Vũ Hoàng Nam",
        "Giám đốc thương mại",
        "Phim doanh nghiệp 30 năm",
        2_000,
        "qualified",
    ),
    (
        "Công ty TNHH Mỹ phẩm Lá Sen",
        "referral",
        "Huỳnh Mai Anh",
        "Giám đốc thương hiệu",
        "KOL cho dòng dưỡng da mới",
        1_800,
        "qualified",
    ),
    (
        "Công ty Cổ phần Bánh kẹo Hải Hà Nam",
        "event",
        "Lê Văn Tâm",
        "Trưởng phòng Marketing",
        "Chiến dịch Tết",
        2_500,
        "qualified",
    ),
    (
        "Công ty TNHH Phần mềm Mây Xanh",
        "website",
        "Đoàn Minh Trí",
        "CEO",
        "Ra mắt ứng dụng",
        400,
        "disqualified",
    ),
    (
        "Công ty TNHH Nông sản Ba Miền",
        "outreach",
        "Cao Thị Lệ",
        "Giám đốc",
        "Bao bì mới",
        150,
        "disqualified",
    ),
    (
        "Công ty Cổ phần Nước khoáng Suối Tiên",
        "event",
        "Tạ Quang Huy",
        "Giám đốc Marketing",
        "Tài trợ giải chạy",
        3_000,
        "convert",
    ),
    (
        "Công ty TNHH Thời trang Lụa Việt",
        "referral",
        "Mạc Thị Ngân",
        "Nhà sáng lập",
        "Tuần lễ thời trang",
        1_600,
        "convert",
    ),
]
DISQUALIFIED_REASONS = ["Ngân sách dưới mức tối thiểu", "Đã ký với agency khác 2 năm"]
TITLES = {
    "upsell": ["Mở rộng gói media quý {q}", "Thêm KOL cho chiến dịch quý {q}"],
    "cross_sell": ["Gói nghiên cứu thị trường {y}", "Dịch vụ PR ra mắt sản phẩm {y}"],
    "renewal": ["Gia hạn hợp đồng retainer {y}", "Gia hạn dịch vụ digital {y}"],
    "expansion": ["Mở rộng sang thị trường miền Bắc {y}", "Chiến dịch khu vực Đông Nam Á {y}"],
    "new_business": ["Chiến dịch ra mắt thương hiệu {y}", "Sự kiện khai trương {y}"],
}
LOST_REASONS = ["Giá cao hơn đối thủ", "Khách hàng hoãn ngân sách", "Đối thủ có mối quan hệ sẵn"]
HANDOVER_NOTE = (
    "Khách hàng chọn chúng ta vì ý tưởng sự kiện; người quyết định là Giám đốc Marketing, "
    "rất chú trọng tiến độ. Cần gặp lại trong tuần đầu để giới thiệu đội dự án."
)


def seed(ctx: SeedContext) -> None:
    people = {user.username: user for user in User.objects.filter(is_active=True)}
    today = timezone.localdate()
    converted = _leads(ctx, people, today)
    opportunities = _opportunities(ctx, people, today)
    _hand_over(people, converted, today)
    ctx.log.append(
        f"growth: {Lead.objects.count()} leads, {opportunities + len(converted)} opportunities, "
        f"2 hand-overs waiting"
    )


def _leads(ctx: SeedContext, people: dict, today) -> list[Opportunity]:
    sales, director = people["sales"], people["director"]
    converted = []
    for index, (company, source, contact, title, need, millions, status) in enumerate(LEADS):
        lead = services.create_lead(
            by=sales, company_name=company, source=source, contact_name=contact,
            contact_title=title, need=need, estimated_amount=Decimal(millions * 1_000_000),
            contact_email=f"lienhe{index + 1}@example.vn" if contact else "",
        )  # fmt: skip
        if status == "disqualified":
            reason = DISQUALIFIED_REASONS[index % len(DISQUALIFIED_REASONS)]
            services.update_lead(by=sales, lead=lead, status=status, disqualified_reason=reason)
        elif status == "convert":
            services.update_lead(by=sales, lead=lead, status="qualified")
            converted.append(services.convert_lead(by=director if index % 2 else sales, lead=lead))
        elif status != "new":
            services.update_lead(by=sales, lead=lead, status=status)
    return converted


def _opportunities(ctx: SeedContext, people: dict, today) -> int:
    """Opportunities on the KAMs' clients: most open across the stages, some won this year, some
    lost, with services from the catalogue."""
    stages = list(Stage.objects.filter(is_active=True))
    catalogue = list(AgencyService.objects.filter(is_active=True))
    clients = list(Client.objects.exclude(status="lost").select_related("owner").order_by("pk"))
    kinds = ["upsell", "cross_sell", "renewal", "expansion", "upsell", "cross_sell"]
    count = 0
    for number in range(118):
        client = clients[number % len(clients)]
        kind = "new_business" if client.status == "prospect" else kinds[number % len(kinds)]
        close_on = today + timedelta(days=ctx.rng.randint(0, 360))
        quarter = (close_on.month - 1) // 3 + 1
        has_step = number % 3 != 0
        opportunity = services.create_opportunity(
            by=client.owner,
            client=client,
            kind=kind,
            title=ctx.rng.choice(TITLES[kind]).format(q=quarter, y=close_on.year),
            value_amount=Decimal(ctx.rng.randint(5, 300) * 10_000_000),
            stage=stages[ctx.rng.randrange(len(stages))],
            expected_close_on=close_on,
            services=ctx.rng.sample(catalogue, k=ctx.rng.randint(1, 3)),
            next_step="Gửi đề xuất chi tiết" if has_step else "",
            next_step_due_on=today + timedelta(days=ctx.rng.randint(-3, 14)) if has_step else None,
        )
        _close_some(ctx, opportunity, number, today)
        count += 1
    return count


def _close_some(ctx: SeedContext, opportunity: Opportunity, number: int, today) -> None:
    if number % 6 == 0:
        services.win_opportunity(
            by=opportunity.owner, opportunity=opportunity, note="Khách hàng duyệt đề xuất",
            closed_on=today - timedelta(days=ctx.rng.randint(0, 150)),
        )  # fmt: skip
    elif number % 10 == 1:
        services.lose_opportunity(
            by=opportunity.owner,
            opportunity=opportunity,
            reason=ctx.rng.choice(LOST_REASONS),
            closed_on=today - timedelta(days=ctx.rng.randint(0, 120)),
        )


def _hand_over(people: dict, converted: list[Opportunity], today) -> None:
    """Sales wins both converted leads and hands them to lan and hoa, who have not accepted."""
    sales = people["sales"]
    for opportunity, kam in zip(converted, [people["lan"], people["hoa"]], strict=True):
        services.move_opportunity(by=sales, opportunity=opportunity, stage=Stage.objects.last())
        services.win_opportunity(by=sales, opportunity=opportunity, note="Ký hợp đồng năm đầu")
        services.hand_over_client(
            by=sales, client=opportunity.client, opportunity=opportunity, to_kam=kam,
            stakeholders_introduced=True,
            commercial_terms="Phí dịch vụ 12% ngân sách media; thanh toán 30 ngày.",
            promises_made="Báo cáo tuần mỗi thứ Hai; đội dự án cố định.",
            risks="Khách hàng từng đổi agency vì chậm tiến độ.",
            documents="Hợp đồng và đề xuất trong thư mục chung của phòng Sales.",
            context_note=HANDOVER_NOTE,
        )  # fmt: skip


# --- Volume (kam seed --scale medium|large) -------------------------------------------------
KIND_WEIGHTS = {"upsell": 4, "cross_sell": 3, "renewal": 3, "expansion": 1, "new_business": 1}


def seed_volume(ctx: SeedContext) -> None:
    """Opportunities up to the scale's total, spread over the clients (key clients have more):
    most open across the stages closing in the next year, the rest won or lost over the
    history; bulk-inserted (no services picked, no audit events)."""
    total = ctx.volumes.opportunities - Opportunity.objects.count()
    clients = list(Client.objects.exclude(status="lost").select_related("owner").order_by("pk"))
    weights = [6 if client.tier == "key" else 1 for client in clients]
    stages = list(Stage.objects.filter(is_active=True))
    today = timezone.localdate()
    bulk_insert(
        ctx,
        "opportunities",
        (
            _volume_opportunity(ctx, client, stages, today)
            for client in ctx.rng.choices(clients, weights=weights, k=total)
        ),
        total,
    )
    ctx.log.append(f"growth: {Opportunity.objects.count()} opportunities")


def _volume_opportunity(ctx: SeedContext, client: Client, stages: list, today) -> Opportunity:
    kind = ctx.rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
    stage = ctx.rng.choice(stages)
    outcome = ctx.rng.choices(["open", "won", "lost"], weights=[7, 2, 1])[0]
    close_on = today + timedelta(days=ctx.rng.randint(0, 365))
    closed_on = today - timedelta(days=ctx.rng.randint(0, ctx.volumes.history_days))
    opportunity = Opportunity(
        client=client,
        title=ctx.rng.choice(TITLES[kind]).format(q=(close_on.month - 1) // 3 + 1, y=close_on.year),
        kind=kind,
        owner=client.owner,
        value_amount=Decimal(ctx.rng.randint(5, 500) * 10_000_000),
        stage=stage,
        probability={"open": stage.probability, "won": 100, "lost": 0}[outcome],
        expected_close_on=close_on if outcome == "open" else closed_on,
        status=outcome,
        closed_on=None if outcome == "open" else closed_on,
        lost_reason=ctx.rng.choice(LOST_REASONS) if outcome == "lost" else "",
        created_by=client.owner,
    )
    opportunity.fill_search_text()
    return opportunity
