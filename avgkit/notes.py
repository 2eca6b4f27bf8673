"""Our remarks beside the source's text, and the source's own caveat.

The source's words stay verbatim in the knowledge files; where the source errs, where a typo is
kept, or where a sentence is our reading rather than the source's or the AP's, a note says so,
labelled (bron.yaml note_kinds) and with the article it rests on. Every surface that shows an
item shows its notes through the functions here:

    Note                        one remark (kind, text, citations, by="avgkit")
    note_line(note, lang)       one line of plain text (CLI, DOCX)
    note_html(note, lang)       one escaped HTML fragment (widgets, reports, drafts)
    source_caveat(lang)         the source's title, authors and caveat ("een leidraad")
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from avgkit.knowledge import Knowledge, load_knowledge
from avgkit.models import Text, check_lang


@dataclass(frozen=True)
class Note:
    kind: str  # correctie | sic | opmerking | lezing | aanvulling (bron.yaml note_kinds)
    text: Text
    citations: tuple[str, ...] = ()
    by: str = "avgkit"

    def label(self, lang: str = "nl", knowledge: Knowledge | None = None) -> str:
        kb = knowledge or load_knowledge()
        return kb.bron.note_kinds[self.kind].get(lang)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "by": self.by,
                "label": {"nl": self.label("nl"), "en": self.label("en")},
                "text": self.text.to_dict(), "citations": list(self.citations)}


def notes_of(items: Any) -> tuple[Note, ...]:
    """Notes from knowledge items (schema.OurNote)."""
    return tuple(Note(n.kind, n.text, tuple(n.citations), n.by) for n in items or ())


def note_line(note: Note, lang: str = "nl") -> str:
    cites = f" [{'; '.join(note.citations)}]" if note.citations else ""
    return f"{note.label(lang)}: {note.text.get(lang)}{cites}"


def note_html(note: Note, lang: str = "nl") -> str:
    """A note as one small escaped fragment; the same markup on every HTML surface."""
    cites = (f' <span class="cite">{html.escape("; ".join(note.citations))}</span>'
             if note.citations else "")
    return (f'<div class="our-note note-{html.escape(note.kind)} muted small">'
            f'<i>{html.escape(note.label(lang))}:</i> {html.escape(note.text.get(lang))}'
            f'{cites}</div>')


@dataclass(frozen=True)
class SourceCaveat:
    title: str
    authors: str  # the source's sentence naming Aedes, Bouwend Nederland, Techniek Nederland
    organisations: tuple[str, ...]
    caveat: str  # the source's sentence: "een leidraad", not every case covered
    line: str  # one line for an app, a report footer or a draft

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "authors": self.authors,
                "organisations": list(self.organisations), "caveat": self.caveat,
                "line": self.line}


def source_caveat(lang: str = "nl", knowledge: Knowledge | None = None) -> SourceCaveat:
    """The source's own caveat and authors (bron.yaml), in one language."""
    check_lang(lang)
    b = (knowledge or load_knowledge()).bron
    title, authors, caveat = b.title.get(lang), b.authors.get(lang), b.caveat.get(lang)
    line = b.line.get(lang).format(title=title, authors=authors, caveat=caveat)
    return SourceCaveat(title, authors, tuple(b.organisations), caveat, line)


def source_caveat_dict(knowledge: Knowledge | None = None) -> dict[str, Any]:
    """Both languages, for JSON."""
    nl, en = source_caveat("nl", knowledge), source_caveat("en", knowledge)
    return {k: {"nl": getattr(nl, k), "en": getattr(en, k)}
            for k in ("title", "authors", "caveat", "line")} | {
        "organisations": list(nl.organisations)}
