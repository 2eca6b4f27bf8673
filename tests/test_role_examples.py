"""The general rules (regels.yaml) against public examples of who is controller or processor.

Each row: the public source of the example, the example in a few words, the facts as our
questions put them, and the roles the source gives. The facts are our reading of the example;
the roles are the source's conclusion. A row fails when a change to the rules would contradict
a published example.

Sources:
- EDPB, Guidelines 07/2020 on the concepts of controller and processor in the GDPR, v2.1
  (7 July 2021), Part I, with its numbered examples.
- ICO, Guide to the UK GDPR, 'Controllers and processors' (how to determine whether you are a
  controller or processor, with its examples).
- Autoriteit Persoonsgegevens, Handleiding Algemene verordening gegevensbescherming, §3.5 and
  p. 33 (quoted in the source).
"""

import pytest

from avgkit import Role, classify

C, P, J = Role.CONTROLLER, Role.PROCESSOR, Role.JOINT_CONTROLLER
BASE = dict(data_exchange="other", provider_processes_personal_data=True,
            own_purposes_use=False, subcontractor=False, returns_corrections=False)
NOBODY = dict(legal_or_professional_duty=False, joint_determination=False)

EXAMPLES = [
    # (source, example, facts, provider role, client role, certain)
    ("EDPB Guidelines 07/2020, Part I, example 'Market research' (company ABC instructs XYZ "
     "which information to collect and what to ask)",
     "market research bureau working to the client's specification",
     dict(NOBODY, provider_determines_purposes=False, provider_determines_essential_means=False,
          on_behalf_of_client=True, processing_is_primary_purpose=True), P, C, True),
    ("EDPB Guidelines 07/2020, Part I, example 'Law firm' (represents a company in a dispute, "
     "decides with significant independence which data to use and how)",
     "law firm representing the client",
     dict(NOBODY, provider_determines_purposes=False, provider_determines_essential_means=True,
          on_behalf_of_client=False, processing_is_primary_purpose=False), C, C, True),
    ("EDPB Guidelines 07/2020, Part I, example 'Accountants' (an accountant carrying out a "
     "statutory audit under its own legal and professional obligations)",
     "statutory auditor",
     dict(legal_or_professional_duty=True, joint_determination=False,
          on_behalf_of_client=False, processing_is_primary_purpose=False), C, C, True),
    ("EDPB Guidelines 07/2020, Part I, section on joint controllers, example 'Travel agency' "
     "(agency, hotel chain and airline set up a common platform and decide jointly)",
     "common booking platform decided together",
     dict(legal_or_professional_duty=False, joint_determination=True,
          on_behalf_of_client=False), J, J, True),
    ("EDPB Guidelines 07/2020, Part I, essential and non-essential means (a processor may "
     "choose the software or hardware; deciding which data, how long and who receives them is "
     "for the controller)",
     "IT provider that picks its own servers but processes only on instructions",
     dict(NOBODY, provider_determines_purposes=False, provider_determines_essential_means=False,
          on_behalf_of_client=True), P, C, True),
    ("ICO, Controllers and processors: processors act on behalf of the relevant controller "
     "and under its authority, serving the controller's interests",
     "service provider acting under the client's authority",
     dict(NOBODY, provider_determines_purposes=False, provider_determines_essential_means=False,
          on_behalf_of_client=True, processing_is_primary_purpose=True), P, C, True),
    ("ICO, Controllers and processors: specialist service providers (e.g. accountants) "
     "processing data in line with their own professional obligations act as controller",
     "accountant with professional obligations",
     dict(legal_or_professional_duty=True, joint_determination=False,
          on_behalf_of_client=False), C, C, True),
    ("AP, Handleiding AVG, §3.5 (quoted in the source): processing that results from another "
     "kind of service makes the service provider itself the controller",
     "contractor whose processing results from maintenance work",
     dict(NOBODY, provider_determines_purposes=False, provider_determines_essential_means=True,
          on_behalf_of_client=False, processing_is_primary_purpose=False), C, C, True),
    ("AP, Handleiding AVG, p. 33: a computer manufacturer and a fitness company jointly develop "
     "a smartwatch and jointly decide how and why health data are processed",
     "smartwatch developed together",
     dict(legal_or_professional_duty=False, joint_determination=True,
          on_behalf_of_client=False), J, J, True),
    ("EDPB Guidelines 07/2020, Part I, definition of processor: the AP's primary-assignment "
     "test (AP, Handleiding AVG, §3.5) says controller, but the facts say documented "
     "instructions and no say in purposes or essential means: the facts decide, the outcome "
     "is not certain",
     "indicator against the facts",
     dict(NOBODY, provider_determines_purposes=False, provider_determines_essential_means=False,
          on_behalf_of_client=True, processing_is_primary_purpose=False), P, C, False),
]


@pytest.mark.parametrize(("source", "example", "facts", "provider", "client", "certain"),
                         EXAMPLES, ids=[e[1] for e in EXAMPLES])
def test_general_rules_agree_with_public_examples(source, example, facts, provider, client,
                                                  certain):
    assert any(name in source for name in ("EDPB", "ICO", "AP,")), "every case cites its source"
    result = classify(**BASE, **facts)
    assert (result.provider_role, result.client_role) == (provider, client), (
        f"{example} ({source}): {[q.text.en for q in result.open_questions]}")
    assert result.certain is certain, [q.text.en for q in result.open_questions]
    assert result.reasons and result.reasons[0].citations


def test_processing_outside_the_instructions_makes_a_controller_for_that_element():
    """ICO, Controllers and processors: 'as soon as you process personal data outside your
    controller's instructions, you will be acting as a controller for that element'; art. 28(10)
    GDPR. Variant A (own surveys) over a processor."""
    facts = dict(NOBODY, provider_determines_purposes=False,
                 provider_determines_essential_means=False, on_behalf_of_client=True,
                 processing_is_primary_purpose=True)
    result = classify(**{**BASE, "own_purposes_use": True}, **facts)
    assert result.provider_role is P
    (a,) = result.variants
    assert a.provider_role is C
