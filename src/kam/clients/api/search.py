"""One search across clients, contacts and interactions."""

from django.http import HttpRequest
from ninja import Query, Schema

from kam.clients import queries
from kam.clients.api.common import ClientRef, router
from kam.clients.models import Client
from kam.core.api import ERRORS


# --- Search ---------------------------------------------------------------------------------
class SearchHit(Schema):
    id: int
    label: str
    client: ClientRef


class SearchOut(Schema):
    clients: list[SearchHit]
    contacts: list[SearchHit]
    interactions: list[SearchHit]


def _hit(record, label: str, client: Client) -> dict:
    return {"id": record.pk, "label": label, "client": {"id": client.pk, "name": str(client)}}


@router.get(
    "/search",
    response={200: SearchOut, **ERRORS},
    summary="Clients, contacts and interactions matching every word, without accents or case",
)
def search(request: HttpRequest, q: str = Query("", max_length=200)):
    found = queries.search(request.user, q)
    return {
        "clients": [_hit(client, client.legal_name, client) for client in found["clients"]],
        "contacts": [
            _hit(person, person.full_name, person.client) for person in found["stakeholders"]
        ],
        "interactions": [
            _hit(item, item.summary[:200], item.client) for item in found["interactions"]
        ],
    }
