"""Typed values shared by the core: bilingual text, roles, relationships."""

from __future__ import annotations

import enum
from dataclasses import dataclass

LANGS = ("nl", "en")


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    return lang


@dataclass(frozen=True)
class Text:
    """A user-facing text in Dutch (the source's wording) and English (our translation)."""

    nl: str
    en: str

    def get(self, lang: str = "nl") -> str:
        return getattr(self, check_lang(lang))

    def format(self, **values: object) -> Text:
        """Fill {placeholders}; values may be Text (picked per language) or plain."""

        def pick(lang: str) -> dict[str, object]:
            return {k: v.get(lang) if isinstance(v, Text) else v for k, v in values.items()}

        return Text(nl=self.nl.format(**pick("nl")), en=self.en.format(**pick("en")))

    def to_dict(self) -> dict[str, str]:
        return {"nl": self.nl, "en": self.en}


class Role(enum.Enum):
    """GDPR role of one party in one processing."""

    CONTROLLER = "controller"  # verwerkingsverantwoordelijke, art. 4(7)
    PROCESSOR = "processor"  # verwerker, art. 4(8)
    JOINT_CONTROLLER = "joint_controller"  # gezamenlijke verwerkingsverantwoordelijke, art. 26
    NONE = "none"  # no GDPR role in this processing


class Relationship(enum.Enum):
    CONTROLLER_TO_CONTROLLER = "controller_to_controller"  # verstrekking
    CONTROLLER_PROCESSOR = "controller_processor"
    JOINT_CONTROLLERS = "joint_controllers"
    NONE = "none"


class Necessity(enum.Enum):
    REQUIRED = "required"
    RECOMMENDED = "recommended"
    NONE = "none"
