"""The datalek notebook: record a possible data breach with widgets, see its deadlines live.

    DatalekForm(store, assessment_id, lang).widget   # the form; saves on every change
    DatalekApp(store, lang, assessment_id).widget    # the frame: language, back to the list
    run(assessment_id, store_path, lang, interactive, incident_id)   # what the notebook calls

The query string is read with avgkit.notebook.query_string() (a preheated Voilà kernel waits
for the request). On the team server (avgkit.identity.server_mode()) the store is the server's
(avgkit.server.session.open_store(), `store=` in the URL dropped unread), changes are recorded
under the logged-in user, and "Rapport opslaan" offers the report as a browser download instead
of writing a file on the server.

All rules live in avgkit.breach; this module only turns widget values into an Incident and the
plan back into HTML. Every change that gives a valid incident is saved at once (with the
version it was read at, so a concurrent edit of the same field is refused, not overwritten).
"""

from __future__ import annotations

import datetime as dt
import html
import os
from pathlib import Path
from typing import Any

import ipywidgets as w
from pydantic import ValidationError

from avgkit import breach
from avgkit.breach import AMSTERDAM, Incident, IncidentStore
from avgkit.knowledge import load_knowledge
from avgkit.models import check_lang

NEW = ""  # the incident dropdown's value for a new incident
CSS = """<style>
.avgkit-datalek table { border-collapse: collapse; width: 100%; }
.avgkit-datalek th, .avgkit-datalek td { border: 1px solid #bbb; padding: 2px 6px;
  vertical-align: top; text-align: left; }
.avgkit-datalek .state-open { background: #fff8d6; }
.avgkit-datalek .state-overdue, .avgkit-datalek .state-late { background: #fde0dc; }
.avgkit-datalek .state-on_time, .avgkit-datalek .state-not_required { background: #e3f4e1; }
.avgkit-datalek .cite { color: #555; font-size: 90%; }
.avgkit-datalek .clause { font-style: italic; margin: 2px 0; }
</style>"""


def _naive(value: dt.datetime | None) -> dt.datetime | None:
    """An aware time as Amsterdam wall-clock time, for a NaiveDatetimePicker."""
    return None if value is None else breach.local_time(value).replace(tzinfo=None)


