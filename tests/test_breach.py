"""Data-breach deadlines: calendar hours in Europe/Amsterdam (weekends, both DST changes), the
duties per role from the model agreements and the AVG, validation, and the escaped report."""

import datetime as dt

import pytest
from pydantic import ValidationError
from samples_issue7 import joint_assessment, processor_assessment, two_controllers_assessment

from avgkit.assessment import AgreementInPlace, Assessment
from avgkit.breach import (
    AMSTERDAM,
    Incident,
    add_hours,
    format_time,
    local_time,
    plan,
    render_report,
)


def ams(*args, fold=0):
    return dt.datetime(*args, tzinfo=AMSTERDAM, fold=fold)


def incident(**kw):
    data = {"id": "DL-1", "discovered_at": "2025-03-28 16:00", "discovered_by": "provider"}
    data.update(kw)
    return Incident(**data)


# --- counting hours ------------------------------------------------------------------------

def test_weekends_do_not_stop_the_clock():
    friday = ams(2025, 3, 7, 16, 0)
    assert add_hours(friday, 24) == ams(2025, 3, 8, 16, 0)  # Saturday
    assert add_hours(friday, 72) == ams(2025, 3, 10, 16, 0)  # Monday, same clock time
    assert add_hours(friday, 72).weekday() == 0


def test_spring_forward_keeps_real_hours_and_shifts_the_clock():
    # 30 March 2025, 02:00 CET -> 03:00 CEST: the night has 23 hours
    start = ams(2025, 3, 29, 10, 0)
    due24 = add_hours(start, 24)
    assert due24 == ams(2025, 3, 30, 11, 0)
    assert due24.tzname() == "CEST" and start.tzname() == "CET"
    assert due24.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(hours=24)
    assert add_hours(start, 72) == ams(2025, 4, 1, 11, 0)
    # naive wall-clock arithmetic would be an hour off
    assert (start + dt.timedelta(hours=24)).hour == 10


def test_fall_back_keeps_real_hours_and_shifts_the_clock():
    # 26 October 2025, 03:00 CEST -> 02:00 CET: the night has 25 hours
    start = ams(2025, 10, 25, 10, 0)
    assert add_hours(start, 24) == ams(2025, 10, 26, 9, 0)
    assert add_hours(start, 24).tzname() == "CET"
    assert add_hours(start, 72) == ams(2025, 10, 28, 9, 0)
    # a deadline inside the repeated hour is the second 02:30
    due = add_hours(ams(2025, 10, 26, 0, 30), 3)
    assert (due.hour, due.minute, due.tzname()) == (2, 30, "CET")


def test_a_wall_time_that_does_not_exist_is_refused_and_a_doubled_one_is_the_first():
    with pytest.raises(ValueError, match="does not exist"):
        local_time(dt.datetime(2025, 3, 30, 2, 30))
    with pytest.raises(ValidationError, match="discovered_at.*does not exist"):
        incident(discovered_at="2025-03-30 02:30")
    first = local_time(dt.datetime(2025, 10, 26, 2, 30))
    assert first.tzname() == "CEST"  # the earlier moment: the stricter deadline
    assert local_time("2025-06-01T12:00:00+00:00") == ams(2025, 6, 1, 14, 0)


def test_times_are_shown_with_weekday_and_zone():
    assert format_time(ams(2025, 3, 29, 10, 0)) == "za 29-03-2025 10:00 CET"
    assert format_time(ams(2025, 3, 30, 11, 0), "en") == "Sun 30-03-2025 11:00 CEST"


# --- duties per role ------------------------------------------------------------------------

def test_a_processor_informs_the_controller_within_24_hours_and_may_not_notify_the_ap():
    # the 24 hours are the agreement's (model art. 7.1): with it recorded (issue 11)
    p = plan(incident(discovered_at="2025-03-29 10:00"),
             processor_assessment(agreement=AgreementInPlace(kind="verwerkersovereenkomst")))
    by_id = {d.id: d for d in p.deadlines}
    inform = by_id["informeer-verwerkingsverantwoordelijke"]
    assert (inform.actor, inform.hours, inform.due) == ("provider", 24, ams(2025, 3, 30, 11, 0))
    assert "Modelverwerkersovereenkomst art. 7.1" in inform.citations
    ap = by_id["melding-ap"]
    assert ap.actor == "client" and ap.hours == 72 and ap.citations == ("art. 33 lid 1 AVG",)
    notices = {n.id: n for n in p.notices}
    assert notices["verwerker-geen-melding"].clause == "verwerkersovereenkomst/7.3"
    assert "Modelverwerkersovereenkomst art. 7.3" in notices["verwerker-geen-melding"].citations
    assert "kalenderuren" in notices


