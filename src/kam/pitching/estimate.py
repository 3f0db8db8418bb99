"""The arithmetic of a budget estimate, in one place: a line's amounts, a version's totals and
margin, and what changed between two versions' lines. Money is Decimal, rounded to the currency
once per amount (core.money), so every total is exactly the sum of what it adds up."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from kam.core.money import round_for

HUNDRED = Decimal(100)


def line_amounts(quantity: Decimal, unit_cost: Decimal, unit_price: Decimal) -> tuple:
    """A line's cost to the agency and price to the client: quantity times unit, rounded."""
    currency = settings.KAM_CURRENCY
    return round_for(currency, quantity * unit_cost), round_for(currency, quantity * unit_price)


@dataclass(frozen=True)
class Totals:
    """A version's estimate summed up.

    revenue = the client's price of the lines + the agency fee (a percentage of that price);
    margin = revenue minus the agency's cost; VAT is charged on revenue and is not the agency's."""

    cost: Decimal
    price: Decimal
    fee_percent: Decimal
    vat_percent: Decimal

    @property
    def fee(self) -> Decimal:
        return round_for(settings.KAM_CURRENCY, self.price * self.fee_percent / HUNDRED)

    @property
    def revenue(self) -> Decimal:
        return self.price + self.fee

    @property
    def margin(self) -> Decimal:
        return self.revenue - self.cost

    @property
    def margin_percent(self) -> Decimal | None:
        """The margin as a share of revenue, to one decimal; None while there is no revenue."""
        if not self.revenue:
            return None
        return (self.margin * HUNDRED / self.revenue).quantize(Decimal("0.1"))

    @property
    def vat(self) -> Decimal:
        return round_for(settings.KAM_CURRENCY, self.revenue * self.vat_percent / HUNDRED)

    @property
    def total(self) -> Decimal:
        return self.revenue + self.vat

    def is_under(self, floor_percent: Decimal) -> bool:
        """Below the floor, or with no revenue to have a margin at all."""
        return self.margin_percent is None or self.margin_percent < floor_percent


@dataclass(frozen=True)
class LineChange:
    """One line of the diff between a version and the one before it."""

    change: str  # "added", "removed" or "changed"
    description: str
    before: dict | None
    after: dict | None

    @property
    def price_delta(self) -> Decimal:
        return (self.after or {}).get("price", Decimal(0)) - (self.before or {}).get(
            "price", Decimal(0)
        )


def _key(line: dict) -> tuple:
    """Lines are the same line across versions when they are for the same thing from the same
    source; within a version, repeats are told apart by their order."""
    return (
        line["kind"],
        line["department_id"],
        line["supplier"].casefold(),
        line["description"].casefold(),
    )


COMPARED = ("quantity", "unit_cost", "unit_price", "cost", "price")


def diff_lines(before: list[dict], after: list[dict]) -> list[LineChange]:
    """What a revision added, removed and changed, line by line, in the new version's order."""
    earlier: dict[tuple, list[dict]] = {}
    for line in before:
        earlier.setdefault(_key(line), []).append(line)
    changes = []
    for line in after:
        matches = earlier.get(_key(line))
        old = matches.pop(0) if matches else None
        if old is None:
            changes.append(LineChange("added", line["description"], None, line))
        elif any(old[name] != line[name] for name in COMPARED):
            changes.append(LineChange("changed", line["description"], old, line))
    changes += [
        LineChange("removed", line["description"], line, None)
        for remaining in earlier.values()
        for line in remaining
    ]
    return changes
