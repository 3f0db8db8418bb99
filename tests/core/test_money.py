from decimal import Decimal

import pytest
from babel.numbers import format_currency
from django.template import Context, Template
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from kam.core.money import format_money, round_for


@pytest.mark.parametrize(
    "amount,expected",
    [
        (1234567, "1.234.567 ₫"),
        (Decimal("2000000000"), "2.000.000.000 ₫"),
        (0, "0 ₫"),
        (-1500, "-1.500 ₫"),
    ],
)
def test_vnd_is_written_the_vietnamese_way(amount, expected):
    assert format_money(amount) == expected


def test_vnd_rounds_half_up_to_whole_dong():
    assert round_for("VND", Decimal("1234.5")) == Decimal("1235")
    assert round_for("VND", Decimal("1234.49")) == Decimal("1234")


def test_currencies_with_cents_keep_two_places():
    assert round_for("USD", Decimal("10.005")) == Decimal("10.01")


@override_settings(KAM_THOUSAND_SEPARATOR=",", KAM_DECIMAL_SEPARATOR=".")
def test_the_separators_are_a_setting():
    assert format_money(1234567) == "1,234,567 ₫"


def test_templates_format_money_with_the_money_filter():
    rendered = Template("{% load kam %}{{ amount|money }}").render(
        Context({"amount": Decimal("1234567")})
    )
    assert rendered == "1.234.567 ₫"


def test_nothing_to_format_stays_empty():
    assert format_money(None) == ""


@given(amount=st.integers(min_value=-(10**15), max_value=10**15))
def test_whole_dong_reads_exactly_as_babel_writes_it(amount):
    # VND amounts skip Babel's pattern (kam.core.money._whole_shape); the text must not change.
    babel = format_currency(Decimal(amount), "VND", locale="vi_VN").replace("\xa0", " ")
    assert format_money(amount) == babel


def test_a_currency_with_cents_still_goes_through_babel():
    assert format_money(Decimal("-1234.5"), "USD") == "-1.234,50 US$"
