"""Who sees a client's receivables and who may change them. Finance keeps the books: it issues
invoices and credit notes, records and allocates payments. The KAM side of the client (its
owner, the KAMs on its account team, their Director) and admins see the client's invoices and
payments, draft invoices from milestones, send statements, record promises and collection calls
and mark what the client disputes. Sales, Planners and department members see none of it."""

from kam.clients.models import Client
from kam.clients.permissions import can_change_client
from kam.clients.queries import clients_visible_to
from kam.core import access
from kam.people.models import User


def sees_receivables(user: User) -> bool:
    return access.is_signed_in(user) and (
        user.is_kam or user.is_director or user.is_finance or user.is_superuser
    )


def sees_receivables_of(user: User, client: Client) -> bool:
    return sees_receivables(user) and clients_visible_to(user).filter(pk=client.pk).exists()


def keeps_the_books(user: User) -> bool:
    """Issuing, cancelling and crediting invoices, recording and allocating payments."""
    return access.is_finance(user) or access.is_admin(user)


def can_follow_up(user: User, client: Client) -> bool:
    """Drafting invoices, statements, promises, disputes: Finance and the client's KAM side."""
    return keeps_the_books(user) or (sees_receivables(user) and can_change_client(user, client))
