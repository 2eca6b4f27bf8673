"""The walk through the classifier's questions: which are asked, in which order, and where."""

from avgkit.classifier import GENERAL_KEYS, VARIANT_KEYS
from avgkit.walkthrough import neighbour, progress, question_keys

VARIANTS = list(VARIANT_KEYS.values())


def test_a_chosen_form_skips_the_general_questions():
    assert question_keys({"data_exchange": "client_system"}) == ["data_exchange", *VARIANTS]


def test_none_of_these_or_no_answer_asks_the_general_questions():
    for answers in ({}, {"data_exchange": "other"}):
        assert question_keys(answers) == ["data_exchange", *GENERAL_KEYS, *VARIANTS]


def test_general_answers_stay_visible_after_choosing_a_form():
    keys = question_keys({"data_exchange": "order", "on_behalf_of_client": True})
    assert "on_behalf_of_client" in keys and keys[-3:] == VARIANTS


def test_progress_counts_only_the_questions_asked():
    answers = {"data_exchange": "client_system", "subcontractor": False}
    p = progress(answers, "subcontractor")
    assert (p.position, p.total, p.answered) == (3, 4, 2)


def test_next_and_back_clamp_at_the_ends():
    answers = {"data_exchange": "order"}
    assert neighbour(answers, "data_exchange", -1) == "data_exchange"
    assert neighbour(answers, "data_exchange", +1) == "own_purposes_use"
    assert neighbour(answers, "returns_corrections", +1) == "returns_corrections"


def test_a_question_no_longer_asked_resumes_at_the_next_one_asked():
    # the auditor was at a general question, then chose form 1: the walk goes on at variant A
    answers = {"data_exchange": "order"}
    assert neighbour(answers, "joint_determination", 0) == "own_purposes_use"
    assert neighbour(answers, "joint_determination", -1) == "data_exchange"
