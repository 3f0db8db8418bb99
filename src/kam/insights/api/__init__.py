"""API of the insights app: revenue targets and their history, satisfaction surveys (sent, sent
again, followed up; answered only through the emailed link's page, never here), account health
with the reasons behind each score, the caller's ranked agenda, and revenue against target with
the commission preview; one module each, all adding their endpoints to one router."""

from kam.insights.api import (  # noqa: F401 - each module adds its endpoints to the router
    agenda,
    health,
    reports,
    surveys,
    targets,
)
from kam.insights.api.common import router

__all__ = ["router"]
