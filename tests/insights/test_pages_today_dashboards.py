"""The pages of Today, the portfolio and team dashboards and account health: wiring, who sees
what (owner, teammate, outsider), and queries that do not grow with the data."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kam.clients.models import Client
from kam.core.money import format_money
from kam.core.views import AGENDA_FIRST
from kam.insights import services
from kam.insights.models import HealthHistory, HealthScore, Survey
from kam.insights.services.surveys import survey_token
from kam.receivables import services as receivables
from tests.clients.factories import ClientFactory, InteractionFactory, StakeholderFactory
from tests.delivery.factories import signed_contract
from tests.growth.factories import OpportunityFactory
from tests.receivables.factories import billable_client, issued, paid

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client):
    """`login(user)`: the test client signed in as that persona, speaking English (the pages'
    source language: the assertions stay true when the Vietnamese arrives)."""

    def sign_in(user):
        if user.language != "en":
            user.language = "en"
            user.save(update_fields=["language"])
        client.force_login(user)
        return client

    return sign_in


def text(response) -> str:
    return response.content.decode()


def today():
    return timezone.localdate()


def queries_of(assert_max_queries, browser, url: str, most: int) -> int:
    """How many queries the page took (at most `most`), to compare with more data."""
    with assert_max_queries(most) as queries:
        assert browser.get(url).status_code == 200
    return len(queries)


def lans_client(lan, **fields):
    return ClientFactory(owner=lan, **fields)


def unhappy_answer(client) -> Survey:
    """A survey the client's stakeholder answered with low scores (on the KAM's agenda)."""
    person = StakeholderFactory(client=client, email="khach@khachhang.vn")
    survey = services.send_survey(by=client.owner, client=client, stakeholder=person)
    return services.answer_survey(token=survey_token(survey), csat=2, nps=3, comment="Chậm quá")


# --- Today -----------------------------------------------------------------------------------
class TestToday:
    def test_a_late_high_value_step_comes_before_a_later_one(self, login, lan):
        client = lans_client(lan)
        OpportunityFactory(
            client=client,
            title="Gia hạn sớm",
            next_step="Gửi báo giá",
            next_step_due_on=today() + timedelta(days=5),
            value_amount=Decimal(100_000_000),
        )
        OpportunityFactory(
            client=client,
            title="Chiến dịch lớn",
            next_step="Gọi lại",
            next_step_due_on=today() - timedelta(days=3),
            value_amount=Decimal(5_000_000_000),
        )
        page = text(login(lan).get(reverse("core:home")))
        assert 'data-testid="agenda"' in page
        assert page.index("Chiến dịch lớn") < page.index("Gia hạn sớm")
        assert format_money(Decimal(5_000_000_000)) in page

    def test_an_item_done_from_today_has_its_form_with_the_way_back(self, login, lan):
        survey = unhappy_answer(lans_client(lan))
        page = text(login(lan).get(reverse("core:home")))
        action = reverse("insights:survey_follow_up", args=[survey.pk])
        assert f'action="{action}"' in page
        assert 'name="next" value="/"' in page
        assert 'name="note" required' in page
        assert "csrfmiddlewaretoken" in page

    def test_following_up_from_today_comes_back_to_today(self, login, lan):
        survey = unhappy_answer(lans_client(lan))
        response = login(lan).post(
            reverse("insights:survey_follow_up", args=[survey.pk]),
            {"next": "/", "note": "Đã gọi, hẹn họp lại"},
        )
        assert response.status_code == 302 and response["Location"] == "/"
        survey.refresh_from_db()
        assert survey.followed_up_at is not None

    def test_nothing_waiting_says_so(self, login, lan):
        page = text(login(lan).get(reverse("core:home")))
        assert "Nothing is waiting for you." in page
        assert 'data-testid="agenda"' not in page

    def test_its_queries_do_not_grow_with_the_items(
        self, login, lan, django_assert_max_num_queries
    ):
        browser, counts = login(lan), []
        for count in (1, 4):
            for _ in range(count):
                client = lans_client(lan)
                OpportunityFactory(client=client, next_step_due_on=today() - timedelta(days=1))
                unhappy_answer(client)
            services.recompute_health()
            counts.append(queries_of(django_assert_max_num_queries, browser, "/", TODAY_QUERIES))
        assert counts[0] == counts[1]

    def test_the_most_urgent_items_come_first_and_the_rest_on_request(self, login, lan):
        client = lans_client(lan)
        late = {"next_step": "Rất gấp", "next_step_due_on": today() - timedelta(days=9)}
        InteractionFactory(client=client, next_step_owner=lan, **late)
        for number in range(AGENDA_FIRST):
            InteractionFactory(
                client=client, next_step_owner=lan, next_step=f"Bước {number:02}",
                next_step_due_on=today(),
            )  # fmt: skip
        browser = login(lan)
        page = text(browser.get("/"))
        assert page.count('data-testid="agenda-item"') == AGENDA_FIRST
        # The late step first; of the equally urgent ones, the last by title waits behind.
        assert page.index("Rất gấp") < page.index("Bước 00")
        assert f"Bước {AGENDA_FIRST - 2:02}" in page and f"Bước {AGENDA_FIRST - 1:02}" not in page
        assert f"Show all {AGENDA_FIRST + 1} items" in page
        assert "1 less urgent item is not shown." in page
        everything = text(browser.get("/?all=1"))
        assert everything.count('data-testid="agenda-item"') == AGENDA_FIRST + 1
        assert f"Bước {AGENDA_FIRST - 1:02}" in everything
        assert 'data-testid="agenda-all"' not in everything


# --- The portfolio ---------------------------------------------------------------------------
@pytest.fixture
def lans_quarter(lan, director, finance):
    """Lan's quarter: a 2 tỷ contract signed, 100 triệu invoiced and paid in full (108 triệu
    with VAT), and the targets her Director set for it."""
    client = billable_client(owner=lan, legal_name="Công ty Sữa Việt")
    signed_contract(client=client)
    issued(client, by=finance, amount=100_000_000)
    paid(client, 108_000_000, by=finance, allocate_oldest_first=True)
    for metric, amount in (("booked", 4_000_000_000), ("collected", 100_000_000)):
        services.set_target(
            by=director, metric=metric, period="quarter", day=today(), amount=amount, kam=lan
        )
    return client


def portfolio(query: str = "") -> str:
    return reverse("insights:portfolio") + query


class TestPortfolio:
    def test_the_kam_sees_revenue_against_the_target_her_director_set(
        self, login, lans_quarter, lan
    ):
        page = text(login(lan).get(portfolio()))
        booked = page.split('data-testid="attainment-booked"')[1].split("</tr>")[0]
        assert format_money(Decimal(2_000_000_000)) in booked
        assert format_money(Decimal(4_000_000_000)) in booked
        assert "50%" in booked
        collected = page.split('data-testid="attainment-collected"')[1].split("</tr>")[0]
        # 108 triệu received settles the invoice: 100 triệu before VAT, the whole target.
        assert "100%" in collected

    def test_the_commission_preview_is_for_the_kam_her_director_and_finance(
        self, login, lans_quarter, lan, director, finance, admin
    ):
        # 100% of the collected target reaches the 3% tier: 3% of 100 triệu.
        expected = format_money(Decimal(3_000_000))
        assert expected in text(login(lan).get(portfolio()))
        for viewer in (director, finance, admin):
            page = text(login(viewer).get(portfolio(f"?kam={lan.pk}")))
            assert 'data-testid="commission"' in page and expected in page

    def test_someone_who_does_not_see_the_kam_gets_404(
        self, login, lans_quarter, lan, hoa, minh, director2
    ):
        for viewer in (hoa, minh, director2):
            assert login(viewer).get(portfolio(f"?kam={lan.pk}")).status_code == 404

    def test_sales_and_department_members_have_no_dashboard(self, login, sales, creative):
        for viewer in (sales, creative):
            assert login(viewer).get(portfolio()).status_code == 404

    def test_a_director_who_is_no_kam_chooses_whose_portfolio(
        self, login, lan, hoa, minh, director
    ):
        page = text(login(director).get(portfolio()))
        choices = page.split('data-testid="kam-choices"')[1].split("</ul>")[0]
        assert str(lan) in choices and str(hoa) in choices and str(minh) not in choices

    def test_clients_are_listed_worst_health_first_with_their_revenue(
        self, login, lans_quarter, lan
    ):
        other = lans_client(lan, legal_name="Công ty Bia Sài Gòn")
        services.recompute_health()
        HealthScore.objects.filter(client=other).update(score=20, at_risk=True)
        HealthScore.objects.filter(client=lans_quarter).update(score=90, at_risk=False)
        page = text(login(lan).get(portfolio()))
        table = page.split('data-testid="portfolio-clients"')[1]
        assert table.index("Bia Sài Gòn") < table.index("Sữa Việt")
        assert format_money(Decimal(100_000_000)) in table
        strip = page.split('data-testid="at-risk-count"')[1].split("</a>")[0]
        assert "<strong>1</strong>" in strip
        assert reverse("insights:client_health", args=[other.pk]) in table

    def test_a_clients_revenue_is_less_its_credit_notes_and_cancelled_invoices(
        self, login, lan, finance
    ):
        client = billable_client(owner=lan, legal_name="Công ty Bia Sài Gòn")
        kept = issued(client, by=finance, amount=100_000_000)
        receivables.credit_invoice(
            by=finance, invoice=kept, amount=43_200_000, reason="Bớt 40 triệu hạng mục in ấn"
        )
        wrong = issued(client, by=finance, amount=70_000_000)
        receivables.cancel_invoice(by=finance, invoice=wrong, reason="Sai mã số thuế")
        page = text(login(lan).get(portfolio()))
        table = page.split('data-testid="portfolio-clients"')[1]
        assert format_money(Decimal(60_000_000)) in table
        assert format_money(Decimal(100_000_000)) not in table

    def test_the_pipeline_and_receivables_link_to_their_lists(self, login, lans_quarter, lan):
        OpportunityFactory(client=lans_quarter, value_amount=Decimal(1_000_000_000))
        page = text(login(lan).get(portfolio()))
        pipeline = page.split('data-testid="portfolio-pipeline"')[1].split("</section>")[0]
        assert f"{reverse('growth:pipeline')}?owner={lan.pk}" in pipeline
        # The first stage's 10%: 100 triệu weighted.
        assert format_money(Decimal(100_000_000)) in pipeline
        receivables = page.split('data-testid="portfolio-receivables"')[1]
        assert f"{reverse('receivables:ageing')}?owner={lan.pk}" in receivables

    @pytest.mark.parametrize(
        "query",
        [
            "?period=decade",
            "?day=2024-13-45",
            "?day=9999-12-31&period=year",
            "?day=0001-01-01&period=month",
            "?period=month&day=2025-02-10",
            "?kam=",
        ],
    )
    def test_a_wrong_period_is_ignored(self, login, lan, query):
        assert login(lan).get(portfolio(query)).status_code == 200

    @pytest.mark.parametrize("kam", ["abc", "-1", "0", "99999999999999999999", "1.5"])
    def test_a_wrong_kam_is_a_404(self, login, director, kam):
        assert login(director).get(portfolio(f"?kam={kam}")).status_code == 404

    def test_the_period_moves_back_and_forth(self, login, lan):
        page = text(login(lan).get(portfolio("?period=month&day=2025-02-10")))
        assert "02/2025" in page
        assert "day=2025-01-01" in page and "day=2025-03-01" in page

    def test_its_queries_do_not_grow_with_the_clients(
        self, login, lan, director, finance, django_assert_max_num_queries
    ):
        def grow(count: int) -> None:
            for _ in range(count):
                client = billable_client(owner=lan)
                issued(client, by=finance, amount=50_000_000)
                OpportunityFactory(client=client)
            services.recompute_health()

        counts = []
        for count in (1, 4):
            grow(count)
            for viewer, query in ((lan, ""), (director, f"?kam={lan.pk}")):
                counts.append(
                    queries_of(
                        django_assert_max_num_queries,
                        login(viewer),
                        portfolio(query),
                        PORTFOLIO_QUERIES,
                    )
                )
        assert counts[:2] == counts[2:]


PORTFOLIO_QUERIES = 17
TODAY_QUERIES = 22
TEAM_QUERIES = 16
HEALTH_QUERIES = 8


# --- The team view ---------------------------------------------------------------------------
class TestTeamView:
    def test_only_directors_and_admins_see_it(self, login, lan, hoa, finance, sales, director):
        for viewer in (lan, hoa, finance, sales):
            assert login(viewer).get(reverse("insights:team")).status_code == 404

    def test_the_director_sees_her_kams_not_another_teams(
        self, login, lans_quarter, lan, hoa, minh, director
    ):
        page = text(login(director).get(reverse("insights:team")))
        assert f'data-testid="team-kam-{lan.pk}"' in page
        assert f'data-testid="team-kam-{hoa.pk}"' in page
        assert f'data-testid="team-kam-{minh.pk}"' not in page
        assert f"{reverse('insights:portfolio')}?kam={lan.pk}" in page
        lans_row = page.split(f'data-testid="team-kam-{lan.pk}"')[1].split("</tr>")[0]
        assert format_money(Decimal(2_000_000_000)) in lans_row and "50%" in lans_row

    def test_the_admin_sees_every_team(self, login, lan, minh, admin):
        page = text(login(admin).get(reverse("insights:team")))
        assert f'data-testid="team-kam-{lan.pk}"' in page
        assert f'data-testid="team-kam-{minh.pk}"' in page

    def test_health_bands_and_overdue_are_counted_per_kam(self, login, lan, hoa, director, finance):
        weak, good = lans_client(lan), lans_client(lan)
        services.recompute_health()
        HealthScore.objects.filter(client=weak).update(score=45)
        HealthScore.objects.filter(client=good).update(score=85)
        client = billable_client(owner=lan)
        issued(client, by=finance, amount=10_000_000, issued_on=today() - timedelta(days=60))
        page = text(login(director).get(reverse("insights:team")))
        lans_row = page.split(f'data-testid="team-kam-{lan.pk}"')[1].split("</tr>")[0]
        assert f"{reverse('insights:health_list')}?owner={lan.pk}" in lans_row
        assert f"{reverse('receivables:ageing')}?owner={lan.pk}" in lans_row
        assert format_money(Decimal(10_800_000)) in lans_row

    def test_its_queries_do_not_grow_with_the_kams_or_clients(
        self, login, lan, hoa, director, finance, django_assert_max_num_queries
    ):
        from tests.people.factories import UserFactory

        def grow(count: int) -> None:
            for _ in range(count):
                kam = UserFactory(is_kam=True, team=lan.team)
                client = billable_client(owner=kam)
                issued(
                    client, by=finance, amount=50_000_000, issued_on=today() - timedelta(days=45)
                )
            services.recompute_health()

        browser, counts = login(director), []
        for count in (1, 4):
            grow(count)
            counts.append(
                queries_of(
                    django_assert_max_num_queries, browser, reverse("insights:team"), TEAM_QUERIES
                )
            )
        assert counts[0] == counts[1]


# --- Account health --------------------------------------------------------------------------
@pytest.fixture
def scored(lan):
    """Lan's client, never contacted, scored once, with a history."""
    client = lans_client(lan, legal_name="Công ty Nước khoáng Suối Tiên")
    services.recompute_health(client_ids=[client.pk])
    HealthHistory.objects.create(client=client, on=today() - timedelta(days=40), score=88)
    return client


