"""Demo pitching: PRODUCT.md's story up to the client's approval — Sữa Việt's Tết brief, the
creative brief to the Planner, seven ideas reviewed by five people, a shortlist of three, a
proposal at a 22% margin, a pitch, feedback, version 2 and approval — and briefs at every other
stage on the other key clients. Everything goes through the services, as the demo's people."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from kam.clients.models import Client, Stakeholder
from kam.core.seed import SeedContext, bulk_insert
from kam.growth import services as growth_services
from kam.growth.models import Stage
from kam.people.models import Department, User
from kam.pitching import queries, services
from kam.pitching.estimate import line_amounts
from kam.pitching.models import (
    Brief,
    CreativeBrief,
    EstimateLine,
    Idea,
    IdeaReview,
    Proposal,
    ProposalVersion,
)

MILLION = 1_000_000
STORY_CLIENT = "Sữa Việt"


@dataclass(frozen=True)
class Line:
    """An estimate line as the demo writes it: amounts in VND."""

    kind: str
    description: str
    quantity: int
    unit_cost: int
    unit_price: int
    supplier: str = ""
    department: str = ""  # a department's code


# --- The story: Sữa Việt's Tết campaign -----------------------------------------------------
# Version 1: cost 1.510.000.000 ₫, client price 1.795.000.000 ₫, fee 8% 143.600.000 ₫, revenue
# 1.938.600.000 ₫, margin 428.600.000 ₫ = 22,1%; VAT 8% 155.088.000 ₫; total 2.093.688.000 ₫.
STORY_LINES_V1 = [
    Line("department", "Chiến lược truyền thông và creative brief", 1, 50 * MILLION,
         70 * MILLION, department="plan"),
    Line("department", "Ý tưởng, kịch bản TVC và key visual", 1, 100 * MILLION, 140 * MILLION,
         department="creative"),
    Line("department", "Quản lý và tối ưu quảng cáo số (tháng)", 3, 20 * MILLION, 28 * MILLION,
         department="media"),
    Line("production", "Sản xuất TVC 30 giây và 2 bản cắt 15 giây", 1, 420 * MILLION,
         480 * MILLION, supplier="Đông Á Films"),
    Line("production", "Chụp ảnh key visual gia đình ba thế hệ", 1, 50 * MILLION, 60 * MILLION,
         supplier="Studio Ánh Sáng"),
    Line("kol", "Ca sĩ đại diện: 1 MV ngắn và 3 bài đăng", 1, 220 * MILLION, 255 * MILLION,
         supplier="Ca sĩ Hoàng Yến Nhi"),
    Line("kol", "Micro KOL mẹ bỉm sữa: 1 video TikTok mỗi người", 15, 6 * MILLION, 7_800_000,
         supplier="Mạng lưới Mẹ Bỉm Việt"),
    Line("vendor", "Mua quảng cáo Facebook và YouTube", 1, 300 * MILLION, 315 * MILLION,
         supplier="Công ty Media Việt"),
    Line("vendor", "Sự kiện “Tết sum vầy” tại Hà Nội", 1, 140 * MILLION, 170 * MILLION,
         supplier="Sự kiện Hoàn Hảo"),
    Line("vendor", "POSM Tết cho siêu thị (bộ)", 2_000, 40_000, 52_000,
         supplier="In Ấn Sài Gòn"),
]  # fmt: skip
# Version 2 answers the feedback: a cheaper TVC, a northern KOL added, fewer POSM sets.
# Cost 1.530.000.000 ₫, client price 1.822.000.000 ₫, fee 145.760.000 ₫, revenue
# 1.967.760.000 ₫, margin 437.760.000 ₫ = 22,2%; VAT 157.420.800 ₫; total 2.125.180.800 ₫.
STORY_V2_CHANGES = {
    "Sản xuất TVC 30 giây và 2 bản cắt 15 giây": {
        "unit_cost_amount": Decimal(380 * MILLION),
        "unit_price_amount": Decimal(435 * MILLION),
    },
    "POSM Tết cho siêu thị (bộ)": {"quantity": Decimal(1_500)},
}
STORY_V2_ADDED = Line("kol", "KOL miền Bắc: 2 video về mâm cỗ Tết Hà Nội", 1, 80 * MILLION,
                      98 * MILLION, supplier="Food blogger Hà Thành Ăn Gì")  # fmt: skip

STORY_BRIEF = {
    "objectives": (
        "Tăng 20% doanh số dòng sữa tươi trong mùa Tết so với năm trước; đưa Sữa Việt thành "
        "món quà Tết của các gia đình trẻ; tăng nhận biết thương hiệu ở miền Bắc."
    ),
    "target_audience": (
        "Mẹ bỉm sữa 25-40 tuổi ở thành thị, thu nhập trung bình khá; người trẻ đi làm xa nhà "
        "mua quà Tết cho bố mẹ."
    ),
    "key_message": "Sữa Việt — trọn vị Tết sum vầy.",
    "mandatories": "Dùng logo và bao bì mới; không dùng màu đỏ đậm; có thông điệp dinh dưỡng.",
    "channels": "TVC, Facebook, YouTube, TikTok, KOL, sự kiện, siêu thị",
    "kpis": "Reach 15 triệu; 800.000 lượt tương tác; doanh số Tết tăng 20%.",
    "budget_min_amount": Decimal(1_800 * MILLION),
    "budget_max_amount": Decimal(2_000 * MILLION),
}
STORY_BUDGET = Decimal(1_950 * MILLION)
STORY_RATIONALE = (
    "TVC và KOL chiếm khoảng 60%; giữ 5% dự phòng dưới trần 2 tỷ để khách yên tâm về tổng "
    "ngân sách có VAT."
)
STORY_CREATIVE = {
    "problem": "Làm sao để sữa tươi trở thành món quà Tết, không chỉ là đồ uống hằng ngày?",
    "insight": "Tết là lúc con cháu muốn mang sức khỏe về cho ông bà, bố mẹ.",
    "proposition": "Trao sức khỏe, trọn vị Tết sum vầy.",
    "deliverables": "3 ý tưởng lớn, key visual, kịch bản TVC 30 giây, kế hoạch KOL.",
}
# title, author, insight, description, channels, rough cost (million VND)
STORY_IDEAS = [
    ("Mâm cơm Tết ba thế hệ", "planner", "Bữa cơm chiều 30 Tết là khoảnh khắc cả nhà đủ mặt.",
     "TVC kể chuyện ba thế hệ quây quần quanh mâm cơm Tết, ly sữa ấm nối các thế hệ.",
     "TVC, YouTube, Facebook", 900),
    ("Hộp sữa lì xì", "creative", "Trẻ con mong lì xì, người lớn muốn quà có ý nghĩa.",
     "Bao bì phiên bản Tết có bao lì xì đi kèm, trưng bày tại siêu thị.",
     "Bao bì, siêu thị", 400),
    ("Về nhà ăn Tết cùng Sữa Việt", "lan", "Người đi làm xa nhớ nhà nhất vào những ngày cuối năm.",
     "Chuyến xe đưa công nhân về quê ăn Tết, hành trình được kể lại qua KOL và mạng xã hội.",
     "Sự kiện, KOL, TikTok", 1_200),
    ("Thử thách TikTok #TếtTrọnVị", "creative1", "Người trẻ thích khoe khoảnh khắc Tết.",
     "Thử thách quay video chúc Tết bố mẹ cùng ly sữa, có quà cho video hay nhất.",
     "TikTok, KOL", 350),
    ("Lời chúc từ nông trại Mộc Châu", "hoa", "Người mua muốn biết sữa đến từ đâu.",
     "Phim ngắn về những người nuôi bò sữa chuẩn bị đón Tết ở Mộc Châu.",
     "YouTube, Facebook", 500),
    ("Thiệp Tết thực tế ảo", "creative", "Gửi lời chúc Tết số đang thành thói quen.",
     "Ứng dụng AR biến hộp sữa thành tấm thiệp Tết động để gửi cho người thân.",
     "Ứng dụng, social", 600),
    ("Góc sum vầy ở siêu thị", "planner", "Mua sắm Tết là một hoạt động của cả gia đình.",
     "Góc trải nghiệm ở 50 siêu thị: chụp ảnh gia đình, nếm thử sữa, nhận quà.",
     "Siêu thị, sự kiện", 450),
]  # fmt: skip
# Each reviewer's scores (fit, creativity, feasibility, cost), one row per idea in order.
STORY_REVIEWS = {
    "lan": [(5, 4, 5, 3), (3, 3, 5, 4), (5, 5, 3, 2), (4, 4, 4, 4), (4, 3, 4, 3), (3, 4, 2, 3),
            (3, 2, 4, 3)],
    "planner": [(5, 5, 4, 3), (3, 2, 5, 5), (5, 5, 4, 2), (4, 5, 4, 4), (4, 4, 3, 3),
                (2, 4, 2, 2), (3, 3, 4, 3)],
    "hoa": [(5, 4, 4, 3), (3, 3, 4, 4), (4, 5, 3, 2), (4, 4, 5, 5), (4, 4, 4, 3), (3, 5, 2, 2),
            (3, 2, 4, 4)],
    "creative": [(4, 5, 4, 3), (3, 4, 5, 4), (5, 5, 3, 3), (5, 4, 4, 4), (3, 4, 3, 3),
                 (3, 5, 3, 2), (2, 2, 5, 3)],
    "director": [(5, 4, 4, 3), (3, 3, 4, 4), (5, 4, 3, 2), (4, 4, 4, 5), (4, 3, 4, 3),
                 (2, 3, 2, 2), (3, 3, 4, 3)],
}  # fmt: skip
REVIEW_COMMENTS = {
    "lan": "Hợp với mong muốn của chị Giám đốc Marketing.",
    "planner": "Bám sát insight; cần tính kỹ chi phí triển khai.",
    "director": "Khả thi trong ngân sách nếu tiết chế phần sản xuất.",
}
STORY_FEEDBACK_V1 = (
    "Khách hàng thích ý tưởng mâm cơm ba thế hệ và chuyến xe về quê. Đề nghị thêm một KOL "
    "miền Bắc, giảm chi phí sản xuất TVC, giảm POSM xuống 1.500 bộ và giữ tổng dưới 2 tỷ "
    "trước VAT."
)
STORY_FEEDBACK_V2 = "Đồng ý phương án 2; đề nghị khởi quay TVC trước ngày 15/12."


def seed(ctx: SeedContext) -> None:
    """The story, then one brief at each other stage, each on its own key client."""
    if Brief.objects.exists():  # seeded already: the story is told once
        ctx.log.append("pitching: briefs exist already, left as they are")
        return
    people = {user.username: user for user in User.objects.filter(is_active=True)}
    clients = {
        client.short_name: client
        for client in Client.objects.filter(tier="key").select_related("owner")
    }
    today = timezone.localdate()
    _tell_the_story(people, clients[STORY_CLIENT], today)
    _received(people, clients["Sông Hồng Drinks"], today)
    _with_the_planner(people, clients["PĐS Bank"], today)
    _ideas_in_review(ctx, people, clients["THN Auto"], today)
    _awaiting_margin_approval(ctx, people, clients["Sao Việt Retail"], today)
    _sent_awaiting_answer(ctx, people, clients["Hoa Sen Beauty"], today)
    _lost(ctx, people, clients["An Tâm Life"], today)
    _cancelled(people, clients["Đất Xanh Nam"], today)
    ctx.log.append(
        f"pitching: {Brief.objects.count()} briefs, {Idea.objects.count()} ideas, "
        f"{Proposal.objects.count()} proposals ({STORY_CLIENT}'s Tết campaign approved)"
    )


def _tell_the_story(people: dict, client: Client, today: date) -> None:
    """Lan takes Sữa Việt's Tết brief from receipt to the client's approval of version 2."""
    lan, planner = people["lan"], people["planner"]
    tet = today.year + 1 if today.month >= 3 else today.year
    opportunity = growth_services.create_opportunity(
        by=lan, client=client, kind="upsell", title=f"Chiến dịch Tết {tet}",
        value_amount=STORY_BUDGET, stage=Stage.objects.get(position=2),
        expected_close_on=today - timedelta(days=10),
    )  # fmt: skip
    brief = services.create_brief(
        by=lan, client=client, opportunity=opportunity,
        title=f"Chiến dịch Tết {tet} — Sum vầy trọn vị",
        received_on=today - timedelta(days=42), deadline_on=today - timedelta(days=28),
        campaign_starts_on=today + timedelta(days=35),
        campaign_ends_on=today + timedelta(days=75), **STORY_BRIEF,
    )  # fmt: skip
    services.propose_budget(by=lan, brief=brief, amount=STORY_BUDGET, rationale=STORY_RATIONALE)
    for username in ("creative", "creative1"):
        services.add_brief_member(by=lan, brief=brief, user=people[username])
    creative = services.create_creative_brief(
        by=lan, brief=brief, planner=planner, due_on=today - timedelta(days=34), **STORY_CREATIVE
    )
    services.mark_creative_brief_ready(by=planner, creative=creative)
    ideas = [
        services.add_idea(
            by=people[author], brief=brief, title=title, insight=insight,
            description=description, channels=channels,
            rough_cost_amount=Decimal(millions * MILLION),
        )
        for title, author, insight, description, channels, millions in STORY_IDEAS
    ]  # fmt: skip
    for reviewer, scores in STORY_REVIEWS.items():
        for idea, (fit, creativity, feasibility, cost) in zip(ideas, scores, strict=True):
            services.review_idea(
                by=people[reviewer], idea=idea, fit=fit, creativity=creativity,
                feasibility=feasibility, cost=cost, comment=REVIEW_COMMENTS.get(reviewer, ""),
            )  # fmt: skip
    best = list(queries.ranked_ideas(brief)[:3])
    for idea in best:
        services.shortlist_idea(by=planner, idea=idea)
    best = list(queries.shortlist_of(brief))
    proposal = services.create_proposal(by=lan, brief=brief, title=f"Đề xuất Tết {tet} — Sữa Việt")
    first = queries.current_version(proposal)
    titles = ", ".join(f"“{idea.title}”" for idea in best)
    services.update_version(
        by=lan, version=first, agency_fee_percent=Decimal(8), vat_percent=Decimal(8),
        narrative=(
            f"Ba ý tưởng được chọn sau duyệt nội bộ: {titles}. Câu chuyện xuyên suốt: ly sữa "
            "nối các thế hệ trong ngày Tết; TVC mở màn, KOL và sự kiện lan tỏa, siêu thị chốt "
            "doanh số."
        ),
    )  # fmt: skip
    _add_lines(lan, first, STORY_LINES_V1)
    services.send_version(by=lan, version=first)
    growth_services.move_opportunity(
        by=lan, opportunity=opportunity, stage=Stage.objects.get(position=3)
    )
    stakeholders = _stakeholders_of(client)
    services.schedule_pitch(
        by=lan, proposal=proposal, version=first, presenters=[lan, planner],
        attendees=stakeholders[:3], held_at=_at(today - timedelta(days=25), 9, 30),
        location="Văn phòng Sữa Việt, Quận 7, TP. Hồ Chí Minh", outcome="revise",
        notes="Khách thích hướng đi; muốn thêm KOL miền Bắc và giảm chi phí sản xuất.",
    )  # fmt: skip
    services.record_feedback(
        by=lan, version=first, text=STORY_FEEDBACK_V1, received_on=today - timedelta(days=24),
        stakeholder=stakeholders[0] if stakeholders else None,
    )  # fmt: skip
    second = _revise(lan, proposal, best[:2])
    services.send_version(by=lan, version=second)
    services.schedule_pitch(
        by=lan, proposal=proposal, version=second, presenters=[lan, planner],
        attendees=stakeholders[:2], held_at=_at(today - timedelta(days=15), 14, 0),
        location="Họp trực tuyến", outcome="positive",
        notes="Khách đồng ý phương án 2, chờ duyệt chính thức từ Tổng Giám đốc.",
    )  # fmt: skip
    services.record_feedback(
        by=lan, version=second, text=STORY_FEEDBACK_V2, received_on=today - timedelta(days=12),
        stakeholder=stakeholders[0] if stakeholders else None,
    )  # fmt: skip
    services.approve_proposal(by=lan, proposal=proposal, decided_on=today - timedelta(days=10))
    _backdate(brief, [first, second], today, sent_days_ago=[27, 17])


def _revise(lan: User, proposal: Proposal, ideas: list[Idea]) -> ProposalVersion:
    """Version 2: two of the three ideas, the cheaper TVC, fewer POSM, a northern KOL."""
    version = services.revise_proposal(by=lan, proposal=proposal)
    services.update_version(
        by=lan, version=version, ideas=ideas,
        narrative=(
            "Theo phản hồi của khách: tập trung vào hai ý tưởng "
            + " và ".join(f"“{idea.title}”" for idea in ideas)
            + "; thêm KOL miền Bắc để tăng nhận biết ở Hà Nội; tiết chế sản xuất TVC và POSM "
            "để giữ tổng dưới 2 tỷ trước VAT."
        ),
    )  # fmt: skip
    for line in queries.lines_of(version):
        if line.description in STORY_V2_CHANGES:
            services.update_estimate_line(by=lan, line=line, **STORY_V2_CHANGES[line.description])
    _add_lines(lan, version, [STORY_V2_ADDED])
    return version


def _backdate(brief: Brief, versions: list, today: date, sent_days_ago: list[int]) -> None:
    """The services stamp "now"; the story happened over six weeks, so its records say so."""
    received = _at(brief.received_on, 10, 0)
    Brief.objects.filter(pk=brief.pk).update(created_at=received)
    CreativeBrief.objects.filter(brief=brief).update(created_at=received + timedelta(days=1))
    Idea.objects.filter(brief=brief).update(created_at=received + timedelta(days=6))
    Proposal.objects.filter(brief=brief).update(created_at=received + timedelta(days=10))
    for version, days in zip(versions, sent_days_ago, strict=True):
        sent = _at(today - timedelta(days=days), 17, 0)
        ProposalVersion.objects.filter(pk=version.pk).update(
            created_at=sent - timedelta(days=3), sent_at=sent
        )


# --- Briefs at every other stage ------------------------------------------------------------
def _received(people: dict, client: Client, today: date) -> Brief:
    """Just in: nobody has proposed a budget or written a creative brief yet."""
    return services.create_brief(
        by=client.owner, client=client, title="Ra mắt nước tăng lực vị chanh muối",
        objectives="Giới thiệu sản phẩm mới tới sinh viên và người chơi thể thao ở miền Bắc.",
        target_audience="Nam nữ 18-30 tuổi, năng động, hay dùng TikTok.",
        key_message="Tỉnh táo, sảng khoái, đậm vị Việt.", channels="TikTok, KOL, sampling",
        budget_min_amount=Decimal(800 * MILLION), budget_max_amount=Decimal(1_000 * MILLION),
        received_on=today - timedelta(days=1), deadline_on=today + timedelta(days=12),
    )  # fmt: skip


def _with_the_planner(people: dict, client: Client, today: date) -> Brief:
    """The KAM proposed a budget and handed the creative brief to the Planner, who is writing
    it (it is on the Planner's agenda)."""
    brief = services.create_brief(
        by=client.owner, client=client, title="Mở thẻ tín dụng cho người trẻ",
        objectives="50.000 thẻ tín dụng mới trong quý, 70% khách dưới 30 tuổi.",
        target_audience="Người đi làm 22-30 tuổi ở Hà Nội và TP. Hồ Chí Minh.",
        key_message="Chi tiêu thông minh, hoàn tiền mỗi ngày.", channels="Digital, KOL, app",
        kpis="50.000 thẻ; chi phí mỗi thẻ dưới 300.000 ₫",
        budget_min_amount=Decimal(1_200 * MILLION), budget_max_amount=Decimal(1_500 * MILLION),
        received_on=today - timedelta(days=6), deadline_on=today + timedelta(days=8),
    )  # fmt: skip
    services.propose_budget(
        by=client.owner, brief=brief, amount=Decimal(1_400 * MILLION),
        rationale="Digital chiếm phần lớn; đủ cho 6 KOL tài chính và một tháng chạy quảng cáo.",
    )  # fmt: skip
    services.create_creative_brief(
        by=client.owner, brief=brief, planner=people["planner"],
        due_on=today + timedelta(days=3),
        insight="Người trẻ sợ nợ thẻ, nhưng thích được hoàn tiền.",
    )  # fmt: skip
    return brief


GENERIC_IDEAS = [
    ("Chuỗi video “Một ngày của tôi”", "Khách hàng muốn thấy mình trong câu chuyện.",
     "Loạt video ngắn theo chân người dùng thật trong một ngày.", "TikTok, YouTube", 300),
    ("Thử thách 7 ngày", "Người trẻ thích thử thách có phần thưởng.",
     "Thử thách trên mạng xã hội kéo dài 7 ngày, mỗi ngày một nhiệm vụ.", "TikTok, Facebook",
     200),
    ("Sự kiện trải nghiệm cuối tuần", "Được chạm tận tay thì dễ tin hơn.",
     "Sự kiện trải nghiệm tại trung tâm thương mại hai cuối tuần liên tiếp.", "Sự kiện", 450),
    ("Hợp tác với nghệ sĩ trẻ", "Nghệ sĩ được yêu thích kéo theo người hâm mộ.",
     "Một bài hát chủ đề cùng nghệ sĩ trẻ và MV ngắn.", "Âm nhạc, YouTube", 700),
    ("Bộ ảnh “Người thật việc thật”", "Khách hàng tin người giống mình.",
     "Bộ ảnh chân dung khách hàng thật kèm câu chuyện của họ, chạy ngoài trời và online.",
     "OOH, Facebook", 350),
]  # fmt: skip


def _brief_with_ideas(
    ctx: SeedContext,
    people: dict,
    client: Client,
    today: date,
    *,
    title: str,
    objectives: str,
    budget: tuple[int, int],
    received_days_ago: int,
    shortlist: int,
) -> Brief:
    """A brief with its budget proposed, a ready creative brief, five ideas scored by the KAM
    and the Planner, and `shortlist` of them shortlisted."""
    kam, planner = client.owner, people["planner"]
    brief = services.create_brief(
        by=kam, client=client, title=title, objectives=objectives,
        budget_min_amount=Decimal(budget[0] * MILLION),
        budget_max_amount=Decimal(budget[1] * MILLION),
        received_on=today - timedelta(days=received_days_ago),
        deadline_on=today - timedelta(days=received_days_ago) + timedelta(days=21),
    )  # fmt: skip
    services.propose_budget(
        by=kam, brief=brief, amount=Decimal(budget[1] * MILLION),
        rationale="Theo trần ngân sách của khách; phần sản xuất là lớn nhất.",
    )  # fmt: skip
    services.add_brief_member(by=kam, brief=brief, user=people["creative"])
    creative = services.create_creative_brief(by=kam, brief=brief, planner=planner)
    services.mark_creative_brief_ready(by=planner, creative=creative)
    authors = [planner, people["creative"], kam]
    ideas = [
        services.add_idea(
            by=authors[number % len(authors)], brief=brief, title=idea_title, insight=insight,
            description=description, channels=channels,
            rough_cost_amount=Decimal(millions * MILLION),
        )
        for number, (idea_title, insight, description, channels, millions) in enumerate(
            GENERIC_IDEAS
        )
    ]  # fmt: skip
    for reviewer in (kam, planner):
        for idea in ideas:
            services.review_idea(
                by=reviewer, idea=idea, **{name: ctx.rng.randint(2, 5) for name in SCORES}
            )
    for idea in list(queries.ranked_ideas(brief))[:shortlist]:
        services.shortlist_idea(by=planner, idea=idea)
    return brief


SCORES = ("fit", "creativity", "feasibility", "cost")


def _ideas_in_review(ctx: SeedContext, people: dict, client: Client, today: date) -> Brief:
    """The review is under way: two ideas shortlisted, so no proposal may be written yet."""
    return _brief_with_ideas(
        ctx, people, client, today, title="Ra mắt mẫu SUV điện mới",
        objectives="3.000 lượt đăng ký lái thử trong tháng ra mắt.", budget=(2_500, 3_000),
        received_days_ago=12, shortlist=2,
    )  # fmt: skip


def _proposal(
    ctx: SeedContext, people: dict, client: Client, today: date, lines: list[Line], **brief
) -> tuple[Proposal, ProposalVersion]:
    brief = _brief_with_ideas(ctx, people, client, today, shortlist=3, **brief)
    proposal = services.create_proposal(by=client.owner, brief=brief)
    version = queries.current_version(proposal)
    services.update_version(
        by=client.owner, version=version, agency_fee_percent=Decimal(5),
        narrative="Ba ý tưởng đã chọn, triển khai trong 8 tuần.",
    )  # fmt: skip
    _add_lines(client.owner, version, lines)
    return proposal, version


LOW_MARGIN_LINES = [
    Line("production", "Sản xuất phim quảng cáo 30 giây", 1, 500 * MILLION, 540 * MILLION,
         supplier="Đông Á Films"),
    Line("vendor", "Mua quảng cáo trên sàn thương mại điện tử", 1, 600 * MILLION, 615 * MILLION,
         supplier="Công ty Media Việt"),
    Line("department", "Quản lý dự án và báo cáo", 1, 40 * MILLION, 70 * MILLION,
         department="media"),
]  # fmt: skip
HEALTHY_LINES = [
    Line("department", "Ý tưởng và thiết kế bộ nhận diện chiến dịch", 1, 80 * MILLION,
         120 * MILLION, department="creative"),
    Line("kol", "KOL làm đẹp: 3 video đánh giá sản phẩm", 4, 30 * MILLION, 40 * MILLION,
         supplier="Mạng lưới Beauty Creators"),
    Line("production", "Chụp ảnh sản phẩm và lookbook", 1, 90 * MILLION, 115 * MILLION,
         supplier="Studio Ánh Sáng"),
    Line("vendor", "Sự kiện ra mắt tại TP. Hồ Chí Minh", 1, 250 * MILLION, 310 * MILLION,
         supplier="Sự kiện Hoàn Hảo"),
]  # fmt: skip


def _awaiting_margin_approval(ctx, people: dict, client: Client, today: date) -> None:
    """The estimate's margin is under the floor: Lan asked her Director to approve it."""
    _unused, version = _proposal(
        ctx, people, client, today, LOW_MARGIN_LINES, title="Siêu sale cuối năm 12.12",
        objectives="Tăng 30% doanh số online trong tuần lễ 12.12.", budget=(1_000, 1_300),
        received_days_ago=20,
    )  # fmt: skip
    services.request_margin_approval(by=client.owner, version=version)


def _sent_awaiting_answer(ctx, people: dict, client: Client, today: date) -> None:
    """Version 1 is with the client; the pitch is in three days."""
    proposal, version = _proposal(
        ctx, people, client, today, HEALTHY_LINES, title="Ra mắt dòng son thuần chay",
        objectives="Đưa dòng son mới vào top 3 tìm kiếm son thuần chay trên sàn.",
        budget=(700, 900), received_days_ago=16,
    )  # fmt: skip
    services.send_version(by=client.owner, version=version)
    services.schedule_pitch(
        by=client.owner, proposal=proposal, presenters=[client.owner, people["planner"]],
        attendees=_stakeholders_of(client)[:2], held_at=_at(today + timedelta(days=3), 10, 0),
        location="Văn phòng Hoa Sen Beauty, Quận 1",
    )  # fmt: skip


def _lost(ctx, people: dict, client: Client, today: date) -> None:
    """The pitch went badly and the client chose another agency, on price."""
    proposal, version = _proposal(
        ctx, people, client, today, HEALTHY_LINES, title="Chiến dịch bảo hiểm sức khỏe gia đình",
        objectives="10.000 hợp đồng bảo hiểm gia đình mới trong 6 tháng.", budget=(600, 800),
        received_days_ago=60,
    )  # fmt: skip
    services.send_version(by=client.owner, version=version)
    services.schedule_pitch(
        by=client.owner, proposal=proposal, presenters=[client.owner],
        attendees=_stakeholders_of(client)[:1], held_at=_at(today - timedelta(days=40), 15, 0),
        outcome="negative", notes="Khách so sánh giá với hai agency khác.",
    )  # fmt: skip
    services.lose_proposal(
        by=client.owner, proposal=proposal, decided_on=today - timedelta(days=35),
        reason="Khách chọn agency khác có báo giá thấp hơn khoảng 15%.",
    )  # fmt: skip


def _cancelled(people: dict, client: Client, today: date) -> None:
    brief = services.create_brief(
        by=client.owner, client=client, title="Mở bán dự án căn hộ ven sông",
        objectives="500 khách quan tâm đăng ký tham quan nhà mẫu.",
        budget_min_amount=Decimal(1_500 * MILLION), budget_max_amount=Decimal(2_000 * MILLION),
        received_on=today - timedelta(days=50),
    )  # fmt: skip
    services.cancel_brief(
        by=client.owner, brief=brief, reason="Khách hoãn mở bán sang năm sau vì chưa đủ pháp lý."
    )


# --- Helpers --------------------------------------------------------------------------------
def _add_lines(by: User, version: ProposalVersion, lines: list[Line]) -> None:
    departments = {department.code: department for department in Department.objects.all()}
    for line in lines:
        services.add_estimate_line(
            by=by, version=version, kind=line.kind,
            department=departments.get(line.department), supplier=line.supplier,
            description=line.description, quantity=Decimal(line.quantity),
            unit_cost_amount=Decimal(line.unit_cost), unit_price_amount=Decimal(line.unit_price),
        )  # fmt: skip


def _stakeholders_of(client: Client) -> list[Stakeholder]:
    """The client's people, decision makers first."""
    order = {"decision_maker": 0, "influencer": 1, "user": 2, "finance": 3}
    people = list(Stakeholder.objects.filter(client=client).order_by("pk"))
    return sorted(people, key=lambda person: order.get(person.decision_role, 9))


def _at(day: date, hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


# --- Volume (kam seed --scale medium|large) -------------------------------------------------
VOLUME_TITLES = [
    "Chiến dịch Tết {y}", "Ra mắt sản phẩm mới {y}", "Mùa hè sôi động {y}",
    "Tri ân khách hàng {y}", "Khai trương chi nhánh {y}", "Back to school {y}",
    "Sự kiện cuối năm {y}", "Chiến dịch nhận diện thương hiệu {y}",
]  # fmt: skip
VOLUME_OBJECTIVES = [
    "Tăng nhận biết thương hiệu 15% trong nhóm khách hàng mục tiêu.",
    "Tăng doanh số 20% trong mùa cao điểm.",
    "Thu hút 5.000 khách hàng đăng ký mới.",
    "Củng cố hình ảnh thương hiệu trước đối thủ mới.",
]
VOLUME_LINES = [
    ("department", "creative", "", "Ý tưởng và thiết kế"),
    ("department", "plan", "", "Chiến lược và kế hoạch"),
    ("production", "", "Đông Á Films", "Sản xuất video quảng cáo"),
    ("kol", "", "Mạng lưới KOL Việt", "Video KOL trên TikTok"),
    ("vendor", "", "Công ty Media Việt", "Mua quảng cáo số"),
    ("vendor", "", "Sự kiện Hoàn Hảo", "Tổ chức sự kiện"),
    ("vendor", "", "In Ấn Sài Gòn", "In ấn POSM"),
]
LOST_REASONS = ["Giá cao hơn đối thủ", "Khách hoãn ngân sách", "Ý tưởng chưa thuyết phục"]
# Of the briefs without a proposal: just received, with the Planner, cancelled.
EARLY_STATUSES = (["received"] * 3) + (["planning"] * 5) + (["cancelled"] * 2)
# Of the proposals: still open, approved, lost.
PROPOSAL_OUTCOMES = {"open": 4, "approved": 4, "lost": 2}
SHORTLIST = queries.SHORTLIST_MINIMUM


def seed_volume(ctx: SeedContext) -> None:
    """Briefs, ideas and proposals up to the scale's totals, on the clients still served (key
    clients get more): a proposal answers each of the first briefs, built on a shortlist of
    three with one to three versions priced line by line; the other briefs are just received,
    with a Planner, or cancelled. Bulk-inserted: no services, no audit events."""
    volumes = ctx.volumes
    brief_total = volumes.briefs - Brief.objects.count()
    proposal_total = volumes.proposals - Proposal.objects.count()
    idea_total = volumes.ideas - Idea.objects.count()
    if not SHORTLIST * proposal_total <= idea_total or proposal_total > brief_total:
        raise ValueError("A scale needs a brief and three ideas for each proposal.")
    today = timezone.localdate()
    briefs = _volume_briefs(ctx, brief_total, proposal_total, today)
    with_proposal, without = briefs[:proposal_total], briefs[proposal_total:]
    planners = list(User.objects.filter(is_planner=True, is_active=True).order_by("pk"))
    _volume_creative_briefs(ctx, [b for b in briefs if b.status != "received"], planners)
    ideas = _volume_ideas(ctx, with_proposal, [b for b in without if b.status != "received"],
                          idea_total)  # fmt: skip
    _volume_reviews(ctx, ideas)
    _volume_proposals(ctx, with_proposal, ideas, today)
    ctx.log.append(
        f"pitching: {Brief.objects.count()} briefs, {Idea.objects.count()} ideas, "
        f"{Proposal.objects.count()} proposals, {EstimateLine.objects.count()} estimate lines"
    )


def _volume_briefs(ctx: SeedContext, total: int, proposals: int, today: date) -> list[Brief]:
    clients = list(Client.objects.exclude(status="lost").select_related("owner").order_by("pk"))
    weights = [6 if client.tier == "key" else 1 for client in clients]
    chosen = ctx.rng.choices(clients, weights=weights, k=total)
    outcomes = ctx.rng.choices(
        list(PROPOSAL_OUTCOMES), weights=list(PROPOSAL_OUTCOMES.values()), k=proposals
    )
    statuses = [{"open": "proposing"}.get(outcome, outcome) for outcome in outcomes]
    statuses += [ctx.rng.choice(EARLY_STATUSES) for _n in range(total - proposals)]
    return bulk_insert(
        ctx,
        "briefs",
        (
            _volume_brief(ctx, client, status, today)
            for client, status in zip(chosen, statuses, strict=True)
        ),
        total,
    )


def _volume_brief(ctx: SeedContext, client: Client, status: str, today: date) -> Brief:
    history = ctx.volumes.history_days
    open_ = status in ("received", "planning", "proposing")
    received = today - timedelta(days=ctx.rng.randint(0, 45 if open_ else history))
    low = ctx.rng.randint(3, 60) * 50 * MILLION
    brief = Brief(
        client=client,
        title=ctx.rng.choice(VOLUME_TITLES).format(y=received.year + 1),
        objectives=ctx.rng.choice(VOLUME_OBJECTIVES),
        channels=ctx.rng.choice(["TVC, social", "KOL, TikTok", "Sự kiện, PR", "Digital"]),
        budget_min_amount=Decimal(low),
        budget_max_amount=Decimal(low + ctx.rng.randint(0, 10) * 50 * MILLION),
        proposed_budget_amount=None if status == "received" else Decimal(low),
        budget_rationale="" if status == "received" else "Theo ngân sách khách đưa ra.",
        received_on=received,
        deadline_on=received + timedelta(days=ctx.rng.randint(7, 28)),
        status=status,
        closed_reason="Khách hoãn chiến dịch." if status == "cancelled" else "",
        owner=client.owner,
        created_by=client.owner,
    )
    brief.fill_search_text()
    return brief


def _volume_creative_briefs(ctx: SeedContext, briefs: list[Brief], planners: list) -> None:
    bulk_insert(
        ctx,
        "creative briefs",
        (
            CreativeBrief(
                brief=brief,
                planner=ctx.rng.choice(planners) if planners else brief.owner,
                problem=brief.objectives,
                insight="Khách hàng cần một lý do để chọn thương hiệu ngay lúc này.",
                due_on=brief.received_on + timedelta(days=7),
                status="assigned" if brief.status == "planning" else "ready",
                assigned_by=brief.owner,
            )
            for brief in briefs
        ),
        len(briefs),
    )


def _volume_ideas(
    ctx: SeedContext, with_proposal: list[Brief], others: list[Brief], total: int
) -> dict[int, list[Idea]]:
    """Three shortlisted ideas on each brief with a proposal, the rest spread over the briefs
    past "received" (as {brief id: [ideas]})."""
    extra = total - SHORTLIST * len(with_proposal)
    pool = with_proposal + others
    counts = {brief.pk: 0 for brief in pool}
    for brief in ctx.rng.choices(pool, k=extra) if pool else []:
        counts[brief.pk] += 1
    rows = (
        _volume_idea(ctx, brief, shortlisted=number < SHORTLIST)
        for brief in with_proposal
        for number in range(SHORTLIST + counts[brief.pk])
    )
    rest = (_volume_idea(ctx, brief, shortlisted=False) for brief in others
            for _n in range(counts[brief.pk]))  # fmt: skip
    saved = bulk_insert(ctx, "ideas", (idea for part in (rows, rest) for idea in part), total)
    by_brief: dict[int, list[Idea]] = {}
    for idea in saved:
        by_brief.setdefault(idea.brief_id, []).append(idea)
    return by_brief


def _volume_idea(ctx: SeedContext, brief: Brief, *, shortlisted: bool) -> Idea:
    title, insight, description, channels, millions = ctx.rng.choice(GENERIC_IDEAS)
    return Idea(
        brief=brief,
        title=title,
        insight=insight,
        description=description,
        channels=channels,
        rough_cost_amount=Decimal(millions * MILLION),
        is_shortlisted=shortlisted,
        author=brief.owner,
    )


def _volume_reviews(ctx: SeedContext, ideas: dict[int, list[Idea]]) -> None:
    """The brief's KAM scores each idea; shortlisted ones score higher."""
    every = [idea for group in ideas.values() for idea in group]
    bulk_insert(
        ctx,
        "idea reviews",
        (
            IdeaReview(
                idea=idea,
                reviewer=idea.author,
                **{
                    name: ctx.rng.randint(3, 5) if idea.is_shortlisted else ctx.rng.randint(1, 4)
                    for name in SCORES
                },
            )
            for idea in every
        ),
        len(every),
    )


def _volume_proposals(
    ctx: SeedContext, briefs: list[Brief], ideas: dict[int, list[Idea]], today: date
) -> None:
    """Each brief's proposal, its versions (all sent but an open proposal's last, which may be
    a draft), their lines and chosen ideas; then the decided ones are closed."""
    proposals = bulk_insert(
        ctx,
        "proposals",
        (
            Proposal(brief=brief, title=brief.title, owner=brief.owner, created_by=brief.owner)
            for brief in briefs
        ),
        len(briefs),
    )
    version_counts = [ctx.rng.choice([1, 1, 2, 2, 3]) for _proposal in proposals]
    versions = bulk_insert(
        ctx,
        "versions",
        (
            _volume_version(ctx, proposal, brief, number, count)
            for proposal, brief, count in zip(proposals, briefs, version_counts, strict=True)
            for number in range(1, count + 1)
        ),
        sum(version_counts),
    )
    through = ProposalVersion.ideas.through
    bulk_insert(
        ctx,
        "chosen ideas",
        (
            through(proposalversion_id=version.pk, idea_id=idea.pk)
            for version in versions
            for idea in ideas[version.proposal.brief_id][:SHORTLIST]
        ),
        SHORTLIST * len(versions),
    )
    departments = {department.code: department for department in Department.objects.all()}
    line_counts = [ctx.rng.randint(4, 7) for _version in versions]
    bulk_insert(
        ctx,
        "estimate lines",
        (
            _volume_line(ctx, version, position, departments)
            for version, count in zip(versions, line_counts, strict=True)
            for position in range(1, count + 1)
        ),
        sum(line_counts),
    )
    _close_volume_proposals(ctx, proposals, briefs, versions, today)


def _volume_version(
    ctx: SeedContext, proposal: Proposal, brief: Brief, number: int, count: int
) -> ProposalVersion:
    last = number == count
    sent = not last or brief.status != "proposing" or ctx.rng.random() < 0.5
    sent_on = brief.received_on + timedelta(days=7 * number)
    version = ProposalVersion(
        proposal=proposal,
        number=number,
        narrative="Ba ý tưởng đã chọn, triển khai trong 8 tuần.",
        agency_fee_percent=Decimal(ctx.rng.choice([5, 8, 10])),
        vat_percent=Decimal(ctx.rng.choice([8, 10])),
        margin_floor_percent=Decimal(20),
        status="sent" if sent else "draft",
        sent_by=brief.owner if sent else None,
        sent_at=_at(min(sent_on, timezone.localdate()), 16, 0) if sent else None,
        created_by=brief.owner,
    )
    version.proposal = proposal
    return version


def _volume_line(ctx: SeedContext, version: ProposalVersion, position: int, departments: dict):
    kind, department, supplier, description = ctx.rng.choice(VOLUME_LINES)
    quantity = Decimal(ctx.rng.choice([1, 1, 1, 2, 3, 5, 10]))
    unit_cost = Decimal(ctx.rng.randint(2, 100) * MILLION)
    unit_price = (unit_cost * Decimal(ctx.rng.randint(105, 140)) / 100).to_integral_value()
    cost, price = line_amounts(quantity, unit_cost, unit_price)
    return EstimateLine(
        version=version,
        position=position,
        kind=kind,
        department=departments.get(department),
        supplier=supplier,
        description=description,
        quantity=quantity,
        unit_cost_amount=unit_cost,
        unit_price_amount=unit_price,
        cost_amount=cost,
        price_amount=price,
    )


def _close_volume_proposals(ctx, proposals: list, briefs: list, versions: list, today) -> None:
    last_version = {version.proposal_id: version for version in versions}  # numbers ascend
    closed = []
    for proposal, brief in zip(proposals, briefs, strict=True):
        if brief.status == "proposing":
            continue
        version = last_version[proposal.pk]
        proposal.status = brief.status
        proposal.decided_on = min(timezone.localdate(version.sent_at) + timedelta(days=7), today)
        if brief.status == "approved":
            proposal.approved_version = version
        else:
            proposal.lost_reason = brief.closed_reason = ctx.rng.choice(LOST_REASONS)
        closed.append(proposal)
    fields = ["status", "decided_on", "approved_version", "lost_reason"]
    for start in range(0, len(closed), 1_000):
        Proposal.objects.bulk_update(closed[start : start + 1_000], fields)
    lost = [brief for brief in briefs if brief.status == "lost"]
    Brief.objects.bulk_update(lost, ["closed_reason"], batch_size=1_000)
    ctx.progress("closed proposals", len(closed), len(closed))
