"""Draft agreements from an assessment: the source's model agreements with the parties, the
description and the Bijlage 1 and 2 details the assessment knows filled in.

    build_draft(assessment, lang="nl", custom=None, today=None) -> Draft
    render_docx(draft, target)  # a path or a binary stream; python-docx
    render_html(draft) -> str   # one self-contained, escaped page

Which model follows from the classification (art. 28 lid 3 / art. 26 AVG; the source's section
Verwerkingsverantwoordelijkenovereenkomst): controller-processor -> the model
verwerkersovereenkomst with its Bijlagen 1-3 and our supplementary article 11 (art. 28(2)-(4)
beyond the source's 14 points); joint controllers -> the Modelregeling with its annexes and our
supplementary article 8 (art. 26(2)); two controllers -> our own verstrekkingsovereenkomst
(verstrekkingsovereenkomst.yaml; the source gives no model for two independent controllers and
its Modelregeling would read as joint control). No agreement needed, or roles not yet
established -> DraftError.

Bijlage 2 of a verwerkersovereenkomst lists the measures the processor commits to; the
checklist's gaps go to a worksheet after it that is not part of the agreement. Every draft shows
the source's caveat and our notes (corrections, supplements) apart from the model's text.

Every text comes from the knowledge files: the models' own (verwerkersovereenkomst.yaml,
modelregeling.yaml) and our texts around them (concepten.yaml). A text is kept as segments: source
text, values filled in from the assessment, and placeholders left open; placeholders are marked in
both outputs. Values from an assessment are never read as placeholders or markup.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from avgkit.answers import EMPTY_WORDS
from avgkit.assessment import Assessment
from avgkit.knowledge import load_knowledge
from avgkit.knowledge.schema import PLACEHOLDER, Block, ModelAgreement, ModelText
from avgkit.models import Relationship, Role, Text, check_lang
from avgkit.notes import note_line, notes_of, source_caveat

KINDS = ("verwerkersovereenkomst", "regeling-gezamenlijke-verantwoordelijkheid",
         "verwerkingsverantwoordelijkenovereenkomst")
FORMATS = ("docx", "html")
SegmentKind = Literal["text", "filled", "placeholder"]
# Characters XML 1.0 cannot hold (python-docx would fail on them); stripped from values.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class DraftError(ValueError):
    """No draft can be made for this assessment (no agreement needed, roles undetermined)."""


@dataclass(frozen=True)
class Segment:
    text: str
    kind: SegmentKind = "text"


Runs = tuple[Segment, ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[Runs, ...], ...]
    row_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Element:
    """One piece of a draft. kind: title, note (ours, shown apart), heading (level 1-3),
    paragraph, item (numbered), bullet, clause (numbered sub-article), field (label: value),
    question (numbered, with help), table, signature (title + lines), pagebreak."""

    kind: str
    runs: Runs = ()
    level: int = 1
    number: str = ""  # clause/article numbers: Word numbering in DOCX, text in HTML
    widths: tuple[float, ...] = ()  # table column widths in cm (DOCX)
    label: Runs = ()
    help: str = ""
    table: Table | None = None
    lines: tuple[tuple[str, Runs], ...] = ()


@dataclass
class Draft:
    kind: str  # one of KINDS
    assessment_id: str
    lang: str
    title: str  # plain title, for the file's metadata
    parties: dict[str, str]  # slot -> name filled in
    elements: list[Element] = field(default_factory=list)
    date: dt.date = field(default_factory=dt.date.today)

    def text(self) -> str:
        """All text in reading order (for search and tests)."""
        out = []
        for e in self.elements:
            parts = [e.number, _plain(e.label), _plain(e.runs), e.help]
            if e.table:
                parts += list(e.table.headers) + [_plain(c) for r in e.table.rows for c in r]
            parts += [f"{label} {_plain(v)}" for label, v in e.lines]
            out.append(" ".join(p for p in parts if p))
        return "\n".join(out)

    def placeholders(self) -> list[str]:
        segs = [s for e in self.elements for s in _all_runs(e)]
        return [s.text for s in segs if s.kind == "placeholder"]


def _all_runs(e: Element) -> Iterable[Segment]:
    yield from e.label
    yield from e.runs
    if e.table:
        for row in e.table.rows:
            for cell in row:
                yield from cell
    for _, runs in e.lines:
        yield from runs


def _plain(runs: Runs) -> str:
    return "".join(s.text for s in runs)


def clean_value(value: Any) -> str:
    """A value from an assessment as one safe line of text."""
    return " ".join(_XML_INVALID.sub("", str(value)).split())


def known_value(value: Any) -> str:
    """A name or detail to fill into a contract: 'onbekend', '?' and the like are no value at all,
    so the placeholder stays open rather than 'Onbekend' becoming contract text."""
    text = clean_value(value)
    return "" if text.lower() in EMPTY_WORDS else text


# --- segments -------------------------------------------------------------------------------

def source_runs(text: str) -> Runs:
    """Knowledge text: bracketed parts are placeholders."""
    runs: list[Segment] = []
    pos = 0
    for m in re.finditer(PLACEHOLDER, text):
        if m.start() > pos:
            runs.append(Segment(text[pos:m.start()]))
        runs.append(Segment(m.group(), "placeholder"))
        pos = m.end()
    if pos < len(text):
        runs.append(Segment(text[pos:]))
    return tuple(runs)


def filled_runs(text: str, fill: Iterable[str | None], values: Mapping[str, str]) -> Runs:
    """Knowledge text with its placeholders filled, in order, from values[slot] where known."""
    slots = list(fill)
    runs: list[Segment] = []
    index = 0
    for seg in source_runs(text):
        if seg.kind == "placeholder":
            slot = slots[index] if index < len(slots) else None
            index += 1
            value = values.get(slot) if slot else None
            if value:
                runs.append(Segment(value, "filled"))
                continue
        runs.append(seg)
    return tuple(runs)


def template_runs(template: str, **values: Any) -> Runs:
    """Our text with {name} fields: the template's own placeholders are marked, values are
    filled in as data (never scanned for placeholders or format fields)."""
    runs: list[Segment] = []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        if literal:
            runs.extend(source_runs(literal))
        if name is not None:
            value = values[name]
            if isinstance(value, tuple):  # already runs
                runs.extend(value)
            else:
                runs.append(Segment(clean_value(value), "filled"))
    return tuple(runs)


def _join(parts: list[Runs], sep: str = "; ") -> Runs:
    out: list[Segment] = []
    for i, part in enumerate(parts):
        if i:
            out.append(Segment(sep))
        out.extend(part)
    return tuple(out)


# --- building -------------------------------------------------------------------------------

def draft_kind(assessment: Assessment, lang: str = "nl") -> str:
    """The agreement a draft is made for, or DraftError saying why there is none."""
    texts = load_knowledge().concepten.errors
    result = assessment.classification()
    if not result.determined:
        questions = "; ".join(q.text.get(lang) for q in result.open_questions) or "-"
        raise DraftError(texts["undetermined"].get(lang).format(id=assessment.id,
                                                                questions=questions))
    if result.agreement is None or result.agreement.id not in KINDS:
        reason = result.agreement.reason.get(lang) if result.agreement else "-"
        raise DraftError(texts["none"].get(lang).format(id=assessment.id, reason=reason))
    return result.agreement.id


def party_names(assessment: Assessment) -> dict[str, str]:
    """Slot -> party name for the draft's model (empty names are left out: stay open)."""
    result = assessment.classification()
    client, provider = known_value(assessment.corporation), known_value(assessment.contractor)
    names: dict[str, str] = {}
    if result.relationship is Relationship.CONTROLLER_PROCESSOR:
        by_role = {result.client_role: client, result.provider_role: provider}
        names["controller"] = by_role.get(Role.CONTROLLER, "")
        names["processor"] = by_role.get(Role.PROCESSOR, "")
    else:
        names["party_1"], names["party_2"] = client, provider
    description = known_value(assessment.description)
    if description:
        names["description"] = description
    return {k: v for k, v in names.items() if v}


