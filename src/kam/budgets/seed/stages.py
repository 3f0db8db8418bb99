"""The budgets of the demo's other projects, each at its own point: a project being planned with
nothing spent, one running well under budget, a bank's launch gone over budget after a reshoot
the Director let through under the margin floor and re-baselined for the contract's amendment,
a beauty launch past 80% of its KOL line with a re-baseline waiting for its Director, and two
delivered campaigns (one with a bill over its purchase order, and why). Their contracts had no
estimate: each KAM writes the first baseline and their Director approves it."""

from datetime import date

from kam.budgets import services
from kam.budgets.models import Budget, MarginApproval
from kam.budgets.seed.steps import (
    MILLION,
    Line,
    Spend,
    Timesheets,
    line_fields,
    spend,
    write_first_baseline,
)
from kam.delivery.models import Project
from kam.people.models import Department


def _budget(project: Project, lines: list[Line], reason: str, note: str) -> Budget:
    kam = project.client.owner
    budget = services.create_budget(by=kam, project=project)
    write_first_baseline(kam, kam.team.leader, budget, lines, reason=reason, note=note)
    return budget


# --- Sông Hồng Drinks: planning, nothing spent yet ------------------------------------------
PLANNING_LINES = [
    Line("department", "Lịch nội dung và thiết kế 30 bài đăng", 1, 60 * MILLION, 90 * MILLION,
         department="creative"),
    Line("department", "Thiết lập và tối ưu quảng cáo", 1, 25 * MILLION, 40 * MILLION,
         department="media"),
    Line("kol", "Video KOL ẩm thực", 5, 40 * MILLION, 50 * MILLION,
         supplier="Food blogger Sài Gòn Ơi và mạng lưới"),
    Line("vendor", "Ngân sách quảng cáo Facebook và TikTok", 1, 65 * MILLION, 70 * MILLION,
         supplier="Công ty Media Việt"),
]  # fmt: skip


def planning(people: dict, project: Project, today: date, hours: Timesheets) -> Budget:
    return _budget(
        project, PLANNING_LINES,
        reason="Ngân sách theo báo giá đã ký: giá khách 450 triệu, chi phí 350 triệu.",
        note="Khớp báo giá; biên lợi nhuận 22%.",
    )  # fmt: skip


# --- Sao Việt Retail: running, well under budget --------------------------------------------
UNDER_LINES = [
    Line("department", "Bộ nhận diện, banner và POSM cho 60 cửa hàng", 1, 120 * MILLION,
         170 * MILLION, department="creative"),
    Line("production", "In và lắp POSM cho 60 cửa hàng (bộ)", 60, 2_500_000, 3_200_000,
         supplier="In Ấn Sài Gòn"),
    Line("department", "Quay và dựng video hướng dẫn đăng ký", 1, 70 * MILLION, 100 * MILLION,
         department="production"),
    Line("department", "Điều phối sự kiện ra mắt tại cửa hàng", 1, 20 * MILLION, 30 * MILLION,
         department="event"),
    Line("vendor", "MC, âm thanh và hậu cần sự kiện", 1, 40 * MILLION, 48 * MILLION,
         supplier="Sự kiện Hoàn Hảo"),
    Line("vendor", "Quảng cáo kêu gọi đăng ký thành viên", 1, 180 * MILLION, 220 * MILLION,
         supplier="Công ty Media Việt"),
    Line("department", "Quản lý quảng cáo", 1, 15 * MILLION, 20 * MILLION, department="media"),
]  # fmt: skip
UNDER_SPEND = [
    Spend("order", "In Ấn Sài Gòn", "In POSM đợt 1 cho 30 cửa hàng", 75 * MILLION, -1,
          line="In và lắp POSM", reference="PO-SV-001", by="kam"),
]  # fmt: skip


def running_under(people: dict, project: Project, today: date, hours: Timesheets) -> Budget:
    budget = _budget(
        project, UNDER_LINES,
        reason="Ngân sách theo hợp đồng chương trình Sao Việt Member.",
        note="Đồng ý; theo dõi chi phí in POSM.",
    )  # fmt: skip
    hours.enter(project)
    spend(people, budget, today, UNDER_SPEND)
    return budget


