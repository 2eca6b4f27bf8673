"""Issue 11: the lawfulness stops and questions and the DPIA screening (avgkit.screen), each rule
with its citation; the example portfolio; `avgkit screen`; the collaboration view's panel."""

import datetime as dt
import json

import pytest
from conftest import ROOT
from samples_issue7 import joint_assessment, processor_assessment

from avgkit.assessment import Assessment, ScreeningAnswers
from avgkit.cli import main
from avgkit.knowledge import load_knowledge
from avgkit.screen import known_fact_names, render_html, screen, summary_text

EXAMPLE = ROOT / "data" / "voorbeeld-portefeuille.csv"


def with_facts(facts=None, answers=None, grounds=None, checklist=None, **kw):
    data = {"id": "SW-1", "corporation": "Woonstede", "contractor": "Aannemer", **kw}
    return Assessment(answers=answers or {}, checklist=checklist or {},
                      screening=ScreeningAnswers(facts=facts or {}, grounds=grounds or {}),
                      **data)


def ids(s):
    return {f.id: f for f in s.findings}


# --- every rule, with its citation -----------------------------------------------------------

@pytest.mark.parametrize("facts, answers, checklist, rule, severity, citation", [
    ({"bsn": True}, {}, {}, "bsn-stop", "stop", "art. 87 AVG"),
    ({}, {}, {"risk_profile": {"data_kind": "gevoelig"}}, "bsn-indicator", "question",
     "art. 46 UAVG"),
    ({"health": True}, {}, {}, "health-art9", "question", "art. 9 lid 2 AVG"),
    ({"special_other": True}, {}, {}, "special-art9", "question", "art. 22-30 UAVG"),
    ({}, {}, {"risk_profile": {"data_kind": "bijzonder"}}, "special-indicator", "question",
     "art. 9 AVG"),
    ({"criminal": True}, {}, {}, "criminal-art10", "question", "art. 31-33 UAVG"),
    ({"financial": True}, {}, {}, "financial-ground", "question", "art. 6 lid 1 AVG"),
    ({}, {"own_purposes_use": True}, {}, "variant-a-compatibility", "question",
     "art. 6 lid 4 AVG"),
    ({}, {"own_purposes_use": True}, {}, "variant-a-information", "question", "art. 13 AVG"),
    ({"email_marketing": True, "marketing_consent": False}, {}, {}, "marketing-stop", "stop",
     "art. 11.7 lid 1 Telecommunicatiewet"),
    ({"email_marketing": True}, {}, {}, "marketing-question", "question",
     "art. 11.7 lid 1 Telecommunicatiewet"),
])
def test_each_rule_fires_on_its_facts_with_its_citation(facts, answers, checklist, rule,
                                                        severity, citation):
    found = ids(screen(with_facts(facts, answers, checklist=checklist)))
    assert rule in found
    assert found[rule].severity == severity
    assert citation in found[rule].citations


def test_every_rule_is_tested_above_and_names_only_known_facts():
    kb = load_knowledge()
    tested = {"bsn-stop", "bsn-indicator", "health-art9", "special-art9", "special-indicator",
              "criminal-art10", "financial-ground", "variant-a-compatibility",
              "variant-a-information", "marketing-stop", "marketing-question"}
    assert {r.id for r in kb.rechtmatigheid.rules} == tested
    names = known_fact_names()
    for rule in kb.rechtmatigheid.rules:
        assert set(rule.when) <= names, rule.id
    for group in (kb.dpia.ap_list, kb.dpia.art35, kb.dpia.criteria):
        for item in group.items:
            used = {f for s in item.applies_when for f in s} | set(item.ask_when_any) | set(
                item.facts_any)
            assert used <= names, item.id


def test_facts_decide_and_indicators_only_ask():
    # nothing answered: no stop, only open questions
    s = screen(with_facts(checklist={"risk_profile": {"data_kind": "gevoelig"}}))
    assert s.counts()["stop"] == 0 and "bsn-indicator" in ids(s)
    # answered 'no BSN': the indicator's question is gone
    s = screen(with_facts({"bsn": False}, checklist={"risk_profile": {"data_kind": "gevoelig"}}))
    assert "bsn-indicator" not in ids(s) and "bsn-stop" not in ids(s)
    # a truthy non-boolean never counts as 'yes'
    assert "bsn-stop" not in ids(screen(with_facts()))


def test_a_recorded_ground_turns_a_stop_into_a_question_to_verify():
    s = screen(with_facts({"bsn": True}, grounds={"bsn-stop": "Wet X art. 5"}))
    f = ids(s)["bsn-stop"]
    assert (f.severity, f.ground, f.action) == ("question", "Wet X art. 5", None)
    h = ids(screen(with_facts({"health": True}, grounds={"health-art9": "art. 9 lid 2 a"})))
    assert h["health-art9"].severity == "note"


