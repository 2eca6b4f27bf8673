"""The Bijlage 2 security checklist: risk level, expected measures, score, findings, verdict.

The measures, risk factors and every rule are data in knowledge/beveiliging.yaml (thresholds,
levels, severities and verdict rules are our judgement, marked `ours` there); an organisation's
own measures come from a data file (see data/eigen-maatregelen.yaml). This module only applies
them. All functions are pure: nothing is read but the knowledge files and the custom file given.

    load_measures(custom=None) -> tuple[Measure, ...]     # source measures + the custom file's
    risk_level(risk_profile) -> RiskOutcome                # just the level, for a widget
    normalise_checklist(checklist, custom=None) -> dict    # validated canonical checklist JSON
    assess(checklist, actions=(), custom=None) -> ChecklistResult   # .to_dict() is JSON

`custom` is a path to a custom measures file, its parsed content (a mapping), or measures already
loaded with load_measures. A broken custom file raises KnowledgeError naming the file and the key;
a bad checklist raises ValueError naming the measure id or profile key and what was expected.

Checklist JSON form (the value of Assessment.checklist; every key optional, {} is an empty list):

    {"risk_profile": {"data_kind": "normaal"|"bijzonder"|"gevoelig"|null,
                      "data_subjects": int|null,
                      "purpose": str,        # free text; a leading option value counts in the
                      "retention": str,      # rules, e.g. "na-opdracht: 7 jaar (fiscaal)"
                      "organisation_size": "klein"|"middelgroot"|"groot"|null},
     "answers": {"<measure id>": {"status": "aanwezig"|"gedeeltelijk"|"afwezig"|"nvt"|null,
                                  "note": str, "evidence": str,
                                  "reason": str,          # required (non-empty) when status nvt
                                  "answered_by": str, "answered_at": "ISO-8601"}}}

  An answer without a status (or null) is open: never counted as in order.

Result JSON form (ChecklistResult.to_dict(); `schema` changes when this form changes). Texts are
{"nl": ..., "en": ...}; "ours": true marks our judgement rather than the source's.

    {"schema": "avgkit.checklist.result/1",
     "risk_profile": {...the normalised profile...},
     "risk_level": "laag"|"midden"|"hoog", "risk_level_label": text,
     "risk_provisional": bool,                     # a factor is missing or not classified
     "risk_rule": rule,                            # the rule that decided the level
     "risk_rules_fired": [rule, ...],              # every rule that fired, in order
        # rule: {"id", "factor"|null, "effect": "min_level"|"raise", "target": level|int,
        #        "level_before", "level_after", "changed": bool, "text", "quotes": [{"nl","en",
        #        "source"}], "citations": [...], "ours": bool}
     "expected": ["tm-01", ...],                   # measure ids expected at this level
     "measures": [{"id", "category", "custom": bool, "text", "expected": bool, "expected_from",
                   "status": "aanwezig"|"gedeeltelijk"|"afwezig"|"nvt"|"open", "status_label",
                   "note", "evidence", "reason", "answered_by", "answered_at",
                   "iso27002": [{"control": "8.7", "title": text|null}], "evidence_hint": text,
                   "citations": [...], "remark": text|null, "actions": [action, ...]}, ...],
     "scores": {"technisch"|"organisatorisch"|"overall":
                {"expected", "nvt", "applicable", "aanwezig", "gedeeltelijk", "afwezig", "open",
                 "points", "score": 0..1|null, "max_score": 0..1|null}},
        # score = points / applicable (open counts 0); max_score = if every open one were aanwezig
     "findings": [{"measure", "category", "custom", "text", "status", "severity": level,
                   "severity_label", "severity_rule": {"id", "text", "ours"}, "expected_from",
                   "note", "evidence", "answered_by", "answered_at", "actions": [...]}, ...],
        # gaps (expected, gedeeltelijk or afwezig), most severe first, then in checklist order
     "open": [{"kind": "factor_missing"|"factor_unclassified"|"measure", "id", "text",
               "blocking": bool, "value"?, "category"?, "measure_text"?, "actions"?}, ...],
        # blocking: the item holds the verdict back (oordeel-open-punten). Missing factors and
        # open measures always do; a purpose or retention in free text only when choosing one
        # of the kinds could change the verdict.
     "verdict": "voldoende"|"aandacht nodig"|"onvoldoende", "verdict_label": text,
     "verdict_rule": {"id", "text", "quotes", "citations", "ours"},
     "notes": {"ours": text, "iso27002": text}}
        # action: Assessment.actions item with finding == the measure id, as JSON
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from avgkit.assessment import Action
from avgkit.knowledge import KnowledgeError, load_file, load_knowledge
from avgkit.knowledge.schema import LEVEL_ORDER, EigenMaatregelen
from avgkit.models import Text

RESULT_SCHEMA = "avgkit.checklist.result/1"
STATUSES = ("aanwezig", "gedeeltelijk", "afwezig", "nvt")
GAP_STATUSES = ("gedeeltelijk", "afwezig")
ANSWER_KEYS = ("status", "note", "evidence", "reason", "answered_by", "answered_at")
PROFILE_KEYS = ("data_kind", "data_subjects", "purpose", "retention", "organisation_size")
CHECKLIST_KEYS = ("risk_profile", "answers")
CATEGORIES = ("technisch", "organisatorisch")
LEVELS = LEVEL_ORDER
STATUS_ALIASES = {"n.v.t.": "nvt", "n.v.t": "nvt", "niet van toepassing": "nvt"}


def _kb():
    return load_knowledge().beveiliging


def kb_path() -> Path:
    return load_knowledge().folder / "beveiliging.yaml"


def _rank(level: str) -> int:
    return LEVELS.index(level)


# --- measures -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Measure:
    """One measure of the checklist: from the source (tm-/om-) or the organisation's own."""

    id: str
    category: str
    text: Text
    evidence: Text  # what counts as evidence (ours)
    expected_from: str  # the lowest risk level at which it is expected (ours)
    iso27002: tuple[str, ...] = ()  # our mapping to ISO/IEC 27002:2022
    citations: tuple[str, ...] = ()
    remark: Text | None = None
    custom: bool = False

    def expected_at(self, level: str) -> bool:
        return _rank(self.expected_from) <= _rank(level)

    def iso_dict(self) -> list[dict[str, Any]]:
        titles = _kb().iso27002_controls
        return [{"control": ref, "title": titles[ref].to_dict() if ref in titles else None}
                for ref in self.iso27002]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "category": self.category, "custom": self.custom,
                "text": self.text.to_dict(), "expected_from": self.expected_from,
                "iso27002": self.iso_dict(), "evidence_hint": self.evidence.to_dict(),
                "citations": list(self.citations),
                "remark": self.remark.to_dict() if self.remark else None}


