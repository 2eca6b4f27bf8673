"""Lawfulness stops and the DPIA screening of one collaboration (issue 11).

    screen(assessment) -> Screening          findings (stop / question / note) and the DPIA outcome
    Screening.to_dict()                      JSON form, with counts per severity
    render_html(screening, lang) -> str      an escaped HTML fragment (report, overview, widget)
    render_text(screening, lang) -> str      for the terminal (`avgkit screen`)

The rules are data: knowledge/rechtmatigheid.yaml (the questions and the lawfulness rules, each
with its article) and knowledge/dpia.yaml (the AP's list, Stcrt. 2019, 64418; the nine WP248 rev.01
criteria; art. 35(3) AVG). Facts decide: a rule fires only on answered facts; an unanswered fact
leaves a question open, never a guessed conclusion. The facts are the screening answers on the
assessment, the classifier's answers (variant A: own_purposes_use) and the Bijlage 2 risk factor
`data_kind` of the checklist, which only indicates (it raises questions, never stops).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from avgkit.assessment import Assessment
from avgkit.classifier import FACT_KEYS
from avgkit.knowledge import load_knowledge
from avgkit.models import Role, Text, check_lang

SEVERITIES = ("stop", "question", "note")
OUTCOMES = ("required", "open", "recommended", "not_indicated")
COLOURS = {"stop": "#b00020", "question": "#b36b00", "note": "#0b5cad",
           "required": "#b00020", "open": "#b36b00", "recommended": "#b36b00",
           "not_indicated": "#1e7a3c"}
EXTRA_FACTS = ("data_kind",)  # from the checklist's risk profile (an indicator)


@dataclass(frozen=True)
class Finding:
    id: str
    severity: str  # stop | question | note
    text: Text
    action: Text | None
    citations: tuple[str, ...]
    asks_ground: bool  # the auditor can record a ground for it
    ground: str  # the ground recorded, "" if none

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "severity": self.severity, "text": self.text.to_dict(),
                "action": self.action.to_dict() if self.action else None,
                "citations": list(self.citations), "ground": self.ground}


@dataclass(frozen=True)
class DpiaHit:
    """An item of the AP's list, a case of art. 35(3) or a WP248 criterion, and how it stands."""

    id: str
    kind: str  # ap | art35 | criterion
    state: str  # applies | check | met | open
    name: Text
    description: Text | None
    summary: bool
    citations: tuple[str, ...]
    weighed: str = ""  # for a 'check': the auditor's recorded reasoning

    def label(self, lang: str) -> str:
        kb = load_knowledge()
        prefix = {"ap": f"{kb.rechtmatigheid.labels['ap_list'].get(lang)}",
                  "art35": kb.rechtmatigheid.labels["art35"].get(lang),
                  "criterion": kb.rechtmatigheid.labels["criterion"].get(lang)}[self.kind]
        return f"{prefix}: {self.name.get(lang)}"

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "state": self.state,
                "name": self.name.to_dict(),
                "description": self.description.to_dict() if self.description else None,
                "summary": self.summary, "citations": list(self.citations),
                "weighed": self.weighed}


@dataclass(frozen=True)
class DpiaResult:
    outcome: str  # required | open | recommended | not_indicated
    counted: tuple[DpiaHit, ...]  # what made it required / recommended
    to_check: tuple[DpiaHit, ...]  # items the facts point at but do not settle
    criteria_met: int
    criteria_open: int
    who: tuple[tuple[Text, tuple[str, ...]], ...]

    def to_dict(self) -> dict[str, Any]:
        dk = load_knowledge().dpia
        return {"outcome": self.outcome, "label": dk.outcomes[self.outcome].text.to_dict(),
                "criteria_met": self.criteria_met, "criteria_open": self.criteria_open,
                "counted": [h.to_dict() for h in self.counted],
                "to_check": [h.to_dict() for h in self.to_check],
                "who": [{"text": t.to_dict(), "citations": list(c)} for t, c in self.who]}


