"""The arithmetic of an estimate: line amounts, fee, margin, VAT and the diff between versions."""

from decimal import Decimal

from kam.pitching.estimate import Totals, diff_lines, line_amounts


def test_a_lines_amounts_are_quantity_times_unit_rounded_to_whole_dong():
    cost, price = line_amounts(Decimal("2.5"), Decimal("1000001"), Decimal("1333333"))
    assert (cost, price) == (Decimal(2500003), Decimal(3333333))  # 2,500,002.5 rounds half up


def test_revenue_is_the_client_price_plus_the_agency_fee():
    totals = Totals(
        cost=Decimal(1_400_000_000),
        price=Decimal(1_700_000_000),
        fee_percent=Decimal(10),
        vat_percent=Decimal(8),
    )
    assert totals.fee == Decimal(170_000_000)
    assert totals.revenue == Decimal(1_870_000_000)
    assert totals.margin == Decimal(470_000_000)
    assert totals.margin_percent == Decimal("25.1")
    assert totals.vat == Decimal(149_600_000)
    assert totals.total == Decimal(2_019_600_000)


def test_vat_is_not_part_of_the_margin():
    with_vat = Totals(Decimal(78), Decimal(100), Decimal(0), Decimal(10))
    without = Totals(Decimal(78), Decimal(100), Decimal(0), Decimal(0))
    assert with_vat.margin == without.margin == Decimal(22)
    assert with_vat.margin_percent == Decimal("22.0")


def test_a_fee_of_a_fraction_of_a_dong_rounds_half_up():
    totals = Totals(Decimal(0), Decimal(5), Decimal(10), Decimal(0))
    assert totals.fee == Decimal(1)  # 0.5 dong


def test_a_margin_under_the_floor_or_with_no_revenue_is_under_it():
    assert Totals(Decimal(81), Decimal(100), Decimal(0), Decimal(0)).is_under(Decimal(20))
    assert not Totals(Decimal(80), Decimal(100), Decimal(0), Decimal(0)).is_under(Decimal(20))
    empty = Totals(Decimal(0), Decimal(0), Decimal(0), Decimal(0))
    assert empty.margin_percent is None
    assert empty.is_under(Decimal(0))


def test_a_loss_has_a_negative_margin():
    totals = Totals(Decimal(120), Decimal(100), Decimal(0), Decimal(0))
    assert totals.margin == Decimal(-20)
    assert totals.margin_percent == Decimal("-20.0")


def _line(description, price, *, quantity=1, supplier="", kind="production"):
    return {
        "kind": kind,
        "department_id": None,
        "supplier": supplier,
        "description": description,
        "quantity": Decimal(quantity),
        "unit_cost": Decimal(price) - 10,
        "unit_price": Decimal(price),
        "cost": (Decimal(price) - 10) * quantity,
        "price": Decimal(price) * quantity,
    }


def test_the_diff_names_lines_added_removed_and_changed():
    before = [_line("TVC", 100), _line("Social", 50), _line("Event", 70)]
    after = [_line("TVC", 100, quantity=2), _line("Social", 50), _line("KOL", 30, kind="kol")]
    changes = {change.description: change for change in diff_lines(before, after)}
    assert set(changes) == {"TVC", "KOL", "Event"}
    assert changes["TVC"].change == "changed"
    assert changes["TVC"].price_delta == Decimal(100)
    assert changes["KOL"].change == "added"
    assert changes["Event"].change == "removed"
    assert changes["Event"].price_delta == Decimal(-70)


def test_the_same_line_from_another_supplier_is_a_different_line():
    before = [_line("KOL post", 30, supplier="Châu Bùi", kind="kol")]
    after = [_line("KOL post", 30, supplier="Quang Đại", kind="kol")]
    assert [change.change for change in diff_lines(before, after)] == ["added", "removed"]


def test_unchanged_versions_have_no_diff():
    lines = [_line("TVC", 100), _line("TVC", 100)]
    assert diff_lines(lines, [dict(line) for line in lines]) == []
