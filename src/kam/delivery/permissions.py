"""Who may run contracts, projects, tasks, bookings and change requests, and who sees their
money. The KAM side of the client (its owner, the KAMs on its account team, their Director,
admins) runs everything; a department member works their department's tasks and reads what they
need of the brief, never a fee or a value; Finance reads every contract."""

from kam.clients.models import Client
from kam.clients.permissions import can_change_client
from kam.core import access
from kam.delivery.models import Contract, Project, Task
from kam.people.models import User


def sees_contracts(user: User) -> bool:
    """Everyone whose work is the client side or the money: not a department member or a
    Planner with no other role (they see tasks and projects, not contracts)."""
    return access.is_signed_in(user) and (
        user.is_kam or user.is_director or user.is_sales or user.is_finance or user.is_superuser
    )


def sees_projects(user: User) -> bool:
    """Those who see contracts, and Planners (they work the projects of their briefs)."""
    return sees_contracts(user) or (access.is_signed_in(user) and user.is_planner)


def can_record_contracts(user: User) -> bool:
    """Who enters contracts at all: KAMs, Directors and admins."""
    return access.is_kam(user) or access.is_director(user) or access.is_admin(user)


def can_create_contract_on(user: User, client: Client) -> bool:
    return can_change_client(user, client)


def can_change_contract(user: User, contract: Contract) -> bool:
    return can_change_client(user, contract.client)


def can_run_project(user: User, project: Project) -> bool:
    """Planning phases and tasks, bookings, slips, change requests, the check and delivery."""
    return can_change_client(user, project.client)


def is_project_planner(user: User, project: Project) -> bool:
    """The Planner of the brief behind the project works beside the KAM through delivery."""
    brief = project.brief
    creative = getattr(brief, "creative_brief", None) if brief is not None else None
    return creative is not None and creative.planner_id == user.pk


def can_work_task(user: User, task: Task) -> bool:
    """Moving a task along (status, deliverables): its assignee, the members of its department,
    and whoever runs the project."""
    if not access.is_signed_in(user):
        return False
    if task.assignee_id == user.pk:
        return True
    if task.department_id is not None and task.department_id == user.department_id:
        return True
    return can_run_project(user, task.project)