@dataclass(frozen=True)
class Screening:
    assessment_id: str
    findings: tuple[Finding, ...]
    dpia: DpiaResult
    unanswered: tuple[str, ...]  # fact ids asked but not answered

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for f in self.findings if f.severity == s) for s in SEVERITIES}

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.assessment_id, "counts": self.counts(),
                "findings": [f.to_dict() for f in self.findings],
                "dpia": self.dpia.to_dict(), "unanswered": list(self.unanswered)}


# --- facts ----------------------------------------------------------------------------------

def fact_ids() -> tuple[str, ...]:
    return tuple(f.id for f in load_knowledge().rechtmatigheid.facts)


def known_fact_names() -> set[str]:
    """Every name a rule may test: screening facts, classifier facts, the risk indicator."""
    return {*fact_ids(), *FACT_KEYS, *EXTRA_FACTS}


def facts_of(assessment: Assessment) -> dict[str, Any]:
    values: dict[str, Any] = dict(assessment.answers)
    profile = (assessment.checklist or {}).get("risk_profile") or {}
    values["data_kind"] = profile.get("data_kind") or None
    values.update(assessment.screening.facts)
    return values


def _holds(condition: dict[str, list], values: dict[str, Any]) -> bool:
    # `is` for booleans and None: 1 == True must not count as 'yes'.
    def one(value: Any, allowed: list) -> bool:
        if isinstance(value, bool) or value is None:
            return any(a is value for a in allowed)
        return value in allowed
    return all(one(values.get(k), allowed) for k, allowed in condition.items())


def asked(fact, values: dict[str, Any]) -> bool:
    """Whether a screening question applies (its only_if holds)."""
    return _holds(fact.only_if, values) if fact.only_if else True


# --- the screening ---------------------------------------------------------------------------

def screen(assessment: Assessment) -> Screening:
    kb = load_knowledge()
    values = facts_of(assessment)
    grounds = assessment.screening.grounds
    findings = []
    for rule in kb.rechtmatigheid.rules:
        if not _holds(rule.when, values):
            continue
        ground = grounds.get(rule.id, "") if rule.ground else ""
        severity = rule.answered_severity if ground else rule.severity
        findings.append(Finding(rule.id, severity, rule.text, rule.action if not ground else None,
                                tuple(rule.citations), rule.ground, ground))
    order = {s: i for i, s in enumerate(SEVERITIES)}
    findings.sort(key=lambda f: order[f.severity])  # most serious first (stable)
    unanswered = tuple(f.id for f in kb.rechtmatigheid.facts
                       if asked(f, values) and values.get(f.id) is None)
    return Screening(assessment.id, tuple(findings), _dpia(assessment, values), unanswered)


def _dpia(assessment: Assessment, values: dict[str, Any]) -> DpiaResult:
    dk = load_knowledge().dpia
    grounds = assessment.screening.grounds
    counted: list[DpiaHit] = []
    to_check: list[DpiaHit] = []

    def hit(item, kind: str, state: str, weighed: str = "") -> DpiaHit:
        return DpiaHit(item.id, kind, state, item.text, item.description, item.summary,
                       tuple(item.citations), weighed)

    for kind, group in (("art35", dk.art35), ("ap", dk.ap_list)):
        for item in group.items:
            sets = item.applies_when
            if any(all(values.get(f) is True for f in s) for s in sets):
                counted.append(hit(item, kind, "applies"))
                continue
            pointed = any(values.get(f) is True for f in item.ask_when_any)
            # With an applies_when, only a set that can still come true keeps it open.
            possible = not sets or any(all(values.get(f) is not False for f in s) for s in sets)
            if pointed and possible:
                to_check.append(hit(item, kind, "check", grounds.get(item.id, "")))
    met = open_ = 0
    for item in dk.criteria.items:
        states = [values.get(f) for f in item.facts_any]
        if any(v is True for v in states):
            met += 1
            counted.append(hit(item, "criterion", "met"))
        elif any(v is None for v in states):
            open_ += 1
    unsettled = [h for h in to_check if not h.weighed]
    if any(h.state == "applies" for h in counted) or met >= dk.threshold:
        outcome = "required"
    elif unsettled or met + open_ >= dk.threshold:
        outcome = "open"
    elif met == 1:
        outcome = "recommended"
    else:
        outcome = "not_indicated"
    return DpiaResult(outcome, tuple(counted), tuple(to_check), met, open_,
                      _who(assessment, values))


