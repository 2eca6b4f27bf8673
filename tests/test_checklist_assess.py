"""assess(): scores on full, partial and empty checklists, n.v.t., findings with actions, the
verdict and its rule, custom measures, clear errors, and a stable JSON form."""

import datetime as dt
import json

import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from avgkit.assessment import Action, Assessment
from avgkit.checklist import (
    RESULT_SCHEMA,
    assess,
    load_measures,
    normalise_checklist,
)
from avgkit.knowledge import KnowledgeError

EXAMPLE = ROOT / "data" / "eigen-maatregelen.yaml"
LOW = {"data_kind": "normaal", "data_subjects": 40, "purpose": "uitvoering-opdracht",
       "retention": "tijdens-opdracht", "organisation_size": "klein"}
MEDIUM = {**LOW, "data_subjects": 4000}
HIGH = {**LOW, "data_kind": "gevoelig"}
LOW_IDS = ["tm-01", "tm-03", "tm-05", "tm-09", "om-02", "om-03", "om-05"]
MEDIUM_IDS = ["tm-02", "tm-04", "tm-07", "tm-08", "om-01", "om-06"]
ALL_IDS = [f"tm-{i:02d}" for i in range(1, 10)] + [f"om-{i:02d}" for i in range(1, 7)]


def answer(status, **extra):
    return {"status": status, "note": "", "evidence": "beleid.pdf", "answered_by": "A. Auditor",
            "answered_at": "2024-05-01T10:00:00", **extra}


def all_present(profile, ids=ALL_IDS, **overrides):
    answers = {mid: answer("aanwezig") for mid in ids}
    answers.update(overrides)
    return {"risk_profile": profile, "answers": answers}


def test_empty_checklist_is_open_never_passed():
    for empty in ({}, None, {"risk_profile": {}, "answers": {}}):
        r = assess(empty).to_dict()
        assert r["risk_level"] == "laag" and r["risk_provisional"]
        assert r["verdict"] == "aandacht nodig"
        assert r["verdict_rule"]["id"] == "oordeel-open-punten"
        assert r["findings"] == []
        assert [o["id"] for o in r["open"] if o["kind"] == "measure"] == sorted(
            LOW_IDS, key=ALL_IDS.index)
        assert [o["id"] for o in r["open"] if o["kind"] == "factor_missing"] == [
            "data_kind", "data_subjects", "purpose", "retention", "organisation_size"]
        overall = r["scores"]["overall"]
        assert (overall["expected"], overall["open"], overall["score"], overall["max_score"]) == (
            7, 7, 0.0, 1.0)


def test_full_checklist_with_every_expected_measure_is_sufficient():
    r = assess(all_present(MEDIUM, LOW_IDS + MEDIUM_IDS)).to_dict()
    assert r["risk_level"] == "midden" and r["risk_rule"]["id"] == "risico-veel-betrokkenen"
    assert r["expected"] == sorted(LOW_IDS + MEDIUM_IDS, key=ALL_IDS.index)
    assert r["verdict"] == "voldoende" and r["verdict_rule"]["id"] == "oordeel-op-orde"
    assert r["findings"] == [] and r["open"] == []
    for key in ("technisch", "organisatorisch", "overall"):
        assert r["scores"][key]["score"] == 1.0
    assert r["scores"]["technisch"]["expected"] == 8
    assert r["scores"]["organisatorisch"]["expected"] == 5
    # measures not expected at this level are listed, unanswered, and not held against anyone
    extra = {m["id"]: m for m in r["measures"] if not m["expected"]}
    assert set(extra) == {"tm-06", "om-04"} and extra["tm-06"]["status"] == "open"


def test_a_higher_level_expects_more():
    r = assess(all_present(HIGH, LOW_IDS + MEDIUM_IDS)).to_dict()
    assert r["risk_level"] == "hoog" and r["expected"] == ALL_IDS
    assert r["verdict"] == "aandacht nodig"
    assert [o["id"] for o in r["open"]] == ["tm-06", "om-04"]


