"""The register of processing activities (art. 30 AVG) of one party over many assessments.

    build_register(assessments, party, lang="nl", custom=None, details=None) -> Register
    write_register(register, path)      # .xlsx: one sheet per article paragraph, cells safe
    load_details(path) -> Details       # the party's own contact, retention and measures (YAML)

From the viewpoint of the corporation (the client) or the contractor (the provider), every
assessed collaboration gives one row per processing in which that party has a role: as
verwerkingsverantwoordelijke (or joint controller) on the art. 30 lid 1 sheet, as verwerker on the
art. 30 lid 2 sheet. The main processing comes from the classification; variants A and C add a
processing of their own, variant B adds the subcontractor as a recipient / sub-processor.
Collaborations whose roles cannot be established yet, or in which the party has no role, are
listed on a sheet of their own with the reason. Columns follow the points of art. 30 lid 1 (a-g)
and lid 2 (a-d); whatever the assessment does not know reads as a marked placeholder.

A register belongs to one controller (`avgkit register --corporation NAME`). The Bijlage 2
checklist of an assessment describes the contractor's security and the contractor's retention, so
it fills the contractor's register only: the corporation's art. 30(1)(f) and (g) are its own
retention periods and measures, read from its details file (load_details) or left as a marked
placeholder, never taken from the contractor's checklist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from avgkit.assessment import Assessment
from avgkit.cell_safety import neutralise
from avgkit.knowledge import load_knowledge
from avgkit.models import Relationship, Role, Text, check_lang

Viewpoint = Literal["corporation", "contractor"]
PARTIES: tuple[Viewpoint, ...] = ("corporation", "contractor")
CONTROLLER_ROLES = (Role.CONTROLLER, Role.JOINT_CONTROLLER)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProcessingDetails(_Strict):
    retention: str = ""
    measures: str = ""


class Details(_Strict):
    """The register party's own facts the assessments do not hold (all optional): contact
    details and FG, its technical and organisational measures (art. 32), its retention periods;
    per assessment id a retention or measures that differ from the default."""

    contact: str = ""
    measures: str = ""
    retention: str = ""
    processings: dict[str, ProcessingDetails] = {}


def load_details(path: str | Path) -> Details:
    """Read a details file (YAML); ValueError names the file, the key and what is expected."""
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read: {exc}") from None
    try:
        return Details.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"]) or "<root>"
        raise ValueError(f"{path}: {key}: {err['msg']} (allowed keys: contact, measures, "
                         f"retention, processings: {{id: {{retention, measures}}}})") from None


@dataclass
class Row:
    sheet: Literal["controller", "processor"]
    assessment_id: str
    collaboration: str
    processing: str
    role: str
    basis: str
    cells: dict[str, str]  # column id (a-g / a-d) -> text


@dataclass
class Register:
    party: Viewpoint
    lang: str
    generated: dt.date
    name: str = ""  # the controller or processor whose register it is, when one was chosen
    rows: list[Row] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # id, collaboration, why

    def sheet(self, name: str) -> list[Row]:
        return [r for r in self.rows if r.sheet == name]


class _Rows:
    """The rows of one assessment from one party's viewpoint."""

    def __init__(self, a: Assessment, party: Viewpoint, lang: str, custom: Any,
                 details: Details | None = None):
        self.details = details or Details()
        self.own = self.details.processings.get(a.id, ProcessingDetails())
        self.kb = load_knowledge()
        self.reg = self.kb.register
        self.a, self.party, self.lang, self.custom = a, party, lang, custom
        self.result = a.classification()
        self.me = "client" if party == "corporation" else "provider"
        self.name = (a.corporation if party == "corporation" else a.contractor).strip()
        self.other = (a.contractor if party == "corporation" else a.corporation).strip()
        self.profile = a.checklist.get("risk_profile") or {}

    def t(self, text: Text, **values: Any) -> str:
        return text.get(self.lang).format(**values) if values else text.get(self.lang)

    def v(self, key: str, **values: Any) -> str:
        return self.t(self.reg.values[key], **values)

    def role_of(self, provider: Role | None, client: Role | None) -> Role | None:
        return client if self.me == "client" else provider

    def who(self, name: str, party_key: Viewpoint) -> str:
        return name or self.t(self.reg.parties[party_key])

    @property
    def other_key(self) -> Viewpoint:
        return "contractor" if self.party == "corporation" else "corporation"

    def rows(self) -> tuple[list[Row], str | None]:
        r = self.result
        if not r.determined:
            return [], self.v("undetermined")
        out: list[Row] = []
        sub = next((v for v in r.variants if v.code == "B"), None)
        role = self.role_of(r.provider_role, r.client_role)
        if role in CONTROLLER_ROLES or role is Role.PROCESSOR:
            out.append(self.row(role, r.relationship, self.t(self.reg.common["main"]),
                                self.purpose(), r.citations, sub is not None, main=True))
        for var in r.variants:
            if var.code == "B" or var.provider_role is None:
                continue
            vrole = var.client_role if self.me == "client" else var.provider_role
            if vrole in CONTROLLER_ROLES or vrole is Role.PROCESSOR:
                label = self.t(self.reg.common["variant"], code=var.code)
                out.append(self.row(vrole, var.relationship, label, self.t(var.description),
                                    var.citations, False, main=False, variant=var.code))
        reason = None if out else self.v("no_role")
        return out, reason

    def purpose(self) -> str:
        return (self.profile.get("purpose") or "").strip() or self.a.description.strip()

    def row(self, role: Role, rel: Relationship | None, processing: str, purpose: str,
            citations: Iterable[str], sub: bool, main: bool, variant: str | None = None) -> Row:
        kb = self.kb
        me = self.who(self.name, self.party)
        other = self.who(self.other, self.other_key)
        contact = self.details.contact.strip() or self.v("contact")
        common = dict(assessment_id=self.a.id, collaboration=self.a.description.strip(),
                      processing=processing, role=self.t(kb.begrippen.roles[role.name]),
                      basis="; ".join(dict.fromkeys(citations)))
        measures = self.measures()
        blank = self.v("blank")
        if role is Role.PROCESSOR:
            a = [me, contact, self.v("on_behalf_of", name=other)]
            if sub:
                a.append(self.v("recipient_sub"))
            cells = {"a": "; ".join(a), "b": self.a.description.strip() or purpose or blank,
                     "c": blank, "d": measures}
            return Row("processor", cells=cells, **common)
        a = [me, contact]
        if role is Role.JOINT_CONTROLLER:
            a.append(self.v("joint_with", name=other))
        recipients = []
        if main and rel is Relationship.CONTROLLER_PROCESSOR:
            recipients.append(self.v("recipient_processor", name=other))
        elif main and rel is Relationship.JOINT_CONTROLLERS:
            recipients.append(self.v("recipient_joint", name=other))
        elif rel is Relationship.CONTROLLER_TO_CONTROLLER and self.discloses(main, variant):
            recipients.append(self.v("recipient_controller", name=other))
        if sub and (self.me == "provider" or rel is Relationship.CONTROLLER_PROCESSOR):
            recipients.append(self.v("recipient_sub"))
        cells = {"a": "; ".join(a), "b": purpose or blank, "c": self.categories(),
                 "d": "; ".join(recipients) or blank, "e": blank, "f": self.retention(),
                 "g": measures}
        return Row("controller", cells=cells, **common)

    def discloses(self, main: bool, variant: str | None) -> bool:
        """Who passes data to whom between two controllers: in the main processing the
        corporation gives the contractor the contact details (forms 1, 2, 4); in variant C the
        contractor feeds corrections back to the corporation."""
        return self.me == "client" if main else (variant == "C" and self.me == "provider")

    def categories(self) -> str:
        parts = []
        kind = self.profile.get("data_kind")
        if kind:
            kinds = self.kb.concepten.values.kinds
            parts.append(self.v("data", kind=self.t(kinds[kind]) if kind in kinds else kind))
        if self.profile.get("data_subjects") is not None:
            parts.append(self.v("subjects", count=self.profile["data_subjects"]))
        parts.append(self.v("categories"))
        return "; ".join(parts)

    def retention(self) -> str:
        """The party's own retention: its details, else (for the contractor, whose processing
        the checklist describes) the checklist's, else a placeholder."""
        own = self.own.retention.strip() or self.details.retention.strip()
        if own:
            return own
        if self.me == "client":
            return self.v("own_retention", name=self.who(self.name, self.party))
        return (self.profile.get("retention") or "").strip() or self.v("blank")

    def measures(self) -> str:
        own = self.own.measures.strip() or self.details.measures.strip()
        if own:
            return own
        if self.me == "client":  # the checklist is the contractor's, never the corporation's
            return self.v("own_measures", name=self.who(self.name, self.party))
        return self.checklist_measures()

    def checklist_measures(self) -> str:
        from avgkit.checklist import assess

        if not (self.a.checklist.get("answers") or {}):
            return self.v("no_checklist")
        try:
            result = assess(self.a.checklist, self.a.actions, custom=self.custom).to_dict()
        except ValueError as exc:
            return self.v("checklist_error", error=str(exc))
        groups = {"aanwezig": [], "gedeeltelijk": [], "afwezig": []}
        for m in result["measures"]:
            if m["status"] in groups:
                groups[m["status"]].append(m["text"][self.lang])
        keys = {"aanwezig": "measures_in_place", "gedeeltelijk": "measures_partly",
                "afwezig": "measures_missing"}
        return "; ".join(self.v(keys[s], list=", ".join(items))
                         for s, items in groups.items() if items) or self.v("no_checklist")


