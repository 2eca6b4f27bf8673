"""Read a portfolio: one row per collaboration, from CSV or XLSX, into Assessments.

The columns are data (knowledge/portefeuille.yaml). Every bad cell becomes a RowError naming the
file, the row as Excel shows it (header = row 1), the column, the value and what was expected; a
row with an error is refused, the other rows still come back. Nothing here raises on bad input.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import functools
import io
import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from avgkit.answers import EMPTY_WORDS, parse_bool, parse_form
from avgkit.assessment import ID_PATTERN, AgreementInPlace, Assessment
from avgkit.classifier import FACT_KEYS
from avgkit.knowledge import load_knowledge
from avgkit.knowledge.schema import PortfolioColumn, normalise_header
from avgkit.models import Text

MAX_ROWS = 100_000
MAX_BYTES = 100 * 1024 * 1024
MAX_CELL = 10_000  # characters in one cell
CSV_SUFFIXES = (".csv", ".txt", ".tsv", "")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
DELIMITERS = (";", ",", "\t")
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls and other MS Office binaries
CUSTOM_MEASURE = re.compile(r"^eigen-[a-z0-9]+(?:-[a-z0-9]+)*$")
ANSWER_GROUPS = ("vragen", "overeenkomst", "risico", "maatregelen")
RISK_KEYS = ("data_kind", "data_subjects", "purpose", "retention", "organisation_size")
# Problems that refuse the whole file (no row is read).
FILE_PROBLEMS = frozenset({"not-found", "not-a-file", "wrong-type", "unreadable", "binary",
                           "chart-sheet", "not-utf8", "too-large", "too-many-rows", "no-sheet",
                           "empty-file", "missing-column", "duplicate-column"})
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d")


def spec():
    """The portfolio knowledge file (columns, kinds, problems, texts)."""
    return load_knowledge().portefeuille


def columns() -> list[PortfolioColumn]:
    return list(spec().columns)


def header_for(col: PortfolioColumn, lang: str = "nl") -> str:
    """Dutch template header, or the English key."""
    return col.header if lang == "nl" else col.key


def column_help(col: PortfolioColumn, lang: str = "nl") -> str:
    """The column's help; for a classifier question its text and, for a choice, the options."""
    if col.question:
        q = load_knowledge().question(col.question)
        return " ".join([q.text.get(lang), *(f"{o.text.get(lang)}." for o in q.options)])
    return col.help.get(lang)


def measure_ids() -> list[str]:
    return [c.key for c in spec().columns if c.kind == "status"]


# --- errors ---------------------------------------------------------------------------------

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

    def message(self, lang: str = "nl") -> str:
        texts = spec().texts
        where = [self.file]
        if self.row is not None:
            where.append(texts["row"].get(lang).format(row=self.row))
        if self.column is not None:
            key = "column" if self.letter else "column_no_letter"
            where.append(texts[key].get(lang).format(letter=self.letter, column=_show(self.column)))
        body = self.what.get(lang)
        if self.value:
            body += f" '{_show(self.value)}'"
        line = (f"{', '.join(where)}: {body}; "
                f"{texts['expected'].get(lang).format(expected=self.expected.get(lang))}")
        return f"{texts['warning'].get(lang)}: {line}" if self.warning else line

    def __str__(self) -> str:
        return self.message("nl")

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "row": self.row, "column": self.column, "letter": self.letter,
                "value": self.value, "expected": self.expected.to_dict(),
                "problem": self.problem, "what": self.what.to_dict(), "warning": self.warning,
                "message": {"nl": self.message("nl"), "en": self.message("en")}}


def _show(value: object, limit: int = 80) -> str:
    """A cell value fit for one terminal line: control characters (also ANSI escapes) shown as
    escapes, long values cut."""
    text = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                   for ch in str(value))
    return text if len(text) <= limit else text[:limit - 1] + "…"


