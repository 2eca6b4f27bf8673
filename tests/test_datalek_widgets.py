"""The datalek form: driven by setting widget values, saved to a real store, deadlines live."""

import datetime as dt

import pytest
from samples_issue7 import processor_assessment

from avgkit.assessment import AgreementInPlace
from avgkit.breach import AMSTERDAM, IncidentStore
from avgkit.store import Store
from avgkit.widgets.datalek import NEW, DatalekForm

NOW = dt.datetime(2025, 3, 29, 12, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "store.sqlite")
    s.create(processor_assessment(agreement=AgreementInPlace(kind="verwerkersovereenkomst")),
             "tester")
    yield s
    s.close()


def form(store, tmp_path, **kw):
    return DatalekForm(store, "SW-VO", now=NOW, who="monteur", reports_dir=tmp_path / "reports",
                       **kw)


def test_a_new_incident_is_saved_once_it_has_a_discovery_time(store, tmp_path):
    f = form(store, tmp_path)
    assert f.choice.value == NEW and "Ontdekt op" in f.deadlines.value
    f.answers["q1"].value = "laptop gestolen"
    assert "Nog niet opgeslagen" in f.message.value and store.version("SW-VO") == 1
    f.discovered_at.value = dt.datetime(2025, 3, 29, 10, 0)
    assert "Opgeslagen als DL-20250329-1" in f.message.value
    saved = IncidentStore(store).get("SW-VO", "DL-20250329-1")
    assert saved.answers == {"q1": "laptop gestolen"} and saved.discovered_by == "provider"
    assert f.choice.value == "DL-20250329-1"
    # live deadlines: 24 hours across the DST change, and the art. 7.3 reminder
    assert "zo 30-03-2025 11:00 CEST" in f.deadlines.value
    assert "nog 22 uur" in f.deadlines.value
    assert "Verwerker mag geen melding van een Datalek" in f.deadlines.value


def test_every_field_reaches_the_store_and_deadlines_follow(store, tmp_path):
    f = form(store, tmp_path)
    f.discovered_at.value = dt.datetime(2025, 3, 29, 10, 0)
    assert f.persons_min.value == "" and f.persons_max.value == ""  # empty until answered
    f.persons_max.value = "120"
    f.persons_min.value = "15"
    f.data_kinds.value = ("naam", "bsn")
    f.contact_known.value = True
    f.period_start.value = dt.datetime(2025, 3, 28, 18, 0)
    f.period_end.value = dt.datetime(2025, 3, 29, 8, 0)
    f.other_informed.value = dt.datetime(2025, 3, 29, 11, 0)
    saved = IncidentStore(store).get("SW-VO", "DL-20250329-1")
    assert (saved.persons_min, saved.persons_max) == (15, 120)
    assert saved.data_kinds == ["naam", "bsn"] and saved.contact_known is True
    assert saved.period_end == dt.datetime(2025, 3, 29, 8, 0, tzinfo=AMSTERDAM)
    assert "gedaan op tijd" in f.deadlines.value
    # the AP deadline now runs from when the controller was informed: Tue 01-04 12:00 CEST
    assert "di 01-04-2025 12:00 CEST" in f.deadlines.value
    f.persons_min.value = "veel"  # not a count: refused, naming the field
    assert "Minimum aantal personen" in f.message.value
    f.persons_min.value = "500"  # more than the maximum: refused, the store keeps 15
    assert "persons_min" in f.message.value
    assert IncidentStore(store).get("SW-VO", "DL-20250329-1").persons_min == 15


def test_loading_a_saved_incident_and_exporting_its_report(store, tmp_path):
    f = form(store, tmp_path)
    f.discovered_at.value = dt.datetime(2025, 3, 29, 10, 0)
    f.reporter.value = "<b>J. Jansen</b>"
    g = form(store, tmp_path, incident_id="DL-20250329-1")
    assert g.reporter.value == "<b>J. Jansen</b>"
    assert g.discovered_at.value == dt.datetime(2025, 3, 29, 10, 0)
    g.export_button.click()
    path = tmp_path / "reports" / "SW-VO-DL-20250329-1.html"
    assert path.exists() and "Rapport opgeslagen" in g.message.value
    page = path.read_text(encoding="utf-8")
    assert "&lt;b&gt;J. Jansen&lt;/b&gt;" in page and "<b>J. Jansen" not in page
    assert "incidents.DL-20250329-1" in page  # the history of the incident


def test_two_forms_on_one_incident_merge_and_refuse_overwrites(store, tmp_path):
    a = form(store, tmp_path)
    a.discovered_at.value = dt.datetime(2025, 3, 29, 10, 0)
    b = form(store, tmp_path, incident_id="DL-20250329-1")
    a.notes.value = "politie ingelicht"
    b.reporter.value = "P. de Vries"  # another field: merges, and b now shows a's notes
    assert "Opgeslagen" in b.message.value and "bijgeladen" in b.message.value
    assert b.notes.value == "politie ingelicht"
    a.ap_reason.value = "laptop versleuteld"
    b.ap_reason.value = "nog onbekend"  # the field a changed after b read it: refused
    assert "iemand anders" in b.message.value and "ap_reason" in b.message.value
    saved = IncidentStore(store).get("SW-VO", "DL-20250329-1")
    assert (saved.notes, saved.reporter, saved.ap_reason) == (
        "politie ingelicht", "P. de Vries", "laptop versleuteld")


# --- issue 11/13: reopen, risk, art. 33(3), phases, language switch and the list ----------------