def test_the_controllers_72_hours_run_from_when_the_processor_informed_it():
    found = incident(discovered_at="2025-03-28 16:00",
                     other_party_informed_at="2025-03-29 09:00")
    ap = next(d for d in plan(found, processor_assessment()).deadlines if d.id == "melding-ap")
    assert ap.start == ams(2025, 3, 29, 9, 0)
    assert ap.due == ams(2025, 4, 1, 10, 0)  # across the spring change: 72 real hours


def test_a_controller_notifies_the_ap_within_72_hours():
    p = plan(incident(discovered_by="client", discovered_at="2025-10-24 17:00"),
             processor_assessment())
    assert [d.id for d in p.deadlines] == ["melding-ap"]
    assert p.deadlines[0].due == ams(2025, 10, 27, 16, 0)  # Monday; 25-hour Sunday night
    assert {"motivering-vertraging", "betrokkenen", "documenteren"} <= {n.id for n in p.notices}
    assert "verwerker-geen-melding" not in {n.id for n in p.notices}


def test_joint_controllers_inform_each_other_and_each_notify_their_part():
    regeling = AgreementInPlace(kind="regeling-gezamenlijke-verantwoordelijkheid")
    p = plan(incident(), joint_assessment(agreement=regeling))
    assert [(d.id, d.actor) for d in p.deadlines] == [
        ("informeer-medeverantwoordelijke", "provider"), ("melding-ap", "provider"),
        ("melding-ap", "client")]
    assert p.deadlines[0].clause == "modelregeling/6.1"
    assert "ieder-eigen-deel" in {n.id for n in p.notices}


def test_two_controllers_have_the_24_hours_only_with_the_recommended_agreement():
    without = plan(incident(), two_controllers_assessment())
    assert [d.id for d in without.deadlines] == ["melding-ap"]
    assert "geen-afspraak-24-uur" in {n.id for n in without.notices}
    signed = two_controllers_assessment(
        agreement=AgreementInPlace(kind="verwerkingsverantwoordelijkenovereenkomst"))
    signed_plan = plan(incident(), signed)
    assert [d.id for d in signed_plan.deadlines] == [
        "informeer-andere-verantwoordelijke", "melding-ap"]


def test_two_controllers_24_hours_cite_the_disclosure_agreement_not_the_joint_regeling():
    """Issue 10: the source's Modelregeling is for joint controllers; two independent controllers
    draft avgkit's verstrekkingsovereenkomst, whose art. 8.2 sets the 24 hours."""
    from avgkit.breach import clause_text

    signed = two_controllers_assessment(
        agreement=AgreementInPlace(kind="verwerkingsverantwoordelijkenovereenkomst"))
    deadline = plan(incident(), signed).deadlines[0]
    assert deadline.clause == "verstrekkingsovereenkomst/8.2"
    assert "24 uur" in clause_text(deadline.clause).nl
    assert not any("Modelregeling" in c for c in deadline.citations)
    (notice,) = [n for n in plan(incident(), two_controllers_assessment()).notices
                 if n.id == "geen-afspraak-24-uur"]
    assert notice.ours and "art. 8.2" in notice.text.nl
    assert not any("Modelregeling" in c for c in notice.citations)


def test_undetermined_roles_show_both_deadlines_and_no_role_shows_none():
    p = plan(incident(), Assessment(id="X"))
    assert [d.id for d in p.deadlines] == ["verwerker-zonder-vertraging", "melding-ap"]
    assert p.notices[0].id == "rol-onbekend"
    none = Assessment(id="Y", answers={"data_exchange": "other",
                                       "provider_processes_personal_data": False})
    p = plan(incident(), none)
    assert p.deadlines == () and [n.id for n in p.notices] == ["geen-rol"]


