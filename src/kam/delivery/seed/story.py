"""Sữa Việt's Tết campaign, from the client's approval of version 2 to pre-production under
way: PRODUCT.md's story, as Lan and the departments would enter it."""

from datetime import date
from decimal import Decimal

from kam.clients.models import Client
from kam.delivery import services
from kam.delivery.models import Project
from kam.delivery.seed.steps import (
    DOING,
    DONE,
    MILLION,
    REVIEW,
    Part,
    Work,
    add_work,
    at,
    book,
    contacts_of,
    day,
    price_change,
    set_phases,
    sign,
)
from kam.people.models import User
from kam.pitching.models import Proposal

STORY_CLIENT = "Sữa Việt"
STORY_DELIVERABLES = (
    "1 TVC 30 giây và 2 bản cắt 15 giây\n"
    "Bộ key visual Tết\n"
    "1 MV ngắn và 3 bài đăng của ca sĩ đại diện\n"
    "15 video TikTok của micro KOL mẹ bỉm sữa\n"
    "2 video KOL miền Bắc về mâm cỗ Tết Hà Nội\n"
    "Sự kiện “Tết sum vầy” tại Hà Nội\n"
    "1.500 bộ POSM cho siêu thị\n"
    "Báo cáo kết quả chiến dịch"
)
STORY_SCHEDULE = [
    Part("Tạm ứng 30% khi ký hợp đồng", 30, -7, reached=True),
    Part("Nghiệm thu TVC, key visual và lên sóng — 40%", 40, 35),
    Part("Nghiệm thu báo cáo cuối chiến dịch — 30%", 30, 85),
]
# Pre-production, production, post-production, wrap-up: the TVC airs on the campaign's first
# day (in 35 days), so the cuts are delivered before it.
STORY_PHASES = [(-6, 10), (11, 26), (27, 34), (35, 80)]
STORY_WORK = [
    Work("Kịch bản TVC 30 giây “Mâm cơm Tết ba thế hệ”", "creative", -6, -2, DONE,
         assignee="creative", client_facing=True,
         description="Kịch bản và storyboard theo ý tưởng đã duyệt; khách duyệt bằng văn bản."),
    Work("Trình key visual Tết cho khách duyệt", "creative", -5, -1, DOING,
         assignee="creative1", client_facing=True,
         description="Key visual gia đình ba thế hệ với bao bì Tết mới."),
    Work("Danh sách KOL và kế hoạch nội dung Tết", "kol", -6, 0, REVIEW, assignee="kol1"),
    Work("Chốt hợp đồng ca sĩ đại diện, KOL miền Bắc và mạng lưới mẹ bỉm", "kol", -2, 6, DOING,
         assignee="kol2", waits_for=(2,)),
    Work("Casting gia đình ba thế hệ và chốt đạo diễn", "production", -4, 5, DOING,
         assignee="production1", waits_for=(0,)),
    Work("Khảo sát bối cảnh nhà cổ và xin phép quay", "production", -3, 7,
         assignee="production2"),
    Work("Chốt lịch sản xuất với Đông Á Films", "production", -5, -1, DOING,
         assignee="production1", vendor="Đông Á Films"),
    Work("Kế hoạch mua quảng cáo Facebook, YouTube, TikTok", "media", 2, 9, assignee="media1"),
    Work("Thiết kế POSM Tết cho siêu thị (1.500 bộ)", "creative", 3, 10, assignee="creative2",
         waits_for=(1,)),
    Work("Quay TVC 30 giây", "production", 14, 16, assignee="production1",
         vendor="Đông Á Films", waits_for=(4, 5, 6)),
    Work("Chụp ảnh key visual gia đình ba thế hệ", "production", 12, 12,
         assignee="production2", vendor="Studio Ánh Sáng", waits_for=(4,)),
    Work("Quay MV ngắn của ca sĩ và 2 video mâm cỗ Tết Hà Nội", "kol", 15, 24, assignee="kol1",
         waits_for=(3,)),
    Work("Chuẩn bị sự kiện “Tết sum vầy” tại Hà Nội", "event", 12, 38, assignee="event1"),
    Work("Dựng 3 bản TVC: 30 giây và 2 bản cắt 15 giây", "production", 17, 30,
         assignee="production1", client_facing=True, waits_for=(9,)),
    Work("Chạy quảng cáo Facebook, YouTube, TikTok", "media", 35, 75, assignee="media1",
         waits_for=(7, 13)),
    Work("Báo cáo kết quả chiến dịch", "plan", 76, 83, assignee="planner", client_facing=True,
         waits_for=(14,)),
]  # fmt: skip
KEY_VISUAL = 1
STORY_SLIP = (
    "Khách gửi bao bì Tết mới trễ 4 ngày so với cam kết; đội Sáng tạo cần 3 ngày để đưa bao bì "
    "mới vào key visual."
)
STORY_CANCELLATION = (
    "Trùng lịch độc quyền với một nhãn sữa khác trong mùa Tết; quản lý của KOL báo hủy qua email."
)