def test_partial_checklist_scores_what_is_answered_and_keeps_the_rest_open():
    checklist = {"risk_profile": MEDIUM, "answers": {
        "tm-01": answer("aanwezig"), "tm-02": answer("gedeeltelijk"), "om-01": answer("afwezig"),
        "tm-06": answer("afwezig")}}  # tm-06 is not expected at midden: no finding
    r = assess(checklist).to_dict()
    tech, org = r["scores"]["technisch"], r["scores"]["organisatorisch"]
    assert (tech["aanwezig"], tech["gedeeltelijk"], tech["open"], tech["points"]) == (1, 1, 6, 1.5)
    assert tech["score"] == round(1.5 / 8, 4) and tech["max_score"] == round(7.5 / 8, 4)
    assert (org["afwezig"], org["open"], org["score"]) == (1, 4, 0.0)
    assert [f["measure"] for f in r["findings"]] == ["om-01", "tm-02"]
    assert len([o for o in r["open"] if o["kind"] == "measure"]) == 10
    assert r["verdict"] == "aandacht nodig" and r["verdict_rule"]["id"] == "oordeel-open-punten"


def test_findings_are_ordered_by_severity_and_carry_their_actions():
    checklist = all_present(MEDIUM, LOW_IDS + MEDIUM_IDS, **{
        "om-06": answer("gedeeltelijk"),   # midden-level measure, partly: laag
        "tm-08": answer("afwezig"),        # midden-level measure missing: midden
        "om-03": answer("afwezig"),        # basic measure missing: hoog
        "tm-02": answer("gedeeltelijk")})  # laag, earlier in the list than om-06
    actions = [
        Action(what="Versleutelde back-up inrichten", owner="ICT", due=dt.date(2024, 9, 1),
               finding="tm-08"),
        {"what": "Instructie monteurs: laptop mee uit de bus", "owner": "Uitvoering",
         "status": "bezig", "finding": "om-03"},
        {"what": "Verwerkersovereenkomst aanvullen", "finding": "vo-03"},  # not a measure
        {"what": "Algemene actie"},
    ]
    r = assess(checklist, actions).to_dict()
    got = [(f["measure"], f["severity"], f["severity_rule"]["id"]) for f in r["findings"]]
    assert got == [("om-03", "hoog", "ernst-afwezig-basismaatregel"),
                   ("tm-08", "midden", "ernst-afwezig"),
                   ("tm-02", "laag", "ernst-gedeeltelijk"),
                   ("om-06", "laag", "ernst-gedeeltelijk")]
    by_id = {f["measure"]: f for f in r["findings"]}
    assert by_id["tm-08"]["actions"] == [{"what": "Versleutelde back-up inrichten",
                                          "owner": "ICT", "due": "2024-09-01",
                                          "status": "open", "finding": "tm-08"}]
    assert by_id["om-03"]["actions"][0]["status"] == "bezig"
    assert by_id["tm-02"]["actions"] == []
    assert by_id["om-03"]["evidence"] == "beleid.pdf"
    assert r["verdict"] == "onvoldoende"
    assert r["verdict_rule"]["id"] == "oordeel-ernstige-bevinding"


def test_any_missing_measure_at_high_risk_is_serious():
    r = assess(all_present(HIGH, **{"om-04": answer("afwezig"),
                                    "tm-06": answer("gedeeltelijk")})).to_dict()
    assert [(f["measure"], f["severity"]) for f in r["findings"]] == [
        ("om-04", "hoog"), ("tm-06", "midden")]
    assert r["verdict"] == "onvoldoende"


def test_minor_findings_only_need_attention():
    r = assess(all_present(MEDIUM, LOW_IDS + MEDIUM_IDS,
                           **{"tm-07": answer("afwezig")})).to_dict()
    assert r["findings"][0]["severity"] == "midden"
    assert (r["verdict"], r["verdict_rule"]["id"]) == ("aandacht nodig", "oordeel-bevindingen")


