"""The "Rechtmatigheid en DPIA" panel of the collaboration view (issue 11): the screening's
questions (knowledge/rechtmatigheid.yaml), a box per finding or AP-list item to record the ground
or the reasoning, and the live result (avgkit.screen). Thin: every rule lives in avgkit.screen."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from avgkit.knowledge import load_knowledge
from avgkit.screen import asked, facts_of, render_html, screen, summary_text


class ScreeningPanel:
    def __init__(self, session, lang: str, errors, save: Callable[[dict[str, Any]], None]):
        self.session, self.lang, self.errors, self._save = session, lang, errors, save
        kb = load_knowledge()
        self.kb = kb.rechtmatigheid
        dk = kb.dpia
        labels = self.kb.labels
        self._syncing = False
        yes, no = labels["yes"].get(lang), labels["no"].get(lang)
        self.inputs: dict[str, w.Dropdown] = {}
        self.rows: dict[str, w.HBox] = {}
        groups: dict[str, list[w.Widget]] = {g: [] for g in self.kb.groups}
        for fact in self.kb.facts:
            box = w.Dropdown(options=[("–", None), (yes, True), (no, False)],
                             layout=w.Layout(width="6.5em", flex="0 0 6.5em"))
            box.add_class(f"avgkit-screen-{fact.id}")
            box.observe(errors.guard(lambda c, fid=fact.id: self._set(
                {f"screening.facts.{fid}": c["new"]})), "value")
            self.inputs[fact.id] = box
            help_ = (f'<br><span class="muted small">{html.escape(fact.help.get(lang))}</span>'
                     if fact.help else "")
            row = w.HBox([box, w.HTML(f'<div class="avgkit">{html.escape(fact.text.get(lang))}'
                                      f"{help_}</div>", layout=w.Layout(flex="1 1 auto"))],
                         layout=w.Layout(align_items="flex-start"))
            self.rows[fact.id] = row
            groups[fact.group].append(row)
        self.purpose = w.Text(description=labels["purpose"].get(lang),
                              style={"description_width": "14em"},
                              layout=w.Layout(width="100%"), continuous_update=False)
        self.purpose.observe(errors.guard(lambda c: self._set({"screening.purpose": c["new"]})),
                             "value")
        # A box for the ground of each rule that asks one, and for the reasoning on each item of
        # the AP's list or art. 35(3) that the facts point at; shown only when it applies.
        self.grounds: dict[str, w.Text] = {}
        ground_ids = {r.id: r.citations[0] for r in self.kb.rules if r.ground}
        ground_ids.update({i.id: i.text.get(lang) for g in (dk.art35, dk.ap_list)
                           for i in g.items if i.ask_when_any})
        for gid, name in ground_ids.items():
            text = w.Text(placeholder=labels["ground_placeholder"].get(lang),
                          description=name[:40], description_allow_html=False,
                          tooltip=name, style={"description_width": "14em"},
                          layout=w.Layout(width="100%", display="none"),
                          continuous_update=False)
            text.observe(errors.guard(lambda c, g=gid: self._set(
                {f"screening.grounds.{g}": c["new"] or None})), "value")
            self.grounds[gid] = text
        parts: list[w.Widget] = [self.purpose]
        for gid, title in self.kb.groups.items():
            parts.append(w.HTML(f"<b>{html.escape(title.get(lang))}</b>"))
            parts += groups[gid]
        parts.append(w.HTML(f"<b>{html.escape(labels['ground'].get(lang))}</b>"))
        parts += list(self.grounds.values())
        self.questions = w.VBox(parts, layout=w.Layout(width="100%"))
        self.result = w.HTML()
        self.result_box = w.Accordion(children=[self.result], titles=("",))
        self.result_box.add_class("avgkit-screening-result")
        self.sync()

    def _set(self, changes: dict[str, Any]) -> None:
        if not self._syncing:
            self._save(changes)

    def sync(self) -> None:
        a = self.session.assessment
        self._syncing = True
        try:
            for fid, box in self.inputs.items():
                box.value = a.screening.facts.get(fid)
            self.purpose.value = a.screening.purpose
            for gid, text in self.grounds.items():
                text.value = a.screening.grounds.get(gid, "")
        finally:
            self._syncing = False
        self.refresh()

    def refresh(self) -> None:
        a = self.session.assessment
        values = facts_of(a)
        for fact in self.kb.facts:
            self.rows[fact.id].layout.display = "" if asked(fact, values) else "none"
        result = screen(a)
        active = {f.id for f in result.findings if f.asks_ground} | {
            h.id for h in result.dpia.to_check}
        for gid, text in self.grounds.items():
            text.layout.display = "" if gid in active else "none"
        self.result.value = f'<div class="avgkit">{render_html(result, self.lang, False)}</div>'
        title = self.kb.labels["title"].get(self.lang)
        self.result_box.titles = (f"{title}: {summary_text(result, self.lang)}",)
        self.screening = result
