"""Every text field of every form page takes hostile text — markup, a 1 MB string, right-to-left
marks, emoji — without a 500, and whatever is saved is shown escaped. (NUL characters are
refused before any form sees them: test_bad_input.)"""

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from kam.budgets import services as budgets
from kam.clients.models import AccountPlan, AgencyService, ClientRequest, SpecialTerm
from kam.delivery import services as delivery
from kam.growth.models import Stage
from kam.pitching import services as pitching
from kam.receivables import services as receivables
from tests.budgets.factories import budgeted_project
from tests.clients.factories import ClientFactory, InteractionFactory, StakeholderFactory
from tests.delivery.factories import draft_contract, running_project
from tests.growth.factories import LeadFactory, OpportunityFactory
from tests.pitching.factories import BriefFactory, IdeaFactory, open_proposal, price

SCRIPT = "<script>alert(1)</script>"
HOSTILE = {
    "markup": f'{SCRIPT}<img src=x onerror="alert(2)">',
    "one megabyte": "x" * 1_000_000,
    "right-to-left": "\u202eLan\u202c \u200fNguyễn",
    "emoji": "Sữa Việt 🎉🇻🇳👩‍💼",
}

# route, persona who may use it, the record's fixture (or None), the valid data to start from
FORM_PAGES = [
    ("people:profile", "lan", None,
     {"full_name": "Lan", "email": "lan@example.com", "language": "vi"}),
    ("people:token_create", "lan", None, {"name": "Zapier"}),
    ("people:user_create", "admin", None,
     {"username": "moi", "full_name": "Người Mới", "language": "vi", "is_active": "on"}),
    ("people:user_edit", "admin", "lan",
     {"username": "lan", "full_name": "Lan", "language": "vi", "is_kam": "on", "is_active": "on"}),
    ("people:team_create", "admin", None, {"name": "Nhóm C", "leader": "{director}"}),
    ("people:team_edit", "admin", "team_a", {"name": "Nhóm A", "leader": "{director}"}),
    ("people:department_create", "admin", None,
     {"code": "digital", "name": "Số", "name_en": "Digital"}),
    ("people:department_edit", "admin", "creative_department",
     {"code": "creative", "name": "Sáng tạo", "name_en": "Creative", "is_active": "on"}),
    ("clients:service_create", "admin", None,
     {"code": "podcast", "name": "Podcast", "name_en": "Podcast", "is_active": "on"}),
    ("clients:service_edit", "admin", "kol_service",
     {"code": "kol", "name": "KOL", "name_en": "KOL", "is_active": "on"}),
    ("clients:client_create", "lan", None,
     {"legal_name": "Sữa Việt", "industry": "fmcg", "tier": "key", "potential": "high",
      "buying_complexity": "low", "status": "active"}),
    ("clients:client_edit", "lan", "sua_viet",
     {"legal_name": "Sữa Việt", "industry": "fmcg", "tier": "key", "potential": "high",
      "buying_complexity": "low", "status": "active"}),
    ("clients:client_stakeholder_add", "lan", "sua_viet",
     {"full_name": "Hà", "decision_role": "user", "influence": "3", "relationship": "3",
      "preferred_channel": "phone", "is_active": "on"}),
    ("clients:stakeholder_edit", "lan", "stakeholder_ha",
     {"full_name": "Hà", "decision_role": "user", "influence": "3", "relationship": "3",
      "preferred_channel": "phone", "is_active": "on"}),
    ("clients:client_interaction_add", "lan", "sua_viet", {"kind": "call", "summary": "Gọi"}),
    ("clients:interaction_edit", "lan", "meeting",
     {"kind": "meeting", "happened_at": "2026-11-20T10:00", "summary": "Họp"}),
    ("clients:client_term_add", "lan", "sua_viet",
     {"kind": "price", "description": "Giảm 10%", "valid_from": "2026-12-01"}),
    ("clients:term_edit", "lan", "pending_term",
     {"kind": "price", "description": "Giảm 10%", "valid_from": "2026-12-01"}),
    ("clients:client_request_add", "lan", "sua_viet",
     {"kind": "request", "title": "Thêm bản TVC", "severity": "medium", "paid_by": "agency"}),
    ("clients:request_edit", "lan", "open_request",
     {"kind": "request", "title": "Thêm bản TVC", "severity": "medium", "paid_by": "agency"}),
    ("clients:client_plan_add", "lan", "sua_viet", {"year": "2027", "objectives": "Tăng 20%"}),
    ("clients:plan_edit", "lan", "plan_2027", {"year": "2027", "objectives": "Tăng 20%"}),
    ("clients:play_edit", "lan", "play_kol",
     {"title": "KOL", "owner": "{lan}", "due_on": "2027-01-10", "status": "planned"}),
    ("growth:stage_create", "admin", None, {"name": "Thử", "position": "9", "probability": "95"}),
    ("growth:stage_edit", "admin", "first_stage",
     {"name": "Thử", "position": "1", "probability": "10", "is_active": "on"}),
    ("growth:lead_create", "sales", None,
     {"company_name": "Gạch Đồng Nai", "source": "event", "status": "new",
      "estimated_amount": "100000000"}),
    ("growth:lead_edit", "sales", "lead_new",
     {"company_name": "Gạch Đồng Nai", "source": "event", "status": "new",
      "estimated_amount": "100000000"}),
    ("growth:opportunity_edit", "lan", "upsell",
     {"title": "KOL Tết", "kind": "upsell", "value_amount": "1000000", "probability": "10",
      "expected_close_on": "2027-01-10"}),
    ("growth:handover_create", "lan", "upsell",
     {"to_kam": "{director}", "stakeholders_introduced": "on", "commercial_terms": "Phí",
      "promises_made": "Không", "risks": "Không", "documents": "Thư mục",
      "context_note": "Bối cảnh"}),
    ("pitching:brief_create", "lan", None,
     {"client": "{sua_viet}", "title": "Tết", "objectives": "Bán", "received_on": "2026-11-20",
      "budget_min_amount": "0", "budget_max_amount": "0"}),
    ("pitching:brief_edit", "lan", "brief",
     {"client": "{sua_viet}", "title": "Tết", "objectives": "Bán", "received_on": "2026-11-20",
      "budget_min_amount": "0", "budget_max_amount": "0"}),
    ("pitching:creative_brief_edit", "planner", "creative_brief",
     {"planner": "{planner}", "problem": "Bán Tết"}),
    ("pitching:idea_edit", "lan", "idea", {"title": "Mâm cơm", "description": "Phim ngắn",
                                           "rough_cost_amount": "1000"}),
    ("pitching:version_edit", "lan", "draft_version",
     {"narrative": "Tết", "agency_fee_percent": "10", "vat_percent": "8", "ideas": "{ideas}"}),
    ("pitching:line_edit", "lan", "estimate_line",
     {"kind": "vendor", "description": "Địa điểm", "quantity": "1", "unit_cost_amount": "8",
      "unit_price_amount": "10"}),
    ("pitching:pitch_edit", "lan", "pitch",
     {"held_at": "2026-11-20T09:00", "location": "Hà Nội", "presenters": "{lan}",
      "outcome": "pending"}),
    ("delivery:contract_edit", "lan", "draft",
     {"client": "{sua_viet}", "number": "HĐ-01", "title": "Tết", "value_amount": "1000",
      "vat_percent": "8", "starts_on": "2026-11-01", "ends_on": "2027-01-01",
      "payment_terms_days": "30"}),
    ("delivery:commitment_edit", "lan", "commitment",
     {"party": "agency", "description": "3 bản TVC", "due_on": "2027-01-10", "status": "open"}),
    ("delivery:project_edit", "lan", "running",
     {"title": "Tết", "readiness_days": "7"}),
    ("delivery:task_edit", "lan", "vendor_task",
     {"title": "Dựng", "vendor": "Studio", "starts_on": "2026-11-01", "due_on": "2027-01-05",
      "status": "todo"}),
    ("delivery:booking_edit", "lan", "kol_booking",
     {"kind": "kol", "name": "KOL A", "fee_amount": "0", "starts_on": "2027-01-01",
      "ends_on": "2027-01-01"}),
    ("delivery:change_edit", "lan", "change",
     {"requested_by": "{stakeholder_ha}", "title": "Thêm video", "description": "2 video",
      "requested_on": "2026-11-01", "days_effect": "0", "paid_by": "client"}),
    ("budgets:cost_create", "lan", "budget",
     {"kind": "bill", "supplier": "Sao Mai", "description": "Quay", "amount": "1000",
      "incurred_on": "2026-11-01"}),
    ("budgets:baseline_edit", "lan", "rebaseline", {"reason": "Tăng phạm vi"}),
    ("budgets:baseline_line_edit", "lan", "rebaseline_line",
     {"kind": "vendor", "description": "In ấn", "quantity": "1", "unit_cost_amount": "8",
      "unit_price_amount": "10"}),
    ("receivables:invoice_edit", "lan", "receivable_draft",
     {"payment_terms_days": "30", "currency": "VND", "note": "Đợt 1", "lines-TOTAL_FORMS": "1",
      "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "50",
      "lines-0-description": "Phí dịch vụ", "lines-0-unit": "gói", "lines-0-quantity": "1",
      "lines-0-unit_price": "1000", "lines-0-vat_code": "10"}),
    ("insights:target_set", "director", None,
     {"kam": "{lan}", "metric": "booked", "period": "quarter", "amount": "500000000",
      "reason": "Kế hoạch năm"}),
]  # fmt: skip
TEXT_FIELDS = (forms.CharField,)  # EmailField and SlugField are CharFields too


