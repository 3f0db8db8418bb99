"""The contract pages: wiring, the access policy on every page and action (owner, another team's
KAM, a department member, Finance reading), the rules seen through the forms (the schedule
covering the value, signed contracts changed only by amendment, slips told to the client,
files) and bounded queries; the client page's delivery panel and the proposal's hand-off."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kam.clients.models import Interaction
from kam.delivery import services
from kam.delivery.models import Amendment, Commitment, Contract, ContractFile, Milestone, Slip
from tests.clients.factories import ClientFactory, StakeholderFactory
from tests.delivery.factories import (
    VALUE,
    approved_proposal,
    draft_contract,
    running_project,
    signed_contract,
    task,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def sua_viet(lan):
    return ClientFactory(owner=lan, legal_name="Công ty CP Sữa Việt")


@pytest.fixture
def draft(sua_viet):
    return draft_contract(client=sua_viet)


@pytest.fixture
def signed(sua_viet):
    return signed_contract(client=sua_viet)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def url(name: str, *args) -> str:
    return reverse(f"delivery:{name}", args=args)


def page_text(response) -> str:
    return response.content.decode()


def today():
    return timezone.localdate()


def day(offset: int) -> str:
    return (today() + timedelta(days=offset)).isoformat()


def english(*people) -> None:
    for person in people:
        person.language = "en"
        person.save()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def contract_form(**changes) -> dict:
    return {
        "number": "HĐ-2026-0100",
        "title": "Chiến dịch hè",
        "value_amount": "500000000",
        "vat_percent": "8",
        "scope": "TVC và KOL",
        "deliverables": "1 TVC\n5 bài KOL",
        "starts_on": day(0),
        "ends_on": day(60),
        "payment_terms_days": "30",
        **changes,
    }


# --- The list -------------------------------------------------------------------------------
class TestContractList:
    def test_the_kam_sees_her_contracts_with_their_current_value_in_bounded_queries(
        self, login, lan, sua_viet, signed, django_assert_max_num_queries
    ):
        services.record_amendment(
            by=lan,
            contract=signed,
            signed_on=today(),
            summary="Thêm 2 KOL",
            value_change_amount=Decimal(100_000_000),
        )
        for n in range(4):
            draft_contract(client=sua_viet, number=f"HĐ-X-{n}", title=f"Hợp đồng {n}")
        http = login(lan)
        with django_assert_max_num_queries(9):
            page = http.get(url("contract_list"))
        assert page.status_code == 200
        text = page_text(page)
        assert "Hợp đồng 3" in text and "2.100.000.000 ₫" in text
        assert len(page.context["page"]) == 5 and page.context["can_create"] is True

    def test_query_count_does_not_grow_with_the_list(
        self, login, lan, sua_viet, django_assert_max_num_queries
    ):
        for n in range(30):
            draft_contract(client=sua_viet, number=f"HĐ-Y-{n}")
        http = login(lan)
        with django_assert_max_num_queries(9):
            assert http.get(url("contract_list")).status_code == 200

    def test_filters_narrow_the_list_and_odd_values_are_ignored(
        self, login, lan, sua_viet, draft, signed
    ):
        other = draft_contract(
            client=ClientFactory(owner=lan), number="HĐ-Z-1", title="Ra mắt sản phẩm mới"
        )
        http = login(lan)
        signed_only = http.get(url("contract_list"), {"status": "signed"}).context["page"]
        assert [c.pk for c in signed_only] == [signed.pk]
        by_client = http.get(url("contract_list"), {"client": other.client_id}).context["page"]
        assert [c.pk for c in by_client] == [other.pk]
        searched = http.get(url("contract_list"), {"q": "san pham"}).context["page"]
        assert [c.pk for c in searched] == [other.pk]
        odd = http.get(url("contract_list"), {"status": "nope", "client": "x", "page": "999"})
        assert odd.status_code == 200

    def test_approved_proposals_wait_for_their_contract_with_a_start_link(
        self, login, lan, sua_viet
    ):
        proposal = approved_proposal(client=sua_viet)
        http = login(lan)
        page = http.get(url("contract_list"))
        start = f"{url('contract_create')}?proposal={proposal.pk}"
        assert list(page.context["waiting"]) == [proposal] and start in page_text(page)
        services.create_contract_from_proposal(by=lan, proposal=proposal)
        after = http.get(url("contract_list"))
        assert list(after.context["waiting"]) == [] and start not in page_text(after)

    def test_another_teams_kam_sees_none_of_it_and_a_department_member_gets_404(
        self, login, minh, creative, sua_viet, draft
    ):
        approved_proposal(client=sua_viet)
        page = login(minh).get(url("contract_list"))
        assert draft.title not in page_text(page) and list(page.context["waiting"]) == []
        sua_viet.team_members.create(user=creative, role="department")
        assert login(creative).get(url("contract_list")).status_code == 404

    def test_finance_reads_every_contract_and_may_not_enter_one(
        self, login, finance, sua_viet, draft
    ):
        approved_proposal(client=sua_viet)
        page = login(finance).get(url("contract_list"))
        assert draft.title in page_text(page)
        assert page.context["can_create"] is False and list(page.context["waiting"]) == []
        assert url("contract_create") not in page_text(page)


# --- Entering a contract --------------------------------------------------------------------
class TestEnteringAContract:
    def test_a_kam_enters_a_contract_for_a_client_with_the_number_suggested(
        self, login, lan, sua_viet
    ):
        http = login(lan)
        form = http.get(url("contract_create"), {"client": sua_viet.pk}).context["form"]
        assert form.initial["client"] == sua_viet
        assert form.initial["number"] == f"HĐ-{today().year}-0001"
        response = http.post(url("contract_create"), contract_form(client=sua_viet.pk))
        contract = Contract.objects.get()
        assert response["Location"] == url("contract_detail", contract.pk)
        assert (contract.client, contract.owner, contract.status) == (sua_viet, lan, "draft")
        assert (contract.value_amount, contract.vat_percent) == (500_000_000, 8)

    def test_a_contract_from_an_approved_proposal_starts_filled_from_it(self, login, lan, sua_viet):
        proposal = approved_proposal(client=sua_viet)
        http = login(lan)
        page = http.get(url("contract_create"), {"proposal": proposal.pk})
        form = page.context["form"]
        assert "client" not in form.fields
        assert (form.initial["title"], form.initial["value_amount"]) == (proposal.title, VALUE)
        posted = http.post(
            f"{url('contract_create')}?proposal={proposal.pk}",
            contract_form(title=proposal.title, value_amount=str(VALUE)),
        )
        contract = Contract.objects.get()
        assert posted["Location"] == url("contract_detail", contract.pk)
        assert (contract.proposal, contract.client, contract.value_amount) == (
            proposal,
            sua_viet,
            VALUE,
        )
        # Its contract exists: the proposal no longer waits for one.
        assert http.get(url("contract_create"), {"proposal": proposal.pk}).status_code == 404

    def test_an_end_before_the_start_is_refused_beside_the_field(self, login, lan, sua_viet):
        english(lan)
        response = login(lan).post(
            url("contract_create"), contract_form(client=sua_viet.pk, ends_on=day(-30))
        )
        assert response.status_code == 422
        assert "ends_on" in response.context["form"].errors
        assert "The end date cannot be before the start date." in page_text(response)
        assert not Contract.objects.exists()

    def test_a_number_taken_is_refused_beside_the_field(self, login, lan, sua_viet, draft):
        response = login(lan).post(
            url("contract_create"), contract_form(client=sua_viet.pk, number=draft.number)
        )
        assert response.status_code == 422
        assert "number" in response.context["form"].errors
        assert Contract.objects.count() == 1

    def test_another_teams_kam_cannot_enter_one_for_the_client_or_its_proposal(
        self, login, minh, sua_viet
    ):
        ClientFactory(owner=minh)
        proposal = approved_proposal(client=sua_viet)
        http = login(minh)
        response = http.post(url("contract_create"), contract_form(client=sua_viet.pk))
        assert response.status_code == 422 and "client" in response.context["form"].errors
        assert http.get(url("contract_create"), {"proposal": proposal.pk}).status_code == 404
        posted = http.post(f"{url('contract_create')}?proposal={proposal.pk}", contract_form())
        assert posted.status_code == 404
        assert not Contract.objects.exists()

    def test_finance_and_a_department_member_get_404(self, login, finance, creative, sua_viet):
        for person in (finance, creative):
            http = login(person)
            assert http.get(url("contract_create")).status_code == 404
            posted = http.post(url("contract_create"), contract_form(client=sua_viet.pk))
            assert posted.status_code == 404
        assert not Contract.objects.exists()


# --- The contract's page --------------------------------------------------------------------
def fill(contract, *, by) -> None:
    """A stakeholder commitment, an agency one and a file on the contract."""
    person = StakeholderFactory(client=contract.client, full_name="Trần Thị Mai")
    services.add_commitment(
        by=by,
        contract=contract,
        party="client",
        description="Gửi tài liệu nhận diện",
        stakeholder=person,
        due_on=today() + timedelta(days=5),
    )
    services.add_commitment(
        by=by,
        contract=contract,
        party="agency",
        description="Giao 3 bản TVC",
        owner=by,
        due_on=today() + timedelta(days=40),
    )
    services.attach_contract_file(by=by, contract=contract, name="Hợp đồng.pdf", content=PDF)


class TestTheContractPage:
    def test_the_owner_sees_the_whole_draft_with_its_forms_in_bounded_queries(
        self, login, lan, draft, media, django_assert_max_num_queries
    ):
        services.add_milestone(
            by=lan, contract=draft, title="Đợt 1", due_on=today(), amount=Decimal(600_000_000)
        )
        fill(draft, by=lan)
        http = login(lan)
        with django_assert_max_num_queries(16):
            page = http.get(url("contract_detail", draft.pk))
        assert page.status_code == 200
        text = page_text(page)
        for section in ("contract-facts", "sign", "milestones", "commitments", "files",
                        "projects", "schedule-gap"):  # fmt: skip
            assert f'data-testid="{section}"' in text
        assert "2.000.000.000 ₫" in text and "160.000.000 ₫" in text  # value and 8% VAT
        assert "600.000.000 ₫" in text and "Trần Thị Mai" in text and "Hợp đồng.pdf" in text
        for form in ("sign_form", "milestone_form", "commitment_form", "file_form"):
            assert form in page.context
        assert "amendment_form" not in page.context
        assert url("contract_edit", draft.pk) in text
        assert url("project_create", draft.pk) in text
        assert "history" in page.context and len(page.context["history"]) >= 4

    def test_query_count_does_not_grow_with_milestones_commitments_and_files(
        self, login, lan, draft, media, django_assert_max_num_queries
    ):
        for n in range(8):
            services.add_milestone(
                by=lan, contract=draft, title=f"Đợt {n}", due_on=today(), amount=Decimal(1000)
            )
            fill(draft, by=lan)
        http = login(lan)
        with django_assert_max_num_queries(16):
            assert http.get(url("contract_detail", draft.pk)).status_code == 200

    def test_a_signed_contract_offers_amendments_reaching_and_slips_not_editing(
        self, login, lan, signed
    ):
        english(lan)
        page = login(lan).get(url("contract_detail", signed.pk))
        text = page_text(page)
        assert "amendment_form" in page.context and "milestone_form" not in page.context
        assert "sign_form" not in page.context and url("contract_edit", signed.pk) not in text
        milestone = signed.milestones.first()
        assert url("milestone_reach", milestone.pk) in text
        assert url("milestone_slip", milestone.pk) in text
        assert url("milestone_remove", milestone.pk) not in text
        assert 'data-testid="schedule-gap"' not in text

    def test_an_outsider_gets_404_for_the_page_and_every_action(
        self, login, lan, minh, signed, media
    ):
        milestone = signed.milestones.first()
        commitment = services.add_commitment(
            by=lan, contract=signed, party="agency", description="Giao TVC", due_on=today()
        )
        kept = services.attach_contract_file(by=lan, contract=signed, name="a.pdf", content=PDF)
        http = login(minh)
        gets = [
            url("contract_detail", signed.pk),
            url("contract_edit", signed.pk),
            url("milestone_edit", milestone.pk),
            url("milestone_slip", milestone.pk),
            url("commitment_edit", commitment.pk),
            url("contract_file_download", kept.pk),
        ]
        for address in gets:
            assert http.get(address).status_code == 404, address
        posts = [
            url("contract_sign", signed.pk),
            url("amendment_create", signed.pk),
            url("milestone_create", signed.pk),
            url("milestone_reach", milestone.pk),
            url("milestone_remove", milestone.pk),
            url("commitment_create", signed.pk),
            url("commitment_remove", commitment.pk),
            url("contract_file_add", signed.pk),
            url("contract_file_remove", kept.pk),
        ]
        for address in posts:
            assert http.post(address, {"summary": "x", "signed_on": day(0)}).status_code == 404
        milestone.refresh_from_db()
        assert milestone.reached_on is None and not Amendment.objects.exists()

    def test_a_department_member_on_the_account_team_gets_404(
        self, login, lan, creative, sua_viet, signed
    ):
        sua_viet.team_members.create(user=creative, role="department")
        http = login(creative)
        assert http.get(url("contract_detail", signed.pk)).status_code == 404
        milestone = signed.milestones.first()
        assert http.post(url("milestone_reach", milestone.pk)).status_code == 404

    def test_finance_reads_the_contract_without_edit_controls_and_its_posts_are_refused(
        self, login, lan, finance, draft, media
    ):
        milestone = services.add_milestone(
            by=lan, contract=draft, title="Đợt 1", due_on=today(), amount=VALUE
        )
        kept = services.attach_contract_file(by=lan, contract=draft, name="a.pdf", content=PDF)
        http = login(finance)
        page = http.get(url("contract_detail", draft.pk))
        assert page.status_code == 200 and page.context["can_change"] is False
        text = page_text(page)
        assert "2.000.000.000 ₫" in text
        for form in ("sign_form", "milestone_form", "commitment_form", "file_form"):
            assert form not in page.context
        for action in ("contract_edit", "contract_sign", "project_create"):
            assert url(action, draft.pk) not in text
        assert url("milestone_edit", milestone.pk) not in text
        assert url("contract_file_remove", kept.pk) not in text
        assert http.get(url("contract_file_download", kept.pk)).status_code == 200
        assert http.get(url("contract_edit", draft.pk)).status_code == 404
        assert http.post(url("contract_sign", draft.pk)).status_code == 404
        assert http.post(url("milestone_remove", milestone.pk)).status_code == 404
        assert http.post(url("contract_file_remove", kept.pk)).status_code == 404
        draft.refresh_from_db()
        assert draft.status == "draft" and draft.milestones.count() == 1
        assert ContractFile.objects.count() == 1

    def test_its_projects_are_listed_with_their_task_counts(self, login, lan, sua_viet):
        project = running_project(client=sua_viet)
        task(project, days_from_now=3)
        page = login(lan).get(url("contract_detail", project.contract_id))
        rows = list(page.context["projects"])
        assert rows == [project] and rows[0].open_task_count == 1
        assert url("project_detail", project.pk) in page_text(page)


# --- Writing the draft ----------------------------------------------------------------------
class TestWritingTheDraft:
    def test_the_draft_is_corrected_and_a_signed_one_says_it_changes_by_amendment(
        self, login, lan, draft, signed
    ):
        english(lan)
        http = login(lan)
        form = http.get(url("contract_edit", draft.pk)).context["form"]
        assert "client" not in form.fields and form.initial["number"] == draft.number
        saved = http.post(
            url("contract_edit", draft.pk), contract_form(number=draft.number, title="Mới")
        )
        assert saved["Location"] == url("contract_detail", draft.pk)
        draft.refresh_from_db()
        assert (draft.title, draft.value_amount) == ("Mới", 500_000_000)
        refused = http.post(
            url("contract_edit", signed.pk), contract_form(number=signed.number, title="Khác")
        )
        assert refused.status_code == 422
        assert "record an amendment to change it" in page_text(refused)
        signed.refresh_from_db()
        assert signed.title == "Chiến dịch Tết"

    def test_milestones_are_added_changed_and_removed(self, login, lan, draft):
        http = login(lan)
        added = http.post(
            url("milestone_create", draft.pk),
            {"title": "Đặt cọc", "due_on": day(5), "amount": "600000000"},
        )
        assert added["Location"] == url("contract_detail", draft.pk) + "#milestones"
        milestone = Milestone.objects.get()
        assert (milestone.amount, milestone.position) == (600_000_000, 1)
        edited = http.post(
            url("milestone_edit", milestone.pk),
            {"title": "Đặt cọc", "due_on": day(7), "amount": "700000000", "position": "1"},
        )
        assert edited.status_code == 302
        milestone.refresh_from_db()
        assert (milestone.amount, milestone.due_on) == (700_000_000, today() + timedelta(days=7))
        removed = http.post(url("milestone_remove", milestone.pk))
        assert removed.status_code == 302 and not Milestone.objects.exists()

    def test_milestones_over_the_value_are_refused_beside_the_amount(self, login, lan, draft):
        english(lan)
        response = login(lan).post(
            url("milestone_create", draft.pk),
            {"title": "Quá nhiều", "due_on": day(5), "amount": "2500000000"},
        )
        assert response.status_code == 422
        assert "amount" in response.context["milestone_form"].errors
        assert "add up to more than the contract" in page_text(response)
        assert not Milestone.objects.exists()

    def test_signing_needs_the_schedule_to_cover_the_value(self, login, lan, draft):
        english(lan)
        http = login(lan)
        services.add_milestone(
            by=lan, contract=draft, title="Đợt 1", due_on=today(), amount=Decimal(1_000_000_000)
        )
        refused = http.post(url("contract_sign", draft.pk), {"signed_on": day(0)})
        assert refused.status_code == 422
        assert refused.context["sign_form"].non_field_errors()
        assert "the payment schedule must cover the value exactly" in page_text(refused)
        services.add_milestone(
            by=lan, contract=draft, title="Đợt 2", due_on=today(), amount=Decimal(1_000_000_000)
        )
        future = http.post(url("contract_sign", draft.pk), {"signed_on": day(3)})
        assert future.status_code == 422 and "signed_on" in future.context["sign_form"].errors
        signed = http.post(url("contract_sign", draft.pk), {"signed_on": day(-1)})
        assert signed["Location"] == url("contract_detail", draft.pk)
        draft.refresh_from_db()
        assert (draft.status, draft.signed_on) == ("signed", today() - timedelta(days=1))

    def test_commitments_are_added_followed_and_removed_from_the_draft(
        self, login, lan, sua_viet, draft
    ):
        person = StakeholderFactory(client=sua_viet)
        http = login(lan)
        added = http.post(
            url("commitment_create", draft.pk),
            {"party": "client", "description": "Duyệt kịch bản trong 3 ngày",
             "stakeholder": person.pk, "due_on": day(10), "status": "open"},
        )  # fmt: skip
        assert added["Location"] == url("contract_detail", draft.pk) + "#commitments"
        commitment = Commitment.objects.get()
        assert (commitment.stakeholder, commitment.status) == (person, "open")
        edited = http.post(
            url("commitment_edit", commitment.pk),
            {"party": "client", "description": "Duyệt kịch bản trong 5 ngày",
             "stakeholder": person.pk, "owner": lan.pk, "due_on": day(12), "status": "open"},
        )  # fmt: skip
        assert edited.status_code == 302
        commitment.refresh_from_db()
        assert (commitment.description, commitment.owner) == ("Duyệt kịch bản trong 5 ngày", lan)
        http.post(url("commitment_remove", commitment.pk))
        assert not Commitment.objects.exists()

    def test_a_commitment_without_what_or_with_another_clients_person_is_refused(
        self, login, lan, draft
    ):
        stranger = StakeholderFactory()
        response = login(lan).post(
            url("commitment_create", draft.pk),
            {"party": "client", "description": "", "stakeholder": stranger.pk,
             "due_on": day(10), "status": "open"},
        )  # fmt: skip
        assert response.status_code == 422
        assert set(response.context["commitment_form"].errors) == {"description", "stakeholder"}
        assert not Commitment.objects.exists()


# --- The signed contract --------------------------------------------------------------------
class TestTheSignedContract:
    def test_an_amendment_changes_the_current_value_and_end(self, login, lan, signed):
        http = login(lan)
        response = http.post(
            url("amendment_create", signed.pk),
            {"signed_on": day(0), "summary": "Thêm sự kiện ra mắt",
             "value_change_amount": "-200000000", "new_ends_on": day(120)},
        )  # fmt: skip
        assert response["Location"] == url("contract_detail", signed.pk) + "#amendments"
        amendment = Amendment.objects.get()
        assert (amendment.number, amendment.value_change_amount) == (1, -200_000_000)
        page = http.get(url("contract_detail", signed.pk))
        text = page_text(page)
        assert page.context["current"]["amount"] == Decimal(1_800_000_000)
        assert 'data-testid="current-value"' in text and "1.800.000.000 ₫" in text
        assert page.context["current_end"] == today() + timedelta(days=120)
        signed.refresh_from_db()
        assert signed.value_amount == VALUE  # the contract stays as signed

    def test_an_amendment_taking_the_value_under_zero_is_refused_beside_the_field(
        self, login, lan, signed
    ):
        english(lan)
        response = login(lan).post(
            url("amendment_create", signed.pk),
            {"signed_on": day(0), "summary": "Huỷ", "value_change_amount": "-3000000000"},
        )
        assert response.status_code == 422
        assert "value_change_amount" in response.context["amendment_form"].errors
        assert "under zero" in page_text(response)
        no_summary = login(lan).post(
            url("amendment_create", signed.pk), {"signed_on": day(0), "summary": ""}
        )
        assert "summary" in no_summary.context["amendment_form"].errors
        assert not Amendment.objects.exists()

    def test_an_amendment_on_a_draft_says_why_at_the_top(self, login, lan, draft):
        english(lan)
        response = login(lan).post(
            url("amendment_create", draft.pk), {"signed_on": day(0), "summary": "Thêm"}
        )
        assert response.status_code == 422
        assert "amendments are for signed ones" in page_text(response)

    def test_a_milestone_is_reached_once(self, login, lan, signed):
        english(lan)
        milestone = signed.milestones.first()
        http = login(lan)
        reached = http.post(url("milestone_reach", milestone.pk), follow=True)
        assert messages_of(reached) == ["The milestone is reached: it may be invoiced."]
        milestone.refresh_from_db()
        assert milestone.reached_on == today()
        again = http.post(url("milestone_reach", milestone.pk), follow=True)
        assert messages_of(again) == ["This milestone is reached already."]

    def test_removing_a_signed_milestone_commitment_or_file_is_refused_with_the_reason(
        self, login, lan, signed, media
    ):
        english(lan)
        commitment = services.add_commitment(
            by=lan, contract=signed, party="agency", description="Giao TVC", due_on=today()
        )
        kept = services.attach_contract_file(by=lan, contract=signed, name="a.pdf", content=PDF)
        http = login(lan)
        for action, pk in (("milestone_remove", signed.milestones.first().pk),
                           ("commitment_remove", commitment.pk),
                           ("contract_file_remove", kept.pk)):  # fmt: skip
            refused = http.post(url(action, pk), follow=True)
            assert "record an amendment to change it" in " ".join(messages_of(refused))
        assert signed.milestones.count() == 3 and Commitment.objects.count() == 1
        assert ContractFile.objects.count() == 1

    def test_a_commitment_is_kept_waived_and_reopened_in_one_click(self, login, lan, signed):
        commitment = services.add_commitment(
            by=lan, contract=signed, party="client", description="Gửi logo", due_on=today()
        )
        http = login(lan)
        for status in ("done", "open", "waived"):
            done = http.post(url("commitment_edit", commitment.pk), {"follow": 1, "status": status})
            assert done["Location"] == url("contract_detail", signed.pk) + "#commitments"
            commitment.refresh_from_db()
            assert commitment.status == status
        odd = http.post(url("commitment_edit", commitment.pk), {"follow": 1, "status": "lost"})
        assert odd.status_code == 302
        commitment.refresh_from_db()
        assert commitment.status == "waived"

    def test_late_and_at_risk_milestones_are_flagged(self, login, lan, sua_viet):
        contract = draft_contract(client=sua_viet)
        services.add_milestone(
            by=lan, contract=contract, title="Quá hạn", due_on=today() - timedelta(days=1),
            amount=VALUE,
        )  # fmt: skip
        services.sign_contract(by=lan, contract=contract)
        project = running_project(client=sua_viet)
        # Still to do though its start has passed, due before the first milestone: at risk.
        task(project, starts_on=today() - timedelta(days=2), days_from_now=5)
        late = login(lan).get(url("contract_detail", contract.pk))
        assert 'data-testid="milestone-late"' in page_text(late)
        at_risk = login(lan).get(url("contract_detail", project.contract_id))
        flags = [(m.is_late, m.is_at_risk) for m in at_risk.context["milestones"]]
        assert flags[0] == (False, True)
        assert 'data-testid="milestone-at-risk"' in page_text(at_risk)


class TestASlippingMilestone:
    def test_the_slip_moves_the_date_and_records_how_the_client_was_told(
        self, login, lan, sua_viet
    ):
        project = running_project(client=sua_viet)
        person = StakeholderFactory(client=sua_viet, full_name="Trần Thị Mai")
        StakeholderFactory()  # another client's person is no choice
        milestone = project.contract.milestones.first()
        was = milestone.due_on
        http = login(lan)
        form = http.get(url("milestone_slip", milestone.pk)).context["form"]
        assert list(form.fields["told_whom"].queryset) == [person]
        response = http.post(
            url("milestone_slip", milestone.pk),
            {"now_due_on": day(25), "reason": "Khách duyệt kịch bản chậm", "told_how": "call",
             "told_whom": [person.pk]},
        )  # fmt: skip
        assert response["Location"] == url("contract_detail", project.contract_id) + "#milestones"
        milestone.refresh_from_db()
        assert milestone.due_on == today() + timedelta(days=25)
        slip = Slip.objects.get()
        assert (slip.milestone, slip.was_due_on) == (milestone, was)
        interaction = Interaction.objects.get(slip=slip)
        assert interaction.kind == "call" and list(interaction.stakeholders.all()) == [person]

    def test_a_slip_to_an_earlier_date_or_without_how_is_refused_beside_the_field(
        self, login, lan, sua_viet
    ):
        project = running_project(client=sua_viet)
        milestone = project.contract.milestones.first()
        http = login(lan)
        earlier = http.post(
            url("milestone_slip", milestone.pk),
            {"now_due_on": day(-3), "reason": "Lý do", "told_how": "email"},
        )
        assert earlier.status_code == 422 and "now_due_on" in earlier.context["form"].errors
        note = http.post(
            url("milestone_slip", milestone.pk),
            {"now_due_on": day(30), "reason": "Lý do", "told_how": "note"},
        )
        assert note.status_code == 422 and "told_how" in note.context["form"].errors
        assert not Slip.objects.exists()

    def test_a_slip_before_any_project_says_where_slips_are_kept(self, login, lan, signed):
        english(lan)
        milestone = signed.milestones.first()
        response = login(lan).post(
            url("milestone_slip", milestone.pk),
            {"now_due_on": day(30), "reason": "Lý do", "told_how": "meeting"},
        )
        assert response.status_code == 422
        assert "project first; slips are kept on it" in page_text(response)
        assert not Slip.objects.exists()


# --- Files ----------------------------------------------------------------------------------
def upload(http, contract, name: str, content: bytes):
    return http.post(
        url("contract_file_add", contract.pk), {"file": SimpleUploadedFile(name, content)}
    )


class TestFiles:
    def test_a_pdf_is_attached_listed_downloaded_and_removed_from_the_draft(
        self, login, lan, draft, media
    ):
        http = login(lan)
        response = upload(http, draft, "Hợp đồng ký.pdf", PDF)
        assert response["Location"] == url("contract_detail", draft.pk) + "#files"
        kept = ContractFile.objects.get()
        assert "Hợp đồng ký.pdf" in page_text(http.get(url("contract_detail", draft.pk)))
        download = http.get(url("contract_file_download", kept.pk))
        assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"].startswith("attachment;")
        assert "filename*=UTF-8''H%E1%BB%A3p" in download["Content-Disposition"]
        assert b"".join(download.streaming_content) == PDF
        removed = http.post(url("contract_file_remove", kept.pk))
        assert removed.status_code == 302 and not ContractFile.objects.exists()

    def test_a_file_of_the_wrong_type_is_refused_beside_the_form(self, login, lan, draft, media):
        english(lan)
        response = upload(login(lan), draft, "scan.pdf", b"MZ\x90\x00binary")
        assert response.status_code == 422
        assert "file" in response.context["file_form"].errors
        assert "kam accepts PDF" in page_text(response)
        assert not ContractFile.objects.exists() and not any(media.rglob("*.*"))

    def test_a_file_gone_from_the_storage_is_a_404_not_an_error(self, login, lan, draft, media):
        kept = services.attach_contract_file(by=lan, contract=draft, name="a.pdf", content=PDF)
        (media / kept.file.name).unlink()
        assert login(lan).get(url("contract_file_download", kept.pk)).status_code == 404


# --- The client page's panel ----------------------------------------------------------------
class TestTheClientPanel:
    def test_the_client_page_loads_contracts_projects_and_slipping_tasks(
        self, login, lan, sua_viet, django_assert_max_num_queries
    ):
        project = running_project(client=sua_viet)
        late = task(project, title="Kịch bản TVC", starts_on=today() - timedelta(days=2))
        task(project, days_from_now=9)
        http = login(lan)
        page = http.get(reverse("clients:client_detail", args=[sua_viet.pk]))
        assert url("client_panel", sua_viet.pk) in page_text(page)
        with django_assert_max_num_queries(7):
            panel = http.get(url("client_panel", sua_viet.pk))
        text = page_text(panel)
        assert "<html" not in text
        assert url("contract_detail", project.contract_id) in text and "2.000.000.000 ₫" in text
        assert url("project_detail", project.pk) in text
        assert [p.open_task_count for p in panel.context["projects"]] == [2]
        assert list(panel.context["flagged_tasks"]) == [late]
        assert url("task_detail", late.pk) in text
        assert f"{url('contract_create')}?client={sua_viet.pk}" in text

    def test_a_department_member_sees_their_slipping_tasks_only_and_an_outsider_404(
        self, login, minh, creative, sua_viet
    ):
        project = running_project(client=sua_viet)
        theirs = task(project, code="creative", starts_on=today() - timedelta(days=2))
        task(project, code="media", title="Việc của Media", starts_on=today() - timedelta(days=2))
        assert login(minh).get(url("client_panel", sua_viet.pk)).status_code == 404
        sua_viet.team_members.create(user=creative, role="department")
        panel = login(creative).get(url("client_panel", sua_viet.pk))
        text = page_text(panel)
        assert panel.status_code == 200
        assert list(panel.context["flagged_tasks"]) == [theirs]
        assert "₫" not in text and panel.context["contracts"] == []
        assert project.contract.number not in text and url("project_detail", project.pk) not in text
        assert panel.context["can_create"] is False

    def test_finance_reads_the_contracts_without_a_new_contract_link(
        self, login, finance, sua_viet, signed
    ):
        panel = login(finance).get(url("client_panel", sua_viet.pk))
        assert signed.number in page_text(panel) and panel.context["can_create"] is False
        assert url("contract_create") not in page_text(panel)


# --- The proposal's hand-off ----------------------------------------------------------------
class TestTheProposalHandOff:
    def test_the_approved_proposal_starts_its_contract_then_links_to_it(
        self, login, lan, sua_viet, django_assert_max_num_queries
    ):
        proposal = approved_proposal(client=sua_viet)
        address = reverse("pitching:proposal_detail", args=[proposal.pk])
        http = login(lan)
        with django_assert_max_num_queries(20):
            before = page_text(http.get(address))
        start = f"{url('contract_create')}?proposal={proposal.pk}"
        assert 'data-testid="start-contract"' in before and start in before
        contract = services.create_contract_from_proposal(by=lan, proposal=proposal)
        with django_assert_max_num_queries(20):
            after = page_text(http.get(address))
        assert url("contract_detail", contract.pk) in after and start not in after
        assert contract.number in after

    def test_finance_reading_the_proposal_gets_no_start_link(self, login, finance, sua_viet):
        proposal = approved_proposal(client=sua_viet)
        page = login(finance).get(reverse("pitching:proposal_detail", args=[proposal.pk]))
        assert page.status_code == 200
        assert url("contract_create") not in page_text(page)
