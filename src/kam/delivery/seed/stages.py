"""Projects at every other stage, each on its own key client of the demo: one being planned,
three running (behind, on Lan's desk, with a change waiting), two delivered (one with a line of
the check unticked, and why) and one cancelled; an amended contract and a draft among them."""

from datetime import date
from decimal import Decimal

from kam.clients.models import Client
from kam.delivery import services
from kam.delivery.seed.steps import (
    DOING,
    DONE,
    MILLION,
    REVIEW,
    Part,
    Work,
    add_work,
    book,
    close_phases,
    contacts_of,
    day,
    deliver,
    enter_contract,
    price_change,
    sign,
)


def planning(people: dict, client: Client, today: date) -> None:
    """Signed last week; the project starts next week: tasks and a booking planned, nothing
    started."""
    kam = client.owner
    contract = enter_contract(
        kam, client, today, title="Mạng xã hội mùa lễ hội cuối năm", millions=450, vat=10,
        starts=7, ends=50,
        deliverables="30 bài đăng Facebook và TikTok\n5 video KOL ẩm thực\nBáo cáo hiệu quả",
    )  # fmt: skip
    sign(kam, contract, today, [
        Part("Tạm ứng 50% khi ký", 50, -4, reached=True),
        Part("Nghiệm thu cuối chiến dịch", 50, 55),
    ], signed=-4)  # fmt: skip
    project = services.create_project(by=kam, contract=contract)
    add_work(people, kam, project, today, [
        Work("Lịch nội dung 6 tuần", "creative", 7, 12, assignee="creative2"),
        Work("Đề xuất 5 KOL ẩm thực", "kol", 8, 14, assignee="kol2"),
        Work("Thiết lập tài khoản và đối tượng quảng cáo", "media", 10, 12, assignee="media2"),
        Work("Quay 5 video KOL ẩm thực", "kol", 15, 30, assignee="kol2", waits_for=(1,)),
    ])  # fmt: skip
    book(
        kam, project, today, 15, 30, kind="kol", name="Food blogger Sài Gòn Ơi",
        purpose="3 video ẩm thực đường phố", fee_amount=Decimal(45 * MILLION),
    )  # fmt: skip


def running_behind(people: dict, client: Client, today: date) -> None:
    """Post-production of a bank's app launch: two phases closed with their evaluations, the
    edit late, the ad run predicted late behind it, a milestone overdue, the contract amended,
    a change the client turned down."""
    kam = client.owner
    contract = enter_contract(
        kam, client, today, title="Ra mắt ứng dụng PĐS Mobile 3.0", millions=1_450, vat=10,
        starts=-60, ends=20,
        deliverables="Phim ra mắt 60 giây và bản 15 giây\nBộ ảnh giao diện ứng dụng\n"
        "4 video KOL tài chính\n6 tuần quảng cáo số\nBáo cáo sau ra mắt",
    )  # fmt: skip
    sign(kam, contract, today, [
        Part("Tạm ứng 30%", 30, -66, reached=True),
        Part("Nghiệm thu phim ra mắt và bộ nhận diện", 40, -5),
        Part("Nghiệm thu báo cáo sau ra mắt", 30, 25),
    ], signed=-68)  # fmt: skip
    services.record_amendment(
        by=kam, contract=contract, signed_on=day(today, -10),
        summary="Phụ lục 01: thêm 2 tuần quảng cáo số sau ra mắt và 2 video KOL tài chính.",
        value_change_amount=Decimal(180 * MILLION), new_ends_on=day(today, 34),
    )  # fmt: skip
    project = services.create_project(by=kam, contract=contract)
    close_phases(kam, project, [
        (4, "Storyboard được khách duyệt ngay vòng đầu.", ""),
        (3, "Quay đúng kế hoạch ở 3 bối cảnh.",
         "Trễ 2 ngày vì mưa; khách đổi diễn viên phụ vào phút chót."),
    ], start_next=True)  # fmt: skip
    add_work(people, kam, project, today, [
        Work("Storyboard phim ra mắt ứng dụng", "creative", -60, -50, DONE, assignee="creative"),
        Work("Quay phim ra mắt 60 giây", "production", -30, -26, DONE, assignee="production1",
             vendor="Đông Á Films", waits_for=(0,)),
        Work("Dựng phim ra mắt và bản 15 giây", "production", -20, -3, DOING,
             assignee="production2", client_facing=True, waits_for=(1,)),
        Work("Bộ ảnh giao diện ứng dụng cho quảng cáo", "creative", -10, -2, REVIEW,
             assignee="creative1"),
        Work("Kế hoạch quảng cáo số 6 tuần", "media", -15, -8, DONE, assignee="media1"),
        Work("Lên sóng quảng cáo số", "media", 1, 20, assignee="media1", waits_for=(2, 4)),
        Work("Hợp đồng 4 KOL tài chính", "kol", -12, 2, DOING, assignee="kol1"),
        Work("Video KOL hướng dẫn mở tài khoản", "kol", -2, 10, assignee="kol2",
             waits_for=(6,)),
        Work("Báo cáo sau ra mắt", "plan", 12, 20, assignee="planner", client_facing=True,
             waits_for=(5,)),
    ])  # fmt: skip
    crew = book(
        kam, project, today, -30, -26, confirm=True, kind="crew", name="Đông Á Films — đoàn quay",
        fee_amount=Decimal(320 * MILLION),
    )  # fmt: skip
    services.complete_booking(by=kam, booking=crew)
    book(
        kam, project, today, 3, 15, confirm=True, kind="kol",
        name="Chuyên gia tài chính Minh Tuấn", purpose="2 video hướng dẫn mở tài khoản",
        fee_amount=Decimal(60 * MILLION),
    )  # fmt: skip
    stakeholder = contacts_of(client)[0]
    event = services.create_change_request(
        by=kam, project=project, requested_by=stakeholder, requested_on=day(today, -12),
        title="Thêm sự kiện ra mắt tại Đà Nẵng", days_effect=10,
        description="Thêm một sự kiện ra mắt ứng dụng tại Đà Nẵng cho khách hàng miền Trung.",
    )  # fmt: skip
    price_change(kam, event, [
        ("add", "vendor", "Sự kiện ra mắt tại Đà Nẵng", 1, 250 * MILLION, 300 * MILLION),
    ])  # fmt: skip
    services.reject_change_request(
        by=kam, change=event, decided_on=day(today, -9),
        note="Khách để sang quý sau vì chưa có ngân sách.",
    )  # fmt: skip


