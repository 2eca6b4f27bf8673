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
    citations: Citations
    note: BiText | None = None


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


class ContractContents(Strict):
    source: NonEmpty
    citations: Citations
    intro: BiText
    optional_note: BiText
    points: Annotated[list[ContractPoint], Field(min_length=14, max_length=14)]


class Overeenkomsten(Strict):
    file: Literal["overeenkomsten"]
    agreements: Annotated[list[Agreement], Field(min_length=1)]
    verwerkersovereenkomst_contents: ContractContents


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


class VariantRule(Bilingual):
    citations: Citations


class Regels(Strict):
    file: Literal["regels"]
    rules: Annotated[list[Rule], Field(min_length=1)]
    variant_rules: dict[str, VariantRule]
    open_questions: dict[str, BiText]


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


class Article(Strict):
    number: int
    title: BiText
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
    file: Literal["verwerkersovereenkomst", "modelregeling"]
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

    @model_validator(mode="after")
    def _articles_in_order(self):
        numbers = [a.number for a in self.articles]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"articles must be numbered 1..{len(numbers)}, got {numbers}")
        return self

    def annex(self, annex_id: str) -> Annex:
        return next(a for a in self.annexes if a.id == annex_id)

    def clause(self, number: str) -> Clause:
        return next(c for a in self.articles for c in a.clauses if c.number == number)


class DraftKind(Strict):
    model: Literal["verwerkersovereenkomst", "modelregeling"]
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
    own: BiText
    status: dict[Literal["aanwezig", "gedeeltelijk", "afwezig", "nvt", "open"], BiText]
    action: BiText


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


# --- data breaches (datalekken.yaml) ------------------------------------------------------

ClauseRef = Annotated[str, StringConstraints(pattern=r"^(verwerkersovereenkomst|modelregeling)/"
                                                     r"\d+\.\d+$")]


class BreachDeadline(Bilingual):
    id: NonEmpty
    who: Literal["processor", "joint_controller", "controller_to_controller", "controller"]
    hours: Annotated[int, Field(gt=0)]
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
    states: dict[Literal["open", "overdue", "on_time", "late", "not_required"], BiText]


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
