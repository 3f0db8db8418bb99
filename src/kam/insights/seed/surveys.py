"""The demo's satisfaction surveys: each delivered project's, answered (THN Auto's test drive
well, An Tâm Life's thank-you week — delivered with a gap — so-so, and Minh followed it up);
the scheduled ones of the key clients, among them Sông Hồng Drinks' unhappy answer of three days
ago that waits on Lan's Today, and PĐS Bank's new one, sent and not answered yet; and a few
answers of other active clients over the year.

Through the services as they happen — sent, answered through the link, followed up — then dated
back to when they did (the services stamp "now"). The one still waiting is written directly, as
the morning round sent it: its email, queued at the commit, would go out to the demo contact.
The emails of the others are queued too and find their survey answered, so send nothing.

Sữa Việt, the story's client, rates its Tết campaign 9/10 once it is delivered; while the story
is in pre-production, no survey is made for it (`STORY_SURVEY`)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from kam.clients.models import Client, Interaction
from kam.core.audit import record_event
from kam.core.links import new_nonce
from kam.core.models import AuditEvent
from kam.delivery.models import Project
from kam.delivery.seed.steps import at
from kam.delivery.seed.story import STORY_CLIENT
from kam.insights import services
from kam.insights.models import Survey
from kam.insights.services.surveys import survey_token

PROJECT, SCHEDULED, MANUAL = Survey.Reason.PROJECT, Survey.Reason.SCHEDULED, Survey.Reason.MANUAL


@dataclass(frozen=True)
class Answer:
    """An answer `days` after the survey was sent, and a follow-up `follow_up` days after it."""

    csat: int
    nps: int
    comment: str
    days: int = 3
    follow_up: int | None = None
    note: str = ""


# A delivered project's survey goes out the morning after the delivery.
PROJECT_ANSWERS = {
    "THN Auto": Answer(5, 9, "Sự kiện lái thử ở 5 showroom tổ chức bài bản, số khách đăng ký "
                       "vượt chỉ tiêu gần 30%. Mong agency giữ nguyên đội này cho đợt ra mắt "
                       "mẫu xe tiếp theo.", days=2),
    "An Tâm Life": Answer(3, 6, "Tuần lễ tri ân nhìn chung ổn, nhưng quà tặng về thiếu ở hai "
                          "điểm và báo cáo tổng kết gửi chậm hơn một tuần so với cam kết.",
                          days=5, follow_up=2,
                          note="Đã gọi xin lỗi về quà thiếu; bổ sung quà cho hai điểm trong "
                          "tuần này và gửi báo cáo tổng kết kèm số liệu khảo sát. Khách ghi "
                          "nhận, vẫn muốn làm đợt tri ân cuối năm."),
}  # fmt: skip
OTHER_PROJECT_ANSWER = Answer(4, 8, "Dự án đúng tiến độ, chất lượng ổn. Cảm ơn đội ngũ.")
STORY_SURVEY = Answer(5, 9, "Chiến dịch Tết chạy đúng tiến độ, KOL thay thế kịp thời, nội dung "
                      "được người tiêu dùng đón nhận. Sẽ tiếp tục hợp tác cho mạng xã hội cả "
                      "năm.", days=2)  # fmt: skip
# The key clients' surveys sent by the morning round: client, days ago sent, answer (None:
# waiting).
SCHEDULED_SURVEYS = [
    ("PĐS Bank", 212, Answer(4, 8, "Phối hợp tốt, đúng tiến độ ra mắt ứng dụng. Chi phí còn hơi "
                             "cao so với mặt bằng chung.", days=4)),
    ("Sao Việt Retail", 62, Answer(4, 8, "Nội dung chương trình thành viên tốt, đội ngũ nhiệt "
                                   "tình. Mong agency chủ động đề xuất ý tưởng mới hơn.", days=3)),
    ("Hoa Sen Beauty", 45, Answer(5, 10, "Rất hài lòng với bộ ảnh và buổi livestream ra mắt, KOL "
                                  "chọn đúng tệp khách. Sẽ giới thiệu agency cho các nhãn khác "
                                  "trong tập đoàn.", days=2)),
    # Lan's unhappy client: answered three days ago, not followed up yet (her Today shows it).
    ("Sông Hồng Drinks", 9, Answer(2, 4, "Báo cáo tháng liên tục gửi trễ, phản hồi brief chậm, "
                                   "nhiều lần phải nhắc. Chúng tôi đang cân nhắc mời thêm agency "
                                   "khác cho mùa lễ hội.", days=6)),
    # Six months after PĐS Bank's last answer, the round asked again; no answer yet.
    ("PĐS Bank", 4, None),
]  # fmt: skip
# Answers of other active clients, sent by their KAM: days ago sent, answer.
MANUAL_ANSWERS = [
    (300, Answer(5, 9, "Làm việc chuyên nghiệp, phản hồi nhanh.", days=2)),
    (240, Answer(4, 7, "Ổn, nhưng cần cải thiện khâu nghiệm thu và xuất hóa đơn.", days=6)),
    (160, Answer(4, 9, "Hài lòng, mong tiến độ duyệt bản thiết kế nhanh hơn.", days=3)),
    (130, Answer(5, 10, "Ý tưởng sáng tạo, bám sát brief. Cảm ơn cả team!", days=1)),
    (75, Answer(4, 8, "Chất lượng nội dung ổn định, báo cáo rõ ràng.", days=4)),
    (20, Answer(5, 9, "", days=2)),
]


def seed_demo_surveys(today: date) -> list[str]:
    """The demo's surveys; returns what the log should say about the story."""
    notes = []
    clients = {client.short_name: client for client in Client.objects.select_related("owner")}
    delivered = (
        Project.objects.filter(status=Project.Status.DELIVERED, delivered_on__isnull=False)
        .select_related("client__owner")
        .order_by("delivered_on", "pk")
    )
    story_delivered = False
    for project in delivered:
        name = project.client.short_name
        answer = STORY_SURVEY if name == STORY_CLIENT else PROJECT_ANSWERS.get(name)
        story_delivered |= name == STORY_CLIENT
        _answered(
            project.client,
            at(min(project.delivered_on + timedelta(days=1), today), 9, 0),
            answer or OTHER_PROJECT_ANSWER,
            project=project,
            today=today,
        )
    if STORY_CLIENT in clients and not story_delivered:
        notes.append(f"{STORY_CLIENT}'s project not delivered yet: no survey")
    for name, days_ago, answer in SCHEDULED_SURVEYS:
        if name not in clients:
            continue
        sent = at(today - timedelta(days=days_ago), 9, 0)
        if answer is None:
            _waiting(clients[name], sent)
        else:
            _answered(clients[name], sent, answer, reason=SCHEDULED, today=today)
    others = (
        Client.objects.filter(status=Client.Status.ACTIVE)
        .exclude(tier=Client.Tier.KEY)
        .select_related("owner")
        .order_by("pk")
    )
    askable = [client for client in others if services.person_to_ask(client) is not None]
    for client, (days_ago, answer) in zip(askable, MANUAL_ANSWERS, strict=False):
        _answered(
            client, at(today - timedelta(days=days_ago), 10, 30), answer, reason=MANUAL,
            by=client.owner, today=today,
        )  # fmt: skip
    return notes


