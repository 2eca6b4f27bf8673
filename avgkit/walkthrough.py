"""The order in which an auditor answers the classifier's questions, one step at a time.

The questions and their steps (vorm, algemeen, varianten) are data in knowledge/vragen.yaml.
The general questions are asked when no form of collaboration decides (none chosen, or 'none of
these'), and stay visible once any of them is answered so an answer can always be corrected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from avgkit.classifier import GENERAL_KEYS
from avgkit.knowledge import Knowledge, load_knowledge

STEPS = ("vorm", "algemeen", "varianten")


@dataclass(frozen=True)
class Progress:
    position: int  # 1-based position of the current question
    total: int
    answered: int


def general_questions_needed(answers: Mapping[str, Any]) -> bool:
    """No form decides (classifier: the general rules apply), or a general answer exists."""
    form = answers.get("data_exchange")
    return form in (None, "other") or any(answers.get(k) is not None for k in GENERAL_KEYS)


def question_keys(answers: Mapping[str, Any], knowledge: Knowledge | None = None) -> list[str]:
    """The keys to ask, in the order of vragen.yaml, for the answers given so far."""
    kb = knowledge or load_knowledge()
    with_general = general_questions_needed(answers)
    return [q.key for q in kb.vragen.questions
            if q.step != "algemeen" or with_general]


def progress(answers: Mapping[str, Any], current: str,
             knowledge: Knowledge | None = None) -> Progress:
    keys = question_keys(answers, knowledge)
    position = keys.index(current) + 1 if current in keys else 1
    answered = sum(1 for k in keys if answers.get(k) is not None)
    return Progress(position, len(keys), answered)


def neighbour(answers: Mapping[str, Any], current: str, step: int,
              knowledge: Knowledge | None = None) -> str:
    """The key `step` places before (-1) or after (+1) `current`, clamped to the ends.

    If `current` is no longer asked (the form changed), the walk resumes at the first question
    after it in vragen.yaml order."""
    kb = knowledge or load_knowledge()
    keys = question_keys(answers, kb)
    if current in keys:
        index = keys.index(current) + step
    else:
        order = [q.key for q in kb.vragen.questions]
        later = [k for k in keys if order.index(k) > order.index(current)]
        index = keys.index(later[0]) if later else len(keys) - 1
        index += min(step, 0)
    return keys[max(0, min(index, len(keys) - 1))]
