"""The caller's agenda (Today): what waits for them across the apps (hand-overs to accept, next
steps due, late tasks, invoices to chase, low survey scores, clients at risk, renewals…), most
urgent first: late items, then what is due now, this week, later; the larger sum first among
equals. The same list the Today page shows."""

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema

from kam.core.agenda import AgendaItem, agenda_for
from kam.core.api import ERRORS
from kam.insights.api.common import dong, router


class AgendaItemOut(Schema):
    title: str
    url: str = Field(description="the page where it is done")
    action: str = Field(description="what to do")
    due_on: date | None = Field(description="null: as soon as possible")
    late: bool = Field(description="past its due date")
    detail: str
    value: int | None = Field(description="the amount at stake, whole dong")
    urgency: int = Field(description="its rank's points: late 100+, now 80, this week 50, …")
    done_url: str = Field(description="posted to mark it done from the agenda; empty if none")
    done_label: str
    needs_note: bool = Field(description="marking it done asks for a `note`")


def _item(item: AgendaItem, today: date) -> dict:
    return {
        "title": item.title,
        "url": item.url,
        "action": item.action,
        "due_on": item.due_on,
        "late": item.due_on is not None and item.due_on < today,
        "detail": item.detail,
        "value": dong(item.value),
        "urgency": round(item.urgency(today)),
        "done_url": item.done_url,
        "done_label": item.done_label,
        "needs_note": item.needs_note,
    }


@router.get(
    "/agenda",
    response={200: list[AgendaItemOut], **ERRORS},
    summary="What waits for the caller today, most urgent first",
)
def get_agenda(request: HttpRequest):
    today = timezone.localdate()
    return [_item(item, today) for item in agenda_for(request.user)]
