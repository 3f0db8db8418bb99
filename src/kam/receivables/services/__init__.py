"""Every state change of receivables: one function per use case, each checking access and the
rules, in one transaction, with its audit event."""

from kam.receivables.services import collections, invoices, payments, statements, vat
from kam.receivables.services.collections import log_collection_call, record_promise
from kam.receivables.services.dunning import send_due_reminders
from kam.receivables.services.invoices import (
    LineInput,
    cancel_invoice,
    change_draft_invoice,
    credit_invoice,
    delete_draft_invoice,
    draft_invoice,
    draft_invoice_for_milestone,
    issue_invoice,
    mark_invoice_disputed,
    replace_invoice,
    settle_invoice_dispute,
)
from kam.receivables.services.payments import (
    IdempotencyConflict,
    allocate_oldest_first,
    allocate_payment,
    record_payment,
    remove_allocation,
)
from kam.receivables.services.statements import (
    LinkRefused,
    answer_statement,
    delete_draft_statement,
    email_statement,
    make_statement,
    public_url,
    send_statement,
    settle_statement_dispute,
    statement_from_link,
)
from kam.receivables.services.vat import add_vat_rate, end_vat_rate

VERB_LABELS = {
    **invoices.VERB_LABELS,
    **payments.VERB_LABELS,
    **statements.VERB_LABELS,
    **collections.VERB_LABELS,
    **vat.VERB_LABELS,
}

__all__ = [
    "VERB_LABELS",
    "IdempotencyConflict",
    "LineInput",
    "LinkRefused",
    "add_vat_rate",
    "allocate_oldest_first",
    "allocate_payment",
    "answer_statement",
    "cancel_invoice",
    "change_draft_invoice",
    "credit_invoice",
    "delete_draft_invoice",
    "delete_draft_statement",
    "draft_invoice",
    "draft_invoice_for_milestone",
    "email_statement",
    "end_vat_rate",
    "issue_invoice",
    "log_collection_call",
    "make_statement",
    "mark_invoice_disputed",
    "public_url",
    "record_payment",
    "record_promise",
    "remove_allocation",
    "replace_invoice",
    "send_due_reminders",
    "send_statement",
    "settle_invoice_dispute",
    "settle_statement_dispute",
    "statement_from_link",
]
