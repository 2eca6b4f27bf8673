"""The app in real JupyterLab, as the README tells auditors to use it: `jupyter lab` on the
notebooks, open start.ipynb, Run → Run All Cells, in headless Chromium with the file browser
open beside the notebook. The front door must render as ipywidgets in the output, SW-001 must
open through the "Openen (id)" box, its questions' radio and toggle labels must be readable
(inside the notebook, not zero-width, not on top of each other, each radio button before the
first line of its own option), the outcome column beside the questions must not need sideways
scrolling, and the clicks must be saved in the store.

JupyterLab serves a tmp copy of notebooks/ (autosave and checkpoints never touch the checkout)
with its config, data, runtime, settings and workspace dirs in tmp, the news and update checks
off (no popup over the notebook, no request to the internet).

Needs Debian's Chromium at /usr/bin/chromium. Screenshots land in test-artifacts/."""

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from conftest import ROOT
from test_browser import ARTIFACTS, CHROMIUM, FORM_3, free_port, launch_chromium

from avgkit.assessment import Assessment
from avgkit.store import Store

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="browser test needs Debian's Chromium at /usr/bin/chromium "
                                       "(apt-get install -y chromium)")
TIMEOUT = 60_000  # ms per expectation: a loaded 2-core machine, but never a hang


