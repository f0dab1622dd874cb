# Swedish as written in Finland: dates and times as in Finnish (6.4.2025, 12.30), not Sweden's ISO dates.
# Django's own "sv" module (Sweden) supplies everything not set here (month names, decimal comma).
DATE_FORMAT = "j.n.Y"
SHORT_DATE_FORMAT = "j.n.Y"
TIME_FORMAT = "H.i"
DATETIME_FORMAT = "j.n.Y H.i"
SHORT_DATETIME_FORMAT = "j.n.Y H.i"
MONTH_DAY_FORMAT = "j.n."
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H.%M.%S",
    "%d.%m.%Y %H.%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]
TIME_INPUT_FORMATS = ["%H.%M.%S", "%H.%M", "%H:%M:%S", "%H:%M"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
