"""The notebook widgets, driven from Python against a real store file (no browser, no kernel):
set values, click buttons, check the outcome panel and what the store holds."""


import pytest
from conftest import html_text as text

from avgkit.assessment import Assessment
from avgkit.store import Store
from avgkit.widgets import App


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "avgkit.sqlite")
    store.create(Assessment(id="SW-001", corporation="Woonstichting <Noord>",
                            contractor="Bouw & Zonen", auditor="Anna"), "test")
    store.create(Assessment(id="SW-002", corporation="Stichting Zuid",
                            contractor="Installatie BV"), "test")
    return store


def open_app(store, assessment_id="SW-001", lang="nl", kind="samenwerking"):
    app = App(kind, store, lang, assessment_id)
    assert app.errors.count == 0, app.errors.widget.outputs
    return app


def test_search_and_open(store):
    app = App("samenwerking", store)
    picker = app.picker
    assert [v for _, v in picker.results.options] == ["SW-001", "SW-002"]
    picker.search_box.value = "zuid"
    assert [v for _, v in picker.results.options] == ["SW-002"]
    picker.search_box.value = "bouw noord"
    assert [v for _, v in picker.results.options] == ["SW-001"]
    assert picker.open_button.disabled
    picker.results.value = "SW-001"
    picker.open_button.click()
    assert app.session.id == "SW-001" and app.view is not None


def test_create_validates_and_opens(store):
    app = App("samenwerking", store)
    p = app.picker
    p.new_id.value, p.new_corporation.value, p.new_contractor.value = "bad id!", "C", "A"
    p.create_button.click()
    assert "Ongeldig id" in p.message.value and len(store.list()) == 2
    p.new_id.value = "SW-001"
    p.create_button.click()
    assert "SW-001" in p.message.value and app.view is None  # exists already
    p.new_id.value, p.new_description.value = "SW-003", "Onderhoud cv-ketels"
    p.create_button.click()
    assert app.session.id == "SW-003"
    assert store.get("SW-003").description == "Onderhoud cv-ketels"
    assert app.errors.count == 0


def test_form_three_gives_joint_controllers_and_is_saved(store):
    app = open_app(store)
    view = app.view
    assert view.current == "data_exchange" and "Vraag 1 van 11" in view.progress_text.value
    assert view.next.disabled  # Next needs an answer; Skip leaves the question open
    view.inputs["data_exchange"].value = "client_system"
    assert store.get("SW-001").answers == {"data_exchange": "client_system"}
    assert app.status.state == "saved"
    panel = text(view.summary.value)
    assert view.summary.value.count("role-joint_controller") == 2  # both parties
    assert "gezamenlijke verwerkingsverantwoordelijke" in panel
    assert "Regeling gezamenlijke verantwoordelijkheid (verplicht)" in panel
    assert "art. 26 lid 1 AVG" in panel
    assert "Woonstichting &lt;Noord&gt;" in view.summary.value  # escaped
    assert "Vraag 1 van 4 · 1 beantwoord" in view.progress_text.value  # general ones dropped
    view.next.click()
    assert view.current == "own_purposes_use"
    view.skip.click()
    assert view.current == "subcontractor"
    view.inputs["subcontractor"].value = True
    assert "Variant B" in text(view.summary.value)
    assert any("onderaannemer" in title for title in view.details.titles)
    answers = store.get("SW-001").answers
    assert answers == {"data_exchange": "client_system", "subcontractor": True}
    assert "Open vragen (2)" in text(view.summary.value)  # A skipped, C not reached


def test_reopening_shows_the_same_state(store):
    app = open_app(store)
    app.view.inputs["data_exchange"].value = "other"
    app.view.next.click()
    app.view.inputs["provider_processes_personal_data"].value = True
    app.view.notes.value = "gesproken met FG"
    again = open_app(store)
    assert again.view.inputs["data_exchange"].value == "other"
    assert again.view.inputs["provider_processes_personal_data"].value is True
    assert again.view.notes.value == "gesproken met FG"
    assert again.view.current == "legal_or_professional_duty"  # the first open question
    assert again.view.summary.value == app.view.summary.value


