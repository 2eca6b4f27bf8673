"""A4 PDFs of finished HTML pages (the reports and index.html), printed by headless Chromium.

    find_engine() -> str | None                     # the chromium executable, or None
    html_to_pdf(html, pdf, landscape=False, ...)     # one page -> one PDF
    write_pdfs(out_dir, html_files, workers=2)       # many, in parallel; never raises for one

Why Chromium: it is the browser the reports are made for and tested in (tests/test_browser.py),
so the PDF is what Ctrl+P in a browser gives; Debian keeps it patched; since Chromium 131 it
supports CSS @page margin boxes, which put the page numbers, title and date in the margins
without a second tool. The page's own print CSS (report.css, avgkit.css) keeps colours, repeats
table headers and keeps rows whole; this module adds, for each file, the page size and
orientation and the margin boxes with the page's <title>, its date and "pagina N van M".

Any finished HTML file can be printed: nothing here depends on how the page was made. A file is
printed from a copy with the print CSS added, in the same folder (relative links and images keep
working), and the PDF is written atomically next to it: DL-001-1a2b3c4d.html ->
DL-001-1a2b3c4d.pdf. A PDF newer than its HTML is left alone (reruns print only what changed).
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ENGINE_ENV = "AVGKIT_CHROMIUM"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run", "--disable-extensions", "--disable-dev-shm-usage",
         "--no-pdf-header-footer")
LANDSCAPE = frozenset({"index.html"})  # the overview is wide: A4 landscape
INSTALL_HINT = {
    "nl": "geen Chromium gevonden om PDF's te maken; installeer het (Debian/Ubuntu: "
          "sudo apt-get install chromium) of zet AVGKIT_CHROMIUM op het programma. "
          "De HTML-rapporten zijn wel gemaakt.",
    "en": "no Chromium found to make PDFs; install it (Debian/Ubuntu: sudo apt-get install "
          "chromium) or set AVGKIT_CHROMIUM to the program. The HTML reports were made.",
}
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_HEAD_END = re.compile(r"</head\s*>", re.I)


class PdfError(RuntimeError):
    """Printing one page failed (the message says which and why)."""


def find_engine() -> str | None:
    """The Chromium to print with: $AVGKIT_CHROMIUM if set, else the first on PATH."""
    wanted = os.environ.get(ENGINE_ENV)
    if wanted:
        return shutil.which(wanted) or (wanted if os.access(wanted, os.X_OK) else None)
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def css_string(text: str) -> str:
    """A CSS string literal that no page text can break out of (quotes, backslashes, line
    breaks, '<' of a closing style tag are escaped as CSS code points)."""
    out = []
    for ch in text:
        if ch.isalnum() or ch in " .,:;-_()/&'%+!?#@*=[]|~^$":
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):06x} ")  # the space ends the escape and is consumed
    return '"' + "".join(out) + '"'


def page_css(title: str, date: str, landscape: bool, lang: str = "nl") -> str:
    """The @page rules added to a page for printing: A4, orientation, margin boxes."""
    page, of = ("pagina", "van") if lang == "nl" else ("page", "of")
    box = "font: 8.5pt system-ui, 'DejaVu Sans', Arial, sans-serif; color: #5b6877;"
    size = "A4 landscape" if landscape else "A4 portrait"
    return (f"@page {{ size: {size}; margin: 16mm 12mm 16mm 12mm;\n"
            f"  @top-left {{ content: {css_string(title[:150])}; {box} }}\n"
            f"  @top-right {{ content: {css_string(date)}; {box} }}\n"
            f'  @bottom-right {{ content: "{page} " counter(page) " {of} " counter(pages); '
            f"{box} }} }}\n")


def page_title(text: str) -> str:
    match = _TITLE.search(text)
    return " ".join(html.unescape(match.group(1)).split()) if match else ""


def _lang(text: str) -> str:
    match = re.search(r"<html[^>]*\blang=\"(\w+)\"", text[:2000], re.I)
    return match.group(1).lower() if match else "nl"


def printable(text: str, landscape: bool, date: str) -> str:
    """The page with its print set-up added at the end of <head> (so it wins the cascade)."""
    style = (f'<style media="print" data-avgkit="page">\n'
             f"{page_css(page_title(text), date, landscape, _lang(text))}</style>\n")
    match = _HEAD_END.search(text)
    if match:
        return text[:match.start()] + style + text[match.start():]
    return style + text


def html_to_pdf(html_path: Path, pdf_path: Path | None = None, *, landscape: bool = False,
                date: str | None = None, engine: str | None = None,
                timeout: float = 180) -> Path:
    """Print one HTML file to an A4 PDF. PdfError if the engine is missing or fails."""
    html_path = Path(html_path)
    pdf_path = Path(pdf_path) if pdf_path else html_path.with_suffix(".pdf")
    engine = engine or find_engine()
    if not engine:
        raise PdfError(INSTALL_HINT["nl"])
    text = html_path.read_text("utf-8")
    date = date or dt.date.fromtimestamp(html_path.stat().st_mtime).isoformat()
    folder = html_path.parent
    fd, tmp_html = tempfile.mkstemp(dir=folder, prefix=f".{html_path.stem}.", suffix=".print.html")
    tmp_pdf = pdf_path.with_name(f".{pdf_path.name}.tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(printable(text, landscape, date))
        with tempfile.TemporaryDirectory(prefix="avgkit-chromium-") as profile:
            done = subprocess.run(
                [engine, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={tmp_pdf}",
                 Path(tmp_html).resolve().as_uri()],
                capture_output=True, text=True, timeout=timeout,
                env={**os.environ, "DBUS_SESSION_BUS_ADDRESS": "disabled:"})
        if done.returncode != 0 or not tmp_pdf.is_file() or tmp_pdf.stat().st_size == 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise PdfError(f"{html_path.name}: Chromium gaf geen PDF "
                           f"(exit {done.returncode}): {last[:300]}")
        os.replace(tmp_pdf, pdf_path)
    except subprocess.TimeoutExpired:
        raise PdfError(f"{html_path.name}: Chromium stopte niet binnen {timeout:.0f} s") from None
    finally:
        Path(tmp_html).unlink(missing_ok=True)
        tmp_pdf.unlink(missing_ok=True)
    return pdf_path


@dataclass
class PdfOutcome:
    written: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)  # PDF already newer than its HTML
    failed: list[str] = field(default_factory=list)  # one message per page
    missing_engine: str | None = None  # set when no Chromium was found: nothing was printed

    def message(self) -> str:
        if self.missing_engine:
            return f"PDF: {self.missing_engine}"
        text = f"PDF: {len(self.written)} gemaakt, {len(self.skipped)} ongewijzigd"
        return text + (f", {len(self.failed)} mislukt" if self.failed else "")


def is_current(html_path: Path, pdf_path: Path) -> bool:
    try:
        return pdf_path.stat().st_mtime >= html_path.stat().st_mtime
    except OSError:
        return False


def write_pdfs(out_dir: Path, html_files: Iterable[Path] | None = None, *, workers: int = 2,
               force: bool = False, engine: str | None = None, lang: str = "nl") -> PdfOutcome:
    """Print every given HTML file (default: every *.html in out_dir) to a PDF beside it; the
    overview (index.html) in landscape. One failing page is reported, the others go on; a
    missing engine is reported once and never raises."""
    out_dir = Path(out_dir)
    outcome = PdfOutcome()
    files = sorted(html_files if html_files is not None else out_dir.glob("*.html"))
    files = [Path(f) for f in files if not Path(f).name.startswith(".")]
    engine = engine or find_engine()
    if not engine:
        outcome.missing_engine = INSTALL_HINT.get(lang, INSTALL_HINT["nl"])
        return outcome
    todo = []
    for f in files:
        target = f.with_suffix(".pdf")
        if not force and is_current(f, target):
            outcome.skipped.append(target)
        else:
            todo.append(f)

    def one(f: Path) -> Path | str:
        try:
            return html_to_pdf(f, landscape=f.name in LANDSCAPE, engine=engine)
        except (PdfError, OSError) as exc:
            return str(exc)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for result in pool.map(one, todo):
            (outcome.written if isinstance(result, Path) else outcome.failed).append(result)
    return outcome
