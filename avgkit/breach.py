"""Data breaches (datalekken): incident records, their deadlines, and the incident report.

    Incident                               one possible breach: the seven questions of Bijlage 3,
                                           persons min/max, kinds of data, dates
    plan(incident, assessment) -> Plan     deadlines and notices for the party that found it
    add_hours(start, hours) -> datetime    calendar hours, Europe/Amsterdam
    IncidentStore(store)                   incidents saved in the store, with history
    render_report(incident, assessment, lang, now, history) -> str   HTML, escaped

The rules are data in knowledge/datalekken.yaml: the processor informs the controller within 24
hours (model verwerkersovereenkomst art. 7.1) and may not notify the AP or the data subjects
itself (art. 7.3); joint controllers inform each other within 24 hours and each notifies for its
own part (Modelregeling art. 6.1, 6.3); the controller notifies the AP within 72 hours of becoming
aware (art. 33 lid 1 AVG). Hours are calendar hours: real elapsed time, so weekends do not stop the
clock and a deadline across a daylight-saving change keeps its 24 or 72 real hours (its clock time
shifts). All times are shown in Europe/Amsterdam.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from avgkit.assessment import ID_PATTERN, Assessment
from avgkit.knowledge import load_knowledge
from avgkit.models import Relationship, Role, Text, check_lang

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
QUESTION_IDS = ("q1", "q2", "q3", "q4", "q5", "q6", "q7")
Party = Literal["client", "provider"]
TIME_FIELDS = ("discovered_at", "period_start", "period_end", "other_party_informed_at",
               "ap_notified_at", "subjects_informed_at", "other_ap_notified_at")


# --- times -------------------------------------------------------------------------------

def local_time(value: dt.datetime | str, field: str = "time") -> dt.datetime:
    """An aware datetime in Europe/Amsterdam. Naive values are Amsterdam wall-clock time; a wall
    time that does not exist (the hour skipped when summer time starts) is an error; one that
    occurs twice (when it ends) is read as the first, the earlier and so the stricter moment."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{field}: expected a date and time like 2025-03-29 14:30, "
                             f"got {value!r}") from None
    if not isinstance(value, dt.datetime):
        raise ValueError(f"{field}: expected a date and time, got {value!r}")
    if value.tzinfo is not None:
        return value.astimezone(AMSTERDAM)
    local = value.replace(tzinfo=AMSTERDAM, fold=0)
    if local.astimezone(dt.UTC).astimezone(AMSTERDAM).replace(tzinfo=None) != value:
        raise ValueError(f"{field}: {value:%Y-%m-%d %H:%M} does not exist in Europe/Amsterdam "
                         "(the clock skips that hour when summer time starts)")
    return local


def add_hours(start: dt.datetime, hours: int) -> dt.datetime:
    """start + hours of real elapsed time, in Europe/Amsterdam. (Adding a timedelta to an aware
    datetime in Python adds wall-clock time, which is off by an hour across a DST change.)"""
    utc = local_time(start).astimezone(dt.UTC) + dt.timedelta(hours=hours)
    return utc.astimezone(AMSTERDAM)


def hours_between(start: dt.datetime, end: dt.datetime) -> float:
    return (local_time(end).astimezone(dt.UTC)
            - local_time(start).astimezone(dt.UTC)).total_seconds() / 3600


# --- the record ----------------------------------------------------------------------------

Risk = Literal["geen", "risico", "hoog"]
EXCEPTION_IDS = ("34-3-a", "34-3-b", "34-3-c")


class Phase(BaseModel):
    """One step of a notification in phases (art. 33 lid 4 AVG): when, and what was notified."""

    model_config = ConfigDict(extra="forbid")

    at: dt.datetime
    what: str = ""

    @field_validator("at", mode="before")
    @classmethod
    def _amsterdam(cls, value: Any) -> Any:
        return local_time(value, "phases.at")