def _measure(item, custom: bool) -> Measure:
    return Measure(id=item.id, category=item.category, text=item.text, evidence=item.evidence,
                   expected_from=item.expected_from, iso27002=tuple(item.iso27002),
                   citations=tuple(item.citations), remark=item.note, custom=custom)


def load_custom(custom: str | Path | Mapping | EigenMaatregelen) -> EigenMaatregelen:
    """An organisation's own measures, validated; KnowledgeError names the file and the key."""
    if isinstance(custom, EigenMaatregelen):
        return custom
    if isinstance(custom, Mapping):
        try:
            return EigenMaatregelen.model_validate(dict(custom))
        except ValidationError as exc:
            err = exc.errors()[0]
            key = ".".join(str(p) for p in err["loc"]) or "<root>"
            raise KnowledgeError(Path("<eigen maatregelen>"), key, err["msg"]) from None
    return load_file(Path(custom), EigenMaatregelen)


def load_measures(custom: str | Path | Mapping | Iterable[Measure] | None = None
                  ) -> tuple[Measure, ...]:
    """The 15 measures of the source, plus an organisation's own; per category, the source's
    first, in their order."""
    if custom is not None and not isinstance(custom, (str, Path, Mapping, EigenMaatregelen)):
        measures = tuple(custom)
        if not all(isinstance(m, Measure) for m in measures):
            raise TypeError("custom must be a path, a mapping or measures from load_measures")
        return measures
    items = [_measure(m, custom=False) for m in _kb().measures]
    if custom is not None:
        items += [_measure(m, custom=True) for m in load_custom(custom).measures]
    return tuple(sorted(items, key=lambda m: CATEGORIES.index(m.category)))  # stable sort


# --- validating a checklist -----------------------------------------------------------------