def make_error(file: str, problem: str, row: int | None = None, column: str | None = None,
               value: object = None, letter: str | None = None, kind: str | None = None,
               warning: bool = False, **params: object) -> RowError:
    """A RowError with the texts of portefeuille.yaml; the expectation is the problem's own or,
    without one, that of the column's kind."""
    s = spec()
    p = s.problems[problem]
    expected = p.expected if p.expected is not None else s.kinds[kind or "text"].expected
    return RowError(file=file, row=row, column=column,
                    value=None if value is None or value == "" else _as_text(value),
                    expected=expected.format(**params), problem=problem,
                    what=p.text.format(**params), letter=letter, warning=warning)


class _FileProblem(Exception):
    """The file as a whole cannot be used."""

    def __init__(self, problem: str, row: int | None = None, **params: object):
        super().__init__(problem)
        self.problem, self.row, self.params = problem, row, params


class _CellProblem(Exception):
    def __init__(self, problem: str = "bad-value", **params: object):
        super().__init__(problem)
        self.problem, self.params = problem, params


# --- the assessments a portfolio yields -----------------------------------------------------

class PortfolioAssessment(Assessment):
    """An Assessment read from a portfolio row. The extra fields say where it came from and are
    left out of to_dict(), so the dict is a plain Assessment the store and batch accept."""

    source: str = Field(default="", exclude=True)
    row: int = Field(default=0, exclude=True)
    # "Take the saved assessment with this id from the store": the batch reports on that one.
    assessment_ref: str | None = Field(default=None, exclude=True)

    def to_assessment(self) -> Assessment:
        return Assessment.from_dict(self.to_dict())


# --- reading the raw table ------------------------------------------------------------------

def _file_kind(path: Path, max_bytes: int) -> str:
    if not path.exists():
        raise _FileProblem("not-found")
    if path.is_dir():
        raise _FileProblem("not-a-file")
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise _FileProblem("unreadable", reason=exc.strerror or type(exc).__name__) from None
    if size > max_bytes:
        raise _FileProblem("too-large", size=f"{size / 2**20:.1f}", limit=f"{max_bytes / 2**20:g}")
    if size == 0:
        raise _FileProblem("empty-file")
    suffix = path.suffix.lower()
    if head.startswith(OLE2_MAGIC):
        raise _FileProblem("wrong-type")
    if suffix in XLSX_SUFFIXES or (head.startswith(ZIP_MAGIC) and suffix in CSV_SUFFIXES):
        return "xlsx"
    if suffix in CSV_SUFFIXES:
        return "csv"
    raise _FileProblem("wrong-type")


def _read_csv(path: Path, max_rows: int) -> list[tuple[int, list[object]]]:
    data = path.read_bytes()
    if b"\x00" in data:
        raise _FileProblem("binary")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _FileProblem("not-utf8", position=exc.start) from None
    if not text.strip():
        raise _FileProblem("empty-file")
    delimiter = None
    first, _, rest = text.partition("\n")
    hint = re.fullmatch(r"sep=(.)\r?", first)  # Excel's "sep=;" line, hidden when Excel opens it
    if hint:
        delimiter, text = hint.group(1), rest
    delimiter = delimiter or _detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _numbered(reader, max_rows)


def _detect_delimiter(text: str) -> str:
    """The delimiter that splits the header into the most known columns (then the most cells)."""
    known = _header_index()

    def score(delim: str) -> tuple[int, int]:
        try:
            header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delim), [])
        except csv.Error:
            return (-1, -1)
        return (sum(normalise_header(h) in known for h in header), len(header))

    return max(DELIMITERS, key=score)


def _read_xlsx(path: Path, sheet: str | None, max_rows: int) -> list[tuple[int, list[object]]]:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about Excel extensions it drops
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise _FileProblem("no-sheet", sheet=sheet, sheets=", ".join(wb.sheetnames))
        ws = wb[sheet] if sheet is not None else wb.worksheets[0]
        if not hasattr(ws, "iter_rows"):
            raise _FileProblem("chart-sheet", sheet=ws.title)
        return _numbered((list(r) for r in ws.iter_rows(values_only=True)), max_rows)
    finally:
        wb.close()


