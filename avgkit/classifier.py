"""Who is verwerkingsverantwoordelijke, verwerker or gezamenlijk verantwoordelijke, and why.

classify(facts) is pure and deterministic. The decisions themselves are data in
knowledge/samenwerkingsvormen.yaml, varianten.yaml and regels.yaml; this module only applies them:

1. A form of collaboration (1-4) answered: the source's outcome for that form. Answers that
   contradict the premise of the source's argumentation become open questions.
2. Otherwise the general rules decide, first matching rule first. Their order and sentences are
   our reading of art. 4(7), 4(8), 26, 28 AVG and the EDPB Guidelines 07/2020 (labelled as ours).
   Facts decide (purposes, essential means, documented instructions, an own legal duty, deciding
   together); the AP's primary-assignment test is an indicator: where it points the other way
   than the facts, the outcome follows the facts and the disagreement is an open question.
3. Each variant (A-C) answered yes adds its own processing with its own roles.
4. Answers that cannot all hold at once (regels.yaml conflicts, a form's premise, a variant that
   contradicts the form) are reported conflicts naming the answers; the outcome is then not
   certain.

Our remarks on the source (corrections with their article, [sic], our readings) travel with the
items as avgkit.notes.Note, so every surface can show them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from avgkit.knowledge import Knowledge, load_knowledge
from avgkit.models import Necessity, Relationship, Role, Text
from avgkit.notes import Note, notes_of, source_caveat_dict

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

INDICATOR_KEY = "processing_is_primary_purpose"  # the AP's test: an indicator, not a fact


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
    ours: bool = False  # our reading, not the source's or the AP's words
    notes: tuple[Note, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text.to_dict(), "citations": list(self.citations),
                "ours": self.ours, "notes": [n.to_dict() for n in self.notes]}


@dataclass(frozen=True)
class OpenQuestion:
    kind: str  # "missing", "conflict" or "indicator" (the AP's test disagrees with the facts)
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
    citations: tuple[str, ...]  # the source's footnote
    notes: tuple[Note, ...] = ()  # our corrections, [sic] and remarks

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text.to_dict(), "citations": list(self.citations),
                "notes": [n.to_dict() for n in self.notes]}


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
    notes: tuple[Note, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "notes": [n.to_dict() for n in self.notes],
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
            "source": source_caveat_dict(),
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


def agreement_for(kb: Knowledge, relationship: Relationship | None,
                  agreement_id: str | None = None) -> Agreement | None:
    if relationship is None:
        return None
    item = kb.agreement(agreement_id or AGREEMENT_FOR[relationship])
    return Agreement(item.id, Necessity(item.necessity), item.name, item.reason,
                     tuple(item.citations))


def obligations_for(kb: Knowledge, role: Role | None) -> tuple[Obligation, ...]:
    if role is None:
        return ()
    return tuple(
        Obligation(o.id, o.text, tuple(o.citations), notes_of(o.notes))
        for group_id in OBLIGATION_GROUPS[role]
        for o in kb.obligation_group(group_id).items
    )


def _answer(kb: Knowledge, value: Any) -> Text:
    return kb.vragen.answers["true" if value else "false"]


def _q(kb: Knowledge, key: str) -> Text:
    return kb.question(key).text


def _with_notes(reasons: list[Reason], notes: tuple[Note, ...]) -> list[Reason]:
    """Attach each note to the reason whose text holds the word the note quotes (‘word’ ...),
    else to the first reason."""
    out = list(reasons)
    for note in notes:
        word = note.text.nl.split("’")[0].lstrip("‘") if note.text.nl.startswith("‘") else ""
        i = next((i for i, r in enumerate(out) if word and word in r.text.nl), 0)
        if out:
            r = out[i]
            out[i] = Reason(r.id, r.text, r.citations, r.ours, (*r.notes, note))
    return out


def _form_outcome(kb: Knowledge, facts: dict[str, Any], form) -> tuple[Outcome, list[OpenQuestion]]:
    reasons = [Reason(f"{form.id}-arg-{i + 1}", text, tuple(form.citations))
               for i, text in enumerate(form.argumentation)]
    reasons = _with_notes(reasons, notes_of(form.notes))
    for quote_id in form.quotes:
        quote = kb.samenwerkingsvormen.quotes[quote_id]
        reasons.append(Reason(f"{form.id}-{quote_id}", quote.text, tuple(quote.citations)))
    for i, caveat in enumerate(form.caveats):
        reasons.append(Reason(f"{form.id}-kanttekening-{i + 1}", caveat.text,
                              tuple(caveat.citations), ours=True))
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


def _conflicts(kb: Knowledge, facts: dict[str, Any], decided_by: str) -> list[OpenQuestion]:
    """Answers that cannot all hold at once (regels.yaml conflicts), each naming its answers."""
    oq = kb.regels.open_questions
    questions = []
    for conflict in kb.regels.conflicts:
        if all(facts[k] == v for k, v in conflict.when.items()):
            pairs = [oq["answer-pair"].format(answer=_answer(kb, v), question=_q(kb, k))
                     for k, v in conflict.when.items()]
            answers = Text(nl="; ".join(p.nl for p in pairs), en="; ".join(p.en for p in pairs))
            questions.append(OpenQuestion("conflict", tuple(conflict.when), oq[
                "conflict-answers"].format(answers=answers, why=conflict.text, rule=decided_by)))
    return questions


def _indicator_question(kb: Knowledge, facts: dict[str, Any], role: Role
                        ) -> OpenQuestion | None:
    """The AP's primary-assignment test points the other way than the facts that decided."""
    indicator = facts[INDICATOR_KEY]
    if indicator is None or role is Role.NONE or indicator == (role is Role.PROCESSOR):
        return None
    text = kb.regels.open_questions["indicator-disagrees"].format(
        role=kb.begrippen.roles[role.name], answer=_answer(kb, indicator),
        question=_q(kb, INDICATOR_KEY))
    return OpenQuestion("indicator", (INDICATOR_KEY,), text)


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
    reasons = [Reason(rule.id, rule.text, tuple(rule.citations), ours=rule.ours)]
    if rule.quote:
        quote = kb.samenwerkingsvormen.quotes[rule.quote]
        reasons.append(Reason(f"citaat-{rule.quote}", quote.text, tuple(quote.citations)))
    reasons.append(Reason("regels-volgorde", kb.regels.order_note,
                          tuple(kb.regels.order_citations), ours=True))
    outcome = Outcome(Role[rule.provider_role], Role[rule.client_role], relationship,
                      agreement_for(kb, relationship), tuple(reasons))
    # A rule ranked before the deciding one could still decide once its questions are answered.
    template = kb.regels.open_questions["missing-general"]
    unanswered: dict[str, None] = {}
    for earlier in kb.regels.rules[:kb.regels.rules.index(rule)]:
        unanswered.update(dict.fromkeys(_could_match(earlier, facts)))
    questions.extend(OpenQuestion("missing", (k,), template.format(question=_q(kb, k)))
                     for k in unanswered)
    if rule.basis == "facts":
        indicator = _indicator_question(kb, facts, Role[rule.provider_role])
        if indicator is not None:
            questions.append(indicator)
    if rule.id == "regel-geen-verwerking":
        template = kb.regels.open_questions["conflict-no-processing"]
        questions.extend(
            OpenQuestion("conflict", ("provider_processes_personal_data", k),
                         template.format(question=_q(kb, k)))
            for k in ("processing_is_primary_purpose", "on_behalf_of_client",
                      "joint_determination", *VARIANT_KEYS.values())
            if facts[k] is True)
    return outcome, rule.id, questions