def _text_value(where: str, value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{where}: expected text, got {value!r}")
    return value.strip()


def _timestamp(where: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, str):
        try:
            dt.datetime.fromisoformat(value.strip())
        except ValueError:
            pass
        else:
            return value.strip()
    raise ValueError(f"{where}: expected an ISO-8601 date and time "
                     f"(e.g. 2024-05-01T14:30:00), got {value!r}")


def _answer(mid: str, raw: Any) -> dict[str, Any]:
    where = f"checklist answers[{mid!r}]"
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where}: expected a mapping with {', '.join(ANSWER_KEYS)}, "
                         f"got {raw!r}")
    unknown = sorted(set(raw) - set(ANSWER_KEYS), key=str)
    if unknown:
        raise ValueError(f"{where}: unknown key {unknown[0]!r}; allowed: {', '.join(ANSWER_KEYS)}")
    status = raw.get("status")
    if isinstance(status, str):
        status = status.strip().lower()
        status = STATUS_ALIASES.get(status, status) or None
    if status is not None and status not in STATUSES:
        raise ValueError(f"{where}.status: expected one of {', '.join(STATUSES)} "
                         f"(or empty for not answered), got {raw.get('status')!r}")
    answer = {"status": status}
    for key in ("note", "evidence", "reason", "answered_by"):
        answer[key] = _text_value(f"{where}.{key}", raw.get(key))
    answer["answered_at"] = _timestamp(f"{where}.answered_at", raw.get("answered_at"))
    if status == "nvt" and not answer["reason"]:
        raise ValueError(f"{where}: status nvt (niet van toepassing) needs a reason")
    return answer


def _profile(raw: Any) -> dict[str, Any]:
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise ValueError(f"checklist risk_profile: expected a mapping, got {raw!r}")
    unknown = sorted(set(raw) - set(PROFILE_KEYS), key=str)
    if unknown:
        raise ValueError(f"checklist risk_profile: unknown key {unknown[0]!r}; "
                         f"allowed: {', '.join(PROFILE_KEYS)}")
    factors = {f.key: f for f in _kb().factors}
    profile: dict[str, Any] = {}
    for key in PROFILE_KEYS:
        value, factor, where = raw.get(key), factors[key], f"checklist risk_profile.{key}"
        if factor.kind == "count":
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or value < 0):
                raise ValueError(f"{where}: expected a whole number of 0 or more (or empty), "
                                 f"got {value!r}")
        elif factor.kind == "choice":
            if isinstance(value, str):
                value = value.strip().lower() or None
            allowed = [o.value for o in factor.options]
            if value is not None and value not in allowed:
                raise ValueError(f"{where}: expected one of {', '.join(allowed)} (or empty), "
                                 f"got {raw.get(key)!r}")
        else:
            value = _text_value(where, value)
        profile[key] = value
    return profile


def normalise_checklist(checklist: Mapping | None,
                        custom: str | Path | Mapping | Iterable[Measure] | None = None
                        ) -> dict[str, Any]:
    """The checklist validated and in canonical form (every profile key; answers in checklist
    order, each with every answer key). ValueError names what is wrong and what is expected."""
    measures = load_measures(custom)
    checklist = {} if checklist is None else checklist
    if not isinstance(checklist, Mapping):
        raise ValueError(f"checklist: expected a mapping with {' and '.join(CHECKLIST_KEYS)}, "
                         f"got {checklist!r}")
    unknown = sorted(set(checklist) - set(CHECKLIST_KEYS), key=str)
    if unknown:
        raise ValueError(f"checklist: unknown key {unknown[0]!r}; "
                         f"allowed: {', '.join(CHECKLIST_KEYS)}")
    raw_answers = checklist.get("answers") or {}
    if not isinstance(raw_answers, Mapping):
        raise ValueError(f"checklist answers: expected a mapping of measure id to answer, "
                         f"got {raw_answers!r}")
    known = {m.id for m in measures}
    for mid in raw_answers:
        if mid not in known:
            hint = (" (an organisation's own measure: pass its measures file as custom)"
                    if isinstance(mid, str) and mid.startswith("eigen-") else "")
            raise ValueError(f"checklist answers: unknown measure id {mid!r}{hint}; known ids: "
                             f"{', '.join(m.id for m in measures)}")
    answers = {m.id: _answer(m.id, raw_answers[m.id]) for m in measures if m.id in raw_answers}
    return {"risk_profile": _profile(checklist.get("risk_profile")), "answers": answers}