def party_names(assessments: Iterable[Assessment], party: Viewpoint) -> list[str]:
    """The distinct corporations (or contractors) in these assessments, as written."""
    attr = "corporation" if party == "corporation" else "contractor"
    return sorted({getattr(a, attr).strip() for a in assessments if getattr(a, attr).strip()},
                  key=str.casefold)


def select_party(assessments: Iterable[Assessment], party: Viewpoint,
                 name: str) -> list[Assessment]:
    """The assessments of one corporation (or contractor), its name compared without case and
    surrounding spaces; ValueError naming the ones there are when none matches."""
    attr = "corporation" if party == "corporation" else "contractor"
    items = list(assessments)
    wanted = name.strip().casefold()
    chosen = [a for a in items if getattr(a, attr).strip().casefold() == wanted]
    if not chosen:
        names = party_names(items, party)
        raise ValueError(f"no {attr} named {name!r}; there are: "
                         f"{'; '.join(names) if names else '(none)'}")
    return chosen


def build_register(assessments: Iterable[Assessment], party: Viewpoint, lang: str = "nl",
                   custom: Any = None, today: dt.date | None = None,
                   details: Details | None = None, name: str = "") -> Register:
    """The register of processing activities of one party over these assessments; `details`
    holds that party's own contact, retention and measures, `name` its name for the title."""
    check_lang(lang)
    if party not in PARTIES:
        raise ValueError(f"party must be one of {', '.join(PARTIES)}, got {party!r}")
    register = Register(party, lang, today or dt.date.today(), name=name)
    for a in assessments:
        rows, reason = _Rows(a, party, lang, custom, details).rows()
        register.rows.extend(rows)
        if reason:
            register.skipped.append((a.id, a.description.strip(), reason))
    return register