def tell_the_story(people: dict, client: Client, today: date) -> Project:
    """Lan turns the approved proposal into a signed contract and runs the project."""
    lan = people["lan"]
    proposal = Proposal.objects.select_related("brief").get(
        brief__client=client, status=Proposal.Status.APPROVED
    )
    boss, brand, accountant = contacts_of(client)
    contract = services.create_contract_from_proposal(
        by=lan, proposal=proposal, starts_on=day(today, -7), ends_on=day(today, 90),
        deliverables=STORY_DELIVERABLES, payment_terms_days=30,
    )  # fmt: skip
    sign(lan, contract, today, STORY_SCHEDULE, signed=-7)
    assets = services.add_commitment(
        by=lan, contract=contract, party="client", stakeholder=brand, due_on=day(today, -6),
        description="Gửi logo, bao bì Tết mới và hình ảnh sản phẩm cho đội Sáng tạo",
    )  # fmt: skip
    for party, description, due, whose in [
        ("client", "Duyệt kịch bản, key visual và bản dựng trong 3 ngày làm việc", 30, boss),
        ("client", "Thanh toán mỗi đợt trong 30 ngày kể từ ngày nhận hóa đơn", 23, accountant),
        ("agency", "Giao 3 bản TVC: 30 giây và 2 bản cắt 15 giây", 34, lan),
        ("agency", "Gửi báo cáo kết quả chiến dịch trong 10 ngày sau khi kết thúc", 85, lan),
    ]:
        owner = {"owner": whose} if party == "agency" else {"stakeholder": whose}
        services.add_commitment(
            by=lan, contract=contract, party=party, description=description,
            due_on=day(today, due), **owner,
        )  # fmt: skip
    project = services.create_project(
        by=lan, contract=contract, title=proposal.brief.title, starts_on=day(today, -6),
        ends_on=day(today, 80), backups_required=True, readiness_days=14,
    )  # fmt: skip
    phases = set_phases(lan, project, today, STORY_PHASES)
    services.start_phase(by=lan, phase=phases[0])
    tasks = add_work(people, lan, project, today, STORY_WORK)
    services.work_task(
        by=people["creative"], task=tasks[0],
        deliverables="https://drive.example.com/sua-viet-tet/kich-ban-tvc-v3.pdf",
    )  # fmt: skip
    # The packaging came three days late: the key visual slips, and Lan calls the client first.
    services.update_commitment(by=lan, commitment=assets, status="done")
    services.record_task_slip(
        by=lan, task=tasks[KEY_VISUAL], now_due_on=day(today, 3), reason=STORY_SLIP,
        told_how="call", told_whom=[boss], told_at=at(day(today, -2), 16, 30),
    )  # fmt: skip
    _story_bookings(lan, project, today)
    _story_changes(lan, project, today, boss, brand)
    scripted = services.add_check_item(
        by=lan, project=project, text="Kịch bản TVC được khách duyệt bằng văn bản"
    )
    services.tick_check_item(
        by=lan, item=scripted, note="Email duyệt kịch bản của Giám đốc Marketing, bản v3."
    )
    for text in (
        "3 bản TVC đúng thời lượng: 30 giây, 15 giây, 15 giây",
        "Thông điệp dinh dưỡng có trong mọi video KOL",
    ):
        services.add_check_item(by=lan, project=project, text=text)
    return project


