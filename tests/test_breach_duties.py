"""Issue 11: breach duties per party and role, the risk assessment (art. 33/34 AVG) and the
breach register. The 24 hours are contractual (model art. 7.1, Modelregeling art. 6.1) and apply
only where the agreement is recorded; the law itself says "zonder onredelijke vertraging"."""

import datetime as dt

from samples_issue7 import joint_assessment, processor_assessment

from avgkit.assessment import AgreementInPlace
from avgkit.breach import AMSTERDAM, Incident, plan


def ams(*args):
    return dt.datetime(*args, tzinfo=AMSTERDAM)


def incident(**kw):
    data = {"id": "DL-1", "discovered_at": "2025-03-28 16:00", "discovered_by": "provider"}
    data.update(kw)
    return Incident(**data)


def rows(p):
    return [(d.id, d.actor, d.hours) for d in p.deadlines]


def test_a_processor_without_a_recorded_agreement_gets_the_legal_duty_not_24_hours():
    p = plan(incident(), processor_assessment())
    inform = next(d for d in p.deadlines if d.actor == "provider")
    assert inform.id == "verwerker-zonder-vertraging"
    assert inform.hours is None and inform.due is None
    assert inform.citations == ("art. 33 lid 2 AVG",)
    assert "zonder onredelijke vertraging" in inform.text.nl
    assert "24-uur-alleen-met-overeenkomst" in {n.id for n in p.notices}
    assert not any(d.hours == 24 for d in p.deadlines)


def test_a_processor_with_the_agreement_gets_its_24_hours_from_model_art_7_1():
    a = processor_assessment(agreement=AgreementInPlace(kind="verwerkersovereenkomst"))
    p = plan(incident(discovered_at="2025-03-29 10:00"), a)
    inform = next(d for d in p.deadlines if d.actor == "provider")
    assert (inform.id, inform.hours, inform.due) == (
        "informeer-verwerkingsverantwoordelijke", 24, ams(2025, 3, 30, 11, 0))
    assert inform.clause == "verwerkersovereenkomst/7.1"
    assert "24-uur-alleen-met-overeenkomst" not in {n.id for n in p.notices}


def test_joint_controllers_each_get_their_own_72_hours_from_their_own_awareness():
    p = plan(incident(discovered_at="2025-06-02 09:00",
                      other_party_informed_at="2025-06-02 15:00"), joint_assessment())
    ap = {d.actor: d for d in p.deadlines if d.id == "melding-ap"}
    assert set(ap) == {"provider", "client"}
    assert ap["provider"].hours == ap["client"].hours == 72
    assert ap["provider"].due == ams(2025, 6, 5, 9, 0)
    assert ap["client"].start == ams(2025, 6, 2, 15, 0)
    assert ap["client"].due == ams(2025, 6, 5, 15, 0)
    # without the Modelregeling recorded, no contractual 24 hours between them
    assert not any(d.hours == 24 for d in p.deadlines)
    assert "geen-regeling-24-uur" in {n.id for n in p.notices}


def test_a_signed_agreement_that_still_binds_is_honoured_with_a_note():
    a = joint_assessment(agreement=AgreementInPlace(kind="verwerkersovereenkomst"))
    p = plan(incident(), a)
    assert ("informeer-verwerkingsverantwoordelijke", "provider", 24) in rows(p)
    assert "overeenkomst-bindt" in {n.id for n in p.notices}
    assert {("melding-ap", "provider", 72), ("melding-ap", "client", 72)} <= set(rows(p))


def test_no_risk_means_record_only_and_high_risk_means_inform_the_residents():
    a = processor_assessment(agreement=AgreementInPlace(kind="verwerkersovereenkomst"))
    none = plan(incident(risk="geen"), a)
    ap = next(d for d in none.deadlines if d.id == "melding-ap")
    assert ap.state(ams(2025, 4, 9, 0, 0))[0] == "not_required"
    assert "alleen-documenteren" in {n.id for n in none.notices}
    high = plan(incident(risk="hoog"), a)
    subjects = next(d for d in high.deadlines if d.id == "informeer-betrokkenen")
    assert subjects.actor == "client" and subjects.hours is None
    assert "art. 34 lid 1 AVG" in subjects.citations
    excepted = plan(incident(risk="hoog", exceptions={"34-3-a": True}), a)
    subjects = next(d for d in excepted.deadlines if d.id == "informeer-betrokkenen")
    assert subjects.not_required
    unweighed = plan(incident(), a)
    assert "risico-afwegen" in {n.id for n in unweighed.notices}


def test_art_33_3_fields_and_phases_are_kept():
    i = incident(contact_point="FG, fg@example.org", consequences="phishing mogelijk",
                 measures="wachtwoorden gereset",
                 phases=[{"at": "2025-03-29 10:00", "what": "eerste melding"},
                         {"at": "2025-04-02 12:00", "what": "aanvulling: 40 personen"}])
    again = Incident.from_dict(i.to_dict())
    assert again.contact_point == "FG, fg@example.org"
    assert [p.what for p in again.phases] == ["eerste melding", "aanvulling: 40 personen"]
