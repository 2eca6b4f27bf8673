"""The Bijlage 2 checklist view, driven from Python against a real store file."""


import pytest
from conftest import ROOT
from conftest import html_text as text

from avgkit.assessment import Assessment
from avgkit.identity import os_user
from avgkit.report import render_report
from avgkit.store import Store
from avgkit.widgets import App

CUSTOM = ROOT / "data" / "eigen-maatregelen.yaml"



@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "avgkit.sqlite")
    store.create(Assessment(id="SW-001", corporation="Woonstichting Noord",
                            contractor="Bouw & Zonen", auditor="Anna"), "test")
    return store


def open_view(store, lang="nl", custom=None):
    app = App("beveiliging", store, lang, "SW-001", custom=custom)
    assert app.errors.count == 0, app.errors.widget.outputs
    return app, app.view


def test_risk_profile_sets_the_level_and_is_saved(store):
    app, view = open_view(store)
    view.factor_inputs["data_kind"].value = "gevoelig"
    view.factor_inputs["data_subjects"].value = "1.200"
    code, description = view.factor_inputs["retention"]
    code.value = "na-opdracht"
    description.value = "7 jaar (fiscaal)"
    profile = store.get("SW-001").checklist["risk_profile"]
    assert profile == {"data_kind": "gevoelig", "data_subjects": 1200,
                       "retention": "na-opdracht: 7 jaar (fiscaal)"}
    assert view.result["level"] == "hoog"
    assert "Risiconiveau: hoog" in text(view.risk_html.value)
    assert "voorlopig" in text(view.risk_html.value)  # purpose and size still missing
    view.factor_inputs["data_subjects"].value = "veel"
    assert "geheel getal" in view.factor_inputs["data_subjects__error"].value
    assert store.get("SW-001").checklist["risk_profile"]["data_subjects"] == 1200
    assert app.errors.count == 0


def test_measures_statuses_score_verdict_and_findings(store):
    app, view = open_view(store)
    view.factor_inputs["data_kind"].value = "gevoelig"  # level hoog: every measure expected
    view.rows["tm-01"].status.value = "aanwezig"
    view.rows["tm-01"].evidence.value = "Rapport virusscanner 2025-03"
    view.rows["tm-02"].status.value = "afwezig"
    view.rows["tm-02"].note.value = "gewone USB-sticks in gebruik"
    answers = store.get("SW-001").checklist["answers"]
    assert answers["tm-01"]["status"] == "aanwezig"
    assert answers["tm-01"]["evidence"] == "Rapport virusscanner 2025-03"
    # answered by the person at the keyboard (OS user here, the logged-in user on the team
    # server), not the assessment's auditor field "Anna" (issue 14)
    assert answers["tm-01"]["answered_by"] == os_user() and answers["tm-01"]["answered_at"]
    assert answers["tm-02"]["note"] == "gewone USB-sticks in gebruik"
    summary = text(view.summary.value)
    assert "Oordeel:" in summary and view.result["verdict_label"] in summary
    assert "tm-02 – Beveiligde USB-sticks" in summary  # a finding
    overall = view.result["scores"][-1]
    assert overall["counts"]["aanwezig"] == 1 and overall["counts"]["afwezig"] == 1
    assert "(2/" in view.measure_groups.titles[0]


def test_not_applicable_waits_for_a_reason(store):
    app, view = open_view(store)
    row = view.rows["om-03"]
    row.status.value = "nvt"
    assert "reden" in row.hint.value and "om-03" not in store.get("SW-001").checklist.get(
        "answers", {})
    assert row.reason.layout.display == ""
    # the refused choice does not stay shown as if saved: the stored value (none) is shown
    assert row.status.value is None and "Opgeslagen is: –" in row.hint.value
    row.reason.value = "medewerkers hebben geen auto"
    saved = store.get("SW-001").checklist["answers"]["om-03"]
    assert saved["status"] == "nvt" and saved["reason"] == "medewerkers hebben geen auto"
    assert row.status.value == "nvt" and row.hint.value == ""
    assert app.errors.count == 0


def test_actions_with_owner_and_due_date(store):
    app, view = open_view(store)
    view.add_button.click()
    assert "Beschrijf" in view.action_message.value and store.get("SW-001").actions == []
    view.new_what.value = "Beveiligde USB-sticks aanschaffen"
    view.new_owner.value = "IT"
    view.new_finding.value = "tm-02"
    view.add_button.click()
    (action,) = store.get("SW-001").actions
    assert (action.what, action.owner, action.finding, action.status) == (
        "Beveiligde USB-sticks aanschaffen", "IT", "tm-02", "open")
    view.action_rows[0].status.value = "bezig"
    assert store.get("SW-001").actions[0].status == "bezig"
    view.factor_inputs["data_kind"].value = "gevoelig"
    view.rows["tm-02"].status.value = "afwezig"
    assert "Beveiligde USB-sticks aanschaffen (IT" in text(view.summary.value)
    view.action_rows[0].remove.click()
    assert store.get("SW-001").actions == [] and view.action_rows == []


def test_reopening_shows_the_same_checklist(store):
    _, view = open_view(store)
    view.factor_inputs["organisation_size"].value = "groot"
    view.rows["om-01"].status.value = "gedeeltelijk"
    view.rows["om-01"].note.value = "alleen op kantoor"
    _, again = open_view(store)
    assert again.factor_inputs["organisation_size"].value == "groot"
    assert again.rows["om-01"].status.value == "gedeeltelijk"
    assert again.rows["om-01"].note.value == "alleen op kantoor"
    assert again.summary.value == view.summary.value


def test_own_measures_from_a_data_file(store):
    if not CUSTOM.exists():
        pytest.skip("no example own-measures file")
    app, view = open_view(store, custom=CUSTOM)
    own = [mid for mid in view.rows if mid.startswith("eigen-")]
    assert own
    view.rows[own[0]].status.value = "aanwezig"
    assert store.get("SW-001").checklist["answers"][own[0]]["status"] == "aanwezig"
    page = render_report(store.get("SW-001"), "nl", ("beveiliging",), custom=CUSTOM)
    assert own[0] in page and "eigen maatregel" in page


def test_english_labels(store):
    _, view = open_view(store, lang="en")
    assert view.tabs.titles == ("Risk profile", "Measures", "Actions")
    assert "Verdict" in text(view.summary.value)


def test_checklist_in_the_report(store):
    _, view = open_view(store)
    view.factor_inputs["data_kind"].value = "bijzonder"
    view.rows["tm-05"].status.value = "afwezig"
    page = render_report(store.get("SW-001"), "nl")
    assert "Beveiligingsmaatregelen (Bijlage 2)" in page and "Risicoprofiel" in page
    assert "tm-05" in page and "Bevindingen" in page and 'class="bar' in page
    assert "<script" not in page
