"""Background jobs of the growth app."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kam.growth import services


@db_periodic_task(crontab(hour="5", minute="17"))
def open_renewal_opportunities_job() -> int:
    return services.open_renewal_opportunities()
