"""The budget of Sữa Việt's Tết campaign, a week into pre-production: set up from the approved
version 2 with the bumpers the client added, the northern KOL's replacement ordered and half
paid — past 80% of its line —, the hall ordered, a location fee outside the plan, the first
week's hours; and the music the agency offers to absorb, which would take the forecast margin
under the 20% floor, waiting on the Director."""

from datetime import date

from kam.budgets import services
from kam.budgets.models import Budget
from kam.budgets.seed.steps import MILLION, Spend, Timesheets, spend
from kam.delivery import services as delivery
from kam.delivery.models import ChangeRequest, Project

NORTH_KOL = "KOL miền Bắc"
EVENT = "Sự kiện “Tết sum vầy”"
BLOGGER = "Food blogger Bếp Nhà Hà Nội"
HALL = "Cung Văn hóa Hữu nghị Việt Xô"
STORY_SPEND = [
    Spend("bill", BLOGGER, "Tạm ứng 50% hợp đồng 2 video mâm cỗ Tết Hà Nội", 37_500_000, -1,
          against=True, reference="1C26THD-00000412"),
    Spend("bill", "Ban quản lý di tích làng cổ Đường Lâm",
          "Khảo sát bối cảnh và phí xin phép quay tại nhà cổ", 8 * MILLION, -2,
          reference="Biên lai 0003187", by="kam"),
]  # fmt: skip
MUSIC_REASON = (
    "Khách đã chịu chi phí 2 bản bumper; bản phối dân ca giúp TVC nổi bật dịp Tết. Đề xuất agency "
    "chịu phí bản quyền và phối khí để giữ quan hệ và ngày lên sóng; biên lợi nhuận còn khoảng 19%."
)


def budget_the_story(people: dict, project: Project, today: date, hours: Timesheets) -> Budget:
    lan = people["lan"]
    budget = services.create_budget(by=lan, project=project)
    hours.enter(project)
    lines = {line.description: line for line in budget.lines.all()}
    # The confirmed bookings that start soonest get their purchase orders now.
    for booking_name, line_name in [(BLOGGER, NORTH_KOL), (HALL, EVENT)]:
        booking = project.bookings.get(name__startswith=booking_name)
        line = next(line for text, line in lines.items() if text.startswith(line_name))
        services.record_order_for_booking(by=lan, booking=booking, line=line)
    spend(people, budget, today, STORY_SPEND)
    # The client wants the folk-song score; the agency offers to absorb it, under the floor.
    music = ChangeRequest.objects.get(project=project, status=ChangeRequest.Status.OPEN)
    music = delivery.update_change_request(by=lan, change=music, paid_by="agency")
    services.request_change_approval(by=lan, change=music, reason=MUSIC_REASON)
    return budget