def _numbered(rows: Iterable[list[object]], max_rows: int) -> list[tuple[int, list[object]]]:
    """(Excel row number, cells) of the header and every non-empty row, up to the limit."""
    out: list[tuple[int, list[object]]] = []
    number = 0
    try:
        for number, cells in enumerate(rows, start=1):
            if number > 1 and all(_is_empty(c) for c in cells):
                continue
            if len(out) > max_rows:  # header + max_rows data rows already read
                raise _FileProblem("too-many-rows", limit=f"{max_rows:,}".replace(",", "."))
            out.append((number, cells))
    except csv.Error as exc:  # e.g. a field over the csv module's size limit
        raise _FileProblem("unreadable", row=number + 1, reason=_show(exc, 120)) from None
    return out


def _read_table(path: Path, sheet: str | None, max_rows: int, max_bytes: int
                ) -> list[tuple[int, list[object]]]:
    try:
        kind = _file_kind(path, max_bytes)
        rows = _read_csv(path, max_rows) if kind == "csv" else _read_xlsx(path, sheet, max_rows)
    except _FileProblem:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of a foreign file is "unreadable"
        raise _FileProblem("unreadable", reason=_short_reason(exc)) from None
    if not rows or (len(rows) == 1 and all(_is_empty(c) for c in rows[0][1])):
        raise _FileProblem("empty-file")
    return rows


