"""Background jobs of the people app."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kam.people import services


@db_periodic_task(crontab(hour="*/6", minute="17"))
def forget_old_sign_in_failures_job() -> int:
    return services.forget_old_sign_in_failures()
