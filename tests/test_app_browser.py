"""The auditor app as `avgkit app` serves it (Voilà, avgkit's template, preheated kernels), in a
real Chromium: the start page → an assessment's roles → its security checklist → its breach
view → back; the URL follows what is open (reload lands on the same assessment and part); a
draft agreement downloads through the browser as a valid DOCX; and no request ever goes to a
host other than the server (every other request is aborted and fails the test).

Needs Debian's Chromium at /usr/bin/chromium. Screenshots land in test-artifacts/."""

import io
import subprocess

import pytest
from conftest import ROOT
from test_browser import CHROMIUM, free_port, launch_chromium, wait_for_port

from avgkit.appserver import COLD_NOTEBOOKS, voila_command
from avgkit.assessment import Assessment
from avgkit.store import Store

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="browser test needs Debian's Chromium at /usr/bin/chromium "
                                       "(apt-get install -y chromium)")
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("app")
    store = folder / "store.sqlite"
    s = Store(store)
    s.create(Assessment(id="SW-001", corporation="Woonstichting <Noord>",
                        contractor="Bouw & Zonen", auditor="Anna",
                        description="Planmatig onderhoud badkamers",
                        answers={"data_exchange": "client_system", "subcontractor": False}),
             "test")
    s.create(Assessment(id="SW-002", corporation="Stichting Zuid", contractor="Installatie BV",
                        auditor="Bram"), "test")
    port = free_port()
    log = folder / "voila.log"
    # the walk loads the start page and the breach page (both preheated: the breach form reads
    # its URL with avgkit.notebook.query_string()); no pools for the others on a 2-core machine
    command, env = voila_command(store, port, pool_size=1,
                                 cold=(*COLD_NOTEBOOKS, "samenwerking.ipynb", "beveiliging.ipynb"))
    with open(log, "w") as out:
        proc = subprocess.Popen(command, cwd=folder, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, proc, log, timeout=120)
        yield f"http://127.0.0.1:{port}", store, log, folder
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            yield browser
        finally:
            browser.close()


def local_only(context, base: str) -> list[str]:
    """Abort and record every request to a host other than the server."""
    foreign: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(base + "/") or url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            foreign.append(url)
            r.abort()

    context.route("**/*", route)
    context.on("request", lambda req: None if req.url.startswith(
        (base + "/", "data:", "blob:")) else foreign.append(req.url))
    return foreign


