"""Every service of every app either leaves exactly the audit event its change deserves, or is
listed here with the reason it writes none. A new service without an entry fails
`test_every_service_has_an_audit_entry`. Calling a service so that nothing changes leaves no
event: no event without its change."""

import inspect
from datetime import date, timedelta
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.utils import timezone

from kam.budgets import services as budgets
from kam.clients import services as clients
from kam.clients.models import AccountPlan, AgencyService, ClientRequest, SpecialTerm
from kam.core.models import AuditEvent
from kam.delivery import services as delivery
from kam.growth import services as growth
from kam.growth.models import Handover
from kam.insights import services as insights
from kam.people import services as people
from kam.pitching import services as pitching
from kam.pitching.models import CreativeBrief
from kam.receivables import queries as receivables_queries
from kam.receivables import services as receivables
from kam.receivables.models import VatRate
from tests.budgets.factories import budgeted_project, estimated_project
from tests.clients.factories import ClientFactory, InteractionFactory, StakeholderFactory
from tests.delivery.factories import (
    approved_proposal,
    draft_contract,
    running_project,
    signed_contract,
)
from tests.growth.factories import LeadFactory, OpportunityFactory, stage
from tests.growth.test_services import CHECKLIST as HANDOVER_CHECKLIST
from tests.pitching.factories import BriefFactory, IdeaFactory, price, shortlisted_brief
from tests.receivables.factories import billable_client, issued, paid
from tests.receivables.factories import draft as receivable_draft

# Public functions of services modules that write no audit event, and why.
NOT_AUDITED = {
    "kam.people.services.user_for_api_key": "reads a token; only stamps its last use",
    "kam.people.services.sign_in_key": "computes a name; writes nothing",
    "kam.people.services.count_sign_in_attempt": "a security counter, not a record",
    "kam.people.services.sign_in_succeeded": "clears the security counter",
    "kam.people.services.sign_in_lock_minutes": "reads a setting",
    "kam.people.services.refuse_demo_password": "a check; writes nothing",
    "kam.people.services.forget_old_sign_in_failures": "expires security counters",
    "kam.clients.services.stage_import": "keeps an upload for its preview; applies nothing",
    "kam.clients.services.preview_import": "a dry run: every write is undone",
    "kam.clients.services.apply_import": "each row goes through create_client/add_stakeholder, "
    "which write their own events (one per record)",
    "kam.clients.services.cancel_import": "drops an unapplied upload",
    "kam.clients.services.forget_stale_imports": "drops unapplied uploads",
    "kam.growth.services.open_renewal_opportunities": "a job: each renewal it opens writes its "
    "opportunity.created, by the system (no actor)",
}
# Services whose one change touches other records, which write their own events besides the
# service's own.
COMPOSITE = {
    "kam.growth.services.convert_lead": "the prospect, its contact and the opportunity",
    "kam.growth.services.accept_handover": "the client's new owner and its account team",
    "kam.pitching.services.create_proposal": "its first version",
    "kam.delivery.services.record_task_slip": "the interaction telling the client",
    "kam.delivery.services.record_milestone_slip": "the interaction telling the client",
    "kam.delivery.services.promote_backup": "the cancellation of the booking it replaces",
}


def _tokens(actors):
    token, _key = people.create_api_token(by=actors["lan"], name="t")
    return token


# service -> (call(actors) -> the changed record, the verb its event must carry)
AUDITED = {
    "kam.people.services.create_first_admin": None,  # needs an empty database: tested below
    "kam.people.services.create_user": (
        lambda a: people.create_user(by=a["admin"], username="moi", full_name="Người Mới"),
        "user.created",
    ),
    "kam.people.services.update_user": (
        lambda a: people.update_user(by=a["admin"], user=a["lan"], email="lan2@example.com"),
        "user.updated",
    ),
    "kam.people.services.update_profile": (
        lambda a: people.update_profile(by=a["lan"], language="en"),
        "user.updated",
    ),
    "kam.people.services.change_password": (
        lambda a: people.change_password(
            by=a["lan"], old_password="correct horse battery", new_password="another good one 7"
        ),
        "user.password_changed",
    ),
    "kam.people.services.set_password": (
        lambda a: people.set_password(by=a["admin"], user=a["lan"], password="another good one 7"),
        "user.password_set",
    ),
    "kam.people.services.create_team": (
        lambda a: people.create_team(by=a["admin"], name="Nhóm C", leader=a["director"]),
        "team.created",
    ),
    "kam.people.services.update_team": (
        lambda a: people.update_team(by=a["admin"], team=a["lan"].team, name="Nhóm A1"),
        "team.updated",
    ),
    "kam.people.services.create_department": (
        lambda a: people.create_department(by=a["admin"], code="digital", name="Kỹ thuật số"),
        "department.created",
    ),
    "kam.people.services.update_department": (
        lambda a: people.update_department(
            by=a["admin"], department=a["creative"].department, name="Phòng Sáng tạo"
        ),
        "department.updated",
    ),
    "kam.people.services.create_api_token": (
        lambda a: people.create_api_token(by=a["lan"], name="Zapier")[0].user,
        "token.created",
    ),
    "kam.people.services.revoke_api_token": (
        lambda a: people.revoke_api_token(by=a["lan"], token=_tokens(a)).user,
        "token.revoked",
    ),
}


def _client(actors):
    return ClientFactory(owner=actors["lan"], legal_name="Sữa Việt")


def _member(actors):
    return _client(actors).team_members.create(user=actors["hoa"], role="kam")


def _next_step(actors):
    return InteractionFactory(
        client=_client(actors),
        next_step="Gọi lại",
        next_step_due_on="2026-12-01",
        next_step_owner=actors["lan"],
    )


