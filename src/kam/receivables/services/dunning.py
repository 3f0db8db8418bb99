"""Dunning: reminders for open invoices at the steps of the schedule (days from the due date,
KAM_DUNNING_STEPS), each step once per invoice, to the client's accountant, in the language
set for clients. Reminders pause while the invoice or the client's statement is disputed and
while a promise to pay has not fallen due."""

from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kam.core.audit import record_event
from kam.receivables import queries
from kam.receivables.models import DunningNotice, Invoice


def send_due_reminders(today: date | None = None) -> int:
    """Send every reminder that is due and not sent yet; returns how many went out. Each is
    claimed by inserting its (invoice, step) row, unique, in the transaction that sends it: a
    second run, or a second worker at the same moment, finds the row and sends nothing."""
    today = today or timezone.localdate()
    sent = 0
    for invoice, step in queries.reminders_due(today):
        sent += _send_reminder(invoice, step, today)
    return sent


def _send_reminder(invoice: Invoice, step: int, today: date) -> int:
    recipient = queries.finance_contact_of(invoice.client)
    if recipient is None:
        return 0  # nobody to write to: the KAM sees the invoice overdue on their agenda
    try:
        with transaction.atomic():
            with translation.override(settings.KAM_DUNNING_LANGUAGE):
                subject, body = _reminder_text(invoice, step, today, recipient)
            notice = DunningNotice.objects.create(
                invoice=invoice,
                step_days=step,
                sent_to=recipient.email,
                language=settings.KAM_DUNNING_LANGUAGE,
                subject=subject[:300],
            )
            owner = invoice.client.owner
            EmailMessage(
                subject=subject,
                body=body,
                to=[recipient.email],
                cc=[owner.email] if owner.email and owner.is_active else [],
            ).send()
            record_event(
                subject=invoice,
                verb="invoice.reminded",
                by=None,
                changes={"step_days": [None, step], "sent_to": [None, notice.sent_to]},
            )
    except IntegrityError:
        return 0  # another run sent this step first
    return 1


def _reminder_text(invoice: Invoice, step: int, today: date, recipient) -> tuple[str, str]:
    context = {
        "recipient": recipient,
        "invoice": invoice,
        "client": invoice.client,
        "open_amount": invoice.total_vnd - invoice.settled_amount,
        "days_overdue": (today - invoice.due_on).days,
        "days_to_due": (invoice.due_on - today).days,
        "before_due": step < 0,
        "company": settings.KAM_COMPANY_NAME,
    }
    if step < 0:
        subject = _("Invoice %(invoice)s falls due on %(day)s")
    else:
        subject = _("Reminder: invoice %(invoice)s is overdue since %(day)s")
    subject %= {"invoice": invoice, "day": invoice.due_on.strftime("%d/%m/%Y")}
    return subject, render_to_string("receivables/email/reminder.txt", context)
