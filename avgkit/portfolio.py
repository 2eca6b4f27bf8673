"""Read a portfolio: one row per collaboration, from CSV or XLSX, into Assessments.

The columns are data (knowledge/portefeuille.yaml). Every bad cell becomes a RowError naming the
file, the row as Excel shows it (header = row 1), the column, the value and what was expected; a
row with an error is refused, the other rows still come back. Nothing here raises on bad input.
The raw table is read by portfolio_table, single cells parsed by portfolio_cells; this module
maps headers to columns, checks combinations of cells and builds the Assessments.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from avgkit.answers import EMPTY_WORDS
from avgkit.assessment import Action, AgreementInPlace, Assessment, ScreeningAnswers
from avgkit.classifier import FACT_KEYS
from avgkit.knowledge.schema import PortfolioColumn, normalise_header
from avgkit.models import Text
from avgkit.portfolio_cells import FORMULA_WITHOUT_VALUE, PARSERS, CellProblem, as_text, is_empty
from avgkit.portfolio_errors import (
    FILE_PROBLEMS,
    Counter,
    FileProblem,
    RowError,
    Summary,
    make_error,
    refused_rows,
    show,
    summarise,
)
from avgkit.portfolio_spec import (
    column_help,
    column_letter,
    columns,
    header_for,
    header_index,
    measure_ids,
    spec,
)
from avgkit.portfolio_table import (
    MAX_BYTES,
    MAX_CELLS,
    MAX_ROWS,
    XLSX_SUFFIXES,
    open_table,
    short_reason,
)

__all__ = ["FILE_PROBLEMS", "MAX_BYTES", "MAX_CELLS", "MAX_ROWS", "Counter",
           "PortfolioAssessment", "RowError", "Summary", "column_help", "column_letter", "columns",
           "header_for", "iter_portfolio", "measure_ids", "read_portfolio", "refused_rows", "spec",
           "summarise"]

CUSTOM_MEASURE = re.compile(r"\Aeigen-[a-z0-9]+(?:-[a-z0-9]+)*\Z")
ANSWER_GROUPS = ("vragen", "overeenkomst", "risico", "maatregelen", "rechtmatigheid")
ACTION_DETAILS = ("action_owner", "action_due", "action_status")  # only with an action
RISK_KEYS = ("data_kind", "data_subjects", "purpose", "retention", "organisation_size")


class PortfolioAssessment(Assessment):
    """An Assessment read from a portfolio row. The extra fields say where it came from and are
    left out of to_dict(), so the dict is a plain Assessment the store and batch accept."""

    source: str = Field(default="", exclude=True)
    row: int = Field(default=0, exclude=True)
    # "Take the saved assessment with this id from the store": the batch reports on that one.
    assessment_ref: str | None = Field(default=None, exclude=True)

    def to_assessment(self) -> Assessment:
        return Assessment.from_dict(self.to_dict())


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


def _accepted_headers(col: PortfolioColumn, lang: str) -> str:
    names = list(dict.fromkeys((col.header, col.key, *col.aliases)))
    return f" {spec().texts['or'].get(lang)} ".join(f"'{n}'" for n in names)


def _resolve_columns(file: str, header: list[object]) -> tuple[list[_Column], list[RowError]]:
    known = header_index()
    cols: list[_Column] = []
    errors: list[RowError] = []
    used: dict[str, _Column] = {}
    for i, raw in enumerate(header):
        name = as_text(raw)
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
        if value is FORMULA_WITHOUT_VALUE:
            row.error("formula-without-value", key)
            continue
        if isinstance(value, str) and "\x00" in value:
            row.raw[key] = value
            row.error("nul-in-cell", key)
            continue
        if is_empty(value):
            if col.spec and col.spec.required:
                row.error("missing-value", key, col.spec.kind)
            continue
        row.raw[key] = value
        kind = col.spec.kind if col.spec else "status"
        try:
            parsed = PARSERS[kind](value)
        except CellProblem as p:
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
    if "agreement" in row.raw and kind is None and as_text(row.raw["agreement"]).lower() \
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
    action_header = row.cols["action"].header if "action" in row.cols else "actie"
    for key in ACTION_DETAILS:
        if key in v and "action" not in v:
            row.error("action-detail-without-action", key, other=action_header)
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


def _screening(v: dict[str, Any]) -> ScreeningAnswers:
    """The lawfulness/DPIA screening answers (issue 11): the optional columns whose key is a
    fact of rechtmatigheid.yaml; the purpose of the risk profile is the purpose screened."""
    from avgkit.screen import fact_ids

    return ScreeningAnswers(facts={k: v[k] for k in fact_ids() if k in v},
                            purpose=v.get("purpose", ""))


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
        screening=_screening(v),
        actions=[Action(what=v["action"], owner=v.get("action_owner", ""),
                        due=v.get("action_due"), status=v.get("action_status") or "open")]
        if v.get("action") else [],
        source=row.file, row=row.number, assessment_ref=v.get("assessment_ref"))


# --- the entry point ------------------------------------------------------------------------

Outcome = tuple[PortfolioAssessment | None, list[RowError]]


def measure_problems(file: str, cols: list[_Column], measures: str | Path | None
                     ) -> list[RowError]:
    """The own measures file (--measures) checked up front, and every own-measure column
    (eigen-...) of the portfolio against it: otherwise the batch would fail every row."""
    known: list[str] = []
    if measures is not None:
        from avgkit.checklist import load_custom
        try:
            known = [m.id for m in load_custom(Path(measures)).measures]
        except Exception as exc:  # noqa: BLE001 - KnowledgeError, OSError, YAML errors
            return [make_error(file, "measures-file", path=show(measures, 120),
                               reason=short_reason(exc))]
    none = "-" if measures is not None else spec().texts["no_measures_file"]
    return [make_error(file, "unknown-own-measure", 1, c.header, None, c.letter,
                       measure=c.measure, known=", ".join(known) or none)
            for c in cols if c.measure and c.measure not in known]


def iter_portfolio(path: str | Path, sheet: str | None = None, *, max_rows: int = MAX_ROWS,
                   max_bytes: int = MAX_BYTES, max_cells: int = MAX_CELLS,
                   measures: str | Path | None = None, check_measures: bool = False
                   ) -> Iterator[Outcome]:
    """The portfolio row by row, streamed: (assessment or None, problems) per row, and
    (None, problems) for the file and its header. A problem of the file as a whole (FILE_PROBLEMS)
    may come after rows were given (a limit reached further on): then the file is refused and
    the rows given before must not be used. Never raises on bad input.
    check_measures: own-measure columns must be in the measures file (None: no file), as the
    batch needs; without it they are read whatever their id."""
    file = str(path)
    try:
        table = open_table(Path(path), sheet, max_rows, max_bytes, max_cells)
    except FileProblem as p:
        yield None, [make_error(file, p.problem, p.row, **p.params)]
        return
    notes = [make_error(file, problem, note=True, **params) for problem, params in table.notes]
    if sheet is not None and Path(path).suffix.lower() not in XLSX_SUFFIXES:
        notes.append(make_error(file, "sheet-ignored", warning=True, sheet=sheet))
    rows = table.rows
    try:
        first = next(rows, None)
        if first is None:
            yield None, [*notes, make_error(file, "empty-file")]
            return
        _, header = first
        cols, header_errors = _resolve_columns(file, header)
        if check_measures or measures is not None:
            header_errors += measure_problems(file, cols, measures)
        second = next(rows, None)
        if second is None and all(is_empty(c) for c in header):
            yield None, [*notes, make_error(file, "empty-file")]
            return
        yield None, notes + header_errors
        if any(not e.warning for e in header_errors):
            return
        if second is None:
            yield None, [make_error(file, "no-rows", warning=True)]
            return
        first_row: dict[str, int] = {}
        no_header = {c.index for c in cols if c.header == ""}
        warned: set[int] = set()
        for number, cells in itertools.chain([second], rows):
            errors: list[RowError] = []
            for i, cell in enumerate(cells):
                if (i >= len(header) or i in no_header) and i not in warned \
                        and not is_empty(cell):
                    warned.add(i)
                    errors.append(make_error(file, "value-without-header", number, "", cell,
                                             column_letter(i), warning=True))
            row = _safe_parse_row(file, number, cells, cols)
            rid = row.values.get("id")
            if rid is not None:
                first_seen = first_row.setdefault(rid.casefold(), number)
                if first_seen != number:
                    row.error("duplicate-id", "id", first=first_seen)
            assessment = None
            if not any(not e.warning for e in row.errors):
                try:
                    assessment = _assessment(row)
                except ValidationError as exc:
                    reason = exc.errors()[0]["msg"]
                    row.errors.append(make_error(file, "invalid-row", number,
                                                 reason=show(reason)))
            errors += sorted(row.errors, key=lambda e: _letter_order(e.letter))
            yield assessment, errors
    except FileProblem as p:
        yield None, [make_error(file, p.problem, p.row, **p.params)]
    finally:
        close = getattr(rows, "close", None)
        if close:
            close()


def read_portfolio(path: str | Path, sheet: str | None = None, *, max_rows: int = MAX_ROWS,
                   max_bytes: int = MAX_BYTES, max_cells: int = MAX_CELLS,
                   measures: str | Path | None = None, check_measures: bool = False
                   ) -> tuple[list[PortfolioAssessment], list[RowError]]:
    """All valid rows as Assessments, and every problem found (warnings and notes included: they
    never refuse a row). A file refused as a whole gives no assessments. Never raises on bad
    input. For big files prefer iter_portfolio, which keeps nothing."""
    assessments: list[PortfolioAssessment] = []
    errors: list[RowError] = []
    for assessment, problems in iter_portfolio(path, sheet, max_rows=max_rows,
                                               max_bytes=max_bytes, max_cells=max_cells,
                                               measures=measures,
                                               check_measures=check_measures):
        if any(e.problem in FILE_PROBLEMS and not e.warning for e in problems):
            kept = [e for e in errors if e.row in (None, 1)]
            return [], kept + problems
        if assessment is not None:
            assessments.append(assessment)
        errors += problems
    return assessments, errors


def _safe_parse_row(file: str, number: int, cells: list[object], cols: list[_Column]) -> _Row:
    try:
        return _parse_row(file, number, cells, cols)
    except Exception as exc:  # noqa: BLE001 - one odd row must not stop the others
        row = _Row(file, number)
        row.errors.append(make_error(file, "invalid-row", number, reason=short_reason(exc)))
        return row


def _letter_order(letter: str | None) -> tuple[int, str]:
    return (len(letter or ""), letter or "")
