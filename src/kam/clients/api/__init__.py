"""API of the clients app: clients and their account teams, contacts (stakeholders),
interactions, search, special terms, requests and complaints, the service catalogue and account
plans; one module each, all adding their endpoints to one router."""

from kam.clients.api import (  # noqa: F401 - each module adds its endpoints to the router
    accounts,
    client_requests,
    interactions,
    plans,
    search,
    terms,
)
from kam.clients.api.common import router

__all__ = ["router"]
