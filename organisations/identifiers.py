"""Finnish official identifiers. Plain Python."""

import re

# ASCII digits only (\d would admit full-width and other scripts' digits) and fullmatch (a "$" anchor would
# admit a trailing newline).
_BUSINESS_ID = re.compile(r"([0-9]{7})-([0-9])")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def is_valid_business_id(value: str) -> bool:
    """Checks a Finnish business ID (Y-tunnus) "1234567-8", including its check digit (modulus 11)."""
    match = _BUSINESS_ID.fullmatch(value or "")
    if not match:
        return False
    digits, check = match.groups()
    remainder = sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=True)) % 11
    if remainder == 1:
        return False  # no valid ID has remainder 1
    return int(check) == (0 if remainder == 0 else 11 - remainder)


def business_id_with_check_digit(seven_digits: str) -> str | None:
    """Completes seven digits with their check digit, or None when no valid ID starts with them."""
    remainder = sum(int(d) * w for d, w in zip(seven_digits, _WEIGHTS, strict=True)) % 11
    if remainder == 1:
        return None
    return f"{seven_digits}-{0 if remainder == 0 else 11 - remainder}"