@pytest.fixture
def kol_service(db):
    return AgencyService.objects.get(code="kol")


@pytest.fixture
def sua_viet(lan):
    return ClientFactory(owner=lan, legal_name="Sữa Việt")


@pytest.fixture
def stakeholder_ha(sua_viet):
    return StakeholderFactory(client=sua_viet, full_name="Hà")


@pytest.fixture
def meeting(sua_viet):
    return InteractionFactory(client=sua_viet)


@pytest.fixture
def pending_term(sua_viet, lan):
    return SpecialTerm.objects.create(
        client=sua_viet, kind="price", description="Giảm", valid_from="2026-11-01", proposed_by=lan
    )


@pytest.fixture
def open_request(sua_viet, lan):
    return ClientRequest.objects.create(client=sua_viet, title="Sai logo", created_by=lan)


@pytest.fixture
def plan_2027(sua_viet, lan):
    return AccountPlan.objects.create(client=sua_viet, year=2027, objectives="x", created_by=lan)


@pytest.fixture
def play_kol(plan_2027, lan):
    return plan_2027.plays.create(title="KOL", owner=lan, due_on="2027-01-10")


@pytest.fixture
def first_stage(db):
    return Stage.objects.get(position=1)


@pytest.fixture
def lead_new(sales):
    return LeadFactory(owner=sales)