# --- PĐS Bank: over budget after a reshoot the Director let through -------------------------
OVER_LINES = [
    Line("department", "Storyboard và bộ ảnh giao diện ứng dụng", 1, 80 * MILLION,
         120 * MILLION, department="creative"),
    Line("production", "Quay phim ra mắt 60 giây", 1, 330 * MILLION, 420 * MILLION,
         supplier="Đông Á Films"),
    Line("department", "Dựng phim ra mắt và bản 15 giây", 1, 70 * MILLION, 100 * MILLION,
         department="production"),
    Line("kol", "Video KOL tài chính", 4, 40 * MILLION, 55 * MILLION,
         supplier="Chuyên gia tài chính"),
    Line("vendor", "Quảng cáo số", 1, 400 * MILLION, 470 * MILLION,
         supplier="Công ty Media Việt"),
    Line("department", "Kế hoạch và tối ưu quảng cáo số", 1, 50 * MILLION, 75 * MILLION,
         department="media"),
    Line("department", "Báo cáo sau ra mắt", 1, 20 * MILLION, 45 * MILLION, department="plan"),
]  # fmt: skip
RESHOOT_REASON = (
    "Mưa 2 ngày liền ở bối cảnh ngoài trời và khách đổi diễn viên phụ vào phút chót: Đông Á Films "
    "quay bù 2 ngày và dựng lại cảnh cuối. Không quay bù thì trễ ngày ra mắt ứng dụng."
)
RESHOOT_NOTE = (
    "Đồng ý: lỗi do thời tiết và yêu cầu của khách. Hoa đàm phán phần bù vào phụ lục hợp đồng."
)
OVER_SPEND_BEFORE = [
    Spend("order", "Đông Á Films", "Đoàn quay phim ra mắt 60 giây, 3 bối cảnh", 320 * MILLION,
          -40, line="Quay phim", booking="Đông Á Films", reference="PO-PDS-001", by="kam"),
    Spend("bill", "Đông Á Films", "Quay phim ra mắt 60 giây, 3 bối cảnh", 320 * MILLION, -24,
          against=True, reference="1C26TDA-00002231"),
    Spend("bill", "Đông Á Films", "Quay bù 2 ngày do mưa, thay diễn viên phụ, dựng lại cảnh cuối",
          200 * MILLION, -22, line="Quay phim", reference="1C26TDA-00002260", by="kam",
          margin_reason=RESHOOT_REASON),
]  # fmt: skip
OVER_SPEND_AFTER = [
    Spend("order", "Chuyên gia tài chính Minh Tuấn", "2 video hướng dẫn mở tài khoản",
          60 * MILLION, -8, line="Video KOL", booking="Chuyên gia tài chính Minh Tuấn",
          reference="PO-PDS-002", by="kam"),
    Spend("order", "FinFluencers Việt Nam", "2 video KOL tài chính còn lại", 100 * MILLION, -6,
          line="Video KOL", reference="PO-PDS-003", by="kam"),
    Spend("order", "FinFluencers Việt Nam", "2 video KOL bổ sung theo phụ lục 01", 70 * MILLION,
          -5, line="2 video KOL", reference="PO-PDS-004", by="kam"),
    Spend("order", "Công ty Media Việt", "Quảng cáo số 8 tuần: Facebook, YouTube, Google",
          470 * MILLION, -3, line="Quảng cáo số", reference="PO-PDS-005", by="kam"),
]  # fmt: skip


def over_budget(people: dict, project: Project, today: date, hours: Timesheets) -> Budget:
    """The reshoot took the margin under the floor and the Director approved it; the contract's
    amendment (two more weeks of ads, two more KOL videos) is then re-baselined, approved."""
    hoa, director = project.client.owner, project.client.owner.team.leader
    budget = _budget(
        project, OVER_LINES,
        reason="Ngân sách theo hợp đồng ra mắt PĐS Mobile 3.0.",
        note="Đồng ý; biên lợi nhuận 23%.",
    )  # fmt: skip
    hours.enter(project)
    reshoot = spend(people, budget, today, OVER_SPEND_BEFORE)[-1]
    approval = MarginApproval.objects.get(cost=reshoot)
    services.decide_margin(by=director, approval=approval, approve=True, note=RESHOOT_NOTE)
    baseline = services.start_baseline(
        by=hoa, budget=budget,
        reason="Phụ lục 01 đã ký: thêm 2 tuần quảng cáo số và 2 video KOL tài chính (+180 triệu).",
    )  # fmt: skip
    ads = baseline.lines.get(description="Quảng cáo số")
    services.update_baseline_line(
        by=hoa, line=ads, description="Quảng cáo số 8 tuần",
        unit_cost_amount=470 * MILLION, unit_price_amount=560 * MILLION,
    )  # fmt: skip
    departments = {department.code: department for department in Department.objects.all()}
    services.add_baseline_line(
        by=hoa, baseline=baseline, **line_fields(
            Line("kol", "2 video KOL tài chính bổ sung (phụ lục 01)", 2, 35 * MILLION,
                 45 * MILLION, supplier="FinFluencers Việt Nam"), departments,
        ),
    )  # fmt: skip
    services.submit_baseline(by=hoa, baseline=baseline)
    services.approve_baseline(
        by=director, baseline=baseline, note="Đúng phụ lục 01 khách đã ký; giữ biên cho phần mới."
    )
    spend(people, budget, today, OVER_SPEND_AFTER)
    return budget


