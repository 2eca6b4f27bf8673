"""Read the raw table of a portfolio file: CSV (encoding, delimiter and BOM detected) or XLSX, as
(Excel row number, cells) pairs, with the file-level checks (type, size, row and cell limits).

Rows are streamed: memory stays bounded by one row, whatever the file claims. An XLSX file is a
zip; its members' unpacked sizes are checked before anything is unpacked (a zip bomb is refused
within a second), the sheet is parsed row by row without trusting its <dimension>, and the real
cells are counted while streaming.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import threading
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from avgkit.knowledge.schema import normalise_header
from avgkit.portfolio_cells import FORMULA_WITHOUT_VALUE, is_empty
from avgkit.portfolio_errors import FileProblem, show
from avgkit.portfolio_spec import header_index

MAX_ROWS = 100_000
MAX_BYTES = 100 * 1024 * 1024
# Real cells in one sheet (100,000 rows of the template's ~45 columns is 4.5 million).
MAX_CELLS = 10_000_000
MAX_COLUMNS = 16_384  # Excel's own limit (XFD)
# Unpacked sizes of the members of an XLSX file, checked before anything is unpacked.
MAX_SHEET_XML = 512 * 1024 * 1024  # one worksheet (streamed)
MAX_SHARED_STRINGS = 32 * 1024 * 1024  # held in memory by openpyxl
MAX_OTHER_XML = 16 * 1024 * 1024  # styles, workbook, relations (parsed whole)
MAX_RATIO = 200  # unpacked / packed, for members over 1 MB: a spreadsheet is ~5-30
CSV_SUFFIXES = (".csv", ".txt", ".tsv", "")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
DELIMITERS = (";", ",", "\t")
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls and other MS Office binaries
# C0 control bytes that never occur in text (tab, newlines, form feed and ESC excepted).
_CONTROL_BYTES = bytes([*range(0, 9), 14, 15, *range(16, 27), *range(28, 32)])

Row = tuple[int, list[object]]  # (row number as Excel shows it, cells)
_NO_SIZE_LOCK = threading.Lock()


@dataclass
class Table:
    """A portfolio file opened for reading: rows streamed (header first), and what the reader
    chose (the encoding, the sheet) as (problem, params) notes for the user."""

    rows: Iterator[Row]
    notes: list[tuple[str, dict[str, object]]] = field(default_factory=list)


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


# --- CSV ------------------------------------------------------------------------------------

def _latin1_fallback(exc: UnicodeError) -> tuple[str, int]:
    # The five bytes cp1252 leaves undefined (0x81, 0x8d, 0x8f, 0x90, 0x9d) read as Latin-1.
    return exc.object[exc.start:exc.end].decode("latin-1"), exc.end


codecs.register_error("avgkit-latin1", _latin1_fallback)


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def csv_encoding(path: Path) -> tuple[str, str | None]:
    """(codec, name to tell the user or None for plain UTF-8). UTF-8 (with or without BOM),
    UTF-16 (Excel's "Unicode-tekst"; BOM or the zero bytes of ASCII text), else Windows-1252,
    which is what Dutch Excel writes for "CSV (puntkomma)"."""
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", None
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "UTF-16"
    pairs = len(head) // 2
    if pairs >= 2:
        even, odd = head[0:pairs * 2:2].count(0), head[1:pairs * 2:2].count(0)
        if odd > pairs * 0.6 and even == 0:
            return "utf-16-le", "UTF-16 (little-endian)"
        if even > pairs * 0.6 and odd == 0:
            return "utf-16-be", "UTF-16 (big-endian)"
    controls = sum(head.count(b) for b in _CONTROL_BYTES)
    if controls > max(4, len(head) // 100):
        raise FileProblem("binary")
    if _is_utf8(path):
        return "utf-8", None
    return "cp1252", "Windows-1252 (cp1252)"


def _open_text(path: Path, codec: str) -> io.TextIOWrapper:
    return path.open("r", encoding=codec, errors="avgkit-latin1" if codec == "cp1252" else
                     "strict", newline="")


def _csv_rows(path: Path, codec: str, max_rows: int) -> Table:
    with _open_text(path, codec) as fh:
        sample = fh.read(1 << 16)
    if not sample.strip():
        raise FileProblem("empty-file")
    first, _, rest = sample.partition("\n")
    hint = re.fullmatch(r"\ufeff?sep=(.)\r?", first)  # Excel's "sep=;" line, hidden by Excel
    delimiter = hint.group(1) if hint else _detect_delimiter(rest if hint else sample)

    def rows() -> Iterator[list[str]]:
        old_limit = csv.field_size_limit()
        # A long cell is refused with its row (portfolio_cells), not by the csv module.
        csv.field_size_limit(max(old_limit, MAX_BYTES))
        try:
            with _open_text(path, codec) as fh:
                if hint:
                    fh.readline()
                yield from csv.reader(fh, delimiter=delimiter)
        finally:
            csv.field_size_limit(old_limit)

    return Table(_numbered(rows(), max_rows))  # Excel hides the sep= line: not a row


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


# --- XLSX -----------------------------------------------------------------------------------

def check_zip(path: Path) -> None:
    """Refuse an XLSX whose members would unpack to more than we are willing to read, from the
    sizes the zip's central directory states (before unpacking anything). zipfile itself stops
    reading a member at its stated size, so a member cannot lie its way past this check."""
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise FileProblem("unreadable", reason=short_reason(exc)) from None
    for info in members:
        name = info.filename
        lower = name.lower()
        if lower.startswith("xl/worksheets/") and lower.endswith(".xml"):
            limit = MAX_SHEET_XML
        elif lower == "xl/sharedstrings.xml":
            limit = MAX_SHARED_STRINGS
        elif lower.endswith((".xml", ".rels", ".vml")):
            limit = MAX_OTHER_XML
        else:
            continue  # images and other parts openpyxl does not unpack in read-only mode
        if info.file_size > limit:
            raise FileProblem("xlsx-too-large", member=show(name, 60),
                              size=f"{info.file_size / 2**20:.0f}", limit=f"{limit / 2**20:g}")
        if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise FileProblem("xlsx-bomb", member=show(name, 60), limit=MAX_RATIO,
                              ratio=f"{info.file_size // max(info.compress_size, 1):,}"
                              .replace(",", "."))


def _pick_sheet(wb, sheet: str | None) -> tuple[object, list[tuple[str, dict[str, object]]]]:
    from avgkit.portfolio_spec import spec

    names = wb.sheetnames
    if sheet is not None:
        if sheet not in names:
            raise FileProblem("no-sheet", sheet=sheet, sheets=", ".join(names))
        ws = wb[sheet]
        hidden = getattr(ws, "sheet_state", "visible") != "visible"
        skipped = spec().texts["hidden_sheet"] if hidden else ""
        notes = [("read-sheet", {"sheet": sheet, "skipped": skipped})] if hidden else []
        return ws, notes
    visible = [ws for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
    charts = [c for c in getattr(wb, "chartsheets", [])
              if getattr(c, "sheet_state", "visible") == "visible"]
    if not visible:
        if charts:
            raise FileProblem("chart-sheet", sheet=charts[0].title)
        raise FileProblem("no-visible-sheet", sheets=", ".join(names))
    ws = visible[0]
    hidden = [n for n in names[:names.index(ws.title)]
              if getattr(wb[n], "sheet_state", "visible") != "visible"]
    notes: list[tuple[str, dict[str, object]]] = []
    if hidden:
        skipped = spec().texts["hidden_skipped"].format(sheets=", ".join(f"'{n}'" for n in hidden))
        notes.append(("read-sheet", {"sheet": ws.title, "skipped": skipped}))
    return ws, notes


def _xlsx_rows(path: Path, sheet: str | None, max_rows: int, max_cells: int) -> Table:
    import openpyxl
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    check_zip(path)

    from openpyxl.utils.cell import coordinate_to_tuple
    from openpyxl.xml.constants import SHEET_MAIN_NS

    inline, t_tag, r_tag = (f"{{{SHEET_MAIN_NS}}}{n}" for n in ("is", "t", "r"))

    class CellParser(WorkSheetParser):
        def parse_cell(self, element):
            if element.get("t") == "inlineStr":  # openpyxl's Text.from_tree is ~50x slower
                return self._inline(element)
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                cell["value"] = FORMULA_WITHOUT_VALUE
            return cell

        def _inline(self, element):
            coordinate = element.get("r")
            if coordinate:
                row, column = coordinate_to_tuple(coordinate)
                self.col_counter = column
            else:
                self.col_counter += 1
                row, column = self.row_counter, self.col_counter
            child = element.find(inline)
            value = None
            if child is not None:  # plain <t>, or rich-text runs <r><t>; phonetic runs left out
                parts = [node.text or "" if node.tag == t_tag else
                         (node.findtext(t_tag) or "") for node in child
                         if node.tag in (t_tag, r_tag)]
                value = "".join(parts)
            return {"row": row, "column": column, "value": value, "data_type": "s",
                    "style_id": int(element.get("s", 0) or 0)}

    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    with warnings.catch_warnings(), _NO_SIZE_LOCK:
        warnings.simplefilter("ignore")  # openpyxl warns about Excel extensions it drops
        # Without a <dimension> element openpyxl reads every sheet to its end just to find its
        # size (in read-only mode too, for every sheet, used or not); we never use the size.
        original = ReadOnlyWorksheet._get_size
        ReadOnlyWorksheet._get_size = lambda self: None
        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        finally:
            ReadOnlyWorksheet._get_size = original
    try:
        ws, notes = _pick_sheet(wb, sheet)
        if not hasattr(ws, "_worksheet_path"):
            raise FileProblem("chart-sheet", sheet=ws.title)
    except BaseException:
        wb.close()
        raise

    def rows() -> Iterator[Row]:
        cells_seen, last = 0, 0
        try:
            with wb._archive.open(ws._worksheet_path) as src, warnings.catch_warnings():
                warnings.simplefilter("ignore")
                parser = CellParser(src, ws._shared_strings, data_only=True, epoch=wb.epoch,
                                    date_formats=wb._date_formats,
                                    timedelta_formats=wb._timedelta_formats)
                # Only the rows and cells that are really there: no padding to a <dimension>.
                for number, cells in parser.parse():
                    cells_seen += len(cells)
                    if cells_seen > max_cells:
                        raise FileProblem("too-many-cells",
                                          limit=f"{max_cells:,}".replace(",", "."))
                    if number <= last:  # rows out of order or repeated: not Excel's
                        raise FileProblem("unreadable", row=number,
                                          reason=f"row {number} after row {last}")
                    if last == 0 and number > 1:
                        yield 1, []  # the header is row 1, also when it is empty
                    last = number
                    width = min(max((c["column"] for c in cells), default=0), MAX_COLUMNS)
                    values: list[object] = [None] * width
                    for c in cells:
                        if 1 <= c["column"] <= width:
                            values[c["column"] - 1] = c["value"]
                    yield number, values
        finally:
            wb.close()

    return Table(_numbered(rows(), max_rows), notes)


def _numbered(rows: Iterable, max_rows: int, first_row: int = 1) -> Iterator[Row]:
    """(Excel row number, cells) of the header and every non-empty row, up to the limit. rows
    yields cell lists (numbered from first_row) or (number, cells) pairs."""
    count = 0
    number = first_row - 1
    iterator = iter(rows)
    try:
        while True:
            try:
                item = next(iterator)
            except StopIteration:
                return
            if isinstance(item, tuple):
                number, cells = item
            else:
                number, cells = number + 1, item
            if count and all(is_empty(c) for c in cells):
                continue
            if count > max_rows:  # header + max_rows data rows already read
                raise FileProblem("too-many-rows", limit=f"{max_rows:,}".replace(",", "."))
            count += 1
            yield number, cells
    except csv.Error as exc:
        raise FileProblem("unreadable", row=number + 1, reason=show(exc, 120)) from None
    except FileProblem:
        raise
    except UnicodeDecodeError as exc:
        raise FileProblem("unreadable", row=number + 1, reason=short_reason(exc)) from None
    except Exception as exc:  # noqa: BLE001 - any failure of a foreign file is "unreadable"
        raise FileProblem("unreadable", reason=short_reason(exc)) from None


def open_table(path: Path, sheet: str | None, max_rows: int = MAX_ROWS,
               max_bytes: int = MAX_BYTES, max_cells: int = MAX_CELLS) -> Table:
    """The file opened for streaming. FileProblem now (the file as a whole cannot be used) or
    while iterating (a limit reached, broken XML further on)."""
    try:
        kind = _file_kind(path, max_bytes)
        if kind == "csv":
            codec, name = csv_encoding(path)
            table = _csv_rows(path, codec, max_rows)
            if name:
                table.notes.append(("read-encoding", {"encoding": name}))
        else:
            table = _xlsx_rows(path, sheet, max_rows, max_cells)
    except FileProblem:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of a foreign file is "unreadable"
        raise FileProblem("unreadable", reason=short_reason(exc)) from None
    return table


def read_table(path: Path, sheet: str | None, max_rows: int = MAX_ROWS,
               max_bytes: int = MAX_BYTES) -> list[Row]:
    """The whole table in memory (small files, tests); FileProblem for an unusable file."""
    rows = list(open_table(path, sheet, max_rows, max_bytes).rows)
    if not rows or (len(rows) == 1 and all(is_empty(c) for c in rows[0][1])):
        raise FileProblem("empty-file")
    return rows


def short_reason(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return show(f"{type(exc).__name__}: {text}" if text else type(exc).__name__, 120)
