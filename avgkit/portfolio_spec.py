"""The portfolio column spec (knowledge/portefeuille.yaml) and lookups on it."""

from __future__ import annotations

from avgkit.knowledge import load_knowledge
from avgkit.knowledge.schema import PortfolioColumn, normalise_header


def spec():
    """The portfolio knowledge file (columns, kinds, problems, texts)."""
    return load_knowledge().portefeuille


def columns() -> list[PortfolioColumn]:
    return list(spec().columns)


def header_for(col: PortfolioColumn, lang: str = "nl") -> str:
    """Dutch template header, or the English key."""
    return col.header if lang == "nl" else col.key


def column_help(col: PortfolioColumn, lang: str = "nl") -> str:
    """The column's help; for a classifier question its text and, for a choice, the options."""
    if col.question:
        q = load_knowledge().question(col.question)
        return " ".join([q.text.get(lang), *(f"{o.text.get(lang)}." for o in q.options)])
    return col.help.get(lang)


def measure_ids() -> list[str]:
    return [c.key for c in spec().columns if c.kind == "status"]


def header_index() -> dict[str, PortfolioColumn]:
    index = {}
    for col in spec().columns:
        for name in (col.key, col.header, *col.aliases):
            index[normalise_header(name)] = col
    return index


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, as Excel names columns."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