# --- Hoa Sen Beauty: past 80% of the KOL line, a re-baseline waiting -------------------------
NEAR_LINES = [
    Line("department", "Key visual bộ sưu tập son", 1, 60 * MILLION, 90 * MILLION,
         department="creative"),
    Line("production", "Chụp lookbook 20 ảnh", 1, 90 * MILLION, 120 * MILLION,
         supplier="Studio Ánh Sáng"),
    Line("kol", "Video review son của beauty blogger", 2, 40 * MILLION, 56 * MILLION,
         supplier="Beauty blogger"),
    Line("department", "Quản lý KOL và nội dung", 1, 20 * MILLION, 30 * MILLION,
         department="kol"),
    Line("vendor", "Quảng cáo ra mắt bộ sưu tập", 1, 280 * MILLION, 368 * MILLION,
         supplier="Công ty Media Việt"),
]  # fmt: skip
NEAR_SPEND = [
    Spend("order", "Beauty blogger Chloe Nguyễn", "2 video review son mùa lễ hội", 70 * MILLION,
          -3, line="Video review", booking="Beauty blogger Chloe Nguyễn", reference="PO-HS-001",
          by="kam"),
]  # fmt: skip


def near_budget(people: dict, project: Project, today: date, hours: Timesheets) -> Budget:
    minh = project.client.owner
    budget = _budget(
        project, NEAR_LINES,
        reason="Ngân sách theo hợp đồng bộ sưu tập son mùa lễ hội.",
        note="Đồng ý.",
    )  # fmt: skip
    hours.enter(project)
    spend(people, budget, today, NEAR_SPEND)
    baseline = services.start_baseline(
        by=minh, budget=budget,
        reason="Khách muốn thêm 2 video review cho dòng son thuần chay; phụ lục đang chờ ký.",
    )  # fmt: skip
    kol = baseline.lines.get(kind="kol")
    services.update_baseline_line(by=minh, line=kol, quantity=4)
    services.submit_baseline(by=minh, baseline=baseline)
    return budget


