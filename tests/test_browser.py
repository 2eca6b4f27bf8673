"""A real browser on the collaboration notebook served by Voilà: answer the questions for form 3,
see the joint controllers outcome, reload the page and find the answers still there.

Needs Debian's Chromium at /usr/bin/chromium (CI: `apt-get install -y chromium`); Playwright
cannot download its own browsers here. The screenshot lands in test-artifacts/."""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import ROOT

from avgkit.assessment import Assessment
from avgkit.store import Store

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="browser test needs Debian's Chromium at /usr/bin/chromium "
                                       "(apt-get install -y chromium)")
ARTIFACTS = ROOT / "test-artifacts"
FORM_3 = "3 – De aannemer werkt (logt in) in het systeem van de corporatie"


def launch_chromium(pw):
    """Debian's Chromium, headless, as every browser test starts it (Playwright cannot
    download its own browsers here)."""
    return pw.chromium.launch(executable_path=str(CHROMIUM), args=[
        "--no-sandbox", "--disable-gpu", "--disable-background-networking"])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"voila exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"voila did not listen on {port} within {timeout} s:\n{log.read_text()[-3000:]}")


@contextmanager
def serve_voila(notebook: str, store: Path, folder: Path):
    """Voilà on one notebook of notebooks/ with this store, on a free 127.0.0.1 port; yields the
    base URL and its log file, and stops it afterwards."""
    port = free_port()
    log = folder / "voila.log"
    env = {**os.environ, "AVGKIT_STORE": str(store)}
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "voila", str(ROOT / "notebooks" / notebook),
             "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, proc, log)
        yield f"http://127.0.0.1:{port}", log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def voila(tmp_path):
    store = tmp_path / "store.sqlite"
    Store(store).create(Assessment(id="SW-001", corporation="Woonstichting Noord",
                                   contractor="Bouw & Zonen", auditor="Anna",
                                   description="Planmatig onderhoud badkamers"), "test")
    with serve_voila("samenwerking.ipynb", store, tmp_path) as (url, log):
        yield url, store, log


def test_form_three_in_the_browser_survives_a_reload(voila):
    from playwright.sync_api import expect, sync_playwright

    url, store, log = voila
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(60_000)
            page.goto(f"{url}/?id=SW-001")
            question = page.locator(".avgkit-q-data_exchange")
            expect(question).to_be_visible()
            question.get_by_text(FORM_3).click()
            roles = page.locator(".avgkit table.roles").first
            expect(roles).to_contain_text("gezamenlijke verwerkingsverantwoordelijke")
            expect(page.locator(".avgkit .card.accent").first).to_contain_text(
                "Regeling gezamenlijke verantwoordelijkheid")
            for key in ("own_purposes_use", "subcontractor", "returns_corrections"):
                page.get_by_role("button", name="Volgende").click()
                page.locator(f".avgkit-q-{key}").get_by_role("button", name="nee").click()
                expect(page.locator(f".avgkit-q-{key} button.mod-active")).to_have_text("nee")
            expect(page.get_by_text("vastgesteld", exact=True)).to_be_visible()
            # the report's section texts (markdown cells) stay out of the app
            expect(page.get_by_text("Eerst de uitkomst, wat ontbreekt")).to_be_hidden()
            expect(page.get_by_text("Vraag 4 van 4 · 4 beantwoord")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "voila-samenwerking.png"), full_page=True)

            page.reload()
            expect(page.locator(".avgkit-q-data_exchange")).to_be_attached()
            expect(page.get_by_text(FORM_3)).to_be_attached()
            checked = page.locator(".avgkit-q-data_exchange input[type=radio]:checked")
            expect(checked).to_have_count(1)
            expect(checked).to_have_value("2")  # the third option
            expect(page.get_by_text("4 beantwoord", exact=False)).to_be_visible()
            expect(roles).to_contain_text("gezamenlijke verwerkingsverantwoordelijke")
            page.screenshot(path=str(ARTIFACTS / "voila-samenwerking-reloaded.png"),
                            full_page=True)
        finally:
            browser.close()
    saved = Store(store).get("SW-001").answers
    assert saved == {"data_exchange": "client_system", "own_purposes_use": False,
                     "subcontractor": False, "returns_corrections": False}
    assert "Traceback" not in log.read_text()
