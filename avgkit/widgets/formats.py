"""How times and numbers are shown: Europe/Amsterdam with the zone named; Dutch number format
(1.234,5) in Dutch, English format (1,234.5) in English."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local_time(when: dt.datetime | None, seconds: bool = False) -> str:
    """'30-11-2026 07:05 CET': naive times are UTC (the store keeps UTC)."""
    if when is None:
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    local = when.astimezone(AMSTERDAM)
    return local.strftime("%d-%m-%Y %H:%M:%S %Z" if seconds else "%d-%m-%Y %H:%M %Z")


def number(value: float | int, lang: str, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}"
    if lang == "nl":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def percent(fraction: float | None, lang: str) -> str:
    return "–" if fraction is None else f"{number(100 * fraction, lang)}%"