# --- THN Auto: delivered, a bill over its order ----------------------------------------------
DELIVERED_LINES = [
    Line("department", "Ý tưởng và key visual chiến dịch lái thử", 1, 70 * MILLION,
         100 * MILLION, department="creative"),
    Line("production", "Video giới thiệu xe điện 30 giây", 1, 220 * MILLION, 270 * MILLION,
         supplier="Đông Á Films"),
    Line("department", "Giám sát sản xuất video", 1, 25 * MILLION, 40 * MILLION,
         department="production"),
    Line("kol", "Video trải nghiệm của KOL xe", 3, 40 * MILLION, 50 * MILLION,
         supplier="Reviewer xe"),
    Line("department", "Quản lý KOL và duyệt nội dung", 1, 20 * MILLION, 30 * MILLION,
         department="kol"),
    Line("vendor", "Sự kiện lái thử tại showroom", 5, 46 * MILLION, 60 * MILLION,
         supplier="Sự kiện Hoàn Hảo"),
    Line("department", "Điều phối 5 showroom và xe lái thử", 1, 25 * MILLION, 30 * MILLION,
         department="event"),
    Line("department", "Báo cáo kết quả lái thử", 1, 15 * MILLION, 30 * MILLION,
         department="plan"),
]  # fmt: skip
OVER_ORDER = "Khách dời lịch lái thử ở Quận 7 một ngày: thuê thêm một ngày sảnh trưng bày."
DELIVERED_SPEND = [
    Spend("order", "Đông Á Films", "Video giới thiệu xe điện 30 giây", 210 * MILLION, -100,
          line="Video giới thiệu", reference="PO-THN-001", by="kam"),
    Spend("bill", "Sự kiện Hoàn Hảo", "Dàn dựng, xe đưa đón và hậu cần lái thử tại 4 showroom",
          176 * MILLION, -70, line="Sự kiện lái thử", reference="1C26THH-00000871"),
    Spend("order", "Reviewer xe Quang Huy", "Video trải nghiệm xe điện", 40 * MILLION, -82,
          line="Video trải nghiệm", booking="Reviewer xe Quang Huy", reference="PO-THN-002",
          by="kam"),
    Spend("bill", "Đông Á Films", "Video giới thiệu xe điện 30 giây", 210 * MILLION, -78,
          against=True, reference="1C26TDA-00002114"),
    Spend("bill", "Kênh Xe Hay", "Video trải nghiệm xe điện đường dài", 38 * MILLION, -62,
          line="Video trải nghiệm", reference="1C26TXH-00000092"),
    Spend("order", "Showroom THN Quận 7", "Sảnh trưng bày cho ngày lái thử", 40 * MILLION, -62,
          line="Sự kiện lái thử", booking="Showroom THN Quận 7", reference="PO-THN-003",
          by="kam"),
    Spend("bill", "Reviewer xe Quang Huy", "Video trải nghiệm xe điện", 40 * MILLION, -60,
          against=True, reference="1C26TQH-00000015"),
    Spend("bill", "Car Passion", "Video so sánh xe điện trong phố", 36 * MILLION, -58,
          line="Video trải nghiệm", reference="1C26TCP-00000311"),
    Spend("bill", "Showroom THN Quận 7", "Sảnh trưng bày: 2 ngày lái thử", 46 * MILLION, -55,
          against=True, reference="1C26TTH-00001207", over_order_reason=OVER_ORDER),
]  # fmt: skip


def delivered(people: dict, project: Project, today: date, hours: Timesheets) -> Budget:
    budget = _budget(
        project, DELIVERED_LINES,
        reason="Ngân sách theo hợp đồng lái thử xe điện tại 5 showroom.",
        note="Đồng ý; biên lợi nhuận 23%.",
    )  # fmt: skip
    hours.enter(project)
    spend(people, budget, today, DELIVERED_SPEND)
    return budget


# --- An Tâm Life: delivered -----------------------------------------------------------------
THANKS_LINES = [
    Line("vendor", "Tổ chức 3 buổi tri ân khách hàng", 3, 115 * MILLION, 145 * MILLION,
         supplier="Sự kiện Hoàn Hảo"),
    Line("production", "Quay phim 3 buổi tri ân", 1, 40 * MILLION, 55 * MILLION,
         supplier="Đông Á Films"),
    Line("department", "Dựng video tổng kết", 1, 30 * MILLION, 45 * MILLION,
         department="production"),
    Line("department", "Kịch bản và điều phối 3 buổi tri ân", 1, 50 * MILLION, 70 * MILLION,
         department="event"),
    Line("department", "Khảo sát hài lòng và báo cáo", 1, 10 * MILLION, 15 * MILLION,
         department="plan"),
]  # fmt: skip
THANKS_SPEND = [
    Spend("bill", "Sự kiện Hoàn Hảo", "Buổi tri ân tại TP. Hồ Chí Minh", 110 * MILLION, -100,
          line="Tổ chức", reference="1C26THH-00000702"),
    Spend("bill", "Sự kiện Hoàn Hảo", "Buổi tri ân tại Đà Nẵng", 114 * MILLION, -90,
          line="Tổ chức", reference="1C26THH-00000765"),
    Spend("bill", "Sự kiện Hoàn Hảo", "Buổi tri ân tại Hà Nội", 116 * MILLION, -80,
          line="Tổ chức", reference="1C26THH-00000810"),
    Spend("bill", "Đông Á Films", "Quay phim 3 buổi tri ân", 38 * MILLION, -79,
          line="Quay phim", reference="1C26TDA-00002087"),
]  # fmt: skip


def delivered_thanks(people: dict, project: Project, today: date, hours: Timesheets) -> Budget:
    budget = _budget(
        project, THANKS_LINES,
        reason="Ngân sách theo hợp đồng tuần lễ tri ân.",
        note="Đồng ý.",
    )  # fmt: skip
    hours.enter(project)
    spend(people, budget, today, THANKS_SPEND)
    return budget
