"""`avgkit validate` and `avgkit template` as a user runs them."""

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from avgkit.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "voorbeeld-portefeuille.csv"
BAD = ROOT / "tests" / "data" / "slechte-portefeuille.csv"


def run(*args):
    return subprocess.run([sys.executable, "-m", "avgkit", *args], capture_output=True,
                          text=True, timeout=120)


def test_valid_portfolio_exits_0():
    proc = run("validate", str(EXAMPLE))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().endswith("0 geweigerd (0 fout(en), 0 waarschuwing(en)).")
    assert "30 rijen gelezen, 30 goedgekeurd" in proc.stdout


def test_bad_portfolio_reports_every_cell_and_exits_1():
    proc = run("validate", str(BAD))
    assert proc.returncode == 1 and proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert len(lines) == 19 + 1  # every problem on its own line, then the summary
    assert f"{BAD}, rij 7, kolom E 'samenwerkingsvorm': onbekende waarde '7'" in proc.stdout
    assert lines[-1] == (f"{BAD}: 15 rijen gelezen, 4 goedgekeurd, 11 geweigerd "
                         "(17 fout(en), 2 waarschuwing(en)).")


def test_json_and_english(capsys):
    assert main(["validate", str(BAD), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["refused"] == 11 and data["summary"]["ok"] is False
    assert data["valid_ids"] == ["OK-1", "DUP", "OK-10", "OK-11"]
    first = data["errors"][0]
    assert first["row"] == 1 and first["warning"] is True and first["column"] == "kleur"
    assert main(["validate", str(BAD), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "15 rows read, 4 accepted, 11 refused" in out and "row 7, column E" in out


@pytest.mark.parametrize("make", [
    lambda p: p / "bestaat-niet.csv",
    lambda p: p,
    lambda p: (p / "ruis.csv").write_bytes(bytes(range(256)) * 50) and p / "ruis.csv",
    lambda p: (p / "ruis.xlsx").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 50)
    and p / "ruis.xlsx",
    lambda p: (p / "leeg.xlsx").write_bytes(b"") == 0 and p / "leeg.xlsx",
])
def test_unusable_files_exit_1_without_traceback(tmp_path, make):
    proc = run("validate", str(make(tmp_path)))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "verwacht:" in proc.stdout and "bestand geweigerd" in proc.stdout


def test_sheet_option(tmp_path, capsys):
    wb = openpyxl.Workbook()
    wb.active.append(["niets"])
    ws = wb.create_sheet("2024")
    ws.append(["id", "corporatie", "aannemer"])
    ws.append(["A", "B", "C"])
    wb.save(tmp_path / "p.xlsx")
    assert main(["validate", str(tmp_path / "p.xlsx"), "--sheet", "2024"]) == 0
    assert main(["validate", str(tmp_path / "p.xlsx")]) == 1
    assert "verplichte kolom ontbreekt" in capsys.readouterr().out


def test_template_command_writes_and_refuses_to_overwrite(tmp_path, capsys):
    out = tmp_path / "sjabloon.xlsx"
    assert main(["template", "-o", str(out)]) == 0
    assert main(["validate", str(out)]) == 0
    assert main(["template", "-o", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["template", "-o", str(out), "--force", "--lang", "en"]) == 0
    assert openpyxl.load_workbook(out).worksheets[0]["B1"].value == "corporation"
    assert main(["template", "-o", str(tmp_path / "x.csv")]) == 2
    assert main(["template", "-o", str(tmp_path / "geen" / "map.xlsx")]) == 2