def test_clear_makes_a_question_open_again(store):
    view = open_app(store).view
    view.inputs["data_exchange"].value = "order"
    view.clear.click()
    assert "data_exchange" not in store.get("SW-001").answers
    assert "nog niet vast te stellen" in text(view.summary.value)


def test_conflicting_change_is_shown_not_swallowed(store):
    first, second = open_app(store), open_app(store)
    first.view.inputs["data_exchange"].value = "order"
    second.view.inputs["data_exchange"].value = "client_system"  # stale: based on version 1
    assert second.status.state == "conflict"
    assert "iemand anders" in second.status.html.value
    assert store.get("SW-001").answers["data_exchange"] == "order"
    # the refused choice does not stay shown as if saved: the stored value is back, and why
    assert second.view.inputs["data_exchange"].value == "order"
    assert "opgeslagen waarde" in second.status.html.value
    second.view.inputs["subcontractor"].value = False  # saving works again at once
    assert store.get("SW-001").answers == {"data_exchange": "order", "subcontractor": False}


def test_changes_to_different_fields_merge(store):
    first, second = open_app(store), open_app(store)
    first.view.inputs["data_exchange"].value = "order"
    second.view.notes.value = "eigen notitie"
    assert second.status.state == "saved"
    saved = store.get("SW-001")
    assert saved.answers["data_exchange"] == "order" and saved.notes == "eigen notitie"


def test_agreement_in_place_and_the_fourteen_points(store):
    view = open_app(store).view
    view.inputs["data_exchange"].value = "client_system"
    assert view.points_box.layout.display == "none"
    view.agreement_kind.value = "verwerkersovereenkomst"
    assert view.points_box.layout.display == ""
    remarks = text(view.agreement_remarks.value)
    assert "geen verwerker" in remarks and "nog niet beoordeeld" in remarks
    view.agreement_reviewed.value = True
    view.point_boxes["vo-06"].value = True
    saved = store.get("SW-001").agreement
    assert saved.kind == "verwerkersovereenkomst" and saved.reviewed
    assert saved.points == {"vo-06": True}
    assert "verplichte punten 2, 3, 4, 5, 7" in text(view.agreement_remarks.value)


def test_callback_errors_are_shown_in_the_notebook(store, monkeypatch):
    app = open_app(store)

    def broken(*args, **kwargs):
        raise RuntimeError("schijf vol")

    monkeypatch.setattr(app.session.store, "update", broken)
    app.view.inputs["data_exchange"].value = "order"
    assert app.errors.count == 1
    shown = app.errors.widget.outputs[0]["data"]
    assert "schijf vol" in shown["text/html"] and "Traceback" in shown["text/plain"]
    assert app.status.state == "failed"


def test_language_switch_keeps_the_assessment_open(store):
    app = open_app(store)
    app.view.inputs["data_exchange"].value = "client_system"
    app.lang_switch.value = "en"
    assert app.session.id == "SW-001" and app.lang == "en"
    assert "joint controller" in text(app.view.summary.value)
    assert "Question 1 of 4" in app.view.progress_text.value


def test_unknown_id_shows_a_message_and_the_list(store):
    app = App("samenwerking", store, "nl", "SW-999")
    assert "SW-999" in app.message.value and app.view is None
    assert app.body.children == (app.picker.widget,)


def test_draft_button_offers_the_agreement_as_a_download_not_a_file(store):
    import base64
    import io
    import re

    import docx

    view = open_app(store).view
    view.draft_button.click()
    assert "Geen concept" in view.draft_result.value  # roles not established yet: no draft
    view.inputs["data_exchange"].value = "client_system"
    view.draft_button.click()
    assert "Downloaden SW-001-" in view.draft_result.value
    link = re.search(r'download="([^"]+)" href="data:([^;]+);base64,([^"]+)"',
                     view.draft_result.value)
    assert link and link.group(1).endswith(".docx")
    assert link.group(2).endswith("wordprocessingml.document")
    document = docx.Document(io.BytesIO(base64.b64decode(link.group(3))))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "Woonstichting <Noord>" in body and "Bouw & Zonen" in body
    # nothing lands next to the store or in the working directory
    assert sorted(p.name for p in store.path.parent.iterdir()
                  if not p.name.startswith("avgkit.sqlite")) == []
