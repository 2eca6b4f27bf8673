"""One rule for every spreadsheet avgkit writes (results.csv/xlsx, the art. 30 register, the
breach register): portfolio text must never run as a formula.

Control characters a spreadsheet cannot hold are dropped first, so that none can stand in front
of a formula and hide it; then text that a spreadsheet would read as a formula (it starts with
= + - @, a tab or a line break) gets a leading apostrophe (OWASP, "CSV Injection").
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value: Any) -> Any:
    """The value as a spreadsheet cell that cannot run; anything but text is returned as is."""
    if not isinstance(value, str):
        return value
    value = _CONTROL.sub("", value)
    return "'" + value if value.startswith(FORMULA_START) else value
