# English for a Finnish service: day before month, with the month's name, so no date reads as the US
# month/day (6 April 2025, not April 6 / 04/06/2025). Short forms keep the same order (6 Apr 2025).
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATETIME_FORMAT = "j M Y H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1