def _short_reason(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return _show(f"{type(exc).__name__}: {text}" if text else type(exc).__name__, 120)


# --- columns --------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Column:
    index: int
    header: str
    spec: PortfolioColumn | None = None
    measure: str | None = None  # an organisation's own measure ("eigen-...")

    @property
    def letter(self) -> str:
        return column_letter(self.index)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, as Excel names columns."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _header_index() -> dict[str, PortfolioColumn]:
    index = {}
    for col in spec().columns:
        for name in (col.key, col.header, *col.aliases):
            index[normalise_header(name)] = col
    return index


def _accepted_headers(col: PortfolioColumn, lang: str) -> str:
    names = list(dict.fromkeys((col.header, col.key, *col.aliases)))
    return f" {spec().texts['or'].get(lang)} ".join(f"'{n}'" for n in names)


def _resolve_columns(file: str, header: list[object]) -> tuple[list[_Column], list[RowError]]:
    known = _header_index()
    cols: list[_Column] = []
    errors: list[RowError] = []
    used: dict[str, _Column] = {}
    for i, raw in enumerate(header):
        name = _as_text(raw)
        if not name:
            cols.append(_Column(i, ""))
            continue
        norm = normalise_header(name)
        col = known.get(norm)
        measure = norm.replace("_", "-") if col is None else None
        if measure and not CUSTOM_MEASURE.match(measure):
            measure = None
        key = col.key if col else measure
        if key is None:
            errors.append(make_error(file, "unknown-column", 1, name, None, column_letter(i),
                                     warning=True, hint=_did_you_mean(norm, known)))
            cols.append(_Column(i, name))
            continue
        if key in used:
            errors.append(make_error(file, "duplicate-column", 1, name, None, column_letter(i),
                                     other=used[key].letter))
            continue
        cols.append(used.setdefault(key, _Column(i, name, col, measure)))
    present = {c.spec.key for c in cols if c.spec}
    for col in spec().columns:
        if col.required and col.key not in present:
            errors.append(make_error(file, "missing-column", 1, col.header,
                                     headers=Text(nl=_accepted_headers(col, "nl"),
                                                  en=_accepted_headers(col, "en"))))
    return cols, errors


def _did_you_mean(norm: str, known: dict[str, PortfolioColumn]) -> Text | str:
    guess = difflib.get_close_matches(norm, list(known), n=1, cutoff=0.6)
    if not guess:
        return ""
    return spec().texts["did_you_mean"].format(name=known[guess[0]].header)


# --- cells ----------------------------------------------------------------------------------

def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_text(value: object) -> str:
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
    word = _as_text(value).lower()
    if word in EMPTY_WORDS:
        return None
    try:
        return _choice_table(kind)[word]
    except KeyError:
        raise _CellProblem() from None


def _parse_id(value: object) -> str:
    text = _as_text(value)
    if not ID_PATTERN.match(text):
        raise _CellProblem("unsafe-id")
    return text


def _parse_text(value: object) -> str:
    text = _as_text(value)
    if len(text) > MAX_CELL:
        raise _CellProblem("too-long", length=len(text), limit=MAX_CELL)
    return text


def _parse_form(value: object) -> str | None:
    text = re.sub(r"^vorm[\s\-_]*", "", _as_text(value).lower())
    try:
        return parse_form(text)
    except ValueError:
        raise _CellProblem() from None


def _parse_bool(value: object) -> bool | None:
    try:
        return parse_bool(value if isinstance(value, (bool, int, float)) else _as_text(value))
    except ValueError:
        raise _CellProblem() from None


def _parse_flag(value: object) -> bool:
    return bool(_parse_bool(value))


def _parse_agreement(value: object) -> str | None:
    word = re.sub(r"[\s_]+", "-", _as_text(value).lower())
    return _choice("agreement", word)


def _parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _as_text(value)
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
        raise _CellProblem() from None


def _parse_count(value: object) -> int | None:
    if isinstance(value, bool):
        raise _CellProblem()
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        number = int(value)
    else:
        text = _as_text(value)
        if text.lower() in EMPTY_WORDS:
            return None
        if re.fullmatch(r"\d+", text):
            number = int(text)
        elif re.fullmatch(r"\d{1,3}(?:[. \u00a0]\d{3})+", text):  # 1.200 or 1 200
            number = int(re.sub(r"\D", "", text))
        else:
            raise _CellProblem()
    if number < 0:
        raise _CellProblem()
    return number


def _point_ids() -> list[str]:
    return [p.id for p in load_knowledge().overeenkomsten.verwerkersovereenkomst_contents.points]


def _parse_points(value: object) -> dict[str, bool]:
    ids = _point_ids()
    text = _as_text(value).lower()
    if text in ("alle", "all"):
        return dict.fromkeys(ids, True)
    if text in ("geen", "none", "0"):
        return dict.fromkeys(ids, False)
    text = re.sub(r"\s*-\s*", "-", re.sub(r"vo[\s_\-]?", "", text))
    chosen: set[int] = set()
    for token in filter(None, re.split(r"[,;\s]+", text)):
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", token)
        if not m:
            raise _CellProblem()
        low, high = int(m.group(1)), int(m.group(2) or m.group(1))
        if not 1 <= low <= high <= len(ids):
            raise _CellProblem()
        chosen.update(range(low, high + 1))
    if not chosen:
        raise _CellProblem()
    return {pid: i + 1 in chosen for i, pid in enumerate(ids)}


# "tm-03: reason; om-04: note": an entry starts with a measure-shaped id and a colon, so text like
# "e-mail: versleuteld" stays part of the note before it.
_NOTE_ENTRY = re.compile(r"(?:^|[;\n])\s*((?:tm|om)-\d+|eigen-[a-z0-9]+(?:-[a-z0-9]+)*)\s*:",
                         re.IGNORECASE)


def _parse_measure_notes(value: object) -> dict[str, str]:
    text = _parse_text(value)
    entries = list(_NOTE_ENTRY.finditer(text))
    if not entries or text[:entries[0].start()].strip(" ;\n"):
        raise _CellProblem()
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
}


# --- rows -----------------------------------------------------------------------------------

@dataclass
class _Row:
    file: str
    number: int
    values: dict[str, Any] = field(default_factory=dict)  # key -> parsed value (non-empty)
    cols: dict[str, _Column] = field(default_factory=dict)  # key -> its column
    raw: dict[str, object] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    def error(self, problem: str, key: str, kind: str | None = None, warning: bool = False,
              **params: object) -> None:
        col = self.cols[key]
        self.errors.append(make_error(self.file, problem, self.number, col.header,
                                      self.raw.get(key), col.letter, kind, warning, **params))


