"""`avgkit batch` on the example portfolio, as the README's main command runs it."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import openpyxl
import pytest
from conftest import ROOT

from avgkit.batch import run_batch
from avgkit.batch.files import inside, safe_name
from avgkit.batch.overview import TABLE_COLUMNS
from avgkit.cell_safety import neutralise
from avgkit.portfolio import read_portfolio

EXAMPLE = ROOT / "data" / "voorbeeld-portefeuille.csv"


@pytest.fixture(scope="module")
def example():
    assessments, errors = read_portfolio(EXAMPLE)
    assert not [e for e in errors if not getattr(e, "warning", False)]
    return assessments


@pytest.fixture(scope="module")
def batch_out(tmp_path_factory, example):
    out = tmp_path_factory.mktemp("reports")
    outcome = run_batch(EXAMPLE, out, workers=2, progress=False)
    return out, outcome


def _reports(out: Path) -> list[Path]:
    return sorted(p for p in out.glob("*.html") if p.name != "index.html")


def test_every_collaboration_gets_a_report_and_a_result(batch_out, example):
    out, outcome = batch_out
    assert outcome.failed == [] and outcome.refused == []
    assert sorted(outcome.ran) == sorted(a.id for a in example)
    assert outcome.exit_status == 0
    assert len(_reports(out)) == len(example) >= 25
    for a in example:
        record = json.loads((out / f"{safe_name(a.id)}.json").read_text())
        assert record["status"] == "ok" and record["summary"]["id"] == a.id


def test_reports_are_self_contained_lean_and_without_code(batch_out):
    out, _ = batch_out
    for report in _reports(out):
        html = report.read_text()
        assert html.startswith("<!DOCTYPE html>")
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), report.name
        assert "require.js" not in html and "mathjax" not in html.lower()
        assert "assessment_id" not in html  # no code, not even the parameters
        assert "In&nbsp;[" not in html
        assert report.stat().st_size < 200_000, report.name
        assert "Traceback" not in html


def test_hostile_strings_are_escaped_and_neutralised(batch_out, example):
    out, _ = batch_out
    hostile = [a for a in example if "<script" in a.description.lower()]
    assert hostile, "the example portfolio keeps a row with HTML in it"
    for a in hostile:
        html = (out / f"{safe_name(a.id)}.html").read_text()
        assert "<script" not in html.lower()
        assert "&lt;script" in html
    index = (out / "index.html").read_text()
    assert index.lower().count("<script") == 1  # our own sort/filter script only
    formula = [a for a in example if a.contractor.startswith(("=", "+", "-", "@"))]
    assert formula
    with (out / "results.csv").open(encoding="utf-8-sig") as fh:
        cells = [c for row in csv.reader(fh, delimiter=";") for c in row]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    sheet = openpyxl.load_workbook(out / "results.xlsx").active
    values = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(v.startswith(("=", "+", "-", "@")) for v in values)
    assert any(v == "'" + formula[0].contractor for v in values)


def test_overview_has_totals_table_and_links(batch_out, example):
    out, _ = batch_out
    index = (out / "index.html").read_text()
    for a in example:
        assert f'href="{safe_name(a.id)}.html"' in index
    assert "<svg" in index and "Totalen" in index
    rows = list(csv.DictReader((out / "results.csv").open(encoding="utf-8-sig"), delimiter=";"))
    assert len(rows) == len(example)


def test_rerun_with_nothing_changed_runs_nothing(batch_out, example):
    out, _ = batch_out
    again = run_batch(EXAMPLE, out, workers=2, progress=False)
    assert again.ran == [] and sorted(again.skipped) == sorted(a.id for a in example)
    assert len(_reports(out)) == len(example)


def test_changed_row_only_reruns_that_collaboration(tmp_path, example):
    out = tmp_path / "out"
    portfolio = tmp_path / "p.csv"
    lines = EXAMPLE.read_text(encoding="utf-8-sig").splitlines()
    portfolio.write_text("\n".join(lines[:4]) + "\n", encoding="utf-8")
    first = run_batch(portfolio, out, workers=1, progress=False)
    assert len(first.ran) == 3
    changed = lines[:3] + [lines[3].replace(";ja;", ";nee;", 1) if ";ja;" in lines[3]
                           else lines[3].replace(";nee;", ";ja;", 1)]
    portfolio.write_text("\n".join(changed) + "\n", encoding="utf-8")
    second = run_batch(portfolio, out, workers=1, progress=False)
    assert second.ran == [lines[3].split(";")[0]]
    forced = run_batch(portfolio, out, workers=1, progress=False, force=True)
    assert len(forced.ran) == 3


def test_one_failing_collaboration_does_not_stop_the_batch(tmp_path):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", notebooks)
    nb = nbformat.read(notebooks / "samenwerking.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        'if assessment_id == "DL-002":\n    raise RuntimeError("kapot rapport")'))
    nbformat.write(nb, notebooks / "samenwerking.ipynb")
    portfolio = tmp_path / "p.csv"
    lines = EXAMPLE.read_text(encoding="utf-8-sig").splitlines()
    portfolio.write_text("\n".join(lines[:4]) + "\n", encoding="utf-8")
    outcome = run_batch(portfolio, tmp_path / "out", workers=2, progress=False,
                        notebooks_dir=notebooks)
    assert outcome.failed == ["DL-002"] and len(outcome.ran) == 2
    assert outcome.exit_status == 1
    record = json.loads((tmp_path / "out" / f"{safe_name('DL-002')}.json").read_text())
    assert "kapot rapport" in record["error"]
    assert "kapot rapport" in (tmp_path / "out" / "index.html").read_text()


def test_refused_rows_are_listed_and_valid_rows_still_run(tmp_path):
    lines = EXAMPLE.read_text(encoding="utf-8-sig").splitlines()
    bad = lines[2].split(";")
    bad[6] = "9"  # samenwerkingsvorm 9 does not exist
    portfolio = tmp_path / "p.csv"
    portfolio.write_text("\n".join([lines[0], lines[1], ";".join(bad)]) + "\n", encoding="utf-8")
    outcome = run_batch(portfolio, tmp_path / "out", workers=1, progress=False)
    assert len(outcome.ran) == 1 and len(outcome.refused) == 1
    assert "rij 3" in outcome.refused[0] and "samenwerkingsvorm" in outcome.refused[0]
    assert outcome.exit_status == 1


def test_ids_never_leave_the_output_folder(tmp_path):
    for hostile in ("../../etc/passwd", "..", "CON", "a/b\\c", "x" * 300, "café.html"):
        name = safe_name(hostile)
        assert re.fullmatch(r"[A-Za-z0-9._-]+", name) and not name.startswith(".")
        assert inside(tmp_path, f"{name}.html").parent == tmp_path.resolve()
    assert safe_name("A") != safe_name("a")
    with pytest.raises(ValueError):
        inside(tmp_path, "../x.html")


def test_formula_neutralising():
    assert neutralise("=1+1") == "'=1+1" and neutralise("@SUM") == "'@SUM"
    assert neutralise("Woonstad") == "Woonstad" and neutralise(3) == 3


def test_results_csv_and_xlsx_hide_no_formula_behind_a_control_character(tmp_path):
    """A control character in front of a formula must not smuggle it past the apostrophe, in
    results.csv as in results.xlsx and the registers (one rule for every spreadsheet we write)."""
    from avgkit.batch.spreadsheet import write_results

    hostile = ["\x01=HYPERLINK(\"http://x\";\"klik\")", "\n-2+3", "\x00@SUM(A1)"]
    rows = [{"id": f"SW-{i}", "contractor": v} for i, v in enumerate(hostile)]
    write_results(tmp_path, rows, {}, ["id", "contractor"])
    with (tmp_path / "results.csv").open(encoding="utf-8-sig", newline="") as fh:
        csv_cells = [r[1] for r in csv.reader(fh, delimiter=";")][1:]
    sheet = openpyxl.load_workbook(tmp_path / "results.xlsx").active
    xlsx_cells = [r[1].value for r in sheet.iter_rows(min_row=2)]
    expected = ["'=HYPERLINK(\"http://x\";\"klik\")", "'\n-2+3", "'@SUM(A1)"]
    assert csv_cells == expected
    assert xlsx_cells == expected


def test_only_and_cli(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "avgkit", "batch", str(EXAMPLE), "--out",
                           str(out), "--only", "DL-001", "DL-003", "--quiet", "--workers", "1"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "2 rapporten gemaakt" in proc.stdout
    assert len(_reports(out)) == 2
    proc = subprocess.run([sys.executable, "-m", "avgkit", "batch", str(EXAMPLE), "--out",
                           str(out), "--only", "NOPE", "--quiet"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "NOPE" in proc.stderr and "Traceback" not in proc.stderr


def test_notebooks_get_identifiers_and_paths_only(batch_out, example):
    """Names, descriptions, quotes and newlines from the portfolio never reach notebook code."""
    from avgkit.batch.runner import Job, _execute

    out, _ = batch_out
    hostile = next(a for a in example if "<script" in a.description.lower())
    job = Job(id=hostile.id, name=safe_name(hostile.id),
              store_path=str(out / "_avgkit" / "portefeuille.sqlite"), out_dir=str(out),
              lang="nl", input_hash="x", with_checklist=False,
              notebooks_dir=str(ROOT / "notebooks"))
    nb = _execute(ROOT / "notebooks" / "samenwerking.ipynb", job)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assignments = [line for line in injected.source.splitlines()
                   if line and not line.startswith("#")]
    assert [line.split(" = ")[0] for line in assignments] == [
        "assessment_id", "store_path", "lang", "interactive"]
    assert hostile.description not in injected.source
    assert hostile.contractor not in injected.source


def test_own_measures_need_their_file(tmp_path):
    """A portfolio column for an organisation's own measure works with --measures; without the
    file the portfolio is refused up front, naming the column (issue 15: before, every
    collaboration answering it failed in its notebook), and nothing is written."""
    lines = EXAMPLE.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0] + ";eigen-tablets"
    rows = [lines[1] + ";aanwezig", lines[2] + ";"]
    portfolio = tmp_path / "p.csv"
    portfolio.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    from avgkit.batch.guard import EXIT_PORTFOLIO, BatchError

    with pytest.raises(BatchError) as refused:
        run_batch(portfolio, tmp_path / "a", workers=1, progress=False)
    assert refused.value.code == EXIT_PORTFOLIO
    assert any("eigen-tablets" in line and "geen bestand opgegeven" in line
               for line in refused.value.details)
    assert not (tmp_path / "a" / "index.html").exists()
    with_file = run_batch(portfolio, tmp_path / "b", workers=1, progress=False,
                          measures=ROOT / "data" / "eigen-maatregelen.yaml")
    assert sorted(with_file.ran) == ["DL-001", "DL-002"]
    assert "Tablet" in (tmp_path / "b" / f"{safe_name('DL-001')}.html").read_text()


def test_interrupted_batch_resumes_where_it_stopped(tmp_path, example):
    import signal
    import time

    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "avgkit", "batch", str(EXAMPLE), "--out",
                             str(out), "--workers", "1", "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while len(list(out.glob("*.json"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=180)
    assert proc.returncode == 130, stderr
    assert "Onderbroken" in stdout and "Traceback" not in stderr
    done = len(list(out.glob("*.json")))
    assert 3 <= done < len(example)
    resumed = run_batch(EXAMPLE, out, workers=2, progress=False)
    assert len(resumed.skipped) == done and len(resumed.ran) == len(example) - done
    assert resumed.failed == []


def test_results_csv_opens_in_dutch_excel_and_has_a_sufficient_collaboration(batch_out, example):
    out, _ = batch_out
    raw = (out / "results.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    assert raw[3:].split(b"\r\n")[0].count(b";") == len(TABLE_COLUMNS) - 1
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert len(rows) == len(example)
    verdicts = {r["Id"]: r["Oordeel"] for r in rows}
    assert verdicts["DL-001"] == "voldoende"  # free-text doel and bewaartermijn (issue 12)
    assert verdicts["ZH-001"] == "onvoldoende"


def test_results_xlsx_is_a_working_spreadsheet(batch_out, example):
    out, _ = batch_out
    wb = openpyxl.load_workbook(out / "results.xlsx")
    assert wb.sheetnames == ["Alle samenwerkingen"]
    ws = wb.active
    assert ws.freeze_panes == "B2" and ws.auto_filter.ref == ws.dimensions
    assert ws.print_title_rows == "$1:$1" and ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert all(ws.column_dimensions[c].width >= 6 for c in "ABCDEFGHIJKLMNO")
    header = [c.value for c in ws[1]]
    ids = {ws.cell(i, 1).value: i for i in range(2, ws.max_row + 1)}
    assert set(ids) == {a.id for a in example}
    link = ws.cell(ids["ZH-001"], 1).hyperlink.target
    assert link.startswith("ZH-001-") and (out / link).is_file()
    verdict = ws.cell(ids["ZH-001"], header.index("Oordeel") + 1)
    assert verdict.fill.fgColor.rgb.endswith("FFE3E3")  # red: onvoldoende
    ok = ws.cell(ids["DL-001"], header.index("Oordeel") + 1)
    assert ok.value == "voldoende" and ok.fill.fgColor.rgb.endswith("E3F9E5")
