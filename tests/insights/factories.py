"""Insights through the real services: a KAM's client, contact logged some days ago, a project
delivered (with a stakeholder who has an email), a survey sent and answered through its link,
and the facts and scores account health reads."""

from datetime import timedelta

from django.utils import timezone

from kam.clients import services as client_services
from kam.clients.models import Client, Interaction, Stakeholder
from kam.delivery import services as delivery_services
from kam.delivery.models import Project
from kam.insights import services
from kam.insights.health import ClientFacts
from kam.insights.models import HealthScore, Survey
from kam.insights.queries.health import facts_of
from kam.insights.services.surveys import survey_token
from tests.clients.factories import ClientFactory, StakeholderFactory
from tests.delivery.factories import running_project


def today():
    return timezone.localdate()


def client_of(kam, **fields) -> Client:
    """A key, active client owned by the KAM."""
    return ClientFactory(owner=kam, **fields)


def person(client: Client, *, email: str = "", role: str = "decision_maker", **fields):
    """A stakeholder of the client; with an email unless told "" (then one is made up)."""
    count = Stakeholder.objects.count() + 1
    return StakeholderFactory(
        client=client,
        decision_role=role,
        email=email or f"khach{count}@khachhang.vn",
        **fields,
    )


def contact(
    client: Client,
    *,
    days_ago: int,
    kind: str = Interaction.Kind.MEETING,
    by=None,
    stakeholders=None,
) -> Interaction:
    """Contact (or a note) logged by the client's KAM `days_ago` days ago."""
    return client_services.log_interaction(
        by=by or client.owner,
        client=client,
        kind=kind,
        happened_at=timezone.now() - timedelta(days=days_ago),
        summary="Trao đổi về chiến dịch",
        stakeholders=stakeholders,
    )


def delivered_project(*, client: Client, days_ago: int = 0) -> Project:
    """A project under a signed contract, delivered `days_ago` days ago."""
    project = running_project(client=client)
    project = delivery_services.deliver_project(
        by=client.owner, project=project, reason="Khách đã nghiệm thu qua email"
    )
    if days_ago:
        Project.objects.filter(pk=project.pk).update(
            delivered_on=today() - timedelta(days=days_ago)
        )
        project.refresh_from_db()
    return project


def sent_survey(client: Client, *, stakeholder=None, by=None, **fields) -> Survey:
    """A survey sent by hand by the client's KAM to a stakeholder with an email."""
    return services.send_survey(
        by=by or client.owner,
        client=client,
        stakeholder=stakeholder or person(client),
        **fields,
    )


def answered_survey(
    client: Client, *, csat: int, nps: int, comment: str = "", stakeholder=None
) -> Survey:
    """A survey sent by the KAM and answered by the stakeholder through its link."""
    survey = sent_survey(client, stakeholder=stakeholder)
    return services.answer_survey(token=survey_token(survey), csat=csat, nps=nps, comment=comment)


def facts_for(client: Client) -> ClientFacts:
    """What account health reads about one client today."""
    return facts_of([client.pk], today())[client.pk]


def scored(client: Client) -> HealthScore:
    """The client's health, computed now."""
    services.recompute_health(client_ids=[client.pk])
    return HealthScore.objects.get(client=client)


def reason_codes(score: HealthScore) -> list[str]:
    from kam.insights.health import reasons

    return [row["signal"] for row in reasons(score.signals)]