def health_url(client, name: str = "insights:client_health") -> str:
    return reverse(name, args=[client.pk])


class TestClientHealth:
    def test_the_page_shows_every_signal_and_the_top_reasons(self, login, scored, lan):
        page = text(login(lan).get(health_url(scored)))
        assert "No contact recorded" in page
        assert page.count('data-testid="top-reason"') == 3
        assert 'data-testid="health-score"' in page
        assert "<polyline" in page
        assert 'data-testid="recompute"' in page

    def test_another_teams_kam_and_a_teammate_get_404(self, login, scored, minh, hoa):
        for viewer in (minh, hoa):
            assert login(viewer).get(health_url(scored)).status_code == 404
            assert login(viewer).get(health_url(scored, "insights:client_panel")).status_code == 404

    def test_her_director_sees_it(self, login, scored, director):
        assert login(director).get(health_url(scored)).status_code == 200

    def test_answered_surveys_are_listed(self, login, scored, lan):
        unhappy_answer(scored)
        page = text(login(lan).get(health_url(scored)))
        surveys = page.split('data-testid="client-surveys"')[1]
        assert "2/5" in surveys and "3/10" in surveys and "Chậm quá" in surveys

    def test_recompute_now_scores_the_client_again(self, login, lan):
        client = lans_client(lan)
        assert not HealthScore.objects.filter(client=client).exists()
        page = text(login(lan).get(health_url(client)))
        assert 'data-testid="not-scored"' in page
        response = login(lan).post(health_url(client, "insights:client_health_recompute"))
        assert response.status_code == 302 and response["Location"] == health_url(client)
        assert HealthScore.objects.filter(client=client).exists()

    def test_recompute_of_a_lost_client_is_refused_with_a_message(self, login, lan):
        lost = ClientFactory(owner=lan, status=Client.Status.LOST)
        browser = login(lan)
        response = browser.post(health_url(lost, "insights:client_health_recompute"), follow=True)
        assert response.status_code == 200
        assert "A lost client has no health score." in text(response)
        assert not HealthScore.objects.filter(client=lost).exists()

    def test_a_client_lost_since_its_score_shows_no_score_but_its_history(self, login, scored, lan):
        Client.objects.filter(pk=scored.pk).update(status=Client.Status.LOST)
        page = text(login(lan).get(health_url(scored)))
        assert 'data-testid="health-score"' not in page
        assert "A lost client has no health score: its history stays below." in page
        assert 'data-testid="recompute"' not in page
        assert "<polyline" in page
        panel = text(login(lan).get(health_url(scored, "insights:client_panel")))
        assert 'data-testid="panel-score"' not in panel
        assert "A lost client has no health score." in panel

    def test_recompute_is_404_for_an_outsider_and_not_a_get(self, login, scored, minh, lan):
        url = health_url(scored, "insights:client_health_recompute")
        assert login(minh).post(url).status_code == 404
        assert login(lan).get(url).status_code == 405

    def test_the_panel_shows_the_score_reasons_and_link(self, login, scored, lan):
        unhappy_answer(scored)
        page = text(login(lan).get(health_url(scored, "insights:client_panel")))
        assert 'data-testid="panel-score"' in page
        assert "No contact recorded" in page
        assert health_url(scored) in page
        assert "2/5" in page

    def test_the_panel_offers_a_survey_to_the_kam_side_only(self, login, scored, lan, finance):
        send = reverse("insights:survey_send", args=[scored.pk])
        assert send in text(login(lan).get(health_url(scored, "insights:client_panel")))
        assert send not in text(login(finance).get(health_url(scored, "insights:client_panel")))

    def test_the_client_page_loads_the_health_panel(self, login, scored, lan):
        page = text(login(lan).get(reverse("clients:client_detail", args=[scored.pk])))
        assert f'hx-get="{health_url(scored, "insights:client_panel")}"' in page

    def test_the_pages_are_bounded(self, login, scored, lan, django_assert_max_num_queries):
        browser = login(lan)
        counts = []
        for _ in range(2):
            unhappy_answer(scored)
            HealthHistory.objects.create(
                client=scored, on=today() - timedelta(days=10 + len(counts)), score=70
            )
            counts.append(
                [
                    queries_of(
                        django_assert_max_num_queries,
                        browser,
                        health_url(scored, name),
                        HEALTH_QUERIES,
                    )
                    for name in ("insights:client_health", "insights:client_panel")
                ]
            )
        assert counts[0] == counts[1]


