"""`avgkit batch --pdf`: A4 PDFs printed by headless Chromium, looked at as a reader would:
pages rendered to PNG (pdftoppm) and their text read back (pdftotext)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from PIL import Image
from test_browser import launch_chromium

from avgkit.batch import run_batch
from avgkit.batch.pdf import (
    ENGINE_ENV,
    css_string,
    page_title,
    printable,
    write_pdfs,
)

EXAMPLE = ROOT / "data" / "voorbeeld-portefeuille.csv"
HAVE_ENGINE = Path("/usr/bin/chromium").exists()
HAVE_POPPLER = all(shutil.which(p) for p in ("pdftoppm", "pdftotext", "pdfinfo"))
needs_tools = pytest.mark.skipif(not (HAVE_ENGINE and HAVE_POPPLER),
                                 reason="needs /usr/bin/chromium and poppler-utils "
                                        "(scripts/test.sh installs them)")
A4_PT = (595, 842)  # points, rounded


def pdfinfo(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return dict(line.split(":", 1) for line in out.stdout.splitlines() if ":" in line)


def page_size(pdf: Path) -> tuple[int, int]:
    w, h = re.findall(r"[\d.]+", pdfinfo(pdf)["Page size"])[:2]
    return round(float(w)), round(float(h))


def pages(pdf: Path) -> int:
    return int(pdfinfo(pdf)["Pages"])


def page_text(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf),
                           "-"], capture_output=True, text=True, check=True).stdout


def render(pdf: Path, page: int, prefix: Path) -> Image.Image:
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", str(page), "-l", str(page),
                    "-singlefile", str(pdf), str(prefix)], check=True)
    return Image.open(f"{prefix}.png").convert("RGB")


def has_colour(img: Image.Image, rgb: tuple[int, int, int], tol: int = 12) -> bool:
    return any(all(abs(a - b) <= tol for a, b in zip(px, rgb, strict=True))
               for _, px in img.getcolors(maxcolors=1 << 20))


# --- no engine needed -------------------------------------------------------------------------

def test_css_string_cannot_be_broken_out_of():
    hostile = 'A "quote" \\ back\nline </style><script>x</script> {} – é'
    s = css_string(hostile)
    assert s.startswith('"') and s.endswith('"')
    inner = s[1:-1]
    for bad in ('"', "\n", "<", ">", "{", "}"):
        assert bad not in inner
    assert "\\" in inner  # escaped as code points


def test_printable_adds_the_page_setup_at_the_end_of_head():
    page = ('<!DOCTYPE html><html lang="en"><head><title>ZH-001 &amp; co</title>'
            '<style>p{}</style></head><body><p>x</p></body></html>')
    out = printable(page, landscape=True, date="2026-11-30")
    assert page_title(page) == "ZH-001 & co"
    head = out[:out.index("</head>")]
    assert head.index("<style>p{}</style>") < head.index('data-avgkit="page"')
    assert "A4 landscape" in out and '"2026-11-30"' in out and '"page "' in out
    assert "A4 portrait" in printable(page, landscape=False, date="x")


def test_missing_engine_is_reported_never_fatal(tmp_path, monkeypatch):
    (tmp_path / "index.html").write_text("<html><head><title>t</title></head></html>")
    monkeypatch.setenv(ENGINE_ENV, str(tmp_path / "no-chromium"))
    outcome = write_pdfs(tmp_path)
    assert outcome.missing_engine and "apt-get install chromium" in outcome.message()
    assert outcome.written == [] and not list(tmp_path.glob("*.pdf"))


def test_batch_with_pdf_but_no_engine_still_writes_the_reports(tmp_path):
    env = {"AVGKIT_CHROMIUM": str(tmp_path / "no-chromium"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "avgkit", "batch", str(EXAMPLE), "--out",
                           str(tmp_path / "r"), "--only", "KZ-001", "--pdf", "--quiet",
                           "--workers", "1"], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "geen Chromium gevonden" in done.stderr and "apt-get install chromium" in done.stderr
    assert (tmp_path / "r" / "index.html").is_file()
    assert not list((tmp_path / "r").glob("*.pdf"))


# --- printed and looked at ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    outcome = run_batch(EXAMPLE, out, workers=2, progress=False, pdf=True,
                        only=["ZH-001", "KZ-006"])
    return out, outcome


def _report(out: Path, cid: str) -> Path:
    return next(out.glob(f"{cid}-*.pdf"))


@needs_tools
def test_every_page_gets_a_pdf(printed):
    out, outcome = printed
    assert outcome.pdf.failed == [] and outcome.pdf.missing_engine is None
    htmls = sorted(p.stem for p in out.glob("*.html"))
    assert sorted(p.stem for p in out.glob("*.pdf")) == htmls and "index" in htmls
    assert not list(out.glob(".*"))  # no temporary print copies left behind


@needs_tools
def test_overview_is_a4_landscape_with_numbered_pages(printed, tmp_path):
    out, _ = printed
    pdf = out / "index.pdf"
    assert page_size(pdf) == A4_PT[::-1]
    n = pages(pdf)
    assert n >= 2
    first = page_text(pdf, 1)
    assert "AVG-portefeuille: overzicht" in first  # title in the header
    assert re.search(r"\d{4}-\d{2}-\d{2}", first)  # date in the header
    assert f"pagina 1 van {n}" in first and f"pagina {n} van {n}" in page_text(pdf, n)
    img = render(pdf, 1, tmp_path / "index-1")
    assert img.width > img.height  # looked at: landscape


@needs_tools
def test_report_is_a4_portrait_keeps_colours_and_escapes_hostile_titles(printed, tmp_path):
    out, _ = printed
    pdf = _report(out, "ZH-001")
    assert page_size(pdf) == A4_PT and pages(pdf) >= 2
    text = page_text(pdf, 1)
    assert "Wooncorporatie Zuiderhaven – Klantcontactcentrum Belwijzer" in text  # header title
    assert re.search(r"pagina 1 van \d+", text)
    img = render(pdf, 1, tmp_path / "zh-1")
    assert img.height > img.width
    assert has_colour(img, (0xff, 0xe8, 0xd9))  # the processor badge's background, printed
    hostile = _report(out, "KZ-006")
    assert "=HYPERLINK" in page_text(hostile, 1)  # printed as text, in the header and the page


@needs_tools
def test_rerun_prints_only_what_changed(printed):
    out, _ = printed
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("*.pdf")}
    outcome = write_pdfs(out, [p for p in out.glob("*.html") if p.name != "index.html"])
    assert outcome.written == [] and len(outcome.skipped) == len(before) - 1
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.pdf")} == before


@needs_tools
def test_ctrl_p_of_the_pages_themselves_gives_the_same_layout(printed, tmp_path):
    """The pages' own print CSS, printed as a browser's Ctrl+P does (Playwright page.pdf with
    the page's @page size and without 'background graphics'): A4, landscape for the overview,
    page numbers, colours kept by print-color-adjust."""
    from playwright.sync_api import sync_playwright

    out, _ = printed
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page()
            for html, size in ((out / "index.html", A4_PT[::-1]),
                               (next(out.glob("ZH-001-*.html")), A4_PT)):
                page.goto(html.resolve().as_uri())
                pdf = tmp_path / f"{html.stem}.ctrlp.pdf"
                page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=False)
                assert page_size(pdf) == size, html.name
                n = pages(pdf)
                assert re.search(rf"\b1 ?/ ?{n}\b", page_text(pdf, 1)), html.name
        finally:
            browser.close()
    img = render(tmp_path / f"{next(out.glob('ZH-001-*.html')).stem}.ctrlp.pdf", 1,
                 tmp_path / "ctrlp")
    assert has_colour(img, (0xff, 0xe8, 0xd9))  # badge background printed without the option