def test_the_form_reopens_the_existing_incident_not_a_new_one(store, tmp_path):
    f = form(store, tmp_path)
    f.discovered_at.value = dt.datetime(2025, 3, 29, 10, 0)
    again = form(store, tmp_path)
    assert again.choice.value == "DL-20250329-1"
    assert again.discovered_at.value == dt.datetime(2025, 3, 29, 10, 0)


def test_deadlines_come_before_the_seven_questions(store, tmp_path):
    f = form(store, tmp_path)
    children = list(f.widget.children)
    heading = next(i for i, c in enumerate(children)
                   if isinstance(c, type(f.deadlines)) and "De zeven vragen" in c.value)
    assert children.index(f.deadlines) < heading


def test_risk_art_33_3_fields_exceptions_and_phases_reach_the_store(store, tmp_path):
    f = form(store, tmp_path)
    f.discovered_at.value = dt.datetime(2025, 3, 29, 10, 0)
    assert f.exceptions_box.layout.display == "none"
    f.risk.value = "hoog"
    assert f.exceptions_box.layout.display == ""
    assert "Wanneer de inbreuk" in f.deadlines.value  # art. 34(1): inform the residents
    f.exceptions["34-3-a"].value = "yes"
    f.contact_point.value = "FG, fg@woonstede.example"
    f.consequences.value = "Phishing"
    f.measures.value = "Wachtwoorden gereset"
    f.phase_at.value = dt.datetime(2025, 3, 30, 9, 0)
    f.phase_what.value = "eerste melding"
    f.add_phase()
    saved = IncidentStore(store).get("SW-VO", "DL-20250329-1")
    assert saved.risk == "hoog" and saved.exceptions == {"34-3-a": True}
    assert (saved.contact_point, saved.consequences, saved.measures) == (
        "FG, fg@woonstede.example", "Phishing", "Wachtwoorden gereset")
    assert [p.what for p in saved.phases] == ["eerste melding"]
    assert "eerste melding" in f.phases_list.value


def test_the_app_switches_language_keeps_the_incident_and_goes_back_to_the_list(store, tmp_path):
    from avgkit.widgets.datalek import DatalekApp

    f = form(store, tmp_path)
    f.discovered_at.value = dt.datetime(2025, 3, 29, 10, 0)
    app = DatalekApp(store, "nl", "SW-VO", reports_dir=tmp_path, now=NOW)
    assert app.form.choice.value == "DL-20250329-1"
    app.lang_switch.value = "en"
    assert app.form.lang == "en" and app.form.choice.value == "DL-20250329-1"
    assert "The seven questions" in "".join(getattr(c, "value", "") or ""
                                            for c in app.form.widget.children
                                            if isinstance(getattr(c, "value", None), str))
    app.list_button.click()
    assert app.form is None and app.body.children == (app.picker.widget,)
    assert "SW-VO" in [v for _, v in app.picker.results.options]
    app.picker.results.value = "SW-VO"
    app.picker.open_button.click()
    assert app.form is not None and app.form.assessment_id == "SW-VO"


def test_the_app_without_an_assessment_shows_the_picker(store, tmp_path):
    from avgkit.widgets.datalek import DatalekApp, split_incident

    app = DatalekApp(store, "nl", None, reports_dir=tmp_path)
    assert app.form is None and app.body.children == (app.picker.widget,)
    assert split_incident("id=SW-VO&incident=DL-1&lang=en") == ("id=SW-VO&lang=en", "DL-1", [])
    assert split_incident("incident=../x")[1:] == (None, ["incident: not a valid incident id"])


def test_on_the_team_server_the_form_uses_the_servers_store_the_hub_user_and_downloads(
        tmp_path, monkeypatch):
    """Server mode: open_store() (store= in the URL dropped unread), changes recorded under the
    logged-in user (not $USER), and 'Rapport opslaan' a browser download, never a file."""
    import base64
    import re

    from avgkit import identity
    from avgkit.widgets.datalek import run

    path = tmp_path / "server.sqlite"
    with Store(path) as s:
        s.create(processor_assessment(agreement=AgreementInPlace(kind="verwerkersovereenkomst")),
                 "tester")
    other = tmp_path / "other.sqlite"
    monkeypatch.setenv("AVGKIT_STORE", str(path))
    monkeypatch.setenv(identity.SERVER_ENV, "1")
    monkeypatch.setenv(identity.HUB_USER_ENV, "bob")
    monkeypatch.setenv(identity.ROLE_ENV, "auditor")
    monkeypatch.setenv("USER", "mallory")
    monkeypatch.chdir(tmp_path)
    app = run(query=f"id=SW-VO&store={other}", reports_dir=str(tmp_path / "reports"))
    assert not other.exists()
    assert "opslag" in app.message.value  # the ignored store= is said, without its value
    assert str(other) not in app.message.value
    f = app.form
    assert f is not None and f.who == "bob" and f.reports_dir is None
    f.discovered_at.value = dt.datetime(2025, 3, 29, 10, 0)
    f.reporter.value = "<b>J. Jansen</b>"
    with Store(path) as s:
        assert {c.who for c in s.history("SW-VO")} >= {"bob"}
        assert "mallory" not in {c.who for c in s.history("SW-VO")}
    f.export_button.click()
    assert not (tmp_path / "reports").exists() and not list(tmp_path.glob("**/*.html"))
    link = re.search(r'download="([^"]+)" href="data:text/html;charset=utf-8;base64,([^"]+)"',
                     f.message.value)
    assert link and link.group(1) == "SW-VO-DL-20250329-1.html"
    page = base64.b64decode(link.group(2)).decode("utf-8")
    assert "&lt;b&gt;J. Jansen&lt;/b&gt;" in page and "<b>J. Jansen" not in page
