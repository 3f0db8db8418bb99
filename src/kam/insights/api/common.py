"""What the insights API's modules share: the router and the shape of money.

Money: amounts in VND (targets, revenue, commission, an agenda item's value) are whole dong as
JSON integers, as in the receivables API. A target's amount may also be sent as a string of
digits ("1500000000"), for clients that write decimals as text; never a fraction. Dates are
ISO 8601 (YYYY-MM-DD).

What the caller does not see (another team's target, a client off their account team) answers
404, as a record that does not exist; lists are empty for those who see nothing."""

from decimal import Decimal
from typing import Annotated

from ninja import Field, Router
from pydantic import Strict

from kam.core.money import round_for

router = Router(tags=["insights"])

# The services refuse 10^15 dong and more (kam.core.money.whole_amount).
MAX_DONG = 10**15

# A target in whole dong, 0 allowed: a JSON integer or a string of digits (no "1.5", no 1.5).
TargetAmount = (
    Annotated[int, Strict(), Field(ge=0, lt=MAX_DONG)]
    | Annotated[str, Field(pattern=r"^[0-9]{1,15}$", description="whole dong written as digits")]
)


def dong(amount: Decimal | int | None) -> int | None:
    """Whole dong for a JSON integer, rounded as money is everywhere (kam.core.money)."""
    return None if amount is None else int(round_for("VND", amount))
