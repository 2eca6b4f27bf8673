"""The classifier: the source's seven situations, the general rules, open questions, bad input."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from avgkit import FACT_KEYS, Relationship, Role, classify
from avgkit.classifier import BOOL_KEYS, DATA_EXCHANGE_VALUES
from avgkit.models import Necessity

C, P, J, N = Role.CONTROLLER, Role.PROCESSOR, Role.JOINT_CONTROLLER, Role.NONE


@pytest.mark.parametrize(("form", "matched", "roles", "agreement", "needle"), [
    ("order", "vorm-1", (C, C), "verwerkingsverantwoordelijkenovereenkomst", "verstrekking"),
    ("integration", "vorm-2", (C, C), "verwerkingsverantwoordelijkenovereenkomst", "koppeling"),
    ("client_system", "vorm-3", (J, J), "regeling-gezamenlijke-verantwoordelijkheid",
     "gezamenlijk verantwoordelijk"),
    ("direct_contact", "vorm-4", (C, C), "verwerkingsverantwoordelijkenovereenkomst",
     "eenmalig verstrekt"),
])
def test_the_four_forms_give_the_sources_roles(form, matched, roles, agreement, needle):
    result = classify(data_exchange=form)
    assert result.matched == matched
    assert (result.provider_role, result.client_role) == roles
    assert result.agreement.id == agreement
    assert any(needle in r.text.nl for r in result.reasons)
    assert {"Handleiding AVG (AP), §3.5", "Handleiding AVG (AP), p. 33"} & set(result.citations)
    assert result.certain and result.variants == ()
    # the general questions are not asked once a form is chosen; only the variants stay open
    assert {q.scope for q in result.open_questions} == {"variant"}


def test_forms_one_and_two_say_no_processing_agreement_is_needed():
    for form in ("order", "integration"):
        text = " ".join(r.text.nl for r in classify(data_exchange=form).reasons)
        assert "geen verwerkersovereenkomst" in text


def test_form_three_needs_an_arrangement_between_joint_controllers():
    result = classify(data_exchange="client_system")
    assert result.relationship is Relationship.JOINT_CONTROLLERS
    assert result.agreement.necessity is Necessity.REQUIRED
    assert "art. 26 lid 1 AVG" in result.agreement.citations
    assert {o.id for o in result.obligations["provider"]} >= {"vv-01", "gv-01", "gv-03"}


@pytest.mark.parametrize("form", ["order", "integration", "client_system", "direct_contact"])
def test_variant_a_own_surveys(form):
    result = classify(data_exchange=form, own_purposes_use=True, subcontractor=False,
                      returns_corrections=False)
    (a,) = result.variants
    assert (a.code, a.party, a.provider_role, a.client_role) == ("A", "provider", C, N)
    assert any("eigen doeleinden" in r.text.nl for r in a.reasons)
    assert result.complete


@pytest.mark.parametrize("form", ["order", "integration", "client_system", "direct_contact"])
def test_variant_b_subcontractor_is_itself_controller(form):
    result = classify(data_exchange=form, subcontractor=True)
    (b,) = result.variants
    assert (b.party, b.provider_role, b.client_role) == ("subcontractor", C, N)
    assert any("onderaannemer/installateur is in deze situatie zelf verantwoordelijk" in r.text.nl
               for r in b.reasons)
    assert {o.id for o in result.obligations["subcontractor"]} >= {"vv-01", "vv-14"}


@pytest.mark.parametrize("form", ["order", "integration", "direct_contact"])
def test_variant_c_both_stay_controllers(form):
    result = classify(data_exchange=form, returns_corrections=True)
    (c,) = result.variants
    assert (c.provider_role, c.client_role) == (C, C)
    assert c.relationship is Relationship.CONTROLLER_TO_CONTROLLER
    assert c.agreement.id == "verwerkingsverantwoordelijkenovereenkomst"
    assert any("verstrekker – ontvanger" in r.text.nl for r in c.reasons)


def test_all_variants_together():
    result = classify(data_exchange="order", own_purposes_use=True, subcontractor=True,
                      returns_corrections=True)
    assert [v.code for v in result.variants] == ["A", "B", "C"]
    assert result.complete


GENERAL_NO = dict(legal_or_professional_duty=False, joint_determination=False,
                  provider_determines_purposes=False, provider_determines_essential_means=False)


def test_survey_bureau_is_processor():
    result = classify(data_exchange="other", provider_processes_personal_data=True,
                      processing_is_primary_purpose=True, on_behalf_of_client=True, **GENERAL_NO)
    assert (result.provider_role, result.client_role) == (P, C)
    assert result.matched == "regel-verwerker"
    assert result.agreement.id == "verwerkersovereenkomst"
    assert result.agreement.necessity is Necessity.REQUIRED
    assert "art. 28 lid 3 AVG" in result.agreement.citations
    assert [o.id for o in result.obligations["provider"]][:2] == ["vw-01", "vw-02"]
    assert result.certain


def test_processor_outcome_stays_uncertain_while_controller_questions_are_open():
    result = classify(data_exchange="other", provider_processes_personal_data=True,
                      processing_is_primary_purpose=True, on_behalf_of_client=True)
    assert result.provider_role is P and not result.certain
    open_keys = {k for q in result.open_questions if q.scope == "outcome" for k in q.keys}
    assert open_keys == set(GENERAL_NO)


def test_subcontractor_of_a_processor_is_sub_processor():
    result = classify(data_exchange="other", provider_processes_personal_data=True,
                      processing_is_primary_purpose=True, on_behalf_of_client=True,
                      subcontractor=True, **GENERAL_NO)
    (b,) = result.variants
    assert (b.provider_role, b.client_role) == (P, C)
    assert {"art. 28 lid 2 AVG", "art. 28 lid 4 AVG"} <= set(b.citations)


def test_joint_determination_outside_the_table():
    result = classify(data_exchange="other", provider_processes_personal_data=True,
                      legal_or_professional_duty=False, joint_determination=True)
    assert (result.provider_role, result.client_role) == (J, J)
    assert result.relationship is Relationship.JOINT_CONTROLLERS


@pytest.mark.parametrize(("facts", "rule"), [
    (dict(legal_or_professional_duty=True), "regel-wettelijke-taak"),
    (dict(legal_or_professional_duty=False, joint_determination=False,
          provider_determines_purposes=True), "regel-eigen-doel-middelen"),
    (dict(legal_or_professional_duty=False, joint_determination=False,
          provider_determines_purposes=False, provider_determines_essential_means=True),
     "regel-eigen-doel-middelen"),
    (dict(GENERAL_NO, processing_is_primary_purpose=False), "regel-bijkomstigheid"),
    (dict(GENERAL_NO, processing_is_primary_purpose=True, on_behalf_of_client=False),
     "regel-niet-namens"),
])
def test_controller_rules(facts, rule):
    result = classify(data_exchange="other", provider_processes_personal_data=True, **facts)
    assert result.matched == rule
    assert (result.provider_role, result.client_role) == (C, C)
    assert result.agreement.necessity is Necessity.RECOMMENDED


def test_no_processing_means_no_role():
    result = classify(data_exchange="other", provider_processes_personal_data=False)
    assert (result.provider_role, result.client_role) == (N, N)
    assert result.agreement.id == "geen" and result.obligations == {"provider": (), "client": ()}


def test_nothing_answered_gives_an_open_question_not_a_guess():
    result = classify()
    assert result.provider_role is None and not result.determined
    assert [q.keys for q in result.open_questions] == [("data_exchange",)]


def test_missing_general_answers_are_named():
    result = classify(data_exchange="other", provider_processes_personal_data=True)
    assert result.provider_role is None
    keys = {k for q in result.open_questions for k in q.keys}
    assert {"processing_is_primary_purpose", "on_behalf_of_client"} <= keys


def test_answers_contradicting_a_form_are_flagged_not_silently_overridden():
    result = classify(data_exchange="order", processing_is_primary_purpose=True,
                      on_behalf_of_client=True)
    assert (result.provider_role, result.client_role) == (C, C)  # the source's outcome stays
    assert not result.certain
    conflicts = [q for q in result.open_questions if q.kind == "conflict"]
    assert {q.keys[0] for q in conflicts} == {"processing_is_primary_purpose",
                                                "on_behalf_of_client"}
    assert "samenwerkingsvorm 1" in conflicts[0].text.nl


def test_contradicting_general_answers_are_flagged():
    result = classify(data_exchange="other", provider_processes_personal_data=True,
                      provider_determines_purposes=True, on_behalf_of_client=True,
                      legal_or_professional_duty=False, joint_determination=False)
    assert result.provider_role is C  # art. 28(10): determining purposes makes a controller
    assert any(q.kind == "conflict" and set(q.keys) == {"on_behalf_of_client",
                                                        "provider_determines_purposes"}
               for q in result.open_questions)


def test_variant_with_no_processing_is_a_conflict():
    result = classify(data_exchange="other", provider_processes_personal_data=False,
                      subcontractor=True)
    assert result.variants == ()
    assert any(q.kind == "conflict" and "subcontractor" in q.keys for q in result.open_questions)


def test_variant_c_with_a_processor_is_an_open_question():
    result = classify(data_exchange="other", provider_processes_personal_data=True,
                      processing_is_primary_purpose=True, on_behalf_of_client=True,
                      returns_corrections=True, **GENERAL_NO)
    (c,) = result.variants
    assert c.provider_role is None
    assert any(q.kind == "conflict" and "returns_corrections" in q.keys
               for q in result.open_questions)


def test_mapping_and_keywords_are_the_same():
    by_mapping = classify({"data_exchange": "order"}).to_dict()
    assert by_mapping == classify(data_exchange="order").to_dict()


@pytest.mark.parametrize(("facts", "needle"), [
    ({"colour": "red"}, "unknown fact key 'colour'"),
    ({"data_exchange": "fax"}, "order, integration, client_system, direct_contact, other"),
    ({"subcontractor": "ja"}, "'subcontractor' must be True, False or None"),
    ({"on_behalf_of_client": 1}, "'on_behalf_of_client' must be True, False or None"),
])
def test_bad_input_raises_a_clear_value_error(facts, needle):
    with pytest.raises(ValueError, match=None) as err:
        classify(facts)
    assert needle in str(err.value)


def test_to_dict_is_json_and_carries_both_languages():
    result = classify(data_exchange="client_system", subcontractor=True)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["provider_role"] == "JOINT_CONTROLLER"
    assert data["variants"][0]["provider_role"] == "CONTROLLER"
    assert set(data["reasons"][0]["text"]) == {"nl", "en"}
    assert data["agreement"]["necessity"] == "required"


def test_role_enum_members():
    assert [r.name for r in Role] == ["CONTROLLER", "PROCESSOR", "JOINT_CONTROLLER", "NONE"]


answers = st.fixed_dictionaries(
    {},
    optional={"data_exchange": st.sampled_from([*DATA_EXCHANGE_VALUES, None]),
              **{k: st.sampled_from([True, False, None]) for k in BOOL_KEYS}},
)


@settings(max_examples=400, deadline=None)
@given(answers)
def test_every_combination_gives_reasons_or_open_questions(facts):
    result = classify(facts)
    assert set(result.facts) == set(FACT_KEYS)
    if result.determined:
        assert result.reasons and result.citations and result.agreement is not None
        assert result.client_role is not None and result.relationship is not None
    else:
        assert result.open_questions
    for v in result.variants:
        assert v.reasons and v.citations
    for q in result.open_questions:
        assert q.text.nl and q.text.en and "{" not in q.text.nl + q.text.en
    json.dumps(result.to_dict())
    assert classify(facts).to_dict() == result.to_dict()  # deterministic