AUDITED |= {
    "kam.clients.services.create_client": (
        lambda a: clients.create_client(by=a["lan"], legal_name="Sông Hồng"),
        "client.created",
    ),
    "kam.clients.services.update_client": (
        lambda a: clients.update_client(by=a["lan"], client=_client(a), tier="growth"),
        "client.updated",
    ),
    "kam.clients.services.add_team_member": (
        lambda a: (
            clients.add_team_member(
                by=a["lan"], client=_client(a), user=a["hoa"], role="kam"
            ).client
        ),
        "client.member_added",
    ),
    "kam.clients.services.remove_team_member": (
        lambda a: clients.remove_team_member(by=a["lan"], member=_member(a)),
        "client.member_removed",
    ),
    "kam.clients.services.add_stakeholder": (
        lambda a: clients.add_stakeholder(by=a["lan"], client=_client(a), full_name="Hà"),
        "stakeholder.created",
    ),
    "kam.clients.services.update_stakeholder": (
        lambda a: clients.update_stakeholder(
            by=a["lan"], stakeholder=StakeholderFactory(client=_client(a)), influence=5
        ),
        "stakeholder.updated",
    ),
    "kam.clients.services.move_stakeholder": (
        lambda a: clients.move_stakeholder(
            by=a["lan"],
            stakeholder=StakeholderFactory(client=_client(a)),
            to_client=ClientFactory(owner=a["lan"]),
        ),
        "stakeholder.moved",
    ),
    "kam.clients.services.log_interaction": (
        lambda a: clients.log_interaction(by=a["lan"], client=_client(a), summary="Họp"),
        "interaction.created",
    ),
    "kam.clients.services.update_interaction": (
        lambda a: clients.update_interaction(
            by=a["lan"], interaction=InteractionFactory(client=_client(a)), summary="Đã sửa"
        ),
        "interaction.updated",
    ),
    "kam.clients.services.complete_next_step": (
        lambda a: clients.complete_next_step(by=a["lan"], interaction=_next_step(a)),
        "interaction.next_step_done",
    ),
    "kam.clients.services.propose_term": (
        lambda a: clients.propose_term(
            by=a["lan"], client=_client(a), kind="price", description="Giảm 10%",
            valid_from="2026-12-01",
        ),
        "term.proposed",
    ),
    "kam.clients.services.update_term": (
        lambda a: clients.update_term(by=a["lan"], term=_term(a), rate_percent=12),
        "term.updated",
    ),
    "kam.clients.services.approve_term": (
        lambda a: clients.approve_term(by=a["director"], term=_term(a)),
        "term.approved",
    ),
    "kam.clients.services.end_term": (
        lambda a: clients.end_term(by=a["lan"], term=_term(a)),
        "term.ended",
    ),
    "kam.clients.services.log_request": (
        lambda a: clients.log_request(by=a["lan"], client=_client(a), title="Sai logo"),
        "request.logged",
    ),
    "kam.clients.services.update_request": (
        lambda a: clients.update_request(by=a["lan"], item=_request(a), severity="high"),
        "request.updated",
    ),
    "kam.clients.services.start_request": (
        lambda a: clients.start_request(by=a["lan"], item=_request(a)),
        "request.started",
    ),
    "kam.clients.services.resolve_request": (
        lambda a: clients.resolve_request(by=a["lan"], item=_request(a), resolution="Đã sửa"),
        "request.resolved",
    ),
    "kam.clients.services.reopen_request": (
        lambda a: clients.reopen_request(by=a["lan"], item=_request(a, status="resolved")),
        "request.reopened",
    ),
    "kam.clients.services.create_service": (
        lambda a: clients.create_service(by=a["admin"], code="podcast", name="Podcast"),
        "service.created",
    ),
    "kam.clients.services.update_service": (
        lambda a: clients.update_service(by=a["admin"], service=_service(), is_active=False),
        "service.updated",
    ),
    "kam.clients.services.create_plan": (
        lambda a: clients.create_plan(by=a["lan"], client=_client(a), year=2027, objectives="x"),
        "plan.created",
    ),
    "kam.clients.services.update_plan": (
        lambda a: clients.update_plan(by=a["lan"], plan=_plan(a), objectives="Tăng 30%"),
        "plan.updated",
    ),
    "kam.clients.services.add_play": (
        lambda a: clients.add_play(
            by=a["lan"], plan=_plan(a), title="KOL", owner=a["lan"], due_on="2027-01-10"
        ),
        "play.added",
    ),
    "kam.clients.services.update_play": (
        lambda a: clients.update_play(by=a["lan"], play=_play(a), status="done"),
        "play.updated",
    ),
    "kam.clients.services.open_prospect": (
        lambda a: clients.open_prospect(by=a["sales"], owner=a["sales"], legal_name="Mới"),
        "client.created",
    ),
    "kam.growth.services.create_stage": (
        lambda a: growth.create_stage(by=a["admin"], name="Thử", position=9, probability=95),
        "stage.created",
    ),
    "kam.growth.services.update_stage": (
        lambda a: growth.update_stage(by=a["admin"], stage=stage(1), probability=15),
        "stage.updated",
    ),
    "kam.growth.services.create_lead": (
        lambda a: growth.create_lead(by=a["sales"], company_name="Mới", source="event"),
        "lead.created",
    ),
    "kam.growth.services.update_lead": (
        lambda a: growth.update_lead(by=a["sales"], lead=_lead(a), status="contacted"),
        "lead.updated",
    ),
    "kam.growth.services.convert_lead": (
        lambda a: growth.convert_lead(by=a["sales"], lead=_lead(a, status="qualified")).lead,
        "lead.converted",
    ),
    "kam.growth.services.create_opportunity": (
        lambda a: growth.create_opportunity(
            by=a["lan"], client=_client(a), title="KOL", kind="upsell",
            expected_close_on=date(2027, 1, 10),
        ),
        "opportunity.created",
    ),
    "kam.growth.services.update_opportunity": (
        lambda a: growth.update_opportunity(by=a["lan"], opportunity=_opportunity(a), title="Tết"),
        "opportunity.updated",
    ),
    "kam.growth.services.move_opportunity": (
        lambda a: growth.move_opportunity(by=a["lan"], opportunity=_opportunity(a), stage=stage(3)),
        "opportunity.moved",
    ),
    "kam.growth.services.win_opportunity": (
        lambda a: growth.win_opportunity(by=a["lan"], opportunity=_opportunity(a)),
        "opportunity.won",
    ),
    "kam.growth.services.lose_opportunity": (
        lambda a: growth.lose_opportunity(by=a["lan"], opportunity=_opportunity(a), reason="Giá"),
        "opportunity.lost",
    ),
    "kam.growth.services.hand_over_client": (
        lambda a: growth.hand_over_client(
            by=a["sales"], client=_prospect(a), to_kam=a["lan"], **HANDOVER_CHECKLIST
        ),
        "handover.created",
    ),
    "kam.growth.services.update_handover": (
        lambda a: growth.update_handover(by=a["sales"], handover=_handover(a), risks="Khác"),
        "handover.updated",
    ),
    "kam.growth.services.return_handover": (
        lambda a: growth.return_handover(by=a["lan"], handover=_handover(a), question="Hạn?"),
        "handover.returned",
    ),
    "kam.growth.services.accept_handover": (
        lambda a: growth.accept_handover(by=a["lan"], handover=_handover(a)),
        "handover.accepted",
    ),
    "kam.pitching.services.create_brief": (
        lambda a: pitching.create_brief(
            by=a["lan"], client=_client(a), title="Tết", objectives="Bán"
        ),
        "brief.created",
    ),
    "kam.pitching.services.update_brief": (
        lambda a: pitching.update_brief(by=a["lan"], brief=_brief(a), title="Tết 2027"),
        "brief.updated",
    ),
    "kam.pitching.services.propose_budget": (
        lambda a: pitching.propose_budget(by=a["lan"], brief=_brief(a), amount=2, rationale="Vì"),
        "brief.budget_proposed",
    ),
    "kam.pitching.services.set_review_weights": (
        lambda a: pitching.set_review_weights(by=a["lan"], brief=_brief(a), weight_cost=50),
        "brief.weights_changed",
    ),
    "kam.pitching.services.cancel_brief": (
        lambda a: pitching.cancel_brief(by=a["lan"], brief=_brief(a), reason="Khách hoãn"),
        "brief.cancelled",
    ),
    "kam.pitching.services.add_brief_member": (
        lambda a: pitching.add_brief_member(by=a["lan"], brief=_brief(a), user=a["creative"]).brief,
        "brief.member_added",
    ),
    "kam.pitching.services.remove_brief_member": (
        lambda a: _removed_member(a),
        "brief.member_removed",
    ),
    "kam.pitching.services.attach_file": (
        lambda a: pitching.attach_file(
            by=a["lan"], brief=_brief(a), name="a.pdf", content=PDF
        ).brief,
        "brief.file_attached",
    ),
    "kam.pitching.services.remove_attachment": (
        lambda a: _removed_attachment(a),
        "brief.file_removed",
    ),
    "kam.pitching.services.create_creative_brief": (
        lambda a: pitching.create_creative_brief(
            by=a["lan"], brief=_brief(a), planner=a["planner"]
        ),
        "creative_brief.created",
    ),
    "kam.pitching.services.update_creative_brief": (
        lambda a: pitching.update_creative_brief(
            by=a["planner"], creative=_creative(a), insight="Về nhà"
        ),
        "creative_brief.updated",
    ),
    "kam.pitching.services.mark_creative_brief_ready": (
        lambda a: pitching.mark_creative_brief_ready(by=a["planner"], creative=_creative(a)),
        "creative_brief.ready",
    ),
    "kam.pitching.services.add_idea": (
        lambda a: pitching.add_idea(
            by=a["lan"], brief=_brief(a), title="Mâm cơm", description="Phim"
        ),
        "idea.created",
    ),
    "kam.pitching.services.update_idea": (
        lambda a: pitching.update_idea(by=a["lan"], idea=_idea(a), title="Mâm cơm Tết"),
        "idea.updated",
    ),
    "kam.pitching.services.review_idea": (
        lambda a: pitching.review_idea(
            by=a["lan"], idea=_idea(a), fit=5, creativity=4, feasibility=3, cost=2
        ).idea,
        "idea.reviewed",
    ),
    "kam.pitching.services.shortlist_idea": (
        lambda a: pitching.shortlist_idea(by=a["lan"], idea=_idea(a)),
        "idea.shortlisted",
    ),
    "kam.pitching.services.drop_from_shortlist": (
        lambda a: pitching.drop_from_shortlist(by=a["lan"], idea=_idea(a, is_shortlisted=True)),
        "idea.unshortlisted",
    ),
    "kam.pitching.services.create_proposal": (
        lambda a: pitching.create_proposal(by=a["lan"], brief=shortlisted_brief(client=_client(a))),
        "proposal.created",
    ),
    "kam.pitching.services.update_version": (
        lambda a: pitching.update_version(by=a["lan"], version=_version(a), narrative="Câu chuyện"),
        "version.updated",
    ),
    "kam.pitching.services.add_estimate_line": (
        lambda a: pitching.add_estimate_line(by=a["lan"], version=_version(a), **LINE).version,
        "version.line_added",
    ),
    "kam.pitching.services.update_estimate_line": (
        lambda a: pitching.update_estimate_line(by=a["lan"], line=_line(a), quantity=2).version,
        "version.line_changed",
    ),
    "kam.pitching.services.remove_estimate_line": (
        lambda a: _removed_line(a),
        "version.line_removed",
    ),
    "kam.pitching.services.request_margin_approval": (
        lambda a: pitching.request_margin_approval(by=a["lan"], version=_version(a, cost=900)),
        "version.approval_requested",
    ),
    "kam.pitching.services.approve_margin": (
        lambda a: pitching.approve_margin(
            by=a["director"], version=_awaiting(a), note="Chiến lược"
        ),
        "version.margin_approved",
    ),
    "kam.pitching.services.decline_margin": (
        lambda a: pitching.decline_margin(
            by=a["director"], version=_awaiting(a), note="Giảm chi phí"
        ),
        "version.margin_declined",
    ),
    "kam.pitching.services.send_version": (
        lambda a: pitching.send_version(by=a["lan"], version=_version(a, cost=500)),
        "version.sent",
    ),
    "kam.pitching.services.revise_proposal": (
        lambda a: pitching.revise_proposal(by=a["lan"], proposal=_sent(a).proposal),
        "version.created",
    ),
    "kam.pitching.services.record_feedback": (
        lambda a: pitching.record_feedback(by=a["lan"], version=_sent(a), text="Giảm KOL").version,
        "version.feedback",
    ),
    "kam.pitching.services.schedule_pitch": (
        lambda a: pitching.schedule_pitch(
            by=a["lan"], proposal=_version(a).proposal, held_at=timezone.now(),
            presenters=[a["lan"]],
        ),
        "pitch.created",
    ),
    "kam.pitching.services.update_pitch": (
        lambda a: pitching.update_pitch(by=a["lan"], pitch=_pitch(a), outcome="positive"),
        "pitch.updated",
    ),
    "kam.pitching.services.approve_proposal": (
        lambda a: pitching.approve_proposal(by=a["lan"], proposal=_sent(a).proposal),
        "proposal.approved",
    ),
    "kam.pitching.services.lose_proposal": (
        lambda a: pitching.lose_proposal(by=a["lan"], proposal=_version(a).proposal, reason="Giá"),
        "proposal.lost",
    ),
}  # fmt: skip


