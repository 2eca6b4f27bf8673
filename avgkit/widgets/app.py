"""The app around a view: language switch, picking or creating an assessment, the save status
and the error log. One App per notebook; `avgkit.notebook.run` builds it."""

from __future__ import annotations

import html

import ipywidgets as w

from avgkit.identity import author
from avgkit.presentation import Labels
from avgkit.store import NotFoundError, Store
from avgkit.widgets.common import ErrorLog, Session, StatusLine, style_widget
from avgkit.widgets.picker import AssessmentPicker

KINDS = ("samenwerking", "beveiliging")


class App:
    def __init__(self, kind: str, store: Store, lang: str = "nl",
                 assessment_id: str | None = None, who: str | None = None,
                 custom: object = None):
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
        self.kind, self.store, self.who, self.custom = kind, store, who, custom
        self.widget = w.VBox(layout=w.Layout(width="100%"))
        self.view = None
        self.session: Session | None = None
        self._build(lang, assessment_id)

    def _build(self, lang: str, assessment_id: str | None) -> None:
        self.lang = lang
        self.t = t = Labels(lang)
        self.errors = ErrorLog(t)
        self.status = StatusLine(t)
        self.message = w.HTML()
        self.lang_switch = w.ToggleButtons(options=[("NL", "nl"), ("EN", "en")], value=lang,
                                           tooltip=t["language"],
                                           style={"button_width": "3.5em"})
        self.lang_switch.observe(self.errors.guard(lambda c: self.switch_language(c["new"])),
                                 "value")
        self.list_button = w.Button(description=t["to_list"], icon="list",
                                    layout=w.Layout(width="auto"))
        self.list_button.on_click(self.errors.guard(lambda _b: self.show_picker()))
        title = w.HTML(f'<div class="avgkit"><h1>{html.escape(t["app_title_" + self.kind])}'
                       f'</h1><div class="muted">{html.escape(t["app_subtitle_" + self.kind])}'
                       '</div></div>', layout=w.Layout(flex="1 1 auto"))
        header = w.HBox([title, self.list_button, self.lang_switch],
                        layout=w.Layout(align_items="center", width="100%"))
        self.body = w.VBox(layout=w.Layout(width="100%"))
        self.widget.children = [style_widget(), header, self.message, self.body,
                                self.status.widget, self.errors.widget]
        self.picker = AssessmentPicker(self.store, t, self.errors, self.open)
        if assessment_id:
            self.errors.guard(self.open)(assessment_id)
        else:
            self.show_picker()

    def show_picker(self) -> None:
        self.view = self.session = None
        self.picker.refresh()
        self.body.children = [self.picker.widget]
        self.list_button.layout.display = "none"

    def open(self, assessment_id: str) -> bool:
        """Open an assessment in this app's view; False with a message if it is not there."""
        try:
            self.store.get(assessment_id)
        except NotFoundError:
            self._say(self.t.format("not_found", id=assessment_id))
            self.show_picker()
            return False
        self.message.value = ""
        # The author of a change is the logged-in (or OS) user, never the auditor field.
        who = author(self.who)
        self.session = Session(self.store, assessment_id, who, self.status, self.errors)
        if self.kind == "samenwerking":
            from avgkit.widgets.collaboration import CollaborationView
            self.view = CollaborationView(self.session, self.lang, self.errors)
        else:
            from avgkit.widgets.checklist import ChecklistView
            self.view = ChecklistView(self.session, self.lang, self.errors, self.custom)
        self.body.children = [self.view.widget]
        self.list_button.layout.display = ""
        return True

    def switch_language(self, lang: str) -> None:
        if lang != self.lang:
            place = self.view.place() if self.view else None
            self._build(lang, self.session.id if self.session else None)
            if self.view and place:
                self.view.go_to(place)

    def warn_ignored(self, problems: list[str]) -> None:
        """Say which URL parameters were not taken (invalid id, unknown store file...)."""
        self._say(self.t.format("query_ignored", items="; ".join(problems)))

    def _say(self, text: str) -> None:
        self.message.value = (f'<div class="avgkit"><div class="message warning">'
                              f'{html.escape(text)}</div></div>')