class DatalekForm:
    """One incident of one assessment: the seven questions of Bijlage 3 and the dates."""

    def __init__(self, store, assessment_id: str, lang: str = "nl", incident_id: str | None = None,
                 who: str = "", autosave: bool = True, reports_dir: str | Path | None = "reports",
                 now=None):
        self.lang = check_lang(lang)
        self.kb = load_knowledge()
        self.labels = self.kb.datalekken.labels
        self.store = store
        self.incidents = IncidentStore(store)
        self.assessment_id = assessment_id
        self.who = who or _author()
        self.autosave = autosave
        # None: "Rapport opslaan" offers a browser download (team server), never a file there
        self.reports_dir = Path(reports_dir) if reports_dir is not None else None
        self.now = now  # a fixed "now" for tests; None: the clock
        self.base_version: int | None = None
        self.loading = False
        self._build()
        self._reload_choices(incident_id or self._latest() or NEW)

    def t(self, key: str) -> str:
        return self.labels[key].get(self.lang)

    # --- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        t, lang = self.t, self.lang
        wide = w.Layout(width="100%", max_width="820px")
        style = {"description_width": "20em"}  # wide enough for the longest label
        text = {"layout": wide, "style": style, "continuous_update": False}
        picker = {"style": style, "layout": w.Layout(width="auto", max_width="820px")}
        self.choice = w.Dropdown(description=t("choose_incident"), style=style,
                                 layout=w.Layout(width="auto", min_width="30em"))
        self.choice.add_class("avgkit-datalek-choice")
        parties = self.kb.datalekken.parties
        a = self.store.get(self.assessment_id)
        names = {"client": a.corporation, "provider": a.contractor}
        self.discovered_by = w.ToggleButtons(
            options=[(f"{names[p]} – {parties[p].get(lang)}" if names[p] else parties[p].get(lang),
                      p) for p in ("client", "provider")],
            description=t("discovered_by"), style={**style, "button_width": "auto"})
        self.discovered_at = w.NaiveDatetimePicker(description=t("discovered_at"), **picker)
        self.reporter = w.Text(description=t("reporter"), **text)
        questions = [b for b in self.kb.verwerkersovereenkomst.annex("bijlage-3").blocks
                     if b.kind == "question"]
        self.answers: dict[str, w.Textarea] = {}
        boxes = []
        for q in questions:
            area = w.Textarea(placeholder=q.help.get(lang) if q.help else "",
                              layout=w.Layout(width="100%", max_width="760px", height="4.5em"),
                              continuous_update=False)
            self.answers[q.id or ""] = area
            head = w.HTML(f"<b>{html.escape(q.number or '')} {html.escape(q.text.get(lang))}</b>"
                          + (f"<br><i>{html.escape(q.help.get(lang))}</i>" if q.help else ""))
            extra = self._extra(q.id or "", style)
            boxes.append(w.VBox([head, *extra, area]))
        self.other_informed = w.NaiveDatetimePicker(description=t("other_party_informed_at"),
                                                    **picker)
        yes_no = [(t("unknown"), None), (t("yes"), True), (t("no"), False)]
        dk = self.kb.datalekken
        # "" (not None) for 'not yet answered': a Dropdown shows a None value as an empty box.
        self.risk = w.Dropdown(options=[(t("risk_unknown"), "")]
                               + [(v.get(lang), k) for k, v in dk.risks.items()],
                               description=t("risk"), style=style,
                               layout=w.Layout(width="auto", max_width="760px"))
        self.exceptions: dict[str, w.Dropdown] = {}
        exception_rows = []
        for eid, item in dk.exceptions.items():
            box = w.Dropdown(options=[(t("unknown"), ""), (t("yes"), "yes"), (t("no"), "no")],
                             layout=w.Layout(width="8em", flex="0 0 8em"))
            self.exceptions[eid] = box
            exception_rows.append(w.HBox([box, w.HTML(
                f"{html.escape(item.text.get(lang))} <span class='cite'>"
                f"[{html.escape('; '.join(item.citations))}]</span>",
                layout=w.Layout(flex="1 1 auto", max_width="660px"))]))
        self.exceptions_box = w.VBox([w.HTML(f"<b>{html.escape(t('exceptions'))}</b>"),
                                      *exception_rows])
        self.ap_required = w.Dropdown(options=yes_no, description=t("ap_required"), style=style,
                                      layout=w.Layout(width="32em", max_width="100%"))
        self.ap_reason = w.Textarea(description=t("ap_reason"), **text)
        self.contact_point = w.Text(description=t("contact_point"), **text)
        self.consequences = w.Textarea(description=t("consequences"), **text)
        self.measures = w.Textarea(description=t("measures"), **text)
        self.ap_notified = w.NaiveDatetimePicker(description=t("ap_notified_at"), **picker)
        self.other_ap_notified = w.NaiveDatetimePicker(description=t("other_ap_notified_at"),
                                                       **picker)
        self.subjects_informed = w.NaiveDatetimePicker(description=t("subjects_informed_at"),
                                                       **picker)
        self.phases: list[dict[str, Any]] = []
        self.phases_list = w.HTML()
        self.phase_at = w.NaiveDatetimePicker(description=t("phase_at"),
                                              style={"description_width": "3em"})
        self.phase_what = w.Text(placeholder=t("phase_what"),
                                 layout=w.Layout(flex="1 1 auto", max_width="420px"))
        self.phase_button = w.Button(description=t("phase_add"), icon="plus",
                                     layout=w.Layout(width="auto"))
        self.phase_button.on_click(lambda _: self.add_phase())
        self.status = w.ToggleButtons(
            options=[(v.get(lang), k) for k, v in self.kb.datalekken.status.items()],
            description=t("status"), style=style)
        self.notes = w.Textarea(description=t("notes"), **text)
        self.deadlines = w.HTML()
        self.message = w.HTML()
        self.refresh_button = w.Button(description=t("refresh"), icon="refresh",
                                       layout=w.Layout(width="auto"))
        self.export_button = w.Button(description=t("export"), icon="download",
                                      layout=w.Layout(width="auto"))
        self.refresh_button.on_click(lambda _: self.refresh())
        self.export_button.on_click(lambda _: self._export_clicked())
        self.choice.observe(self._choice_changed, names="value")
        for widget in self.inputs():
            widget.observe(self._changed, names="value")
        self.risk.observe(lambda _c: self._show_exceptions(), names="value")
        h4 = "<h4 style='margin:12px 0 4px'>{}</h4>"
        # Deadlines first: what must be done by when is what a person needs at a glance.
        self.widget = w.VBox([
            w.HTML(f"<h3>{html.escape(t('title'))}: {html.escape(self.assessment_id)}</h3>"),
            self.choice, w.HBox([self.refresh_button, self.export_button]), self.message,
            self.deadlines,
            self.discovered_by, self.discovered_at, self.reporter,
            w.HTML(h4.format(html.escape(t("questions")))), *boxes,
            w.HTML(h4.format(html.escape(t("risk")))), self.risk, self.exceptions_box,
            w.HTML(h4.format(html.escape(t("art33_3")))), self.contact_point,
            self.consequences, self.measures,
            w.HTML(h4.format(html.escape(t("deadlines")))),
            self.other_informed, self.ap_required, self.ap_reason, self.ap_notified,
            self.other_ap_notified, self.subjects_informed,
            w.HTML(h4.format(html.escape(t("phases")))), self.phases_list,
            w.HBox([self.phase_at, self.phase_what, self.phase_button],
                   layout=w.Layout(flex_flow="row wrap")),
            self.status, self.notes,
        ], layout=w.Layout(width="100%"))
        self.widget.add_class("avgkit-datalek")

    def _extra(self, qid: str, style: dict) -> list[w.Widget]:
        """The structured fields beside a question: kinds of data (2), min/max persons (3),
        contact details known (5), the period (7)."""
        t = self.t
        if qid == "q2":
            opts = [(o.text.get(self.lang), o.value) for o in self.kb.datalekken.data_kinds.options]
            self.data_kinds = w.SelectMultiple(options=opts, rows=len(opts),
                                               description=t("data_kinds"), style=style,
                                               layout=w.Layout(width="auto", max_width="820px"))
            return [self.data_kinds]
        if qid == "q3":
            # Text, not IntText: empty until answered (an IntText shows 0, which is an answer).
            count = {"placeholder": t("persons_unknown"), "continuous_update": False,
                     "style": style, "layout": w.Layout(width="34em")}
            self.persons_min = w.Text(description=t("persons_min"), **count)
            self.persons_max = w.Text(description=t("persons_max"), **count)
            return [w.HBox([self.persons_min, self.persons_max],
                           layout=w.Layout(flex_flow="row wrap"))]
        if qid == "q5":
            self.contact_known = w.Dropdown(
                options=[(t("unknown"), None), (t("yes"), True), (t("no"), False)],
                description=t("contact_known"), style=style,
                layout=w.Layout(width="32em", max_width="100%"))
            return [self.contact_known]
        if qid == "q7":
            self.period_start = w.NaiveDatetimePicker(description=t("period_start"), style=style)
            self.period_end = w.NaiveDatetimePicker(description=t("period_end"), style=style)
            return [w.VBox([self.period_start, self.period_end])]
        return []

    def inputs(self) -> list[w.Widget]:
        return [self.discovered_by, self.discovered_at, self.reporter, *self.answers.values(),
                self.data_kinds, self.persons_min, self.persons_max,
                self.contact_known, self.period_start, self.period_end, self.other_informed,
                self.ap_required, self.ap_reason, self.ap_notified, self.subjects_informed,
                self.status, self.notes, self.risk, self.contact_point, self.consequences,
                self.measures, self.other_ap_notified, *self.exceptions.values()]

    # --- loading ----------------------------------------------------------------------------
    def _latest(self) -> str | None:
        """The incident to reopen: the latest open one, else the latest; None if there is none."""
        items = self.incidents.list(self.assessment_id)
        if not items:
            return None
        open_ = [i for i in items if i.status == "open"] or items
        return max(open_, key=lambda i: (i.discovered_at, i.id)).id

    def _reload_choices(self, select: str) -> None:
        items = self.incidents.list(self.assessment_id)
        options = [(self.t("new_incident"), NEW)] + [(i.id, i.id) for i in items]
        self.loading = True
        try:
            self.choice.options = options
            self.choice.value = select if select in {v for _, v in options} else NEW
        finally:
            self.loading = False
        self.load(self.choice.value)

    def _choice_changed(self, change: dict[str, Any]) -> None:
        if not self.loading:
            self.load(change["new"])

    def load(self, incident_id: str) -> None:
        """Show a saved incident (or an empty form for a new one)."""
        self.loading = True
        try:
            if incident_id == NEW:
                self.current_id = None
                self.base_version = self.store.version(self.assessment_id)
                incident = None
            else:
                incident, self.base_version = self.incidents.get_with_version(
                    self.assessment_id, incident_id)
                self.current_id = incident.id
            self._fill(incident)
        finally:
            self.loading = False
        self.message.value = ""
        self.refresh()

    def _fill(self, i: Incident | None) -> None:
        self.discovered_by.value = i.discovered_by if i else "provider"
        self.discovered_at.value = _naive(i.discovered_at) if i else None
        self.reporter.value = i.reporter if i else ""
        for qid, area in self.answers.items():
            area.value = i.answers.get(qid, "") if i else ""
        known = {v for _, v in self.data_kinds.options}
        self.data_kinds.value = tuple(k for k in (i.data_kinds if i else ()) if k in known)
        self.persons_min.value = "" if i is None or i.persons_min is None else str(i.persons_min)
        self.persons_max.value = "" if i is None or i.persons_max is None else str(i.persons_max)
        self.contact_known.value = i.contact_known if i else None
        self.period_start.value = _naive(i.period_start) if i else None
        self.period_end.value = _naive(i.period_end) if i else None
        self.other_informed.value = _naive(i.other_party_informed_at) if i else None
        self.ap_required.value = i.ap_required if i else None
        self.ap_reason.value = i.ap_reason if i else ""
        self.ap_notified.value = _naive(i.ap_notified_at) if i else None
        self.subjects_informed.value = _naive(i.subjects_informed_at) if i else None
        self.status.value = i.status if i else "open"
        self.notes.value = i.notes if i else ""
        self.risk.value = (i.risk or "") if i else ""
        self.contact_point.value = i.contact_point if i else ""
        self.consequences.value = i.consequences if i else ""
        self.measures.value = i.measures if i else ""
        self.other_ap_notified.value = _naive(i.other_ap_notified_at) if i else None
        for eid, box in self.exceptions.items():
            known = i.exceptions.get(eid) if i else None
            box.value = "" if known is None else "yes" if known else "no"
        self.phases = [p.model_dump() for p in i.phases] if i else []
        self._show_phases()
        self._show_exceptions()

    # --- the incident ----------------------------------------------------------------------
    def incident(self) -> Incident:
        """The incident the form shows; ValueError naming the field if it is not valid."""
        if self.discovered_at.value is None:
            raise ValueError(f"{self.t('discovered_at')}: {self.t('answer_missing')}")
        existing = {i.id for i in self.incidents.list(self.assessment_id)}
        incident_id = self.current_id or breach.next_incident_id(existing,
                                                                 self.discovered_at.value)
        data = {
            "id": incident_id, "discovered_at": self.discovered_at.value,
            "discovered_by": self.discovered_by.value, "reporter": self.reporter.value,
            "answers": {k: a.value for k, a in self.answers.items()},
            "data_kinds": list(self.data_kinds.value),
            "persons_min": self._count(self.persons_min, "persons_min"),
            "persons_max": self._count(self.persons_max, "persons_max"),
            "contact_known": self.contact_known.value,
            "period_start": self.period_start.value, "period_end": self.period_end.value,
            "other_party_informed_at": self.other_informed.value,
            "ap_required": self.ap_required.value, "ap_reason": self.ap_reason.value,
            "ap_notified_at": self.ap_notified.value,
            "subjects_informed_at": self.subjects_informed.value,
            "status": self.status.value, "notes": self.notes.value,
            "risk": self.risk.value or None, "contact_point": self.contact_point.value,
            "consequences": self.consequences.value, "measures": self.measures.value,
            "other_ap_notified_at": self.other_ap_notified.value,
            "exceptions": {k: b.value == "yes" for k, b in self.exceptions.items() if b.value},
            "phases": self.phases,
        }
        try:
            return Incident.from_dict(data)
        except ValidationError as exc:
            raise ValueError(breach.incident_error(exc)) from None

    def _count(self, box: w.Text, field: str) -> int | None:
        """An empty box is 'not yet known'; anything else must be a whole number >= 0."""
        text = box.value.strip().replace(".", "").replace(" ", "")
        if not text:
            return None
        if not text.isdigit():
            raise ValueError(self.t("not_a_count").format(field=self.t(field), value=box.value))
        return int(text)

    def add_phase(self) -> None:
        """Record one step of a notification in phases (art. 33 lid 4 AVG)."""
        if self.phase_at.value is None:
            self.message.value = html.escape(self.t("not_saved").format(
                problem=f"{self.t('phase_at')}: {self.t('answer_missing')}"))
            return
        self.phases = [*self.phases, {"at": self.phase_at.value,
                                      "what": self.phase_what.value.strip()}]
        self.phase_at.value = None
        self.phase_what.value = ""
        self._show_phases()
        self._changed({})

    def _show_phases(self) -> None:
        when = [breach.format_time(breach.local_time(p["at"]), self.lang) for p in self.phases]
        rows = "".join(f"<li>{html.escape(at)}: {html.escape(p.get('what') or '')}</li>"
                       for at, p in zip(when, self.phases, strict=True))
        self.phases_list.value = f"<ul>{rows}</ul>" if rows else ""

    def _show_exceptions(self) -> None:
        self.exceptions_box.layout.display = "" if self.risk.value == "hoog" else "none"

    def _changed(self, _change: dict[str, Any]) -> None:
        if self.loading:
            return
        self.refresh()
        if self.autosave:
            self.save()

    def refresh(self) -> None:
        """Recompute the deadlines from what the form holds now."""
        from avgkit.templating import environment

        try:
            incident = self.incident()
        except ValueError as exc:
            self.deadlines.value = f"<p><i>{html.escape(str(exc))}</i></p>"
            return
        context = breach.report_context(incident, self.store.get(self.assessment_id), self.lang,
                                        now=self._now())
        body = environment().get_template("_incident_deadlines.html.j2").render(**context)
        self.deadlines.value = f'{CSS}<div class="avgkit-datalek">{body}</div>'

    def _now(self) -> dt.datetime:
        return self.now or dt.datetime.now(AMSTERDAM)

    def save(self) -> int | None:
        """Save the incident; returns the assessment's new version, or None (message says why)."""
        from avgkit.store import ConflictError

        try:
            incident = self.incident()
            version = self.incidents.save(self.assessment_id, incident, self.who,
                                          base_version=self.base_version)
        except ConflictError as exc:
            paths = ", ".join(getattr(exc, "paths", []) or [str(exc)])
            self.message.value = html.escape(self.t("conflict").format(paths=paths))
            return None
        except ValueError as exc:
            self.message.value = html.escape(self.t("not_saved").format(problem=exc))
            return None
        others = self.base_version is not None and version > self.base_version + 1
        self.base_version = version
        if others and self.current_id is not None:
            self.load(incident.id)  # show what others changed meanwhile (merged by field)
        message = self.t("saved").format(id=incident.id, version=version)
        if others:
            message += " " + self.t("merged")
        self.message.value = html.escape(message)
        if self.current_id is None:
            self.current_id = incident.id
            self.loading = True
            try:
                ids = [v for _, v in self.choice.options]
                self.choice.options = [*self.choice.options, (incident.id, incident.id)] \
                    if incident.id not in ids else self.choice.options
                self.choice.value = incident.id
            finally:
                self.loading = False
        return version

    def _report(self) -> tuple[str, str]:
        """(file name, HTML) of the incident report."""
        incident = self.incident()
        assessment = self.store.get(self.assessment_id)
        history = self.incidents.history(self.assessment_id, incident.id) \
            if self.current_id else []
        name = (f"{breach.safe_filename(assessment.id)}-"
                f"{breach.safe_filename(incident.id)}.html")
        return name, breach.render_report(incident, assessment, self.lang, self._now(), history)

    def export(self) -> Path:
        """Write the incident report (HTML) to the reports folder; returns its path."""
        if self.reports_dir is None:
            raise ValueError("no reports folder here: the report is offered as a download")
        name, page = self._report()
        self.reports_dir.mkdir(parents=True, exist_ok=True)
        path = self.reports_dir / name
        path.write_text(page, encoding="utf-8")
        return path

    def download(self) -> str:
        """The incident report as a download link (made in memory, no file written)."""
        from avgkit.presentation import Labels
        from avgkit.widgets.browser import download_html, size_text

        name, page = self._report()
        data = page.encode("utf-8")
        t = Labels(self.lang)
        link = download_html(data, name, t.format("download_label", name=name))
        ready = t.format("report_ready", size=size_text(len(data), self.lang))
        return (f'<span class="avgkit">{link} <span class="muted small">'
                f"{html.escape(ready)}</span></span>")

    def _export_clicked(self) -> None:
        try:
            if self.reports_dir is None:
                self.message.value = self.download()
                return
            path = self.export()
        except ValueError as exc:
            self.message.value = html.escape(self.t("not_saved").format(problem=exc))
            return
        self.message.value = html.escape(self.t("report_saved").format(path=path))


