"""The app's front door and frame, driven from Python against a real store (no browser):
the dashboard, parts one click apart, history, sign-off and locking, report download,
language switch without rebuilding cached views."""

import base64
import html
import re

import pytest
from conftest import html_text

from avgkit.assessment import Assessment
from avgkit.notebook import parse_query
from avgkit.store import Store
from avgkit.widgets import App
from avgkit.widgets.formats import local_time, number


def text(value):
    return html.unescape(html_text(value))


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "avgkit.sqlite")
    store.create(Assessment(id="SW-001", corporation="Woonstichting <Noord>",
                            contractor="Bouw & Zonen", auditor="Anna",
                            answers={"data_exchange": "order"}), "test")
    store.create(Assessment(id="SW-002", corporation="Stichting Zuid",
                            contractor="Installatie BV", auditor="Bram",
                            checklist={"risk_profile": {"data_kind": "gevoelig"},
                                       "answers": {"tm-01": {"status": "afwezig"}}}), "test")
    return store


def test_dashboard_lists_every_assessment_with_its_figures(store):
    app = App("start", store, "nl")
    assert app.session is None and app.errors.count == 0
    dash = app._dashboard()
    body = text(dash.table.value)
    for needle in ("SW-001", "SW-002", "Woonstichting <Noord>", "Anna", "Bram",
                   "verwerkingsverantwoordelijke / verwerkingsverantwoordelijke",
                   "aanbevolen, ontbreekt: Verwerkingsverantwoordelijkenovereenkomst",
                   "niet beoordeeld", "onvoldoende · 0%", "25% · 0%", "0% · 7%"):
        assert needle in body, needle
    assert "&lt;Noord&gt;" in dash.table.value  # escaped
    assert 'href="?id=SW-001&amp;lang=nl"' in dash.table.value
    dash.filter.value = "zuid"
    assert [r["id"] for r in dash.visible()] == ["SW-002"]
    dash.filter.value = ""
    dash.sort.value, dash.direction.value = "id", "asc"
    assert [r["id"] for r in dash.visible()] == ["SW-001", "SW-002"]
    dash.direction.value = "desc"
    assert [r["id"] for r in dash.visible()] == ["SW-002", "SW-001"]
    dash.open_box.value = "SW-002"  # type an id and Enter
    assert app.session.id == "SW-002" and app.part == "samenwerking"


def test_parts_are_one_click_apart_and_the_header_names_the_assessment(store):
    app = App("start", store, "nl", "SW-001")
    assert "SW-001" in text(app.title.value) and "Bouw & Zonen" in text(app.title.value)
    assert 'href="datalek.ipynb?id=SW-001&amp;lang=nl"' in app.breach_link.value
    app.parts.value = "beveiliging"
    assert type(app.view).__name__ == "ChecklistView"
    assert app.url.query == "id=SW-001&part=beveiliging&lang=nl"
    app.parts.value = "geschiedenis"
    assert "Geschiedenis van SW-001" in text(app.view.widget.value)
    app.list_button.click()
    assert app.session is None and app.url.query == "lang=nl"


def test_url_part_and_bad_part():
    assert parse_query("id=SW-1&part=beveiliging").part == "beveiliging"
    assert parse_query("part=<x>").ignored == ["part: expected one of samenwerking, "
                                               "beveiliging, geschiedenis, afronding"]


def test_language_switch_keeps_built_views(store):
    app = App("start", store, "nl", "SW-001")
    nl_view = app.view
    app.lang_switch.value = "en"
    assert app.view is not nl_view and "Roles" in [o[0] for o in app.parts.options]
    assert app.url.query == "id=SW-001&lang=en"
    app.lang_switch.value = "nl"
    assert app.view is nl_view  # cached: not rebuilt


def test_history_shows_who_when_what_old_and_new_in_amsterdam_time(store):
    app = App("start", store, "nl", "SW-001", who="carla")
    app.view.inputs["subcontractor"].value = True
    app.parts.value = "geschiedenis"
    table = text(app.view.widget.value)
    assert "carla" in table and "answers.subcontractor" in table and "(leeg)" in table
    assert re.search(r"\d\d-\d\d-\d{4} \d\d:\d\d:\d\d CES?T", table)
    assert "Europe/Amsterdam" in table