PDF = b"%PDF-1.4\n"
LINE = {
    "kind": "production", "description": "TVC", "quantity": 1,
    "unit_cost_amount": 800, "unit_price_amount": 1000,
}  # fmt: skip


def _brief(actors):
    return BriefFactory(client=_client(actors))


def _removed_member(actors):
    brief = _brief(actors)
    brief.members.create(user=actors["creative"])
    pitching.remove_brief_member(by=actors["lan"], brief=brief, user=actors["creative"])
    return brief


def _removed_attachment(actors):
    attachment = pitching.attach_file(
        by=actors["lan"], brief=_brief(actors), name="a.pdf", content=PDF
    )
    AuditEvent.objects.all().delete()
    pitching.remove_attachment(by=actors["lan"], attachment=attachment)
    return attachment.brief


def _creative(actors):
    brief = _brief(actors)
    return CreativeBrief.objects.create(
        brief=brief, planner=actors["planner"], problem="Bán Tết", assigned_by=actors["lan"]
    )


def _idea(actors, **fields):
    return IdeaFactory(brief=_brief(actors), **fields)


def _version(actors, cost=None):
    proposal = pitching.create_proposal(
        by=actors["lan"], brief=shortlisted_brief(client=_client(actors))
    )
    version = proposal.versions.get()
    if cost is not None:
        price(version, by=actors["lan"], cost=cost, price=1000)
    AuditEvent.objects.all().delete()
    return version


def _line(actors):
    version = _version(actors)
    line = pitching.add_estimate_line(by=actors["lan"], version=version, **LINE)
    AuditEvent.objects.all().delete()
    return line


def _removed_line(actors):
    line = _line(actors)
    pitching.remove_estimate_line(by=actors["lan"], line=line)
    return line.version


def _awaiting(actors):
    version = pitching.request_margin_approval(by=actors["lan"], version=_version(actors, cost=900))
    AuditEvent.objects.all().delete()
    return version


def _sent(actors):
    version = pitching.send_version(by=actors["lan"], version=_version(actors, cost=500))
    AuditEvent.objects.all().delete()
    return version


def _pitch(actors):
    pitch = pitching.schedule_pitch(
        by=actors["lan"], proposal=_version(actors).proposal, held_at=timezone.now(),
        presenters=[actors["lan"]],
    )  # fmt: skip
    AuditEvent.objects.all().delete()
    return pitch


def _lead(actors, status="new"):
    return LeadFactory(owner=actors["sales"], status=status)


def _opportunity(actors):
    return OpportunityFactory(client=_client(actors))


def _prospect(actors):
    return ClientFactory(owner=actors["sales"], status="prospect")


def _handover(actors):
    return Handover.objects.create(
        client=_prospect(actors), from_user=actors["sales"], to_kam=actors["lan"],
        **HANDOVER_CHECKLIST,
    )  # fmt: skip


def _service():
    return AgencyService.objects.get(code="kol")


def _plan(actors):
    return AccountPlan.objects.create(
        client=_client(actors), year=2027, objectives="Tăng 20%", created_by=actors["lan"]
    )


def _play(actors):
    return _plan(actors).plays.create(title="KOL", owner=actors["lan"], due_on="2027-01-10")


def _request(actors, status="open"):
    resolved = {"resolution": "Đã sửa", "resolved_at": timezone.now()} if status != "open" else {}
    return ClientRequest.objects.create(
        client=_client(actors), title="Sai logo", created_by=actors["lan"], status=status,
        **resolved,
    )  # fmt: skip


def _term(actors):
    return SpecialTerm.objects.create(
        client=_client(actors), kind="price", description="Giảm 10%", rate_percent=10,
        valid_from="2026-11-01", proposed_by=actors["lan"],
    )  # fmt: skip


# --- Delivery -------------------------------------------------------------------------------
def _fresh(record):
    """A record set up through the services, its set-up events forgotten."""
    AuditEvent.objects.all().delete()
    return record


def _day(days: int = 0) -> date:
    return timezone.localdate() + timedelta(days=days)


def _contract(actors):
    return _fresh(draft_contract(client=_client(actors), value=1000))


def _signed(actors):
    return _fresh(signed_contract(client=_client(actors)))


def _project(actors):
    return _fresh(running_project(client=_client(actors)))


def _planned_project(actors):
    contract = signed_contract(client=_client(actors))
    return _fresh(delivery.create_project(by=actors["lan"], contract=contract))


