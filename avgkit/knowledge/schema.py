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


ColumnKind = Literal["id", "text", "form", "bool", "agreement", "date", "flag", "points",
                     "data_kind", "count", "size", "status", "measure_notes"]


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