def running_on_lans_desk(people: dict, client: Client, today: date) -> None:
    """Production of a loyalty programme: the POSM design late in Creative's queue, the print
    run and the store event predicted late, the event crew still unconfirmed, a change waiting
    for the client."""
    kam = client.owner
    contract = enter_contract(
        kam, client, today, title="Chương trình khách hàng thân thiết Sao Việt Member",
        millions=780, vat=10, starts=-25, ends=25,
        deliverables="Bộ nhận diện chương trình\nPOSM cho 60 cửa hàng\nVideo hướng dẫn đăng ký\n"
        "Sự kiện ra mắt tại cửa hàng",
    )  # fmt: skip
    sign(kam, contract, today, [
        Part("Tạm ứng 40%", 40, -30, reached=True),
        Part("Nghiệm thu cuối chương trình", 60, 30),
    ], signed=-32)  # fmt: skip
    project = services.create_project(by=kam, contract=contract, readiness_days=10)
    close_phases(kam, project, [(5, "Khách duyệt ý tưởng ngay lần đầu.", "")], start_next=True)
    add_work(people, kam, project, today, [
        Work("Bộ nhận diện chương trình Member", "creative", -24, -14, DONE, assignee="creative"),
        Work("Banner và POSM cho 60 cửa hàng", "creative", -8, -2, DOING, assignee="creative",
             client_facing=True, waits_for=(0,)),
        Work("In POSM và giao tới cửa hàng", "production", -1, 6, vendor="In Ấn Sài Gòn",
             waits_for=(1,)),
        Work("Video hướng dẫn đăng ký thành viên", "production", -5, 4, DOING,
             assignee="production1"),
        Work("Sự kiện ra mắt tại cửa hàng Quận 1", "event", -3, 6, assignee="event2"),
        Work("Quảng cáo kêu gọi đăng ký thành viên", "media", 5, 25, assignee="media2"),
    ])  # fmt: skip
    book(
        kam, project, today, 6, 6, confirm=True, kind="venue",
        name="Cửa hàng Sao Việt Quận 1 — khu trưng bày", fee_amount=Decimal(0),
    )  # fmt: skip
    book(
        kam, project, today, 6, 6, kind="crew", name="Sự kiện Hoàn Hảo — MC và âm thanh",
        contact="Chị Vân — 0934 222 111", fee_amount=Decimal(35 * MILLION),
    )  # fmt: skip
    more = services.create_change_request(
        by=kam, project=project, requested_by=contacts_of(client)[0], requested_on=day(today, -2),
        title="Thêm 20 cửa hàng vào đợt POSM", days_effect=3,
        description="Khách mở thêm 20 cửa hàng trong tháng, muốn có POSM như 60 cửa hàng đầu.",
    )  # fmt: skip
    price_change(kam, more, [
        ("add", "production", "In và lắp POSM cho 20 cửa hàng (bộ)", 20, 2_500_000, 3_200_000),
    ])  # fmt: skip


