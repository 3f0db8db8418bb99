"""A proposal version as files for people outside kam: its estimate as a workbook (agencies live
in Excel) and a printable summary as a PDF, Vietnamese diacritics intact. Both are built for a
version the caller may already see with its money (queries.get_version_for)."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kam.core.spreadsheets import (
    PERCENT_NUMBER_FORMAT,
    Styled,
    bold,
    sheet_xlsx,
)
from kam.people.models import User
from kam.pitching import queries
from kam.pitching.estimate import Totals
from kam.pitching.models import ProposalVersion

# Kind, department, vendor / KOL, description, quantity, unit cost, cost, unit price, price.
ESTIMATE_COLUMN_WIDTHS = (18, 18, 24, 48, 10, 16, 18, 22, 20)
# The totals sit under the last column, labelled in the one before it.
TOTALS_LABEL_COLUMN = len(ESTIMATE_COLUMN_WIDTHS) - 2


def version_date(version: ProposalVersion):
    """The day a version speaks for: the day it was sent, or, for one still being written,
    today (it may change tomorrow)."""
    return timezone.localdate(version.sent_at) if version.sent_at else timezone.localdate()


def file_name(version: ProposalVersion, kind: str, extension: str) -> str:
    """A download's name, in Vietnamese as the proposal is titled: "Tết 2026 - v2 - dự toán"."""
    title = " ".join(version.proposal.title.split())[:80]
    return f"{title} - v{version.number} - {kind}.{extension}"


# --- The estimate as a workbook -------------------------------------------------------------
def estimate_xlsx(version: ProposalVersion) -> bytes:
    """The version's estimate: who it is for, its lines with their amounts as numbers, and the
    totals exactly as kam computes them (queries.totals_of), in the reader's language."""
    lines = list(queries.lines_of(version))
    totals = queries.totals_of(version)
    rows = [
        *_heading_rows(version),
        [],
        bold(
            [
                _("Kind"),
                _("Department"),
                _("Vendor / KOL"),
                _("Description"),
                _("Quantity"),
                _("Unit cost (VND)"),
                _("Cost (VND)"),
                _("Client unit price (VND)"),
                _("Client price (VND)"),
            ]
        ),
        *(
            [
                capfirst(line.get_kind_display()),
                line.department.display_name if line.department else "",
                line.supplier,
                line.description,
                line.quantity,
                line.unit_cost_amount,
                line.cost_amount,
                line.unit_price_amount,
                line.price_amount,
            ]
            for line in lines
        ),
        [],
        *_totals_rows(totals),
    ]
    return sheet_xlsx(rows, title=_("Estimate"), column_widths=ESTIMATE_COLUMN_WIDTHS)


def _heading_rows(version: ProposalVersion) -> list[list]:
    proposal = version.proposal
    return [
        bold([_("Budget estimate")]),
        [_("Client"), proposal.brief.client.legal_name],
        [_("Proposal"), proposal.title],
        [
            _("Version"),
            _("%(number)s — %(status)s")
            % {"number": version.number, "status": version.get_status_display()},
        ],
        [_("Date"), version_date(version)],
    ]


def _totals_rows(totals: Totals) -> list[list]:
    percent = PERCENT_NUMBER_FORMAT
    labelled = [
        (_("Total cost"), totals.cost),
        (_("Total client price"), totals.price),
        (_("Agency fee (%)"), Styled(totals.fee_percent, percent)),
        (_("Agency fee"), totals.fee),
        (_("Revenue"), totals.revenue),
        (_("Margin"), totals.margin),
        (_("Margin (%)"), Styled(totals.margin_percent, percent)),
        (_("VAT (%)"), Styled(totals.vat_percent, percent)),
        (_("VAT"), totals.vat),
    ]
    rows = [[*[""] * TOTALS_LABEL_COLUMN, label, value] for label, value in labelled]
    rows.append([*[""] * TOTALS_LABEL_COLUMN, *bold([_("Total with VAT"), totals.total])])
    return rows


# --- The printable summary ------------------------------------------------------------------
def summary_pdf(version: ProposalVersion, *, printed_by: User | None = None) -> bytes:
    """One version of a proposal on paper: the client and the brief, the ideas chosen with their
    review scores, the narrative, the estimate with its margin, and every version with the
    client's feedback, rendered by WeasyPrint from pitching/print/version_summary.html."""
    # Imported here: WeasyPrint takes a while to load and parses its own stylesheets as it does,
    # which no process but one printing a summary should pay for.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(
        "pitching/print/version_summary.html", summary_context(version, printed_by=printed_by)
    )
    # The summary needs nothing from outside (its CSS is in the page, its fonts on the
    # machine): a URL that slipped into the data is never fetched.
    fetcher = URLFetcher(allowed_protocols={"data"}, timeout=1)
    return HTML(string=html, url_fetcher=fetcher).write_pdf()


def summary_context(version: ProposalVersion, *, printed_by: User | None = None) -> dict:
    """What the summary shows, read in a fixed number of queries."""
    proposal = version.proposal
    lines = list(queries.lines_of(version))
    history = queries.version_history(proposal)
    return {
        "version": version,
        "proposal": proposal,
        "brief": proposal.brief,
        "client": proposal.brief.client,
        "ideas": list(queries.chosen_ideas(version)),
        "lines": lines,
        "totals": queries.totals_of(version),
        "history": history,
        "approved_version": next(
            (past for past, _totals in history if past.pk == proposal.approved_version_id), None
        ),
        "pitches": list(queries.pitches_of(proposal)),
        "version_date": version_date(version),
        "printed_at": timezone.localtime(),
        "printed_by": printed_by,
    }
