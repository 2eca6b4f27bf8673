"""Pydantic schemas of the knowledge files. Unknown keys are errors, so a typo fails loudly."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from avgkit.models import Text

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
RoleName = Literal["CONTROLLER", "PROCESSOR", "JOINT_CONTROLLER", "NONE"]
RelationshipName = Literal["controller_to_controller", "controller_processor",
                           "joint_controllers", "none"]
Citations = Annotated[list[NonEmpty], Field(min_length=1)]


def _text(value: Any) -> Text:
    if isinstance(value, Text):
        return value
    if not isinstance(value, dict) or set(value) != {"nl", "en"}:
        raise ValueError("expected a mapping with exactly the keys 'nl' and 'en'")
    for lang in ("nl", "en"):
        if not isinstance(value[lang], str) or not value[lang].strip():
            raise ValueError(f"'{lang}' text is missing or empty")
    return Text(nl=" ".join(value["nl"].split()), en=" ".join(value["en"].split()))


BiText = Annotated[Text, BeforeValidator(_text)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(Strict):
    """An item whose own text sits in `nl` and `en` keys."""

    nl: NonEmpty
    en: NonEmpty

    @property
    def text(self) -> Text:
        return Text(nl=" ".join(self.nl.split()), en=" ".join(self.en.split()))


NoteKind = Literal["correctie", "sic", "opmerking", "lezing", "aanvulling"]


class OurNote(Bilingual):
    """A remark of ours beside a source text, never the source's words: a correction against the
    AVG (with its article), a [sic] for a typo kept verbatim, a remark, our own reading, or a
    supplement to a model. Labelled by kind wherever it is shown (bron.yaml note_kinds)."""

    kind: NoteKind
    by: Literal["avgkit"] = "avgkit"
    citations: list[NonEmpty] = []

    @model_validator(mode="after")
    def _correction_cites(self):
        if self.kind in ("correctie", "lezing") and not self.citations:
            raise ValueError(f"a {self.kind!r} note needs the article it rests on (citations)")
        return self


class Bron(Strict):
    """The source's own description of itself (Inleiding) and the labels of our notes."""

    file: Literal["bron"]
    title: BiText
    authors: BiText
    organisations: Annotated[list[NonEmpty], Field(min_length=1)]
    caveat: BiText
    line: BiText
    note_kinds: dict[NoteKind, BiText]
    references: dict[str, BiText]


class RoleLabels(Strict):
    provider: NonEmpty
    client: NonEmpty


class Quote(Bilingual):
    citations: Citations


class Form(Strict):
    id: NonEmpty
    number: int
    data_exchange: NonEmpty
    provider_role: RoleName
    client_role: RoleName
    relationship: RelationshipName
    role_labels: dict[Literal["nl", "en"], RoleLabels]
    premise: dict[str, bool]
    description: BiText
    argumentation: Annotated[list[BiText], Field(min_length=1)]
    quotes: list[NonEmpty] = []
    citations: Citations
    caveats: list[OurNote] = []  # our readings shown with the outcome (e.g. EDPB 07/2020)
    notes: list[OurNote] = []  # [sic] and remarks on the source's wording of this form


class Samenwerkingsvormen(Strict):
    file: Literal["samenwerkingsvormen"]
    source: NonEmpty
    note: BiText
    quotes: dict[str, Quote]
    forms: Annotated[list[Form], Field(min_length=4, max_length=4)]


class Variant(Strict):
    id: NonEmpty
    code: Literal["A", "B", "C"]
    fact: NonEmpty
    party: Literal["provider", "subcontractor"]
    provider_role: RoleName
    client_role: RoleName
    relationship: RelationshipName
    role_labels: dict[Literal["nl", "en"], RoleLabels]
    description: BiText
    argumentation: Annotated[list[BiText], Field(min_length=1)]
    citations: Citations
    agreement: NonEmpty | None = None  # overeenkomsten.yaml id; default: by relationship
    conflicting_forms: dict[str, BiText] = {}  # data_exchange value -> why it cannot hold
    notes: list[OurNote] = []