def write_register(register: Register, path: str | Path) -> Path:
    """The register as an .xlsx workbook; every cell neutralised against formulas."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    kb = load_knowledge().register
    lang = register.lang

    def t(text: Text) -> str:
        return text.get(lang)

    common = kb.common
    wb = Workbook()
    about = wb.active
    about.title = t(common["about_sheet"])
    about.append([neutralise(t(common["about"]))])
    party = t(kb.parties[register.party])
    about.append([t(common["party"]), f"{party}: {register.name}" if register.name else party])
    about.append([t(common["generated"]).format(date=register.generated.isoformat())])
    for spec in (kb.controller, kb.processor):
        about.append([])
        about.append([t(spec.title), "; ".join(spec.citations)])
        for col in spec.columns:
            about.append([t(col.header), neutralise(t(col.text))])
    about.column_dimensions["A"].width = 60
    about.column_dimensions["B"].width = 100

    for key, spec in (("controller", kb.controller), ("processor", kb.processor)):
        ws = wb.create_sheet(t(spec.sheet))
        headers = [t(common["assessment"]), t(common["collaboration"]), t(common["processing"]),
                   *[t(c.header) for c in spec.columns], t(common["role"]), t(common["basis"])]
        ws.append(headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in register.sheet(key):
            values = [row.assessment_id, row.collaboration, row.processing,
                      *[row.cells.get(c.id, "") for c in spec.columns], row.role, row.basis]
            ws.append([neutralise(v) for v in values])
        ws.freeze_panes = "B2"
        for i, _ in enumerate(headers, start=1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = 14 if i == 1 else 34
        for line in ws.iter_rows(min_row=1):
            for cell in line:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        print_setup(ws)

    ws = wb.create_sheet(t(common["skipped_sheet"]))
    ws.append([t(common["assessment"]), t(common["collaboration"]), t(common["skipped_reason"])])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for item in register.skipped:
        ws.append([neutralise(v) for v in item])
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 14, 50
    ws.column_dimensions["C"].width = 50
    print_setup(ws)
    path = Path(path)
    wb.save(path)
    return path


def print_setup(ws) -> None:
    """Autofilter on the header, and on paper: A4 landscape, fit to the page width, the header
    row repeated on every page."""
    ws.auto_filter.ref = ws.dimensions
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
