"""What comes first in the management overview (issue 12): a tier and an exposure per
collaboration, and the one line of what to do first.

The order is data (knowledge/overzicht.yaml, `priority`) and OUR judgement, never a legal
conclusion: tier first (a required agreement missing or of the wrong kind before everything else),
then, within a tier, kind of data × number of data subjects × security verdict × (1 + overdue
actions). Pure functions over the flat summary of avgkit.batch.summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from avgkit.knowledge import load_knowledge

TIERS = ("verplicht", "ernstig", "aandacht", "in-orde")
# One colour scale for every page: the CSS classes sev-hoog (red), sev-midden (amber),
# sev-laag (green) and sev-open (grey, not yet known).
TIER_SEVERITY = {"verplicht": "hoog", "ernstig": "hoog", "aandacht": "midden", "in-orde": "laag"}
SEVERITY_RANK = {"hoog": 0, "midden": 1, "open": 2, "laag": 3}

# Agreement states, the same words in the overview, the spreadsheet and the report.
AGREEMENT_STATES = ("verplicht-ontbreekt", "verplicht-verkeerd", "verplicht-onvolledig",
                    "aanbevolen-ontbreekt", "onbekend", "in-orde", "niet-nodig")
AGREEMENT_SEVERITY = {"verplicht-ontbreekt": "hoog", "verplicht-verkeerd": "hoog",
                      "verplicht-onvolledig": "hoog", "aanbevolen-ontbreekt": "midden",
                      "onbekend": "open", "in-orde": "laag", "niet-nodig": "laag"}


def agreement_state(summary: dict[str, Any]) -> str:
    """Required and recommended kept apart; a required agreement not recorded is missing."""
    necessity = summary.get("agreement_necessity")
    fits = summary.get("agreement_fits")
    in_place = summary.get("agreement_in_place")
    if necessity is None:
        return "onbekend"  # roles not yet established: nothing to compare with
    if necessity == "none":
        return "niet-nodig" if in_place in (None, "geen") else (
            "in-orde" if fits else "aanbevolen-ontbreekt")
    if necessity == "required":
        if not fits:
            return "verplicht-ontbreekt" if in_place in (None, "geen") else "verplicht-verkeerd"
        if summary.get("agreement_points_missing") or not summary.get("agreement_reviewed", True):
            return "verplicht-onvolledig"
        return "in-orde"
    # recommended
    return "in-orde" if fits else "aanbevolen-ontbreekt"


@dataclass
class Priority:
    tier: str
    exposure: float
    severity: str
    first: str  # what to do first, one line
    problems: list[str] = field(default_factory=list)  # stable problem keys, for the history

    @property
    def rank(self) -> tuple[int, float]:
        return TIERS.index(self.tier), -self.exposure

    def to_dict(self) -> dict[str, Any]:
        return {"tier": self.tier, "exposure": self.exposure, "severity": self.severity,
                "first": self.first, "problems": list(self.problems)}


def _subjects_weight(count: Any, weights) -> float:
    if count in (None, ""):
        return weights.data_subjects_unknown
    try:
        n = int(count)
    except (TypeError, ValueError):
        return weights.data_subjects_unknown
    bounds = sorted((int(k), v) for k, v in weights.data_subjects.items())
    for bound, weight in bounds:
        if n <= bound:
            return weight
    return bounds[-1][1] + 1


def exposure(summary: dict[str, Any]) -> float:
    w = load_knowledge().overzicht.priority.weights
    sec = summary.get("security") or {}
    data = w.data_kind.get(summary.get("data_kind") or "onbekend", w.data_kind["onbekend"])
    verdict = w.verdict.get(sec.get("verdict") or "onbekend", w.verdict["onbekend"])
    overdue = len(summary.get("actions_overdue") or [])
    return float(data * _subjects_weight(summary.get("data_subjects"), w) * verdict
                 * (1 + overdue))


def prioritise(record: dict[str, Any], lang: str = "nl") -> Priority:
    """The tier, exposure and first action of one batch record (ok or failed)."""
    spec = load_knowledge().overzicht.priority
    say = {k: v.get(lang) for k, v in spec.actions.items()}
    s = record.get("summary")
    if not s:
        return Priority("ernstig", 0.0, "hoog", say["failed"], ["mislukt"])
    state = s.get("agreement_state") or agreement_state(s)
    sec = s.get("security") or {}
    verdict = sec.get("verdict")
    top = next(iter(sec.get("findings") or []), None)
    steps: list[tuple[str, str, str]] = []  # (tier, problem key, text)
    needed = s.get("agreement_needed_label", "")
    if state == "verplicht-ontbreekt":
        steps.append(("verplicht", state, say["required_missing"].format(needed=needed)))
    elif state == "verplicht-verkeerd":
        steps.append(("verplicht", state, say["required_wrong"].format(
            needed=needed, in_place=s.get("agreement_in_place_label", ""))))
    if record.get("status") not in (None, "ok"):
        steps.append(("ernstig", "mislukt", say["failed"]))
    if state == "verplicht-onvolledig" and s.get("agreement_points_missing"):
        steps.append(("ernstig", "punten-ontbreken", say["required_points"].format(
            needed=needed, numbers=", ".join(map(str, s["agreement_points_missing"])))))
    for stop in [f for f in (s.get("screening") or {}).get("findings", [])
                 if f.get("severity") == "stop"]:  # issue 11: a lawfulness stop (e.g. the BSN)
        steps.append(("ernstig", f"rechtmatigheid-stop:{stop['id']}", say["screening_stop"].format(
            text=(stop.get("action") or stop["text"]).get(lang, ""))))
    for action in s.get("actions_overdue") or []:
        steps.append(("ernstig", f"over-datum:{action.get('what', '')}", say["overdue"].format(
            what=action.get("what", ""), owner=action.get("owner") or "–",
            due=action.get("due", ""))))
    if verdict == "onvoldoende":
        steps.append(("ernstig", "beveiliging-onvoldoende", say["security_bad"].format(
            measure=(top or {}).get("measure", ""), text=(top or {}).get("text", ""))))
    if state == "verplicht-onvolledig" and not s.get("agreement_points_missing"):
        steps.append(("aandacht", "niet-getoetst", say["not_reviewed"]))
    if s.get("open_questions") and not s.get("certain", True):
        steps.append(("aandacht", "rollen-open", say["roles_open"].format(
            count=s["open_questions"])))
    if state == "aanbevolen-ontbreekt":
        steps.append(("aandacht", state, say["recommended_missing"].format(needed=needed)))
    if verdict == "aandacht nodig":
        steps.append(("aandacht", "beveiliging-aandacht", say["security_attention"].format(
            measure=top["measure"], text=top["text"]) if top else
            say["security_open"].format(reason=sec.get("verdict_reason", ""))))
    if not sec and s.get("provider_role") not in (None, "none") and state != "niet-nodig":
        steps.append(("aandacht", "checklist-ontbreekt", say["checklist_missing"]))
    if not steps:
        return Priority("in-orde", exposure(s), "laag", say["none"], [])
    steps.sort(key=lambda step: TIERS.index(step[0]))  # stable: the order above within a tier
    tier = steps[0][0]
    return Priority(tier, exposure(s), TIER_SEVERITY[tier], steps[0][2],
                    [key for _, key, _ in steps])


def ordered(records: list[dict[str, Any]], lang: str = "nl") -> list[tuple[dict, Priority]]:
    """Records with their priority, most urgent first (ties: by id, for a stable page)."""
    pairs = [(r, prioritise(r, lang)) for r in records]
    return sorted(pairs, key=lambda p: (*p[1].rank, p[0]["id"]))