class Varianten(Strict):
    file: Literal["varianten"]
    source: NonEmpty
    variants: Annotated[list[Variant], Field(min_length=3, max_length=3)]


class Definition(Bilingual):
    id: NonEmpty
    source: NonEmpty
    citations: Citations
    explanation: BiText | None = None


class Begrippen(Strict):
    file: Literal["begrippen"]
    roles: dict[RoleName, BiText]
    relationships: dict[RelationshipName, BiText]
    parties: dict[Literal["client", "provider", "subcontractor"], BiText]
    definitions: Annotated[list[Definition], Field(min_length=1)]


class Obligation(Bilingual):
    id: NonEmpty
    citations: Citations  # the source's footnote, as the source gives it
    notes: list[OurNote] = []


class ObligationGroup(Strict):
    id: NonEmpty
    role: RoleName
    source: NonEmpty
    title: BiText
    intro: BiText
    citations: Citations
    items: Annotated[list[Obligation], Field(min_length=1)]


class Verplichtingen(Strict):
    file: Literal["verplichtingen"]
    groups: Annotated[list[ObligationGroup], Field(min_length=1)]


class Agreement(Strict):
    id: NonEmpty
    necessity: Literal["required", "recommended", "none"]
    name: BiText
    reason: BiText
    source: NonEmpty
    citations: Citations
    note: BiText | None = None


class ContractPoint(Bilingual):
    id: NonEmpty
    number: int
    optional: bool
    citations: Citations


class SupplementaryPoint(Bilingual):
    """A requirement of art. 28 AVG that the source's 14 points leave out (ours)."""

    id: NonEmpty
    number: NonEmpty  # A1, A2...: after the source's 1-14
    optional: bool = False
    citations: Citations
    clause: NonEmpty | None = None  # the supplementary clause of the draft that covers it


class ContractContents(Strict):
    source: NonEmpty
    citations: Citations
    intro: BiText
    optional_note: BiText
    points: Annotated[list[ContractPoint], Field(min_length=14, max_length=14)]
    supplementary_intro: BiText | None = None
    supplementary_missing: BiText | None = None  # remark template, {points}
    supplementary: list[SupplementaryPoint] = []


class Overeenkomsten(Strict):
    file: Literal["overeenkomsten"]
    agreements: Annotated[list[Agreement], Field(min_length=1)]
    verwerkersovereenkomst_contents: ContractContents
    other_outcomes: list[Agreement] = []  # e.g. variant A's own use: nothing to agree (ours)


class Option(Bilingual):
    value: NonEmpty
    form: NonEmpty | None = None


class Question(Bilingual):
    key: NonEmpty
    step: Literal["vorm", "algemeen", "varianten"]
    kind: Literal["choice", "bool"]
    citations: Citations
    help: BiText
    options: list[Option] = []
    variant: Literal["A", "B", "C"] | None = None


class Vragen(Strict):
    file: Literal["vragen"]
    answers: dict[Literal["true", "false", "null"], BiText]
    questions: Annotated[list[Question], Field(min_length=1)]


class Rule(Bilingual):
    id: NonEmpty
    when: dict[str, bool] = {}
    when_any: dict[str, bool] = {}
    provider_role: RoleName
    client_role: RoleName
    relationship: RelationshipName
    citations: Citations
    basis: Literal["facts", "indicator"] = "facts"  # indicator: the AP's primary-assignment test
    ours: bool = True  # the rule's sentence is our reading, not the source's or the AP's text
    quote: NonEmpty | None = None  # a samenwerkingsvormen.yaml quote shown after it, as a quote


class VariantRule(Bilingual):
    citations: Citations
    ours: bool = True


