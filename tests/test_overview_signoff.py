"""Signing off the management overview (issue 12, "a sign-off block: who approved, role, date,
version"): `avgkit signoff` records who approved which run; the overview, its results file and
its PDF show it; a later run with other results shows the approval as out of date."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
from conftest import ROOT

from avgkit.batch import run_batch

EXAMPLE = ROOT / "data" / "voorbeeld-portefeuille.csv"
HOSTILE_NAME = '<img src=x onerror=alert(1)> M. de Vries'


def signoff(out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "avgkit", "signoff", str(out), *args],
                          capture_output=True, text=True, timeout=300)


def signoff_block(out: Path) -> str:
    html = (out / "index.html").read_text("utf-8")
    block = html[html.index('class="meta signoff"'):]
    return unescape(re.sub(r"<[^>]+>", " ", block[:block.index("</table>")]))


@pytest.fixture
def small(tmp_path):
    lines = EXAMPLE.read_text(encoding="utf-8-sig").splitlines()
    portfolio = tmp_path / "p.csv"
    portfolio.write_text("\n".join(lines[:4]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert not run_batch(portfolio, out, workers=2, progress=False).failed
    return portfolio, out


def test_signoff_shows_who_role_and_date_until_the_results_change(small):
    portfolio, out = small
    assert "nog niet afgetekend" in signoff_block(out)
    assert "avgkit signoff MAP" in signoff_block(out)  # how to do it, on the page itself

    done = signoff(out, "--by", HOSTILE_NAME, "--role", "directeur-bestuurder")
    assert done.returncode == 0, done.stderr
    block = signoff_block(out)
    assert "Afgetekend" in block and HOSTILE_NAME in block and "directeur-bestuurder" in block
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d (CET|CEST)", block), block
    assert "nog niet afgetekend" not in block and "avgkit signoff MAP" not in block
    html = (out / "index.html").read_text("utf-8")
    assert "<img src=x" not in html and "&lt;img src=x" in html  # escaped, never markup
    kept = json.loads((out / "_avgkit" / "aftekeningen.json").read_text("utf-8"))
    assert [a["by"] for a in kept] == [HOSTILE_NAME]

    # a rerun with the same results keeps the approval valid
    assert run_batch(portfolio, out, workers=2, progress=False).ran == []
    assert "Afgetekend" in signoff_block(out)

    # a changed row: the approval is shown as out of date, with the run it was for
    lines = portfolio.read_text("utf-8").splitlines()
    cells = lines[1].split(";")
    cells[2] = "Installatiebedrijf Nieuw B.V."  # aannemer: the overview shows it
    lines[1] = ";".join(cells)
    portfolio.write_text("\n".join(lines) + "\n", encoding="utf-8")
    again = run_batch(portfolio, out, workers=2, progress=False)
    assert again.ran, "the changed row was rerun"
    block = signoff_block(out)
    assert "verouderd" in block and "Teken opnieuw af" in block and HOSTILE_NAME in block
    assert "avgkit signoff MAP" in block


def test_signoff_refuses_what_it_cannot_use(tmp_path, small):
    _, out = small
    empty = tmp_path / "leeg"
    empty.mkdir()
    nothing = signoff(empty, "--by", "A. de Vries", "--role", "FG")
    assert nothing.returncode == 2 and "geen overzicht van avgkit batch" in nothing.stderr
    assert "Traceback" not in nothing.stderr
    blank = signoff(out, "--by", "  ", "--role", "FG")
    assert blank.returncode == 2 and "--by" in blank.stderr
    long = signoff(out, "--by", "x" * 200, "--role", "FG")
    assert long.returncode == 2 and "120" in long.stderr
    assert not (out / "_avgkit" / "aftekeningen.json").exists()


@pytest.mark.skipif(not (Path("/usr/bin/chromium").exists() and shutil.which("pdftotext")),
                    reason="needs Debian's Chromium and poppler-utils")
def test_the_overview_pdf_is_printed_again_with_the_signoff(tmp_path):
    lines = EXAMPLE.read_text(encoding="utf-8-sig").splitlines()
    portfolio, out = tmp_path / "p.csv", tmp_path / "out"
    portfolio.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    assert not run_batch(portfolio, out, workers=2, progress=False, pdf=True).failed
    done = signoff(out, "--by", "Marieke Jansen", "--role", "FG")
    assert done.returncode == 0, done.stderr
    text = subprocess.run(["pdftotext", "-layout", str(out / "index.pdf"), "-"],
                          capture_output=True, text=True).stdout
    assert "Marieke Jansen" in text and "nog niet afgetekend" not in text
