"""Background jobs of receivables: the daily dunning run, and a statement's email."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from kam.receivables import services


# 01:00 UTC is 08:00 in Vietnam: reminders arrive at the start of the client's working day.
@db_periodic_task(crontab(hour="1", minute="0"))
def send_due_reminders_job() -> int:
    return services.send_due_reminders()


@db_task()
def email_statement_job(statement_id: int) -> bool:
    return services.email_statement(statement_id)
