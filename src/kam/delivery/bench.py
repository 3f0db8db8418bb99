"""What `kam bench` measures of delivery: the contract and project lists, a contract's and a
running project's pages, the project's timeline, the change requests, and the API's lists and
details, as a KAM, their Director and Finance; the task queue as a department member (the demo's
`creative`, whose department has the most tasks), and as the KAM and the Director, who see what
slips there; a task's page and the API's queue as the department member."""

from kam.core.bench import Scenario

PERSONAS = ("lan", "director", "finance")
QUEUE_PERSONAS = ("creative", "lan", "director")
DEPARTMENT = ("creative",)
A_CONTRACT = {"contract": "/api/v1/contracts?status=signed&page_size=1"}
A_PROJECT = {"project": "/api/v1/projects?status=running&page_size=1"}
A_TASK = {"task": "/api/v1/tasks?page_size=1"}

SCENARIOS = [
    Scenario("contracts", "/contracts/", PERSONAS),
    Scenario("contract page", "/contracts/{contract}/", PERSONAS, lookups=A_CONTRACT),
    Scenario("projects", "/projects/", PERSONAS),
    Scenario("projects, open", "/projects/?status=open", PERSONAS),
    Scenario("project page", "/projects/{project}/", PERSONAS, lookups=A_PROJECT),
    Scenario("project timeline", "/projects/{project}/timeline/", PERSONAS, lookups=A_PROJECT),
    Scenario("task queue", "/tasks/", QUEUE_PERSONAS),
    Scenario("task page", "/tasks/{task}/", DEPARTMENT, lookups=A_TASK),
    Scenario("change requests", "/change-requests/", PERSONAS),
    Scenario("API contracts", "/api/v1/contracts", PERSONAS),
    Scenario("API contract", "/api/v1/contracts/{contract}", PERSONAS, lookups=A_CONTRACT),
    Scenario("API projects", "/api/v1/projects?status=running", PERSONAS),
    Scenario("API project", "/api/v1/projects/{project}", PERSONAS, lookups=A_PROJECT),
    Scenario("API task queue", "/api/v1/tasks", DEPARTMENT),
    Scenario("API project tasks", "/api/v1/tasks?project_id={project}", PERSONAS, A_PROJECT),
    Scenario("API change requests", "/api/v1/change-requests", PERSONAS),
]