class Incident(BaseModel):
    """One possible data breach, as recorded by the party that found it."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    id: str
    discovered_at: dt.datetime
    discovered_by: Party
    reporter: str = ""
    answers: dict[str, str] = Field(default_factory=dict)  # q1..q7 of Bijlage 3
    persons_min: int | None = Field(default=None, ge=0)
    persons_max: int | None = Field(default=None, ge=0)
    data_kinds: list[str] = Field(default_factory=list)
    contact_known: bool | None = None
    period_start: dt.datetime | None = None
    period_end: dt.datetime | None = None
    other_party_informed_at: dt.datetime | None = None
    ap_required: bool | None = None  # None: not yet weighed
    ap_reason: str = ""
    ap_notified_at: dt.datetime | None = None
    subjects_informed_at: dt.datetime | None = None
    status: Literal["open", "gesloten"] = "open"
    notes: str = ""
    # issue 11: the risk assessment (art. 33/34 AVG), what art. 33(3) adds to the seven questions,
    # the art. 34(3) exceptions (id -> met), notification in phases (art. 33(4)), and for joint
    # controllers the other party's own notification to the AP.
    risk: Risk | None = None  # None: not yet weighed
    contact_point: str = ""
    consequences: str = ""
    measures: str = ""
    exceptions: dict[str, bool] = Field(default_factory=dict)
    phases: list[Phase] = Field(default_factory=list)
    other_ap_notified_at: dt.datetime | None = None

    @field_validator("exceptions")
    @classmethod
    def _known_exceptions(cls, value: dict[str, bool]) -> dict[str, bool]:
        unknown = sorted(set(value) - set(EXCEPTION_IDS))
        if unknown:
            raise ValueError(f"unknown exception {unknown[0]!r}; the exceptions of art. 34(3) AVG "
                             f"are {', '.join(EXCEPTION_IDS)}")
        return dict(value)

    @field_validator("id")
    @classmethod
    def _safe_id(cls, value: str) -> str:
        if not ID_PATTERN.match(value):
            raise ValueError("an incident id is 1-64 letters, digits, '.', '_' or '-', starting "
                             f"with a letter or digit; got {value!r}")
        return value

    @field_validator(*TIME_FIELDS, mode="before")
    @classmethod
    def _amsterdam(cls, value: Any, info) -> Any:
        return None if value in (None, "") else local_time(value, info.field_name)

    @field_validator("answers")
    @classmethod
    def _known_questions(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(QUESTION_IDS))
        if unknown:
            raise ValueError(f"unknown question {unknown[0]!r}; the questions of Bijlage 3 are "
                             f"{', '.join(QUESTION_IDS)}")
        return {k: v.strip() for k, v in value.items() if v and v.strip()}

    @field_validator("data_kinds")
    @classmethod
    def _kinds(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(v.strip() for v in value if v and v.strip()))

    @model_validator(mode="after")
    def _consistent(self) -> Incident:
        if (self.persons_min is not None and self.persons_max is not None
                and self.persons_min > self.persons_max):
            raise ValueError(f"persons_min ({self.persons_min}) is more than persons_max "
                             f"({self.persons_max})")
        if self.period_start and self.period_end and self.period_start > self.period_end:
            raise ValueError("period_start is after period_end")
        for name in ("other_party_informed_at", "ap_notified_at", "subjects_informed_at",
                     "other_ap_notified_at"):
            when = getattr(self, name)
            if when is not None and when < self.discovered_at:
                raise ValueError(f"{name} ({when:%Y-%m-%d %H:%M}) is before discovered_at "
                                 f"({self.discovered_at:%Y-%m-%d %H:%M})")
        return self

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Incident:
        return cls.model_validate(dict(data))


def incident_error(exc: ValidationError) -> str:
    """A pydantic error as one line naming the field and what was expected."""
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'incident'}: "
                     f"{e['msg'].removeprefix('Value error, ')}" for e in exc.errors())


# --- deadlines and notices ---------------------------------------------------------------

@dataclass(frozen=True)
class Deadline:
    id: str
    actor: Party  # whose duty it is
    hours: int | None  # None: "zonder onredelijke vertraging" (no fixed hours)
    start: dt.datetime
    due: dt.datetime | None
    text: Text
    citations: tuple[str, ...]
    clause: str | None  # "verwerkersovereenkomst/7.1": the model clause behind it
    done_at: dt.datetime | None
    not_required: bool = False

    def state(self, now: dt.datetime) -> tuple[str, float]:
        """(state, hours): open (hours left), overdue (hours late), on_time / late (done),
        not_required."""
        if self.not_required:
            return "not_required", 0.0
        if self.due is None:
            return ("done", 0.0) if self.done_at is not None else ("asap", 0.0)
        if self.done_at is not None:
            late = hours_between(self.due, self.done_at)
            return ("late", late) if late > 0 else ("on_time", -late)
        left = hours_between(now, self.due)
        return ("open", left) if left >= 0 else ("overdue", -left)


@dataclass(frozen=True)
class Notice:
    id: str
    text: Text
    citations: tuple[str, ...]
    clause: str | None
    ours: bool


@dataclass(frozen=True)
class Plan:
    party: Party
    role: Role | None
    relationship: Relationship | None
    deadlines: tuple[Deadline, ...]
    notices: tuple[Notice, ...]


def clause_text(ref: str) -> Text:
    """The model's own text of a clause, e.g. 'verwerkersovereenkomst/7.3'."""
    stem, number = ref.split("/")
    return getattr(load_knowledge(), stem).clause(number).text