@pytest.fixture
def upsell(sua_viet):
    return OpportunityFactory(client=sua_viet)


@pytest.fixture
def brief(sua_viet):
    return BriefFactory(client=sua_viet)


@pytest.fixture
def creative_brief(brief, lan, planner):
    return pitching.create_creative_brief(by=lan, brief=brief, planner=planner)


@pytest.fixture
def idea(brief):
    return IdeaFactory(brief=brief)


@pytest.fixture
def draft_version(sua_viet, lan):
    return open_proposal(by=lan, client=sua_viet).versions.get()


@pytest.fixture
def estimate_line(draft_version, lan):
    return price(draft_version, by=lan, cost=8, price=10)


@pytest.fixture
def pitch(draft_version, lan):
    return pitching.schedule_pitch(
        by=lan, proposal=draft_version.proposal, held_at=timezone.now(), presenters=[lan]
    )


@pytest.fixture
def draft(sua_viet):
    return draft_contract(client=sua_viet, value=1000)


@pytest.fixture
def commitment(draft, lan):
    return delivery.add_commitment(
        by=lan, contract=draft, party="agency", description="TVC", due_on=timezone.localdate()
    )


@pytest.fixture
def running(sua_viet):
    return running_project(client=sua_viet)


@pytest.fixture
def vendor_task(running, lan):
    today = timezone.localdate()
    return delivery.create_task(
        by=lan, project=running, title="Dựng", vendor="Studio", starts_on=today, due_on=today
    )


