"""Read the raw table of a portfolio file: CSV (delimiter and BOM detected) or XLSX, as
(Excel row number, cells) pairs, with the file-level checks (type, size, row limit)."""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Iterable
from pathlib import Path

from avgkit.knowledge.schema import normalise_header
from avgkit.portfolio_cells import is_empty
from avgkit.portfolio_errors import FileProblem, show
from avgkit.portfolio_spec import header_index

MAX_ROWS = 100_000
MAX_BYTES = 100 * 1024 * 1024
CSV_SUFFIXES = (".csv", ".txt", ".tsv", "")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
DELIMITERS = (";", ",", "\t")
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls and other MS Office binaries

Table = list[tuple[int, list[object]]]  # (row number as Excel shows it, cells)


def _file_kind(path: Path, max_bytes: int) -> str:
    if not path.exists():
        raise FileProblem("not-found")
    if path.is_dir():
        raise FileProblem("not-a-file")
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise FileProblem("unreadable", reason=exc.strerror or type(exc).__name__) from None
    if size > max_bytes:
        raise FileProblem("too-large", size=f"{size / 2**20:.1f}", limit=f"{max_bytes / 2**20:g}")
    if size == 0:
        raise FileProblem("empty-file")
    suffix = path.suffix.lower()
    if head.startswith(OLE2_MAGIC):
        raise FileProblem("wrong-type")
    if suffix in XLSX_SUFFIXES or (head.startswith(ZIP_MAGIC) and suffix in CSV_SUFFIXES):
        return "xlsx"
    if suffix in CSV_SUFFIXES:
        return "csv"
    raise FileProblem("wrong-type")


def _read_csv(path: Path, max_rows: int) -> Table:
    data = path.read_bytes()
    if b"\x00" in data:
        raise FileProblem("binary")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem("not-utf8", position=exc.start) from None
    if not text.strip():
        raise FileProblem("empty-file")
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
    known = header_index()

    def score(delim: str) -> tuple[int, int]:
        try:
            header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delim), [])
        except csv.Error:
            return (-1, -1)
        return (sum(normalise_header(h) in known for h in header), len(header))

    return max(DELIMITERS, key=score)


def _read_xlsx(path: Path, sheet: str | None, max_rows: int) -> Table:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about Excel extensions it drops
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise FileProblem("no-sheet", sheet=sheet, sheets=", ".join(wb.sheetnames))
        ws = wb[sheet] if sheet is not None else wb.worksheets[0]
        if not hasattr(ws, "iter_rows"):
            raise FileProblem("chart-sheet", sheet=ws.title)
        return _numbered((list(r) for r in ws.iter_rows(values_only=True)), max_rows)
    finally:
        wb.close()


def _numbered(rows: Iterable[list[object]], max_rows: int) -> Table:
    """(Excel row number, cells) of the header and every non-empty row, up to the limit."""
    out: Table = []
    number = 0
    try:
        for number, cells in enumerate(rows, start=1):
            if number > 1 and all(is_empty(c) for c in cells):
                continue
            if len(out) > max_rows:  # header + max_rows data rows already read
                raise FileProblem("too-many-rows", limit=f"{max_rows:,}".replace(",", "."))
            out.append((number, cells))
    except csv.Error as exc:  # e.g. a field over the csv module's size limit
        raise FileProblem("unreadable", row=number + 1, reason=show(exc, 120)) from None
    return out


def read_table(path: Path, sheet: str | None, max_rows: int, max_bytes: int
                ) -> Table:
    try:
        kind = _file_kind(path, max_bytes)
        rows = _read_csv(path, max_rows) if kind == "csv" else _read_xlsx(path, sheet, max_rows)
    except FileProblem:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of a foreign file is "unreadable"
        raise FileProblem("unreadable", reason=short_reason(exc)) from None
    if not rows or (len(rows) == 1 and all(is_empty(c) for c in rows[0][1])):
        raise FileProblem("empty-file")
    return rows


def short_reason(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return show(f"{type(exc).__name__}: {text}" if text else type(exc).__name__, 120)