def test_less_than_half_in_order_is_insufficient_without_a_serious_finding():
    answers = {mid: answer("gedeeltelijk") for mid in LOW_IDS}
    answers |= {mid: answer("afwezig") for mid in MEDIUM_IDS}
    r = assess({"risk_profile": MEDIUM, "answers": answers}).to_dict()
    assert all(f["severity"] != "hoog" for f in r["findings"])
    assert r["scores"]["overall"]["max_score"] == round(3.5 / 13, 4)
    assert (r["verdict"], r["verdict_rule"]["id"]) == ("onvoldoende",
                                                       "oordeel-te-weinig-maatregelen")


def test_nvt_with_a_reason_leaves_the_score():
    checklist = all_present(MEDIUM, LOW_IDS + MEDIUM_IDS, **{
        "tm-02": answer("nvt", reason="Er worden geen USB-sticks gebruikt; poorten geblokkeerd"),
        "om-06": answer("n.v.t.", reason="Geen USB-sticks in gebruik")})
    r = assess(checklist).to_dict()
    assert r["verdict"] == "voldoende"
    tech = r["scores"]["technisch"]
    assert (tech["expected"], tech["nvt"], tech["applicable"], tech["score"]) == (8, 1, 7, 1.0)
    m = next(m for m in r["measures"] if m["id"] == "om-06")
    assert m["status"] == "nvt" and m["reason"] == "Geen USB-sticks in gebruik"


def test_everything_nvt_has_no_score_but_is_not_a_failure():
    answers = {mid: answer("nvt", reason="geen ICT-middelen") for mid in LOW_IDS}
    r = assess({"risk_profile": LOW, "answers": answers}).to_dict()
    assert r["scores"]["overall"]["score"] is None and r["scores"]["overall"]["applicable"] == 0
    assert r["verdict"] == "voldoende"


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_nvt_without_a_reason_is_refused(reason):
    with pytest.raises(ValueError, match=r"answers\['tm-04'\].*nvt.*needs a reason"):
        assess({"answers": {"tm-04": {"status": "nvt", "reason": reason}}})


@pytest.mark.parametrize(("checklist", "needle"), [
    ({"answers": {"tm-10": {"status": "aanwezig"}}}, "unknown measure id 'tm-10'"),
    ({"answers": {"eigen-tablets": {"status": "aanwezig"}}}, "pass its measures file"),
    ({"answers": {"tm-01": {"status": "ja"}}},
     "status: expected one of aanwezig, gedeeltelijk, afwezig, nvt"),
    ({"answers": {"tm-01": {"status": "aanwezig", "bewijs": "x"}}}, "unknown key 'bewijs'"),
    ({"answers": {"tm-01": {"status": "aanwezig", "answered_at": "gisteren"}}}, "ISO-8601"),
    ({"answers": {"tm-01": {"status": "aanwezig", "note": 5}}}, "note: expected text"),
    ({"answers": {"tm-01": "aanwezig"}}, "expected a mapping"),
    ({"answers": ["tm-01"]}, "mapping of measure id"),
    ({"risk": {}}, "unknown key 'risk'"),
    ("tm-01", "expected a mapping"),
])
def test_bad_checklists_are_clear_errors(checklist, needle):
    with pytest.raises(ValueError, match=needle):
        assess(checklist)


def test_an_answer_without_status_is_open_and_keeps_its_note():
    r = assess({"answers": {"tm-01": {"note": "vragen bij ICT"}, "tm-03": None,
                            "tm-05": {"status": ""}}}).to_dict()
    by_id = {m["id"]: m for m in r["measures"]}
    assert by_id["tm-01"]["status"] == "open" and by_id["tm-01"]["note"] == "vragen bij ICT"
    assert {"tm-01", "tm-03", "tm-05"} <= {o["id"] for o in r["open"]}


def test_answer_metadata_is_kept():
    when = dt.datetime(2024, 5, 1, 14, 30, tzinfo=dt.UTC)
    r = assess({"answers": {"tm-01": {"status": " Aanwezig ", "evidence": "https://x/av.pdf",
                                      "answered_by": "B. de Vries", "answered_at": when}}})
    m = r.to_dict()["measures"][0]
    assert (m["status"], m["evidence"], m["answered_by"], m["answered_at"]) == (
        "aanwezig", "https://x/av.pdf", "B. de Vries", "2024-05-01T14:30:00+00:00")
    norm = normalise_checklist({"answers": {"tm-01": {"status": "afwezig"}}})
    assert norm["answers"]["tm-01"] == {"status": "afwezig", "note": "", "evidence": "",
                                        "reason": "", "answered_by": "", "answered_at": ""}
    assert set(norm["risk_profile"]) == {"data_kind", "data_subjects", "purpose", "retention",
                                         "organisation_size"}