@pytest.fixture
def kol_booking(running, lan):
    today = timezone.localdate()
    return delivery.add_booking(
        by=lan, project=running, kind="kol", name="KOL A", starts_on=today, ends_on=today
    )


@pytest.fixture
def change(running, lan, stakeholder_ha):
    return delivery.create_change_request(
        by=lan, project=running, requested_by=stakeholder_ha, title="Thêm video",
        description="2 video",
    )  # fmt: skip


@pytest.fixture
def budget(sua_viet):
    return budgeted_project(client=sua_viet)


@pytest.fixture
def rebaseline(budget, lan):
    return budgets.start_baseline(by=lan, budget=budget, reason="Tăng phạm vi")


@pytest.fixture
def rebaseline_line(rebaseline):
    return rebaseline.lines.first()


def _value(value: str, everyone, request) -> str | list[str]:
    """A placeholder of the valid data: a persona's id, a record's, or a version's ideas."""
    if value == "{ideas}":
        return [
            str(pk)
            for pk in request.getfixturevalue("draft_version").ideas.values_list("pk", flat=True)
        ]
    if value.startswith("{") and value[1:-1] in everyone:
        return str(everyone[value[1:-1]].pk)
    if value.startswith("{"):
        return str(request.getfixturevalue(value[1:-1]).pk)
    return value


def text_fields_of(page) -> list[str]:
    """The text fields of the forms a page shows (the profile page shows several)."""
    names = []
    for key in page.context.keys():  # noqa: SIM118 - iterating a ContextList gives contexts
        value = page.context[key]
        if isinstance(value, forms.BaseForm):
            names += [
                name
                for name, field in value.fields.items()
                if isinstance(field, TEXT_FIELDS)
                and not isinstance(field.widget, forms.PasswordInput)
            ]
    return sorted(set(names))


def cases():
    for route, persona, record, data in FORM_PAGES:
        for kind in HOSTILE:
            yield pytest.param(route, persona, record, data, kind, id=f"{route}-{kind}")


@pytest.mark.parametrize("route,persona,record,data,kind", list(cases()))
def test_every_text_field_takes_hostile_text_safely(
    route, persona, record, data, kind, request, everyone, client
):
    user = everyone[persona]
    client.force_login(user)
    args = [request.getfixturevalue(record).pk] if record else []
    url = reverse(route, args=args)
    page = (
        client.get(url) if route != "people:token_create" else client.get(reverse("people:profile"))
    )
    base = {key: _value(value, everyone, request) for key, value in data.items()}
    fields = [name for name in text_fields_of(page) if name in base]
    assert fields, f"no text field found on {route}"
    for field in fields:
        response = client.post(url, {**base, field: HOSTILE[kind]})
        assert response.status_code in (200, 302, 400, 422), (field, response.status_code)
        shown = response if response.status_code != 302 else client.get(response["Location"])
        assert SCRIPT not in shown.content.decode(), f"{field} rendered unescaped"


@pytest.fixture
def receivable_draft(sua_viet, lan):
    return receivables.draft_invoice(
        by=lan, client=sua_viet, lines=[receivables.LineInput("Phí", 1_000, vat_code="10")]
    )