def _other(party: Party) -> Party:
    return "provider" if party == "client" else "client"


def plan(incident: Incident, assessment: Assessment) -> Plan:
    """What each party must do about the incident, and by when, given the roles of the
    assessment, the agreement in place and the risk (art. 33, 34 AVG; Modelverwerkersovereenkomst
    art. 7; Modelregeling art. 6).

    The law sets the duties per role: a processor informs the controller "zonder onredelijke
    vertraging" (art. 33(2)); each controller, and each joint controller for itself, notifies the
    AP within 72 hours of its own awareness (art. 33(1)) unless there is no risk (then it only
    documents, art. 33(5)); with a high risk the controller informs the data subjects (art. 34(1))
    unless an art. 34(3) exception is recorded. The 24 hours come from the agreements and apply
    only where the assessment records that agreement; a recorded agreement that does not fit the
    roles still binds and is kept, with a note."""
    kb = load_knowledge()
    dk = kb.datalekken
    rules = {d.id: d for d in dk.deadlines}
    result = assessment.classification()
    party, other = incident.discovered_by, _other(incident.discovered_by)
    roles = {"client": result.client_role, "provider": result.provider_role}
    role = roles[party]
    rel = result.relationship
    found = incident.discovered_at
    informed = incident.other_party_informed_at
    agreement = assessment.agreement.kind
    deadlines: list[Deadline] = []
    notices: list[tuple[str, dict[str, Any]]] = []

    def deadline(rule_id: str, actor: Party, start: dt.datetime, done: dt.datetime | None,
                 not_required: bool = False) -> None:
        r = rules[rule_id]
        due = add_hours(start, r.hours) if r.hours else None
        deadlines.append(Deadline(r.id, actor, r.hours, start, due, r.text,
                                  tuple(r.citations), r.clause, done, not_required))

    def note(notice_id: str, **values: Any) -> None:
        if notice_id not in (n for n, _ in notices):
            notices.append((notice_id, values))

    ap_skip = (incident.risk == "geen"
               or (incident.ap_required is False and bool(incident.ap_reason.strip())))
    excepted = any(incident.exceptions.get(e) for e in EXCEPTION_IDS)

    def controller_duties(actor: Party, aware: dt.datetime, ap_done: dt.datetime | None) -> None:
        deadline("melding-ap", actor, aware, ap_done, ap_skip)
        if incident.risk == "hoog":
            deadline("informeer-betrokkenen", actor, aware, incident.subjects_informed_at,
                     excepted)

    # The agreements' own 24 hours: only where the agreement is recorded; kept even where the
    # roles came out otherwise (a signed agreement still binds), with a note.
    contract_24 = {"verwerkersovereenkomst": ("informeer-verwerkingsverantwoordelijke",
                                              party == "provider", role is Role.PROCESSOR),
                   "regeling-gezamenlijke-verantwoordelijkheid": (
                       "informeer-medeverantwoordelijke", True, role is Role.JOINT_CONTROLLER),
                   "verwerkingsverantwoordelijkenovereenkomst": (
                       "informeer-andere-verantwoordelijke", True,
                       rel is Relationship.CONTROLLER_TO_CONTROLLER)}
    if agreement in contract_24:
        rule_id, applies, fits = contract_24[agreement]
        if applies:
            deadline(rule_id, party, found, informed)
            if role is not None and not fits:
                roles_kb = kb.begrippen.roles
                note("overeenkomst-bindt", agreement=kb.agreement(agreement).name,
                     role=roles_kb[role.name])
    has_24 = bool(deadlines)

    controller_notices = ["motivering-vertraging", "betrokkenen", "documenteren"]
    if role is None:
        note("rol-onbekend")
        if not has_24:
            deadline("verwerker-zonder-vertraging", party, found, informed)
        deadline("melding-ap", party, found, incident.ap_notified_at, ap_skip)
    elif role is Role.NONE:
        note("geen-rol")
    elif role is Role.PROCESSOR:
        if not has_24:
            deadline("verwerker-zonder-vertraging", party, found, informed)
            note("24-uur-alleen-met-overeenkomst")
        controller_duties(other, informed or found, incident.ap_notified_at)
        note("verwerker-geen-melding")
        note("kennisname")
    elif role is Role.JOINT_CONTROLLER:
        if not has_24:
            note("geen-regeling-24-uur")
        controller_duties(party, found, incident.ap_notified_at)
        if roles[other] is Role.JOINT_CONTROLLER:
            controller_duties(other, informed or found, incident.other_ap_notified_at)
            note("ieder-eigen-72-uur")
        note("ieder-eigen-deel")
        for n in controller_notices:
            note(n)
    else:  # a controller: of a processor, beside another controller, or on its own
        if rel is Relationship.CONTROLLER_TO_CONTROLLER and not has_24:
            note("geen-afspraak-24-uur")
        controller_duties(party, found, incident.ap_notified_at)
        for n in controller_notices:
            note(n)
    if role is not Role.NONE:
        if incident.risk is None:
            note("risico-afwegen")
        elif incident.risk == "geen":
            note("alleen-documenteren")
        elif incident.risk == "hoog" and excepted:
            note("uitzondering-betrokkenen")
        if ap_skip and incident.risk != "geen":
            note("ap-niet-nodig")
        if incident.phases:
            note("gefaseerd")
    if any(d.hours for d in deadlines):
        note("kalenderuren")
    out = tuple(Notice(n, dk.notices[n].text.format(**values) if values else dk.notices[n].text,
                       tuple(dk.notices[n].citations), dk.notices[n].clause, dk.notices[n].ours)
                for n, values in notices)
    return Plan(party, role, rel, tuple(deadlines), out)


