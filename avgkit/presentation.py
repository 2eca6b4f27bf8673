"""Plain, one-language views of an assessment for the widgets and the HTML report.

Everything here is text picked from the knowledge files in one language; no rule decides
anything here (the classifier and the checklist do). The HTML templates escape every value.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from avgkit.agreement_review import review_agreement
from avgkit.assessment import Assessment
from avgkit.classifier import Classification
from avgkit.knowledge import Knowledge, KnowledgeError, load_knowledge
from avgkit.models import Role, check_lang


class Labels(Mapping[str, str]):
    """The interface texts of knowledge/interface.yaml in one language.

    A missing key is a KnowledgeError naming the file and the key, never a silent blank."""

    def __init__(self, lang: str = "nl", knowledge: Knowledge | None = None):
        self.lang = check_lang(lang)
        self._kb = knowledge or load_knowledge()
        self._labels = self._kb.interface.labels

    def __getitem__(self, key: str) -> str:
        try:
            return self._labels[key].get(self.lang)
        except KeyError:
            raise KnowledgeError(self._kb.folder / "interface.yaml", f"labels.{key}",
                                 "label missing") from None

    def __getattr__(self, key: str) -> str:
        if key.startswith("_"):
            raise AttributeError(key)
        return self[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)

    def format(self, key: str, **values: object) -> str:
        return self[key].format(**values)


@dataclass(frozen=True)
class Cited:
    text: str
    citations: tuple[str, ...] = ()
    note: str = ""
    id: str = ""


def _cited(item, lang: str) -> Cited:
    return Cited(item.text.get(lang), tuple(item.citations), id=getattr(item, "id", ""))


def role_text(role: Role | None, lang: str, kb: Knowledge) -> str:
    if role is None:
        return Labels(lang, kb)["role_undetermined"]
    return kb.begrippen.roles[role.name].get(lang)


def answer_text(key: str, value: Any, lang: str, kb: Knowledge | None = None) -> str:
    kb = kb or load_knowledge()
    if value is None:
        return kb.vragen.answers["null"].get(lang)
    question = kb.question(key)
    if question.kind == "choice":
        return next((o.text.get(lang) for o in question.options if o.value == value), str(value))
    return kb.vragen.answers["true" if value else "false"].get(lang)


def _role_row(party: str, role: Role | None, lang: str, kb: Knowledge) -> dict[str, str]:
    return {"party": party, "role": role_text(role, lang, kb),
            "role_id": role.value if role else "open"}


def party_names(assessment: Assessment | None, lang: str, kb: Knowledge) -> dict[str, str]:
    """Party key -> 'Name (corporatie, opdrachtgever)' or just the generic label."""
    generic = {k: v.get(lang) for k, v in kb.begrippen.parties.items()}
    names = {"client": assessment.corporation if assessment else "",
             "provider": assessment.contractor if assessment else "", "subcontractor": ""}
    return {k: f"{names[k].strip()} – {generic[k]}" if names[k].strip() else generic[k]
            for k in generic}


def collaboration_view(result: Classification, lang: str = "nl",
                       assessment: Assessment | None = None,
                       knowledge: Knowledge | None = None) -> dict[str, Any]:
    """The outcome of one collaboration, in one language, ready for a template."""
    kb = knowledge or load_knowledge()
    t = Labels(lang, kb)
    parties = party_names(assessment, lang, kb)
    roles = [_role_row(parties["client"], result.client_role, lang, kb),
             _role_row(parties["provider"], result.provider_role, lang, kb)]
    agreement = None
    if result.agreement is not None:
        item = kb.agreement(result.agreement.id)
        agreement = {"id": item.id, "name": item.name.get(lang),
                     "necessity": t[f"necessity_{item.necessity}"],
                     "necessity_id": item.necessity, "reason": item.reason.get(lang),
                     "citations": list(item.citations),
                     "note": item.note.get(lang) if item.note else ""}
    situation = ""
    if result.matched and result.matched.startswith("vorm-"):
        form = next(f for f in kb.samenwerkingsvormen.forms if f.id == result.matched)
        situation = t.format("situation_form", number=form.number,
                             description=form.description.get(lang))
    elif result.matched:
        situation = t["situation_general"]
    variants = []
    for v in result.variants:
        item = next(x for x in kb.varianten.variants if x.code == v.code)
        variants.append({
            "code": v.code, "description": v.description.get(lang),
            "roles": [_role_row(parties[v.party], v.provider_role, lang, kb),
                      _role_row(parties["client"], v.client_role, lang, kb)],
            "relationship": (kb.begrippen.relationships[v.relationship.value].get(lang)
                             if v.relationship else t["role_undetermined"]),
            "agreement": v.agreement.name.get(lang) if v.agreement else "",
            "agreement_necessity": t[f"necessity_{v.agreement.necessity.value}"]
            if v.agreement else "",
            "reasons": [Cited(r.text.get(lang), r.citations) for r in v.reasons],
            "source": item.id})
    obligations = []
    for party, items in result.obligations.items():
        obligations.append({
            "party": parties[party],
            "role": role_text(result.provider_role if party == "provider" else
                              result.client_role if party == "client" else
                              next((v.provider_role for v in result.variants if v.code == "B"),
                                   None), lang, kb),
            "items": [Cited(o.text.get(lang), o.citations, id=o.id,
                            note=_obligation_note(kb, o.id, lang)) for o in items]})
    return {
        "determined": result.determined, "certain": result.certain,
        "complete": result.complete,
        "status": t["outcome_final"] if result.certain else (
            t["outcome_provisional"] if result.determined else t["outcome_open"]),
        "roles": roles,
        "relationship": (kb.begrippen.relationships[result.relationship.value].get(lang)
                         if result.relationship else ""),
        "agreement": agreement,
        "situation": situation,
        "reasons": [Cited(r.text.get(lang), r.citations) for r in result.reasons],
        "variants": variants,
        "obligations": obligations,
        "open_questions": [{"kind": q.kind, "text": q.text.get(lang),
                            "kind_label": t[f"open_{q.kind}"]} for q in result.open_questions],
        "citations": list(result.citations),
    }


def _obligation_note(kb: Knowledge, obligation_id: str, lang: str) -> str:
    for group in kb.verplichtingen.groups:
        for item in group.items:
            if item.id == obligation_id and item.note:
                return item.note.get(lang)
    return ""


def answers_view(assessment: Assessment, lang: str = "nl",
                 knowledge: Knowledge | None = None) -> list[dict[str, str]]:
    """Every question with the answer given (or 'not answered'), in the walk's order."""
    kb = knowledge or load_knowledge()
    return [{"key": q.key, "question": q.text.get(lang),
             "answer": answer_text(q.key, assessment.answers.get(q.key), lang, kb),
             "answered": assessment.answers.get(q.key) is not None}
            for q in kb.vragen.questions]


