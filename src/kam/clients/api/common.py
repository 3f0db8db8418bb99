"""What the clients API's modules share: the router, references to people and clients, and
turning ids in a body into records the caller may use."""

from django.utils.translation import gettext_lazy
from ninja import Router, Schema

from kam.clients import queries
from kam.clients.models import Client
from kam.core.errors import DomainError
from kam.people.models import User

router = Router(tags=["clients"])


class PersonRef(Schema):
    id: int
    name: str


class ClientRef(Schema):
    id: int
    name: str


def person_ref(user: User | None) -> dict | None:
    return {"id": user.pk, "name": str(user)} if user else None


# --- Resolving ids in bodies ------------------------------------------------------------------
NO_SUCH = {
    "client": gettext_lazy("There is no such client."),
    "person": gettext_lazy("There is no such person."),
    "contact": gettext_lazy("There is no such contact."),
}


def visible_client(viewer: User, pk: int, field: str) -> Client:
    client = queries.clients_visible_to(viewer).filter(pk=pk).first()
    if client is None:
        raise DomainError(NO_SUCH["client"], field=field)
    return client


def active_person(pk: int | None, field: str) -> User | None:
    if pk is None:
        return None
    person = User.objects.filter(pk=pk, is_active=True).first()
    if person is None:
        raise DomainError(NO_SUCH["person"], field=field)
    return person