def _task(actors, **fields):
    project = running_project(client=_client(actors))
    values = {"title": "Kịch bản", "vendor": "Studio", "starts_on": _day(), "due_on": _day(5)}
    task = delivery.create_task(by=actors["lan"], project=project, **{**values, **fields})
    return _fresh(task)


def _two_tasks(actors):
    first = _task(actors)
    second = delivery.create_task(
        by=actors["lan"], project=first.project, title="Dựng", vendor="Studio",
        starts_on=_day(), due_on=_day(5),
    )  # fmt: skip
    return _fresh((first, second))


def _booking(actors, **fields):
    project = running_project(client=_client(actors))
    values = {"kind": "kol", "name": "KOL Hà Anh", "starts_on": _day(3), "ends_on": _day(3)}
    return _fresh(delivery.add_booking(by=actors["lan"], project=project, **{**values, **fields}))


def _backup(actors):
    primary = _booking(actors)
    return _fresh(
        delivery.add_booking(
            by=actors["lan"], project=primary.project, kind="kol", name="KOL Minh Tú",
            starts_on=_day(3), ends_on=_day(3), backup_for=primary,
        )
    )  # fmt: skip


def _change(actors):
    project = running_project(client=_client(actors))
    return _fresh(
        delivery.create_change_request(
            by=actors["lan"], project=project, title="Thêm video", description="2 video",
            requested_by=StakeholderFactory(client=project.client),
        )
    )  # fmt: skip


def _change_line(actors):
    change = _change(actors)
    return _fresh(delivery.add_change_line(by=actors["lan"], change=change, **LINE))


def _gone(record, remove):
    """Remove the record and answer something with its former pk (its event's subject)."""
    pk = record.pk
    remove(record)
    return SimpleNamespace(pk=pk)


def _slipped_milestone(actors):
    project = _project(actors)
    milestone = project.contract.milestones.first()
    delivery.record_milestone_slip(
        by=actors["lan"], milestone=milestone, now_due_on=milestone.due_on + timedelta(days=3),
        reason="Chờ duyệt", told_how="call",
    )  # fmt: skip
    return project.contract