class Conflict(Bilingual):
    """Answers that cannot all hold at once; nl/en say why (ours)."""

    id: NonEmpty
    when: Annotated[dict[str, bool], Field(min_length=2)]
    citations: Citations


class Regels(Strict):
    file: Literal["regels"]
    order_note: BiText  # ours: why the rules stand in this order
    order_citations: Citations
    rules: Annotated[list[Rule], Field(min_length=1)]
    conflicts: list[Conflict] = []
    variant_rules: dict[str, VariantRule]
    open_questions: dict[str, BiText]


class InterfaceRemark(Bilingual):
    severity: Literal["hoog", "midden", "info"]
    citations: Citations


class Interface(Strict):
    """Texts of the notebooks and reports that are ours, not the source's (interface.yaml)."""

    file: Literal["interface"]
    note: BiText
    labels: dict[str, BiText]
    remarks: dict[str, InterfaceRemark]


# --- model agreements (verwerkersovereenkomst.yaml, modelregeling.yaml) and drafts -----------

PLACEHOLDER = r"\[[^\[\]]+\]"  # text the source leaves open, e.g. [STATUTAIRE NAAM]
# What a draft may fill in from an assessment, per placeholder.
Slot = Literal["controller", "processor", "party_1", "party_2", "description"]


def _placeholders(text: str) -> list[str]:
    return re.findall(PLACEHOLDER, text)


class ModelText(Bilingual):
    """A text of a model with placeholders; `fill` names per placeholder (in order) the slot a
    draft may fill from an assessment, or None to leave it open."""

    fill: list[Slot | None] = []

    @model_validator(mode="after")
    def _same_placeholders(self):
        nl, en = _placeholders(self.nl), _placeholders(self.en)
        if len(nl) != len(en):
            raise ValueError(f"nl has {len(nl)} placeholders, en has {len(en)}: keep them in the "
                             "translation, in the same order")
        if len(self.fill) > len(nl):
            raise ValueError(f"fill names {len(self.fill)} slots but the text has {len(nl)} "
                             "placeholders")
        return self


class Block(ModelText):
    kind: Literal["heading", "paragraph", "item", "bullet", "question", "field"]
    id: NonEmpty | None = None
    number: NonEmpty | None = None
    help: BiText | None = None


class Clause(ModelText):
    number: NonEmpty
    citations: list[NonEmpty] = []  # supplementary clauses (ours): the article they rest on
    notes: list[OurNote] = []  # our remarks on a source clause, shown after it in a draft


class Article(Strict):
    number: int
    title: BiText
    citations: list[NonEmpty] = []
    intro: BiText | None = None
    clauses: Annotated[list[Clause], Field(min_length=1)]

    @model_validator(mode="after")
    def _numbered_in_order(self):
        expected = [f"{self.number}.{i + 1}" for i in range(len(self.clauses))]
        if [c.number for c in self.clauses] != expected:
            raise ValueError(f"clauses of article {self.number} must be numbered {expected}")
        return self


class SignatureBlock(Strict):
    party: Slot
    title: BiText
    on_behalf: ModelText
    fields: Annotated[list[BiText], Field(min_length=1)]


class Annex(Strict):
    id: NonEmpty
    number: int
    title: BiText
    blocks: list[Block] = []
    groups: dict[str, BiText] = {}  # measure categories (Bijlage 2)
    reuse: NonEmpty | None = None  # "<model file>/<annex id>": take that annex's blocks
    note: BiText | None = None  # ours