# --- the risk level -------------------------------------------------------------------------

@dataclass(frozen=True)
class FiredRule:
    id: str
    factor: str | None
    effect: str  # "min_level" or "raise"
    target: str | int
    level_before: str
    level_after: str
    text: Text
    quotes: tuple[tuple[Text, str], ...]
    citations: tuple[str, ...]
    ours: bool

    @property
    def changed(self) -> bool:
        return self.level_before != self.level_after

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "factor": self.factor, "effect": self.effect, "target": self.target,
                "level_before": self.level_before, "level_after": self.level_after,
                "changed": self.changed, "text": self.text.to_dict(),
                "quotes": [{**q.to_dict(), "source": src} for q, src in self.quotes],
                "citations": list(self.citations), "ours": self.ours}


@dataclass(frozen=True)
class RiskOutcome:
    level: str
    rule: FiredRule  # the rule that decided the level (the last that changed it)
    fired: tuple[FiredRule, ...]
    missing: tuple[str, ...]  # factors not filled in
    unclassified: tuple[str, ...]  # text factors described without one of the listed kinds

    @property
    def provisional(self) -> bool:
        return bool(self.missing or self.unclassified)


def factor_code(key: str, value: Any) -> str | None:
    """The option value a text factor's description starts with ("na-opdracht: 7 jaar" ->
    "na-opdracht"), or None if it names none of the options."""
    factor = next(f for f in _kb().factors if f.key == key)
    if not isinstance(value, str):
        return None
    code = value.split(":", 1)[0].strip().lower()
    return code if code in {o.value for o in factor.options} else None


def _matches(cond, profile: Mapping[str, Any]) -> bool:
    if cond is None:
        return True
    value = profile.get(cond.factor)
    if value is None or value == "":
        return False
    if cond.at_least is not None:
        return value >= cond.at_least
    if cond.factor in ("purpose", "retention"):
        value = factor_code(cond.factor, value)
    return value in cond.values


def risk_level(risk_profile: Mapping[str, Any] | None) -> RiskOutcome:
    """Apply the risk rules in their order: min_level lifts to at least that level, raise lifts
    by steps (at most to the highest). The decisive rule is the last one that changed the level."""
    kb = _kb()
    profile = _profile(risk_profile)
    level, fired, decisive = LEVELS[0], [], None
    for rule in kb.risk_rules:
        if not _matches(rule.when, profile):
            continue
        before = level
        if rule.min_level is not None:
            effect, target = "min_level", rule.min_level
            level = LEVELS[max(_rank(level), _rank(rule.min_level))]
        else:
            effect, target = "raise", rule.raise_by
            level = LEVELS[min(_rank(level) + rule.raise_by, len(LEVELS) - 1)]
        item = FiredRule(id=rule.id, factor=rule.when.factor if rule.when else None,
                         effect=effect, target=target, level_before=before, level_after=level,
                         text=rule.text,
                         quotes=tuple((kb.quotes[q].text, kb.quotes[q].source)
                                      for q in rule.quotes),
                         citations=tuple(rule.citations), ours=rule.ours)
        fired.append(item)
        if decisive is None or item.changed:
            decisive = item
    if decisive is None:  # the knowledge file has no unconditional base rule
        raise KnowledgeError(kb_path(), "risk_rules", "no rule fired: add an unconditional "
                             "first rule (min_level: laag)")
    missing = tuple(k for k in PROFILE_KEYS if profile[k] is None or profile[k] == "")
    unclassified = tuple(k for k in ("purpose", "retention")
                         if profile[k] and factor_code(k, profile[k]) is None)
    return RiskOutcome(level=level, rule=decisive, fired=tuple(fired), missing=missing,
                       unclassified=unclassified)


