"""results.xlsx and results.csv: the overview's table for spreadsheet users.

    write_results(out_dir, rows, labels, lang="nl")

- results.xlsx: one named sheet, a bold frozen header with an autofilter, column widths that fit
  the content, the id linking to each collaboration's report, the verdict and "does the agreement
  fit" cells coloured by severity (the overview's red/amber/green), and a print set-up (A4
  landscape, fit to the page width, the header row repeated on every page).
- results.csv: what Dutch Excel opens correctly by double-click: ';' as separator and a UTF-8
  byte-order mark.

Every text cell goes through avgkit.cell_safety.neutralise: no formula runs, in either file.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from avgkit.batch.files import write_atomic
from avgkit.cell_safety import neutralise
from avgkit.processing_register import print_setup

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
# Fill and font per severity: the same red/amber/green as the reports (avgkit.css).
SEVERITY_STYLE = {"bad": ("FFE3E3", "A61B1B"), "warn": ("FFF3C4", "8D6708"),
                  "ok": ("E3F9E5", "207227")}
VERDICT_SEVERITY = {"onvoldoende": "bad", "aandacht nodig": "warn", "voldoende": "ok"}
PRIORITY_SEVERITY = {"hoog": "bad", "midden": "warn", "laag": "ok"}


def severities(row: dict[str, Any]) -> dict[str, str]:
    """Which cells of a table row carry a severity colour, and which."""
    out = {}
    verdict = VERDICT_SEVERITY.get(row.get("verdict_key") or "")
    if verdict:
        out["verdict"] = verdict
    fits = row.get("fits_key")
    if fits is not None:
        out["agreement_fits"] = "ok" if fits else "bad"
    if row.get("failed"):
        out["status"] = out["report_status"] = "bad"
    # issue 12: the priority and the agreement state in the overview's colours
    for key, severity in (("priority", row.get("severity")),
                          ("agreement_state", row.get("agreement_severity"))):
        if severity in PRIORITY_SEVERITY:
            out[key] = PRIORITY_SEVERITY[severity]
    return out


def _csv(rows: list[dict[str, Any]], columns: list[str], headers: list[str]) -> str:
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([neutralise(row.get(c, "")) for c in columns])
    return "\ufeff" + buf.getvalue()


def _width(values: list[Any]) -> float:
    longest = max((len(str(v)) for v in values if v not in (None, "")), default=4)
    return min(max(longest + 2, 6), 48)


def write_results(out_dir: Path, rows: list[dict[str, Any]], labels: dict[str, str],
                  columns: list[str]) -> None:
    """Write results.csv and results.xlsx from the overview's rows (dicts with `columns` as
    keys, plus report, verdict_key, fits_key and failed for links and colours)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    out_dir = Path(out_dir)
    headers = [labels.get(c, c) for c in columns]
    write_atomic(out_dir / "results.csv", _csv(rows, columns, headers))

    wb = Workbook()
    ws = wb.active
    ws.title = _SHEET_BAD.sub(" ", labels.get("table") or "Samenwerkingen")[:31]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F3F6F9")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, row in enumerate(rows, start=2):
        ws.append([neutralise(row.get(c, "")) for c in columns])
        if row.get("report"):
            cell = ws.cell(i, columns.index("id") + 1)
            cell.hyperlink = row["report"]  # relative: the report beside results.xlsx
            cell.style = "Hyperlink"
        for key, severity in severities(row).items():
            if key in columns:
                fill, font = SEVERITY_STYLE[severity]
                cell = ws.cell(i, columns.index(key) + 1)
                cell.fill = PatternFill("solid", fgColor=fill)
                cell.font = Font(color=font, bold=severity == "bad")
    for j, key in enumerate(columns, start=1):
        values = [labels.get(key, key)] + [row.get(key, "") for row in rows]
        ws.column_dimensions[get_column_letter(j)].width = _width(values)
    ws.freeze_panes = "B2"
    print_setup(ws)  # autofilter; A4 landscape, fit to width, header row on every page
    xlsx = io.BytesIO()  # no fixed temporary name a planted symlink could redirect (issue 15)
    wb.save(xlsx)
    write_atomic(out_dir / "results.xlsx", xlsx.getvalue())