AUDITED |= {
    "kam.delivery.services.create_contract": (
        lambda a: delivery.create_contract(
            by=a["lan"], client=_client(a), title="HĐ", starts_on=_day(), ends_on=_day(9)
        ),
        "contract.created",
    ),
    "kam.delivery.services.create_contract_from_proposal": (
        lambda a: delivery.create_contract_from_proposal(
            by=a["lan"], proposal=_fresh(approved_proposal(client=_client(a)))
        ),
        "contract.created",
    ),
    "kam.delivery.services.update_contract": (
        lambda a: delivery.update_contract(by=a["lan"], contract=_contract(a), title="HĐ mới"),
        "contract.updated",
    ),
    "kam.delivery.services.sign_contract": (
        lambda a: delivery.sign_contract(
            by=a["lan"],
            contract=_fresh(
                delivery.add_milestone(
                    by=a["lan"], contract=_contract(a), title="Đợt 1", due_on=_day(), amount=1000
                ).contract
            ),
        ),
        "contract.signed",
    ),
    "kam.delivery.services.record_amendment": (
        lambda a: delivery.record_amendment(
            by=a["lan"], contract=_signed(a), signed_on=_day(), summary="Thêm KOL"
        ).contract,
        "contract.amended",
    ),
    "kam.delivery.services.add_milestone": (
        lambda a: delivery.add_milestone(
            by=a["lan"], contract=_contract(a), title="Đợt 1", due_on=_day(), amount=10
        ).contract,
        "contract.milestone_added",
    ),
    "kam.delivery.services.update_milestone": (
        lambda a: delivery.update_milestone(
            by=a["lan"],
            milestone=_fresh(
                delivery.add_milestone(
                    by=a["lan"], contract=_contract(a), title="Đợt 1", due_on=_day(), amount=10
                )
            ),
            amount=20,
        ).contract,
        "contract.milestone_changed",
    ),
    "kam.delivery.services.remove_milestone": (
        lambda a: (
            lambda milestone: (
                delivery.remove_milestone(by=a["lan"], milestone=milestone), milestone.contract
            )[1]
        )(
            _fresh(
                delivery.add_milestone(
                    by=a["lan"], contract=_contract(a), title="Đợt 1", due_on=_day(), amount=10
                )
            )
        ),
        "contract.milestone_removed",
    ),
    "kam.delivery.services.reach_milestone": (
        lambda a: delivery.reach_milestone(
            by=a["lan"], milestone=_signed(a).milestones.first()
        ).contract,
        "contract.milestone_reached",
    ),
    "kam.delivery.services.record_milestone_slip": (_slipped_milestone, "milestone.slipped"),
    "kam.delivery.services.add_commitment": (
        lambda a: delivery.add_commitment(
            by=a["lan"], contract=_contract(a), party="agency", description="3 bản TVC",
            due_on=_day(9),
        ).contract,
        "contract.commitment_added",
    ),
    "kam.delivery.services.update_commitment": (
        lambda a: delivery.update_commitment(
            by=a["lan"],
            commitment=_fresh(
                delivery.add_commitment(
                    by=a["lan"], contract=_contract(a), party="agency", description="TVC",
                    due_on=_day(9),
                )
            ),
            status="done",
        ).contract,
        "contract.commitment_changed",
    ),
    "kam.delivery.services.remove_commitment": (
        lambda a: (
            lambda commitment: (
                delivery.remove_commitment(by=a["lan"], commitment=commitment),
                commitment.contract,
            )[1]
        )(
            _fresh(
                delivery.add_commitment(
                    by=a["lan"], contract=_contract(a), party="agency", description="TVC",
                    due_on=_day(9),
                )
            )
        ),
        "contract.commitment_removed",
    ),
    "kam.delivery.services.attach_contract_file": (
        lambda a: delivery.attach_contract_file(
            by=a["lan"], contract=_contract(a), name="hd.pdf", content=PDF
        ).contract,
        "contract.file_attached",
    ),
    "kam.delivery.services.remove_contract_file": (
        lambda a: (
            lambda kept: (
                delivery.remove_contract_file(by=a["lan"], contract_file=kept), kept.contract
            )[1]
        )(
            _fresh(
                delivery.attach_contract_file(
                    by=a["lan"], contract=_contract(a), name="hd.pdf", content=PDF
                )
            )
        ),
        "contract.file_removed",
    ),
    "kam.delivery.services.create_project": (
        lambda a: delivery.create_project(by=a["lan"], contract=_signed(a)),
        "project.created",
    ),
    "kam.delivery.services.update_project": (
        lambda a: delivery.update_project(by=a["lan"], project=_project(a), title="Tết 2027"),
        "project.updated",
    ),
    "kam.delivery.services.cancel_project": (
        lambda a: delivery.cancel_project(by=a["lan"], project=_project(a), reason="Dừng"),
        "project.cancelled",
    ),
    "kam.delivery.services.delete_project": (
        lambda a: _gone(
            _planned_project(a), lambda p: delivery.delete_project(by=a["lan"], project=p)
        ),
        "project.deleted",
    ),
    "kam.delivery.services.deliver_project": (
        lambda a: delivery.deliver_project(by=a["lan"], project=_project(a), reason="Sau"),
        "project.delivered",
    ),
    "kam.delivery.services.add_phase": (
        lambda a: delivery.add_phase(
            by=a["lan"], project=_project(a), kind="production", name="Quay lần 2",
            starts_on=_day(), ends_on=_day(2),
        ).project,
        "project.phase_added",
    ),
    "kam.delivery.services.update_phase": (
        lambda a: delivery.update_phase(
            by=a["lan"], phase=_project(a).phases.last(), name="Tổng kết"
        ).project,
        "project.phase_changed",
    ),
    "kam.delivery.services.remove_phase": (
        lambda a: (
            lambda phase: (delivery.remove_phase(by=a["lan"], phase=phase), phase.project)[1]
        )(_project(a).phases.last()),
        "project.phase_removed",
    ),
    "kam.delivery.services.start_phase": (
        lambda a: delivery.start_phase(by=a["lan"], phase=_project(a).phases.last()).project,
        "project.phase_started",
    ),
    "kam.delivery.services.complete_phase": (
        lambda a: delivery.complete_phase(
            by=a["lan"], phase=_project(a).phases.first(), went_well="Tốt", score=4
        ).project,
        "project.phase_evaluated",
    ),
    "kam.delivery.services.add_check_item": (
        lambda a: delivery.add_check_item(by=a["lan"], project=_project(a), text="Logo").project,
        "project.check_added",
    ),
    "kam.delivery.services.tick_check_item": (
        lambda a: delivery.tick_check_item(
            by=a["lan"], item=_project(a).check_items.first()
        ).project,
        "project.check_ticked",
    ),
    "kam.delivery.services.untick_check_item": (
        lambda a: delivery.untick_check_item(
            by=a["lan"],
            item=_fresh(
                delivery.tick_check_item(by=a["lan"], item=_project(a).check_items.first())
            ),
        ).project,
        "project.check_unticked",
    ),
    "kam.delivery.services.remove_check_item": (
        lambda a: (
            lambda item: (delivery.remove_check_item(by=a["lan"], item=item), item.project)[1]
        )(_fresh(delivery.add_check_item(by=a["lan"], project=_project(a), text="Logo"))),
        "project.check_removed",
    ),
    "kam.delivery.services.create_task": (
        lambda a: delivery.create_task(
            by=a["lan"], project=_project(a), title="Kịch bản", vendor="Studio",
            starts_on=_day(), due_on=_day(3),
        ),
        "task.created",
    ),
    "kam.delivery.services.update_task": (
        lambda a: delivery.update_task(by=a["lan"], task=_task(a), title="Kịch bản 2"),
        "task.updated",
    ),
    "kam.delivery.services.work_task": (
        lambda a: delivery.work_task(by=a["lan"], task=_task(a), status="doing"),
        "task.worked",
    ),
    "kam.delivery.services.delete_task": (
        lambda a: (lambda task: (delivery.delete_task(by=a["lan"], task=task), task.project)[1])(
            _task(a)
        ),
        "task.deleted",
    ),
    "kam.delivery.services.add_dependency": (
        lambda a: (
            lambda pair: delivery.add_dependency(
                by=a["lan"], task=pair[1], depends_on=pair[0]
            ).task
        )(_two_tasks(a)),
        "task.dependency_added",
    ),
    "kam.delivery.services.remove_dependency": (
        lambda a: (
            lambda pair: (
                _fresh(delivery.add_dependency(by=a["lan"], task=pair[1], depends_on=pair[0])),
                delivery.remove_dependency(by=a["lan"], task=pair[1], depends_on=pair[0]),
                pair[1],
            )[2]
        )(_two_tasks(a)),
        "task.dependency_removed",
    ),
    "kam.delivery.services.record_task_slip": (
        lambda a: (
            lambda task: (
                delivery.record_task_slip(
                    by=a["lan"], task=task, now_due_on=task.due_on + timedelta(days=2),
                    reason="KOL ốm", told_how="call",
                ),
                task,
            )[1]
        )(_task(a, client_facing=True)),
        "task.slipped",
    ),
    "kam.delivery.services.add_booking": (
        lambda a: delivery.add_booking(
            by=a["lan"], project=_project(a), kind="venue", name="GEM Center",
            starts_on=_day(3), ends_on=_day(3),
        ).project,
        "booking.created",
    ),
    "kam.delivery.services.update_booking": (
        lambda a: delivery.update_booking(by=a["lan"], booking=_booking(a), fee_amount=5).project,
        "booking.updated",
    ),
    "kam.delivery.services.confirm_booking": (
        lambda a: delivery.confirm_booking(by=a["lan"], booking=_booking(a)).project,
        "booking.confirmed",
    ),
    "kam.delivery.services.complete_booking": (
        lambda a: delivery.complete_booking(
            by=a["lan"], booking=_booking(a, status="confirmed")
        ).project,
        "booking.done",
    ),
    "kam.delivery.services.cancel_booking": (
        lambda a: (
            lambda booking: (
                delivery.cancel_booking(by=a["lan"], booking=booking, reason="Ốm"),
                booking.project,
            )[1]
        )(_booking(a)),
        "booking.cancelled",
    ),
    "kam.delivery.services.promote_backup": (
        lambda a: delivery.promote_backup(by=a["lan"], backup=_backup(a), reason="Ốm").project,
        "booking.promoted",
    ),
    "kam.delivery.services.create_change_request": (
        lambda a: (
            lambda project: delivery.create_change_request(
                by=a["lan"], project=project, title="Thêm video", description="2 video",
                requested_by=StakeholderFactory(client=project.client),
            )
        )(_project(a)),
        "change.created",
    ),
    "kam.delivery.services.update_change_request": (
        lambda a: delivery.update_change_request(by=a["lan"], change=_change(a), days_effect=3),
        "change.updated",
    ),
    "kam.delivery.services.add_change_line": (
        lambda a: delivery.add_change_line(by=a["lan"], change=_change(a), **LINE).change_request,
        "change.line_added",
    ),
    "kam.delivery.services.update_change_line": (
        lambda a: delivery.update_change_line(
            by=a["lan"], line=_change_line(a), quantity=3
        ).change_request,
        "change.line_changed",
    ),
    "kam.delivery.services.remove_change_line": (
        lambda a: (
            lambda line: (
                delivery.remove_change_line(by=a["lan"], line=line), line.change_request
            )[1]
        )(_change_line(a)),
        "change.line_removed",
    ),
    "kam.delivery.services.approve_change_request": (
        lambda a: delivery.approve_change_request(by=a["lan"], change=_change(a)),
        "change.approved",
    ),
    "kam.delivery.services.reject_change_request": (
        lambda a: delivery.reject_change_request(by=a["lan"], change=_change(a), note="Không"),
        "change.rejected",
    ),
    "kam.delivery.services.reset_calendar_feed": (
        lambda a: delivery.reset_calendar_feed(by=a["lan"]).user,
        "calendar.reset",
    ),
}  # fmt: skip
NOT_AUDITED["kam.delivery.services.contract_draft_from"] = "reads a proposal; writes nothing"


# --- Budgets --------------------------------------------------------------------------------
def _budget(actors):
    return _fresh(budgeted_project(client=_client(actors)))


def _draft_baseline(actors):
    budget = budgeted_project(client=_client(actors))
    return _fresh(budgets.start_baseline(by=actors["lan"], budget=budget, reason="Tăng phạm vi"))


def _pending_baseline(actors):
    baseline = _draft_baseline(actors)
    return _fresh(budgets.submit_baseline(by=actors["lan"], baseline=baseline))


def _bill(actors, **fields):
    budget = budgeted_project(client=_client(actors))
    values = {"kind": "bill", "supplier": "Sao Mai", "description": "Quay", "amount": 1000}
    return _fresh(
        budgets.record_cost(by=actors["lan"], project=budget.project, **{**values, **fields})
    )


def _held_cost(actors):
    return _bill(actors, amount=700_000_000, margin_reason="Quay lại")


def _guarded_change(actors):
    budget = budgeted_project(client=_client(actors))
    change = delivery.create_change_request(
        by=actors["lan"],
        project=budget.project,
        title="Thêm TVC",
        description="Bản 15 giây",
        requested_by=StakeholderFactory(client=budget.project.client),
        paid_by="agency",
    )
    delivery.add_change_line(
        by=actors["lan"], change=change, **{**LINE, "unit_cost_amount": 300_000_000}
    )
    return _fresh(change)


def _approved_change(actors):
    """A small change the budget's margin easily takes, approved by the client."""
    budget = budgeted_project(client=_client(actors))
    change = delivery.create_change_request(
        by=actors["lan"],
        project=budget.project,
        title="Thêm video",
        description="2 video",
        requested_by=StakeholderFactory(client=budget.project.client),
    )
    delivery.add_change_line(by=actors["lan"], change=change, **LINE)
    _fresh(change)
    budgets.approve_change(by=actors["lan"], change=change)
    return budget  # fmt: skip