def running_with_a_change_waiting(people: dict, client: Client, today: date) -> None:
    """Pre-production of a lipstick collection: the key visual late, the lookbook shoot
    predicted late behind it, a blogger with an unconfirmed backup."""
    kam = client.owner
    contract = enter_contract(
        kam, client, today, title="Bộ sưu tập son mùa lễ hội", millions=720, vat=8,
        starts=-15, ends=40,
        deliverables="Key visual bộ sưu tập\nLookbook 20 ảnh\n4 video beauty blogger",
    )  # fmt: skip
    sign(kam, contract, today, [Part("Tạm ứng 50%", 50, -18, reached=True),
                                 Part("Nghiệm thu cuối", 50, 45)], signed=-20)  # fmt: skip
    project = services.create_project(by=kam, contract=contract, backups_required=True)
    services.start_phase(by=kam, phase=project.phases.order_by("position").first())
    add_work(people, kam, project, today, [
        Work("Key visual bộ sưu tập son", "creative", -12, -1, DOING, assignee="creative1",
             client_facing=True),
        Work("Chọn 4 beauty blogger", "kol", -5, 3, assignee="kol2"),
        Work("Chụp lookbook 20 ảnh", "production", 4, 6, vendor="Studio Ánh Sáng",
             waits_for=(0,)),
    ])  # fmt: skip
    blogger = book(
        kam, project, today, 10, 20, confirm=True, kind="kol", name="Beauty blogger Chloe Nguyễn",
        purpose="2 video review son", fee_amount=Decimal(70 * MILLION),
    )  # fmt: skip
    book(
        kam, project, today, 10, 20, backup_for=blogger, kind="kol", name="Beauty blogger Mai Vy",
        purpose="Dự phòng 2 video review son", fee_amount=Decimal(60 * MILLION),
    )  # fmt: skip


EVALUATIONS = [
    (4, "Ý tưởng và kế hoạch được khách duyệt đúng hạn.", ""),
    (5, "Sản xuất đúng lịch, khách khen chất lượng hình ảnh.", ""),
    (4, "Bản dựng được duyệt sau một vòng chỉnh.", "Khách đổi nhạc nền ở vòng cuối."),
    (5, "Vượt KPI đăng ký; báo cáo gửi sớm hai ngày.", ""),
]


def delivered(people: dict, client: Client, today: date) -> None:
    """A test-drive campaign delivered after the whole check, every phase evaluated."""
    kam = client.owner
    contract = enter_contract(
        kam, client, today, title="Lái thử xe điện cuối tuần tại 5 showroom", millions=950,
        vat=10, starts=-118, ends=-28,
        deliverables="Key visual chiến dịch\nVideo giới thiệu xe 30 giây\n3 video KOL xe\n"
        "Sự kiện lái thử tại 5 showroom\nBáo cáo kết quả",
    )  # fmt: skip
    sign(kam, contract, today, [Part("Tạm ứng 30%", 30, -122, reached=True),
                                 Part("Nghiệm thu sự kiện", 40, -40, reached=True),
                                 Part("Nghiệm thu báo cáo", 30, -26, reached=True)],
          signed=-125)  # fmt: skip
    project = services.create_project(by=kam, contract=contract)
    add_work(people, kam, project, today, [
        Work("Ý tưởng và key visual chiến dịch lái thử", "creative", -118, -105, DONE,
             assignee="creative", client_facing=True),
        Work("Đặt 5 showroom và xe lái thử", "event", -110, -90, DONE, assignee="event2"),
        Work("Video giới thiệu xe điện 30 giây", "production", -100, -80, DONE,
             assignee="production1", waits_for=(0,)),
        Work("3 video trải nghiệm của KOL xe", "kol", -85, -60, DONE, assignee="kol1"),
        Work("Báo cáo kết quả: lượt đăng ký lái thử", "plan", -35, -30, DONE,
             assignee="planner", client_facing=True, waits_for=(1, 3)),
    ])  # fmt: skip
    for name, kind, starts, ends in [
        ("Reviewer xe Quang Huy", "kol", -80, -70),
        ("Showroom THN Quận 7", "venue", -60, -45),
    ]:
        booking = book(kam, project, today, starts, ends, confirm=True, kind=kind, name=name,
                        fee_amount=Decimal(40 * MILLION))  # fmt: skip
        services.complete_booking(by=kam, booking=booking)
    close_phases(kam, project, EVALUATIONS, start_next=False)
    deliver(kam, project, today, delivered=-25)


