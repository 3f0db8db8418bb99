# The English interface serves people working in Vietnam: dates stay dd/mm/yyyy; numbers keep
# Django's English separators.
from kam.formats.vi.formats import (  # noqa: F401 - format modules are read by name
    DATE_FORMAT,
    DATE_INPUT_FORMATS,
    DATETIME_FORMAT,
    DATETIME_INPUT_FORMATS,
    FIRST_DAY_OF_WEEK,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
)