def _confirmed_booking(actors):
    budget = budgeted_project(client=_client(actors))
    booking = delivery.add_booking(
        by=actors["lan"],
        project=budget.project,
        kind="kol",
        name="KOL Hà Anh",
        fee_amount=50_000_000,
        starts_on=_day(3),
        ends_on=_day(3),
    )
    return _fresh(delivery.confirm_booking(by=actors["lan"], booking=booking))


def _own_task(actors):
    budget = budgeted_project(client=_client(actors))
    return _fresh(
        delivery.create_task(
            by=actors["lan"],
            project=budget.project,
            title="Key visual",
            assignee=actors["lan"],
            starts_on=_day(),
            due_on=_day(5),
            vendor="Studio",
        )
    )


AUDITED |= {
    "kam.budgets.services.create_budget": (
        lambda a: budgets.create_budget(
            by=a["lan"], project=_fresh(estimated_project(client=_client(a)))
        ),
        "budget.created",
    ),
    "kam.budgets.services.set_margin_floor": (
        lambda a: budgets.set_margin_floor(
            by=a["director"], budget=_budget(a), percent=15, reason="Khách chiến lược"
        ),
        "budget.floor_changed",
    ),
    "kam.budgets.services.start_baseline": (
        lambda a: budgets.start_baseline(by=a["lan"], budget=_budget(a), reason="Tăng phạm vi"),
        "baseline.started",
    ),
    "kam.budgets.services.update_baseline": (
        lambda a: budgets.update_baseline(by=a["lan"], baseline=_draft_baseline(a), reason="Khác"),
        "baseline.updated",
    ),
    "kam.budgets.services.add_baseline_line": (
        lambda a: (
            budgets.add_baseline_line(
                by=a["lan"],
                baseline=_draft_baseline(a),
                kind="vendor",
                description="In ấn",
                quantity=1,
                unit_cost_amount=100,
                unit_price_amount=150,
            ).baseline
        ),
        "baseline.line_added",
    ),
    "kam.budgets.services.update_baseline_line": (
        lambda a: (
            budgets.update_baseline_line(
                by=a["lan"], line=_draft_baseline(a).lines.first(), quantity=3
            ).baseline
        ),
        "baseline.line_changed",
    ),
    "kam.budgets.services.remove_baseline_line": (
        lambda a: (
            lambda baseline: (
                budgets.remove_baseline_line(by=a["lan"], line=baseline.lines.first()),
                baseline,
            )[1]
        )(_draft_baseline(a)),
        "baseline.line_removed",
    ),
    "kam.budgets.services.submit_baseline": (
        lambda a: budgets.submit_baseline(by=a["lan"], baseline=_draft_baseline(a)),
        "baseline.submitted",
    ),
    "kam.budgets.services.approve_baseline": (
        lambda a: budgets.approve_baseline(
            by=a["director"], baseline=_pending_baseline(a), note="OK"
        ),
        "baseline.approved",
    ),
    "kam.budgets.services.reject_baseline": (
        lambda a: budgets.reject_baseline(
            by=a["director"], baseline=_pending_baseline(a), note="Chưa"
        ),
        "baseline.rejected",
    ),
    "kam.budgets.services.discard_baseline": (
        lambda a: (
            lambda baseline: (
                budgets.discard_baseline(by=a["lan"], baseline=baseline),
                baseline.budget,
            )[1]
        )(_draft_baseline(a)),
        "baseline.discarded",
    ),
    "kam.budgets.services.record_cost": (
        lambda a: budgets.record_cost(
            by=a["lan"],
            project=_budget(a).project,
            kind="bill",
            supplier="Sao Mai",
            description="Quay",
            amount=1000,
        ),
        "cost.recorded",
    ),
    "kam.budgets.services.record_order_for_booking": (
        lambda a: budgets.record_order_for_booking(by=a["lan"], booking=_confirmed_booking(a)),
        "cost.recorded",
    ),
    "kam.budgets.services.cancel_cost": (
        lambda a: budgets.cancel_cost(by=a["lan"], cost=_bill(a), reason="Nhập trùng"),
        "cost.cancelled",
    ),
    "kam.budgets.services.decide_margin": (
        lambda a: budgets.decide_margin(
            by=a["director"], approval=_held_cost(a).margin_approval, approve=True, note="OK"
        ),
        "margin.approved",
    ),
    "kam.budgets.services.request_change_approval": (
        lambda a: budgets.request_change_approval(
            by=a["lan"], change=_guarded_change(a), reason="Giữ khách"
        ),
        "margin.requested",
    ),
    "kam.budgets.services.approve_change": (_approved_change, "budget.change_taken_in"),
    "kam.budgets.services.enter_time": (
        lambda a: (
            budgets.enter_time(by=a["lan"], task=_own_task(a), worked_on=_day(), hours=2).task
        ),
        "time.entered",
    ),
    "kam.budgets.services.remove_time": (
        lambda a: (lambda entry: (budgets.remove_time(by=a["lan"], entry=entry), entry.task)[1])(
            _fresh(budgets.enter_time(by=a["lan"], task=_own_task(a), worked_on=_day(), hours=2))
        ),
        "time.removed",
    ),
    "kam.budgets.services.close_month": (
        lambda a: budgets.close_month(by=a["finance"], month=_day()),
        "month.closed",
    ),
    "kam.budgets.services.set_cost_rate": (
        lambda a: budgets.set_cost_rate(
            by=a["finance"], department=None, hourly_amount=200_000, valid_from=_day()
        ),
        "rate.set",
    ),
}
COMPOSITE["kam.budgets.services.approve_change"] = "the change taken into the project (delivery)"
NOT_AUDITED["kam.budgets.services.email_budget_warnings"] = (
    "a job mailing warnings recorded when their threshold was crossed; it stamps them as sent"
)


# --- Receivables ----------------------------------------------------------------------------
def _billable(actors):
    return _fresh(billable_client(owner=actors["lan"]))


def _receivable_draft(actors):
    return _fresh(receivable_draft(_billable(actors), by=actors["finance"]))


def _issued(actors):
    return _fresh(issued(_billable(actors), by=actors["finance"], amount=1_000))


def _payment(actors, invoice=None):
    client = invoice.client if invoice else _billable(actors)
    return _fresh(paid(client, 5_000, by=actors["finance"]))


def _allocated(actors):
    invoice = _issued(actors)
    payment = paid(invoice.client, 1_080, by=actors["finance"], allocate_oldest_first=True)
    return _fresh(payment.allocations.get())


def _statement(actors, sent=False):
    client = _billable(actors)
    statement = receivables.make_statement(
        by=actors["finance"], client=client, period_start=_day(-30), period_end=_day()
    )
    if sent:
        statement = receivables.send_statement(by=actors["finance"], statement=statement)
    return _fresh(statement)


def _disputed_statement(actors):
    statement = _statement(actors, sent=True)
    receivables.answer_statement(
        token=receivables.statements.statement_token(statement),
        agrees=False,
        name="Kế toán",
        comment="Sai số dư",
    )
    return _fresh(statement)


def _disputed_invoice(actors):
    invoice = _issued(actors)
    return _fresh(receivables.mark_invoice_disputed(by=actors["lan"], invoice=invoice, note="Sai"))


LINE_INPUT = [receivables.LineInput("Phí dịch vụ", 1_000, vat_code="8")]