class _Builder:
    def __init__(self, assessment: Assessment, lang: str, custom: Any, today: dt.date):
        self.kb = load_knowledge()
        self.c = self.kb.concepten
        self.a = assessment
        self.lang = lang
        self.custom = custom
        self.today = today
        self.result = assessment.classification()
        self.kind = draft_kind(assessment, lang)
        self.spec = self.c.kinds[self.kind]
        self.model: ModelAgreement = getattr(self.kb, self.spec.model)
        self.values = party_names(assessment)
        self.out: list[Element] = []
        self.pending_worksheet: Mapping[str, Any] | None = None

    def t(self, text: Text) -> str:
        return text.get(self.lang)

    def add(self, kind: str, runs: Runs = (), **kw: Any) -> None:
        self.out.append(Element(kind, runs, **kw))

    def model_text(self, item: ModelText) -> Runs:
        return filled_runs(self.t(item.text), item.fill, self.values)

    # the parts -----------------------------------------------------------------------------
    def build(self) -> Draft:
        self.front()
        self.articles()
        self.ending()
        for annex in self.model.annexes:
            self.annex(annex)
        if self.pending_worksheet is not None:
            self.worksheet(self.pending_worksheet)
        title = _plain(self.out[0].runs) if self.out else self.t(self.kb.agreement(self.kind).name)
        return Draft(self.kind, self.a.id, self.lang, title, dict(self.values), self.out,
                     self.today)

    def front(self) -> None:
        agreement = self.kb.agreement(self.kind)
        if self.model.title is not None:
            title = filled_runs(self.t(self.model.title.text), self.model.title_fill, self.values)
        else:
            title = (Segment(self.t(agreement.name)),)
        self.add("title", title)
        self.add("note", (Segment(self.t(self.c.draft).upper()),))
        self.add("note", template_runs(self.t(self.c.banner), id=self.a.id,
                                       date=self.today.isoformat()))
        self.add("note", source_runs(self.t(self.spec.based_on)))
        self.add("note", (Segment(source_caveat(self.lang, self.kb).line),))
        if self.spec.note:
            self.add("note", source_runs(self.t(self.spec.note)))
        if self.model.note:
            self.add("note", source_runs(self.t(self.model.note)))
        if not self.result.certain:
            self.add("note", source_runs(self.t(self.c.uncertain)))
        for v in self.result.variants:
            if (v.relationship is Relationship.CONTROLLER_PROCESSOR and self.model.supplement
                    and self.c.variant_subprocessor and self.kind == "verwerkersovereenkomst"):
                self.add("note", template_runs(self.t(self.c.variant_subprocessor), code=v.code))
                continue
            name = self.t(v.agreement.name) if v.agreement else "-"
            self.add("note", template_runs(self.t(self.c.variants), code=v.code, agreement=name))
        for block in self.model.front:
            self.block(block)

    def block(self, block: Block, values: Mapping[str, Runs] | None = None) -> None:
        runs = self.model_text(block)
        if block.kind == "heading":
            self.add("heading", runs, level=3)
        elif block.kind == "field":
            value = (values or {}).get(block.id or "") or source_runs(self.t(self.c.blank))
            self.add("field", value, label=runs)
        elif block.kind == "question":
            self.add("question", runs, number=block.number or "",
                     help=self.t(block.help) if block.help else "")
        elif block.kind == "item":
            self.add("item", runs, number=block.number or "")
        else:
            self.add(block.kind, runs)

    def articles(self) -> None:
        for article in self.model.articles:
            self.article(article, cite=self.model.ours)
        if self.model.supplement:
            if self.model.supplement_note:
                self.add("note", source_runs(self.t(self.model.supplement_note)))
            for article in self.model.supplement:
                self.article(article, cite=True)

    def article(self, article, cite: bool = False) -> None:
        self.add("heading", (Segment(self.t(article.title)),), level=2,
                 number=f"{article.number}.")
        if article.intro:
            self.add("paragraph", (Segment(self.t(article.intro)),))
        for clause in article.clauses:
            runs = self.model_text(clause)
            if cite and clause.citations:
                runs = (*runs, Segment(f" ({'; '.join(clause.citations)})"))
            self.add("clause", runs, number=clause.number)
            for note in notes_of(clause.notes):
                self.add("note", (Segment(note_line(note, self.lang)),))

    def ending(self) -> None:
        if self.model.closing:
            self.add("paragraph", (Segment(self.t(self.model.closing)),))
        if not self.model.signatures:
            self.add("note", source_runs(self.t(self.c.missing_ending)))
        blank = source_runs(self.t(self.c.blank))
        for sig in self.model.signatures:
            on_behalf = filled_runs(self.t(sig.on_behalf.text), [sig.party], self.values)
            lines = tuple((self.t(f), blank) for f in sig.fields)
            self.add("signature", on_behalf, label=(Segment(self.t(sig.title)),), lines=lines)

    def annex(self, annex) -> None:
        self.add("pagebreak")
        self.add("heading", (Segment(self.t(annex.title)),), level=1)
        if annex.note:
            self.add("note", source_runs(self.t(annex.note)))
        blocks = annex.blocks
        if annex.reuse:
            stem, annex_id = annex.reuse.split("/")
            blocks = getattr(self.kb, stem).annex(annex_id).blocks
        values = self.overview_values() if any(b.kind == "field" for b in blocks) else None
        if values:
            self.add("note", source_runs(self.t(self.c.annex_from_assessment)))
        for block in blocks:
            self.block(block, values)
        if annex.groups:
            self.measures(annex.groups)

    # Bijlage 1: the overview of processing --------------------------------------------------
    def overview_values(self) -> dict[str, Runs]:
        c, profile = self.c.values, self.a.checklist.get("risk_profile") or {}
        v: dict[str, Runs] = {}
        for slot in ("controller", "processor", "party_1", "party_2"):
            if self.values.get(slot):
                v[slot] = (Segment(self.values[slot], "filled"),)
        if self.values.get("description"):
            v["activities"] = (Segment(self.values["description"], "filled"),)
        for key, slot in (("purpose", "purposes"), ("retention", "retention")):
            text = known_value(profile.get(key) or "")
            if text:
                v[slot] = (Segment(text, "filled"),)
        sub = self.a.answers.get("subcontractor")
        if sub is not None:
            v["subprocessors"] = source_runs(self.t(c.subprocessor_yes if sub
                                                    else c.subprocessor_no))
        parts: list[Runs] = []
        if profile.get("data_kind") in c.kinds:
            parts.append(template_runs(self.t(c.data_kind),
                                       kind=self.t(c.kinds[profile["data_kind"]])))
        if profile.get("data_subjects") is not None:
            parts.append(template_runs(self.t(c.data_subjects), count=profile["data_subjects"]))
        if parts:
            v["personal_data"] = _join([*parts, source_runs(self.t(c.data_details))])
        return v

    # Bijlage 2: the measures the processor commits to; the gaps in a worksheet apart -------
    def measures(self, groups: Mapping[str, Text]) -> None:
        from avgkit.checklist import assess

        m = self.c.commitments
        result = assess(self.a.checklist, self.a.actions, custom=self.custom).to_dict()
        self.add("paragraph", source_runs(self.t(m.intro)))
        level = result.get("risk_level_label")
        if level:
            self.add("paragraph", template_runs(self.t(self.c.measures.risk),
                                                level=level[self.lang]))
        headers = tuple(self.t(m.headers[k]) for k in ("id", "measure", "commitment"))
        order = list(groups) + sorted({x["category"] for x in result["measures"]} - set(groups))
        for category in order:
            items = [x for x in result["measures"] if x["category"] == category]
            items.sort(key=lambda x: bool(x.get("custom")))
            if not items:
                continue
            rows = []
            for x in items:
                if x["status"] == "nvt":
                    promise = template_runs(self.t(m.not_applicable),
                                            reason=clean_value(x.get("reason") or "") or "-")
                else:
                    promise = source_runs(self.t(m.commitment))
                rows.append(((Segment(x["id"]),), (Segment(x["text"][self.lang]),), promise))
            title = groups.get(category)
            self.add("heading", (Segment(self.t(title) if title else category),), level=3)
            self.add("table", table=Table(headers, tuple(rows), tuple(x["id"] for x in items)),
                     widths=(1.8, 8.2, 6.0))
        self.pending_worksheet = result

    def worksheet(self, result: Mapping[str, Any]) -> None:
        m = self.c.commitments
        self.add("pagebreak")
        self.add("heading", (Segment(self.t(m.worksheet_title)),), level=1)
        self.add("note", source_runs(self.t(m.worksheet_intro)))
        gaps = [x for x in result["measures"] if x["status"] in m.states]
        if not gaps:
            self.add("paragraph", source_runs(self.t(m.no_gaps)))
            return
        headers = tuple(self.t(m.worksheet_headers[k])
                        for k in ("id", "measure", "state", "note", "actions"))
        rows = [self.measure_row(x) for x in gaps]
        self.add("table", table=Table(headers, tuple(rows), tuple(x["id"] for x in gaps)),
                 widths=(1.8, 4.8, 2.8, 3.0, 3.6))

    def measure_row(self, x: Mapping[str, Any]) -> tuple[Runs, ...]:
        m = self.c.measures
        state = self.t(self.c.commitments.states[x["status"]])
        note = " ".join(clean_value(x.get(k) or "") for k in ("note", "evidence", "reason"))
        actions = [template_runs(self.t(m.action), what=a.get("what", ""),
                                 owner=a.get("owner") or "-", due=a.get("due") or "-",
                                 status=self.t(m.action_status[a.get("status") or "open"]))
                   for a in x.get("actions") or ()]
        return ((Segment(x["id"]),), (Segment(x["text"][self.lang]),),
                (Segment(state, "filled"),), (Segment(note.strip(), "filled"),) if note.strip()
                else (), _join(actions))