# --- assessing ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Score:
    expected: int = 0
    nvt: int = 0
    aanwezig: int = 0
    gedeeltelijk: int = 0
    afwezig: int = 0
    open: int = 0
    points: float = 0.0
    max_points_open: float = 1.0  # what one open measure could still earn

    @property
    def applicable(self) -> int:
        return self.expected - self.nvt

    @property
    def score(self) -> float | None:
        return round(self.points / self.applicable, 4) if self.applicable else None

    @property
    def max_score(self) -> float | None:
        if not self.applicable:
            return None
        return round((self.points + self.open * self.max_points_open) / self.applicable, 4)

    def to_dict(self) -> dict[str, Any]:
        return {"expected": self.expected, "nvt": self.nvt, "applicable": self.applicable,
                "aanwezig": self.aanwezig, "gedeeltelijk": self.gedeeltelijk,
                "afwezig": self.afwezig, "open": self.open, "points": round(self.points, 4),
                "score": self.score, "max_score": self.max_score}


def _score(entries: list[dict[str, Any]]) -> Score:
    statuses = _kb().statuses
    counts = dict.fromkeys(("nvt", "aanwezig", "gedeeltelijk", "afwezig", "open"), 0)
    points = 0.0
    for e in entries:
        counts[e["status"]] += 1
        if e["status"] != "nvt":
            points += statuses[e["status"]].points
    return Score(expected=len(entries), points=points,
                 max_points_open=statuses["aanwezig"].points, **counts)


def _severity(status: str, level: str, measure: Measure):
    for rule in _kb().severity_rules:
        w = rule.when
        if (status in w.status and (w.risk_level is None or level in w.risk_level)
                and (w.expected_from is None or measure.expected_from in w.expected_from)):
            return rule
    raise AssertionError("the schema guarantees a rule for every gap status")


def _actions(actions: Iterable[Any]) -> dict[str, list[dict[str, Any]]]:
    by_finding: dict[str, list[dict[str, Any]]] = {}
    for i, action in enumerate(actions or ()):
        try:
            item = action if isinstance(action, Action) else Action.model_validate(action)
        except ValidationError as exc:
            err = exc.errors()[0]
            key = ".".join(str(p) for p in err["loc"])
            raise ValueError(f"actions[{i}].{key}: {err['msg']}") from None
        if item.finding:
            by_finding.setdefault(item.finding, []).append(item.model_dump(mode="json"))
    return by_finding


def _verdict_applies(cond, findings: list, open_items: list, overall: Score) -> bool:
    if cond is None:
        return True
    if cond.finding_severity is not None:
        return any(_rank(f["severity"]) >= _rank(cond.finding_severity) for f in findings)
    if cond.max_score_below is not None:
        return overall.max_score is not None and overall.max_score < cond.max_score_below
    if cond.open_items:
        return bool(open_items)
    return bool(findings)


@dataclass(frozen=True)
class ChecklistResult:
    risk_profile: dict[str, Any]
    risk: RiskOutcome
    measures: tuple[dict[str, Any], ...]
    scores: dict[str, Score]
    findings: tuple[dict[str, Any], ...]
    open_items: tuple[dict[str, Any], ...]
    verdict: str
    verdict_rule: Any  # schema.VerdictRule

    @property
    def risk_level(self) -> str:
        return self.risk.level

    @property
    def expected(self) -> tuple[str, ...]:
        return tuple(m["id"] for m in self.measures if m["expected"])

    def to_dict(self) -> dict[str, Any]:
        kb = _kb()
        rule = self.verdict_rule
        return {
            "schema": RESULT_SCHEMA,
            "risk_profile": dict(self.risk_profile),
            "risk_level": self.risk.level,
            "risk_level_label": kb.levels[self.risk.level].label.to_dict(),
            "risk_provisional": self.risk.provisional,
            "risk_rule": self.risk.rule.to_dict(),
            "risk_rules_fired": [r.to_dict() for r in self.risk.fired],
            "expected": list(self.expected),
            "measures": [dict(m) for m in self.measures],
            "scores": {k: s.to_dict() for k, s in self.scores.items()},
            "findings": [dict(f) for f in self.findings],
            "open": [dict(o) for o in self.open_items],
            "verdict": self.verdict,
            "verdict_label": kb.verdicts[self.verdict].to_dict(),
            "verdict_rule": {"id": rule.id, "text": rule.text.to_dict(),
                             "quotes": [{**kb.quotes[q].text.to_dict(),
                                         "source": kb.quotes[q].source} for q in rule.quotes],
                             "citations": list(rule.citations), "ours": rule.ours},
            "notes": {"ours": kb.ours_note.to_dict(), "iso27002": kb.iso_note.to_dict()},
        }