class TestHealthList:
    def test_the_list_shows_the_clients_seen_worst_first(self, login, lan, minh):
        poor, fine = lans_client(lan, legal_name="Khách A"), lans_client(lan, legal_name="Khách B")
        elsewhere = ClientFactory(owner=minh, legal_name="Khách của Minh")
        services.recompute_health()
        HealthScore.objects.filter(client=poor).update(score=30, at_risk=True)
        HealthScore.objects.filter(client=fine).update(score=70, at_risk=False)
        page = text(login(lan).get(reverse("insights:health_list")))
        assert page.index("Khách A") < page.index("Khách B")
        assert elsewhere.legal_name not in page
        at_risk = text(login(lan).get(reverse("insights:health_list") + "?at_risk=1"))
        assert "Khách A" in at_risk and "Khách B" not in at_risk

    def test_the_owner_filter_narrows_and_a_wrong_one_is_ignored(self, login, lan, hoa, director):
        mine, hers = (
            lans_client(lan, legal_name="Khách A"),
            ClientFactory(owner=hoa, legal_name="Khách H"),
        )
        services.recompute_health()
        url = reverse("insights:health_list")
        page = text(login(director).get(f"{url}?owner={lan.pk}"))
        assert mine.legal_name in page and hers.legal_name not in page
        for query in ("?owner=abc", "?owner=-3", "?page=x", "?page=999", "?at_risk=yes"):
            assert login(director).get(url + query).status_code == 200

    def test_htmx_gets_only_the_rows(self, login, lan):
        lans_client(lan)
        services.recompute_health()
        response = login(lan).get(reverse("insights:health_list"), HTTP_HX_REQUEST="true")
        assert 'data-testid="health-table"' in text(response)
        assert "<html" not in text(response)

    def test_its_queries_do_not_grow_with_the_clients(
        self, login, lan, django_assert_max_num_queries
    ):
        browser, counts = login(lan), []
        for count in (1, 5):
            for _ in range(count):
                lans_client(lan)
            services.recompute_health()
            counts.append(
                queries_of(
                    django_assert_max_num_queries,
                    browser,
                    reverse("insights:health_list"),
                    HEALTH_QUERIES,
                )
            )
        assert counts[0] == counts[1]

    def test_signing_in_is_required(self, client, db):
        response = client.get(reverse("insights:health_list"))
        assert response.status_code == 302
