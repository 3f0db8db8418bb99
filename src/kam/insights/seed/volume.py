"""The insights of `kam seed --scale medium|large`: the year's targets of every KAM and team the
demo left without (every month, quarter and the year, the three revenues, sized to each KAM's
own revenue as the demo's are); the demo teams' targets raised by their new KAMs' with the
reason; satisfaction surveys up to the scale's count — one after each delivered project, the
latest first, leaving room for the key clients' scheduled ones every six months —, about 70%
answered, one in seven low, every low score followed up but some of the last weeks'; the
scale's days of health history for the key clients; then every client's health recomputed,
timed (the issue asks for 5,000 clients in under 30 s).

Bulk-inserted (core.seed): no services, no audit events, no follow-up calls logged."""

import time
from datetime import date, datetime, timedelta
from datetime import time as clock

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from kam.clients.models import Client, Stakeholder
from kam.core.links import new_nonce
from kam.core.seed import SeedContext, bulk_insert
from kam.delivery.models import Project
from kam.delivery.seed.story import STORY_CLIENT
from kam.insights.models import HealthHistory, Survey, Target, TargetChange
from kam.insights.queries.health import clients_to_score
from kam.insights.seed.health import backfill
from kam.insights.seed.targets import plan_year, quarter_revenue, set_on, team_plans
from kam.insights.services import recompute_health
from kam.insights.services.surveys import ASKED_FIRST
from kam.people.models import Team, User

TEAM_GREW = "Nhóm có thêm KAM mới: cộng doanh số cam kết của họ vào mục tiêu nhóm."
PACE = (0.75, 1.25)  # a KAM's projected revenue against target: from well behind to well ahead
ANSWERED_SHARE = 0.7
ANSWER_AFTER_DAYS = [0, 0, 1, 1, 1, 2, 3, 4, 6, 9, 13]
# A low score answered in the last FOLLOW_UP_DAYS may still wait; FOLLOWED_UP_SHARE of those of
# the month before are followed up; every older one is.
FOLLOW_UP_DAYS, FOLLOWED_UP_SHARE, ALL_FOLLOWED_UP_DAYS = 10, 0.7, 40
SCHEDULE_DAYS = 182  # a key client is asked every six months
CSAT_WEIGHTS = {5: 42, 4: 43, 3: 9, 2: 4, 1: 2}
NPS_BY_CSAT = {5: (8, 10), 4: (7, 9), 3: (5, 8), 2: (2, 6), 1: (0, 4)}
COMMENT_SHARE = 0.7
COMMENTS = {
    5: ["Rất hài lòng, đội ngũ chuyên nghiệp và chủ động.",
        "Chiến dịch vượt kỳ vọng, cảm ơn cả team!",
        "Ý tưởng sáng tạo, triển khai đúng tiến độ.",
        "Phản hồi nhanh, báo cáo rõ ràng. Sẽ tiếp tục hợp tác."],
    4: ["Hài lòng, mong báo cáo gửi sớm hơn.",
        "Chất lượng tốt, chi phí hơi cao so với mặt bằng.",
        "Làm việc ổn, cần đề xuất thêm ý tưởng mới.",
        "Đúng tiến độ, một vài chỉnh sửa mất nhiều vòng."],
    3: ["Tạm ổn, nhưng phản hồi còn chậm.",
        "Nội dung chưa bám sát brief, phải sửa nhiều lần.",
        "Khâu nghiệm thu và hóa đơn còn rườm rà."],
    2: ["Trễ hạn nhiều lần, phải nhắc liên tục.",
        "Báo cáo thiếu số liệu, chưa đạt kỳ vọng.",
        "Đổi nhân sự giữa chừng làm chất lượng giảm."],
    1: ["Không hài lòng: sự kiện có sự cố, xử lý chậm.",
        "Chi phí phát sinh không được báo trước."],
}  # fmt: skip
FOLLOW_UP_NOTES = [
    "Đã gọi xin lỗi khách, thống nhất lịch gửi báo cáo cố định hằng tuần.",
    "Đã gặp khách, đổi đầu mối phụ trách và cam kết tiến độ cho đợt sau.",
    "Đã trao đổi với Giám đốc Marketing, giảm phí tháng này và bổ sung nhân sự.",
    "Đã gọi lại, khách đồng ý tiếp tục sau khi agency khắc phục các điểm chưa đạt.",
]


