"""Issue 10: reasoning a privacy officer can rely on. Each test here failed on the main branch
before the fix it names (facts decide, conflicts are reported, corrections stay visible)."""

import json

import pytest

from avgkit import Role, classify
from avgkit.knowledge import load_knowledge

C, P, J, N = Role.CONTROLLER, Role.PROCESSOR, Role.JOINT_CONTROLLER, Role.NONE
PROC = dict(data_exchange="other", provider_processes_personal_data=True)
NO_DECISION = dict(legal_or_professional_duty=False, joint_determination=False,
                   provider_determines_purposes=False, provider_determines_essential_means=False)


# --- 1. facts decide, indicators only indicate ---------------------------------------------

def test_documented_instructions_without_purposes_or_means_make_a_processor():
    """The issue's command: facts say processor; the AP's primary-assignment test says
    controller. The facts win, the indicator becomes an open question (art. 4(7)/(8))."""
    result = classify(**PROC, **NO_DECISION, processing_is_primary_purpose=False,
                      on_behalf_of_client=True)
    assert (result.provider_role, result.client_role) == (P, C)
    assert result.agreement.id == "verwerkersovereenkomst"
    assert not result.certain
    (q,) = [q for q in result.open_questions if q.kind == "indicator"]
    assert "processing_is_primary_purpose" in q.keys
    assert "nee" in q.text.nl and "verwerker" in q.text.nl


def test_indicator_agreeing_with_the_facts_raises_no_question():
    result = classify(**PROC, **NO_DECISION, processing_is_primary_purpose=True,
                      on_behalf_of_client=True)
    assert result.provider_role is P and result.certain


def test_not_on_behalf_decides_even_when_the_assignment_is_not_aimed_at_processing():
    result = classify(**PROC, **NO_DECISION, processing_is_primary_purpose=True,
                      on_behalf_of_client=False)
    assert result.provider_role is C
    assert any(q.kind == "indicator" for q in result.open_questions)


def test_a_conflict_names_both_answers():
    result = classify(**PROC, legal_or_professional_duty=False, joint_determination=False,
                      provider_determines_purposes=True, on_behalf_of_client=True)
    (q,) = [q for q in result.open_questions if q.kind == "conflict"]
    assert set(q.keys) == {"on_behalf_of_client", "provider_determines_purposes"}
    assert q.text.nl.count("‘ja’") == 2
    assert not result.certain


def test_nobody_deciding_is_a_conflict():
    result = classify(**PROC, **NO_DECISION, on_behalf_of_client=False)
    assert any(q.kind == "conflict" and "on_behalf_of_client" in q.keys
               and "provider_determines_purposes" in q.keys for q in result.open_questions)
    assert not result.certain


def test_form_3_with_variant_c_is_a_reported_contradiction():
    result = classify(data_exchange="client_system", returns_corrections=True)
    conflicts = [q for q in result.open_questions if q.kind == "conflict"
                 and set(q.keys) == {"data_exchange", "returns_corrections"}]
    assert conflicts and "eigen" in conflicts[0].text.nl
    assert not result.certain


def test_form_3_shows_the_edpb_caveat_as_ours():
    result = classify(data_exchange="client_system")
    (caveat,) = [r for r in result.reasons if r.ours]
    assert any("07/2020" in c for c in caveat.citations)
    assert "systeem" in caveat.text.nl
    assert all(not r.ours for r in classify(data_exchange="order").reasons)


@pytest.mark.parametrize(("facts", "base"), [
    (dict(data_exchange="order"), C),
    (dict(**PROC, **NO_DECISION, processing_is_primary_purpose=True, on_behalf_of_client=True),
     P),
    (dict(data_exchange="client_system"), J),
])
def test_variant_a_over_every_base_role(facts, base):
    result = classify(**facts, own_purposes_use=True)
    assert result.provider_role is base
    (a,) = result.variants
    assert a.provider_role is C and a.client_role is N
    reason = a.agreement.reason.nl
    assert "geen persoonsgegevens" not in reason
    assert "art. 6 lid 4" in " ".join(a.agreement.citations) or "6 lid 4" in reason
    text = " ".join(r.text.nl for r in a.reasons) + " " + " ".join(
        c for r in a.reasons for c in r.citations)
    if base is P:
        assert "28 lid 10" in text and any(q.kind == "conflict" and "own_purposes_use" in q.keys
                                           for q in result.open_questions)
        assert "13" in text
    if base is J:
        assert "gezamenlijk" in text