def _story_bookings(lan: User, project: Project, today: date) -> None:
    """Bookings with their backups, as the project asks; the northern KOL cancels and the
    confirmed backup takes the place. The readiness panel shows what is left for Lan: the
    singer's backup and the shoot's location unconfirmed, no backup yet for the location and
    for the blogger who stepped in."""
    singer = book(
        lan, project, today, 15, 30, confirm=True, kind="kol", name="Ca sĩ Hoàng Yến Nhi",
        contact="Chị Thảo (quản lý) — 0903 111 222", purpose="MV ngắn và 3 bài đăng Tết",
        fee_amount=Decimal(220 * MILLION),
    )  # fmt: skip
    book(
        lan, project, today, 15, 30, backup_for=singer, kind="kol", name="Ca sĩ Lam Anh",
        contact="Anh Phong (quản lý) — 0912 333 444", purpose="Dự phòng cho ca sĩ đại diện",
        fee_amount=Decimal(200 * MILLION),
    )  # fmt: skip
    north = book(
        lan, project, today, 18, 24, confirm=True, kind="kol", name="Food blogger Hà Thành Ăn Gì",
        contact="hathanhangi@example.com", purpose="2 video về mâm cỗ Tết Hà Nội",
        fee_amount=Decimal(80 * MILLION),
    )  # fmt: skip
    book(
        lan, project, today, 18, 24, confirm=True, backup_for=north, kind="kol",
        name="Food blogger Bếp Nhà Hà Nội", contact="bepnhahanoi@example.com",
        purpose="2 video về mâm cỗ Tết Hà Nội", fee_amount=Decimal(75 * MILLION),
    )  # fmt: skip
    services.cancel_booking(by=lan, booking=north, reason=STORY_CANCELLATION)
    moms = book(
        lan, project, today, 20, 45, confirm=True, kind="influencer",
        name="Mạng lưới Mẹ Bỉm Việt — 15 micro KOL", contact="Chị Ngọc — 0987 555 666",
        purpose="15 video TikTok", fee_amount=Decimal(90 * MILLION),
    )  # fmt: skip
    book(
        lan, project, today, 20, 45, confirm=True, backup_for=moms, kind="influencer",
        name="Cộng đồng Mẹ Nghiện Bếp", purpose="Dự phòng video TikTok",
        fee_amount=Decimal(85 * MILLION),
    )  # fmt: skip
    crew = book(
        lan, project, today, 14, 16, confirm=True, kind="crew", name="Đông Á Films — đoàn quay TVC",
        contact="Anh Khoa (điều phối) — 0908 777 888", purpose="Quay TVC 30 giây",
        fee_amount=Decimal(380 * MILLION),
    )  # fmt: skip
    book(
        lan, project, today, 14, 16, confirm=True, backup_for=crew, kind="crew",
        name="Sao Mai Production — đoàn quay dự phòng", fee_amount=Decimal(400 * MILLION),
    )  # fmt: skip
    book(
        lan, project, today, 14, 16, kind="venue", name="Nhà cổ Đường Lâm — bối cảnh quay TVC",
        contact="Ban quản lý làng cổ", purpose="Bối cảnh mâm cơm Tết",
        fee_amount=Decimal(25 * MILLION),
    )  # fmt: skip
    hall = book(
        lan, project, today, 40, 40, confirm=True, kind="venue",
        name="Cung Văn hóa Hữu nghị Việt Xô — sảnh chính", purpose="Sự kiện “Tết sum vầy”",
        fee_amount=Decimal(60 * MILLION),
    )  # fmt: skip
    book(
        lan, project, today, 40, 40, confirm=True, backup_for=hall, kind="venue",
        name="Trung tâm Hội nghị 272 — hội trường A", fee_amount=Decimal(55 * MILLION),
    )  # fmt: skip


def _story_changes(lan: User, project: Project, today: date, boss, brand) -> None:
    """The client asked for two YouTube bumpers paid for partly by fewer POSM sets, and
    approved; a second request (the music) waits for their answer."""
    bumpers = services.create_change_request(
        by=lan, project=project, requested_by=boss, requested_on=day(today, -4),
        title="Thêm 2 bản bumper 6 giây cho YouTube", days_effect=3,
        description=(
            "Khách muốn thêm 2 bản bumper 6 giây cắt từ TVC để chạy YouTube, bù một phần chi phí "
            "bằng cách giảm thêm 200 bộ POSM."
        ),
    )  # fmt: skip
    price_change(lan, bumpers, [
        ("add", "production", "Dựng 2 bản bumper 6 giây từ TVC", 2, 12 * MILLION, 16 * MILLION),
        ("add", "vendor", "Mua thêm quảng cáo bumper YouTube", 1, 40 * MILLION, 42 * MILLION),
        ("remove", "vendor", "POSM Tết cho siêu thị (bộ)", 200, 40_000, 52_000),
    ])  # fmt: skip
    services.approve_change_request(
        by=lan, change=bumpers, decided_on=day(today, -2),
        note="Giám đốc Marketing đồng ý qua email; giữ nguyên ngày lên sóng.",
    )  # fmt: skip
    music = services.create_change_request(
        by=lan, project=project, requested_by=brand, requested_on=day(today, -1),
        title="Đổi nhạc nền TVC sang bản phối dân ca", days_effect=0,
        description="Dùng bản phối mới của bài dân ca “Ngày Tết quê em” cho TVC và bumper.",
    )  # fmt: skip
    price_change(lan, music, [
        ("add", "production", "Bản quyền và phối khí nhạc nền", 1, 35 * MILLION, 45 * MILLION),
    ])  # fmt: skip
