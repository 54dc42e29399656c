"""The format of a kiosk PIN: one rule for the PIN the front desk sets
(res.partner), the PIN a member types at the kiosk (club.kiosk) and the kiosk
page's keypad (which gets the bounds from the server)."""

import re

PIN_MIN_DIGITS = 4
PIN_MAX_DIGITS = 8
# ASCII digits only: str.isdigit() would also take other scripts' digits.
PIN_PATTERN = re.compile(rf"[0-9]{{{PIN_MIN_DIGITS},{PIN_MAX_DIGITS}}}")


def is_valid_pin(pin):
    """Whether ``pin`` is a string of 4 to 8 digits (0-9)."""
    return isinstance(pin, str) and PIN_PATTERN.fullmatch(pin) is not None