def _who(assessment: Assessment, values: dict[str, Any]) -> tuple[tuple[Text, tuple[str, ...]],
                                                                     ...]:
    kb = load_knowledge()
    dk, parties = kb.dpia, kb.begrippen.parties
    result = assessment.classification()
    names = {"client": assessment.corporation or None, "provider": assessment.contractor or None}

    def party(key: str) -> Text:
        name = names[key]
        return Text(nl=name, en=name) if name else parties[key]

    def joined(keys: list[str]) -> Text:
        items = [party(k) for k in keys]
        return Text(nl=", ".join(t.nl for t in items), en=", ".join(t.en for t in items))

    roles = {"client": result.client_role, "provider": result.provider_role}
    if roles["provider"] is None:
        return ((dk.who["unknown"].text, tuple(dk.who["unknown"].citations)),)
    out = []
    joint = [k for k, r in roles.items() if r is Role.JOINT_CONTROLLER]
    controllers = [k for k, r in roles.items() if r is Role.CONTROLLER]
    if values.get("own_purposes_use") is True and "provider" not in controllers + joint:
        controllers.append("provider")  # variant A: controller of its own use
    processors = [k for k, r in roles.items() if r is Role.PROCESSOR and k not in controllers]
    if joint:
        w = dk.who["joint"]
        out.append((w.text.format(parties=joined(joint)), tuple(w.citations)))
    if controllers:
        w = dk.who["controller"]
        out.append((w.text.format(parties=joined(controllers)), tuple(w.citations)))
    if processors:
        w = dk.who["processor"]
        out.append((w.text.format(parties=joined(processors)), tuple(w.citations)))
    if not out:
        w = dk.who["unknown"]
        out.append((w.text, tuple(w.citations)))
    return tuple(out)


# --- presentation ----------------------------------------------------------------------------

def _l(key: str, lang: str) -> str:
    return load_knowledge().rechtmatigheid.labels[key].get(lang)


def summary_text(screening: Screening | dict[str, Any], lang: str = "nl") -> str:
    """One line: '1 stop(s), 2 vraag/vragen · DPIA verplicht' (for the overview's column)."""
    data = screening.to_dict() if isinstance(screening, Screening) else screening
    counts = data["counts"]
    dpia = load_knowledge().dpia.outcomes[data["dpia"]["outcome"]].text.get(lang)
    return f"{_l('counts', lang).format(stop=counts['stop'], question=counts['question'])} · {dpia}"


def stop_problems(screening: Screening, lang: str = "nl") -> list[dict[str, Any]]:
    """The stops as findings of the report ('what is missing or wrong'), severity hoog."""
    prefix = f"{_l('title', lang)} – {_l('stop', lang)}"
    return [{"severity": "hoog", "text": f"{prefix}: {f.text.get(lang)}",
             "citations": list(f.citations)}
            for f in screening.findings if f.severity == "stop"]


