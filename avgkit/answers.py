"""Parse answers typed by people (CLI, portfolio cells) into classifier facts."""

from __future__ import annotations

from avgkit.classifier import BOOL_KEYS, DATA_EXCHANGE_VALUES, FACT_KEYS

TRUE_WORDS = ("ja", "j", "yes", "y", "true", "waar", "1")
FALSE_WORDS = ("nee", "n", "no", "false", "onwaar", "0")
EMPTY_WORDS = ("", "?", "onbekend", "unknown", "none", "null", "n.b.", "-")
ALLOWED_BOOL = "ja/nee (yes/no, true/false, 1/0) or empty for not answered"

# Forms by their number in the source; 0 / "geen" means none of the four forms.
FORM_NUMBERS = {"1": "order", "2": "integration", "3": "client_system", "4": "direct_contact",
                "0": "other", "geen": "other", "none": "other", "other": "other"}


def parse_bool(raw: object) -> bool | None:
    if raw is None or isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    word = str(raw).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    if word in EMPTY_WORDS:
        return None
    raise ValueError(f"expected {ALLOWED_BOOL}, got {raw!r}")


def parse_form(raw: object) -> str | None:
    """A form given as number 1-4, 0/geen, or as a data_exchange value."""
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    word = str(raw).strip().lower()
    if word in EMPTY_WORDS:
        return None
    if word in FORM_NUMBERS:
        return FORM_NUMBERS[word]
    if word in DATA_EXCHANGE_VALUES:
        return word
    raise ValueError(f"expected a form 1-4, 0/geen for none of these, or one of "
                     f"{', '.join(DATA_EXCHANGE_VALUES)}; got {raw!r}")


def parse_answer(key: str, raw: object) -> str | bool | None:
    if key not in FACT_KEYS:
        raise ValueError(f"unknown question {key!r}; allowed: {', '.join(FACT_KEYS)}")
    if key == "data_exchange":
        return parse_form(raw)
    assert key in BOOL_KEYS
    return parse_bool(raw)
