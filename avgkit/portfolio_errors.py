"""Problems found in a portfolio: RowError (one line per problem, Dutch by default) and the
summary `avgkit validate` prints. The texts are in knowledge/portefeuille.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from avgkit.models import Text
from avgkit.portfolio_cells import as_text
from avgkit.portfolio_spec import spec

# Problems that refuse the whole file (no row is read).
FILE_PROBLEMS = frozenset({"not-found", "not-a-file", "wrong-type", "unreadable", "binary",
                           "chart-sheet", "not-utf8", "too-large", "too-many-rows", "no-sheet",
                           "empty-file", "missing-column", "duplicate-column", "xlsx-too-large",
                           "xlsx-bomb", "too-many-cells", "no-visible-sheet",
                           "measures-file", "unknown-own-measure"})


def refused_rows(errors: list[RowError], lang: str = "nl") -> list[str]:
    """One line per refused row (its errors joined), one per problem of the file as a whole:
    the count `avgkit validate` gives, whatever the number of bad cells in a row."""
    lines: dict[object, list[str]] = {}
    for e in errors:
        if e.warning:
            continue
        key = ("file", len(lines)) if e.row is None or e.problem in FILE_PROBLEMS else e.row
        lines.setdefault(key, []).append(e.message(lang))
    out = []
    for key, messages in lines.items():
        if isinstance(key, int):
            row = spec().texts["row"].get(lang).format(row=key)
            first = next(e for e in errors if e.row == key and not e.warning)
            prefix = f"{first.file}, {row}, "
            messages = [messages[0], *(m.removeprefix(prefix) for m in messages[1:])]
        out.append(" | ".join(messages))
    return out


@dataclass(frozen=True)
class RowError:
    """One problem in a portfolio. row is the row number as Excel shows it (header = 1), None
    for the file as a whole; str() is one Dutch line, message("en") the English one."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: Text
    problem: str
    what: Text
    letter: str | None = None
    warning: bool = False
    # A note says what the reader chose (the encoding, the worksheet): never refuses anything,
    # not counted as a warning.
    note: bool = False

    def message(self, lang: str = "nl") -> str:
        texts = spec().texts
        where = [self.file]
        if self.row is not None:
            where.append(texts["row"].get(lang).format(row=self.row))
        if self.column is not None:
            key = "column" if self.letter else "column_no_letter"
            where.append(texts[key].get(lang).format(letter=self.letter, column=show(self.column)))
        body = self.what.get(lang)
        if self.value:
            body += f" '{show(self.value)}'"
        line = (f"{', '.join(where)}: {body}; "
                f"{texts['expected'].get(lang).format(expected=self.expected.get(lang))}")
        if self.note:
            return f"{texts['note'].get(lang)}: {line}"
        return f"{texts['warning'].get(lang)}: {line}" if self.warning else line

    def __str__(self) -> str:
        return self.message("nl")

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "row": self.row, "column": self.column, "letter": self.letter,
                "value": self.value, "expected": self.expected.to_dict(),
                "problem": self.problem, "what": self.what.to_dict(), "warning": self.warning,
                "note": self.note,
                "message": {"nl": self.message("nl"), "en": self.message("en")}}


def show(value: object, limit: int = 80) -> str:
    """A cell value fit for one terminal line: control characters (also ANSI escapes) shown as
    escapes, long values cut."""
    text = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                   for ch in str(value))
    return text if len(text) <= limit else text[:limit - 1] + "…"


def make_error(file: str, problem: str, row: int | None = None, column: str | None = None,
               value: object = None, letter: str | None = None, kind: str | None = None,
               warning: bool = False, note: bool = False, **params: object) -> RowError:
    """A RowError with the texts of portefeuille.yaml; the expectation is the problem's own or,
    without one, that of the column's kind."""
    s = spec()
    p = s.problems[problem]
    expected = p.expected if p.expected is not None else s.kinds[kind or "text"].expected
    return RowError(file=file, row=row, column=column,
                    value=None if value is None or value == "" else as_text(value),
                    expected=expected.format(**params), problem=problem,
                    what=p.text.format(**params), letter=letter, warning=warning or note,
                    note=note)


class FileProblem(Exception):
    """The file as a whole cannot be used."""

    def __init__(self, problem: str, row: int | None = None, **params: object):
        super().__init__(problem)
        self.problem, self.row, self.params = problem, row, params


@dataclass(frozen=True)
class Summary:
    file: str
    read: int
    valid: int
    refused: int
    errors: int
    warnings: int
    file_refused: bool

    @property
    def ok(self) -> bool:
        return not self.file_refused and self.refused == 0

    def message(self, lang: str = "nl") -> str:
        texts = spec().texts
        key = "summary_file_refused" if self.file_refused else "summary"
        return texts[key].get(lang).format(**self.__dict__)

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "ok": self.ok}


def summarise(file: str | Path, assessments: list[Any], errors: list[RowError]
              ) -> Summary:
    hard = [e for e in errors if not e.warning]
    file_refused = any(e.problem in FILE_PROBLEMS for e in hard)
    refused = len({e.row for e in hard if e.problem not in FILE_PROBLEMS})
    warnings = sum(1 for e in errors if e.warning and not e.note)
    return Summary(str(file), len(assessments) + refused, len(assessments), refused, len(hard),
                   warnings, file_refused)


class Counter:
    """summarise() for a stream: counts rows and problems without keeping them."""

    def __init__(self, file: str | Path) -> None:
        self.file = str(file)
        self.valid = 0
        self.refused_rows: set[int | None] = set()
        self.errors = self.warnings = 0
        self.file_refused = False

    def add(self, accepted: bool, errors: list[RowError]) -> None:
        self.valid += accepted
        for e in errors:
            if e.note:
                continue
            if e.warning:
                self.warnings += 1
                continue
            self.errors += 1
            if e.problem in FILE_PROBLEMS:
                self.file_refused = True
            else:
                self.refused_rows.add(e.row)

    def summary(self) -> Summary:
        refused = len(self.refused_rows)
        valid = 0 if self.file_refused else self.valid
        return Summary(self.file, valid + refused, valid, refused, self.errors, self.warnings,
                       self.file_refused)