def test_walk_download_reload_and_no_foreign_requests(app_server, browser, tmp_path):
    from playwright.sync_api import expect

    expect.set_options(timeout=180_000)
    base, store, log, folder = app_server
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1366, "height": 768},
                                  accept_downloads=True)
    foreign = local_only(context, base)
    page = context.new_page()
    page.set_default_timeout(180_000)  # a loaded 2-core CI machine
    try:
        # the front door: every assessment
        page.goto(f"{base}/voila/render/start.ipynb")
        table = page.locator("table.avgkit-dashboard")
        expect(table).to_contain_text("SW-002")
        expect(table).to_contain_text("Woonstichting <Noord>")
        expect(table).to_contain_text("gezamenlijke verwerkingsverantwoordelijke")
        page.wait_for_url("**/start.ipynb?lang=nl")
        page.screenshot(path=str(ARTIFACTS / "app-start-1366.png"), full_page=True)

        # open with Enter on the id: roles
        page.locator("a.avgkit-open", has_text="SW-001").press("Enter")
        page.wait_for_url("**/start.ipynb?id=SW-001&lang=nl")
        header = page.locator(".avgkit-open-header")
        expect(header).to_contain_text("SW-001 · Woonstichting <Noord> × Bouw & Zonen")
        expect(page.locator(".avgkit-q-own_purposes_use")).to_be_visible()  # first open one
        page.screenshot(path=str(ARTIFACTS / "app-roles-1366.png"))

        # the draft agreement, downloaded through the browser
        page.get_by_role("tab", name="Overeenkomst").click()
        page.get_by_role("button", name="Concept-overeenkomst maken (DOCX)").click()
        link = page.locator("a.avgkit-download")
        expect(link).to_contain_text("Downloaden SW-001-")
        with page.expect_download() as info:
            link.click()
        download = info.value
        assert download.suggested_filename.startswith("SW-001-")
        assert download.suggested_filename.endswith(".docx")
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        import docx

        document = docx.Document(io.BytesIO(target.read_bytes()))
        body = "\n".join(p.text for p in document.paragraphs)
        assert "Woonstichting <Noord>" in body and "Bouw & Zonen" in body

        # its security checklist, one click away; the URL follows
        page.locator(".avgkit-parts").get_by_role("button", name="Beveiliging").click()
        page.wait_for_url("**/start.ipynb?id=SW-001&part=beveiliging&lang=nl")
        page.get_by_role("tab", name="Maatregelen").click()
        expect(page.locator(".avgkit-m-tm-01")).to_be_visible()
        expect(header).to_contain_text("SW-001")
        page.screenshot(path=str(ARTIFACTS / "app-security-1366.png"))

        # reload lands on the same assessment and part
        page.reload()
        expect(page.locator(".avgkit-open-header")).to_contain_text("SW-001")
        expect(page.get_by_role("tab", name="Maatregelen")).to_be_visible()

        # its history, with Amsterdam times
        page.locator(".avgkit-parts").get_by_role("button", name="Geschiedenis").click()
        expect(page.locator(".avgkit-history")).to_contain_text("Europe/Amsterdam")

        # its breach view, then back
        page.locator("a.avgkit-nav-link", has_text="Datalek").click()
        page.wait_for_url("**/datalek.ipynb?id=SW-001&lang=nl")
        page.go_back()
        page.wait_for_url("**/start.ipynb?id=SW-001&part=geschiedenis&lang=nl")
        expect(page.locator(".avgkit-open-header")).to_contain_text("SW-001")
        expect(page.locator(".avgkit-history")).to_be_visible()

        # language switch: labels change in place, the URL follows
        page.locator(".avgkit-lang").get_by_role("button", name="EN").click()
        expect(page.locator(".avgkit-to-list")).to_contain_text("Back to the list")
        page.wait_for_url("**/start.ipynb?id=SW-001&part=geschiedenis&lang=en")

        # back to the list
        page.locator(".avgkit-to-list").click()
        expect(page.locator("table.avgkit-dashboard")).to_contain_text("SW-002")
        page.wait_for_url("**/start.ipynb?lang=en")

        # the narrow window: nothing clipped off screen
        page.set_viewport_size({"width": 800, "height": 900})
        page.locator("a.avgkit-open", has_text="SW-001").click()
        expect(page.locator(".avgkit-q-own_purposes_use")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "app-roles-800.png"), full_page=True)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the page scrolls sideways by {overflow} px at 800 px"
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "app-failure.png"), full_page=True)
        raise
    finally:
        context.close()
    assert foreign == [], f"requests to other hosts: {foreign}"
    assert not list(folder.glob("**/*.docx")) and not list((ROOT / "notebooks").glob("*.docx"))
    # no error in any of the app's notebooks, the breach notebook included
    errors = log.read_text().split("[Voila] ERROR")[1:]
    assert errors == [], errors[0][:3000]


def test_breach_view_opens_from_the_front_door(app_server, browser):
    from playwright.sync_api import expect

    expect.set_options(timeout=180_000)
    base, _store, _log, _folder = app_server
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    foreign = local_only(context, base)
    page = context.new_page()
    page.set_default_timeout(180_000)  # a loaded 2-core CI machine
    try:
        page.goto(f"{base}/voila/render/start.ipynb?id=SW-001&lang=nl")
        page.locator("a.avgkit-nav-link", has_text="Datalek").click()
        page.wait_for_url("**/datalek.ipynb?id=SW-001&lang=nl")
        # whichever comes first: the form's widgets, or Voilà's error page
        page.wait_for_function(
            "() => document.querySelector('.jupyter-widgets') || "
            "document.body.innerText.includes('There was an error')")
        expect(page.get_by_text("There was an error when executing cell")).to_have_count(0)
        expect(page.locator(".jupyter-widgets").first).to_be_visible()
        # the form of SW-001, not the picker: the (preheated) kernel got ?id= from the URL
        expect(page.locator(".avgkit-datalek-choice")).to_be_visible()
        expect(page.get_by_text("Bouw & Zonen", exact=False).first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "app-breach-1366.png"), full_page=True)
    finally:
        context.close()
    assert foreign == []