def seed_volume(ctx: SeedContext) -> None:
    volumes = ctx.volumes
    today = timezone.localdate()
    targets, raised = _targets(ctx, today)
    _surveys(ctx, volumes.surveys - Survey.objects.count(), today)
    have_history = set(HealthHistory.objects.values_list("client_id", flat=True).distinct())
    key = [
        pk
        for pk in clients_to_score()
        .filter(tier=Client.Tier.KEY)
        .order_by("pk")
        .values_list("pk", flat=True)
        if pk not in have_history
    ]
    rows = backfill(ctx, key, volumes.health_history_days, today)
    started = time.monotonic()
    scored = recompute_health()
    seconds = time.monotonic() - started
    answered = Survey.objects.filter(status=Survey.Status.ANSWERED)
    ctx.log.append(
        f"insights: {Target.objects.count()} targets ({targets} of the volume, {raised} team "
        f"targets raised), {Survey.objects.count()} surveys ({answered.count()} answered, "
        f"{answered.filter(low_score=True).count()} low, "
        f"{answered.filter(low_score=True, followed_up_at__isnull=True).count()} to follow up), "
        f"{rows} health history rows; health of {scored:,} clients recomputed in {seconds:.1f} s"
    )


# --- Targets --------------------------------------------------------------------------------
def _targets(ctx: SeedContext, today: date) -> tuple[int, int]:
    """The plan of every KAM and team without targets, set by their Director (an admin for a
    KAM without a team); the teams with targets already take their new KAMs' on top."""
    with_targets = Target.objects.filter(user__isnull=False).values("user_id")
    kams = list(
        User.objects.filter(is_kam=True, is_active=True)
        .exclude(pk__in=with_targets)
        .select_related("team__leader")
        .order_by("pk")
    )
    if not kams:
        return 0, 0
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    revenue = quarter_revenue(today)
    plans = {
        kam.pk: plan_year(
            ctx.rng, kam.pk, revenue, {metric: ctx.rng.uniform(*PACE) for metric in
                                       ("booked", "invoiced", "collected")}, today
        )
        for kam in kams
    }  # fmt: skip
    teams = {team.pk: team for team in Team.objects.all()}
    by_team = team_plans(plans, {kam.pk: kam.team_id for kam in kams})
    set_before = set(
        Target.objects.filter(team__isnull=False).values_list("team_id", flat=True).distinct()
    )
    moment = set_on(today)
    rows = [
        Target(user=kam, metric=metric, period=period, starts_on=starts_on, amount=amount,
               set_by=kam.team.leader if kam.team else admin)
        for kam in kams
        for (metric, period, starts_on), amount in plans[kam.pk].items()
    ] + [
        Target(team_id=team_id, metric=metric, period=period, starts_on=starts_on,
               amount=amount, set_by_id=teams[team_id].leader_id)
        for team_id, planned in by_team.items()
        if team_id not in set_before
        for (metric, period, starts_on), amount in planned.items()
    ]  # fmt: skip
    saved = bulk_insert(ctx, "targets", rows, len(rows))
    changes = [
        TargetChange(target=target, amount_after=target.amount, changed_by_id=target.set_by_id)
        for target in saved
    ]
    raised = _raise_team_targets(by_team, set_before)
    changes += raised
    bulk_insert(ctx, "target changes", changes, len(changes))
    first = min(target.pk for target in saved)
    Target.objects.filter(pk__gte=first).update(created_at=moment, updated_at=moment)
    TargetChange.objects.filter(target_id__gte=first, amount_before__isnull=True).update(
        changed_at=moment
    )
    return len(saved), len(raised)


def _raise_team_targets(by_team: dict, set_before: set[int]) -> list[TargetChange]:
    """The demo teams' targets plus their new KAMs', each raise kept with its reason."""
    changes = []
    for target in Target.objects.filter(team__in=set_before & set(by_team)).select_related("team"):
        extra = by_team[target.team_id].get((target.metric, target.period, target.starts_on))
        if not extra:
            continue
        before = target.amount
        target.amount = before + extra
        target.save(update_fields=["amount", "updated_at"])
        changes.append(
            TargetChange(target=target, amount_before=before, amount_after=target.amount,
                         reason=TEAM_GREW, changed_by_id=target.team.leader_id)
        )  # fmt: skip
    return changes


