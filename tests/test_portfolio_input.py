"""Issue 15: imports that update, counts that add up, Dutch Excel files, and input that cannot
exhaust the machine (XLSX bombs built here, run in a child process with a memory cap)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import openpyxl
import pytest

from avgkit.assessment import ID_PATTERN, Assessment
from avgkit.cli import main
from avgkit.portfolio import read_portfolio, summarise

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_CSV = ROOT / "data" / "voorbeeld-portefeuille.csv"
NAMES = "id;corporatie;aannemer"


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


# --- 1. re-import updates ---------------------------------------------------------------------

def test_reimporting_a_portfolio_updates_instead_of_refusing(tmp_path, capsys):
    store = str(tmp_path / "s.sqlite")
    code, out, _ = cli(capsys, "import", str(EXAMPLE_CSV), "--store", store)
    assert code == 0 and "30 nieuw" in out
    code, out, err = cli(capsys, "import", str(EXAMPLE_CSV), "--store", store)
    assert code == 0, err
    assert "0 nieuw, 0 bijgewerkt, 30 ongewijzigd, 0 geweigerd" in out
    # A changed cell updates that one assessment.
    rows = list(csv.reader(io.StringIO(EXAMPLE_CSV.read_text("utf-8-sig")), delimiter=";"))
    rows[1][rows[0].index("omschrijving")] = "Nieuwe omschrijving"
    changed = tmp_path / "gewijzigd.csv"
    with changed.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(rows)
    code, out, err = cli(capsys, "import", str(changed), "--store", store)
    assert code == 0 and "0 nieuw, 1 bijgewerkt, 29 ongewijzigd, 0 geweigerd" in out, err
    code, out, _ = cli(capsys, "show", rows[1][0], "--store", store, "--json")
    assert json.loads(out)["assessment"]["description"] == "Nieuwe omschrijving"


def test_an_interrupted_import_resumes(tmp_path, capsys):
    # The first 10 rows saved (as a killed import leaves them), then the whole file again.
    text = EXAMPLE_CSV.read_text("utf-8-sig").splitlines()
    part = tmp_path / "deel.csv"
    part.write_text("\n".join(text[:11]) + "\n", encoding="utf-8")
    store = str(tmp_path / "s.sqlite")
    assert cli(capsys, "import", str(part), "--store", store)[0] == 0
    code, out, err = cli(capsys, "import", str(EXAMPLE_CSV), "--store", store)
    assert code == 0 and "20 nieuw, 0 bijgewerkt, 10 ongewijzigd, 0 geweigerd" in out, err


def test_import_of_a_refused_file_saves_nothing(tmp_path, capsys):
    bad = tmp_path / "p.csv"
    bad.write_text("id;aannemer\nA;B\n", encoding="utf-8")  # corporatie missing
    store = tmp_path / "s.sqlite"
    code, _, err = cli(capsys, "import", str(bad), "--store", str(store))
    assert code == 1 and "niets opgeslagen" in err and "corporatie" in err


# --- 1. counts that add up --------------------------------------------------------------------

def test_a_row_with_two_bad_cells_is_one_refused_row(tmp_path, capsys):
    path = tmp_path / "p.csv"
    path.write_text(f"{NAMES};samenwerkingsvorm;overeenkomst\nA;B;C;9;wat\nD;E;F;1;geen\n",
                    encoding="utf-8")
    code, out, _ = cli(capsys, "validate", str(path))
    assert code == 1 and "1 goedgekeurd, 1 geweigerd (2 fout(en)" in out
    from avgkit.portfolio import refused_rows
    lines = refused_rows(read_portfolio(path)[1])
    assert len(lines) == 1 and "rij 2" in lines[0] and "'samenwerkingsvorm'" in lines[0] \
        and "'overeenkomst'" in lines[0]


# --- 1. sheets, bombs, cells -----------------------------------------------------------------

@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_first_sheet_is_skipped_and_the_sheet_read_is_named(tmp_path, state):
    wb = openpyxl.Workbook()
    secret = wb.active
    secret.title = "oud"
    secret.append(["id", "corporatie", "aannemer"])
    secret.append(["GEHEIM", "X", "Y"])
    secret.sheet_state = state
    ws = wb.create_sheet("2025")
    ws.append(["id", "corporatie", "aannemer"])
    ws.append(["ZICHTBAAR", "Woonstichting", "Aannemer"])
    wb.active = 1
    path = tmp_path / "p.xlsx"
    wb.save(path)
    assessments, errors = read_portfolio(path)
    assert [a.id for a in assessments] == ["ZICHTBAAR"]
    [note] = errors
    assert note.note and not summarise(path, assessments, errors).warnings
    assert "werkblad '2025' gelezen" in str(note) and "'oud'" in str(note)
    # --sheet still reads the hidden one, and says it is hidden.
    assessments, errors = read_portfolio(path, sheet="oud")
    assert [a.id for a in assessments] == ["GEHEIM"] and "verborgen" in str(errors[0])


def _xlsx_with_sheet(path: Path, sheet_xml: bytes | None = None, rows: int = 0,
                     dimension: str | None = None, filler: bytes = b"") -> Path:
    """A minimal valid XLSX written by hand: a header and `rows` data rows, an optional forged
    <dimension>, and `filler` (repeated cells) to make a zip bomb."""
    head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
    if dimension:
        head += f'<dimension ref="{dimension}"/>'.encode()
    body = [b"<sheetData>", b'<row r="1">' + b"".join(
        f'<c r="{c}1" t="inlineStr"><is><t>{t}</t></is></c>'.encode()
        for c, t in zip("ABC", ["id", "corporatie", "aannemer"], strict=True)) + b"</row>"]
    for r in range(2, rows + 2):
        body.append(f'<row r="{r}">'.encode() + b"".join(
            f'<c r="{c}{r}" t="inlineStr"><is><t>{c}{r}</t></is></c>'.encode() for c in "ABC")
            + b"</row>")
    tail = b"</sheetData></worksheet>"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
            '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
            '"xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats'
            '.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships"><sheets><sheet name="p" sheetId="1" r:id="rId1"/>'
            '</sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target='
            '"worksheets/sheet1.xml"/></Relationships>'),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            fh.write(sheet_xml if sheet_xml is not None else head)
            if sheet_xml is None:
                fh.write(b"".join(body))
                if filler:
                    fh.write(b'<row r="%d">' % (rows + 2))
                    chunk = filler * 10_000
                    for _ in range(200):
                        fh.write(chunk)
                    fh.write(b"</row>")
                fh.write(tail)
    return path


# Run in a child with its address space capped at 1 GB: today's reader runs out of memory (or
# time) on these files; the streaming reader refuses or reads them in a few seconds.
PROBE = textwrap.dedent("""
    import resource, sys, json
    resource.setrlimit(resource.RLIMIT_AS, (1024 * 2**20, 1024 * 2**20))
    from avgkit.portfolio import read_portfolio
    assessments, errors = read_portfolio(sys.argv[1])
    print(json.dumps({"ids": [a.id for a in assessments],
                      "problems": [e.problem for e in errors]}))