def _parse_row(file: str, number: int, cells: list[object], cols: list[_Column]) -> _Row:
    row = _Row(file, number)
    for col in cols:
        value = cells[col.index] if col.index < len(cells) else None
        key = col.spec.key if col.spec else col.measure
        if key is None:
            continue
        row.cols[key] = col
        if _is_empty(value):
            if col.spec and col.spec.required:
                row.error("missing-value", key, col.spec.kind)
            continue
        row.raw[key] = value
        kind = col.spec.kind if col.spec else "status"
        try:
            parsed = PARSERS[kind](value)
        except _CellProblem as p:
            row.error(p.problem, key, kind, **p.params)
            continue
        if parsed is not None:
            row.values[key] = parsed
    _cross_check(row)
    return row


def _cross_check(row: _Row) -> None:
    """Combinations of cells that each are fine but together are not."""
    v = row.values
    kind = v.get("agreement")
    if "agreement" in row.raw and kind is None and _as_text(row.raw["agreement"]).lower() \
            not in EMPTY_WORDS:
        kind = "?"  # the agreement cell itself is wrong and reported; judge nothing against it
    header = row.cols["agreement"].header if "agreement" in row.cols else "overeenkomst"
    for key in ("agreement_date", "agreement_points", "agreement_reviewed"):
        if v.get(key) not in (None, False) and kind in (None, "geen"):
            row.error("needs-agreement", key, other=header)
    if "agreement_points" in v and kind not in (None, "geen", "?", "verwerkersovereenkomst"):
        row.error("points-need-processor-agreement", "agreement_points", other=header)
    measures = {k for k, c in row.cols.items()
                if c.measure or (c.spec and c.spec.kind == "status")}
    notes = v.get("measure_notes", {})
    notes_header = row.cols["measure_notes"].header if "measure_notes" in row.cols else ""
    for mid in sorted(measures):
        if v.get(mid) == "nvt" and not notes.get(mid):
            row.error("nvt-without-reason", mid, other=notes_header or "maatregel_toelichting",
                      measure=mid)
    for mid in notes:
        if mid not in measures:
            row.error("unknown-measure", "measure_notes", measure=mid,
                      measures=", ".join(sorted(measures)) or "-")
        elif mid not in v:
            row.error("note-without-status", "measure_notes", measure=mid)
    if "assessment_ref" in v:
        answered = [row.cols[k].header for k in v
                    if row.cols[k].measure or (row.cols[k].spec
                                               and row.cols[k].spec.group in ANSWER_GROUPS)]
        if answered:
            row.error("ref-with-answers", "assessment_ref", warning=True,
                      columns=", ".join(answered))


def _checklist(v: dict[str, Any], cols: dict[str, _Column]) -> dict[str, Any]:
    """The avgkit.checklist JSON form; empty when the row answers nothing of the checklist."""
    statuses = {k: v[k] for k, c in cols.items()
                if k in v and (c.measure or (c.spec and c.spec.kind == "status"))}
    if not statuses and not any(k in v for k in RISK_KEYS):
        return {}
    notes = v.get("measure_notes", {})
    answers = {}
    for mid, status in statuses.items():
        text = notes.get(mid, "")
        answers[mid] = {"status": status, "note": "" if status == "nvt" else text,
                        "evidence": "", "reason": text if status == "nvt" else "",
                        "answered_by": v.get("auditor", ""), "answered_at": ""}
    return {"risk_profile": {"data_kind": v.get("data_kind"),
                             "data_subjects": v.get("data_subjects"),
                             "purpose": v.get("purpose", ""), "retention": v.get("retention", ""),
                             "organisation_size": v.get("organisation_size")},
            "answers": answers}


