"""Who sees a project's money and who may change it. Budgets, costs and margins are for the KAM
side of the client (its owner, the KAMs on its account team, their Director, admins) and for
Finance; a department member or a Planner enters time on their tasks but never sees a rate, a
cost or a margin. A Director of the client's owner approves what takes the margin under its
floor and re-baselines a budget."""

from kam.budgets.models import Budget
from kam.clients.permissions import can_approve_terms_of
from kam.core import access
from kam.delivery.models import Project, Task
from kam.delivery.permissions import can_run_project, can_work_task
from kam.people.models import User


def sees_budgets(user: User) -> bool:
    """KAMs, Directors, Finance and admins; never Sales, Planners or department members."""
    return access.is_signed_in(user) and (
        user.is_kam or user.is_director or user.is_finance or user.is_superuser
    )


def can_manage_budget(user: User, project: Project) -> bool:
    """Setting up the budget, writing a re-baseline, asking a Director, the change's decision."""
    return sees_budgets(user) and can_run_project(user, project)


def can_record_cost(user: User, project: Project) -> bool:
    """Purchase orders and vendor bills: whoever runs the project, and Finance."""
    return can_manage_budget(user, project) or access.is_finance(user)


def can_approve_budget(user: User, budget: Budget) -> bool:
    """Re-baselines and margins under the floor: the Director of the client's owner, admins."""
    return can_approve_margin(user, budget.project)


def can_approve_margin(user: User, project: Project) -> bool:
    return can_approve_terms_of(user, project.client)


def can_enter_time(user: User, task: Task) -> bool:
    """A person enters their own hours on a task they work on."""
    return can_work_task(user, task)


def can_keep_the_books(user: User) -> bool:
    """Closing months and setting what an hour costs: Finance and admins."""
    return access.is_finance(user) or access.is_admin(user)


def sees_profitability(user: User) -> bool:
    return sees_budgets(user)
