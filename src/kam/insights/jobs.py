"""Background work of insights: surveys emailed after commit, the daily survey round, and
account health recomputed every hour (and at once for a client whose survey was answered)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from kam.insights import services


@db_task()
def email_survey_job(survey_id: int) -> bool:
    return services.email_survey(survey_id)


@db_task()
def recompute_client_health_job(client_id: int) -> int:
    return services.recompute_health(client_ids=[client_id])


# Huey's crontab runs in UTC: 02:00 UTC is 09:00 in Vietnam, when a client reads their email.
@db_periodic_task(crontab(hour="2", minute="0"))
def send_due_surveys_job() -> int:
    return services.send_due_surveys()


@db_periodic_task(crontab(minute="15"))
def recompute_health_job() -> int:
    return services.recompute_health()
