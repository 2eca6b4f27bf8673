"""One collaboration in one flat record, for the management overview and results.xlsx/csv.

Everything here is computed by the core (classifier, agreement review, checklist); this module only
picks the figures a manager reads. Strings from the portfolio are carried as data and escaped or
neutralised where they are written (overview.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from avgkit.agreement_review import review_agreement
from avgkit.assessment import Assessment
from avgkit.batch.priorities import agreement_state
from avgkit.checklist import assess
from avgkit.knowledge import load_knowledge
from avgkit.screen import screen


def _role(role, lang: str) -> str:
    return load_knowledge().begrippen.roles[role.name].get(lang) if role else ""


def summarise(assessment: Assessment, lang: str = "nl", today: dt.date | None = None,
              custom: str | None = None) -> dict[str, Any]:
    kb = load_knowledge()
    today = today or dt.date.today()
    result = assessment.classification()
    review = review_agreement(result, assessment.agreement)
    record: dict[str, Any] = {
        "id": assessment.id,
        "corporation": assessment.corporation,
        "contractor": assessment.contractor,
        "description": assessment.description,
        "auditor": assessment.auditor,
        "status": assessment.status,
        "matched": result.matched,
        "provider_role": result.provider_role.name if result.provider_role else None,
        "client_role": result.client_role.name if result.client_role else None,
        "provider_role_label": _role(result.provider_role, lang),
        "client_role_label": _role(result.client_role, lang),
        "certain": result.certain,
        "open_questions": len(result.open_questions),
        "variants": [v.code for v in result.variants],
        "agreement_needed": review.needed,
        "agreement_needed_label": result.agreement.name.get(lang) if result.agreement else "",
        "agreement_necessity": review.necessity.value if review.necessity else None,
        "agreement_in_place": review.in_place,
        "agreement_in_place_label": (
            "" if not review.in_place
            else kb.overzicht.labels["no_agreement"].get(lang) if review.in_place == "geen"
            else kb.agreement(review.in_place).name.get(lang)),
        "agreement_fits": review.fits,
        "agreement_remarks": [r.text.get(lang) for r in review.remarks],
        "agreement_reviewed": (assessment.agreement.reviewed
                               if review.in_place == "verwerkersovereenkomst" else True),
        "agreement_points_missing": [
            p.number for p in kb.overeenkomsten.verwerkersovereenkomst_contents.points
            if p.id in review.points_missing],
        "data_kind": (assessment.checklist.get("risk_profile") or {}).get("data_kind"),
        "data_subjects": (assessment.checklist.get("risk_profile") or {}).get("data_subjects"),
        "signoff": signoff_view(assessment),
        "actions": [
            {"what": a.what, "owner": a.owner, "due": a.due.isoformat() if a.due else "",
             "status": a.status, "finding": a.finding or "",
             "overdue": a.due is not None and a.due < today and a.status != "gereed"}
            for a in assessment.actions],
        "security": None,
        "screening": screen(assessment).to_dict(),  # issue 11: stops, questions, DPIA outcome
        "actions_overdue": [
            {"what": a.what, "owner": a.owner, "due": a.due.isoformat(), "finding": a.finding}
            for a in assessment.actions
            if a.due is not None and a.due < today and a.status != "gereed"],
    }
    if assessment.checklist:
        checked = assess(assessment.checklist, actions=assessment.actions,
                         custom=custom).to_dict()
        overall = checked["scores"]["overall"]
        record["security"] = {
            "risk_level": checked["risk_level"],
            "verdict": checked["verdict"],
            "verdict_label": checked["verdict_label"][lang],
            "score": overall["score"],
            # the open questions the report lists (presentation.checklist_view: blocking only)
            "open": sum(1 for o in checked["open"] if o.get("blocking", True)),
            "verdict_reason": checked["verdict_rule"]["text"][lang],
            # measures answered: 0 means "niet ingevuld", never a score of 0 %
            "answered": overall["expected"] - overall["open"],
            "findings": [{"measure": f["measure"], "severity": f["severity"],
                          "text": f["text"][lang], "status": f["status"]}
                         for f in checked["findings"]],
        }
    record["agreement_state"] = agreement_state(record)
    return record


def signoff_view(assessment: Assessment) -> dict[str, str] | None:
    """Who approved the assessment, as plain strings; None while nobody signed it off.

    Read defensively: the sign-off is being added to the data model (issue 13) and may be a
    model, a dict or absent."""
    signoff = getattr(assessment, "signoff", None)
    if not signoff:
        return None
    data = signoff if isinstance(signoff, dict) else (
        signoff.model_dump(mode="json") if hasattr(signoff, "model_dump") else vars(signoff))

    def first(*keys: str) -> str:
        return next((str(data[k]) for k in keys if data.get(k) not in (None, "")), "")

    view = {"who": first("who", "name", "by", "approved_by", "signed_by"),
            "role": first("role", "function", "functie"),
            "date": first("date", "at", "when", "approved_at", "signed_at")[:10],
            "version": first("version", "versie")}
    return view if any(view.values()) else None