# --- storage -----------------------------------------------------------------------------

class IncidentStore:
    """Incidents kept in the store as part of their assessment, at field paths
    'incidents.<incident id>.<field>': every change is in the store's history (who, when,
    old, new), as_of works, and two people editing different fields of one incident merge."""

    def __init__(self, store):
        self.store = store

    def list(self, assessment_id: str) -> list[Incident]:
        assessment = self.store.get(assessment_id)
        return [Incident.from_dict(data) for _, data in sorted(assessment.incidents.items())]

    def get(self, assessment_id: str, incident_id: str) -> Incident:
        incident, _ = self.get_with_version(assessment_id, incident_id)
        return incident

    def get_with_version(self, assessment_id: str, incident_id: str) -> tuple[Incident, int]:
        assessment, version = self.store.get_with_version(assessment_id)
        data = assessment.incidents.get(incident_id)
        if data is None:
            raise KeyError(f"assessment {assessment_id!r} has no incident {incident_id!r}")
        return Incident.from_dict(data), version

    def save(self, assessment_id: str, incident: Incident, who: str,
             base_version: int | None = None) -> int:
        """Save an incident (new, or the fields that differ from what the caller read); returns
        the assessment's version. With base_version (the version the caller read), only fields
        changed since that version are written, and one someone else changed meanwhile raises
        ConflictError; changes to other fields merge."""
        incident = Incident.from_dict(incident.to_dict())  # validate what is saved
        seen = (self.store.rebuild(assessment_id, version=base_version) if base_version
                else self.store.get(assessment_id)).incidents.get(incident.id)
        new = incident.to_dict()
        if seen is None:
            changes = {f"incidents.{incident.id}": new}
        else:
            changes = {f"incidents.{incident.id}.{k}": v for k, v in new.items()
                       if seen.get(k) != v}
        if not changes:
            return self.store.version(assessment_id)
        return self.store.update(assessment_id, changes, who, base_version=base_version)

    def history(self, assessment_id: str, incident_id: str) -> list:
        """The store's changes of this incident, oldest first."""
        prefix = f"incidents.{incident_id}"
        return [c for c in self.store.history(assessment_id)
                if c.path == prefix or c.path.startswith(prefix + ".")]