# --- Surveys --------------------------------------------------------------------------------
def _surveys(ctx: SeedContext, total: int, today: date) -> None:
    """`total` surveys: one after each of the most recently delivered projects, but room for
    every key client's scheduled survey, the rest scheduled ones going back six months at a
    time."""
    if total < 0:
        raise ValueError("A scale holds at least the demo's surveys.")
    if not total:
        return
    rng = ctx.rng
    asked = _person_to_ask_by_client()
    owners = dict(Client.objects.values_list("pk", "owner_id"))
    delivered = [
        (pk, client_id, delivered_on)
        for pk, client_id, delivered_on in Project.objects.filter(
            status=Project.Status.DELIVERED, delivered_on__isnull=False
        )
        .exclude(surveys__reason=Survey.Reason.PROJECT)
        .order_by("-delivered_on", "-pk")
        .values_list("pk", "client_id", "delivered_on")
        if client_id in asked
    ]
    key = [
        pk
        for pk in Client.objects.filter(tier=Client.Tier.KEY, status=Client.Status.ACTIVE)
        .exclude(surveys__isnull=False)
        .exclude(short_name=STORY_CLIENT)  # its survey follows its project's delivery
        .order_by("pk")
        .values_list("pk", flat=True)
        if pk in asked
    ]
    projects = delivered[: max(0, total - min(len(key), total))]
    scheduled = _schedule(ctx, key, total - len(projects), today)
    now = timezone.now()

    def rows():
        for pk, client_id, delivered_on in projects:
            sent_on = min(delivered_on + timedelta(days=rng.randint(1, 3)), today)
            yield _survey(rng, client_id, asked[client_id], owners[client_id], pk,
                          Survey.Reason.PROJECT, sent_on, now)  # fmt: skip
        for client_id, sent_on in scheduled:
            yield _survey(rng, client_id, asked[client_id], owners[client_id], None,
                          Survey.Reason.SCHEDULED, sent_on, now)  # fmt: skip

    saved = bulk_insert(ctx, "surveys", rows(), total)
    Survey.objects.filter(pk__gte=min(survey.pk for survey in saved)).update(
        created_at=F("sent_at")
    )


def _person_to_ask_by_client() -> dict[int, int]:
    """Each client's stakeholder a survey goes to, as `services.person_to_ask` chooses."""
    rank = {role: index for index, role in enumerate(ASKED_FIRST)}
    best: dict[int, tuple] = {}
    for client_id, pk, role, relationship in (
        Stakeholder.objects.filter(is_active=True)
        .exclude(email="")
        .exclude(email=None)
        .values_list("client_id", "pk", "decision_role", "relationship")
    ):
        order = (rank.get(role, 9), -(relationship or 0), pk)
        if client_id not in best or order < best[client_id]:
            best[client_id] = order
    return {client_id: order[2] for client_id, order in best.items()}


def _schedule(ctx: SeedContext, key: list[int], count: int, today: date) -> list[tuple]:
    """(client, day sent) for `count` scheduled surveys: every key client's latest within the
    last six months, the earlier ones six months apart, within the scale's history."""
    if count and not key:
        raise ValueError("A scale with scheduled surveys needs key clients with a contact.")
    rng = ctx.rng
    latest = {pk: rng.randint(1, SCHEDULE_DAYS - 10) for pk in key}
    order = list(key)
    rng.shuffle(order)
    planned, rounds = [], 0
    while len(planned) < count:
        days = [latest[pk] + rounds * SCHEDULE_DAYS for pk in order]
        if min(days) > ctx.volumes.history_days:
            raise ValueError(f"{count:,} scheduled surveys do not fit the scale's history.")
        for pk, days_ago in zip(order, days, strict=True):
            if days_ago <= ctx.volumes.history_days and len(planned) < count:
                planned.append((pk, today - timedelta(days=days_ago)))
        rounds += 1
    return planned


def _survey(
    rng, client_id: int, stakeholder_id: int, owner_id: int, project_id: int | None,
    reason: str, sent_on: date, now: datetime,
) -> Survey:  # fmt: skip
    sent = min(timezone.make_aware(datetime.combine(sent_on, clock(9, 0))), now)
    survey = Survey(
        client_id=client_id,
        stakeholder_id=stakeholder_id,
        project_id=project_id,
        reason=reason,
        link_nonce=new_nonce(),
        sent_at=sent,
        link_expires_at=sent + timedelta(days=settings.KAM_SURVEY_LINK_DAYS),
    )
    answered = sent + timedelta(
        days=rng.choice(ANSWER_AFTER_DAYS), hours=rng.randint(1, 10), minutes=rng.randint(0, 59)
    )
    if rng.random() >= ANSWERED_SHARE or answered >= now:
        return survey
    csat = rng.choices(list(CSAT_WEIGHTS), weights=list(CSAT_WEIGHTS.values()))[0]
    survey.status = Survey.Status.ANSWERED
    survey.answered_at = answered
    survey.csat, survey.nps = csat, rng.randint(*NPS_BY_CSAT[csat])
    survey.comment = rng.choice(COMMENTS[csat]) if rng.random() < COMMENT_SHARE else ""
    survey.low_score = (
        survey.csat <= settings.KAM_SURVEY_LOW_CSAT or survey.nps <= settings.KAM_SURVEY_LOW_NPS
    )
    age = (now - answered).days
    if survey.low_score and (
        age > ALL_FOLLOWED_UP_DAYS or (age > FOLLOW_UP_DAYS and rng.random() < FOLLOWED_UP_SHARE)
    ):
        after = timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 5))
        survey.followed_up_at = answered + after
        survey.followed_up_by_id = owner_id
        survey.follow_up_note = rng.choice(FOLLOW_UP_NOTES)
    return survey