def test_signoff_records_and_locks_and_reopening_needs_a_reason(store):
    app = App("start", store, "nl", "SW-001", who="carla")
    app.parts.value = "afronding"
    panel = app.view
    panel.role.value = ""
    panel.sign_button.click()
    assert "naam en rol" in panel.message.value and store.get("SW-001").status == "concept"
    panel.name.value, panel.role.value = "Carla de Vries", "FG"
    panel.sign_button.click()
    a = store.get("SW-001")
    assert a.status == "afgerond" and a.signoff.name == "Carla de Vries"
    assert a.signoff.role == "FG" and a.signoff.version == store.version("SW-001")
    assert "vergrendeld" in text(app.locked_banner.value)
    # answers are locked: the view refuses, shows the stored value and why
    app.parts.value = "samenwerking"
    app.view.inputs["data_exchange"].value = "client_system"
    assert store.get("SW-001").answers["data_exchange"] == "order"
    assert app.view.inputs["data_exchange"].value == "order"
    assert "afgerond" in app.status.html.value
    app.parts.value = "afronding"
    panel.reopen_button.click()
    assert "reden" in panel.message.value and store.get("SW-001").locked
    panel.reason.value = "nieuwe onderaannemer"
    panel.reopen_button.click()
    a = store.get("SW-001")
    assert a.status == "concept" and a.signoff is None
    reasons = [c.new for c in store.history("SW-001") if c.path == "reopen_reason"]
    assert reasons == ["nieuwe onderaannemer"]


def test_report_is_offered_as_a_download(store):
    app = App("start", store, "en", "SW-001")
    app.report_button.click()
    link = re.search(r'download="(SW-001-report\.html)" href="data:text/html;charset=utf-8;'
                     r'base64,([^"]+)"', app.report_result.value)
    assert link and "Download SW-001-report.html" in app.report_result.value
    page = base64.b64decode(link.group(2)).decode()
    assert "Woonstichting &lt;Noord&gt;" in page and "<script" not in page


def test_formats():
    assert number(1234.5, "nl", 1) == "1.234,5" and number(1234.5, "en", 1) == "1,234.5"
    import datetime as dt
    assert local_time(dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.UTC)) == "01-07-2026 12:00 CEST"
    assert local_time(dt.datetime(2026, 1, 1, 10, 0)) == "01-01-2026 11:00 CET"


def test_forms_with_the_same_roles_show_what_differs(store):
    app = App("start", store, "nl", "SW-001")  # form 1 (order)
    panel = text(app.view.forms_panel.value)
    assert "Vorm 1, 2, 4 geven dezelfde rollen" in panel
    assert "Verwerkingsverantwoordelijkenovereenkomst" in panel
    assert "algemene vragen niet gesteld" in panel
    app.view.inputs["data_exchange"].value = "client_system"  # form 3: roles of its own
    panel = text(app.view.forms_panel.value)
    assert "dezelfde rollen" not in panel and "algemene vragen" in panel


def test_app_command_binds_localhost_with_the_template_without_cdn(tmp_path):
    from avgkit.appserver import template_root, voila_command
    from avgkit.cli import build_parser

    args = build_parser().parse_args(["app", "--port", "9999", "--store", "x.sqlite"])
    assert args.port == 9999 and str(args.store) == "x.sqlite"
    command, env = voila_command(tmp_path / "s.sqlite", 9999)
    assert "--Voila.ip=127.0.0.1" in command and "--port=9999" in command
    assert "--template=avgkit" in command and "--preheat_kernel=True" in command
    assert env["AVGKIT_STORE"] == str((tmp_path / "s.sqlite").resolve())
    assert env["JUPYTER_PATH"].split(":")[0] == str(template_root())
    index = template_root() / "voila" / "templates" / "avgkit" / "index.html.j2"
    assert "html_head_js_mermaidjs" in index.read_text()


def test_saved_time_is_amsterdam_time_with_the_zone(store):
    app = App("start", store, "nl", "SW-001")
    app.view.notes.value = "gesproken met FG"
    assert re.search(r"Opgeslagen \(versie 2, \d\d:\d\d:\d\d CES?T\)", text(app.status.html.value))


def test_opening_from_the_list_starts_at_the_roles(store):
    app = App("start", store, "nl", "SW-001", part="geschiedenis")
    assert app.part == "geschiedenis"
    app.list_button.click()
    app._dashboard().open_box.value = "SW-002"
    assert app.part == "samenwerking" and app.url.query == "id=SW-002&lang=nl"


def test_report_pdf_is_offered_as_a_download(store, tmp_path, monkeypatch):
    from avgkit.batch.pdf import find_engine

    if not find_engine():
        pytest.skip("no Chromium to print with")
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    app = App("start", store, "nl", "SW-001")
    app.pdf_button.click()
    link = re.search(r'download="(SW-001-rapport\.pdf)" href="data:application/pdf;base64,'
                     r'([^"]+)"', app.report_result.value)
    assert link, app.report_result.value
    assert base64.b64decode(link.group(2)).startswith(b"%PDF")
    assert list(cwd.iterdir()) == [] and sorted(
        p.name for p in store.path.parent.iterdir() if not p.name.startswith("avgkit.sqlite")) \
        == ["cwd"]