def test_unknown_screening_facts_are_refused():
    with pytest.raises(ValueError, match="unknown screening fact 'bns'"):
        ScreeningAnswers(facts={"bns": True})


# --- DPIA -------------------------------------------------------------------------------------

def test_dpia_required_by_the_ap_list_by_art_35_3_and_by_two_criteria():
    ap = screen(with_facts({"health": True, "large_scale": True})).dpia
    assert ap.outcome == "required"
    assert {h.id for h in ap.counted} >= {"ap-07", "art35-3-b", "wp248-4", "wp248-5"}
    two = screen(with_facts({"vulnerable": True, "new_technology": True})).dpia
    assert two.outcome == "required" and two.criteria_met == 2
    assert any("WP248 rev.01, III.B.a" in c for h in two.counted for c in h.citations)


def test_dpia_open_recommended_and_not_indicated():
    assert screen(with_facts()).dpia.outcome == "open"
    all_no = {f.id: False for f in load_knowledge().rechtmatigheid.facts}
    assert screen(with_facts(all_no)).dpia.outcome == "not_indicated"
    one = {**all_no, "vulnerable": True}
    assert screen(with_facts(one)).dpia.outcome == "recommended"
    # an AP category the facts point at stays open until the auditor records the reasoning
    cams = {**all_no, "monitoring": True}
    pointed = screen(with_facts(cams)).dpia
    assert pointed.outcome == "open" and "ap-09" in {h.id for h in pointed.to_check}
    weighed = screen(with_facts(cams, grounds={"ap-09": "geen camera's", "ap-10": "nee",
                                               "ap-16": "nee", "art35-3-c": "nee"})).dpia
    assert weighed.outcome == "recommended"  # monitoring is still one criterion


def test_who_carries_out_the_dpia_follows_the_roles():
    p = screen(processor_assessment()).dpia.who
    assert "Woonstede" in p[0][0].nl and p[0][1] == ("art. 35 lid 1 AVG",)
    assert p[1][1] == ("art. 28 lid 3 onder f AVG",)
    j = screen(joint_assessment()).dpia.who
    assert "art. 26 lid 1 AVG" in j[0][1]
    assert "rolverdeling" in screen(Assessment(id="X")).dpia.who[0][0].nl


def test_render_html_escapes_and_to_dict_counts():
    a = with_facts({"bsn": True, "health": True}, grounds={"health-art9": "<script>x</script>"},
                   corporation="<b>Corp</b>")
    s = screen(a)
    page = render_html(s, "nl")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Stop" in page and "art. 87 AVG" in page and "DPIA" in page
    d = s.to_dict()
    assert d["counts"] == {"stop": 1, "question": 0, "note": 1}
    assert d["dpia"]["outcome"] in ("required", "open", "recommended", "not_indicated")
    json.dumps(d)
    assert "1 stop(s)" in summary_text(s) and "Stop" in render_html(s, "en")


# --- the example portfolio and `avgkit screen` ---------------------------------------------

@pytest.fixture(scope="module")
def example_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("screen") / "store.sqlite"
    assert main(["import", str(EXAMPLE), "--store", str(path)]) == 0
    return path