def assess(checklist: Mapping | None, actions: Iterable[Any] = (),
           custom: str | Path | Mapping | Iterable[Measure] | None = None) -> ChecklistResult:
    """Judge one checklist: the risk level and the rule that decided it, the measures expected at
    that level, scores per category and overall, the gaps as findings (most severe first, with
    their actions), open items, and the verdict with the rule that produced it."""
    kb = _kb()
    measures = load_measures(custom)
    clean = normalise_checklist(checklist, measures)
    risk = risk_level(clean["risk_profile"])
    by_finding = _actions(actions)
    factor_names = {f.key: f.name for f in kb.factors}

    judged = _judge(risk.level, measures, clean["answers"], by_finding)
    entries, findings_sorted, measure_open, scores = judged
    missing = [{"kind": "factor_missing", "id": k, "blocking": True,
                "text": kb.open_texts.factor_missing.format(factor=factor_names[k]).to_dict()}
               for k in risk.missing]
    # A purpose or retention described in the portfolio's own words is an answer, but not one of
    # the kinds the risk rules know. It stays an open question only if choosing a kind could
    # change the verdict (see _kind_could_change_verdict); otherwise it is shown, not held against.
    blocking = bool(risk.unclassified) and _kind_could_change_verdict(
        clean, risk, measures, by_finding, missing)
    text = (kb.open_texts.factor_unclassified if blocking
            else kb.open_texts.factor_unclassified_settled)
    unclassified = [{"kind": "factor_unclassified", "id": k, "value": clean["risk_profile"][k],
                     "blocking": blocking,
                     "text": text.format(factor=factor_names[k]).to_dict()}
                    for k in risk.unclassified]
    open_items = missing + unclassified + measure_open
    verdict_rule = _verdict_rule(findings_sorted, [o for o in open_items if o["blocking"]],
                                 scores["overall"])
    return ChecklistResult(risk_profile=clean["risk_profile"], risk=risk,
                           measures=tuple(entries), scores=scores,
                           findings=tuple(findings_sorted), open_items=tuple(open_items),
                           verdict=verdict_rule.verdict, verdict_rule=verdict_rule)


def _judge(level: str, measures: tuple[Measure, ...], answers: Mapping[str, Any],
           by_finding: Mapping[str, list]) -> tuple[list, list, list, dict[str, Score]]:
    """The measures at one risk level: entries, findings (most severe first), open measures,
    scores per category and overall."""
    kb = _kb()
    entries, findings, open_items = [], [], []
    for order, m in enumerate(measures):
        answer = answers.get(m.id) or _answer(m.id, None)
        status = answer["status"] or "open"
        entry = {**m.to_dict(), "expected": m.expected_at(level), "status": status,
                 "status_label": kb.statuses[status].label.to_dict(),
                 **{k: answer[k] for k in ANSWER_KEYS if k != "status"},
                 "actions": by_finding.get(m.id, [])}
        entries.append(entry)
        if not entry["expected"]:
            continue
        if status in GAP_STATUSES:
            rule = _severity(status, level, m)
            findings.append((_rank(rule.severity), order, {
                "measure": m.id, "category": m.category, "custom": m.custom,
                "text": m.text.to_dict(), "status": status, "severity": rule.severity,
                "severity_label": kb.levels[rule.severity].label.to_dict(),
                "severity_rule": {"id": rule.id, "text": rule.text.to_dict(), "ours": rule.ours},
                "expected_from": m.expected_from, "note": answer["note"],
                "evidence": answer["evidence"], "answered_by": answer["answered_by"],
                "answered_at": answer["answered_at"], "actions": entry["actions"]}))
        elif status == "open":
            open_items.append({"kind": "measure", "id": m.id, "category": m.category,
                               "blocking": True, "measure_text": m.text.to_dict(),
                               "text": kb.open_texts.measure_open.to_dict(),
                               "actions": entry["actions"]})
    findings_sorted = [f for _, _, f in sorted(findings, key=lambda t: (-t[0], t[1]))]
    expected = [e for e in entries if e["expected"]]
    scores = {c: _score([e for e in expected if e["category"] == c]) for c in CATEGORIES}
    scores["overall"] = _score(expected)
    return entries, findings_sorted, open_items, scores