def agreement_view(assessment: Assessment, result: Classification, lang: str = "nl",
                   knowledge: Knowledge | None = None) -> dict[str, Any]:
    """The agreement in place, how it fits the outcome, and the review of the 14 points."""
    kb = knowledge or load_knowledge()
    t = Labels(lang, kb)
    review = review_agreement(result, assessment.agreement, kb)
    in_place = assessment.agreement
    contents = kb.overeenkomsten.verwerkersovereenkomst_contents
    points = [{"id": p.id, "number": p.number, "text": p.text.get(lang), "optional": p.optional,
               "covered": bool(in_place.points.get(p.id)), "citations": list(p.citations)}
              for p in contents.points]
    return {
        "kind": in_place.kind,
        "kind_label": t[f"agreement_kind_{(in_place.kind or 'unknown').replace('-', '_')}"],
        "date": in_place.date.isoformat() if in_place.date else "",
        "reviewed": in_place.reviewed,
        "fits": review.fits,
        "remarks": [{"severity": r.severity, "text": r.text.get(lang),
                     "citations": list(r.citations)} for r in review.remarks],
        "points": points if in_place.kind == "verwerkersovereenkomst" else [],
        "points_intro": contents.intro.get(lang),
        "points_note": contents.optional_note.get(lang),
        "points_citations": list(contents.citations),
        "covered": len(review.points_covered), "required_missing": len(review.points_missing),
    }