def test_avgkit_screen_on_the_example_portfolio(example_store, capsys):
    from avgkit.store import Store

    with Store(example_store) as s:
        assessments = s.list()
    assert len(assessments) == 30
    for a in assessments:
        capsys.readouterr()
        assert main(["screen", a.id, "--store", str(example_store), "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        findings = {f["id"]: f for f in data["findings"]}
        assert data["dpia"]["outcome"] in ("required", "open", "recommended", "not_indicated")
        if a.screening.facts.get("bsn"):
            assert findings["bsn-stop"]["severity"] == "stop", a.id
        if a.screening.facts.get("health"):
            assert "health-art9" in findings, a.id
    bsn = [a.id for a in assessments if a.screening.facts.get("bsn")]
    health = [a.id for a in assessments if a.screening.facts.get("health")]
    assert bsn == ["HD-004", "ZH-002"] and health == ["KZ-003"]


def test_avgkit_screen_text_and_english(example_store, capsys):
    assert main(["screen", "ZH-002", "--store", str(example_store)]) == 0
    out = capsys.readouterr().out
    assert "[STOP]" in out and "art. 87 AVG" in out and "DPIA verplicht" in out
    assert main(["screen", "KZ-003", "--store", str(example_store), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "[QUESTION]" in out and "art. 9 lid 2 AVG" in out
    assert main(["screen", "NOPE", "--store", str(example_store)]) == 1


# --- the collaboration view's panel ---------------------------------------------------------

def test_the_collaboration_view_asks_the_screening_and_shows_it_live(tmp_path):
    from avgkit.store import Store
    from avgkit.widgets import App

    store = Store(tmp_path / "s.sqlite")
    store.create(processor_assessment(), "t")
    app = App("samenwerking", store, "nl", "SW-VO")
    panel = app.view.screening
    assert "DPIA" in panel.result_box.titles[0]
    panel.inputs["bsn"].value = True
    assert store.get("SW-VO").screening.facts == {"bsn": True}
    assert "1 stop(s)" in panel.result_box.titles[0] and "art. 87 AVG" in panel.result.value
    assert panel.grounds["bsn-stop"].layout.display == ""
    panel.grounds["bsn-stop"].value = "Wet op de zorgtoeslag"
    assert store.get("SW-VO").screening.grounds == {"bsn-stop": "Wet op de zorgtoeslag"}
    assert "0 stop(s)" in panel.result_box.titles[0]
    panel.grounds["bsn-stop"].value = ""  # cleared: the stop is back
    assert store.get("SW-VO").screening.grounds == {}
    assert "1 stop(s)" in panel.result_box.titles[0] and app.errors.count == 0
    # variant A's questions are asked only for variant A
    assert panel.rows["compatible_use"].layout.display == "none"
    assert app.errors.count == 0


def test_the_report_and_the_overview_show_the_screening():
    from avgkit.batch.overview import TABLE_COLUMNS, table_rows
    from avgkit.batch.summary import summarise
    from avgkit.report import render_report

    a = with_facts({"bsn": True}, contractor="<i>Aannemer</i>")
    record = {"id": a.id, "status": "ok", "summary": summarise(a)}
    assert record["summary"]["screening"]["counts"]["stop"] == 1
    row = table_rows([record], "nl")[0]
    assert "1 stop(s)" in row["screening"] and "screening" in TABLE_COLUMNS
    page = render_report(a)
    assert "Rechtmatigheid en DPIA" in page and "art. 87 AVG" in page
    assert "<i>Aannemer</i>" not in page
    assert "Lawfulness and DPIA" in render_report(a, "en")


def test_a_stop_is_a_finding_of_the_report_and_the_same_count_in_the_overview():
    """12a's structure: the section in samenwerking.ipynb right after the findings, the stop
    among 'what is missing or wrong', the overview's column, tile and priorities agree."""
    from avgkit import show
    from avgkit.batch.overview import build_context
    from avgkit.batch.priorities import prioritise
    from avgkit.batch.summary import summarise
    from avgkit.html import render

    nb = json.loads((ROOT / "notebooks" / "samenwerking.ipynb").read_text("utf-8"))
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    assert code.index("show.screening(report)") == code.index("show.findings(report)") + 1
    md = {tuple(c["metadata"].get("tags", [])): "".join(c["source"])
          for c in nb["cells"] if c["cell_type"] == "markdown"}
    assert md[("report-only", "lang-nl")] and any(
        "## Rechtmatigheid en DPIA" in "".join(c["source"]) for c in nb["cells"])
    assert any("## Lawfulness and DPIA" in "".join(c["source"]) for c in nb["cells"])

    a = with_facts({"bsn": True, "email_marketing": True, "marketing_consent": False})
    report = show.Report("samenwerking", a, "nl")
    problems = [p["text"] for p in report.context["problems"]]
    stops = [p for p in problems if p.startswith("Rechtmatigheid en DPIA – Stop:")]
    assert len(stops) == 2 and any("BSN" in p for p in stops)
    findings_html = show.render_section(report, "findings")
    assert "Rechtmatigheid en DPIA – Stop: De opdrachtnemer verwerkt het BSN" in findings_html
    section = show.render_section(report, "screening")
    assert "art. 87 AVG" in section and "<h2>" not in section  # the heading is the markdown

    record = {"id": a.id, "status": "ok", "summary": summarise(a)}
    prio = prioritise(record, "nl")
    assert prio.tier in ("verplicht", "ernstig") and "rechtmatigheid-stop:bsn-stop" in prio.problems
    clean = with_facts({"bsn": False}, id="SW-2")
    clean_prio = prioritise({"id": "SW-2", "status": "ok", "summary": summarise(clean)}, "nl")
    assert not any(p.startswith("rechtmatigheid-stop") for p in clean_prio.problems)
    ctx = build_context([record], [], "nl", dt.datetime(2026, 1, 1), None)
    row = ctx["rows"][0]
    assert row["screening_stops"] == len(stops) == 2 and row["screening_severity"] == "hoog"
    assert ctx["totals"]["screening_stops"] == 1
    table = render("overzicht_sections.html.j2", section="table", css="", shown=10, **ctx)
    assert "2 stop(s)" in table and 'class="sev-hoog">2 stop(s)' in table
