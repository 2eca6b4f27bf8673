"""A4 PDFs of finished HTML pages (the reports and index.html), printed by headless Chromium.

    find_engine() -> str | None                     # the chromium executable, or None
    html_to_pdf(html, pdf, landscape=False, ...)     # one page -> one PDF
    write_pdfs(out_dir, html_files, workers=2)       # many, in parallel; never raises for one
    Printer(engine)                                  # one Chromium that prints page after page

Why Chromium: it is the browser the reports are made for and tested in (tests/test_browser.py),
so the PDF is what Ctrl+P in a browser gives; Debian keeps it patched; since Chromium 131 it
supports CSS @page margin boxes, which put the page numbers, title and date in the margins
without a second tool. The page's own print CSS (report.css, avgkit.css) keeps colours, repeats
table headers and keeps rows whole; this module adds, for each file, the page size and
orientation and the margin boxes with the page's <title>, its date and "pagina N van M".

Any finished HTML file can be printed: nothing here depends on how the page was made. A file is
printed from a copy with the print CSS added, in the same folder (relative links and images keep
working), by Chromium's own Page.printToPDF (what `chromium --headless --print-to-pdf` does, but
one browser prints many pages), and the PDF is written atomically next to it:
DL-001-1a2b3c4d.html -> DL-001-1a2b3c4d.pdf. A PDF newer than its HTML is left alone (reruns
print only what changed).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from avgkit.batch.files import write_atomic

ENGINE_ENV = "AVGKIT_CHROMIUM"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run", "--disable-extensions", "--disable-dev-shm-usage")
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


class Printer:
    """One headless Chromium, driven over its DevTools pipe (--remote-debugging-pipe: JSON
    messages ended by a NUL byte on file descriptors 3 and 4), that prints page after page with
    Page.printToPDF. Starting Chromium costs about 2 s; a page then about 0.3-1 s."""

    def __init__(self, engine: str, timeout: float = 120):
        self.timeout, self._buf, self._id = timeout, b"", 0
        self._profile = tempfile.TemporaryDirectory(prefix="avgkit-chromium-")
        to_child, self._out = os.pipe()
        self._in, from_child = os.pipe()

        def wire() -> None:  # in the child, before exec: the pipe ends become fds 3 and 4
            a, b = os.dup(to_child), os.dup(from_child)
            os.dup2(a, 3)
            os.dup2(b, 4)

        try:
            self.proc = subprocess.Popen(
                [engine, *FLAGS, "--remote-debugging-pipe",
                 f"--user-data-dir={self._profile.name}", "about:blank"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                preexec_fn=wire, pass_fds=(3, 4), start_new_session=True,
                env={**os.environ, "DBUS_SESSION_BUS_ADDRESS": "disabled:"})
        except OSError as exc:
            self._cleanup()
            raise PdfError(f"Chromium ({engine}) start niet: {exc}") from None
        finally:
            os.close(to_child)
            os.close(from_child)
        try:
            target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
            self._session = self._call("Target.attachToTarget",
                                       {"targetId": target, "flatten": True})["sessionId"]
            self._call("Page.enable", session=True)
        except PdfError:
            self.close()
            raise

    def _send(self, method: str, params: dict | None, session: bool) -> int:
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self._session
        data = json.dumps(message).encode() + b"\0"
        try:
            while data:
                data = data[os.write(self._out, data):]
        except OSError as exc:
            raise PdfError(f"Chromium is gestopt ({exc})") from None
        return self._id

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            ready = select.select([self._in], [], [], max(0, left))[0] if left > 0 else []
            if not ready:
                raise PdfError(f"Chromium antwoordde niet binnen {self.timeout:.0f} s")
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise PdfError("Chromium is gestopt")
            self._buf += chunk
        message, self._buf = self._buf.split(b"\0", 1)
        return json.loads(message)

    def _call(self, method: str, params: dict | None = None, session: bool = False,
              event: str | None = None) -> dict:
        """Send one command; wait for its answer and, if given, for that event too."""
        wanted, deadline = self._send(method, params, session), time.monotonic() + self.timeout
        result, seen = None, event is None
        while result is None or not seen:
            message = self._receive(deadline)
            if message.get("id") == wanted:
                if "error" in message:
                    raise PdfError(f"{method}: {message['error'].get('message', message)}")
                result = message.get("result", {})
            elif event and message.get("method") == event:
                seen = True
        return result

    def print(self, url: str) -> bytes:
        self._call("Page.navigate", {"url": url}, session=True, event="Page.loadEventFired")
        data = self._call("Page.printToPDF", {"printBackground": True,
                                              "preferCSSPageSize": True,
                                              "displayHeaderFooter": False}, session=True)
        return base64.b64decode(data["data"])

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                self._send("Browser.close", None, session=False)
                self.proc.wait(timeout=10)
        except (PdfError, subprocess.TimeoutExpired, AttributeError):
            if getattr(self, "proc", None) and self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
        self._cleanup()

    def _cleanup(self) -> None:
        for fd in (getattr(self, "_out", None), getattr(self, "_in", None)):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._out = self._in = None
        self._profile.cleanup()

    def __enter__(self) -> Printer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def html_to_pdf(html_path: Path, pdf_path: Path | None = None, *, landscape: bool = False,
                date: str | None = None, engine: str | None = None,
                printer: Printer | None = None, timeout: float = 120) -> Path:
    """Print one HTML file to an A4 PDF (with `printer`, or a Chromium started for it).
    PdfError if the engine is missing or fails; the PDF appears whole or not at all."""
    html_path = Path(html_path)
    pdf_path = Path(pdf_path) if pdf_path else html_path.with_suffix(".pdf")
    if printer is None:
        engine = engine or find_engine()
        if not engine:
            raise PdfError(INSTALL_HINT["nl"])
        with Printer(engine, timeout) as own:
            return html_to_pdf(html_path, pdf_path, landscape=landscape, date=date,
                               printer=own)
    text = html_path.read_text("utf-8")
    date = date or dt.date.fromtimestamp(html_path.stat().st_mtime).isoformat()
    fd, tmp_html = tempfile.mkstemp(dir=html_path.parent, prefix=f".{html_path.stem}.",
                                    suffix=".print.html")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(printable(text, landscape, date))
        try:
            data = printer.print(Path(tmp_html).resolve().as_uri())
        except PdfError as exc:
            raise PdfError(f"{html_path.name}: {exc}") from None
        if not data.startswith(b"%PDF"):
            raise PdfError(f"{html_path.name}: Chromium gaf geen PDF")
        write_atomic(pdf_path, data)
    finally:
        Path(tmp_html).unlink(missing_ok=True)
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

    chunks = [todo[i::max(1, workers)] for i in range(max(1, workers))]

    def run(chunk: list[Path]) -> list[Path | str]:
        # one Chromium per worker, restarted after a failure
        results: list[Path | str] = []
        printer = None
        for f in chunk:
            try:
                printer = printer or Printer(engine)
                results.append(html_to_pdf(f, landscape=f.name in LANDSCAPE, printer=printer))
            except (PdfError, OSError) as exc:
                results.append(str(exc))
                if printer is not None:
                    printer.close()
                    printer = None
        if printer is not None:
            printer.close()
        return results

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for results in pool.map(run, [c for c in chunks if c]):
            for result in results:
                (outcome.written if isinstance(result, Path) else outcome.failed).append(result)
    return outcome