class ModelAgreement(Strict):
    file: Literal["verwerkersovereenkomst", "modelregeling", "verstrekkingsovereenkomst"]
    source: NonEmpty
    citations: Citations
    heading: BiText
    title: ModelText | None = None
    title_fill: list[Slot | None] = []
    note: BiText | None = None  # ours
    front: Annotated[list[Block], Field(min_length=1)]
    articles: Annotated[list[Article], Field(min_length=1)]
    closing: BiText | None = None
    signatures: list[SignatureBlock] = []
    annexes: list[Annex] = []
    # Articles of ours that the source's model lacks (art. 28(3), art. 26(2)), numbered after the
    # model's own; supplement_note says so at their head in every draft.
    supplement: list[Article] = []
    supplement_note: BiText | None = None
    ours: bool = False  # the whole model is ours (no model in the source)

    @model_validator(mode="after")
    def _articles_in_order(self):
        numbers = [a.number for a in (*self.articles, *self.supplement)]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"articles must be numbered 1..{len(numbers)}, got {numbers}")
        return self

    def annex(self, annex_id: str) -> Annex:
        return next(a for a in self.annexes if a.id == annex_id)

    def clause(self, number: str) -> Clause:
        return next(c for a in self.articles for c in a.clauses if c.number == number)


class DraftKind(Strict):
    model: Literal["verwerkersovereenkomst", "modelregeling", "verstrekkingsovereenkomst"]
    based_on: BiText
    note: BiText | None = None


class ValueTexts(Strict):
    subprocessor_yes: BiText
    subprocessor_no: BiText
    data_kind: BiText
    data_subjects: BiText
    data_details: BiText
    kinds: dict[Literal["normaal", "bijzonder", "gevoelig"], BiText]


class MeasureTexts(Strict):
    intro: BiText
    risk: BiText
    headers: dict[Literal["id", "measure", "status", "note", "actions"], BiText]
    action_status: dict[Literal["open", "bezig", "gereed"], BiText]
    action: BiText


class CommitmentTexts(Strict):
    """Bijlage 2 as commitments of the processor; the checklist's gaps in a worksheet apart."""

    intro: BiText
    headers: dict[Literal["id", "measure", "commitment"], BiText]
    commitment: BiText
    not_applicable: BiText
    worksheet_title: BiText
    worksheet_intro: BiText
    worksheet_headers: dict[Literal["id", "measure", "state", "note", "actions"], BiText]
    states: dict[Literal["gedeeltelijk", "afwezig", "open"], BiText]
    no_gaps: BiText


class Concepten(Strict):
    file: Literal["concepten"]
    blank: BiText
    draft: BiText
    banner: BiText
    uncertain: BiText
    source_name: BiText
    kinds: dict[Literal["verwerkersovereenkomst", "regeling-gezamenlijke-verantwoordelijkheid",
                        "verwerkingsverantwoordelijkenovereenkomst"], DraftKind]
    missing_ending: BiText
    annex_from_assessment: BiText
    errors: dict[Literal["none", "undetermined"], BiText]
    values: ValueTexts
    measures: MeasureTexts
    variants: BiText
    variant_subprocessor: BiText | None = None  # variant B under a processor: inside the DPA
    header: BiText | None = None  # page header of a DOCX: CONCEPT, version, assessment, date
    footer: BiText | None = None  # page footer: "Pagina {page}"
    commitments: CommitmentTexts | None = None


# --- data breaches (datalekken.yaml) ------------------------------------------------------

ClauseRef = Annotated[str, StringConstraints(
    pattern=r"^(verwerkersovereenkomst|modelregeling|verstrekkingsovereenkomst)/\d+\.\d+$")]


class BreachDeadline(Bilingual):
    id: NonEmpty
    who: Literal["processor", "joint_controller", "controller_to_controller", "controller"]
    hours: Annotated[int, Field(gt=0)] | None = None  # None: "zonder onredelijke vertraging"
    start: Literal["discovered", "controller_aware"]
    clause: ClauseRef | None = None
    citations: Citations


class BreachNotice(Bilingual):
    clause: ClauseRef | None = None
    ours: bool = False
    citations: Citations


class DataKindOptions(Strict):
    source: NonEmpty
    options: Annotated[list[Option], Field(min_length=1)]


