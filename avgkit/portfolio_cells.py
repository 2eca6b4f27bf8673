"""Parse one portfolio cell by its kind (knowledge/portefeuille.yaml `kinds`). A parser returns
the value (None = not answered) or raises CellProblem; it never sees more than its cell."""

from __future__ import annotations

import datetime as dt
import functools
import re

from avgkit.answers import EMPTY_WORDS, parse_bool, parse_form
from avgkit.assessment import ID_PATTERN
from avgkit.knowledge import load_knowledge
from avgkit.portfolio_spec import spec

MAX_CELL = 10_000  # characters in one cell
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d")


class _FormulaWithoutValue:
    """An XLSX formula cell for which the file stored no result (openpyxl gives None)."""

    def __repr__(self) -> str:
        return "FORMULA_WITHOUT_VALUE"

    def __str__(self) -> str:
        return ""


FORMULA_WITHOUT_VALUE = _FormulaWithoutValue()


class CellProblem(Exception):
    def __init__(self, problem: str = "bad-value", **params: object):
        super().__init__(problem)
        self.problem, self.params = problem, params


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


@functools.cache
def _choice_table(kind: str) -> dict[str, str]:
    """Every accepted spelling (lower case) of a choice kind -> the choice."""
    k = spec().kinds[kind]
    return {word.lower(): choice for choice in k.choices
            for word in (choice, *k.synonyms.get(choice, ()))}


def _choice(kind: str, value: object) -> str | None:
    word = as_text(value).lower()
    if word in EMPTY_WORDS:
        return None
    try:
        return _choice_table(kind)[word]
    except KeyError:
        raise CellProblem() from None


def _parse_id(value: object) -> str:
    text = as_text(value)
    if not ID_PATTERN.match(text):
        raise CellProblem("unsafe-id")
    return text


def _parse_text(value: object) -> str:
    text = as_text(value)
    if len(text) > MAX_CELL:
        raise CellProblem("too-long", length=len(text), limit=MAX_CELL)
    return text


def _parse_form(value: object) -> str | None:
    text = re.sub(r"^vorm[\s\-_]*", "", as_text(value).lower())
    try:
        return parse_form(text)
    except ValueError:
        raise CellProblem() from None


def _parse_bool(value: object) -> bool | None:
    try:
        return parse_bool(value if isinstance(value, (bool, int, float)) else as_text(value))
    except ValueError:
        raise CellProblem() from None


def _parse_flag(value: object) -> bool:
    return bool(_parse_bool(value))


def _parse_agreement(value: object) -> str | None:
    word = re.sub(r"[\s_]+", "-", as_text(value).lower())
    return _choice("agreement", word)


def _parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = as_text(value)
    if text.lower() in EMPTY_WORDS:
        return None
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        raise CellProblem() from None


def _parse_count(value: object) -> int | None:
    if isinstance(value, bool):
        raise CellProblem()
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        number = int(value)
    else:
        text = as_text(value)
        if text.lower() in EMPTY_WORDS:
            return None
        if re.fullmatch(r"\d+", text):
            number = int(text)
        elif re.fullmatch(r"\d{1,3}(?:[. \u00a0]\d{3})+", text):  # 1.200 or 1 200
            number = int(re.sub(r"\D", "", text))
        else:
            raise CellProblem()
    if number < 0:
        raise CellProblem()
    return number


def _point_ids() -> list[str]:
    return [p.id for p in load_knowledge().overeenkomsten.verwerkersovereenkomst_contents.points]


def _parse_points(value: object) -> dict[str, bool]:
    ids = _point_ids()
    text = as_text(value).lower()
    if text in ("alle", "all"):
        return dict.fromkeys(ids, True)
    if text in ("geen", "none", "0"):
        return dict.fromkeys(ids, False)
    text = re.sub(r"\s*-\s*", "-", re.sub(r"vo[\s_\-]?", "", text))
    chosen: set[int] = set()
    for token in filter(None, re.split(r"[,;\s]+", text)):
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", token)
        if not m:
            raise CellProblem()
        low, high = int(m.group(1)), int(m.group(2) or m.group(1))
        if not 1 <= low <= high <= len(ids):
            raise CellProblem()
        chosen.update(range(low, high + 1))
    if not chosen:
        raise CellProblem()
    return {pid: i + 1 in chosen for i, pid in enumerate(ids)}


# "tm-03: reason; om-04: note": an entry starts with a measure-shaped id and a colon, so text like
# "e-mail: versleuteld" stays part of the note before it.
_NOTE_ENTRY = re.compile(r"(?:^|[;\n])\s*((?:tm|om)-\d+|eigen-[a-z0-9]+(?:-[a-z0-9]+)*)\s*:",
                         re.IGNORECASE)


def _parse_measure_notes(value: object) -> dict[str, str]:
    text = _parse_text(value)
    entries = list(_NOTE_ENTRY.finditer(text))
    if not entries or text[:entries[0].start()].strip(" ;\n"):
        raise CellProblem()
    notes: dict[str, str] = {}
    for m, nxt in zip(entries, [*entries[1:], None], strict=True):
        body = text[m.end():nxt.start() if nxt else len(text)].strip(" ;\n\t")
        if body:
            mid = m.group(1).lower()
            notes[mid] = f"{notes[mid]}; {body}" if mid in notes else body
    return notes


PARSERS = {
    "id": _parse_id, "text": _parse_text, "form": _parse_form, "bool": _parse_bool,
    "agreement": _parse_agreement, "date": _parse_date, "flag": _parse_flag,
    "points": _parse_points, "data_kind": lambda v: _choice("data_kind", v),
    "count": _parse_count, "size": lambda v: _choice("size", v),
    "status": lambda v: _choice("status", v), "measure_notes": _parse_measure_notes,
    "action_status": lambda v: _choice("action_status", v),
}


