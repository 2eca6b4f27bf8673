"""Who is verwerkingsverantwoordelijke, verwerker or gezamenlijk verantwoordelijke, and why.

classify(facts) is pure and deterministic. The decisions themselves are data in
knowledge/samenwerkingsvormen.yaml, varianten.yaml and regels.yaml; this module only applies them:

1. A form of collaboration (1-4) answered: the source's outcome for that form. Answers that
   contradict the premise of the source's argumentation become open questions.
2. Otherwise the general rules decide, first matching rule first (AP Handleiding §3.5;
   art. 4(7), 4(8), 26, 28 AVG).
3. Each variant (A-C) answered yes adds its own processing with its own roles.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from avgkit.knowledge import Knowledge, load_knowledge
from avgkit.models import Necessity, Relationship, Role, Text

DATA_EXCHANGE_VALUES = ("order", "integration", "client_system", "direct_contact", "other")
BOOL_KEYS = (
    "provider_processes_personal_data",
    "legal_or_professional_duty",
    "processing_is_primary_purpose",
    "provider_determines_purposes",
    "provider_determines_essential_means",
    "on_behalf_of_client",
    "joint_determination",
    "own_purposes_use",
    "subcontractor",
    "returns_corrections",
)
FACT_KEYS = ("data_exchange", *BOOL_KEYS)
GENERAL_KEYS = BOOL_KEYS[:7]
VARIANT_KEYS = {"A": "own_purposes_use", "B": "subcontractor", "C": "returns_corrections"}

# Pairs of answers that cannot both be true; the first deciding rule still decides.
CONTRADICTIONS = (
    ("on_behalf_of_client", "provider_determines_purposes"),
    ("on_behalf_of_client", "provider_determines_essential_means"),
    ("on_behalf_of_client", "joint_determination"),
    ("on_behalf_of_client", "legal_or_professional_duty"),
)


def validate_facts(facts: Mapping[str, Any]) -> dict[str, Any]:
    """Check keys and values; return all keys with None for unanswered ones."""
    clean: dict[str, Any] = dict.fromkeys(FACT_KEYS)
    for key, value in facts.items():
        if key not in clean:
            raise ValueError(f"unknown fact key {key!r}; allowed keys: {', '.join(FACT_KEYS)}")
        if value is None:
            continue
        if key == "data_exchange":
            if value not in DATA_EXCHANGE_VALUES:
                raise ValueError(f"fact 'data_exchange' must be one of "
                                 f"{', '.join(DATA_EXCHANGE_VALUES)} or None, got {value!r}")
        elif not isinstance(value, bool):
            raise ValueError(f"fact {key!r} must be True, False or None, got {value!r}")
        clean[key] = value
    return clean


@dataclass(frozen=True)
class Reason:
    id: str
    text: Text
    citations: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text.to_dict(), "citations": list(self.citations)}


@dataclass(frozen=True)
class OpenQuestion:
    kind: str  # "missing" or "conflict"
    keys: tuple[str, ...]
    text: Text
    scope: str = "outcome"  # "outcome": the main roles may change; "variant": only a variant

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "keys": list(self.keys), "text": self.text.to_dict(),
                "scope": self.scope}


@dataclass(frozen=True)
class Agreement:
    id: str
    necessity: Necessity
    name: Text
    reason: Text
    citations: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "necessity": self.necessity.value, "name": self.name.to_dict(),
                "reason": self.reason.to_dict(), "citations": list(self.citations)}


@dataclass(frozen=True)
class Obligation:
    id: str
    text: Text
    citations: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text.to_dict(), "citations": list(self.citations)}


@dataclass(frozen=True)
class Outcome:
    """Roles of two parties in one processing, with what follows from them."""

    provider_role: Role | None
    client_role: Role | None
    relationship: Relationship | None
    agreement: Agreement | None
    reasons: tuple[Reason, ...]
    role_labels: dict[str, dict[str, str]] | None = None


@dataclass(frozen=True)
class VariantOutcome:
    code: str
    party: str  # "provider" or "subcontractor": whose role provider_role is
    provider_role: Role | None
    client_role: Role | None
    relationship: Relationship | None
    agreement: Agreement | None
    description: Text
    reasons: tuple[Reason, ...]
    citations: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "party": self.party,
            "provider_role": _name(self.provider_role),
            "client_role": _name(self.client_role),
            "relationship": _value(self.relationship),
            "agreement": self.agreement.to_dict() if self.agreement else None,
            "description": self.description.to_dict(),
            "reasons": [r.to_dict() for r in self.reasons],
            "citations": list(self.citations),
        }


@dataclass(frozen=True)
class Classification:
    facts: dict[str, Any]
    matched: str | None  # "vorm-1".."vorm-4", a rule id from regels.yaml, or None
    provider_role: Role | None
    client_role: Role | None
    relationship: Relationship | None
    agreement: Agreement | None
    reasons: tuple[Reason, ...]
    variants: tuple[VariantOutcome, ...]
    obligations: dict[str, tuple[Obligation, ...]]
    open_questions: tuple[OpenQuestion, ...]
    role_labels: dict[str, dict[str, str]] | None = field(default=None)

    @property
    def determined(self) -> bool:
        return self.provider_role is not None

    @property
    def certain(self) -> bool:
        """Roles established; no open answer or contradiction could change them."""
        return self.determined and not any(q.scope == "outcome" for q in self.open_questions)

    @property
    def complete(self) -> bool:
        """Nothing left open: every question that matters has been answered."""
        return self.determined and not self.open_questions

    @property
    def citations(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for reason in (*self.reasons, *(r for v in self.variants for r in v.reasons)):
            seen.update(dict.fromkeys(reason.citations))
        if self.agreement:
            seen.update(dict.fromkeys(self.agreement.citations))
        return tuple(seen)

    def to_dict(self) -> dict[str, Any]:
        return {
            "facts": dict(self.facts),
            "matched": self.matched,
            "provider_role": _name(self.provider_role),
            "client_role": _name(self.client_role),
            "relationship": _value(self.relationship),
            "agreement": self.agreement.to_dict() if self.agreement else None,
            "reasons": [r.to_dict() for r in self.reasons],
            "citations": list(self.citations),
            "variants": [v.to_dict() for v in self.variants],
            "obligations": {party: [o.to_dict() for o in items]
                            for party, items in self.obligations.items()},
            "open_questions": [q.to_dict() for q in self.open_questions],
            "role_labels": self.role_labels,
            "determined": self.determined,
            "certain": self.certain,
            "complete": self.complete,
        }


def _name(role: Role | None) -> str | None:
    return role.name if role else None


def _value(rel: Relationship | None) -> str | None:
    return rel.value if rel else None


AGREEMENT_FOR = {
    Relationship.CONTROLLER_PROCESSOR: "verwerkersovereenkomst",
    Relationship.JOINT_CONTROLLERS: "regeling-gezamenlijke-verantwoordelijkheid",
    Relationship.CONTROLLER_TO_CONTROLLER: "verwerkingsverantwoordelijkenovereenkomst",
    Relationship.NONE: "geen",
}

OBLIGATION_GROUPS = {
    Role.CONTROLLER: ("verwerkingsverantwoordelijke",),
    Role.JOINT_CONTROLLER: ("verwerkingsverantwoordelijke",
                            "gezamenlijke-verwerkingsverantwoordelijken"),
    Role.PROCESSOR: ("verwerker",),
    Role.NONE: (),
}


def agreement_for(kb: Knowledge, relationship: Relationship | None) -> Agreement | None:
    if relationship is None:
        return None
    item = kb.agreement(AGREEMENT_FOR[relationship])
    return Agreement(item.id, Necessity(item.necessity), item.name, item.reason,
                     tuple(item.citations))


def obligations_for(kb: Knowledge, role: Role | None) -> tuple[Obligation, ...]:
    if role is None:
        return ()
    return tuple(
        Obligation(o.id, o.text, tuple(o.citations))
        for group_id in OBLIGATION_GROUPS[role]
        for o in kb.obligation_group(group_id).items
    )


def _answer(kb: Knowledge, value: Any) -> Text:
    return kb.vragen.answers["true" if value else "false"]


def _q(kb: Knowledge, key: str) -> Text:
    return kb.question(key).text


def _form_outcome(kb: Knowledge, facts: dict[str, Any], form) -> tuple[Outcome, list[OpenQuestion]]:
    reasons = [Reason(f"{form.id}-arg-{i + 1}", text, tuple(form.citations))
               for i, text in enumerate(form.argumentation)]
    for quote_id in form.quotes:
        quote = kb.samenwerkingsvormen.quotes[quote_id]
        reasons.append(Reason(f"{form.id}-{quote_id}", quote.text, tuple(quote.citations)))
    questions = []
    template = kb.regels.open_questions["conflict-form-premise"]
    for key, expected in form.premise.items():
        if facts[key] is not None and facts[key] != expected:
            questions.append(OpenQuestion("conflict", (key, "data_exchange"), template.format(
                answer=_answer(kb, facts[key]), question=_q(kb, key),
                expected=_answer(kb, expected), number=form.number)))
    relationship = Relationship(form.relationship)
    labels = {lang: {"provider": lab.provider, "client": lab.client}
              for lang, lab in form.role_labels.items()}
    outcome = Outcome(Role[form.provider_role], Role[form.client_role], relationship,
                      agreement_for(kb, relationship), tuple(reasons), labels)
    return outcome, questions


def _rule_matches(rule, facts: dict[str, Any]) -> bool:
    if rule.when and not all(facts[k] == v for k, v in rule.when.items()):
        return False
    if rule.when_any and not any(facts[k] == v for k, v in rule.when_any.items()):
        return False
    return True


def _could_match(rule, facts: dict[str, Any]) -> list[str]:
    """The unanswered keys that, once answered, could make this (now unmatched) rule match."""
    if any(facts[k] is not None and facts[k] != v for k, v in rule.when.items()):
        return []
    missing = [k for k in rule.when if facts[k] is None]
    if rule.when_any:
        if any(facts[k] == v for k, v in rule.when_any.items()):
            return missing
        missing += [k for k in rule.when_any if facts[k] is None]
        if all(facts[k] is not None for k in rule.when_any):
            return []
    return missing


def _general_outcome(kb: Knowledge, facts: dict[str, Any]) -> tuple[Outcome | None, str | None,
                                                                    list[OpenQuestion]]:
    questions: list[OpenQuestion] = []
    rule = next((r for r in kb.regels.rules if _rule_matches(r, facts)), None)
    if rule is None:
        missing = [k for k in GENERAL_KEYS if facts[k] is None]
        if facts["data_exchange"] is None and all(facts[k] is None for k in FACT_KEYS):
            questions.append(OpenQuestion("missing", ("data_exchange",),
                                          kb.regels.open_questions["missing-start"]))
        else:
            template = kb.regels.open_questions["missing-general"]
            keys = ([] if facts["data_exchange"] is not None else ["data_exchange"]) + missing
            questions.extend(OpenQuestion("missing", (k,), template.format(question=_q(kb, k)))
                             for k in keys)
        return None, None, questions
    relationship = Relationship(rule.relationship)
    outcome = Outcome(Role[rule.provider_role], Role[rule.client_role], relationship,
                      agreement_for(kb, relationship),
                      (Reason(rule.id, rule.text, tuple(rule.citations)),))
    # A rule ranked before the deciding one could still decide once its questions are answered.
    template = kb.regels.open_questions["missing-general"]
    unanswered: dict[str, None] = {}
    for earlier in kb.regels.rules[:kb.regels.rules.index(rule)]:
        unanswered.update(dict.fromkeys(_could_match(earlier, facts)))
    questions.extend(OpenQuestion("missing", (k,), template.format(question=_q(kb, k)))
                     for k in unanswered)
    conflict = kb.regels.open_questions["conflict-answers"]
    for a, b in CONTRADICTIONS:
        if facts[a] is True and facts[b] is True:
            questions.append(OpenQuestion("conflict", (a, b), conflict.format(
                question_a=_q(kb, a), question_b=_q(kb, b), rule=rule.id)))
    if rule.id == "regel-geen-verwerking":
        template = kb.regels.open_questions["conflict-no-processing"]
        questions.extend(
            OpenQuestion("conflict", ("provider_processes_personal_data", k),
                         template.format(question=_q(kb, k)))
            for k in ("processing_is_primary_purpose", "on_behalf_of_client",
                      "joint_determination", *VARIANT_KEYS.values())
            if facts[k] is True)
    return outcome, rule.id, questions


def _variant_outcomes(kb: Knowledge, facts: dict[str, Any], base: Outcome | None
                      ) -> tuple[list[VariantOutcome], list[OpenQuestion]]:
    outcomes, questions = [], []
    oq = kb.regels.open_questions
    base_role = base.provider_role if base else None
    for variant in kb.varianten.variants:
        answer = facts[variant.fact]
        if answer is None and base_role not in (None, Role.NONE):
            questions.append(OpenQuestion("missing", (variant.fact,), oq["missing-variant"].format(
                question=_q(kb, variant.fact), code=variant.code), scope="variant"))
        if answer is not True or base_role is Role.NONE:
            continue  # with no processing the conflict is reported by the general rules
        reasons = [Reason(f"{variant.id}-arg-{i + 1}", t, tuple(variant.citations))
                   for i, t in enumerate(variant.argumentation)]
        provider, client = Role[variant.provider_role], Role[variant.client_role]
        relationship = Relationship(variant.relationship)
        if base_role is None:
            questions.append(OpenQuestion("missing", (variant.fact,),
                                          oq["variant-undetermined"].format(code=variant.code)))
        elif base_role is Role.PROCESSOR and variant.code == "B":
            rule = kb.regels.variant_rules["sub-verwerker"]
            reasons = [Reason("sub-verwerker", rule.text, tuple(rule.citations))]
            provider, client = Role.PROCESSOR, Role.CONTROLLER
            relationship = Relationship.CONTROLLER_PROCESSOR
        elif base_role is Role.PROCESSOR and variant.code == "A":
            rule = kb.regels.variant_rules["verwerker-eigen-doel"]
            reasons.append(Reason("verwerker-eigen-doel", rule.text, tuple(rule.citations)))
            questions.append(OpenQuestion("conflict", (variant.fact, "on_behalf_of_client"),
                                          oq["variant-A-processor"], scope="variant"))
        elif base_role is Role.PROCESSOR and variant.code == "C":
            questions.append(OpenQuestion("conflict", (variant.fact, "on_behalf_of_client"),
                                          oq["variant-C-processor"], scope="variant"))
            provider = client = relationship = None
        agreement = None if relationship is None else agreement_for(kb, relationship)
        citations = tuple(dict.fromkeys(c for r in reasons for c in r.citations))
        outcomes.append(VariantOutcome(variant.code, variant.party, provider, client, relationship,
                                       agreement, variant.description, tuple(reasons), citations))
    return outcomes, questions


def classify(facts: Mapping[str, Any] | None = None, /, *, knowledge: Knowledge | None = None,
             **kwargs: Any) -> Classification:
    """Classify one collaboration from its answered facts (see FACT_KEYS; None = unanswered)."""
    kb = knowledge or load_knowledge()
    clean = validate_facts({**(facts or {}), **kwargs})
    form = kb.form_for(clean["data_exchange"]) if clean["data_exchange"] else None
    if form is not None:
        base, questions = _form_outcome(kb, clean, form)
        matched: str | None = form.id
    else:
        base, matched, questions = _general_outcome(kb, clean)
    variants, variant_questions = _variant_outcomes(kb, clean, base)
    questions += variant_questions
    obligations: dict[str, tuple[Obligation, ...]] = {}
    if base is not None:
        obligations["provider"] = obligations_for(kb, base.provider_role)
        obligations["client"] = obligations_for(kb, base.client_role)
    sub = next((v for v in variants if v.code == "B"), None)
    if sub is not None:
        obligations["subcontractor"] = obligations_for(kb, sub.provider_role)
    return Classification(
        facts=clean,
        matched=matched,
        provider_role=base.provider_role if base else None,
        client_role=base.client_role if base else None,
        relationship=base.relationship if base else None,
        agreement=base.agreement if base else None,
        reasons=base.reasons if base else (),
        variants=tuple(variants),
        obligations=obligations,
        open_questions=tuple(questions),
        role_labels=base.role_labels if base else None,
    )