def test_the_json_form_is_stable():
    r = assess(all_present(MEDIUM, **{"tm-08": answer("afwezig")}),
               [{"what": "x", "finding": "tm-08"}]).to_dict()
    assert json.loads(json.dumps(r)) == r
    assert r["schema"] == RESULT_SCHEMA
    assert set(r) == {"schema", "risk_profile", "risk_level", "risk_level_label",
                      "risk_provisional", "risk_rule", "risk_rules_fired", "expected", "measures",
                      "scores", "findings", "open", "verdict", "verdict_label", "verdict_rule",
                      "notes"}
    assert set(r["risk_rule"]) == {"id", "factor", "effect", "target", "level_before",
                                   "level_after", "changed", "text", "quotes", "citations",
                                   "ours"}
    assert set(r["measures"][0]) == {
        "id", "category", "custom", "text", "expected", "expected_from", "status",
        "status_label", "note", "evidence", "reason", "answered_by", "answered_at", "iso27002",
        "evidence_hint", "citations", "remark", "actions"}
    assert set(r["findings"][0]) == {
        "measure", "category", "custom", "text", "status", "severity", "severity_label",
        "severity_rule", "expected_from", "note", "evidence", "answered_by", "answered_at",
        "actions"}
    assert set(r["scores"]["overall"]) == {"expected", "nvt", "applicable", "aanwezig",
                                           "gedeeltelijk", "afwezig", "open", "points", "score",
                                           "max_score"}
    assert set(r["verdict_rule"]) == {"id", "text", "quotes", "citations", "ours"}
    assert r["measures"][0]["iso27002"][0] == {
        "control": "8.7", "title": {"nl": "Bescherming tegen malware",
                                    "en": "Protection against malware"}}
    assert r["verdict_label"] == {"nl": "aandacht nodig", "en": "needs attention"}
    assert "onze koppeling" in r["notes"]["iso27002"]["nl"]


def test_an_assessment_record_round_trips_through_assess():
    a = Assessment(id="samenwerking-1", checklist=all_present(LOW, LOW_IDS, **{
        "tm-05": answer("afwezig")}),
        actions=[Action(what="Gedeelde inlog opheffen", owner="ICT", finding="tm-05")])
    again = Assessment.from_dict(json.loads(json.dumps(a.to_dict())))
    r = assess(again.checklist, again.actions).to_dict()
    assert r["findings"][0]["measure"] == "tm-05"
    assert r["findings"][0]["actions"][0]["what"] == "Gedeelde inlog opheffen"


# --- an organisation's own measures ---------------------------------------------------------

def test_custom_measures_from_a_data_file_join_the_checklist():
    measures = load_measures(EXAMPLE)
    ids = [m.id for m in measures]
    assert len(ids) == 20 and ids.index("eigen-tablets") < ids.index("om-01")
    checklist = all_present(MEDIUM, LOW_IDS + MEDIUM_IDS, **{
        "eigen-tablets": answer("aanwezig"), "eigen-fotos-in-woningen": answer("aanwezig"),
        "eigen-sleutels": answer("aanwezig"), "eigen-zzp": answer("gedeeltelijk"),
        "eigen-berichtenapps": answer("afwezig")})
    r = assess(checklist, custom=EXAMPLE).to_dict()
    assert "eigen-berichtenapps" in r["expected"]
    assert [(f["measure"], f["custom"], f["severity"]) for f in r["findings"]] == [
        ("eigen-berichtenapps", True, "midden"), ("eigen-zzp", True, "laag")]
    assert r["scores"]["technisch"]["expected"] == 10
    # the same through the parsed file and through loaded measures
    assert assess(checklist, custom=measures).to_dict() == r


