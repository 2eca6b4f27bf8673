"""The collaboration view: the classifier's questions one at a time, a live outcome panel, the
agreement in place with the review of the 14 points, notes and status. Thin: the questions come
from vragen.yaml, the order from avgkit.walkthrough, the outcome from avgkit.classify, the texts
from avgkit.presentation; every change is saved through the Session at once."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from avgkit import walkthrough
from avgkit.html import fragment
from avgkit.knowledge import load_knowledge
from avgkit.presentation import Labels, agreement_view, collaboration_view
from avgkit.widgets.common import ErrorLog, Session, full

# "" stands for "not yet recorded": a Dropdown shows a None value as an empty box.
AGREEMENT_KINDS = ("", "geen", "verwerkersovereenkomst",
                   "regeling-gezamenlijke-verantwoordelijkheid",
                   "verwerkingsverantwoordelijkenovereenkomst")


class _Lazy(dict):
    """A dict that builds a missing entry with `build(key)` (items() holds the built ones)."""

    def __init__(self, build):
        super().__init__()
        self._build = build

    def __missing__(self, key):
        value = self[key] = self._build(key)
        return value


def _cites(citations) -> str:
    return (f' <span class="cite">{html.escape("; ".join(citations))}</span>'
            if citations else "")


class CollaborationView:
    def __init__(self, session: Session, lang: str, errors: ErrorLog):
        self.session, self.lang, self.errors = session, lang, errors
        self.kb = load_knowledge()
        self.t = Labels(lang, self.kb)
        self._syncing = False
        self._step_keys: list[str] = []
        answers = session.assessment.answers
        keys = walkthrough.question_keys(answers, self.kb)
        # resume at the first open question, or the first one when all are answered
        self.current = next((k for k in keys if answers.get(k) is None), keys[0])

        # A question's input and page are built when first needed (shown, or set from code):
        # a page then loads a few dozen widgets instead of every question's.
        self.inputs: dict[str, w.ValueWidget] = _Lazy(self._build_input)
        self.pages: dict[str, w.VBox] = _Lazy(self._build_page)
        self.forms_panel = w.HTML()
        self.forms_panel.add_class("avgkit-forms-compared")
        self.stack = w.Box(layout=full())  # holds the current question's page

        self.step_title = w.HTML()
        self.progress_text = w.HTML()
        self.progress_bar = w.IntProgress(min=0, layout=w.Layout(width="100%", height="10px"))
        self.step_buttons = w.HBox(layout=w.Layout(flex_flow="row wrap"))
        self.back = w.Button(description=self.t["back"], icon="arrow-left")
        self.skip = w.Button(description=self.t["skip"], icon="forward",
                             tooltip=self.t["skip_help"])
        self.clear = w.Button(description=self.t["clear_answer"], icon="eraser")
        self.next = w.Button(description=self.t["next"], icon="arrow-right",
                             button_style="primary")
        self.back.on_click(errors.guard(lambda _b: self.go(-1)))
        self.skip.on_click(errors.guard(lambda _b: self.go(+1)))
        self.next.on_click(errors.guard(lambda _b: self.go(+1)))
        self.clear.on_click(errors.guard(lambda _b: self._clear_current()))
        questions = w.VBox([
            self.step_title, self.progress_text, self.progress_bar, self.step_buttons,
            self.stack, w.HBox([self.back, self.skip, self.clear, self.next],
                               layout=w.Layout(flex_flow="row wrap"))])

        self._build_agreement()
        self.notes = w.Textarea(value=session.assessment.notes, continuous_update=False,
                                placeholder=self.t["notes_placeholder"],
                                layout=w.Layout(width="100%", height="10em"))
        # Completing is a sign-off with name, role and date (the app's "Afronding" part,
        # avgkit/widgets/signoff.py): the status is shown here, not toggled.
        self.status = w.ToggleButtons(
            options=[(self.t["status_concept"], "concept"),
                     (self.t["status_afgerond"], "afgerond")],
            value=session.assessment.status, disabled=True)
        self.notes.observe(errors.guard(lambda c: self._save({"notes": c["new"]})), "value")
        notes = w.VBox([w.HTML(f"<b>{html.escape(self.t['notes'])}</b>"), self.notes,
                        w.HTML(f"<b>{html.escape(self.t['status'])}</b>"), self.status])

        # Lawfulness and DPIA screening (issue 11): its questions in a tab, its result live below
        # the outcome.
        from avgkit.widgets.screening import ScreeningPanel
        self.screening = ScreeningPanel(session, lang, errors, self._save)
        self.tabs = w.Tab(children=[questions, self.agreement_box, notes,
                                    self.screening.questions],
                          titles=(self.t["tab_questions"], self.t["tab_agreement"],
                                  self.t["tab_notes"],
                                  self.kb.rechtmatigheid.labels["screening_column"].get(lang)))

        self.summary = w.HTML()
        self.details = w.Accordion()
        outcome = w.VBox([w.HTML(f"<h3 style='margin:4px 0'>{html.escape(self.t['outcome'])}"
                                 "</h3>"), self.summary, self.screening.result_box,
                         self.details],
                         layout=w.Layout(flex="1 1 420px", min_width="320px",
                                         padding="0 0 0 12px"))
        self.header = w.HTML()
        self.widget = w.VBox([
            self.header,
            w.HBox([w.Box([self.tabs], layout=w.Layout(flex="1 1 480px", min_width="320px")),
                    outcome], layout=w.Layout(flex_flow="row wrap", width="100%"))],
            layout=full())
        session.on_reload.append(errors.guard(self.sync))
        self.sync()

    # building ------------------------------------------------------------------------------
    def _build_input(self, key: str) -> w.ValueWidget:
        return self._input_for(self.kb.question(key))

    def _build_page(self, key: str) -> w.VBox:
        return self._page_for(self.kb.question(key))

    def _input_for(self, question) -> w.ValueWidget:
        value = self.session.assessment.answers.get(question.key)
        if question.kind == "choice":
            widget = w.RadioButtons(
                options=[(o.text.get(self.lang), o.value) for o in question.options],
                value=value, layout=full())
        else:
            widget = w.ToggleButtons(
                options=[(self.kb.vragen.answers["true"].get(self.lang), True),
                         (self.kb.vragen.answers["false"].get(self.lang), False)],
                value=value)
        widget.add_class(f"avgkit-q-{question.key}")
        widget.observe(self.errors.guard(
            lambda change, key=question.key: self._answered(key, change["new"])), "value")
        return widget

    def _page_for(self, question) -> w.VBox:
        help_html = (f'<div class="avgkit"><div class="help"><b>{html.escape(self.t["help"])}'
                     f':</b> {html.escape(question.help.get(self.lang))}'
                     f'{_cites(question.citations)}</div></div>')
        variant = (f' <span class="muted">({html.escape(self.t["variant"])} '
                   f'{html.escape(question.variant)})</span>' if question.variant else "")
        extra = [self.forms_panel] if question.key == "data_exchange" else []
        return w.VBox([
            w.HTML(f'<div class="avgkit"><div class="question">'
                   f'{html.escape(question.text.get(self.lang))}{variant}</div></div>'),
            self.inputs[question.key], w.HTML(help_html), *extra], layout=full())

    def _forms_html(self) -> str:
        """Forms with the same roles as the chosen one side by side: what differs is the
        argumentation and the agreement; and why the general questions are not asked."""
        from avgkit.classifier import classify

        kb, t, lang = self.kb, self.t, self.lang
        chosen = self.session.assessment.answers.get("data_exchange")
        forms = kb.samenwerkingsvormen.forms
        current = next((f for f in forms if f.data_exchange == chosen), None)
        if current is None:
            return ""
        same = [f for f in forms if (f.provider_role, f.client_role) ==
                (current.provider_role, current.client_role)]
        parts = [f'<p class="muted small"><i>{html.escape(t["our_note"])}:</i> '
                 f'{html.escape(t["forms_no_general"])}</p>']
        if len(same) > 1:
            rows = []
            for f in same:
                agreement = classify(data_exchange=f.data_exchange).agreement
                name = agreement.name.get(lang) if agreement else "–"
                argument = " ".join(a.get(lang) for a in f.argumentation)
                mark = ' class="chosen"' if f is current else ""
                rows.append(f"<tr{mark}><td><b>{f.number}</b></td>"
                            f"<td>{html.escape(name)}</td>"
                            f"<td>{html.escape(argument)}{_cites(f.citations)}</td></tr>")
            numbers = ", ".join(str(f.number) for f in same)
            relationship = kb.begrippen.relationships[current.relationship].get(lang)
            same_roles = t.format("forms_same_roles", forms=numbers, relationship=relationship)
            parts.insert(0, (
                f'<p><b>{html.escape(same_roles)}</b> {html.escape(t["forms_what_differs"])}</p>'
                f'<table class="forms-compared"><thead><tr><th>{html.escape(t["forms_form"])}</th>'
                f'<th>{html.escape(t["forms_agreement"])}</th>'
                f'<th>{html.escape(t["argumentation"])}</th></tr></thead>'
                f'<tbody>{"".join(rows)}</tbody></table>'))
        return f'<div class="avgkit">{"".join(parts)}</div>'

    def _build_agreement(self) -> None:
        t = self.t
        a = self.session.assessment.agreement
        self.agreement_kind = w.Dropdown(
            options=[(t[f"agreement_kind_{(k or 'unknown').replace('-', '_')}"], k)
                     for k in AGREEMENT_KINDS],
            value=a.kind or "", description=t["agreement_in_place"],
            style={"description_width": "14em"}, layout=w.Layout(width="100%"))
        self.agreement_date = w.DatePicker(value=a.date, description=t["agreement_date"],
                                           style={"description_width": "14em"})
        self.agreement_reviewed = w.Checkbox(value=a.reviewed,
                                             description=t["agreement_reviewed_long"],
                                             indent=False, layout=w.Layout(width="auto"))
        contents = self.kb.overeenkomsten.verwerkersovereenkomst_contents
        # the 14 points and A1-A6: built once a verwerkersovereenkomst is recorded (_build_points)
        self.point_boxes: dict[str, w.Checkbox] = {}
        intro = (f'<div class="avgkit"><h3>{html.escape(t["vo_review"])}</h3>'
                 f'<p class="muted small">{html.escape(contents.intro.get(self.lang))}'
                 f'{_cites(contents.citations)}</p><p class="muted small"><i>'
                 f'{html.escape(t["our_note"])}:</i> '
                 f'{html.escape(contents.optional_note.get(self.lang))} '
                 f'{html.escape(contents.supplementary_intro.get(self.lang))}</p></div>')
        self.points_box = w.VBox([self.agreement_reviewed, w.HTML(intro)])
        self.agreement_remarks = w.HTML()
        self.agreement_kind.observe(self.errors.guard(
            lambda c: self._save({"agreement.kind": c["new"] or None})), "value")
        self.agreement_date.observe(self.errors.guard(
            lambda c: self._save({"agreement.date": c["new"].isoformat() if c["new"] else None})),
            "value")
        self.agreement_reviewed.observe(self.errors.guard(
            lambda c: self._save({"agreement.reviewed": c["new"]})), "value")
        # The draft the outcome calls for, from the source's model agreements (avgkit.drafts).
        self.draft_button = w.Button(description=t["draft_button"], icon="file-text",
                                     layout=w.Layout(width="auto"))
        self.draft_result = w.HTML()
        self.draft_button.on_click(self.errors.guard(lambda _b: self.make_draft()))
        self.agreement_box = w.VBox([self.agreement_kind, self.agreement_date,
                                     self.agreement_remarks, self.points_box,
                                     w.HBox([self.draft_button, self.draft_result])])

    def _build_points(self) -> None:
        """The review rows of the 14 points of a verwerkersovereenkomst and our supplementary
        points A1-A6 (built once)."""
        if self.point_boxes:
            return
        t, a = self.t, self.session.assessment.agreement
        rows = []
        contents = self.kb.overeenkomsten.verwerkersovereenkomst_contents
        for p in (*contents.points, *contents.supplementary):  # A1-A6: art. 28, ours
            box = w.Checkbox(value=bool(a.points.get(p.id)), indent=False,
                             layout=w.Layout(width="28px", flex="0 0 28px"))
            box.observe(self.errors.guard(
                lambda c, pid=p.id: self._save({f"agreement.points.{pid}": c["new"]})), "value")
            self.point_boxes[p.id] = box
            optional = (f' <span class="muted">({html.escape(t["vo_optional"])})</span>'
                        if p.optional else "")
            rows.append(w.HBox([box, w.HTML(
                f'<div class="avgkit">{p.number}. {html.escape(p.text.get(self.lang))}'
                f'{optional}{_cites(p.citations)}</div>', layout=w.Layout(flex="1 1 auto"))],
                layout=w.Layout(align_items="flex-start")))
        self.points_box.children = (*self.points_box.children, *rows)

    # behaviour -----------------------------------------------------------------------------
    def make_draft(self) -> bytes | None:
        """Make the draft agreement in memory and offer it as a browser download ("Downloaden
        …"); nothing is written on the server. None (with the reason) when no draft applies."""
        import io

        from avgkit.drafts import DraftError, build_draft, render_docx
        from avgkit.widgets.browser import download_html, safe_filename, size_text

        a = self.session.assessment
        try:
            draft = build_draft(a, self.lang)
        except DraftError as exc:
            self.draft_result.value = (f'<span class="avgkit muted">'
                                       f'{html.escape(self.t["draft_refused"].format(reason=exc))}'
                                       f'</span>')
            return None
        buffer = io.BytesIO()
        render_docx(draft, buffer)
        data = buffer.getvalue()
        name = safe_filename(f"{a.id}-{draft.kind}.docx")
        label = self.t.format("download_label", name=name)
        self.draft_result.value = (
            f'<span class="avgkit">{download_html(data, name, label)} <span class="muted small">'
            f'{html.escape(self.t.format("draft_ready", size=size_text(len(data), self.lang)))}'
            '</span></span>')
        return data

    def _save(self, changes: dict[str, Any]) -> None:
        if self._syncing:
            return
        if not self.session.save(changes):
            self.sync()  # refused: show the stored value again, the reason is in the status
            return
        self.refresh()

    def _answered(self, key: str, value: Any) -> None:
        self._save({f"answers.{key}": value})

    def _clear_current(self) -> None:
        self.inputs[self.current].value = None  # the observer saves the cleared answer

    def go(self, step: int) -> None:
        self.current = walkthrough.neighbour(self.session.assessment.answers, self.current, step,
                                             self.kb)
        self.refresh()

    def jump(self, key: str) -> None:
        self.current = key
        self.refresh()

    def place(self) -> dict[str, Any]:
        """Where the auditor is (tab, question), to come back to after a language switch."""
        return {"tab": self.tabs.selected_index, "question": self.current}

    def go_to(self, place: dict[str, Any]) -> None:
        self.tabs.selected_index = place.get("tab") or 0
        self.jump(place.get("question") or self.current)

    def sync(self) -> None:
        """Set every input from the stored assessment (after opening or reloading)."""
        a = self.session.assessment
        self._syncing = True
        try:
            for key, widget in self.inputs.items():
                widget.value = a.answers.get(key)
            self.agreement_kind.value = a.agreement.kind or ""
            self.agreement_date.value = a.agreement.date
            self.agreement_reviewed.value = a.agreement.reviewed
            for pid, box in self.point_boxes.items():
                box.value = bool(a.agreement.points.get(pid))
            self.notes.value = a.notes
            self.status.value = a.status
        finally:
            self._syncing = False
        self.screening.sync()
        self.refresh()

    def refresh(self) -> None:
        """Redraw the walk and the outcome from the stored state."""
        a = self.session.assessment
        kb, t = self.kb, self.t
        keys = walkthrough.question_keys(a.answers, kb)
        if self.current not in keys:
            self.current = walkthrough.neighbour(a.answers, self.current, 0, kb)
        question = kb.question(self.current)
        page = self.pages[self.current]
        if self.stack.children != (page,):
            self.stack.children = (page,)
        prog = walkthrough.progress(a.answers, self.current, kb)
        self.step_title.value = (f'<div class="avgkit"><b>{html.escape(t["step"])}: '
                                 f'{html.escape(t["step_" + question.step])}</b></div>')
        self.progress_text.value = html.escape(t.format(
            "progress", position=prog.position, total=prog.total, answered=prog.answered))
        self.progress_bar.max = prog.total
        self.progress_bar.value = prog.answered
        self._draw_step_buttons(keys)
        self.back.disabled = keys.index(self.current) == 0
        last = keys.index(self.current) == len(keys) - 1
        self.next.disabled = last or a.answers.get(self.current) is None
        self.skip.disabled = last
        self.clear.disabled = a.answers.get(self.current) is None

        result = a.classification()
        view = collaboration_view(result, self.lang, a, kb)
        self.outcome = view
        self.summary.value = (fragment("outcome_summary", view, t)
                              + fragment("open_questions", view, t)
                              + fragment("variants", view, t)
                              + f'<p class="muted small">{html.escape(view["source_line"])}</p>')
        self._draw_details(view)
        self.agreement_remarks.value = fragment("remarks",
                                                agreement_view(a, result, self.lang, kb)["remarks"],
                                                t)
        is_vo = self.agreement_kind.value == "verwerkersovereenkomst"
        if is_vo:
            self._build_points()
        self.points_box.layout.display = "" if is_vo else "none"
        self.header.value = self._header_html()
        self.screening.refresh()
        self.forms_panel.value = self._forms_html()

    def _draw_step_buttons(self, keys: list[str]) -> None:
        answers = self.session.assessment.answers
        if self._step_keys != keys:
            buttons = []
            for i, key in enumerate(keys, 1):
                b = w.Button(description=str(i), layout=w.Layout(width="4.4em"),
                             tooltip=self.kb.question(key).text.get(self.lang))
                b.on_click(self.errors.guard(lambda _b, k=key: self.jump(k)))
                buttons.append(b)
            self.step_buttons.children = buttons
            self._step_keys = list(keys)
        for key, b in zip(keys, self.step_buttons.children, strict=True):
            answered = answers.get(key) is not None
            b.button_style = "info" if key == self.current else "success" if answered else ""
            b.icon = "check" if answered and key != self.current else ""

    def _draw_details(self, view: dict[str, Any]) -> None:
        t = self.t
        parts = [(t["argumentation"], fragment("argumentation", view, t))]
        for group in view["obligations"]:
            parts.append((t.format("obligations_of", party=group["party"], role=group["role"],
                                   count=len(group["items"])),
                          fragment("obligation_list", group, t)))
        if len(self.details.children) != len(parts):
            selected = self.details.selected_index
            self.details.children = [w.HTML() for _ in parts]
            self.details.selected_index = selected if selected is not None and \
                selected < len(parts) else None
        for child, (_title, body) in zip(self.details.children, parts, strict=True):
            child.value = body
        self.details.titles = tuple(title for title, _ in parts)

    def _header_html(self) -> str:
        a = self.session.assessment
        desc = (f'<div class="muted">{html.escape(a.description)}</div>'
                if a.description else "")
        return (f'<div class="avgkit"><h2 style="margin-top:4px">{html.escape(a.id)} · '
                f'{html.escape(a.corporation)} × {html.escape(a.contractor)}</h2>{desc}</div>')