def _assessment(row: _Row) -> PortfolioAssessment:
    v = row.values
    return PortfolioAssessment(
        id=v["id"], corporation=v.get("corporation", ""), contractor=v.get("contractor", ""),
        description=v.get("description", ""), auditor=v.get("auditor", ""),
        notes=v.get("notes", ""),
        answers={k: v[k] for k in FACT_KEYS if k in v},
        checklist=_checklist(v, row.cols),
        agreement=AgreementInPlace(kind=v.get("agreement"), date=v.get("agreement_date"),
                                   reviewed=v.get("agreement_reviewed", False),
                                   points=v.get("agreement_points", {})),
        source=row.file, row=row.number, assessment_ref=v.get("assessment_ref"))


# --- the entry point ------------------------------------------------------------------------

def read_portfolio(path: str | Path, sheet: str | None = None, *, max_rows: int = MAX_ROWS,
                   max_bytes: int = MAX_BYTES
                   ) -> tuple[list[PortfolioAssessment], list[RowError]]:
    """All valid rows as Assessments, and every problem found (warnings included: a warning
    never refuses a row). Never raises on bad input."""
    file = str(path)
    try:
        table = _read_table(Path(path), sheet, max_rows, max_bytes)
    except _FileProblem as p:
        return [], [make_error(file, p.problem, p.row, **p.params)]
    errors: list[RowError] = []
    suffix = Path(path).suffix.lower()
    if sheet is not None and suffix not in XLSX_SUFFIXES:
        errors.append(make_error(file, "sheet-ignored", warning=True, sheet=sheet))
    (_, header), data = table[0], table[1:]
    cols, header_errors = _resolve_columns(file, header)
    errors += header_errors
    if any(not e.warning for e in header_errors):
        return [], errors
    if not data:
        errors.append(make_error(file, "no-rows", warning=True))
    assessments: list[PortfolioAssessment] = []
    first_row: dict[str, int] = {}
    no_header = {c.index for c in cols if c.header == ""}
    warned: set[int] = set()
    for number, cells in data:
        for i, cell in enumerate(cells):
            if (i >= len(header) or i in no_header) and i not in warned and not _is_empty(cell):
                warned.add(i)
                errors.append(make_error(file, "value-without-header", number, "", cell,
                                         column_letter(i), warning=True))
        row = _safe_parse_row(file, number, cells, cols)
        rid = row.values.get("id")
        if rid is not None:
            first = first_row.setdefault(rid.casefold(), number)
            if first != number:
                row.error("duplicate-id", "id", first=first)
        if not any(not e.warning for e in row.errors):
            try:
                assessments.append(_assessment(row))
            except ValidationError as exc:
                reason = exc.errors()[0]["msg"]
                row.errors.append(make_error(file, "invalid-row", number, reason=_show(reason)))
        errors += sorted(row.errors, key=lambda e: _letter_order(e.letter))
    return assessments, errors


def _safe_parse_row(file: str, number: int, cells: list[object], cols: list[_Column]) -> _Row:
    try:
        return _parse_row(file, number, cells, cols)
    except Exception as exc:  # noqa: BLE001 - one odd row must not stop the others
        row = _Row(file, number)
        row.errors.append(make_error(file, "invalid-row", number, reason=_short_reason(exc)))
        return row


def _letter_order(letter: str | None) -> tuple[int, str]:
    return (len(letter or ""), letter or "")


# --- summary --------------------------------------------------------------------------------

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


def summarise(file: str | Path, assessments: list[Assessment], errors: list[RowError]
              ) -> Summary:
    hard = [e for e in errors if not e.warning]
    file_refused = any(e.problem in FILE_PROBLEMS for e in hard)
    refused = len({e.row for e in hard if e.problem not in FILE_PROBLEMS})
    return Summary(str(file), len(assessments) + refused, len(assessments), refused, len(hard),
                   len(errors) - len(hard), file_refused)


def iter_messages(errors: Iterable[RowError], lang: str = "nl") -> Iterator[str]:
    for e in errors:
        yield e.message(lang)
