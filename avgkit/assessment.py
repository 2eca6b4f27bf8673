"""What one assessment of one collaboration holds: the record the store saves, the notebooks
edit, the batch reports on. Plain data; the rules live in classifier and checklist."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from avgkit.classifier import Classification, classify, validate_facts

# The agreement ids of knowledge/overeenkomsten.yaml.
AgreementKind = Literal["geen", "verwerkersovereenkomst",
                        "regeling-gezamenlijke-verantwoordelijkheid",
                        "verwerkingsverantwoordelijkenovereenkomst"]
Status = Literal["concept", "afgerond"]
ID_PATTERN = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")  # \Z: no trailing newline


class AgreementInPlace(BaseModel):
    """Which agreement the parties actually have, and, for a verwerkersovereenkomst, which of the
    14 required points (overeenkomsten.yaml, vo-01..vo-14) it covers."""

    model_config = ConfigDict(extra="forbid")

    kind: AgreementKind | None = None  # None = not yet recorded
    date: dt.date | None = None
    reviewed: bool = False
    points: dict[str, bool] = Field(default_factory=dict)


class Action(BaseModel):
    """A follow-up: what, who, when, and where it stands."""

    model_config = ConfigDict(extra="forbid")

    what: str
    owner: str = ""
    due: dt.date | None = None
    status: Literal["open", "bezig", "gereed"] = "open"
    finding: str | None = None  # e.g. a measure id of the checklist


class ScreeningAnswers(BaseModel):
    """The answers of the lawfulness and DPIA screening (avgkit.screen; issue 11): the facts of
    knowledge/rechtmatigheid.yaml by id (absent = not answered), the purpose in the auditor's
    words, and per finding id the ground the auditor recorded (e.g. the art. 9(2) exception)."""

    model_config = ConfigDict(extra="forbid")

    facts: dict[str, bool | None] = Field(default_factory=dict)
    purpose: str = ""
    grounds: dict[str, str] = Field(default_factory=dict)

    @field_validator("facts")
    @classmethod
    def _known_facts(cls, value: dict[str, bool | None]) -> dict[str, bool]:
        from avgkit.knowledge import load_knowledge

        known = [f.id for f in load_knowledge().rechtmatigheid.facts]
        unknown = sorted(set(value) - set(known))
        if unknown:
            raise ValueError(f"unknown screening fact {unknown[0]!r}; known: {', '.join(known)}")
        return {k: v for k, v in value.items() if v is not None}

    @field_validator("grounds", mode="before")
    @classmethod
    def _no_empty_grounds(cls, value: Any) -> Any:
        """A cleared ground (None or blank) is no ground."""
        if not isinstance(value, dict):
            return value
        return {k: v.strip() if isinstance(v, str) else v for k, v in value.items()
                if v is not None and not (isinstance(v, str) and not v.strip())}
class SignOff(BaseModel):
    """Who completed ("afgerond") the assessment, in which role, on which day, and which store
    version they signed. While it is set the answers are locked (see `locked_paths`)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    role: str = Field(min_length=1)
    date: dt.date
    version: int | None = None  # the store version that holds the signed state


# What may still change while an assessment is signed off: the sign-off itself and reopening.
SIGNOFF_PATHS = ("status", "signoff", "reopen_reason")


class Assessment(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    id: str
    corporation: str = ""  # the client (opdrachtgever)
    contractor: str = ""  # the provider (opdrachtnemer)
    description: str = ""
    auditor: str = ""
    created: dt.datetime | None = None
    updated: dt.datetime | None = None
    answers: dict[str, Any] = Field(default_factory=dict)  # classifier facts, see FACT_KEYS
    checklist: dict[str, Any] = Field(default_factory=dict)  # avgkit.checklist JSON form
    agreement: AgreementInPlace = Field(default_factory=AgreementInPlace)
    actions: list[Action] = Field(default_factory=list)
    notes: str = ""
    status: Status = "concept"
    # Possible data breaches by incident id, in avgkit.breach.Incident JSON form (issue 7).
    incidents: dict[str, dict[str, Any]] = Field(default_factory=dict)
    # Lawfulness and DPIA screening answers (issue 11, avgkit.screen).
    screening: ScreeningAnswers = Field(default_factory=ScreeningAnswers)
    # Sign-off of a completed assessment (issue 13); None while it is a concept. Reopening
    # clears it and records why in reopen_reason (so the reason is in the history).
    signoff: SignOff | None = None
    reopen_reason: str = ""

    @property
    def locked(self) -> bool:
        """A completed (signed-off) assessment: its answers are not to be changed."""
        return self.status == "afgerond"

    def locked_paths(self, paths) -> list[str]:
        """The field paths of a change that a completed assessment refuses."""
        if not self.locked:
            return []
        return [p for p in paths if p.split(".")[0] not in SIGNOFF_PATHS]

    @field_validator("id")
    @classmethod
    def _safe_id(cls, value: str) -> str:
        if not ID_PATTERN.match(value):
            raise ValueError("an id is 1-64 letters, digits, '.', '_' or '-', starting with a "
                             f"letter or digit; got {value!r}")
        return value

    @field_validator("answers")
    @classmethod
    def _valid_answers(cls, value: dict[str, Any]) -> dict[str, Any]:
        validate_facts(value)
        return {k: v for k, v in value.items() if v is not None}

    def classification(self) -> Classification:
        return classify(self.answers)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Assessment:
        return cls.model_validate(data)
