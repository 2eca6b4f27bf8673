"""Benchmark: `avgkit validate` and `avgkit import` on big portfolios and on hostile XLSX files.

    .venv/bin/python benchmarks/portfolio.py               # 100,000 rows, CSV and XLSX, bombs
    .venv/bin/python benchmarks/portfolio.py --rows 20000 --skip-import

Every command runs as its own process; time is wall clock, memory the peak resident memory of
the process tree (sampled every 50 ms). The baseline, measured in the same run, is the start-up
of the same interpreter importing avgkit.portfolio (what any command pays before reading a row).
The bombs are built here:

- zip bomb: a 0.4 MB workbook whose sheet unpacks to ~400 MB of cells;
- forged <dimension>: a small workbook whose sheet claims A1:XFD1048576 (17 billion cells);
- shared strings bomb: sharedStrings.xml that unpacks to ~200 MB of tiny strings.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from batch import BIN, synthetic_portfolio, timed  # noqa: E402 - the shared helpers

PY = str(Path(sys.executable))


def xlsx_from_csv(source: Path, path: Path) -> Path:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("portefeuille")

    def text(value: str):
        if not value.startswith("="):
            return value
        cell = WriteOnlyCell(ws, value)  # a hostile name starting with '=' stays text
        cell.data_type = "s"
        return cell

    with source.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter=";"):
            ws.append([text(v) for v in row])
    wb.save(path)
    return path


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
    'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/'
    'xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
    'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
    'org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    '</Relationships>')
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="p" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
    'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
    'org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
              'openxmlformats.org/spreadsheetml/2006/main">')


def _cell(col: str, row: int, text: str) -> str:
    return f'<c r="{col}{row}" t="inlineStr"><is><t>{text}</t></is></c>'


def bomb(path: Path, kind: str) -> Path:
    """One of the hostile workbooks (see the module docstring)."""
    header = '<row r="1">' + "".join(_cell(c, 1, t) for c, t in
                                     zip("ABC", ["id", "corporatie", "aannemer"],
                                         strict=True)) + "</row>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        strings = '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.' \
                  'openxmlformats.org/spreadsheetml/2006/main">'
        with zf.open("xl/sharedStrings.xml", "w") as fh:
            fh.write(strings.encode())
            if kind == "strings":
                chunk = b"<si><t>x</t></si>" * 100_000
                for _ in range(120):  # ~200 MB
                    fh.write(chunk)
            fh.write(b"</sst>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            dimension = '<dimension ref="A1:XFD1048576"/>' if kind == "dimension" else ""
            fh.write(f"{SHEET_HEAD}{dimension}<sheetData>{header}".encode())
            rows = 5_000 if kind == "dimension" else 1
            for r in range(2, rows + 2):
                fh.write(f'<row r="{r}">{"".join(_cell(c, r, f"{c}{r}") for c in "ABC")}'
                         '</row>'.encode())
            if kind == "zip":
                fh.write(f'<row r="{rows + 2}">'.encode())
                chunk = b'<c t="inlineStr"><is><t>x</t></is></c>' * 100_000
                for _ in range(100):  # ~400 MB of cells in one row
                    fh.write(chunk)
                fh.write(b"</row>")
            fh.write(b"</sheetData></worksheet>")
    return path


def measure(label: str, cmd: list[str], results: list) -> None:
    seconds, peak, proc = timed(cmd)
    last = (proc.stdout.strip().splitlines() or proc.stderr.strip().splitlines() or [""])[-1]
    results.append((label, seconds, peak, proc.returncode, last))
    print(f"{label:<40} {seconds:7.1f} s  {peak / 2**20:6.0f} MiB  exit {proc.returncode}  "
          f"{last[:110]}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--skip-import", action="store_true")
    ap.add_argument("--skip-xlsx", action="store_true")
    ap.add_argument("--import-formats", nargs="*", default=["CSV", "XLSX"],
                    help="import only these big files (the bombs are always imported)")
    args = ap.parse_args()
    avgkit = str(BIN / "avgkit")
    results: list = []
    with tempfile.TemporaryDirectory(prefix="avgkit-bench-") as tmp:
        work = Path(tmp)
        measure("baseline: start-up (import avgkit.portfolio)",
                [PY, "-c", "import avgkit.portfolio"], results)
        csv_path = synthetic_portfolio(args.rows, work / "groot.csv")
        files = [("CSV", csv_path)]
        if not args.skip_xlsx:
            files.append(("XLSX", xlsx_from_csv(csv_path, work / "groot.xlsx")))
        for kind, path in files:
            size = path.stat().st_size / 2**20
            measure(f"validate {args.rows:,} rows {kind} ({size:.0f} MB)",
                    [avgkit, "validate", str(path)], results)
            if not args.skip_import and kind in args.import_formats:
                store = work / f"{kind}.sqlite"
                measure(f"import {args.rows:,} rows {kind}",
                        [avgkit, "import", str(path), "--store", str(store)], results)
                measure(f"import again (nothing changed) {kind}",
                        [avgkit, "import", str(path), "--store", str(store)], results)
        for kind in ("zip", "dimension", "strings"):
            path = bomb(work / f"bom-{kind}.xlsx", kind)
            size = path.stat().st_size / 2**10
            measure(f"validate bomb '{kind}' ({size:.0f} KB)", [avgkit, "validate", str(path)],
                    results)
            if not args.skip_import:
                measure(f"import bomb '{kind}'",
                        [avgkit, "import", str(path), "--store", str(work / "bomb.sqlite")],
                        results)
    base = results[0][1]
    print(f"\n(baseline start-up {base:.1f} s; ratios are against it)")
    for label, seconds, peak, code, _ in results[1:]:
        print(f"| {label} | {seconds:.1f} s | {seconds / base:.0f}× | {peak / 2**20:.0f} MiB "
              f"| {code} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
