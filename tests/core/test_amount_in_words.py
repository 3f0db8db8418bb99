"""Amounts in words as Vietnamese invoices write them ("Số tiền viết bằng chữ"): the readings of
each digit's place, the groups of thousands, and, for any amount, words that read back to it."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kam.core.vietnam import amount_in_words

# Below 10^18: every amount an 18-digit money field holds.
LARGEST = 10**18 - 1


@pytest.mark.parametrize(
    "amount,words",
    [
        (0, "Không đồng"),
        (1, "Một đồng"),
        (4, "Bốn đồng"),
        (5, "Năm đồng"),
        (10, "Mười đồng"),
        (11, "Mười một đồng"),
        (14, "Mười bốn đồng"),
        (15, "Mười lăm đồng"),
        (20, "Hai mươi đồng"),
        (21, "Hai mươi mốt đồng"),
        (24, "Hai mươi bốn đồng"),
        (25, "Hai mươi lăm đồng"),
        (55, "Năm mươi lăm đồng"),
        (91, "Chín mươi mốt đồng"),
        (100, "Một trăm đồng"),
        (101, "Một trăm linh một đồng"),
        (105, "Một trăm linh năm đồng"),
        (110, "Một trăm mười đồng"),
        (115, "Một trăm mười lăm đồng"),
        (121, "Một trăm hai mươi mốt đồng"),
        (999, "Chín trăm chín mươi chín đồng"),
        (1_000, "Một nghìn đồng"),
        (1_001, "Một nghìn không trăm linh một đồng"),
        (1_010, "Một nghìn không trăm mười đồng"),
        (1_100, "Một nghìn một trăm đồng"),
        (5_000, "Năm nghìn đồng"),
        (10_000, "Mười nghìn đồng"),
        (15_000, "Mười lăm nghìn đồng"),
        (21_000, "Hai mươi mốt nghìn đồng"),
        (105_000, "Một trăm linh năm nghìn đồng"),
        (250_500, "Hai trăm năm mươi nghìn năm trăm đồng"),
        (1_000_000, "Một triệu đồng"),
        (1_000_005, "Một triệu không trăm linh năm đồng"),
        (1_050_000, "Một triệu không trăm năm mươi nghìn đồng"),
        (12_345_678, "Mười hai triệu ba trăm bốn mươi lăm nghìn sáu trăm bảy mươi tám đồng"),
        (108_000_000, "Một trăm linh tám triệu đồng"),
        (1_000_000_000, "Một tỷ đồng"),
        (
            2_093_688_000,
            "Hai tỷ không trăm chín mươi ba triệu sáu trăm tám mươi tám nghìn đồng",
        ),
        (2_160_000_000, "Hai tỷ một trăm sáu mươi triệu đồng"),
        (5_000_050_000, "Năm tỷ không trăm năm mươi nghìn đồng"),
        (21_000_000_000, "Hai mươi mốt tỷ đồng"),
        (1_000_000_000_000, "Một nghìn tỷ đồng"),
        (1_000_000_001_000, "Một nghìn tỷ không trăm linh một nghìn đồng"),
        (2_500_000_000_000_000, "Hai triệu năm trăm nghìn tỷ đồng"),
    ],
)
def test_an_amount_reads_as_on_a_vietnamese_invoice(amount, words):
    assert amount_in_words(amount) == words


def test_a_whole_decimal_reads_as_its_integer():
    assert amount_in_words(Decimal("1080000")) == "Một triệu không trăm tám mươi nghìn đồng"
    assert amount_in_words(Decimal("1080000.00")) == amount_in_words(1_080_000)


@pytest.mark.parametrize("amount", [Decimal("10.5"), Decimal("NaN"), Decimal("Infinity"), -1])
def test_a_fraction_of_a_dong_or_a_negative_amount_is_refused(amount):
    with pytest.raises(ValueError):
        amount_in_words(amount)


# --- Any amount -----------------------------------------------------------------------------
_DIGITS = {
    "không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5,
    "sáu": 6, "bảy": 7, "tám": 8, "chín": 9,
}  # fmt: skip
_SCALES = {"nghìn": 1_000, "triệu": 1_000_000, "tỷ": 1_000_000_000}


def _read_back(text: str) -> int:
    """The amount the words say, read as a person would (a test's own reader, not the code's):
    a scale word multiplies what was said since the last larger scale."""
    assert text.endswith(" đồng")
    total = small = last = 0
    for word in text.removesuffix(" đồng").lower().split():
        if word in _DIGITS:
            last = _DIGITS[word]
            small += last
        elif word == "trăm":
            small += last * 99
        elif word == "mươi":
            small += last * 9
        elif word == "mười":
            small += 10
        elif word in _SCALES:
            scale = _SCALES[word]
            below = total % scale
            total += (below + small) * scale - below
            small = 0
        else:
            assert word == "linh", word
    return total + small


@given(st.integers(min_value=0, max_value=LARGEST))
def test_any_amount_reads_back_to_itself(amount):
    assert _read_back(amount_in_words(amount)) == amount


@given(st.integers(min_value=0, max_value=LARGEST))
def test_words_are_single_spaced_capitalised_and_end_with_dong(amount):
    words = amount_in_words(amount)
    assert "  " not in words
    assert words == words.strip()
    assert words.endswith(" đồng")
    assert words[0].isupper() and words[1:] == words[1:].lower()


@given(st.integers(min_value=1, max_value=LARGEST))
def test_units_after_tens_take_their_spoken_forms(amount):
    words = amount_in_words(amount).lower()
    assert "mươi một" not in words  # "mốt"
    assert "mươi năm" not in words and "mười năm" not in words  # "lăm"
    assert "mười mốt" not in words  # but "mười một"
    assert not words.startswith("không")  # a leading group is read short
    assert "linh không" not in words and "mươi không" not in words