AUDITED.update(
    {
        "kam.receivables.services.draft_invoice": (
            lambda a: receivables.draft_invoice(by=a["lan"], client=_billable(a), lines=LINE_INPUT),
            "invoice.drafted",
        ),
        "kam.receivables.services.draft_invoice_for_milestone": (
            lambda a: receivables.draft_invoice_for_milestone(
                by=a["lan"],
                milestone=_fresh(signed_contract(client=_billable(a)).milestones.first()),
            ),
            "invoice.drafted",
        ),
        "kam.receivables.services.change_draft_invoice": (
            lambda a: receivables.change_draft_invoice(
                by=a["lan"], invoice=_receivable_draft(a), lines=LINE_INPUT, note="Đợt 1"
            ),
            "invoice.changed",
        ),
        "kam.receivables.services.delete_draft_invoice": (
            lambda a: (
                lambda invoice: (
                    receivables.delete_draft_invoice(by=a["lan"], invoice=invoice),
                    invoice,
                )[1]
            )(_receivable_draft(a)),
            "invoice.deleted",
        ),
        "kam.receivables.services.issue_invoice": (
            lambda a: receivables.issue_invoice(by=a["finance"], invoice=_receivable_draft(a)),
            "invoice.issued",
        ),
        "kam.receivables.services.credit_invoice": (
            lambda a: (
                receivables.credit_invoice(
                    by=a["finance"], invoice=_issued(a), amount=100, reason="Giảm giá"
                ).invoice
            ),
            "invoice.credited",
        ),
        "kam.receivables.services.cancel_invoice": (
            lambda a: (
                receivables.cancel_invoice(
                    by=a["finance"], invoice=_issued(a), reason="Sai"
                ).invoice
            ),
            "invoice.cancelled",
        ),
        "kam.receivables.services.replace_invoice": (
            lambda a: receivables.replace_invoice(
                by=a["finance"], invoice=_issued(a), reason="Sai"
            ),
            "invoice.drafted",
        ),
        "kam.receivables.services.mark_invoice_disputed": (
            lambda a: receivables.mark_invoice_disputed(
                by=a["lan"], invoice=_issued(a), note="Chưa nghiệm thu"
            ),
            "invoice.disputed",
        ),
        "kam.receivables.services.settle_invoice_dispute": (
            lambda a: receivables.settle_invoice_dispute(by=a["lan"], invoice=_disputed_invoice(a)),
            "invoice.dispute_settled",
        ),
        "kam.receivables.services.record_payment": (
            lambda a: receivables.record_payment(by=a["finance"], client=_billable(a), amount=5)[0],
            "payment.recorded",
        ),
        "kam.receivables.services.allocate_payment": (
            lambda a: (
                lambda invoice: (
                    receivables.allocate_payment(
                        by=a["finance"],
                        payment=_payment(a, invoice),
                        shares=[receivables_queries.Share(invoice, 100)],
                    )[0].invoice
                )
            )(_issued(a)),
            "payment.allocated",
        ),
        "kam.receivables.services.allocate_oldest_first": (
            lambda a: (
                lambda invoice: (
                    receivables.allocate_oldest_first(
                        by=a["finance"], payment=_payment(a, invoice)
                    )[0].invoice
                )
            )(_issued(a)),
            "payment.allocated",
        ),
        "kam.receivables.services.remove_allocation": (
            lambda a: (
                lambda allocation: (
                    receivables.remove_allocation(by=a["finance"], allocation=allocation),
                    allocation.invoice,
                )[1]
            )(_allocated(a)),
            "payment.unallocated",
        ),
        "kam.receivables.services.make_statement": (
            lambda a: receivables.make_statement(
                by=a["finance"], client=_billable(a), period_start=_day(-30), period_end=_day()
            ),
            "statement.made",
        ),
        "kam.receivables.services.delete_draft_statement": (
            lambda a: (
                lambda statement: (
                    receivables.delete_draft_statement(by=a["lan"], statement=statement),
                    statement,
                )[1]
            )(_statement(a)),
            "statement.deleted",
        ),
        "kam.receivables.services.send_statement": (
            lambda a: receivables.send_statement(by=a["lan"], statement=_statement(a)),
            "statement.sent",
        ),
        "kam.receivables.services.answer_statement": None,  # by the client: tested below
        "kam.receivables.services.settle_statement_dispute": (
            lambda a: receivables.settle_statement_dispute(
                by=a["lan"], statement=_disputed_statement(a)
            ),
            "statement.dispute_settled",
        ),
        "kam.receivables.services.record_promise": (
            lambda a: receivables.record_promise(
                by=a["lan"],
                client=_billable(a),
                pay_by=_day(5),
                amount=1_000,
                promised_by_name="Chị Hoa",
            ),
            "promise.recorded",
        ),
        "kam.receivables.services.log_collection_call": (
            lambda a: receivables.log_collection_call(
                by=a["lan"], client=_billable(a), summary="Hẹn trả tuần sau"
            )[0],
            "interaction.created",
        ),
        "kam.receivables.services.add_vat_rate": (
            lambda a: receivables.add_vat_rate(
                by=a["finance"], code="7", label="7%", percent=7, valid_from=_day()
            ),
            "vat_rate.added",
        ),
        "kam.receivables.services.end_vat_rate": (
            lambda a: receivables.end_vat_rate(
                by=a["finance"], rate=VatRate.objects.get(code="10"), last_day=_day(400)
            ),
            "vat_rate.ended",
        ),
    }
)
COMPOSITE["kam.receivables.services.replace_invoice"] = "the invoice it cancels"
NOT_AUDITED.update(
    {
        "kam.receivables.services.send_due_reminders": "a job: each reminder it sends writes "
        "invoice.reminded on its invoice, by the system (no actor)",
        "kam.receivables.services.public_url": "builds a link; writes nothing",
        "kam.receivables.services.email_statement": "a job mailing a statement send_statement "
        "recorded as sent",
        "kam.receivables.services.statement_from_link": "reads a link; writes nothing",
    }
)


def test_the_clients_answer_to_a_statement_is_audited_without_an_actor(everyone):
    statement = _statement(everyone, sent=True)
    receivables.answer_statement(
        token=receivables.statements.statement_token(statement), agrees=True, name="Kế toán"
    )
    event = AuditEvent.objects.get(verb="statement.confirmed")
    assert event.subject_id == str(statement.pk) and event.actor is None
    assert event.changes["answered_by_name"] == ["", "Kế toán"]


def _stakeholder(actors):
    return StakeholderFactory(
        client=_client(actors), email="thu.nguyen@suaviet.vn", decision_role="decision_maker"
    )


def _survey(actors):
    stakeholder = _stakeholder(actors)
    return _fresh(
        insights.send_survey(by=actors["lan"], client=stakeholder.client, stakeholder=stakeholder)
    )


def _low_score(actors):
    survey = _survey(actors)
    insights.answer_survey(token=insights.surveys.survey_token(survey), csat=2, nps=3)
    return _fresh(survey)


def _target(actors):
    return _fresh(
        insights.set_target(
            by=actors["director"], kam=actors["lan"], metric="collected", period="quarter",
            day=_day(), amount=1_000_000_000,
        )
    )  # fmt: skip


AUDITED.update(
    {
        "kam.insights.services.set_target": (
            lambda a: insights.set_target(
                by=a["director"],
                team=a["lan"].team,
                metric="booked",
                period="year",
                day=_day(),
                amount=5_000_000_000,
            ),
            "target.set",
        ),
        "kam.insights.services.adjust_target": (
            lambda a: insights.adjust_target(
                by=a["director"], target=_target(a), amount=1_200_000_000, reason="Thêm khách"
            ),
            "target.adjusted",
        ),
        "kam.insights.services.send_survey": (
            lambda a: (
                lambda person: insights.send_survey(
                    by=a["lan"], client=person.client, stakeholder=person
                )
            )(_stakeholder(a)),
            "survey.sent",
        ),
        "kam.insights.services.resend_survey": (
            lambda a: insights.resend_survey(by=a["lan"], survey=_survey(a)),
            "survey.resent",
        ),
        "kam.insights.services.answer_survey": None,  # by the client, no actor: tested below
        "kam.insights.services.follow_up_survey": (
            lambda a: insights.follow_up_survey(by=a["lan"], survey=_low_score(a), note="Đã gọi"),
            "survey.followed_up",
        ),
    }
)
COMPOSITE["kam.insights.services.follow_up_survey"] = "the call logged on the client"
NOT_AUDITED.update(
    {
        "kam.insights.services.send_due_surveys": "a job: each survey it sends writes its "
        "survey.sent, by the system (no actor)",
        "kam.insights.services.email_survey": "a job mailing a survey send_survey recorded",
        "kam.insights.services.survey_from_link": "reads a link; writes nothing",
        "kam.insights.services.person_to_ask": "reads the client's stakeholders",
        "kam.insights.services.recompute_health": "derived data: the score's history is its "
        "record (docs/insights.md)",
        "kam.insights.services.recompute_health_of": "derived data, recomputed on request",
    }
)