def test_legal_duty_and_deciding_together_gives_joint_controllers():
    result = classify(**PROC, legal_or_professional_duty=True, joint_determination=True)
    assert (result.provider_role, result.client_role) == (J, J)
    assert result.matched == "regel-wettelijke-taak-gezamenlijk"
    assert any("26 lid 1" in c for r in result.reasons for c in r.citations)


def test_general_rules_say_their_order_and_reading_are_ours():
    result = classify(**PROC, legal_or_professional_duty=False, joint_determination=False,
                      processing_is_primary_purpose=True, on_behalf_of_client=True)
    assert result.matched == "regel-verwerker-opdracht"
    assert result.reasons[0].ours
    order = [r for r in result.reasons if r.id == "regels-volgorde"]
    assert order and order[0].ours and "AP" in order[0].text.nl
    # the AP's sentence is a quote of its own, with the AP as its only citation
    quotes = [r for r in result.reasons if r.id.startswith("citaat-")]
    assert quotes and not quotes[0].ours and quotes[0].citations == ("Handleiding AVG (AP), §3.5",)
    assert all("AP" not in c for c in result.reasons[0].citations)


def test_legal_duty_rule_is_labelled_as_our_reading():
    result = classify(**PROC, legal_or_professional_duty=True, joint_determination=False)
    assert result.reasons[0].ours
    assert "07/2020" in " ".join(result.reasons[0].citations)


def test_viewing_is_processing_our_help_text_says_so():
    help_nl = load_knowledge().question("provider_processes_personal_data").help.nl
    assert "niet genoeg" not in help_nl and "4 lid 2" in help_nl


# --- 2. what the source gets wrong stays visible, corrected ---------------------------------

def _obligation(result, oid):
    return next(o for items in result.obligations.values() for o in items if o.id == oid)


@pytest.mark.parametrize(("oid", "form", "article"), [
    ("vv-05", "order", "art. 5 lid 1 sub e AVG"),
    ("vv-07", "order", "art. 87 AVG"),
    ("gv-03", "client_system", "art. 82 lid 4 AVG"),
])
def test_classification_obligations_carry_the_correction(oid, form, article):
    o = _obligation(classify(data_exchange=form), oid)
    (corr,) = [n for n in o.notes if n.kind == "correctie"]
    assert corr.by == "avgkit" and article in corr.citations
    d = o.to_dict()
    assert d["notes"][0]["kind"] == "correctie" and d["notes"][0]["by"] == "avgkit"


def test_vw_01_security_is_28_3_c():
    result = classify(**PROC, **NO_DECISION, processing_is_primary_purpose=True,
                      on_behalf_of_client=True)
    o = _obligation(result, "vw-01")
    assert "art. 28 lid 3 sub e AVG" in o.citations  # the source's footnote stays visible
    assert any("art. 28 lid 3 sub c AVG" in n.citations for n in o.notes)


def test_source_typos_are_marked_sic():
    result = classify(data_exchange="integration")
    o = _obligation(result, "vv-01")
    assert any(n.kind == "sic" and "betrokkene" in n.text.nl for n in o.notes)
    assert any(n.kind == "sic" and "uitganspunt" in n.text.nl
               for r in result.reasons for n in r.notes)


