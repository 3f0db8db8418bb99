"""Reconciliation statements (biên bản đối chiếu công nợ): a client's ledger for a period written
down, sent to its accountant with a signed link that expires, and confirmed or disputed there
without signing in. A confirmed statement is frozen; a dispute lands on the KAM's agenda."""

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.clients.models import Client, Stakeholder
from kam.core.audit import created, record_event, snapshot
from kam.core.errors import DomainError, InvalidTransition, require
from kam.core.links import LinkRefused, link_token, new_nonce, record_from_link
from kam.core.money import format_money
from kam.people.models import User
from kam.receivables import queries
from kam.receivables.documents import file_name, statement_pdf
from kam.receivables.models import Statement, StatementLine
from kam.receivables.permissions import can_follow_up
from kam.receivables.services.common import next_number

VERB_LABELS = {
    "statement.made": gettext_lazy("made a reconciliation statement"),
    "statement.deleted": gettext_lazy("deleted a draft statement"),
    "statement.sent": gettext_lazy("sent a reconciliation statement"),
    "statement.confirmed": gettext_lazy("confirmed the statement (client)"),
    "statement.disputed": gettext_lazy("disputed the statement (client)"),
    "statement.dispute_settled": gettext_lazy("settled the statement's dispute"),
}

LINK_SALT = "kam.receivables.statement"
STATEMENT_SERIES = "BBDC"
FIGURES = ["period_start", "period_end", "opening_balance", "invoiced", "credited", "paid",
           "closing_balance"]  # fmt: skip


@transaction.atomic
def make_statement(*, by: User, client: Client, period_start: date, period_end: date) -> Statement:
    """Write down the client's ledger for the period: the balance before it, every invoice,
    credit note and payment dated in it, and the balance after."""
    require(can_follow_up(by, client))
    if period_start is None or period_end is None or period_end < period_start:
        raise DomainError(_("The end date is before the start date."), field="period_end")
    if period_end > timezone.localdate():
        raise DomainError(_("A statement covers days that have passed."), field="period_end")
    if (period_end - period_start).days > 366:
        raise DomainError(_("A statement covers at most a year."), field="period_start")
    entries = queries.ledger_of(client, period_start, period_end)
    opening = queries.client_balance(client, before=period_start)
    statement = Statement(
        client=client,
        period_start=period_start,
        period_end=period_end,
        opening_balance=opening,
        invoiced=sum(e.debit for e in entries if e.kind == "invoice"),
        credited=sum(e.credit for e in entries if e.kind == "credit"),
        paid=sum(e.credit for e in entries if e.kind == "payment"),
        created_by=by,
    )
    statement.closing_balance = opening + statement.invoiced - statement.credited - statement.paid
    year = period_end.year
    statement.number = f"{STATEMENT_SERIES}-{year}-{next_number(STATEMENT_SERIES, year):04d}"
    statement.recipient = queries.finance_contact_of(client)
    statement.save()
    StatementLine.objects.bulk_create(
        StatementLine(
            statement=statement,
            position=position,
            on=entry.on,
            kind=entry.kind,
            reference=entry.reference[:120],
            description=entry.description[:300],
            debit=entry.debit,
            credit=entry.credit,
        )
        for position, entry in enumerate(entries, start=1)
    )
    record_event(
        subject=statement,
        verb="statement.made",
        by=by,
        changes=created(snapshot(statement, FIGURES)),
    )
    return statement


@transaction.atomic
def delete_draft_statement(*, by: User, statement: Statement) -> None:
    statement = _locked(statement)
    require(can_follow_up(by, statement.client))
    if statement.status != Statement.Status.DRAFT:
        raise InvalidTransition(_("Only a draft statement can be deleted."))
    record_event(subject=statement, verb="statement.deleted", by=by)
    statement.delete()


@transaction.atomic
def send_statement(*, by: User, statement: Statement, recipient: Stakeholder | None = None):
    """Email the statement (PDF attached) to the client's accountant with a link to confirm or
    dispute it. Sending again makes a new link; the earlier one stops working."""
    statement = _locked(statement)
    require(can_follow_up(by, statement.client))
    if statement.status not in (Statement.Status.DRAFT, Statement.Status.SENT):
        raise InvalidTransition(_("The client has answered this statement already."))
    recipient = recipient or statement.recipient
    if recipient is None or recipient.client_id != statement.client_id:
        raise DomainError(_("Choose who at the client receives it."), field="recipient")
    if not recipient.email or not recipient.is_active:
        raise DomainError(
            _("%(name)s has no email address here.") % {"name": recipient.full_name},
            field="recipient",
        )
    statement.recipient = recipient
    statement.link_nonce = new_nonce()
    statement.sent_at = timezone.now()
    statement.link_expires_at = statement.sent_at + timedelta(days=settings.KAM_STATEMENT_LINK_DAYS)
    before = statement.status
    statement.status = Statement.Status.SENT
    statement.save()
    # Imported here: the job module imports these services. The email (with its PDF, about a
    # second to render) goes once the statement is committed as sent, never for a rollback.
    from kam.receivables.jobs import email_statement_job

    transaction.on_commit(lambda: email_statement_job(statement.pk))
    record_event(
        subject=statement,
        verb="statement.sent",
        by=by,
        changes={"status": [before, statement.status], "recipient": [None, str(recipient)]},
    )
    return statement


