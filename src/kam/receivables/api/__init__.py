"""API of the receivables app: invoices (drafted, from a milestone, issued, disputed), credit
notes, payments with their Idempotency-Key and allocations, reconciliation statements, the
receivables ageing report and promises to pay; one module each, all adding their endpoints to
one router."""

from kam.receivables.api import (  # noqa: F401 - each module adds its endpoints to the router
    credit_notes,
    invoices,
    payments,
    promises,
    reports,
    statements,
)
from kam.receivables.api.common import router

__all__ = ["router"]
