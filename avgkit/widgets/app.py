"""The app around the views: the front door (every assessment), the open assessment's frame
(header naming it, its parts one click apart: roles, security, data breach, history, sign-off),
the language switch, the save status, the error log, and the URL following what is open.

One App per notebook; `avgkit.notebook.run` builds it. Views are built once per language and
part and kept, so switching language or part back and forth does not rebuild widgets."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlencode

import ipywidgets as w

from avgkit.identity import author
from avgkit.presentation import Labels
from avgkit.store import NotFoundError, Store
from avgkit.widgets.browser import UrlSync, download_html, size_text
from avgkit.widgets.common import ErrorLog, Session, StatusLine, style_widget
from avgkit.widgets.picker import AssessmentPicker

KINDS = ("start", "samenwerking", "beveiliging")
PARTS = ("samenwerking", "beveiliging", "geschiedenis", "afronding")
BREACH_NOTEBOOK = "datalek.ipynb"  # the breach form is its own notebook (avgkit/widgets/datalek)


def session_user(who: str | None, assessment) -> str:
    """Who is recorded as the author of changes made in this app: the logged-in (or OS)
    user, never the assessment's auditor field (avgkit.identity)."""
    return author(who)


class App:
    def __init__(self, kind: str, store: Store, lang: str = "nl",
                 assessment_id: str | None = None, who: str | None = None,
                 custom: object = None, part: str | None = None, links: bool = True):
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
        self.kind, self.store, self.who, self.custom, self.links = kind, store, who, custom, links
        self.home_part = "samenwerking" if kind == "start" else kind
        self.part = part if part in PARTS else self.home_part
        self.lang = lang
        self.view = None
        self.session: Session | None = None
        self._views: dict[tuple[str, str], Any] = {}
        self._dashboards: dict[str, Any] = {}
        self._pages: dict[tuple[str, str], w.Widget] = {}
        self.url = UrlSync()
        self.errors = ErrorLog(Labels(lang))
        self.status = StatusLine(Labels(lang))
        self.message = w.HTML()
        self.lang_switch = w.ToggleButtons(options=[("NL", "nl"), ("EN", "en")], value=lang,
                                           style={"button_width": "3.5em"})
        self.lang_switch.add_class("avgkit-lang")
        self.lang_switch.observe(self.errors.guard(lambda c: self.switch_language(c["new"])),
                                 "value")
        self.list_button = w.Button(icon="list", layout=w.Layout(width="auto"))
        self.list_button.add_class("avgkit-to-list")
        self.list_button.on_click(self.errors.guard(lambda _b: self.show_list()))
        self.title = w.HTML(layout=w.Layout(flex="1 1 20em"))
        self.parts = w.ToggleButtons(options=[("", p) for p in PARTS], value=self.part,
                                     style={"button_width": "auto"})
        self.parts.add_class("avgkit-parts")
        self._relabeling = False
        self.parts.observe(self.errors.guard(self._part_clicked), "value")
        self.breach_link = w.HTML()
        self.downloads = w.HBox(layout=w.Layout(flex_flow="row wrap", align_items="center"))
        self.report_button = w.Button(icon="file-code-o", layout=w.Layout(width="auto"))
        self.report_button.on_click(self.errors.guard(lambda _b: self.make_report()))
        self.pdf_button = w.Button(icon="file-pdf-o", layout=w.Layout(width="auto"))
        self.pdf_button.on_click(self.errors.guard(lambda _b: self.make_pdf()))
        self.report_result = w.HTML()
        self.locked_banner = w.HTML()
        self.nav = w.HBox([self.parts, self.breach_link, self.report_button, self.pdf_button,
                           self.report_result],
                          layout=w.Layout(flex_flow="row wrap", align_items="center",
                                          width="100%"))
        header = w.HBox([self.title, self.list_button, self.lang_switch],
                        layout=w.Layout(align_items="center", width="100%",
                                        flex_flow="row wrap"))
        # Every page built so far stays in the Stack; showing one is a switch of the selected
        # child, so the browser keeps its rendered widgets (a language or part switch costs
        # no re-rendering once a page was shown).
        self.body = w.Stack(layout=w.Layout(width="100%"))
        self.widget = w.VBox([style_widget(), self.url.widget, header, self.nav,
                              self.status.widget, self.locked_banner, self.message, self.body,
                              self.errors.widget], layout=w.Layout(width="100%"))
        self.widget.add_class("avgkit-app")
        self.status.widget.add_class("avgkit-status")
        self._label(lang)
        if assessment_id:
            self.errors.guard(self.open)(assessment_id, part=self.part, push=False)
        else:
            self.show_list(push=False)

    # texts ---------------------------------------------------------------------------------
    def _label(self, lang: str) -> None:
        """Set every text of the frame in `lang` (widgets stay; only labels change)."""
        self.lang = lang
        self.t = t = Labels(lang)
        self.errors.t = self.status.t = t
        self.status.reload_button.description = t["reload"]
        self.lang_switch.tooltip = t["language"]
        self.list_button.description = t["back_to_list"]
        self._relabeling = True  # new options reset the value: not a navigation
        try:
            self.parts.options = [(t[f"part_{p}"], p) for p in PARTS]
            self.parts.value = self.part
        finally:
            self._relabeling = False
        self.report_button.description = t["report_button"]
        self.pdf_button.description = t["report_pdf_button"]
        self._draw_title()

    def _draw_title(self) -> None:
        t = self.t
        if self.session is None:
            title = t["app_title_start" if self.kind == "start" else f"app_title_{self.kind}"]
            sub = t["app_subtitle_start" if self.kind == "start"
                    else f"app_subtitle_{self.kind}"]
            self.title.value = (f'<div class="avgkit"><h1>{html.escape(title)}</h1>'
                                f'<div class="muted">{html.escape(sub)}</div></div>')
            return
        a = self.session.assessment
        status = t[f"status_{a.status}"]
        self.title.value = (
            f'<div class="avgkit avgkit-open-header"><div class="muted small">'
            f'{html.escape(t["open_now"])}</div><h1>{html.escape(a.id)} · '
            f'{html.escape(a.corporation)} × {html.escape(a.contractor)}</h1>'
            f'<div class="muted">{html.escape(a.description)} '
            f'<span class="badge status-{html.escape(a.status)}">{html.escape(status)}'
            f'</span></div></div>')
        query = urlencode({"id": a.id, "lang": self.lang})
        self.breach_link.value = (
            f'<a class="avgkit-nav-link" href="{BREACH_NOTEBOOK}?{html.escape(query)}" '
            f'target="_self"><i class="fa fa-exclamation-triangle"></i> '
            f'{html.escape(t["part_datalek"])}</a>')
        self.locked_banner.value = (
            f'<div class="avgkit"><div class="message warning">'
            f'{html.escape(t["locked_banner"])}</div></div>' if a.locked else "")

    # navigation ----------------------------------------------------------------------------
    def show_list(self, push: bool = True) -> None:
        self.view = self.session = None
        self.nav.layout.display = "none"
        self.list_button.layout.display = "none"
        self.status.widget.layout.display = "none"
        self.locked_banner.value = ""
        self._draw_title()
        picker = self._picker()
        picker.refresh()
        if self.kind == "start":
            dash = self._dashboard()
            dash.refresh()
            key = ("list", self.lang)
            if key not in self._pages:
                self._pages[key] = w.VBox([dash.widget, picker.widget],
                                          layout=w.Layout(width="100%"))
            self._show(self._pages[key])
        else:
            self._show(picker.widget)
        self.url.set({"lang": self.lang}, push=push)

    def _show(self, widget: w.Widget) -> None:
        children = list(self.body.children)
        if widget not in children:
            children.append(widget)
            self.body.children = children
        self.body.selected_index = children.index(widget)

    def _dashboard(self):
        from avgkit.widgets.dashboard import Dashboard

        if self.lang not in self._dashboards:
            self._dashboards[self.lang] = Dashboard(self.store, self.t, self.errors, self.open,
                                                    self.custom, links=self.links)
        return self._dashboards[self.lang]

    def _picker(self) -> AssessmentPicker:
        key = ("picker", self.lang)
        if key not in self._views:
            picker = AssessmentPicker(self.store, self.t, self.errors, self.open)
            if self.kind == "start":  # the dashboard lists and opens; the picker creates
                picker.tabs.selected_index = 1
            self._views[key] = picker
        return self._views[key]

    @property
    def picker(self) -> AssessmentPicker:
        return self._picker()

    def open(self, assessment_id: str, part: str | None = None, push: bool = True) -> bool:
        """Open an assessment (in `part`, else the current one); False with a message if it is
        not in the store."""
        try:
            assessment = self.store.get(assessment_id)
        except NotFoundError:
            self._say(self.t.format("not_found", id=assessment_id))
            self.show_list(push=False)
            return False
        self.message.value = ""
        self.report_result.value = ""
        if part is None and (self.session is None or self.session.id != assessment_id):
            part = self.home_part  # from the list: an assessment opens on its roles
        if self.session is None or self.session.id != assessment_id:
            old = [v.widget for k, v in self._views.items() if k[0] != "picker"]
            self._views = {k: v for k, v in self._views.items() if k[0] == "picker"}
            if old:  # another assessment's pages leave the Stack
                self.body.selected_index = None
                self.body.children = [c for c in self.body.children if c not in old]
            self.session = Session(self.store, assessment_id,
                                   session_user(self.who, assessment), self.status, self.errors)
        self.nav.layout.display = ""
        self.list_button.layout.display = ""
        self.status.widget.layout.display = ""
        self._draw_title()
        self.show_part(part or self.part, push=push)
        return True

    def _part_clicked(self, change: dict[str, Any]) -> None:
        if not self._relabeling and change["new"] is not None:
            self.show_part(change["new"])

    def show_part(self, part: str, push: bool = True) -> None:
        if part not in PARTS:
            raise ValueError(f"part must be one of {', '.join(PARTS)}, got {part!r}")
        self.part = part
        if self.parts.value != part:
            self.parts.value = part  # its observer calls show_part again, which is harmless
            return
        if self.session is None:
            return
        view = self._view(part)
        self.view = view
        self._show(view.widget)
        self._prebuild_other_language()
        self.url.set({"id": self.session.id, "part": None if part == self.home_part else part,
                      "lang": self.lang}, push=push)

    def _view(self, part: str):
        key = (self.lang, part)
        view = self._views.get(key)
        if view is None:
            view = self._build_view(part)
            self._views[key] = view
        else:
            view.sync()  # another part may have changed the assessment meanwhile
        return view

    def _build_view(self, part: str):
        session = self.session
        if part == "samenwerking":
            from avgkit.widgets.collaboration import CollaborationView
            view = CollaborationView(session, self.lang, self.errors)
        elif part == "beveiliging":
            from avgkit.widgets.checklist import ChecklistView
            view = ChecklistView(session, self.lang, self.errors, self.custom)
        elif part == "geschiedenis":
            from avgkit.widgets.history import HistoryView
            view = HistoryView(self.store, session.id, self.t)
            view.refresh()
            return view
        else:
            from avgkit.widgets.signoff import SignOffPanel
            return SignOffPanel(session, self.t, self.errors, self._signed)
        if hasattr(view, "header"):
            view.header.layout.display = "none"  # the app's header names the assessment
        return view

    def _prebuild_other_language(self) -> None:
        """Once the kernel is idle, build this part in the other language too (hidden in the
        Stack), so the first language switch is as fast as the later ones. Only where an event
        loop runs (a kernel); unit tests build on demand."""
        import asyncio

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        other = "en" if self.lang == "nl" else "nl"
        key, sid = (other, self.part), self.session.id
        if key in self._views or self.part not in ("samenwerking", "beveiliging"):
            return

        def build() -> None:
            if self.session is None or self.session.id != sid or key in self._views:
                return
            lang, self.lang = self.lang, other
            try:
                view = self._build_view(key[1])
            finally:
                self.lang = lang
            self._views[key] = view
            self.body.children = [*self.body.children, view.widget]

        loop.call_later(2.5, self.errors.guard(build))

    def _signed(self) -> None:
        self._draw_title()

    def switch_language(self, lang: str) -> None:
        if lang == self.lang:
            return
        place = self.view.place() if self.view is not None and hasattr(self.view, "place") \
            else None
        self._label(lang)
        if self.session is None:
            self.show_list(push=False)
            return
        self.show_part(self.part, push=False)
        if place and hasattr(self.view, "go_to"):
            self.view.go_to(place)

    # files ---------------------------------------------------------------------------------
    def make_report(self) -> str | None:
        """The assessment's HTML report, offered as a download (made in memory)."""
        if self.session is None:
            return None
        from avgkit.report import render_report

        a = self.session.assessment
        data = render_report(a, self.lang, custom=self.custom).encode("utf-8")
        name = f"{a.id}-rapport.html" if self.lang == "nl" else f"{a.id}-report.html"
        link = download_html(data, name, self.t.format("download_label", name=name))
        ready = self.t.format("report_ready", size=size_text(len(data), self.lang))
        self.report_result.value = (f'<span class="avgkit">{link} <span class="muted small">'
                                    f'{html.escape(ready)}</span></span>')
        return self.report_result.value

    def make_pdf(self) -> str | None:
        """The report as an A4 PDF (avgkit.batch.pdf, headless Chromium), offered as a
        download; printed in a temporary folder that is removed at once."""
        if self.session is None:
            return None
        import tempfile
        from pathlib import Path

        from avgkit.batch.pdf import PdfError, html_to_pdf
        from avgkit.report import render_report

        a = self.session.assessment
        stem = f"{a.id}-rapport" if self.lang == "nl" else f"{a.id}-report"
        with tempfile.TemporaryDirectory(prefix="avgkit-pdf-") as folder:
            page = Path(folder) / "report.html"
            page.write_text(render_report(a, self.lang, custom=self.custom), "utf-8")
            try:
                data = html_to_pdf(page).read_bytes()
            except PdfError as exc:
                self.report_result.value = (
                    f'<span class="avgkit"><span class="message error">'
                    f'{html.escape(self.t.format("report_pdf_failed", problem=str(exc)))}'
                    '</span></span>')
                return None
        name = f"{stem}.pdf"
        link = download_html(data, name, self.t.format("download_label", name=name))
        ready = self.t.format("report_ready", size=size_text(len(data), self.lang))
        self.report_result.value = (f'<span class="avgkit">{link} <span class="muted small">'
                                    f'{html.escape(ready)}</span></span>')
        return self.report_result.value

    # messages ------------------------------------------------------------------------------
    def warn_ignored(self, problems: list[str]) -> None:
        """Say which URL parameters were not taken (invalid id, unknown store file...)."""
        self._say(self.t.format("query_ignored", items="; ".join(problems)))

    def _say(self, text: str) -> None:
        self.message.value = (f'<div class="avgkit"><div class="message warning">'
                              f'{html.escape(text)}</div></div>')
