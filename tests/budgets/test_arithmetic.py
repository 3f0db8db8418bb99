"""The budget's arithmetic, checked on any amounts: totals are the exact sum of their lines, a
forecast never promises less than what is spent, margins and shares add up."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kam.budgets.arithmetic import (
    LineFigures,
    add_up,
    crossed_thresholds,
    margins,
    percent_of,
    share_of,
)

dong = st.integers(min_value=0, max_value=10**13).map(Decimal)
line = st.builds(LineFigures, budget=dong, committed=dong, actual=dong, planned=st.booleans())


@given(st.lists(line, max_size=30))
def test_each_total_is_the_exact_sum_of_its_lines(lines):
    total = add_up(lines)
    assert total.budget == sum((row.budget for row in lines), Decimal(0))
    assert total.committed == sum((row.committed for row in lines), Decimal(0))
    assert total.actual == sum((row.actual for row in lines), Decimal(0))
    assert total.remaining == sum((row.remaining for row in lines), Decimal(0))


@given(line)
def test_a_forecast_is_never_below_what_is_used(row):
    assert row.forecast >= row.used
    assert row.forecast == (max(row.budget, row.used) if row.planned else row.used)


@given(dong, dong)
def test_an_unplanned_line_forecasts_what_it_used(committed, actual):
    row = LineFigures(Decimal(0), committed, actual, planned=False)
    assert row.forecast == committed + actual
    assert row.used_percent is None


def test_a_line_under_its_budget_forecasts_its_budget():
    row = LineFigures(Decimal(100), Decimal(30), Decimal(20))
    assert (row.used, row.remaining, row.forecast, row.used_percent) == (
        Decimal(50),
        Decimal(50),
        Decimal(100),
        Decimal("50.0"),
    )


@given(st.integers(1, 10**12).map(Decimal), dong)
def test_thresholds_cross_exactly_at_their_share(budget, used):
    row = LineFigures(budget, Decimal(0), used)
    crossed = crossed_thresholds(row, [80, 100])
    assert (80 in crossed) == (used * 100 >= budget * 80)
    assert (100 in crossed) == (used >= budget)


def test_no_threshold_without_a_budget():
    assert crossed_thresholds(LineFigures(Decimal(0), Decimal(5), Decimal(5)), [80]) == []


@given(dong, st.integers(0, 100).map(Decimal), dong, dong)
def test_margins_are_revenue_less_cost(price, fee, planned, forecast):
    result = margins(price=price, fee_percent=fee, planned_cost=planned, forecast_cost=forecast)
    assert result.revenue >= price
    assert result.planned == result.revenue - planned
    assert result.forecast == result.revenue - forecast
    if result.revenue:
        assert result.forecast_percent == percent_of(result.forecast, result.revenue)
    else:
        assert result.is_under(Decimal(0))


def test_a_margin_exactly_at_the_floor_is_not_under_it():
    result = margins(
        price=Decimal(100),
        fee_percent=Decimal(0),
        planned_cost=Decimal(80),
        forecast_cost=Decimal(80),
    )
    assert result.forecast_percent == Decimal("20.0")
    assert not result.is_under(Decimal(20))
    assert result.is_under(Decimal("20.1"))


@given(dong, st.integers(1, 50))
def test_shares_add_up_to_the_whole_and_differ_by_the_remainder(total, parts):
    shares = [share_of(total, parts, index) for index in range(parts)]
    assert sum(shares, Decimal(0)) == total
    assert all(share == share.to_integral_value() for share in shares)
    assert max(shares) - min(shares) < parts


def test_a_line_taking_work_out_saves_what_it_plans():
    row = LineFigures(Decimal(-100), Decimal(0), Decimal(0))
    assert (row.forecast, row.remaining, row.used_percent) == (Decimal(-100), Decimal(-100), None)
