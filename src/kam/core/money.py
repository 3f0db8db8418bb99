"""Money is a Decimal with a currency. Rounding and formatting happen here and nowhere else."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from babel.numbers import format_currency, get_currency_precision
from django.conf import settings
from django.utils.translation import gettext as _

from kam.core.errors import DomainError

# Babel's Vietnamese pattern writes "1.234.567 ₫"; the separators are then mapped to the
# configured pair, since some issuers register "," for thousands.
_BABEL_THOUSANDS, _BABEL_DECIMALS = ".", ","


def round_for(currency: str, amount: Decimal | int | str) -> Decimal:
    """Round half up to the currency's minor unit (VND has none: whole dong)."""
    exponent = Decimal(1).scaleb(-get_currency_precision(currency))
    return Decimal(amount).quantize(exponent, rounding=ROUND_HALF_UP)


def before_vat(amount: Decimal, subtotal: Decimal, total: Decimal) -> Decimal:
    """The part of `amount` in VND (paid against a document of that subtotal and total) that is
    not VAT, to the dong: revenue collected is counted before VAT, like revenue invoiced."""
    if not total:
        return Decimal(0)
    return round_for("VND", Decimal(amount) * Decimal(subtotal) / Decimal(total))


def format_money(amount: Decimal | int | str | None, currency: str = "") -> str:
    """`1.234.567 ₫`, with the separators set by KAM_MONEY_SEPARATORS."""
    if amount is None or amount == "":
        return ""
    currency = currency or settings.KAM_CURRENCY
    value = round_for(currency, amount)
    shape = _whole_shape(currency)
    if shape and value == value.to_integral_value():
        prefix, suffix = shape[value < 0]
        text = prefix + f"{abs(int(value)):,}".replace(",", _BABEL_THOUSANDS) + suffix
    else:
        text = format_currency(value, currency, locale="vi_VN")
    wanted = (settings.KAM_THOUSAND_SEPARATOR, settings.KAM_DECIMAL_SEPARATOR)
    if wanted != (_BABEL_THOUSANDS, _BABEL_DECIMALS):
        text = text.translate(
            str.maketrans({_BABEL_THOUSANDS: wanted[0], _BABEL_DECIMALS: wanted[1]})
        )
    return text.replace("\xa0", " ")


_PROBE = 1234567


@cache
def _whole_shape(currency: str) -> tuple[tuple[str, str], tuple[str, str]] | None:
    """What Babel writes around the digits of a whole amount of a currency without a minor
    unit (VND), positive and negative: ("", "\xa0₫") and ("-", "\xa0₫"). A page of money
    formats hundreds of amounts, and Babel's pattern took 150 µs for each; the digits grouped
    by three are all that changes. None for a currency with cents, or a shape not understood
    (then every amount goes through Babel)."""
    if get_currency_precision(currency) != 0:
        return None
    digits = f"{_PROBE:,}".replace(",", _BABEL_THOUSANDS)
    shapes = []
    for probe in (_PROBE, -_PROBE):
        text = format_currency(Decimal(probe), currency, locale="vi_VN")
        if text.count(digits) != 1:
            return None
        prefix, suffix = text.split(digits)
        shapes.append((prefix, suffix))
    return shapes[0], shapes[1]


def whole_amount(value, field: str, *, allow_zero: bool = False) -> Decimal:
    """A money amount in whole dong (VND has no minor unit): a fraction is refused, not rounded
    away, since the user meant something else."""
    try:
        amount = Decimal(str(value).strip()) if value is not None else Decimal("NaN")
    except (InvalidOperation, ValueError):
        raise DomainError(_("Give an amount in whole dong."), field=field) from None
    if not amount.is_finite():
        raise DomainError(_("Give an amount in whole dong."), field=field)
    # Before rounding: quantizing a number of hundreds of digits fails.
    if abs(amount) >= Decimal(10) ** 15:
        raise DomainError(_("This amount is too large."), field=field)
    if amount != round_for(settings.KAM_CURRENCY, amount):
        raise DomainError(_("Give an amount in whole dong."), field=field)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise DomainError(_("The amount must be above 0."), field=field)
    return amount
