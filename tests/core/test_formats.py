from datetime import date, datetime

import pytest
from django.forms import DateField
from django.utils import formats, translation


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_read_day_month_year_in_both_languages(language):
    with translation.override(language):
        assert formats.date_format(date(2026, 11, 27)) == "27/11/2026"
        moment = datetime(2026, 11, 27, 9, 5)
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "27/11/2026 09:05"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_typed_date_is_read_day_first(language):
    with translation.override(language):
        assert DateField().clean("03/11/2026") == date(2026, 11, 3)
