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
            "open": len(checked["open"]),
            "findings": [{"measure": f["measure"], "severity": f["severity"],
                          "text": f["text"][lang], "status": f["status"]}
                         for f in checked["findings"]],
        }
    return record
