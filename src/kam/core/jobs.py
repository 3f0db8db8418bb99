"""Background jobs of the core: the daily digest fan-out."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from kam.core.digest import send_digest


# Huey's crontab runs in UTC: 00:00 UTC is 07:00 in Vietnam, before the working day.
@db_periodic_task(crontab(hour="0", minute="0"))
def send_daily_digests_job() -> int:
    """Queue one digest per active person with an email address."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    user_ids = list(users.values_list("pk", flat=True))
    for user_id in user_ids:
        send_digest_job(user_id)
    return len(user_ids)


@db_task()
def send_digest_job(user_id: int) -> bool:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    return send_digest(user, since=timezone.now() - timedelta(days=1))