""")


def _probe(path: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def test_a_forged_dimension_costs_nothing(tmp_path):
    # 8,000 rows that claim to be 16,384 columns wide: 1 GB of padding if it is believed.
    path = _xlsx_with_sheet(tmp_path / "dim.xlsx", rows=8_000, dimension="A1:XFD1048576")
    assert path.stat().st_size < 1_000_000
    result = _probe(path)
    assert result["problems"] == [] and len(result["ids"]) == 8_000
    assert result["ids"][:2] == ["A2", "A3"]


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    filler = b'<c t="inlineStr"><is><t>x</t></is></c>'
    path = _xlsx_with_sheet(tmp_path / "bom.xlsx", rows=1, filler=filler)
    assert path.stat().st_size < 1_000_000  # ~80 MB unpacked
    result = _probe(path)
    assert result == {"ids": [], "problems": ["xlsx-bomb"]}


def test_too_many_real_cells_refuse_the_file(tmp_path):
    path = _xlsx_with_sheet(tmp_path / "veel.xlsx", rows=50)
    assessments, errors = read_portfolio(path, max_cells=100)
    assert assessments == [] and [e.problem for e in errors] == ["too-many-cells"]


def test_a_nul_byte_refuses_its_row_and_names_the_cell(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(f"{NAMES}\nA;B;C\nD;E\x00vil;F\n".encode())
    assessments, errors = read_portfolio(path)
    assert [a.id for a in assessments] == ["A"]
    [err] = errors
    assert (err.problem, err.row, err.letter) == ("nul-in-cell", 3, "B")


def test_utf16_unicode_text_is_read(tmp_path):
    path = tmp_path / "unicode.txt"
    path.write_bytes("id\tcorporatie\taannemer\r\nA\tEénhoorn\tC\r\n".encode("utf-16"))
    assessments, errors = read_portfolio(path)
    assert [a.corporation for a in assessments] == ["Eénhoorn"]
    assert [e.problem for e in errors] == ["read-encoding"] and "UTF-16" in str(errors[0])


def test_cp1252_with_undefined_bytes_is_still_read(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(f"{NAMES}\nA;Caf\xe9 \x81;C\n".encode("latin-1"))
    assert [a.corporation for a in read_portfolio(path)[0]] == ["Café \x81"]


def test_a_formula_without_a_stored_value_says_so(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["id", "corporatie", "aannemer"])
    wb.active.append(["A", "=CONCAT(\"Woon\",\"stichting\")", "C"])  # openpyxl stores no value
    path = tmp_path / "p.xlsx"
    wb.save(path)
    assessments, errors = read_portfolio(path)
    [err] = errors
    assert assessments == [] and err.problem == "formula-without-value" and err.letter == "B"
    assert "formule" in str(err)


# --- 2. own measures checked up front ---------------------------------------------------------

def test_validate_checks_own_measure_columns_against_the_measures_file(tmp_path, capsys):
    path = tmp_path / "p.csv"
    path.write_text(f"{NAMES};eigen-drones\nA;B;C;aanwezig\n", encoding="utf-8")
    measures = ROOT / "data" / "eigen-maatregelen.yaml"
    code, out, _ = cli(capsys, "validate", str(path), "--measures", str(measures))
    assert code == 1 and "eigen maatregel 'eigen-drones' is onbekend" in out
    code, out, _ = cli(capsys, "validate", str(path))
    assert code == 1 and "geen bestand opgegeven" in out
    broken = tmp_path / "kapot.yaml"
    broken.write_text("measures: [1, 2\n", encoding="utf-8")
    code, out, _ = cli(capsys, "validate", str(path), "--measures", str(broken))
    assert code == 1 and "kapot.yaml' is onbruikbaar" in out


# --- 3. ids, register ------------------------------------------------------------------------

def test_an_id_with_a_trailing_newline_is_not_valid():
    assert ID_PATTERN.match("SW-001") and not ID_PATTERN.match("SW-001\n")
    with pytest.raises(ValueError):
        Assessment(id="SW-001\n")


def test_register_exits_non_zero_when_rows_were_refused(tmp_path, capsys):
    path = tmp_path / "p.csv"
    path.write_text(f"{NAMES};samenwerkingsvorm\nA;B;C;1\nD;E;F;9\n", encoding="utf-8")
    out = tmp_path / "register.xlsx"
    code, _, err = cli(capsys, "register", str(path), "--party", "corporation", "-o", str(out),
                       "--store", str(tmp_path / "s.sqlite"))
    assert code == 1 and "1 rij(en) geweigerd" in err and out.exists()


def test_validate_streams_a_file_and_counts_like_read_portfolio(tmp_path, capsys):
    path = tmp_path / "p.csv"
    lines = [NAMES] + [f"X{i};B;C" for i in range(500)] + ["X1;B;C"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = cli(capsys, "validate", str(path), "--json")
    summary = json.loads(out)["summary"]
    assert code == 1 and (summary["valid"], summary["refused"]) == (500, 1)
    assert os.path.getsize(path) > 0