def test_a_stakeholders_answer_to_a_survey_is_audited_without_an_actor(everyone):
    survey = _survey(everyone)
    insights.answer_survey(token=insights.surveys.survey_token(survey), csat=5, nps=9)
    event = AuditEvent.objects.get(verb="survey.answered")
    assert event.subject_id == str(survey.pk) and event.actor is None
    assert event.changes["nps"] == [None, 9]


# Calls that change nothing: they must leave no event.
NO_CHANGE = {
    "update_user": lambda a: people.update_user(by=a["admin"], user=a["lan"], email=a["lan"].email),
    "update_profile": lambda a: people.update_profile(by=a["lan"], language=a["lan"].language),
    "update_team": lambda a: people.update_team(by=a["admin"], team=a["lan"].team, name="Nhóm A"),
    "update_department": lambda a: people.update_department(
        by=a["admin"], department=a["creative"].department, name="Sáng tạo"
    ),
    "update_client": lambda a: clients.update_client(
        by=a["lan"], client=_client(a), legal_name="Sữa Việt"
    ),
    "update_stakeholder": lambda a: clients.update_stakeholder(
        by=a["lan"], stakeholder=StakeholderFactory(client=_client(a), influence=3), influence=3
    ),
    "update_request": lambda a: clients.update_request(
        by=a["lan"], item=_request(a), severity="medium"
    ),
    "update_plan": lambda a: clients.update_plan(by=a["lan"], plan=_plan(a), objectives="Tăng 20%"),
    "update_play": lambda a: clients.update_play(by=a["lan"], play=_play(a), status="planned"),
    "update_service": lambda a: clients.update_service(
        by=a["admin"], service=_service(), name=_service().name
    ),
    "update_term": lambda a: clients.update_term(by=a["lan"], term=_term(a), rate_percent=10),
    "update_interaction": lambda a: clients.update_interaction(
        by=a["lan"], interaction=InteractionFactory(client=_client(a)), summary="Họp khởi động"
    ),
    "update_stage": lambda a: growth.update_stage(by=a["admin"], stage=stage(1), probability=10),
    "update_lead": lambda a: growth.update_lead(by=a["sales"], lead=_lead(a), status="new"),
    "update_opportunity": lambda a: growth.update_opportunity(
        by=a["lan"], opportunity=_opportunity(a), probability=10
    ),
    "move_opportunity": lambda a: growth.move_opportunity(
        by=a["lan"], opportunity=_opportunity(a), stage=stage(1)
    ),
    "update_handover": lambda a: growth.update_handover(
        by=a["sales"], handover=_handover(a), risks=HANDOVER_CHECKLIST["risks"]
    ),
    "update_brief": lambda a: pitching.update_brief(
        by=a["lan"], brief=_brief(a), objectives=BriefFactory.objectives
    ),
    "set_review_weights": lambda a: pitching.set_review_weights(
        by=a["lan"], brief=_brief(a), weight_fit=35
    ),
    "update_creative_brief": lambda a: pitching.update_creative_brief(
        by=a["planner"], creative=_creative(a), problem="Bán Tết"
    ),
    "update_idea": lambda a: pitching.update_idea(
        by=a["lan"], idea=_idea(a, title="Mâm cơm"), title="Mâm cơm"
    ),
    "update_version": lambda a: pitching.update_version(
        by=a["lan"], version=_version(a), narrative=""
    ),
    "update_estimate_line": lambda a: pitching.update_estimate_line(
        by=a["lan"], line=_line(a), quantity=1
    ),
    "update_pitch": lambda a: pitching.update_pitch(by=a["lan"], pitch=_pitch(a), location=""),
    "update_contract": lambda a: delivery.update_contract(
        by=a["lan"], contract=_contract(a), title="Chiến dịch Tết"
    ),
    "update_project": lambda a: delivery.update_project(
        by=a["lan"], project=_project(a), readiness_days=7
    ),
    "update_phase": lambda a: delivery.update_phase(
        by=a["lan"], phase=_project(a).phases.last(), position=4
    ),
    "update_task": lambda a: delivery.update_task(by=a["lan"], task=_task(a), title="Kịch bản"),
    "work_task": lambda a: delivery.work_task(by=a["lan"], task=_task(a), status="todo"),
    "update_booking": lambda a: delivery.update_booking(
        by=a["lan"], booking=_booking(a), name="KOL Hà Anh"
    ),
    "update_change_request": lambda a: delivery.update_change_request(
        by=a["lan"], change=_change(a), title="Thêm video"
    ),
    "update_change_line": lambda a: delivery.update_change_line(
        by=a["lan"], line=_change_line(a), quantity=1
    ),
    "update_baseline": lambda a: budgets.update_baseline(
        by=a["lan"], baseline=_draft_baseline(a), reason="Tăng phạm vi"
    ),
    "change_draft_invoice": lambda a: (
        lambda invoice: receivables.change_draft_invoice(
            by=a["lan"],
            invoice=invoice,
            lines=[receivables.LineInput("Phí dịch vụ truyền thông", 100_000_000, vat_code="8")],
            payment_terms_days=invoice.payment_terms_days,
        )
    )(_receivable_draft(a)),
    "update_baseline_line": lambda a: budgets.update_baseline_line(
        by=a["lan"], line=_draft_baseline(a).lines.get(kind="kol"), quantity=2
    ),
}


def public_services() -> set[str]:
    names = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("kam."):
            continue
        try:
            module = import_module(f"{config.name}.services")
        except ModuleNotFoundError:
            continue
        # A services package re-exports its modules' functions: each counts once, by the
        # name the rest of kam calls it by.
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__.startswith(module.__name__) and not name.startswith("_"):
                names.add(f"{module.__name__}.{name}")
    return names


def test_every_service_has_an_audit_entry():
    listed = set(AUDITED) | set(NOT_AUDITED)
    assert sorted(public_services() - listed) == [], "services with no audit entry"
    assert sorted(listed - public_services()) == [], "entries for services that do not exist"


@pytest.mark.parametrize("service", sorted(name for name, entry in AUDITED.items() if entry))
def test_a_service_leaves_exactly_its_audit_event(service, everyone):
    call, verb = AUDITED[service]
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    subject = call(everyone)
    new = AuditEvent.objects.exclude(pk__in=before)
    if service.endswith("revoke_api_token"):
        new = new.exclude(verb="token.created")  # the token it revokes was made first
    if service in COMPOSITE:
        assert new.exclude(verb=verb).exists(), f"{service}: {COMPOSITE[service]}"
        new = new.filter(verb=verb)
    event = new.get()
    assert event.verb == verb
    assert event.subject_id == str(subject.pk)
    assert event.actor is not None


@pytest.mark.parametrize("name", sorted(NO_CHANGE))
def test_a_call_that_changes_nothing_leaves_no_event(name, everyone):
    count = AuditEvent.objects.count()
    NO_CHANGE[name](everyone)
    assert AuditEvent.objects.count() == count


def test_the_first_admin_is_audited_too(db):
    admin = people.create_first_admin(username="root", password="x" * 12, full_name="Gốc")
    event = AuditEvent.objects.get()
    assert (event.verb, event.subject_id) == ("user.created", str(admin.pk))
