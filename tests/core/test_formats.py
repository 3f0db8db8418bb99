from datetime import date, datetime

import pytest
from django.forms import DateField
from django.utils import formats, translation


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_read_day_month_year_in_both_languages(language):
    with translation.override(language):
        assert formats.date_format(date(2026, 11, 27)) == "27/11/2026"
        assert (
            formats.date_format(datetime(2026, 11, 27, 9, 5), "SHORT_DATETIME_FORMAT")
            == "27/11/2026 09:05"
        )


def test_a_vietnamese_date_is_typed_day_first():
    with translation.override("vi"):
        assert (
            formats.sanitize_strftime_format(formats.get_format("DATE_INPUT_FORMATS")[0])
            == "%d/%m/%Y"
        )