def build_draft(assessment: Assessment, lang: str = "nl", custom: Any = None,
                today: dt.date | None = None) -> Draft:
    """The draft agreement for an assessment; DraftError if none can be made."""
    check_lang(lang)
    return _Builder(assessment, lang, custom, today or dt.date.today()).build()


# --- DOCX ------------------------------------------------------------------------------------

def _numbering(doc) -> int:
    """Add a two-level Word list (articles '1.', clauses '1.1') and return its numId."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    numbering = doc.part.numbering_part.element
    abstract_id = 1 + max((int(a.get(qn_w("abstractNumId")))
                           for a in numbering.xpath("./w:abstractNum")), default=0)
    num_id = 1 + max((int(n.get(qn_w("numId"))) for n in numbering.xpath("./w:num")), default=0)
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="680" w:hanging="680"/></w:pPr>{bold}</w:lvl>'
        for i, text, bold in ((0, "%1.", ""), (1, "%1.%2", "<w:rPr><w:b/></w:rPr>")))
    abstract = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
                         f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>')
    existing = numbering.xpath("./w:abstractNum")
    if existing:
        existing[-1].addnext(abstract)
    else:
        numbering.insert(0, abstract)
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}">'
                               f'<w:abstractNumId w:val="{abstract_id}"/></w:num>'))
    return num_id


def qn_w(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(f"w:{tag}")


def _field(par, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) in a paragraph."""
    from docx.oxml import OxmlElement

    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"),
                       ("end", None)):
        run = par.add_run()
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn_w("fldCharType"), kind)
        elif text == "1":
            run.text = "1"
            continue
        else:
            el = OxmlElement("w:instrText")
            el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            el.text = f" {text} "
        run._r.append(el)


