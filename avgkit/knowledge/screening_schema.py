"""Schemas of rechtmatigheid.yaml and dpia.yaml (the lawfulness and DPIA screening, avgkit.screen).
Kept apart from schema.py so that file stays the home of the source's own parts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from avgkit.knowledge.schema import Bilingual, BiText, Citations, NonEmpty, Strict

Severity = Literal["stop", "question", "note"]
FactValue = bool | str | None


class ScreeningFact(Bilingual):
    id: NonEmpty
    group: NonEmpty
    help: BiText | None = None
    only_if: dict[str, list[FactValue]] = {}  # asked only when these facts hold


class LawfulnessRule(Bilingual):
    id: NonEmpty
    when: Annotated[dict[str, Annotated[list[FactValue], Field(min_length=1)]],
                    Field(min_length=1)]
    severity: Severity
    ground: bool = False  # the auditor records a ground for it
    answered_severity: Severity | None = None
    action: BiText | None = None
    citations: Citations

    @model_validator(mode="after")
    def _ground(self) -> LawfulnessRule:
        if self.ground != (self.answered_severity is not None):
            raise ValueError(f"rule {self.id!r}: a rule with ground: true needs answered_severity "
                             "(and only such a rule)")
        return self


class Rechtmatigheid(Strict):
    file: Literal["rechtmatigheid"]
    note: BiText
    groups: dict[str, BiText]
    facts: Annotated[list[ScreeningFact], Field(min_length=1)]
    rules: Annotated[list[LawfulnessRule], Field(min_length=1)]
    labels: dict[str, BiText]

    @model_validator(mode="after")
    def _consistent(self) -> Rechtmatigheid:
        ids = [f.id for f in self.facts]
        if len(set(ids)) != len(ids):
            raise ValueError("facts: an id occurs twice")
        for f in self.facts:
            if f.group not in self.groups:
                raise ValueError(f"facts.{f.id}: unknown group {f.group!r}")
        rules = [r.id for r in self.rules]
        if len(set(rules)) != len(rules):
            raise ValueError("rules: an id occurs twice")
        return self


FactSets = list[Annotated[list[NonEmpty], Field(min_length=1)]]


class DpiaItem(Bilingual):
    """One category of the AP's list, one WP248 criterion or one case of art. 35(3)."""

    id: NonEmpty
    number: int | None = None
    letter: NonEmpty | None = None
    summary: bool  # description (or, for art. 35(3), nl) is avgkit's summary
    description: BiText | None = None
    applies_when: FactSets = []  # ours: any set whose facts are all true -> it applies
    ask_when_any: list[NonEmpty] = []  # ours: any of these true -> check whether it applies
    facts_any: list[NonEmpty] = []  # criteria: any of these true -> the criterion is met
    citations: Citations


class DpiaGroup(Strict):
    source: NonEmpty
    intro: BiText | None = None
    items: Annotated[list[DpiaItem], Field(min_length=1)]


class DpiaText(Bilingual):
    explanation: BiText | None = None
    citations: Citations


class Dpia(Strict):
    file: Literal["dpia"]
    transcription: NonEmpty
    threshold: Annotated[int, Field(ge=1)]
    ap_list: DpiaGroup
    criteria: DpiaGroup
    art35: DpiaGroup
    outcomes: dict[Literal["required", "open", "recommended", "not_indicated"], DpiaText]
    who: dict[Literal["controller", "processor", "joint", "unknown"], DpiaText]

    @model_validator(mode="after")
    def _complete(self) -> Dpia:
        if [i.number for i in self.ap_list.items] != list(range(1, 18)):
            raise ValueError("ap_list: the AP's list has 17 categories, numbered 1-17 in order")
        if [i.number for i in self.criteria.items] != list(range(1, 10)):
            raise ValueError("criteria: WP248 has nine criteria, numbered 1-9 in order")
        if any(not i.facts_any for i in self.criteria.items):
            raise ValueError("criteria: every criterion names the facts that meet it")
        return self