def test_cli_and_json_show_vv05_with_its_correction(capsys):
    from avgkit.cli import main

    assert main(["classify", "--form", "1", "--obligations"]) == 0
    out = capsys.readouterr().out
    line = out[out.index("vv-05"):]
    assert "Correctie door avgkit" in line[:900] and "niet langer dan" in line[:900]
    assert "leidraad" in out and "Aedes" in out
    assert main(["classify", "--form", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    vv05 = next(o for o in data["obligations"]["provider"] if o["id"] == "vv-05")
    assert vv05["notes"][0]["kind"] == "correctie"
    assert "leidraad" in data["source"]["caveat"]["nl"]


def test_source_caveat_and_authors_are_the_sources_words():
    from conftest import SEED, norm_source

    from avgkit.notes import source_caveat

    s = source_caveat("nl")
    assert "een leidraad" in s.caveat and "Aedes, Bouwend Nederland en Techniek Nederland" in \
        s.authors
    if SEED.exists():
        raw = norm_source(SEED.read_text(encoding="utf-8"))
        assert norm_source(s.caveat) in raw and norm_source(s.authors) in raw
    assert "leidraad" in s.line


def test_report_and_collaboration_view_show_the_caveat_and_notes():
    from avgkit.presentation import collaboration_view

    view = collaboration_view(classify(data_exchange="order"), "nl")
    assert "leidraad" in view["source_line"]
    vv05 = next(i for g in view["obligations"] for i in g["items"] if i.id == "vv-05")
    assert vv05.notes and "Correctie door avgkit" in vv05.notes[0].label


def test_note_macro_renders_label_text_and_citation():
    from avgkit.models import Text
    from avgkit.notes import Note, note_html

    html = note_html(Note("correctie", Text("a <b>", "a"), ("art. 1 AVG",)), "nl")
    assert "Correctie door avgkit" in html and "a &lt;b&gt;" in html and "art. 1 AVG" in html


def test_the_app_shows_the_caveat_the_vorm_3_reading_and_the_vv05_correction(tmp_path):
    from conftest import html_text

    from avgkit.assessment import Assessment
    from avgkit.store import Store
    from avgkit.widgets import App

    store = Store(tmp_path / "avgkit.sqlite")
    store.create(Assessment(id="SW-1", corporation="Noord", contractor="Bouw"), "test")
    app = App("samenwerking", store, "nl", "SW-1")
    view = app.view
    view.inputs["data_exchange"].value = "client_system"
    summary = html_text(view.summary.value)
    assert "een leidraad" in summary and "Aedes" in summary
    details = [html_text(child.value) for child in view.details.children]
    assert "Onze lezing (avgkit)" in details[0] and "07/2020" in details[0]
    assert any("vv-05" not in d and "Correctie door avgkit" in d and "niet langer dan" in d
               for d in details[1:])
    assert app.errors.count == 0


def test_the_management_overview_shows_the_sources_caveat(tmp_path):
    from avgkit.batch.overview import write_overview

    write_overview(tmp_path, [], [], "nl")
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "een leidraad" in page and "Aedes" in page


# --- the notebook is the report (issue 12a): the same notes in its sections ---------------

def _section_html(kind, answers, agreement=None, lang="nl"):
    from conftest import html_text

    from avgkit.assessment import Assessment
    from avgkit.show import Report, render_section

    a = Assessment(id="SW-1", corporation="Noord", contractor="Bouw", answers=answers,
                   agreement=agreement or {})
    report = Report(kind, a, lang)
    return lambda section: html_text(render_section(report, section))


@pytest.mark.parametrize("kind", ["samenwerking", "beveiliging"])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_report_header_carries_the_sources_caveat(kind, lang):
    from avgkit.notes import source_caveat

    section = _section_html(kind, {"data_exchange": "order"}, lang=lang)
    caveat = source_caveat(lang)
    assert caveat.caveat in section("header") and "Aedes" in section("header")


def test_report_sections_show_corrections_readings_points_and_indicator_questions():
    obligations = _section_html("samenwerking", {"data_exchange": "order"})("obligations")
    assert "Correctie door avgkit" in obligations and "niet langer dan" in obligations
    argumentation = _section_html("samenwerking",
                                  {"data_exchange": "client_system"})("argumentation")
    assert "Onze lezing (avgkit)" in argumentation and "07/2020" in argumentation
    points = {f"vo-{n:02d}": True for n in range(1, 15)}
    section = _section_html(
        "samenwerking", {**PROC, **NO_DECISION, "processing_is_primary_purpose": False,
                         "on_behalf_of_client": True},
        {"kind": "verwerkersovereenkomst", "reviewed": True, "points": points})
    agreement = section("agreement")
    assert "Aanvulling van avgkit" in agreement and "A1" in agreement
    assert "art. 28 lid 3 sub f AVG" in agreement
    findings = section("findings")
    assert "Aanwijzing wijkt af" in findings  # the indicator that differs is an open question
    assert "categorieën betrokkenen" in findings  # A1-A6 missing is a problem in the findings