class Datalekken(Strict):
    file: Literal["datalekken"]
    timezone: NonEmpty
    deadlines: Annotated[list[BreachDeadline], Field(min_length=1)]
    notices: dict[str, BreachNotice]
    data_kinds: DataKindOptions
    labels: dict[str, BiText]
    parties: dict[Literal["client", "provider"], BiText]
    status: dict[Literal["open", "gesloten"], BiText]
    states: dict[Literal["open", "overdue", "on_time", "late", "not_required", "asap", "done"],
                 BiText]
    # issue 11: the risk assessment (art. 33/34 AVG), the art. 34(3) exceptions, register texts
    risks: dict[Literal["geen", "risico", "hoog"], BiText] = {}
    exceptions: dict[str, BreachNotice] = {}


# --- register of processing activities (register.yaml) -------------------------------------

class RegisterColumn(Strict):
    id: NonEmpty
    header: BiText
    text: BiText


class RegisterSheet(Strict):
    sheet: BiText
    title: BiText
    citations: Citations
    columns: Annotated[list[RegisterColumn], Field(min_length=1)]


class Register(Strict):
    file: Literal["register"]
    controller: RegisterSheet
    processor: RegisterSheet
    common: dict[str, BiText]
    values: dict[str, BiText]
    parties: dict[Literal["corporation", "contractor"], BiText]


# --- beveiliging.yaml: the Bijlage 2 security checklist (avgkit.checklist) ------------------------

Level = Literal["laag", "midden", "hoog"]
LEVEL_ORDER: tuple[str, ...] = ("laag", "midden", "hoog")
Category = Literal["technisch", "organisatorisch"]
AnswerStatus = Literal["aanwezig", "gedeeltelijk", "afwezig", "nvt"]
GapStatus = Literal["gedeeltelijk", "afwezig"]
VerdictName = Literal["voldoende", "aandacht nodig", "onvoldoende"]
FactorKey = Literal["data_kind", "data_subjects", "purpose", "retention", "organisation_size"]
# A control number of ISO/IEC 27002:2022: 5.1-5.37, 6.1-6.8, 7.1-7.14, 8.1-8.34.
IsoRef = Annotated[str, StringConstraints(
    pattern=r"^(5\.([1-9]|[12][0-9]|3[0-7])|6\.[1-8]|7\.([1-9]|1[0-4])|8\.([1-9]|[12][0-9]|3[0-4]))$")]
