"""The datalek notebook served by Voilà in a real browser (issue 11, the breach items of issue 13):
`datalek.ipynb?id=...` opens without "There was an error when executing cell", reopens the
existing incident, shows the deadlines above the seven questions, and switches language.
Needs Debian's Chromium at /usr/bin/chromium (see tests/test_browser.py)."""

import pytest
from samples_issue7 import processor_assessment
from test_browser import ARTIFACTS, CHROMIUM, launch_chromium, serve_voila

from avgkit.assessment import AgreementInPlace
from avgkit.breach import Incident, IncidentStore
from avgkit.store import Store

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("datalek-voila")
    store = tmp / "store.sqlite"
    with Store(store) as s:
        s.create(processor_assessment(
            agreement=AgreementInPlace(kind="verwerkersovereenkomst")), "test")
        IncidentStore(s).save("SW-VO", Incident(
            id="DL-20250329-1", discovered_at="2025-03-29 10:00", discovered_by="provider",
            answers={"q1": "laptop kwijt"}), "monteur")
    with serve_voila("datalek.ipynb", store, tmp) as (url, log):
        yield url, store, log


def test_datalek_opens_by_id_without_error_deadlines_first(voila):
    from playwright.sync_api import expect, sync_playwright

    url, store, log = voila
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(60_000)
            page.goto(f"{url}/?id=SW-VO")
            deadlines = page.locator(".avgkit-datalek table.deadlines")
            expect(deadlines).to_be_visible()
            expect(page.get_by_text("There was an error when executing cell")).to_have_count(0)
            # the existing incident is reopened, not a new one
            expect(page.locator(".avgkit-datalek-choice select")).to_have_value("DL-20250329-1")
            questions = page.get_by_text("De zeven vragen (Bijlage 3)")
            assert deadlines.bounding_box()["y"] < questions.bounding_box()["y"]
            page.screenshot(path=str(ARTIFACTS / "voila-datalek.png"), full_page=True)
            page.get_by_role("button", name="EN", exact=True).click()
            expect(page.get_by_text("The seven questions (Annex 3)")).to_be_visible()
            page.get_by_role("button", name="Back to the list").click()
            expect(page.locator("select option", has_text="SW-VO")).to_be_attached()
            page.screenshot(path=str(ARTIFACTS / "voila-datalek-list.png"), full_page=True)
        finally:
            browser.close()
    assert "Traceback" not in log.read_text()
