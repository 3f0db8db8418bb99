"""Background jobs of the clients app."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kam.clients import services


@db_periodic_task(crontab(hour="*/6", minute="41"))
def forget_stale_imports_job() -> int:
    return services.forget_stale_imports()