SourceMeasureId = Annotated[str, StringConstraints(pattern=r"^(tm|om)-0[1-9]$")]
# An organisation's own measure: "eigen-" and lower-case words joined by hyphens.
CustomMeasureId = Annotated[str, StringConstraints(
    pattern=r"^eigen-[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]


class SourceQuote(Bilingual):
    source: NonEmpty  # where in the source the sentence stands


class CategoryInfo(Strict):
    label: BiText


class LevelInfo(Strict):
    label: BiText
    description: BiText


class StatusInfo(Strict):
    label: BiText
    points: Annotated[float, Field(ge=0, le=1)] | None = None  # None: left out of the score


class FactorOption(Strict):
    value: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$")]
    label: BiText
    citations: list[NonEmpty] = []


class Factor(Strict):
    key: FactorKey
    kind: Literal["choice", "count", "text"]
    name: BiText
    question: BiText
    quotes: Annotated[list[NonEmpty], Field(min_length=1)]
    citations: Citations
    options: list[FactorOption] = []
    note: BiText | None = None

    @model_validator(mode="after")
    def _options_fit_kind(self) -> Factor:
        if self.kind == "count" and self.options:
            raise ValueError(f"factor {self.key!r} counts, so it takes no options")
        if self.kind != "count" and not self.options:
            raise ValueError(f"factor {self.key!r} of kind {self.kind!r} needs options")
        values = [o.value for o in self.options]
        if len(set(values)) != len(values):
            raise ValueError(f"factor {self.key!r} has duplicate option values")
        return self


class RiskCondition(Strict):
    factor: FactorKey
    equals: NonEmpty | None = None
    one_of: list[NonEmpty] | None = None
    at_least: Annotated[int, Field(ge=0)] | None = None

    @model_validator(mode="after")
    def _one_test(self) -> RiskCondition:
        if sum(x is not None for x in (self.equals, self.one_of, self.at_least)) != 1:
            raise ValueError("a condition needs exactly one of equals, one_of, at_least")
        return self

    @property
    def values(self) -> list[str]:
        return [self.equals] if self.equals is not None else list(self.one_of or [])


class RiskRule(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: NonEmpty
    when: RiskCondition | None = None  # None: always fires
    min_level: Level | None = None
    raise_by: Annotated[int, Field(ge=1, le=2)] | None = Field(default=None, alias="raise")
    ours: bool
    quotes: Annotated[list[NonEmpty], Field(min_length=1)]
    citations: Citations
    text: BiText

    @model_validator(mode="after")
    def _one_effect(self) -> RiskRule:
        if (self.min_level is None) == (self.raise_by is None):
            raise ValueError(f"risk rule {self.id!r} needs exactly one of min_level, raise")
        return self


class SeverityCondition(Strict):
    status: Annotated[list[GapStatus], Field(min_length=1)]
    risk_level: list[Level] | None = None
    expected_from: list[Level] | None = None


class SeverityRule(Strict):
    id: NonEmpty
    when: SeverityCondition
    severity: Level
    ours: bool
    text: BiText


class VerdictCondition(Strict):
    finding_severity: Level | None = None
    max_score_below: Annotated[float, Field(gt=0, le=1)] | None = None
    open_items: Literal[True] | None = None
    findings: Literal[True] | None = None

    @model_validator(mode="after")
    def _one_test(self) -> VerdictCondition:
        if sum(v is not None for v in self.__dict__.values()) != 1:
            raise ValueError("a verdict condition needs exactly one test")
        return self


class VerdictRule(Strict):
    id: NonEmpty
    when: VerdictCondition | None = None  # None: always (the last rule)
    verdict: VerdictName
    ours: bool
    quotes: list[NonEmpty] = []
    citations: Citations
    text: BiText


class MeasureBase(Bilingual):
    category: Category
    expected_from: Level  # the lowest risk level at which the measure is expected (ours)
    evidence: BiText  # what counts as evidence (ours)
    note: BiText | None = None


class SourceMeasure(MeasureBase):
    id: SourceMeasureId
    number: Annotated[int, Field(ge=1)]
    iso27002: Annotated[list[IsoRef], Field(min_length=1)]
    citations: Citations


class CustomMeasure(MeasureBase):
    id: CustomMeasureId
    iso27002: list[IsoRef] = []
    citations: list[NonEmpty] = []


class OpenTexts(Strict):
    factor_missing: BiText
    factor_unclassified: BiText
    factor_unclassified_settled: BiText
    measure_open: BiText


class Beveiliging(Strict):
    file: Literal["beveiliging"]
    source: NonEmpty
    title: BiText
    intro: Annotated[list[NonEmpty], Field(min_length=1)]
    ours_note: BiText
    iso_note: BiText
    quotes: dict[str, SourceQuote]
    categories: dict[Category, CategoryInfo]
    levels: dict[Level, LevelInfo]
    statuses: dict[Literal["aanwezig", "gedeeltelijk", "afwezig", "nvt", "open"], StatusInfo]
    verdicts: dict[VerdictName, BiText]
    open_texts: OpenTexts
    factors: Annotated[list[Factor], Field(min_length=5, max_length=5)]
    risk_rules: Annotated[list[RiskRule], Field(min_length=1)]
    severity_rules: Annotated[list[SeverityRule], Field(min_length=1)]
    verdict_rules: Annotated[list[VerdictRule], Field(min_length=1)]
    iso27002_controls: dict[IsoRef, BiText]
    measures: Annotated[list[SourceMeasure], Field(min_length=15, max_length=15)]

    @model_validator(mode="after")
    def _consistent(self) -> Beveiliging:
        """Cross-references: every id a rule or measure names exists; the lists are complete."""
        for name, keys, wanted in (
                ("categories", self.categories, Category), ("levels", self.levels, Level),
                ("verdicts", self.verdicts, VerdictName)):
            missing = set(wanted.__args__) - set(keys)
            if missing:
                raise ValueError(f"{name}: missing {', '.join(sorted(missing))}")
        if set(self.statuses) != {"aanwezig", "gedeeltelijk", "afwezig", "nvt", "open"}:
            raise ValueError("statuses: need aanwezig, gedeeltelijk, afwezig, nvt and open")
        if self.statuses["nvt"].points is not None:
            raise ValueError("statuses.nvt: nvt leaves the score, so it takes no points")
        for status in ("aanwezig", "gedeeltelijk", "afwezig", "open"):
            if self.statuses[status].points is None:
                raise ValueError(f"statuses.{status}: points are missing")
        for where, ids in (("intro", self.intro),
                           *((f"factors.{f.key}.quotes", f.quotes) for f in self.factors),
                           *((f"risk_rules.{r.id}.quotes", r.quotes) for r in self.risk_rules),
                           *((f"verdict_rules.{r.id}.quotes", r.quotes)
                             for r in self.verdict_rules)):
            for q in ids:
                if q not in self.quotes:
                    raise ValueError(f"{where}: unknown quote {q!r}")
        factors = {f.key: f for f in self.factors}
        if len(factors) != len(self.factors):
            raise ValueError("factors: a factor key occurs twice")
        rule_ids = [r.id for r in self.risk_rules]
        if len(set(rule_ids)) != len(rule_ids):
            raise ValueError("risk_rules: a rule id occurs twice")
        for rule in self.risk_rules:
            cond = rule.when
            if cond is None:
                continue
            factor = factors[cond.factor]
            if (cond.at_least is not None) != (factor.kind == "count"):
                hint = ("a count: use at_least" if factor.kind == "count"
                        else "not a count: use equals or one_of")
                raise ValueError(f"risk_rules.{rule.id}.when: factor {cond.factor!r} is {hint}")
            options = {o.value for o in factor.options}
            for value in cond.values:
                if value not in options:
                    raise ValueError(f"risk_rules.{rule.id}.when: {value!r} is not an option of "
                                     f"factor {cond.factor!r} ({', '.join(sorted(options))})")
        for status in GapStatus.__args__:
            if not any(r.when.status == [status] and r.when.risk_level is None
                       and r.when.expected_from is None for r in self.severity_rules):
                raise ValueError(f"severity_rules: no rule for every {status!r} gap "
                                 "(a rule with only that status)")
        if self.verdict_rules[-1].when is not None:
            raise ValueError("verdict_rules: the last rule must have no condition")
        if any(r.when is None for r in self.verdict_rules[:-1]):
            raise ValueError("verdict_rules: only the last rule may have no condition")
        check_measures(self.measures, self.iso27002_controls, source=True)
        return self


def check_measures(measures, controls: dict | None = None, source: bool = False) -> None:
    """Ids unique; source measures 9 technisch (tm-01..09) and 6 organisatorisch (om-01..06) in
    the source's order; ISO references known when a table of controls is given."""
    ids = [m.id for m in measures]
    for i, mid in enumerate(ids):
        if mid in ids[:i]:
            raise ValueError(f"measures.{i}.id: {mid!r} occurs twice")
    if source:
        want = [f"tm-{n:02d}" for n in range(1, 10)] + [f"om-{n:02d}" for n in range(1, 7)]
        if ids != want:
            raise ValueError(f"measures: expected the ids {', '.join(want)} in this order")
        for i, m in enumerate(measures):
            prefix = "tm" if m.category == "technisch" else "om"
            if not m.id.startswith(prefix) or m.number != int(m.id[3:]):
                raise ValueError(f"measures.{i}: id {m.id!r} does not fit category "
                                 f"{m.category!r} and number {m.number}")
    if controls is not None:
        for i, m in enumerate(measures):
            for ref in m.iso27002:
                if ref not in controls:
                    raise ValueError(f"measures.{i}.iso27002: {ref!r} is not in iso27002_controls")


class EigenMaatregelen(Strict):
    """An organisation's own measures (a data file outside the package, e.g.
    data/eigen-maatregelen.yaml)."""

    file: Literal["eigen-maatregelen"]
    organisation: str = ""
    note: BiText | None = None
    measures: Annotated[list[CustomMeasure], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique(self) -> EigenMaatregelen:
        check_measures(self.measures)
        return self


class PriorityWeights(Strict):
    data_kind: dict[str, float]
    data_subjects: dict[str, float]  # upper bound (as text) -> weight
    data_subjects_unknown: float
    verdict: dict[str, float]


class Priority(Strict):
    """The order of the overview's priorities (issue 12): our judgement, not a legal rule."""

    note: BiText
    tiers: dict[str, BiText]
    weights: PriorityWeights
    actions: dict[str, BiText]


class Overzicht(Strict):
    file: Literal["overzicht"]
    labels: dict[str, BiText]
    priority: Priority | None = None
ColumnKind = Literal["id", "text", "form", "bool", "agreement", "date", "flag", "points",
                     "data_kind", "count", "size", "status", "measure_notes", "action_status"]


class CellKind(Strict):
    expected: BiText
    choices: list[NonEmpty] = []
    synonyms: dict[str, list[NonEmpty]] = {}

    @model_validator(mode="after")
    def _synonyms_of_choices(self) -> CellKind:
        unknown = set(self.synonyms) - set(self.choices)
        if unknown:
            raise ValueError(f"synonyms for values that are not choices: {sorted(unknown)}")
        return self


class Problem(Strict):
    text: BiText
    expected: BiText | None = None


class PortfolioColumn(Strict):
    key: NonEmpty
    header: NonEmpty
    aliases: list[NonEmpty] = []
    group: NonEmpty
    kind: ColumnKind
    required: bool = False
    question: NonEmpty | None = None  # a vragen.yaml key whose question text is the help
    help: BiText | None = None
    example: str = ""
    citations: list[NonEmpty] = []


class Portefeuille(Strict):
    file: Literal["portefeuille"]
    note: BiText
    groups: dict[str, BiText]
    kinds: dict[ColumnKind, CellKind]
    columns: Annotated[list[PortfolioColumn], Field(min_length=1)]
    problems: dict[str, Problem]
    texts: dict[str, BiText]

    @model_validator(mode="after")
    def _consistent(self) -> Portefeuille:
        seen: dict[str, str] = {}
        for col in self.columns:
            if col.group not in self.groups:
                raise ValueError(f"column {col.key!r}: unknown group {col.group!r}")
            if col.kind not in self.kinds:
                raise ValueError(f"column {col.key!r}: kind {col.kind!r} has no entry in kinds")
            if (col.help is None) == (col.question is None):
                raise ValueError(f"column {col.key!r}: give either help or question")
            for name in (col.key, col.header, *col.aliases):
                norm = normalise_header(name)
                if seen.setdefault(norm, col.key) != col.key:
                    raise ValueError(f"column {col.key!r}: header {name!r} is also used by "
                                     f"column {seen[norm]!r}")
        return self


def normalise_header(name: str) -> str:
    """Headers match regardless of case, spaces, '-' and '_' ('TM 01' == 'tm-01')."""
    return re.sub(r"[\s_\-]+", "_", str(name).strip().lower()).strip("_")


class Terminal(Strict):
    file: Literal["terminal"]
    commands: dict[str, dict[str, BiText]]
