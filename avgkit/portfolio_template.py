"""Write portfolio spreadsheets from the column spec: the empty template with help and drop-down
lists, an XLSX copy of a CSV portfolio, and the column table of the README."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

from avgkit.knowledge import load_knowledge
from avgkit.knowledge.schema import normalise_header
from avgkit.portfolio_spec import column_help, column_letter, columns, header_for, spec

TEMPLATE_ROWS = 2000  # rows that get the drop-down lists
FIXED_TIME = dt.datetime(2024, 1, 1)  # document properties, so regenerated files do not churn
GROUP_FILLS = {"samenwerking": "DDEBF7", "vragen": "E2EFDA", "overeenkomst": "FFF2CC",
               "risico": "FCE4D6", "maatregelen": "EDEDED", "verwijzing": "D9D9F3"}


def _expected(col, lang: str) -> str:
    return spec().kinds[col.kind].expected.get(lang)


def _group(col, lang: str) -> str:
    return spec().groups[col.group].get(lang)


def _required(col, lang: str) -> str:
    return spec().texts["required_yes"].get(lang) if col.required else ""


def _new_workbook(lang: str):
    from openpyxl import Workbook

    wb = Workbook()
    wb.properties.creator = "avgkit"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    wb.active.title = spec().texts["template_sheet"].get(lang)
    return wb


def _data_sheet(ws, lang: str, with_help: bool) -> None:
    """Header row in row 1 (styled, frozen); help as comments and input prompts."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    for i, col in enumerate(columns()):
        cell = ws.cell(row=1, column=i + 1, value=header_for(col, lang))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=GROUP_FILLS.get(col.group, "FFFFFF"))
        ws.column_dimensions[column_letter(i)].width = max(12, min(40, len(cell.value) + 4))
        if not with_help:
            continue
        note = f"{column_help(col, lang)}\n\n{_expected(col, lang)}"
        if col.question:
            note += f"\n\n{load_knowledge().question(col.question).help.get(lang)}"
        if col.example:
            note += f"\n\n{spec().texts['example'].get(lang)}: {col.example}"
        comment = Comment(note, "avgkit")
        comment.width, comment.height = 320, 200
        cell.comment = comment
        choices = spec().kinds[col.kind].choices
        if choices:
            dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"',
                                allow_blank=True, showErrorMessage=True, errorStyle="warning",
                                showInputMessage=True)
            dv.promptTitle = header_for(col, lang)[:32]
            dv.prompt = _expected(col, lang)[:255]
            dv.errorTitle = header_for(col, lang)[:32]
            dv.error = _expected(col, lang)[:255]
            letter = column_letter(i)
            dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            ws.add_data_validation(dv)
    ws.freeze_panes = "B2"


def _help_sheet(wb, lang: str) -> None:
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet(spec().texts["template_help_sheet"].get(lang))
    ws.append(spec().texts["template_help_header"].get(lang).split("|"))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for col in columns():
        citations = "; ".join(col.citations)
        if col.question:
            citations = "; ".join(load_knowledge().question(col.question).citations)
        ws.append([header_for(col, lang), _group(col, lang), _required(col, lang),
                   _expected(col, lang), column_help(col, lang), citations])
    ws.append([])
    ws.append([spec().note.get(lang)])
    for letter, width in zip("ABCDEF", (30, 26, 10, 60, 80, 40), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def write_template(path: str | Path, lang: str = "nl") -> Path:
    """The empty portfolio template: the data sheet first, then a help sheet."""
    wb = _new_workbook(lang)
    _data_sheet(wb.active, lang, with_help=True)
    _help_sheet(wb, lang)
    return _save_reproducibly(wb, path)


def write_portfolio_xlsx(path: str | Path, header: Sequence[str],
                         rows: Sequence[Sequence[str]], lang: str = "nl") -> Path:
    """A portfolio (e.g. the CSV example) as XLSX, typed as a user's Excel would type it: whole
    numbers as numbers, ISO dates as dates, the rest as text. A text starting with '=' stays a
    string, never a formula."""
    kinds = _kinds_by_header(header)
    wb = _new_workbook(lang)
    ws = wb.active
    ws.append(list(header))
    for r, row in enumerate(rows, start=2):
        for j, value in enumerate(row):
            if value == "":
                continue
            cell = ws.cell(row=r, column=j + 1)
            kind = kinds[j] if j < len(kinds) else None
            if kind in ("count", "form") and value.isdigit():
                cell.value = int(value)
            elif kind == "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                cell.value = dt.date.fromisoformat(value)
                cell.number_format = "yyyy-mm-dd"
            else:
                cell.value = value
                cell.data_type = "s"  # openpyxl would store '=...' as a formula
    return _save_reproducibly(wb, path)


def _kinds_by_header(header: Sequence[str]) -> list[str | None]:
    index = {normalise_header(n): c.kind for c in columns() for n in (c.key, c.header, *c.aliases)}
    return [index.get(normalise_header(h)) for h in header]


def _save_reproducibly(wb, path: str | Path) -> Path:
    """Save with fixed zip timestamps and modification date, so regenerating an unchanged file
    gives the same content (and no churn in git)."""
    buffer = io.BytesIO()
    wb.save(buffer)
    out = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", lambda m: m.group(1) + stamp,
                              data)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, data)
    path = Path(path)
    path.write_bytes(out.getvalue())
    return path


def columns_markdown(lang: str = "nl") -> str:
    """The column table of the README, generated from the spec."""

    def cell(text: str) -> str:
        return " ".join(str(text).split()).replace("|", "\\|")

    lines = [spec().texts["table_header"].get(lang), "|---|---|---|---|---|---|"]
    for col in columns():
        shown = header_for(col, lang)
        others = [n for n in dict.fromkeys((col.header, col.key, *col.aliases)) if n != shown]
        lines.append("| " + " | ".join(cell(x) for x in (
            f"`{shown}`", ", ".join(f"`{n}`" for n in others),
            _group(col, lang), _required(col, lang), _expected(col, lang),
            column_help(col, lang))) + " |")
    return "\n".join(lines)