def kernel_pids(store: Path) -> list[int]:
    """This server's kernels: they inherit its environment, so they carry this tmp store."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes()
            env = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"ipykernel" in cmd and f"AVGKIT_STORE={store}".encode() in env:
            found.append(int(entry.name))
    return found


def stop(proc: subprocess.Popen, store: Path) -> None:
    """SIGTERM lets Jupyter shut its kernels down; whatever survives is killed (kernels run in
    their own sessions, so only they are looked up, by this test's store)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    for pid in kernel_pids(store):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture
def lab(tmp_path):
    store = (tmp_path / "store.sqlite").resolve()
    with Store(store) as s:
        s.create(Assessment(id="SW-001", corporation="Woonstichting Noord",
                            contractor="Bouw & Zonen", auditor="Anna",
                            description="Planmatig onderhoud badkamers"), "test")
        s.create(Assessment(id="SW-002", corporation="Stichting Zuid",
                            contractor="Installatie BV", auditor="Bram"), "test")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        shutil.copy(path, notebooks)
    # user settings: no "fetch news?" toast over the notebook, no update check
    settings = tmp_path / "lab-settings"
    (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings") \
        .write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "AVGKIT_STORE": str(store), "PYTHONPATH": str(ROOT), "HOME": str(home),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
           "JUPYTER_DATA_DIR": str(tmp_path / "data"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(settings),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
           "IPYTHONDIR": str(tmp_path / "ipython")}
    env.pop("QUERY_STRING", None)
    port, token = free_port(), secrets.token_hex(16)
    log = tmp_path / "lab.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
             "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={notebooks}",
             "--LabApp.news_url=None", "--LabApp.extension_manager=readonly",
             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
            cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"jupyter lab exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
            try:
                if requests.get(f"{base}/api/status", timeout=2,
                                headers={"Authorization": f"token {token}"}).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"jupyter lab did not answer within 60 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield base, token, store, log
    finally:
        stop(proc, store)


def folder_state(folder: Path) -> dict[str, bytes | None]:
    """Every entry under a folder (checkpoints included) with a file's bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None
            for p in folder.rglob("*")}


def readable(page, selector: str) -> list[dict]:
    """Each option label of a question as the user sees it: its box, whether its text fits in
    it, and the notebook panel's box it must stay within."""
    return page.locator(selector).evaluate_all("""els => els.map(e => {
        const r = e.getBoundingClientRect();
        const panel = e.closest('.jp-NotebookPanel').getBoundingClientRect();
        return {text: e.innerText.trim(), x: r.x, y: r.y, width: r.width, height: r.height,
                right: r.right, bottom: r.bottom, clipped: e.scrollWidth > e.clientWidth + 1,
                panelLeft: panel.left, panelRight: panel.right};
    })""")


def assert_readable(boxes: list[dict], count: int) -> None:
    assert len(boxes) == count, boxes
    for box in boxes:
        assert box["text"], box
        assert box["width"] > 20 and box["height"] > 8, f"label squeezed: {box}"
        assert not box["clipped"], f"label text cut off: {box}"
        assert box["panelLeft"] <= box["x"] and box["right"] <= box["panelRight"], \
            f"label outside the notebook: {box}"
    # side by side (toggles) or stacked (radios): never on top of each other
    for a, b in zip(boxes, boxes[1:], strict=False):
        assert b["x"] >= a["right"] - 1 or b["y"] >= a["bottom"] - 1, f"overlap: {a} / {b}"


def buttons_beside_first_lines(page, selector: str) -> list[dict]:
    """Radio options whose button is not at the start of the option's first line (ipywidgets
    puts the input after the text; a wrapped label must not leave it on a line further down,
    where it reads as the next option's button)."""
    return page.locator(selector).evaluate_all("""els => els.map(label => {
        const input = label.querySelector('input').getBoundingClientRect();
        const range = document.createRange();
        range.selectNodeContents([...label.childNodes].find(n => n.nodeType === 3));
        const first = range.getClientRects()[0];
        const middle = (input.top + input.bottom) / 2;
        return {text: label.innerText.trim().slice(0, 40), inputTop: input.top,
                inputRight: input.right, lineTop: first.top, lineBottom: first.bottom,
                lineLeft: first.left,
                ok: first.top <= middle && middle <= first.bottom && input.right <= first.left};
    }).filter(o => !o.ok)""")


def cut_off(inner) -> list[str]:
    """What in the widget column around `inner` needs sideways scrolling to be read."""
    return inner.evaluate("""el => {
        const box = el.closest('.widget-vbox');
        return [box, ...box.querySelectorAll('*')]
            .filter(e => e.scrollWidth > e.clientWidth + 1 &&
                         !['visible', 'clip'].includes(getComputedStyle(e).overflowX))
            .map(e => `${e.className}: ${e.scrollWidth} > ${e.clientWidth}`);
    }""")


def test_run_all_in_jupyterlab_shows_the_app_and_saves(lab):
    from playwright.sync_api import expect, sync_playwright

    base, token, store, log = lab
    committed = folder_state(ROOT / "notebooks")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.set_default_timeout(TIMEOUT)
        expect.set_options(timeout=TIMEOUT)
        try:
            page.goto(f"{base}/lab/tree/start.ipynb?token={token}")
            notebook = page.locator(".jp-NotebookPanel")
            expect(notebook.locator(".jp-Cell")).to_have_count(2)
            # a fresh Lab may ask which kernel to use: the default (Python 3) is right
            dialog = page.locator(".jp-Dialog")
            indicator = notebook.locator(".jp-Notebook-ExecutionIndicator[data-status=idle]")
            expect(dialog.or_(indicator).first).to_be_visible()
            if dialog.count():
                dialog.locator(".jp-mod-accept").click()
            expect(indicator).to_be_visible()
            # the file browser stays open beside the notebook, as it is by default
            expect(page.locator("#filebrowser")).to_be_visible()
            assert page.locator("#filebrowser").bounding_box()["width"] > 150

            page.locator("#jp-MainMenu").get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()

            # the front door, rendered as widgets in the cell's output
            app = notebook.locator(".jp-OutputArea .avgkit-app")
            expect(app.locator("h1")).to_have_text("avgkit – AVG-beoordelingen")
            table = app.locator("table.avgkit-dashboard")
            expect(table).to_contain_text("SW-001")
            expect(table).to_contain_text("Woonstichting Noord")
            expect(table).to_contain_text("SW-002")
            expect(app).to_contain_text("Typ een id in ‘Openen (id)’")  # Lab's own hint
            expect(indicator).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "jupyterlab-start.png"))

            # open SW-001 as the hint says: its id in "Openen (id)", Enter
            box = app.locator(".avgkit-dash-open input")
            box.fill("SW-001")
            box.press("Enter")
            expect(app.locator(".avgkit-open-header")).to_contain_text(
                "SW-001 · Woonstichting Noord × Bouw & Zonen")
            radios = app.locator(".avgkit-q-data_exchange")
            expect(radios).to_be_visible()
            expect(radios).to_contain_text(FORM_3)
            options = ".avgkit-q-data_exchange .widget-radio-box label"
            assert_readable(readable(page, options), count=5)
            assert buttons_beside_first_lines(page, options) == []
            page.screenshot(path=str(ARTIFACTS / "jupyterlab-roles.png"))

            radios.get_by_text(FORM_3).click()
            roles = app.locator(".avgkit table.roles").first
            expect(roles).to_contain_text("gezamenlijke verwerkingsverantwoordelijke")
            # the outcome column beside the questions: readable without scrolling sideways
            assert cut_off(roles) == []

            # the next question is a yes/no toggle
            app.get_by_role("button", name="Volgende").click()
            toggles = app.locator(".avgkit-q-own_purposes_use")
            expect(toggles).to_be_visible()
            assert_readable(readable(page, ".avgkit-q-own_purposes_use button"), count=2)
            toggles.get_by_role("button", name="nee").click()
            expect(toggles.locator("button.mod-active")).to_have_text("nee")
            page.screenshot(path=str(ARTIFACTS / "jupyterlab-answered.png"))
            # the app leaves Lab's URL alone (no ?id=… pushed into Lab's address)
            assert page.url.split("?")[0] == f"{base}/lab/tree/start.ipynb"
            expect(notebook.get_by_text("Traceback")).to_have_count(0)
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "jupyterlab-failure.png"))
            raise
        finally:
            browser.close()

    # saved by the kernel JupyterLab runs, read back from the store
    deadline = time.monotonic() + TIMEOUT / 1000
    while True:
        with Store(store) as s:
            answers = s.get("SW-001").answers
        if answers == {"data_exchange": "client_system", "own_purposes_use": False}:
            break
        assert time.monotonic() < deadline, f"not saved: {answers}"
        time.sleep(0.3)
    assert "Traceback" not in log.read_text()
    # the checkout's notebooks are as committed: Lab worked on its tmp copies
    assert folder_state(ROOT / "notebooks") == committed