def _author() -> str:
    """Who a change is recorded under: the hub user on the team server, else the OS user."""
    from avgkit.identity import author

    return author()


def _checkout_relative(path: Path) -> Path:
    """A notebook runs in notebooks/; relative default paths are meant from the checkout."""
    cwd = Path.cwd()
    if not path.is_absolute() and cwd.name == "notebooks" and (cwd.parent / "avgkit").is_dir():
        return cwd.parent / path
    return path


def store_path(path: str = "") -> Path:
    """The store: the given path, else $AVGKIT_STORE, else the checkout's data/avgkit.sqlite."""
    from avgkit.store import default_store_path

    if path:
        return Path(path).expanduser()
    if os.environ.get("AVGKIT_STORE"):
        return Path(default_store_path())
    return _checkout_relative(Path(default_store_path()))


class DatalekApp:
    """The frame around the form, as avgkit.widgets.app.App does for the other notebooks: a
    language switch, a way back to the list of assessments, and the picker when no assessment is
    chosen yet (so Run All in JupyterLab and a Voilà URL without ?id= both work)."""

    def __init__(self, store, lang: str = "nl", assessment_id: str | None = None,
                 incident_id: str | None = None, reports_dir: str | Path | None = "reports",
                 who: str = "", now=None):
        self.store, self.reports_dir, self.who, self.now = store, reports_dir, who, now
        self.widget = w.VBox(layout=w.Layout(width="100%"))
        self.form: DatalekForm | None = None
        self._build(check_lang(lang), assessment_id, incident_id)

    def _build(self, lang: str, assessment_id: str | None, incident_id: str | None) -> None:
        from avgkit.presentation import Labels
        from avgkit.widgets.common import ErrorLog, style_widget
        from avgkit.widgets.picker import AssessmentPicker

        self.lang = lang
        t = Labels(lang)
        dl = load_knowledge().datalekken.labels
        self.errors = ErrorLog(t)
        self.message = w.HTML()
        self.lang_switch = w.ToggleButtons(options=[("NL", "nl"), ("EN", "en")], value=lang,
                                           tooltip=t["language"],
                                           style={"button_width": "3.5em"})
        self.lang_switch.observe(self.errors.guard(lambda c: self.switch_language(c["new"])),
                                 "value")
        self.list_button = w.Button(description=dl["assessment_list"].get(lang), icon="list",
                                    layout=w.Layout(width="auto"))
        self.list_button.on_click(self.errors.guard(lambda _b: self.show_picker()))
        title = w.HTML(f'<div class="avgkit"><h1>{html.escape(dl["title"].get(lang))}</h1>'
                       "</div>", layout=w.Layout(flex="1 1 auto"))
        header = w.HBox([title, self.list_button, self.lang_switch],
                        layout=w.Layout(align_items="center", width="100%",
                                        flex_flow="row wrap"))
        self.body = w.VBox(layout=w.Layout(width="100%"))
        self.widget.children = [style_widget(), header, self.message, self.body,
                                self.errors.widget]
        self.picker = AssessmentPicker(self.store, t, self.errors, self.open)
        self.form = None
        if assessment_id:
            self.errors.guard(self.open)(assessment_id, incident_id)
        else:
            self.show_picker()

    def show_picker(self) -> None:
        self.form = None
        self.picker.refresh()
        self.body.children = [self.picker.widget]
        self.list_button.layout.display = "none"

    def open(self, assessment_id: str, incident_id: str | None = None) -> bool:
        from avgkit.presentation import Labels
        from avgkit.store import NotFoundError

        try:
            self.store.get(assessment_id)
        except NotFoundError:
            self._say(Labels(self.lang).format("not_found", id=assessment_id))
            self.show_picker()
            return False
        self.message.value = ""
        self.form = DatalekForm(self.store, assessment_id, self.lang, incident_id,
                                who=self.who, reports_dir=self.reports_dir, now=self.now)
        self.body.children = [self.form.widget]
        self.list_button.layout.display = ""
        return True

    def switch_language(self, lang: str) -> None:
        if lang == self.lang:
            return
        place = (self.form.assessment_id, self.form.current_id) if self.form else (None, None)
        self._build(lang, *place)

    def warn_ignored(self, problems: list[str]) -> None:
        from avgkit.presentation import Labels

        self._say(Labels(self.lang).format("query_ignored", items="; ".join(problems)))

    def _say(self, text: str) -> None:
        self.message.value = (f'<div class="avgkit"><div class="message warning">'
                              f"{html.escape(text)}</div></div>")