def delivered_with_a_gap(people: dict, client: Client, today: date) -> None:
    """A thank-you week delivered with one line of the check unticked, and why; the next
    year's contract is a draft whose schedule is not complete yet."""
    kam = client.owner
    contract = enter_contract(
        kam, client, today, title="Tuần lễ tri ân khách hàng An Tâm", millions=620, vat=10,
        starts=-140, ends=-60,
        deliverables="3 buổi tri ân khách hàng\nVideo tổng kết\nBáo cáo khảo sát hài lòng",
    )  # fmt: skip
    sign(kam, contract, today, [Part("Tạm ứng 50%", 50, -142, reached=True),
                                 Part("Nghiệm thu cuối", 50, -58, reached=True)],
          signed=-145)  # fmt: skip
    project = services.create_project(by=kam, contract=contract)
    add_work(people, kam, project, today, [
        Work("Kịch bản 3 buổi tri ân", "event", -140, -120, DONE, assignee="event1"),
        Work("Tổ chức 3 buổi tri ân", "event", -100, -80, DONE, assignee="event1",
             waits_for=(0,)),
        Work("Video tổng kết", "production", -80, -65, DONE, assignee="production2"),
    ])  # fmt: skip
    late_survey = (3, "Video tổng kết đúng hạn.", "Khách chậm gửi số liệu khảo sát.")
    close_phases(kam, project, [*EVALUATIONS[:2], late_survey, EVALUATIONS[3]], start_next=False)
    deliver(
        kam, project, today, delivered=-58,
        reason="Khách chưa gửi kết quả khảo sát nội bộ; sẽ bổ sung trong báo cáo quý.",
        unticked="Báo cáo khảo sát hài lòng",
    )  # fmt: skip
    draft = enter_contract(
        kam, client, today, title=f"Quản trị fanpage năm {today.year + 1}", millions=360,
        vat=10, starts=35, ends=400, deliverables="12 tháng quản trị fanpage\nBáo cáo tháng",
    )  # fmt: skip
    for month in (1, 2):
        services.add_milestone(
            by=kam, contract=draft, title=f"Phí quản trị tháng {month}",
            due_on=day(today, 35 + 30 * month), amount=Decimal(30 * MILLION),
        )  # fmt: skip


def cancelled(people: dict, client: Client, today: date) -> None:
    """An apartment launch cancelled in pre-production: the client postponed it."""
    kam = client.owner
    contract = enter_contract(
        kam, client, today, title="Ra mắt dự án căn hộ ven sông", millions=1_800, vat=10,
        starts=-85, ends=30, deliverables="Phim 3D dự án\nSự kiện mở bán\nQuảng cáo số 8 tuần",
    )  # fmt: skip
    sign(kam, contract, today, [Part("Tạm ứng 30%", 30, -88, reached=True),
                                 Part("Nghiệm thu sự kiện mở bán", 40, 10),
                                 Part("Nghiệm thu cuối", 30, 35)], signed=-90)  # fmt: skip
    project = services.create_project(by=kam, contract=contract)
    services.start_phase(by=kam, phase=project.phases.order_by("position").first())
    add_work(people, kam, project, today, [
        Work("Kịch bản phim 3D dự án", "creative", -80, -70, DONE, assignee="creative2"),
        Work("Dựng phim 3D", "production", -68, -40, DOING, vendor="Xưởng 3D Ánh Dương"),
    ])  # fmt: skip
    hall = book(
        kam, project, today, -20, -20, confirm=True, kind="venue",
        name="Khách sạn Riverside — sảnh Hoa Sen", fee_amount=Decimal(120 * MILLION),
    )  # fmt: skip
    reason = "Khách hoãn mở bán sang năm sau vì dự án chưa đủ pháp lý."
    services.cancel_booking(by=kam, booking=hall, reason=reason)
    services.cancel_project(by=kam, project=project, reason=reason)
