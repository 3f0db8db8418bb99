"""The JSON API under /api/v1/: one NinjaAPI, a router per app, OpenAPI generated from code."""

from csp.decorators import csp_update
from ninja import NinjaAPI
from ninja.security import django_auth

from kam.budgets.api import router as budgets_router
from kam.clients.api import router as clients_router
from kam.core.api import JsonObjectParser, install_error_handlers
from kam.delivery.api import router as delivery_router
from kam.growth.api import router as growth_router
from kam.insights.api import router as insights_router
from kam.people.api import BearerAuth
from kam.people.api import router as people_router
from kam.pitching.api import router as pitching_router
from kam.receivables.api import router as receivables_router


def _docs_page(view):
    # Swagger UI sets inline styles; its scripts still come only from our own static files.
    return csp_update({"style-src": ["'self'", "'unsafe-inline'"]})(view)


api = NinjaAPI(
    title="kam API",
    version="1",
    description="The Key Account Manager's workspace. Authenticate with a session or "
    "`Authorization: Bearer <token>` (create a token on your profile page or with "
    "`kam token create USERNAME`).",
    auth=[BearerAuth(), django_auth],
    urls_namespace="api",
    docs_decorator=_docs_page,
    parser=JsonObjectParser(),
)
install_error_handlers(api)
api.add_router("", people_router)
api.add_router("", clients_router)
api.add_router("", growth_router)
api.add_router("", pitching_router)
api.add_router("", delivery_router)
api.add_router("", budgets_router)
api.add_router("", receivables_router)
api.add_router("", insights_router)
