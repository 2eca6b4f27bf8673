"""The source as data: loaded from the YAML files in this folder, validated once.

Every user-facing item carries Dutch text (the source's wording), an English translation and its
citations. A malformed or incomplete file raises KnowledgeError naming the file and the key.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from avgkit.knowledge.schema import (
    Begrippen,
    Beveiliging,
    Bron,
    Concepten,
    Datalekken,
    Interface,
    ModelAgreement,
    Overeenkomsten,
    Overzicht,
    Portefeuille,
    Regels,
    Register,
    Samenwerkingsvormen,
    Terminal,
    Varianten,
    Verplichtingen,
    Vragen,
)
from avgkit.knowledge.screening_schema import Dpia, Rechtmatigheid

KNOWLEDGE_DIR = Path(__file__).parent

# libyaml's loader when PyYAML was built with it: the same data, ten times faster (~0.1 s for all
# files instead of ~1 s, paid by every process and kernel that loads the knowledge).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# file stem -> schema; other issues add their files here.
SCHEMAS: dict[str, type] = {
    "samenwerkingsvormen": Samenwerkingsvormen,
    "varianten": Varianten,
    "begrippen": Begrippen,
    "verplichtingen": Verplichtingen,
    "overeenkomsten": Overeenkomsten,
    "vragen": Vragen,
    "regels": Regels,
    "interface": Interface,
    "overzicht": Overzicht,
    "terminal": Terminal,
    "beveiliging": Beveiliging,
    "portefeuille": Portefeuille,
    "verwerkersovereenkomst": ModelAgreement,
    "modelregeling": ModelAgreement,
    "verstrekkingsovereenkomst": ModelAgreement,
    "concepten": Concepten,
    "datalekken": Datalekken,
    "register": Register,
    "bron": Bron,
    "rechtmatigheid": Rechtmatigheid,
    "dpia": Dpia,
}


class KnowledgeError(Exception):
    """A knowledge file is missing, malformed or incomplete."""

    def __init__(self, path: Path, key: str, problem: str):
        self.path, self.key, self.problem = path, key, problem
        super().__init__(f"{path}: at '{key}': {problem}")


def load_file(path: Path, schema: type) -> Any:
    """Parse and validate one knowledge file; errors name the file and the key."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 - safe loader
    except FileNotFoundError:
        raise KnowledgeError(path, "<file>", "file not found") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "<file>"
        raise KnowledgeError(path, where, f"not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise KnowledgeError(path, "<root>", "expected a mapping at the top level")
    try:
        return schema.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"]) or "<root>"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise KnowledgeError(path, key, f"{err['msg']}{more}") from None


class Knowledge:
    """All knowledge files of one folder, validated, with lookups used by the core."""

    def __init__(self, folder: Path = KNOWLEDGE_DIR):
        self.folder = folder
        for stem, schema in SCHEMAS.items():
            setattr(self, stem, load_file(folder / f"{stem}.yaml", schema))
        self._check_cross_references()

    def _check_cross_references(self) -> None:
        question_keys = {q.key for q in self.vragen.questions}
        for stem, section, items in (
                ("samenwerkingsvormen", "forms", self.samenwerkingsvormen.forms),
                ("varianten", "variants", self.varianten.variants)):
            for i, item in enumerate(items):
                facts = getattr(item, "premise", None) or {item.fact: True}
                for key in facts:
                    if key not in question_keys:
                        raise KnowledgeError(self.folder / f"{stem}.yaml", f"{section}.{i}",
                                             f"unknown fact key {key!r}")
        for i, form in enumerate(self.samenwerkingsvormen.forms):
            for q in form.quotes:
                if q not in self.samenwerkingsvormen.quotes:
                    raise KnowledgeError(self.folder / "samenwerkingsvormen.yaml",
                                         f"forms.{i}.quotes", f"unknown quote {q!r}")
        agreement_ids = {a.id for a in (*self.overeenkomsten.agreements,
                                        *self.overeenkomsten.other_outcomes)}
        for i, variant in enumerate(self.varianten.variants):
            if variant.agreement and variant.agreement not in agreement_ids:
                raise KnowledgeError(self.folder / "varianten.yaml", f"variants.{i}.agreement",
                                     f"unknown agreement {variant.agreement!r}")
        for i, conflict in enumerate(self.regels.conflicts):
            for key in conflict.when:
                if key not in question_keys:
                    raise KnowledgeError(self.folder / "regels.yaml", f"conflicts.{i}.when",
                                         f"unknown fact key {key!r}")
        for i, rule in enumerate(self.regels.rules):
            if rule.quote and rule.quote not in self.samenwerkingsvormen.quotes:
                raise KnowledgeError(self.folder / "regels.yaml", f"rules.{i}.quote",
                                     f"unknown quote {rule.quote!r}")
            for key in {**rule.when, **rule.when_any}:
                if key not in question_keys:
                    raise KnowledgeError(self.folder / "regels.yaml", f"rules.{i}.when",
                                         f"unknown fact key {key!r}")

    # lookups -----------------------------------------------------------------------------
    def question(self, key: str):
        return next(q for q in self.vragen.questions if q.key == key)

    def form_for(self, data_exchange: str):
        return next((f for f in self.samenwerkingsvormen.forms if f.data_exchange == data_exchange),
                    None)

    def agreement(self, agreement_id: str):
        return next(a for a in (*self.overeenkomsten.agreements,
                                *self.overeenkomsten.other_outcomes) if a.id == agreement_id)

    def obligation_group(self, group_id: str):
        return next(g for g in self.verplichtingen.groups if g.id == group_id)


@functools.cache
def load_knowledge(folder: str | None = None) -> Knowledge:
    """The validated knowledge base (cached: files are read and checked once per process)."""
    return Knowledge(Path(folder) if folder else KNOWLEDGE_DIR)


def cli_labels(command: str, lang: str) -> dict[str, str]:
    """The terminal headings of one command (terminal.yaml) in one language."""
    return {k: v.get(lang) for k, v in load_knowledge().terminal.commands[command].items()}