def _variant_reason(kb: Knowledge, rule_id: str) -> Reason:
    rule = kb.regels.variant_rules[rule_id]
    return Reason(rule_id, rule.text, tuple(rule.citations), ours=rule.ours)


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
        why = variant.conflicting_forms.get(facts["data_exchange"] or "")
        if why is not None:
            option = next(o for o in kb.question("data_exchange").options
                          if o.value == facts["data_exchange"])
            questions.append(OpenQuestion("conflict", ("data_exchange", variant.fact), oq[
                "variant-form-conflict"].format(form=option.text, code=variant.code,
                                                question=_q(kb, variant.fact), why=why)))
        if base_role is None:
            questions.append(OpenQuestion("missing", (variant.fact,),
                                          oq["variant-undetermined"].format(code=variant.code)))
        elif base_role is Role.PROCESSOR and variant.code == "B":
            reasons = [_variant_reason(kb, "sub-verwerker")]
            provider, client = Role.PROCESSOR, Role.CONTROLLER
            relationship = Relationship.CONTROLLER_PROCESSOR
        elif variant.code == "A":
            rule_id = {Role.PROCESSOR: "verwerker-eigen-doel",
                       Role.JOINT_CONTROLLER: "eigen-doel-gezamenlijk"}.get(
                base_role, "eigen-doel-verantwoordelijke")
            reasons.append(_variant_reason(kb, rule_id))
            if base_role is Role.PROCESSOR:
                questions.append(OpenQuestion("conflict", (variant.fact, "on_behalf_of_client"),
                                              oq["variant-A-processor"], scope="variant"))
        elif base_role is Role.PROCESSOR and variant.code == "C":
            questions.append(OpenQuestion("conflict", (variant.fact, "on_behalf_of_client"),
                                          oq["variant-C-processor"], scope="variant"))
            provider = client = relationship = None
        agreement_id = variant.agreement if relationship is Relationship(
            variant.relationship) else None
        agreement = (None if relationship is None
                     else agreement_for(kb, relationship, agreement_id))
        citations = tuple(dict.fromkeys(c for r in reasons for c in r.citations))
        outcomes.append(VariantOutcome(variant.code, variant.party, provider, client, relationship,
                                       agreement, variant.description, tuple(reasons), citations,
                                       notes_of(variant.notes)))
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
    if base is not None:
        questions += _conflicts(kb, clean, matched or "-")
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
