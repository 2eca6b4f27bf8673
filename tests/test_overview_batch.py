"""Issue 12 on the example portfolio, end to end: the overview notebook's priorities, numbers that
agree with the reports, run history with what changed, an organisation's own notebook copies,
and the overview in a real browser (Chromium), screenshot in test-artifacts/."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT
from test_browser import launch_chromium

from avgkit.batch import run_batch

EXAMPLE = ROOT / "data" / "voorbeeld-portefeuille.csv"
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def example_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("overview")
    outcome = run_batch(EXAMPLE, out, workers=2, progress=False)
    assert not outcome.failed and not outcome.refused
    return out


def _records(out: Path) -> dict[str, dict]:
    records = {}
    for path in out.glob("*.json"):
        record = json.loads(path.read_text("utf-8"))
        records[record["id"]] = record
    return records


def _section(html: str, ident: str) -> str:
    start = html.index(f'id="{ident}"')
    return html[start:html.index("</section>", start)]


def test_prioriteiten_lists_required_gaps_before_recommended_ones(example_out):
    """Done when: ZH-001 and KZ-003 come before every collaboration whose gap is a recommended
    agreement."""
    html = (example_out / "index.html").read_text("utf-8")
    assert html.index('id="prioriteiten"') < html.index("Totalen")  # first things first
    order = re.findall(r'<li class="sev-\w+" data-id="([^"]+)"', _section(html, "prioriteiten"))
    records = _records(example_out)
    recommended = [i for i, r in records.items()
                   if r["summary"]["agreement_state"] == "aanbevolen-ontbreekt"]
    assert len(recommended) >= 3
    for worst in ("ZH-001", "KZ-003"):
        assert all(order.index(worst) < order.index(other) for other in recommended), order
    # each with one line of what to do first
    zh = re.search(r'data-id="ZH-001">(.*?)</li>', _section(html, "prioriteiten"), re.S)[1]
    assert "Sluit een Verwerkersovereenkomst (verplicht)" in zh


def test_required_and_recommended_agreements_are_apart_and_red(example_out):
    html = (example_out / "index.html").read_text("utf-8")
    required = html[html.index('id="agreements-required"'):]
    required = required[:required.index("</table>")]
    recommended = html[html.index('id="agreements-recommended"'):]
    recommended = recommended[:recommended.index("</table>")]
    for ident in ("ZH-001", "KZ-003"):
        row = re.search(rf'<tr data-id="{ident}">(.*?)</tr>', required, re.S)[1]
        assert "sev-hoog" in row and "verplicht – ontbreekt" in row
        assert ident not in recommended
    assert "aanbevolen – ontbreekt" in recommended and "verplicht" not in recommended.replace(
        "(aanbevolen)", "")


def test_numbers_agree_between_overview_and_reports(example_out):
    html = (example_out / "index.html").read_text("utf-8")
    table = html[html.index('id="all"'):]
    for ident, record in _records(example_out).items():
        row = re.search(rf'<tr data-id="{re.escape(ident)}">(.*?)</tr>', table, re.S)[1]
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        report = (example_out / record["report"]).read_text("utf-8")
        count = re.search(r'class="open-count">Open vragen: (\d+) \((\d+) over de rolverdeling, '
                          r'(\d+) over de beveiliging\)', report)
        assert count, ident
        assert cells[7].strip() == count[1], ident  # the overview's open questions = report's
        # the lawfulness stops (issue 11): the overview's column, the report's section and
        # its findings count the same stops
        stops = report.count('<li class="severity-stop"')
        assert cells[6].startswith(f"{stops} stop(s)"), ident
        assert report.count("Rechtmatigheid en DPIA – Stop:") == stops, ident
        status = record["summary"]["status"]  # the assessment status, not the run status
        assert cells[9].startswith(status) and f">{status}</span>" in report
        assert "nog niet afgetekend" in cells[9] and "nog niet afgetekend" in report
    assert ">0 %<" not in html


def test_totals_per_corporation_and_per_contractor(example_out):
    html = unescape((example_out / "index.html").read_text("utf-8"))
    for corporation in ("Woonstichting De Linde", "Wooncorporatie Zuiderhaven",
                        "Stichting Woonvast Heidedal", "Woongoed Kanaalzone"):
        assert f"<tr><td>{corporation}</td>" in html
    assert "<tr><td>Klantcontactcentrum Belwijzer</td>" in html


def test_reports_put_findings_before_the_legal_text(example_out):
    report = (example_out / _records(example_out)["ZH-001"]["report"]).read_text("utf-8")
    findings, argumentation = report.index("Bevindingen"), report.index("Argumentatie")
    assert findings < argumentation < report.index("Verplichtingen")
    assert report.index("Wat ontbreekt of niet klopt") < argumentation
    assert "Aftekening" in report and "Findings" not in report  # the Dutch cells only
    assert "assessment_id" not in report and "show." not in report  # no code


def test_a_changed_row_is_named_in_the_overview_and_history_is_kept(tmp_path):
    lines = EXAMPLE.read_text(encoding="utf-8-sig").splitlines()
    portfolio, out = tmp_path / "p.csv", tmp_path / "out"
    portfolio.write_text("\n".join(lines[:4]) + "\n", encoding="utf-8")
    run_batch(portfolio, out, workers=2, progress=False)
    assert "eerste run" in (out / "index.html").read_text("utf-8")
    # DL-003: its verwerkingsverantwoordelijkenovereenkomst... becomes "geen"
    changed = lines[3].replace("regeling-gezamenlijke-verantwoordelijkheid;2024-01-10;ja",
                               "geen;;")
    assert changed != lines[3]
    portfolio.write_text("\n".join([*lines[:3], changed]) + "\n", encoding="utf-8")
    second = run_batch(portfolio, out, workers=2, progress=False)
    assert second.ran == ["DL-003"]
    html = (out / "index.html").read_text("utf-8")
    changes = html[html.index("Vergeleken met de run van"):html.index("Per corporatie")]
    assert re.findall(r'<tr data-id="([^"]+)">', changes) == ["DL-003"]
    assert "slechter" in changes and "verplicht – ontbreekt" in changes
    snapshots = sorted((out / "_avgkit" / "runs").glob("*.json.gz"))
    assert len(snapshots) == 2
    first = json.loads(gzip.decompress(snapshots[0].read_bytes()))
    old = next(r for r in first["records"] if r["id"] == "DL-003")
    assert old["summary"]["agreement_in_place"] == "regeling-gezamenlijke-verantwoordelijkheid"
    # a rerun with nothing changed keeps both runs and still shows what changed last time
    third = run_batch(portfolio, out, workers=2, progress=False)
    assert third.ran == [] and len(list((out / "_avgkit" / "runs").glob("*.json.gz"))) == 2
    assert "DL-003" in (out / "index.html").read_text("utf-8").split("Vergeleken met")[1]


def test_own_notebook_copies_show_their_extra_cell_in_every_report(tmp_path):
    """Done when: `avgkit batch --notebooks DIR` with a copy that adds a markdown cell."""
    own = tmp_path / "eigen"
    own.mkdir()
    shutil.copy(ROOT / "notebooks" / "samenwerking.ipynb", own / "samenwerking.ipynb")
    nb = nbformat.read(own / "samenwerking.ipynb", as_version=4)
    text = "Eigen toelichting van Woonstichting De Linde: zie ons privacybeleid 2025."
    position = next(i for i, c in enumerate(nb.cells) if c.get("id") == "show-findings") + 1
    nb.cells.insert(position, nbformat.v4.new_markdown_cell(f"### Ons beleid\n\n{text}"))
    nbformat.write(nb, own / "samenwerking.ipynb")
    lines = EXAMPLE.read_text(encoding="utf-8-sig").splitlines()
    portfolio, out = tmp_path / "p.csv", tmp_path / "out"
    portfolio.write_text("\n".join(lines[:4]) + "\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "avgkit", "batch", str(portfolio), "--out",
                           str(out), "--notebooks", str(own), "--quiet", "--workers", "2"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    reports = [p for p in out.glob("*.html") if p.name != "index.html"]
    assert len(reports) == 3
    for report in reports:
        html = report.read_text("utf-8")
        assert text in html and "Ons beleid" in html
        assert html.index("Wat ontbreekt of niet klopt") < html.index(text) < html.index(
            "Argumentatie")
    assert "Prioriteiten" in (out / "index.html").read_text("utf-8")  # avgkit's own overview
    bad = subprocess.run([sys.executable, "-m", "avgkit", "batch", str(portfolio), "--out",
                          str(out), "--notebooks", str(tmp_path / "nope"), "--quiet"],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "--notebooks" in bad.stderr and "Traceback" not in bad.stderr
    # a damaged copy is refused before anything runs, naming the file
    (own / "beveiliging.ipynb").write_text('{"cells": "geen lijst"}', encoding="utf-8")
    damaged = subprocess.run([sys.executable, "-m", "avgkit", "batch", str(portfolio), "--out",
                              str(tmp_path / "out2"), "--notebooks", str(own), "--quiet"],
                             capture_output=True, text=True, timeout=300)
    assert damaged.returncode == 2 and "beveiliging.ipynb is not a valid notebook" in (
        damaged.stderr) and "Traceback" not in damaged.stderr
    assert not list((tmp_path / "out2").glob("*.html"))


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium")
def test_overview_in_the_browser(example_out):
    """Sorting by severity with a visible direction, a filter per column, keyboard reachable,
    colours by severity the same as in the reports, no table wider than the page."""
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    report = _records(example_out)["ZH-001"]["report"]
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            requests = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto((example_out / "index.html").as_uri())
            page.screenshot(path=str(ARTIFACTS / "overzicht.png"), full_page=True)
            page.locator("#prioriteiten").screenshot(path=str(ARTIFACTS / "prioriteiten.png"))
            assert all(u.startswith("file:") for u in requests), requests
            widths = page.evaluate("""() => [document.documentElement.scrollWidth,
                document.documentElement.clientWidth,
                Array.from(document.querySelectorAll('table')).filter(
                    t => t.getBoundingClientRect().right > document.documentElement.clientWidth
                ).length]""")
            assert widths[0] <= widths[1] and widths[2] == 0, widths
            wrap = page.evaluate("""() => Array.from(document.querySelectorAll('#all td')).map(
                td => getComputedStyle(td).overflowWrap + '/' + getComputedStyle(td).wordBreak)""")
            assert set(wrap) <= {"break-word/normal", "normal/normal"}, set(wrap)
            red = page.evaluate("""() => getComputedStyle(
                document.querySelector('#prioriteiten .badge.sev-hoog')).backgroundColor""")
            assert red == "rgb(179, 38, 30)"

            table = page.locator("#all")
            ids = table.locator("tbody tr td:nth-child(2)")
            first_ids = ids.all_inner_texts()
            assert first_ids[0].strip() == "ZH-001"  # most urgent first
            # keyboard: tab to the Id heading's button and sort with Enter, twice
            id_head = table.locator("thead th").nth(1)
            id_head.locator("button").focus()
            page.keyboard.press("Enter")
            expect(id_head).to_have_attribute("aria-sort", "ascending")
            asc = [t.strip() for t in ids.all_inner_texts()]
            assert asc == sorted(asc, key=str.lower) or asc[0] < asc[-1]
            page.keyboard.press("Enter")
            expect(id_head).to_have_attribute("aria-sort", "descending")
            assert [t.strip() for t in ids.all_inner_texts()] == asc[::-1]
            # sorting by priority is by severity, not by alphabet
            table.locator("thead th").nth(0).locator("button").click()
            assert ids.all_inner_texts()[0].strip() == "ZH-001"
            # a filter per column: the text must be in that column
            filters = table.locator("tr.filters input")
            filters.nth(2).fill("Zuiderhaven")
            visible = table.locator("tbody tr:visible")
            expect(visible.first).to_be_visible()
            assert all("Zuiderhaven" in t for t in visible.all_inner_texts())
            filters.nth(1).fill("Zuiderhaven")  # not in the Id column: nothing matches
            expect(visible).to_have_count(0)
            filters.nth(1).fill("")
            filters.nth(2).fill("")
            page.screenshot(path=str(ARTIFACTS / "overzicht-gesorteerd.png"))

            page.goto((example_out / report).as_uri())
            page.screenshot(path=str(ARTIFACTS / "rapport-ZH-001.png"), full_page=True)
            same_red = page.evaluate("""() => getComputedStyle(
                document.querySelector('.badge.sev-hoog')).backgroundColor""")
            assert same_red == red
        finally:
            browser.close()