def render_docx(draft: Draft, target: str | Path | IO[bytes]) -> None:
    """Write the draft as a Word document on A4: headings, articles and clauses in Word's own
    numbering, measure tables with fixed column widths, CONCEPT with avgkit's version and the
    date in the header, page numbers in the footer; placeholders bold on yellow, our notes in
    italics; document properties dated today with avgkit as author."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX
    from docx.shared import Cm, Pt

    from avgkit import __version__

    c = load_knowledge().concepten
    doc = Document()
    created = dt.datetime.combine(draft.date, dt.time(12, 0))
    props = doc.core_properties
    props.title = clean_value(draft.title)
    props.subject = f"{draft.kind} / {draft.assessment_id}"
    props.author = props.last_modified_by = "avgkit"
    props.comments = f"avgkit {__version__}"
    props.created = props.modified = created
    props.last_printed = created
    props.revision = 1
    doc.styles["Normal"].font.size = Pt(10)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.2)
    usable = 21.0 - 5.0
    if c.header:
        head = section.header.paragraphs[0]
        head.text = c.header.get(draft.lang).format(version=__version__, id=draft.assessment_id,
                                                    date=draft.date.isoformat())
        head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        head.runs[0].font.size = Pt(8)
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot.add_run(f"{c.footer.get(draft.lang) if c.footer else ''} ")
    _field(foot, "PAGE")
    foot.add_run(" / ")
    _field(foot, "NUMPAGES")
    num_id = _numbering(doc)

    def number(par, level: int) -> None:
        numpr = par._p.get_or_add_pPr().get_or_add_numPr()
        numpr.get_or_add_ilvl().val = level
        numpr.get_or_add_numId().val = num_id

    def runs(par, segs: Runs, italic: bool = False) -> None:
        for seg in segs:
            run = par.add_run(clean_value(seg.text) if seg.kind == "filled" else seg.text)
            run.italic = italic or None
            if seg.kind == "placeholder":
                run.bold = True
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    def numbered(label: str, segs: Runs) -> None:
        par = doc.add_paragraph()
        par.paragraph_format.left_indent = Cm(1.0)
        par.paragraph_format.first_line_indent = Cm(-1.0)
        par.add_run(label).bold = True
        par.add_run("\t")
        runs(par, segs)

    def table_of(rows: int, widths: tuple[float, ...]):
        table = doc.add_table(rows=rows, cols=len(widths))
        table.style = "Table Grid"
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Cm(width)  # the grid: what LibreOffice and Word lay out by
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)
        return table

    def add_row(table, widths: tuple[float, ...]):
        cells = table.add_row().cells
        for cell, width in zip(cells, widths, strict=True):
            cell.width = Cm(width)
        return cells

    fields: list[Element] = []
    field_widths = (5.8, usable - 5.8)

    def flush_fields() -> None:
        if not fields:
            return
        table = table_of(0, field_widths)
        for f in fields:
            cells = add_row(table, field_widths)
            runs(cells[0].paragraphs[0], f.label)
            runs(cells[1].paragraphs[0], f.runs)
        fields.clear()

    for e in draft.elements:
        if e.kind != "field":
            flush_fields()
        if e.kind == "title":
            runs(doc.add_heading("", level=0), e.runs)
        elif e.kind == "heading":
            par = doc.add_heading("", level=e.level)
            if e.number and e.level == 2:
                number(par, 0)
            runs(par, e.runs)
        elif e.kind == "note":
            runs(doc.add_paragraph(), e.runs, italic=True)
        elif e.kind == "paragraph":
            runs(doc.add_paragraph(), e.runs)
        elif e.kind == "clause":
            par = doc.add_paragraph()
            number(par, 1)
            runs(par, e.runs)
        elif e.kind == "item":
            numbered(e.number, e.runs)
        elif e.kind == "bullet":
            runs(doc.add_paragraph(style="List Bullet"), e.runs)
        elif e.kind == "question":
            numbered(e.number, e.runs)
            if e.help:
                par = doc.add_paragraph()
                par.paragraph_format.left_indent = Cm(1.0)
                par.add_run(e.help).italic = True
        elif e.kind == "field":
            fields.append(e)
        elif e.kind == "table" and e.table:
            widths = e.widths or tuple(usable / len(e.table.headers) for _ in e.table.headers)
            table = table_of(1, widths)
            for cell, header in zip(table.rows[0].cells, e.table.headers, strict=True):
                cell.paragraphs[0].add_run(header).bold = True
            for row in e.table.rows:
                for cell, value in zip(add_row(table, widths), row, strict=True):
                    runs(cell.paragraphs[0], value)
        elif e.kind == "signature":
            par = doc.add_paragraph()
            runs(par, e.label)
            par.runs[0].bold = True
            runs(doc.add_paragraph(), e.runs)
            for label, value in e.lines:
                par = doc.add_paragraph(label + " ")
                runs(par, value)
        elif e.kind == "pagebreak":
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    flush_fields()
    doc.save(target)


# --- HTML ------------------------------------------------------------------------------------

def render_html(draft: Draft) -> str:
    """The draft as one self-contained HTML page; every value escaped (jinja2 autoescape)."""
    from avgkit.templating import environment

    groups: list[tuple[str, Any]] = []  # consecutive fields become one table
    for e in draft.elements:
        if e.kind == "field" and groups and groups[-1][0] == "fields":
            groups[-1][1].append(e)
        elif e.kind == "field":
            groups.append(("fields", [e]))
        else:
            groups.append((e.kind, e))
    return environment().get_template("draft.html.j2").render(draft=draft, groups=groups)


def write_draft(draft: Draft, path: str | Path, fmt: str | None = None) -> Path:
    path = Path(path)
    fmt = fmt or path.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if fmt == "docx":
        render_docx(draft, path)
    else:
        path.write_text(render_html(draft), encoding="utf-8")
    return path


def save_draft(assessment: Assessment, folder: str | Path, fmt: str = "docx", lang: str = "nl",
               custom: Any = None) -> Path:
    """Build and write the draft as <folder>/<id>-<agreement>.<fmt> (for a notebook button);
    DraftError if the assessment needs no agreement or its roles are not established."""
    draft = build_draft(assessment, lang, custom=custom)
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{assessment.id}-{draft.kind}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return write_draft(draft, folder / f"{name}.{fmt}", fmt)