def _verdict_rule(findings: list, open_items: list, overall: Score):
    return next(r for r in _kb().verdict_rules
                if _verdict_applies(r.when, findings, open_items, overall))


def _kind_could_change_verdict(clean: Mapping[str, Any], risk: RiskOutcome,
                               measures: tuple[Measure, ...], by_finding: Mapping[str, list],
                               missing: list) -> bool:
    """Would choosing a kind for the free-text factors (each of their options, or none of them)
    give another verdict? Every combination of kinds is tried with the risk rules as they are;
    the text is held against the verdict only if one of them leads elsewhere. Facts that settle
    the verdict whatever the text means settle it; anything else stays an open question."""
    options = {f.key: [o.value for o in f.options] for f in _kb().factors}
    keys = list(risk.unclassified)
    levels = {risk.level}
    for combo in itertools.product(*(options[k] for k in keys)):
        chosen = dict(zip(keys, combo, strict=True))
        levels.add(risk_level({**clean["risk_profile"], **chosen}).level)
    verdicts = set()
    for level in levels:
        _, findings, measure_open, scores = _judge(level, measures, clean["answers"], by_finding)
        verdicts.add(_verdict_rule(findings, missing + measure_open, scores["overall"]).verdict)
    return len(verdicts) > 1


# --- the checklist itself, for `avgkit checklist` and reports --------------------------------

def _quotes(ids) -> list[dict[str, str]]:
    kb = _kb()
    return [{**kb.quotes[q].text.to_dict(), "source": kb.quotes[q].source} for q in ids]


def catalogue(custom: str | Path | Mapping | None = None) -> dict[str, Any]:
    """The measures, risk factors and all rules as JSON ("schema": "avgkit.checklist.catalogue/1"):
    what `avgkit checklist --json` prints."""
    kb = _kb()
    own = load_custom(custom) if custom is not None else None
    measures = load_measures(own)
    return {
        "schema": "avgkit.checklist.catalogue/1",
        "source": kb.source,
        "title": kb.title.to_dict(),
        "intro": _quotes(kb.intro),
        "notes": {"ours": kb.ours_note.to_dict(), "iso27002": kb.iso_note.to_dict()},
        "custom": None if own is None else {
            "file": str(custom) if isinstance(custom, (str, Path)) else None,
            "organisation": own.organisation,
            "note": own.note.to_dict() if own.note else None},
        "categories": {k: v.label.to_dict() for k, v in kb.categories.items()},
        "levels": {k: {"label": v.label.to_dict(), "description": v.description.to_dict()}
                   for k, v in kb.levels.items()},
        "statuses": {k: {"label": v.label.to_dict(), "points": v.points}
                     for k, v in kb.statuses.items()},
        "verdicts": {k: v.to_dict() for k, v in kb.verdicts.items()},
        "measures": [m.to_dict() for m in measures],
        "factors": [{"key": f.key, "kind": f.kind, "name": f.name.to_dict(),
                     "question": f.question.to_dict(),
                     "options": [{"value": o.value, "label": o.label.to_dict(),
                                  "citations": list(o.citations)} for o in f.options],
                     "quotes": _quotes(f.quotes), "citations": list(f.citations),
                     "note": f.note.to_dict() if f.note else None} for f in kb.factors],
        "risk_rules": [{"id": r.id,
                        "when": r.when.model_dump(exclude_none=True) if r.when else None,
                        "effect": "min_level" if r.min_level else "raise",
                        "target": r.min_level or r.raise_by, "text": r.text.to_dict(),
                        "quotes": _quotes(r.quotes), "citations": list(r.citations),
                        "ours": r.ours} for r in kb.risk_rules],
        "severity_rules": [{"id": r.id, "when": r.when.model_dump(exclude_none=True),
                            "severity": r.severity, "text": r.text.to_dict(), "ours": r.ours}
                           for r in kb.severity_rules],
        "verdict_rules": [{"id": r.id,
                           "when": r.when.model_dump(exclude_none=True) if r.when else None,
                           "verdict": r.verdict, "text": r.text.to_dict(),
                           "quotes": _quotes(r.quotes), "citations": list(r.citations),
                           "ours": r.ours} for r in kb.verdict_rules],
    }