def test_deadline_states():
    base = incident(discovered_by="client", discovered_at="2025-03-28 16:00")
    ap = plan(base, processor_assessment()).deadlines[0]
    assert ap.due == ams(2025, 3, 31, 17, 0)  # Friday 16:00 CET + 72 h = Monday 17:00 CEST
    assert ap.state(ams(2025, 3, 30, 16, 0)) == ("open", 25.0)  # 72 - 47 real hours
    assert ap.state(ams(2025, 4, 1, 0, 0))[0] == "overdue"
    done = plan(base.model_copy(update={"ap_notified_at": ams(2025, 3, 31, 9, 0)}),
                processor_assessment()).deadlines[0]
    assert done.state(ams(2025, 4, 9, 0, 0))[0] == "on_time"
    late = plan(Incident(**{**base.to_dict(), "ap_notified_at": "2025-04-02 09:00"}),
                processor_assessment()).deadlines[0]
    assert late.state(ams(2025, 4, 9, 0, 0)) == ("late", 40.0)  # Mon 17:00 -> Wed 09:00
    skipped = plan(Incident(**{**base.to_dict(), "ap_required": False,
                               "ap_reason": "versleutelde laptop, sleutel niet gelekt"}),
                   processor_assessment())
    assert skipped.deadlines[0].state(ams(2025, 4, 9, 0, 0))[0] == "not_required"
    assert "ap-niet-nodig" in {n.id for n in skipped.notices}


# --- the record ------------------------------------------------------------------------------

@pytest.mark.parametrize("changes, message", [
    ({"persons_min": 10, "persons_max": 3}, "persons_min"),
    ({"persons_min": -1}, "greater than or equal to 0"),
    ({"period_start": "2025-03-02 10:00", "period_end": "2025-03-01 10:00"}, "period_start"),
    ({"other_party_informed_at": "2025-03-27 10:00"}, "before discovered_at"),
    ({"answers": {"q8": "?"}}, "unknown question 'q8'"),
    ({"discovered_by": "subcontractor"}, "discovered_by"),
    ({"id": "../x"}, "incident id"),
    ({"discovered_at": "gisteren"}, "expected a date and time"),
])
def test_bad_incidents_are_refused_naming_the_field(changes, message):
    with pytest.raises(ValidationError, match=message):
        incident(**changes)


def test_incident_json_round_trip_keeps_the_moment():
    i = incident(discovered_at="2025-10-26 02:30", persons_min=1, persons_max=40,
                 data_kinds=["naam", "adres", "naam", " "], answers={"q1": " laptop kwijt "})
    again = Incident.from_dict(i.to_dict())
    assert again == i and again.discovered_at.utcoffset() == dt.timedelta(hours=2)
    assert again.data_kinds == ["naam", "adres"] and again.answers == {"q1": "laptop kwijt"}


def test_report_is_escaped_and_shows_deadlines_questions_and_clauses():
    evil = "<script>alert(1)</script>"
    a = processor_assessment(corporation=evil,
                             agreement=AgreementInPlace(kind="verwerkersovereenkomst"))
    i = incident(discovered_at="2025-03-29 10:00", reporter=evil, answers={"q1": evil},
                 data_kinds=["bsn", evil], persons_min=2, persons_max=20)
    page = render_report(i, a, now=ams(2025, 3, 29, 12, 0))
    assert "<script>" not in page and page.count("&lt;script&gt;") >= 4
    assert "zo 30-03-2025 11:00 CEST" in page  # 24 hours, across the DST change
    assert "di 01-04-2025 11:00 CEST" in page  # 72 hours
    assert "Verwerker mag geen melding van een Datalek" in page  # model art. 7.3 itself
    assert "Burgerservicenummer" in page
    assert "nog 22 uur" in page and "nog 70 uur" in page  # 23 and 71 on the clock: DST
    assert page.count('<li><strong>') == 7  # the seven questions
    fragment = render_report(i, a, "en", now=ams(2025, 3, 29, 12, 0), standalone=False)
    assert not fragment.lstrip().startswith("<!DOCTYPE") and "Data breach incident report" in \
        fragment
