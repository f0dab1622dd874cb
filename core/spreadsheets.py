"""What every CSV and XLSX export shares: spreadsheet programs run a cell that starts with = + - @ (or a tab or a
carriage return) as a formula (OWASP's "CSV injection"); a text typed by anyone must never become one."""

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value: Any) -> Any:
    """The value, with a text that a spreadsheet would take for a formula made plain text by a leading "'"."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
