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
    """The questions asked for these answers (avgkit.walkthrough), with the answer given or
    'not answered', in the walk's order."""
    from avgkit.walkthrough import question_keys

    kb = knowledge or load_knowledge()
    asked = question_keys(assessment.answers, kb)
    return [{"key": q.key, "question": q.text.get(lang),
             "answer": answer_text(q.key, assessment.answers.get(q.key), lang, kb),
             "answered": assessment.answers.get(q.key) is not None}
            for q in kb.vragen.questions if q.key in asked]


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


# --- the Bijlage 2 checklist ------------------------------------------------------------------

VERDICT_CSS = {"voldoende": "voldoende", "aandacht nodig": "aandacht", "onvoldoende": "onvoldoende"}
SCORE_KEYS = ("technisch", "organisatorisch", "overall")
BAR_STATUSES = ("aanwezig", "gedeeltelijk", "afwezig", "nvt", "open")


def pick(text: Mapping[str, str] | None, lang: str) -> str:
    """One language of a {"nl": ..., "en": ...} text from the checklist's JSON; '' for None."""
    return text[lang] if text else ""


def _bar_class(score: float | None) -> str:
    if score is None:
        return ""
    return "good" if score >= 0.8 else "mid" if score >= 0.5 else "low"


def _rule_view(rule: Mapping[str, Any], lang: str) -> dict[str, Any]:
    return {"text": pick(rule.get("text"), lang), "ours": bool(rule.get("ours")),
            "citations": list(rule.get("citations", [])),
            "quotes": [{"text": q[lang], "source": q.get("source", "")}
                       for q in rule.get("quotes", [])]}


def profile_value_label(factor: Mapping[str, Any], value: Any, lang: str,
                        t: Labels) -> str:
    if value is None or value == "":
        return t["not_filled_in"]
    options = {o["value"]: pick(o["label"], lang) for o in factor.get("options", [])}
    if factor["kind"] == "choice":
        return options.get(value, str(value))
    if factor["kind"] == "text":
        code, sep, rest = str(value).partition(":")
        if sep and code.strip() in options:
            return f"{options[code.strip()]}: {rest.strip()}" if rest.strip() else \
                options[code.strip()]
        return options.get(str(value).strip(), str(value))
    return str(value)


def checklist_view(assessment: Assessment, lang: str = "nl",
                   knowledge: Knowledge | None = None, custom: Any = None) -> dict[str, Any]:
    """The checklist's result (avgkit.checklist.assess) in one language, ready for a template."""
    from avgkit.checklist import assess, catalogue

    kb = knowledge or load_knowledge()
    t = Labels(lang, kb)
    result = assess(assessment.checklist, assessment.actions, custom).to_dict()
    cat = catalogue(custom)
    factors = {f["key"]: f for f in cat["factors"]}
    categories = {k: pick(v, lang) for k, v in cat["categories"].items()}
    scores = []
    for key in SCORE_KEYS:
        s = result["scores"][key]
        scores.append({
            "key": key, "label": categories.get(key) or t["score_overall"],
            "score": s["score"], "max_score": s["max_score"],
            "pct": "–" if s["score"] is None else f"{round(s['score'] * 100)}%",
            "cls": _bar_class(s["score"]), "counts": s,
            "segments": [{"status": st, "label": pick(cat["statuses"][st]["label"], lang),
                          "n": s[st], "width": 100 * s[st] / s["expected"] if s["expected"] else 0}
                         for st in BAR_STATUSES]})
    measures_by_cat: dict[str, list[dict[str, Any]]] = {}
    for m in result["measures"]:
        measures_by_cat.setdefault(m["category"], []).append({
            "id": m["id"], "text": pick(m["text"], lang), "custom": m["custom"],
            "expected": m["expected"], "expected_from": pick(
                cat["levels"][m["expected_from"]]["label"], lang),
            "status": m["status"], "status_label": pick(m["status_label"], lang),
            "note": m["note"], "evidence": m["evidence"], "reason": m["reason"],
            "answered_by": m["answered_by"], "answered_at": m["answered_at"],
            "iso": ", ".join(i["control"] for i in m["iso27002"]),
            "evidence_hint": pick(m["evidence_hint"], lang),
            "remark": pick(m["remark"], lang), "citations": m["citations"]})
    return {
        "level": result["risk_level"], "level_label": pick(result["risk_level_label"], lang),
        "provisional": result["risk_provisional"],
        "rule": _rule_view(result["risk_rule"], lang),
        "rules_fired": [{**_rule_view(r, lang), "changed": r["changed"],
                         "level_after": pick(cat["levels"][r["level_after"]]["label"], lang)}
                        for r in result["risk_rules_fired"]],
        "profile": [{"key": k, "name": pick(f["name"], lang),
                     "value": profile_value_label(f, result["risk_profile"].get(k), lang, t)}
                    for k, f in factors.items()],
        "verdict": result["verdict"], "verdict_label": pick(result["verdict_label"], lang),
        "verdict_css": VERDICT_CSS.get(result["verdict"], ""),
        "verdict_rule": _rule_view(result["verdict_rule"], lang),
        "scores": scores,
        "findings": [{"measure": f["measure"], "text": pick(f["text"], lang),
                      "custom": f["custom"], "category": categories.get(f["category"], ""),
                      "status": f["status"], "status_label": pick(
                          cat["statuses"][f["status"]]["label"], lang),
                      "severity": f["severity"], "severity_label": pick(f["severity_label"], lang),
                      "severity_rule": pick(f["severity_rule"]["text"], lang),
                      "ours": f["severity_rule"]["ours"], "note": f["note"],
                      "evidence": f["evidence"], "actions": f["actions"]}
                     for f in result["findings"]],
        "open": [{"kind": o["kind"], "text": pick(o["text"], lang),
                  "measure": pick(o.get("measure_text"), lang), "id": o["id"]}
                 for o in result["open"] if o.get("blocking", True)],
        # free-text factors whose kind cannot change the verdict: shown, not open
        "remarks": [{"kind": o["kind"], "text": pick(o["text"], lang), "id": o["id"]}
                    for o in result["open"] if not o.get("blocking", True)],
        "categories": [{"key": k, "label": categories.get(k, k), "measures": v}
                       for k, v in measures_by_cat.items()],
        "notes": {"ours": pick(result["notes"]["ours"], lang),
                  "iso": pick(result["notes"]["iso27002"], lang)},
        "legend": [{"status": st, "label": pick(cat["statuses"][st]["label"], lang)}
                   for st in BAR_STATUSES],
    }