def render_html(screening: Screening, lang: str = "nl", heading: bool = True) -> str:
    """The screening as an HTML fragment: stops and questions first, then the DPIA outcome with
    what counted, what is still to check and who carries it out. Every text escaped."""
    check_lang(lang)
    kb = load_knowledge()
    dk = kb.dpia
    e = html.escape

    def cites(citations) -> str:
        return f' <span class="cite">{e("; ".join(citations))}</span>' if citations else ""

    parts = ['<div class="avgkit-screening">']
    if heading:
        parts.append(f"<h2>{e(_l('title', lang))}</h2>")
    parts.append(f'<p class="muted small">{e(kb.rechtmatigheid.note.get(lang))}</p>')
    parts.append(f"<h3>{e(_l('lawfulness', lang))}</h3>")
    if screening.findings:
        parts.append('<ul class="screening-findings">')
        for f in screening.findings:
            action = (f"<br><b>{e(_l('action', lang))}:</b> {e(f.action.get(lang))}"
                      if f.action else "")
            ground = (f"<br><b>{e(_l('ground', lang))}:</b> {e(f.ground)}" if f.ground else "")
            parts.append(f'<li class="severity-{e(f.severity)}" style="border-left:4px solid '
                         f'{COLOURS[f.severity]};padding-left:6px;margin-bottom:4px">'
                         f"<b>{e(_l(f.severity, lang))}:</b> {e(f.text.get(lang))}"
                         f"{cites(f.citations)}{action}{ground}</li>")
        parts.append("</ul>")
    else:
        parts.append(f'<p>{e(_l("no_findings", lang))}</p>')
    if screening.unanswered:
        parts.append(f'<p class="muted">'
                     f'{e(_l("unanswered", lang).format(count=len(screening.unanswered)))}</p>')
    d = screening.dpia
    outcome = dk.outcomes[d.outcome]
    parts.append(f"<h3>{e(_l('dpia', lang))}</h3>")
    parts.append(f'<p class="dpia-outcome dpia-{e(d.outcome)}" style="border-left:4px solid '
                 f'{COLOURS[d.outcome]};padding-left:6px"><b>{e(outcome.text.get(lang))}</b>'
                 f" — {e(outcome.explanation.get(lang)) if outcome.explanation else ''}"
                 f"{cites(outcome.citations)}</p>")
    met = _l("criteria_met", lang).format(met=d.criteria_met, open=d.criteria_open)
    parts.append(f"<p>{e(met)}</p>")
    for title, hits in ((_l("dpia_counted", lang), d.counted),
                        (_l("dpia_open", lang), d.to_check)):
        if not hits:
            continue
        parts.append(f"<p><b>{e(title)}</b></p><ul>")
        for h in hits:
            desc = (f"<br><span class=\"muted small\">{e(h.description.get(lang))} "
                    f"{e(_l('summary_note', lang)) if h.summary else ''}</span>"
                    if h.description else "")
            weighed = f"<br><b>{e(_l('ground', lang))}:</b> {e(h.weighed)}" if h.weighed else ""
            parts.append(f"<li>{e(h.label(lang))}{cites(h.citations)}{desc}{weighed}</li>")
        parts.append("</ul>")
    parts.append(f"<p><b>{e(_l('dpia_who', lang))}:</b> "
                 + " ".join(f"{e(t.get(lang))}{cites(c)}" for t, c in d.who) + "</p>")
    parts.append("</div>")
    return "".join(parts)


def render_text(screening: Screening, lang: str = "nl") -> str:
    kb = load_knowledge()
    lines = [f"{_l('title', lang)}: {screening.assessment_id}"]
    if not screening.findings:
        lines.append(f"  {_l('no_findings', lang)}")
    for f in screening.findings:
        lines.append(f"  [{_l(f.severity, lang).upper()}] {f.text.get(lang)}")
        lines.append(f"      ({'; '.join(f.citations)})")
        if f.action:
            lines.append(f"      {_l('action', lang)}: {f.action.get(lang)}")
        if f.ground:
            lines.append(f"      {_l('ground', lang)}: {f.ground}")
    if screening.unanswered:
        lines.append(f"  {_l('unanswered', lang).format(count=len(screening.unanswered))} "
                     f"({', '.join(screening.unanswered)})")
    d = screening.dpia
    lines.append(f"  {_l('dpia_outcome', lang)}: {kb.dpia.outcomes[d.outcome].text.get(lang)}")
    met = _l("criteria_met", lang).format(met=d.criteria_met, open=d.criteria_open)
    lines.append(f"      {met}")
    for title, hits in ((_l("dpia_counted", lang), d.counted),
                        (_l("dpia_open", lang), d.to_check)):
        for h in hits:
            lines.append(f"      {title}: {h.label(lang)} ({'; '.join(h.citations)})")
    for t, c in d.who:
        lines.append(f"      {t.get(lang)} ({'; '.join(c)})")
    return "\n".join(lines)
