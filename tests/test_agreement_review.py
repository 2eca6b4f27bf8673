"""The agreement in place against the outcome, and the review of the 14 points."""

import pytest

from avgkit import classify
from avgkit.agreement_review import review_agreement
from avgkit.assessment import AgreementInPlace

PROCESSOR = {"data_exchange": "other", "provider_processes_personal_data": True,
             "legal_or_professional_duty": False, "joint_determination": False,
             "provider_determines_purposes": False, "provider_determines_essential_means": False,
             "processing_is_primary_purpose": True, "on_behalf_of_client": True}
ALL_POINTS = {f"vo-{n:02d}": True for n in range(1, 15)}


def test_nothing_recorded_says_so():
    review = review_agreement(classify(data_exchange="order"), AgreementInPlace())
    assert review.fits is None and [r.id for r in review.remarks] == ["agreement-not-recorded"]


def test_required_agreement_not_recorded_is_missing():
    """Issue 12: a required agreement nobody recorded counts as missing, not as unknown."""
    review = review_agreement(classify(data_exchange="client_system"), AgreementInPlace())
    assert review.fits is False
    assert [(r.id, r.severity) for r in review.remarks] == [
        ("agreement-required-missing", "hoog"), ("agreement-not-recorded", "info")]


def test_required_arrangement_missing_for_joint_controllers():
    review = review_agreement(classify(data_exchange="client_system"),
                              AgreementInPlace(kind="geen"))
    assert review.needed == "regeling-gezamenlijke-verantwoordelijkheid"
    assert review.fits is False
    (remark,) = review.remarks
    assert remark.severity == "hoog"
    assert "Regeling gezamenlijke verantwoordelijkheid" in remark.text.nl
    assert "art. 26 lid 1 AVG" in remark.citations


def test_recommended_agreement_missing_is_attention_not_a_breach():
    review = review_agreement(classify(data_exchange="order"), AgreementInPlace(kind="geen"))
    assert [(r.id, r.severity) for r in review.remarks] == [
        ("agreement-recommended-missing", "midden")]


def test_processor_agreement_with_all_points_fits():
    review = review_agreement(classify(PROCESSOR), AgreementInPlace(
        kind="verwerkersovereenkomst", reviewed=True, points=ALL_POINTS))
    assert review.needed == "verwerkersovereenkomst" and review.fits is True
    assert review.remarks == () and len(review.points_covered) == 14


def test_missing_required_points_are_named_and_optional_ones_are_not_findings():
    points = {**ALL_POINTS, "vo-06": False, "vo-10": False, "vo-01": False, "vo-14": False}
    review = review_agreement(classify(PROCESSOR), AgreementInPlace(
        kind="verwerkersovereenkomst", reviewed=True, points=points))
    assert review.points_missing == ("vo-06", "vo-10")
    assert review.points_missing_optional == ("vo-01", "vo-14")
    (remark,) = review.remarks
    assert remark.id == "vo-points-missing" and "6, 10" in remark.text.nl


def test_unreviewed_processor_agreement_is_flagged():
    review = review_agreement(classify(PROCESSOR),
                              AgreementInPlace(kind="verwerkersovereenkomst"))
    assert [r.id for r in review.remarks] == ["vo-not-reviewed"]


@pytest.mark.parametrize("form", ["order", "client_system"])
def test_processor_agreement_where_the_outcome_is_no_processor(form):
    review = review_agreement(classify(data_exchange=form), AgreementInPlace(
        kind="verwerkersovereenkomst", reviewed=True, points=ALL_POINTS))
    ids = [r.id for r in review.remarks]
    assert review.fits is False and "vo-without-processor" in ids
    remark = review.remarks[ids.index("vo-without-processor")]
    assert "feitelijke situatie leidend" in remark.text.nl


def test_no_processing_needs_no_agreement():
    result = classify(data_exchange="other", provider_processes_personal_data=False)
    assert review_agreement(result, AgreementInPlace(kind="geen")).fits is True
    review = review_agreement(result, AgreementInPlace(kind="verwerkersovereenkomst",
                                                       reviewed=True, points=ALL_POINTS))
    assert review.fits is False and review.remarks[0].id == "agreement-not-needed"
