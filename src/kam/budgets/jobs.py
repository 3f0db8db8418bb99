"""Background jobs of budgets: emailing the KAM the warning thresholds their budgets crossed."""

from huey.contrib.djhuey import db_task

from kam.budgets import services


@db_task()
def email_budget_warnings_job(alert_ids: list[int]) -> int:
    return services.email_budget_warnings(alert_ids)
