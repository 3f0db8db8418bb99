import pytest

from kam.core.search import fold, terms


@pytest.mark.parametrize(
    "text,folded",
    [
        ("Nguyễn Thị Lan", "nguyen thi lan"),
        ("ĐẶNG Văn Minh", "dang van minh"),
        ("Hồ Chí Minh", "ho chi minh"),
    ],
)
def test_folding_drops_vietnamese_marks_and_case(text, folded):
    assert fold(text) == folded


def test_a_search_box_gives_folded_words():
    assert terms("  Thị   LAN ") == ["thi", "lan"]
