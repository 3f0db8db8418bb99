"""The background work of insights (immediate mode in tests: a job runs as it is called): the
daily survey round, the hourly health recomputation, one client's rescore, and the survey email
that does nothing once the survey is answered."""

from datetime import datetime

import pytest
from django.core import mail

from kam.clients.models import Client
from kam.insights import services
from kam.insights.jobs import (
    email_survey_job,
    recompute_client_health_job,
    recompute_health_job,
    send_due_surveys_job,
)
from kam.insights.models import HealthHistory, HealthScore, Survey
from kam.insights.services.surveys import public_url
from tests.insights.factories import (
    answered_survey,
    client_of,
    delivered_project,
    person,
    sent_survey,
    today,
)

pytestmark = pytest.mark.django_db


def test_the_daily_round_sends_the_surveys_due(lan):
    client = client_of(lan, tier=Client.Tier.GROWTH)
    boss = person(client)
    project = delivered_project(client=client, days_ago=5)
    send_due_surveys_job()
    survey = Survey.objects.get()
    assert (survey.project, survey.stakeholder, survey.reason) == (project, boss, "project")
    send_due_surveys_job()
    assert Survey.objects.count() == 1


def test_the_hourly_job_scores_every_client_but_the_lost(lan):
    kept = client_of(lan)
    client_of(lan, status=Client.Status.LOST)
    recompute_health_job()
    assert list(HealthScore.objects.values_list("client", flat=True)) == [kept.pk]
    assert HealthHistory.objects.get().on == today()


def test_one_clients_job_rescores_that_client_only(lan):
    one, other = client_of(lan), client_of(lan)
    recompute_client_health_job(one.pk)
    assert list(HealthScore.objects.values_list("client", flat=True)) == [one.pk]
    assert not HealthScore.objects.filter(client=other).exists()


def test_the_email_job_sends_a_survey_waiting_for_its_answer(lan):
    survey = sent_survey(client_of(lan))
    email_survey_job(survey.pk)
    (message,) = mail.outbox
    assert message.to == [survey.stakeholder.email]
    assert public_url(survey) in message.body


def test_the_email_job_does_nothing_for_an_answered_survey(lan):
    survey = answered_survey(client_of(lan), csat=5, nps=10)
    assert services.email_survey(survey.pk) is False
    email_survey_job(survey.pk)
    assert mail.outbox == []


def test_the_email_job_does_nothing_for_a_survey_that_is_gone(lan):
    assert services.email_survey(987654) is False
    email_survey_job(987654)
    assert mail.outbox == []


def test_the_round_runs_at_nine_in_vietnam_and_health_every_hour():
    round_ = send_due_surveys_job.task_class()
    hourly = recompute_health_job.task_class()
    assert round_.validate_datetime(datetime(2026, 1, 5, 2, 0))  # 02:00 UTC, 09:00 in Hà Nội
    assert not round_.validate_datetime(datetime(2026, 1, 5, 9, 0))
    assert all(hourly.validate_datetime(datetime(2026, 1, 5, hour, 15)) for hour in range(24))
    assert not hourly.validate_datetime(datetime(2026, 1, 5, 3, 0))
