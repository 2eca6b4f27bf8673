"""The risk level: each factor moves it as its rule in beveiliging.yaml says, and the rules are
data (a changed threshold changes the outcome without code changes)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

import avgkit.checklist as checklist
from avgkit.checklist import risk_level
from avgkit.knowledge import Knowledge

BASE = {"data_kind": "normaal", "data_subjects": 10, "purpose": "uitvoering-opdracht",
        "retention": "tijdens-opdracht", "organisation_size": "klein"}


def level_of(**changes):
    return risk_level({**BASE, **changes})


def test_a_plain_profile_is_low_by_the_base_rule():
    out = risk_level(BASE)
    assert (out.level, out.rule.id, out.provisional) == ("laag", "risico-basis", False)
    assert [r.id for r in out.fired] == ["risico-basis"]


@pytest.mark.parametrize(("changes", "level", "rule"), [
    ({"data_kind": "normaal"}, "laag", "risico-basis"),
    ({"data_kind": "bijzonder"}, "hoog", "risico-bijzondere-gegevens"),
    ({"data_kind": "gevoelig"}, "hoog", "risico-gevoelige-gegevens"),
    ({"data_subjects": 999}, "laag", "risico-basis"),
    ({"data_subjects": 1000}, "midden", "risico-veel-betrokkenen"),
    ({"data_subjects": 99_999}, "midden", "risico-veel-betrokkenen"),
    ({"data_subjects": 100_000}, "hoog", "risico-zeer-veel-betrokkenen"),
    ({"purpose": "beoordeling-betrokkenen"}, "midden", "risico-doel-beoordeling"),
    ({"purpose": "Kwetsbare-groepen: woningaanpassing Wmo"}, "midden", "risico-doel-kwetsbaren"),
    ({"retention": "na-opdracht: 7 jaar fiscale bewaarplicht"}, "midden", "risico-lang-bewaren"),
    ({"retention": "onbepaald"}, "midden", "risico-lang-bewaren"),
    ({"organisation_size": "middelgroot"}, "laag", "risico-basis"),
    ({"organisation_size": "groot"}, "midden", "risico-grote-organisatie"),
])
def test_each_factor_moves_the_level_as_its_rule_says(changes, level, rule):
    out = level_of(**changes)
    assert (out.level, out.rule.id) == (level, rule)
    assert out.rule.changed == (rule != "risico-basis")
    assert out.rule.quotes and out.rule.citations and out.rule.ours


def test_a_large_organisation_raises_one_step_on_top_of_other_factors():
    out = level_of(data_subjects=5000, organisation_size="groot")
    assert out.level == "hoog" and out.rule.id == "risico-grote-organisatie"
    assert [(r.id, r.level_before, r.level_after) for r in out.fired] == [
        ("risico-basis", "laag", "laag"),
        ("risico-veel-betrokkenen", "laag", "midden"),
        ("risico-grote-organisatie", "midden", "hoog")]


def test_raising_stops_at_high_and_the_earlier_rule_stays_decisive():
    out = level_of(data_kind="bijzonder", organisation_size="groot")
    assert out.level == "hoog" and out.rule.id == "risico-bijzondere-gegevens"
    raised = out.fired[-1]
    assert raised.id == "risico-grote-organisatie" and not raised.changed


def test_the_heaviest_rule_wins_whatever_fires_later():
    out = level_of(data_subjects=200_000, retention="na-opdracht")
    assert out.level == "hoog" and out.rule.id == "risico-zeer-veel-betrokkenen"
    assert "risico-lang-bewaren" in [r.id for r in out.fired]


def test_missing_factors_make_the_level_provisional():
    out = risk_level({"data_subjects": 5000})
    assert out.level == "midden" and out.provisional
    assert out.missing == ("data_kind", "purpose", "retention", "organisation_size")
    empty = risk_level(None)
    assert empty.level == "laag" and empty.missing == checklist.PROFILE_KEYS


def test_a_free_description_counts_in_no_rule_and_is_flagged():
    out = level_of(purpose="beoordelen van huurders")  # not an option value
    assert out.level == "laag" and out.unclassified == ("purpose",) and out.provisional


@pytest.mark.parametrize(("profile", "needle"), [
    ({"data_kind": "geheim"}, "normaal, bijzonder, gevoelig"),
    ({"data_subjects": -1}, "whole number"),
    ({"data_subjects": "veel"}, "whole number"),
    ({"data_subjects": True}, "whole number"),
    ({"organisation_size": "reus"}, "klein, middelgroot, groot"),
    ({"purpose": 3}, "expected text"),
    ({"aantal": 3}, "unknown key 'aantal'"),
])
def test_bad_profile_values_are_clear_errors(profile, needle):
    with pytest.raises(ValueError, match=needle) as err:
        risk_level(profile)
    assert "risk_profile" in str(err.value)


def test_lenient_where_harmless():
    assert risk_level({"data_kind": " Bijzonder ", "data_subjects": 1000.0}).level == "hoog"
    assert risk_level({"data_subjects": 1500.0}).level == "midden"


LEVELS = ("laag", "midden", "hoog")
profiles = st.fixed_dictionaries({
    "data_kind": st.sampled_from([None, "normaal", "bijzonder", "gevoelig"]),
    "data_subjects": st.one_of(st.none(), st.integers(0, 300_000)),
    "purpose": st.sampled_from(["", "uitvoering-opdracht", "beoordeling-betrokkenen",
                                "kwetsbare-groepen", "iets anders"]),
    "retention": st.sampled_from(["", "tijdens-opdracht", "na-opdracht", "onbepaald"]),
    "organisation_size": st.sampled_from([None, "klein", "middelgroot", "groot"]),
})


@given(profiles)
def test_more_risk_never_lowers_the_level(profile):
    level = LEVELS.index(risk_level(profile).level)
    for heavier in ({"organisation_size": "groot"}, {"data_kind": "gevoelig"},
                    {"data_subjects": (profile["data_subjects"] or 0) + 100_000},
                    {"retention": "onbepaald"}):
        assert LEVELS.index(risk_level({**profile, **heavier}).level) >= level
    out = risk_level(profile)
    assert out.rule in out.fired and out.fired[0].id == "risico-basis"


def test_thresholds_are_data_not_code(knowledge_copy, monkeypatch):
    path = knowledge_copy / "beveiliging.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("at_least: 1000}", "at_least: 50}", 1), encoding="utf-8")
    changed = Knowledge(knowledge_copy).beveiliging
    assert level_of(data_subjects=60).level == "laag"
    monkeypatch.setattr(checklist, "_kb", lambda: changed)
    assert level_of(data_subjects=60).level == "midden"
