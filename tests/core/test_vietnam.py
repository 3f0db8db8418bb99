import pytest

from kam.core import vietnam


class TestTaxCodes:
    @pytest.mark.parametrize("code", ["0312345673", "0312345673-001", "0100109106"])
    def test_well_formed_codes_have_no_format_problem(self, code):
        assert vietnam.tax_code_format_problem(code) is None

    @pytest.mark.parametrize(
        "code", ["031234567", "03123456733", "0312345673-01", "0312345673_001", "abcdefghij", ""]
    )
    def test_other_text_is_not_a_tax_code(self, code):
        assert vietnam.tax_code_format_problem(code)

    def test_the_check_digit_follows_the_weighted_sum_rule(self):
        assert vietnam.tax_code_check_digit_matches("0312345673")
        assert vietnam.tax_code_check_digit_matches("0312345673-001")  # a branch of it
        assert not vietnam.tax_code_check_digit_matches("0312345674")

    def test_spaces_and_dots_people_type_are_dropped(self):
        assert vietnam.normalise_tax_code(" 0312 345.673-001 ") == "0312345673-001"


class TestPhones:
    @pytest.mark.parametrize(
        "typed,stored",
        [
            ("0912 345 678", "0912345678"),
            ("+84 912 345 678", "0912345678"),
            ("84912345678", "0912345678"),
            ("(028) 3812-3456", "02838123456"),
            ("1900 1234", "19001234"),
            ("+65 9123 4567", "+6591234567"),
        ],
    )
    def test_vietnamese_and_international_numbers_are_written_one_way(self, typed, stored):
        assert vietnam.normalise_phone(typed) == stored

    @pytest.mark.parametrize("typed", ["12345", "0112345678", "abc", "+84", "09123456789012"])
    def test_other_text_is_not_a_phone_number(self, typed):
        assert vietnam.normalise_phone(typed) is None
