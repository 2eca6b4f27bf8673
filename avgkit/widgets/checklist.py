"""The Bijlage 2 checklist view: risk profile, the measures per category with status, note and
evidence, a live result (level and its rule, scores, verdict, findings, open items) and the
actions with owner and due date. Thin: the measures, factors and rules come from
avgkit.checklist; every change is saved through the Session at once."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import ipywidgets as w

from avgkit.assessment import Action
from avgkit.checklist import catalogue
from avgkit.html import fragment
from avgkit.knowledge import load_knowledge
from avgkit.presentation import Labels, checklist_view, pick
from avgkit.widgets.common import ErrorLog, Session, full

STATUS_ORDER = ("aanwezig", "gedeeltelijk", "afwezig", "nvt")
ACTION_STATUSES = ("open", "bezig", "gereed")


def now_iso() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


class MeasureRow:
    """One measure: its text, a status, a note, an evidence reference and (for n.v.t.) a reason."""

    def __init__(self, view: ChecklistView, measure: dict[str, Any]):
        self.view, self.id = view, measure["id"]
        t, lang = view.t, view.lang
        statuses = view.catalogue["statuses"]
        self.status = w.ToggleButtons(
            options=[(pick(statuses[s]["label"], lang), s) for s in STATUS_ORDER], value=None,
            style={"button_width": "auto"})
        self.status.add_class(f"avgkit-m-{self.id}")
        self.note = w.Text(placeholder=t["measure_note"], continuous_update=False, layout=full())
        self.evidence = w.Text(placeholder=t["measure_evidence_placeholder"],
                               continuous_update=False, layout=full())
        self.reason = w.Text(placeholder=t["measure_reason_placeholder"],
                             continuous_update=False, layout=full())
        self.hint = w.HTML()
        own = (f' <span class="muted">({html.escape(t["own_measure"])})</span>'
               if measure["custom"] else "")
        iso = ", ".join(i["control"] for i in measure["iso27002"]) or "–"
        self.title = w.HTML()
        self.meta = (f'<div class="small muted">{html.escape(t["evidence_hint"])}: '
                     f'{html.escape(pick(measure["evidence_hint"], lang))} · ISO/IEC 27002: '
                     f'{html.escape(iso)} <i>({html.escape(t["iso_ours"])})</i></div>')
        self.heading = (f'<b>{html.escape(self.id)}</b> – '
                        f'{html.escape(pick(measure["text"], lang))}{own}')
        for widget in (self.status, self.note, self.evidence, self.reason):
            widget.observe(view.errors.guard(lambda _c: self.changed()), "value")
        self.widget = w.VBox([self.title, self.status,
                              w.HBox([self.note, self.evidence], layout=full()),
                              self.reason, self.hint],
                             layout=w.Layout(border_bottom="1px solid #e4e7eb",
                                             padding="6px 0", width="100%"))

    def set(self, answer: dict[str, Any] | None) -> None:
        answer = answer or {}
        self.status.value = answer.get("status")
        self.note.value = answer.get("note") or ""
        self.evidence.value = answer.get("evidence") or ""
        self.reason.value = answer.get("reason") or ""
        self.hint.value = ""

    def draw(self, expected: bool, expected_from: str) -> None:
        extra = "" if expected else (f' <span class="muted small">· '
                                     f'{html.escape(self.view.t["not_expected_at_level"])} '
                                     f'({html.escape(expected_from)})</span>')
        self.title.value = f'<div class="avgkit">{self.heading}{extra}{self.meta}</div>'
        self.reason.layout.display = "" if self.status.value == "nvt" else "none"

    def _stored(self) -> dict[str, Any]:
        return ((self.view.session.assessment.checklist or {}).get("answers") or {}).get(
            self.id) or {}

    def changed(self) -> None:
        if self.view.syncing:
            return
        stored = self._stored().get("status")
        status = self.status.value
        if status == "nvt" and not self.reason.value.strip():
            # refused until there is a reason: show what is stored, and why, next to it
            self.pending_nvt = True
            self.view.syncing = True
            try:
                self.status.value = stored
            finally:
                self.view.syncing = False
            self.reason.layout.display = ""
            statuses = self.view.catalogue["statuses"]
            shown = pick(statuses[stored]["label"], self.view.lang) if stored else "–"
            self.hint.value = (f'<div class="avgkit"><div class="message warning">'
                               f'{html.escape(self.view.t["nvt_needs_reason"])} '
                               f'{html.escape(self.view.t.format("nvt_stored", stored=shown))}'
                               f'</div></div>')
            return
        if getattr(self, "pending_nvt", False) and status == stored and \
                self.reason.value.strip():
            status = "nvt"  # the reason came: now n.v.t. is saved
            self.view.syncing = True
            try:
                self.status.value = "nvt"
            finally:
                self.view.syncing = False
        self.pending_nvt = False
        self.hint.value = ""
        self.view.save({f"checklist.answers.{self.id}": {
            "status": status, "note": self.note.value.strip(),
            "evidence": self.evidence.value.strip(),
            "reason": self.reason.value.strip() if status == "nvt" else "",
            "answered_by": self.view.session.who, "answered_at": now_iso()}})


class ActionRow:
    def __init__(self, view: ChecklistView, index: int, action: Action):
        self.view, self.index = view, index
        t = view.t
        self.what = w.Text(value=action.what, continuous_update=False,
                           layout=w.Layout(flex="3 1 14em"))
        self.owner = w.Text(value=action.owner, placeholder=t["action_owner"],
                            continuous_update=False, layout=w.Layout(flex="1 1 8em"))
        self.due = w.DatePicker(value=action.due, layout=w.Layout(flex="0 0 11em"))
        self.status = w.Dropdown(options=[(t[f"action_status_{s}"], s) for s in ACTION_STATUSES],
                                 value=action.status, layout=w.Layout(flex="0 0 8em"))
        known = {value for _label, value in view.finding_options()}
        self.finding = w.Dropdown(options=view.finding_options(),
                                  value=action.finding if action.finding in known else "",
                                  layout=w.Layout(flex="1 1 10em"))
        self.remove = w.Button(icon="trash", tooltip=t["action_remove"],
                               layout=w.Layout(width="3em"))
        for widget in (self.what, self.owner, self.due, self.status, self.finding):
            widget.observe(view.errors.guard(lambda _c: view.save_actions()), "value")
        self.remove.on_click(view.errors.guard(lambda _b: view.remove_action(self.index)))
        self.widget = w.HBox([self.what, self.owner, self.due, self.status, self.finding,
                              self.remove], layout=w.Layout(flex_flow="row wrap", width="100%"))

    def action(self) -> dict[str, Any]:
        return Action(what=self.what.value.strip(), owner=self.owner.value.strip(),
                      due=self.due.value, status=self.status.value,
                      finding=self.finding.value or None).model_dump(mode="json")


class ChecklistView:
    def __init__(self, session: Session, lang: str, errors: ErrorLog, custom: Any = None):
        self.session, self.lang, self.errors, self.custom = session, lang, errors, custom
        self.kb = load_knowledge()
        self.t = t = Labels(lang, self.kb)
        self.syncing = False
        self.catalogue = catalogue(custom)

        # risk profile ---------------------------------------------------------------------
        self.factor_inputs: dict[str, Any] = {}
        profile_rows = []
        for factor in self.catalogue["factors"]:
            profile_rows.append(self._factor_row(factor))
        self.risk_html = w.HTML()
        profile = w.VBox([*profile_rows, self.risk_html], layout=full())

        # measures -------------------------------------------------------------------------
        self.rows: dict[str, MeasureRow] = {}
        by_category: dict[str, list[w.Widget]] = {}
        for m in self.catalogue["measures"]:
            row = MeasureRow(self, m)
            self.rows[m["id"]] = row
            by_category.setdefault(m["category"], []).append(row.widget)
        self.categories = list(by_category)
        self.measure_groups = w.Accordion(
            children=[w.VBox(rows, layout=full()) for rows in by_category.values()],
            selected_index=0)

        # actions --------------------------------------------------------------------------
        self.actions_box = w.VBox(layout=full())
        self.new_what = w.Text(placeholder=t["action_what_placeholder"],
                               layout=w.Layout(flex="3 1 14em"))
        self.new_owner = w.Text(placeholder=t["action_owner"], layout=w.Layout(flex="1 1 8em"))
        self.new_due = w.DatePicker(layout=w.Layout(flex="0 0 11em"))
        self.new_finding = w.Dropdown(options=self.finding_options(),
                                      layout=w.Layout(flex="1 1 10em"))
        self.add_button = w.Button(description=t["action_add"], icon="plus",
                                   button_style="success")
        self.add_button.on_click(errors.guard(lambda _b: self.add_action()))
        self.action_message = w.HTML()
        header = w.HTML('<div class="avgkit small muted">' + " · ".join(html.escape(t[k]) for k in (
            "action_what", "action_owner", "action_due", "action_status", "action_finding"))
            + "</div>")
        new_title = w.HTML(f'<div class="avgkit"><h3>{html.escape(t["action_new"])}</h3></div>')
        actions = w.VBox([header, self.actions_box, new_title,
                          w.HBox([self.new_what, self.new_owner, self.new_due, self.new_finding,
                                  self.add_button], layout=w.Layout(flex_flow="row wrap")),
                          self.action_message], layout=full())

        self.tabs = w.Tab(children=[profile, self.measure_groups, actions],
                          titles=(t["risk_profile"], t["measures"], t["actions"]))
        self.summary = w.HTML()
        result = w.VBox([w.HTML(f"<h3 style='margin:4px 0'>{html.escape(t['outcome'])}</h3>"),
                         self.summary],
                        layout=w.Layout(flex="1 1 380px", min_width="320px",
                                        padding="0 0 0 12px"))
        self.header = w.HTML()
        self.widget = w.VBox([
            self.header,
            w.HBox([w.Box([self.tabs], layout=w.Layout(flex="1 1 560px", min_width="320px")),
                    result], layout=w.Layout(flex_flow="row wrap", width="100%"))],
            layout=full())
        session.on_reload.append(errors.guard(self.sync))
        self.sync()

    # risk profile -------------------------------------------------------------------------
    def _factor_row(self, factor: dict[str, Any]) -> w.Widget:
        t, lang, key = self.t, self.lang, factor["key"]
        options = [(pick(o["label"], lang), o["value"]) for o in factor.get("options", [])]
        if factor["kind"] == "choice":
            widget = w.Dropdown(options=[(t["not_filled_in"], ""), *options], layout=full())
            widget.observe(self.errors.guard(
                lambda c: self.save({f"checklist.risk_profile.{key}": c["new"] or None})),
                "value")
            self.factor_inputs[key] = widget
            inputs: list[w.Widget] = [widget]
        elif factor["kind"] == "count":
            widget = w.Text(placeholder=t["count_placeholder"], continuous_update=False,
                            layout=w.Layout(width="14em"))
            widget.observe(self.errors.guard(lambda c: self._count_changed(key, c["new"])),
                           "value")
            self.factor_inputs[key] = widget
            inputs = [widget]
        else:  # free text that counts in the rules when it starts with an option's value
            code = w.Dropdown(options=[(t["kind_other"], ""), *options], layout=full())
            text = w.Text(placeholder=t["describe_placeholder"], continuous_update=False,
                          layout=full())
            for part in (code, text):
                part.observe(self.errors.guard(lambda _c, k=key: self._text_changed(k)), "value")
            self.factor_inputs[key] = (code, text)
            inputs = [code, text]
        note = pick(factor.get("note"), lang)
        help_html = (f'<div class="avgkit"><div class="question">'
                     f'{html.escape(pick(factor["question"], lang))}</div>'
                     + (f'<div class="small muted">{html.escape(note)}</div>' if note else "")
                     + "</div>")
        self.factor_inputs[f"{key}__error"] = error = w.HTML()
        return w.VBox([w.HTML(help_html), *inputs, error],
                      layout=w.Layout(padding="4px 0 8px", width="100%"))

    def _count_changed(self, key: str, raw: str) -> None:
        if self.syncing:
            return
        error = self.factor_inputs[f"{key}__error"]
        raw = raw.strip().replace(".", "").replace(" ", "")
        if raw and not raw.isdigit():
            error.value = (f'<div class="avgkit"><div class="message warning">'
                           f'{html.escape(self.t["count_invalid"])}</div></div>')
            return
        error.value = ""
        self.save({f"checklist.risk_profile.{key}": int(raw) if raw else None})

    def _text_changed(self, key: str) -> None:
        if self.syncing:
            return
        code, text = self.factor_inputs[key]
        description = text.value.strip()
        value = f"{code.value}: {description}" if code.value and description else \
            code.value or description
        self.save({f"checklist.risk_profile.{key}": value})

    def _set_factor(self, factor: dict[str, Any], value: Any) -> None:
        widget = self.factor_inputs[factor["key"]]
        if factor["kind"] == "choice":
            widget.value = value or ""
        elif factor["kind"] == "count":
            widget.value = "" if value is None else str(value)
        else:
            code, text = widget
            codes = {o["value"] for o in factor.get("options", [])}
            head, sep, rest = (value or "").partition(":")
            if head.strip() in codes:
                code.value, text.value = head.strip(), rest.strip()
            else:
                code.value, text.value = "", value or ""

    # actions ------------------------------------------------------------------------------
    def finding_options(self) -> list[tuple[str, str | None]]:
        return [(self.t["action_no_finding"], ""),
                *[(f'{m["id"]} – {pick(m["text"], self.lang)}'[:70], m["id"])
                  for m in self.catalogue["measures"]]]

    def save_actions(self) -> None:
        if self.syncing:
            return
        self.save({"actions": [row.action() for row in self.action_rows]})

    def add_action(self) -> None:
        what = self.new_what.value.strip()
        if not what:
            self.action_message.value = (f'<div class="avgkit"><div class="message warning">'
                                         f'{html.escape(self.t["action_what_required"])}'
                                         '</div></div>')
            return
        new = Action(what=what, owner=self.new_owner.value.strip(), due=self.new_due.value,
                     finding=self.new_finding.value or None).model_dump(mode="json")
        current = [a.model_dump(mode="json") for a in self.session.assessment.actions]
        if self.save({"actions": [*current, new]}):
            self.new_what.value = self.new_owner.value = ""
            self.new_due.value = None
            self.new_finding.value = ""
            self.action_message.value = ""
            self.sync()

    def remove_action(self, index: int) -> None:
        current = [a.model_dump(mode="json") for a in self.session.assessment.actions]
        del current[index]
        if self.save({"actions": current}):
            self.sync()

    # saving and drawing -------------------------------------------------------------------
    def save(self, changes: dict[str, Any]) -> bool:
        if self.syncing:
            return False
        saved = self.session.save(changes)
        if not saved:
            self.sync()  # refused: show the stored values again, the reason is in the status
            return False
        self.refresh()
        return saved

    def place(self) -> dict[str, Any]:
        return {"tab": self.tabs.selected_index, "group": self.measure_groups.selected_index}

    def go_to(self, place: dict[str, Any]) -> None:
        self.tabs.selected_index = place.get("tab") or 0
        self.measure_groups.selected_index = place.get("group")

    def sync(self) -> None:
        """Set every input from the stored assessment (after opening or reloading)."""
        a = self.session.assessment
        checklist = a.checklist or {}
        profile = checklist.get("risk_profile") or {}
        answers = checklist.get("answers") or {}
        self.syncing = True
        try:
            for factor in self.catalogue["factors"]:
                self._set_factor(factor, profile.get(factor["key"]))
            for mid, row in self.rows.items():
                row.set(answers.get(mid))
            self.action_rows = [ActionRow(self, i, x) for i, x in enumerate(a.actions)]
            self.actions_box.children = [r.widget for r in self.action_rows]
        finally:
            self.syncing = False
        self.refresh()

    def refresh(self) -> None:
        a, t = self.session.assessment, self.t
        view = checklist_view(a, self.lang, self.kb, self.custom)
        self.result = view
        self.summary.value = fragment("checklist_summary", view, t, True)
        self.risk_html.value = fragment("risk_block", view, t)
        expected = {m["id"]: (m["expected"], m["expected_from"])
                    for cat in view["categories"] for m in cat["measures"]}
        for mid, row in self.rows.items():
            row.draw(*expected[mid])
        counts = {}
        for cat in view["categories"]:
            done = sum(1 for m in cat["measures"] if m["status"] != "open")
            counts[cat["key"]] = f'{cat["label"]} ({done}/{len(cat["measures"])})'
        self.measure_groups.titles = tuple(counts.get(k, k) for k in self.categories)
        self.header.value = (f'<div class="avgkit"><h2 style="margin-top:4px">'
                             f'{html.escape(a.id)} · {html.escape(a.corporation)} × '
                             f'{html.escape(a.contractor)}</h2></div>')