def next_incident_id(existing: Iterable[str], when: dt.datetime) -> str:
    """DL-<date>-<n>: the first free number for that day."""
    base = f"DL-{local_time(when):%Y%m%d}"
    taken = set(existing)
    n = 1
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


# --- presentation ------------------------------------------------------------------------

def format_time(when: dt.datetime | None, lang: str = "nl") -> str:
    """'za 29-03-2025 10:00 CET' (weekday, because weekends do not stop the clock)."""
    if when is None:
        return ""
    local = local_time(when)
    days = load_knowledge().datalekken.labels["weekdays"].get(lang).split()
    return f"{days[local.weekday()]} {local:%d-%m-%Y %H:%M} {local.tzname()}"


def state_text(deadline: Deadline, now: dt.datetime, lang: str = "nl") -> str:
    state, hours = deadline.state(now)
    template = load_knowledge().datalekken.states[state].get(lang)
    return template.format(hours=_hours(hours), at=format_time(deadline.done_at, lang))


def _hours(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def report_context(incident: Incident, assessment: Assessment, lang: str = "nl",
                   now: dt.datetime | None = None, history: Iterable[Any] = ()) -> dict[str, Any]:
    """Everything the incident report shows, as plain values (the template escapes them)."""
    check_lang(lang)
    kb = load_knowledge()
    dk, labels = kb.datalekken, kb.datalekken.labels
    now = local_time(now) if now else dt.datetime.now(AMSTERDAM)
    p = plan(incident, assessment)
    roles = kb.begrippen.roles
    kinds = {o.value: o.text.get(lang) for o in dk.data_kinds.options}
    questions = [b for b in kb.verwerkersovereenkomst.annex("bijlage-3").blocks
                 if b.kind == "question"]

    def yes_no(value: bool | None) -> str:
        if value is None:
            return labels["unknown"].get(lang)
        return labels["yes" if value else "no"].get(lang)

    def who(party: Party) -> str:
        name = assessment.corporation if party == "client" else assessment.contractor
        label = dk.parties[party].get(lang)
        return f"{name} ({label})" if name else label

    return {
        "lang": lang,
        "l": {k: v.get(lang) for k, v in labels.items()},
        "incident": incident,
        "assessment": assessment,
        "party": who(incident.discovered_by),
        "role": roles[p.role.name].get(lang) if p.role else labels["unknown"].get(lang),
        "facts": [
            (labels["discovered_at"].get(lang), format_time(incident.discovered_at, lang)),
            (labels["discovered_by"].get(lang), who(incident.discovered_by)),
            (labels["reporter"].get(lang), incident.reporter),
            (labels["persons_min"].get(lang), _count(incident.persons_min, lang)),
            (labels["persons_max"].get(lang), _count(incident.persons_max, lang)),
            (labels["data_kinds"].get(lang),
             ", ".join(kinds.get(k, k) for k in incident.data_kinds)),
            (labels["contact_known"].get(lang), yes_no(incident.contact_known)),
            (labels["period_start"].get(lang), format_time(incident.period_start, lang)),
            (labels["period_end"].get(lang), format_time(incident.period_end, lang)),
            (labels["other_party_informed_at"].get(lang),
             format_time(incident.other_party_informed_at, lang)),
            (labels["ap_required"].get(lang), yes_no(incident.ap_required)),
            (labels["ap_reason"].get(lang), incident.ap_reason),
            (labels["ap_notified_at"].get(lang), format_time(incident.ap_notified_at, lang)),
            (labels["subjects_informed_at"].get(lang),
             format_time(incident.subjects_informed_at, lang)),
            (labels["other_ap_notified_at"].get(lang),
             format_time(incident.other_ap_notified_at, lang)),
            (labels["risk"].get(lang), dk.risks[incident.risk].get(lang) if incident.risk
             else labels["risk_unknown"].get(lang)),
            (labels["contact_point"].get(lang), incident.contact_point),
            (labels["consequences"].get(lang), incident.consequences),
            (labels["measures"].get(lang), incident.measures),
            *((f"{dk.exceptions[e].text.get(lang)} ({'; '.join(dk.exceptions[e].citations)})",
               yes_no(incident.exceptions.get(e))) for e in EXCEPTION_IDS
              if incident.risk == "hoog" or e in incident.exceptions),
            *((f"{labels['phases'].get(lang)}: {format_time(ph.at, lang)}", ph.what)
              for ph in incident.phases),
            (labels["status"].get(lang), dk.status[incident.status].get(lang)),
        ],
        "deadlines": [{
            "text": d.text.get(lang), "who": who(d.actor),
            "due": format_time(d.due, lang) if d.due else labels["no_fixed_hours"].get(lang),
            "state": d.state(now)[0], "state_text": state_text(d, now, lang),
            "citations": "; ".join(d.citations),
            "clause": clause_text(d.clause).get(lang) if d.clause else "",
        } for d in p.deadlines],
        "notices": [{
            "text": n.text.get(lang), "citations": "; ".join(n.citations), "ours": n.ours,
            "clause": clause_text(n.clause).get(lang) if n.clause else "",
        } for n in p.notices],
        "questions": [{
            "number": q.number, "text": q.text.get(lang),
            "help": q.help.get(lang) if q.help else "",
            "answer": incident.answers.get(q.id or "", ""),
        } for q in questions],
        "history": [{"when": format_time(c.when, lang), "who": c.who, "path": c.path}
                    for c in history],
        "generated": labels["generated"].get(lang).format(date=format_time(now, lang)),
        "now": format_time(now, lang),
    }


def _count(value: int | None, lang: str) -> str:
    return load_knowledge().datalekken.labels["unknown"].get(lang) if value is None else str(value)


def render_report(incident: Incident, assessment: Assessment, lang: str = "nl",
                  now: dt.datetime | None = None, history: Iterable[Any] = (),
                  standalone: bool = True) -> str:
    """The incident report: a self-contained HTML page (standalone) or a fragment for a
    notebook output; every value escaped."""
    from avgkit.templating import environment

    context = report_context(incident, assessment, lang, now, history)
    return environment().get_template("incident.html.j2").render(standalone=standalone,
                                                                 **context)


def safe_filename(text: str) -> str:
    """A file name part from an id: letters, digits, '.', '_' and '-' only."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "incident"


# --- the breach register (art. 33 lid 5 AVG) ---------------------------------------------------

REGISTER_COLUMNS = ("assessment", "corporation", "contractor", "incident", "discovered_at",
                    "discovered_by", "status", "risk", "deadlines_met", "deadlines_missed",
                    "deadlines_open", "ap_informed", "subjects_informed")


def register_rows(store, lang: str = "nl", now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """One row per incident of every assessment in the store: status, risk, how many deadlines
    were met, missed (late or overdue) or are still open, and whether the AP and the data subjects
    were informed ('niet nodig' where the risk assessment or an art. 34(3) exception says so)."""
    check_lang(lang)
    dk = load_knowledge().datalekken
    labels = dk.labels
    now = local_time(now) if now else dt.datetime.now(AMSTERDAM)
    rows = []
    for assessment in store.list():
        for _, data in sorted(assessment.incidents.items()):
            incident = Incident.from_dict(data)
            p = plan(incident, assessment)
            states = [d.state(now)[0] for d in p.deadlines]

            def informed(ids: tuple[str, ...], when: dt.datetime | None, p: Plan = p) -> str:
                rows_ = [d for d in p.deadlines if d.id in ids]
                if when is not None:
                    return format_time(when, lang)
                if rows_ and all(d.not_required for d in rows_):
                    return labels["not_needed"].get(lang)
                return labels["no"].get(lang)

            rows.append({
                "assessment": assessment.id, "corporation": assessment.corporation,
                "contractor": assessment.contractor, "incident": incident.id,
                "discovered_at": format_time(incident.discovered_at, lang),
                "discovered_by": dk.parties[incident.discovered_by].get(lang),
                "status": dk.status[incident.status].get(lang),
                "risk": (dk.risks[incident.risk].get(lang) if incident.risk
                         else labels["risk_unknown"].get(lang)),
                "deadlines_met": sum(s in ("on_time", "done") for s in states),
                "deadlines_missed": sum(s in ("late", "overdue") for s in states),
                "deadlines_open": sum(s in ("open", "asap") for s in states),
                "ap_informed": informed(("melding-ap",), incident.ap_notified_at),
                "subjects_informed": (informed(("informeer-betrokkenen",),
                                               incident.subjects_informed_at)
                                      if incident.risk == "hoog" or incident.subjects_informed_at
                                      else labels["not_needed"].get(lang)
                                      if incident.risk in ("geen", "risico")
                                      else labels["unknown"].get(lang)),
            })
    return rows


def register_headers(lang: str = "nl") -> dict[str, str]:
    labels = load_knowledge().datalekken.labels
    names = {"assessment": "assessment", "incident": "incident", "discovered_at": "discovered_at",
             "discovered_by": "discovered_by", "status": "status", "risk": "risk",
             "deadlines_met": "deadlines_met", "deadlines_missed": "deadlines_missed",
             "deadlines_open": "deadlines_open", "ap_informed": "ap_informed",
             "subjects_informed": "subjects_informed"}
    out = {k: labels[v].get(lang) for k, v in names.items()}
    parties = load_knowledge().datalekken.parties
    out["corporation"] = parties["client"].get(lang)
    out["contractor"] = parties["provider"].get(lang)
    return out


def write_register_xlsx(rows: list[dict[str, Any]], path, lang: str = "nl") -> None:
    """The register as one sheet; every text cell neutralised against spreadsheet formulas."""
    from openpyxl import Workbook

    from avgkit.cell_safety import neutralise

    headers = register_headers(lang)
    wb = Workbook()
    ws = wb.active
    ws.title = load_knowledge().datalekken.labels["incident"].get(lang)[:31]
    ws.append([headers[c] for c in REGISTER_COLUMNS])
    for row in rows:
        ws.append([neutralise(row[c]) for c in REGISTER_COLUMNS])
    ws.freeze_panes = "A2"
    wb.save(path)