def statement_token(statement: Statement) -> str:
    return link_token(LINK_SALT, statement, statement.link_nonce)


def public_url(statement: Statement) -> str:
    path = reverse("receivables:statement_public", kwargs={"token": statement_token(statement)})
    return settings.KAM_BASE_URL.rstrip("/") + path


def email_statement(statement_id: int) -> bool:
    """Email a sent statement to its recipient, its PDF attached and the link of its latest
    sending; a statement answered meanwhile is not sent again."""
    statement = (
        Statement.objects.select_related("client", "recipient")
        .filter(pk=statement_id, status=Statement.Status.SENT)
        .first()
    )
    if statement is None or statement.recipient is None:
        return False
    with translation.override(settings.KAM_DUNNING_LANGUAGE):
        message = EmailMessage(
            subject=_("Reconciliation statement %(number)s — %(company)s")
            % {"number": statement.number, "company": settings.KAM_COMPANY_NAME},
            body=_(
                "Dear %(name)s,\n\nPlease find attached our reconciliation statement %(number)s "
                "for %(start)s - %(end)s. Closing balance: %(balance)s.\n\nConfirm it or tell us "
                "what differs, without signing in, here (valid until %(until)s):\n%(link)s\n\n"
                "Kind regards,\n%(company)s"
            )
            % {
                "name": statement.recipient.full_name,
                "number": statement.number,
                "start": statement.period_start.strftime("%d/%m/%Y"),
                "end": statement.period_end.strftime("%d/%m/%Y"),
                "balance": format_money(statement.closing_balance),
                "until": timezone.localtime(statement.link_expires_at).strftime("%d/%m/%Y"),
                "link": public_url(statement),
                "company": settings.KAM_COMPANY_NAME,
            },
            to=[statement.recipient.email],
        )
        message.attach(file_name(statement, "pdf"), statement_pdf(statement), "application/pdf")
    message.send()
    return True


def statement_from_link(token: str, *, locked: bool = False) -> Statement:
    """The statement a link points at, if the link is still good (kam.core.links); `locked`
    (in a transaction) checks the link against the row as locked, so a sending again that
    commits in between cannot let the old link answer."""
    statements = Statement.objects.select_related("client", "recipient")
    if locked:
        statements = statements.select_for_update(of=("self",))
    return record_from_link(LINK_SALT, token, statements)


@transaction.atomic
def answer_statement(*, token: str, agrees: bool, name: str, comment: str = "") -> Statement:
    """The client's accountant confirms the statement or disputes it with what differs. Once
    answered the link only shows the answer."""
    statement = statement_from_link(token, locked=True)
    if statement.status != Statement.Status.SENT:
        raise LinkRefused(_("This statement is answered already."))
    name, comment = (name or "").strip(), (comment or "").strip()
    if not name:
        raise DomainError(_("Give your name."), field="name")
    if not agrees and not comment:
        raise DomainError(_("Say what differs from your books."), field="comment")
    statement.status = Statement.Status.CONFIRMED if agrees else Statement.Status.DISPUTED
    statement.answered_at = timezone.now()
    statement.answered_by_name = name[:150]
    statement.client_comment = comment[:4000]
    statement.save()
    record_event(
        subject=statement,
        verb="statement.confirmed" if agrees else "statement.disputed",
        by=None,
        changes={
            "status": [Statement.Status.SENT, statement.status],
            "answered_by_name": ["", statement.answered_by_name],
            "client_comment": ["", statement.client_comment],
        },
    )
    return statement


@transaction.atomic
def settle_statement_dispute(*, by: User, statement: Statement) -> Statement:
    """The difference is cleared up with the client (a new statement follows if needed): the
    dispute leaves the agenda and reminders resume."""
    statement = _locked(statement)
    require(can_follow_up(by, statement.client))
    if statement.status != Statement.Status.DISPUTED or statement.dispute_resolved_at:
        raise InvalidTransition(_("This statement has no open dispute."))
    statement.dispute_resolved_at = timezone.now()
    statement.save(update_fields=["dispute_resolved_at"])
    record_event(
        subject=statement,
        verb="statement.dispute_settled",
        by=by,
        changes={"dispute_resolved_at": [None, str(statement.dispute_resolved_at)]},
    )
    return statement


def _locked(statement: Statement) -> Statement:
    return (
        Statement.objects.select_for_update(of=("self",))
        .select_related("client", "recipient")
        .get(pk=statement.pk)
    )
