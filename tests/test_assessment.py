import pytest
from pydantic import ValidationError

from avgkit import Role
from avgkit.assessment import Assessment


def test_round_trip_and_classification():
    a = Assessment(id="SW-001", corporation="Woonstad", contractor="Bouwbedrijf X",
                   answers={"data_exchange": "client_system", "subcontractor": None})
    again = Assessment.from_dict(a.to_dict())
    assert again == a and again.answers == {"data_exchange": "client_system"}
    assert again.classification().provider_role is Role.JOINT_CONTROLLER


@pytest.mark.parametrize("bad", ["../etc", "", "a b", "x" * 65, "<script>"])
def test_ids_that_could_escape_a_folder_are_refused(bad):
    with pytest.raises(ValidationError, match="id"):
        Assessment(id=bad)


def test_bad_answers_are_refused():
    with pytest.raises(ValidationError, match="unknown fact key"):
        Assessment(id="a", answers={"colour": True})
