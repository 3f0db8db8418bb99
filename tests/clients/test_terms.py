import json
from datetime import date, timedelta

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from kam.clients import queries, services
from kam.clients.models import SpecialTerm
from kam.core.errors import DomainError, InvalidTransition
from tests.clients.factories import ClientFactory

TODAY = timezone.localdate()


@pytest.fixture
def sua_viet(lan):
    return ClientFactory(owner=lan, legal_name="Sữa Việt")


def propose(by, client, **changes) -> SpecialTerm:
    fields = {"kind": "price", "description": "Chiết khấu 10%", "rate_percent": 10,
              "valid_from": TODAY, **changes}  # fmt: skip
    return services.propose_term(by=by, client=client, **fields)


class TestRules:
    def test_a_proposed_term_waits_for_the_clients_director(self, lan, director, sua_viet):
        term = propose(lan, sua_viet)
        assert term.state_on(TODAY) == "pending"
        with pytest.raises(Http404):
            services.approve_term(by=lan, term=term)
        services.approve_term(by=director, term=term)
        term.refresh_from_db()
        assert term.approved_by == director and term.state_on(TODAY) == "active"

    def test_another_teams_director_cannot_approve(self, lan, director2, sua_viet):
        with pytest.raises(Http404):
            services.approve_term(by=director2, term=propose(lan, sua_viet))

    def test_approving_twice_is_refused(self, lan, director, sua_viet):
        term = propose(lan, sua_viet)
        services.approve_term(by=director, term=term)
        with pytest.raises(InvalidTransition):
            services.approve_term(by=director, term=term)

    def test_an_approved_term_is_ended_not_rewritten(self, lan, director, sua_viet):
        term = propose(lan, sua_viet, valid_from=TODAY - timedelta(days=30))
        services.update_term(by=lan, term=term, rate_percent=12)
        services.approve_term(by=director, term=term)
        with pytest.raises(InvalidTransition):
            services.update_term(by=lan, term=term, rate_percent=15)
        services.end_term(by=lan, term=term)
        term.refresh_from_db()
        assert term.valid_until == TODAY and term.rate_percent == 12
        with pytest.raises(InvalidTransition):
            services.end_term(by=lan, term=term)

    @pytest.mark.parametrize(
        "changes,field",
        [
            ({"rate_percent": 120}, "rate_percent"),
            ({"rate_percent": -1}, "rate_percent"),
            ({"valid_until": TODAY - timedelta(days=1)}, "valid_until"),
            ({"description": "  "}, "description"),
        ],
    )
    def test_bad_terms_are_refused_and_nothing_is_saved(self, lan, sua_viet, changes, field):
        with pytest.raises(DomainError) as refused:
            propose(lan, sua_viet, **changes)
        assert refused.value.field == field
        assert not SpecialTerm.objects.exists()

    def test_expired_terms_stay_as_history(self, lan, director, sua_viet):
        old = propose(lan, sua_viet, valid_from=date(2025, 1, 1), valid_until=date(2025, 2, 1))
        services.approve_term(by=director, term=old)
        current = propose(lan, sua_viet)
        terms = queries.terms_of(sua_viet)
        assert terms["history"] == [old] and terms["current"] == [current]
        assert list(queries.terms_for_list(lan, state="expired")) == [old]
        assert list(queries.terms_for_list(lan, state="pending")) == [current]


class TestPages:
    def test_proposing_and_approving_from_the_client_page(self, login, lan, director, sua_viet):
        response = login(lan).post(
            reverse("clients:client_term_add", args=[sua_viet.pk]),
            {"kind": "service", "description": "Phản hồi trong 24 giờ", "valid_from": "2026-12-01"},
        )
        assert response.status_code == 302
        term = SpecialTerm.objects.get()
        lan_page = login(lan).get(reverse("clients:client_detail", args=[sua_viet.pk]))
        assert reverse("clients:term_approve", args=[term.pk]) not in lan_page.content.decode()
        director_page = login(director).get(reverse("clients:client_detail", args=[sua_viet.pk]))
        assert reverse("clients:term_approve", args=[term.pk]) in director_page.content.decode()
        login(director).post(reverse("clients:term_approve", args=[term.pk]))
        term.refresh_from_db()
        assert term.approved_by == director

    def test_a_31st_of_february_is_refused_beside_the_field(self, login, lan, sua_viet):
        response = login(lan).post(
            reverse("clients:client_term_add", args=[sua_viet.pk]),
            {"kind": "price", "description": "x", "valid_from": "31/02/2026"},
        )
        assert response.status_code == 422 and response.context["form"].errors["valid_from"]


class TestApi:
    def test_propose_approve_and_end_through_the_api(self, login, lan, director, sua_viet):
        body = json.dumps({"client_id": sua_viet.pk, "kind": "price", "description": "Giảm 5%",
                           "rate_percent": 5, "valid_from": "2026-11-01"})  # fmt: skip
        created = login(lan).post("/api/v1/terms", body, content_type="application/json")
        assert created.status_code == 201 and created.json()["state"] == "pending"
        term_id = created.json()["id"]
        approved = login(director).post(f"/api/v1/terms/{term_id}/approve")
        assert approved.json()["state"] == "active"
        ended = login(lan).post(f"/api/v1/terms/{term_id}/end")
        assert ended.json()["valid_until"] == str(TODAY)

    @pytest.mark.parametrize(
        "body",
        [
            '{"kind": "price", "description": "x", "valid_from": "2026-02-31"}',
            '{"kind": "price", "description": "x", "valid_from": "2026-01-01", '
            '"rate_percent": 101}',
            '{"kind": "gift", "description": "x", "valid_from": "2026-01-01"}',
        ],
    )
    def test_bad_terms_are_422(self, login, lan, sua_viet, body):
        body = body.replace("{", f'{{"client_id": {sua_viet.pk}, ', 1)
        response = login(lan).post("/api/v1/terms", body, content_type="application/json")
        assert response.status_code == 422
        assert not SpecialTerm.objects.exists()
