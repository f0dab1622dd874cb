"""Rounding as people round on paper: half away from zero (57.55 → 57.6, 2.5 → 3, −0.5 → −1).

Plain Python, no Django. Python's round() rounds half to even (2.5 → 2) and Django's number_format cuts a
float's digits off instead of rounding (57.58 → "57.5"), so a figure printed in two places could disagree by
one in its last digit. Every percentage the product prints goes through `round_half_away`.
"""

from decimal import ROUND_HALF_UP, Decimal


def round_half_away(value: float | int | Decimal, places: int = 0) -> Decimal:
    """`value` rounded to `places` decimals, halves away from zero. The float's shortest representation is
    what is rounded (0.575 is "0.575", not 0.57499999…), so the result is what a reader would compute."""
    exact = value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float) else value)
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return rounded + 0 if rounded else abs(rounded)  # no "-0" or "-0.0"
