"""Assessments for the draft, register and data-breach tests (issue 7)."""

from avgkit.assessment import Action, Assessment

# Answers that make the contractor a verwerker: a firm hired to process data on the client's
# behalf (general rules; AP Handleiding §3.5).
PROCESSOR_FACTS = {"data_exchange": "other", "provider_processes_personal_data": True,
                   "legal_or_professional_duty": False, "joint_determination": False,
                   "provider_determines_purposes": False,
                   "provider_determines_essential_means": False,
                   "processing_is_primary_purpose": True, "on_behalf_of_client": True}

CHECKLIST = {
    "risk_profile": {"data_kind": "gevoelig", "data_subjects": 5000,
                     "purpose": "tevredenheidsonderzoek onder huurders",
                     "retention": "na-opdracht: 3 maanden", "organisation_size": "middelgroot"},
    "answers": {"tm-01": {"status": "aanwezig", "note": "Defender op alle laptops"},
                "tm-02": {"status": "afwezig"},
                "tm-05": {"status": "gedeeltelijk", "note": "geen MFA"},
                "om-01": {"status": "nvt", "reason": "geen kantoorwerkplekken"}},
}


def processor_assessment(**overrides) -> Assessment:
    data = dict(id="SW-VO", corporation="Woonstede", contractor="Enquêtebureau Vraagraak",
                description="tevredenheidsenquête onder huurders", auditor="A. Auditor",
                answers={**PROCESSOR_FACTS, "subcontractor": False, "own_purposes_use": False,
                         "returns_corrections": False},
                checklist=CHECKLIST,
                actions=[Action(what="USB-sticks met versleuteling aanschaffen", owner="IT",
                                finding="tm-02")])
    data.update(overrides)
    return Assessment(**data)


def joint_assessment(**overrides) -> Assessment:
    data = dict(id="SW-GV", corporation="Woonstede", contractor="Installatiebedrijf Warmte",
                description="onderhoud cv-ketels in het klantportaal van de corporatie",
                answers={"data_exchange": "client_system"})
    data.update(overrides)
    return Assessment(**data)


def two_controllers_assessment(**overrides) -> Assessment:
    data = dict(id="SW-VV", corporation="Woonstede", contractor="Bouwbedrijf De Steen",
                description="planmatig onderhoud", answers={"data_exchange": "order"})
    data.update(overrides)
    return Assessment(**data)