def test_custom_measures_are_open_until_answered():
    r = assess(all_present(LOW, LOW_IDS), custom=str(EXAMPLE)).to_dict()
    assert [o["id"] for o in r["open"]] == ["eigen-tablets", "eigen-fotos-in-woningen",
                                            "eigen-sleutels", "eigen-zzp"]
    assert r["verdict"] == "aandacht nodig"


GOOD = """file: eigen-maatregelen
measures:
  - id: eigen-kluis
    category: organisatorisch
    nl: Sleutelkluis in de bus
    en: Key safe in the van
    expected_from: laag
    evidence: {nl: Foto van de kluis, en: Photo of the safe}
"""


@pytest.mark.parametrize(("old", "new", "needle"), [
    ("id: eigen-kluis", "id: kluis", "measures.0.id"),
    ("id: eigen-kluis", "id: eigen-Kluis", "measures.0.id"),
    ("category: organisatorisch", "category: fysiek", "measures.0.category"),
    ("    en: Key safe in the van\n", "", "measures.0.en"),
    ("expected_from: laag", "expected_from: altijd", "measures.0.expected_from"),
    ("    evidence: {nl: Foto van de kluis, en: Photo of the safe}\n", "", "measures.0.evidence"),
    ("    expected_from: laag\n", "    expected_from: laag\n    iso27002: ['9.1']\n",
     "measures.0.iso27002"),
    ("    expected_from: laag\n", "    expected_from: laag\n    prio: 1\n", "measures.0.prio"),
    ("file: eigen-maatregelen", "file: maatregelen", "file"),
    ("measures:\n", "measures: [\n", "not valid YAML"),
])
def test_a_broken_custom_file_is_rejected_naming_file_and_key(tmp_path, old, new, needle):
    path = tmp_path / "mijn-maatregelen.yaml"
    assert old in GOOD
    path.write_text(GOOD.replace(old, new), encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        load_measures(path)
    assert "mijn-maatregelen.yaml" in str(err.value) and needle in str(err.value)


def test_duplicate_and_missing_custom_files_are_rejected(tmp_path):
    path = tmp_path / "dubbel.yaml"
    path.write_text(GOOD + GOOD.split("measures:\n")[1], encoding="utf-8")
    with pytest.raises(KnowledgeError, match="'eigen-kluis' occurs twice"):
        load_measures(path)
    with pytest.raises(KnowledgeError, match="file not found"):
        load_measures(tmp_path / "bestaat-niet.yaml")
    parsed = {"file": "eigen-maatregelen", "measures": [
        {"id": "eigen-kluis", "category": "technisch", "nl": "Kluis", "en": "Safe",
         "expected_from": "hoog", "evidence": {"nl": "Foto", "en": "Photo"}}]}
    assert [m.id for m in load_measures(parsed)][9] == "eigen-kluis"
    with pytest.raises(KnowledgeError, match="measures.0.category"):
        load_measures({**parsed, "measures": [{**parsed["measures"][0], "category": "x"}]})


# --- whatever is filled in, nothing crashes and nothing open passes ---------------------------

answers_st = st.dictionaries(
    st.sampled_from(ALL_IDS),
    st.one_of(st.none(),
              st.fixed_dictionaries({"status": st.sampled_from(
                  [None, "", "aanwezig", "gedeeltelijk", "afwezig"])}),
              st.just({"status": "nvt", "reason": "niet in gebruik"})))
profile_st = st.fixed_dictionaries({}, optional={
    "data_kind": st.sampled_from([None, "normaal", "bijzonder", "gevoelig"]),
    "data_subjects": st.one_of(st.none(), st.integers(0, 200_000)),
    "purpose": st.sampled_from(["", "uitvoering-opdracht", "kwetsbare-groepen", "vrij"]),
    "retention": st.sampled_from(["", "tijdens-opdracht", "na-opdracht", "tot oplevering"]),
    "organisation_size": st.sampled_from([None, "klein", "groot"])})


@settings(max_examples=150, deadline=None)
@given(profile_st, answers_st)
def test_any_partial_checklist_is_judged_and_open_items_never_pass(profile, answers):
    r = assess({"risk_profile": profile, "answers": answers}).to_dict()
    status = {m["id"]: m["status"] for m in r["measures"]}
    open_ids = {o["id"] for o in r["open"] if o["kind"] == "measure"}
    assert open_ids == {mid for mid in r["expected"] if status[mid] == "open"}
    assert {f["measure"] for f in r["findings"]} == {
        mid for mid in r["expected"] if status[mid] in ("gedeeltelijk", "afwezig")}
    if r["verdict"] == "voldoende":
        assert not [o for o in r["open"] if o["blocking"]] and not r["findings"]
        assert all(o["kind"] == "factor_unclassified" for o in r["open"])
    # a free text never settles a verdict that some choice of kind would change
    settled = [o["id"] for o in r["open"] if o["kind"] == "factor_unclassified"
               and not o["blocking"]]
    if settled:
        kinds = {"purpose": ["uitvoering-opdracht", "beoordeling-betrokkenen",
                             "kwetsbare-groepen"],
                 "retention": ["tijdens-opdracht", "na-opdracht", "onbepaald"]}
        for key in settled:
            for kind in kinds[key]:
                other = assess({"risk_profile": {**profile, key: kind},
                                "answers": answers}).to_dict()
                assert other["verdict"] == r["verdict"], (key, kind)
    overall = r["scores"]["overall"]
    assert overall["expected"] == len(r["expected"])
    if overall["score"] is not None:
        assert 0 <= overall["score"] <= overall["max_score"] <= 1
    severities = [f["severity"] for f in r["findings"]]
    rank = {"hoog": 0, "midden": 1, "laag": 2}
    assert severities == sorted(severities, key=rank.get)


# --- free-text purpose and retention (issue 12) ---------------------------------------------
# A portfolio describes purpose and retention in its own words ("Tot 3 maanden na oplevering,
# digitaal"). Such a text is an answer, not a gap: it only blocks the verdict when choosing the
# kind it describes could change the verdict.

FREE = {**LOW, "purpose": "Afspraken maken voor keukenvervanging",
        "retention": "Tot 3 maanden na oplevering, digitaal"}


def test_free_text_purpose_and_retention_can_be_sufficient_when_no_kind_changes_the_verdict():
    r = assess(all_present(FREE)).to_dict()
    assert r["risk_provisional"]  # the level itself is not settled ...
    assert (r["verdict"], r["verdict_rule"]["id"]) == ("voldoende", "oordeel-op-orde")
    unclassified = [o for o in r["open"] if o["kind"] == "factor_unclassified"]
    assert [o["id"] for o in unclassified] == ["purpose", "retention"]
    assert not any(o["blocking"] for o in unclassified)  # ... but no kind changes the verdict
    assert "oordeel" in unclassified[0]["text"]["nl"]


def test_free_text_blocks_the_verdict_when_a_kind_would_expect_more():
    # Everything expected at laag is present; a kind such as na-opdracht would lift the level to
    # midden and expect measures that are still open: the free text must stay an open question.
    r = assess(all_present(FREE, LOW_IDS)).to_dict()
    assert r["risk_level"] == "laag"
    assert (r["verdict"], r["verdict_rule"]["id"]) == ("aandacht nodig", "oordeel-open-punten")
    assert all(o["blocking"] for o in r["open"] if o["kind"] == "factor_unclassified")


def test_a_missing_factor_always_blocks_the_verdict():
    r = assess(all_present({**LOW, "purpose": ""})).to_dict()
    assert [o["id"] for o in r["open"]] == ["purpose"] and r["open"][0]["blocking"]
    assert r["verdict"] == "aandacht nodig"


def test_example_portfolio_has_a_sufficient_collaboration():
    from avgkit.portfolio import read_portfolio

    rows, _ = read_portfolio(ROOT / "data" / "voorbeeld-portefeuille.csv")
    verdicts = {a.id: assess(a.checklist, a.actions).verdict for a in rows if a.checklist}
    assert verdicts["DL-001"] == "voldoende"  # free-text doel/bewaartermijn, every measure present
    assert verdicts["ZH-001"] == "onvoldoende"
