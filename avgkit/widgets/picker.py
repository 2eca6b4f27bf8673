"""Pick a saved assessment (search by id, corporation, contractor) or start a new one."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable

import ipywidgets as w
from pydantic import ValidationError

from avgkit.assessment import ID_PATTERN, Assessment
from avgkit.identity import author, os_user
from avgkit.presentation import Labels
from avgkit.store import Store, StoreError
from avgkit.widgets.common import ErrorLog, full


def matches(assessment: Assessment, query: str) -> bool:
    """Every word of the query occurs in the id, the corporation or the contractor."""
    haystack = " ".join((assessment.id, assessment.corporation, assessment.contractor)).casefold()
    return all(word in haystack for word in query.casefold().split())


def option_label(a: Assessment) -> str:
    parts = [a.id, a.corporation or "–", a.contractor or "–"]
    return " · ".join(p.replace("\n", " ") for p in parts)


def search(assessments: Iterable[Assessment], query: str) -> list[Assessment]:
    return sorted((a for a in assessments if matches(a, query)), key=lambda a: a.id.casefold())


def current_user() -> str:
    """The OS user (kept for callers; the author of a change is `avgkit.identity.author()`)."""
    return os_user()


class AssessmentPicker:
    """Two tabs: open an existing assessment, or create a new one. Calls on_open(id)."""

    def __init__(self, store: Store, t: Labels, errors: ErrorLog,
                 on_open: Callable[[str], None]):
        self.store, self.t, self.errors, self.on_open = store, t, errors, on_open
        self.search_box = w.Text(placeholder=t["search_placeholder"], layout=full(),
                                 continuous_update=True)
        self.results = w.Select(options=[], rows=8, layout=full())
        self.count = w.HTML()
        self.open_button = w.Button(description=t["open"], icon="folder-open",
                                    button_style="primary", disabled=True)
        self.new_id = w.Text(description=t["field_id"], placeholder="SW-001",
                             style={"description_width": "14em"}, layout=full())
        self.new_corporation = w.Text(description=t["field_corporation"],
                                      style={"description_width": "14em"}, layout=full())
        self.new_contractor = w.Text(description=t["field_contractor"],
                                     style={"description_width": "14em"}, layout=full())
        self.new_description = w.Textarea(description=t["field_description"],
                                          style={"description_width": "14em"}, layout=full())
        self.new_auditor = w.Text(description=t["field_auditor"], value=author(),
                                  style={"description_width": "14em"}, layout=full())
        self.create_button = w.Button(description=t["create"], icon="plus",
                                      button_style="success")
        self.message = w.HTML()

        self.search_box.observe(errors.guard(lambda _c: self.refresh()), "value")
        self.results.observe(errors.guard(self._selected), "value")
        self.open_button.on_click(errors.guard(lambda _b: self._open()))
        self.create_button.on_click(errors.guard(lambda _b: self.create()))

        existing = w.VBox([self.search_box, self.count, self.results, self.open_button])
        new = w.VBox([self.new_id, self.new_corporation, self.new_contractor,
                      self.new_description, self.new_auditor, self.create_button])
        self.tabs = w.Tab(children=[existing, new], titles=(t["tab_open"], t["tab_new"]))
        self.widget = w.VBox([self.tabs, self.message], layout=w.Layout(max_width="900px"))
        self.refresh()

    def refresh(self) -> None:
        found = search(self.store.list(), self.search_box.value)
        self.results.options = [(option_label(a), a.id) for a in found]
        self.count.value = html.escape(self.t.format("found_count", count=len(found)))
        self.open_button.disabled = self.results.value is None

    def _selected(self, _change=None) -> None:
        self.open_button.disabled = self.results.value is None

    def _open(self) -> None:
        if self.results.value:
            self.on_open(self.results.value)

    def _say(self, key: str, css: str = "error", **values: object) -> None:
        self.message.value = (f'<div class="avgkit"><div class="message {css}">'
                              f'{html.escape(self.t.format(key, **values))}</div></div>')

    def create(self) -> str | None:
        """Create the assessment from the form; its id on success, None with a message."""
        new_id = self.new_id.value.strip()
        if not ID_PATTERN.match(new_id):
            self._say("invalid_id", value=new_id)
            return None
        if not self.new_corporation.value.strip() or not self.new_contractor.value.strip():
            self._say("parties_required")
            return None
        try:
            assessment = Assessment(
                id=new_id, corporation=self.new_corporation.value.strip(),
                contractor=self.new_contractor.value.strip(),
                description=self.new_description.value.strip(),
                auditor=self.new_auditor.value.strip())
        except ValidationError as exc:
            self._say("invalid_input", problem=exc.errors()[0]["msg"])
            return None
        try:  # recorded under the logged-in (or OS) user; the auditor field is an answer
            self.store.create(assessment, author())
        except StoreError as exc:
            self._say("create_failed", id=new_id, problem=str(exc))
            return None
        self.message.value = ""
        self.refresh()
        self.on_open(new_id)
        return new_id
