"""The history of one assessment in the app: every change with version, when (Europe/Amsterdam,
zone named), who, what (the question or measure where one is known) and old → new."""

from __future__ import annotations

import html
import json
from typing import Any

import ipywidgets as w

from avgkit.knowledge import load_knowledge
from avgkit.presentation import Labels
from avgkit.store import Store
from avgkit.widgets.formats import AMSTERDAM, local_time, number

MAX_VALUE = 240  # characters of one old/new value shown (the CLI and export have all of it)


def value_text(value: Any, t: Labels) -> str:
    if value is None:
        return t["hist_unset"]
    if isinstance(value, bool):
        return t["yes"] if value else t["no"]
    if isinstance(value, int | float):
        return number(value, t.lang, 0 if isinstance(value, int) else 2)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE] + "…"


def what_text(path: str, lang: str) -> str:
    """The field path, with the question it answers where that is known."""
    kb = load_knowledge()
    parts = path.split(".")
    if parts[0] == "answers" and len(parts) == 2:
        try:
            return f"{path} – {kb.question(parts[1]).text.get(lang)}"
        except Exception:  # noqa: BLE001 - an unknown key is shown as its path
            return path
    return path


class HistoryView:
    def __init__(self, store: Store, assessment_id: str, t: Labels):
        self.store, self.id, self.t = store, assessment_id, t
        self.widget = w.HTML(layout=w.Layout(width="100%", overflow="auto"))
        self.widget.add_class("avgkit-history")

    def sync(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        t, lang = self.t, self.t.lang
        changes = self.store.history(self.id)
        rows = []
        for c in reversed(changes):  # newest first
            what = t["hist_created"] if c.path == "" else what_text(c.path, lang)
            rows.append(
                f"<tr><td>{c.version}</td><td>{html.escape(local_time(c.when, seconds=True))}"
                f"</td><td>{html.escape(c.who)}</td><td>{html.escape(what)}</td>"
                f"<td>{html.escape(value_text(c.old, t))}</td>"
                f"<td>{html.escape(value_text(c.new, t))}</td></tr>")
        zone = local_time(changes[-1].when).rsplit(" ", 1)[-1] if changes else "CET/CEST"
        versions = len({c.version for c in changes})
        head = "".join(f"<th>{html.escape(t[k])}</th>" for k in (
            "hist_version", "hist_when", "hist_who", "hist_what", "hist_old", "hist_new"))
        count = t.format("hist_count", count=len(changes), versions=versions)
        self.widget.value = (
            f'<div class="avgkit"><h3>{html.escape(t.format("hist_title", id=self.id))}</h3>'
            f'<p class="muted small">{html.escape(count)}'
            f' · {html.escape(t.format("hist_zone", zone=zone))}</p>'
            f'<table class="avgkit-history-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


__all__ = ["AMSTERDAM", "HistoryView"]