def _answered(
    client: Client,
    sent: datetime,
    answer: Answer,
    *,
    project: Project | None = None,
    reason: str = PROJECT,
    by=None,
    today: date,
) -> Survey | None:
    """Sent (by the round when `by` is None), answered through its link, followed up."""
    sent = min(sent, timezone.now() - timedelta(hours=2))
    stakeholder = services.person_to_ask(client)
    if stakeholder is None:
        return None
    survey = services.send_survey(
        by=by, client=client, stakeholder=stakeholder, project=project, reason=reason
    )
    services.answer_survey(
        token=survey_token(survey), csat=answer.csat, nps=answer.nps, comment=answer.comment
    )
    answered = min(
        sent + timedelta(days=answer.days, hours=5, minutes=20),
        timezone.now() - timedelta(hours=1),
    )
    dates = {
        "sent_at": sent,
        "link_expires_at": sent + timedelta(days=settings.KAM_SURVEY_LINK_DAYS),
        "answered_at": answered,
        "created_at": sent,
    }
    moments = {"survey.sent": sent, "survey.answered": answered}
    if answer.follow_up is not None:
        services.follow_up_survey(by=client.owner, survey=survey, note=answer.note)
        followed = min(
            at(min(timezone.localdate(answered) + timedelta(days=answer.follow_up), today), 15, 30),
            timezone.now() - timedelta(minutes=30),
        )
        dates["followed_up_at"] = moments["survey.followed_up"] = followed
        # The call the follow-up logged happened then too.
        call = Interaction.objects.filter(client=client, recorded_by=client.owner).latest("pk")
        Interaction.objects.filter(pk=call.pk).update(
            happened_at=followed, created_at=followed, updated_at=followed
        )
    Survey.objects.filter(pk=survey.pk).update(**dates)
    _date_events(survey, moments)
    return survey


def _waiting(client: Client, sent: datetime) -> Survey | None:
    """A survey the morning round sent, not answered yet: written as `send_survey` writes it,
    but without queuing its email (it went out that morning)."""
    stakeholder = services.person_to_ask(client)
    if stakeholder is None:
        return None
    survey = Survey.objects.create(
        client=client,
        stakeholder=stakeholder,
        reason=SCHEDULED,
        link_nonce=new_nonce(),
        sent_at=sent,
        link_expires_at=sent + timedelta(days=settings.KAM_SURVEY_LINK_DAYS),
    )
    record_event(
        subject=survey,
        verb="survey.sent",
        by=None,
        changes={"to": [None, str(stakeholder)], "reason": [None, SCHEDULED]},
    )
    Survey.objects.filter(pk=survey.pk).update(created_at=sent)
    _date_events(survey, {"survey.sent": sent})
    return survey


def _date_events(survey: Survey, moments: dict[str, datetime]) -> None:
    events = AuditEvent.objects.filter(
        subject_type=ContentType.objects.get_for_model(Survey), subject_id=str(survey.pk)
    )
    for verb, moment in moments.items():
        events.filter(verb=verb).update(at=moment)