def split_incident(query: str | None) -> tuple[str | None, str | None, list[str]]:
    """Take `incident=` out of a Voilà query string (the rest goes to avgkit.notebook's
    parse_query): (the remaining query, a valid incident id or None, problems)."""
    from urllib.parse import parse_qsl, urlencode

    from avgkit.assessment import ID_PATTERN

    if not query:
        return query, None, []
    try:
        pairs = parse_qsl(query.lstrip("?"), keep_blank_values=False, max_num_fields=20)
    except ValueError:
        return query, None, []
    incident, problems = None, []
    for name, value in pairs:
        if name == "incident":
            if ID_PATTERN.match(value.strip()):
                incident = value.strip()
            else:
                problems.append("incident: not a valid incident id")
    rest = urlencode([(n, v) for n, v in pairs if n != "incident"])
    return rest, incident, problems


def run(assessment_id: str = "", store: str = "", lang: str = "nl", interactive: bool = True,
        incident_id: str = "", reports_dir: str = "", query: str | None = None):
    """The datalek notebook. Interactive: the app (picker, form, language switch); in Voilà
    ?id=SW-001&incident=DL-...&lang=en&store=/path.sqlite opens an incident directly (parsed as
    untrusted input). Report mode (papermill): the static report of one incident (incident_id) or
    of every incident of the assessment, no widgets."""
    from IPython.display import HTML, display

    from avgkit.identity import server_mode
    from avgkit.notebook import parse_query, query_string, store_problem_html
    from avgkit.store import Store, StoreError

    check_lang(lang)
    server = server_mode()
    if not interactive:
        if server:
            raise ValueError("report mode is not served by the team server")
        if not assessment_id:
            raise ValueError("report mode of the datalek notebook needs an assessment_id")
        path = store_path(store)
        if not path.is_file():
            raise FileNotFoundError(f"no store at {path} (report mode never creates one)")
        st = Store(path)
        assessment = st.get(assessment_id)
        incidents = IncidentStore(st)
        chosen = ([incidents.get(assessment_id, incident_id)] if incident_id
                  else incidents.list(assessment_id))
        for incident in chosen:
            display(HTML(breach.render_report(
                incident, assessment, lang,
                history=incidents.history(assessment_id, incident.id), standalone=False)))
        return None
    load_knowledge()  # done before a preheated kernel waits for its visitor
    if query is None:
        query = query_string()
    had_store = False
    if server:  # team server: the URL names no file on the server; the value is never read
        from avgkit.server.session import split_store_param

        query, had_store = split_store_param(query)
    rest, query_incident, problems = split_incident(query)
    params = parse_query(rest)
    assessment_id = params.assessment_id or assessment_id
    lang = params.lang or lang
    incident_id = query_incident or incident_id
    ignored = [*params.ignored, *problems]
    try:
        if server:
            from avgkit.presentation import Labels
            from avgkit.server.session import open_store

            if had_store:
                ignored.insert(0, Labels(lang)["server_store_fixed"])
            try:
                st = open_store()
            except StoreError:
                display(HTML('<div class="message error" style="color:#a61b1b">'
                             f'{html.escape(Labels(lang)["server_store_unavailable"])}</div>'))
                return None
            reports, who = None, _author()
        else:
            st = Store(store_path(params.store or store))
            reports = Path(reports_dir) if reports_dir else _checkout_relative(Path("reports"))
            who = ""
    except StoreError as exc:
        display(HTML(store_problem_html(lang, exc)))
        return None
    app = DatalekApp(st, lang, assessment_id or None, incident_id or None, reports_dir=reports,
                     who=who)
    if ignored:
        app.warn_ignored(ignored)
    display(app.widget)
    return app
